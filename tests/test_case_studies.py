"""Every bundled case study meets the legal expectations written beside it
(``case_studies/<case>/expected.yaml``): what the holdings, statutes and research notes decide
for it, each with its source.  The engine's output does not define them: an expectation the
engine does not meet is either a bug to fix or a disagreement recorded, with the authority on
each side, in ``docs/known-disagreements.md`` (then it runs as an expected failure)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from compliance_engine.case.load import LoadedCase
from compliance_engine.result import Result

from expectations import check, known_disagreements, load_expectations

ROOT = Path(__file__).resolve().parents[1] / "case_studies"
CASES = sorted(p.name for p in ROOT.iterdir() if (p / "case.yaml").is_file())


def _params() -> list[Any]:
    params = []
    for case in CASES:
        for item in load_expectations(ROOT / case / "expected.yaml"):
            marks = []
            if item.get("disagreement"):
                marks.append(pytest.mark.xfail(
                    strict=True, reason=f"known disagreement {item['disagreement']} "
                                        "(docs/known-disagreements.md)"))
            params.append(pytest.param(case, item, id=f"{case}:{item['id']}", marks=marks))
    return params


def test_every_case_study_has_expectations() -> None:
    for case in CASES:
        items = load_expectations(ROOT / case / "expected.yaml")
        assert items, f"{case}: no expectations"


@pytest.mark.parametrize(("case", "item"), _params())
def test_case_study_expectation(assessed: Callable[[str], tuple[LoadedCase, Result]], case: str,
                                item: dict[str, Any]) -> None:
    check(assessed(case)[1], item)


def test_disagreements_are_recorded_and_not_settled() -> None:
    """Each ``disagreement:`` names an entry of docs/known-disagreements.md; each entry is used,
    gives the authority on both sides, and is not about settled law."""
    entries = known_disagreements()
    used = {item["disagreement"] for case in CASES
            for item in load_expectations(ROOT / case / "expected.yaml")
            if item.get("disagreement")}
    assert used <= set(entries), f"not recorded: {sorted(used - set(entries))}"
    for name, text in entries.items():
        assert "Authority for the expectation:" in text, name
        assert "Authority for the engine:" in text, name
        grade = next((line for line in text.splitlines() if line.startswith("- Grade:")), "")
        assert grade and "settled" not in grade.lower().replace("unsettled", ""), \
            f"{name}: a settled holding may not be a known disagreement ({grade or 'no grade'})"
