"""Lineage-liability compliance engine.

Public API (everything else is internal and may change)::

    from compliance_engine import Engine, load_case
    engine = Engine()                       # loads and checks rules/
    result = engine.assess(load_case("case.yaml")).result
    print(result.model_dump_json(indent=2))

Heavy modules (clingo, pyDatalog, pydantic models) are imported on first use so that the command
line starts quickly.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = ["Assessment", "Case", "CaseFileError", "Engine", "EngineError", "EvaluationError",
           "LoadedCase", "Result", "RulebookError", "load_case"]

_WHERE = {
    "Assessment": "compliance_engine.assess",
    "Engine": "compliance_engine.assess",
    "Case": "compliance_engine.case.model",
    "LoadedCase": "compliance_engine.case.load",
    "load_case": "compliance_engine.case.load",
    "Result": "compliance_engine.result",
    "CaseFileError": "compliance_engine.errors",
    "EngineError": "compliance_engine.errors",
    "EvaluationError": "compliance_engine.errors",
    "RulebookError": "compliance_engine.errors",
}

if TYPE_CHECKING:  # pragma: no cover
    from .assess import Assessment, Engine
    from .case.load import LoadedCase, load_case
    from .case.model import Case
    from .errors import CaseFileError, EngineError, EvaluationError, RulebookError
    from .result import Result


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'compliance_engine' has no attribute {name!r}")
