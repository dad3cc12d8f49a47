"""Gherkin scenarios (tests/features/*.feature) in counsel's vocabulary: each step changes one fact
of a bundled case study or asserts an outcome and the authority its proof cites."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when
from ruamel.yaml import YAML

from compliance_engine.assess import Engine
from compliance_engine.case.load import load_case
from compliance_engine.case.model import Case
from compliance_engine.result import Result

ROOT = Path(__file__).resolve().parents[1] / "case_studies"

scenarios("features")


@pytest.fixture
def world() -> dict[str, Any]:
    return {}


def _record(world: dict[str, Any], collection: str, record_id: str) -> dict[str, Any]:
    return next(r for r in world["data"][collection] if r["id"] == record_id)


def _value(text: str) -> Any:
    return YAML(typ="safe").load(text)


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


@given(parsers.parse('the case study "{name}"'))
def case_study(world: dict[str, Any], name: str) -> None:
    loaded = load_case(ROOT / name / "case.yaml")
    world["loaded"] = loaded
    world["data"] = loaded.case.model_dump(mode="json", exclude_none=True)


_COLLECTIONS = {"mitigation": "mitigations", "act": "acts", "model": "models",
                "work cohort": "works"}


@given(parsers.re(r'(?P<kind>mitigation|act|model|work cohort) "(?P<record>[^"]+)" has '
                  r"(?P<field>\w+) set to (?P<value>.+)"))
def set_field(world: dict[str, Any], kind: str, record: str, field: str, value: str) -> None:
    _record(world, _COLLECTIONS[kind], record)[field] = _value(value)


@given(parsers.parse('mitigation "{record}" covers conduct up to {day}'))
def period_end(world: dict[str, Any], record: str, day: str) -> None:
    _record(world, "mitigations", record)["period_end"] = day


@given(parsers.parse('mitigation "{record}" is granted by "{parties}"'))
def grantors(world: dict[str, Any], record: str, parties: str) -> None:
    _record(world, "mitigations", record)["grantors"] = _names(parties)


@given(parsers.parse('work cohort "{record}" is owned by "{parties}"'))
def owners(world: dict[str, Any], record: str, parties: str) -> None:
    _record(world, "works", record)["owners"] = _names(parties)


@given(parsers.parse('mitigation "{record}" was required by the {requirer}'))
def required(world: dict[str, Any], record: str, requirer: str) -> None:
    _record(world, "mitigations", record)["required_by"] = requirer


@given(parsers.parse('mitigation "{record}" was not required by anyone'))
def not_required(world: dict[str, Any], record: str) -> None:
    _record(world, "mitigations", record).pop("required_by", None)


def _assess(world: dict[str, Any], engine: Engine, readings: list[str]) -> None:
    loaded = dataclasses.replace(world["loaded"], case=Case.model_validate(world["data"]))
    world["result"] = engine.assess(loaded, readings=readings).result


@when("the case is assessed")
def assessed(world: dict[str, Any], engine: Engine) -> None:
    _assess(world, engine, [])


@when(parsers.parse('the case is assessed under reading "{reading}"'))
def assessed_under(world: dict[str, Any], engine: Engine, reading: str) -> None:
    _assess(world, engine, [reading])


def _finding(result: Result, finding_id: str) -> Any:
    return next(f for f in result.findings if f.id == finding_id)


@then(parsers.parse('finding "{finding}" is "{status}"'))
def finding_status(world: dict[str, Any], finding: str, status: str) -> None:
    world["finding"] = _finding(world["result"], finding)
    assert world["finding"].status == status


@then(parsers.parse('under reading "{reading}" it is "{status}"'))
def reading_status(world: dict[str, Any], reading: str, status: str) -> None:
    outcome = next(r for r in world["finding"].readings if r.reading == reading)
    assert outcome.status == status
    assert outcome.authorities


@then(parsers.parse('finding "{finding}" needs "{fact}" proved by the {party}'))
def needs_fact(world: dict[str, Any], finding: str, fact: str, party: str) -> None:
    found = _finding(world["result"], finding)
    assert found.status in ("needs_facts", "uncertain")
    assert [(m.fact.split(":")[0], m.burden) for m in found.missing_facts] == [(fact, party)]


@then(parsers.parse('the effects of "{mitigation}" on "{finding}" are "{effects}"'))
def effects(world: dict[str, Any], mitigation: str, finding: str, effects: str) -> None:
    found = [e for m in world["result"].mitigations if m.id == mitigation
             for e in m.effects if e.finding == finding]
    world["effects"] = found
    assert sorted(e.effect for e in found) == sorted(_names(effects))


@then(parsers.parse('the proof of that effect cites "{authority}"'))
def effect_cites(world: dict[str, Any], authority: str) -> None:
    cited = [e.explanation.model_dump_json() for e in world["effects"] if e.explanation]
    assert any(authority in text for text in cited)


@then(parsers.parse('the answer for "{mitigation}" is "{answer}"'))
def answer(world: dict[str, Any], mitigation: str, answer: str) -> None:
    assert next(a for a in world["result"].answer if a.mitigation == mitigation).answer == answer
