"""The US contract, tort, unjust-enrichment, DMCA and FTC rules against the law, one fix at a time.

Each test starts from a case in which the law decides one way and changes one fact (or pins one
reading), and the docstring names the authority that makes the outcome move. The minimal case is
the scraping case of tests/test_contract_tort.py (BASE): an operator serving its own content
under clickwrap terms chosen to be governed by California law, in a California forum, scraped by
a developer in breach of a no-scraping term, causing the operator a loss.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import test_contract_tort as ct
from casekit import by_id, variant
from ruamel.yaml import YAML

from compliance_engine.assess import Engine
from compliance_engine.case.load import load_case
from compliance_engine.result import Finding, Result

CONTRACT, TRESPASS, CFAA, UCL, ENRICH = ct.CONTRACT, ct.TRESPASS, ct.CFAA, ct.UCL, ct.ENRICH
Change = Callable[[dict[str, Any]], None]
MINE = ("US.CONTRACT", "US.TORT", "US.UNJUST_ENRICHMENT", "US.DMCA.1201", "US.DMCA.1202",
        "US.FTC.ALGO_DISGORGEMENT")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def run(engine: Engine, tmp_path: Path, *changes: Change, readings: list[str] | None = None,
        name: str = "case.yaml") -> Result:
    """The minimal scraping case with ``changes`` applied to its data, in order."""
    data = copy.deepcopy(ct.BASE)
    for change in changes:
        change(data)
    path = tmp_path / name
    with path.open("w") as f:
        YAML().dump(data, f)
    return engine.assess(load_case(path), readings=readings or []).result


def study(engine: Engine, name: str, *changes: Change,
          readings: list[str] | None = None) -> Result:
    def apply(d: dict[str, Any]) -> None:
        for change in changes:
            change(d)
    return engine.assess(variant(name, apply), readings=readings or []).result


def find(result: Result, fid: str) -> Finding | None:
    return next((f for f in result.findings if f.id == fid), None)


def status(result: Result, fid: str) -> str:
    f = find(result, fid)
    assert f is not None, f"no finding {fid}: {[x.id for x in result.findings]}"
    return f.status


def defence(result: Result, fid: str, name: str) -> str:
    f = find(result, fid)
    assert f is not None
    return next(d.status for d in f.defences if d.defence == name)


def defences(result: Result, fid: str) -> dict[str, str]:
    f = find(result, fid)
    assert f is not None
    return {d.defence: d.status for d in f.defences}


def reading_outcomes(result: Result, fid: str, point: str) -> dict[str, str]:
    f = find(result, fid)
    assert f is not None
    return {r.reading: r.status for r in f.readings if r.point == point}


def points(result: Result, fid: str) -> set[str]:
    f = find(result, fid)
    assert f is not None
    return {r.point for r in f.readings}


# --------------------------------------------------------------------------- fact setters

def terms(**values: Any) -> Change:
    return lambda d: d["sources"][0]["terms"].update(values)


def source(**values: Any) -> Change:
    return lambda d: d["sources"][0].update(values)


def scrape(**values: Any) -> Change:
    return lambda d: d["acts"][0].update(values)


def case(**values: Any) -> Change:
    return lambda d: d["case"].update(values)


def drop(record: Callable[[dict[str, Any]], dict[str, Any]], field: str) -> Change:
    return lambda d: record(d).pop(field, None)


def suit(date: str, by: str = "op", **extra: Any) -> Change:
    def add(d: dict[str, Any]) -> None:
        d.setdefault("events", []).append({"id": f"suit_{by}_{date}", "kind": "suit",
                                           "date": date, "by": by, "against": "dev", **extra})
    return add


def alleged(record: str, field: str, by: str = "op") -> Change:
    def add(d: dict[str, Any]) -> None:
        d.setdefault("allegations", []).append(
            {"record": record, "field": field, "by": by, "status": "alleged",
             "source": "Complaint (test), not admitted or found"})
    return add


def proved(d: dict[str, Any]) -> None:
    """Take a case study's pleaded facts as proved."""
    d["allegations"] = []


NO_CONTRACT = terms(tos_assent="none")
TRESPASS_FACTS = scrape(server_impairment=True, circumvented="rate_limit")
GATED_LOGIN = (terms(access_gated=True), scrape(circumvented="login", server_impairment=True))


# =========================================================================== 1. standing

@pytest.mark.parametrize("doctrine", [CONTRACT, TRESPASS, CFAA, UCL, ENRICH])
def test_an_index_operator_holds_no_claim_over_material_hosted_elsewhere(
        engine: Engine, tmp_path: Path, doctrine: str) -> None:
    """Only the operator of the system accessed can sue in trespass (Intel Corp. v. Hamidi, 30
    Cal. 4th 1342 (2003)) or under the CFAA ('any person who suffers damage or loss', 18 U.S.C.
    §1030(g)), and only the counterparty to the terms under which the material was taken can sue
    on them (ProCD, 86 F.3d 1447). A source that only indexes material hosted by others gives its
    operator none of these claims over fetching that material."""
    hosted = run(engine, tmp_path, scrape(server_impairment=True), *GATED_LOGIN)
    assert find(hosted, doctrine) is not None
    index = run(engine, tmp_path, scrape(server_impairment=True), *GATED_LOGIN,
                source(hosts_content=False))
    assert find(index, doctrine) is None


def test_laion_has_no_claim_for_images_downloaded_from_their_hosts(engine: Engine) -> None:
    """Andersen: LAION publishes URL-and-caption lists; the images were fetched from third-party
    hosts with img2dataset. Even if the download is recorded against LAION's source, LAION - which
    hosts none of the images - has no contract, trespass, CFAA, UCL or enrichment claim."""
    def through_laion(d: dict[str, Any]) -> None:
        by_id(d["acts"], "download_images")["source"] = "laion_urls"
        by_id(d["sources"], "laion_urls")["hosts_content"] = False
    result = study(engine, "andersen", through_laion)
    assert not [f.id for f in result.findings if f.subject == "laion_urls"]

    def laion_hosting(d: dict[str, Any]) -> None:     # the counterfactual: LAION's own servers
        through_laion(d)
        by_id(d["sources"], "laion_urls")["hosts_content"] = True
    hosting = study(engine, "andersen", laion_hosting)
    assert any(f.doctrine == "US.TORT.TRESPASS" and f.subject == "laion_urls"
               for f in hosting.findings)


# =========================================================================== 2. elements

def test_breach_without_loss_turns_on_nominal_damages_in_california(engine: Engine,
                                                                   tmp_path: Path) -> None:
    """Damages are an element of breach (Cal. Civ. Code §3300). Whether a breach that caused no
    loss is actionable for nominal damages is contested under California law: Cal. Civ. Code §3360
    and Elation Systems v. Fenn Bridge (Cal. Ct. App. Nov. 22, 2021) say yes; Aguilera v. Pirelli
    Armstrong, 223 F.3d 1010 (9th Cir. 2000) required appreciable and actual damage."""
    assert status(run(engine, tmp_path), CONTRACT) == "established"
    no_loss = run(engine, tmp_path, scrape(counterparty_loss=False))
    assert status(no_loss, CONTRACT) == "uncertain"
    assert reading_outcomes(no_loss, CONTRACT, "contract_nominal_damages") == {
        "nominal_damages_suffice": "established", "actual_damage_required": "not_established"}
    unknown = run(engine, tmp_path, drop(lambda d: d["acts"][0], "counterparty_loss"))
    assert status(unknown, CONTRACT) != "established"


def test_new_york_law_gives_nominal_damages_for_any_breach(engine: Engine,
                                                          tmp_path: Path) -> None:
    """'Nominal damages are always available in breach of contract actions' - Kronos, Inc. v. AVX
    Corp., 81 N.Y.2d 90 (1993): under New York law a breach without loss is actionable."""
    no_loss = (scrape(counterparty_loss=False),)
    assert status(run(engine, tmp_path, *no_loss), CONTRACT) == "uncertain"
    assert status(run(engine, tmp_path, *no_loss, terms(governing_law="us-ny")),
                  CONTRACT) == "established"


def test_liquidated_damages_replace_proof_of_loss(engine: Engine, tmp_path: Path) -> None:
    """Agreed damages are recoverable without proof of loss (Restatement (Second) of Contracts
    §356; Cal. Civ. Code §3300 for the loss otherwise)."""
    no_loss = (scrape(counterparty_loss=False),)
    assert status(run(engine, tmp_path, *no_loss, terms(liquidated_damages=True)),
                  CONTRACT) == "established"


def test_ucl_standing_needs_lost_money_or_property(engine: Engine, tmp_path: Path) -> None:
    """Cal. Bus. & Prof. Code §17204; Kwikset Corp. v. Superior Court, 51 Cal. 4th 310 (2011):
    a private UCL claimant must have lost money or property as a result of the practice."""
    base = (scrape(server_impairment=True),)
    assert status(run(engine, tmp_path, *base), UCL) == "established"
    assert status(run(engine, tmp_path, *base, scrape(lost_money_or_property=False)),
                  UCL) == "not_established"


def test_ucl_restitution_only_of_what_the_claimant_owned(engine: Engine, tmp_path: Path) -> None:
    """Korea Supply Co. v. Lockheed Martin Corp., 29 Cal. 4th 1134 (2003): UCL restitution
    returns money or property in which the plaintiff had an ownership interest; nonrestitutionary
    disgorgement is not available. An operator holding only a licence of its users' content has
    nothing to be restored."""
    base = (scrape(server_impairment=True),)

    def restitution(result: Result) -> str:
        return next(r.status for r in result.remedies
                    if r.finding == UCL and r.remedy == "restitution")
    assert restitution(run(engine, tmp_path, *base)) == "available"
    users_own = run(engine, tmp_path, *base, lambda d: d["works"][0].update(owners=["users"]))
    assert restitution(users_own) == "unavailable"


def test_an_express_contract_on_the_subject_bars_unjust_enrichment(engine: Engine,
                                                                  tmp_path: Path) -> None:
    """Quasi-contract does not lie where an enforceable express contract covers the same subject:
    Paracor Finance v. General Electric Capital Corp., 96 F.3d 1151 (9th Cir. 1996) (California
    law); Clark-Fitzpatrick, Inc. v. Long Island R.R., 70 N.Y.2d 382 (1987)."""
    no_contract = run(engine, tmp_path, NO_CONTRACT, TRESPASS_FACTS)
    assert status(no_contract, ENRICH) == "established"
    contract = run(engine, tmp_path, NO_CONTRACT, TRESPASS_FACTS, terms(tos_assent="clickwrap"))
    assert status(contract, ENRICH) == "not_established"
    assert defence(contract, ENRICH, "express_contract") == "applies"


# =========================================================================== 3. choice of law

def test_the_ucl_applies_only_where_california_law_governs(engine: Engine,
                                                          tmp_path: Path) -> None:
    """The UCL is California law. A governing-law clause covers the parties' related tort and
    statutory claims (Nedlloyd Lines B.V. v. Superior Court, 3 Cal. 4th 459 (1992)); terms choosing
    New York law leave no UCL claim, whatever the place of the act."""
    base = (scrape(server_impairment=True),)
    assert find(run(engine, tmp_path, *base), UCL) is not None
    assert find(run(engine, tmp_path, *base, terms(governing_law="us-ny")), UCL) is None


def hot_news(d: dict[str, Any]) -> None:
    """Time-sensitive news from the site, and a commercial output free-riding on it."""
    d["sources"][0]["time_sensitive"] = True
    d["works"].append({"id": "news", "kind": "article", "owners": ["op"], "sources": ["site"],
                       "protected": True, "registered": True,
                       "registered_before_infringement": True, "compilation": False})
    d["acts"].append({"id": "out", "kind": "output", "actor": "dev", "date": "2024-01-01",
                      "place": "us", "method": "generate", "inputs": ["m"],
                      "works": ["news"], "commercial": True, "authorised": False,
                      "free_rides": True, "threatens_incentive": True})


def test_without_agreed_terms_the_forum_law_governs_the_torts(engine: Engine,
                                                             tmp_path: Path) -> None:
    """Without a clause binding the parties, a federal court applies the forum state's choice of
    law (Klaxon Co. v. Stentor Electric Mfg. Co., 313 U.S. 487 (1941)), which in California
    applies its own law unless a foreign state's interest requires otherwise (Hurtado v. Superior
    Court, 11 Cal. 3d 574 (1974)). A New York forum gives no California UCL claim."""
    base = (NO_CONTRACT, TRESPASS_FACTS)
    assert find(run(engine, tmp_path, *base), UCL) is not None
    assert find(run(engine, tmp_path, *base, case(forum="us-ny")), UCL) is None


def test_hot_news_is_new_york_law(engine: Engine, tmp_path: Path) -> None:
    """Hot-news misappropriation survives §301 only in its narrow New York form (NBA v. Motorola,
    105 F.3d 841 (2d Cir. 1997); Barclays Capital v. Theflyonthewall.com, 650 F.3d 876 (2d Cir.
    2011)); it is not raised for every US output."""
    hot = "US.TORT.HOT_NEWS/out/news"
    assert status(run(engine, tmp_path, hot_news, case(forum="us-ny")), hot) == "established"
    assert find(run(engine, tmp_path, hot_news), hot) is None      # California forum


def test_contract_law_follows_the_terms_not_the_place_of_the_act(engine: Engine,
                                                                tmp_path: Path) -> None:
    """A contract claim is governed by the law the terms choose (Nedlloyd): terms choosing
    California law bind a scraper acting abroad, and terms choosing English law take the claim
    outside US contract law even for an act in the US."""
    assert status(run(engine, tmp_path, scrape(place="uk")), CONTRACT) == "established"
    assert find(run(engine, tmp_path, terms(governing_law="uk")), CONTRACT) is None


def test_unknown_governing_law_is_an_unknown_fact(engine: Engine, tmp_path: Path) -> None:
    """The governing law is a fact the claimant must show; left out, the contract finding needs
    it (unknown is not false)."""
    result = run(engine, tmp_path, drop(lambda d: d["sources"][0]["terms"], "governing_law"))
    assert status(result, CONTRACT) == "needs_facts"
    f = find(result, CONTRACT)
    assert f is not None and any("governing_law" in m.fact for m in f.missing_facts)


def test_the_forum_choice_of_law_governs_terms_without_a_clause(engine: Engine,
                                                               tmp_path: Path) -> None:
    """Terms with no governing-law clause (MIT, GPL) are governed by the law the forum's
    choice-of-law rules select (Klaxon); stating it decides the claim."""
    no_clause = drop(lambda d: d["sources"][0]["terms"], "governing_law")
    assert status(run(engine, tmp_path, no_clause, terms(law_without_clause="us-ca")),
                  CONTRACT) == "established"


# =========================================================================== 4. §301 per promise

def test_a_promise_not_to_train_has_an_extra_element(engine: Engine, tmp_path: Path) -> None:
    """A restriction on use is an extra element (National Car Rental v. Computer Associates, 991
    F.2d 426 (8th Cir. 1993); in the Ninth Circuit, Altera v. Clear Logic, 424 F.3d 1079 (2005)):
    a promise not to train survives §301 where a bare promise not to copy is contested (ML Genius,
    2d Cir. 2022, summary order)."""
    ninth = (case(us_circuit="9th"),)
    assert status(run(engine, tmp_path, *ninth), CONTRACT) == "uncertain"
    assert status(run(engine, tmp_path, *ninth, terms(prohibits_training=True)),
                  CONTRACT) == "established"


def test_the_eighth_circuit_binds_on_use_restrictions(engine: Engine, tmp_path: Path) -> None:
    """National Car Rental (8th Cir. 1993) binds: a contractual restriction on use (here on
    commercial use) is not preempted."""
    eighth = (case(us_circuit="8th"),)
    assert status(run(engine, tmp_path, *eighth), CONTRACT) == "uncertain"
    assert status(run(engine, tmp_path, *eighth, terms(prohibits_commercial_use=True)),
                  CONTRACT) == "established"


def test_procd_binds_only_in_the_seventh_circuit(engine: Engine, tmp_path: Path) -> None:
    """ProCD v. Zeidenberg, 86 F.3d 1447 (7th Cir. 1996) binds the Seventh Circuit; the Sixth
    (Wrench v. Taco Bell, 256 F.3d 446 (2001), a promise to pay) has not decided a bare promise not
    to copy, so there the circuit split is open."""
    assert status(run(engine, tmp_path), CONTRACT) == "established"
    sixth = run(engine, tmp_path, case(us_circuit="6th"))
    assert status(sixth, CONTRACT) == "uncertain"
    assert set(reading_outcomes(sixth, CONTRACT, "tos_preemption")) == {
        "not_equivalent", "copying_only_preempted", "conflict_preempted"}


def test_a_promise_to_pay_binds_in_the_second_circuit(engine: Engine, tmp_path: Path) -> None:
    """Forest Park Pictures v. Universal Television, 683 F.3d 424 (2d Cir. 2012): a promise to pay
    is an extra element; ML Genius (a summary order) does not bind."""
    second = (case(us_circuit="2d"),)
    assert status(run(engine, tmp_path, *second), CONTRACT) == "uncertain"
    assert status(run(engine, tmp_path, *second, terms(promise_beyond_copying=True)),
                  CONTRACT) == "established"


# =========================================================================== 5. limitation

def test_cfaa_two_years_from_the_act_or_the_discovery_of_the_damage(engine: Engine,
                                                                   tmp_path: Path) -> None:
    """18 U.S.C. §1030(g): 'within 2 years of the date of the act complained of or the date of
    the discovery of the damage'."""
    base = (*GATED_LOGIN, scrape(discovered="2023-01-15"))
    assert status(run(engine, tmp_path, *base, suit("2024-06-01")), CFAA) == "established"
    late = run(engine, tmp_path, *base, suit("2026-01-15"))
    assert defence(late, CFAA, "limitations") == "applies"
    assert status(late, CFAA) == "not_established"
    discovered_later = run(engine, tmp_path, *base, suit("2026-01-15"),
                           scrape(discovered="2024-06-01"))
    assert defence(discovered_later, CFAA, "limitations") == "fails"
    unknown = run(engine, tmp_path, *base, suit("2026-01-15"),
                  drop(lambda d: d["acts"][0], "discovered"))
    assert defence(unknown, CFAA, "limitations") in ("needs_facts", "uncertain")


def test_california_four_years_new_york_six_for_written_contracts(engine: Engine,
                                                                 tmp_path: Path) -> None:
    """Cal. Code Civ. Proc. §337(a): four years on a written contract; N.Y. C.P.L.R. 213(2): six
    years, from the breach (Ely-Cruikshank v. Bank of Montreal, 81 N.Y.2d 399 (1993))."""
    late = (scrape(discovered="2023-01-10"), suit("2027-06-01"))
    california = run(engine, tmp_path, *late)
    assert defence(california, CONTRACT, "limitations") == "applies"
    new_york = run(engine, tmp_path, *late, terms(governing_law="us-ny"))
    assert "limitations" not in defences(new_york, CONTRACT)
    assert status(new_york, CONTRACT) == "established"


def test_a_course_of_conduct_is_timely_for_its_later_part(engine: Engine,
                                                         tmp_path: Path) -> None:
    """Each recurrence of a continuing wrong starts its own period (Aryeh v. Canon Business
    Solutions, 55 Cal. 4th 1185 (2013); Petrella v. MGM, 572 U.S. 663 (2014))."""
    late = (scrape(discovered="2023-01-10"), suit("2027-06-01"))
    assert defence(run(engine, tmp_path, *late), CONTRACT, "limitations") == "applies"
    continued = run(engine, tmp_path, *late, scrape(last_date="2024-01-01"))
    assert defence(continued, CONTRACT, "limitations") == "fails"


def test_trespass_three_years_in_california_with_the_discovery_rule(engine: Engine,
                                                                   tmp_path: Path) -> None:
    """Cal. Code Civ. Proc. §338(c)(1): three years for injuring chattels; California's discovery
    rule runs the period from when the plaintiff suspected the wrong (Jolly v. Eli Lilly, 44 Cal.
    3d 1103 (1988))."""
    base = (scrape(server_impairment=True), suit("2026-06-01"))
    early = run(engine, tmp_path, *base, scrape(discovered="2023-02-01"))
    assert defence(early, TRESPASS, "limitations") == "applies"
    later = run(engine, tmp_path, *base, scrape(discovered="2023-09-01"))
    assert defence(later, TRESPASS, "limitations") == "fails"


def test_dmca_three_years_and_american_pipe_tolling(engine: Engine) -> None:
    """17 U.S.C. §507(b): three years for civil actions under title 17, §1203 included. A class
    action filed over the act suspends the period for the class members (American Pipe &
    Construction Co. v. Utah, 414 U.S. 538 (1974))."""
    def stale(d: dict[str, Any]) -> None:
        by_id(d["acts"], "scrape_strip_cmi")["discovered"] = "2021-02-01"
    fid = "US.DMCA.1202/scrape_strip_cmi/intercept_articles"
    pins = ["dmca_standing:property_harm", "dmca_fair_use_cmi:removal_actionable"]
    barred = study(engine, "dmca_news", proved, stale, readings=pins)
    assert defence(barred, fid, "limitations") == "applies"

    def class_suit(d: dict[str, Any]) -> None:
        d["parties"].append({"id": "news_class", "name": "Putative class of publishers",
                             "kind": "class", "roles": ["claimant"]})
        d["events"].append({"id": "class_suit", "kind": "suit", "date": "2023-06-01",
                            "by": "news_class", "against": "openai",
                            "targets": ["scrape_strip_cmi"]})
    tolled = study(engine, "dmca_news", proved, stale, class_suit, readings=pins)
    assert defence(tolled, fid, "limitations") == "fails"


# =========================================================================== 6. allegations

def test_an_alleged_breach_is_not_a_found_one(engine: Engine, tmp_path: Path) -> None:
    """A complaint states allegations, not findings: a breach resting on an unadmitted allegation
    that the scraping was unlicensed is uncertain, one outcome as alleged and one not proved."""
    assert status(run(engine, tmp_path), CONTRACT) == "established"
    pleaded = run(engine, tmp_path, alleged("scrape", "authorised"))
    assert status(pleaded, CONTRACT) == "uncertain"
    assert any(p.startswith("allegation:") for p in points(pleaded, CONTRACT))


def test_doe_github_1202_is_uncertain_while_removal_is_only_alleged(engine: Engine) -> None:
    """Doe v. GitHub is at the pleading stage: CMI removal is the developers' allegation
    (complaint of 3 Nov 2022). Outside the Ninth Circuit's identicality question, a proved
    removal establishes §1202(b); an alleged one leaves it uncertain."""
    fid = "US.DMCA.1202/copilot_suggestions/licensed_code"

    def second_circuit(d: dict[str, Any]) -> None:
        d["case"]["us_circuit"] = "2d"
    assert status(study(engine, "doe_github", proved, second_circuit), fid) == "established"

    def alleged_removal(d: dict[str, Any]) -> None:
        d["allegations"].append({"record": "copilot_suggestions", "field": "cmi_removed",
                                 "by": "developers", "status": "alleged",
                                 "source": "Complaint (N.D. Cal. 3 Nov 2022)"})
    pleaded = study(engine, "doe_github", proved, second_circuit, alleged_removal)
    assert status(pleaded, fid) == "uncertain"


def test_reddit_trespass_is_uncertain_while_impairment_is_only_alleged(engine: Engine) -> None:
    """Reddit pleads more than 100,000 unauthorised calls and server cost; impairment is an
    element (Intel v. Hamidi). Proved, the trespass stands; alleged, it is uncertain."""
    def reddit_facts(d: dict[str, Any]) -> None:
        src = by_id(d["sources"], "reddit")
        src["hosts_content"] = True
        src["terms"].update({"governing_law": "us-ca", "tos_notice": True})
    fid = "US.TORT.TRESPASS/scrape_reddit/reddit"
    assert status(study(engine, "reddit", proved, reddit_facts), fid) == "established"

    def alleged_impairment(d: dict[str, Any]) -> None:
        d["allegations"].append({"record": "scrape_reddit", "field": "server_impairment",
                                 "by": "reddit_inc", "status": "alleged",
                                 "source": "Complaint (S.F. Super. Ct. 4 Jun 2025)"})
    assert status(study(engine, "reddit", proved, reddit_facts, alleged_impairment),
                  fid) == "uncertain"


# =========================================================================== 7. DMCA

def test_fair_use_and_1202_is_a_contested_point(engine: Engine) -> None:
    """Kadrey v. Meta (N.D. Cal. June 27, 2025): fair use of the copying defeats §1202(b)(1). The
    statute asks what the defendant knew of the removal's probable effect on 'an infringement'
    (17 U.S.C. §1202(b)(1); Stevens v. CoreLogic, 899 F.3d 666 (9th Cir. 2018)); no appellate court
    has decided it, so each reading is reported."""
    fid = "US.DMCA.1202/train_llama/plaintiffs_books"
    kadrey = study(engine, "kadrey", proved, readings=["dmca_standing:property_harm"])
    assert "dmca_fair_use_cmi" in points(kadrey, fid)
    pinned = study(engine, "kadrey", proved, readings=["dmca_standing:property_harm",
                                                       "dmca_fair_use_cmi:fair_use_defeats"])
    assert status(pinned, fid) == "not_established"
    other = study(engine, "kadrey", proved, readings=["dmca_standing:property_harm",
                                                      "dmca_fair_use_cmi:removal_actionable"])
    assert status(other, fid) != "not_established"


def test_the_1201_nexus_split_is_decided_in_the_ninth_circuit(engine: Engine) -> None:
    """Chamberlain v. Skylink, 381 F.3d 1178 (Fed. Cir. 2004) requires a nexus to infringement;
    MDY v. Blizzard, 629 F.3d 928 (9th Cir. 2010) does not. In the First Circuit (Suno) the point
    is open; in the Ninth, MDY binds."""
    fid = "US.DMCA.1201/stream_rip/umg_recordings"

    def paywall(d: dict[str, Any]) -> None:
        by_id(d["acts"], "stream_rip")["circumvented"] = "paywall"
    first = study(engine, "suno", proved, paywall)
    assert "dmca_1201_nexus" in points(first, fid)

    def ninth(d: dict[str, Any]) -> None:
        d["case"]["us_circuit"] = "9th"
    ninth_result = study(engine, "suno", proved, paywall, ninth)
    assert "dmca_1201_nexus" not in points(ninth_result, fid)
    assert defence(ninth_result, fid, "no_infringement_nexus") == "fails"


def test_the_rolling_cipher_readings_cite_yout(engine: Engine) -> None:
    """Yout, LLC v. RIAA, 633 F. Supp. 3d 650 (D. Conn. 2022) held YouTube's measure an effective
    technological measure controlling access; the other reading rests on the statute's
    access/copy-control distinction (17 U.S.C. §1201(a)(3)(B), (b))."""
    point = engine.rulebook.points["rolling_cipher"]
    cites = {r.name: " ".join(a.cite for a in r.authorities) for r in point.readings}
    assert "633 F. Supp. 3d 650" in cites["access_control"]
    assert "17 U.S.C. §1201" in cites["copy_control"]


# =========================================================================== 8. citations

def _my_rules(engine: Engine) -> list[Any]:
    return [r for r in engine.rulebook.rules if r.module in MINE]


def test_no_provisional_or_project_citations_in_these_modules(engine: Engine) -> None:
    """Rules cite primary sources from the registry, never the research notes (rulebook CE217)."""
    for rule in _my_rules(engine):
        for a in rule.decl.authorities:
            assert not a.ref.startswith("tmp-"), (rule.id, a.ref)
            assert not re.search(r"legal-kb|DESIGN", a.cite or ""), (rule.id, a.ref)


def test_only_statutes_and_binding_precedent_are_settled(engine: Engine) -> None:
    """District courts, summary orders, consent orders and foreign decisions are never settled;
    Liu v. SEC (SEC disgorgement) is never settled for common-law unjust enrichment."""
    for rule in _my_rules(engine):
        for a in rule.decl.authorities:
            if a.grade == "settled":
                assert a.kind in ("statute", "regulation", "binding_precedent"), (rule.id, a.ref)
            if a.ref == "liu-sec-2020":
                assert a.grade != "settled", rule.id


def test_misattributed_authorities_are_corrected(engine: Engine) -> None:
    """Meta v. Bright Data held logged-off scraping outside Meta's terms - not authority for
    notice by termination or for the CFAA; hiQ v. LinkedIn (9th Cir. 2022) is CFAA authority, not
    authority for cease-and-desist assent (Register.com v. Verio, 356 F.3d 393 (2d Cir. 2004)
    is); the FTC's Ring matter is FTC v. Ring LLC, No. 1:23-cv-01549 (D.D.C.); Van Buren and
    Barclays carry their reporters; the copyright statute is not cited for trespass, CFAA, UCL or
    FTC conclusions."""
    by_id_ = {r.id: r for r in _my_rules(engine)}

    def refs(rule_id: str) -> set[str]:
        return {a.ref for a in by_id_[rule_id].decl.authorities}
    assert "meta-bright-data-2024" not in refs("US.CONTRACT.notice-termination")
    assert "meta-bright-data-2024" not in refs("US.TORT.cfaa-elements")
    assert "hiq-linkedin-2022" not in refs("US.CONTRACT.notice-cease-and-desist")
    assert "register-com-2004" in refs("US.CONTRACT.notice-cease-and-desist")
    cites = {a.ref: a.cite for r in _my_rules(engine) for a in r.decl.authorities}
    assert "593 U.S. 374" in cites["van-buren-2021"]
    assert "650 F.3d 876" in cites["barclays-2011"]
    assert cites["ftc-ring-2023"].startswith("FTC v. Ring LLC, No. 1:23-cv-01549 (D.D.C.)")
    for rule in _my_rules(engine):
        if rule.module in ("US.TORT", "US.FTC.ALGO_DISGORGEMENT") and \
                "hot-news" not in rule.id and "HOT_NEWS" not in rule.decl.rule:
            assert not any((a.cite or "").startswith("17 U.S.C.")
                           for a in rule.decl.authorities), rule.id


# =========================================================================== 9. matrix rows

def effects(result: Result, mitigation: str, fid: str) -> set[str]:
    return {e.effect for m in result.mitigations if m.id == mitigation
            for e in m.effects if e.finding == fid and e.status == "established"}


MITIGATIONS = [
    {"id": "unlearn", "kind": "approximate_unlearning", "date": "2024-07-01"},
    {"id": "filter", "kind": "output_filter", "date": "2024-07-01"},
    {"id": "delete", "kind": "dataset_deletion", "date": "2024-07-01"},
    {"id": "retrain", "kind": "clean_retrain", "date": "2024-07-01"},
    {"id": "waiver", "kind": "retroactive_license", "date": "2024-07-01", "grantors": ["op"],
     "releases_past_use": True},
    {"id": "release", "kind": "settlement_release", "date": "2024-07-01", "grantors": ["op"],
     "covers_outputs": True, "court_approval": "not_required"},
]


def with_mitigations(d: dict[str, Any]) -> None:
    d["mitigations"] = copy.deepcopy(MITIGATIONS)


def test_matrix_trespass_and_cfaa_rows(engine: Engine, tmp_path: Path) -> None:
    """legal-kb §4: Trespass / CFAA - M1-M5 NONE (complete at access), M6 CURE if the operator
    consents, M7 CURE in scope (the operator's release)."""
    result = run(engine, tmp_path, *GATED_LOGIN, with_mitigations)
    for fid in (TRESPASS, CFAA):
        assert status(result, fid) == "established"
        for m in ("unlearn", "filter", "delete", "retrain"):
            assert effects(result, m, fid) == {"none"}, (fid, m)
        assert "cure" in effects(result, "waiver", fid)
        assert "cure" in effects(result, "release", fid)


def test_matrix_unjust_enrichment_row(engine: Engine, tmp_path: Path) -> None:
    """legal-kb §4: Unjust enrichment - M1-M4 NONE (gains already made), M5 FUTURE (stops new
    gains), M6/M7 CURE per scope."""
    result = run(engine, tmp_path, NO_CONTRACT, TRESPASS_FACTS, with_mitigations)
    assert status(result, ENRICH) == "established"
    for m in ("unlearn", "filter", "delete"):
        assert effects(result, m, ENRICH) == {"none"}, m
    assert effects(result, "retrain", ENRICH) == {"future"}
    assert "cure" in effects(result, "release", ENRICH)


def test_matrix_hot_news_row(engine: Engine, tmp_path: Path) -> None:
    """legal-kb §4: Hot news - M1, M2, M4 NONE; M3 FUTURE (stop emitting the time-sensitive
    content); M5 FUTURE; M7 CURE in scope. The wrong is the competing use of the news (NBA v.
    Motorola), so only measures on further outputs act on it, and only going forward."""
    def news(d: dict[str, Any]) -> None:
        d["case"]["forum"] = "us-ny"
        hot_news(d)
    hot = "US.TORT.HOT_NEWS/out/news"
    result = run(engine, tmp_path, news, with_mitigations)
    assert status(result, hot) == "established"
    for m in ("unlearn", "delete"):
        assert effects(result, m, hot) == {"none"}, m
    assert effects(result, "filter", hot) == {"future"}
    assert effects(result, "retrain", hot) == {"future"}
    assert "cure" in effects(result, "release", hot)
