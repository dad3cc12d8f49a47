"""EU copyright (InfoSoc Art 2, DSM Arts 3/4/7, UrhG §§16, 44b, 60d) and AI Act Art 53: the
outcomes move with the facts — where and when the act happened, the reservation's form and date,
who mined the works, memorisation, and the mitigation applied."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from compliance_engine.assess import Engine
from compliance_engine.case.load import LoadedCase, load_case
from compliance_engine.case.model import Case
from compliance_engine.result import Finding, Result

ROOT = Path(__file__).resolve().parents[1] / "case_studies"
CRAWL = "EU.COPY/crawl/articles"

BASE: dict[str, Any] = {
    "case": {"id": "eu-crawl", "title": "A crawl of a news site in Germany", "as_of": "2026-07-01",
             "jurisdictions": ["de"]},
    "parties": [
        {"id": "dev", "name": "Developer", "kind": "company", "roles": ["developer"],
         "research_organisation": False},
        {"id": "press", "name": "Publisher", "kind": "company", "roles": ["right_holder"]},
    ],
    "works": [{"id": "articles", "kind": "article", "owners": ["press"], "sources": ["news_site"],
               "protected": True}],
    "sources": [{"id": "news_site", "name": "News site", "kind": "web",
                 "terms": {"tdm_reserved": True, "reservation_form": "robots_txt",
                           "reserved_since": "2023-01-01"}}],
    "datasets": [{"id": "corpus", "name": "Crawl corpus", "derived_from": [{"parent": "news_site"}]}],
    "acts": [{"id": "crawl", "kind": "acquire", "actor": "dev", "date": "2024-03-01", "place": "de",
              "method": "crawl", "source": "news_site", "output": "corpus", "purpose": "training",
              "lawful_access": True, "retained": False, "authorised": False}],
}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def build(data: dict[str, Any]) -> LoadedCase:
    return LoadedCase(Case.model_validate(data), Path("synthetic.yaml"), "0" * 64)


def crawl(**changes: Any) -> dict[str, Any]:
    """The base crawl with fields of the act, source terms or developer changed."""
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        record, _, field = key.partition("__")
        target = {"act": data["acts"][0], "terms": data["sources"][0]["terms"],
                  "dev": data["parties"][0]}[record]
        if value is None:
            target.pop(field, None)
        else:
            target[field] = value
    return data


def finding(result: Result, fid: str) -> Finding:
    return next(f for f in result.findings if f.id == fid)


def defences(f: Finding) -> dict[str, str]:
    return {d.defence: d.status for d in f.defences}


def readings(f: Finding) -> dict[str, str]:
    return {r.reading: r.status for r in f.readings}


def effects(result: Result, mitigation: str, fid: str) -> dict[str, str]:
    return {e.effect: e.status for m in result.mitigations if m.id == mitigation
            for e in m.effects if e.finding == fid}


def gema(change: Any = None) -> LoadedCase:
    loaded = load_case(ROOT / "gema" / "case.yaml")
    if change is None:
        return loaded
    data = loaded.case.model_dump(mode="json", exclude_none=True)
    change(data)
    return dataclasses.replace(loaded, case=Case.model_validate(data))


def by_id(items: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return next(i for i in items if i["id"] == key)


# ------------------------------------------------------------------ Art 4 and the reservation

@pytest.mark.parametrize("form", ["robots_txt", "tdm_rep"])
def test_crawl_after_a_machine_readable_reservation_is_not_excused(engine: Engine,
                                                                   form: str) -> None:
    result = engine.assess(build(crawl(terms__reservation_form=form))).result
    f = finding(result, CRAWL)
    assert f.status == "established"
    assert f.jurisdiction == "de"
    assert defences(f) == {"tdm_art3": "fails", "tdm_art4": "fails"}
    proof = f.explanation.model_dump_json()
    assert "EU.COPY.prima-facie" in proof and "EU.COPY.repro-acquire" in proof
    # the defence fails because a rule defeats it on the stated facts (DSM Art 4(3))
    why_not = next(d for d in f.defences if d.defence == "tdm_art4").explanation.model_dump_json()
    assert "EU.COPY.art4-fails-reserved" in why_not
    assert {r.remedy: r.status for r in result.remedies if r.finding == CRAWL} == {
        "damages": "available", "information_accounting": "available",
        "injunction": "available", "destruction": "unavailable"}


def test_the_same_crawl_before_the_reservation_is_excused_by_art4(engine: Engine) -> None:
    result = engine.assess(build(crawl(terms__reserved_since="2024-06-01"))).result
    f = finding(result, CRAWL)
    assert f.status == "not_established"
    assert defences(f)["tdm_art4"] == "applies"
    proof = next(d for d in f.defences if d.defence == "tdm_art4").explanation.model_dump_json()
    assert "EU.COPY.art4-covers" in proof and "Directive (EU) 2019/790" in proof
    assert "Art. 4 (exception or limitation for text and data mining)" in proof
    assert "§44b" in proof


def test_copies_kept_beyond_need_or_without_lawful_access_lose_art4(engine: Engine) -> None:
    early = {"terms__reserved_since": "2024-06-01"}
    kept = finding(engine.assess(build(crawl(**early, act__retained=True))).result, CRAWL)
    assert kept.status == "established"
    paywall = finding(engine.assess(build(crawl(**early, act__lawful_access=False))).result, CRAWL)
    assert paywall.status == "established"


def test_crawl_before_the_dsm_directive_applied_has_no_tdm_exception(engine: Engine) -> None:
    result = engine.assess(build(crawl(act__date="2020-05-01"))).result
    assert finding(result, CRAWL).status == "established"


def test_unknown_reservation_date_is_for_the_rightholder_to_prove(engine: Engine) -> None:
    result = engine.assess(build(crawl(terms__reserved_since=None))).result
    f = finding(result, CRAWL)
    assert f.status == "needs_facts"
    assert {m.fact.split(":")[0]: m.burden for m in f.missing_facts} == {
        "sources[0].terms.reserved_since": "claimant"}


@pytest.mark.parametrize("form", ["imprint_text", "tos_text"])
def test_natural_language_reservation_is_contested(engine: Engine, form: str) -> None:
    loaded = build(crawl(terms__reservation_form=form))
    f = finding(engine.assess(loaded).result, CRAWL)
    assert f.status == "uncertain"
    assert readings(f) == {"automated_capture": "not_established",
                           "state_of_technology": "established"}
    assert all(r.point == "eu_reservation_form" and r.authorities for r in f.readings)
    cites = {a.cite for r in f.readings for a in r.authorities}
    assert any("OLG Hamburg" in c for c in cites) and any("LG Hamburg" in c for c in cites)
    pinned = engine.assess(loaded, readings=["eu_reservation_form:automated_capture"]).result
    assert finding(pinned, CRAWL).status == "not_established"
    assert defences(finding(pinned, CRAWL))["tdm_art4"] == "applies"


def test_reservation_form_agrees_on_both_backends(engine: Engine) -> None:
    loaded = build(crawl(terms__reservation_form="imprint_text"))
    a = finding(engine.assess(loaded).result, CRAWL)
    b = finding(engine.assess(loaded, engine="pydatalog").result, CRAWL)
    assert (a.status, readings(a), defences(a)) == (b.status, readings(b), defences(b))


def test_the_same_crawl_in_the_us_is_not_an_eu_act(engine: Engine) -> None:
    result = engine.assess(build(crawl(act__place="us"))).result
    assert not [f for f in result.findings if f.doctrine == "EU.COPY"]


# ------------------------------------------------------------------ Art 3 (research)

RESEARCH = {"dev__research_organisation": True, "act__purpose": "research",
            "dev__commercial_influence": False}


def test_research_organisation_is_covered_by_art3_despite_the_reservation(engine: Engine) -> None:
    f = finding(engine.assess(build(crawl(**RESEARCH))).result, CRAWL)
    assert f.status == "not_established"
    assert defences(f) == {"tdm_art3": "applies", "tdm_art4": "fails"}
    proof = next(d for d in f.defences if d.defence == "tdm_art3").explanation.model_dump_json()
    assert "EU.COPY.art3-covers" in proof and "§60d" in proof


def test_art3_fails_under_decisive_commercial_influence(engine: Engine) -> None:
    f = finding(engine.assess(build(crawl(**{**RESEARCH, "dev__commercial_influence": True})))
                .result, CRAWL)
    assert f.status == "established"
    assert defences(f)["tdm_art3"] == "fails"


def test_commercial_influence_is_for_the_claimant_to_prove(engine: Engine) -> None:
    f = finding(engine.assess(build(crawl(**{**RESEARCH, "dev__commercial_influence": None})))
                .result, CRAWL)
    assert f.status == "needs_facts"
    assert {m.fact.split(":")[0]: m.burden for m in f.missing_facts} == {
        "parties[0].commercial_influence": "claimant"}


# ------------------------------------------------------------------ memorisation (GEMA)

MODEL = "EU.COPY/gpt4_model/gema_lyrics"
OUTPUTS = "EU.COPY/chatgpt_outputs/gema_lyrics"


def test_memorisation_is_model_level_reproduction_and_a_filter_does_not_reach_it(
        engine: Engine) -> None:
    """GEMA v. OpenAI, LG München I, 42 O 14139/24 (11 Nov 2025): lyrics reproducibly contained in
    the parameters are a reproduction (§16 UrhG, InfoSoc Art 2). That holding is the only
    decision on a memorising model, so it is a rule graded contested (first instance, on appeal),
    no longer a contested point: the old "parameters_not_copies" reading rested on OpenAI's
    appeal (a pleading) and on Getty, which concerned a model found not to store the works. The
    model finding still turns on the separate point whether the TDM exceptions reach
    memorisation, open on this record because the training is not in it."""
    result = engine.assess(gema()).result
    model = finding(result, MODEL)
    assert model.status == "uncertain"
    assert readings(model) == {"analysis_only": "established",
                               "covers_training_outcome": "needs_facts"}
    assert "EU.COPY.repro-model" in model.explanation.model_dump_json()
    assert finding(result, OUTPUTS).status == "established"
    assert effects(result, "lyrics_filter", MODEL) == {"none": "established"}
    assert effects(result, "lyrics_filter", OUTPUTS) == {"future": "established"}
    none = next(e for m in result.mitigations if m.id == "lyrics_filter" for e in m.effects
                if e.finding == MODEL)
    assert none.explanation is not None
    assert "CORE.LEVELS.mismatch" in none.explanation.model_dump_json()
    pinned = engine.assess(gema(), readings=["eu_tdm_memorisation:analysis_only"])
    model = finding(pinned.result, MODEL)
    assert model.status == "established"
    assert defences(model) == {"tdm_art3": "fails", "tdm_art4": "fails"}
    reach = {r.remedy: r.reaches_model for r in pinned.result.remedies if r.finding == MODEL}
    assert reach == {"damages": False, "information_accounting": False, "injunction": True,
                     "destruction": True}


def test_without_memorisation_evidence_the_model_is_not_a_reproduction(engine: Engine) -> None:
    def change(d: dict[str, Any]) -> None:
        by_id(d["models"], "gpt4")["memorisation"] = False
    assert finding(engine.assess(gema(change)).result, MODEL).status == "not_established"


def test_approximate_unlearning_is_uncertain_even_when_verified(engine: Engine) -> None:
    """Model-level reproduction ends going forward only if the works are no longer reproducibly
    contained (GEMA); approximate unlearning cannot prove that — testing with the prompts shows
    suppression, not removal (arXiv 2110.11891; 2606.25001) — so verified or not its effect is
    uncertain (the old test expected 'future' once verified)."""
    def change(d: dict[str, Any]) -> None:
        by_id(d["mitigations"], "unlearn_lyrics")["verification"]["verified"] = False
    result = engine.assess(gema(change)).result
    assert effects(result, "unlearn_lyrics", MODEL) == {"uncertain": "established"}
    assert effects(engine.assess(gema()).result, "unlearn_lyrics", MODEL) == {
        "uncertain": "established"}


def _eu_training(d: dict[str, Any]) -> None:
    """GPT-4 trained in Germany on a lawful crawl made before any reservation."""
    d["sources"][0]["terms"] = {"tdm_reserved": False}
    d["acts"].append({"id": "train_gpt4", "kind": "train", "actor": "openai", "date": "2023-01-10",
                      "place": "de", "inputs": ["openai_training_data"], "output": "gpt4",
                      "works": ["gema_lyrics"], "lawful_access": True, "retained": False,
                      "authorised": False, "purpose": "training"})


def test_tdm_scope_for_memorisation_is_a_separate_contested_point(engine: Engine) -> None:
    loaded = gema(_eu_training)
    training_is_tdm = ["eu_tdm_generative_training:training_is_tdm"]
    result = engine.assess(loaded, readings=training_is_tdm).result
    training = finding(result, "EU.COPY/train_gpt4/gema_lyrics")
    assert training.status == "not_established"
    assert defences(training)["tdm_art4"] == "applies"
    gema_reading = training_is_tdm
    got = {}
    for scope in ("analysis_only", "covers_training_outcome"):
        pinned = engine.assess(loaded, readings=[*gema_reading, f"eu_tdm_memorisation:{scope}"])
        got[scope] = finding(pinned.result, MODEL).status
    assert got == {"analysis_only": "established", "covers_training_outcome": "not_established"}


# ------------------------------------------------------------------ reservation timing and later cures

def test_honouring_an_opt_out_later_does_not_cure_the_earlier_copy(engine: Engine) -> None:
    data = crawl(act__retained=True)
    data["mitigations"] = [{"id": "honour", "kind": "opt_out_compliance", "date": "2025-01-01",
                            "targets": ["articles"]},
                           {"id": "purge", "kind": "dataset_deletion", "date": "2025-01-01",
                            "targets": ["corpus"]}]
    result = engine.assess(build(data)).result
    assert finding(result, CRAWL).status == "established"
    assert effects(result, "honour", CRAWL) == {"future": "established"}
    assert effects(result, "purge", CRAWL) == {"future": "established"}
    data["acts"][0]["retained"] = False
    result = engine.assess(build(data)).result
    assert effects(result, "honour", CRAWL) == {"none": "established"}


# ------------------------------------------------------------------ AI Act Art 53

def ai_case(market: str, as_of: str, **model: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["case"]["as_of"] = as_of
    data["models"] = [{"id": "gpai", "name": "GPAI model", "trained_on": ["corpus"], "gpai": True,
                       "eu_market_date": market, "copyright_policy": False,
                       "training_summary": False, **model}]
    data["acts"].append({"id": "gpai_model", "kind": "model", "actor": "dev", "date": market,
                         "place": "de", "output": "gpai", "works": ["articles"]})
    return data


AI = "EU.AI_ACT.ART53/gpai_model/gpai"


def test_ai_act_duties_bind_only_from_2_august_2025(engine: Engine) -> None:
    data = ai_case("2025-03-01", "2025-06-01")
    before = engine.assess(build(data)).result
    assert not [f for f in before.findings if f.doctrine == "EU.AI_ACT.ART53"]
    data = ai_case("2025-09-01", "2026-07-01")
    after = engine.assess(build(data)).result
    f = finding(after, AI)
    assert f.status == "established"
    assert f.subject == "gpai"
    proof = f.explanation.model_dump_json()
    assert "Art 53(1)(c)" in proof and "EU.AI_ACT.ART53.due-new" in proof
    # fines only from 2 Aug 2026
    assert {r.remedy: r.status for r in after.remedies if r.finding == AI} == {
        "fine": "unavailable"}
    later = engine.assess(build(data), as_of=dt.date(2026, 9, 1)).result
    assert {r.remedy: r.status for r in later.remedies if r.finding == AI} == {
        "fine": "available"}


def test_legacy_models_have_until_2_august_2027(engine: Engine) -> None:
    data = ai_case("2024-05-01", "2026-07-01")
    assert finding(engine.assess(build(data)).result, AI).status == "not_established"
    late = engine.assess(build(data), as_of=dt.date(2027, 9, 1)).result
    assert finding(late, AI).status == "established"


def test_compliant_provider_does_not_violate_art53(engine: Engine) -> None:
    data = ai_case("2025-09-01", "2026-07-01", copyright_policy=True, training_summary=True)
    assert finding(engine.assess(build(data)).result, AI).status == "not_established"
    data = ai_case("2025-09-01", "2026-07-01", copyright_policy=True)
    assert finding(engine.assess(build(data)).result, AI).status == "established"


def test_training_outside_the_eu_does_not_defeat_art53(engine: Engine) -> None:
    data = ai_case("2025-09-01", "2026-07-01")
    data["acts"].append({"id": "train_us", "kind": "train", "actor": "dev", "date": "2025-05-01",
                         "place": "us", "inputs": ["corpus"], "output": "gpai"})
    result = engine.assess(build(data)).result
    f = finding(result, AI)
    assert f.status == "established"
    assert defences(f) == {"training_outside_eu": "fails"}
    assert "Recital 106" in f.explanation.model_dump_json()
    # the training itself is outside EU copyright (territoriality)
    assert not [x for x in result.findings if x.act == "train_us" and x.doctrine == "EU.COPY"]


def test_ai_act_mitigations_look_forward_and_depend_on_what_is_missing(engine: Engine) -> None:
    data = ai_case("2025-09-01", "2026-07-01", training_summary=True)
    data["models"].append({"id": "clean", "name": "Retrained model", "gpai": True,
                           "copyright_policy": True, "training_summary": True})
    data["mitigations"] = [
        {"id": "filter", "kind": "output_filter", "date": "2026-01-01", "targets": ["gpai_model"]},
        {"id": "unlearn", "kind": "exact_unlearning", "date": "2026-01-01",
         "targets": ["gpai_model"]},
        {"id": "retrain", "kind": "clean_retrain", "date": "2026-01-01", "targets": ["gpai_model"],
         "replacement": "clean"},
        {"id": "settle", "kind": "settlement_release", "date": "2026-01-01", "grantors": ["press"],
         "targets": ["gpai_model"]},
    ]
    result = engine.assess(build(data)).result
    assert effects(result, "filter", AI) == {"future": "established"}
    assert effects(result, "unlearn", AI) == {"none": "established"}
    assert effects(result, "retrain", AI) == {"future": "established"}
    assert effects(result, "settle", AI) == {"none": "established"}
    # with the policy in place and only the summary missing, a filter does nothing for Art 53
    data["models"][0].update(copyright_policy=True, training_summary=False)
    result = engine.assess(build(data)).result
    assert finding(result, AI).status == "established"
    assert effects(result, "filter", AI) == {"none": "established"}


def test_art53_compliance_is_no_defence_to_national_copyright_claims(engine: Engine) -> None:
    def change(d: dict[str, Any]) -> None:
        for model in d["models"]:
            model.update(gpai=True, eu_market_date="2025-09-01", copyright_policy=True,
                         training_summary=True)
    result = engine.assess(gema(change)).result
    assert finding(result, OUTPUTS).status == "established"
    assert finding(result, MODEL).status == "uncertain"
    assert finding(result, "EU.AI_ACT.ART53/gpt4_model/gpt4").status == "not_established"
