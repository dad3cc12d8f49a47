"""Helpers shared by the tests that change one fact of a bundled case study."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from compliance_engine.case.load import LoadedCase, load_case
from compliance_engine.case.model import Case

CASE_STUDIES = Path(__file__).resolve().parents[1] / "case_studies"
Change = Callable[[dict[str, Any]], None]


def by_id(records: list[dict[str, Any]], id_: str) -> dict[str, Any]:
    return next(r for r in records if r["id"] == id_)


def variant(name: str, change: Change | None = None) -> LoadedCase:
    """A bundled case study, with ``change`` applied to its data."""
    loaded = load_case(CASE_STUDIES / name / "case.yaml")
    if change is None:
        return loaded
    data = loaded.case.model_dump(mode="json", exclude_none=True)
    change(data)
    return LoadedCase(Case.model_validate(data), loaded.path, loaded.sha256)
