"""What must hold for *any* input: the engine answers, or refuses with coded problems that name
the file and a place in it; it never raises anything else, never runs past the hang limit, never
grows past the memory limit, and gives the same answer every time.

The oracle runs in the test process, under its own limits (independent of the engine's
``--timeout`` and memory guard, which are what is being tested): an address-space limit turns a
memory blow-up into a failure instead of a dead machine, and ``faulthandler`` ends a process that
hangs inside C code long after the limit, so a hang fails the run instead of stalling it.
"""

from __future__ import annotations

import faulthandler
import json
import os
import re
import resource
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from headroom import memory_headroom

from compliance_engine.assess import Engine
from compliance_engine.case.load import load_case
from compliance_engine.errors import EngineError
from compliance_engine.report import render_text

HANG_SECONDS = float(os.environ.get("FUZZ_HANG_SECONDS", "60"))
"""An input that takes longer than this to answer is a hang (generous: the machine is shared)."""
MEMORY_HEADROOM = int(os.environ.get("FUZZ_MEMORY_HEADROOM", str(4 << 30)))
"""Address space an input may add to the process before it counts as a memory blow-up."""
_CODE = re.compile(r"CE\d{3}")


@dataclass(frozen=True)
class Outcome:
    status: Literal["assessed", "refused"]
    output: str
    """The JSON result (as ``assess --format json`` writes it) or the codes of the problems."""
    codes: tuple[str, ...] = ()
    seconds: float = 0.0


@dataclass
class Tally:
    """Counts for the long run's report (``FUZZ_REPORT``)."""

    test: str
    inputs: int = 0
    assessed: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    slowest: float = 0.0

    def add(self, outcome: Outcome) -> None:
        self.inputs += 1
        self.slowest = max(self.slowest, outcome.seconds)
        if outcome.status == "assessed":
            self.assessed += 1
        else:
            self.refused.update(set(outcome.codes))

    def write(self) -> None:
        target = os.environ.get("FUZZ_REPORT")
        if not target or not self.inputs:
            return
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        line = json.dumps({"test": self.test, "inputs": self.inputs, "assessed": self.assessed,
                           "refused": dict(sorted(self.refused.items())),
                           "slowest_seconds": round(self.slowest, 2),
                           "peak_rss_bytes": peak}) + "\n"
        with open(target, "a", encoding="utf-8") as stream:  # one write per line: appends
            stream.write(line)


@contextmanager
def limits() -> Iterator[None]:
    with memory_headroom(MEMORY_HEADROOM):
        faulthandler.dump_traceback_later(HANG_SECONDS * 3, exit=True)
        try:
            yield
        finally:
            faulthandler.cancel_dump_traceback_later()


def check_problems(error: EngineError, path: Path) -> tuple[str, ...]:
    """Every problem is coded and located: the file, and a line or a field path in it."""
    assert error.problems, f"{type(error).__name__} with no problem: {error}"
    for problem in error.problems:
        shown = problem.format()
        assert _CODE.fullmatch(problem.code), f"uncoded problem: {shown}"
        assert problem.file, f"problem without a file: {shown}"
        assert Path(problem.file).name == path.name, f"problem names another file: {shown}"
        assert problem.line is not None or problem.path, f"problem without a place: {shown}"
        assert problem.message.strip(), f"problem without a message: {shown}"
    return tuple(p.code for p in error.problems)


def run(engine: Engine, path: Path, *, flips: bool = False) -> Outcome:
    """Load and assess ``path`` as ``compliance-engine assess --format json`` does, and render
    the text report too; check what must hold whatever the input."""
    start = time.perf_counter()
    with limits():
        try:
            loaded = load_case(path)
            result = engine.assess(loaded, flips=flips).result
            output = result.model_dump_json(indent=2) + "\n"
            render_text(result)
        except EngineError as error:
            codes = check_problems(error, path)
            outcome = Outcome("refused", " ".join(codes), codes, time.perf_counter() - start)
        except MemoryError:
            raise AssertionError(f"memory blow-up on {path.name} (more than "
                                 f"{MEMORY_HEADROOM >> 20} MiB)") from None
        else:
            json.loads(output)
            outcome = Outcome("assessed", output, seconds=time.perf_counter() - start)
    assert outcome.seconds < HANG_SECONDS, f"{path.name} took {outcome.seconds:.0f} s"
    return outcome
