"""DMCA §1202 (CMI removal: identicality and standing as readings, fair use of the underlying
copying) and §1201 (circumvention: is the measure an access control), legal-kb §3.3 and §6.7,
§6.10.  Each test changes one fact of a bundled case study."""

from __future__ import annotations

from typing import Any

import pytest
from casekit import by_id, variant

from compliance_engine.assess import Engine
from compliance_engine.result import Finding, Result

COPILOT = "US.DMCA.1202/copilot_suggestions/licensed_code"
INTERCEPT = "US.DMCA.1202/scrape_strip_cmi/intercept_articles"
KADREY = "US.DMCA.1202/train_llama/plaintiffs_books"
SUNO = "US.DMCA.1201/stream_rip/umg_recordings"


def finding(result: Result, id_: str) -> Finding:
    return next(f for f in result.findings if f.id == id_)


def readings(f: Finding) -> dict[str, str]:
    return {r.reading: r.status for r in f.readings}


def points(f: Finding) -> set[str]:
    """The contested points of law a conclusion turns on (not the allegation readings)."""
    return {r.point for r in f.readings if not r.point.startswith("allegation:")}


def proved(d: dict[str, Any]) -> None:
    """The case file marks the pleaded facts as alleged (Doe v. GitHub and the news cases are at
    the pleading stage); a test of the law takes them as proved."""
    d["allegations"] = []


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


# --------------------------------------------------------------------------- §1202 identicality

def test_identicality_is_contested_in_the_ninth_circuit(engine: Engine) -> None:
    copilot = finding(engine.assess(variant("doe_github", proved)).result, COPILOT)
    assert copilot.status == "uncertain"
    assert points(copilot) == {"dmca_identicality"}
    assert len(set(readings(copilot).values())) == 2


def test_identical_copies_satisfy_either_reading(engine: Engine) -> None:
    def change(d: dict[str, Any]) -> None:
        proved(d)
        by_id(d["acts"], "copilot_suggestions")["identical_copy"] = True
    assert finding(engine.assess(variant("doe_github", change)).result,
                   COPILOT).status == "established"


def test_identicality_is_not_in_issue_outside_the_ninth_circuit(engine: Engine) -> None:
    def change(d: dict[str, Any]) -> None:
        proved(d)
        d["case"]["us_circuit"] = "2d"
    assert finding(engine.assess(variant("doe_github", change)).result,
                   COPILOT).status == "established"


def test_no_removal_no_claim(engine: Engine) -> None:
    def change(d: dict[str, Any]) -> None:
        proved(d)
        by_id(d["acts"], "copilot_suggestions")["cmi_removed"] = False
    assert finding(engine.assess(variant("doe_github", change)).result,
                   COPILOT).status == "not_established"


def test_attaching_licence_notices_to_outputs_is_future_only(engine: Engine) -> None:
    result = engine.assess(variant("doe_github")).result
    assert {e.effect for m in result.mitigations for e in m.effects
            if e.finding == COPILOT} == {"future"}


# --------------------------------------------------------------------------- §1202 standing

def test_standing_without_dissemination_splits_the_district(engine: Engine) -> None:
    """Raw Story (no concrete harm without dissemination) against the Intercept (removal is
    itself a property-like harm)."""
    intercept = finding(engine.assess(variant("dmca_news", proved)).result, INTERCEPT)
    assert intercept.status == "uncertain"
    assert "dmca_standing" in points(intercept)
    cited = " ".join(a.cite for r in intercept.readings for a in r.authorities)
    assert "Raw Story" in cited and "Intercept" in cited


def test_dissemination_without_cmi_gives_standing_on_either_reading(engine: Engine) -> None:
    def change(d: dict[str, Any]) -> None:
        by_id(d["acts"], "scrape_strip_cmi")["disseminated"] = True
    intercept = finding(engine.assess(variant("dmca_news", change)).result, INTERCEPT)
    assert "dmca_standing" not in points(intercept)


# --------------------------------------------------------------------------- fair use and §1202

def test_fair_use_of_the_copying_defeats_removal_in_training(engine: Engine) -> None:
    """Kadrey (27 Jun 2025): the §1202(b)(1) claim fails because the copying is fair use. That is
    one district court's reading; the statute asks what the defendant knew of the removal's
    probable effect on 'an infringement' (§1202(b)(1); Stevens v. CoreLogic, 9th Cir. 2018), so
    the point is contested and the old expectation (not established, fair use applies) decided
    it silently."""
    kadrey = finding(engine.assess(variant("kadrey", proved)).result, KADREY)
    assert kadrey.status == "uncertain"
    outcome = {r.reading: r.status for r in kadrey.readings if r.point == "dmca_fair_use_cmi"}
    assert outcome["fair_use_defeats"] == "not_established"
    assert outcome["removal_actionable"] != "not_established"
    fair = next(d for d in kadrey.defences if d.defence == "fair_use")
    assert {r.reading: r.status for r in fair.readings
            if r.point == "dmca_fair_use_cmi"}["removal_actionable"] == "fails"

    def change(d: dict[str, Any]) -> None:   # the same training, but not fair use
        by_id(d["acts"], "train_llama")["market_substitution_evidence"] = True
    unfair = finding(engine.assess(variant("kadrey", change)).result, KADREY)
    assert ("fair_use", "applies") not in [(d.defence, d.status) for d in unfair.defences]
    assert unfair.status != "not_established"


# --------------------------------------------------------------------------- §1201

def test_rolling_cipher_is_contested_but_a_paywall_is_an_access_control(engine: Engine) -> None:
    suno = finding(engine.assess(variant("suno", proved)).result, SUNO)
    assert suno.status == "uncertain"
    assert "rolling_cipher" in points(suno)

    def change(d: dict[str, Any]) -> None:
        proved(d)
        by_id(d["acts"], "stream_rip")["circumvented"] = "paywall"
    # a paywall controls access on any reading; what remains open in the First Circuit is the
    # infringement-nexus split (Chamberlain v. MDY), not the kind of measure
    paywall = finding(engine.assess(variant("suno", change)).result, SUNO)
    assert "rolling_cipher" not in points(paywall)
    assert paywall.status != "not_established"

    def nothing(d: dict[str, Any]) -> None:
        by_id(d["acts"], "stream_rip").pop("circumvented")
    assert not any(f.id == SUNO for f in engine.assess(variant("suno", nothing)).result.findings)
