"""Assess one case: facts and rules in, explained determination out.

The engine only knows the *shape* of the answer, through the output predicates the rulebook must
declare (``REQUIRED_OUTPUTS``); what is a finding, a defence, an effect or a remedy is decided by
the rules in ``rules/``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .case.encode import ChoiceGroup, EncodedCase, Fact, Origin, Usage, base_predicates, \
    date_value, encode_case
from .case.load import LoadedCase
from .errors import EvaluationError
from .lineage import build_lineage, lineage_predicates
from .proof import ProofBuilder, ProofNode
from .result import (Answer, AuthorityRef, CaseRef, Defence, Effect, Explanation, Finding,
                     MissingFact, MitigationResult, ReadingOutcome, Remedy, Result, RulebookRef,
                     SourceRef, UnknownFact)
from .rulebook.load import default_rules_dir, load_rulebook
from .rulebook.model import PredicateDecl, Rulebook
from .rulebook.syntax import Comparison, Const, Literal, Var
from .solver.program import Program, compile_program
from .worlds import Sensitivity, Truth, Worlds, relevant_groups

__all__ = ["Assessment", "Engine", "REQUIRED_OUTPUTS", "base_declarations", "BACKENDS"]

REQUIRED_OUTPUTS = {"candidate": 3, "finding": 3, "defence_raised": 4, "defence_applies": 4,
                    "addresses": 4, "effect": 5, "remedy_considered": 4, "remedy_available": 4,
                    "remedy_reaches_model": 4}
BACKENDS = ("clingo", "pydatalog")


def base_declarations() -> dict[str, PredicateDecl]:
    decls = base_predicates()
    decls.update(lineage_predicates())
    decls["reading"] = PredicateDecl(
        name="reading", kind="base", args=["contested point", "reading"],
        meaning="The contested point is decided according to this reading (added by the engine "
                "to every rule that belongs to a reading).")
    return decls


def engine_version() -> str:
    try:
        return version("compliance-engine")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+source"


@dataclass
class Assessment:
    result: Result
    rulebook: Rulebook
    worlds: Worlds
    groups: list[ChoiceGroup]


class Engine:
    """A loaded, checked rulebook, ready to assess any number of cases independently."""

    def __init__(self, rules_dir: Path | None = None) -> None:
        self.rulebook = load_rulebook(rules_dir or default_rules_dir(), base_declarations(),
                                      REQUIRED_OUTPUTS)
        self._programs: dict[_dt.date, tuple[Program, Usage]] = {}

    def program(self, as_of: _dt.date) -> tuple[Program, Usage]:
        if as_of not in self._programs:
            program = compile_program(self.rulebook, as_of)
            self._programs[as_of] = (program, _usage(program))
        return self._programs[as_of]

    def assess(self, loaded: LoadedCase, *, engine: str = "clingo",
               as_of: _dt.date | None = None, readings: Sequence[str] = ()) -> Assessment:
        case = loaded.case
        if as_of is not None:
            case = case.model_copy(update={"case": case.case.model_copy(update={"as_of": as_of})})
        day = case.case.as_of
        program, usage = self.program(day)
        file = loaded.path.name
        encoded = encode_case(case, usage, file=file, locate=loaded.locate)
        lineage = build_lineage(case, file, loaded.locate)
        facts: dict[Fact, Origin] = {**encoded.facts, **lineage.facts}
        known = sorted(facts)
        groups = encoded.groups + self._reading_groups(program, readings)
        if engine != "clingo" and groups:
            groups = relevant_groups(program, known, groups)
        solver = _backend(engine).prepare(program, known, groups)
        worlds = Worlds(solver, groups, program)
        groups = [groups[g] for g in worlds.relevant]
        proofs = ProofBuilder(program, self.rulebook, worlds, facts, groups, encoded.negatives)
        result = _Assembler(self, case, loaded, program, worlds, proofs, encoded, engine,
                            readings).result()
        return Assessment(result, self.rulebook, worlds, groups)

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


def _backend(name: str):  # type: ignore[no-untyped-def]
    if name == "clingo":
        from .solver.clingo_backend import ClingoBackend
        return ClingoBackend()
    if name == "pydatalog":
        from .solver.pydatalog_backend import PyDatalogBackend
        return PyDatalogBackend()
    raise EvaluationError.single("CE304", f"unknown engine {name!r}", expected="clingo or pydatalog")


def _usage(program: Program) -> Usage:
    predicates: set[str] = set()
    constants: dict[tuple[str, int], set[str | int]] = {}
    open_positions: set[tuple[str, int]] = set()
    dates: set[int] = set()
    for compiled in program.rules:
        for item in compiled.body:
            terms = item.atom.args if isinstance(item, Literal) else (item.left, item.right)
            if isinstance(item, Literal):
                predicates.add(item.atom.pred)
            for position, term in enumerate(terms):
                if isinstance(term, Const):
                    if isinstance(term.value, int) and term.value > 10000000:
                        dates.add(term.value)
                    if isinstance(item, Literal):
                        constants.setdefault((item.atom.pred, position), set()).add(term.value)
                elif isinstance(item, Literal) and isinstance(term, Var) \
                        and not term.name.startswith("_Anon"):
                    open_positions.add((item.atom.pred, position))
    dates.add(date_value(program.as_of))
    return Usage(frozenset(predicates), {k: frozenset(v) for k, v in constants.items()},
                 frozenset(open_positions), frozenset(dates))


_FINDING_STATUS: dict[Truth, str] = {"true": "established", "false": "not_established"}
_DEFENCE_STATUS: dict[Truth, str] = {"true": "applies", "false": "fails"}
_TRUTH_WORDS = {"true": "holds", "false": "does not hold", "open": "undecided"}


class _Assembler:
    def __init__(self, engine: Engine, case, loaded: LoadedCase, program: Program,  # type: ignore[no-untyped-def]
                 worlds: Worlds, proofs: ProofBuilder, encoded: EncodedCase, backend: str,
                 pinned: Sequence[str]) -> None:
        self.engine, self.case, self.loaded, self.program = engine, case, loaded, program
        self.worlds, self.proofs, self.encoded = worlds, proofs, encoded
        self.backend, self.pinned = backend, pinned
        self.brave = worlds.base.brave
        self._converted: dict[int, tuple[ProofNode, Explanation]] = {}

    # -- helpers -------------------------------------------------------------------------------
    def atoms(self, pred: str) -> list[Fact]:
        return sorted(a for a in self.brave if a.pred == pred)

    def status(self, atom: Fact, words: dict[Truth, str]) -> tuple[str, list[ReadingOutcome],
                                                                    list[MissingFact]]:
        truth = self.worlds.truth(atom)
        if truth != "open":
            return words[truth], [], []
        readings = [r for s in self.worlds.sensitivities(atom, "reading")
                    for r in self.reading_outcomes(s, words)]
        missing = [self.missing(s, atom, words) for s in self.worlds.sensitivities(atom, "fact")]
        return ("uncertain" if readings else "needs_facts"), readings, missing

    def reading_outcomes(self, s: Sensitivity, words: dict[Truth, str]) -> list[ReadingOutcome]:
        group = self.worlds.groups[s.group]
        point = self.engine.rulebook.points[group.id.partition(":")[2]]
        out = []
        for name, truth in zip(group.labels, s.truths):
            reading = next(r for r in point.readings if r.name == name)
            out.append(ReadingOutcome(
                point=point.id, question=point.question, reading=name,
                statement=reading.statement,
                status=words.get(truth, "needs_facts"),
                authorities=[_authority(a) for a in reading.authorities]))
        return out

    def missing(self, s: Sensitivity, atom: Fact, words: dict[Truth, str]) -> MissingFact:
        group = self.worlds.groups[s.group]
        return MissingFact(
            fact=group.question, source=_source(group.origin), burden=self.burden(group, atom),
            outcomes={label: words.get(t, "undecided") for label, t in zip(group.labels,
                                                                           s.truths)})

    def burden(self, group: ChoiceGroup, atom: Fact) -> str:
        """The burden of the rules that read the fact on the way to the conclusion."""
        preds = {f.pred for alt in group.alternatives for f in alt}
        if atom.pred.startswith("defence"):
            return "defendant"
        burdens = {c.rule.burden for c in self.program.rules
                   if any(isinstance(i, Literal) and i.atom.pred in preds for i in c.body)}
        if atom.pred in ("effect", "addresses"):
            return "defendant" if "defendant" in burdens or not burdens else "claimant"
        return "claimant" if "claimant" in burdens or not burdens else "defendant"

    def explain(self, atom: Fact) -> Explanation:
        return _explanation(self.proofs.explain(atom), self._converted)

    # -- sections ------------------------------------------------------------------------------
    def result(self) -> Result:
        acts = {a.id: a for a in self.case.acts}
        findings = []
        for atom in self.atoms("candidate"):
            doctrine, act, cohort = (str(a) for a in atom.args)
            target = Fact("finding", atom.args)
            status, readings, missing = self.status(target, _FINDING_STATUS)
            defences = []
            for d in self.atoms("defence_raised"):
                if d.args[1:] == atom.args:
                    applies = Fact("defence_applies", d.args)
                    d_status, d_readings, d_missing = self.status(applies, _DEFENCE_STATUS)
                    defences.append(Defence(
                        defence=str(d.args[0]), status=d_status, readings=d_readings,
                        missing_facts=d_missing,
                        explanation=self.explain(applies)))
            place = acts[act].place if act in acts else None
            findings.append(Finding(
                id=_finding_id(atom.args), doctrine=doctrine, act=act,
                act_kind=acts[act].kind if act in acts else "process",
                jurisdiction=place or "unknown", subject=cohort, status=status,
                defences=defences, readings=readings, missing_facts=missing,
                flips=[m.fact for m in missing],
                explanation=self.explain(target)))
        mitigations = self.mitigations(findings)
        return Result(
            engine_version=engine_version(), engine=self.backend,
            rulebook=RulebookRef(version=self.engine.rulebook.version,
                                 sha256=self.engine.rulebook.sha256,
                                 rules_in_force=len(self.program.rules)),
            case=CaseRef(id=self.case.case.id, title=self.case.case.title,
                         file=self.loaded.path.name, sha256=self.loaded.sha256),
            as_of=self.case.case.as_of.isoformat(), jurisdictions=list(self.case.case.jurisdictions),
            readings_pinned=list(self.pinned), findings=findings,
            mitigations=mitigations, remedies=self.remedies(),
            answer=self.answers(findings, mitigations),
            unknown_facts=[UnknownFact(fact=g.question, source=_source(g.origin),
                                       values=list(g.labels))
                           for g in (self.worlds.groups[i] for i in self.worlds.relevant)
                           if g.kind == "fact"])

    def mitigations(self, findings: list[Finding]) -> list[MitigationResult]:
        out = []
        for m in self.case.mitigations:
            effects: list[Effect] = []
            for finding in findings:
                key = (m.id, finding.doctrine, finding.act, finding.subject)
                addresses = Fact("addresses", key)
                if addresses not in self.brave:
                    continue
                codes = [a for a in self.atoms("effect") if a.args[:4] == key]
                for atom in codes:
                    status, readings, missing = self.status(
                        atom, {"true": "established", "false": "not_established"})
                    effects.append(Effect(
                        finding=finding.id, effect=str(atom.args[4]), status=status,
                        readings=readings, missing_facts=missing, explanation=self.explain(atom)))
                if not codes:
                    effects.append(Effect(
                        finding=finding.id, effect="none", status="established",
                        explanation=Explanation(
                            conclusion=f"no rule gives {m.kind} an effect on {finding.id}",
                            kind="rule", holds="yes",
                            statement="The mitigation is offered against this liability, but no "
                                      "rule in force derives a cure, limit, remedy change or "
                                      "aggravation from the facts.",
                            children=[self.explain(addresses)])))
            out.append(MitigationResult(id=m.id, kind=m.kind,
                                        date=m.date.isoformat() if m.date else None,
                                        effects=effects))
        return out

    def remedies(self) -> list[Remedy]:
        out = []
        for atom in sorted(self.atoms("remedy_considered"), key=lambda a: (a.args[1:], a.args[0])):
            available = Fact("remedy_available", atom.args)
            truth = self.worlds.truth(available)
            reaches = Fact("remedy_reaches_model", atom.args)
            out.append(Remedy(
                finding=_finding_id(atom.args[1:]), remedy=str(atom.args[0]),
                status={"true": "available", "false": "unavailable"}.get(truth, "uncertain"),
                reaches_model=self.worlds.truth(reaches) == "true",
                explanation=self.explain(available)))
        return out

    def answers(self, findings: list[Finding],
                mitigations: list[MitigationResult]) -> list[Answer]:
        by_id = {f.id: f for f in findings}
        out = []
        for mitigation in mitigations:
            liable = sorted({e.finding for e in mitigation.effects
                             if by_id[e.finding].status != "not_established"})
            cured = {e.finding for e in mitigation.effects
                     if e.effect == "cure" and e.status == "established"}
            maybe = {e.finding for e in mitigation.effects if e.effect == "cure"} - cured
            cured &= set(liable)
            count = _count(len(liable), "liability", "liabilities")
            if not liable:
                answer, text = "no", ("there is no liability it is offered against: every "
                                      "finding it addresses is not established.")
            elif cured == set(liable):
                answer, text = "yes", f"it cures every liability it is offered against ({count})."
            elif cured:
                answer = "partly"
                rest = [f for f in liable if f not in cured]
                text = (f"it cures {len(cured)} of the {count} it is offered against; "
                        f"not cured: {', '.join(rest)}.")
            elif maybe & set(liable):
                answer = "uncertain"
                text = ("whether it cures turns on contested law or unknown facts for "
                        f"{', '.join(sorted(maybe & set(liable)))}.")
            else:
                answer = "no"
                other = sorted({e.effect for e in mitigation.effects if e.finding in liable})
                text = (f"it cures none of the {count} it is offered against; its effects on "
                        f"them: {', '.join(other)}." if len(liable) > 1 else
                        f"it does not cure the liability it is offered against ({liable[0]}); "
                        f"its effect on it: {', '.join(other)}.")
            kind = mitigation.kind.replace("_", " ").capitalize()
            out.append(Answer(mitigation=mitigation.id, answer=answer,
                              summary=f"{kind} ({mitigation.id}): {text}"))
        return out


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _finding_id(args: Sequence[object]) -> str:
    return "/".join(str(a) for a in args)


def _authority(a) -> AuthorityRef:  # type: ignore[no-untyped-def]
    return AuthorityRef(cite=a.cite, grade=a.grade, pinpoint=a.pinpoint, quote=a.quote)


def _source(origin: Origin | None) -> SourceRef | None:
    if origin is None:
        return None
    return SourceRef(file=origin.file, line=origin.line, column=origin.column, path=origin.path)


def _explanation(node: ProofNode,
                 done: dict[int, tuple[ProofNode, Explanation]]) -> Explanation:
    """The contract form of a proof node.  Proofs share sub-trees, so each node is converted once
    and built without re-validation (every field comes from checked rules and facts)."""
    key = id(node)  # the node is kept alive in ``done`` so its id cannot be reused
    if key not in done:
        done[key] = node, Explanation.model_construct(
            conclusion=node.conclusion, kind=node.kind, holds=node.holds, rule=node.rule,
            statement=node.statement,
            authorities=[AuthorityRef.model_construct(cite=a.cite, grade=a.grade,
                                                      pinpoint=a.pinpoint, quote=a.quote)
                         for a in node.authorities],
            source=_source(node.origin),
            children=[_explanation(c, done) for c in node.children])
    return done[key][1]
