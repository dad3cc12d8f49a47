"""Every bundled case study reproduces the expected findings, defences, readings, missing facts,
effects, answers and remedies written beside it (``case_studies/<case>/expected.yaml``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from compliance_engine.assess import Engine
from compliance_engine.case.load import load_case
from compliance_engine.result import Result

ROOT = Path(__file__).resolve().parents[1] / "case_studies"
CASES = sorted(p.name for p in ROOT.iterdir() if (p / "case.yaml").is_file())


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def observed(result: Result) -> dict[str, object]:
    return {
        "findings": {f.id: f.status for f in result.findings},
        "defences": {f.id: {d.defence: d.status for d in f.defences}
                     for f in result.findings if f.defences},
        "readings": {f.id: {r.reading: r.status for r in f.readings}
                     for f in result.findings if f.readings},
        "missing_facts": {f.id: {m.fact.split(":")[0]: m.burden for m in f.missing_facts}
                          for f in result.findings if f.missing_facts},
        "effects": {m.id: {e.finding: sorted(x.effect for x in m.effects if x.finding == e.finding)
                           for e in m.effects} for m in result.mitigations},
        "answers": {a.mitigation: a.answer for a in result.answer},
        "remedies": {f"{r.finding} {r.remedy}": r.status for r in result.remedies},
    }


def test_every_case_study_has_expectations() -> None:
    assert {"bartz", "kadrey", "concord", "exante_licensed"} <= set(CASES)
    for case in CASES:
        assert (ROOT / case / "expected.yaml").is_file(), case


@pytest.mark.parametrize("case", CASES)
def test_case_study_matches_expected(engine: Engine, case: str) -> None:
    expected = YAML(typ="safe").load((ROOT / case / "expected.yaml").read_text())
    got = observed(engine.assess(load_case(ROOT / case / "case.yaml")).result)
    for section in expected:
        assert got[section] == (expected[section] or {}), section


def test_bartz_headline(engine: Engine) -> None:
    """The issue's acceptance criteria, stated directly."""
    result = engine.assess(load_case(ROOT / "bartz" / "case.yaml")).result
    findings = {f.id: f for f in result.findings}
    libgen = findings["US.COPY.REPRO/acq_libgen/class_works"]
    assert libgen.status == "established"
    training = findings["US.COPY.REPRO/train_claude/class_works"]
    assert training.status == "not_established"
    assert [(d.defence, d.status) for d in training.defences] == [("fair_use", "applies")]
    effects = {(m.id, e.finding): e.effect for m in result.mitigations for e in m.effects}
    assert effects[("later_purchase", libgen.id)] == "remedy"
    assert effects[("settlement", libgen.id)] == "cure"
    assert effects[("settlement", "US.COPY.REPRO/claude_outputs/class_works")] == "none"
    assert effects[("settlement", "US.COPY.REPRO/keep_library_after_release/class_works")] == "none"
    assert not any(e.finding.endswith("books3_works") for m in result.mitigations
                   if m.id == "settlement" for e in m.effects)
    # the proof names rules, authorities and case-file lines
    cure = next(e for m in result.mitigations if m.id == "settlement" for e in m.effects
                if e.finding == libgen.id)
    text = cure.explanation.model_dump_json()
    assert "CORE.MITIGATION.release-cures" in text and "legal-kb §1 A6" in text
    assert '"file":"case.yaml","line":' in text.replace(" ", "")
    assert "US.COPY.REPRO.prima-facie" in libgen.explanation.model_dump_json()


def test_kadrey_pirated_acquisition_is_contested(engine: Engine) -> None:
    result = engine.assess(load_case(ROOT / "kadrey" / "case.yaml")).result
    acquisition = next(f for f in result.findings if f.act == "acq_torrent")
    assert acquisition.status == "uncertain"
    assert {r.reading: r.status for r in acquisition.readings} == {
        "separate_use": "established", "folded_into_training": "not_established"}
    assert all(r.authorities for r in acquisition.readings)
    pinned = engine.assess(load_case(ROOT / "kadrey" / "case.yaml"),
                           readings=["separate_use"]).result
    assert next(f for f in pinned.findings if f.act == "acq_torrent").status == "established"
