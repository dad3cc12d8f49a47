"""The case-file format: the facts counsel give about a model's lineage and the mitigations applied.

Every field is a fact the rules may read.  A field that is absent or ``null`` is *unknown*, which is
not the same as false: the engine reasons over every value it could take (see
``compliance_engine.case.encode``).  Text-only fields (names, descriptions, evidence narratives)
are marked ``fact=False`` and never reach the solver.

The models are strict: unknown fields are errors, scalar types are not coerced, and every id a
record refers to must be declared (checked by :meth:`Case.check_references`).
"""

from __future__ import annotations

import datetime as _dt
import re
import typing
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

__all__ = [
    "Act",
    "Allegation",
    "Case",
    "CaseInfo",
    "DanglingReference",
    "Dataset",
    "DerivedFrom",
    "Dispute",
    "DisputedVersion",
    "Event",
    "Mitigation",
    "Model",
    "Party",
    "Source",
    "SourceTerms",
    "Verification",
    "WorkCohort",
]

Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$", max_length=120)]
Date = Annotated[_dt.date, Field(strict=False)]
Text = Annotated[str, Field(json_schema_extra={"fact": False})]

Jurisdiction = Literal["us", "eu", "de", "uk", "jp", "sg", "fr", "it", "ie", "other"]
UsState = Literal["us-ca", "us-ny", "us-de", "us-ma", "us-tn", "us-wa", "us-tx", "us-il", "us-dc",
                  "us-other"]
GoverningLaw = Literal["us-ca", "us-ny", "us-de", "us-ma", "us-tn", "us-wa", "us-tx", "us-il",
                       "us-dc", "us-other", "eu", "de", "uk", "ie", "nl", "fr", "it", "jp", "sg",
                       "other"]
DoctrineId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*(\.[A-Z0-9_]+)*$", max_length=80)]
ActKind = Literal["acquire", "store", "process", "train", "model", "output", "distribute"]
Method = Literal[
    "download", "torrent", "scrape", "crawl", "api", "purchase_scan", "licence", "upload",
    "generate", "internal",
]
Purpose = Literal["training", "general_library", "research", "evaluation", "commercial_product",
                  "retrieval"]
SourceKind = Literal[
    "shadow_library", "web", "licensed_corpus", "purchased_physical", "user_content",
    "public_domain", "synthetic", "api",
]
MitigationKind = Literal[
    "approximate_unlearning", "exact_unlearning", "output_filter", "dataset_deletion",
    "clean_retrain", "retroactive_license", "settlement_release", "opt_out_compliance",
]
Assent = Literal["clickwrap", "browsewrap", "signin_wrap", "none"]
LawfulBasis = Literal["consent", "contract", "legal_obligation", "vital_interests", "public_task",
                      "legitimate_interests", "none"]
Circuit = Literal["1st", "2d", "3d", "4th", "5th", "6th", "7th", "8th", "9th", "10th", "11th",
                  "dc", "fed"]
Measure = Literal["paywall", "login", "captcha", "ip_block", "rate_limit", "robots_txt",
                  "rolling_cipher", "encryption", "drm"]
ReservationForm = Literal["robots_txt", "tdm_rep", "http_header", "metadata", "tos_text",
                          "imprint_text", "none"]


def _none(annotation_default: Any = None, *, description: str) -> Any:
    """A field whose absence means "there is none" (an unbounded period, no source), not unknown."""
    return Field(default=annotation_default, description=description,
                 json_schema_extra={"absent_means": "none"})


def _text(description: str) -> Any:
    return Field(default=None, description=description, json_schema_extra={"fact": False})


UNCARRIABLE = re.compile("[\\x00\\ud800-\\udfff]")
"""Characters no solver string can carry: NUL and UTF-16 surrogates (the loader joins a pair)."""


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _carriable(cls, value: Any) -> Any:
        """No text holds a NUL or a lone surrogate, which no solver string can carry (the case
        loader refuses them first, as CE109, with their place; this also guards cases built
        in Python)."""
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and UNCARRIABLE.search(item):
                raise ValueError("text holding a NUL character or a lone surrogate")
        return value


class CaseInfo(_Record):
    """Who the case is and the date the law and facts are assessed at."""

    id: Id = Field(description="Stable identifier of the case.")
    title: Text = Field(description="Human title, e.g. 'Bartz v. Anthropic PBC'.")
    as_of: Date = Field(description="Date of the analysis; conduct after it is ignored.")
    jurisdictions: list[Jurisdiction] = Field(
        default_factory=lambda: list[Jurisdiction](["us"]), description="Legal systems to analyse.")
    us_circuit: Circuit | None = _none(
        description="US: the federal circuit whose law governs the forum (absent: none stated).")
    forum: UsState | None = Field(
        default=None, description="US: the state where the court sits, whose choice-of-law rules "
                                  "the court applies to state-law claims (Klaxon v. Stentor).")
    claims_pleaded: list[DoctrineId] = Field(
        default_factory=list,
        description="Doctrine ids of the claims actually brought (e.g. US.COPY.REPRO, "
                    "US.TORT.TRESPASS); empty: not stated, every available theory is assessed "
                    "as if pleaded. Theories available but not pleaded are reported apart.")
    summary: str | None = _text("Short narrative of the dispute.")


class Party(_Record):
    id: Id
    name: Text = Field(description="Name as it should appear in reports.")
    kind: Literal["person", "company", "class", "collecting_society", "regulator",
                  "government"] | None = Field(default=None, description="What sort of party.")
    roles: list[Literal["developer", "right_holder", "licensor", "claimant", "defendant",
                        "regulator", "data_subject", "deployer"]] = Field(
        default_factory=list, description="Roles played.")
    research_organisation: bool | None = Field(
        default=None, description="EU/UK: a research organisation or cultural-heritage "
                                  "institution acting on a not-for-profit or public-interest "
                                  "basis (DSM Art 2(1)).")
    commercial_influence: bool | None = Field(
        default=None, description="EU: a commercial undertaking has decisive influence over the "
                                  "research organisation, with preferential access to results.")
    main_establishment: Jurisdiction | None = _none(
        description="GDPR: where the party's main establishment in the EU is (absent: none).")
    domicile: GoverningLaw | None = Field(
        default=None,
        description="Person: the state or country of the person's domicile, whose right-of-"
                    "publicity law commonly governs a use of their identity (US state codes "
                    "us-ca, us-ny, ...; absent: unknown).")


class WorkCohort(_Record):
    """Works of one owner class found in the same sources: never one record per work."""

    id: Id
    description: str | None = _text("What the works are.")
    kind: Literal["book", "article", "image", "lyrics", "recording", "code", "video",
                  "personal_data", "database", "mark", "persona", "other"] | None = Field(
        default=None, description="Kind of work.")
    owners: list[Id] = Field(default_factory=list,
                             description="Parties owning the rights; two or more are co-owners.")
    exclusive_licensees: list[Id] = Field(
        default_factory=list,
        description="Parties holding an exclusive licence of a right in the works (they may sue "
                    "on it, 17 U.S.C. §501(b)).")
    us_work: bool | None = Field(
        default=None, description="US: a 'United States work' (17 U.S.C. §101: first published "
                                  "in the US, or unpublished by US authors), for which §411(a) "
                                  "requires registration before suit.")
    count: int | None = Field(default=None, ge=0, description="Number of works in the cohort.")
    sources: list[Id] = Field(default_factory=list,
                              description="Sources where copies of these works were found.")
    protected: bool | None = Field(
        default=None, description="A valid copyright subsists in the works (not public domain).")
    registered: bool | None = Field(
        default=None, description="US: registered with the Copyright Office (17 U.S.C. §411).")
    registered_before_infringement: bool | None = Field(
        default=None,
        description="US: registered before infringement commenced or within three months of "
                    "publication (17 U.S.C. §412).")
    compilation: bool | None = Field(
        default=None, description="The works are parts of one compilation (one statutory award).")
    compilation_of: str | None = _none(
        description="US: name of the compilation whose parts the works are, as pleaded or found "
                    "(17 U.S.C. §504(c)(1): one statutory award for all its parts; absent: none).")
    cmi_attached: bool | None = Field(
        default=None, description="Copyright management information (author, title, notice, "
                                  "licence terms) was conveyed with the copies (17 U.S.C. §1202(c)).")
    cmi: list[Literal["author", "title", "copyright_notice", "licence_terms", "watermark",
                      "identifier", "other"]] = Field(
        default_factory=list,
        description="US DMCA: kinds of copyright management information the works carry "
                    "(17 U.S.C. §1202(c)); empty: none stated, so §1202 is not in issue.")
    lawful_basis: LawfulBasis | None = Field(
        default=None, description="Personal data: the GDPR Art 6(1) basis relied on for training.")
    special_category: bool | None = Field(
        default=None, description="Personal data: includes special categories (GDPR Art 9).")
    special_category_condition: bool | None = Field(
        default=None, description="Personal data: an Art 9(2) GDPR condition (explicit consent, "
                                  "data manifestly made public by the data subject, ...) covers "
                                  "the special categories.")
    legitimate_interests_test_met: bool | None = Field(
        default=None, description="Personal data: the legitimate interests relied on pass the "
                                  "three-step test (legitimate interest, necessity, balancing; "
                                  "EDPB Opinion 28/2024).")
    eu_targeted: bool | None = Field(
        default=None, description="Personal data: of data subjects in the Union, processed in "
                                  "relation to offering them goods or services or to monitoring "
                                  "their behaviour there (GDPR Art 3(2)).")
    children_data: bool | None = Field(
        default=None, description="Personal data of children (COPPA; GDPR Art 8).")
    collected_unlawfully: bool | None = Field(
        default=None, description="The data was collected by a deceptive or unfair practice, or "
                                  "without a required consent (FTC Act §5, COPPA).")
    mark_registered: bool | None = Field(
        default=None,
        description="Mark (kind 'mark'): registered on the USPTO Principal Register, so that "
                    "15 U.S.C. §1114(1) protects it; an unregistered mark is protected only by "
                    "§1125(a). Not the copyright 'registered' field.")
    mark_famous: bool | None = Field(
        default=None,
        description="Mark: widely recognized by the general consuming public of the United States "
                    "as a designation of the source of the owner's goods or services (15 U.S.C. "
                    "§1125(c)(2)(A)), so that dilution can be claimed.")
    commercial_identity: bool | None = Field(
        default=None,
        description="Persona (kind 'persona'): the person commercially exploits their identity "
                    "(a professional name, endorsements, voice work), so that a false endorsement "
                    "injures a commercial interest in reputation or sales (Lanham Act §43(a) "
                    "standing, Lexmark v. Static Control, 2014).")


class SourceTerms(_Record):
    licence: str | None = Field(default=None, description="SPDX id or LicenseRef of the licence.")
    tos_assent: Assent | None = Field(default=None,
                                      description="How assent to the terms of service was given.")
    tos_notice: bool | None = Field(default=None,
                                    description="The terms were conspicuously notified.")
    prohibits_scraping: bool | None = Field(default=None,
                                            description="The terms forbid scraping.")
    prohibits_training: bool | None = Field(default=None,
                                            description="The terms forbid AI training.")
    tdm_reserved: bool | None = Field(
        default=None, description="A machine-readable TDM/AI reservation was in force.")
    reservation_observed_on: Date | None = Field(
        default=None, description="Date of the opt-out snapshot the reservation fact rests on.")
    access_gated: bool | None = Field(default=None,
                                      description="Access was behind a login or paywall.")
    reservation_form: ReservationForm | None = Field(
        default=None, description="The form the TDM/AI reservation took (machine-readable or "
                                  "natural-language).")
    reserved_since: Date | None = Field(
        default=None, description="Date the TDM/AI reservation was first in force.")
    applies_logged_out: bool | None = Field(
        default=None, description="The terms by their own words reach use by visitors who are "
                                  "not logged in (and survive termination of an account).")
    prohibits_commercial_use: bool | None = Field(
        default=None, description="The terms forbid commercial use of the content.")
    requires_attribution: bool | None = Field(
        default=None, description="The licence conditions use on attribution or on keeping the "
                                  "licence notice (e.g. MIT, GPL).")
    governing_law: GoverningLaw | None = Field(
        default=None, description="The law the terms choose to govern them (governing-law "
                                  "clause).")
    promise_beyond_copying: bool | None = Field(
        default=None, description="The terms impose a promise beyond not copying (payment, access "
                                  "limits, rate limits): an 'extra element' against preemption.")
    liquidated_damages: bool | None = Field(
        default=None, description="The terms fix the damages payable for their breach (a "
                                  "liquidated-damages clause), so the other party need not prove "
                                  "its loss.")
    law_without_clause: GoverningLaw | None = _none(
        description="Only where the terms contain no governing-law clause (leave governing_law "
                    "out): the law that the forum's choice-of-law rules apply to them (Klaxon v. "
                    "Stentor). Absent: none stated - governing_law gives the law the terms "
                    "choose, or, if it is absent too, the law is unknown.")


class Source(_Record):
    id: Id
    name: Text = Field(description="Name of the source.")
    kind: SourceKind | None = Field(default=None, description="What sort of source it is.")
    pirated: bool | None = Field(
        default=None, description="The source distributes unauthorised copies.")
    terms: SourceTerms | None = Field(default=None, description="Terms that governed access.")
    operator: Id | None = _none(
        description="Party who runs the source and whose terms and servers are at stake "
                    "(absent: none).")
    database_protected: bool | None = Field(
        default=None, description="EU: the source's database is protected by copyright or the "
                                  "sui generis right (Database Directive 96/9).")
    time_sensitive: bool | None = Field(
        default=None, description="The source gathers time-sensitive information at a cost (news).")
    analysis_licence_available: bool | None = Field(
        default=None, description="Japan: the source's data is offered on the market under "
                                  "licences for data analysis / AI training (Art 30-4 proviso).")
    hosts_content: bool | None = Field(
        default=None,
        description="The source's operator serves the material from its own servers or systems "
                    "(true), or the source only lists, links to or indexes material hosted by "
                    "others, such as a URL-and-caption dataset (false). Only the operator of "
                    "the system actually accessed can sue for trespass to chattels or under the "
                    "CFAA, and only material taken under the operator's terms is use under them "
                    "(Intel Corp. v. Hamidi, 2003; 18 U.S.C. §1030(g)).")


class DerivedFrom(_Record):
    parent: Id = Field(description="Source, dataset or model the artefact derives from.")
    relation: Literal["subset", "copy", "scan", "filter", "merge", "finetune", "distill",
                      "quantize", "adapter", "continued_pretraining", "trained_on"] = Field(
        default="copy", description="Kind of derivation edge.")


class Dataset(_Record):
    id: Id
    name: Text = Field(description="Name of the dataset or copy collection.")
    derived_from: list[DerivedFrom] = Field(default_factory=list,
                                            description="Lineage edges to parents.")
    retained: bool | None = Field(
        default=None, description="Copies are kept after training (a library).")
    purpose: Purpose | None = Field(default=None, description="Why the copies are kept.")


class Model(_Record):
    id: Id
    name: Text = Field(description="Name of the model.")
    trained_on: list[Id] = Field(default_factory=list, description="Datasets used in training.")
    derived_from: list[DerivedFrom] = Field(default_factory=list,
                                            description="Models this one derives from.")
    memorisation: bool | None = Field(
        default=None,
        description="Evidence shows the model can regenerate protected expression of its "
                    "training works without that expression in the prompt.")
    memorisation_evidence: str | None = _text("Where the memorisation fact comes from.")
    commercial: bool | None = Field(default=None,
                                    description="The model is exploited commercially.")
    induces_infringement: bool | None = Field(
        default=None, description="US: the provider promotes or encourages infringing use of the "
                                  "model by its users (inducement; Cox v. Sony, 2026).")
    tailored_to_infringement: bool | None = Field(
        default=None, description="US: the model or service is designed or marketed for "
                                  "infringing use rather than being a general-purpose tool "
                                  "(Cox v. Sony, 2026).")
    gpai: bool | None = Field(
        default=None, description="EU AI Act: a general-purpose AI model (Art 3(63)).")
    eu_market_date: Date | None = _none(
        description="EU AI Act: date first placed on the EU market (absent: not placed).")
    copyright_policy: bool | None = Field(
        default=None, description="EU AI Act Art 53(1)(c): a copyright policy honouring Art 4(3) "
                                  "reservations is in place.")
    training_summary: bool | None = Field(
        default=None, description="EU AI Act Art 53(1)(d): the public training-content summary "
                                  "is published.")
    extraction_insignificant: bool | None = Field(
        default=None, description="GDPR: tested likelihood of extracting training personal data, "
                                  "directly or by queries, is insignificant (EDPB Opinion 28/2024).")


class Act(_Record):
    """One legally relevant act (axiom A2: each use is analysed on its own)."""

    id: Id
    kind: ActKind = Field(description="What was done.")
    actor: Id = Field(description="Party who did it.")
    date: Date | None = Field(default=None, description="When it was done (or began).")
    place: Jurisdiction | None = Field(default=None, description="Where it was done.")
    method: Method | None = Field(default=None, description="How it was done.")
    source: Id | None = _none(description="Source the material came from (absent: none).")
    inputs: list[Id] = Field(default_factory=list, description="Artefacts the act used.")
    output: Id | None = _none(description="Artefact the act produced (absent: none).")
    works: list[Id] = Field(
        default_factory=list,
        description="Work cohorts the act concerns (otherwise found through lineage).")
    purpose: Purpose | None = Field(default=None, description="Purpose of the act.")
    commercial: bool | None = Field(default=None, description="The act served a commercial end.")
    lawful_copy: bool | None = Field(
        default=None, description="The act started from a lawfully acquired copy.")
    retained: bool | None = Field(
        default=None, description="The copies made are kept beyond the purpose.")
    authorised: bool | None = Field(
        default=None, description="A licence or permission covered the act when it was done.")
    reproduces_expression: bool | None = Field(
        default=None, description="Output: reproduces protected expression of the works.")
    seeded: bool | None = Field(
        default=None, description="Distribute: files were actually uploaded to others.")
    induces_infringement: bool | None = Field(
        default=None, description="US contributory infringement: by the act the actor promotes "
                                  "or encourages others' infringing copying (inducement; MGM v. "
                                  "Grokster, 2005; Cox v. Sony, 2026), e.g. seeding pirated files "
                                  "to a swarm in order that its peers download them.")
    tailored_to_infringement: bool | None = Field(
        default=None, description="US contributory infringement: the act supplies others with a "
                                  "means or service suited only to infringing use, with no "
                                  "substantial non-infringing use (Sony v. Universal, 1984; Cox "
                                  "v. Sony, 2026), e.g. offering pieces of pirated files to a "
                                  "file-sharing swarm.")
    market_substitution_evidence: bool | None = Field(
        default=None, description="Evidence the act's outputs substitute for the works.")
    market_dilution_evidence: bool | None = Field(
        default=None, description="Evidence of market dilution by competing outputs.")
    knowing: bool | None = Field(
        default=None, description="The actor knew, or recklessly disregarded, that the act was "
                                  "unauthorised (wilfulness; secondary-infringement knowledge).")
    innocence: Literal["pleaded", "proved"] | None = _none(
        description="US: the actor pleads, or has proved, that it was not aware and had no reason "
                    "to believe the act infringed (17 U.S.C. §504(c)(2); absent: not claimed).")
    discovered: Date | None = Field(
        default=None, description="When the claimant discovered, or with diligence should have "
                                  "discovered, the act (discovery rule, 17 U.S.C. §507(b)).")
    last_date: Date | None = _none(
        description="A course of conduct (scraping over months, outputs over years): the last day "
                    "it went on, the act recurring from its date to this day; each recurrence is "
                    "a separate wrong for limitation (absent: the act was done on its date).")
    counterparty_loss: bool | None = Field(
        default=None, description="Contract: the breach caused the other party to the terms or "
                                  "licence an actual loss (lost licence fees, costs, harm to its "
                                  "service), so that it has damages to recover.")
    lost_money_or_property: bool | None = Field(
        default=None, description="California UCL standing: the claimant lost money or property "
                                  "as a result of the act - economic injury such as costs "
                                  "incurred or lost payments (Cal. Bus. & Prof. Code §17204; "
                                  "Kwikset v. Superior Court, 2011).")
    logged_in: bool | None = Field(
        default=None, description="Scraping: done through a logged-in account.")
    authorization_revoked: bool | None = Field(
        default=None, description="Access continued after a cease-and-desist, ban or account "
                                  "termination.")
    circumvented: Measure | None = _none(
        description="Technological measure bypassed to get the material (absent: none).")
    server_impairment: bool | None = Field(
        default=None, description="The access impaired the servers or deprived the operator of "
                                  "their use (load, cost).")
    cmi_removed: bool | None = Field(
        default=None, description="Copyright management information was removed or altered.")
    identical_copy: bool | None = Field(
        default=None, description="The copies made or output are identical to the works.")
    disseminated: bool | None = Field(
        default=None, description="Copies from which CMI was removed reached the public.")
    enjoyment_purpose: bool | None = Field(
        default=None, description="Japan: a purpose of enjoying, or letting others enjoy, the "
                                  "expression co-exists (style imitation, RAG, similar outputs).")
    lawful_access: bool | None = Field(
        default=None, description="The actor had lawful access to the material (not via a "
                                  "circumvented paywall or in breach of terms).")
    supplied_to_others: bool | None = Field(
        default=None, description="The copies were supplied to others beyond verifying results.")
    free_rides: bool | None = Field(
        default=None, description="Hot news: the use free-rides on the source's gathering of "
                                  "time-sensitive information and competes directly with it.")
    threatens_incentive: bool | None = Field(
        default=None, description="Hot news: the free-riding so reduces the incentive to gather "
                                  "the news that the source's existence or quality is threatened.")
    mark_displayed: Literal["exact", "distorted", "none"] | None = Field(
        default=None,
        description="Output: shows the mark of a mark cohort it concerns - as it is ('exact'), "
                    "as a distorted or garbled version of it ('distorted', e.g. a garbled "
                    "watermark), or not at all ('none').")
    attributed_to_claimant: bool | None = Field(
        default=None,
        description="Output: presents its content as coming from, or approved by, the owner of "
                    "the mark or the person the cohort concerns (a fabricated article under a "
                    "publisher's name; words put in a person's mouth).")
    mark_as_source: bool | None = Field(
        default=None,
        description="Output: uses the mark as a designation of the source of the output (a "
                    "masthead or watermark presenting it as the owner's), not only to refer to "
                    "the owner or as incidental content (Jack Daniel's v. VIP, 2023).")
    confusion_likely: bool | None = Field(
        default=None,
        description="US Lanham Act: the weighing of the circuit's likelihood-of-confusion "
                    "factors (Polaroid, 2d Cir.; Sleekcraft, 9th Cir.) favours a likelihood that "
                    "consumers are confused as to the source, sponsorship or approval of the "
                    "output (or, for a persona, as to the person's endorsement).")
    dilution_likely: bool | None = Field(
        default=None,
        description="US Lanham Act: the use is likely to dilute the famous mark by blurring or "
                    "by tarnishment (15 U.S.C. §1125(c)(2)(B)-(C)), e.g. low-quality or false "
                    "content attributed under the mark.")
    willful_mark_use: bool | None = Field(
        default=None,
        description="US Lanham Act: the actor wilfully intended to trade on the recognition of "
                    "the mark or to harm its reputation (15 U.S.C. §1125(c)(5)(B)).")
    counterfeit_mark: bool | None = Field(
        default=None,
        description="US Lanham Act: the mark shown is a counterfeit - identical with or "
                    "substantially indistinguishable from the registered mark, on the goods or "
                    "services it is registered for (15 U.S.C. §§1116(d)(1)(B), 1117(c)).")
    identity_used: bool | None = Field(
        default=None,
        description="Uses the name, voice, signature, photograph or likeness of the person of a "
                    "persona cohort it concerns, so as to identify them (a style resembling an "
                    "artist's work is not their identity).")
    identity_use_purpose: Literal["advertising", "product", "expressive", "news"] | None = Field(
        default=None,
        description="Right of publicity: what the identity is used for - to advertise or sell "
                    "('advertising'); on or in products, merchandise or goods, or as the product "
                    "sold, e.g. a voice clone ('product'); in an expressive work such as an "
                    "image, story or commentary ('expressive'); or in a news or public-affairs "
                    "account ('news').")
    identity_use_knowing: bool | None = Field(
        default=None,
        description="Right of publicity: the actor knew it was using the person's identity "
                    "(Cal. Civ. Code §3344(a) 'knowingly uses'; N.Y. Civ. Rights Law §51 "
                    "exemplary damages).")
    identity_transformed: bool | None = Field(
        default=None,
        description="Right of publicity: the work adds significant creative elements, so that "
                    "it is more than a literal depiction or imitation of the person (Comedy III "
                    "v. Saderup, 2001).")
    identity_in_copyrighted_work: bool | None = Field(
        default=None,
        description="Right of publicity: the identity is used through a copyrighted work in "
                    "which the person appears - the photograph or recording itself, reproduced "
                    "or distributed - rather than through a new depiction or imitation of them "
                    "(Maloney v. T3Media, 2017; Downing v. Abercrombie & Fitch, 2001).")
    disguised_advertising: bool | None = Field(
        default=None,
        description="Right of publicity: a use presented as news or public-interest content is "
                    "in truth an advertisement in disguise, or has no real relationship to the "
                    "newsworthy subject (Stephano, 1984; Messenger, 2000).")
    compute_place: Jurisdiction | None = _none(
        description="Remote or cloud act: where the servers (cloud region) that carried it out "
                    "were, when that differs from `place`, which then gives where the person "
                    "who directed the act was (absent: the act was done where `place` says). "
                    "Which of the two places an act of reproduction is done in is a contested "
                    "point in each territorial copyright module (EU, UK, Japan, Singapore).")
    claimant_knew: Date | None = Field(
        default=None,
        description="The day the claimant actually learned of the damage the act caused and of "
                    "who did it: the start of the limitation period for damages in tort in "
                    "Japan (Civil Code Art 724(i)) and, from the end of that year, in Germany "
                    "(BGB §199(1), via UrhG §102; state here an earlier day on which the "
                    "claimant would have learned of it but for gross negligence, if that is "
                    "found). Not the US discovery rule (see `discovered`).")
    acknowledged: bool | None = Field(
        default=None,
        description="UK CDPA s29A(1)(b): the copy made for text and data analysis is "
                    "accompanied by a sufficient acknowledgement of the work, or an "
                    "acknowledgement is impossible for reasons of practicality or otherwise.")
    substantial_part: bool | None = Field(
        default=None,
        description="EU database: the act extracted or re-utilised a substantial part of the "
                    "database's contents, evaluated qualitatively or quantitatively, or "
                    "insubstantial parts repeatedly and systematically (Database Directive "
                    "Art 7(1), (5)); the lawful user's mandatory right (Arts 8(1), 15) covers "
                    "only insubstantial parts.")
    description: str | None = _text("What happened, in words.")


class Verification(_Record):
    method: str | None = _text("How the mitigation was verified (audit, red-teaming, logs).")
    verified: bool | None = Field(default=None,
                                  description="Independent verification evidence exists.")
    evidence: str | None = _text("Where the evidence is.")


class Mitigation(_Record):
    """A post-hoc measure offered against the liability (DESIGN §2, M1–M7)."""

    id: Id
    kind: MitigationKind = Field(description="Which mitigation it is.")
    date: Date | None = Field(default=None, description="When it took effect.")
    actor: Id | None = _none(description="Party who applied it.")
    targets: list[Id] = Field(
        default_factory=list,
        description="Acts, artefacts or work cohorts it is applied to (empty: all).")
    grantors: list[Id] = Field(
        default_factory=list,
        description="Licence or release: the parties granting it.")
    claims: list[str] = Field(
        default_factory=list,
        description="Release: doctrine ids of the claims released (empty: all).")
    period_start: Date | None = _none(
        description="Release or licence: covered conduct starts on this date (absent: no limit).")
    period_end: Date | None = _none(
        description="Release or licence: covered conduct ends on this date (absent: no limit).")
    covers_outputs: bool | None = Field(
        default=None, description="Release or licence: claims arising from outputs included.")
    releases_past_use: bool | None = Field(
        default=None, description="Licence: expressly releases use made before it.")
    replacement: Id | None = _none(description="Clean retrain: the new model.")
    required_by: Id | None = _none(
        description="Order, judgment or settlement (event or mitigation id) that required this "
                    "measure (absent: none).")
    verification: Verification | None = Field(default=None,
                                              description="Evidence the measure did what it says.")
    court_approval: Literal["not_required", "preliminary", "final", "denied"] | None = Field(
        default=None, description="Settlement: the court's approval of the settlement (a class "
                                  "settlement binds the class only once finally approved, "
                                  "Fed. R. Civ. P. 23(e)).")
    effective_date: Date | None = _none(
        description="Settlement or licence: the day the release takes effect under its terms "
                    "(absent: no later effective date than its date or, for a class settlement, "
                    "its final approval).")
    opt_outs: list[Id] = Field(
        default_factory=list,
        description="Settlement: parties who excluded themselves from the class and keep their "
                    "claims.")
    withdrawn: Date | None = _none(
        description="The measure was withdrawn or switched off on this date (absent: still in "
                    "place).")
    description: str | None = _text("What was done, in words.")


class Event(_Record):
    id: Id
    kind: Literal["notice", "litigation_hold", "suit", "class_certification", "judgment",
                  "order", "erasure_request", "cease_and_desist", "account_termination",
                  "regulatory_decision", "preservation_demand", "litigation_anticipated"] = \
        Field(description="What happened ('litigation_anticipated': the day from which the "
                          "party reasonably anticipated litigation, a duty to preserve arising).")
    date: Date | None = Field(default=None, description="When.")
    by: Id | None = _none(description="Party who gave notice or sued.")
    against: Id | None = _none(description="Party it was directed at.")
    targets: list[Id] = Field(default_factory=list,
                              description="Artefacts, acts or work cohorts it concerns.")
    requires: list[Literal["data_deletion", "model_deletion", "processing_ban", "fine",
                           "injunction"]] = Field(
        default_factory=list, description="Order or decision: the measures it requires.")
    dismissed_without_prejudice: Date | None = _none(
        description="Suit: the day it was voluntarily dismissed without prejudice (Fed. R. Civ. "
                    "P. 41(a)); the action is then treated as if never brought, so it neither "
                    "was a timely suit nor stopped the limitation period (absent: not "
                    "dismissed).")
    description: str | None = _text("What happened, in words.")


class DisputedVersion(_Record):
    value: Any = Field(description="The value this source gives (same type as the field).")
    source: Text = Field(description="Who says so: docket entry, report, article, with date.")


class Dispute(_Record):
    """A fact the sources give differently (legal-kb §6.18): the engine reasons under each
    version and reports a conclusion that turns on it as ``uncertain``, one reading per source."""

    record: Id = Field(description="Id of the record whose field is disputed.")
    field: str = Field(pattern=r"^[a-z_]+(\.[a-z_]+)*$",
                       description="The disputed field, dotted for nested ones "
                                   "(e.g. 'date', 'terms.tdm_reserved'); leave it out of the "
                                   "record itself.")
    versions: list[DisputedVersion] = Field(min_length=2, description="What each source says.")
    note: str | None = _text("Why the sources differ.")


class Allegation(_Record):
    """How a fact stated in a record stands: alleged by a party (contested pending proof), or
    admitted or found.  A conclusion that rests on a fact only alleged is ``uncertain``: one
    outcome as alleged, one if it is not proved."""

    record: Id = Field(description="Id of the record the fact belongs to.")
    field: str | None = Field(
        default=None, pattern=r"^[a-z_]+(\.[a-z_]+)*$",
        description="The field, dotted for nested ones (e.g. 'seeded', 'terms.tos_assent'); "
                    "absent: the whole record (the act happened at all) is alleged.")
    by: Id = Field(description="Party who alleges it (or admits it).")
    status: Literal["alleged", "admitted", "found"] = Field(
        default="alleged", description="'alleged': not yet admitted or found, so contested; "
                                       "'admitted' by the other side, or 'found' by a court: "
                                       "established.")
    source: Text = Field(description="Where: complaint paragraph, order, docket entry, with date.")
    note: str | None = _text("Anything else about it.")


class Case(_Record):
    """A whole case file."""

    case: CaseInfo
    parties: list[Party] = Field(default_factory=list)
    works: list[WorkCohort] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    datasets: list[Dataset] = Field(default_factory=list)
    models: list[Model] = Field(default_factory=list)
    acts: list[Act] = Field(default_factory=list)
    mitigations: list[Mitigation] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    disputes: list[Dispute] = Field(default_factory=list)
    allegations: list[Allegation] = Field(default_factory=list)

    def collections(self) -> dict[str, list[Any]]:
        """The id-bearing collections, keyed by their field name."""
        return {name: getattr(self, name) for name in _ID_KINDS}

    def check_references(self) -> None:
        """Raise :class:`DanglingReference` naming the field path of the first duplicate or dangling id."""
        ids: dict[str, set[str]] = {}
        everything: dict[str, str] = {}
        for collection, records in self.collections().items():
            seen: set[str] = set()
            for index, record in enumerate(records):
                if record.id in everything:
                    raise _ref_error(collection, index, "id",
                                     f"duplicate id {record.id!r} (already used in "
                                     f"{everything[record.id]})")
                seen.add(record.id)
                everything[record.id] = collection
            ids[collection] = seen
        artefacts = ids["sources"] | ids["datasets"] | ids["models"]
        allowed = {
            "party": ids["parties"], "work": ids["works"], "source": ids["sources"],
            "dataset": ids["datasets"], "model": ids["models"], "artefact": artefacts,
            "target": artefacts | ids["acts"] | ids["works"],
            "requirement": ids["events"] | ids["mitigations"],
        }
        for collection, records in self.collections().items():
            for index, record in enumerate(records):
                for field, kind in _REFERENCES.get(collection, ()):
                    value = getattr(record, field)
                    refs = value if isinstance(value, list) else [value]
                    for position, ref in enumerate(refs):
                        ref = ref.parent if isinstance(ref, DerivedFrom) else ref
                        if ref is not None and ref not in allowed[kind]:
                            place: list[str | int] = [field, position] \
                                if isinstance(value, list) else [field]
                            raise _ref_error(collection, index, place,
                                             f"unknown {kind} id {ref!r}")
        for index, dispute in enumerate(self.disputes):
            self.disputed_field(index, dispute)
        for index, allegation in enumerate(self.allegations):
            self.alleged_record(index, allegation)

    def alleged_record(self, index: int, allegation: Allegation) -> BaseModel:
        """Check an allegation; return the record it qualifies."""
        if allegation.by not in {p.id for p in self.parties}:
            raise _ref_error("allegations", index, "by", f"unknown party id {allegation.by!r}")
        for records in self.collections().values():
            for record in records:
                if record.id == allegation.record:
                    if allegation.field is not None:
                        _stated_field(index, record, allegation.field)
                    return record
        raise _ref_error("allegations", index, "record", f"unknown id {allegation.record!r}")

    def disputed_field(self, index: int, dispute: Dispute) -> list[Any]:
        """Check a dispute; return its versions' values converted to the field's type."""
        for records in self.collections().values():
            for record in records:
                if record.id == dispute.record:
                    return _disputed_values(index, record, dispute)
        raise _ref_error("disputes", index, "record", f"unknown id {dispute.record!r}")


_ID_KINDS = ("parties", "works", "sources", "datasets", "models", "acts", "mitigations", "events")

_REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "parties": (),
    "works": (("owners", "party"), ("exclusive_licensees", "party"), ("sources", "source")),
    "sources": (("operator", "party"),),
    "datasets": (("derived_from", "artefact"),),
    "models": (("trained_on", "dataset"), ("derived_from", "model")),
    "acts": (("actor", "party"), ("source", "source"), ("inputs", "artefact"),
             ("output", "artefact"), ("works", "work")),
    "mitigations": (("actor", "party"), ("targets", "target"), ("grantors", "party"),
                    ("opt_outs", "party"),
                    ("replacement", "model"), ("required_by", "requirement")),
    "events": (("by", "party"), ("against", "party"), ("targets", "target")),
}


class DanglingReference(ValueError):
    """A duplicate or dangling id, with the field path where it occurs."""

    def __init__(self, path: tuple[str | int, ...], message: str, code: str = "CE120") -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.code = code


def _ref_error(collection: str, index: int, field: str | list[str | int],
               message: str) -> DanglingReference:
    tail = field if isinstance(field, list) else [field]
    return DanglingReference((collection, index, *tail), message)


def _fact_field(collection: str, index: int, record: BaseModel,
                dotted: str) -> tuple[Any, Any]:
    """The value and type annotation of a fact field (``terms.tos_assent``) of a record."""
    model: Any = record.__class__
    value: Any = record
    annotation: Any = None
    for part in dotted.split("."):
        fields = model.model_fields if isinstance(model, type) and issubclass(model, BaseModel) \
            else {}
        info = fields.get(part)
        if info is None or part == "id" or (isinstance(info.json_schema_extra, dict)
                                            and info.json_schema_extra.get("fact") is False):
            raise _ref_error(collection, index, "field",
                             f"{dotted!r} is not a fact field of {record.id!r}")  # type: ignore[attr-defined]
        annotation = info.annotation
        value = getattr(value, part, None) if value is not None else None
        inner = [a for a in typing.get_args(annotation) if isinstance(a, type)
                 and issubclass(a, BaseModel)]
        model = inner[0] if inner else annotation
    return value, annotation


def _stated_field(index: int, record: BaseModel, dotted: str) -> None:
    value, _ = _fact_field("allegations", index, record, dotted)
    if value is None or value == []:
        raise _ref_error("allegations", index, "field",
                         f"{record.id!r} does not state {dotted}: state the value alleged in "  # type: ignore[attr-defined]
                         "the record, and say here who alleges it")


def _disputed_values(index: int, record: BaseModel, dispute: Dispute) -> list[Any]:
    value, annotation = _fact_field("disputes", index, record, dispute.field)
    if value is not None and value != []:
        raise _ref_error("disputes", index, "field",
                         f"{dispute.record!r} states {dispute.field} and disputes it: leave the "
                         "field out of the record")
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)
    out = []
    for position, version in enumerate(dispute.versions):
        try:
            out.append(adapter.validate_python(version.value, strict=False))
        except ValidationError as exc:
            raise DanglingReference(("disputes", index, "versions", position, "value"),
                                    exc.errors()[0]["msg"], "CE110") from None
        if out[-1] is None:
            raise DanglingReference(("disputes", index, "versions", position, "value"),
                                    "a version must give a value", "CE112")
    return out
