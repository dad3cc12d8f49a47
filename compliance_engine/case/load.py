"""Read a case file (YAML or JSON) into a validated :class:`Case`, locating every problem.

ruamel.yaml's round-trip loader keeps the line and column of every key and item; the document is
converted to plain Python values (no ruamel type reaches pydantic) and validated.  Every failure
is a :class:`CaseFileError` whose problems carry a ``CE1xx`` code, the place and what was expected.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import hashlib
import json
import math
import pathlib
import re
from dataclasses import dataclass, field
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import TaggedScalar
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.scalarbool import ScalarBoolean

from compliance_engine.case.json_positions import json_positions
from compliance_engine.case.limits import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_STRING_CHARS,
    GuardedComposer,
    Refusal,
)
from compliance_engine.case.model import UNCARRIABLE, Case, DanglingReference
from compliance_engine.errors import CaseFileError, Problem
from compliance_engine.facts import INT_MAX, INT_MIN

__all__ = ["LoadedCase", "format_path", "load_case"]

FieldPath = tuple[str | int, ...]
Positions = dict[FieldPath, tuple[int, int]]

_PAIR = re.compile("[\\ud800-\\udbff][\\udc00-\\udfff]")
_DATE = re.compile(r"\d{4}-\d\d-\d\d")
_DATE_EXPECTED = "a date YYYY-MM-DD"
_ID_EXPECTED = "an id made of letters, digits, '_', '.', ':' and '-'"
_TYPE_EXPECTED = {"bool": "true or false", "int": "a whole number", "float": "a number",
                  "string": "a string", "list": "a list", "dict": "a mapping",
                  "model": "a mapping of fields"}
_READ_ERRORS = {FileNotFoundError: "no such file", IsADirectoryError: "is a directory",
                PermissionError: "permission denied"}


@dataclass(frozen=True)
class LoadedCase:
    """A validated case with the file it came from and where each field sits in that file."""

    case: Case
    path: pathlib.Path
    sha256: str
    positions: Positions = field(default_factory=dict, repr=False)

    def locate(self, path: FieldPath) -> tuple[int | None, int | None]:
        """1-based (line, column) of ``path``, or of its nearest located ancestor."""
        return _locate(self.positions, path)


def format_path(path: FieldPath) -> str:
    """Render ``("acts", 2, "date")`` as ``acts[2].date``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def load_case(path: str | pathlib.Path) -> LoadedCase:
    """Read, parse and validate the case file at ``path``; raise :class:`CaseFileError` if bad."""
    file = pathlib.Path(path)
    name = str(file)
    try:
        with file.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError) as exc:
        message = next((text for kind, text in _READ_ERRORS.items() if isinstance(exc, kind)),
                       f"cannot read the file ({exc})")
        raise _error(name, "CE100", message) from None
    if len(raw) > MAX_FILE_BYTES:
        raise _error(name, "CE108", f"the file is larger than {MAX_FILE_BYTES} bytes",
                     line=1, column=1, expected=f"at most {MAX_FILE_BYTES} bytes")
    bad = raw.find(b"\x00")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text, bad = "", (exc.start if bad < 0 else min(bad, exc.start))
    if bad >= 0:
        line, column = _line_col(raw, bad)
        raise _error(name, "CE102", "not a text file (binary data or not UTF-8)", line=line,
                     column=column, expected="UTF-8 text")
    if not text.strip():
        raise _error(name, "CE101", "the file is empty", line=1, expected="a case file")
    try:
        data, positions = _parse(text, name, is_json=file.suffix.lower() == ".json")
    except Refusal as exc:
        raise _error(name, exc.code, exc.message, line=exc.line, column=exc.column,
                     expected=exc.expected) from None
    return LoadedCase(_validate(data, positions, name), file, hashlib.sha256(raw).hexdigest(),
                      positions)


def _error(name: str, code: str, message: str, **where: Any) -> CaseFileError:
    return CaseFileError([Problem(code, message, file=name, **where)])


def _line_col(text: str | bytes, offset: int) -> tuple[int, int]:
    newline: Any = "\n" if isinstance(text, str) else b"\n"
    return text.count(newline, 0, offset) + 1, offset - text.rfind(newline, 0, offset)


class _Constructor(RoundTripConstructor):
    """Round-trip constructor reading a timestamp as a date only if it is a valid plain date."""

    def construct_date(self, node: Any) -> _dt.date | str:
        text = str(node.value)
        try:
            return _dt.date.fromisoformat(text) if _DATE.fullmatch(text) else text
        except ValueError:
            return text  # e.g. 2025-13-45: left for validation to report as a bad date


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_date)


class _Unreadable:
    """A JSON number the case format cannot hold (``NaN``, ``Infinity``, thousands of digits):
    kept as text until its place is known, then refused."""

    def __init__(self, text: str) -> None:
        self.text = text


def _json_int(text: str) -> int | _Unreadable:
    return int(text) if len(text) <= 20 else _Unreadable(text)


def _parse(text: str, name: str, is_json: bool) -> tuple[Any, Positions]:
    if is_json:
        return _parse_json(text, name)
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.Composer = GuardedComposer
    try:
        document = yaml.load(text)
    except Refusal:
        raise
    except DuplicateKeyError as exc:
        key = re.search(r'duplicate key "(.*?)" with value', str(exc.problem))
        line, column = (exc.problem_mark.line + 1, exc.problem_mark.column + 1)
        raise _error(name, "CE104", f"duplicate key {key.group(1) if key else ''!r}",
                     line=line, column=column, expected="each key once per mapping") from None
    except Exception as exc:  # noqa: BLE001 - any parser failure is the input's fault
        raise _syntax_error(name, text, exc) from None
    if document is None:
        raise _error(name, "CE101", "the file contains no data", line=1,
                     expected="a case file")
    if not isinstance(document, dict):
        raise _error(name, "CE105", f"the top level must be a mapping, not {_kind(document)}",
                     line=1, column=1, expected="a mapping with case:, parties:, acts: ...")
    lc: Any = getattr(document, "lc")  # noqa: B009 - ruamel's line/column record
    positions: Positions = {(): (lc.line + 1, lc.col + 1)}
    return _walk(document, (), positions, name), positions


def _parse_json(text: str, name: str) -> tuple[Any, Positions]:
    try:
        document = json.loads(text, parse_int=_json_int, parse_constant=_Unreadable)
    except json.JSONDecodeError as exc:
        raise _error(name, "CE103", f"JSON syntax error: {exc.msg}", line=exc.lineno,
                     column=exc.colno) from None
    except RecursionError:
        json_positions(text)  # refuses the nesting at its line
        raise _error(name, "CE108", f"nested more than {MAX_DEPTH} levels deep", line=1,
                     expected=f"at most {MAX_DEPTH} levels") from None
    positions = json_positions(text)
    if not isinstance(document, dict):
        raise _error(name, "CE105", f"the top level must be a mapping, not {_kind(document)}",
                     line=1, column=1, expected="an object with case, parties, acts ...")
    return _walk(document, (), positions, name), positions


def _syntax_error(name: str, text: str, exc: Exception) -> CaseFileError:
    line = column = None
    if isinstance(exc, MarkedYAMLError):
        detail = ", ".join(filter(None, [exc.context, exc.problem])) or "invalid YAML"
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
    elif isinstance(exc, ReaderError):
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        detail = f"character U+{char:04X} is not allowed"
        line, column = _line_col(text, exc.position)
    else:
        detail = "nested too deeply" if isinstance(exc, RecursionError) else (
            str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return _error(name, "CE103", f"YAML syntax error: {detail}", line=line or 1, column=column)


def _walk(node: Any, path: FieldPath, positions: Positions, name: str) -> Any:
    """Convert the parsed document to builtins, recording each child's 1-based position (YAML)
    and refusing any value the solver or the JSON result could not carry."""
    if not isinstance(node, (dict, list)):
        return _scalar(node, path, positions, name)
    lines = getattr(getattr(node, "lc", None), "data", None) or {}  # None: only merged keys
    pairs: Any = node.items() if isinstance(node, dict) else enumerate(node)
    out = []
    for key, value in pairs:
        part: str | int = key if isinstance(node, list) else _text(key, path, positions, name)
        if lines.get(key):
            positions[(*path, part)] = (lines[key][0] + 1, lines[key][1] + 1)
        out.append((part, _walk(value, (*path, part), positions, name)))
    return dict(out) if isinstance(node, dict) else [value for _, value in out]


def _scalar(value: Any, path: FieldPath, positions: Positions, name: str) -> Any:
    if value is None or isinstance(value, (bool, ScalarBoolean)):
        return None if value is None else bool(value)
    if isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            raise _refuse(path, positions, name, "CE110", f"the number {int(value)} is out of "
                          "range", f"a whole number from {INT_MIN} to {INT_MAX}")
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _refuse(path, positions, name, "CE110", f"{value} is not a number the case "
                          "format can hold", "a finite number")
        return float(value)
    if isinstance(value, str):
        return _text(value, path, positions, name)
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, _dt.date):
        return _dt.date(value.year, value.month, value.day)
    if isinstance(value, TaggedScalar):  # an explicit !!str
        return _scalar(value.value, path, positions, name)
    if isinstance(value, _Unreadable):
        raise _refuse(path, positions, name, "CE110", f"{_show(value.text)} is not a number the "
                      "case format can hold", f"a whole number from {INT_MIN} to {INT_MAX}")
    raise _refuse(path, positions, name, "CE106", f"a {type(value).__name__} value is not "
                  "allowed", "a string, number, true/false, date, list or mapping")


def _text(value: str, path: FieldPath, positions: Positions, name: str) -> str:
    """A plain ``str``, with surrogate pairs joined (a YAML reading of ``"\\ud83d\\ude00"``);
    a lone surrogate or a NUL character (which no solver string can carry) is refused."""
    text = str(value)
    if UNCARRIABLE.search(text):
        text = _PAIR.sub(lambda pair: pair.group().encode("utf-16", "surrogatepass")
                         .decode("utf-16"), text)
        bad = UNCARRIABLE.search(text)
        if bad:
            what = "NUL character" if bad.group() == "\x00" else \
                f"lone surrogate U+{ord(bad.group()):04X}"
            raise _refuse(path, positions, name, "CE109", f"the text holds a {what} at "
                          f"character {bad.start() + 1}", "text of Unicode characters (an emoji "
                          "as itself or as a \\uXXXX\\uXXXX surrogate pair)")
    if len(text) > MAX_STRING_CHARS:
        raise _refuse(path, positions, name, "CE108", f"a string of {len(text)} characters",
                      f"at most {MAX_STRING_CHARS} characters")
    return text


def _refuse(path: FieldPath, positions: Positions, name: str, code: str, message: str,
            expected: str) -> CaseFileError:
    line, column = _locate(positions, path)
    return CaseFileError([Problem(code, message, name, line or 1, column,
                                  format_path(path) or None, expected)])


def _validate(data: Any, positions: Positions, name: str) -> Case:
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(error, positions, name) for error in exc.errors(include_url=False)]
        problems.sort(key=lambda p: (p.line is None, p.line or 0, p.column or 0))
        raise CaseFileError(problems) from None
    try:
        case.check_references()
    except DanglingReference as exc:
        line, column = _locate(positions, exc.path)
        raise CaseFileError([Problem(exc.code, exc.message, name, line, column,
                                     format_path(exc.path))]) from None
    return case


def _problem(error: Any, positions: Positions, name: str) -> Problem:
    loc: FieldPath = tuple(error["loc"])
    kind: str = error["type"]
    value = error.get("input")
    code, expected = "CE110", None
    if kind == "extra_forbidden":
        known = list(_fields_at(loc[:-1]))
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        code, message = "CE111", f"unknown field {loc[-1]!r}"
        message += f"; did you mean {close[0]!r}?" if close else ""
        expected = "one of: " + ", ".join(known) if known else None
    elif kind == "missing":
        code, message = "CE112", f"missing required field {loc[-1]!r}"
        info = _fields_at(loc[:-1]).get(str(loc[-1]))
        expected = _describe(info.annotation, info.metadata) if info else None
    elif kind.startswith("date"):
        code, message, expected = "CE113", f"not a valid date: {_show(value)}", _DATE_EXPECTED
    elif kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
        message, expected = f"invalid value {_show(value)}", "one of: " + ", ".join(choices)
    elif kind == "string_pattern_mismatch":
        message, expected = f"invalid id {_show(value)}", _ID_EXPECTED
    elif kind.endswith(("_type", "_parsing")) or kind == "int_from_float":
        message = f"wrong type: got {_kind(value)}"
        expected = _TYPE_EXPECTED.get(kind.split("_", 1)[0])
    else:
        message = f"invalid value {_show(value)}"
        expected = re.sub(r"^(Input|Value) should (be )?", "", str(error["msg"]))
    line, column = _locate(positions, loc[:-1] if kind == "missing" else loc)
    return Problem(code, message, name, line, column, format_path(loc) or None, expected)


def _fields_at(loc: FieldPath) -> dict[str, Any]:
    """The pydantic fields of the record at ``loc`` (empty if there is none)."""
    model: type[BaseModel] | None = Case
    for part in loc:
        if isinstance(part, str) and model is not None:
            info = model.model_fields.get(part)
            model = _inner_model(info.annotation) if info else None
    return dict(model.model_fields) if model else {}


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next(filter(None, map(_inner_model, get_args(annotation))), None)


def _describe(annotation: Any, metadata: list[Any]) -> str | None:
    if any(getattr(item, "pattern", None) for item in metadata):
        return _ID_EXPECTED
    if get_origin(annotation) is Literal:
        return "one of: " + ", ".join(map(str, get_args(annotation)))
    if annotation is _dt.date or annotation is str:
        return _DATE_EXPECTED if annotation is _dt.date else "a string"
    return "a mapping of fields" if _inner_model(annotation) is annotation else None


def _kind(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return "nothing (null)" if value is None else f"{str(value).lower()} (a boolean)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, (str, _dt.date)):
        return f"the {'text' if isinstance(value, str) else 'date'} {_show(value)}"
    return "a mapping" if isinstance(value, dict) else "a list" if isinstance(
        value, list) else f"a {type(value).__name__}"


def _show(value: Any) -> str:
    text = repr(value.isoformat() if isinstance(value, _dt.date) else value)
    return text if len(text) <= 60 else text[:57] + "..."


def _locate(positions: Positions, path: FieldPath) -> tuple[int | None, int | None]:
    for end in range(len(path), -1, -1):
        found = positions.get(tuple(path[:end]))
        if found:
            return found
    return None, None
