"""Comparing the production backend (clingo) with the reference backend (pyDatalog) on one case.

Identical means the whole :class:`Result` except the ``engine`` field: findings, statuses,
defences, readings, missing facts, effects, remedies, answers and every proof tree.  The
reference backend enumerates every combination of unknown facts and readings and refuses a case
with more than its limit (CE302); such a case is compared with every reading pinned and, if that
is not enough, with as few of its unknown facts stated as bring it within the limit.
"""

from __future__ import annotations

import os
from typing import Any

from compliance_engine.assess import Engine
from compliance_engine.case.load import LoadedCase
from compliance_engine.case.model import Case
from compliance_engine.errors import EvaluationError

__all__ = ["COMPARED_WORLDS", "FULL_CHECKS", "all_pins", "compare", "dump", "first_differences",
           "within_limit", "worlds"]

#: ``COMPLIANCE_ENGINE_FULL_CHECKS=1``: compare every case study and many more generated cases
#: (the long run; CI runs the representative subset).
FULL_CHECKS = os.environ.get("COMPLIANCE_ENGINE_FULL_CHECKS") == "1"


def dump(loaded: LoadedCase, engine: Engine, backend: str,
         readings: list[str] | None = None) -> dict[str, Any]:
    result = engine.assess(loaded, engine=backend, readings=readings or []).result
    assert result.engine == backend
    return result.model_dump(exclude={"engine"})


def first_differences(a: Any, b: Any, path: str = "", out: list[str] | None = None) -> list[str]:
    """Where two dumps differ (for readable failure messages)."""
    out = [] if out is None else out
    if len(out) >= 5:
        return out
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            first_differences(a.get(key), b.get(key), f"{path}.{key}", out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            first_differences(x, y, f"{path}[{i}]", out)
    elif a != b:
        out.append(f"{path or '<root>'}: clingo={a!r:.200} pydatalog={b!r:.200}")
    return out


def all_pins(engine: Engine) -> list[str]:
    """Every contested point pinned to its first reading (the ``--reading`` retry)."""
    return [f"{p.id}:{p.readings[0].name}" for p in engine.rulebook.points.values()]


def worlds(loaded: LoadedCase, engine: Engine, pins: list[str]) -> int:
    size = 1
    for group in engine.assess(loaded, readings=pins).groups:
        size *= len(group.alternatives)
    return size


#: Worlds the comparison lets the reference backend enumerate for one case (up to ~1 s each).
COMPARED_WORLDS = 64 if FULL_CHECKS else 8


def _stated(labels: tuple[str, ...]) -> Any:
    """A value to state for an unknown fact, from its group's labels: true for a true/false
    fact, the date itself for a date ('on 2024-01-01'), the first value of a choice."""
    if labels == ("true", "false"):
        return True
    on = [label[3:] for label in labels if label.startswith("on ")]
    return on[0] if on else labels[0]


def within_limit(loaded: LoadedCase, engine: Engine, pins: list[str],
                 limit: int = COMPARED_WORLDS) -> LoadedCase:
    """The case with as few of its unknown facts stated (in file order) as bring it to
    ``limit`` worlds; the other unknowns stay unknown."""
    data = loaded.case.model_dump(mode="json", exclude_none=True)
    current, stated = loaded, set()
    while (size := worlds(current, engine, pins)) > limit:
        # state facts until the groups left would fit, then count again
        fresh = [g for g in engine.assess(current, readings=pins).groups
                 if g.kind == "fact" and g.origin is not None and g.id not in stated]
        if not fresh:
            break
        for group in fresh:
            if size <= limit:
                break
            assert group.origin is not None
            *parents, field = group.origin.path.split(".")
            record: Any = data
            for step in parents:
                name, _, index = step.partition("[")
                record = record[name][int(index[:-1])] if index else record.setdefault(name, {})
            record[field] = _stated(group.labels)
            stated.add(group.id)
            size //= len(group.alternatives)
        current = LoadedCase(Case.model_validate(data), loaded.path, loaded.sha256)
    return current


def compare(loaded: LoadedCase, engine: Engine, limit: int | None = None,
            pin: bool = not FULL_CHECKS) -> tuple[dict[str, Any], bool]:
    """Assess with both backends and assert equal results; returns clingo's and whether the
    comparison was made with pinned readings.  A case with more worlds than the reference
    backend enumerates (CE302) is compared with every reading pinned and, if that is not
    enough, with some of its unknown facts stated (:func:`within_limit`).  ``pin`` (the default
    except in the long run) goes to that comparison at once for a case with more than ``limit``
    worlds (8; 64 in the long run): each world costs the reference backend about a second."""
    limit = limit or COMPARED_WORLDS
    if not pin or worlds(loaded, engine, []) <= limit:
        clingo = dump(loaded, engine, "clingo")
        try:
            reference = dump(loaded, engine, "pydatalog")
        except EvaluationError as exc:
            assert exc.codes == ["CE302"], str(exc)
        else:
            assert clingo == reference, "\n".join(first_differences(clingo, reference))
            return clingo, False
    # retry both (or compare at once) with every reading pinned
    pins = all_pins(engine)
    loaded = within_limit(loaded, engine, pins, limit)
    clingo = dump(loaded, engine, "clingo", pins)
    reference = dump(loaded, engine, "pydatalog", pins)
    assert clingo["readings_pinned"] == pins
    assert clingo == reference, "\n".join(first_differences(clingo, reference))
    return clingo, True
