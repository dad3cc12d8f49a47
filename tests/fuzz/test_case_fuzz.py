"""Fuzz the case-file path end to end: no traceback, located errors, no hang, no blow-up, the
same answer every time and from the command line as from the API.

The budget is ``FUZZ_EXAMPLES`` inputs in all (default 300, a couple of minutes), shared by the
tests below; ``FUZZ_EXAMPLES=10000`` is the long run (see README, "Tests").  Examples are
derandomised under CI (hypothesis's ``ci`` profile), so a failure there reproduces.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzz_inputs import (
    CASE_STUDIES,
    SMALL_STUDIES,
    case_study,
    damaged,
    dump,
    mutated,
    schema_cases,
)
from fuzz_oracle import Tally, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance_engine.assess import Engine

BUDGET = int(os.environ.get("FUZZ_EXAMPLES", "300"))
_SETTINGS = settings(deadline=None, database=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                            HealthCheck.large_base_example,
                                            HealthCheck.function_scoped_fixture])
FORMS = st.sampled_from(["yaml", "json-ascii", "json-utf8"])


@pytest.fixture(scope="module")
def fuzz_engine() -> Engine:
    return Engine()


@pytest.fixture
def tally(request: pytest.FixtureRequest) -> Iterator[Tally]:
    counts = Tally(request.node.name)
    yield counts
    counts.write()


def _file(directory: Path, data: bytes, form: str) -> Path:
    path = directory / ("case.json" if form.startswith("json") else "case.yaml")
    path.write_bytes(data)
    return path


@settings(_SETTINGS, max_examples=max(1, BUDGET * 3 // 10))
@given(document=schema_cases(), form=FORMS, data=st.data())
def test_cases_built_from_the_schema(fuzz_engine: Engine, tally: Tally, tmp_path: Path,
                                     document: object, form: str, data: st.DataObject) -> None:
    """Documents drawn field by field from the case schema, some with odd values."""
    if data.draw(st.booleans()):
        document = data.draw(mutated(document, max_mutations=2))
    text = dump(document, form)  # type: ignore[arg-type]
    tally.add(run(fuzz_engine, _file(tmp_path, text.encode("utf-8", "surrogatepass"), form)))


@settings(_SETTINGS, max_examples=max(1, BUDGET * 4 // 10))
@given(study=st.sampled_from(SMALL_STUDIES), form=FORMS, flips=st.booleans(), data=st.data())
def test_mutated_case_studies(fuzz_engine: Engine, tally: Tally, tmp_path: Path, study: Path,
                              form: str, flips: bool, data: st.DataObject) -> None:
    """Bundled case studies with values, parts and references changed."""
    document = data.draw(mutated(case_study(study)))
    text = dump(document, form)  # type: ignore[arg-type]
    path = _file(tmp_path, text.encode("utf-8", "surrogatepass"), form)
    tally.add(run(fuzz_engine, path, flips=flips))


@settings(_SETTINGS, max_examples=max(1, BUDGET * 3 // 10))
@given(study=st.sampled_from(CASE_STUDIES), data=st.data())
def test_damaged_case_files(fuzz_engine: Engine, tally: Tally, tmp_path: Path, study: Path,
                            data: st.DataObject) -> None:
    """The text of every case study damaged: truncated, bytes inserted, anchors and tags added,
    alias bombs prepended, indentation broken."""
    raw = data.draw(damaged(study.read_text(encoding="utf-8")))
    tally.add(run(fuzz_engine, _file(tmp_path, raw, "yaml")))


_CODE = re.compile(r"\[(CE\d{3})\]")


def _cli(path: Path, seed: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    return subprocess.run(
        [sys.executable, "-m", "compliance_engine.cli", "assess", str(path), "--format", "json",
         "--no-flips", "--fail-on", "never"],
        check=False, capture_output=True, text=True, encoding="utf-8", errors="surrogateescape", env=env,
        timeout=600)


@settings(_SETTINGS, max_examples=max(4, BUDGET // 100))
@given(study=st.sampled_from(SMALL_STUDIES), form=FORMS, seed=st.integers(0, 2**32 - 1),
       data=st.data())
def test_command_line_gives_the_api_answer(fuzz_engine: Engine, tally: Tally, tmp_path: Path,
                                           study: Path, form: str, seed: int,
                                           data: st.DataObject) -> None:
    """The same input twice in the process and once from the command line under another hash
    seed: byte-identical JSON, or the same error codes."""
    document = data.draw(mutated(case_study(study), max_mutations=2))
    path = _file(tmp_path, dump(document, form).encode("utf-8", "surrogatepass"),  # type: ignore[arg-type]
                 form)
    first = run(fuzz_engine, path)
    tally.add(first)
    again = run(fuzz_engine, path)
    assert (again.status, again.output) == (first.status, first.output), \
        "a second assessment in the process differs"
    shell = _cli(path, seed)
    if first.status == "assessed":
        assert shell.returncode == 0, shell.stderr
        assert shell.stdout == first.output, "the command line's JSON differs from the API's"
    else:
        assert shell.returncode == 1, shell.stderr
        assert "Traceback" not in shell.stderr
        assert tuple(_CODE.findall(shell.stderr)) == first.codes, shell.stderr

