"""Reference backend: the same checked rules solved by pyDatalog.

pyDatalog has no choice rules, so every world (one alternative per choice group) is solved on
its own and the consequences are the union (brave) and intersection (cautious) over the worlds
that satisfy the assumptions: the same definition clingo implements, computed the slow way.
Isolation follows the measured rules of use: one fresh ``Logic()`` per case, never
``Logic(base)`` copies; every predicate declared up front so that ``~p`` works when ``p`` is
empty; world facts asserted and retracted inside that case's own knowledge base only.

Rule text is data: pyDatalog's own front end (``pyDatalog.load``, ``pyDatalog.ask``) compiles
and runs its text as Python, so it is never used.  Clauses, facts and the query are built as
pyDatalog engine objects (``pyEngine.Literal``, ``Clause``, ``Var``, ``Const``) from the parsed
rules, and every constant stays a Python value that nothing evaluates.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from ..errors import EvaluationError
from ..facts import ChoiceGroup, Fact, Value
from ..rulebook.syntax import Atom, Comparison, Literal, Offset, Operand, Var
from .program import Consequences, Program, live_rules, world_facts

__all__ = ["MAX_WORLDS", "PyDatalogBackend", "pydatalog_clauses"]

MAX_WORLDS = 512

#: One predicate gathering every rule instance of a world, so that each world is a single
#: pyDatalog query: pyDatalog forgets its tabled subgoals between queries, so asking each
#: rule-instance predicate on its own re-derives their shared premises once per rule.
_ALL = "fired_all"


def _width(program: Program) -> int:
    return max((c.fired_arity for c in program.rules), default=1)


def _engine() -> Any:
    from pyDatalog import pyEngine  # heavy: imported on use

    return pyEngine


def _term(engine: Any, term: Operand) -> Any:
    if isinstance(term, Offset):
        sign = "+" if term.amount >= 0 else "-"
        return engine.Operation(engine.Var(term.var.name), sign, engine.Const(abs(term.amount)))
    return engine.Var(term.name) if isinstance(term, Var) else engine.Const(term.value)


def _literal(engine: Any, atom: Atom, negated: bool = False) -> Any:
    return engine.Literal(("~" if negated else "") + atom.pred,
                          [_term(engine, a) for a in atom.args])


def _body_item(engine: Any, item: Literal | Comparison) -> Any:
    if isinstance(item, Literal):
        return _literal(engine, item.atom, item.negated)
    return engine.Literal(item.op, [_term(engine, item.left), _term(engine, item.right)])


def _fact(engine: Any, pred: str, args: Iterable[Value]) -> Any:
    return engine.Clause(engine.Literal(pred, [engine.Const(a) for a in args]), [])


def pydatalog_clauses(program: Program, facts: frozenset[Fact] | None = None) -> list[Any]:
    """The instrumented rules as pyDatalog clauses, and the rule gathering their instances
    (``fired_all(index, V0, ..., Vn)``, padded with 0), built in the current thread's
    ``Logic()``.  With ``facts`` (every fact of some world), only the rules that can fire
    (:func:`~.program.live_rules`)."""
    engine = _engine()
    width = _width(program)
    live = None if facts is None else live_rules(program, facts)
    clauses = []
    for index, compiled in enumerate(program.rules):
        if live is not None and compiled.fired not in live:
            continue
        fired = _literal(engine, compiled.fired_atom())
        names = [engine.Var(f"V{i}") for i in range(compiled.fired_arity)]
        padded = [engine.Const(index), *names,
                  *[engine.Const(0)] * (width - compiled.fired_arity)]
        clauses += [
            engine.Clause(fired, [_body_item(engine, item) for item in compiled.body]),
            engine.Clause(_literal(engine, compiled.rule.parsed.head), [fired]),
            engine.Clause(engine.Literal(_ALL, padded),
                          [engine.Literal(compiled.fired, list(names))])]
    return clauses


class PyDatalogBackend:
    name = "pydatalog"

    def prepare(self, program: Program, facts: Iterable[Fact],
                groups: Sequence[ChoiceGroup]) -> _PyDatalogSolver:
        return _PyDatalogSolver(program, facts, groups)


class _PyDatalogSolver:
    def __init__(self, program: Program, facts: Iterable[Fact],
                 groups: Sequence[ChoiceGroup]) -> None:
        size = 1
        for group in groups:
            size *= len(group.alternatives)
        if size > MAX_WORLDS:
            raise EvaluationError.single(
                "CE302", f"the reference backend enumerates every combination of unknown facts "
                         f"and readings; this case has {size} (limit {MAX_WORLDS})",
                expected="--engine clingo, --reading to pin contested points, or fewer unknowns")
        from pyDatalog import Logic

        engine = self._engine = _engine()
        self._program = program
        self._groups = groups
        Logic()  # a fresh knowledge base for this case, in this thread
        for name, arity in program.predicates.items():
            engine.insert(engine.Pred(name, arity))
        engine.insert(engine.Pred("reading", 2))
        engine.insert(engine.Pred(_ALL, _width(program) + 1))
        self._known = frozenset(facts)
        for clause in pydatalog_clauses(program, frozenset(world_facts(self._known, groups))):
            engine.assert_(clause)
        for fact in self._known:
            engine.assert_(_fact(engine, fact.pred, fact.args))
        self._query = engine.Literal(_ALL, [engine.Var(f"V{i}")
                                            for i in range(_width(program) + 1)])
        self._worlds: dict[tuple[int, ...], frozenset[Fact]] = {}

    def _world(self, choice: tuple[int, ...]) -> frozenset[Fact]:
        if choice not in self._worlds:
            engine = self._engine
            asserted = [_fact(engine, f.pred, f.args)
                        for f in sorted({f for g, i in enumerate(choice)
                                         for f in self._groups[g].alternatives[i]}
                                        - self._known)]
            for clause in asserted:
                engine.assert_(clause)
            try:
                found: set[Fact] = set()
                answer = self._query.ask()
                for index, *args in answer if isinstance(answer, list) else ():
                    compiled = self._program.rules[index]
                    fired = Fact(compiled.fired, tuple(args[:compiled.fired_arity]))
                    found.add(fired)
                    found.add(compiled.head_of(fired))
            finally:
                for clause in asserted:
                    engine.retract(clause)
            self._worlds[choice] = frozenset(found)
        return self._worlds[choice]

    def consequences(self, assumptions: Sequence[tuple[int, int]] = (),
                     targets: frozenset[Fact] | None = None) -> Consequences:
        fixed = dict(assumptions)
        ranges = [[fixed[g]] if g in fixed else range(len(group.alternatives))
                  for g, group in enumerate(self._groups)]
        worlds = [self._world(choice) for choice in itertools.product(*ranges)]
        brave = frozenset().union(*worlds)
        cautious = frozenset.intersection(*worlds) if worlds else frozenset()
        if targets is not None:
            return Consequences(brave & targets, cautious & targets)
        return Consequences(brave, cautious)
