"""Statuses over every world the unknown facts and open readings allow.

A *world* picks one alternative of every choice group (an unknown fact's value, or a contested
point's reading).  An atom is ``true`` if it holds in every world (cautious consequence),
``false`` if in none (not a brave consequence), and ``open`` otherwise.  For an open atom we ask,
group by group, whether fixing that group alone can change its status: a reading group that can is
a contested point the outcome turns on (status ``uncertain``); a fact group that can is a deciding
fact (status ``needs_facts``).  Each question is one cached consequence query under assumptions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .facts import ChoiceGroup, Fact
from .rulebook.syntax import Literal as Lit
from .solver.program import Consequences, Program, Solver, ground_atom

__all__ = ["Sensitivity", "Truth", "Worlds", "relevant_groups"]

Truth = Literal["true", "false", "open"]


@dataclass(frozen=True)
class Sensitivity:
    """How an open atom's truth moves when one group is fixed to each of its alternatives."""

    group: int
    truths: tuple[Truth, ...]   # one per alternative


class Worlds:
    """The consequences of one prepared case, and the questions asked of them."""

    def __init__(self, solver: Solver, groups: Sequence[ChoiceGroup], program: Program,
                 outputs: frozenset[str], targets: frozenset[Fact] | None = None) -> None:
        """``outputs`` are the predicates the determination reads.  With ``targets``, only those
        atoms are read back from the solver (a cheap what-if: every group is then treated as
        relevant)."""
        self.solver = solver
        self.groups = list(groups)
        self.targets = targets
        self.base: Consequences = solver.consequences((), targets)
        self.open = frozenset(self.base.brave - self.base.cautious)
        self.relevant = _relevant(program, self.base.brave, self.groups, outputs) \
            if targets is None else list(range(len(self.groups)))

    def truth(self, atom: Fact, consequences: Consequences | None = None) -> Truth:
        c = consequences or self.base
        if atom in c.cautious:
            return "true"
        return "open" if atom in c.brave else "false"

    def sensitivities(self, atom: Fact, kind: str) -> list[Sensitivity]:
        """Groups of ``kind`` ('fact', 'reading' or 'dispute') whose value can change the
        atom's truth."""
        if self.truth(atom) != "open":
            return []
        candidates = [g for g in self.relevant if self.groups[g].kind == kind
                      and len(self.groups[g].alternatives) > 1]
        out = []
        for g in candidates:
            truths: tuple[Truth, ...] = tuple(
                self.truth(atom, self.solver.consequences([(g, i)], self.open))
                for i in range(len(self.groups[g].alternatives)))
            if len(set(truths)) > 1:
                out.append(Sensitivity(g, truths))
        if kind == "fact" and not out and not self.sensitivities(atom, "reading") \
                and not self.sensitivities(atom, "dispute"):
            # the atom turns on a combination of facts no single one decides: list them all
            unknown: Truth = "open"
            out = [Sensitivity(g, (unknown,) * len(self.groups[g].alternatives))
                   for g in candidates]
        return out


def _relevant(program: Program, brave: frozenset[Fact], groups: Sequence[ChoiceGroup],
              outputs: frozenset[str]) -> list[int]:
    """The groups some atom on the way to an output reads, in some world."""
    used = _needed_atoms(program, brave, outputs)
    return [g for g, group in enumerate(groups)
            if any(f in used for alt in group.alternatives for f in alt)]


def _needed_atoms(program: Program, brave: frozenset[Fact],
                  outputs: frozenset[str]) -> set[Fact]:
    """The atoms an output's truth can depend on in some world.

    If fixing a group changes an output atom, then in the world where the atom holds some rule
    instance derives it, and in the other that instance fails on a body literal whose atom
    differs between the worlds; repeating the argument for that atom leads, through instances
    that fire in some world (brave ones), down to the group's own atom.  So walking back from
    the brave output atoms through the bodies of brave instances whose heads are reached finds
    every atom a group can matter through, and ignores instances that only fire on the side.
    """
    instances: dict[Fact, list[tuple[Fact, ...]]] = {}
    for fired in brave:
        compiled = program.by_fired.get(fired.pred)
        if compiled is not None:
            binding = compiled.binding(fired)
            instances.setdefault(compiled.head_of(fired), []).append(tuple(
                ground_atom(i.atom, binding) for i in compiled.body if isinstance(i, Lit)))
    needed = {atom for atom in brave if atom.pred in outputs}
    stack = list(needed)
    while stack:
        for body in instances.get(stack.pop(), ()):
            for atom in body:
                if atom not in needed:
                    needed.add(atom)
                    stack.append(atom)
    return needed


def relevant_groups(program: Program, facts: Sequence[Fact], groups: Sequence[ChoiceGroup],
                    outputs: frozenset[str], *, precise: bool = True,
                    externals: frozenset[Fact] = frozenset()
                    ) -> tuple[list[ChoiceGroup], frozenset[Fact]]:
    """The groups whose value can matter to some conclusion, and the facts that fix the others.

    If fixing a group to different alternatives changes an output atom, some rule instance
    fires in one world and not the other, so it is a brave consequence and the group's atom (or
    its negation) is in its ground body, on a path of brave instances down from an output
    (:func:`_needed_atoms`).  A group none of whose atoms is on such a path is irrelevant: every
    alternative gives the same conclusions, so it is fixed to its first alternative (whose facts
    are returned) and each backend enumerates half as many worlds.  It is fixed, not dropped:
    dropping a group with no empty alternative (a reading, a pinned reading, a date) would
    leave a world none of its alternatives allows.  The brave consequences come from clingo, so
    both backends then solve the same problem.
    """
    from .solver.clingo_backend import ClingoBackend

    # First the groups that no ground rule instance can read at all, read off the grounding
    # (which over-approximates what holds in some world); then the precise cut, on what holds in
    # some world (brave consequences), over the groups that remain.  The engine's unknowns for
    # undecided defences are added for every defence the grounding says may be pending; the brave
    # pass then says which really are (in the "not proved" alternative each world is as without
    # it), and only those are kept.
    solver = ClingoBackend().prepare(program, facts, groups, externals)
    shown = [(c.fired, c.fired_arity) for c in program.rules] + \
        [(name, program.predicates[name]) for name in outputs if name in program.predicates]
    possible = solver.possible(shown)
    reduced, fixed = _fix(groups, set(_relevant(program, possible, groups, outputs)))
    backstops = unresolved_defence_groups(possible)
    if not precise:
        # for what-ifs (with ``externals`` switchable either way): the over-approximation is
        # exact too (a group kept needlessly, or an unknown for a defence that is in fact
        # decided, changes no conclusion), only less small
        return reduced + backstops, fixed
    brave = ClingoBackend().prepare(program, [*facts, *fixed], reduced + backstops).brave()
    pending = unresolved_defence_groups(brave)
    kept, more = _fix(reduced + pending,
                      set(_relevant(program, brave, reduced + pending, outputs)))
    return kept, fixed | more


def _fix(groups: Sequence[ChoiceGroup],
         relevant: set[int]) -> tuple[list[ChoiceGroup], frozenset[Fact]]:
    """The relevant groups, and the facts of the first alternative of each of the others."""
    fixed = frozenset(f for g, group in enumerate(groups) if g not in relevant
                      for f in group.alternatives[0])
    return [groups[g] for g in sorted(relevant)], fixed


def unresolved_defence_groups(brave: frozenset[Fact]) -> list[ChoiceGroup]:
    """An unknown fact for every raised defence that in some world the stated facts neither
    establish nor defeat (``defence_pending``): the defendant may still prove it on facts the
    case does not state, so it must not count as failed (unknown is not false).  Its
    alternatives are "proved" (the fact ``defence_unresolved`` holds, and a core rule lets the
    defence apply unless defeated) and "not proved"."""
    out = []
    for atom in sorted(a for a in brave if a.pred == "defence_pending"):
        defence, doctrine, act, subject = (str(a) for a in atom.args)
        out.append(ChoiceGroup(
            id=f"defence:{defence}/{doctrine}/{act}/{subject}", kind="fact",
            question=f"whether the defendant can prove {defence.replace('_', ' ')} against "
                     f"{doctrine}/{act}/{subject} (no stated fact establishes or defeats it)",
            labels=("proved", "not proved"),
            alternatives=((Fact("defence_unresolved", atom.args),), ())))
    return out
