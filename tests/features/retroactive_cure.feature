@us @mitigation
Feature: Does a later measure cure liability for copies already made?
  Counsel needs to know which mitigations extinguish accrued liability for the pirated library
  in Bartz v. Anthropic, and which only limit it or change the remedy.

  Background:
    Given the case study "bartz"

  Rule: A settlement release cures only within its parties, claims and period (legal-kb §1 A6)

    Scenario Outline: Conduct inside and outside the released period
      Given mitigation "settlement" covers conduct up to <period end>
      When the case is assessed
      Then the effects of "settlement" on "<finding>" are "<effects>"

      Examples: the Bartz release, through 25 Aug 2025
        | period end | finding                                               | effects |
        | 2025-08-25 | US.COPY.REPRO/acq_libgen/class_works                  | cure    |
        | 2025-08-25 | US.COPY.REPRO/keep_library_after_release/class_works | none    |

      Examples: a release period that ended before the download
        | period end | finding                              | effects |
        | 2021-01-01 | US.COPY.REPRO/acq_libgen/class_works | none    |

    Scenario: Output claims are not released unless the release says so
      # the record leaves the final approval open; a class release binds only once approved
      # (Fed. R. Civ. P. 23(e)), and this scenario is about its scope
      Given mitigation "settlement" has court_approval set to final
      When the case is assessed
      Then the effects of "settlement" on "US.COPY.REPRO/claude_outputs/class_works" are "none"
      And the answer for "settlement" is "partly"

    Scenario: A release by someone who does not own the works cures nothing
      Given mitigation "settlement" is granted by "books3_owners"
      When the case is assessed
      Then the effects of "settlement" on "US.COPY.REPRO/acq_libgen/class_works" are "none"

  Rule: A later licence is a remedy, not a cure, unless every owner grants it and releases past use (Davis v. Blige)
    (a class can release its members' claims only in a settlement the court approves, Fed. R. Civ. P. 23(e), so
    the owners who license here are ordinary owners)

    Scenario Outline: Who grants the licence
      Given work cohort "class_works" is owned by "<owners>"
      And mitigation "later_purchase" is granted by "<grantors>"
      And mitigation "later_purchase" has releases_past_use set to <release>
      When the case is assessed
      Then the effects of "later_purchase" on "US.COPY.REPRO/acq_libgen/class_works" are "<effects>"
      And the proof of that effect cites "<authority>"

      Examples:
        | owners                      | grantors      | release | effects       | authority             |
        | print_owners                | print_owners  | true    | cure, future  | Davis v. Blige        |
        | authors_class, print_owners | authors_class | true    | remedy        | Bartz v. Anthropic    |
        | authors_class               | authors_class | false   | future, remedy | Bartz v. Anthropic   |
        | authors_class               | booksellers   | false   | remedy        | Bartz v. Anthropic    |

  Rule: Deleting copies limits retention from then on, and aggravates exposure if done unprompted after notice (legal-kb §1 A8); unprompted before notice it is good-faith evidence or consciousness of guilt, a contested point (legal-kb §6.16)

    Scenario Outline: When the copies were deleted
      Given mitigation "destroy_pirated" has date set to <date>
      And mitigation "destroy_pirated" <requirement>
      When the case is assessed
      Then the effects of "destroy_pirated" on "US.COPY.REPRO/acq_libgen/class_works" are "<effects>"

      Examples:
        | date       | requirement                    | effects            |
        | 2025-12-15 | was required by the settlement | future             |
        | 2025-12-15 | was not required by anyone     | aggravate, future  |
        | 2024-01-01 | was not required by anyone     | aggravate, future, remedy |
