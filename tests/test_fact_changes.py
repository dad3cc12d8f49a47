"""Changing one fact changes the right outcome: the determination comes from rules over facts."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from compliance_engine.assess import Engine
from compliance_engine.case.load import LoadedCase, load_case
from compliance_engine.case.model import Case
from compliance_engine.result import Result

ROOT = Path(__file__).resolve().parents[1] / "case_studies"
LIBGEN = "US.COPY.REPRO/acq_libgen/class_works"
# The PiLiMi download (Jul 2022) lies within three years of the suit (19 Aug 2024), so its finding
# is established on the record; the LibGen download (Jun 2021) lies more than three years before
# it, and with no discovery date stated the finding turns on when the class discovered it
# (17 U.S.C. §507(b); Warner Chappell Music v. Nealy, 601 U.S. 366 (2024)).  Tests about what a
# mitigation does to an established finding use PiLiMi.
PILIMI = "US.COPY.REPRO/acq_pilimi/class_works"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def variant(name: str, change: Callable[[dict[str, Any]], None]) -> LoadedCase:
    loaded = load_case(ROOT / name / "case.yaml")
    data = loaded.case.model_dump(mode="json", exclude_none=True)
    change(data)
    return dataclasses.replace(loaded, case=Case.model_validate(data))


def by_id(items: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return next(i for i in items if i["id"] == key)


def effects(result: Result, mitigation: str, finding: str) -> dict[str, str]:
    return {e.effect: e.status for m in result.mitigations if m.id == mitigation
            for e in m.effects if e.finding == finding}


def test_release_period_ending_before_the_act_does_not_cure(engine: Engine) -> None:
    def change(d: dict[str, Any]) -> None:
        by_id(d["mitigations"], "settlement")["period_end"] = "2021-01-01"
    result = engine.assess(variant("bartz", change)).result
    assert effects(result, "settlement", LIBGEN) == {"none": "established"}
    baseline = engine.assess(load_case(ROOT / "bartz" / "case.yaml")).result
    # within its period the release cures, but a class settlement binds the class only once the
    # court has finally approved it (Fed. R. Civ. P. 23(e)(2)); the record does not say it has,
    # so the cure turns on that fact (it was "established" before the rule on approval)
    assert effects(baseline, "settlement", LIBGEN) == {"cure": "needs_facts"}


def test_release_by_someone_else_does_not_cure(engine: Engine) -> None:
    def change(d: dict[str, Any]) -> None:
        by_id(d["mitigations"], "settlement")["grantors"] = ["books3_owners"]
    result = engine.assess(variant("bartz", change)).result
    assert "cure" not in effects(result, "settlement", LIBGEN)


# Deleting the library ends its continuing retention only under the reading that keeping copies
# is itself a use (Bartz); under the reading that possession is not reproduction (17 U.S.C.
# §106(1); Petrella; Roley) nothing continuing is left to stop - so `future` is uncertain, one
# outcome per reading of retention_as_reproduction (it was "established" before that point).
@pytest.mark.parametrize(("date", "required", "expected"), [
    ("2025-12-15", False, {"future": "uncertain", "aggravate": "established"}),
    # before any notice and unprompted: good-faith remediation or consciousness of guilt is
    # contested (legal-kb §6.16), so both effects are uncertain
    ("2024-01-01", False, {"future": "uncertain", "aggravate": "uncertain",
                           "remedy": "uncertain"}),
    ("2025-12-15", True, {"future": "uncertain"}),
])
def test_deletion_after_notice_aggravates(engine: Engine, date: str, required: bool,
                                          expected: dict[str, str]) -> None:
    def change(d: dict[str, Any]) -> None:
        deletion = by_id(d["mitigations"], "destroy_pirated")
        deletion["date"] = date
        if not required:
            deletion.pop("required_by")
    result = engine.assess(variant("bartz", change)).result
    assert effects(result, "destroy_pirated", PILIMI) == expected


def test_deletion_on_an_unknown_date_needs_facts(engine: Engine) -> None:
    def change(d: dict[str, Any]) -> None:
        deletion = by_id(d["mitigations"], "destroy_pirated")
        deletion.pop("required_by")
        deletion.pop("date", None)  # the case file no longer states one
    result = engine.assess(variant("bartz", change)).result
    got = effects(result, "destroy_pirated", PILIMI)
    assert got["aggravate"] == "needs_facts"
    effect = next(e for m in result.mitigations if m.id == "destroy_pirated"
                  for e in m.effects if e.finding == PILIMI and e.effect == "aggravate")
    assert [m.fact.split(":")[0] for m in effect.missing_facts] == ["mitigations[3].date"]


def _licence(grantors: list[str], owners: list[str]) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        licence = by_id(d["mitigations"], "later_purchase")
        licence["grantors"] = grantors
        licence["releases_past_use"] = True
        by_id(d["works"], "class_works")["owners"] = owners
        # the owner licenses as an individual right holder: a class binds its members only
        # through a court-approved settlement (Fed. R. Civ. P. 23(e)), which is not this test
        by_id(d["parties"], "authors_class")["kind"] = "company"
    return change


def test_licence_from_the_sole_owner_releasing_past_use_cures(engine: Engine) -> None:
    result = engine.assess(variant("bartz", _licence(["authors_class"], ["authors_class"]))).result
    # the retained library is also licensed from then on
    assert effects(result, "later_purchase", PILIMI) == {"cure": "established",
                                                          "future": "established"}


def test_the_same_licence_from_one_of_two_co_owners_is_only_a_remedy(engine: Engine) -> None:
    result = engine.assess(variant(
        "bartz", _licence(["authors_class"], ["authors_class", "print_owners"]))).result
    assert effects(result, "later_purchase", PILIMI) == {"remedy": "established"}


def test_licence_without_express_release_of_past_use_is_a_remedy(engine: Engine) -> None:
    def change(d: dict[str, Any]) -> None:
        _licence(["authors_class"], ["authors_class"])(d)
        by_id(d["mitigations"], "later_purchase")["releases_past_use"] = False
    result = engine.assess(variant("bartz", change)).result
    assert effects(result, "later_purchase", PILIMI) == {"remedy": "established",
                                                          "future": "established"}


@pytest.mark.parametrize(("memorisation", "status"), [
    (True, "uncertain"), (False, "not_established"), (None, "uncertain")])
def test_model_as_copy_turns_on_memorisation_evidence(engine: Engine, memorisation: bool | None,
                                                      status: str) -> None:
    def change(d: dict[str, Any]) -> None:
        if memorisation is None:
            d["models"][0].pop("memorisation", None)
        else:
            d["models"][0]["memorisation"] = memorisation
    result = engine.assess(variant("concord", change)).result
    finding = next(f for f in result.findings if f.act == "claude_weights")
    assert finding.status == status
    if memorisation is True:
        # under the memorisation reading the model is a copy, but fair use is the defendant's
        # to prove (Campbell, 510 U.S. at 590) and no stated fact decides it for the model
        # (whether Claude's outputs substitute for the lyrics is not in the record): the reading
        # leaves the finding open, not established (it was "established" when an unproved
        # defence counted as failed)
        assert {r.reading: r.status for r in finding.readings} == {
            "memorised_weights_are_copies": "needs_facts", "weights_are_not_copies":
            "not_established"}


def test_output_filter_limits_outputs_only(engine: Engine) -> None:
    result = engine.assess(load_case(ROOT / "concord" / "case.yaml")).result
    guard = {e.finding: e.effect for m in result.mitigations if m.id == "guardrails"
             for e in m.effects}
    assert guard["US.COPY.REPRO/lyric_outputs/lyrics"] == "future"
    assert guard["US.COPY.REPRO/claude_weights/lyrics"] == "none"


def test_training_with_dilution_evidence_is_contested(engine: Engine) -> None:
    def change(d: dict[str, Any]) -> None:
        by_id(d["acts"], "train_llama")["market_dilution_evidence"] = True
    result = engine.assess(variant("kadrey", change)).result
    training = next(f for f in result.findings if f.act == "train_llama")
    assert training.status == "uncertain"
    assert {r.reading: r.status for r in training.readings} == {
        "cognisable": "established", "not_cognisable": "not_established"}


def test_flips_name_the_stated_facts_that_would_change_a_status(engine: Engine) -> None:
    result = engine.assess(load_case(ROOT / "kadrey" / "case.yaml"), flips=True).result
    flips = {f.act: {(x.fact.split(":")[0], x.now, x.then, x.status) for x in f.flips or []}
             for f in result.findings if f.doctrine.startswith("US.COPY")}
    # keeping the torrented copies as a library takes the acquisition out of the Kadrey reading
    assert ("acts[0].retained", "false", "true", "established") in flips["acq_torrent"]
    # evidence that Llama's outputs substitute for the books would defeat fair use of the
    # training (Harper & Row, 471 U.S. at 566; Warhol, 598 U.S. at 532-33), and with it that of
    # the downloading folded into it
    assert ("acts[2].market_substitution_evidence", "false", "true", "established") \
        in flips["acq_torrent"]
    assert ("acts[0].authorised", "false", "true", "not_established") in flips["acq_torrent"]
    # memorisation evidence would put the model-as-copy theory in play
    assert flips["llama_weights"] == {("models[0].memorisation", "false", "true", "uncertain")}
    # a fact that changes nothing is not a flip
    assert not any(x[0] == "acts[2].commercial" for x in flips["train_llama"])
    first = next(x for x in result.findings[0].flips or [])
    assert first.source is not None and first.source.line is not None
    assert engine.assess(load_case(ROOT / "kadrey" / "case.yaml")).result.findings[0].flips is None


@pytest.mark.parametrize(("kind", "library", "training"), [
    ("approximate_unlearning", set(), set()),
    ("exact_unlearning", set(), set()),
    ("output_filter", set(), set()),
    # deleting before any notice: good faith or consciousness of guilt (legal-kb §6.16)
    ("dataset_deletion", {"future", "remedy", "aggravate"}, set()),
    ("clean_retrain", set(), set()),  # retiring the model does not end library retention
    ("opt_out_compliance", {"future"}, set()),
])
def test_no_technical_mitigation_cures_an_accrued_copy(engine: Engine, kind: str,
                                                       library: set[str],
                                                       training: set[str]) -> None:
    """Every mitigation kind other than a release or licence leaves accrued copies actionable;
    those that stop continuing conduct limit it from then on."""
    def change(d: dict[str, Any]) -> None:
        d["mitigations"] = [{"id": "m", "kind": kind, "date": "2024-01-01"}]
    result = engine.assess(variant("bartz", change)).result
    got: dict[str, set[str]] = {}
    for e in (e for m in result.mitigations for e in m.effects):
        got.setdefault(e.finding, set()).add(e.effect)
    assert got[LIBGEN] - {"none"} == library
    assert got["US.COPY.REPRO/train_claude/class_works"] - {"none"} == training
    assert not any("cure" in codes for codes in got.values())


def test_as_of_before_the_settlement_leaves_the_claim_uncured(engine: Engine) -> None:
    result = engine.assess(load_case(ROOT / "bartz" / "case.yaml"),
                           as_of=dt.date(2025, 8, 1)).result
    assert result.as_of == "2025-08-01"
    assert not any(m.effects for m in result.mitigations if m.id == "settlement")
    acts = {f.act for f in result.findings}
    assert "keep_library_after_release" not in acts  # conduct after the date is not assessed


def test_rules_apply_only_while_in_force(engine: Engine) -> None:
    """The US modules are dated from the Copyright Act of 1976's effective date: assessed on an
    earlier date, no US copyright rule is in force and no finding arises."""
    now = engine.assess(load_case(ROOT / "bartz" / "case.yaml")).result
    before = engine.assess(load_case(ROOT / "bartz" / "case.yaml"),
                           as_of=dt.date(1977, 12, 31)).result
    assert before.rulebook.rules_in_force < now.rulebook.rules_in_force
    assert before.findings == [] and now.findings
    rule = engine.rulebook.rule("US.FAIR_USE.purpose-training")  # factor one for training
    assert rule.decl.valid_from == dt.date(1978, 1, 1)
    assert not rule.in_force(dt.date(1977, 12, 31)) and rule.in_force(dt.date(1978, 1, 1))


def test_remedies_against_a_model_that_is_a_copy_reach_the_model(engine: Engine) -> None:
    def change(d: dict[str, Any]) -> None:
        d["models"][0]["memorisation"] = True
        # with evidence that Claude's outputs substitute for the lyrics, fair use of the model as
        # a copy fails (Harper & Row, 471 U.S. at 566; Warhol, 598 U.S. at 532-33); without it,
        # fair use stays open and no remedy is certain (unknown is not false)
        by_id(d["acts"], "train_claude")["market_substitution_evidence"] = True
    remedies = lambda r: {(x.remedy, x.reaches_model_status) for x in r.remedies
                          if x.finding == "US.COPY.REPRO/claude_weights/lyrics"}
    contested = engine.assess(variant("concord", change)).result
    assert ("injunction", "uncertain") in remedies(contested)
    pinned = engine.assess(variant("concord", change),
                           readings=["memorised_weights_are_copies", "weights_are_articles"]).result
    assert {("injunction", "yes"), ("impoundment_destruction", "yes"),
            ("damages_and_profits", "no")} <= remedies(pinned)
    assert all(x.reaches_model for x in pinned.remedies if x.reaches_model_status == "yes")


@pytest.mark.parametrize(("kind", "weights", "outputs"), [
    ("clean_retrain", "future", "future"),
    ("exact_unlearning", "future", "future"),
    ("approximate_unlearning", "uncertain", "uncertain"),
    ("output_filter", "none", "future"),
    ("dataset_deletion", "none", "none"),
])
def test_removal_versus_suppression_on_the_model_and_its_outputs(
        engine: Engine, kind: str, weights: str, outputs: str) -> None:
    """Parameter-level removal reaches the model-as-copy theory; output suppression reaches
    outputs only; approximate unlearning cannot be shown to remove anything."""
    def change(d: dict[str, Any]) -> None:
        # dated before the suit, so that deletion is not also an aggravation
        d["mitigations"] = [{"id": "m", "kind": kind, "date": "2023-05-01", "targets": ["claude"]}]
    result = engine.assess(variant("concord", change)).result
    got = {e.finding: e.effect for m in result.mitigations for e in m.effects}
    assert got["US.COPY.REPRO/claude_weights/lyrics"] == weights
    assert got["US.COPY.REPRO/lyric_outputs/lyrics"] == outputs
    assert got.get("US.COPY.REPRO/torrent_songbooks/songbooks", "none") == "none"


def test_us_copyright_reaches_only_acts_done_in_the_us(engine: Engine) -> None:
    def change(d: dict[str, Any]) -> None:
        by_id(d["acts"], "acq_libgen")["place"] = "de"
    result = engine.assess(variant("bartz", change)).result
    assert not any(f.act == "acq_libgen" and f.doctrine.startswith("US.")
                   for f in result.findings)
    assert any(f.act == "acq_pilimi" for f in result.findings)
    # the download in Germany falls to EU copyright instead
    assert any(f.act == "acq_libgen" and f.doctrine == "EU.COPY" for f in result.findings)
