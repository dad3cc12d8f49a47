"""Rule coverage: which case studies and scenario files exercise each rule and each authority.

A rule is *exercised* by a case when it fires in at least one world of that case (its
rule-instance atom is a brave consequence).  Case studies are assessed here; scenario files and
other tests are added from records the test suite writes (``tests/conftest.py``), so the report
can say which Gherkin feature reaches which provision.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .rulebook.model import Rulebook

__all__ = ["Coverage", "case_study_coverage", "read_records"]


@dataclass
class Coverage:
    rulebook: Rulebook
    exercised: dict[str, set[str]] = field(default_factory=dict)  # rule id -> exercisers

    def add(self, exerciser: str, rule_ids: Iterable[str]) -> None:
        for rule_id in rule_ids:
            self.exercised.setdefault(rule_id, set()).add(exerciser)

    def by_rule(self) -> dict[str, list[str]]:
        return {r.id: sorted(self.exercised.get(r.id, ())) for r in self.rulebook.rules}

    def by_authority(self) -> dict[str, dict[str, list[str]]]:
        """Authority citation -> the rules citing it and what exercises any of them."""
        out: dict[str, dict[str, set[str]]] = {}
        for rule in self.rulebook.rules:
            for authority in rule.decl.authorities:
                entry = out.setdefault(authority.cite, {"rules": set(), "exercised_by": set()})
                entry["rules"].add(rule.id)
                entry["exercised_by"].update(self.exercised.get(rule.id, ()))
        return {cite: {k: sorted(v) for k, v in entry.items()}
                for cite, entry in sorted(out.items())}

    def by_module(self) -> dict[str, tuple[int, int, int, int]]:
        """Module -> (rules, exercised by anything, by a case study, by a scenario file)."""
        out: dict[str, list[int]] = {}
        for rule in self.rulebook.rules:
            users = self.exercised.get(rule.id, set())
            row = out.setdefault(rule.module, [0, 0, 0, 0])
            row[0] += 1
            row[1] += bool(users)
            row[2] += any(u.startswith("case_studies/") for u in users)
            row[3] += any(u.endswith(".feature") for u in users)
        return {module: (row[0], row[1], row[2], row[3]) for module, row in sorted(out.items())}

    def as_json(self) -> dict[str, object]:
        rules = self.by_rule()
        authorities = self.by_authority()
        return {
            "rulebook": {"version": self.rulebook.version, "sha256": self.rulebook.sha256},
            "summary": {
                "rules": len(rules), "rules_exercised": sum(bool(v) for v in rules.values()),
                "authorities": len(authorities),
                "authorities_exercised": sum(bool(v["exercised_by"])
                                             for v in authorities.values())},
            "modules": {m: dict(zip(("rules", "exercised", "by_case_studies", "by_scenarios"),
                                    row, strict=True))
                        for m, row in self.by_module().items()},
            "rules": rules,
            "authorities": authorities,
        }

    def render(self, *, detail: bool = True) -> str:
        data = self.as_json()
        summary: Mapping[str, int] = data["summary"]  # type: ignore[assignment]
        lines = [f"Rule coverage — rulebook {self.rulebook.version}",
                 f"  rules exercised:       {summary['rules_exercised']}/{summary['rules']}",
                 (f"  authorities exercised: {summary['authorities_exercised']}/"
                  f"{summary['authorities']}"), "",
                 f"  {'module':<28} {'rules':>5} {'any':>5} {'cases':>5} {'scen.':>5}"]
        for module, (total, any_, cases, scenarios) in self.by_module().items():
            lines.append(f"  {module:<28} {total:>5} {any_:>5} {cases:>5} {scenarios:>5}")
        unexercised = [r for r, users in self.by_rule().items() if not users]
        if unexercised:
            lines += ["", f"  not exercised ({len(unexercised)}):"]
            lines += [f"    {r}" for r in unexercised]
        if detail:
            lines += ["", "  per rule:"]
            for rule_id, users in self.by_rule().items():
                lines.append(f"    {rule_id}: {', '.join(users) or '—'}")
        return "\n".join(lines) + "\n"


def case_study_coverage(coverage: Coverage, engine: object, cases_dir: Path) -> None:
    """Assess every ``<cases_dir>/<name>/case.yaml`` and record what it exercises."""
    from .assess import Engine
    from .case.load import load_case

    assert isinstance(engine, Engine)
    for path in sorted(Path(cases_dir).glob("*/case.yaml")):
        assessment = engine.assess(load_case(path))
        coverage.add(f"case_studies/{path.parent.name}", assessment.fired_rules)


def read_records(coverage: Coverage, path: Path) -> None:
    """Add the records a test run wrote: ``{"<exerciser>": ["<rule id>", ...], ...}``."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    for exerciser, rule_ids in data.items():
        coverage.add(exerciser, rule_ids)
