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
                 targets: frozenset[Fact] | None = None) -> None:
        """With ``targets``, only those atoms are read back from the solver (a cheap what-if:
        every group is then treated as relevant)."""
        self.solver = solver
        self.groups = list(groups)
        self.targets = targets
        self.base: Consequences = solver.consequences((), targets)
        self.open = frozenset(self.base.brave - self.base.cautious)
        if targets is None:
            used = _body_atoms(program, self.base.brave)
            self.relevant = [g for g, group in enumerate(self.groups)
                             if any(f in used for alt in group.alternatives for f in alt)]
        else:
            self.relevant = list(range(len(self.groups)))

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


def _body_atoms(program: Program, fired_atoms: frozenset[Fact]) -> set[Fact]:
    """Every atom in the ground body of a rule instance that fires in some world."""
    used: set[Fact] = set()
    for fired in fired_atoms:
        compiled = program.by_fired.get(fired.pred)
        if compiled is not None:
            binding = compiled.binding(fired)
            used.update(ground_atom(i.atom, binding) for i in compiled.body
                        if isinstance(i, Lit))
    return used


def relevant_groups(program: Program, facts: Sequence[Fact],
                    groups: Sequence[ChoiceGroup]) -> list[ChoiceGroup]:
    """The groups whose value can matter to some conclusion.

    If a group's value changes any rule instance's firing, that instance fires in some world, so
    it is a brave consequence and the group's atom (or its negation) is in its ground body.  A
    group none of whose atoms occurs in a brave instance's body is therefore irrelevant: dropping
    it changes no conclusion and halves the worlds the reference backend must enumerate.  The
    brave consequences come from clingo, so both backends then solve the same problem.
    """
    from .solver.clingo_backend import ClingoBackend

    solver = ClingoBackend().prepare(program, facts, groups)
    worlds = Worlds(solver, groups, program)
    return [groups[g] for g in worlds.relevant]
