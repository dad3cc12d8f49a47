"""Hypothesis strategies for hostile case files: built from the case schema, and mutations of the
bundled case studies at the level of values, of structure and of the file's text.

Everything here produces *bytes on disk* as counsel or an importer would hand them to the engine:
a case document is drawn as plain data, then written as YAML or JSON (with the encodings real
tools use: ``json.dumps`` escapes emoji as surrogate pairs), and then possibly damaged as text.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import types
import typing
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from hypothesis import strategies as st
from pydantic import BaseModel
from ruamel.yaml import YAML

from compliance_engine.case.model import _REFERENCES, Case, CaseInfo

ROOT = Path(__file__).resolve().parents[2]
CASE_STUDIES = sorted((ROOT / "case_studies").glob("*/case.yaml"))
SMALL_STUDIES = [p for p in CASE_STUDIES if p.parent.name in (
    "exante_licensed", "eu_ai_act_gpai", "garante_openai", "ftc_everalbum", "gema", "cohere",
    "doe_github", "disney_midjourney", "eu_database_contract", "uk_secondary_import", "kadrey")]
"""Case studies that assess in a fraction of a second: the mutation fuzz spends its budget on
many inputs rather than on the largest cases (the case-study tests cover those)."""

Data = Any

# ------------------------------------------------------------------ odd values

ODD_STRINGS = [
    "", " ", "\n", "line one\nline two", 'quote " and \\ backslash', "tab\there", "\r\n",
    "\x1b[31mred\x1b[0m", "\x07bell", "\u202eevil\u202c", "\u2066isolate\u2069", "\x7f\x85",
    "😀 emoji", "\U0001f600" * 3, "\ud83d", "\udfff lone", "Ω≈ç√∫", "नमस्ते", "👩‍👩‍👧",
    "%s%n{0}{{x}}", "${HOME}", "$(touch ce-fuzz-canary)", "'; DROP TABLE acts; --",
    "\ufeffbom", "a" * 5000, "null", "true", "~", "0x1F", "1e309", "NaN", "2025-02-30",
    "9999-12-31", "0001-01-01", ".inf", "__import__('os')", "{{ 7 * 7 }}",
]
ODD_NUMBERS = [0, -1, 1, 2**31 - 1, 2**31, -2**31 - 1, 2**53 + 1, 2**63, 10**30, -10**30,
               0.5, -0.0, 1e308, float("inf"), float("-inf"), float("nan")]
ODD_DATES = [dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(1970, 1, 1), dt.date(2000, 2, 29),
             dt.date(1899, 12, 31), dt.date(2100, 1, 1)]


def odd_values() -> st.SearchStrategy[Data]:
    scalars = st.one_of(
        st.sampled_from(ODD_STRINGS), st.sampled_from(ODD_NUMBERS), st.sampled_from(ODD_DATES),
        st.none(), st.booleans(), st.text(max_size=40),
        st.integers(min_value=-2**70, max_value=2**70), st.floats(allow_nan=True),
        st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
    return st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
        max_leaves=6)


# ------------------------------------------------------------------ schema-built cases

_KINDS = {"party": "p", "work": "w", "source": "s", "dataset": "d", "model": "m",
          "artefact": "sdm", "target": "sdmaw", "requirement": "ex"}
_PREFIX = {"parties": "p", "works": "w", "sources": "s", "datasets": "d", "models": "m",
           "acts": "a", "mitigations": "x", "events": "e"}
_IDS = {prefix: [f"{prefix}{n}" for n in range(1, 3)] for prefix in "pwsdmaxe"}


def _reference(kind: str) -> st.SearchStrategy[str]:
    pool = [i for prefix in _KINDS[kind] for i in _IDS[prefix]]
    return st.sampled_from([*pool, *pool, *pool, "nobody", "a1"])  # mostly the right kind


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    metadata: list[Any] = []
    while get_origin(annotation) is typing.Annotated:
        annotation, *extra = get_args(annotation)
        for item in extra:  # a pydantic Field holds its constraints in its own metadata
            metadata.extend([item, *getattr(item, "metadata", [])])
    return annotation, metadata


_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)


def _for(annotation: Any, field: str, collection: str | None,
         metadata: list[Any] | None = None) -> st.SearchStrategy[Data]:
    annotation, inner = _unwrap(annotation)
    metadata = [*(metadata or []), *inner]
    origin = get_origin(annotation)
    references = dict(_REFERENCES.get(collection or "", ()))
    if origin in (typing.Union, types.UnionType):
        options = [a for a in get_args(annotation) if a is not type(None)]
        return st.one_of(st.none(), *(_for(a, field, collection, metadata) for a in options))
    if origin is Literal:
        return st.sampled_from(get_args(annotation))
    if origin is list:
        (item,) = get_args(annotation)
        return st.lists(_for(item, field, collection), max_size=3)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _record(annotation, collection)
    if field in references and annotation is str:
        return _reference(references[field])
    if field == "parent":
        return _reference("artefact")
    pattern = next((getattr(m, "pattern", None) for m in metadata
                    if getattr(m, "pattern", None)), None)
    if annotation is str:
        return st.from_regex(pattern, fullmatch=True) if pattern else _TEXT
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        return st.integers(min_value=0, max_value=10**6)
    if annotation is float:
        return st.floats(min_value=0, max_value=1e6)
    if annotation is dt.date:
        return st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))
    return odd_values()


def _record(model: type[BaseModel], collection: str | None) -> st.SearchStrategy[Data]:
    required: dict[str, st.SearchStrategy[Data]] = {}
    optional: dict[str, st.SearchStrategy[Data]] = {}
    for name, info in model.model_fields.items():
        strategy = _for(info.annotation, name, collection, info.metadata)
        (required if info.is_required() else optional)[name] = strategy
    return st.fixed_dictionaries(required, optional=optional)


@st.composite
def schema_cases(draw: st.DrawFn) -> Data:
    """A case document drawn field by field from the case schema; ids come from small pools so
    that references often (not always) resolve."""
    document: dict[str, Data] = {"case": draw(_record(CaseInfo, None))}
    for collection, prefix in _PREFIX.items():
        annotation = Case.model_fields[collection].annotation
        (model,) = get_args(annotation)
        ids = draw(st.lists(st.sampled_from(_IDS[prefix]), max_size=2, unique=True))
        records = []
        for record_id in ids:
            record = draw(_record(model, collection))
            record["id"] = record_id
            records.append(record)
        if records:
            document[collection] = records
    return document


# ------------------------------------------------------------------ mutations of data

def _places(data: Data, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    places = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            places += _places(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            places += _places(value, (*path, index))
    return places


def _get(data: Data, path: tuple[Any, ...]) -> Data:
    for part in path:
        data = data[part]
    return data


Mutation = Literal["odd", "delete", "null", "duplicate", "unknown_key", "deep", "reference",
                   "swap", "same_type"]
_WEIGHTED: list[Mutation] = [*typing.get_args(Mutation), "same_type", "same_type", "same_type",
                             "null", "same_type"]
"""Half the changes keep the value's type, so that most mutated files still load and the rest of
the engine (encoding, lineage, solving, rendering) sees odd but valid values."""


_IDENTIFYING = {"id", "parent", "kind", *(name for fields in _REFERENCES.values()
                                          for name, _ in fields)}
"""Keys whose values an odd value of the same type would only make a dangling reference."""


def _same_type(value: Data) -> st.SearchStrategy[Data]:
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.sampled_from([n for n in ODD_NUMBERS if isinstance(n, int)])
    if isinstance(value, (dt.date, str)) and _looks_like_date(value):
        return st.one_of(st.sampled_from(ODD_DATES),
                         st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
    if isinstance(value, str):
        return st.one_of(st.sampled_from(ODD_STRINGS), st.text(max_size=20),
                         st.just(value + "\n" + value))
    if isinstance(value, list):
        return st.permutations(value) if value else st.just([])
    return st.just(value)


def _looks_like_date(value: Data) -> bool:
    return isinstance(value, dt.date) or (len(value) == 10 and value[4:5] == "-")


@st.composite
def mutated(draw: st.DrawFn, document: Data, max_mutations: int = 4) -> Data:
    """``document`` with a few random changes: odd values, deleted or duplicated parts, unknown
    keys, deep nesting, references swapped to other ids.  One time in two the changes only put
    odd values of the right type and unknowns (null), so that the file still loads and reaches
    the solver and the reports."""
    data = json.loads(json.dumps(document, default=str))  # a private copy
    gentle = draw(st.booleans())
    for _ in range(draw(st.integers(min_value=1, max_value=max_mutations))):
        places = _places(data)
        path = draw(st.sampled_from(places))
        if gentle and _IDENTIFYING & {part for part in path if isinstance(part, str)}:
            continue  # ids and references stay as they are
        kind: Mutation = draw(st.sampled_from(["same_type", "same_type", "null"] if gentle
                                              else _WEIGHTED))
        if not path:
            if kind == "odd":
                data = draw(odd_values())
                break
            continue
        parent, key = _get(data, path[:-1]), path[-1]
        if kind == "odd":
            parent[key] = draw(odd_values())
        elif kind == "same_type":
            parent[key] = draw(_same_type(parent[key]))
        elif kind == "delete":
            del parent[key]
        elif kind == "null":
            parent[key] = None
        elif kind == "duplicate" and isinstance(parent, list):
            parent.insert(key, json.loads(json.dumps(parent[key])))
        elif kind == "unknown_key" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "Date", "ID", "acts ", "__class__"]))] = 1
        elif kind == "deep":
            parent[key] = _nest(draw(st.integers(min_value=2, max_value=400)))
        elif kind == "reference" and isinstance(parent[key], str):
            parent[key] = draw(st.sampled_from([i for ids in _IDS.values() for i in ids]))
        elif kind == "swap":
            other = draw(st.sampled_from(places))
            if other and other[:len(path)] != path and path[:len(other)] != other:
                parent[key] = json.loads(json.dumps(_get(data, other)))
    return data


def _nest(depth: int) -> Data:
    value: Data = "bottom"
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


def case_study(path: Path) -> Data:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ writing and damaging text

def dump(data: Data, form: Literal["yaml", "json-ascii", "json-utf8"]) -> str:
    if form == "yaml":
        stream = io.StringIO()
        yaml = YAML(typ="safe", pure=True)
        yaml.allow_unicode = True
        try:
            yaml.dump(data, stream)
        except Exception:  # noqa: BLE001 - a value the emitter cannot write: use JSON (is YAML)
            return json.dumps(data, default=str, ensure_ascii=True)
        return stream.getvalue()
    return json.dumps(data, default=str, ensure_ascii=form == "json-ascii", indent=1)


TEXT_DAMAGE = Literal["none", "truncate", "bytes", "anchor", "tag", "bomb", "indent", "bom",
                      "repeat_line"]
_TAGS = ["!!omap", "!!set", "!!binary", "!!python/object/apply:os.system",
         "!!python/name:os.system", "!custom", "!!str", "!!int", "!!float", "!!timestamp",
         "!!null", "!!bool", "!!map", "!!seq", "!<tag:example.com,2000:x>"]


@st.composite
def damaged(draw: st.DrawFn, text: str) -> bytes:
    """The text of a case file, possibly damaged the way hand editing and hostile tools do."""
    kind: TEXT_DAMAGE = draw(st.sampled_from(typing.get_args(TEXT_DAMAGE)))
    data = text.encode("utf-8", "surrogatepass")
    lines = text.splitlines(keepends=True) or [""]
    index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
    if kind == "truncate":
        return data[:draw(st.integers(min_value=0, max_value=len(data)))]
    if kind == "bytes":
        at = draw(st.integers(min_value=0, max_value=len(data)))
        junk = draw(st.sampled_from([b"\x00", b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"\t",
                                     b"\r", b"\x1b[2J", b": :", b"{", b"[", b"&", b"*", b"%"]))
        return data[:at] + junk + data[at:]
    if kind in ("anchor", "tag"):
        line = lines[index]
        head, sep, rest = line.partition(": ")
        if not sep:
            head, sep, rest = line.partition("- ")
        if sep:
            marker = ("&anchor1 " if kind == "anchor" else draw(st.sampled_from(_TAGS)) + " ")
            lines[index] = head + sep + marker + rest
            if kind == "anchor":
                other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
                h2, s2, r2 = lines[other].partition(": ")
                if s2 and other != index:
                    lines[other] = h2 + s2 + "*anchor1" + ("\n" if r2.endswith("\n") else "")
        return "".join(lines).encode("utf-8", "surrogatepass")
    if kind == "bomb":
        width = draw(st.integers(min_value=2, max_value=12))
        depth = draw(st.integers(min_value=2, max_value=9))
        bomb = [f'l0: &l0 "{"x" * draw(st.integers(min_value=1, max_value=100_000))}"\n']
        bomb += [f"l{d}: &l{d} [{', '.join([f'*l{d - 1}'] * width)}]\n"
                 for d in range(1, depth + 1)]
        return ("".join(bomb) + text).encode("utf-8", "surrogatepass")
    if kind == "indent":
        lines[index] = " " * draw(st.integers(min_value=1, max_value=7)) + lines[index]
        return "".join(lines).encode("utf-8", "surrogatepass")
    if kind == "bom":
        return b"\xef\xbb\xbf" + data
    if kind == "repeat_line":
        lines.insert(index, lines[index])
        return "".join(lines).encode("utf-8", "surrogatepass")
    return data
