"""Every contested point of legal-kb §6 has readings, and a case that reaches it reports the
conclusion it decides as ``uncertain``, with one outcome per reading, each cited.

Each point is reached by a bundled case study, or by a case study with the facts changed that
bring the point into play (named in the table).  The assertions are generic: the conclusion
turns on the point (not merely mentions it), its readings give different outcomes, and pinning a
reading with ``--reading`` decides the point.  §6.18 (facts that conflict across sources) is the
disputed-facts mechanism: one reading per source.
"""

from __future__ import annotations

import re
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


def user_outputs(d: dict[str, Any]) -> None:
    """Andersen with a user generating images in the artists' style from a memorising model
    offered without output guards (Cox v. Sony: is the model 'tailored' to infringement?)."""
    d["parties"].append({"id": "user", "name": "A user"})
    by_id(d["models"], "stable_diffusion")["memorisation"] = True
    d["acts"].append({"id": "user_images", "kind": "output", "actor": "user",
                      "date": "2023-03-01", "place": "us", "inputs": ["stable_diffusion"],
                      "works": ["registered_art"], "authorised": False,
                      "reproduces_expression": True, "disseminated": True})


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


#: point → (case study, change or None); §6 numbers in legal-kb order.
REACHED: dict[str, tuple[str, Change | None]] = {
    "model_as_copy": ("andersen", None),                        # §6.1 US
    "eu_memorisation_reproduction": ("gema", None),             # §6.1 DE
    "uk_model_infringing_copy": ("getty_us", uk_import),        # §6.1 UK, §6.12
    "pirated_acquisition": ("kadrey", None),                    # §6.2
    "market_dilution": ("kadrey", dilution_evidence),           # §6.3
    "guardrails_after_suit": ("concord", None),                 # §6.4
    "gdpr_unlearning_removal": ("garante_openai", gdpr_unlearning),   # §6.5, §6.14
    "weights_as_articles": ("andersen", None),                  # §6.6
    "model_disgorgement": ("andersen", None),                   # §6.6
    "model_constructive_trust": ("reddit", None),               # §6.6
    "dmca_identicality": ("doe_github", None),                  # §6.7
    "dmca_standing": ("dmca_news", None),                       # §6.7
    "tos_preemption": ("reddit", None),                         # §6.8
    "cox_tailoring": ("andersen", user_outputs),                # §6.9
    "rolling_cipher": ("suno", None),                           # §6.10
    "eu_reservation_form": ("gema", imprint_reservation),       # §6.11
    "eu_tdm_memorisation": ("gema", german_training),           # §6.11
    "ftc_compelled_deletion": ("ftc_everalbum", no_consent_order),    # §6.13
    "ftc_unlearning_developed": ("ftc_everalbum", exact_unlearning),  # §6.13
    "release_launders_model": ("suno", None),                   # §6.15
    "remediation_wilfulness": ("authors_guild", None),          # §6.16
    "jp_enjoyment_coexisting": ("japan_style_training", None),  # §6.17
}


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


def test_every_point_of_legal_kb_6_has_readings_and_a_case_reaching_it(engine: Engine) -> None:
    points = engine.rulebook.points
    assert set(REACHED) == set(points), "a point without a case here, or a case without a point"
    numbers = {int(n) for p in points.values()
               for n in re.findall(r"§6\.(\d+)", p.source)}
    assert numbers == set(range(1, 18)), "legal-kb §6.1-§6.17 each need a contested point"
    for point in points.values():
        assert len(point.readings) >= 2 and all(r.authorities for r in point.readings), point.id


@pytest.mark.parametrize("point", sorted(REACHED))
def test_reaching_the_point_makes_the_conclusion_uncertain(engine: Engine, point: str) -> None:
    name, change = REACHED[point]
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
    assert {r.status for r in outputs.readings} == {"established", "not_established"}
    assert all(r.point.startswith("dispute:") for r in outputs.readings)
