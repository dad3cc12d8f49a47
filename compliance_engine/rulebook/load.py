"""Load ``rules/``: predicate declarations, contested points and rule files, then check them.

Layout of a rulebook directory::

    rulebook.yaml       version and title
    predicates.yaml     derived and output predicates shared by several modules (case facts are
                        declared by the case schema, see ``compliance_engine.case.encode``)
    contested.yaml      contested points shared by several modules
    **/*.yaml           rule files, one doctrine module each; a module may declare its own
                        ``predicates`` and contested ``points`` beside its ``rules``
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML

from ..errors import Problem, RulebookError
from .check import check_rules
from .model import (
    ContestedFile,
    ContestedPoint,
    PredicateDecl,
    PredicateFile,
    Rule,
    Rulebook,
    RuleFile,
)
from .syntax import SyntaxProblem, parse_rule

__all__ = ["default_rules_dir", "load_rulebook"]

_SPECIAL = {"rulebook.yaml", "predicates.yaml", "contested.yaml"}


def default_rules_dir() -> Path:
    """The rulebook shipped beside the package (``<project>/rules``)."""
    return Path(__file__).resolve().parents[2] / "rules"


def load_rulebook(directory: Path, base: Mapping[str, PredicateDecl],
                  required_outputs: Mapping[str, int]) -> Rulebook:
    """Read and check every rule file; raise :class:`RulebookError` listing every problem."""
    directory = Path(directory)
    if not directory.is_dir():
        raise RulebookError.single("CE200", "no rulebook directory here", file=str(directory))
    files = sorted(p for p in directory.rglob("*.yaml") if p.is_file())
    problems: list[Problem] = []
    meta = _read(directory / "rulebook.yaml", _Meta, problems)
    pred_file = _read(directory / "predicates.yaml", PredicateFile, problems)
    contested = _read(directory / "contested.yaml", ContestedFile, problems)
    predicates: dict[str, PredicateDecl] = dict(base)
    points: dict[str, ContestedPoint] = {}

    def declare(decls: list[PredicateDecl], new_points: list[ContestedPoint], where: Path) -> None:
        for decl in decls:
            if decl.name in predicates:
                problems.append(Problem("CE212", f"predicate {decl.name!r} declared twice",
                                        file=_rel(where, directory), path=decl.name))
            predicates[decl.name] = decl
        for point in new_points:
            if point.id in points:
                problems.append(Problem("CE212", f"contested point {point.id!r} declared twice",
                                        file=_rel(where, directory), path=point.id))
            points[point.id] = point

    declare(pred_file.predicates if pred_file else [],
            contested.points if contested else [], directory / "predicates.yaml")
    rules: list[Rule] = []
    titles: dict[str, str] = {}
    for path in files:
        if path.name in _SPECIAL and path.parent == directory:
            continue
        raw, lines = _yaml(path, problems)
        if raw is None:
            continue
        try:
            rule_file = RuleFile.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_validation_problems(exc, path, raw))
            continue
        declare(rule_file.predicates, rule_file.points, path)
        titles[rule_file.module] = rule_file.short or rule_file.title
        for index, decl in enumerate(rule_file.rules):
            line = lines.get(index, 1)
            try:
                parsed = parse_rule(decl.rule)
            except SyntaxProblem as exc:
                problems.append(Problem("CE201", str(exc), file=_rel(path, directory),
                                        line=line, column=exc.column, path=decl.id))
                continue
            decl = decl.model_copy(update={
                "valid_from": decl.valid_from or rule_file.valid_from,
                "valid_to": decl.valid_to or rule_file.valid_to})
            rules.append(Rule(decl, parsed, rule_file.module, rule_file.jurisdiction,
                              decl.burden or rule_file.burden, _rel(path, directory), line))
    problems.extend(check_rules(rules, predicates, points, required_outputs))
    if problems:
        raise RulebookError(problems)
    digest = hashlib.sha256()
    for path in files:
        digest.update(_rel(path, directory).encode() + b"\0" + path.read_bytes() + b"\0")
    return Rulebook(rules, predicates, points, meta.version if meta else "unversioned",
                    digest.hexdigest(), [_rel(p, directory) for p in files], titles)


class _Meta(BaseModel):
    version: str
    title: str


def _rel(path: Path, directory: Path) -> str:
    return f"rules/{path.relative_to(directory).as_posix()}"


def _yaml(path: Path, problems: list[Problem]) -> tuple[Any, dict[int, int]]:
    """Plain data and the 1-based line of each item of its ``rules`` list."""
    try:
        data = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except Exception as exc:  # noqa: BLE001 - any failure to read is the file's fault
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem("CE200", f"cannot read rule file: {exc}".splitlines()[0],
                                file=str(path), line=mark.line + 1 if mark else None))
        return None, {}
    lines: dict[int, int] = {}
    rules = data.get("rules") if hasattr(data, "get") else None
    if rules is not None and hasattr(rules, "lc"):
        lines = {i: rules.lc.item(i)[0] + 1 for i in range(len(rules))}
    return _plain(data), lines


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {(int(k) if isinstance(k, int) else str(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return bool(value) if value is not None else None
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    if hasattr(value, "date") and hasattr(value, "year"):
        return value.date() if callable(value.date) else value
    return value


def _read(path: Path, model: type[BaseModel], problems: list[Problem]) -> Any:
    if not path.is_file():
        problems.append(Problem("CE200", "missing rulebook file", file=str(path)))
        return None
    raw, _ = _yaml(path, problems)
    if raw is None:
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems.extend(_validation_problems(exc, path, raw))
        return None


def _validation_problems(exc: ValidationError, path: Path, raw: Any) -> list[Problem]:
    out = []
    for error in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in error["loc"])
        rule_id = _rule_id(raw, error["loc"])
        out.append(Problem("CE213", error["msg"], file=str(path),
                           path=f"{rule_id}: {loc}" if rule_id else loc))
    return out


def _rule_id(raw: Any, loc: tuple[Any, ...]) -> str | None:
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        try:
            return str(raw["rules"][loc[1]]["id"])
        except (KeyError, IndexError, TypeError):
            return None
    return None
