"""Load ``rules/``: predicate declarations, contested points and rule files, then check them.

Layout of a rulebook directory::

    rulebook.yaml       version and title
    predicates.yaml     derived and output predicates shared by several modules (case facts are
                        declared by the case schema, see ``compliance_engine.case.encode``)
    contested.yaml      contested points shared by several modules
    authorities/*.yaml  the authorities rules cite, each written once (``AuthoritySource``)
    **/*.yaml           rule files, one doctrine module each; a module may declare its own
                        ``predicates``, ``authorities`` and contested ``points`` beside its
                        ``rules``

Rules and readings cite authorities by ``ref``; the loader fills each citation in from the
registry (full citation, kind, jurisdiction, and whether it is foreign to the rule's module).
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from ruamel.yaml import YAML

from ..errors import Problem, RulebookError
from .check import check_rules
from .model import (
    Authority,
    AuthorityFile,
    AuthoritySource,
    ContestedFile,
    ContestedPoint,
    PredicateDecl,
    PredicateFile,
    Rule,
    Rulebook,
    RuleFile,
    Text,
)
from .syntax import SyntaxProblem, parse_rule

__all__ = ["default_rules_dir", "load_rulebook"]

_SPECIAL = {"rulebook.yaml", "predicates.yaml", "contested.yaml"}
_REGISTRY = "authorities"
_EU = {"eu", "de", "fr", "it", "ie", "nl"}


def default_rules_dir() -> Path:
    """The rulebook shipped beside the package (``<project>/rules``)."""
    return Path(__file__).resolve().parents[2] / "rules"


_LOADED: dict[tuple[object, ...], Rulebook] = {}


def load_rulebook(directory: Path, base: Mapping[str, PredicateDecl],
                  required_outputs: Mapping[str, int]) -> Rulebook:
    """Read and check every rule file; raise :class:`RulebookError` listing every problem.

    A rulebook that loaded once is kept for the process and handed out again while none of its
    files has changed (same names, sizes and modification times): loading and checking a
    thousand rules takes seconds, and a process (a test run, a server) assesses many cases."""
    directory = Path(directory)
    if not directory.is_dir():
        raise RulebookError.single("CE200", "no rulebook directory here", file=str(directory),
                                   line=1)
    entries = sorted(p for p in directory.rglob("*") if p.suffix.lower() in (".yaml", ".yml"))
    files = [p for p in entries if p.suffix == ".yaml" and p.is_file()]
    strays = [_stray(p, directory) for p in entries if p not in files]
    key = (str(directory.resolve()), tuple(sorted(base)), tuple(sorted(required_outputs.items())),
           tuple((p.as_posix(), p.stat().st_size, p.stat().st_mtime_ns) for p in files))
    if strays or key not in _LOADED:
        _LOADED[key] = _load(directory, files, base, required_outputs, strays)
    return _LOADED[key]


def _stray(path: Path, directory: Path) -> Problem:
    if path.suffix != ".yaml":
        return Problem("CE226", "not read: rule files end in '.yaml'", file=_rel(path, directory),
                       line=1, expected=f"{path.stem}.yaml, or no such file in the rulebook")
    return Problem("CE200", "not a readable regular file (a directory, a broken link, a pipe "
                            "or a device)", file=_rel(path, directory), line=1)


class _Places:
    """Where each declaration was written (its file and YAML key path), and on demand its line:
    the fast loader keeps no positions, so a file with a problem is read again with them."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.keys: dict[tuple[str, str], tuple[Path, tuple[Any, ...]]] = {}
        self._trees: dict[Path, Any] = {}

    def note(self, kind: str, name: str, path: Path, *keys: Any) -> None:
        self.keys.setdefault((kind, name), (path, keys))

    def line(self, path: Path, keys: Iterable[Any]) -> int:
        if path not in self._trees:
            try:
                self._trees[path] = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
            except Exception:  # noqa: BLE001 - the file already loaded once; lines are a help
                self._trees[path] = None
        node, line = self._trees[path], 1
        for key in keys:
            lc: Any = getattr(node, "lc", None)
            try:
                where = lc.key(key) if isinstance(node, dict) else lc.item(key)
                line, node = where[0] + 1, node[key]
            except (AttributeError, KeyError, IndexError, TypeError):
                break
        return line

    def locate(self, kind: str, name: str) -> tuple[str | None, int | None]:
        found = self.keys.get((kind, name))
        if found is None:
            return None, None
        return _rel(found[0], self.directory), self.line(*found)

    def problem(self, code: str, message: str, where: Path, *keys: Any, **more: Any) -> Problem:
        return Problem(code, message, file=_rel(where, self.directory),
                       line=self.line(where, keys), **more)


def _load(directory: Path, files: list[Path], base: Mapping[str, PredicateDecl],
          required_outputs: Mapping[str, int], strays: list[Problem]) -> Rulebook:
    registry_files = [p for p in files if p.parent == directory / _REGISTRY]
    problems: list[Problem] = list(strays)
    places = _Places(directory)
    registry: dict[str, AuthoritySource] = {}
    where_declared: dict[str, str] = {}

    def register(sources: list[AuthoritySource], where: Path) -> None:
        for index, source in enumerate(sources):
            if source.id in registry:
                problems.append(places.problem(
                    "CE215", f"authority {source.id!r} declared twice (first in "
                             f"{where_declared[source.id]})", where, "authorities", index,
                    path=source.id))
            registry[source.id] = source
            where_declared.setdefault(source.id, _rel(where, directory))
            places.note("authority", source.id, where, "authorities", index)

    for path in registry_files:
        entries = _read(path, AuthorityFile, problems, places)
        if entries is not None:
            register(entries.authorities, path)
    meta = _read(directory / "rulebook.yaml", _Meta, problems, places)
    pred_file = _read(directory / "predicates.yaml", PredicateFile, problems, places)
    contested = _read(directory / "contested.yaml", ContestedFile, problems, places)
    predicates: dict[str, PredicateDecl] = dict(base)
    points: dict[str, ContestedPoint] = {}

    def declare(decls: list[PredicateDecl], new_points: list[ContestedPoint], where: Path,
                jurisdiction: str = "any", points_in: Path | None = None) -> None:
        for index, decl in enumerate(decls):
            if decl.name in predicates:
                problems.append(places.problem("CE212", f"predicate {decl.name!r} declared "
                                                        "twice", where, "predicates", index,
                                               path=decl.name))
            predicates[decl.name] = decl
            places.note("predicate", decl.name, where, "predicates", index)
        for index, point in enumerate(new_points):
            if point.id in points:
                problems.append(places.problem("CE212", f"contested point {point.id!r} declared "
                                                        "twice", points_in or where, "points",
                                               index, path=point.id))
            if point.jurisdiction == "any":
                point = point.model_copy(update={"jurisdiction": jurisdiction})
            points[point.id] = point
            places.note("point", point.id, points_in or where, "points", index)

    declare(pred_file.predicates if pred_file else [],
            contested.points if contested else [], directory / "predicates.yaml",
            points_in=directory / "contested.yaml")
    rules: list[Rule] = []
    titles: dict[str, str] = {}
    jurisdictions: dict[str, str] = {}
    for path in files:
        if path.name in _SPECIAL and path.parent == directory or path in registry_files:
            continue
        raw, lines = _yaml(path, problems, directory)
        if raw is None:
            continue
        try:
            rule_file = RuleFile.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_validation_problems(exc, path, raw, places))
            continue
        declare(rule_file.predicates, rule_file.points, path, rule_file.jurisdiction)
        register(rule_file.authorities, path)
        titles[rule_file.module] = rule_file.short or rule_file.title
        jurisdictions[rule_file.module] = rule_file.jurisdiction
        for index, decl in enumerate(rule_file.rules):
            line = lines.get(index, 1)
            try:
                parsed = parse_rule(decl.rule)
            except SyntaxProblem as exc:
                problems.append(Problem(exc.code, str(exc), file=_rel(path, directory),
                                        line=line, column=exc.column, path=decl.id))
                continue
            decl = decl.model_copy(update={
                "valid_from": decl.valid_from or rule_file.valid_from,
                "valid_to": decl.valid_to or rule_file.valid_to})
            rules.append(Rule(decl, parsed, rule_file.module, rule_file.jurisdiction,
                              decl.burden or rule_file.burden, _rel(path, directory), line))
    rules = [_cited(rule, registry, problems) for rule in rules]
    points = {pid: _cited_point(point, registry, problems, places)
              for pid, point in points.items()}
    problems.extend(check_rules(rules, predicates, points, required_outputs, registry,
                                places.locate))
    if problems:
        raise RulebookError(problems)
    digest = hashlib.sha256()
    for path in files:
        digest.update(_rel(path, directory).encode() + b"\0" + path.read_bytes() + b"\0")
    return Rulebook(rules, predicates, points, meta.version if meta else "unversioned",
                    digest.hexdigest(), [_rel(p, directory) for p in files], titles, registry,
                    jurisdictions)


def _resolve(citations: list[Authority], jurisdiction: str,
             registry: dict[str, AuthoritySource], report: Any) -> list[Authority]:
    """Each citation filled in from its registry entry; unknown ids and citations written out
    in full instead of by ``ref`` are problems."""
    out = []
    for citation in citations:
        if citation.cite or citation.kind is not None or citation.short is not None \
                or citation.jurisdiction is not None or citation.foreign:
            report("CE213", f"citation of {citation.ref!r} writes out registry fields",
                   "only ref, grade, pinpoint, quote and tag (the rest comes from "
                   "rules/authorities)")
        source = registry.get(citation.ref)
        if source is None:
            close = difflib.get_close_matches(citation.ref, registry, n=1)
            report("CE215", f"no authority {citation.ref!r} in rules/authorities"
                            + (f"; did you mean {close[0]!r}?" if close else ""))
            out.append(citation)
            continue
        out.append(citation.model_copy(update={
            "cite": source.cite, "short": source.short, "kind": source.kind,
            "jurisdiction": source.jurisdiction,
            "foreign": _foreign(source.jurisdiction, jurisdiction)}))
    return out


def _foreign(source: str, module: str) -> bool:
    """Whether an authority comes from another legal system than the module it is cited in
    (EU law and the law of its member states count as one system; treaties bind everywhere)."""
    if module == "any" or source in ("intl", module):
        return False
    return not (source in _EU and module in _EU)


def _cited(rule: Rule, registry: dict[str, AuthoritySource],
           problems: list[Problem]) -> Rule:
    def report(code: str, message: str, expected: str | None = None) -> None:
        problems.append(Problem(code, message, file=rule.file, line=rule.line, path=rule.id,
                                expected=expected))

    decl = rule.decl.model_copy(update={"authorities": _resolve(
        rule.decl.authorities, rule.jurisdiction, registry, report)})
    return Rule(decl, rule.parsed, rule.module, rule.jurisdiction, rule.burden, rule.file,
                rule.line)


def _cited_point(point: ContestedPoint, registry: dict[str, AuthoritySource],
                 problems: list[Problem], places: _Places) -> ContestedPoint:
    def report(code: str, message: str, expected: str | None = None) -> None:
        file, line = places.locate("point", point.id)  # re-reads the file: only on a problem
        problems.append(Problem(code, message, file=file, line=line, path=f"point {point.id}",
                                expected=expected))

    readings = [r.model_copy(update={"authorities": _resolve(r.authorities, point.jurisdiction,
                                                             registry, report)})
                for r in point.readings]
    return point.model_copy(update={"readings": readings})


class _Meta(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    version: Text
    title: Text


def _rel(path: Path, directory: Path) -> str:
    return f"rules/{path.relative_to(directory).as_posix()}"


MAX_NODES = 500_000
"""Nodes a rulebook file may hold once its YAML aliases are expanded (the shipped files hold a
few thousand each): an alias bomb is refused before anything walks it."""


class _TooLarge(Exception):
    pass


def _expanded_size(data: Any) -> int:
    """Nodes of ``data`` with every alias expanded, counted once per distinct node (the loader
    shares aliased nodes), so a bomb of 10**9 nodes costs as much as its text; a recursive
    alias is :class:`_TooLarge` too."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()

    def size(value: Any) -> int:
        if not isinstance(value, (dict, list)):
            return 1
        key = id(value)
        if key in sizes:
            return sizes[key]
        if key in open_:
            raise _TooLarge("an alias refers to a node that contains it")
        open_.add(key)
        items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        total = 1 + sum(size(item) for item in items)
        open_.discard(key)
        if total > MAX_NODES:
            raise _TooLarge(f"its aliases expand to more than {MAX_NODES:,} nodes")
        sizes[key] = total
        return total

    return size(data)


def _yaml(path: Path, problems: list[Problem], directory: Path) -> tuple[Any, dict[int, int]]:
    """Plain data and the 1-based line of each item of its ``rules`` list.

    Rule files are read with the fast (C) safe loader where it is installed (no Python tags,
    no code); the line of each rule is then found from its ``id:`` in the text (the n-th rule
    with an id is at the n-th line declaring that id, so duplicate ids still get their own
    lines).  An empty file, an alias bomb and nesting past Python's stack are problems."""
    where = _rel(path, directory)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        data = YAML(typ="safe").load(text)
        _expanded_size(data)
        plain = _plain(data)
    except UnicodeDecodeError as exc:
        problems.append(Problem("CE200", f"not UTF-8 text (byte {exc.start})", file=where,
                                line=raw.count(b"\n", 0, exc.start) + 1))
        return None, {}
    except _TooLarge as exc:
        problems.append(Problem("CE227", f"YAML aliases refused: {exc}", file=where, line=1,
                                expected="a rule file without recursive or exploding aliases"))
        return None, {}
    except RecursionError:
        problems.append(Problem("CE227", "nested too deeply to read", file=where, line=1))
        return None, {}
    except Exception as exc:  # noqa: BLE001 - any failure to read is the file's fault
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problems.append(Problem("CE200", f"cannot read rule file: {exc}".splitlines()[0],
                                file=where, line=mark.line + 1 if mark else 1))
        return None, {}
    if plain is None or plain == {} or plain == []:
        problems.append(Problem("CE225", "the file is empty (no data, only comments or null)",
                                file=where, line=1, expected="the file's content, or no file"))
        return None, {}
    rules = data.get("rules") if isinstance(data, dict) else None
    return plain, _rule_lines(text, rules) if isinstance(rules, list) else {}


_RULE_ID = re.compile(r"^\s*-?\s*id:\s*['\"]?([^'\"\s#]+)", re.MULTILINE)


def _rule_lines(text: str, rules: list[Any]) -> dict[int, int]:
    start = re.search(r"^rules:", text, re.MULTILINE)
    offset = start.start() if start else 0
    where: dict[str, list[int]] = {}
    for match in _RULE_ID.finditer(text, offset):
        where.setdefault(match.group(1), []).append(text.count("\n", 0, match.start()) + 1)
    lines = {}
    fallback = text.count("\n", 0, offset) + 1
    for index, rule in enumerate(rules):
        rule_id = str(rule.get("id")) if isinstance(rule, dict) else None
        found = where.get(rule_id or "")
        lines[index] = found.pop(0) if found else fallback
    return lines


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


def _read(path: Path, model: type[BaseModel], problems: list[Problem], places: _Places) -> Any:
    if not path.is_file():
        problems.append(Problem("CE200", "missing rulebook file", file=_rel(path, places.directory),
                                line=1))
        return None
    raw, _ = _yaml(path, problems, places.directory)
    if raw is None:
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems.extend(_validation_problems(exc, path, raw, places))
        return None


def _validation_problems(exc: ValidationError, path: Path, raw: Any,
                         places: _Places) -> list[Problem]:
    out = []
    for error in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in error["loc"])
        rule_id = _rule_id(raw, error["loc"])
        out.append(places.problem("CE213", error["msg"], path, *error["loc"],
                                  path=f"{rule_id}: {loc}" if rule_id else loc or None))
    return out


def _rule_id(raw: Any, loc: tuple[Any, ...]) -> str | None:
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        try:
            return str(raw["rules"][loc[1]]["id"])
        except (KeyError, IndexError, TypeError):
            return None
    return None
