"""Build the render context of a memo from an assessment: the only place memo content is made.

Templates lay the context out; they add headings and no findings of their own.  Identical results
give identical contexts (everything follows the order of the result and of the case file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..case.load import LoadedCase
from ..result import Effect, Finding, Flip, MissingFact, MitigationResult, Result
from ..rulebook.model import Rulebook
from .answers import ANSWER_KEY, brief_answer
from .discussion import Verbaliser
from .facts import CaseFacts, Notes
from .figure import lineage_figure
from .model import (
    CODE_FIELDS,
    Appendix,
    BriefAnswer,
    Cite,
    Heading,
    Issue,
    Line,
    MemoContext,
    MitigationAnalysis,
    Proof,
    Question,
    RemedyRow,
    RuleStatement,
)

__all__ = ["MemoOptions", "build_context"]

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CONDUCT = ("acts[", "sources[", "datasets[", "models[", "mitigations[")
"""Where the facts a developer can choose differently sit in the case file (not the works, the
parties or the case)."""
LEGEND = ("Privileged & Confidential — Attorney–Client Communication / Attorney Work Product")
APPLICATION_DEPTH = 4
EFFECT_DEPTH = 1
EFFECT_REST = "in the full proof (compliance-engine assess --format json)"
_STATUS = {"established": "established",
           "uncertain": "uncertain: it turns on a contested point of law",
           "needs_facts": "undecided: it turns on facts the case leaves unknown",
           "not_established": "not established"}


@dataclass(frozen=True)
class MemoOptions:
    to: str = "File"
    author: str = "compliance-engine (automated draft)"
    re: str | None = None
    privileged: bool = False


def build_context(result: Result, loaded: LoadedCase, rulebook: Rulebook,
                  options: MemoOptions = MemoOptions()) -> MemoContext:
    return _finish(_Builder(result, loaded, rulebook, options).context())


def _finish(context: MemoContext) -> MemoContext:
    """Footnotes numbered in the order the memo's sections cite them (the order of the fields
    of :class:`MemoContext`), so that they read 1, 2, 3... in every built-in format; and every
    string as every format can show it: whitespace runs made one space (code fields keep their
    lines) and characters XML cannot hold replaced by U+FFFD."""
    order: dict[int, int] = {}

    def visit(value: Any, key: str | None) -> None:
        if key == "note" and isinstance(value, int):
            order.setdefault(value, len(order) + 1)
        elif key == "notes" and isinstance(value, list) and all(isinstance(n, int) for n in value):
            for n in value:
                order.setdefault(n, len(order) + 1)
        elif isinstance(value, dict):
            for k, v in value.items():
                visit(v, k)
        elif isinstance(value, list):
            for v in value:
                visit(v, key)

    data = context.model_dump()
    notes = data.pop("notes")
    visit(data, None)
    for note in notes:
        order.setdefault(note["number"], len(order) + 1)

    def rewrite(value: Any, key: str | None) -> Any:
        if key == "note" and isinstance(value, int):
            return order[value]
        if key == "notes" and isinstance(value, list):
            return [order[n] for n in value]
        if isinstance(value, str):
            return _NOT_XML.sub("\ufffd", value if key in CODE_FIELDS else " ".join(value.split()))
        if isinstance(value, dict):
            return {k: rewrite(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [rewrite(v, key) for v in value]
        return value

    data = rewrite(data, None)
    data["notes"] = sorted(({**rewrite(n, None), "number": order[n["number"]]} for n in notes),
                           key=lambda n: n["number"])
    return MemoContext.model_validate(data)


class _Builder:
    def __init__(self, result: Result, loaded: LoadedCase, rulebook: Rulebook,
                 options: MemoOptions) -> None:
        self.result = result
        self.loaded = loaded
        self.rulebook = rulebook
        self.options = options
        self.notes = Notes(loaded)
        self.facts = CaseFacts(loaded, self.notes)
        self.words = Verbaliser(self.facts, rulebook)
        self.liabilities = [f for f in result.findings
                            if f.status != "not_established" and f.pleaded is not False]
        self.titles = {f.id: self._title(f) for f in result.findings}
        self.proofs = {f.id: f"B.{n}" for n, f in enumerate(result.findings, 1)}
        """Finding id → the label of its proof in Appendix B."""
        self.questions: list[tuple[Question, BriefAnswer, list[Effect]]] = []
        for mitigation in result.mitigations:
            for finding in self.liabilities:
                effects = [e for e in mitigation.effects if e.finding == finding.id]
                if effects:
                    self._question(mitigation, finding, effects)

    def context(self) -> MemoContext:
        case = self.loaded.case.case
        issues = [self._issue(n, f) for n, f in enumerate(self.liabilities, 1)]
        proofs = self._proofs()
        heading = Heading(
            to=self.options.to, author=self.options.author, date=self.result.as_of,
            re=self.options.re or f"{case.title}: whether the post-hoc mitigations cure the "
                                  "liability arising from the model's training",
            privileged=self.options.privileged, legend=LEGEND,
            banner=f"DRAFT: generated with automated assistance by compliance-engine "
                   f"{self.result.engine_version}; requires attorney review.")
        return MemoContext(
            title=case.title, heading=heading, summary=case.summary,
            questions=[q for q, _, _ in self.questions],
            answers=[a for _, a, _ in self.questions], answer_key=ANSWER_KEY,
            background=self.facts.background, chronology=self.facts.chronology,
            disputed=self.facts.disputed(), missing=self._missing(), assumed=self._assumed(),
            issues=issues, not_established=self._not_established(),
            remedies=self._remedies(), recommendations=self._recommendations(),
            appendix=self._appendix(issues, proofs), notes=self.notes.items)

    # -- questions and issues -----------------------------------------------------------------

    def _title(self, finding: Finding) -> str:
        short = self.rulebook.titles.get(finding.doctrine, finding.doctrine)
        act = next((a for a in self.loaded.case.acts if a.id == finding.act), None)
        when = f", {act.date}" if act is not None and act.date else ""
        return (f"{short}: {finding.act_kind} '{finding.act}'{when}, as to "
                f"'{finding.subject}'")

    def _question(self, mitigation: MitigationResult, finding: Finding,
                  effects: list[Effect]) -> None:
        number = len(self.questions) + 1
        when = f" of {mitigation.date}" if mitigation.date else ""
        question = Question(
            number=number, mitigation=mitigation.id, finding=finding.id,
            text=f"Whether, under {finding.jurisdiction.upper()} law, the "
                 f"{mitigation.kind.replace('_', ' ')} '{mitigation.id}'{when} cures the "
                 f"liability for {self.titles[finding.id]}.")
        label, text = brief_answer(finding, effects)
        self.questions.append((question, BriefAnswer(number=number, label=label, text=text),
                               effects))

    def _issue(self, number: int, finding: Finding) -> Issue:
        w = self.words
        mine = [(q, a, effects) for q, a, effects in self.questions if q.finding == finding.id]
        status = _STATUS[finding.status]
        verdicts = "; ".join(f"{q.mitigation}: {a.label.lower()}" for q, a, _ in mine)
        conclusion = f"The liability is {status}." + (
            f" Whether the mitigations offered cure it: {verdicts}." if mine
            else " No mitigation offered addresses it.")
        application = w.tree(finding.explanation, APPLICATION_DEPTH, cites=False,
                             rest=f"in proof {self.proofs[finding.id]} (Appendix B)")
        for defence in finding.defences:
            application.append(Line(depth=0, text=f"Defence '{defence.defence}': "
                                                  f"{_STATUS.get(defence.status, defence.status)}."))
        counter = (w.readings(finding.readings, "the finding")
                   + [line for d in finding.defences
                      for line in w.readings(d.readings, f"the defence '{d.defence}'")]
                   + w.missing(finding.missing_facts, "the finding") + w.flips(finding))
        analyses = [MitigationAnalysis(
            question=q.number, label=a.label, summary=a.text,
            application=[line for e in effects if e.explanation is not None
                         for line in w.tree(e.explanation, EFFECT_DEPTH, cites=False,
                                               rest=EFFECT_REST)]
            + [line for e in effects for line in w.readings(e.readings, f"the effect {e.effect}")
               + w.missing(e.missing_facts, f"the effect {e.effect}")])
            for q, a, effects in mine]
        cured = [q.mitigation for q, a, _ in mine if a.label == "Yes"]
        closing = (f"The liability is {status}; " + (
            f"it is cured by {', '.join(cured)}." if cured
            else "no mitigation offered cures it in every world."))
        return Issue(number=number, finding=finding.id, title=self.titles[finding.id],
                     conclusion=conclusion, rules=w.rules(finding.explanation),
                     explanation=w.quotes(finding.explanation), application=application,
                     counter=counter, mitigations=analyses, closing=closing)

    def _not_established(self) -> list[Line]:
        """Findings not established, then theories the facts support that the case does not
        plead (reported, not answered)."""
        lines = [Line(depth=0, text=f"{self.titles[f.id]}: not established "
                                    f"(proof {self.proofs[f.id]}).")
                 for f in self.result.findings if f.status == "not_established"]
        return lines + [Line(depth=0, text=f"{self.titles[f.id]}: {_STATUS[f.status]}, but not "
                                           f"pleaded (proof {self.proofs[f.id]}).")
                        for f in self.result.findings
                        if f.pleaded is False and f.status != "not_established"]

    # -- facts the outcome turns on -----------------------------------------------------------

    def _decisive(self) -> dict[str, MissingFact]:
        """The unknown facts some conclusion turns on, once each, in the result's order."""
        result = self.result
        groups = [group for f in result.findings
                  for group in (f.missing_facts, *(d.missing_facts for d in f.defences))]
        groups += [e.missing_facts for m in result.mitigations for e in m.effects]
        decisive: dict[str, MissingFact] = {}
        for fact in (m for group in groups for m in group):
            decisive.setdefault(fact.fact, fact)
        return decisive

    def _missing(self) -> list[Line]:
        return [Line(depth=0, text=f"Unknown: {m.fact} (burden of proof: {m.burden})",
                     notes=[self.notes.source(m.source)] if m.source else [])
                for m in self._decisive().values()]

    def _assumed(self) -> list[Line]:
        decisive = self._decisive()
        return [Line(depth=0, text=f"Unknown: {u.fact} (every value considered: "
                                   f"{', '.join(u.values)})",
                     notes=[self.notes.source(u.source)] if u.source else [])
                for u in self.result.unknown_facts if u.fact not in decisive]

    # -- remedies and recommendations ---------------------------------------------------------

    def _remedies(self) -> list[RemedyRow]:
        rows = []
        for r in self.result.remedies:
            turns = "; ".join(dict.fromkeys(
                [f"{o.point}: '{o.reading}' → {o.status.replace('_', ' ')}" for o in r.readings]
                + [m.fact.split(":")[0] for m in r.missing_facts]))
            rows.append(RemedyRow(finding=self.titles.get(r.finding, r.finding),
                                  remedy=r.remedy.replace("_", " "), status=r.status,
                                  reaches_model=r.reaches_model_status, turns_on=turns or "—"))
        return rows

    def _recommendations(self) -> list[Line]:
        lines: list[Line] = []
        cures: dict[str, list[str]] = {}
        for q, a, _ in self.questions:
            if a.label == "Yes":
                cures.setdefault(q.mitigation, []).append(self.titles[q.finding])
            elif a.label == "Probably no":
                lines.append(Line(depth=0, text=f"To rely on '{q.mitigation}' against "
                                                f"{self.titles[q.finding]}: {a.text}"))
        lines[:0] = [Line(depth=0, text=f"Rely on '{m}': it cures the liability for "
                                        + "; ".join(titles) + ".") for m, titles in cures.items()]
        uncured = [f for f in self.liabilities
                   if not any(q.finding == f.id and a.label == "Yes"
                              for q, a, _ in self.questions)]
        for finding in uncured:
            lines.append(Line(depth=0, text=f"No mitigation offered cures the liability for "
                                            f"{self.titles[finding.id]}."))
        changes: dict[str, tuple[Flip, list[str]]] = {}
        for finding in self.liabilities:
            for flip in finding.flips or ():
                if flip.status != "not_established" or not flip.fact.startswith(_CONDUCT):
                    continue
                key = f"{flip.fact} {flip.then}"
                changes.setdefault(key, (flip, []))[1].append(self.titles[finding.id])
        if changes:
            lines.append(Line(depth=0, text="Facts whose opposite would have avoided a "
                                            "liability, among the pipeline's own acts, sources, "
                                            "data sets, models and mitigations (for the design "
                                            "of future pipelines):"))
        for flip, titles in changes.values():
            line = self.words.flip(flip, f": no liability for {'; '.join(titles)}.")
            lines.append(line.model_copy(update={"depth": 1}))
        return lines

    # -- appendix -----------------------------------------------------------------------------

    def _rules_relied_on(self, issues: list[Issue], proofs: list[Proof]) -> list[RuleStatement]:
        """Every rule the memo names, in order of first mention, as the rulebook states it."""
        lines = [line for i in issues for line in (
            *i.application, *(line for m in i.mitigations for line in m.application))]
        lines += [line for p in proofs for line in p.lines]
        ids = dict.fromkeys([r.rule for i in issues for r in i.rules]
                            + [line.rule for line in lines if line.rule])
        statements = []
        for rule_id in ids:
            decl = self.rulebook.rule(rule_id).decl
            statements.append(RuleStatement(rule=rule_id, statement=decl.statement, cites=[
                Cite(cite=a.cite, pinpoint=a.pinpoint, grade=a.grade, quote=a.quote,
                     foreign=a.foreign)
                for a in decl.authorities]))
        return statements

    def _proofs(self) -> list[Proof]:
        """One proof per finding; a step proved in an earlier proof is referred to, not
        repeated."""
        shown: dict[str, str] = {}
        proofs = []
        for f in self.result.findings:
            label = self.proofs[f.id]
            lines = self.words.tree(f.explanation, cites=False, shown=shown, label=label)
            proofs.append(Proof(label=label, lines=lines,
                                title=f"{self.titles[f.id]}: {f.status.replace('_', ' ')}"))
        return proofs

    def _appendix(self, issues: list[Issue], proofs: list[Proof]) -> Appendix:
        result = self.result
        mermaid, svg, edges = lineage_figure(self.loaded, self.facts, self.notes)
        return Appendix(
            mermaid=mermaid, svg=svg, edges=edges, proofs=proofs,
            rules=self._rules_relied_on(issues, proofs),
            engine=result.engine, engine_version=result.engine_version,
            rulebook_version=result.rulebook.version, rulebook_sha256=result.rulebook.sha256,
            rules_in_force=result.rulebook.rules_in_force, as_of=result.as_of,
            case_file=result.case.file, case_sha256=result.case.sha256,
            readings_pinned=list(result.readings_pinned))


