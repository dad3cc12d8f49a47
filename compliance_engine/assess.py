"""Assess one case: facts and rules in, explained determination out.

The engine only knows the *shape* of the answer, through the output predicates the rulebook must
declare (``REQUIRED_OUTPUTS``); what is a finding, a defence, an effect or a remedy is decided by
the rules in ``rules/``.
"""

from __future__ import annotations

import datetime as _dt
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from .case.encode import Usage, base_predicates, encode_case
from .case.load import LoadedCase
from .determination import Context, determine
from .errors import CaseFileError, EngineError, EvaluationError, Problem
from .facts import ChoiceGroup, Fact, Origin
from .lineage import build_lineage, lineage_predicates
from .proof import ProofBuilder
from .result import Result
from .rulebook.load import default_rules_dir, load_rulebook
from .rulebook.model import PredicateDecl, Rulebook
from .rulebook.syntax import Const, Var
from .rulebook.syntax import Literal as Lit
from .solver.program import Backend, Program, compile_program
from .worlds import Worlds, relevant_groups

__all__ = ["BACKENDS", "REQUIRED_OUTPUTS", "Assessment", "Engine", "base_declarations"]

REQUIRED_OUTPUTS = {"candidate": 3, "finding": 3, "defence_raised": 4, "defence_applies": 4,
                    "defence_defeated": 4, "defence_undefeated": 4, "defence_pending": 4,
                    "addresses": 4, "effect": 5, "remedy_considered": 4,
                    "remedy_available": 4, "remedy_satisfied": 4, "remedy_changed_by": 5,
                    "remedy_reaches_model": 4}
READ = frozenset(REQUIRED_OUTPUTS) | {"mismatch"}  # what the determination reads
BACKENDS = ("clingo", "pydatalog")
EngineName = Literal["clingo", "pydatalog"]


def base_declarations() -> dict[str, PredicateDecl]:
    decls = base_predicates()
    decls.update(lineage_predicates())
    decls["defence_unresolved"] = PredicateDecl(
        name="defence_unresolved", kind="base", args=["defence", "doctrine id", "act id",
                                                      "work cohort id"],
        meaning="The defendant proves the defence on facts the case file does not state (added "
                "by the engine, as an unknown fact, for a raised defence that no stated fact "
                "establishes or defeats).")
    decls["reading"] = PredicateDecl(
        name="reading", kind="base", args=["contested point", "reading"],
        meaning="The contested point is decided according to this reading (added by the engine "
                "to every rule that belongs to a reading).")
    return decls


@dataclass
class Assessment:
    result: Result
    rulebook: Rulebook
    worlds: Worlds
    groups: list[ChoiceGroup]
    fired_rules: frozenset[str] = frozenset()
    """Ids of the rules that fired in at least one world (what the case exercised)."""


_PROGRAMS: OrderedDict[tuple[str, _dt.date], tuple[Program, Usage]] = OrderedDict()
"""Compiled programs by rulebook content (sha256 of its files) and date, shared by the engines
of a process; the :data:`_KEPT_PROGRAMS` used last are kept (every case has its own date, so an
unbounded cache would grow with every case a long-running process assesses)."""
_KEPT_PROGRAMS = 8


class Engine:
    """A loaded, checked rulebook, ready to assess any number of cases independently."""

    def __init__(self, rules_dir: Path | None = None) -> None:
        self.rulebook = load_rulebook(rules_dir or default_rules_dir(), base_declarations(),
                                      REQUIRED_OUTPUTS)

    def program(self, as_of: _dt.date) -> tuple[Program, Usage]:
        """The rules in force on that date, compiled once per rulebook content and date."""
        key = (self.rulebook.sha256, as_of)
        if key not in _PROGRAMS:
            program = compile_program(self.rulebook, as_of)
            _PROGRAMS[key] = (program, _usage(program))
            while len(_PROGRAMS) > _KEPT_PROGRAMS:
                _PROGRAMS.popitem(last=False)
        _PROGRAMS.move_to_end(key)
        return _PROGRAMS[key]

    def assess(self, loaded: LoadedCase, *, engine: EngineName = "clingo",
               as_of: _dt.date | None = None, readings: Sequence[str] = (),
               flips: bool = False) -> Assessment:
        """Solve one case on its own.  ``flips`` also tries the opposite of every stated
        true/false fact a finding's proof rests on (one more solve per such fact)."""
        case = loaded.case
        if as_of is not None:
            case = case.model_copy(update={"case": case.case.model_copy(update={"as_of": as_of})})
        program, usage = self.program(case.case.as_of)
        file = loaded.path.name  # origins in the result do not depend on where the file is
        try:
            encoded = encode_case(case, usage, file=file, locate=loaded.locate)
            facts: dict[Fact, Origin] = {**encoded.facts,
                                         **build_lineage(case, file, loaded.locate).facts}
        except CaseFileError as error:  # errors name the file as the user gave it
            raise CaseFileError(_named(error, loaded)) from None
        groups = encoded.groups + self._reading_groups(program, readings)
        backend = _backend(engine)

        def solve(known: frozenset[Fact], targets: frozenset[Fact] | None = None) -> Worlds:
            ordered = sorted(known, key=Fact.key)
            # both backends solve the same (relevant) groups, so what is possible, and hence
            # every why-not explanation, does not depend on the backend
            kept, fixed = relevant_groups(program, ordered, groups, READ,
                                          precise=targets is None)
            ordered = sorted(known | fixed, key=Fact.key)
            try:
                prepared = backend.prepare(program, ordered, kept)
            except EvaluationError as error:  # about this case: name its file
                raise EvaluationError(_named(error, loaded)) from None
            return Worlds(prepared, kept, program, READ, targets)

        what_if: list[tuple[Any, list[ChoiceGroup]]] = []

        def resolve(toggled: frozenset[Fact], targets: frozenset[Fact]) -> Worlds:
            """A what-if with stated true/false facts switched.  On clingo the case is ground
            once for every what-if, those facts being externals; the reference backend solves
            the changed case afresh."""
            if engine != "clingo" or not toggled <= encoded.flags:
                return solve(frozenset(facts) ^ toggled, targets)
            if not what_if:
                from .solver.clingo_backend import ClingoBackend

                ordered = sorted(facts, key=Fact.key)
                kept, fixed = relevant_groups(program, ordered, groups, READ, precise=False,
                                              externals=frozenset(encoded.flags))
                solver = ClingoBackend().prepare(program, [*ordered, *fixed], kept,
                                                 encoded.flags)
                what_if.append((solver, kept))
            solver, kept = what_if[0]
            return Worlds(solver.toggled(toggled), kept, program, READ, targets)

        worlds = solve(frozenset(facts))
        relevant = [worlds.groups[g] for g in worlds.relevant]
        # every group, relevant or not: what *could* hold matters to why-not explanations, and
        # must not depend on which backend pruned what
        added = [g for g in worlds.groups if g.id.startswith("defence:")]
        proofs = ProofBuilder(program, self.rulebook, worlds, facts, groups + added,
                              encoded.negatives)
        context = Context(self.rulebook, case, loaded, program, encoded, facts, worlds, proofs,
                          engine, readings,
                          resolve=resolve)
        fired = {atom.pred for atom in worlds.base.brave if atom.pred.startswith("fired_")}
        return Assessment(determine(context, flips=flips), self.rulebook, worlds, relevant,
                          frozenset(c.rule.id for c in program.rules if c.fired in fired))

    def _reading_groups(self, program: Program, pinned: Sequence[str]) -> list[ChoiceGroup]:
        chosen: dict[str, str] = {}
        for name in pinned:
            point = self.rulebook.reading_point(name)
            if point is None:
                names = sorted(f"{p.id}:{r.name}" for p in self.rulebook.points.values()
                               for r in p.readings)
                raise EvaluationError.single("CE303", f"no contested point has a reading "
                                                      f"{name!r}", expected=", ".join(names))
            chosen[point] = name.rpartition(":")[2]
        used = {c.rule.decl.reading.point for c in program.rules if c.rule.decl.reading}
        groups = []
        for point in sorted(used):
            decl = self.rulebook.points[point]
            names = [chosen[point]] if point in chosen else [r.name for r in decl.readings]
            groups.append(ChoiceGroup(
                id=f"reading:{point}", kind="reading", question=decl.question,
                labels=tuple(names),
                alternatives=tuple((Fact("reading", (point, n)),) for n in names)))
        return groups


def _named(error: EngineError, loaded: LoadedCase) -> list[Problem]:
    """The problems of ``error``, each naming the case file as the user gave it."""
    return [replace(p, file=str(loaded.path)) if p.file in (None, loaded.path.name) else p
            for p in error.problems]


def _backend(name: str) -> Backend:
    """Backends are imported on first use: clingo and pyDatalog are heavy to load."""
    if name == "clingo":
        from .solver.clingo_backend import ClingoBackend
        return ClingoBackend()
    if name == "pydatalog":
        from .solver.pydatalog_backend import PyDatalogBackend
        return PyDatalogBackend()
    raise EvaluationError.single("CE304", f"unknown engine {name!r}", expected="clingo or pydatalog")


def _usage(program: Program) -> Usage:
    from .dateflow import date_partners

    predicates: set[str] = set()
    constants: dict[tuple[str, int], set[str | int]] = {}
    open_positions: set[tuple[str, int]] = set()
    for compiled in program.rules:
        for item in compiled.body:
            if not isinstance(item, Lit):
                continue
            predicates.add(item.atom.pred)
            for position, term in enumerate(item.atom.args):
                if isinstance(term, Const):
                    constants.setdefault((item.atom.pred, position), set()).add(term.value)
                elif isinstance(term, Var) and not term.name.startswith("_Anon"):
                    open_positions.add((item.atom.pred, position))
    return Usage(frozenset(predicates), {k: frozenset(v) for k, v in constants.items()},
                 frozenset(open_positions), date_partners(program))
