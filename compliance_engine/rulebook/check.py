"""Static checks on a rulebook, run at every load: a rule that fails one is never evaluated.

pyDatalog accepts misspelled predicates, unsafe variables and negation cycles silently (and
answers wrongly or hangs); clingo only warns about some of them.  These checks make each an error
naming the file, the line and the rule id.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

import networkx as nx

from ..errors import Problem
from .model import ContestedPoint, PredicateDecl, Rule
from .syntax import Atom, Comparison, Const, Literal, Var

__all__ = ["check_rules", "dependency_graph"]


def check_rules(rules: list[Rule], predicates: Mapping[str, PredicateDecl],
                points: Mapping[str, ContestedPoint],
                required: Mapping[str, int]) -> list[Problem]:
    """Every problem found, in file order; an empty list means the rulebook may be used."""
    problems: list[Problem] = []
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
        if not rule.decl.authorities:
            report("CE203", "the rule cites no authority", "at least one authority with a grade")
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
            problems.append(Problem("CE211", f"the engine reads output predicate {name}/{arity}; "
                                             "declare it with kind: output", path=name))
    problems.extend(_negation_cycles(rules))
    return problems


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
