"""The text report: the JSON result (DESIGN §3) laid out for counsel to read and check.

Every line comes from the :class:`Result`, in its order, so identical results give identical
reports.  Nothing is wrapped and no colour is used; proof trees are drawn with box characters.
Control characters from case and rule text (escape sequences, carriage returns, bidirectional
overrides, newlines inside a value) are shown escaped (``\x1b``), so the report cannot drive the
terminal it is printed on; the JSON result keeps the exact values.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from .result import (
    AuthorityRef,
    Effect,
    Explanation,
    Finding,
    MissingFact,
    MitigationResult,
    ReadingOutcome,
    Result,
    SourceRef,
)
from .terminal import visible

__all__ = ["render_text"]

_SHORT_HASH = 12


def render_text(result: Result) -> str:
    """The whole report, ending with a newline."""
    sections = [("ANSWERS", _answers(result)), ("FINDINGS", _findings(result)),
                ("ALSO AVAILABLE (NOT PLEADED)", _unpleaded(result)),
                ("MITIGATIONS", _mitigations(result)), ("REMEDIES", _remedies(result)),
                ("PROOFS", _proofs(result))]
    lines = list(_header(result))
    for title, body in sections:
        if body is None:
            continue
        lines += ["", title, "", *(body or ["  (none)"])]
    return "\n".join(visible(line) for line in lines) + "\n"


def _header(result: Result) -> Iterator[str]:
    title = visible(f"COMPLIANCE ASSESSMENT: {result.case.title}")
    rulebook = result.rulebook
    pinned = ", ".join(result.readings_pinned) or "none (every reading of a contested point " \
                                                 "is evaluated)"
    yield title
    yield "=" * len(title)
    yield f"Case:           {result.case.id} ({result.case.file}, sha256 " \
          f"{result.case.sha256[:_SHORT_HASH]})"
    yield f"As of:          {result.as_of}"
    yield f"Jurisdictions:  {', '.join(result.jurisdictions)}"
    yield f"Engine:         {result.engine} (compliance-engine {result.engine_version})"
    yield f"Rulebook:       {rulebook.version} (sha256 {rulebook.sha256[:_SHORT_HASH]}), " \
          f"{rulebook.rules_in_force} rules in force"
    yield f"Readings:       {pinned}"


def _paragraphs(blocks: Iterable[Iterable[str]]) -> list[str]:
    """The blocks' lines, with a blank line between blocks."""
    lines: list[str] = []
    for block in blocks:
        lines += [*([""] if lines else []), *block]
    return lines


def _answers(result: Result) -> list[str]:
    return _paragraphs([f"  {a.answer.upper()}: {a.summary}"] for a in result.answer)


def _findings(result: Result) -> list[str]:
    return _paragraphs(_finding(f) for f in result.findings if f.pleaded is not False)


def _unpleaded(result: Result) -> list[str] | None:
    """Theories the facts support but the case does not plead: listed apart, not answered.
    None (no section) when the case does not say which claims are pleaded."""
    if all(f.pleaded is None for f in result.findings):
        return None
    return _paragraphs(_finding(f) for f in result.findings if f.pleaded is False)


def _finding(finding: Finding) -> Iterator[str]:
    yield f"  {finding.id}"
    yield f"    Doctrine:      {finding.doctrine}"
    yield f"    Act:           {finding.act} ({finding.act_kind})"
    yield f"    Subject:       {finding.subject}"
    yield f"    Jurisdiction:  {finding.jurisdiction}"
    yield f"    Status:        {finding.status.upper()}"
    if finding.defences:
        yield "    Defences:"
    for defence in finding.defences:
        yield f"      {defence.defence}: {defence.status}"
        yield from _open_points(defence.readings, defence.missing_facts, "        ")
    yield from _open_points(finding.readings, finding.missing_facts, "    ")
    for flip in finding.flips or ():
        where = "" if flip.source is None else \
            f" at {':'.join(str(p) for p in (flip.source.file, flip.source.line) if p)}"
        yield (f"    Would be {flip.status.upper()} if {flip.fact.split(':')[0]} were "
               f"{flip.then} instead of {flip.now}{where}")


def _open_points(readings: Sequence[ReadingOutcome], missing: Sequence[MissingFact],
                 indent: str) -> Iterator[str]:
    """What a status turns on: the readings of contested points, then the unknown facts."""
    point = None
    for reading in readings:
        if reading.point != point:
            point = reading.point
            yield f"{indent}Contested point {point}: {reading.question}"
        yield f"{indent}  reading {reading.reading}: {reading.status}"
        yield f"{indent}    {reading.statement}"
        yield from (f"{indent}    {_authority(a)}" for a in reading.authorities)
    for fact in missing:
        yield f"{indent}Missing fact: {fact.fact}"
        if fact.source is not None:
            yield f"{indent}  left unknown at {_where(fact.source)}"
        yield f"{indent}  burden of proof: {fact.burden}"
        yield from (f"{indent}  if {value}: {status}" for value, status in fact.outcomes.items())


def _mitigations(result: Result) -> list[str]:
    return _paragraphs(_mitigation(m) for m in result.mitigations)


def _mitigation(mitigation: MitigationResult) -> Iterator[str]:
    yield f"  {mitigation.id} ({mitigation.kind}, {mitigation.date or 'undated'})"
    for effect in mitigation.effects:
        yield from _effect(effect)
    if not mitigation.effects:
        yield "    offered against no finding"


def _effect(effect: Effect) -> Iterator[str]:
    yield f"    {effect.finding}: {effect.effect} ({effect.status})"
    yield from _open_points(effect.readings, effect.missing_facts, "      ")


def _remedies(result: Result) -> list[str]:
    """Each remedy; where it turns on a contested point, the readings (its unknown facts are
    those listed under the finding)."""
    lines: list[str] = []
    for r in result.remedies:
        changed = f"; changed by {', '.join(r.changed_by)}" if r.changed_by else ""
        lines.append(f"  {r.finding}: {r.remedy}: {r.status}; "
                     f"reaches the model: {r.reaches_model_status}{changed}")
        lines += _open_points(r.readings, (), "    ")
    return lines


def _proofs(result: Result) -> list[str]:
    return _paragraphs([f"  {f.id}: {f.status.upper()}", *_tree(f.explanation, "  ", "  ", set())]
                       for f in result.findings)


def _tree(node: Explanation, first: str, rest: str, shown: set[str]) -> list[str]:
    """``node`` drawn after ``first``; its details and descendants after ``rest``.  A rule
    applied to the same conclusion earlier in the same tree is not drawn again."""
    key = f"{node.rule} {node.conclusion}"
    if node.rule is not None and node.children and key in shown:
        return [first + _head(node) + "  (shown above)"]
    if node.rule is not None and node.children:
        shown.add(key)
    bar = "│  " if node.children else "   "
    lines = [first + _head(node), *(rest + bar + detail for detail in _details(node))]
    for index, child in enumerate(node.children):
        last = index == len(node.children) - 1
        lines += _tree(child, rest + ("└─ " if last else "├─ "),
                       rest + ("   " if last else "│  "), shown)
    return lines


def _head(node: Explanation) -> str:
    text = node.conclusion
    if node.kind == "absent" and not text.startswith("absent:"):
        text = f"absent: {text}"
    elif node.kind == "assumed":
        text = f"ASSUMED {text}"
    elif node.holds == "in_some_worlds" and node.kind in ("rule", "reading"):
        text += " (holds only in some worlds)"
    return text + (f"  from {_where(node.source)}" if node.source is not None else "")


def _details(node: Explanation) -> list[str]:
    lines = []
    if node.rule is not None:
        lines.append(f"[{node.rule}] {node.statement or ''}".rstrip())
    elif node.statement:
        lines.append(node.statement)
    if node.rule is not None and node.authorities \
            and all(a.grade == "analysis" for a in node.authorities):
        lines.append("The engine's own analysis, reasoning from:")
    return lines + [_authority(a) for a in node.authorities]


def _authority(authority: AuthorityRef) -> str:
    pinpoint = f", {authority.pinpoint}" if authority.pinpoint else ""
    kind = f"; {authority.kind.replace('_', ' ')}" if authority.kind else ""
    foreign = ", foreign: persuasive only" if authority.foreign else ""
    return f"— {authority.cite}{pinpoint} ({authority.grade}{kind}{foreign})"


def _where(source: SourceRef) -> str:
    place = ":".join(str(p) for p in (source.file, source.line) if p is not None)
    return f"{place} ({source.path})"
