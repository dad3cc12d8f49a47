"""Minimal case files for the mitigation-matrix conformance suite (legal-kb §4).

One base case per matrix ROW, in which that row's liability is established on stated facts, and
``with_mitigation`` which adds ONE mitigation of a given kind, in the variant a cell (or one of
its sub-cases) needs.  Everything here is a plain ``dict`` in the case-file format
(``compliance_engine/case/model.py``); ``load`` turns it into a ``LoadedCase``.

Conventions (so that every fact a rule may read is stated, legal-kb §0 / DESIGN §4 "unknown is
not false"):

- acts happen in 2022-2025; every mitigation is dated ``MITIGATION_DATE`` (2026-03-01); the
  analysis date is 2026-07-01;
- the developer ``dev`` applies every technical mitigation; the party holding the claim of the
  row (``ROWS[row].holder``) grants the releases and licences unless a variant says otherwise;
- each mitigation names its targets: the subject of the row's finding (work cohort, source or
  model) plus the artefacts it naturally acts on, so that it is *offered against* the finding
  (a mitigation not offered against a finding has no effect entry for it at all);
- technical mitigations state their verification according to legal-kb §2 ("provable?"):
  approximate unlearning cannot be proven to remove anything (arXiv 2110.11891, A4), so it is
  stated unverified unless a variant says the removal is shown; exact unlearning is auditable at
  the process level, an output filter is testable by adversarial prompting, deletion by logs and
  a clean retrain by provenance records, so they are stated verified.

Contested points on which a row's liability turns are pinned with the engine's ``readings=``
argument to the reading under which the liability is established (``ROWS[row].readings``); the
reason is given beside each.  A pin whose point the rulebook no longer has (it has settled it)
is dropped by the test, which needs no pin then.  Only the liability is pinned: a contested
point on which a mitigation's *effect* turns is left open, so that the engine reports it.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compliance_engine.case.load import LoadedCase
from compliance_engine.case.model import Case

AS_OF = "2026-07-01"
MITIGATION_DATE = "2026-03-01"
MITIGATION_ID = "mit"
SUIT_DATE = "2025-06-01"

Data = dict[str, Any]

# ------------------------------------------------------------------ shared pieces


def _dev(**extra: Any) -> Data:
    return {"id": "dev", "name": "Developer", "kind": "company", "roles": ["developer", "defendant"],
            "research_organisation": False, **extra}


def _holder(id_: str = "owner", name: str = "Right holder", kind: str = "company",
            roles: list[str] | None = None) -> Data:
    return {"id": id_, "name": name, "kind": kind,
            "roles": roles or ["right_holder", "claimant"]}


def _us_works(id_: str, kind: str, owners: list[str], sources: list[str], **extra: Any) -> Data:
    """A cohort of protected, registered US works (17 U.S.C. §§411(a), 412 satisfied)."""
    return {"id": id_, "kind": kind, "owners": owners, "sources": sources, "count": 10,
            "protected": True, "registered": True, "registered_before_infringement": True,
            "us_work": True, "compilation": False, **extra}


def _case(id_: str, title: str, jurisdictions: list[str], circuit: str | None = None,
          forum: str | None = None) -> Data:
    info: Data = {"id": id_, "title": title, "as_of": AS_OF, "jurisdictions": jurisdictions}
    if circuit:
        info["us_circuit"] = circuit
    if forum:
        info["forum"] = forum
    return info


def _model(id_: str = "m", trained_on: list[str] | None = None, **extra: Any) -> Data:
    return {"id": id_, "name": "Model", "trained_on": trained_on or ["corpus"],
            "commercial": True, **extra}


def _train(inputs: list[str] | None = None, place: str = "us", date: str = "2023-03-01",
           **extra: Any) -> Data:
    return {"id": "train", "kind": "train", "actor": "dev", "date": date, "place": place,
            "method": "internal", "inputs": inputs or ["corpus"], "output": "m",
            "purpose": "training", "commercial": True, "authorised": False,
            "market_substitution_evidence": False, "market_dilution_evidence": False,
            "knowing": True, **extra}


# ------------------------------------------------------------------ the sixteen base cases
# Each returns a fresh dict.  The comment above each names the §3 module and the facts that
# establish the row's liability.


def _us_repro_acquisition() -> Data:
    """§3.1 US.COPY.REPRO: pirated books downloaded into a central library kept for general
    purposes (Bartz v. Anthropic, Order on Fair Use, N.D. Cal. 23 Jun 2025: library copies from
    pirate sites are not fair use, "every factor points against"); works registered (§411(a))."""
    return {
        "case": _case("matrix-us-repro-acquisition", "Matrix: US reproduction by acquisition",
                      ["us"], "9th", "us-ca"),
        "parties": [_dev(), _holder()],
        "works": [_us_works("books", "book", ["owner"], ["shadow"])],
        "sources": [{"id": "shadow", "name": "Shadow library", "kind": "shadow_library",
                     "pirated": True}],
        "datasets": [{"id": "library", "name": "Central library", "derived_from":
                      [{"parent": "shadow"}], "retained": True, "purpose": "general_library"}],
        "models": [_model(trained_on=["library"], memorisation=False)],
        "acts": [
            {"id": "acq", "kind": "acquire", "actor": "dev", "date": "2022-06-01",
             "place": "us", "method": "download", "source": "shadow", "output": "library",
             "purpose": "general_library", "retained": True, "lawful_copy": False,
             "authorised": False, "commercial": True, "knowing": True},
            _train(inputs=["library"]),
        ],
    }


def _us_repro_weights() -> Data:
    """§3.1 US.COPY.REPRO, model weights as copies: the model regenerates protected expression
    of the works without it in the prompt (USCO Part 3, 9 May 2025: a "strong argument" that such
    weights implicate the reproduction right); its outputs substitute for the works (factor four
    against fair use).  Pinned reading: model_as_copy = memorised_weights_are_copies."""
    return {
        "case": _case("matrix-us-repro-weights", "Matrix: US model weights as copies", ["us"],
                      "9th", "us-ca"),
        "parties": [_dev(), _holder()],
        "works": [_us_works("books", "book", ["owner"], ["web"])],
        "sources": [{"id": "web", "name": "Web pages", "kind": "web", "pirated": False}],
        "datasets": [{"id": "corpus", "name": "Training corpus", "derived_from":
                      [{"parent": "web"}], "retained": False}],
        "models": [_model(memorisation=True,
                          memorisation_evidence="Extraction tests regenerate passages verbatim")],
        "acts": [
            _train(market_substitution_evidence=True),
            {"id": "model_m", "kind": "model", "actor": "dev", "date": "2023-04-01",
             "place": "us", "output": "m", "works": ["books"], "authorised": False,
             "commercial": True, "knowing": True, "market_substitution_evidence": True,
             "market_dilution_evidence": False},
        ],
    }


def _us_output() -> Data:
    """§3.1 US.COPY.REPRO on outputs: an output reproducing protected expression of the works,
    with evidence that the outputs substitute for them (Authors Guild v. OpenAI, S.D.N.Y.
    27 Oct 2025: output summaries may be substantially similar; Kadrey: regurgitation that
    substitutes would defeat fair use)."""
    return {
        "case": _case("matrix-us-output", "Matrix: US output infringement", ["us"], "2d",
                      "us-ny"),
        "parties": [_dev(), _holder()],
        "works": [_us_works("books", "book", ["owner"], ["web"])],
        "sources": [{"id": "web", "name": "Web pages", "kind": "web", "pirated": False}],
        "datasets": [{"id": "corpus", "name": "Training corpus", "derived_from":
                      [{"parent": "web"}], "retained": False}],
        "models": [_model(memorisation=True,
                          memorisation_evidence="Outputs reproduce passages of the works")],
        "acts": [
            _train(),
            {"id": "out", "kind": "output", "actor": "dev", "date": "2024-01-10", "place": "us",
             "method": "generate", "inputs": ["m"], "works": ["books"],
             "reproduces_expression": True, "identical_copy": False,
             "market_substitution_evidence": True, "market_dilution_evidence": False,
             "authorised": False, "commercial": True, "knowing": True},
        ],
    }


def _us_fair_use_training() -> Data:
    """§3.2 US.FAIR_USE: training on lawfully reachable web copies, fair use in issue; the
    record shows the model's outputs substituting for the works, so factor four weighs against
    fair use (Kadrey v. Meta, N.D. Cal. 25 Jun 2025: substitution is the harm that would defeat
    it; USCO Part 3).  Variant ``no_substitution``: no such evidence (fair use applies, Bartz /
    Kadrey), used where a cell is about what a mitigation does to a defence that succeeds."""
    return {
        "case": _case("matrix-us-fair-use", "Matrix: US fair use in training", ["us"], "9th",
                      "us-ca"),
        "parties": [_dev(), _holder()],
        "works": [_us_works("books", "book", ["owner"], ["web"])],
        "sources": [{"id": "web", "name": "Web pages", "kind": "web", "pirated": False}],
        "datasets": [{"id": "corpus", "name": "Training corpus", "derived_from":
                      [{"parent": "web"}], "retained": False}],
        "models": [_model(memorisation=False)],
        "acts": [_train(market_substitution_evidence=True)],
    }


def _dmca_1202() -> Data:
    """§3.3 US.DMCA.1202: articles carrying CMI (author, title, notice) scraped, the CMI stripped
    knowingly, the copies identical and disseminated; the underlying copying is not fair use
    (the training's outputs substitute for the articles), so Kadrey's fair-use answer to
    §1202(b)(1) does not arise.  Second circuit (no identicality requirement has been imposed
    there; Intercept v. OpenAI, S.D.N.Y. 2025).  The output act ``out`` passes identical copies
    without CMI to users: the §1202(b)(3)/output theory of the M3 cell."""
    articles = _us_works("articles", "article", ["owner"], ["web"], cmi_attached=True,
                         cmi=["author", "title", "copyright_notice"])
    return {
        "case": _case("matrix-dmca-1202", "Matrix: DMCA §1202", ["us"], "2d", "us-ny"),
        "parties": [_dev(), _holder()],
        "works": [articles],
        "sources": [{"id": "web", "name": "News site", "kind": "web", "pirated": False,
                     "time_sensitive": False}],
        "datasets": [{"id": "corpus", "name": "Scraped articles", "derived_from":
                      [{"parent": "web"}], "retained": False}],
        "models": [_model(memorisation=True,
                          memorisation_evidence="Outputs regenerate the articles verbatim")],
        "acts": [
            {"id": "acq", "kind": "acquire", "actor": "dev", "date": "2022-06-01",
             "place": "us", "method": "scrape", "source": "web", "output": "corpus",
             "purpose": "training", "retained": False, "lawful_copy": False,
             "lawful_access": True, "authorised": False, "commercial": True, "knowing": True,
             "cmi_removed": True, "identical_copy": True, "disseminated": True},
            # the CMI was stripped at acquisition; training used the stripped copies internally
            _train(market_substitution_evidence=True, cmi_removed=False, identical_copy=True,
                   disseminated=False),
            {"id": "out", "kind": "output", "actor": "dev", "date": "2024-01-10", "place": "us",
             "method": "generate", "inputs": ["m"], "works": ["articles"],
             "free_rides": False, "threatens_incentive": False,
             "reproduces_expression": True, "identical_copy": True, "cmi_removed": True,
             "disseminated": True, "market_substitution_evidence": True,
             "market_dilution_evidence": False, "authorised": False, "commercial": True,
             "knowing": True},
        ],
    }


def _dmca_1201() -> Data:
    """§3.4 US.DMCA.1201: articles behind a paywall (an access control) reached by bypassing
    it, without the owner's authority; 17 U.S.C. §1201(a)(1)(A)."""
    return {
        "case": _case("matrix-dmca-1201", "Matrix: DMCA §1201", ["us"], "9th", "us-ca"),
        "parties": [_dev(), _holder()],
        "works": [_us_works("articles", "article", ["owner"], ["paywalled"])],
        "sources": [{"id": "paywalled", "name": "Paywalled archive", "kind": "web",
                     "pirated": False, "terms": {"access_gated": True}}],
        "datasets": [{"id": "corpus", "name": "Ripped articles", "derived_from":
                      [{"parent": "paywalled"}], "retained": False}],
        "models": [_model(memorisation=False)],
        "acts": [
            {"id": "acq", "kind": "acquire", "actor": "dev", "date": "2022-06-01",
             "place": "us", "method": "download", "source": "paywalled", "output": "corpus",
             "purpose": "training", "retained": False, "lawful_copy": False,
             "lawful_access": False, "circumvented": "paywall", "authorised": False,
             "commercial": True, "knowing": True},
            _train(),
        ],
    }


def _scraping(title: str, id_: str, **terms: Any) -> Data:
    """A site whose operator owns the content, with clickwrap terms forbidding scraping, scraped
    through a logged-in account; Seventh Circuit (ProCD v. Zeidenberg, 86 F.3d 1447 (7th Cir.
    1996): a contract binds only its parties, so it is not preempted)."""
    base_terms = {"tos_assent": "clickwrap", "tos_notice": True, "prohibits_scraping": True,
                  "prohibits_training": False, "prohibits_commercial_use": False,
                  "promise_beyond_copying": False, "access_gated": False,
                  "applies_logged_out": False, "governing_law": "us-il",
                  "liquidated_damages": False}
    base_terms.update(terms)
    return {
        "case": _case(id_, title, ["us"], "7th", "us-il"),
        "parties": [_dev(), _holder("op", "Site operator")],
        "works": [_us_works("posts", "other", ["op"], ["site"])],
        "sources": [{"id": "site", "name": "Site", "kind": "web", "pirated": False,
                     "operator": "op", "hosts_content": True, "terms": base_terms}],
        "datasets": [{"id": "corpus", "name": "Scraped corpus", "derived_from":
                      [{"parent": "site"}], "retained": False}],
        "models": [_model(memorisation=False)],
        "acts": [
            {"id": "scrape", "kind": "acquire", "actor": "dev", "date": "2022-06-01",
             "place": "us", "method": "scrape", "source": "site", "output": "corpus",
             "purpose": "training", "commercial": True, "authorised": False,
             "logged_in": True, "server_impairment": False, "authorization_revoked": False,
             "retained": False, "lawful_access": True, "knowing": True,
             # the breach cost the operator licence fees it charges for bulk access (C4 damages)
             "counterparty_loss": True},
            _train(),
        ],
    }


def _contract_tos() -> Data:
    """§3.6 US.CONTRACT: clickwrap terms (assent manifested) forbidding scraping, breached by
    logged-in scraping (hiQ v. LinkedIn, N.D. Cal. 2022: breach by scraping; Meta v. Bright
    Data, N.D. Cal. 2024: the terms reach logged-in use); not preempted in the Seventh Circuit
    (ProCD).  Variants: ``commercial_term`` (the terms also forbid commercial use of the content:
    a use restriction reaching outputs), ``training_term`` (the terms forbid AI training)."""
    return _scraping("Matrix: contract / ToS", "matrix-contract")


def _trespass_cfaa() -> Data:
    """§3.7 US.TORT: a crawler that gets past the login gate of gated data (CFAA "without
    authorization": Van Buren v. United States, 593 U.S. 374 (2021), gates-up-or-down; hiQ v.
    LinkedIn, 31 F.4th 1180 (9th Cir. 2022)) and impairs the servers (trespass to chattels:
    Intel v. Hamidi, 30 Cal. 4th 1342 (2003); eBay v. Bidder's Edge, 100 F. Supp. 2d 1058
    (N.D. Cal. 2000)); technological loss."""
    data = _scraping("Matrix: trespass / CFAA", "matrix-trespass-cfaa", access_gated=True)
    data["acts"][0].update({"circumvented": "login", "server_impairment": True,
                            "lawful_access": False})
    return data


def _hot_news() -> Data:
    """§3.7 hot news (NBA v. Motorola, 105 F.3d 841 (2d Cir. 1997)): a publisher gathers
    time-sensitive news at a cost; the model's outputs free-ride on it in direct competition, so
    that the incentive to gather it is threatened (every NBA element stated)."""
    return {
        "case": _case("matrix-hot-news", "Matrix: hot news", ["us"], "2d", "us-ny"),
        "parties": [_dev(), _holder("owner", "News publisher")],
        "works": [_us_works("news", "article", ["owner"], ["newswire"])],
        "sources": [{"id": "newswire", "name": "Newswire", "kind": "web", "pirated": False,
                     "time_sensitive": True}],
        "datasets": [{"id": "corpus", "name": "Crawled news", "derived_from":
                      [{"parent": "newswire"}], "retained": False}],
        "models": [_model(memorisation=False)],
        "acts": [
            _train(),
            {"id": "out", "kind": "output", "actor": "dev", "date": "2024-01-10", "place": "us",
             "method": "generate", "inputs": ["m"], "works": ["news"],
             "reproduces_expression": False, "free_rides": True, "threatens_incentive": True,
             "market_substitution_evidence": False, "market_dilution_evidence": False,
             "authorised": False, "commercial": True, "knowing": True},
        ],
    }


def _unjust_enrichment() -> Data:
    """§3.5 restitution / US.UNJUST_ENRICHMENT (as pleaded in Reddit v. Anthropic): commercial
    scraping for training of a commercial model, with no express contract covering the access
    (browsewrap terms never notified, so no assent: quasi-contract is not displaced by a
    contract), and an extra element that keeps the claim from §301 preemption (Andersen v.
    Stability AI, N.D. Cal. 12 Aug 2024: only theories that are not preempted): the crawler
    bypassed the rate limit and impaired the servers (a trespass to chattels, Intel v. Hamidi)."""
    data = _scraping("Matrix: unjust enrichment", "matrix-unjust-enrichment",
                     tos_assent="browsewrap", tos_notice=False)
    data["acts"][0].update({"logged_in": False, "circumvented": "rate_limit",
                            "server_impairment": True})
    return data


def _ftc() -> Data:
    """§3.8 US.FTC.ALGO_DISGORGEMENT: children's personal data collected without verifiable
    parental consent (COPPA; as in United States v. WW International / Kurbo, N.D. Cal.
    filed 16 Feb 2022), a model developed with it, and a consent order requiring deletion of the
    data and of every model developed with it."""
    return {
        "case": _case("matrix-ftc", "Matrix: FTC model deletion", ["us"], "9th", "us-ca"),
        "parties": [_dev(),
                    {"id": "kids", "name": "Child users and their parents", "kind": "person",
                     "roles": ["data_subject"]},
                    {"id": "ftc", "name": "Federal Trade Commission", "kind": "regulator",
                     "roles": ["regulator"]}],
        "works": [{"id": "kids_data", "kind": "personal_data", "owners": ["kids"],
                   "sources": ["app"], "count": 10, "collected_unlawfully": True,
                   "children_data": True, "protected": False, "registered": False}],
        "sources": [{"id": "app", "name": "Children's app uploads", "kind": "user_content",
                     "pirated": False}],
        "datasets": [{"id": "kids_set", "name": "Children's data", "derived_from":
                      [{"parent": "app"}], "retained": True, "purpose": "commercial_product"}],
        "models": [_model(trained_on=["kids_set"], memorisation=False)],
        "acts": [
            {"id": "collect", "kind": "acquire", "actor": "dev", "date": "2022-06-01",
             "place": "us", "method": "upload", "source": "app", "output": "kids_set",
             "purpose": "commercial_product", "retained": True, "authorised": False,
             "commercial": True, "knowing": True},
            _train(inputs=["kids_set"]),
        ],
        "events": [
            {"id": "consent_order", "kind": "order", "date": "2025-06-01", "by": "ftc",
             "against": "dev", "targets": ["kids_set", "m"],
             "requires": ["data_deletion", "model_deletion"],
             "description": "Stipulated order requiring deletion of the data and of every model "
                            "developed in whole or in part with it."},
        ],
    }


def _eu_works_case(id_: str, title: str, holder: Data, works: Data, memorisation: bool,
                   acq_retained: bool) -> Data:
    return {
        "case": _case(id_, title, ["de", "eu"]),
        "parties": [_dev(commercial_influence=False), holder],
        "works": [works],
        "sources": [{"id": "site", "name": "Lyrics / content site", "kind": "web",
                     "pirated": False,
                     "terms": {"tdm_reserved": True, "reservation_form": "robots_txt",
                               "reserved_since": "2020-01-01",
                               "reservation_observed_on": "2022-05-01"}}],
        "datasets": [{"id": "corpus", "name": "Scraped corpus", "derived_from":
                      [{"parent": "site"}], "retained": acq_retained}],
        "models": [_model(memorisation=memorisation,
                          memorisation_evidence="Simple prompts retrieve the works"
                          if memorisation else None)],
        "acts": [
            {"id": "acq", "kind": "acquire", "actor": "dev", "date": "2022-06-01",
             "place": "de", "method": "scrape", "source": "site", "output": "corpus",
             "purpose": "training", "retained": acq_retained, "lawful_access": True,
             "authorised": False, "commercial": True, "knowing": True},
            _train(place="de", lawful_access=True, retained=False),
        ],
    }


CLAIMANT_KNEW = "2024-06-01"  # Germany: limitation runs from the end of the year of knowledge


def _strip_none(data: Data) -> Data:
    """Drop unset model fields; state, for every act, when the claimant learned of it (BGB
    §199(1) via UrhG §102: the damages claim is in time)."""
    for model in data.get("models", []):
        for key in [k for k, v in model.items() if v is None]:
            del model[key]
    for act in data["acts"]:
        act["claimant_knew"] = CLAIMANT_KNEW
    return data


def _eu_reproduction() -> Data:
    """§3.9 EU.COPY, GEMA v. OpenAI (LG München I, 42 O 14139/24, 11 Nov 2025): lyrics
    reproducibly contained in the parameters of a model held in Germany (a reproduction, §16
    UrhG, Art 2 InfoSoc), outputs reproducing them, the scraped copies retained; the TDM
    exceptions do not help (machine-readable reservation in force, a commercial developer).
    Pinned reading: eu_tdm_memorisation = analysis_only (GEMA: the TDM exceptions cover the
    analysis, not memorisation that stays available in the model)."""
    data = _eu_works_case(
        "matrix-eu-gema", "Matrix: EU reproduction (GEMA)",
        _holder("gema", "Collecting society", "collecting_society"),
        {"id": "works", "kind": "lyrics", "owners": ["gema"], "sources": ["site"], "count": 9,
         "protected": True, "us_work": False}, memorisation=True, acq_retained=True)
    data["acts"] += [
        {"id": "model_m", "kind": "model", "actor": "dev", "date": "2023-04-01", "place": "de",
         "output": "m", "works": ["works"], "authorised": False, "commercial": True,
         "knowing": True, "lawful_access": True, "market_substitution_evidence": True},
        {"id": "out", "kind": "output", "actor": "dev", "date": "2024-01-10", "place": "de",
         "method": "generate", "inputs": ["m"], "works": ["works"],
         "reproduces_expression": True, "market_substitution_evidence": True,
         "authorised": False, "commercial": True, "knowing": True},
    ]
    return _strip_none(data)


def _eu_tdm_optout() -> Data:
    """§3.9 EU.COPY, DSM Art 4(3) / §44b(3) UrhG: a machine-readable reservation (robots.txt)
    in force since 2020 ignored by a commercial scraper in Germany; the copies are not kept
    beyond the TDM purpose (so only the reservation defeats Art 4), and a ``store`` act keeps
    them for training."""
    data = _eu_works_case(
        "matrix-eu-tdm", "Matrix: EU TDM opt-out", _holder("owner", "Publisher"),
        {"id": "works", "kind": "article", "owners": ["owner"], "sources": ["site"],
         "count": 10, "protected": True, "us_work": False}, memorisation=False,
        acq_retained=False)
    data["acts"].insert(1, {"id": "store", "kind": "store", "actor": "dev",
                            "date": "2022-07-01", "place": "de", "inputs": ["corpus"],
                            "purpose": "training", "retained": False, "lawful_access": True,
                            "lawful_copy": False, "authorised": False, "commercial": True,
                            "knowing": True})
    return _strip_none(data)


def _ai_act() -> Data:
    """§3.10 EU.AI_ACT.ART53: a general-purpose AI model placed on the EU market on
    1 Sep 2025 (after 2 Aug 2025, so Art 53 applies at once: Art 113(b)) without a copyright
    policy (Art 53(1)(c)); its training summary is published."""
    return {
        "case": _case("matrix-ai-act", "Matrix: AI Act Art 53", ["eu"]),
        "parties": [_dev(),
                    {"id": "ai_office", "name": "AI Office (European Commission)",
                     "kind": "regulator", "roles": ["regulator"]},
                    _holder("owner", "Right holders")],
        "works": [],
        "sources": [],
        "datasets": [],
        "models": [{"id": "m", "name": "GPAI model", "commercial": True, "gpai": True,
                    "eu_market_date": "2025-09-01", "copyright_policy": False,
                    "training_summary": True, "memorisation": False}],
        "acts": [{"id": "place_m", "kind": "model", "actor": "dev", "date": "2025-09-01",
                  "place": "eu", "output": "m", "commercial": True, "authorised": False}],
    }


def _uk_secondary() -> Data:
    """§3.12 UK.CDPA ss22-23, 27(3): a model trained abroad (training not in the UK, as in
    Getty Images v Stability AI [2025] EWHC 2863 (Ch)) that stores copies of the images (it
    regenerates them), imported and dealt with in the course of business in the UK with reason
    to believe it is an infringing copy.  Pinned reading: uk_model_infringing_copy =
    stored_copy_required (Getty: a model is an infringing copy only if it stores the works; here
    it does)."""
    return {
        "case": _case("matrix-uk-secondary", "Matrix: UK secondary infringement", ["uk"]),
        "parties": [_dev(), _holder("owner", "Picture agency")],
        "works": [{"id": "images", "kind": "image", "owners": ["owner"], "sources": ["site"],
                   "count": 10, "protected": True, "us_work": False, "registered": False}],
        "sources": [{"id": "site", "name": "Picture library site", "kind": "web",
                     "pirated": False}],
        "datasets": [{"id": "corpus", "name": "Scraped images", "derived_from":
                      [{"parent": "site"}], "retained": False}],
        "models": [_model(memorisation=True,
                          memorisation_evidence="The model regenerates the images")],
        "acts": [
            _train(place="us", date="2022-06-01"),
            {"id": "import", "kind": "distribute", "actor": "dev", "date": "2023-01-10",
             "place": "uk", "inputs": ["m"], "works": ["images"], "commercial": True,
             "knowing": True, "authorised": False},
        ],
    }


def _gdpr() -> Data:
    """§3.15 EU.GDPR: personal data of people in the Union scraped in Ireland and used to train
    a model with no Art 6(1) basis at all; the model memorises it (not anonymous under EDPB
    Opinion 28/2024: extraction not insignificant); the scraped copies are kept.  Pinned
    reading (where the rulebook has the point): gdpr_model_personal_data = case_by_case (EDPB
    Opinion 28/2024: a model trained on personal data is not anonymous unless extraction is
    insignificant), under which the model itself processes the personal data."""
    return {
        "case": _case("matrix-gdpr", "Matrix: GDPR", ["eu"]),
        "parties": [_dev(main_establishment="ie"),
                    {"id": "subjects", "name": "Data subjects", "kind": "person",
                     "roles": ["data_subject", "claimant"]}],
        "works": [{"id": "persons", "kind": "personal_data", "owners": ["subjects"],
                   "sources": ["web"], "count": 10, "lawful_basis": "none",
                   "special_category": False, "children_data": False, "eu_targeted": True,
                   "protected": False, "registered": False, "collected_unlawfully": False}],
        "sources": [{"id": "web", "name": "Web pages", "kind": "web", "pirated": False,
                     "terms": {"tdm_reserved": False, "reservation_form": "none"}}],
        "datasets": [{"id": "corpus", "name": "Scraped personal data", "derived_from":
                      [{"parent": "web"}], "retained": True, "purpose": "training"}],
        "models": [_model(memorisation=True, extraction_insignificant=False,
                          memorisation_evidence="Queries extract training personal data")],
        "acts": [
            {"id": "acq", "kind": "acquire", "actor": "dev", "date": "2022-06-01",
             "place": "ie", "method": "scrape", "source": "web", "output": "corpus",
             "purpose": "training", "retained": True, "commercial": True,
             "authorised": False, "lawful_access": True},
            _train(place="ie", lawful_access=True, retained=False),
            {"id": "model_m", "kind": "model", "actor": "dev", "date": "2023-04-01",
             "place": "ie", "output": "m", "works": ["persons"], "commercial": True,
             "authorised": False, "market_substitution_evidence": False},
        ],
    }


# ------------------------------------------------------------------ base variants


def _set_terms(**terms: Any) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        data["sources"][0]["terms"].update(terms)
    return change


def _no_substitution(data: Data) -> None:
    for act in data["acts"]:
        if act["id"] == "train":
            act["market_substitution_evidence"] = False


BASE_VARIANTS: dict[str, dict[str, Callable[[Data], None]]] = {
    "contract_tos": {
        # the terms also forbid commercial use of the content: a use restriction that outputs
        # continue to breach (legal-kb §3.6 M1-M3 "only if the term restricts use/outputs")
        "commercial_term": _set_terms(prohibits_commercial_use=True),
        # the terms forbid using the content to train models (§3.6 M5)
        "training_term": _set_terms(prohibits_training=True),
    },
    "us_fair_use_training": {"no_substitution": _no_substitution},
}


# ------------------------------------------------------------------ rows


@dataclass(frozen=True)
class Row:
    build: Callable[[], Data]
    finding: str                      # the finding the row is about: DOCTRINE/act/subject
    subject: str                      # what mitigations target so they are offered against it
    holder: list[str]                 # who holds the claim (grants releases and licences)
    doctrines: list[str]              # claims a release names
    readings: list[str] = field(default_factory=list)
    model: str | None = "m"           # the model a technical mitigation acts on
    dataset: str | None = "corpus"    # the dataset a deletion acts on
    extra_findings: dict[str, str] = field(default_factory=dict)  # other findings, by key


ROWS: dict[str, Row] = {
    # the library row follows Bartz: keeping the library is a use (its M4 cell, "FUTURE (ends
    # continuing storage)", presupposes that reading of the contested point)
    "us_repro_acquisition": Row(_us_repro_acquisition, "US.COPY.REPRO/acq/books", "books",
                                ["owner"], ["US.COPY.REPRO"], dataset="library",
                                readings=["retention_as_reproduction:retention_is_a_use"]),
    "us_repro_weights": Row(_us_repro_weights, "US.COPY.REPRO/model_m/books", "books",
                            ["owner"], ["US.COPY.REPRO"],
                            readings=["model_as_copy:memorised_weights_are_copies"]),
    "us_output": Row(_us_output, "US.COPY.REPRO/out/books", "books", ["owner"],
                     ["US.COPY.REPRO"]),
    "us_fair_use_training": Row(_us_fair_use_training, "US.COPY.REPRO/train/books", "books",
                                ["owner"], ["US.COPY.REPRO"]),
    "dmca_1202": Row(_dmca_1202, "US.DMCA.1202/acq/articles", "articles", ["owner"],
                     ["US.DMCA.1202"], extra_findings={"output": "US.DMCA.1202/out/articles"}),
    "dmca_1201": Row(_dmca_1201, "US.DMCA.1201/acq/articles", "articles", ["owner"],
                     ["US.DMCA.1201"]),
    "contract_tos": Row(_contract_tos, "US.CONTRACT/scrape/site", "site", ["op"],
                        ["US.CONTRACT"]),
    "trespass_cfaa": Row(_trespass_cfaa, "US.TORT.TRESPASS/scrape/site", "site", ["op"],
                         ["US.TORT.TRESPASS", "US.TORT.CFAA"],
                         extra_findings={"cfaa": "US.TORT.CFAA/scrape/site"}),
    "hot_news": Row(_hot_news, "US.TORT.HOT_NEWS/out/news", "news", ["owner"],
                    ["US.TORT.HOT_NEWS"]),
    "unjust_enrichment": Row(_unjust_enrichment, "US.UNJUST_ENRICHMENT/scrape/site", "site",
                             ["op"], ["US.UNJUST_ENRICHMENT"]),
    "ftc_model_deletion": Row(_ftc, "US.FTC.ALGO_DISGORGEMENT/train/m", "m", ["ftc"],
                              ["US.FTC.ALGO_DISGORGEMENT"], dataset="kids_set"),
    "eu_reproduction": Row(_eu_reproduction, "EU.COPY/model_m/works", "works", ["gema"],
                           ["EU.COPY"],
                           readings=["eu_tdm_memorisation:analysis_only"],
                           extra_findings={"output": "EU.COPY/out/works",
                                           "dataset": "EU.COPY/acq/works"}),
    "eu_tdm_optout": Row(_eu_tdm_optout, "EU.COPY/acq/works", "works", ["owner"], ["EU.COPY"],
                         extra_findings={"store": "EU.COPY/store/works"}),
    "ai_act_art53": Row(_ai_act, "EU.AI_ACT.ART53/place_m/m", "m", ["ai_office"],
                        ["EU.AI_ACT.ART53"], dataset=None),
    "uk_secondary": Row(_uk_secondary, "UK.CDPA/import/images", "images", ["owner"],
                        ["UK.CDPA"], readings=["uk_model_infringing_copy:stored_copy_required"]),
    "gdpr": Row(_gdpr, "EU.GDPR/model_m/persons", "persons", ["subjects"], ["EU.GDPR"],
                readings=["gdpr_model_personal_data:case_by_case"],
                extra_findings={"dataset": "EU.GDPR/acq/persons",
                                "training": "EU.GDPR/train/persons"}),
}


def base_case(row: str, variant: str | None = None) -> Data:
    """The row's base case (a fresh dict), optionally in a named base variant."""
    data = copy.deepcopy(ROWS[row].build())
    if variant:
        BASE_VARIANTS[row][variant](data)
    return data


def finding_id(row: str, key: str | None = None) -> str:
    spec = ROWS[row]
    return spec.finding if key in (None, "main") else spec.extra_findings[key]


# ------------------------------------------------------------------ mitigations

_KIND = {"M1": "approximate_unlearning", "M2": "exact_unlearning", "M3": "output_filter",
         "M4": "dataset_deletion", "M5": "clean_retrain", "M6": "retroactive_license",
         "M7": "settlement_release"}


def _act_dates(data: Data) -> list[str]:
    return sorted(str(a["date"]) for a in data["acts"] if a.get("date"))


def _technical_targets(spec: Row, data: Data) -> list[str]:
    targets = [spec.subject]
    models = {m["id"] for m in data.get("models", [])}
    if spec.model and spec.model in models and spec.model not in targets:
        targets.append(spec.model)
    return targets


def _add_clean_model(data: Data, row: str) -> str:
    """A replacement model trained only on a licensed corpus that holds none of the works."""
    data["sources"].append({"id": "licensed", "name": "Licensed corpus",
                            "kind": "licensed_corpus", "pirated": False})
    data["datasets"].append({"id": "licensed_set", "name": "Licensed training set",
                             "derived_from": [{"parent": "licensed"}], "retained": False})
    clean: Data = {"id": "m_clean", "name": "Clean replacement model",
                   "trained_on": ["licensed_set"], "commercial": True, "memorisation": False}
    if row == "ai_act_art53":
        # the replacement complies ex ante: copyright policy and training summary (Art 53(1)(c)-(d))
        clean.update({"gpai": True, "copyright_policy": True, "training_summary": True})
    if row == "gdpr":
        clean["extraction_insignificant"] = True
    data["models"].append(clean)
    return "m_clean"


def with_mitigation(row: str, mitigation: str, variant: str = "default",
                    base_variant: str | None = None) -> Data:
    """The row's base case plus ONE mitigation (id ``mit``) of matrix column ``mitigation``
    (M1-M7), in ``variant``; context facts the variant needs (a suit, an order, a co-owner) are
    added to the case too.  ``without_mitigation`` of the result is the precondition case."""
    spec = ROWS[row]
    data = base_case(row, base_variant)
    kind = _KIND[mitigation]
    m: Data = {"id": MITIGATION_ID, "kind": kind, "date": MITIGATION_DATE, "actor": "dev"}
    targets = _technical_targets(spec, data)
    if mitigation == "M1":
        shown = variant == "verified"
        m.update(targets=targets, verification={
            "method": "Extraction red-teaming of the unlearned model", "verified": shown})
        m["description"] = ("Approximate unlearning of the works; independent tests show the "
                            "memorised copies removed" if shown else
                            "Approximate unlearning of the works; no proof of removal")
    elif mitigation == "M2":
        m.update(targets=targets, verification={"method": "SISA shard retraining audit",
                                                "verified": True},
                 description="Exact unlearning: the shards holding the works retrained")
    elif mitigation == "M3":
        m.update(targets=targets, verification={"method": "Adversarial prompting",
                                                "verified": True},
                 description="Output filter blocking the works; weights unchanged")
        if variant == "at_use":
            # in place before the first act of the case, and never withdrawn
            m["date"] = "2021-01-01"
            m["description"] = "Output filter in place since before training"
    elif mitigation == "M4":
        targets = [t for t in [spec.dataset, spec.subject] if t]
        m.update(targets=list(dict.fromkeys(targets)),
                 verification={"method": "Deletion logs", "verified": True},
                 description="Deletion of the stored dataset copies")
        if variant == "post_notice":
            data.setdefault("events", []).append(
                {"id": "suit", "kind": "suit", "date": SUIT_DATE, "by": spec.holder[0],
                 "against": "dev"})
            m["description"] = "Deletion of the dataset copies after suit was filed, unilaterally"
        elif variant == "ordered":
            events = data.setdefault("events", [])
            events.append({"id": "suit", "kind": "suit", "date": SUIT_DATE,
                           "by": spec.holder[0], "against": "dev"})
            events.append({"id": "judgment", "kind": "judgment", "date": "2026-01-15",
                           "by": spec.holder[0], "against": "dev", "targets": [spec.dataset],
                           "requires": ["data_deletion"]})
            m["required_by"] = "judgment"
            m["description"] = "Deletion of the scraped data ordered by the judgment (as in hiQ)"
        elif variant == "required_by_order":
            m["required_by"] = "consent_order"
            m["description"] = "Deletion of the data required by the consent order; model kept"
    elif mitigation == "M5":
        clean = _add_clean_model(data, row)
        m.update(targets=targets, replacement=clean,
                 verification={"method": "Data-lineage records", "verified": True},
                 description="Old model retired; replacement trained only on licensed data")
    elif mitigation == "M6":
        m.update(targets=[spec.subject], court_approval="not_required", covers_outputs=True)
        if variant == "purchase":
            data["parties"].append({"id": "seller", "name": "Bookseller", "kind": "company",
                                    "roles": ["licensor"]})
            m.update(grantors=["seller"], releases_past_use=False,
                     description="Later purchase of lawful copies (as in Bartz); no release")
        elif variant == "owner_release":
            m.update(grantors=list(spec.holder), releases_past_use=True,
                     description="Licence from the sole holder of the claim expressly "
                                 "releasing past use")
        elif variant == "owner_no_release":
            m.update(grantors=list(spec.holder), releases_past_use=False,
                     description="Licence from the holder for use from now on; past use "
                                 "not released")
        elif variant == "co_owner_release":
            data["parties"].append({"id": "co_owner", "name": "Co-owner", "kind": "person",
                                    "roles": ["right_holder"]})
            for work in data["works"]:
                if work["id"] == spec.subject:
                    work["owners"] = [*work["owners"], "co_owner"]
            m.update(grantors=list(spec.holder), releases_past_use=True,
                     description="Retroactive licence from one co-owner only (Davis v. Blige)")
        elif variant == "later_consent":
            # a later consent of the data subjects, purporting to cover the past processing
            m.update(grantors=[p for p in ("kids", "subjects")
                               if p in {q["id"] for q in data["parties"]}],
                     releases_past_use=True,
                     description="Consent obtained after the processing, purporting to cover it")
        else:
            raise ValueError(f"unknown M6 variant {variant!r}")
    elif mitigation == "M7":
        last = _act_dates(data)[-1]
        m.update(targets=[spec.subject], grantors=list(spec.holder), claims=list(spec.doctrines),
                 covers_outputs=True, court_approval="not_required",
                 period_end="2026-02-28",
                 description="Individual settlement and release of the claims over the "
                             "conduct to 28 Feb 2026")
        assert last <= "2026-02-28", "every act must fall in the released period"
        if variant == "out_of_period":
            m["period_end"] = "2021-12-31"
            m["description"] = "Release of conduct up to 31 Dec 2021 only (before the act)"
        elif variant == "outputs_excluded":
            m["covers_outputs"] = False
            m["description"] = "Release of past conduct that excludes output claims (as in Bartz)"
        elif variant == "regulator":
            m.update(grantors=["ftc"],
                     description="The stipulated consent order settling the FTC's claim")
        elif variant == "private":
            private = {"ftc_model_deletion": ["kids"], "ai_act_art53": ["owner"],
                       "gdpr": ["subjects"]}[row]
            m.update(grantors=private, claims=[],
                     description="Private settlement with the data subjects or right holders, "
                                 "releasing all their claims")
        elif variant == "private_named":
            private = {"ftc_model_deletion": ["kids"], "ai_act_art53": ["owner"],
                       "gdpr": ["subjects"]}[row]
            m.update(grantors=private, claims=list(spec.doctrines),
                     description="Private settlement whose release names the regulatory claim")
        elif variant != "in_scope":
            raise ValueError(f"unknown M7 variant {variant!r}")
    data["mitigations"] = [m]
    return data


def without_mitigation(data: Data) -> Data:
    """The same case (with any context facts the mitigation variant added) but no mitigation:
    the case on which the row's liability must be established."""
    out = copy.deepcopy(data)
    out.pop("mitigations", None)
    return out


def load(data: Data, name: str = "matrix.yaml") -> LoadedCase:
    """Validate ``data`` as a case file and wrap it as a loaded case."""
    case = Case.model_validate(data)
    case.check_references()
    raw = json.dumps(data, sort_keys=True, default=str).encode()
    return LoadedCase(case, Path(name), hashlib.sha256(raw).hexdigest())
