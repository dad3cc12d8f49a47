@us @contested
Feature: Contested doctrine is evaluated under each reading, never silently decided
  Where courts disagree, the engine reports the outcome under every reading with its authorities,
  unless counsel pins one.

  Rule: Pirated acquisition for training (legal-kb §6.2: Bartz vs Kadrey)

    Scenario: Torrenting books for training, not kept as a library
      Given the case study "kadrey"
      When the case is assessed
      Then finding "US.COPY.REPRO/acq_torrent/plaintiffs_books" is "uncertain"
      And under reading "separate_use" it is "established"
      And under reading "folded_into_training" it is "not_established"

    Scenario: Keeping the torrented books as a library takes the case out of the Kadrey reading
      Given the case study "kadrey"
      And act "acq_torrent" has retained set to true
      When the case is assessed
      Then finding "US.COPY.REPRO/acq_torrent/plaintiffs_books" is "established"

    Scenario: Counsel pins the Bartz reading
      Given the case study "kadrey"
      When the case is assessed under reading "separate_use"
      Then finding "US.COPY.REPRO/acq_torrent/plaintiffs_books" is "established"

  Rule: The model as a copy turns on memorisation evidence (legal-kb §6.1)

    Scenario Outline: Memorisation evidence
      Given the case study "concord"
      And model "claude" has memorisation set to <memorisation>
      When the case is assessed
      Then finding "US.COPY.REPRO/claude_weights/lyrics" is "<status>"

      Examples:
        | memorisation | status          |
        | true         | uncertain       |
        | false        | not_established |

    Scenario: Unknown memorisation evidence is a fact the claimant must prove
      Given the case study "concord"
      When the case is assessed
      Then finding "US.COPY.REPRO/claude_weights/lyrics" needs "models[0].memorisation" proved by the claimant
