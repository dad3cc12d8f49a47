"""Proof trees rebuilt from rule-instance atoms (``fired_rN``) of the solved program.

A node is a conclusion with the rule that produced it (id, plain statement, authorities) and its
children: the conditions that held (sub-proofs), the conditions that were absent (negations,
shown as absent facts), comparisons, and leaves that are case facts with the file, line and field
they came from.  Both backends produce the same atoms, hence the same trees.  Where unknown facts
are involved, a derivation true in every world is preferred; otherwise the tree shows one world in
which the conclusion holds and marks the facts it assumes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .case.encode import ChoiceGroup, Fact, Origin, render_date
from .rulebook.model import Authority, Rulebook
from .rulebook.syntax import Comparison, Const, Literal as Lit, Var
from .solver.program import CompiledRule, Program, ground_atom
from .worlds import Worlds

__all__ = ["ProofNode", "ProofBuilder"]

NodeKind = Literal["rule", "fact", "lineage", "absent", "condition", "assumed", "reading"]


@dataclass
class ProofNode:
    conclusion: str
    kind: NodeKind
    holds: Literal["yes", "in_some_worlds"] = "yes"
    rule: str | None = None
    statement: str | None = None
    authorities: list[Authority] = field(default_factory=list)
    origin: Origin | None = None
    children: list["ProofNode"] = field(default_factory=list)

    def rules_used(self) -> list[str]:
        found = [self.rule] if self.rule else []
        for child in self.children:
            found += [r for r in child.rules_used() if r not in found]
        return found


def show(fact: Fact) -> str:
    args = ", ".join(render_date(a) if isinstance(a, int) and a > 10000000 else str(a)
                     for a in fact.args)
    return f"{fact.pred}({args})"


class ProofBuilder:
    def __init__(self, program: Program, rulebook: Rulebook, worlds: Worlds,
                 facts: Mapping[Fact, Origin], groups: Sequence[ChoiceGroup]) -> None:
        self.program = program
        self.rulebook = rulebook
        self.worlds = worlds
        self.facts = facts
        self.assumed: dict[Fact, tuple[ChoiceGroup, str]] = {}
        for group in groups:
            for label, alternative in zip(group.labels, group.alternatives):
                for fact in alternative:
                    self.assumed.setdefault(fact, (group, label))
        self.instances: dict[Fact, list[tuple[CompiledRule, Fact]]] = {}
        order = {c.fired: i for i, c in enumerate(program.rules)}
        for fired in sorted(worlds.base.brave, key=lambda f: (order.get(f.pred, -1), f.args)):
            compiled = program.by_fired.get(fired.pred)
            if compiled is not None:
                self.instances.setdefault(compiled.head_of(fired), []).append((compiled, fired))
        self._memo: dict[Fact, ProofNode] = {}

    def prove(self, atom: Fact) -> ProofNode:
        return self._prove(atom, ())

    def _prove(self, atom: Fact, stack: tuple[Fact, ...]) -> ProofNode:
        if atom in self._memo:
            return self._memo[atom]
        node = self._leaf(atom) or self._derived(atom, stack)
        if node.kind != "rule" or node.children:
            self._memo[atom] = node
        return node

    def _leaf(self, atom: Fact) -> ProofNode | None:
        if atom in self.facts:
            origin = self.facts[atom]
            kind: NodeKind = "lineage" if atom.pred.startswith("derives") else "fact"
            return ProofNode(show(atom), kind, origin=origin)
        if atom.pred == "reading":
            point = self.rulebook.points[str(atom.args[0])]
            reading = next(r for r in point.readings if r.name == atom.args[1])
            holds = "yes" if atom in self.worlds.base.cautious or self._pinned(atom) \
                else "in_some_worlds"
            return ProofNode(f"reading {point.id}:{reading.name}", "reading", holds,
                             statement=reading.statement, authorities=list(reading.authorities))
        if atom in self.assumed:
            group, label = self.assumed[atom]
            return ProofNode(f"{show(atom)} (unknown: {group.question}; assumed {label})",
                             "assumed", "in_some_worlds", origin=group.origin)
        return None

    def _pinned(self, atom: Fact) -> bool:
        return any(len(g.alternatives) == 1 and atom in g.alternatives[0]
                   for g in self.worlds.groups)

    def _derived(self, atom: Fact, stack: tuple[Fact, ...]) -> ProofNode:
        cautious = self.worlds.base.cautious
        candidates = self.instances.get(atom, [])
        ranked = sorted(candidates, key=lambda cf: cf[1] not in cautious)
        for compiled, fired in ranked:
            binding = compiled.binding(fired)
            positives = [ground_atom(i.atom, binding) for i in compiled.body
                         if isinstance(i, Lit) and not i.negated]
            if any(p in stack or p == atom for p in positives):
                continue
            rule = compiled.rule
            node = ProofNode(show(atom), "rule",
                             "yes" if atom in cautious else "in_some_worlds", rule=rule.id,
                             statement=rule.decl.statement,
                             authorities=list(rule.decl.authorities))
            for item in compiled.body:
                node.children.append(self._condition(item, binding, stack + (atom,)))
            return node
        holds = "yes" if atom in cautious else "in_some_worlds"
        return ProofNode(show(atom), "rule", holds, statement="no derivation found")

    def _condition(self, item: Lit | Comparison, binding: Mapping[str, str | int],
                   stack: tuple[Fact, ...]) -> ProofNode:
        if isinstance(item, Comparison):
            def value(t: Var | Const) -> str:
                v = binding[t.name] if isinstance(t, Var) else t.value
                return render_date(v) if isinstance(v, int) and v > 10000000 else repr(v)
            return ProofNode(f"{value(item.left)} {item.op} {value(item.right)}", "condition")
        ground = ground_atom(item.atom, binding)
        if not item.negated:
            return self._prove(ground, stack)
        possibly = ground in self.worlds.base.brave or ground in self.assumed
        text = f"absent: {show(ground)}"
        if possibly:
            text += " (unknown: present in some worlds)"
        return ProofNode(text, "absent", "in_some_worlds" if possibly else "yes")
