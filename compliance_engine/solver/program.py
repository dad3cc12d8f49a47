"""The program both backends solve: rules in force, instrumented with rule-instance atoms.

Each rule ``R`` becomes two rules::

    fired_rN(V1, ..., Vk) <= body          (one atom per rule instance that fires)
    head                  <= fired_rN(V1, ..., Vk)

so a model lists every rule instance used, and proofs are rebuilt from those atoms without
re-running anything (``compliance_engine.proof``).  Both backends load this same program, so
their answers and their proofs can be compared atom for atom.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from ..facts import ChoiceGroup, Fact
from ..rulebook.model import Rule, Rulebook
from ..rulebook.syntax import Atom, Comparison, Const, Literal, Offset, Operand, Term, Var

T = TypeVar("T")

__all__ = [
    "Backend",
    "CompiledRule",
    "Consequences",
    "Dialect",
    "Program",
    "Solver",
    "compile_program",
    "ground_atom",
    "live_rules",
    "world_facts",
]


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    fired: str                      # name of the rule-instance predicate
    variables: tuple[str, ...]      # its arguments, in order
    body: tuple[Literal | Comparison, ...]   # body as solved (reading literal first)

    @property
    def fired_arity(self) -> int:
        return max(1, len(self.variables))

    def fired_atom(self) -> Atom:
        args = tuple(Var(v) for v in self.variables) or (Const(1),)
        return Atom(self.fired, args)

    def binding(self, fired: Fact) -> dict[str, str | int]:
        return dict(zip(self.variables, fired.args)) if self.variables else {}

    def head_of(self, fired: Fact) -> Fact:
        return ground_atom(self.rule.parsed.head, self.binding(fired))


@dataclass(frozen=True)
class Program:
    rules: tuple[CompiledRule, ...]
    by_fired: Mapping[str, CompiledRule]
    predicates: Mapping[str, int]   # every predicate name → arity (base, derived, fired)
    as_of: _dt.date
    _cache: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    def cached(self, key: str, build: Callable[[Program], T]) -> T:
        """What a backend derives from the rules (text, parsed statements), built once."""
        if key not in self._cache:
            self._cache[key] = build(self)
        return self._cache[key]  # type: ignore[return-value]


@dataclass(frozen=True)
class Dialect:
    """How one backend writes the shared program: its terms, negation, comparisons, joins."""

    term: Callable[[Term], str]
    negation: str
    comparison: Callable[[str, str, str], str]      # (left, operator, right)
    conjunction: str
    arrow: str
    separator: str = ","
    end: str = ""

    def atom(self, atom: Atom) -> str:
        return f"{atom.pred}({self.separator.join(self.term(a) for a in atom.args)})"

    def operand(self, operand: Operand) -> str:
        if isinstance(operand, Offset):
            sign = "+" if operand.amount >= 0 else "-"
            return f"{self.term(operand.var)} {sign} {abs(operand.amount)}"
        return self.term(operand)

    def rules(self, program: Program) -> Iterator[tuple[CompiledRule, str, str]]:
        """For each compiled rule, its rule-instance rule and its head rule, as text."""
        for compiled in program.rules:
            body = [(self.negation if item.negated else "") + self.atom(item.atom)
                    if isinstance(item, Literal) else
                    self.comparison(self.operand(item.left), item.op, self.operand(item.right))
                    for item in compiled.body]
            fired = self.atom(compiled.fired_atom())
            yield (compiled, f"{fired}{self.arrow}{self.conjunction.join(body)}{self.end}",
                   f"{self.atom(compiled.rule.parsed.head)}{self.arrow}{fired}{self.end}")


def ground_atom(atom: Atom, binding: Mapping[str, str | int]) -> Fact:
    return Fact(atom.pred, tuple(binding[a.name] if isinstance(a, Var) else a.value
                                 for a in atom.args))


def compile_program(rulebook: Rulebook, as_of: _dt.date) -> Program:
    """The rules in force on ``as_of``, instrumented, with every predicate's arity."""
    compiled = []
    for index, rule in enumerate(r for r in rulebook.rules if r.in_force(as_of)):
        body: tuple[Literal | Comparison, ...] = rule.parsed.body
        if rule.decl.reading is not None:
            ref = rule.decl.reading
            body = (Literal(Atom("reading", (Const(ref.point), Const(ref.name)))),) + body
        variables = tuple(rule.parsed.body_variables)
        compiled.append(CompiledRule(rule, f"fired_r{index}", variables, body))
    predicates = {name: decl.arity for name, decl in rulebook.predicates.items()}
    predicates.update({c.fired: c.fired_arity for c in compiled})
    return Program(tuple(compiled), {c.fired: c for c in compiled}, predicates, as_of)


@dataclass(frozen=True)
class Consequences:
    """Fired rule instances and derived atoms true in some world (brave) and in every world
    (cautious).  Case facts are not included: they are known, or listed by their choice group."""

    brave: frozenset[Fact]
    cautious: frozenset[Fact]


Assumption = tuple[int, int]   # (choice group index, alternative index)


class Solver(Protocol):
    """One case, prepared: answers consequence queries under assumptions on choice groups."""

    def consequences(self, assumptions: Sequence[Assumption] = (),
                     targets: frozenset[Fact] | None = None) -> Consequences:
        """Brave and cautious consequences under the assumptions; with ``targets``, only those
        among the targets (cheaper: nothing else is read back from the solver)."""


class Backend(Protocol):
    name: str

    def prepare(self, program: Program, facts: Iterable[Fact],
                groups: Sequence[ChoiceGroup]) -> Solver: ...


def world_facts(facts: Iterable[Fact], groups: Sequence[ChoiceGroup],
                externals: Iterable[Fact] = ()) -> Iterator[Fact]:
    """Every fact of some world of a case: its facts, the facts a what-if may switch on, and
    every alternative of its choice groups."""
    yield from facts
    yield from externals
    for group in groups:
        for alternative in group.alternatives:
            yield from alternative


_Positive = tuple[list[tuple[CompiledRule, tuple[Atom, ...]]], dict[str, list[int]]]


def _positive_atoms(program: Program) -> _Positive:
    """Each rule with its positive body atoms, and the rules reading each predicate."""
    rules = [(c, tuple(item.atom for item in c.body
                       if isinstance(item, Literal) and not item.negated))
             for c in program.rules]
    readers: dict[str, list[int]] = {}
    for index, (_, atoms) in enumerate(rules):
        for pred in dict.fromkeys(a.pred for a in atoms):
            readers.setdefault(pred, []).append(index)
    return rules, readers


def live_rules(program: Program, facts: Iterable[Fact]) -> set[str]:
    """The rule-instance predicates of the rules that can fire in some world, given every fact
    of any world (:func:`world_facts`): those whose positive body literals can each match a
    fact, or the head of a rule that can fire (a fixpoint).  A literal matches when its
    predicate holds somewhere with, at each position where the literal has a constant, that
    constant or a value not known in advance (a head variable).  A rule with a literal that can
    never match fires in no world, so leaving it out changes no answer; a case touching one
    jurisdiction and a few kinds of act leaves most of the rulebook out, and the grounder spends
    its time per rule."""
    values: dict[str, list[set[str | int] | None]] = {}
    for fact in facts:
        slots = values.setdefault(fact.pred, [set() for _ in fact.args])
        for slot, value in zip(slots, fact.args, strict=False):
            if slot is not None:
                slot.add(value)

    def matches(atom: Atom) -> bool:
        slots = values.get(atom.pred)
        return slots is not None and all(
            slot is None or term.value in slot
            for slot, term in zip(slots, atom.args, strict=False) if isinstance(term, Const))

    rules, readers = program.cached("positive-atoms", _positive_atoms)
    live: set[str] = set()
    queue = list(range(len(rules)))
    while queue:
        c, atoms = rules[queue.pop()]
        if c.fired in live or not all(matches(a) for a in atoms):
            continue
        live.add(c.fired)
        head = c.rule.parsed.head
        slots = values.get(head.pred)
        changed = slots is None
        if slots is None:
            slots = values[head.pred] = [set() for _ in head.args]
        for i, term in enumerate(head.args):
            current = slots[i]
            if current is None:
                continue
            if isinstance(term, Var):
                slots[i], changed = None, True
            elif term.value not in current:
                current.add(term.value)
                changed = True
        if changed:
            queue.extend(readers.get(head.pred, ()))
    return live
