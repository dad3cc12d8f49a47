"""The text report of every case study, proofs included, is regression-tested text.

A change to rules, facts or wording that alters a report fails here until the snapshot is
regenerated and the diff reviewed::

    UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_snapshots.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance_engine.cli import main

ROOT = Path(__file__).resolve().parents[1] / "case_studies"
CASES = sorted(p.parent.name for p in ROOT.glob("*/case.yaml"))


@pytest.mark.parametrize("case", CASES)
def test_report_matches_snapshot(case: str) -> None:
    result = CliRunner().invoke(main, ["assess", str(ROOT / case / "case.yaml"),
                                       "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    snapshot = ROOT / case / "report.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.write_text(result.stdout, encoding="utf-8")
    assert snapshot.is_file(), f"no snapshot: run with UPDATE_SNAPSHOTS=1 to create {snapshot}"
    assert result.stdout == snapshot.read_text(encoding="utf-8")
