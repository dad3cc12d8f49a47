"""Every contested point of legal-kb §6 has readings, and a case that reaches it reports the
conclusion it decides as ``uncertain``, with one outcome per reading, each cited.

Each point is reached by a bundled case study, or by a case study with the facts changed that
bring the point into play (named in the table).  The assertions are generic: the conclusion
turns on the point (not merely mentions it), its readings give different outcomes, and pinning a
reading with ``--reading`` decides the point.  §6.18 (facts that conflict across sources) is the
disputed-facts mechanism: one reading per source.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from casekit import Change, by_id, variant

from compliance_engine.assess import Engine
from compliance_engine.result import ReadingOutcome, Result

# -- the changes that bring a point into play ------------------------------------------------

def dilution_evidence(d: dict[str, Any]) -> None:
    """Kadrey with evidence that Llama's outputs dilute the market for the books (legal-kb CS-02:
    'UNCERTAIN if dilution evidence present')."""
    by_id(d["acts"], "train_llama")["market_dilution_evidence"] = True


def uk_import(d: dict[str, Any]) -> None:
    """Getty's facts with Stable Diffusion, trained in the US and found not to store the images
    (as the English court found), imported and offered in the UK: is it an 'infringing copy'?"""
    d["case"]["jurisdictions"] = ["us", "uk"]
    by_id(d["models"], "stable_diffusion")["memorisation"] = False
    d["acts"].append({"id": "uk_release", "kind": "distribute", "actor": "stability",
                      "date": "2022-08-22", "place": "uk", "inputs": ["stable_diffusion"],
                      "authorised": False, "commercial": True, "knowing": True})


def lyrics_substitution(d: dict[str, Any]) -> None:
    """Concord with evidence that Claude's outputs substitute for the lyrics: fair use of the
    earlier training then fails unless the court must weigh the guardrails added after suit
    (legal-kb §6.4; guardrails never outweigh substitution, Harper & Row, 471 U.S. at 566)."""
    by_id(d["acts"], "train_claude")["market_substitution_evidence"] = True


def owner_licence(d: dict[str, Any]) -> None:
    """Kadrey with the authors later licensing their books to Meta (no release of the past use):
    does the training-licence market it shows count against fair use of the earlier training
    (legal-kb §6.3: Kadrey no; USCO Part 3 and Thomson Reuters v. Ross yes)?"""
    d["mitigations"].append({"id": "author_licence", "kind": "retroactive_license",
                             "date": "2025-01-01", "actor": "meta", "grantors": ["authors"],
                             "targets": ["plaintiffs_books"], "releases_past_use": False})


def german_training(d: dict[str, Any]) -> None:
    """GEMA with GPT-4 trained in Germany on a lawful crawl made before any reservation, so a
    TDM exception covers the training and the question is whether it covers what the model
    memorised."""
    d["sources"][0]["terms"] = {"tdm_reserved": False}
    d["acts"].append({"id": "train_gpt4", "kind": "train", "actor": "openai", "date": "2023-01-10",
                      "place": "de", "inputs": ["openai_training_data"], "output": "gpt4",
                      "works": ["gema_lyrics"], "lawful_access": True, "retained": False,
                      "authorised": False, "purpose": "training"})


def imprint_reservation(d: dict[str, Any]) -> None:
    """GEMA's reservation stated in natural language in the imprint: is that machine-readable?"""
    german_training(d)
    d["sources"][0]["terms"] = {"tdm_reserved": True, "reservation_form": "imprint_text",
                                "reserved_since": "2022-01-01"}


def no_consent_order(d: dict[str, Any]) -> None:
    """Everalbum without the consent order: can the FTC compel deletion on its own?"""
    d["events"] = [e for e in d.get("events", []) if "model_deletion" not in e.get("requires", [])]
    d["mitigations"] = [m for m in d["mitigations"] if m.get("required_by") is None]


def exact_unlearning(d: dict[str, Any]) -> None:
    """Everalbum removing the photos by exact unlearning: is the model still one 'developed in
    whole or in part' from them?"""
    d["mitigations"].append({"id": "exact_unlearn", "kind": "exact_unlearning",
                             "date": "2021-06-01", "actor": "everalbum",
                             "targets": ["face_model"],
                             "verification": {"verified": True}})


def gdpr_unlearning(d: dict[str, Any]) -> None:
    """The Garante case with an erasure request met by verified approximate unlearning."""
    d["mitigations"].append({"id": "unlearn_people", "kind": "approximate_unlearning",
                             "date": "2025-03-01", "actor": "openai",
                             "targets": ["chatgpt_models"],
                             "verification": {"verified": True,
                                              "method": "extraction and membership tests"}})


def california_terms_breached(d: dict[str, Any]) -> None:
    """Reddit with its User Agreement governed by California law, notified to the bots, and the
    content served from Reddit's own servers, but no loss from the breach stated: is a breach
    without loss actionable (nominal damages, Cal. Civ. Code §3360; Elation Systems, Cal. Ct. App.
    2021) or must actual damage be shown (Aguilera, 9th Cir. 2000)?"""
    d["allegations"] = []          # the facts taken as proved: the point is one of law
    source = by_id(d["sources"], "reddit")
    source["hosts_content"] = True
    source["terms"].update({"governing_law": "us-ca", "tos_notice": True,
                            "prohibits_training": False, "liquidated_damages": False})
    by_id(d["acts"], "scrape_reddit")["counterparty_loss"] = False


def attribution_without_mark(d: dict[str, Any]) -> None:
    """Cohere's fabricated articles attributed to the publishers by name, without showing their
    marks: is attribution of content a designation of origin (15 U.S.C. §1125(a)(1)(A)), or does
    Dastar Corp. v. Twentieth Century Fox, 539 U.S. 23 (2003), confine 'origin' to the producer
    of the goods?"""
    d["allegations"] = []          # the facts taken as proved: the point is one of law
    by_id(d["acts"], "hallucinated_articles")["mark_displayed"] = "none"


def place_of(record: str, place: str) -> Change:
    """The act ``record`` done on computers in another country than where it was directed from
    (legal-kb §6.12: where does cloud training take place?)."""
    def change(d: dict[str, Any]) -> None:
        by_id(d["acts"], record)["compute_place"] = place
    return change


def memorising_models(d: dict[str, Any]) -> None:
    """The Garante case with evidence that the models can regenerate personal data of their
    training set: does the model itself hold personal data (EDPB Opinion 28/2024 vs the Hamburg
    Commissioner's discussion paper)?"""
    by_id(d["models"], "chatgpt_models")["memorisation"] = True


#: point → (case study, change or None, the legal-kb §6 question it answers).  §6.9 (Cox v.
#: Sony) and §6.15 (a release of past conduct for a model in use) are settled law, encoded as
#: rules and not as points: after Cox, contributory liability turns on the facts of inducement or
#: tailoring (US.COPY.SECONDARY); a release of past conduct cannot release later conduct (Lawlor
#: v. National Screen Service Corp., 349 U.S. 322 (1955), CORE.MITIGATION).
REACHED: dict[str, tuple[str, Change | None, str]] = {
    "model_as_copy": ("andersen", None, "6.1"),
    "uk_model_infringing_copy": ("getty_us", uk_import, "6.1"),
    "pirated_acquisition": ("kadrey", None, "6.2"),
    "retention_as_reproduction": ("bartz", None, "6.2"),
    "market_dilution": ("kadrey", dilution_evidence, "6.3"),
    "training_licence_market": ("kadrey", owner_licence, "6.3"),
    "guardrails_after_suit": ("concord", lyrics_substitution, "6.4"),
    "gdpr_unlearning_removal": ("garante_openai", gdpr_unlearning, "6.5"),
    "weights_as_articles": ("andersen", None, "6.6"),
    "model_disgorgement": ("andersen", None, "6.6"),
    "model_constructive_trust": ("reddit", None, "6.6"),
    "dmca_identicality": ("doe_github", None, "6.7"),
    "dmca_standing": ("dmca_news", None, "6.7"),
    "dmca_fair_use_cmi": ("kadrey", None, "6.7"),
    "tos_preemption": ("reddit", None, "6.8"),
    "contract_nominal_damages": ("reddit", california_terms_breached, "6.8"),
    "rolling_cipher": ("suno", None, "6.10"),
    "dmca_1201_nexus": ("suno", None, "6.10"),
    "eu_reservation_form": ("gema", imprint_reservation, "6.11"),
    "eu_tdm_memorisation": ("gema", german_training, "6.11"),
    "eu_tdm_generative_training": ("gema", german_training, "6.11"),
    "eu_cloud_place": ("gema", place_of("gpt4_model", "us"), "6.12"),
    "uk_cloud_place": ("uk_secondary_import", place_of("adco_copy", "other"), "6.12"),
    "jp_cloud_place": ("japan_style_training", place_of("copy_news_db", "us"), "6.12"),
    "sg_cloud_place": ("sg_computational_analysis", place_of("copy_paywalled", "other"), "6.12"),
    "ftc_compelled_deletion": ("ftc_everalbum", no_consent_order, "6.13"),
    "ftc_unlearning_developed": ("ftc_everalbum", exact_unlearning, "6.13"),
    "gdpr_model_personal_data": ("garante_openai", memorising_models, "6.14"),
    "remediation_wilfulness": ("authors_guild", None, "6.16"),
    "jp_enjoyment_coexisting": ("japan_style_training", None, "6.17"),
    "content_attribution_origin": ("cohere", attribution_without_mark, "3.7 trade marks"),
}

SETTLED = {"6.9", "6.15"}


Conclusion = tuple[str, str, list[ReadingOutcome]]   # (where, status, readings)


def conclusions(result: Result) -> Iterator[Conclusion]:
    """Every conclusion of a result that carries readings, with its status."""
    for f in result.findings:
        yield f"finding {f.id}", f.status, f.readings
        for d in f.defences:
            yield f"defence {d.defence} to {f.id}", d.status, d.readings
    for m in result.mitigations:
        for e in m.effects:
            yield f"effect {e.effect} of {m.id} on {e.finding}", e.status, e.readings
    for r in result.remedies:
        status = "uncertain" if "uncertain" in (r.status, r.reaches_model_status) else r.status
        yield f"remedy {r.remedy} for {r.finding}", status, r.readings


def turning_on(result: Result, point: str) -> list[Conclusion]:
    return [(where, status, [r for r in readings if r.point == point])
            for where, status, readings in conclusions(result)
            if any(r.point == point for r in readings)]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def test_every_open_question_of_legal_kb_6_has_readings_and_a_case_reaching_it(
        engine: Engine) -> None:
    """legal-kb §6.1-§6.17 each have a contested point, except the two the law has settled;
    every point has two readings or more, each resting on its authorities."""
    points = engine.rulebook.points
    assert set(REACHED) == set(points), "a point without a case here, or a case without a point"
    sections = {section for _, _, section in REACHED.values() if section.startswith("6.")}
    assert sections | SETTLED == {f"6.{n}" for n in range(1, 18)}
    assert not sections & SETTLED
    for point in points.values():
        assert len(point.readings) >= 2 and all(r.authorities for r in point.readings), point.id


@pytest.mark.parametrize("point", sorted(REACHED))
def test_reaching_the_point_makes_the_conclusion_uncertain(engine: Engine, point: str) -> None:
    name, change, _ = REACHED[point]
    loaded = variant(name, change)
    reached = turning_on(engine.assess(loaded).result, point)
    assert reached, f"{point}: no conclusion of {name} turns on it"
    names = {r.name for r in engine.rulebook.points[point].readings}
    for where, status, readings in reached:
        assert status == "uncertain", (where, status)
        assert {r.reading for r in readings} == names, where
        assert len({r.status for r in readings}) >= 2, f"{where}: every reading gives the same"
        assert all(r.authorities for r in readings), where
    # pinning one reading decides the point: no conclusion turns on it any more
    first = engine.rulebook.points[point].readings[0].name
    pinned = engine.assess(loaded, readings=[f"{point}:{first}"]).result
    assert not turning_on(pinned, point)


def test_facts_that_conflict_across_sources_are_uncertain_with_one_reading_per_source(
        engine: Engine) -> None:
    """§6.18: the NYT case file gives two versions of whether the outputs reproduce expression."""
    result = engine.assess(variant("nyt")).result
    outputs = next(f for f in result.findings if f.id == "US.COPY.REPRO/gpt_outputs/nyt_articles")
    assert outputs.status == "uncertain"
    # on the Times's version the outputs copy its articles, but fair use stays the defendant's to
    # prove and turns on the other disputed fact, whether the model's outputs substitute for the
    # articles (Campbell, 510 U.S. at 590-91; Harper & Row, 471 U.S. at 566): that version is
    # open, not established (an unproved defence no longer counts as failed)
    assert {r.status for r in outputs.readings} == {"needs_facts", "not_established"}
    assert all(r.point.startswith("dispute:") for r in outputs.readings)
