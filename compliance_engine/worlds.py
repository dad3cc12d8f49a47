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

from .case.encode import ChoiceGroup, Fact
from .rulebook.syntax import Literal as Lit
from .solver.program import Consequences, Program, Solver, ground_atom

__all__ = ["Worlds", "Truth", "Sensitivity", "relevant_groups"]

Truth = Literal["true", "false", "open"]


@dataclass(frozen=True)
class Sensitivity:
    """How an open atom's truth moves when one group is fixed to each of its alternatives."""

    group: int
    truths: tuple[Truth, ...]   # one per alternative


class Worlds:
    def __init__(self, solver: Solver, groups: Sequence[ChoiceGroup]) -> None:
        self.solver = solver
        self.groups = list(groups)
        self.base: Consequences = solver.consequences()

    def truth(self, atom: Fact, consequences: Consequences | None = None) -> Truth:
        c = consequences or self.base
        if atom in c.cautious:
            return "true"
        return "open" if atom in c.brave else "false"

    def sensitivities(self, atom: Fact, kind: str) -> list[Sensitivity]:
        """Groups of ``kind`` ('fact' or 'reading') whose value can change the atom's truth."""
        if self.truth(atom) != "open":
            return []
        out = []
        for g, group in enumerate(self.groups):
            if group.kind != kind or len(group.alternatives) < 2:
                continue
            truths = tuple(self.truth(atom, self.solver.consequences([(g, i)]))
                           for i in range(len(group.alternatives)))
            if len(set(truths)) > 1:
                out.append(Sensitivity(g, truths))
        if kind == "fact" and not out and not any(
                s for s in self.sensitivities(atom, "reading")):
            # the atom turns on a combination of facts no single one decides: list them all
            out = [Sensitivity(g, ("open",) * len(grp.alternatives))
                   for g, grp in enumerate(self.groups) if grp.kind == "fact"
                   and len(grp.alternatives) > 1]
        return out


def relevant_groups(program: Program, facts: Sequence[Fact],
                    groups: Sequence[ChoiceGroup]) -> tuple[list[ChoiceGroup], list[ChoiceGroup]]:
    """Split the groups into those whose value can matter and those that cannot.

    If a group's value changes any rule instance's firing, that instance fires in some world, so
    it is a brave consequence and the group's atom (or its negation) is in its ground body.  A
    group none of whose atoms occurs in a brave instance's body is therefore irrelevant, and
    dropping it changes no conclusion while halving the worlds to consider.  Computed once with
    clingo's brave consequences, so both backends then solve the same, smaller problem.
    """
    if not groups:
        return [], []
    from .solver.clingo_backend import ClingoBackend

    brave = ClingoBackend().prepare(program, facts, groups).consequences().brave
    used: set[Fact] = set()
    for fired in brave:
        compiled = program.by_fired.get(fired.pred)
        if compiled is None:
            continue
        binding = compiled.binding(fired)
        used.update(ground_atom(i.atom, binding) for i in compiled.body if isinstance(i, Lit))
    kept, dropped = [], []
    for group in groups:
        matters = any(f in used for alternative in group.alternatives for f in alternative)
        (kept if matters else dropped).append(group)
    return kept, dropped
