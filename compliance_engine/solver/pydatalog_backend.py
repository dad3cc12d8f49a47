"""Reference backend: the same rule text loaded into pyDatalog.

pyDatalog has no choice rules, so every world (one alternative per choice group) is solved on
its own and the consequences are the union (brave) and intersection (cautious) over the worlds
that satisfy the assumptions: the same definition clingo implements, computed the slow way.
Isolation follows the measured rules of use: one fresh ``Logic()`` per case, never
``Logic(base)`` copies; every predicate declared up front so that ``~p`` works when ``p`` is
empty; world facts asserted and retracted inside that case's own knowledge base only.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from ..errors import EvaluationError
from ..facts import ChoiceGroup, Fact
from ..rulebook.syntax import Term, Var
from .program import Consequences, Dialect, Program, live_rules, world_facts

__all__ = ["MAX_WORLDS", "PyDatalogBackend", "to_pydatalog"]

MAX_WORLDS = 512


def _term(term: Term) -> str:
    return term.name if isinstance(term, Var) else repr(term.value)


_PYDATALOG = Dialect(term=_term, negation="~", conjunction=" & ", arrow=" <= ", separator=", ",
                     comparison=lambda left, op, right: f"({left} {op} {right})")


#: One predicate gathering every rule instance of a world, so that each world is a single
#: pyDatalog query: pyDatalog forgets its tabled subgoals between queries, so asking each
#: rule-instance predicate on its own re-derives their shared premises once per rule.
_ALL = "fired_all"


def _width(program: Program) -> int:
    return max((c.fired_arity for c in program.rules), default=1)


def to_pydatalog(program: Program, facts: frozenset[Fact] | None = None) -> str:
    """pyDatalog text of the instrumented rules, and the rule gathering their instances
    (``fired_all(index, V0, ..., Vn)``, padded with 0).  With ``facts`` (every fact of some
    world), only the rules that can fire (:func:`~.program.live_rules`)."""
    width = _width(program)
    live = None if facts is None else live_rules(program, facts)
    lines = []
    for index, (compiled, fired_rule, head_rule) in enumerate(_PYDATALOG.rules(program)):
        if live is not None and compiled.fired not in live:
            continue
        names = [f"V{i}" for i in range(compiled.fired_arity)]
        padded = ", ".join([str(index), *names, *["0"] * (width - len(names))])
        lines += [fired_rule, head_rule,
                  f"{_ALL}({padded}) <= {compiled.fired}({', '.join(names)})"]
    return "\n".join(lines) + "\n"


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
        from pyDatalog import Logic, pyDatalog, pyEngine  # heavy: imported on use

        self._pyDatalog = pyDatalog
        self._program = program
        self._groups = groups
        Logic()  # a fresh knowledge base for this case, in this thread
        for name, arity in program.predicates.items():
            pyEngine.insert(pyEngine.Pred(name, arity))
        pyEngine.insert(pyEngine.Pred("reading", 2))
        pyEngine.insert(pyEngine.Pred(_ALL, _width(program) + 1))
        self._known = frozenset(facts)
        text = to_pydatalog(program, frozenset(world_facts(self._known, groups)))
        if text.strip():
            pyDatalog.load(text)
        for fact in self._known:
            pyDatalog.assert_fact(fact.pred, *fact.args)
        self._worlds: dict[tuple[int, ...], frozenset[Fact]] = {}

    def _world(self, choice: tuple[int, ...]) -> frozenset[Fact]:
        if choice not in self._worlds:
            asserted = sorted({f for g, i in enumerate(choice)
                               for f in self._groups[g].alternatives[i]} - self._known)
            for fact in asserted:
                self._pyDatalog.assert_fact(fact.pred, *fact.args)
            try:
                found: set[Fact] = set()
                names = ", ".join(f"V{i}" for i in range(_width(self._program) + 1))
                answer = self._pyDatalog.ask(f"{_ALL}({names})")
                for index, *args in answer.answers if answer else ():
                    compiled = self._program.rules[index]
                    fired = Fact(compiled.fired, tuple(args[:compiled.fired_arity]))
                    found.add(fired)
                    found.add(compiled.head_of(fired))
            finally:
                for fact in asserted:
                    self._pyDatalog.retract_fact(fact.pred, *fact.args)
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
