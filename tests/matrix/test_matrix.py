"""Mitigation-matrix conformance suite: a second oracle, built from legal-kb §4 (the issue's
point 2).

For every cell of the doctrine x mitigation matrix (and every sub-case of a conditional cell),
``cells.yaml`` states the effect codes the matrix gives - or, beside the cell, the deviation
that §3 of legal-kb or a holding cited there requires - and ``cases.py`` builds a minimal case in
which the row's liability is established with ONE mitigation of that kind.  Each test asserts

(a) the precondition: in the same case without the mitigation the row's liability is
    established (a failure here is a finding about the rules, not about the matrix);
(b) the mitigation's effects on that finding include ``effects`` and exclude ``not_effects``
    (and any finding status, defence status or remedy status the case states).

The matrix stays out of the rules: nothing here is read by the engine, and no expectation was
copied from the engine's output.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from compliance_engine.assess import Engine
from compliance_engine.result import Effect, Finding, Result

HERE = Path(__file__).resolve().parent


def _load_cases_module() -> Any:
    spec = importlib.util.spec_from_file_location("matrix_cases", HERE / "cases.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["matrix_cases"] = module
    spec.loader.exec_module(module)
    return module


cases = _load_cases_module()
CELLS: dict[str, Any] = YAML(typ="safe").load((HERE / "cells.yaml").read_text())
COLUMNS = ("M1", "M2", "M3", "M4", "M5", "M6", "M7")
CODES = {"cure", "future", "remedy", "none", "uncertain", "aggravate"}
LEGAL_KB = HERE.parents[2] / "shared" / "legal-kb.md"
"""The research notes beside the project (not shipped with it): the cells are checked against
them where they are present."""


def _params() -> list[Any]:
    params = []
    for row, spec in CELLS["rows"].items():
        for column in COLUMNS:
            cell = spec["cells"][column]
            if "skip" in cell:
                params.append(pytest.param(row, column, None,
                                           id=f"{row}-{column}-skip",
                                           marks=pytest.mark.skip(reason=f"{row} x {column} "
                                                                  f"{cell['cell']!r}: "
                                                                  f"{cell['skip']}")))
                continue
            for sub in cell["cases"]:
                params.append(pytest.param(row, column, sub, id=f"{row}-{column}-{sub['name']}"))
    return params


# ------------------------------------------------------------------ engine and assessments

_RESULTS: dict[str, Result] = {}


@pytest.fixture(scope="module")
def matrix_engine() -> Engine:
    return Engine()


def _pins(engine: Engine, readings: list[str]) -> list[str]:
    """The row's pinned readings that the rulebook still has as contested points (a point the
    rulebook has since settled needs no pin)."""
    return [r for r in readings if engine.rulebook.reading_point(r) is not None]


def _assess(engine: Engine, data: dict[str, Any], readings: list[str]) -> Result:
    readings = _pins(engine, readings)
    key = json.dumps([data, readings], sort_keys=True, default=str)
    if key not in _RESULTS:
        _RESULTS[key] = engine.assess(cases.load(data), readings=readings).result
    return _RESULTS[key]


def _finding(result: Result, fid: str) -> Finding | None:
    return next((f for f in result.findings if f.id == fid), None)


def _effects(result: Result, fid: str) -> list[Effect]:
    return [e for m in result.mitigations if m.id == cases.MITIGATION_ID
            for e in m.effects if e.finding == fid]


def _describe(effects: list[Effect]) -> str:
    return ", ".join(f"{e.effect}({e.status})" for e in effects) or "no effect entry"


def _expectation(sub: dict[str, Any]) -> dict[str, Any]:
    """What the test asserts: the deviation's expectation where §3 requires one."""
    return {**sub, **sub["deviation"]} if "deviation" in sub else sub


# ------------------------------------------------------------------ the cells


@dataclass
class Outcome:
    """What one cell (sub-case) came to: precondition failures, then expectation failures."""

    label: str
    precondition: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    got: dict[str, str] = field(default_factory=dict)
    base_status: dict[str, str] = field(default_factory=dict)


def evaluate(engine: Engine, row: str, column: str, sub: dict[str, Any]) -> Outcome:
    spec = cases.ROWS[row]
    cell = CELLS["rows"][row]["cells"][column]
    want = _expectation(sub)
    out = Outcome(f"{row} x {column} {cell['cell']!r} [{sub['name']}]"
                  + (" (deviation from the cell)" if "deviation" in sub else ""))
    data = cases.with_mitigation(row, column, sub.get("variant", "default"), sub.get("base"))
    keys = [sub["finding"]] if "finding" in sub else CELLS["rows"][row].get("findings", ["main"])

    # (a) precondition, on the same case without the mitigation
    before = _assess(engine, cases.without_mitigation(data), spec.readings)
    for key in keys:
        fid = cases.finding_id(row, key)
        found = _finding(before, fid)
        if found is None:
            out.base_status[fid] = "absent"
            out.precondition.append(
                f"no finding {fid} in the base case - the rules do not even raise the row's "
                f"liability")
            continue
        out.base_status[fid] = found.status
        defences = {d.defence: d.status for d in found.defences}
        if sub.get("precondition", "established") == "defence_in_issue":
            if "fair_use" not in defences:
                out.precondition.append(f"fair use is not in issue for {fid} (status "
                                        f"{found.status}, defences {defences})")
        elif found.status != "established":
            out.precondition.append(
                f"the row's liability {fid} is {found.status}, not established, in the base "
                f"case (defences {defences}; missing facts "
                f"{[m.fact for m in found.missing_facts]})")

    # (b) the mitigation's effect on the finding
    after = _assess(engine, data, spec.readings)
    for key in keys:
        fid = cases.finding_id(row, key)
        effects = _effects(after, fid)
        got = _describe(effects)
        out.got[fid] = got
        established = {e.effect for e in effects if e.status == "established"}
        anywhere = {e.effect for e in effects}
        unsettled = "uncertain" in anywhere or any(
            e.status == "uncertain" and e.effect != "none" for e in effects)
        finding = _finding(after, fid)
        if finding is None:
            out.problems.append(f"no finding {fid} once the mitigation is added")
            continue
        statuses = want.get("finding_status")
        statuses = [statuses] if isinstance(statuses, str) else statuses
        if not effects and "not_established" not in (statuses or []):
            out.problems.append(f"the mitigation is not offered against {fid} at all (no "
                                f"effect entry); expected {want['effects']}")
        for code in want["effects"]:
            if code == "none":
                ok = bool(effects) and anywhere <= {"none"}
            elif code == "uncertain":
                ok = unsettled
            else:
                ok = code in established
            if not ok:
                out.problems.append(f"on {fid}: expected {want['effects']}, got {got}")
                break
        for code in want.get("not_effects", []):
            if code in anywhere:
                out.problems.append(f"on {fid}: {code} is excluded (expected "
                                    f"{want['effects']}, not {want['not_effects']}), got {got}")
        for code in want.get("not_established", []):
            if code in established:
                out.problems.append(f"on {fid}: {code} may at most be uncertain, got {got}")
        if statuses and finding.status not in statuses:
            out.problems.append(
                f"{fid} should be {' or '.join(statuses)} with the mitigation, is "
                f"{finding.status} (defences {_defences(finding)}; effects {got})")
        for defence, status in want.get("defences", {}).items():
            have = _defences(finding)
            if have.get(defence) != status:
                out.problems.append(f"defence {defence} on {fid} should be {status}, is "
                                    f"{have.get(defence)}")
        for defence, status in want.get("defences_not", {}).items():
            have = _defences(finding)
            if have.get(defence, "absent") == status:
                out.problems.append(f"defence {defence} on {fid} should no longer be {status}")
        for remedy, status in want.get("remedies", {}).items():
            have = {r.remedy: r.status for r in after.remedies if r.finding == fid}
            if have.get(remedy) != status:
                out.problems.append(f"remedy {remedy} on {fid} should be {status}, is "
                                    f"{have.get(remedy)} (remedies {have})")
        for remedy in want.get("remedies_unchanged", []):
            have = {r.remedy: r for r in after.remedies if r.finding == fid}
            if remedy not in have:
                out.problems.append(f"remedy {remedy} is not considered on {fid} (remedies "
                                    f"{sorted(have)})")
            elif cases.MITIGATION_ID in have[remedy].changed_by:
                out.problems.append(f"remedy {remedy} on {fid} should be untouched by the "
                                    f"mitigation, which changed it ({have[remedy].status})")
    return out


def _defences(finding: Finding) -> dict[str, str]:
    return {d.defence: d.status for d in finding.defences}


@pytest.mark.parametrize(("row", "column", "sub"), _params())
def test_matrix_cell(matrix_engine: Engine, row: str, column: str, sub: dict[str, Any]) -> None:
    """(a) the row's liability is established without the mitigation; (b) the mitigation has
    the effects the cell (or the deviation beside it) requires."""
    out = evaluate(matrix_engine, row, column, sub)
    assert not out.precondition, (
        f"PRECONDITION FAILED for {out.label}: " + "; ".join(out.precondition)
        + " - a finding about the rules, not about the matrix")
    assert not out.problems, f"{out.label}: " + "; ".join(out.problems)


# ------------------------------------------------------------------ the table itself


def test_every_cell_is_listed() -> None:
    """16 rows x 7 columns = 112 cells; each has a verbatim text and either cases or a skip."""
    rows = CELLS["rows"]
    assert len(rows) == 16
    assert set(rows) == set(cases.ROWS)
    for row, spec in rows.items():
        assert set(spec["cells"]) == set(COLUMNS), row
        for column, cell in spec["cells"].items():
            assert cell["cell"], (row, column)
            assert ("skip" in cell) != ("cases" in cell), (row, column)
            assert ("skip" in cell) == (cell["cell"] == "—"), (row, column)
            for sub in cell.get("cases", []):
                want = _expectation(sub)
                assert set(want["effects"]) <= CODES and set(want["not_effects"]) <= CODES
                assert not set(want["effects"]) & set(want["not_effects"]), (row, column, sub)
                if "none" in want["effects"]:
                    assert set(want["not_effects"]) == CODES - {"none"}, (row, column, sub)
                if "deviation" in sub:
                    assert sub["deviation"]["authority"].strip(), (row, column, sub["name"])
    assert sum(len(s["cells"]) for s in rows.values()) == 112


@pytest.mark.skipif(not LEGAL_KB.exists(), reason="legal-kb.md is not on this machine")
def test_cells_are_the_matrix_verbatim() -> None:
    """Each ``cell`` is the text of legal-kb §4, row by row, column by column."""
    text = LEGAL_KB.read_text()
    section = text[text.index("## 4. Master matrix"):text.index("## 5. Case studies")]
    table = [line for line in section.splitlines() if re.match(r"^\| [^-]", line)][1:]
    assert len(table) == 16
    for line, (row, spec) in zip(table, CELLS["rows"].items(), strict=True):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        assert cells[0] == spec["doctrine"], row
        assert [spec["cells"][c]["cell"] for c in COLUMNS] == cells[1:], row


@pytest.mark.parametrize("row", sorted(cases.ROWS))
def test_base_case_states_every_fact(matrix_engine: Engine, row: str) -> None:
    """Every fact a rule reads is stated in the row's base case (an unknown fact would make the
    engine reason over both values and blur the cell); only the engine's own "can the defendant
    prove the defence" unknowns may remain (they arise only for a defence no stated fact
    decides).  A failure names the case-file fields the base case must now state."""
    spec = cases.ROWS[row]
    result = _assess(matrix_engine, cases.base_case(row), spec.readings)
    unknown = [u.fact for u in result.unknown_facts
               if not u.fact.startswith("whether the defendant can prove")]
    assert not unknown, f"{row}: the base case leaves unknown: {unknown}"
