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


# --------------------------------------------------------------------------- issue 12: accepted
# but wrong rulebooks, each refused with its file and line (on the small rulebook of test_syntax)

def mini(tmp_path: Path) -> Path:
    from test_syntax import mini_rulebook

    return mini_rulebook(tmp_path)


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def only(error: RulebookError, code: str) -> tuple[str | None, int | None]:
    assert error.codes == [code], str(error)
    return error.problems[0].file, error.problems[0].line


RULES_FILE = Path("mini") / "rules.yaml"


@pytest.mark.parametrize(("old", "new", "code", "line"), [
    ("statement: Acts on named works are candidates.", "statement: '            '", "CE213", 6),
    ("title: Mini rules", "title: '   '", "CE213", 2),
    ("jurisdiction: us", "jurisdiction: atlantis", "CE213", 3),
    ("& (D <= T)", "& (D <= 3000000000)", "CE223", 5),
    ("& (D <= T)", "& (D + 2147483000 <= T)", "CE223", 5),
    ("& (D <= T)", "& (D - 99999999999 <= T)", "CE223", 5),
    ("candidate('TEST.DOC', A, C)", "print(A)", "CE222", 5),
    ("& act_works(A, C)", "& act_works(A, __class__)", "CE222", 5),
])
def test_wrong_rule_files_are_refused_at_their_line(tmp_path: Path, old: str, new: str,
                                                    code: str, line: int) -> None:
    directory = mini(tmp_path)
    replace_in(directory / RULES_FILE, old, new)
    assert only(rejected(directory), code) == ("rules/mini/rules.yaml", line)


def test_blank_citation_is_refused(tmp_path: Path) -> None:
    directory = mini(tmp_path)
    replace_in(directory / "authorities" / "test.yaml",
               'cite: "Test v. Case, 1 F.4th 1 (9th Cir. 2021)"', 'cite: "    "')
    error = rejected(directory)
    assert "CE213" in error.codes and "blank" in str(error)
    assert {(p.file, p.line) for p in error.problems if p.code == "CE213"} == {
        ("rules/authorities/test.yaml", 2)}


def test_valid_to_before_valid_from(tmp_path: Path) -> None:
    directory = mini(tmp_path)
    replace_in(directory / RULES_FILE, "jurisdiction: us\n",
               "jurisdiction: us\nvalid_from: 2025-01-01\n")
    replace_in(directory / RULES_FILE, "    authorities: [{ref: test-case, grade: analysis}]",
               "    valid_to: 2024-12-31\n    authorities: [{ref: test-case, grade: analysis}]")
    assert only(rejected(directory), "CE224") == ("rules/mini/rules.yaml", 10)
    assert "never in force" in str(rejected(directory))


@pytest.mark.parametrize("content", ["", "# only a comment\n", "null\n", "{}\n"])
@pytest.mark.parametrize("name", ["mini/rules.yaml", "rulebook.yaml", "contested.yaml"])
def test_empty_files_are_refused(tmp_path: Path, content: str, name: str) -> None:
    directory = mini(tmp_path)
    (directory / name).write_text(content, encoding="utf-8")
    error = rejected(directory)
    assert "CE225" in error.codes
    assert ("rules/" + name, 1) in {(p.file, p.line) for p in error.problems}


def test_rule_file_without_rules_is_refused(tmp_path: Path) -> None:
    directory = mini(tmp_path)
    (directory / "empty.yaml").write_text("module: TEST.EMPTY\ntitle: Empty\n"
                                          "jurisdiction: us\nrules: []\n", encoding="utf-8")
    assert only(rejected(directory), "CE213") == ("rules/empty.yaml", 4)


@pytest.mark.parametrize("name", ["extra.yml", "EXTRA.YAML", "mini/more.yml"])
def test_files_the_loader_would_skip_are_refused(tmp_path: Path, name: str) -> None:
    directory = mini(tmp_path)
    (directory / name).write_text((directory / RULES_FILE).read_text(encoding="utf-8"))
    assert only(rejected(directory), "CE226") == ("rules/" + name, 1)


def test_unreadable_entries_are_refused(tmp_path: Path) -> None:
    directory = mini(tmp_path)
    (directory / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (directory / "folder.yaml").mkdir()
    error = rejected(directory)
    assert error.codes == ["CE200", "CE200"], str(error)
    assert {(p.file, p.line) for p in error.problems} == {("rules/folder.yaml", 1),
                                                          ("rules/gone.yaml", 1)}


def test_not_utf8_names_its_line(tmp_path: Path) -> None:
    directory = mini(tmp_path)
    (directory / RULES_FILE).write_bytes(b"module: TEST.MINI\ntitle: \xff\n")
    assert only(rejected(directory), "CE200") == ("rules/mini/rules.yaml", 2)


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    import time

    directory = mini(tmp_path)
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    (directory / "bomb.yaml").write_text("\n".join(lines) + "\nrules: *a9\n", encoding="utf-8")
    started = time.monotonic()
    error = rejected(directory)
    assert time.monotonic() - started < 10
    assert only(error, "CE227") == ("rules/bomb.yaml", 1)


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    directory = mini(tmp_path)
    (directory / "loop.yaml").write_text("rules: &r [*r]\n", encoding="utf-8")
    assert only(rejected(directory), "CE227") == ("rules/loop.yaml", 1)


def test_declaration_problems_name_their_file_and_line(tmp_path: Path) -> None:
    """Problems about a declaration (not a rule) are located at the declaration."""
    directory = mini(tmp_path)
    with (directory / "predicates.yaml").open("a", encoding="utf-8") as out:
        out.write("  - {name: test_unused, args: [a], meaning: Never concluded.}\n"
                  "  - {name: test_unused, args: [a], meaning: Declared twice.}\n")
    with (directory / "authorities" / "test.yaml").open("a", encoding="utf-8") as out:
        out.write("  - {id: test-case, cite: \"Again v. Again\", kind: statute, "
                  "jurisdiction: us}\n"
                  "  - {id: test-order, cite: \"An order\", kind: persuasive_decision, "
                  "jurisdiction: us}\n")
    error = rejected(directory)
    assert sorted(error.codes) == ["CE212", "CE215", "CE219", "CE221"], str(error)
    where = {p.code: (p.file, p.line) for p in error.problems}
    assert where["CE212"] == ("rules/predicates.yaml", 17)
    assert where["CE221"] == ("rules/predicates.yaml", 16)
    assert where["CE215"] == ("rules/authorities/test.yaml", 3)
    assert where["CE219"] == ("rules/authorities/test.yaml", 4)
    assert all(p.file and p.line for p in error.problems)
