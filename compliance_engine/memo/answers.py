"""Brief answers: how an effect the engine determined is put to counsel.

The label follows from the result alone, by these rules (also printed in every memo):

* **Yes**: the mitigation cures the liability in every world: every reading of every contested
  point and every value of every fact the case leaves unknown.
* **No**: no world in which it cures the liability; the answer says what it does instead.
* **Probably no**: it cures the liability only if a fact the case leaves unknown is proved by the
  party relying on the mitigation (the defendant bears that burden), and nothing else is open.
* **Probably yes**: it cures the liability unless the claimant proves a fact the case leaves
  unknown, and nothing else is open.
* **Indeterminate**: the cure turns on a contested point of law, on unknown facts with the burden
  on both sides, or the rulebook records the effect itself as unsettled.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..result import Effect, Finding, ReadingOutcome
from .model import AnswerLabel

__all__ = ["ANSWER_KEY", "EFFECT_WORDS", "brief_answer"]

EFFECT_WORDS = {
    "cure": "cures it",
    "future": "stops the conduct from its date on but leaves liability for what was done before",
    "remedy": "leaves liability in place and only bears on the remedies",
    "none": "has no effect on it",
    "uncertain": "has an effect the law has not settled",
    "aggravate": "aggravates it",
}

ANSWER_KEY = [" ".join(item.split()).replace("**", "") for item in (__doc__ or "").split(
    "(also printed in every memo):", 1)[1].split("\n* ")[1:]]
"""The label rules above, one plain sentence each, for the memo's key to the brief answers."""


def brief_answer(finding: Finding, effects: Sequence[Effect]) -> tuple[AnswerLabel, str]:
    """The label and the sentence that explains it, from the effects one mitigation has on the
    liability of ``finding``."""
    label, reason = _decide(effects)
    if finding.status != "established":
        reason += (" Whether the liability arises at all is itself "
                   f"{'open' if finding.status == 'uncertain' else 'undecided on the facts'}.")
    return label, reason


def _decide(effects: Sequence[Effect]) -> tuple[AnswerLabel, str]:
    cures = [e for e in effects if e.effect == "cure"]
    others = _others(effects)
    if any(e.status == "established" for e in cures):
        return "Yes", _why(cures, "It cures the liability whatever the open points.")
    if cures:
        cure = cures[0]
        if cure.readings:
            return "Indeterminate", "It cures the liability only under some readings: " \
                   + _readings(cure.readings) + "." + others
        burdens = {m.burden for m in cure.missing_facts}
        facts = "; ".join(m.fact for m in cure.missing_facts)
        if burdens == {"defendant"}:
            return "Probably no", ("It cures the liability only if the defendant proves what "
                                   f"the case leaves unknown: {facts}." + others)
        if burdens == {"claimant"}:
            return "Probably yes", ("It cures the liability unless the claimant proves what the "
                                    f"case leaves unknown: {facts}." + others)
        return "Indeterminate", f"Whether it cures the liability turns on: {facts}." + others
    if any(e.effect == "uncertain" for e in effects):
        return "Indeterminate", _why([e for e in effects if e.effect == "uncertain"],
                                     "The law has not settled what it does to the liability.")
    if not effects:
        return "No", "No rule gives it any effect on this liability."
    return "No", "It does not cure the liability: it " + _effects(effects) + "."


def _why(effects: Sequence[Effect], default: str) -> str:
    statements = [e.explanation.statement for e in effects
                  if e.explanation is not None and e.explanation.statement]
    return " ".join(dict.fromkeys(statements)) or default


def _effects(effects: Sequence[Effect]) -> str:
    parts = []
    for effect in effects:
        words = EFFECT_WORDS[effect.effect]
        if effect.status != "established":
            words += (" (only under some readings)" if effect.readings
                      else " (depending on facts the case leaves unknown)")
        parts.append(words)
    return "; it ".join(dict.fromkeys(parts))


def _others(effects: Sequence[Effect]) -> str:
    rest = [e for e in effects if e.effect != "cure"]
    return f" Otherwise it {_effects(rest)}." if rest else ""


def _readings(readings: Sequence[ReadingOutcome]) -> str:
    return "; ".join(f"under '{r.reading}' ({r.point}) the cure is {_word(r.status)}"
                     for r in readings)


def _word(status: str) -> str:
    return status.replace("_", " ")
