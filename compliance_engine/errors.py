"""Coded errors.  Every error a user can cause names the file, the place and what was expected.

Codes are stable and documented in ``docs/errors.md``:

* ``CE1xx``: case files (syntax, schema, references).
* ``CE2xx``: rulebook (parse, declarations, safety, stratification, citations).
* ``CE3xx``: evaluation (readings, unknown-fact limits, backend failures).
* ``CE4xx``: command-line usage that click cannot check itself.
* ``CE5xx``: memo templates.
* ``CE9xx``: the run itself: limits reached, interrupted, or a bug in the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

from .terminal import visible

__all__ = ["CaseFileError", "EngineError", "EvaluationError", "Problem", "RulebookError"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None  # field path in the file (``acts[2].date``) or a rule id
    expected: str | None = None

    def format(self) -> str:
        """The problem on one line, with control characters from the input escaped (see
        :func:`compliance_engine.terminal.visible`) so that printing it cannot drive the
        terminal."""
        place = ":".join(str(p) for p in (self.file, self.line, self.column) if p is not None)
        parts = [f"{place}: " if place else "", f"{self.path}: " if self.path else "",
                 self.message]
        if self.expected:
            parts.append(f" (expected {self.expected})")
        parts.append(f" [{self.code}]")
        return visible("".join(parts))


@dataclass
class EngineError(Exception):
    """Base of every error the engine reports to users; carries one or more problems."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.format())

    @classmethod
    def single(cls, code: str, message: str, **where: object) -> Self:
        return cls([Problem(code, message, **where)])  # type: ignore[arg-type]

    def format(self) -> str:
        return "\n".join(p.format() for p in self.problems)

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]


class CaseFileError(EngineError):
    """The case file cannot be read or does not describe a valid case."""


class RulebookError(EngineError):
    """The rulebook is malformed: the rules cannot be trusted, so nothing is evaluated."""


class EvaluationError(EngineError):
    """The case could not be evaluated as asked (bad reading name, too many unknowns...)."""
