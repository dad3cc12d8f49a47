"""Which dates an unknown date is ever compared with.

An unknown date is solved as one representative day per order class relative to some threshold
dates (see :mod:`compliance_engine.case.encode`).  The classes are exact when the thresholds are
every value the date can meet in a comparison or a join.  This module finds those values
statically: a date read at a base position flows through rule heads into derived positions
(*carriers*); wherever a carrier is compared (``X + k < Y``), joined (``p(X) & q(X)``) or
matched against a constant, the other side's values, shifted by the offset, are thresholds.
The other side's values are the known facts at the base positions that flow into it, and the
constants rule heads put there.  Limiting the thresholds to these keeps an unknown limitation
date from splitting at every date of the case.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .rulebook.syntax import Comparison, Const, Literal, Offset, Var
from .solver.program import Program

__all__ = ["Partner", "Position", "date_partners"]

Position = tuple[str, int]
"""A predicate's argument position."""

Partner = tuple[Position | int, int]
"""What a date meets: a base position's values (or a constant), and the shift to add to them."""


@dataclass
class _Graph:
    flows: dict[Position, set[Position]]          # body position → head positions it feeds
    constants: dict[Position, set[int]]            # head position → integer constants put there
    meets: dict[Position, set[tuple[Position | int, int]]]  # position → partner, shift


def date_partners(program: Program) -> dict[Position, frozenset[Partner]]:
    """For every position read by a rule body, the base positions and constants whose values,
    shifted, its dates are compared or joined with (directly or after flowing into heads)."""
    graph = _graph(program)
    derived = {c.rule.parsed.head.pred for c in program.rules}
    sources = _sources(graph, derived)
    out: dict[Position, frozenset[Partner]] = {}
    for position in {p for c in program.rules for p in _body_positions(c.body)}:
        if position[0] in derived:
            continue
        partners: set[Partner] = set()
        for carrier in _reach(position, graph.flows):
            for other, shift in graph.meets.get(carrier, ()):
                if isinstance(other, int):
                    partners.add((other, shift))
                else:
                    partners.update((s, shift) for s in sources.get(other, {other}))
        out[position] = frozenset(partners)
    return out


def _graph(program: Program) -> _Graph:
    graph = _Graph({}, {}, {})
    for compiled in program.rules:
        head = compiled.rule.parsed.head
        at = _variable_positions(compiled.body)
        bound = _variable_positions(i for i in compiled.body
                                    if isinstance(i, Literal) and not i.negated)
        for j, term in enumerate(head.args):
            if isinstance(term, Var):
                for position in bound.get(term.name, ()):
                    graph.flows.setdefault(position, set()).add((head.pred, j))
            elif isinstance(term.value, int):
                graph.constants.setdefault((head.pred, j), set()).add(term.value)
        for positions in at.values():   # a variable in two places joins them
            for a in positions:
                graph.meets.setdefault(a, set()).update((b, 0) for b in positions if b != a)
        for item in compiled.body:
            if isinstance(item, Literal):
                for i, term in enumerate(item.atom.args):
                    if isinstance(term, Const) and isinstance(term.value, int):
                        graph.meets.setdefault((item.atom.pred, i), set()).add((term.value, 0))
            else:
                _compare(item, at, graph)
    return graph


def _compare(item: Comparison, at: Mapping[str, list[Position]], graph: _Graph) -> None:
    """``X + a OP Y + b`` ⇔ ``X OP Y + (b - a)``: Y's values shifted by b - a are X's
    thresholds, and X's shifted by a - b are Y's."""
    (left, a), (right, b) = _split(item.left), _split(item.right)
    sides: list[tuple[list[Position | int], int]] = [
        (list(at.get(left.name, ())) if isinstance(left, Var) else [left], a),
        (list(at.get(right.name, ())) if isinstance(right, Var) else [right], b)]
    for (mine, my_shift), (theirs, their_shift) in (sides, sides[::-1]):
        for position in mine:
            if isinstance(position, tuple):
                graph.meets.setdefault(position, set()).update(
                    (other, their_shift - my_shift) for other in theirs)


def _split(operand: Var | Const | Offset) -> tuple[Var | int, int]:
    if isinstance(operand, Offset):
        return operand.var, operand.amount
    if isinstance(operand, Var):
        return operand, 0
    return (operand.value if isinstance(operand.value, int) else 0), 0


def _variable_positions(body: Iterable[Literal | Comparison]) -> dict[str, list[Position]]:
    at: dict[str, list[Position]] = {}
    for item in body:
        if isinstance(item, Literal):
            for i, term in enumerate(item.atom.args):
                if isinstance(term, Var) and not term.name.startswith("_Anon"):
                    at.setdefault(term.name, []).append((item.atom.pred, i))
    return at


def _body_positions(body: Iterable[Literal | Comparison]) -> Iterable[Position]:
    for item in body:
        if isinstance(item, Literal):
            yield from ((item.atom.pred, i) for i in range(len(item.atom.args)))


def _reach(start: Position, edges: Mapping[Position, set[Position]]) -> set[Position]:
    seen = {start}
    stack = [start]
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _sources(graph: _Graph, derived: set[str]) -> dict[Position, set[Position | int]]:
    """For each derived position, the base positions and constants whose values can land there."""
    back: dict[Position, set[Position]] = {}
    for a, targets in graph.flows.items():
        for b in targets:
            back.setdefault(b, set()).add(a)
    out: dict[Position, set[Position | int]] = {}
    for position in set(back) | set(graph.constants):
        found: set[Position | int] = set()
        for p in _reach(position, back):
            if p[0] not in derived:
                found.add(p)
            found.update(graph.constants.get(p, ()))
        out[position] = found
    return out
