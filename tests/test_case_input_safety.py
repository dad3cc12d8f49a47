"""Hostile case files: every one is answered or refused with a located, coded error, within
bounded time and memory (issue 12).  Each test reproduces an input that used to crash, hang or
exhaust memory."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
from typing import Any

import clingo
import pytest

from compliance_engine.assess import Engine
from compliance_engine.case import limits
from compliance_engine.case.encode import _date_classes, _neighbours
from compliance_engine.case.load import load_case
from compliance_engine.errors import CaseFileError, Problem
from compliance_engine.facts import Fact, date_value
from compliance_engine.lineage import MAX_LINEAGE_DEPTH
from compliance_engine.solver.clingo_backend import _const, _parse, _symbol

HEAD = """\
case: {id: demo, title: Demo, as_of: 2026-01-01}
parties:
  - {id: dev, name: Dev Co, roles: [developer]}
acts:
  - {id: a1, kind: train, actor: dev, date: 2024-01-01}
"""


def case_json(**extra: Any) -> dict[str, Any]:
    return {"case": {"id": "demo", "title": "Demo", "as_of": "2026-01-01"},
            "parties": [{"id": "dev", "name": "Dev Co", "roles": ["developer"]}],
            "acts": [{"id": "a1", "kind": "train", "actor": "dev", "date": "2024-01-01"}],
            **extra}


def write(tmp_path: pathlib.Path, name: str, content: str) -> pathlib.Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def refused(path: pathlib.Path) -> Problem:
    with pytest.raises(CaseFileError) as info:
        load_case(path)
    assert len(info.value.problems) == 1, info.value.format()
    problem = info.value.problems[0]
    assert problem.file == str(path) and problem.line is not None, problem
    return problem


# --------------------------------------------------------------------------- YAML tags and keys

@pytest.mark.parametrize(("text", "line", "tag"), [
    (HEAD.replace("parties:", "parties: !!omap"), 2, "!!omap"),
    (HEAD + "works: !!set {a, b}\n", 6, "!!set"),
    (HEAD + "works: !!pairs [{a: 1}]\n", 6, "!!pairs"),
    (HEAD.replace("title: Demo", "title: !!binary aGVsbG8="), 1, "!!binary"),
    (HEAD.replace("title: Demo", "title: !custom Demo"), 1, "!custom"),
    (HEAD.replace("case: {", "case: !custom {"), 1, "!custom"),
    (HEAD.replace("acts:\n", "acts: !!str\n"), 4, "!!str"),
    (HEAD.replace("roles: [developer]", "roles: !!map [developer]"), 3, "!!map"),
])
def test_yaml_tags_outside_the_core_schema_are_refused(tmp_path: pathlib.Path, text: str,
                                                       line: int, tag: str) -> None:
    problem = refused(write(tmp_path, "case.yaml", text))
    assert (problem.code, problem.line) == ("CE106", line)
    assert repr(tag) in problem.message


def test_core_scalar_tags_are_read_as_their_value(tmp_path: pathlib.Path) -> None:
    text = HEAD.replace("title: Demo", "title: !!str 2024") + \
        "works:\n  - {id: w, count: !!int 3}\n"
    loaded = load_case(write(tmp_path, "case.yaml", text))
    assert loaded.case.case.title == "2024" and loaded.case.works[0].count == 3
    text += "disputes:\n  - {record: w, field: count, versions: [{value: !!int 2, " \
            "source: a}, {value: !!float 3, source: b}]}\n"
    versions = load_case(write(tmp_path, "more.yaml", text.replace(", count: !!int 3", "")))
    assert [v.value for v in versions.case.disputes[0].versions] == [2, 3.0]
    assert type(versions.case.disputes[0].versions[1].value) is float


@pytest.mark.parametrize(("key", "kind"), [
    ("{a: 1}", "a mapping"), ("[a, b]", "a list"), ("null", "null"), ("1.5", "a number"),
    ("2024", "a number"), ("true", "true or false"), ("2024-01-01", "a date"),
])
def test_keys_that_are_not_field_names_are_refused(tmp_path: pathlib.Path, key: str,
                                                   kind: str) -> None:
    text = HEAD + f"? {key}\n: x\n"
    problem = refused(write(tmp_path, "case.yaml", text))
    assert (problem.code, problem.line, problem.column) == ("CE107", 6, 3)
    assert problem.message == f"a key must be a field name, not {kind}"


def test_merge_keys_and_aliases_still_work(tmp_path: pathlib.Path) -> None:
    text = HEAD + "works:\n  - &w {id: w1, count: 3, owners: [dev]}\n  - {<<: *w, id: w2}\n"
    works = load_case(write(tmp_path, "case.yaml", text)).case.works
    assert [(w.id, w.count, w.owners) for w in works] == [("w1", 3, ["dev"]), ("w2", 3, ["dev"])]
    only_merged = HEAD.replace("parties:\n", "base: &p {id: dev, name: Dev Co}\nparties:\n")
    with pytest.raises(CaseFileError) as info:  # a mapping of merged keys only
        load_case(write(tmp_path, "merged.yaml", only_merged + "x:\n  <<: *p\n"))
    assert [(p.code, p.path, p.line) for p in info.value.problems] == [
        ("CE111", "base", 2), ("CE111", "x", 7)]


# --------------------------------------------------------------------------- text and numbers

def test_json_dumps_emoji_escapes_load_as_the_emoji_and_reach_the_json_result(
        tmp_path: pathlib.Path, engine: Engine) -> None:
    title = "Demo \U0001F600 caf\u00e9"
    text = json.dumps(case_json(case={"id": "demo", "title": title, "as_of": "2026-01-01"}))
    assert "\\ud83d\\ude00" in text  # what json.dumps writes: a surrogate pair
    loaded = load_case(write(tmp_path, "case.json", text))
    assert loaded.case.case.title == title
    result = engine.assess(loaded).result
    assert json.loads(result.model_dump_json())["case"]["title"] == title


def test_a_surrogate_pair_escape_in_yaml_is_the_emoji(tmp_path: pathlib.Path) -> None:
    text = HEAD.replace("title: Demo", 'title: "Demo \\ud83d\\ude00"')
    assert load_case(write(tmp_path, "case.yaml", text)).case.case.title == "Demo \U0001F600"


@pytest.mark.parametrize(("name", "text", "path", "what"), [
    ("case.json", json.dumps(case_json()).replace('"Demo"', '"Demo \\ud83d"'),
     "case.title", "lone surrogate U+D83D"),
    ("case.json", json.dumps(case_json()).replace('"Dev Co"', '"Dev \\ude00 Co"'),
     "parties[0].name", "lone surrogate U+DE00"),
    ("case.json", json.dumps(case_json()).replace('"Demo"', '"De\\u0000mo"'), "case.title",
     "NUL character"),
    ("case.yaml", HEAD.replace("title: Demo", 'title: "Demo \\ud83d"'), "case.title",
     "lone surrogate U+D83D"),
    ("case.yaml", HEAD.replace("title: Demo", 'title: "De\\0mo"'), "case.title",
     "NUL character"),
])
def test_text_no_solver_can_carry_is_refused_with_its_field(tmp_path: pathlib.Path, name: str,
                                                            text: str, path: str,
                                                            what: str) -> None:
    problem = refused(write(tmp_path, name, text))
    assert (problem.code, problem.path) == ("CE109", path)
    assert what in problem.message


@pytest.mark.parametrize("bad", ["Dev \ud83d Co", "Dev\x00Co"])
def test_a_case_built_in_python_cannot_carry_such_text_either(bad: str) -> None:
    """The API path (``Case.model_validate``, no loader) refuses it too, naming the field,
    before any solver sees it; a real emoji is text like any other."""
    from pydantic import ValidationError

    from compliance_engine.case.model import Case

    data = case_json()
    data["parties"][0]["name"] = bad
    with pytest.raises(ValidationError) as info:
        Case.model_validate(data)
    assert [error["loc"] for error in info.value.errors()] == [("parties", 0, "name")]
    data["parties"][0]["name"] = "Dev \U0001f600 Co"
    assert Case.model_validate(data).parties[0].name == "Dev \U0001f600 Co"


@pytest.mark.parametrize(("count", "message"), [
    ("NaN", "'NaN' is not a number"), ("Infinity", "'Infinity' is not a number"),
    ("-Infinity", "'-Infinity' is not a number"), ("1e999", "inf is not a number"),
    ("9" * 5000, "is not a number"), ("2147483648", "the number 2147483648 is out of range"),
    ("-2147483649", "the number -2147483649 is out of range"),
])
def test_numbers_the_solver_or_json_cannot_carry_are_refused(tmp_path: pathlib.Path, count: str,
                                                             message: str) -> None:
    text = json.dumps(case_json(works=[{"id": "w", "count": 0}]), indent=1).replace(
        '"count": 0', f'"count": {count}')
    problem = refused(write(tmp_path, "case.json", text))
    assert (problem.code, problem.path) == ("CE110", "works[0].count")
    assert problem.line == text.splitlines().index(f'   "count": {count}') + 1
    assert message in problem.message


@pytest.mark.parametrize("count", ["2147483648", "0x80000000", "99999999999999", ".nan", ".inf"])
def test_yaml_numbers_out_of_range_are_refused(tmp_path: pathlib.Path, count: str) -> None:
    text = HEAD + f"works:\n  - {{id: w, count: {count}}}\n"
    problem = refused(write(tmp_path, "case.yaml", text))
    assert (problem.code, problem.path, problem.line) == ("CE110", "works[0].count", 7)


def test_the_largest_32_bit_number_is_accepted(tmp_path: pathlib.Path) -> None:
    text = HEAD + "works:\n  - {id: w, count: 2147483647}\n"
    assert load_case(write(tmp_path, "case.yaml", text)).case.works[0].count == 2**31 - 1


TRICKY = ["line\nbreak", 'quote " inside', "back\\slash", "tab\there", "bell\x07\x1b[31m",
          "cr\rlf", "\\n literally", 'end\\', "\u2028sep", "emoji \U0001F600"]


@pytest.mark.parametrize("text", TRICKY)
def test_strings_round_trip_through_clingo(text: str) -> None:
    control = clingo.Control(["--warn=none"])
    control.add("base", [], f"p({_const(text)}).")
    control.ground([("base", [])])
    (atom,) = [a.symbol for a in control.symbolic_atoms]
    assert atom.arguments[0].string == text
    assert _parse(str(atom)) == Fact("p", (text,))
    assert _parse(str(_symbol(Fact("q", (text, 3))))) == Fact("q", (text, 3))


def test_control_characters_in_fact_fields_reach_the_solver_unchanged(
        tmp_path: pathlib.Path, engine: Engine) -> None:
    text = "\n".join(TRICKY[:6])
    data = case_json(
        case={"id": "demo", "title": text, "as_of": "2026-01-01", "claims_pleaded": []},
        sources=[{"id": "s", "name": text, "terms": {"licence": text}}],
        works=[{"id": "w", "compilation_of": text, "sources": ["s"]}],
        mitigations=[{"id": "m", "kind": "settlement_release", "claims": [text, "x\ny"]}])
    loaded = load_case(write(tmp_path, "case.json", json.dumps(data)))
    usage = engine.program(loaded.case.case.as_of)[1]
    from compliance_engine.case.encode import encode_case

    facts = encode_case(loaded.case, usage, file="case.json").facts
    assert Fact("source_licence", ("s", text)) in facts
    assert Fact("work_compilation_of", ("w", text)) in facts
    assert Fact("mitigation_claims", ("m", text)) in facts
    result = engine.assess(loaded).result  # no CE301
    assert json.loads(result.model_dump_json())["case"]["title"] == text


# --------------------------------------------------------------------------- dates at the edges

def test_date_classes_stop_at_the_ends_of_the_calendar() -> None:
    assert [label for _, label in _date_classes([date_value(dt.date.max)])] == [
        "before 9999-12-31", "on 9999-12-31"]
    assert [label for _, label in _date_classes([date_value(dt.date.min)])] == [
        "on 0001-01-01", "after 0001-01-01"]


def test_thresholds_past_the_calendar_split_nothing() -> None:
    assert _neighbours(100020601) == []  # 9999-06-01 plus three years
    assert _neighbours(99990231) == [99990228, 99990301]
    assert _neighbours(20230229) == [20230228, 20230301]


@pytest.mark.parametrize("day", ["9999-12-31", "9999-06-01", "0001-01-01", "1000-01-01"])
def test_extreme_dates_are_assessed(tmp_path: pathlib.Path, engine: Engine, day: str) -> None:
    # an act on that day and a suit of unknown date: the limitation rules compare the suit's
    # date with the act's plus three years (9999-06-01 + 3 years is no date)
    as_of = max(day, "2026-01-01")  # rules in force on the day of the assessment
    text = f"""\
case: {{id: demo, title: Demo, as_of: {as_of}}}
parties:
  - {{id: dev, name: Dev, roles: [developer, defendant]}}
  - {{id: au, name: Author, roles: [right_holder, claimant]}}
works:
  - {{id: w, kind: book, owners: [au], protected: true, registered: true, sources: [s]}}
sources:
  - {{id: s, name: S, kind: shadow_library, pirated: true}}
acts:
  - {{id: a1, kind: acquire, actor: dev, date: {day}, method: download, source: s, works: [w]}}
events:
  - {{id: e1, kind: suit, by: au, against: dev}}
"""
    result = engine.assess(load_case(write(tmp_path, "case.yaml", text))).result
    assert result.findings and json.loads(result.model_dump_json())["as_of"] == as_of


# --------------------------------------------------------------------------- bounded resources

def test_a_100000_record_file_without_aliases_loads(tmp_path: pathlib.Path) -> None:
    acts = [{"id": f"a{i}", "kind": "train", "actor": "dev", "date": "2024-01-01",
             "method": "download", "purpose": "training", "commercial": True,
             "retained": False, "lawful_copy": False, "knowing": True, "seeded": False,
             "inputs": []} for i in range(100_000)]  # 1.4 million values
    text = json.dumps(case_json(acts=acts), indent=0, separators=(",", ":"))
    assert len(text) < limits.MAX_FILE_BYTES
    loaded = load_case(write(tmp_path, "case.json", text))
    assert len(loaded.case.acts) == 100_000
    assert loaded.locate(("acts", 99_999, "date")) == (
        text.splitlines().index('"id":"a99999",') + 4, 1)


def test_yaml_without_aliases_is_not_taken_for_an_alias_bomb(tmp_path: pathlib.Path,
                                                              monkeypatch: Any) -> None:
    monkeypatch.setattr(limits, "MAX_VALUES", 20_000)
    rows = "".join(f"  - {{id: b{i}, kind: train, actor: dev}}\n" for i in range(2_400))
    text = HEAD + rows  # 2,400 records of 7 values each: 16,800 values, under the limit
    assert len(load_case(write(tmp_path, "case.yaml", text)).case.acts) == 2_401
    more = rows.replace("id: b", "id: c")
    problem = refused(write(tmp_path, "more.yaml", text + more))  # 33,600: over it
    assert problem.code == "CE108" and "20000 values" in problem.message


def test_billion_laughs_is_refused_without_expanding(tmp_path: pathlib.Path) -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    problem = refused(write(tmp_path, "case.yaml", "\n".join(lines) + "\n"))
    assert (problem.code, problem.line) == ("CE108", 7)
    assert f"more than {limits.MAX_VALUES} values" in problem.message


def test_a_large_string_aliased_many_times_is_refused(tmp_path: pathlib.Path) -> None:
    big = "x" * 50_000
    text = HEAD + f"sources:\n  - {{id: s0, name: &big {big}}}\n" + "".join(
        f"  - {{id: s{i}, name: *big}}\n" for i in range(1, 2_000))
    problem = refused(write(tmp_path, "case.yaml", text))
    assert problem.code == "CE108" and "characters of text" in problem.message
    # refused at the alias that passes the limit, before anything is expanded
    crossing = limits.MAX_EXPANDED_CHARS // len(big)
    assert abs(problem.line - (7 + crossing)) < 10  # the keys and ids count too
    assert text.splitlines()[problem.line - 1].endswith("name: *big}")


def test_a_megabyte_string_aliased_20000_times_is_refused(tmp_path: pathlib.Path) -> None:
    text = HEAD + f"sources:\n  - {{id: s0, name: &big {'x' * 2**20}}}\n" + "".join(
        f"  - {{id: s{i}, name: *big}}\n" for i in range(1, 20_000))
    problem = refused(write(tmp_path, "case.yaml", text))
    assert (problem.code, problem.line) == ("CE108", 7)
    assert problem.expected == f"at most {limits.MAX_STRING_CHARS} characters"


def test_too_many_aliases_and_self_containing_aliases(tmp_path: pathlib.Path) -> None:
    text = HEAD + "works:\n  - {id: w, owners: &o [dev]}\n" + "".join(
        f"  - {{id: w{i}, owners: *o}}\n" for i in range(limits.MAX_ALIASES + 1))
    problem = refused(write(tmp_path, "case.yaml", text))
    assert (problem.code, problem.line) == ("CE108", limits.MAX_ALIASES + 8)
    problem = refused(write(tmp_path, "self.yaml", HEAD + "works: &x [*x]\n"))
    assert (problem.code, problem.line) == ("CE108", 6)
    assert "contains it" in problem.message


def test_long_strings_are_refused_in_yaml_and_json(tmp_path: pathlib.Path) -> None:
    long = "y" * (limits.MAX_STRING_CHARS + 1)
    problem = refused(write(tmp_path, "case.yaml", HEAD.replace("title: Demo", f"title: {long}")))
    assert (problem.code, problem.line) == ("CE108", 1)
    data = case_json(case={"id": "demo", "title": long, "as_of": "2026-01-01"})
    problem = refused(write(tmp_path, "case.json", json.dumps(data)))
    assert (problem.code, problem.path) == ("CE108", "case.title")


@pytest.mark.parametrize(("name", "depth"), [("case.yaml", 40), ("case.json", 40),
                                             ("case.json", 100_000), ("case.yaml", 100_000)])
def test_deep_nesting_is_refused_at_its_line(tmp_path: pathlib.Path, name: str,
                                             depth: int) -> None:
    nested = "[" * depth + "]" * depth
    text = f'{{"case":\n {nested}}}' if name.endswith("json") else f"case:\n {nested}\n"
    problem = refused(write(tmp_path, name, text))
    assert (problem.code, problem.line) == ("CE108", 2)
    assert problem.expected == f"at most {limits.MAX_DEPTH} levels"


def test_files_over_the_size_limit_are_refused_unread(tmp_path: pathlib.Path,
                                                      monkeypatch: Any) -> None:
    from compliance_engine.case import load

    monkeypatch.setattr(load, "MAX_FILE_BYTES", 1000)
    problem = refused(write(tmp_path, "case.yaml", HEAD + "# " + "z" * 1000 + "\n"))
    assert (problem.code, problem.line) == ("CE108", 1)
    assert problem.expected == "at most 1000 bytes"


# --------------------------------------------------------------------------- lineage

def chain(depth: int, **extra: Any) -> dict[str, Any]:
    datasets = [{"id": f"d{i}", "name": "D",
                 "derived_from": [{"parent": f"d{i - 1}" if i else "s0"}]} for i in range(depth)]
    return case_json(sources=[{"id": "s0", "name": "S"}], datasets=datasets, **extra)


def test_a_2000_deep_dataset_chain_is_refused_before_the_closure(tmp_path: pathlib.Path,
                                                                 engine: Engine) -> None:
    path = write(tmp_path, "case.json", json.dumps(chain(2_000), indent=1))
    with pytest.raises(CaseFileError) as info:
        engine.assess(load_case(path))
    (problem,) = info.value.problems
    place = f"datasets[{MAX_LINEAGE_DEPTH}].derived_from[0]"
    assert (problem.code, problem.file, problem.path) == ("CE122", str(path), place)
    assert problem.line == load_case(path).locate(
        ("datasets", MAX_LINEAGE_DEPTH, "derived_from", 0))[0]


def test_lineages_within_the_limits_are_assessed(tmp_path: pathlib.Path,
                                                 engine: Engine) -> None:
    path = write(tmp_path, "case.json", json.dumps(chain(MAX_LINEAGE_DEPTH)))
    assert engine.assess(load_case(path)).result.case.id == "demo"


def test_the_pair_limit_is_checked(tmp_path: pathlib.Path, engine: Engine,
                                   monkeypatch: Any) -> None:
    from compliance_engine import lineage

    monkeypatch.setattr(lineage, "MAX_LINEAGE_PAIRS", 100)
    path = write(tmp_path, "case.json", json.dumps(chain(20)))  # 210 pairs
    with pytest.raises(CaseFileError) as info:
        engine.assess(load_case(path))
    (problem,) = info.value.problems
    assert (problem.code, problem.path) == ("CE122", "datasets[13].derived_from[0]")
    assert problem.line is not None


def test_a_lineage_cycle_names_its_place(tmp_path: pathlib.Path, engine: Engine) -> None:
    data = chain(3)
    data["datasets"][0]["derived_from"] = [{"parent": "d2"}]
    path = write(tmp_path, "case.json", json.dumps(data, indent=1))
    with pytest.raises(CaseFileError) as info:
        engine.assess(load_case(path))
    (problem,) = info.value.problems
    assert problem.code == "CE121" and problem.line is not None and problem.path


# --------------------------------------------------------------------------- JSON positions

def test_json_positions_are_those_of_the_yaml_reading(tmp_path: pathlib.Path) -> None:
    root = pathlib.Path(__file__).resolve().parents[1] / "case_studies"
    for study in sorted(root.glob("*/case.yaml"))[:6]:
        from_yaml = load_case(study)
        data = json.loads(json.dumps(from_yaml.case.model_dump(mode="json", exclude_none=True)))
        text = json.dumps(data, indent=2)
        from_json = load_case(write(tmp_path, "case.json", text))
        assert from_json.case == load_case(write(tmp_path, "case.yml", text)).case
        assert from_json.positions == load_case(write(tmp_path, "case.yml", text)).positions


def test_nested_duplicate_json_key_is_located(tmp_path: pathlib.Path) -> None:
    text = json.dumps(case_json(), indent=1).replace('"actor": "dev",', '"actor": "dev",\n'
                                                                        '"actor": "x",')
    problem = refused(write(tmp_path, "case.json", text))
    assert (problem.code, problem.message) == ("CE104", "duplicate key 'actor'")
    assert problem.line == text.splitlines().index('"actor": "x",') + 1


@pytest.mark.parametrize(("text", "code"), [("", "CE101"), ("# nothing\n", "CE101"),
                                            ("null\n", "CE101"), ("[1, 2]\n", "CE105")])
def test_whole_file_errors_are_at_line_1(tmp_path: pathlib.Path, text: str, code: str) -> None:
    assert (refused(write(tmp_path, "case.yaml", text)).code) == code


@pytest.mark.parametrize("value", ["!!int abc", "!!float x", "!!bool maybe", "!!null x",
                                   "!!timestamp notadate"])
def test_a_tag_that_disagrees_with_its_value_is_refused_at_its_place(tmp_path: pathlib.Path,
                                                                     value: str) -> None:
    text = HEAD + f"works:\n  - {{id: w, count: {value}}}\n"
    problem = refused(write(tmp_path, "case.yaml", text))
    assert (problem.code, problem.line, problem.column) == ("CE106", 7, 20)


@pytest.mark.parametrize(("value", "code"), [("2.5", "CE110"), ("[1]", "CE110"),
                                             ("null", "CE112")])
def test_a_disputed_version_of_the_wrong_type_has_its_own_code(tmp_path: pathlib.Path,
                                                               value: str, code: str) -> None:
    text = HEAD + "works:\n  - {id: w}\ndisputes:\n  - {record: w, field: count, versions: " \
                  f"[{{value: 3, source: a}}, {{value: {value}, source: b}}]}}\n"
    problem = refused(write(tmp_path, "case.yaml", text))
    assert (problem.code, problem.path) == (code, "disputes[0].versions[1].value")
