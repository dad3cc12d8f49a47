"""Jurisdiction-neutral law the core rules carry: when a release binds and what it reaches,
withdrawn measures, remedies after a release, facts alleged, claims pleaded, and spoliation.
Each test changes one fact of a bundled case study and checks the outcome moves as the cited
authority says."""

from __future__ import annotations

from typing import Any

import pytest
from casekit import by_id, variant

from compliance_engine.assess import Engine
from compliance_engine.result import Effect, Finding, Result

LIBGEN = "US.COPY.REPRO/acq_libgen/class_works"
PILIMI = "US.COPY.REPRO/acq_pilimi/class_works"
LATER = "US.COPY.REPRO/keep_library_after_release/class_works"


def bartz(**settlement: Any) -> Result:
    def change(data: dict[str, Any]) -> None:
        by_id(data["mitigations"], "settlement").update(settlement)
    return Engine().assess(variant("bartz", change)).result


def cure(result: Result, finding: str, mitigation: str = "settlement") -> Effect | None:
    return next((e for m in result.mitigations if m.id == mitigation for e in m.effects
                 if e.finding == finding and e.effect == "cure"), None)


def finding(result: Result, finding_id: str) -> Finding:
    return next(f for f in result.findings if f.id == finding_id)


@pytest.fixture(scope="module")
def approved() -> Result:
    return bartz(court_approval="final")


# ------------------------------------------------------------------ when a release binds

def test_class_release_binds_only_on_final_approval(approved: Result) -> None:
    """Fed. R. Civ. P. 23(e): the claims of a certified class may be settled only with the
    court's approval, after a hearing; preliminary approval does not bind the class."""
    assert cure(approved, PILIMI) is not None and cure(approved, PILIMI).status == "established"
    preliminary = bartz(court_approval="preliminary")
    assert cure(preliminary, PILIMI) is None
    denied = bartz(court_approval="denied")
    assert cure(denied, PILIMI) is None


def test_unstated_approval_is_an_unknown_the_cure_turns_on() -> None:
    """An approval the case does not state is unknown, not assumed: the cure is undecided and
    turns on it (the defendant relies on the release, so the burden is the defendant's)."""
    effect = cure(Engine().assess(variant("bartz")).result, PILIMI)
    assert effect is not None and effect.status == "needs_facts"
    missing = {m.fact.split(":")[0]: m for m in effect.missing_facts}
    assert "mitigations[2].court_approval" in missing
    assert missing["mitigations[2].court_approval"].burden == "defendant"


def test_release_not_yet_effective_does_not_cure() -> None:
    """A release whose terms make it effective on a later date does not bind before then."""
    result = bartz(court_approval="final", effective_date="2026-09-01")
    assert cure(result, PILIMI) is None
    assert cure(bartz(court_approval="final", effective_date="2026-01-01"), PILIMI) is not None


def test_opt_outs_keep_their_claims() -> None:
    """Fed. R. Civ. P. 23(c)(2)(B)(v); Phillips Petroleum Co. v. Shutts, 472 U.S. 797 (1985): a
    member who requests exclusion is not bound by the class judgment or release."""
    def change(data: dict[str, Any]) -> None:
        data["parties"].append({"id": "opted_out", "name": "An author who opted out",
                                "kind": "person", "roles": ["right_holder"]})
        by_id(data["works"], "class_works")["owners"].append("opted_out")
        settlement = by_id(data["mitigations"], "settlement")
        settlement.update(court_approval="final", opt_outs=["opted_out"])
    result = Engine().assess(variant("bartz", change)).result
    assert cure(result, PILIMI) is None


def test_release_of_past_conduct_cannot_release_later_conduct(approved: Result) -> None:
    """Lawlor v. National Screen Service Corp., 349 U.S. 322 (1955): a settlement of past
    conduct does not bar claims over later conduct, though a continuation of it.  Settled law,
    not a contested point: the retention after the released period is not cured."""
    assert cure(approved, LATER) is None
    assert "release_launders_model" not in {r.point for f in approved.findings
                                             for r in f.readings}


def test_release_without_period_reaches_only_conduct_before_it() -> None:
    """Lawlor again: with no stated period, a release covers only what happened before it."""
    result = bartz(court_approval="final", period_end=None, covers_outputs=True)
    assert cure(result, PILIMI) is not None
    assert cure(result, LATER) is None          # 2025-09-10, after the release of 2025-09-05


def test_class_release_reaches_only_the_factual_predicate_of_the_suit() -> None:
    """Hesse v. Sprint Corp., 598 F.3d 581 (9th Cir. 2010): a class release reaches only claims
    based on the identical factual predicate as the claims in the suit."""
    def change(data: dict[str, Any]) -> None:
        by_id(data["mitigations"], "settlement")["court_approval"] = "final"
        by_id(data["events"], "suit")["targets"] = ["acq_libgen"]
    result = Engine().assess(variant("bartz", change)).result
    assert cure(result, LIBGEN) is not None
    assert cure(result, PILIMI) is None


# ------------------------------------------------------------------ remedies after a release

def test_a_released_claim_leaves_no_remedy_and_says_which_release(approved: Result) -> None:
    """A release is a complete defence to recovery on the released claim (Fed. R. Civ. P.
    8(c)(1)): no statutory damages, injunction or other remedy remains for it, and the remedy
    names the settlement that took it away; an unreleased claim keeps its remedies."""
    released = [r for r in approved.remedies if r.finding == PILIMI]
    assert released and all(r.status == "unavailable" and "settlement" in r.changed_by
                            for r in released)
    kept = [r for r in approved.remedies if r.finding == LATER]
    assert kept and all("settlement" not in r.changed_by for r in kept)


# ------------------------------------------------------------------ withdrawn measures

def test_a_withdrawn_filter_stops_counting_from_its_withdrawal() -> None:
    """A measure limits liability only while it is in place: guardrails switched off before
    the analysis date give no `future` effect (Disney v. Midjourney facts); still in place,
    they do."""
    result = Engine().assess(variant("disney_midjourney")).result
    video = "US.COPY.REPRO/video_outputs/studio_characters"
    withdrawn = {e.effect for m in result.mitigations if m.id == "video_guardrails"
                 for e in m.effects if e.finding == video}
    assert "future" not in withdrawn

    def keep(data: dict[str, Any]) -> None:
        by_id(data["mitigations"], "video_guardrails").pop("withdrawn")
    kept = Engine().assess(variant("disney_midjourney", keep)).result
    assert "future" in {e.effect for m in kept.mitigations if m.id == "video_guardrails"
                        for e in m.effects if e.finding == video}


# ------------------------------------------------------------------ allegations and pleading

def test_a_fact_only_alleged_leaves_the_finding_uncertain_until_proved() -> None:
    """A complaint's allegation is not a finding: a liability resting on it is pending proof
    (uncertain, one outcome as alleged and one not proved); admitted or found, it is
    established."""
    loaded = variant("concord")
    output = "US.COPY.REPRO/lyric_outputs/lyrics"
    alleged = finding(Engine().assess(loaded).result, output)
    assert alleged.status == "uncertain"
    labels = {r.reading.split(" (")[0]: r.status for r in alleged.readings}
    assert labels.get("not proved") == "not_established"

    def admit(data: dict[str, Any]) -> None:
        for allegation in data["allegations"]:
            if allegation["record"] == "lyric_outputs":
                allegation["status"] = "admitted"
    admitted = finding(Engine().assess(variant("concord", admit)).result, output)
    assert admitted.status != "uncertain" or not any(
        r.reading == "not proved" for r in admitted.readings)


def test_theories_not_pleaded_are_reported_apart_and_not_answered() -> None:
    """The case lists the claims pleaded; a theory the facts support but nobody pleads is
    reported as such and does not count in the answer on a mitigation."""
    def plead_nothing_relevant(data: dict[str, Any]) -> None:
        data["case"]["claims_pleaded"] = ["US.DMCA.1202"]
    result = Engine().assess(variant("bartz", plead_nothing_relevant)).result
    assert {f.pleaded for f in result.findings} == {False}
    answers = {a.mitigation: a.answer for a in result.answer}
    assert answers["settlement"] == "no"
    assert "there is no liability it is offered against" in next(
        a.summary for a in result.answer if a.mitigation == "settlement")
    pleaded = Engine().assess(variant("bartz")).result
    assert {f.pleaded for f in pleaded.findings} == {True}
