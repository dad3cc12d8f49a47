"""Loading case files: every bad input becomes a coded, located CaseFileError."""

from __future__ import annotations

import datetime as dt
import json
import pathlib

import pytest

from compliance_engine.case.load import LoadedCase, format_path, load_case
from compliance_engine.errors import CaseFileError, Problem

VALID_YAML = """\
case: {id: demo, title: Demo, as_of: 2026-01-01}
parties:
  - {id: dev, name: Dev Co, roles: [developer]}
acts:
  - {id: a1, kind: train, actor: dev, date: 2024-01-01}
"""

VALID_JSON = {
    "case": {"id": "demo", "title": "Demo", "as_of": "2026-01-01"},
    "parties": [{"id": "dev", "name": "Dev Co", "roles": ["developer"]}],
    "acts": [{"id": "a1", "kind": "train", "actor": "dev", "date": "2024-01-01"}],
}


def write(tmp_path: pathlib.Path, name: str, content: str | bytes) -> pathlib.Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def only_problem(path: pathlib.Path) -> tuple[Problem, str]:
    with pytest.raises(CaseFileError) as info:
        load_case(path)
    assert len(info.value.problems) == 1, str(info.value)
    return info.value.problems[0], str(info.value)


def test_valid_yaml_and_json_load_to_equal_cases(tmp_path: pathlib.Path) -> None:
    from_yaml = load_case(write(tmp_path, "case.yaml", VALID_YAML))
    from_json = load_case(write(tmp_path, "case.json", json.dumps(VALID_JSON, indent=2)))
    assert isinstance(from_yaml, LoadedCase)
    assert from_yaml.case == from_json.case
    assert from_yaml.case.acts[0].date == dt.date(2024, 1, 1)
    assert from_yaml.case.case.as_of == dt.date(2026, 1, 1)
    assert from_yaml.path == tmp_path / "case.yaml"
    assert len(from_yaml.sha256) == 64 and from_yaml.sha256 != from_json.sha256


def test_positions_and_locate_for_nested_fields(tmp_path: pathlib.Path) -> None:
    text = VALID_YAML.replace("  - {id: a1, kind: train, actor: dev, date: 2024-01-01}\n",
                              "  - id: a1\n    kind: train\n    actor: dev\n"
                              "    date: 2024-01-01\n    inputs: []\n")
    loaded = load_case(write(tmp_path, "case.yaml", text))
    assert loaded.positions[("acts", 0, "date")] == (8, 5)
    assert loaded.positions[("parties", 0, "roles", 0)] == (3, 37)
    assert loaded.locate(("acts", 0, "actor")) == (7, 5)
    # An absent field is located at its nearest ancestor: the act's own entry on line 5.
    assert loaded.locate(("acts", 0, "output")) == (5, 5)
    assert loaded.locate(("acts", 0, "inputs", 3)) == (9, 5)


def test_positions_for_json(tmp_path: pathlib.Path) -> None:
    loaded = load_case(write(tmp_path, "case.json", json.dumps(VALID_JSON, indent=2)))
    line_of_date = json.dumps(VALID_JSON, indent=2).splitlines().index('      "date": "2024-01-01"')
    assert loaded.locate(("acts", 0, "date"))[0] == line_of_date + 1


def test_format_path() -> None:
    assert format_path(("acts", 2, "date")) == "acts[2].date"
    assert format_path(("parties", 0, "roles", 1)) == "parties[0].roles[1]"
    assert format_path(()) == ""


def test_wrong_type(tmp_path: pathlib.Path) -> None:
    text = VALID_YAML + "works:\n  - id: w1\n    count: many\n"
    problem, message = only_problem(write(tmp_path, "case.yaml", text))
    assert problem.code == "CE110"
    assert (problem.line, problem.column) == (8, 5)
    assert problem.path == "works[0].count"
    assert problem.expected == "a whole number"
    assert "case.yaml:8:5: works[0].count: wrong type" in message
    assert "[CE110]" in message and "pydantic" not in message


def test_bad_literal_lists_choices(tmp_path: pathlib.Path) -> None:
    text = VALID_YAML.replace("kind: train", "kind: teach")
    problem, message = only_problem(write(tmp_path, "case.yaml", text))
    assert (problem.code, problem.line, problem.path) == ("CE110", 5, "acts[0].kind")
    assert problem.expected is not None
    assert problem.expected.startswith("one of: acquire, store, process, train")
    assert "'teach'" in message


def test_wrong_boolean(tmp_path: pathlib.Path) -> None:
    text = VALID_YAML + "    commercial: yes\n"
    text = text.replace("  - {id: a1, kind: train, actor: dev, date: 2024-01-01}\n",
                        "  - id: a1\n    kind: train\n    actor: dev\n")
    problem, message = only_problem(write(tmp_path, "case.yaml", text))
    assert (problem.code, problem.line, problem.path) == ("CE110", 8, "acts[0].commercial")
    assert "(expected true or false)" in message


def test_dangling_reference(tmp_path: pathlib.Path) -> None:
    text = VALID_YAML.replace("actor: dev", "actor: ghost")
    problem, message = only_problem(write(tmp_path, "case.yaml", text))
    assert problem.code == "CE120"
    assert (problem.line, problem.path) == (5, "acts[0].actor")
    assert "unknown party id 'ghost'" in message
    assert "case.yaml:5:" in message and "acts[0].actor" in message


def test_dangling_reference_in_a_list(tmp_path: pathlib.Path) -> None:
    text = VALID_YAML + "  - id: a2\n    kind: process\n    actor: dev\n    inputs:\n      - nope\n"
    problem, message = only_problem(write(tmp_path, "case.yaml", text))
    assert (problem.code, problem.line, problem.path) == ("CE120", 10, "acts[1].inputs[0]")
    assert "case.yaml:10:" in message


def test_unknown_field(tmp_path: pathlib.Path) -> None:
    text = VALID_YAML.replace("actor: dev, date", "actor: dev, dat")
    problem, message = only_problem(write(tmp_path, "case.yaml", text))
    assert problem.code == "CE111"
    assert (problem.line, problem.path) == (5, "acts[0].dat")
    assert "unknown field 'dat'; did you mean 'date'?" in message
    assert "case.yaml:5:" in message


def test_missing_field_is_located_at_its_parent(tmp_path: pathlib.Path) -> None:
    text = VALID_YAML + "  - id: a2\n    actor: dev\n"
    problem, message = only_problem(write(tmp_path, "case.yaml", text))
    assert (problem.code, problem.line, problem.path) == ("CE112", 6, "acts[1].kind")
    assert "missing required field 'kind'" in message
    assert problem.expected is not None and problem.expected.startswith("one of: acquire")


@pytest.mark.parametrize("value", ["2025-13-45", "last spring", "2024-01-01T10:30:00"])
def test_bad_date(tmp_path: pathlib.Path, value: str) -> None:
    text = VALID_YAML.replace("date: 2024-01-01", f"date: {value}")
    problem, message = only_problem(write(tmp_path, "case.yaml", text))
    assert problem.code == "CE113"
    assert (problem.line, problem.path) == (5, "acts[0].date")
    assert problem.expected == "a date YYYY-MM-DD"
    assert f"case.yaml:5:39: acts[0].date: not a valid date: '{value}'" in message


def test_all_validation_problems_reported_sorted_by_line(tmp_path: pathlib.Path) -> None:
    text = VALID_YAML.replace("date: 2024-01-01", "date: last spring").replace(
        "as_of: 2026-01-01", "as_of: 2026-01-01, colour: red")
    with pytest.raises(CaseFileError) as info:
        load_case(write(tmp_path, "case.yaml", text))
    assert info.value.codes == ["CE111", "CE113"]
    assert [p.line for p in info.value.problems] == [1, 5]


def test_yaml_syntax_error(tmp_path: pathlib.Path) -> None:
    text = VALID_YAML + "events: [\n  {id: e1\n"
    problem, message = only_problem(write(tmp_path, "case.yaml", text))
    assert problem.code == "CE103"
    assert problem.line == 8
    assert "YAML syntax error" in message and "case.yaml:8:" in message


def test_yaml_bad_indentation(tmp_path: pathlib.Path) -> None:
    text = "case:\n  id: demo\n title: Demo\n"
    problem, _ = only_problem(write(tmp_path, "case.yaml", text))
    assert (problem.code, problem.line) == ("CE103", 3)


def test_json_syntax_error(tmp_path: pathlib.Path) -> None:
    text = '{\n  "case": {"id": "demo",},\n  "acts": []\n}\n'
    problem, message = only_problem(write(tmp_path, "case.json", text))
    assert problem.code == "CE103"
    assert (problem.line, problem.column) == (2, 25)
    assert "JSON syntax error" in message and "case.json:2:25:" in message


def test_empty_file(tmp_path: pathlib.Path) -> None:
    for content in ("", "  \n\n\t \n"):
        problem, message = only_problem(write(tmp_path, "case.yaml", content))
        assert (problem.code, problem.line) == ("CE101", 1)
        assert "empty" in message


def test_comment_only_file(tmp_path: pathlib.Path) -> None:
    problem, _ = only_problem(write(tmp_path, "case.yaml", "# nothing yet\n"))
    assert problem.code == "CE101"


@pytest.mark.parametrize(("content", "line"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 1),
    (b"case: x\n\n\x00\x00", 3),
    (b"case:\n  title: caf\xe9\n", 2),
])
def test_binary_file(tmp_path: pathlib.Path, content: bytes, line: int) -> None:
    problem, message = only_problem(write(tmp_path, "case.yaml", content))
    assert (problem.code, problem.line) == ("CE102", line)
    assert "not a text file" in message


def test_duplicate_key(tmp_path: pathlib.Path) -> None:
    text = VALID_YAML + "parties: []\n"
    problem, message = only_problem(write(tmp_path, "case.yaml", text))
    assert (problem.code, problem.line) == ("CE104", 6)
    assert "duplicate key 'parties'" in message and "case.yaml:6:" in message


def test_duplicate_key_in_json(tmp_path: pathlib.Path) -> None:
    text = '{\n  "case": {"id": "demo", "title": "Demo", "as_of": "2026-01-01"},\n' \
           '  "acts": [],\n  "acts": []\n}\n'
    problem, _ = only_problem(write(tmp_path, "case.json", text))
    assert (problem.code, problem.line) == ("CE104", 4)


@pytest.mark.parametrize(("name", "content"), [
    ("case.yaml", "- case: {id: demo}\n- parties: []\n"),
    ("case.json", '[{"case": {"id": "demo"}}]'),
    ("case.yaml", "just a sentence\n"),
])
def test_top_level_not_a_mapping(tmp_path: pathlib.Path, name: str, content: str) -> None:
    problem, message = only_problem(write(tmp_path, name, content))
    assert (problem.code, problem.line) == ("CE105", 1)
    assert "top level must be a mapping" in message


def test_missing_file_and_directory(tmp_path: pathlib.Path) -> None:
    problem, message = only_problem(tmp_path / "absent.yaml")
    assert problem.code == "CE100" and "no such file" in message
    problem, _ = only_problem(tmp_path)
    assert problem.code == "CE100"


def test_unknown_suffix_is_read_as_yaml(tmp_path: pathlib.Path) -> None:
    loaded = load_case(write(tmp_path, "case.txt", VALID_YAML))
    assert loaded.case.parties[0].id == "dev"


def test_round_trip_types_do_not_reach_the_model(tmp_path: pathlib.Path) -> None:
    # Hex ints, anchored booleans and aliased lists arrive as plain int, bool and list.
    text = VALID_YAML + (
        "  - {id: a2, kind: store, actor: dev, commercial: &yes true, retained: *yes}\n"
        "works:\n  - {id: w1, count: 0x10, owners: &own [dev]}\n  - {id: w2, owners: *own}\n")
    loaded = load_case(write(tmp_path, "case.yml", text))
    assert type(loaded.case.works[0].count) is int and loaded.case.works[0].count == 16
    assert loaded.case.works[1].owners == ["dev"]
    assert loaded.case.acts[1].commercial is True and loaded.case.acts[1].retained is True
