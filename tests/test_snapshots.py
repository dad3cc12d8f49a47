"""The text report and the memo of every case study, proofs included, are regression-tested text.

A change to rules, facts, wording or memo templates that alters either fails here until the
snapshots are regenerated and the diff reviewed::

    UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_snapshots.py

(one case by hand: ``compliance-engine assess case_studies/X/case.yaml -o
case_studies/X/report.txt --force`` and ``compliance-engine memo case_studies/X/case.yaml -o
case_studies/X/memo.md --force``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from compliance_engine.assess import Engine
from compliance_engine.memo import build_context, render
from compliance_engine.report import render_text

ROOT = Path(__file__).resolve().parents[1] / "case_studies"
CASES = sorted(p.parent.name for p in ROOT.glob("*/case.yaml"))


def _check(snapshot: Path, text: str) -> None:
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.write_text(text, encoding="utf-8")
    assert snapshot.is_file(), f"no snapshot: run with UPDATE_SNAPSHOTS=1 to create {snapshot}"
    assert text == snapshot.read_text(encoding="utf-8"), f"{snapshot} differs"


@pytest.mark.parametrize("case", CASES)
def test_report_and_memo_match_snapshots(case: str, engine: Engine, assessed: Any) -> None:
    loaded, result = assessed(case)  # with flips, as the assess and memo commands do
    _check(ROOT / case / "report.txt", render_text(result))
    _check(ROOT / case / "memo.md", render(build_context(result, loaded, engine.rulebook),
                                            "md").decode("utf-8"))
