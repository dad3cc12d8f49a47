"""The Statement of Facts: every fact the case file states, in words, footnoted to its line.

Facts are described with the case format's own field descriptions, so a new field appears in
memos without a template change.  :class:`Notes` numbers the footnotes; the same place in the case
file always gets the same number, whether it is cited in the facts or in the discussion.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from ..case.load import LoadedCase, format_path
from ..result import SourceRef
from .model import FactLine, FactRecord, Line, Note

__all__ = ["CaseFacts", "Notes"]

_BACKGROUND = (("parties", "Party"), ("works", "Works"), ("sources", "Source"),
               ("datasets", "Dataset"), ("models", "Model"))
_CONDUCT = (("acts", "Act"), ("mitigations", "Mitigation"), ("events", "Event"))
_UNSHOWN = {"id", "name", "title", "summary"}


class Notes:
    """Footnotes into one case file, numbered in the order they are first cited."""

    def __init__(self, loaded: LoadedCase) -> None:
        self._loaded = loaded
        self._numbers: dict[str, int] = {}
        self.items: list[Note] = []

    def at(self, path: tuple[str | int, ...]) -> int:
        line, _ = self._loaded.locate(path)
        return self._add(format_path(path), line)

    def source(self, source: SourceRef) -> int:
        return self._add(source.path, source.line)

    def _add(self, path: str, line: int | None) -> int:
        if path not in self._numbers:
            self._numbers[path] = len(self.items) + 1
            self.items.append(Note(number=len(self.items) + 1, file=self._loaded.path.name,
                                   line=line, path=path, sha256=self._loaded.sha256))
        return self._numbers[path]


class CaseFacts:
    """The case's records in words, and the words for any one field of the case file."""

    def __init__(self, loaded: LoadedCase, notes: Notes) -> None:
        self.case = loaded.case
        self.notes = notes
        self.names: dict[str, str] = {}
        for records in self.case.collections().values():
            for record in records:
                words = getattr(record, "name", None) or getattr(record, "description", None)
                words = words.rstrip(".") if words else words
                self.names[record.id] = f"{words} ({record.id})" if words else record.id
        self._said: dict[str, tuple[str, str]] = {}  # path → (record title, field in words)
        self._titles: dict[str, str] = {}
        self._ids: dict[str, str] = {}  # record title → record id
        self.background: list[FactRecord] = [
            self._record(("case",), "The case", self.case.case, None)]
        for collection, label in _BACKGROUND:
            self.background += self._records(collection, label)
        dated = [r for collection, label in _CONDUCT for r in self._records(collection, label)]
        self.chronology = sorted(dated, key=lambda r: (r.date is None, r.date or ""))

    def name(self, ident: str) -> str:
        return self.names.get(ident, ident)

    def statement(self, source: SourceRef, *, brief: bool = False) -> str:
        """The fact stated at ``source``: its record's title for an id, else the field in words
        after the record's title (``brief``: after its id)."""
        path = source.path
        if path in self._titles:
            return self._titles[path]
        if path.endswith(".id") and path[:-3] in self._titles:
            return self._titles[path[:-3]]
        if path not in self._said:
            return path
        record, text = self._said[path]
        return f"{record}: {text}" if not brief or record not in self._ids \
            else f"'{self._ids[record]}': {text}"

    def disputed(self) -> list[Line]:
        lines = []
        for i, dispute in enumerate(self.case.disputes):
            versions = "; ".join(f"{_show(v.value, self.name)} according to {v.source}"
                                 for v in dispute.versions)
            note = f" ({dispute.note})" if dispute.note else ""
            lines.append(Line(depth=0, text=f"{self.name(dispute.record)}, {dispute.field}: "
                                            f"{versions}{note}",
                              notes=[self.notes.at(("disputes", i))]))
        return lines

    def _records(self, collection: str, label: str) -> list[FactRecord]:
        records = getattr(self.case, collection)
        return [self._record((collection, i), f"{label}: {self.name(record.id)}", record,
                             getattr(record, "date", None))
                for i, record in enumerate(records)]

    def _record(self, path: tuple[str | int, ...], title: str, record: BaseModel,
                date: _dt.date | None) -> FactRecord:
        self._titles[format_path(path)] = title
        ident = getattr(record, "id", None)
        if isinstance(ident, str):
            self._ids[title] = ident
        note = self.notes.at(path)
        facts = []
        for where, text in self._fields(record, path, "", title):
            self._said[format_path(where)] = (title, text)
            facts.append(FactLine(text=text, note=self.notes.at(where)))
        return FactRecord(date=date.isoformat() if date else None, title=title, note=note,
                          facts=facts)

    def _fields(self, record: BaseModel, path: tuple[str | int, ...], prefix: str,
                title: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
        for name, info in type(record).model_fields.items():
            value = getattr(record, name)
            if name in _UNSHOWN or value is None or value == []:
                continue
            where = (*path, name)
            label = prefix + (info.description or name).rstrip(".")
            if isinstance(value, BaseModel):
                yield from self._fields(value, where, f"{label}: ", title)
                continue
            if isinstance(value, list):  # a proof may rest on one item of a list
                for i, item in enumerate(value):
                    self._said[format_path((*where, i))] = (title,
                                                            f"{label}: {_show(item, self.name)}")
            yield where, f"{label}: {_show(value, self.name)}"


def _show(value: Any, name: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return ", ".join(f"{k.replace('_', ' ')} {_show(v, name)}"
                         for k, v in value.model_dump().items() if v not in (None, []))
    if isinstance(value, list):
        return "; ".join(_show(v, name) for v in value)
    if isinstance(value, str):
        return str(name(value))
    return str(value)
