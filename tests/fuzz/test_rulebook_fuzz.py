"""Fuzz third-party rulebooks: the shipped rulebook with one file mutated, canary payloads in
every place rule text can hold them.  A mutated rulebook is refused with coded problems naming
the file and the line, or it loads and a case assesses on both backends; in no case does any
payload run (no canary file appears) and nothing raises anything but a coded error.

``FUZZ_EXAMPLES`` sets the budget with the case fuzz: one rulebook per hundred inputs (at
least 8).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from fuzz_oracle import check_problems, limits
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from compliance_engine.assess import Engine
from compliance_engine.case.load import load_case
from compliance_engine.errors import EngineError
from compliance_engine.rulebook.load import default_rules_dir

BUDGET = max(8, int(os.environ.get("FUZZ_EXAMPLES", "300")) // 100)
ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "case_studies" / "exante_licensed" / "case.yaml"
"""Small enough for the reference backend, and it exercises rules of every core module."""


def payloads(canary: Path) -> list[str]:
    """Python that would create ``canary`` if any part of the engine evaluated it."""
    c = str(canary)
    return [f"exec(\"open('{c}','w')\")", f"eval(\"open('{c}','w')\")", f"open('{c}', 'w')",
            f"__import__('os').system('touch {c}')", f"__import__(\"pathlib\").Path(\"{c}\").touch()", f"(lambda: open('{c}','w'))()", f"{{open('{c}','w')}}",
            f"{{{{ cycler.__init__.__globals__.os.system('touch {c}') }}}}",
            f"!!python/object/apply:os.system ['touch {c}']"]


_NAMES = ["exec", "eval", "open", "print", "__import__", "globals", "__class__", "lambda",
          "import", "None", "True", "_", "__X__", "os", "sys", "compile", "getattr", "type",
          "pyEngine", "pyDatalog", "match", "case", "ask", "load"]


def _rule_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.yaml") if "rules" in p.read_text("utf-8")[:4000]
                  and p.parent.name != "authorities")


@st.composite
def mutation(draw: st.DrawFn, rule_text: str, canary: Path) -> str:
    """``rule_text`` with a payload or a hostile name put into one place."""
    payload = draw(st.sampled_from(payloads(canary)))
    name = draw(st.sampled_from(_NAMES))
    head, arrow, body = rule_text.partition(" <= ")
    where = draw(st.sampled_from(["head_pred", "body_pred", "body_literal", "constant",
                                  "variable", "whole", "comparison", "junk"]))
    if where == "head_pred":
        return re.sub(r"^\w+", name, rule_text)
    if where == "body_pred" and arrow:
        return head + arrow + re.sub(r"^\s*~?\s*\w+", name, body, count=1)
    if where == "body_literal" and arrow:
        return head + arrow + body + " & " + payload
    if where == "constant":
        swapped = re.sub(r"'[^']*'", lambda _: repr(payload), rule_text, count=1)
        return swapped if swapped != rule_text else rule_text + f" & ({payload!r} == 'x')"
    if where == "variable":
        return re.sub(r"\b[A-Z]\w*\b", name, rule_text, count=1)
    if where == "comparison" and arrow:
        big = draw(st.sampled_from(["2147483648", "99999999999999999999", "-2147483649",
                                    "1e309", "0x10"]))
        variable = (re.findall(r"\b[A-Z]\w*", head) or ["X"])[0]
        return head + arrow + body + f" & ({variable} < {big})"
    if where == "junk":
        at = draw(st.integers(0, len(rule_text)))
        return rule_text[:at] + draw(st.sampled_from(["(", ")", "<=", "~", "&", "|", ";", "'",
                                                      "\"", "\\", "\n", "#", ",", " "])) + \
            rule_text[at:]
    return payload


@pytest.fixture(scope="module")
def shipped_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("shipped") / "rules"
    shutil.copytree(default_rules_dir(), directory)
    return directory


@settings(max_examples=BUDGET, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_rulebooks_never_run_rule_text(shipped_copy: Path, tmp_path_factory:
                                               pytest.TempPathFactory,
                                               data: st.DataObject) -> None:
    base = tmp_path_factory.mktemp("rulebook")
    directory, canary = base / "rules", base / "CANARY"
    shutil.copytree(shipped_copy, directory)
    target = data.draw(st.sampled_from(_rule_files(directory)))
    yaml = YAML(typ="rt")
    document = yaml.load(target.read_text(encoding="utf-8"))
    rules = document["rules"]
    index = data.draw(st.integers(0, len(rules) - 1))
    field = data.draw(st.sampled_from(["rule", "rule", "rule", "statement", "id", "citation",
                                       "valid"]))
    if field == "rule":
        rules[index]["rule"] = data.draw(mutation(str(rules[index]["rule"]), canary))
    elif field == "citation" and rules[index].get("authorities"):
        rules[index]["authorities"][0]["pinpoint"] = data.draw(st.sampled_from(payloads(canary)))
    elif field == "valid":
        rules[index]["valid_from"], rules[index]["valid_to"] = "2030-01-01", "2020-01-01"
    else:
        rules[index][field] = data.draw(st.sampled_from(payloads(canary)))
    with target.open("w", encoding="utf-8") as stream:
        yaml.dump(document, stream)
    relative = target.relative_to(base)
    with limits():
        try:
            engine = Engine(directory)
            for backend in ("clingo", "pydatalog"):
                engine.assess(load_case(CASE), engine=backend)  # type: ignore[arg-type]
        except EngineError as error:
            for problem in error.problems:
                assert problem.code.startswith(("CE2", "CE3")), problem.format()
                assert problem.file and problem.line is not None, \
                    f"rulebook problem without file and line: {problem.format()}"
            if error.problems[0].code.startswith("CE2"):
                assert any(Path(p.file or "").name == relative.name for p in error.problems), \
                    f"the error does not name the mutated file {relative}: {error.format()}"
            else:
                check_problems(error, CASE)
    assert not canary.exists(), f"rule text was executed: {canary} was created"
