"""Shared fixtures, and the rule-coverage recorder.

Every assessment made during the test run is attributed to what ran it: a case study (when the
case is the bundled file, unchanged), a Gherkin feature file (pytest-bdd scenarios), or a test
module.  At the end the run prints which rules and authorities were exercised
(``compliance-engine rules coverage`` reads the same records from ``RULE_COVERAGE_FILE``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from compliance_engine.assess import Engine
from compliance_engine.case.load import LoadedCase, load_case
from compliance_engine.coverage import Coverage
from compliance_engine.result import Result

ROOT = Path(__file__).resolve().parents[1]
_RECORDS: dict[str, set[str]] = {}
_CURRENT: dict[str, Any] = {}


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()


@pytest.fixture(scope="session")
def assessed(engine: Engine) -> Callable[[str], tuple[LoadedCase, Result]]:
    """The bundled case study of that name and its result, with flips, as ``compliance-engine
    assess`` and ``memo`` give it; each case study is assessed once per test run."""
    cache: dict[str, tuple[LoadedCase, Result]] = {}

    def get(case: str) -> tuple[LoadedCase, Result]:
        if case not in cache:
            loaded = load_case(ROOT / "case_studies" / case / "case.yaml")
            cache[case] = loaded, engine.assess(loaded, flips=True).result
        return cache[case]

    return get


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


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under pytest-xdist, a worker hands its records to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["rule_records"] = json.dumps({k: sorted(v) for k, v in _RECORDS.items()})


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist: merge a finished worker's records into the controller's."""
    records = getattr(node, "workeroutput", {}).get("rule_records")
    for exerciser, rule_ids in json.loads(records or "{}").items():
        _RECORDS.setdefault(exerciser, set()).update(rule_ids)


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
