"""What the rulebook rests on: per module, its citations by kind and grade, and the rules that
are the engine's own analysis (``compliance-engine rules authorities``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .model import AuthorityKind, Rule, Rulebook

__all__ = ["ModuleAuthorities", "authority_summary", "is_analysis", "render_summary"]

_KINDS: tuple[AuthorityKind, ...] = (
    "statute", "regulation", "binding_precedent", "persuasive_decision", "regulator_decision",
    "consent_order", "settlement", "guidance", "restatement", "commentary", "pleading")
_GRADES = ("settled", "contested", "analysis")


def is_analysis(rule: Rule) -> bool:
    """A rule all of whose citations are graded ``analysis``: the engine's own reasoning from
    the sources it names, shown as such to counsel."""
    return bool(rule.decl.authorities) and all(a.grade == "analysis"
                                               for a in rule.decl.authorities)


@dataclass
class ModuleAuthorities:
    module: str
    rules: int = 0
    analysis_rules: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    grades: Counter[str] = field(default_factory=Counter)
    foreign: int = 0

    @property
    def mostly_analysis(self) -> bool:
        return self.analysis_rules * 2 > self.rules

    def as_json(self) -> dict[str, object]:
        return {"module": self.module, "rules": self.rules, "analysis_rules": self.analysis_rules,
                "by_kind": dict(sorted(self.kinds.items())),
                "by_grade": dict(sorted(self.grades.items())), "foreign": self.foreign,
                "mostly_analysis": self.mostly_analysis}


def authority_summary(rulebook: Rulebook) -> list[ModuleAuthorities]:
    """One entry per module, in module order, counting every citation of its rules."""
    modules: dict[str, ModuleAuthorities] = {}
    for rule in rulebook.rules:
        entry = modules.setdefault(rule.module, ModuleAuthorities(rule.module))
        entry.rules += 1
        entry.analysis_rules += is_analysis(rule)
        for citation in rule.decl.authorities:
            entry.kinds[citation.kind or "unknown"] += 1
            entry.grades[citation.grade] += 1
            entry.foreign += citation.foreign
    return [modules[m] for m in sorted(modules)]


def render_summary(summary: list[ModuleAuthorities]) -> str:
    """A table a reviewer can read: one row per module, then the totals."""
    columns = ["MODULE", "RULES", "ANALYSIS", *(k.upper().replace("_", " ") for k in _KINDS),
               *(g.upper() for g in _GRADES), "FOREIGN"]
    total = ModuleAuthorities("TOTAL")
    rows = []
    for entry in [*summary, total]:
        if entry is not total:
            total.rules += entry.rules
            total.analysis_rules += entry.analysis_rules
            total.kinds.update(entry.kinds)
            total.grades.update(entry.grades)
            total.foreign += entry.foreign
        rows.append([entry.module + (" *" if entry.mostly_analysis else ""), str(entry.rules),
                     str(entry.analysis_rules), *(str(entry.kinds[k]) for k in _KINDS),
                     *(str(entry.grades[g]) for g in _GRADES), str(entry.foreign)])
    widths = [max(len(row[i]) for row in [columns, *rows]) for i in range(len(columns))]
    lines = ["  ".join(cell.rjust(w) if i else cell.ljust(w)
                       for i, (cell, w) in enumerate(zip(row, widths))).rstrip()
             for row in [columns, *rows]]
    lines.append("")
    lines.append("RULES: rules in the module; ANALYSIS: rules that are the engine's own reasoning "
                 "(every citation graded analysis), each naming the primary sources it reasons "
                 "from; the kind and grade columns count citations; * marks a module whose rules "
                 "are mostly analysis.")
    return "\n".join(lines) + "\n"
