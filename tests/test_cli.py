"""The command line: commands, exit codes, output streams and refusing to overwrite files."""

from __future__ import annotations

import json
import pathlib
import shutil

import pytest
from click.testing import CliRunner, Result

from compliance_engine import result as r
from compliance_engine.cli import exit_status, main

ROOT = pathlib.Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
BARTZ = ROOT / "case_studies" / "bartz" / "case.yaml"

GOOD_CASE = """\
case: {id: demo, title: Demo, as_of: 2026-01-01}
parties:
  - {id: dev, name: Dev Co, roles: [developer]}
acts:
  - {id: a1, kind: train, actor: dev, date: 2024-01-01}
"""

BAD_CASE = """\
case: {id: demo, title: Demo, as_of: 2026-01-01}
parties:
  - {id: dev, name: Dev Co, roles: [developer]}
acts:
  - {id: a1, kind: sing, actor: dev, date: 2024-01-01}
"""

UNSAFE_RULE = """\
module: TEST.BROKEN
title: A rule file with an unsafe variable
jurisdiction: us
authorities:
  - {id: test-statute, cite: "17 U.S.C. §106", kind: statute, jurisdiction: us}
rules:
  - id: TEST.BROKEN.unsafe-head
    statement: A conclusion whose variables no condition binds.
    rule: candidate(D, A, C) <= act(A)
    authorities:
      - {ref: test-statute, grade: analysis}
"""


def outcome(statuses: dict[str, str], cures: dict[str, str] | None = None) -> r.Result:
    """A result with findings of the given statuses and cure effects of the given statuses."""
    leaf = r.Explanation(conclusion="x", kind="fact", holds="yes")
    findings = [r.Finding(id=fid, doctrine="D", act="a", act_kind="train", jurisdiction="us",
                          subject="w", status=status, explanation=leaf)  # type: ignore[arg-type]
                for fid, status in statuses.items()]
    effects = [r.Effect(finding=fid, effect="cure", status=status)  # type: ignore[arg-type]
               for fid, status in (cures or {}).items()]
    return r.Result(engine_version="0", engine="clingo",
                    rulebook=r.RulebookRef(version="1", sha256="0" * 64, rules_in_force=0),
                    case=r.CaseRef(id="c", title="C", file="c.yaml", sha256="0" * 64),
                    as_of="2026-01-01", jurisdictions=["us"], findings=findings,
                    mitigations=[r.MitigationResult(id="m", kind="settlement_release",
                                                    date=None, effects=effects)],
                    remedies=[], answer=[])


def run(*args: str) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def write(tmp_path: pathlib.Path, name: str, text: str) -> pathlib.Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_help_lists_commands_and_exit_codes() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("assess", "validate", "schema", "rules"):
        assert command in result.output
    assert "Exit codes:" in result.output
    for code in ("0  success", "1  error", "2  usage", "3  an uncured liability",
                 "4  facts needed"):
        assert code in result.output


def test_assess_help_documents_exit_codes() -> None:
    result = run("assess", "--help")
    assert result.exit_code == 0
    assert "3  an uncured liability" in result.output
    assert "--fail-on" in result.output


@pytest.mark.parametrize(("statuses", "cures", "codes"), [
    ({"f": "established"}, {}, (3, 3, 0)),
    ({"f": "uncertain"}, {}, (3, 3, 0)),
    ({"f": "established"}, {"f": "established"}, (0, 0, 0)),
    ({"f": "established"}, {"f": "uncertain"}, (3, 3, 0)),
    ({"f": "established", "g": "needs_facts"}, {"f": "established"}, (4, 0, 0)),
    ({"f": "needs_facts", "g": "uncertain"}, {}, (3, 3, 0)),
    ({"f": "not_established"}, {}, (0, 0, 0)),
])
def test_exit_status(statuses: dict[str, str], cures: dict[str, str],
                     codes: tuple[int, int, int]) -> None:
    result = outcome(statuses, cures)
    assert tuple(exit_status(result, fail_on)
                 for fail_on in ("indeterminate", "adverse", "never")) == codes


def test_version() -> None:
    from importlib.metadata import version

    result = CliRunner().invoke(main, ["--version"], prog_name="compliance-engine")
    assert result.exit_code == 0
    assert result.output == f"compliance-engine, version {version('compliance-engine')}\n"


def test_schema_of_the_case_format() -> None:
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "Case"
    assert "acts" in schema["properties"]


def test_schema_of_the_result() -> None:
    result = run("schema", "--result")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "Result"
    assert {"findings", "mitigations", "remedies", "answer"} <= set(schema["properties"])


def test_validate_a_good_case(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path, "good.yaml", GOOD_CASE)
    result = run("validate", path)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"OK: {path}: 1 acts, 0 mitigations, ")
    assert "unknown facts the outcome can turn on" in result.stdout


def test_validate_a_bad_case(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path, "bad.yaml", BAD_CASE)
    result = run("validate", path)
    assert result.exit_code == 1
    assert f"{path}:5:" in result.stderr
    assert "acts[0].kind" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_validate_a_missing_file(tmp_path: pathlib.Path) -> None:
    result = run("validate", tmp_path / "absent.yaml")
    assert result.exit_code == 1
    assert "absent.yaml" in result.stderr


def test_output_is_not_overwritten_without_force(tmp_path: pathlib.Path) -> None:
    target = write(tmp_path, "report.json", "keep me\n")
    result = run("assess", BARTZ, "--format", "json", "-o", target)
    assert result.exit_code == 1
    assert str(target) in result.stderr
    assert "--force" in result.stderr
    assert target.read_text(encoding="utf-8") == "keep me\n"


def test_output_is_replaced_with_force(tmp_path: pathlib.Path) -> None:
    target = write(tmp_path, "report.json", "old\n")
    result = run("assess", BARTZ, "--format", "json", "-o", target, "--force")
    assert result.exit_code == 3, result.output
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["findings"]


def test_rules_lint_ok() -> None:
    result = run("rules", "lint", "--rules", RULES)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK: ")
    assert "rules," in result.stdout and "contested points" in result.stdout


def test_rules_lint_reports_an_unsafe_rule(tmp_path: pathlib.Path) -> None:
    broken = tmp_path / "rules"
    shutil.copytree(RULES, broken)
    write(broken, "broken.yaml", UNSAFE_RULE)
    result = run("rules", "lint", "--rules", broken)
    assert result.exit_code == 1
    assert "TEST.BROKEN.unsafe-head" in result.stderr
    assert "CE206" in result.stderr
    assert "Traceback" not in result.output


def test_rules_list_and_show_a_real_rule() -> None:
    listing = run("rules", "list", "--rules", RULES)
    assert listing.exit_code == 0, listing.output
    rule_id = listing.stdout.splitlines()[1].split()[0]
    shown = run("rules", "show", rule_id, "--rules", RULES)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines()[0] == rule_id
    for label in ("Statement:", "Rule:", "Defined at:   rules/", "Valid:", "Authorities:"):
        assert label in shown.stdout
    assert "— " in shown.stdout


def test_rules_show_an_unknown_id() -> None:
    result = run("rules", "show", "NO.SUCH.rule", "--rules", RULES)
    assert result.exit_code == 1
    assert "NO.SUCH.rule" in result.stderr


def test_assess_bartz_json() -> None:
    first = run("assess", BARTZ, "--format", "json")
    assert first.exit_code == 3, first.output
    document = json.loads(first.stdout)
    assert document["findings"]
    assert document["case"]["title"]
    assert run("assess", BARTZ, "--format", "json").stdout == first.stdout


def test_assess_bartz_text_report() -> None:
    document = json.loads(run("assess", BARTZ, "--format", "json").stdout)
    rule_id = document["findings"][0]["explanation"]["rule"]
    result = run("assess", BARTZ)
    assert result.exit_code == 3, result.output
    for section in ("ANSWERS", "FINDINGS", "MITIGATIONS", "REMEDIES", "PROOFS"):
        assert f"\n{section}\n" in result.stdout
    assert f"[{rule_id}]" in result.stdout


def test_assess_fail_on_never_exits_0() -> None:
    result = run("assess", BARTZ, "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.output


def test_assess_unknown_reading_is_an_error() -> None:
    result = run("assess", BARTZ, "--reading", "no_such_point:no_such_reading")
    assert result.exit_code == 1
    assert "CE303" in result.stderr
    assert "Traceback" not in result.output


def test_assess_bad_date_is_a_usage_error() -> None:
    result = run("assess", BARTZ, "--as-of", "2026-13-01")
    assert result.exit_code == 2


def test_json_is_identical_across_processes_and_hash_seeds() -> None:
    """Identical input gives identical output, whatever order Python happens to hash things in."""
    import os
    import subprocess
    import sys

    case = pathlib.Path(__file__).resolve().parents[1] / "case_studies" / "kadrey" / "case.yaml"
    outputs = set()
    for seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "compliance_engine.cli", "assess", str(case), "--format",
             "json", "--fail-on", "never"], capture_output=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": seed})
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_rules_coverage_from_case_studies_and_a_test_record(tmp_path: pathlib.Path) -> None:
    """Case studies are assessed on the spot; a scenario file's record is merged in."""
    cases = tmp_path / "cases"
    shutil.copytree(ROOT / "case_studies" / "exante_licensed", cases / "exante_licensed")
    record = write(tmp_path, "record.json",
                   json.dumps({"tests/features/x.feature": ["US.COPY.DIST.candidate"]}))
    result = run("rules", "coverage", "--cases", cases, "--record", record, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert "case_studies/exante_licensed" in data["rules"]["CORE.ACTS.in-scope"]
    assert data["rules"]["US.COPY.DIST.candidate"] == ["tests/features/x.feature"]
    assert data["rules"]["US.COPY.DIST.prima-facie"] == []
    assert data["modules"]["US.COPY.DIST"]["by_scenarios"] == 1
    section_106 = data["authorities"]["17 U.S.C. §106 (exclusive rights in copyrighted works)"]
    assert {"US.COPY.DIST.candidate", "US.COPY.DIST.doctrine"} <= set(section_106["rules"])
    assert "tests/features/x.feature" in section_106["exercised_by"]
    text = run("rules", "coverage", "--cases", cases, "--summary")
    assert "rules exercised:" in text.stdout and "US.COPY.DIST.prima-facie" in text.stdout


def test_rules_coverage_rejects_a_bad_record(tmp_path: pathlib.Path) -> None:
    record = write(tmp_path, "record.json", "[1, 2]")
    result = run("rules", "coverage", "--cases", tmp_path, "--record", record)
    assert result.exit_code == 1
    assert "CE404" in result.stderr and "record.json" in result.stderr


# -- the last resort, interrupts and terminal safety ------------------------------------------


def _raise(exc: BaseException) -> object:
    def engine(rules_dir: object) -> object:
        raise exc
    return engine


def test_an_unexpected_exception_is_ce900_with_a_bug_report_hint(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance_engine import cli

    monkeypatch.setattr(cli, "_engine", _raise(ZeroDivisionError("division by zero")))
    result = run("assess", BARTZ)
    assert result.exit_code == 1
    first, hint = result.stderr.splitlines()
    assert first == "internal error: ZeroDivisionError: division by zero [CE900]"
    assert "This is a bug in compliance-engine" in hint
    for what in ("command line", "version", "input file", "--debug"):
        assert what in hint
    assert "Traceback" not in result.output and result.stdout == ""


def test_debug_adds_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance_engine import cli

    monkeypatch.setattr(cli, "_engine", _raise(ZeroDivisionError("division by zero")))
    result = run("--debug", "rules", "list")
    assert result.exit_code == 1
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert "\nZeroDivisionError: division by zero\n" in result.stderr
    assert result.stderr.splitlines()[-2] == \
        "internal error: ZeroDivisionError: division by zero [CE900]"


def test_ctrl_c_exits_130_without_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance_engine import cli

    monkeypatch.setattr(cli, "_engine", _raise(KeyboardInterrupt()))
    result = run("assess", BARTZ)
    assert result.exit_code == 130
    assert result.stderr == "interrupted [CE901]\n"


def test_memory_error_names_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance_engine import cli

    monkeypatch.setattr(cli, "_engine", _raise(MemoryError()))
    limited = run("assess", BARTZ, "--max-memory", "1G")
    assert limited.exit_code == 1
    assert limited.stderr.startswith(f"{BARTZ}: the run needed more than the memory limit of "
                                     f"1 GiB (expected a larger --max-memory")
    assert "[CE902]" in limited.stderr
    unlimited = run("rules", "list")
    assert unlimited.exit_code == 1
    assert "needed more than the memory available" in unlimited.stderr
    assert "Traceback" not in limited.output + unlimited.output


EVIL_TITLE = "Demo \x1b[2J\x1b]0;owned\x07 \u202eevil\u2066 \r\b"
EVIL_SHOWN = "Demo \\x1b[2J\\x1b]0;owned\\x07 \\u202eevil\\u2066 \\x0d\\x08"


def test_control_characters_in_case_text_are_escaped_in_the_text_report(
        tmp_path: pathlib.Path) -> None:
    title = json.dumps(EVIL_TITLE)
    path = write(tmp_path, "evil.yaml", GOOD_CASE.replace("title: Demo", f"title: {title}"))
    text = run("assess", path, "--fail-on", "never")
    assert text.exit_code == 0, text.output
    assert text.stdout.splitlines()[0] == f"COMPLIANCE ASSESSMENT: {EVIL_SHOWN}"
    assert not any(c in text.stdout for c in "\x1b\x07\r\b\u202e\u2066")
    document = run("assess", path, "--format", "json", "--fail-on", "never")
    assert json.loads(document.stdout)["case"]["title"] == EVIL_TITLE


def test_control_characters_in_error_messages_are_escaped(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "evil\x1b]0;owned\x07\u202e.yaml"
    result = run("validate", path)
    assert result.exit_code == 1
    assert "evil\\x1b]0;owned\\x07\\u202e.yaml" in result.stderr
    assert not any(c in result.stderr for c in "\x1b\x07\u202e")
