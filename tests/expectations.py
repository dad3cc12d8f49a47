"""Legal expectations: what the law decides for a case, checked against a result.

An expectation file (``case_studies/<case>/expected.yaml``, or a list built by a test) holds
``expectations:``, each a mapping with an ``id``, a ``because`` naming the holding, statute or
research-note section it follows, and one of these shapes:

* ``finding`` + ``status`` / ``status_in`` [+ ``defences``, ``readings``, ``missing_facts``]
* ``mitigation`` + ``finding`` + ``effects`` / ``not_effects`` [+ ``effect_status``]
* ``answer: {mitigation: answer or [answers]}``
* ``remedy`` + ``finding`` + ``status`` / ``status_in`` [+ ``reaches_model``, ``changed_by``]
* ``absent: {doctrine, act?, subject?}``: no such finding
* ``present: {doctrine, act?, subject?}``: some such finding

An expectation states only what its source decides; everything else about the result is free.
``disagreement: KD-n`` marks one the engine does not meet, recorded with the authority on each
side in ``docs/known-disagreements.md``: it runs as an expected failure.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from compliance_engine.result import Finding, Result

__all__ = ["DISAGREEMENTS", "check", "load_expectations", "known_disagreements"]

DISAGREEMENTS = Path(__file__).resolve().parents[1] / "docs" / "known-disagreements.md"

_SHAPES = ("finding", "answer", "absent", "present")
_KEYS = {"id", "because", "disagreement", "finding", "status", "status_in", "defences",
         "readings", "missing_facts", "mitigation", "effects", "not_effects", "effect_status",
         "answer", "remedy", "reaches_model", "changed_by", "absent", "present", "note"}


def load_expectations(path: Path) -> list[dict[str, Any]]:
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
    items = data.get("expectations") or []
    seen: set[str] = set()
    for item in items:
        assert isinstance(item, dict) and item.get("id"), f"{path}: expectation without id"
        assert item["id"] not in seen, f"{path}: duplicate expectation id {item['id']}"
        seen.add(item["id"])
        assert str(item.get("because", "")).strip(), f"{path}: {item['id']} has no because:"
        assert set(item) <= _KEYS, f"{path}: {item['id']}: unknown keys {set(item) - _KEYS}"
        assert any(k in item for k in _SHAPES), f"{path}: {item['id']}: nothing to check"
    return items


def known_disagreements() -> dict[str, str]:
    """``KD-n`` → the text of its entry in docs/known-disagreements.md."""
    text = DISAGREEMENTS.read_text(encoding="utf-8") if DISAGREEMENTS.is_file() else ""
    out: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("## KD-"):
            current = line[3:].split(":")[0].strip()
            out[current] = ""
        elif current:
            out[current] += line + "\n"
    return out


def _allowed(item: Mapping[str, Any], single: str = "status",
             many: str = "status_in") -> list[Any]:
    if single in item:
        return [item[single]]
    return list(item.get(many) or [])


def _finding(result: Result, finding_id: str) -> Finding:
    for finding in result.findings:
        if finding.id == finding_id:
            return finding
    ids = ", ".join(sorted(f.id for f in result.findings)) or "(none)"
    raise AssertionError(f"no finding {finding_id}; the result has: {ids}")


def _matches(finding: Finding, pattern: Mapping[str, str]) -> bool:
    return all(getattr(finding, field) == value for field, value in
               (("doctrine", pattern.get("doctrine")), ("act", pattern.get("act")),
                ("subject", pattern.get("subject"))) if value is not None)


def check(result: Result, item: Mapping[str, Any]) -> None:
    """Raise AssertionError, saying what differs, if the result does not meet the expectation."""
    why = f"[{item['id']}] because: {' '.join(str(item['because']).split())}"
    if "absent" in item:
        found = [f.id for f in result.findings if _matches(f, item["absent"])]
        assert not found, f"{why}\n  expected no finding like {item['absent']}, found {found}"
        return
    if "present" in item:
        assert any(_matches(f, item["present"]) for f in result.findings), \
            f"{why}\n  expected a finding like {item['present']}"
        return
    if "answer" in item:
        answers = {a.mitigation: a.answer for a in result.answer}
        for mitigation, allowed in item["answer"].items():
            allowed = allowed if isinstance(allowed, list) else [allowed]
            assert answers.get(mitigation) in allowed, \
                f"{why}\n  answer for {mitigation}: {answers.get(mitigation)}, expected {allowed}"
        return
    finding = _finding(result, item["finding"])
    if "mitigation" in item:
        _check_effects(result, finding, item, why)
    elif "remedy" in item:
        _check_remedy(result, finding, item, why)
    else:
        _check_finding(finding, item, why)


def _check_finding(finding: Finding, item: Mapping[str, Any], why: str) -> None:
    allowed = _allowed(item)
    if allowed:
        assert finding.status in allowed, \
            f"{why}\n  {finding.id}: status {finding.status}, expected {' or '.join(allowed)}"
    defences = {d.defence: d.status for d in finding.defences}
    for name, status in (item.get("defences") or {}).items():
        statuses = status if isinstance(status, list) else [status]
        assert defences.get(name) in statuses, \
            f"{why}\n  {finding.id}: defence {name} is {defences.get(name)}, expected {statuses}"
    readings = {r.reading: r.status for r in finding.readings}
    for name, status in (item.get("readings") or {}).items():
        statuses = status if isinstance(status, list) else [status]
        assert readings.get(name) in statuses, \
            f"{why}\n  {finding.id}: under reading {name}: {readings.get(name)}, " \
            f"expected {statuses} (readings: {readings})"
    missing = {m.fact.split(":")[0] for m in finding.missing_facts}
    missing |= {m.fact.split(":")[0] for d in finding.defences for m in d.missing_facts}
    for field in item.get("missing_facts") or []:
        assert field in missing, \
            f"{why}\n  {finding.id}: does not turn on {field}; it turns on {sorted(missing)}"


def _check_effects(result: Result, finding: Finding, item: Mapping[str, Any], why: str) -> None:
    mitigation = next((m for m in result.mitigations if m.id == item["mitigation"]), None)
    assert mitigation is not None, f"{why}\n  no mitigation {item['mitigation']}"
    effects = [e for e in mitigation.effects if e.finding == finding.id]
    codes = {e.effect for e in effects}
    for code in item.get("effects") or []:
        assert code in codes, \
            f"{why}\n  {mitigation.id} on {finding.id}: effects {sorted(codes) or 'none offered'}" \
            f", expected {code}"
    for code in item.get("not_effects") or []:
        assert code not in codes, \
            f"{why}\n  {mitigation.id} on {finding.id}: has effect {code}, which it must not"
    named = [e for e in effects if e.effect in (item.get("effects") or [])]
    if "effect_status" in item:
        wanted = item["effect_status"]
        wanted = wanted if isinstance(wanted, list) else [wanted]
        for effect in named:
            assert effect.status in wanted, \
                f"{why}\n  {mitigation.id} on {finding.id}: {effect.effect} is " \
                f"{effect.status}, expected {wanted}"
    missing = {m.fact.split(":")[0] for e in named for m in e.missing_facts}
    for field in item.get("missing_facts") or []:
        assert field in missing, \
            f"{why}\n  {mitigation.id} on {finding.id}: the effect does not turn on {field}; " \
            f"it turns on {sorted(missing)}"


def _check_remedy(result: Result, finding: Finding, item: Mapping[str, Any], why: str) -> None:
    remedy = next((r for r in result.remedies
                   if r.finding == finding.id and r.remedy == item["remedy"]), None)
    allowed = _allowed(item)
    if remedy is None:
        assert not allowed or "not_considered" in allowed, \
            f"{why}\n  {item['remedy']} is not considered for {finding.id}"
        return
    if allowed:
        assert remedy.status in allowed, \
            f"{why}\n  {item['remedy']} for {finding.id}: {remedy.status}, expected {allowed}"
    if "reaches_model" in item:
        assert remedy.reaches_model_status == ("yes" if item["reaches_model"] is True else
                                               "no" if item["reaches_model"] is False
                                               else item["reaches_model"]), \
            f"{why}\n  {item['remedy']} for {finding.id}: reaches the model " \
            f"{remedy.reaches_model_status}, expected {item['reaches_model']}"
    for mitigation in item.get("changed_by") or []:
        assert mitigation in remedy.changed_by, \
            f"{why}\n  {item['remedy']} for {finding.id}: changed by {remedy.changed_by}, " \
            f"expected {mitigation}"
