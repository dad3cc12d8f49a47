"""Turn a case into base facts for the solver, each with the place in the case file it came from.

The mapping is read off the case schema, so it never drifts from the file format:

* each record of a collection gives ``<entity>(Id)``: ``act('a1')``;
* a scalar field gives ``<entity>_<field>(Id, Value)``: ``act_method('a1', 'torrent')``;
* a true boolean gives ``<entity>_<field>(Id)``; a false one gives nothing;
* a list gives one fact per element; a list of objects gives their fields as extra arguments:
  ``dataset_derived_from('lib', 'libgen', 'copy')``;
* a nested object's fields are flattened: ``source.terms.tos_assent`` gives ``source_tos_assent``;
* dates are whole numbers ``YYYYMMDD`` so that rules compare them with ``<``.

A field left out or ``null`` is unknown.  If some rule reads it, the encoder emits a *choice
group*: the values it could take, as alternative sets of facts.  Only values a rule can tell
apart are listed (the constants the rules test, one representative of the rest; for dates, one
date per gap between the dates the case and the rules mention), so reasoning over every
alternative is exact and small.
"""

from __future__ import annotations

import datetime as _dt
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, get_args, get_origin

from pydantic import BaseModel

from ..facts import ChoiceGroup, Fact, Origin, Value, as_date, date_value
from ..rulebook.model import PredicateDecl
from .load import format_path
from .model import Case, CaseInfo

if TYPE_CHECKING:
    from ..dateflow import Partner, Position

__all__ = ["EncodedCase", "Usage", "base_predicates", "encode_case"]


@dataclass
class EncodedCase:
    facts: dict[Fact, Origin]
    groups: list[ChoiceGroup]
    unknown_unused: list[str] = field(default_factory=list)
    negatives: dict[Fact, Origin] = field(default_factory=dict)  # booleans stated false
    flags: set[Fact] = field(default_factory=set)  # every boolean stated, true or false


@dataclass(frozen=True)
class Usage:
    """What the rules read: predicates in bodies and the constants tested at each position."""

    predicates: frozenset[str]
    constants: Mapping[tuple[str, int], frozenset[Value]]
    open_positions: frozenset[tuple[str, int]]  # positions a rule binds to a variable
    # what a date at each position is compared or joined with (see compliance_engine.dateflow)
    date_partners: Mapping[Position, frozenset[Partner]] = field(default_factory=dict)


# --------------------------------------------------------------------------- schema → predicates

_SINGULAR = {"parties": "party", "works": "work", "sources": "source", "datasets": "dataset",
             "models": "model", "acts": "act", "mitigations": "mitigation", "events": "event"}


@dataclass(frozen=True)
class _Slot:
    pred: str
    path: tuple[str, ...]       # field path inside the record
    shape: str                  # flag | scalar | list | objects
    annotation: Any
    description: str
    columns: tuple[str, ...] = ()
    absent_means_none: bool = False


def _unwrap(annotation: Any) -> Any:
    """Strip ``X | None`` and ``Annotated``."""
    if get_origin(annotation) is typing.Annotated:
        return _unwrap(get_args(annotation)[0])
    if get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else annotation
    return annotation


def _extra(info: Any) -> dict[str, Any]:
    return info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}


def _is_fact(info: Any) -> bool:
    return _extra(info).get("fact", True) is not False


def _slots(model: type[BaseModel], entity: str, prefix: tuple[str, ...] = ()) -> Iterator[_Slot]:
    for name, info in model.model_fields.items():
        if name == "id" or not _is_fact(info):
            continue
        kind = _unwrap(info.annotation)
        desc = info.description or name
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            yield from _slots(kind, entity, prefix + (name,))
            continue
        pred = f"{entity}_{name}"
        if get_origin(kind) is list:
            item = _unwrap(get_args(kind)[0])
            if isinstance(item, type) and issubclass(item, BaseModel):
                columns = tuple(item.model_fields)
                yield _Slot(pred, prefix + (name,), "objects", item, desc, columns)
            else:
                yield _Slot(pred, prefix + (name,), "list", item, desc)
        elif kind is bool:
            yield _Slot(pred, prefix + (name,), "flag", kind, desc)
        else:
            none = _extra(info).get("absent_means") == "none"
            yield _Slot(pred, prefix + (name,), "scalar", kind, desc, (), none)


def _schema() -> dict[str, tuple[type[BaseModel], list[_Slot]]]:
    out: dict[str, tuple[type[BaseModel], list[_Slot]]] = {}
    for collection, info in Case.model_fields.items():
        if collection == "case":
            out["case"] = (CaseInfo, list(_slots(CaseInfo, "case")))
            continue
        if collection not in _SINGULAR:
            continue  # disputes: read by encode_case, not records
        item = _unwrap(get_args(_unwrap(info.annotation))[0])
        out[collection] = (item, list(_slots(item, _SINGULAR[collection])))
    return out


_SCHEMA = _schema()


def base_predicates() -> dict[str, PredicateDecl]:
    """Declarations of every case fact predicate, with the meaning of each argument."""
    decls: dict[str, PredicateDecl] = {}
    for collection, (_, slots) in _SCHEMA.items():
        if collection != "case":
            entity = _SINGULAR[collection]
            decls[entity] = PredicateDecl(name=entity, args=[f"{entity} id"], kind="base",
                                          meaning=f"{entity.capitalize()} declared in the case.")
            subject = [f"{entity} id"]
        else:
            subject = []
        for slot in slots:
            if slot.shape == "flag":
                args = subject
            elif slot.shape == "objects":
                args = subject + list(slot.columns)
            else:
                args = subject + ["value (YYYYMMDD)" if _is_date(slot.annotation) else "value"]
            decls[slot.pred] = PredicateDecl(name=slot.pred, args=args, kind="base",
                                             meaning=slot.description)
    return decls


def _is_date(annotation: Any) -> bool:
    return annotation is _dt.date


# --------------------------------------------------------------------------- case → facts

def encode_case(case: Case, usage: Usage, *, file: str,
                locate: Any = None) -> EncodedCase:
    """Facts of the case with origins, plus one choice group per unknown fact a rule reads.

    ``locate(path_tuple) -> (line, column)`` gives positions; it may be None for built cases.
    """
    facts: dict[Fact, Origin] = {}
    negatives: dict[Fact, Origin] = {}
    flags: set[Fact] = set()
    groups: list[ChoiceGroup] = []
    unused: list[str] = []
    known: dict[Position, set[int]] = {}

    def note_dates(fact: Fact) -> None:
        for i, a in enumerate(fact.args):
            if isinstance(a, int) and a > 10000000:
                known.setdefault((fact.pred, i), set()).add(a)

    def origin(path: tuple[str | int, ...]) -> Origin:
        line, column = locate(path) if locate else (None, None)
        return Origin(file, format_path(path), line, column)

    disputed = {(d.record, tuple(d.field.split("."))): i for i, d in enumerate(case.disputes)}
    alleged = {(a.record, tuple(a.field.split(".")) if a.field else ()): i
               for i, a in enumerate(case.allegations) if a.status == "alleged"}
    pending: list[tuple[_Slot, tuple[Value, ...], tuple[str | int, ...]]] = []
    for collection, (_, slots) in _SCHEMA.items():
        records = [case.case] if collection == "case" else getattr(case, collection)
        for index, record in enumerate(records):
            base: tuple[str | int, ...] = ("case",) if collection == "case" \
                else (collection, index)
            subject: tuple[Value, ...] = () if collection == "case" else (record.id,)
            whole = alleged.get((record.id, ())) if subject else None
            into = facts if whole is None else {}
            if collection != "case":
                into[Fact(_SINGULAR[collection], subject)] = origin(base + ("id",))
            for slot in slots:
                value = _get(record, slot.path)
                where = base + slot.path
                if subject and value is not None and (record.id, slot.path) in alleged:
                    allegation = case.allegations[alleged[(record.id, slot.path)]]
                    groups.append(_allegation(allegation, alleged[(record.id, slot.path)],
                                              slot, subject, value, where, origin))
                    continue
                if (record.id if subject else None, slot.path) in disputed:
                    index = disputed[(subject[0], slot.path)]  # type: ignore[index]
                    groups.append(_dispute(case, index, slot, subject, where, origin))
                    for alternative in groups[-1].alternatives:
                        for fact in alternative:
                            note_dates(fact)
                    continue
                if value is None:
                    if not slot.absent_means_none and _unknowable(slot):
                        pending.append((slot, subject, where))
                    continue
                if slot.shape == "flag" and whole is None:
                    flags.add(Fact(slot.pred, subject))
                    if value is False:
                        negatives[Fact(slot.pred, subject)] = origin(where)
                for fact, sub in _facts(slot, subject, value):
                    into[fact] = origin(where + sub)
                    note_dates(fact)
            if whole is not None:
                allegation = case.allegations[whole]
                groups.append(ChoiceGroup(
                    id=f"allegation:{format_path(base)}", kind="dispute",
                    question=f"{format_path(base)}: {_record_label(record)} (alleged by "
                             f"{allegation.by}; not admitted or found)",
                    labels=(f"as alleged by {allegation.by} ({allegation.source})",
                            "not proved"),
                    alternatives=(tuple(into), ()), origin=origin(("allegations", whole))))
    for slot, subject, where in pending:
        if slot.pred not in usage.predicates:
            unused.append(format_path(where))
            continue
        thresholds = _thresholds(usage.date_partners.get((slot.pred, len(subject)), ()), known)
        labels, alternatives = _alternatives(slot, subject, usage, thresholds)
        groups.append(ChoiceGroup(
            id=f"unknown:{format_path(where)}", kind="fact",
            question=f"{format_path(where)}: {slot.description}", labels=labels,
            alternatives=alternatives, origin=origin(where)))
    return EncodedCase(facts, groups, unused, negatives, flags)


def _dispute(case: Case, index: int, slot: _Slot, subject: tuple[Value, ...],
             where: tuple[str | int, ...], origin: Any) -> ChoiceGroup:
    """One alternative per source's version of a disputed fact (legal-kb §6.18)."""
    dispute = case.disputes[index]
    values = case.disputed_field(index, dispute)
    alternatives: list[tuple[Fact, ...]] = []
    for value in values:
        if slot.shape == "flag":
            flag = Fact(slot.pred, subject)
            alternatives.append((flag,) if value else ())
        else:
            alternatives.append(tuple(fact for fact, _ in _facts(slot, subject, value)))
    labels = tuple(f"{v.source}: {_show(value)}" for v, value in zip(dispute.versions, values,
                                                                       strict=True))
    return ChoiceGroup(
        id=f"dispute:{format_path(where)}", kind="dispute",
        question=f"{format_path(where)}: {slot.description} (the sources disagree)",
        labels=labels, alternatives=tuple(alternatives), origin=origin(("disputes", index)))


def _allegation(allegation: Any, index: int, slot: _Slot, subject: tuple[Value, ...],
                value: Any, where: tuple[str | int, ...], origin: Any) -> ChoiceGroup:
    """A fact alleged and not yet admitted or found: one alternative as alleged, one in which
    it is not proved (for a true/false fact, the opposite; otherwise nothing is stated)."""
    stated = tuple(fact for fact, _ in _facts(slot, subject, value))
    if slot.shape == "flag":
        unproved: tuple[Fact, ...] = () if value else (Fact(slot.pred, subject),)
    else:
        unproved = ()
    return ChoiceGroup(
        id=f"allegation:{format_path(where)}", kind="dispute",
        question=f"{format_path(where)}: {slot.description} (alleged by {allegation.by}; not "
                 "admitted or found)",
        labels=(f"as alleged by {allegation.by} ({allegation.source}): {_show(value)}",
                "not proved"),
        alternatives=(stated, unproved), origin=origin(("allegations", index)))


def _record_label(record: Any) -> str:
    return str(getattr(record, "description", None) or getattr(record, "name", None)
               or record.id)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.date):
        return value.isoformat()
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _unknowable(slot: _Slot) -> bool:
    """Booleans, closed vocabularies and dates can be unknown; a missing id means none."""
    return slot.shape == "flag" or _is_date(slot.annotation) \
        or get_origin(slot.annotation) is Literal


def _get(record: BaseModel, path: tuple[str, ...]) -> Any:
    value: Any = record
    for part in path:
        if value is None:
            return None
        value = getattr(value, part)
    return value


def _scalar(value: Any) -> Value:
    if isinstance(value, _dt.date):
        return date_value(value)
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return value
    raise TypeError(f"cannot encode {value!r}")


def _facts(slot: _Slot, subject: tuple[Value, ...],
           value: Any) -> Iterator[tuple[Fact, tuple[str | int, ...]]]:
    if slot.shape == "flag":
        if value:
            yield Fact(slot.pred, subject), ()
    elif slot.shape == "scalar":
        yield Fact(slot.pred, subject + (_scalar(value),)), ()
    elif slot.shape == "list":
        for i, item in enumerate(value):
            yield Fact(slot.pred, subject + (_scalar(item),)), (i,)
    else:
        for i, item in enumerate(value):
            cols = tuple(_scalar(getattr(item, c)) for c in slot.columns)
            yield Fact(slot.pred, subject + cols), (i,)


def _alternatives(slot: _Slot, subject: tuple[Value, ...], usage: Usage,
                  known_dates: set[int]) -> tuple[tuple[str, ...], tuple[tuple[Fact, ...], ...]]:
    if slot.shape == "flag":
        return ("true", "false"), ((Fact(slot.pred, subject),), ())
    position = len(subject)
    if _is_date(slot.annotation):
        classes = _date_classes(sorted(known_dates))
        return tuple(label for _, label in classes), tuple(
            (Fact(slot.pred, subject + (value,)),) for value, _ in classes)
    domain = list(get_args(slot.annotation)) if get_origin(slot.annotation) is Literal else []
    if domain:
        key = (slot.pred, position)
        if key in usage.open_positions:
            chosen = domain
        else:
            tested = [v for v in domain if v in usage.constants.get(key, frozenset())]
            rest = [v for v in domain if v not in tested]
            chosen = tested + rest[:1]
        return tuple(str(v) for v in chosen), tuple(
            (Fact(slot.pred, subject + (v,)),) for v in chosen)
    raise TypeError(f"{slot.pred}: cannot enumerate the values of an unknown {slot.shape}")


def _thresholds(partners: Iterable[Partner], known: Mapping[Position, set[int]]) -> set[int]:
    """The days an unknown date is compared with: the case's dates at the positions the rules
    compare it with, shifted by the offsets of those comparisons (``D + 30000`` is three years
    on), so that it can fall on either side of, say, a limitation deadline.  A shifted value that
    is no calendar day (29 February three years on) is replaced by the days around it; one past
    the calendar's end (9999-12-31) splits no dates and is dropped."""
    out: set[int] = set()
    for source, shift in partners:
        for day in known.get(source, ()) if isinstance(source, tuple) else (source,):
            if day + shift > 10000000 and as_date(day + shift) is not None:
                out.add(day + shift)
            elif day + shift > 10000000:
                out.update(_neighbours(day + shift))
    return out


_LAST_DAY = date_value(_dt.date.max)


def _neighbours(value: int) -> list[int]:
    """The calendar days nearest before and after ``value`` (a ``YYYYMMDD`` number that is no
    day), within the month around it."""
    if value > _LAST_DAY:
        return []
    days = [next((v for v in steps if as_date(v) is not None), None)
            for steps in (range(value, value - 100, -1), range(value, value + 10000))]
    return [day for day in days if day is not None]


def _date_classes(dates: list[int]) -> list[tuple[int, str]]:
    """One calendar day per order class relative to the known dates (each known date, one day in
    each gap between them, one before the first and one after the last), with a label.  Rules
    only compare dates, so these few values stand exactly for every date the fact could take."""
    days = [day for day in map(as_date, dates) if day is not None]
    if not days:
        return [(date_value(_dt.date(2000, 1, 1)), "any date")]
    one = _dt.timedelta(days=1)
    out = [] if days[0] == _dt.date.min else [(date_value(days[0] - one), f"before {days[0]}")]
    for i, day in enumerate(days):
        out.append((date_value(day), f"on {day}"))
        following = days[i + 1] if i + 1 < len(days) else None
        if following is None:
            if day < _dt.date.max:
                out.append((date_value(day + one), f"after {day}"))
        elif following - day > one:
            out.append((date_value(day + one), f"between {day} and {following}"))
    return out
