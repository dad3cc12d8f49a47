"""Remedies and value persistence (legal-kb §3.5, §3.8): statutory damages bands, one award per
compilation, fees, model disgorgement, §503 and the weights, and FTC model deletion with taint
through derived models.  Each test changes one fact of a bundled case study and checks that the
remedy, and whether it reaches the model, move with it."""

from __future__ import annotations

from typing import Any

import pytest
from casekit import by_id, variant

from compliance_engine.assess import Engine
from compliance_engine.result import Remedy, Result

TEACHER = "US.FTC.ALGO_DISGORGEMENT/train_face_model/face_model"
STUDENT = "US.FTC.ALGO_DISGORGEMENT/distill_student/face_student"
LIBGEN = "US.COPY.REPRO/acq_libgen/class_works"
# The statutory-damages tests ask about §412 and the §504(c) bands on a finding established on
# the record: the PiLiMi download (Jul 2022, within three years of suit; the LibGen download of
# Jun 2021 turns on its discovery date, 17 U.S.C. §507(b)), without the class settlement, whose
# release pending final approval (Fed. R. Civ. P. 23(e)) leaves every remedy uncertain.
PILIMI = "US.COPY.REPRO/acq_pilimi/class_works"


def _without_settlement(d: dict[str, Any]) -> None:
    d["mitigations"] = [m for m in d["mitigations"] if m["id"] != "settlement"]
    by_id(d["mitigations"], "destroy_pirated").pop("required_by", None)


def remedies(result: Result) -> dict[tuple[str, str], Remedy]:
    return {(r.finding, r.remedy): r for r in result.remedies}


def effects(result: Result, mitigation: str, finding: str) -> set[str]:
    return {e.effect for m in result.mitigations if m.id == mitigation for e in m.effects
            if e.finding == finding}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


# --------------------------------------------------------------------------- FTC model deletion

def test_ftc_order_reaches_a_student_distilled_from_a_tainted_teacher(engine: Engine) -> None:
    result = engine.assess(variant("ftc_everalbum")).result
    got = remedies(result)
    for finding in (TEACHER, STUDENT):
        deletion = got[(finding, "model_deletion")]
        assert (deletion.status, deletion.reaches_model) == ("available", True)
    student = next(f for f in result.findings if f.id == STUDENT)
    text = student.explanation.model_dump_json() if student.explanation else ""
    assert "distill" in text, "the proof shows the taint passing through the distillation"


def test_a_student_distilled_from_the_clean_model_is_not_reached(engine: Engine) -> None:
    def change(d: dict[str, Any]) -> None:
        by_id(d["models"], "face_student")["derived_from"] = [
            {"parent": "clean_face_model", "relation": "distill"}]
        by_id(d["acts"], "distill_student")["inputs"] = ["clean_face_model"]
    result = engine.assess(variant("ftc_everalbum", change)).result
    status = {f.id: f.status for f in result.findings}
    # a model developed only from data stated to be lawfully collected raises no FTC question at
    # all (the orders reach models developed with unlawfully obtained data: Everalbum; Kurbo)
    assert status.get(STUDENT, "absent") in ("absent", "not_established")
    assert (STUDENT, "model_deletion") not in remedies(result)
    assert remedies(result)[(TEACHER, "model_deletion")].reaches_model


def test_clean_retrain_is_the_compliance_path_and_approximate_unlearning_is_not(
        engine: Engine) -> None:
    result = engine.assess(variant("ftc_everalbum")).result
    assert effects(result, "retrain_clean", TEACHER) == {"future"}
    assert effects(result, "unlearn_faces", TEACHER) == {"uncertain"}
    # retraining the teacher does nothing for the student already distilled from it
    assert effects(result, "retrain_clean", STUDENT) == {"none"}
    assert "cure" not in {e.effect for m in result.mitigations for e in m.effects}


# --------------------------------------------------------------------------- statutory damages

def test_registration_after_infringement_loses_statutory_damages_and_fees(engine: Engine) -> None:
    before = remedies(engine.assess(variant("bartz", _without_settlement)).result)
    assert before[(PILIMI, "statutory_damages")].status == "available"
    assert before[(PILIMI, "attorneys_fees")].status == "available"

    def change(d: dict[str, Any]) -> None:
        _without_settlement(d)
        by_id(d["works"], "class_works")["registered_before_infringement"] = False
    after = remedies(engine.assess(variant("bartz", change)).result)
    assert after[(PILIMI, "statutory_damages")].status == "unavailable"
    assert after[(PILIMI, "attorneys_fees")].status == "unavailable"
    assert after[(PILIMI, "damages_and_profits")].status == "available"


@pytest.mark.parametrize(("knowing", "innocence", "wilful", "innocent"), [
    (True, None, "available", None),
    (False, "proved", "unavailable", "available"),
    (False, "pleaded", "unavailable", "unavailable"),
    (None, None, "uncertain", None),
])
def test_wilful_and_innocent_bands(engine: Engine, knowing: bool | None, innocence: str | None,
                                   wilful: str, innocent: str | None) -> None:
    def change(d: dict[str, Any]) -> None:
        _without_settlement(d)
        act = by_id(d["acts"], "acq_pilimi")
        act.pop("knowing", None)
        if knowing is not None:
            act["knowing"] = knowing
        if innocence is not None:
            act["innocence"] = innocence
    got = remedies(engine.assess(variant("bartz", change)).result)
    assert got[(PILIMI, "statutory_damages_wilful")].status == wilful
    band = got.get((PILIMI, "statutory_damages_innocent"))
    assert (band.status if band else None) == innocent
    if wilful == "uncertain":
        assert any(m.fact.startswith("acts[") and "knowing" in m.fact
                   for m in got[(PILIMI, "statutory_damages_wilful")].missing_facts)


def test_one_statutory_award_for_a_compilation(engine: Engine) -> None:
    assert (PILIMI, "statutory_damages_one_award") not in remedies(
        engine.assess(variant("bartz", _without_settlement)).result)

    def change(d: dict[str, Any]) -> None:
        _without_settlement(d)
        by_id(d["works"], "class_works")["compilation_of"] = "anthology"
    got = remedies(engine.assess(variant("bartz", change)).result)
    assert got[(PILIMI, "statutory_damages_one_award")].status == "available"


# --------------------------------------------------------------------------- value in the model

def test_disgorgement_and_destruction_reach_the_model_only_under_contested_readings(
        engine: Engine) -> None:
    result = engine.assess(variant("andersen")).result
    got = remedies(result)
    model = "US.COPY.REPRO/sd_model/registered_art"
    destruction = got[(model, "impoundment_destruction")]
    assert destruction.reaches_model_status == "uncertain" and not destruction.reaches_model
    assert {r.point for r in destruction.readings} >= {"weights_as_articles"}
    disgorgement = got[("US.COPY.REPRO/train_sd/registered_art", "model_disgorgement")]
    assert {r.point for r in disgorgement.readings} == {"model_disgorgement"}
    assert all(r.authorities for r in disgorgement.readings)
    # a model that is not commercial earns no profits to apportion
    def change(d: dict[str, Any]) -> None:
        by_id(d["models"], "stable_diffusion")["commercial"] = False
    assert ("US.COPY.REPRO/train_sd/registered_art", "model_disgorgement") not in remedies(
        engine.assess(variant("andersen", change)).result)
