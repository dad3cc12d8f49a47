"""The vocabulary every stage shares: ground facts, where each was stated, and unknown facts as
choice groups.  Dates are whole numbers ``YYYYMMDD`` so that rules compare them with ``<``."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Literal

__all__ = ["INT_MAX", "INT_MIN", "ChoiceGroup", "Fact", "Origin", "Value", "as_date", "date_value",
           "render_date"]

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
"""The whole numbers a fact or a rule may hold: clingo's integers are 32-bit, and its arithmetic
wraps silently beyond them."""

Value = str | int


@dataclass(frozen=True)
class Fact:
    pred: str
    args: tuple[Value, ...]

    def key(self) -> tuple[str, tuple[tuple[int, int, str], ...]]:
        """A total order on facts, numbers before strings at each position (a predicate may
        hold a date at one position in one fact and a string in another)."""
        return self.pred, tuple((0, a, "") if isinstance(a, int) else (1, 0, a)
                                for a in self.args)

    def __lt__(self, other: Fact) -> bool:
        return self.key() < other.key()

    def __str__(self) -> str:
        return f"{self.pred}({', '.join(repr(a) if isinstance(a, str) else str(a) for a in self.args)})"


@dataclass(frozen=True)
class Origin:
    """Where a fact was stated: file, line, column and field path (``acts[2].method``)."""

    file: str
    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line) if p is not None)
        return f"{where} ({self.path})"


@dataclass(frozen=True)
class ChoiceGroup:
    """Exactly one of ``alternatives`` holds and we do not know which: an unknown fact, a
    contested point's reading, or the versions of a fact the sources disagree on."""

    id: str
    kind: Literal["fact", "reading", "dispute"]
    question: str
    labels: tuple[str, ...]
    alternatives: tuple[tuple[Fact, ...], ...]
    origin: Origin | None = None


def date_value(day: _dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def as_date(value: int) -> _dt.date | None:
    """The calendar date a ``YYYYMMDD`` number stands for, if it is one."""
    try:
        return _dt.date(value // 10000, value // 100 % 100, value % 100)
    except ValueError:
        return None


def render_date(value: int) -> str:
    day = as_date(value)
    return day.isoformat() if day else str(value)
