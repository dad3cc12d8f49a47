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

from .facts import ChoiceGroup, Fact, Origin, render_date
from .rulebook.model import Authority, Rulebook
from .rulebook.syntax import Atom, Comparison, Const, Offset, Operand, Var
from .rulebook.syntax import Literal as Lit
from .solver.program import CompiledRule, Program, ground_atom
from .worlds import Worlds

__all__ = ["ProofBuilder", "ProofNode"]

NodeKind = Literal["rule", "fact", "lineage", "absent", "condition", "assumed", "reading"]
Holds = Literal["yes", "in_some_worlds"]


@dataclass
class ProofNode:
    conclusion: str
    kind: NodeKind
    holds: Holds = "yes"
    rule: str | None = None
    statement: str | None = None
    authorities: list[Authority] = field(default_factory=list)
    origin: Origin | None = None
    children: list[ProofNode] = field(default_factory=list)
    atom: Fact | None = None   # the case fact a leaf states, or an absent condition is about

    def leaves(self) -> list[Fact]:
        """The case facts this tree rests on or finds absent, in order, without repeats."""
        found = [self.atom] if self.atom is not None else []
        for child in self.children:
            found += [a for a in child.leaves() if a not in found]
        return found


def _unify(pattern: Sequence[Var | Const], values: Sequence[str | int],
           binding: Mapping[str, str | int] | None = None) -> dict[str, str | int] | None:
    out = dict(binding or {})
    for term, value in zip(pattern, values):
        if isinstance(term, Const):
            if term.value != value:
                return None
        elif out.setdefault(term.name, value) != value:
            return None
    return out


def _compare(op: str, left: str | int, right: str | int) -> bool:
    if type(left) is not type(right):
        return op == "!="
    return {"<": left < right, "<=": left <= right, ">": left > right,  # type: ignore[operator]
            ">=": left >= right, "==": left == right, "!=": left != right}[op]  # type: ignore[operator]


def show(fact: Fact) -> str:
    args = ", ".join(render_date(a) if isinstance(a, int) and a > 10000000 else str(a)
                     for a in fact.args)
    return f"{fact.pred}({args})"


class ProofBuilder:
    def __init__(self, program: Program, rulebook: Rulebook, worlds: Worlds,
                 facts: Mapping[Fact, Origin], groups: Sequence[ChoiceGroup],
                 negatives: Mapping[Fact, Origin]) -> None:
        self.program = program
        self.rulebook = rulebook
        self.worlds = worlds
        self.facts = facts
        self.negatives = negatives
        self.values: dict[tuple[str, tuple[object, ...]], list[Fact]] = {}
        for fact in facts:
            self.values.setdefault((fact.pred, fact.args[:-1]), []).append(fact)
        self.assumed: dict[Fact, tuple[ChoiceGroup, str]] = {}
        #: readings pinned with --reading (single-alternative groups), whichever groups the
        #: backend was given: what the proof shows must not depend on the backend's pruning
        self.pinned = frozenset(f for g in groups if len(g.alternatives) == 1
                                for f in g.alternatives[0])
        for group in groups:
            for label, alternative in zip(group.labels, group.alternatives):
                for fact in alternative:
                    self.assumed.setdefault(fact, (group, label))
        self.instances: dict[Fact, list[tuple[CompiledRule, Fact]]] = {}
        order = {c.fired: i for i, c in enumerate(program.rules)}
        for fired in sorted(worlds.base.brave, key=lambda f: (order.get(f.pred, -1), f.key())):
            compiled = program.by_fired.get(fired.pred)
            if compiled is not None:
                self.instances.setdefault(compiled.head_of(fired), []).append((compiled, fired))
        self._memo: dict[Fact, ProofNode] = {}
        self._why: dict[tuple[Fact, int], ProofNode] = {}
        self.by_head: dict[str, list[CompiledRule]] = {}
        for compiled in program.rules:
            self.by_head.setdefault(compiled.rule.parsed.head.pred, []).append(compiled)
        possible = set(facts) | set(self.assumed) | set(worlds.base.brave)
        self.possible: dict[str, list[Fact]] = {}
        for atom in sorted(possible, key=Fact.key):
            self.possible.setdefault(atom.pred, []).append(atom)
        self.certain = set(facts) | set(worlds.base.cautious)

    def prove(self, atom: Fact) -> ProofNode:
        return self._prove(atom, ())

    def explain(self, atom: Fact) -> ProofNode:
        """A proof if the atom holds in some world, otherwise why it holds in none."""
        if atom in self.worlds.base.brave or atom in self.facts:
            return self.prove(atom)
        return self.why_not(atom)

    def why_not(self, atom: Fact, depth: int = 3) -> ProofNode:
        """Why no rule concludes the atom: for each rule whose conclusion matches it, the first
        condition that fails (with, for a condition blocked by a negation, the proof of what
        blocks it, and for a missing derived condition, why that fails in turn)."""
        if (atom, depth) not in self._why:
            self._why[atom, depth] = self._why_not(atom, depth)
        return self._why[atom, depth]

    def _why_not(self, atom: Fact, depth: int) -> ProofNode:
        node = ProofNode(f"not {show(atom)}", "rule", "yes",
                         statement="No rule in force concludes this from the facts.")
        for compiled in self.by_head.get(atom.pred, []):
            binding = _unify(compiled.rule.parsed.head.args, atom.args)
            if binding is None:
                continue
            rule = compiled.rule
            failed, held = self._first_failure(compiled, binding)
            child = ProofNode(f"does not conclude {show(atom)}", "rule", "yes", rule=rule.id,
                              statement=rule.decl.statement,
                              authorities=list(rule.decl.authorities))
            child.children.extend(held)
            if failed is not None:
                child.children.append(self._failure(failed, depth))
            node.children.append(child)
        return node

    def _first_failure(self, compiled: CompiledRule, binding: dict[str, str | int]
                       ) -> tuple[tuple[Lit | Comparison, dict[str, str | int]] | None,
                                  list[ProofNode]]:
        """Evaluate the body left to right over every binding the facts allow; report the
        conditions of the binding that got furthest, and the condition where it stopped."""
        frontier = [binding]
        for index, item in enumerate(compiled.body):
            extended = [b2 for b in frontier for b2 in self._extend(item, b)]
            if not extended:
                best = frontier[0]
                held = [self._condition(i, best, ()) for i in compiled.body[:index]
                        if not (isinstance(i, Lit) and i.atom.pred == "reading"
                                and not self._pinned(ground_atom(i.atom, best)))]
                return (item, best), held
            frontier = extended
        return None, []

    def _extend(self, item: Lit | Comparison,
                binding: dict[str, str | int]) -> list[dict[str, str | int]]:
        if isinstance(item, Comparison):
            def value(t: Operand) -> str | int | None:
                return operand_value(t, binding)
            left, right = value(item.left), value(item.right)
            if item.op == "==" and isinstance(item.left, Var) and left is None:
                return [{**binding, item.left.name: right}] if right is not None else []
            return [binding] if left is not None and right is not None \
                and _compare(item.op, left, right) else []
        if item.negated:
            return [] if ground_atom(item.atom, binding) in self.certain else [binding]
        out = []
        for candidate in self.possible.get(item.atom.pred, []):
            extended = _unify(item.atom.args, candidate.args, binding)
            if extended is not None:
                out.append(extended)
        return out

    def _failure(self, failed: tuple[Lit | Comparison, dict[str, str | int]],
                 depth: int) -> ProofNode:
        item, binding = failed
        if isinstance(item, Comparison):
            return ProofNode(f"fails: {item}", "condition", "yes")
        bound = Atom(item.atom.pred, tuple(Const(binding[a.name]) if isinstance(a, Var)
                                           and a.name in binding else a
                                           for a in item.atom.args))
        if item.negated:
            blocker = ground_atom(item.atom, binding)
            node = ProofNode(f"fails: {show(blocker)} holds", "condition", "yes")
            node.children.append(self.prove(blocker))
            return node
        if any(isinstance(a, Var) for a in bound.args):
            text = f"fails: no {bound} in the case or derivable from it"
            return ProofNode(text, "condition", "yes")
        ground = ground_atom(bound, binding)
        origin = self.negatives.get(ground)
        if origin is not None:
            return ProofNode(f"fails: {show(ground)} is stated false", "fact", origin=origin,
                             atom=ground)
        decl = self.rulebook.predicates.get(ground.pred)
        if decl is not None and decl.kind == "base" or depth <= 0:
            stated = sorted(self.values.get((ground.pred, ground.args[:-1]), []))
            text = f"fails: {show(ground)} is not in the case"
            origin = self.facts[stated[0]] if stated else None
            if stated:
                text = f"fails: {show(ground)}; the case states {', '.join(map(show, stated))}"
            return ProofNode(text, "fact", origin=origin, atom=ground)
        node = ProofNode(f"fails: {show(ground)}", "condition", "yes")
        node.children.append(self.why_not(ground, depth - 1))
        return node

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
            return ProofNode(show(atom), kind, origin=origin, atom=atom)
        if atom.pred == "reading":
            point = self.rulebook.points[str(atom.args[0])]
            reading = next(r for r in point.readings if r.name == atom.args[1])
            holds: Holds = "yes" if atom in self.worlds.base.cautious or self._pinned(atom) \
                else "in_some_worlds"
            return ProofNode(f"reading {point.id}:{reading.name}", "reading", holds,
                             statement=reading.statement, authorities=list(reading.authorities))
        if atom in self.assumed:
            group, label = self.assumed[atom]
            why = "unknown" if group.kind != "dispute" else \
                "alleged" if group.id.startswith("allegation:") else "disputed"
            return ProofNode(f"{show(atom)} ({why}: {group.question}; assumed {label})",
                             "assumed", "in_some_worlds", origin=group.origin)
        return None

    def _pinned(self, atom: Fact) -> bool:
        return atom in self.pinned

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
        holds: Holds = "yes" if atom in cautious else "in_some_worlds"
        return ProofNode(show(atom), "rule", holds, statement="no derivation found")

    def _condition(self, item: Lit | Comparison, binding: Mapping[str, str | int],
                   stack: tuple[Fact, ...]) -> ProofNode:
        if isinstance(item, Comparison):
            def value(t: Operand) -> str:
                v = operand_value(t, binding)
                text = render_date(v) if isinstance(v, int) and v > 10000000 else repr(v)
                return f"{text} ({t})" if isinstance(t, Offset) else text
            return ProofNode(f"{value(item.left)} {item.op} {value(item.right)}", "condition")
        ground = ground_atom(item.atom, binding)
        if not item.negated:
            return self._prove(ground, stack)
        possibly = ground in self.worlds.base.brave or ground in self.assumed
        text, origin = f"absent: {show(ground)}", self.negatives.get(ground)
        if possibly:
            text += " (unknown: present in some worlds)"
        elif origin is not None:
            text += " (stated false)"
        else:
            stated = sorted(self.values.get((ground.pred, ground.args[:-1]), []))
            if stated and ground.pred in self.rulebook.predicates \
                    and self.rulebook.predicates[ground.pred].kind == "base":
                text += f" (the case states {', '.join(map(show, stated))})"
                origin = self.facts[stated[0]]
        return ProofNode(text, "absent", "in_some_worlds" if possibly else "yes", origin=origin,
                         atom=ground)


def operand_value(operand: Operand, binding: Mapping[str, str | int]) -> str | int | None:
    """The value of a comparison operand under a binding (None while a variable is unbound)."""
    if isinstance(operand, Const):
        return operand.value
    var = operand.var if isinstance(operand, Offset) else operand
    value = binding.get(var.name)
    if isinstance(operand, Offset) and isinstance(value, int):
        return value + operand.amount
    return value
