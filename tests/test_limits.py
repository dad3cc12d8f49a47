"""Bounded runs: ``--timeout`` and ``--max-memory`` end a run with a coded error, not a hang."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance_engine.assess import Engine
from compliance_engine.cli import main
from compliance_engine.limits import (
    LimitExceeded,
    default_max_memory,
    describe_size,
    guard,
    parse_size,
)

ROOT = Path(__file__).resolve().parents[1]
SLOW_RULE = """\
module: TEST.SLOW
title: A rule that grounds for a very long time
jurisdiction: us
rules:
  - id: TEST.SLOW.join
    statement: Every act joined with every other act, six times over.
    rule: "candidate('TEST.SLOW', A, B) <= act(A) & act(B) & act(C) & act(D) & act(E) & act(F) & (A != C) & (D != E) & (E != F)"
    authorities:
      - {ref: test-statute, grade: analysis}
authorities:
  - {id: test-statute, cite: "17 U.S.C. §106", kind: statute, jurisdiction: us}
"""


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A rulebook with a rule whose grounding takes hours on a case of 200 acts."""
    directory = tmp_path_factory.mktemp("slow")
    rules = directory / "rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "slow.yaml").write_text(SLOW_RULE, encoding="utf-8")
    acts = "".join(f"  - {{id: a{i}, kind: train, actor: dev, date: 2024-01-01}}\n"
                   for i in range(200))
    case = directory / "case.yaml"
    case.write_text("case: {id: slow, title: Slow, as_of: 2026-01-01}\nparties:\n"
                    "  - {id: dev, name: Dev Co, roles: [developer]}\nacts:\n" + acts,
                    encoding="utf-8")
    return rules, case


def cli(*args: str, timeout: float = 120) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "compliance_engine.cli", *args],
                          capture_output=True, text=True, check=False, timeout=timeout)
    return done, time.monotonic() - start


@pytest.mark.parametrize(("text", "size"), [
    ("512M", 512 << 20), ("4G", 4 << 30), ("4GiB", 4 << 30), ("1.5g", 3 << 29),
    ("1000", 1000), ("0", 0), ("2 kb", 2048)])
def test_sizes(text: str, size: int) -> None:
    assert parse_size(text) == size


def test_a_bad_size_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["validate", "case.yaml", "--max-memory", "lots"])
    assert result.exit_code == 2 and "'lots' is not a size" in result.output


def test_the_default_memory_limit_is_generous_and_capped() -> None:
    limit = default_max_memory()
    assert limit is not None and 1 << 30 <= limit <= 16 << 30
    assert describe_size(16 << 30) == "16 GiB"


def test_the_guard_stops_python_code_at_the_deadline() -> None:
    start = time.monotonic()
    with pytest.raises(LimitExceeded) as caught, guard(timeout=0.5, file="case.yaml"):
        while True:
            pass
    assert caught.value.codes == ["CE903"]
    assert str(caught.value).startswith("case.yaml: the run took longer than the time limit "
                                        "of 0.5 s")
    assert time.monotonic() - start < 30


def test_a_run_that_ends_in_time_is_not_stopped_later() -> None:
    with guard(timeout=0.2):
        total = sum(range(1000))
    time.sleep(0.6)  # the withdrawn deadline must not strike here
    assert total == 499500


def test_the_memory_guard_turns_an_allocation_into_ce902() -> None:
    """In a subprocess: the address-space limit is process-wide."""
    script = textwrap.dedent("""
        import resource
        from compliance_engine.limits import guard, LimitExceeded
        before = resource.getrlimit(resource.RLIMIT_AS)
        try:
            with guard(timeout=None, max_memory=1 << 30):
                block = bytearray(2 << 30)
        except LimitExceeded as error:
            print(error.codes[0], error)
        assert resource.getrlimit(resource.RLIMIT_AS) == before
        block = bytearray(1 << 30)  # the limit is lifted afterwards
        print("after: ok")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("CE902 the run needed more than the memory limit of 1 GiB")
    assert "after: ok" in done.stdout


def test_timeout_stops_a_long_grounding(slow: tuple[Path, Path]) -> None:
    """clingo grounds in C, where no Python signal or exception can reach it: the watchdog
    ends the process with the coded error."""
    rules, case = slow
    done, took = cli("assess", str(case), "--rules", str(rules), "--format", "json",
                     "--timeout", "2")
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip() == (
        f"{case}: the run took longer than the time limit of 2 s (expected a larger "
        f"--timeout (0 for none), or a smaller input) [CE903]")
    assert done.stdout == ""
    assert took < 60


def test_max_memory_stops_a_grounding_that_grows(slow: tuple[Path, Path]) -> None:
    rules, case = slow
    done, took = cli("validate", str(case), "--rules", str(rules), "--max-memory", "500M",
                     "--timeout", "100")
    assert done.returncode == 1, done.stderr
    assert "the run needed more than the memory limit of 500 MiB" in done.stderr
    assert "[CE902]" in done.stderr and "Traceback" not in done.stderr
    assert took < 100


def test_a_pdf_memo_needs_far_less_than_the_default_limit(tmp_path: Path) -> None:
    """The default (up to 16 GiB) leaves a wide margin: the largest memo fits in 2 GiB."""
    pytest.importorskip("weasyprint")
    target = tmp_path / "memo.pdf"
    done, _ = cli("memo", str(ROOT / "case_studies" / "bartz" / "case.yaml"), "--format",
                  "pdf", "-o", str(target), "--max-memory", "2G", timeout=300)
    assert done.returncode == 0, done.stderr
    assert target.read_bytes().startswith(b"%PDF")


def test_compiled_programs_kept_are_bounded(engine: Engine) -> None:
    """Every case has its own date, hence its own compiled program: a long-running process
    keeps only the last few (an unbounded cache grew ~9 MB per date assessed)."""
    import datetime as dt

    from compliance_engine import assess as assess_module
    from compliance_engine.case.load import load_case

    loaded = load_case(Path(__file__).parents[1] / "case_studies" / "exante_licensed" /
                       "case.yaml")
    first = None
    for day in range(assess_module._KEPT_PROGRAMS + 3):
        result = engine.assess(loaded, as_of=dt.date(2027, 7, 1) + dt.timedelta(days=day))
        first = first or result.result.findings
        assert len(assess_module._PROGRAMS) <= assess_module._KEPT_PROGRAMS
    assert engine.assess(loaded, as_of=dt.date(2027, 7, 1)).result.findings == first
