"""Static checks on a rulebook, run at every load: a rule that fails one is never evaluated.

pyDatalog accepts misspelled predicates, unsafe variables and negation cycles silently (and
answers wrongly or hangs); clingo only warns about some of them.  These checks make each an error
naming the file, the line and the rule id.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping

import networkx as nx

from ..errors import Problem
from .model import (
    DECISION_KINDS,
    LEGAL_KINDS,
    PRIMARY_KINDS,
    SETTLED_KINDS,
    Authority,
    AuthoritySource,
    ContestedPoint,
    PredicateDecl,
    Rule,
)
from .syntax import Atom, Comparison, Const, Literal, Var, name_problem

Locate = Callable[[str, str], tuple[str | None, int | None]]
"""(kind, name) → the file and line where that authority, predicate or point is declared."""


def _nowhere(kind: str, name: str) -> tuple[str | None, int | None]:
    return None, None

__all__ = ["check_rules", "dependency_graph"]


_OWN_FILES = re.compile(r"legal-kb|\bDESIGN\b|engine-notes|ecosystem\.md|anchors[-\w]*\.md|"
                        r"\bREADME\b|\bdocs/|\.md\b")
"""The project's own notes: never an authority, never cited to counsel."""
_REPORTER_OR_DOCKET = re.compile(
    r"\b\d+\s+(U\.S\.|S\.\s?Ct\.|L\.\s?Ed\.|F\.(2d|3d|4th)?|F\.\s?Supp\.(\s?[23]d)?|"
    r"F\.R\.D\.|Cal\.(\s?(2d|3d|4th|5th|App\.))*|N\.Y\.(2d|3d)?|N\.E\.(2d|3d)?|A\.(2d|3d)?|"
    r"P\.(2d|3d)?|WL|USPQ(2d)?|Fed\.\s?Appx\.?)\s+\d+"
    r"|\bNos?\.\s*[\w:.-]*\d|\bDkt\.|\bAz\.|\[\d{4}\]\s+\w+|\bC-\d+/\d+|\bEU:C:\d{4}|"
    r"\bdoc\.\s*web|\bFile\s+No\.|\bDocket\b|\b\d+\s+[A-Z]{1,2}\s+\d+/\d+\b|\bn\.\s*\d+")
"""A reporter citation or a docket / file number (US, German, UK, EU, Italian forms)."""


def check_authorities(registry: Mapping[str, AuthoritySource],
                      locate: Locate = _nowhere) -> list[Problem]:
    """Registry entries: full citations for decisions, nothing of the project's own."""
    problems: list[Problem] = []
    for source in registry.values():
        def report(code: str, message: str, expected: str | None = None,
                   source: AuthoritySource = source) -> None:
            file, line = locate("authority", source.id)
            problems.append(Problem(code, message, file=file, line=line,
                                    path=f"authority {source.id}", expected=expected))

        text = " ".join(t for t in (source.cite, source.short, source.note) if t)
        if _OWN_FILES.search(text):
            report("CE217", "cites the project's own notes", "a statute, regulation, decision, "
                            "regulator decision or published source")
        if source.kind in DECISION_KINDS:
            missing = [name for name, value in (("court", source.court), ("date", source.date))
                       if value is None]
            if not _REPORTER_OR_DOCKET.search(source.cite):
                missing.append("a reporter or docket number in the citation")
            if missing:
                report("CE219", f"incomplete citation of a {source.kind.replace('_', ' ')}: "
                                f"no {', '.join(missing)}", "court, date, and reporter or docket")
    return problems


def _citation_problems(citations: Iterable[Authority], what: str, *, legal: frozenset[str],
                       report: Callable[..., None]) -> None:
    citations = list(citations)
    for citation in citations:
        if citation.kind is None:
            continue  # unknown ref, reported by the loader
        if citation.grade == "settled" and (citation.kind not in SETTLED_KINDS
                                            or citation.foreign):
            why = "foreign to this rule's legal system" if citation.foreign else \
                f"a {citation.kind.replace('_', ' ')}"
            report("CE216", f"{citation.ref!r} is graded settled but is {why}",
                   "settled only for statutes, regulations and binding precedent of the rule's "
                   "own legal system; grade it contested or analysis")
        if _OWN_FILES.search(" ".join(t for t in (citation.pinpoint, citation.quote) if t)):
            report("CE217", f"the citation of {citation.ref!r} refers to the project's own notes")
    if citations and all(c.kind is not None for c in citations) \
            and not any(c.kind in legal for c in citations):
        kinds = ", ".join(sorted(legal))
        report("CE218" if legal is PRIMARY_KINDS else "CE220",
               f"{what} cites no primary legal source", f"at least one authority of kind {kinds}")


def check_rules(rules: list[Rule], predicates: Mapping[str, PredicateDecl],
                points: Mapping[str, ContestedPoint],
                required: Mapping[str, int],
                registry: Mapping[str, AuthoritySource] | None = None,
                locate: Locate = _nowhere) -> list[Problem]:
    """Every problem found, in file order; an empty list means the rulebook may be used.
    ``locate`` gives the file and line of a declaration (authority, predicate, point)."""
    problems: list[Problem] = check_authorities(registry or {}, locate)
    for name in predicates:
        problem = name_problem(name, "predicate")
        if problem:
            file, line = locate("predicate", name)
            problems.append(Problem("CE222", problem, file=file, line=line, path=name))
    for point in points.values():
        def report_point(code: str, message: str, expected: str | None = None,
                         point: ContestedPoint = point) -> None:
            file, line = locate("point", point.id)
            problems.append(Problem(code, message, file=file, line=line,
                                    path=f"point {point.id}", expected=expected))

        texts = [point.question] + [r.statement for r in point.readings]
        if any(_OWN_FILES.search(t) for t in texts):
            report_point("CE217", "the question or a reading refers to the project's own notes")
        for reading in point.readings:
            _citation_problems(reading.authorities, f"reading {reading.name!r}",
                               legal=LEGAL_KINDS, report=report_point)
    seen: dict[str, Rule] = {}
    for rule in rules:
        def report(code: str, message: str, expected: str | None = None,
                   rule: Rule = rule) -> None:
            problems.append(Problem(code, message, file=rule.file, line=rule.line, path=rule.id,
                                    expected=expected))

        if rule.id in seen:
            first = seen[rule.id]
            report("CE202", f"duplicate rule id (first defined at {first.file}:{first.line})")
        seen.setdefault(rule.id, rule)
        starts, ends = rule.decl.valid_from, rule.decl.valid_to
        if starts is not None and ends is not None and ends < starts:
            report("CE224", f"valid_to {ends} is before valid_from {starts} (the rule or its "
                            "module): the rule is never in force", "valid_to on or after "
                                                                   "valid_from")
        if not rule.decl.authorities:
            report("CE203", "the rule cites no authority", "at least one authority with a grade")
        if _OWN_FILES.search(rule.decl.statement):
            report("CE217", "the statement refers to the project's own notes")
        _citation_problems(rule.decl.authorities, "the rule", legal=PRIMARY_KINDS,
                           report=report)
        for atom, where in _atoms(rule):
            decl = predicates.get(atom.pred)
            if decl is None:
                close = difflib.get_close_matches(atom.pred, predicates, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                report("CE204", f"undeclared predicate {atom.pred!r} in the {where}{hint}")
            elif decl.arity != len(atom.args):
                report("CE205", f"{atom.pred} takes {decl.arity} argument(s), "
                                f"{len(atom.args)} given in the {where}",
                       f"{atom.pred}({', '.join(decl.args)})")
            elif where == "head" and decl.kind == "base":
                report("CE210", f"{atom.pred} is a case fact; rules may not conclude it")
            elif where == "head":
                for position, allowed in decl.values.items():
                    term = atom.args[position] if position < len(atom.args) else None
                    if not (isinstance(term, Const) and term.value in allowed):
                        report("CE214", f"{atom.pred} concludes {term} as its "
                                        f"{decl.args[position]!r}", "one of: " + ", ".join(
                                            repr(v) for v in allowed))
        for message in _unsafe(rule):
            report("CE206", message)
        if rule.decl.reading is not None:
            ref = rule.decl.reading
            point = points.get(ref.point)
            if point is None:
                report("CE209", f"reading refers to unknown contested point {ref.point!r}",
                       f"one of: {', '.join(sorted(points)) or '(none declared)'}")
            elif ref.name not in {r.name for r in point.readings}:
                report("CE209", f"point {ref.point!r} has no reading {ref.name!r}",
                       f"one of: {', '.join(r.name for r in point.readings)}")
    for name, arity in required.items():
        decl = predicates.get(name)
        if decl is None or decl.arity != arity or decl.kind != "output":
            file, line = locate("predicate", name)
            problems.append(Problem("CE211", f"the engine reads output predicate {name}/{arity}; "
                                             "declare it with kind: output",
                                    file=file or "rules/predicates.yaml", line=line or 1,
                                    path=name))
    problems.extend(_negation_cycles(rules))
    problems.extend(_dead_predicates(rules, predicates, locate))
    return problems


def _dead_predicates(rules: list[Rule], predicates: Mapping[str, PredicateDecl],
                     locate: Locate) -> list[Problem]:
    """A derived predicate no rule concludes, or one concluded that nothing reads (neither a
    rule nor the engine), is a mistake: a misspelt conclusion, or a rule left behind."""
    concluded = {r.parsed.head.pred for r in rules}
    read = {item.atom.pred for r in rules for item in r.parsed.body if isinstance(item, Literal)}
    out = []
    for name, decl in predicates.items():
        if decl.kind != "derived":
            continue
        if name not in concluded:
            file, line = locate("predicate", name)
            out.append(Problem("CE221", f"predicate {name!r} is declared but no rule concludes it",
                               file=file, line=line, path=name,
                               expected="a rule concluding it, or no declaration"))
        elif name not in read:
            first = next(r for r in rules if r.parsed.head.pred == name)
            out.append(Problem("CE221", f"{name} is concluded but no rule reads it and it is not "
                                        "an output", file=first.file, line=first.line,
                               path=first.id, expected="a rule reading it, or kind: output"))
    return out


def _atoms(rule: Rule) -> Iterable[tuple[Atom, str]]:
    yield rule.parsed.head, "head"
    for item in rule.parsed.body:
        if isinstance(item, Literal):
            yield item.atom, "body"


def _unsafe(rule: Rule) -> list[str]:
    """Variables not bound by an earlier positive literal (pyDatalog evaluates left to right)."""
    bound: set[str] = set()
    messages: list[str] = []
    for item in rule.parsed.body:
        if isinstance(item, Literal) and not item.negated:
            bound.update(item.atom.variables)
            continue
        if isinstance(item, Comparison) and item.op == "==":
            left, right = item.left, item.right
            free = [t.name for t in (left, right) if isinstance(t, Var) and t.name not in bound]
            if len(free) == 1 and isinstance(left, Var) and left.name == free[0]:
                bound.add(free[0])
                continue
        names = item.atom.variables if isinstance(item, Literal) else item.variables
        free_names = sorted({n for n in names if n not in bound and not n.startswith("_Anon")})
        if isinstance(item, Literal) and any(n.startswith("_Anon") for n in names):
            messages.append(f"'_' inside a negation {item} is ambiguous; name the variable and "
                            "bind it first")
        if free_names:
            kind = "negated condition" if isinstance(item, Literal) else "comparison"
            messages.append(f"unsafe variable(s) {', '.join(free_names)} in {kind} {item}: bind "
                            "them in a positive condition written before it")
    unbound_head = sorted({n for n in rule.parsed.head.variables if n not in bound})
    if unbound_head:
        messages.append(f"unsafe head variable(s) {', '.join(unbound_head)}: every variable of "
                        "the conclusion must appear in a positive condition")
    return messages


def dependency_graph(rules: Iterable[Rule]) -> nx.MultiDiGraph:
    """Predicate dependency graph: an edge body→head per literal, marked negative or not."""
    graph = nx.MultiDiGraph()
    for rule in rules:
        head = rule.parsed.head.pred
        graph.add_node(head)
        for item in rule.parsed.body:
            if isinstance(item, Literal):
                graph.add_edge(item.atom.pred, head, negative=item.negated, rule=rule)
    return graph


def _negation_cycles(rules: list[Rule]) -> list[Problem]:
    graph = dependency_graph(rules)
    problems = []
    for component in nx.strongly_connected_components(graph):
        for source, target, data in graph.subgraph(component).edges(data=True):
            if data["negative"]:
                rule: Rule = data["rule"]
                cycle = " -> ".join(sorted(component))
                problems.append(Problem(
                    "CE208", f"{target} depends on its own negation through ~{source} "
                             f"(cycle: {cycle}); such rules have no single answer",
                    file=rule.file, line=rule.line, path=rule.id,
                    expected="rules that can be evaluated in strata"))
    return problems
