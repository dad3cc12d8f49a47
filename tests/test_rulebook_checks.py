"""The rulebook front end rejects every kind of bad rule with a coded, located error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from compliance_engine.assess import Engine
from compliance_engine.errors import RulebookError
from compliance_engine.rulebook.load import default_rules_dir

AUTHORITY = '      - {ref: test-statute, grade: analysis}\n'
HEADER = "module: TEST.BAD\ntitle: Bad rules for the checks\njurisdiction: us\nrules:\n"
FOOTER = ("authorities:\n"
          "  - {id: test-statute, cite: \"17 U.S.C. §106\", kind: statute, jurisdiction: us}\n")


def rulebook_with(tmp_path: Path, *rules: str, extra_predicates: str = "") -> Path:
    """A copy of the shipped rules plus ``rules/bad.yaml`` holding ``rules`` (YAML items)."""
    directory = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), directory)
    (directory / "bad.yaml").write_text(HEADER + "".join(rules) + FOOTER, encoding="utf-8")
    if extra_predicates:
        with (directory / "predicates.yaml").open("a", encoding="utf-8") as out:
            out.write(extra_predicates)
    return directory


def rule(rule_id: str, text: str, *, authorities: bool = True, extra: str = "") -> str:
    out = (f"  - id: {rule_id}\n    statement: A rule written for a test.\n"
           f"    rule: \"{text}\"\n{extra}")
    return out + ("    authorities:\n" + AUTHORITY if authorities else "")


def rejected(directory: Path) -> RulebookError:
    with pytest.raises(RulebookError) as info:
        Engine(rules_dir=directory)
    return info.value


def assert_single(error: RulebookError, code: str, rule_id: str, line: int) -> None:
    """Exactly one problem, with this code, naming the rule, the file and the line."""
    assert error.codes == [code], str(error)
    problem = error.problems[0]
    assert (problem.file, problem.line, problem.path) == ("rules/bad.yaml", line, rule_id)
    message = str(error)
    assert f"rules/bad.yaml:{line}" in message and rule_id in message
    assert f"[{code}]" in message


def test_shipped_rulebook_loads_and_every_rule_cites_a_graded_authority() -> None:
    engine = Engine()
    book = engine.rulebook
    assert book.rules and book.version != "unversioned"
    ids = [r.id for r in book.rules]
    assert len(ids) == len(set(ids))
    for r in book.rules:
        assert r.decl.authorities, r.id
        assert all(a.grade in ("settled", "contested", "analysis") for a in r.decl.authorities)
    for point in book.points.values():
        for reading in point.readings:
            assert reading.authorities and all(a.grade for a in reading.authorities)


def test_copy_of_shipped_rulebook_loads(tmp_path: Path) -> None:
    directory = rulebook_with(tmp_path, rule(
        "TEST.BAD.fine", "act_in_scope(A) <= act(A) & act_date(A, D) & (D <= 20300101)"))
    book = Engine(rules_dir=directory).rulebook
    assert book.rule("TEST.BAD.fine").file == "rules/bad.yaml"
    assert book.rule("TEST.BAD.fine").line == 5


def test_unsafe_head_variable(tmp_path: Path) -> None:
    error = rejected(rulebook_with(tmp_path, rule(
        "TEST.BAD.unsafe-head", "act_concerns(A, C) <= act(A)")))
    assert_single(error, "CE206", "TEST.BAD.unsafe-head", 5)
    assert "unsafe head variable(s) C" in str(error)


def test_variable_only_under_negation(tmp_path: Path) -> None:
    error = rejected(rulebook_with(tmp_path, rule(
        "TEST.BAD.negated-only", "act_in_scope(A) <= act(A) & ~work_owners(C, A)")))
    assert_single(error, "CE206", "TEST.BAD.negated-only", 5)
    assert "unsafe variable(s) C in negated condition ~work_owners(C, A)" in str(error)


def test_anonymous_variable_under_negation(tmp_path: Path) -> None:
    error = rejected(rulebook_with(tmp_path, rule(
        "TEST.BAD.negated-anon", "act_in_scope(A) <= act(A) & ~act_works(A, _)")))
    assert_single(error, "CE206", "TEST.BAD.negated-anon", 5)
    assert "ambiguous" in str(error)


def test_unsafe_comparison(tmp_path: Path) -> None:
    error = rejected(rulebook_with(tmp_path, rule(
        "TEST.BAD.compare", "act_in_scope(A) <= (D < 20200101) & act_date(A, D)")))
    assert_single(error, "CE206", "TEST.BAD.compare", 5)
    assert "comparison" in str(error)


def test_misspelled_predicate_suggests_the_right_one(tmp_path: Path) -> None:
    error = rejected(rulebook_with(tmp_path, rule(
        "TEST.BAD.typo", "act_in_scope(A) <= act(A) & act_dtae(A, D) & (D < 20200101)")))
    assert_single(error, "CE204", "TEST.BAD.typo", 5)
    assert "undeclared predicate 'act_dtae' in the body; did you mean 'act_date'?" in str(error)


def test_misspelled_head_predicate(tmp_path: Path) -> None:
    error = rejected(rulebook_with(tmp_path, rule(
        "TEST.BAD.head-typo", "retention_akt(A) <= act(A)")))
    assert_single(error, "CE204", "TEST.BAD.head-typo", 5)
    assert "did you mean 'retention_act'?" in str(error)


def test_arity_mismatch(tmp_path: Path) -> None:
    error = rejected(rulebook_with(tmp_path, rule(
        "TEST.BAD.arity", "act_in_scope(A) <= act_kind(A)")))
    assert_single(error, "CE205", "TEST.BAD.arity", 5)
    assert "act_kind takes 2 argument(s), 1 given in the body" in str(error)
    assert error.problems[0].expected is not None
    assert error.problems[0].expected.startswith("act_kind(")


def test_cycle_through_negation(tmp_path: Path) -> None:
    declarations = (
        "  - name: test_p\n    args: [act id]\n    meaning: Test predicate p.\n"
        "  - name: test_q\n    args: [act id]\n    meaning: Test predicate q.\n")
    directory = rulebook_with(
        tmp_path,
        rule("TEST.BAD.p", "test_p(A) <= act(A) & ~test_q(A)"),
        rule("TEST.BAD.q", "test_q(A) <= act(A) & ~test_p(A)"),
        extra_predicates=declarations)
    error = rejected(directory)
    assert error.codes == ["CE208", "CE208"], str(error)
    assert {p.path for p in error.problems} == {"TEST.BAD.p", "TEST.BAD.q"}
    assert {(p.file, p.line) for p in error.problems} == {("rules/bad.yaml", 5),
                                                          ("rules/bad.yaml", 10)}
    message = str(error)
    assert "cycle: test_p -> test_q" in message
    assert "rules/bad.yaml:5" in message and "rules/bad.yaml:10" in message


def test_declared_predicates_alone_load(tmp_path: Path) -> None:
    """The cycle test's declarations are not themselves the problem."""
    declarations = ("  - name: test_p\n    args: [act id]\n    meaning: Test predicate p.\n"
                    "    kind: output\n")
    directory = rulebook_with(tmp_path, rule("TEST.BAD.p", "test_p(A) <= act(A)"),
                              extra_predicates=declarations)
    data = YAML(typ="safe").load((directory / "predicates.yaml").read_text(encoding="utf-8"))
    assert data["predicates"][-1]["name"] == "test_p"
    assert Engine(rules_dir=directory).rulebook.predicates["test_p"].arity == 1


@pytest.mark.parametrize(("text", "word", "column"), [
    ("act_in_scope(A) <= act(A) and act_retained(A)", "and", None),
    ("act_in_scope(A) <= act(A) & act_retained(A) or act_kind(A, 'store')", "or", None),
    ("act_in_scope(A) <= act(A) & not act_retained(A)", "not", 29),
    ("act_in_scope(A) <= act(A) & (not act_retained(A))", "not", 30),
])
def test_python_boolean_operators(tmp_path: Path, text: str, word: str,
                                  column: int | None) -> None:
    error = rejected(rulebook_with(tmp_path, rule("TEST.BAD.python", text)))
    assert_single(error, "CE201", "TEST.BAD.python", 5)
    problem = error.problems[0]
    assert f"Python '{word}'" in problem.message or "'and'/'or'" in problem.message
    assert problem.column is not None
    if column is not None:
        assert problem.column == column
        assert f"rules/bad.yaml:5:{column}: TEST.BAD.python" in str(error)


def test_duplicate_rule_id(tmp_path: Path) -> None:
    error = rejected(rulebook_with(
        tmp_path,
        rule("TEST.BAD.twice", "act_in_scope(A) <= act(A)"),
        rule("TEST.BAD.twice", "retention_act(A) <= act(A)")))
    assert_single(error, "CE202", "TEST.BAD.twice", 10)
    assert "first defined at rules/bad.yaml:5" in str(error)


def test_duplicate_of_a_shipped_rule_id(tmp_path: Path) -> None:
    # files are read in path order, so rules/bad.yaml comes before rules/core/acts.yaml
    error = rejected(rulebook_with(tmp_path, rule(
        "CORE.ACTS.in-scope", "act_in_scope(A) <= act(A)")))
    assert error.codes == ["CE202"], str(error)
    problem = error.problems[0]
    assert (problem.file, problem.path) == ("rules/core/acts.yaml", "CORE.ACTS.in-scope")
    assert "first defined at rules/bad.yaml:5" in str(error)


def test_rule_without_authorities(tmp_path: Path) -> None:
    error = rejected(rulebook_with(tmp_path, rule(
        "TEST.BAD.uncited", "act_in_scope(A) <= act(A)", authorities=False)))
    assert_single(error, "CE203", "TEST.BAD.uncited", 5)
    assert "cites no authority" in str(error)


def test_reading_naming_an_unknown_point(tmp_path: Path) -> None:
    error = rejected(rulebook_with(tmp_path, rule(
        "TEST.BAD.reading", "act_in_scope(A) <= act(A)",
        extra="    reading: {point: model_as_kopy, name: memorised_weights_are_copies}\n")))
    assert_single(error, "CE209", "TEST.BAD.reading", 5)
    message = str(error)
    assert "unknown contested point 'model_as_kopy'" in message
    assert "model_as_copy" in message  # the expected list names the real points


def test_reading_naming_an_unknown_reading(tmp_path: Path) -> None:
    error = rejected(rulebook_with(tmp_path, rule(
        "TEST.BAD.reading-name", "act_in_scope(A) <= act(A)",
        extra="    reading: {point: model_as_copy, name: weights_are_copies}\n")))
    assert_single(error, "CE209", "TEST.BAD.reading-name", 5)
    assert "memorised_weights_are_copies" in str(error)


def test_rule_concluding_a_case_fact(tmp_path: Path) -> None:
    error = rejected(rulebook_with(tmp_path, rule(
        "TEST.BAD.base-head", "act_retained(A) <= act_kind(A, 'store')")))
    assert_single(error, "CE210", "TEST.BAD.base-head", 5)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    error = rejected(rulebook_with(
        tmp_path,
        rule("TEST.BAD.one", "act_in_scope(A) <= act_kind(A)"),
        rule("TEST.BAD.two", "act_in_scope(A) <= act(A) and act_retained(A)"),
        rule("TEST.BAD.three", "act_in_scope(A) <= act(A)", authorities=False)))
    assert sorted(error.codes) == ["CE201", "CE203", "CE205"]
    assert {p.path for p in error.problems} == {"TEST.BAD.one", "TEST.BAD.two",
                                                "TEST.BAD.three"}


@pytest.mark.parametrize("content", ["rules: [\n", "valid_from: 2024-13-45\n", "\x00\x01"])
def test_unreadable_rule_file_is_an_error_not_a_crash(tmp_path: Path, content: str) -> None:
    directory = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), directory)
    (directory / "broken.yaml").write_text(content, encoding="utf-8")
    error = rejected(directory)
    assert "CE200" in error.codes and "broken.yaml" in str(error)


def test_effect_code_outside_the_contract_is_rejected(tmp_path: Path) -> None:
    directory = rulebook_with(tmp_path, rule(
        "TEST.BAD.code", "effect(M, D, A, C, 'cured') <= addresses(M, D, A, C)"))
    error = rejected(directory)
    assert error.codes == ["CE214"]
    assert "TEST.BAD.code" in str(error) and "'cure'" in str(error)
