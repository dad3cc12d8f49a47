"""The machine-readable result (DESIGN §3): a public contract.  Fields may grow; these names and
codes stay.  ``compliance-engine schema --result`` prints the JSON Schema of :class:`Result`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "SCHEMA_VERSION",
    "Answer",
    "AuthorityRef",
    "CaseRef",
    "Defence",
    "Effect",
    "Explanation",
    "Finding",
    "Flip",
    "MissingFact",
    "MitigationResult",
    "ReadingOutcome",
    "Remedy",
    "Result",
    "RulebookRef",
    "SourceRef",
    "UnknownFact",
]

SCHEMA_VERSION = "1.1"

FindingStatus = Literal["established", "not_established", "uncertain", "needs_facts"]
DefenceStatus = Literal["applies", "fails", "uncertain", "needs_facts"]
EffectCode = Literal["cure", "future", "remedy", "none", "uncertain", "aggravate"]
MitigationKind = Literal["approximate_unlearning", "exact_unlearning", "output_filter",
                         "dataset_deletion", "clean_retrain", "retroactive_license",
                         "settlement_release", "opt_out_compliance"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceRef(_Out):
    file: str
    line: int | None = None
    column: int | None = None
    path: str = Field(description="Field path in the case file, or the lineage route.")


class AuthorityRef(_Out):
    cite: str
    grade: Literal["settled", "contested", "analysis"]
    pinpoint: str | None = None
    quote: str | None = None
    kind: str | None = Field(default=None, description=(
        "statute, regulation, binding_precedent, persuasive_decision, regulator_decision, "
        "consent_order, settlement, guidance, commentary or pleading; null for a source named "
        "in the case file (a disputed fact's version)."))
    foreign: bool = Field(default=False, description=(
        "From another legal system than the rule's: it can only persuade."))


class Explanation(_Out):
    """One node of a proof tree."""

    conclusion: str
    kind: Literal["rule", "fact", "lineage", "absent", "condition", "assumed", "reading"]
    holds: Literal["yes", "in_some_worlds"] = Field(
        description="'in_some_worlds': holds only for some values of unknown facts or readings.")
    rule: str | None = None
    statement: str | None = None
    authorities: list[AuthorityRef] = Field(default_factory=list)
    source: SourceRef | None = None
    children: list[Explanation] = Field(default_factory=list)


class MissingFact(_Out):
    fact: str = Field(description="The unknown fact, as a field path with its meaning.")
    source: SourceRef | None = None
    burden: Literal["claimant", "defendant"] = Field(
        description="Who must prove it: the claimant for elements of liability, the defendant "
                    "for defences and for mitigations relied on.")
    outcomes: dict[str, str] = Field(
        description="Status of the conclusion if the fact takes each value.")


class Flip(_Out):
    """A stated fact whose opposite would change the status of the conclusion."""

    fact: str = Field(description="The fact, as a field path with its meaning.")
    source: SourceRef | None = None
    now: Literal["true", "false"]
    then: Literal["true", "false"]
    status: str = Field(description="The status the conclusion would have.")


class ReadingOutcome(_Out):
    point: str
    question: str
    reading: str
    statement: str
    status: str = Field(description="Status of the conclusion under this reading.")
    authorities: list[AuthorityRef]


class Defence(_Out):
    defence: str
    status: DefenceStatus
    readings: list[ReadingOutcome] = Field(default_factory=list)
    missing_facts: list[MissingFact] = Field(default_factory=list)
    explanation: Explanation


class Finding(_Out):
    id: str
    doctrine: str
    act: str
    act_kind: str
    jurisdiction: str
    subject: str = Field(description="The work cohort the finding concerns.")
    status: FindingStatus
    pleaded: bool | None = Field(default=None, description=(
        "Whether the claim is among those the case pleads; null when the case does not list "
        "the claims pleaded.  A theory available but not pleaded is reported apart and does "
        "not count in the answers."))
    defences: list[Defence] = Field(default_factory=list)
    readings: list[ReadingOutcome] = Field(default_factory=list)
    missing_facts: list[MissingFact] = Field(default_factory=list)
    flips: list[Flip] | None = Field(default=None, description=(
        "Stated true/false facts whose opposite would change the status (each tried alone, "
        "among the facts the proof rests on or finds absent).  Null when not computed "
        "(assess --no-flips); unknown facts that decide the status are in missing_facts."))
    explanation: Explanation


class Effect(_Out):
    finding: str
    effect: EffectCode
    status: Literal["established", "uncertain", "needs_facts"] = Field(
        description="Whether the effect follows in every world, or turns on a contested point "
                    "or an unknown fact.")
    readings: list[ReadingOutcome] = Field(default_factory=list)
    missing_facts: list[MissingFact] = Field(default_factory=list)
    explanation: Explanation | None = None


class MitigationResult(_Out):
    id: str
    kind: MitigationKind
    date: str | None
    effects: list[Effect]


class Remedy(_Out):
    finding: str
    remedy: str
    status: Literal["available", "unavailable", "uncertain", "satisfied"] = Field(description=(
        "'satisfied': what the remedy would order has already been done (the copies are "
        "destroyed)."))
    changed_by: list[str] = Field(default_factory=list, description=(
        "Ids of the mitigations that changed the remedy (a release that bars it, a measure "
        "that satisfies or limits it)."))
    reaches_model_status: Literal["yes", "no", "uncertain"] = Field(
        default="no", description="Whether the remedy reaches the model: 'uncertain' when that "
                                  "turns on a contested reading or an unknown fact.")
    reaches_model: bool = Field(description="True when the remedy reaches the model itself in "
                                            "every world considered.")
    readings: list[ReadingOutcome] = Field(default_factory=list, description=(
        "Contested points (and disputed facts) on which availability or reach turns."))
    missing_facts: list[MissingFact] = Field(default_factory=list, description=(
        "Unknown facts on which availability or reach turns."))
    explanation: Explanation | None = None


class Answer(_Out):
    mitigation: str
    answer: Literal["yes", "no", "partly", "uncertain"]
    summary: str


class UnknownFact(_Out):
    fact: str
    source: SourceRef | None = None
    values: list[str]


class RulebookRef(_Out):
    version: str
    sha256: str
    rules_in_force: int


class CaseRef(_Out):
    id: str
    title: str
    file: str
    sha256: str


class Result(_Out):
    schema_version: str = SCHEMA_VERSION
    engine_version: str
    engine: Literal["clingo", "pydatalog"]
    rulebook: RulebookRef
    case: CaseRef
    as_of: str
    jurisdictions: list[str]
    readings_pinned: list[str] = Field(default_factory=list)
    findings: list[Finding]
    mitigations: list[MitigationResult]
    remedies: list[Remedy]
    answer: list[Answer]
    unknown_facts: list[UnknownFact] = Field(
        default_factory=list, description="Facts the case leaves unknown that some rule reads.")
