"""Rule text is data: code planted anywhere in a rulebook is refused or stays inert.

Each test plants payloads that would create a canary file if any stage ran them as Python (or
as a shell command) in one position of a small valid rulebook, loads it, and where it is
accepted assesses a case with both backends.  No canary may appear; a refused rulebook is a
coded CE2xx error naming the file and the line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from compliance_engine.assess import Engine
from compliance_engine.errors import EngineError, RulebookError

from test_syntax import CANDIDATE, FINDING, mini_case, mini_rulebook

RULES = Path("mini") / "rules.yaml"


def code_payloads(canary: Path) -> list[str]:
    """Python expressions that create ``canary`` when evaluated."""
    c = str(canary)
    return [f"exec(\"open('{c}','w')\")", f"__import__('os').system('touch {c}')",
            f"eval(\"open('{c}','w')\")", f"open('{c}','w')", f"(lambda: open('{c}','w'))()",
            f"f\"{{open('{c}','w')}}\"", f"'{{0}}'.format(open('{c}','w'))",
            f"print(open('{c}','w'))", f"breakpoint() or open('{c}','w')"]


def text_payloads(canary: Path) -> list[str]:
    """Strings that break out of a quoted constant or a template if pasted into code."""
    c = str(canary)
    return [*code_payloads(canary), f"'); open('{c}','w'); ('", f"\"); open('{c}','w'); (\"",
            f"\\'); open('{c}','w') #", f"{{open('{c}','w')}}", f"{{{{ open('{c}','w') }}}}",
            f"%(x)s\n__import__('os').system('touch {c}')\n", f"$(touch {c})", f"`touch {c}`"]


def edit(directory: Path, relative: Path | str, change: Callable[[Any], None]) -> None:
    """Load one file of the rulebook, change its data, write it back as YAML."""
    path = directory / relative
    yaml = YAML(typ="safe")
    data = yaml.load(path.read_text(encoding="utf-8"))
    change(data)
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)


def set_rule(index: int, text: str) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        data["rules"][index]["rule"] = text
    return change


def assert_inert(directory: Path, canary: Path) -> str:
    """Load, assess with both backends where accepted; no canary; 'refused' or 'accepted'."""
    try:
        engine = Engine(rules_dir=directory)
    except RulebookError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.code.startswith("CE2"), problem.format()
            assert problem.file and problem.line, problem.format()
        assert not canary.exists(), "a canary appeared while loading"
        return "refused"
    for name in ("clingo", "pydatalog"):
        try:
            engine.assess(mini_case(), engine=name)
        except EngineError as error:  # refusing is fine; running the payload is not
            assert all(p.code for p in error.problems)
        assert not canary.exists(), f"a canary appeared while assessing with {name}"
    return "accepted"


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    return (tmp_path / "CANARY").resolve()


def test_the_mini_rulebook_is_accepted_and_assessed(tmp_path: Path, canary: Path) -> None:
    assert assert_inert(mini_rulebook(tmp_path), canary) == "accepted"


@pytest.mark.parametrize("position", ["head", "body", "negated", "variable", "comparison",
                                      "whole rule"])
def test_code_in_rule_text_is_refused(tmp_path: Path, canary: Path, position: str) -> None:
    directory = mini_rulebook(tmp_path)
    for number, code in enumerate(code_payloads(canary)):
        text = {"head": f"{code} <= act(A)",
                "body": f"finding(D, A, C) <= candidate(D, A, C) & {code}",
                "negated": f"finding(D, A, C) <= candidate(D, A, C) & ~{code}",
                "variable": f"finding(D, A, C) <= candidate(D, A, C) & act_kind(A, {code})",
                "comparison": f"finding(D, A, C) <= candidate(D, A, C) & act_date(A, X) "
                              f"& (X < {code})",
                "whole rule": code}[position]
        edit(directory, RULES, set_rule(1, text))
        assert assert_inert(directory, canary) == "refused", (number, text)


@pytest.mark.parametrize("name", ["exec", "eval", "open", "print", "compile", "__import__",
                                  "breakpoint", "getattr", "globals", "match", "type",
                                  "__class__", "Exec"])
def test_predicates_named_like_python_are_refused_even_when_declared(
        tmp_path: Path, canary: Path, name: str) -> None:
    """A third-party rulebook declaring ``exec`` and concluding it: refused in the declaration
    (CE222 or the declaration format) and in the rule, each at its line."""
    directory = mini_rulebook(tmp_path)
    edit(directory, "predicates.yaml", lambda data: data["predicates"].append(
        {"name": name, "args": ["act"], "meaning": "A planted predicate."}))
    edit(directory, RULES, set_rule(1, f"{name}(A) <= act(A) & {name}(A)"))
    assert assert_inert(directory, canary) == "refused"
    error = rejected(directory)
    assert {"CE222", "CE213"} & set(error.codes)
    rule = [p for p in error.problems if p.path == "TEST.MINI.finding"]
    assert rule and rule[0].code == "CE222" and rule[0].file == "rules/mini/rules.yaml"
    assert rule[0].line == line_of(directory, "id: TEST.MINI.finding")


@pytest.mark.parametrize("variable", ["__import__", "__class__", "__builtins__", "_Anon1"])
def test_dunder_variables_are_refused(tmp_path: Path, canary: Path, variable: str) -> None:
    directory = mini_rulebook(tmp_path)
    edit(directory, RULES, set_rule(1, f"finding(D, A, C) <= candidate(D, A, C) "
                                       f"& act_kind(A, {variable})"))
    error = rejected(directory)
    assert error.codes == ["CE222"], str(error)
    assert (error.problems[0].file, error.problems[0].line) == (
        "rules/mini/rules.yaml", line_of(directory, "id: TEST.MINI.finding"))
    assert not canary.exists()


def test_code_in_constants_stays_inert_on_both_backends(tmp_path: Path, canary: Path) -> None:
    """A constant may hold anything: it is a value to both backends, matched and never run."""
    directory = mini_rulebook(tmp_path)
    for text in text_payloads(canary):
        edit(directory, RULES, set_rule(1, f"finding(D, A, C) <= candidate(D, A, C) "
                                           f"& act_kind(A, {text!r})"))
        assert assert_inert(directory, canary) == "accepted", text
        assert Engine(rules_dir=directory).rulebook.rules[1].parsed.body[1].atom.args[1].value \
            == text


def test_constant_that_is_the_case_fact_matches_like_any_other(tmp_path: Path) -> None:
    """The payload-bearing constant is still an ordinary value: 'train' written in the
    payload position concludes the same finding on both backends."""
    directory = mini_rulebook(tmp_path)
    edit(directory, RULES, set_rule(1, FINDING.replace("_)", "'train')")))
    engine = Engine(rules_dir=directory)
    results = [engine.assess(mini_case(), engine=name).result.model_dump(exclude={"engine"})
               for name in ("clingo", "pydatalog")]
    assert results[0] == results[1]
    assert results[0]["findings"][0]["status"] == "uncertain"


def _everywhere(payload: str) -> list[tuple[Path | str, Callable[[Any], None]]]:
    def rule_text(data: Any) -> None:
        rule = data["rules"][0]
        rule["statement"] = "Planted: " + payload
        rule["authorities"][0].update(pinpoint=payload, quote=payload)

    def module(data: Any) -> None:
        data.update(title=payload, short=payload)

    def declaration(data: Any) -> None:
        data["predicates"][0]["meaning"] = "Planted: " + payload
        data["predicates"][0]["args"] = [payload] * len(data["predicates"][0]["args"])

    def point(data: Any) -> None:
        data["points"][0]["question"] = payload
        data["points"][0]["readings"][0]["statement"] = payload

    def authority(data: Any) -> None:
        data["authorities"][0].update(cite="Test v. Case, 1 F.4th 1 (9th Cir. 2021) " + payload,
                                      note=payload, court=payload, short=payload)

    def meta(data: Any) -> None:
        data["title"] = payload

    return [(RULES, rule_text), (RULES, module), ("predicates.yaml", declaration),
            ("contested.yaml", point), ("authorities/test.yaml", authority),
            ("rulebook.yaml", meta)]


def test_code_in_every_text_field_stays_inert(tmp_path: Path, canary: Path) -> None:
    """Statements, citations, quotes, titles, meanings, questions, readings, the rulebook's
    title: text for readers, accepted as written, never run, on both backends."""
    for number, payload in enumerate(text_payloads(canary)):
        for place, change in _everywhere(payload):
            root = tmp_path / f"{number}-{str(place).replace('/', '-')}-{change.__name__}"
            root.mkdir()
            directory = mini_rulebook(root)
            edit(directory, place, change)
            assert assert_inert(directory, canary) == "accepted", (payload, place)


@pytest.mark.parametrize("field", ["reading", "point", "module", "rule id", "authority id",
                                   "predicate"])
def test_code_in_names_is_refused(tmp_path: Path, canary: Path, field: str) -> None:
    directory = mini_rulebook(tmp_path)
    payload = code_payloads(canary)[0]

    def change_rules(data: Any) -> None:
        if field == "reading":
            data["rules"][1]["reading"]["name"] = payload
        elif field == "point":
            data["rules"][1]["reading"]["point"] = payload
        elif field == "module":
            data["module"] = payload
        elif field == "rule id":
            data["rules"][1]["id"] = payload
        elif field == "authority id":
            data["rules"][1]["authorities"][0]["ref"] = payload

    if field == "predicate":
        edit(directory, "predicates.yaml", lambda data: data["predicates"].append(
            {"name": payload, "args": ["a"], "meaning": "Planted."}))
    else:
        edit(directory, RULES, change_rules)
    assert assert_inert(directory, canary) == "refused"


@pytest.mark.parametrize("tagged", [
    "!!python/object/apply:os.system ['touch {c}']",
    "!!python/object/apply:builtins.exec [\"open('{c}','w')\"]",
    "!!python/name:os.system",
    "!!python/object/new:subprocess.Popen [['touch', '{c}']]",
    "!shell touch {c}",
])
@pytest.mark.parametrize("place", ["rule", "statement", "contested", "authority", "predicate",
                                   "rulebook"])
def test_yaml_python_tags_are_refused(tmp_path: Path, canary: Path, tagged: str,
                                      place: str) -> None:
    directory = mini_rulebook(tmp_path)
    value = tagged.format(c=canary)
    target, old, new = {
        "rule": (RULES, f"rule: \"{FINDING}\"", f"rule: {value}"),
        "statement": (RULES, "statement: Acts on named works are candidates.",
                      f"statement: {value}"),
        "contested": ("contested.yaml", "question: Strict or lenient?", f"question: {value}"),
        "authority": ("authorities/test.yaml", "kind: binding_precedent",
                      f"kind: {value}"),
        "predicate": ("predicates.yaml", "meaning: Output candidate.",
                      f"meaning: {value}"),
        "rulebook": ("rulebook.yaml", "title: Mini", f"title: {value}"),
    }[place]
    path = directory / target
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert assert_inert(directory, canary) == "refused"
    error = rejected(directory)
    assert error.problems[0].code == "CE200" and error.problems[0].line is not None


def line_of(directory: Path, text: str) -> int:
    """The 1-based line of the rule file holding ``text``."""
    lines = (directory / RULES).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def rejected(directory: Path) -> RulebookError:
    with pytest.raises(RulebookError) as info:
        Engine(rules_dir=directory)
    return info.value


def test_candidate_rule_is_the_one_edited() -> None:
    """The canaries edit rule 1 (the finding); rule 0 stays the candidate rule."""
    assert CANDIDATE.startswith("candidate(")
