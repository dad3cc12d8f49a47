"""Production backend: the program compiled to ASP and solved by clingo.

Unknown facts and contested readings are choice groups ``1 { choice(G, 0..n-1) } 1``; the
consequences true in some world and in every world are clingo's brave and cautious consequences,
computed exactly on one grounding, with assumptions on ``choice/2`` for what-if questions.
One ``clingo.Control`` per case: nothing survives between cases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import clingo
from clingo import ast

from ..errors import EvaluationError
from ..facts import ChoiceGroup, Fact
from ..rulebook.syntax import Term, Var
from .program import Consequences, Dialect, Program, live_rules, world_facts

__all__ = ["ClingoBackend", "to_asp"]

_OPS = {"==": "=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def _term(term: Term) -> str:
    if isinstance(term, Var):
        # pyDatalog takes any name starting with a capital or '_' as a variable; clingo reads
        # '_kind' as a constant.  A fixed prefix keeps every variable a variable, injectively.
        return "V" + term.name
    return _const(term.value)


def _const(value: str | int) -> str:
    if isinstance(value, int):
        return str(value)
    # clingo's string escapes are exactly these three; every other character (tabs, other
    # control characters) is taken as it is
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _fact(fact: Fact) -> str:
    return f"{fact.pred}({','.join(_const(a) for a in fact.args)})"


_ASP = Dialect(term=_term, negation="not ", conjunction=", ", arrow=" :- ", end=".",
               comparison=lambda left, op, right: f"{left}{_OPS[op]}{right}")


def to_asp(program: Program) -> str:
    """ASP text of the instrumented rules (facts and choices are added per case)."""
    lines = []
    for compiled, fired_rule, head_rule in _ASP.rules(program):
        lines += [f"% {compiled.rule.id}", fired_rule, head_rule,
                  f"#show {compiled.fired}/{compiled.fired_arity}."]
    heads = sorted({(c.rule.parsed.head.pred, len(c.rule.parsed.head.args)) for c in program.rules})
    lines.extend(f"#show {name}/{arity}." for name, arity in heads)
    return "\n".join(lines) + "\n"


def _statements(program: Program) -> tuple[list[tuple[str, list[ast.AST]]], list[ast.AST]]:
    """The rules parsed once per program, by rule-instance predicate, and the ``#show``
    statements of the heads; each case adds the statements of the rules that can fire in it
    (cheaper than re-parsing the text, and the grounder spends its time per rule) and then its
    own facts."""
    rules: list[tuple[str, list[ast.AST]]] = []
    for compiled, fired_rule, head_rule in _ASP.rules(program):
        statements: list[ast.AST] = []
        ast.parse_string(f"{fired_rule}\n{head_rule}\n"
                         f"#show {compiled.fired}/{compiled.fired_arity}.", statements.append)
        rules.append((compiled.fired, statements))
    heads = sorted({(c.rule.parsed.head.pred, len(c.rule.parsed.head.args)) for c in program.rules})
    shows: list[ast.AST] = []
    ast.parse_string("\n".join(f"#show {name}/{arity}." for name, arity in heads),
                     shows.append)
    return rules, shows


class ClingoBackend:
    name = "clingo"

    def prepare(self, program: Program, facts: Iterable[Fact],
                groups: Sequence[ChoiceGroup],
                externals: Iterable[Fact] = ()) -> _ClingoSolver:
        """``externals`` are facts that what-if questions may switch on or off (the stated
        true/false facts): they are ground once as clingo externals, true when among ``facts``,
        and :meth:`_ClingoSolver.toggled` answers with some of them switched."""
        return _ClingoSolver(program, facts, groups, externals)


class _ClingoSolver:
    def __init__(self, program: Program, facts: Iterable[Fact],
                 groups: Sequence[ChoiceGroup], externals: Iterable[Fact] = ()) -> None:
        facts = set(facts)
        self._externals = {f: f in facts for f in externals}
        parts = [f"{_fact(f)}." for f in sorted(facts - set(self._externals), key=Fact.key)]
        parts += [f"#external {_fact(f)}." for f in sorted(self._externals, key=Fact.key)]
        for g, group in enumerate(groups):
            parts.append(f"1 {{ choice({g},0..{len(group.alternatives) - 1}) }} 1.")
            for i, alternative in enumerate(group.alternatives):
                parts.extend(f"{_fact(f)} :- choice({g},{i})." for f in alternative)
        self._choices = bool(groups)
        self._program = program
        self._control = clingo.Control(["--warn=none"])
        rules, shows = program.cached("asp-statements", _statements)
        live = live_rules(program, world_facts(facts, groups, self._externals))
        try:
            with ast.ProgramBuilder(self._control) as builder:
                for fired, statements in rules:
                    if fired in live:
                        for statement in statements:
                            builder.add(statement)
                for statement in shows:
                    builder.add(statement)
            self._control.add("base", [], "\n".join(parts))
            self._control.ground([("base", [])])
        except RuntimeError as exc:  # pragma: no cover - the front end rejects bad programs
            raise EvaluationError.single("CE301", f"clingo rejected the program: {exc}") from exc
        for fact, value in self._externals.items():
            self._control.assign_external(_symbol(fact), value)
        self._cache: dict[tuple[object, ...], Consequences] = {}
        self._facts: dict[clingo.Symbol, Fact] = {}
        self._symbols: dict[frozenset[Fact], dict[clingo.Symbol, Fact]] = {}

    def possible(self, predicates: Iterable[tuple[str, int]]) -> frozenset[Fact]:
        """The atoms of these predicates in the ground program: an over-approximation of what
        holds in some world, read off the grounding without solving."""
        out = set()
        for name, arity in predicates:
            for atom in self._control.symbolic_atoms.by_signature(name, arity):
                out.add(self._fact(atom.symbol))
        return frozenset(out)

    def toggled(self, facts: frozenset[Fact]) -> _Toggled:
        """The same grounding with these externals switched to the opposite value."""
        unknown = facts - set(self._externals)
        if unknown:
            raise ValueError(f"not externals of this grounding: {sorted(unknown)}")
        return _Toggled(self, facts)

    def _switch(self, facts: frozenset[Fact], flipped: bool) -> None:
        for fact in facts:
            self._control.assign_external(_symbol(fact), self._externals[fact] != flipped)

    def brave(self) -> frozenset[Fact]:
        """What holds in some world (no cautious pass)."""
        return self._solve("brave" if self._choices else "auto", [], None)

    def consequences(self, assumptions: Sequence[tuple[int, int]] = (),
                     targets: frozenset[Fact] | None = None) -> Consequences:
        key = (tuple(sorted(assumptions)), targets)
        if key not in self._cache:
            self._cache[key] = self._compute(key[0], targets)
        return self._cache[key]

    def _compute(self, assumptions: Sequence[tuple[int, int]],
                 targets: frozenset[Fact] | None) -> Consequences:
        literals = [(clingo.Function("choice", [clingo.Number(g), clingo.Number(i)]), True)
                    for g, i in assumptions]
        symbols = None if targets is None else self._target_symbols(targets)
        if not self._choices:
            model = self._solve("auto", literals, symbols)
            return Consequences(model, model)
        return Consequences(self._solve("brave", literals, symbols),
                            self._solve("cautious", literals, symbols))

    def _target_symbols(self, targets: frozenset[Fact]) -> dict[clingo.Symbol, Fact]:
        """The clingo symbols of the target atoms, built once per target set (the same open
        atoms are asked about under every assumption)."""
        if targets not in self._symbols:
            self._symbols[targets] = {_symbol(t): t for t in targets}
        return self._symbols[targets]

    def _solve(self, mode: str, assumptions: list[tuple[clingo.Symbol, bool]],
               targets: dict[clingo.Symbol, Fact] | None) -> frozenset[Fact]:
        """The consequences (or only those among ``targets``) of the last model enumerated."""
        config = self._control.configuration.solve
        config.enum_mode = mode  # type: ignore[union-attr]
        config.models = 0 if mode != "auto" else 1  # type: ignore[union-attr]
        last: Sequence[clingo.Symbol] | None = None

        def read(model: clingo.Model) -> None:
            # brave/cautious enumeration refines one estimate model by model: only the last counts
            nonlocal last
            last = model.symbols(shown=True) if targets is None \
                else [s for s in targets if model.contains(s)]

        self._control.solve(assumptions=assumptions, on_last=read)  # type: ignore[arg-type]
        if last is None:
            return frozenset()
        if targets is not None:
            return frozenset(targets[s] for s in last)
        return frozenset(self._fact(s) for s in last)

    def _fact(self, symbol: clingo.Symbol) -> Fact:
        fact = self._facts.get(symbol)
        if fact is None:
            fact = self._facts[symbol] = _parse(str(symbol))
        return fact


class _Toggled:
    """A what-if on a shared grounding: consequences with some externals switched, the
    grounding left as it was after each question."""

    def __init__(self, solver: _ClingoSolver, facts: frozenset[Fact]) -> None:
        self._solver = solver
        self._facts = facts
        self._cache: dict[tuple[object, ...], Consequences] = {}

    def consequences(self, assumptions: Sequence[tuple[int, int]] = (),
                     targets: frozenset[Fact] | None = None) -> Consequences:
        key = (tuple(sorted(assumptions)), targets)
        if key not in self._cache:
            self._solver._switch(self._facts, True)
            try:
                self._cache[key] = self._solver._compute(key[0], targets)
            finally:
                self._solver._switch(self._facts, False)
        return self._cache[key]


_ARGUMENT = re.compile(r'"((?:[^"\\]|\\.)*)"|(-?\d+)')


def _parse(text: str) -> Fact:
    """``pred("a",3)`` → Fact.  One call into clingo per atom instead of one per argument part;
    every shown atom has string or integer arguments only (the front end allows nothing else)."""
    name, _, rest = text.partition("(")
    args = tuple(_unescape(m.group(1)) if m.group(1) is not None else int(m.group(2))
                 for m in _ARGUMENT.finditer(rest))
    return Fact(name, args)


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def _symbol(fact: Fact) -> clingo.Symbol:
    return clingo.Function(fact.pred, [clingo.Number(a) if isinstance(a, int)
                                       else clingo.String(a) for a in fact.args])
