"""Build the result contract (DESIGN §3) from the solved worlds of one case.

Reads only the output predicates (``candidate``, ``finding``, ``defence_*``, ``addresses``,
``effect``, ``remedy_*``); every status, effect and remedy comes from rules over facts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Literal

from .case.encode import EncodedCase
from .case.load import LoadedCase
from .case.model import Allegation, Case
from .facts import ChoiceGroup, Fact, Origin
from .proof import ProofBuilder, ProofNode
from .result import (
    Answer,
    AuthorityRef,
    CaseRef,
    Defence,
    Effect,
    Explanation,
    Finding,
    Flip,
    MissingFact,
    MitigationResult,
    ReadingOutcome,
    Remedy,
    Result,
    RulebookRef,
    SourceRef,
    UnknownFact,
)
from .rulebook.model import Authority, Rulebook
from .rulebook.syntax import Literal as Lit
from .solver.program import Program
from .worlds import Sensitivity, Truth, Worlds

__all__ = ["Context", "determine", "engine_version"]


def engine_version() -> str:
    try:
        return version("compliance-engine")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+source"


@dataclass
class Context:
    """Everything known about one solved case."""

    rulebook: Rulebook
    case: Case
    loaded: LoadedCase
    program: Program
    encoded: EncodedCase
    facts: dict[Fact, Origin]
    worlds: Worlds
    proofs: ProofBuilder
    backend: Literal["clingo", "pydatalog"]
    pinned: Sequence[str]
    resolve: Callable[[frozenset[Fact], frozenset[Fact]], Worlds] = field(repr=False)
    """Solve the case with the given facts toggled, reading back only the target atoms."""


def determine(ctx: Context, *, flips: bool) -> Result:
    return _Determination(ctx, flips).result()


# Status words by truth.  The words are those of the result contract; its models validate them.
Words = dict[Truth, Any]
_FINDING_STATUS: Words = {"true": "established", "false": "not_established"}
_DEFENCE_STATUS: Words = {"true": "applies", "false": "fails"}
_EFFECT_STATUS: Words = {"true": "established", "false": "not_established"}
_REMEDY_STATUS: Words = {"true": "available", "false": "unavailable"}
_REACHES: Words = {"true": "yes", "false": "no", "open": "uncertain"}
_REACH_WORDS: Words = {"true": "reaches the model", "false": "does not reach the model"}


class _Determination:
    def __init__(self, ctx: Context, flips: bool) -> None:
        self.ctx = ctx
        self.with_flips = flips
        self.worlds = ctx.worlds
        self.brave = ctx.worlds.base.brave
        self._converted: dict[int, tuple[ProofNode, Explanation]] = {}
        self._toggled: dict[Fact, Worlds] = {}
        self._by_pred: dict[str, list[Fact]] = {}

    # -- helpers -------------------------------------------------------------------------------
    def atoms(self, pred: str) -> list[Fact]:
        if not self._by_pred:
            for atom in sorted(self.brave, key=Fact.key):
                self._by_pred.setdefault(atom.pred, []).append(atom)
        return self._by_pred.get(pred, [])

    def status(self, atom: Fact, words: Words) -> tuple[Any, list[ReadingOutcome],
                                                        list[MissingFact]]:
        truth = self.worlds.truth(atom)
        if truth != "open":
            return words[truth], [], []
        readings = [r for s in self.worlds.sensitivities(atom, "reading")
                    for r in self.reading_outcomes(s, words)]
        readings += [r for s in self.worlds.sensitivities(atom, "dispute")
                     for r in self.dispute_outcomes(s, words)]
        missing = [self.missing(s, atom, words) for s in self.worlds.sensitivities(atom, "fact")]
        return ("uncertain" if readings else "needs_facts"), readings, missing

    def reading_outcomes(self, s: Sensitivity, words: Words) -> list[ReadingOutcome]:
        group = self.worlds.groups[s.group]
        point = self.ctx.rulebook.points[group.id.partition(":")[2]]
        out = []
        for name, truth in zip(group.labels, s.truths):
            reading = next(r for r in point.readings if r.name == name)
            out.append(ReadingOutcome(
                point=point.id, question=point.question, reading=name,
                statement=reading.statement, status=words.get(truth, "needs_facts"),
                authorities=[_authority(a) for a in reading.authorities]))
        return out

    def dispute_outcomes(self, s: Sensitivity, words: Words) -> list[ReadingOutcome]:
        """A fact the sources disagree on, read each source's way, or a fact alleged and not yet
        proved, read as alleged and as not proved."""
        group = self.worlds.groups[s.group]
        if group.id.startswith("allegation:"):
            pleading = [AuthorityRef(cite=self.allegation(group).source, grade="contested",
                                     kind="pleading")]
            return [ReadingOutcome(
                point=group.id, question=group.question, reading=label,
                statement="Taking the allegation as proved." if i == 0 else
                "Taking the allegation as not proved.", status=words.get(truth, "needs_facts"),
                authorities=pleading) for i, (label, truth) in enumerate(zip(group.labels, s.truths,
                                                                              strict=True))]
        return [ReadingOutcome(
            point=group.id, question=group.question, reading=label,
            statement=f"Taking the version of {label}.", status=words.get(truth, "needs_facts"),
            authorities=[AuthorityRef(cite=label.rpartition(": ")[0], grade="contested")])
            for label, truth in zip(group.labels, s.truths, strict=True)]

    def allegation(self, group: ChoiceGroup) -> Allegation:
        """The allegation an ``allegation:`` group reads (its origin is ``allegations[i]``)."""
        assert group.origin is not None
        index = int(group.origin.path.partition("[")[2].rstrip("]"))
        return self.ctx.case.allegations[index]

    def missing(self, s: Sensitivity, atom: Fact, words: Words) -> MissingFact:
        group = self.worlds.groups[s.group]
        return MissingFact(
            fact=group.question, source=_source(group.origin), burden=self.burden(group, atom),
            outcomes={label: words.get(t, "undecided")
                      for label, t in zip(group.labels, s.truths)})

    def burden(self, group: ChoiceGroup, atom: Fact) -> Literal["claimant", "defendant"]:
        """The burden of the rules that read the fact: the claimant for elements of liability,
        the defendant for defences and for the effects of mitigations it relies on."""
        if atom.pred.startswith("defence"):
            return "defendant"
        preds = {f.pred for alt in group.alternatives for f in alt}
        burdens = {c.rule.burden for c in self.ctx.program.rules
                   if any(isinstance(i, Lit) and i.atom.pred in preds for i in c.body)}
        if atom.pred in ("effect", "addresses"):
            return "defendant" if "defendant" in burdens or not burdens else "claimant"
        return "claimant" if "claimant" in burdens or not burdens else "defendant"

    def explain(self, atom: Fact) -> Explanation:
        return _explanation(self.ctx.proofs.explain(atom), self._converted)

    def flips(self, atom: Fact, status: str, related: Sequence[Fact] = ()) -> list[Flip]:
        """Stated booleans in the proof (or why-not) of the atom and of ``related`` atoms (its
        defences) whose opposite alone changes the atom's status."""
        out = []
        leaves = self.ctx.proofs.explain(atom).leaves()
        for other in related:
            leaves += [f for f in self.ctx.proofs.explain(other).leaves() if f not in leaves]
        for fact in leaves:
            if fact not in self.ctx.encoded.flags:
                continue
            if fact not in self._toggled:
                targets = frozenset(Fact("finding", c.args) for c in self.atoms("candidate"))
                self._toggled[fact] = self.ctx.resolve(frozenset({fact}), targets)
            worlds = self._toggled[fact]
            truth = worlds.truth(atom)
            then = _FINDING_STATUS.get(truth) or (
                "uncertain" if worlds.sensitivities(atom, "reading")
                or worlds.sensitivities(atom, "dispute") else "needs_facts")
            if then != status:
                now = fact in self.ctx.facts
                origin = self.ctx.facts.get(fact) or self.ctx.encoded.negatives.get(fact)
                meaning = self.ctx.rulebook.predicates[fact.pred].meaning
                out.append(Flip(fact=f"{origin.path if origin else fact.pred}: {meaning}",
                                source=_source(origin), now="true" if now else "false",
                                then="false" if now else "true", status=then))
        return out

    # -- sections ------------------------------------------------------------------------------
    def result(self) -> Result:
        ctx = self.ctx
        findings = self.findings()
        mitigations = self.mitigations(findings)
        relevant = (self.worlds.groups[i] for i in self.worlds.relevant)
        return Result(
            engine_version=engine_version(), engine=ctx.backend,
            rulebook=RulebookRef(version=ctx.rulebook.version, sha256=ctx.rulebook.sha256,
                                 rules_in_force=len(ctx.program.rules)),
            case=CaseRef(id=ctx.case.case.id, title=ctx.case.case.title,
                         file=ctx.loaded.path.name, sha256=ctx.loaded.sha256),
            as_of=ctx.case.case.as_of.isoformat(),
            jurisdictions=list(ctx.case.case.jurisdictions),
            readings_pinned=list(ctx.pinned), findings=findings, mitigations=mitigations,
            remedies=self.remedies(), answer=self.answers(findings, mitigations),
            unknown_facts=[UnknownFact(fact=g.question, source=_source(g.origin),
                                       values=list(g.labels))
                           for g in relevant if g.kind == "fact"])

    def findings(self) -> list[Finding]:
        acts = {a.id: a for a in self.ctx.case.acts}
        findings = []
        for atom in self.atoms("candidate"):
            doctrine, act, cohort = (str(a) for a in atom.args)
            target = Fact("finding", atom.args)
            status, readings, missing = self.status(target, _FINDING_STATUS)
            defences = [self.defence(d) for d in self.atoms("defence_raised")
                        if d.args[1:] == atom.args]
            record = acts.get(act)
            findings.append(Finding(
                id=_finding_id(atom.args), doctrine=doctrine, act=act,
                pleaded=_pleaded(doctrine, self.ctx.case.case.claims_pleaded),
                act_kind=record.kind if record else "process",
                jurisdiction=(record.place if record else None) or "unknown", subject=cohort,
                status=status, defences=defences, readings=readings, missing_facts=missing,
                flips=self.flips(target, status, [Fact("defence_applies", (d.defence, *atom.args))
                                                  for d in defences])
                if self.with_flips else None,
                explanation=self.explain(target)))
        return findings

    def defence(self, raised: Fact) -> Defence:
        """``applies`` only where a rule establishes the defence and ``fails`` only where a rule
        defeats it; otherwise it is open (the engine adds an unknown fact for a defence no
        stated fact decides, so that is the usual case)."""
        applies = Fact("defence_applies", raised.args)
        defeated = Fact("defence_defeated", raised.args)
        if self.worlds.truth(applies) == "false":
            # fails only if defeated in every world in which it is raised
            failed = self.worlds.truth(Fact("defence_undefeated", raised.args)) == "false"
            status, readings, missing = ("fails" if failed else "needs_facts"), [], []
            explanation = self.explain(defeated if failed else applies)
        else:
            status, readings, missing = self.status(applies, _DEFENCE_STATUS)
            explanation = self.explain(applies)
        return Defence(defence=str(raised.args[0]), status=status, readings=readings,
                       missing_facts=missing, explanation=explanation)

    def mitigations(self, findings: list[Finding]) -> list[MitigationResult]:
        out = []
        effects_by_key: dict[tuple[object, ...], list[Fact]] = {}
        for atom in self.atoms("effect"):
            effects_by_key.setdefault(atom.args[:4], []).append(atom)
        for m in self.ctx.case.mitigations:
            effects: list[Effect] = []
            for finding in findings:
                key = (m.id, finding.doctrine, finding.act, finding.subject)
                addresses = Fact("addresses", key)
                if addresses not in self.brave:
                    continue
                codes = effects_by_key.get(key, [])
                for atom in codes:
                    status, readings, missing = self.status(atom, _EFFECT_STATUS)
                    effects.append(Effect(
                        # effect codes are checked against the contract at load (CE214)
                        finding=finding.id, effect=atom.args[4],  # type: ignore[arg-type]
                        status=status,
                        readings=readings, missing_facts=missing, explanation=self.explain(atom)))
                if not codes:
                    reasons = [self.explain(addresses)]
                    mismatch = Fact("mismatch", key)
                    if mismatch in self.brave:
                        reasons.append(self.explain(mismatch))
                    effects.append(Effect(
                        finding=finding.id, effect="none", status="established",
                        explanation=Explanation(
                            conclusion=f"no rule gives {m.kind} an effect on {finding.id}",
                            kind="rule", holds="yes",
                            statement="The mitigation is offered against this liability, but no "
                                      "rule in force derives a cure, limit, remedy change or "
                                      "aggravation from the facts.",
                            children=reasons)))
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
            readings: list[ReadingOutcome] = []
            missing: list[MissingFact] = []
            for turns_on, words in ((available, _REMEDY_STATUS), (reaches, _REACH_WORDS)):
                _, more_readings, more_missing = self.status(turns_on, words)
                readings += [r for r in more_readings if r not in readings]
                missing += [m for m in more_missing if m not in missing]
            satisfied = Fact("remedy_satisfied", atom.args)
            done = self.worlds.truth(satisfied) == "true"
            changed = sorted({str(c.args[4]) for c in self.atoms("remedy_changed_by")
                              if c.args[:4] == atom.args})
            out.append(Remedy(
                finding=_finding_id(atom.args[1:]), remedy=str(atom.args[0]),
                status="satisfied" if done else _REMEDY_STATUS.get(truth, "uncertain"),
                changed_by=changed,
                reaches_model=self.worlds.truth(reaches) == "true",
                reaches_model_status=_REACHES[self.worlds.truth(reaches)],
                readings=readings, missing_facts=missing,
                explanation=self.explain(satisfied if done else available)))
        return out

    def answers(self, findings: list[Finding],
                mitigations: list[MitigationResult]) -> list[Answer]:
        by_id = {f.id: f for f in findings}
        out = []
        for mitigation in mitigations:
            liable = sorted({e.finding for e in mitigation.effects
                             if by_id[e.finding].status != "not_established"
                             and by_id[e.finding].pleaded is not False})
            cured = {e.finding for e in mitigation.effects
                     if e.effect == "cure" and e.status == "established"}
            maybe = {e.finding for e in mitigation.effects if e.effect == "cure"} - cured
            cured &= set(liable)
            count = _count(len(liable), "liability", "liabilities")
            answer: Literal["yes", "no", "partly", "uncertain"]
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


def _pleaded(doctrine: str, pleaded: Sequence[str]) -> bool | None:
    """Whether the case pleads the doctrine; None when the case does not say which claims are
    pleaded."""
    return doctrine in pleaded if pleaded else None


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _finding_id(args: Sequence[object]) -> str:
    return "/".join(str(a) for a in args)


def _authority(a: Authority) -> AuthorityRef:
    return AuthorityRef(cite=a.cite, grade=a.grade, pinpoint=a.pinpoint, quote=a.quote,
                        kind=a.kind, foreign=a.foreign)


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
                                                      pinpoint=a.pinpoint, quote=a.quote,
                                                      kind=a.kind, foreign=a.foreign)
                         for a in node.authorities],
            source=_source(node.origin),
            children=[_explanation(c, done) for c in node.children])
    return done[key][1]
