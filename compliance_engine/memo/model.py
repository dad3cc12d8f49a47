"""The render context of a memo: everything a template may show, and nothing else.

Templates (Markdown, HTML, Word) see only these models, never the engine's internals.  Each
statement carries where it comes from: ``notes`` are footnote numbers pointing into the case file
(:class:`Note`), ``cites`` are authorities copied from the rule or reading that supports it.  The
fields are documented in ``docs/memo.md`` for counsel who write their own templates.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["CODE_FIELDS", "AnswerLabel", "Appendix", "BriefAnswer", "Cite", "Edge", "FactLine", "FactRecord",
           "Heading", "Issue", "Line", "MemoContext", "MitigationAnalysis", "Note", "Proof",
           "Question", "RemedyRow", "RuleStatement"]

AnswerLabel = Literal["Yes", "Probably yes", "Probably no", "No", "Indeterminate"]

CODE_FIELDS = frozenset({"mermaid", "svg"})
"""Fields that hold code (a Mermaid diagram, an SVG drawing), not prose: they keep their lines
and are never escaped as Markdown."""


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cite(_M):
    """An authority, exactly as a rule or reading of the rulebook gives it."""

    cite: str
    pinpoint: str | None = None
    grade: Literal["settled", "contested", "analysis"]
    quote: str | None = None
    foreign: bool = False

    @property
    def text(self) -> str:
        return self.cite + (f", {self.pinpoint}" if self.pinpoint else "") \
            + (" [foreign authority: persuasive only]" if self.foreign else "")


class Note(_M):
    """A footnote: where in the case file a fact was stated (or left unknown)."""

    number: int
    file: str
    line: int | None
    path: str
    sha256: str

    @property
    def text(self) -> str:
        line = f", line {self.line}" if self.line is not None else ""
        return f"{self.file}{line}: {self.path}"


class Line(_M):
    """One line of an application or a proof tree, indented by ``depth`` (0 = top)."""

    depth: int
    text: str
    rule: str | None = None
    notes: list[int] = []
    cites: list[Cite] = []


class FactLine(_M):
    text: str
    note: int


class FactRecord(_M):
    """One record of the case file (a party, an act, a mitigation...) and the facts it states."""

    date: str | None
    title: str
    note: int
    facts: list[FactLine]


class Heading(_M):
    to: str
    author: str
    date: str
    re: str
    privileged: bool
    legend: str
    banner: str


class Question(_M):
    number: int
    mitigation: str
    finding: str
    text: str


class BriefAnswer(_M):
    number: int
    label: AnswerLabel
    text: str


class RuleStatement(_M):
    rule: str
    statement: str
    cites: list[Cite]

    @property
    def analysis(self) -> bool:
        """The rule is the engine's own reasoning (every citation graded analysis)."""
        return bool(self.cites) and all(c.grade == "analysis" for c in self.cites)


class MitigationAnalysis(_M):
    """What one mitigation does to the liability of an issue."""

    question: int
    label: AnswerLabel
    summary: str
    application: list[Line]


class Issue(_M):
    """One liability, discussed in CREAC order."""

    number: int
    finding: str
    title: str
    conclusion: str
    rules: list[RuleStatement]
    explanation: list[Line]
    application: list[Line]
    counter: list[Line]
    mitigations: list[MitigationAnalysis]
    closing: str


class RemedyRow(_M):
    finding: str
    remedy: str
    status: str
    reaches_model: str
    turns_on: str


class Edge(_M):
    child: str
    parent: str
    relation: str
    note: int | None


class Proof(_M):
    label: str
    title: str
    lines: list[Line]


class Appendix(_M):
    mermaid: str
    svg: str
    edges: list[Edge]
    proofs: list[Proof]
    rules: list[RuleStatement]
    engine: str
    engine_version: str
    rulebook_version: str
    rulebook_sha256: str
    rules_in_force: int
    as_of: str
    case_file: str
    case_sha256: str
    readings_pinned: list[str]


class MemoContext(_M):
    title: str
    heading: Heading
    summary: str | None
    questions: list[Question]
    answers: list[BriefAnswer]
    answer_key: list[str]
    background: list[FactRecord]
    chronology: list[FactRecord]
    disputed: list[Line]
    missing: list[Line]
    assumed: list[Line]
    issues: list[Issue]
    not_established: list[Line]
    remedies: list[RemedyRow]
    recommendations: list[Line]
    notes: list[Note]
    appendix: Appendix
