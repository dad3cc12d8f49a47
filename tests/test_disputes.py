"""Facts the sources give differently (legal-kb §6.18): each version is a reading of the record,
and a conclusion that turns on it is ``uncertain`` with one reading per source."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from compliance_engine.assess import Engine
from compliance_engine.case.load import LoadedCase, load_case
from compliance_engine.case.model import Case, DanglingReference

from agreement import compare

BARTZ = Path(__file__).resolve().parents[1] / "case_studies" / "bartz" / "case.yaml"
LIBGEN = "US.COPY.REPRO/acq_libgen/class_works"
VERSIONS = [{"value": "2021-06-01", "source": "Report A (2025)"},
            {"value": "2025-09-01", "source": "Report B (2026)"}]


def disputed(dispute: dict[str, Any], drop: str | None = "date") -> LoadedCase:
    loaded = load_case(BARTZ)
    data = loaded.case.model_dump(mode="json", exclude_none=True)
    act = next(a for a in data["acts"] if a["id"] == "acq_libgen")
    if drop:
        act.pop(drop)
    # the record does not say when the authors learned of the 2021 download, so the limitation
    # period is open on it (17 U.S.C. §507(b), discovery rule); these tests are about the
    # dispute, so the download is taken as discovered within three years of the suit
    act["discovered"] = "2023-09-01"
    # the record leaves the final approval of the class settlement open; these tests are about
    # the dispute, so the settlement is taken as finally approved (Fed. R. Civ. P. 23(e))
    next(m for m in data["mitigations"] if m["id"] == "settlement")["court_approval"] = "final"
    data["disputes"] = [dispute]
    case = Case.model_validate(data)
    case.check_references()
    return dataclasses.replace(loaded, case=case)


def settlement_cure(engine: Engine, loaded: LoadedCase, backend: str = "clingo") -> Any:
    result = engine.assess(loaded, engine=backend).result
    return next(e for m in result.mitigations if m.id == "settlement" for e in m.effects
                if e.finding == LIBGEN and e.effect == "cure")


def test_a_disputed_act_date_makes_the_release_uncertain_per_source(engine: Engine) -> None:
    """The release covers conduct to 2025-08-25: one source's date falls inside, the other's
    after it, so whether the settlement cures is uncertain, each source read as a reading."""
    loaded = disputed({"record": "acq_libgen", "field": "date", "versions": VERSIONS})
    cure = settlement_cure(engine, loaded)
    assert cure.status == "uncertain"
    assert [(r.reading, r.status) for r in cure.readings] == [
        ("Report A (2025): 2021-06-01", "established"),
        ("Report B (2026): 2025-09-01", "not_established")]
    assert cure.readings[0].point == "dispute:acts[1].date"
    assert cure.readings[0].authorities[0].cite == "Report A (2025)"
    assert cure.missing_facts == []


def test_both_backends_read_the_dispute_alike(engine: Engine) -> None:
    """Compared as the agreement tests compare a case study too large for the reference
    backend: readings pinned, as few other unknowns stated as bring it within its limit; the
    dispute itself stays open."""
    loaded = disputed({"record": "acq_libgen", "field": "date", "versions": VERSIONS})
    result, _ = compare(loaded, engine)
    cure = next(e for m in result["mitigations"] if m["id"] == "settlement"
                for e in m["effects"] if e["finding"] == LIBGEN and e["effect"] == "cure")
    assert cure["status"] == "uncertain"
    assert {r["point"] for r in cure["readings"]} == {"dispute:acts[1].date"}


def test_a_dispute_whose_versions_agree_on_the_outcome_decides_it(engine: Engine) -> None:
    agreeing = [{"value": "2021-06-01", "source": "Report A"},
                {"value": "2021-07-01", "source": "Report B"}]
    loaded = disputed({"record": "acq_libgen", "field": "date", "versions": agreeing})
    assert settlement_cure(engine, loaded).status == "established"


def test_a_disputed_boolean(engine: Engine) -> None:
    versions = [{"value": True, "source": "Order"}, {"value": False, "source": "Answer"}]
    loaded = disputed({"record": "acq_libgen", "field": "authorised", "versions": versions},
                      drop="authorised")
    finding = next(f for f in engine.assess(loaded).result.findings if f.id == LIBGEN)
    assert finding.status == "uncertain"
    assert {r.reading: r.status for r in finding.readings} == {
        "Order: true": "not_established", "Answer: false": "established"}


@pytest.mark.parametrize(("dispute", "drop", "message"), [
    ({"record": "nobody", "field": "date", "versions": VERSIONS}, "date", "unknown id 'nobody'"),
    ({"record": "acq_libgen", "field": "description", "versions": VERSIONS}, "date",
     "'description' is not a fact field"),
    ({"record": "acq_libgen", "field": "date", "versions": VERSIONS}, None,
     "states date and disputes it"),
    ({"record": "acq_libgen", "field": "date",
      "versions": [{"value": "yesterday", "source": "A"}, {"value": "2021-01-01", "source": "B"}]},
     "date", "date"),
])
def test_bad_disputes_are_errors(dispute: dict[str, Any], drop: str | None,
                                 message: str) -> None:
    with pytest.raises(DanglingReference) as info:
        disputed(dispute, drop)
    assert message in info.value.message
    assert info.value.path[0] == "disputes"
