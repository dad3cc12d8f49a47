"""What a rulebook is made of: declared predicates, cited rules and contested points.

These are data, written by legal engineers under ``rules/``; nothing here knows any doctrine.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from .syntax import ParsedRule

__all__ = [
    "LEGAL_KINDS",
    "PRIMARY_KINDS",
    "SETTLED_KINDS",
    "Authority",
    "AuthorityFile",
    "AuthorityKind",
    "AuthoritySource",
    "ContestedFile",
    "ContestedPoint",
    "Grade",
    "PredicateDecl",
    "PredicateFile",
    "Reading",
    "ReadingRef",
    "Rule",
    "RuleDecl",
    "RuleFile",
    "Rulebook",
]

Grade = Literal["settled", "contested", "analysis"]
Date = Annotated[_dt.date, Field(strict=False)]


def _visible(minimum: int) -> AfterValidator:
    def check(value: str) -> str:
        if len(value.strip()) < minimum:
            raise ValueError(f"blank: at least {minimum} character(s) other than spaces "
                             "expected")
        return value

    return AfterValidator(check)


Text = Annotated[str, _visible(1)]
"""Text a reader sees (a title, a question, a pinpoint): never blank or whitespace only."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


AuthorityKind = Literal["statute", "regulation", "binding_precedent", "persuasive_decision",
                        "regulator_decision", "consent_order", "settlement", "guidance",
                        "restatement", "commentary", "pleading"]
SETTLED_KINDS = frozenset({"statute", "regulation", "binding_precedent"})
"""The kinds of authority that can make a proposition settled law."""
PRIMARY_KINDS = SETTLED_KINDS | {"persuasive_decision", "regulator_decision", "consent_order"}
"""Primary sources of law: every rule cites at least one."""
LEGAL_KINDS = PRIMARY_KINDS | {"guidance", "restatement"}
"""Legal authority a reading of a contested point can rest on (not commentary, pleadings or
settlements alone)."""
DECISION_KINDS = frozenset({"binding_precedent", "persuasive_decision", "regulator_decision",
                            "consent_order"})
AuthorityJurisdiction = Literal["us", "eu", "de", "uk", "jp", "sg", "it", "fr", "ie", "nl", "au",
                                "intl"]
Jurisdiction = Literal["any", "us", "eu", "de", "uk", "jp", "sg", "it", "fr", "ie", "nl", "au",
                       "intl"]
"""Legal system of a module or contested point: one the registry knows, or ``any``."""


class AuthoritySource(_Strict):
    """An authority as written once in ``rules/authorities/*.yaml``: the full citation and what
    kind of source it is."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)
    cite: Annotated[str, _visible(3)] = Field(description="Full citation: for a decision its reporter or "
                                                "docket number, court and date.")
    short: Text | None = Field(default=None, description="Short form for repeated references.")
    kind: AuthorityKind
    jurisdiction: AuthorityJurisdiction
    court: str | None = Field(default=None, description="Court or body that decided or issued it.")
    date: Date | None = None
    note: str | None = Field(default=None, description="Status worth knowing (on appeal, "
                                                       "non-precedential, reversed).")


class AuthorityFile(_Strict):
    authorities: list[AuthoritySource]


class Authority(_Strict):
    """An authority as a rule or reading cites it: the registry entry (``ref``) with the grade
    of the proposition it supports.  The loader fills in the registry's fields."""

    ref: str = Field(description="Id of the authority in rules/authorities.")
    grade: Grade = Field(description="settled / contested / analysis.")
    pinpoint: Text | None = Field(default=None, description="Page, paragraph, subsection or a "
                                                           "short parenthetical.")
    quote: Text | None = Field(default=None, description="Words of the authority relied on.")
    tag: Literal["V", "P", "U", "A"] | None = Field(
        default=None, description="Evidence tag of the research notes (verified, provisional, "
                                  "unconfirmed, analysis).")
    # filled in at load time from the registry; never written in rule files
    cite: str = Field(default="", json_schema_extra={"loaded": True})
    short: str | None = Field(default=None, json_schema_extra={"loaded": True})
    kind: AuthorityKind | None = Field(default=None, json_schema_extra={"loaded": True})
    jurisdiction: str | None = Field(default=None, json_schema_extra={"loaded": True})
    foreign: bool = Field(default=False, json_schema_extra={"loaded": True},
                          description="From another legal system than the rule's: it can only "
                                      "persuade.")


class PredicateDecl(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    args: list[str] = Field(min_length=1, description="Meaning of each argument, in order.")
    meaning: Annotated[str, _visible(3)]
    kind: Literal["base", "derived", "output"] = "derived"
    values: dict[int, list[str]] = Field(
        default_factory=dict,
        description="Argument position (0-based) → the only constants a rule may conclude there "
                    "(e.g. the effect codes of the result contract).")

    @property
    def arity(self) -> int:
        return len(self.args)


class ReadingRef(_Strict):
    point: str
    name: str


class RuleDecl(_Strict):
    id: str = Field(pattern=r"^[A-Z][A-Z0-9_]*(\.[A-Za-z0-9_-]+)+$")
    statement: Annotated[str, _visible(10)] = Field(description="The rule in plain language.")
    rule: str = Field(description="head <= body, in pyDatalog syntax.")
    authorities: list[Authority] = Field(default_factory=list)
    valid_from: Date | None = None
    valid_to: Date | None = None
    reading: ReadingRef | None = None
    burden: Literal["claimant", "defendant"] | None = Field(
        default=None, description="Who must prove the facts this rule needs (overrides the "
                                  "module default).")


class RuleFile(_Strict):
    module: str = Field(pattern=r"^[A-Z][A-Z0-9_]*(\.[A-Z0-9_]+)*$",
                        description="Doctrine module id, e.g. US.COPY.REPRO.")
    title: Text
    short: Text | None = Field(default=None, description="Short name used in memo headings.")
    jurisdiction: Jurisdiction
    burden: Literal["claimant", "defendant"] = Field(
        default="claimant", description="Who bears the burden of the facts these rules need.")
    valid_from: Date | None = Field(
        default=None, description="In force from this date, for rules that do not say.")
    valid_to: Date | None = Field(
        default=None, description="In force until this date, for rules that do not say.")
    predicates: list[PredicateDecl] = Field(
        default_factory=list, description="Derived predicates this module introduces.")
    authorities: list[AuthoritySource] = Field(
        default_factory=list, description="Authorities only this module cites.")
    points: list[ContestedPoint] = Field(
        default_factory=list, description="Contested points this module's readings belong to.")
    rules: list[RuleDecl] = Field(min_length=1)


class Reading(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    statement: Text
    authorities: list[Authority] = Field(min_length=1)


class ContestedPoint(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    question: Text
    jurisdiction: Jurisdiction = Field(default="any", description="Legal system the point arises in "
                                                         "(a module's points take its own).")
    readings: list[Reading] = Field(min_length=2)


RuleFile.model_rebuild()


class PredicateFile(_Strict):
    predicates: list[PredicateDecl]


class ContestedFile(_Strict):
    points: list[ContestedPoint]


@dataclass(frozen=True)
class Rule:
    """A checked rule: its declaration, parsed form, module and where it was written."""

    decl: RuleDecl
    parsed: ParsedRule
    module: str
    jurisdiction: str
    burden: str
    file: str
    line: int

    @property
    def id(self) -> str:
        return self.decl.id

    def in_force(self, on: _dt.date) -> bool:
        starts, ends = self.decl.valid_from, self.decl.valid_to
        return (starts is None or starts <= on) and (ends is None or on <= ends)


@dataclass
class Rulebook:
    rules: list[Rule]
    predicates: dict[str, PredicateDecl]
    points: dict[str, ContestedPoint]
    version: str
    sha256: str
    files: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    authorities: dict[str, AuthoritySource] = field(default_factory=dict)
    """The authority registry: id → entry."""
    jurisdictions: dict[str, str] = field(default_factory=dict)
    """Module id → its jurisdiction."""
    """Module id → its short name (``short:`` of the rule file, else its ``title:``)."""

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def reading_point(self, name: str) -> str | None:
        """The point a reading name belongs to (``point:name`` or a unique bare name)."""
        point, _, bare = name.rpartition(":")
        matches = [p.id for p in self.points.values()
                   if (not point or p.id == point) and any(r.name == bare for r in p.readings)]
        return matches[0] if len(matches) == 1 else None
