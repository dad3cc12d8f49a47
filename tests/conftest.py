"""Shared fixtures, and the rule-coverage recorder.

Every assessment made during the test run is attributed to what ran it: a case study (when the
case is the bundled file, unchanged), a Gherkin feature file (pytest-bdd scenarios), or a test
module.  At the end the run prints which rules and authorities were exercised
(``compliance-engine rules coverage`` reads the same records from ``RULE_COVERAGE_FILE``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from compliance_engine.assess import Engine
from compliance_engine.case.load import LoadedCase, load_case
from compliance_engine.coverage import Coverage

ROOT = Path(__file__).resolve().parents[1]
_RECORDS: dict[str, set[str]] = {}
_CURRENT: dict[str, Any] = {}


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()


def _exerciser(loaded: LoadedCase) -> str:
    item = _CURRENT.get("item")
    if "feature" in _CURRENT:
        return Path(_CURRENT["feature"]).resolve().relative_to(ROOT).as_posix()
    path = loaded.path.resolve()
    if path.name == "case.yaml" and path.parent.parent == ROOT / "case_studies" \
            and load_case(path).case == loaded.case:
        return f"case_studies/{path.parent.name}"
    return Path(str(getattr(item, "fspath", "tests"))).resolve().relative_to(ROOT).as_posix()


@pytest.fixture(autouse=True, scope="session")
def _record_coverage() -> Iterator[None]:
    original = Engine.assess

    def assess(self: Engine, loaded: LoadedCase, **kwargs: Any) -> Any:
        assessment = original(self, loaded, **kwargs)
        _RECORDS.setdefault(_exerciser(loaded), set()).update(assessment.fired_rules)
        return assessment

    Engine.assess = assess  # type: ignore[method-assign]
    yield
    Engine.assess = original  # type: ignore[method-assign]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    _CURRENT["item"] = item
    yield
    _CURRENT.pop("item", None)


def pytest_bdd_before_scenario(request: Any, feature: Any, scenario: Any) -> None:
    _CURRENT["feature"] = feature.filename


def pytest_bdd_after_scenario(request: Any, feature: Any, scenario: Any) -> None:
    _CURRENT.pop("feature", None)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _RECORDS:
        return
    target = os.environ.get("RULE_COVERAGE_FILE")
    if target:
        Path(target).write_text(json.dumps({k: sorted(v) for k, v in sorted(_RECORDS.items())},
                                           indent=1), encoding="utf-8")
    coverage = Coverage(Engine().rulebook)
    for exerciser, rule_ids in _RECORDS.items():
        coverage.add(exerciser, rule_ids)
    terminalreporter.write_sep("-", "rule coverage")
    terminalreporter.write(coverage.render(detail=False))
