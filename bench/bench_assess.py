"""Benchmark: warm single-case assessment, what-if variants, and CLI cold start.

Run with the project's interpreter::

    .venv/bin/python bench/bench_assess.py [--repeat N] [--variants K]

(a) every ``case_studies/*/case.yaml`` assessed with proofs and serialised to JSON, with the
Engine and rulebook loaded once, clingo vs pyDatalog (median of N runs; fewer for pyDatalog);
(b) a what-if loop of K variants per case, each flipping one known boolean fact;
(c) ``compliance-engine --help`` started cold in a subprocess, 10 times;
(d) clingo grounding only the rules that can fire in the case (``live_rules``) vs grounding the
whole rulebook, the baseline, in the same run.
Prints numbers only: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from compliance_engine.assess import Engine
from compliance_engine.case.load import LoadedCase, load_case
from compliance_engine.case.model import Case
from compliance_engine.errors import EngineError
from compliance_engine.solver import clingo_backend

ROOT = Path(__file__).resolve().parents[1]
COLLECTIONS = ("acts", "mitigations", "works", "sources", "datasets", "models")
TARGET_RATIO, TARGET_CLINGO_MS, TARGET_HELP_S = 50.0, 10.0, 0.5


def timed_ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000.0


def run_once(engine: Engine, loaded: LoadedCase, backend: str, flips: bool = False) -> str:
    """One assessment with proofs, serialised as the JSON contract."""
    return engine.assess(loaded, engine=backend, flips=flips).result.model_dump_json()


def median_ms(engine: Engine, loaded: LoadedCase, backend: str, runs: int,
              flips: bool = False) -> float:
    return statistics.median(timed_ms(lambda: run_once(engine, loaded, backend, flips))
                             for _ in range(runs))


def boolean_facts(case: Case) -> list[tuple[str, int, str]]:
    """(collection, index, field) of every boolean fact the case states (true or false)."""
    found = []
    for collection in COLLECTIONS:
        for index, record in enumerate(getattr(case, collection)):
            for name in type(record).model_fields:
                if isinstance(getattr(record, name), bool):
                    found.append((collection, index, name))
    return found


def flip(case: Case, collection: str, index: int, name: str) -> Case:
    records: list[BaseModel] = list(getattr(case, collection))
    record = records[index]
    records[index] = record.model_copy(update={name: not getattr(record, name)})
    return case.model_copy(update={collection: records})


def variants(loaded: LoadedCase, count: int) -> list[tuple[str, LoadedCase]]:
    """``count`` what-if variants, each flipping one known boolean (cycling if there are fewer)."""
    facts = boolean_facts(loaded.case)
    out = []
    for i in range(count if facts else 0):
        collection, index, name = facts[i % len(facts)]
        variant = flip(loaded.case, collection, index, name)
        out.append((f"{collection}[{index}].{name}", dataclasses.replace(loaded, case=variant)))
    return out


def what_if_ms(engine: Engine, cases: list[tuple[str, LoadedCase]],
               backend: str) -> tuple[float, int]:
    """Median ms per variant over ``cases`` and the number that raised an engine error."""
    times, errors = [], 0
    for _, loaded in cases:
        start = time.perf_counter()
        try:
            run_once(engine, loaded, backend)
        except EngineError:
            errors += 1
            continue
        times.append((time.perf_counter() - start) * 1000.0)
    return (statistics.median(times) if times else float("nan")), errors


def help_cold_start(runs: int = 10) -> tuple[float, str]:
    script = Path(sys.executable).parent / "compliance-engine"
    command = [str(script)] if script.exists() else [sys.executable, "-m",
                                                      "compliance_engine.cli"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([*command, "--help"], check=False, capture_output=True,
                              cwd=ROOT)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
            raise RuntimeError(f"{' '.join(command)} --help exited {done.returncode}: {tail}")
    return statistics.median(times), " ".join(Path(c).name for c in command)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="clingo runs per case (median)")
    parser.add_argument("--pydatalog-repeat", type=int, default=None,
                        help="pyDatalog runs per case (default: repeat // 5, at least 1)")
    parser.add_argument("--variants", type=int, default=20, help="what-if variants per case")
    parser.add_argument("--cases", default="", help="comma-separated case studies (default: all)")
    args = parser.parse_args()
    py_runs = args.pydatalog_repeat or max(1, args.repeat // 5)
    from pyDatalog import pyDatalog  # noqa: F401 - import once, outside the timings

    start = time.perf_counter()
    engine = Engine()
    print(f"rulebook {engine.rulebook.version}: {len(engine.rulebook.rules)} rules loaded "
          f"in {(time.perf_counter() - start) * 1000:.0f} ms; python {sys.version.split()[0]}")
    paths = sorted((ROOT / "case_studies").glob("*/case.yaml"))
    wanted = {c for c in args.cases.split(",") if c}
    loaded = {p.parent.name: load_case(p) for p in paths if not wanted or p.parent.name in wanted}

    print(f"\n(a) single case, warm, with proofs + JSON (median: clingo {args.repeat} runs, "
          f"pyDatalog {py_runs})")
    print(f"{'case':<18}{'unknowns':>9}{'clingo ms':>11}{'pyDatalog ms':>14}{'ratio':>9}"
          f"{'clingo+flips ms':>17}")
    single: dict[str, tuple[float, float]] = {}
    for name, case in loaded.items():
        run_once(engine, case, "clingo")  # warm-up: compiles the program for this as_of date
        groups = len(engine.assess(case).groups)
        c = median_ms(engine, case, "clingo", args.repeat)
        f = median_ms(engine, case, "clingo", args.repeat, flips=True)
        try:
            p = median_ms(engine, case, "pydatalog", py_runs)
        except EngineError as exc:   # more worlds than the reference backend enumerates
            print(f"{name:<18}{groups:>9}{c:>11.1f}{exc.codes[0]:>14}{'-':>9}{f:>17.1f}",
                  flush=True)
            continue
        single[name] = (c, p)
        print(f"{name:<18}{groups:>9}{c:>11.1f}{p:>14.1f}{p / c:>8.1f}x{f:>17.1f}", flush=True)
    total_c, total_p = sum(c for c, _ in single.values()), sum(p for _, p in single.values())
    print(f"{'all cases':<18}{'':>9}{total_c:>11.1f}{total_p:>14.1f}{total_p / total_c:>8.1f}x")

    print(f"\n(b) what-if: {args.variants} variants per case, one known boolean flipped each "
          f"(median ms per variant)")
    print(f"{'case':<18}{'facts':>6}{'clingo ms':>11}{'pyDatalog ms':>14}{'ratio':>9}  errors")
    whatif: dict[str, tuple[float, float]] = {}
    for name, case in loaded.items():
        cases = variants(case, args.variants)
        if not cases:
            print(f"{name:<18}{0:>6}  (no known boolean facts)")
            continue
        c, c_err = what_if_ms(engine, cases, "clingo")
        p, p_err = what_if_ms(engine, cases, "pydatalog")
        whatif[name] = (c, p)
        distinct = len(boolean_facts(case.case))
        print(f"{name:<18}{distinct:>6}{c:>11.1f}{p:>14.1f}{p / c:>8.1f}x  "
              f"clingo {c_err}, pyDatalog {p_err}", flush=True)

    print("\n(c) CLI cold start: --help in a fresh process, 10 runs")
    try:
        help_s, command = help_cold_start()
        print(f"{command} --help: median {help_s:.3f} s")
    except (RuntimeError, OSError) as exc:
        help_s = float("nan")
        print(f"not measured: {exc}")

    print(f"\n(d) clingo, only the rules that can fire vs the whole rulebook grounded "
          f"(median of {args.repeat} runs, no flips)")
    print(f"{'case':<18}{'pruned ms':>11}{'whole ms':>10}{'ratio':>9}")
    pruned = clingo_backend.live_rules
    for name, case in loaded.items():
        c = median_ms(engine, case, "clingo", args.repeat)
        clingo_backend.live_rules = lambda program, _facts: {r.fired for r in program.rules}
        try:
            whole = median_ms(engine, case, "clingo", args.repeat)
        finally:
            clingo_backend.live_rules = pruned
        print(f"{name:<18}{c:>11.1f}{whole:>10.1f}{whole / c:>8.1f}x", flush=True)

    ratios = [p / c for c, p in [*single.values(), *whatif.values()]]
    worst_clingo = max(c for c, _ in single.values())
    help_text = "n/a" if math.isnan(help_s) else f"{help_s:.3f} s"

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    print(f"\nsummary: ratio pyDatalog/clingo >= {TARGET_RATIO:.0f}x: "
          f"{min(ratios):.1f}x-{max(ratios):.1f}x ({verdict(min(ratios) >= TARGET_RATIO)}) | "
          f"clingo warm median <= {TARGET_CLINGO_MS:.0f} ms per case: worst {worst_clingo:.1f} ms "
          f"({verdict(worst_clingo <= TARGET_CLINGO_MS)}) | --help <= {TARGET_HELP_S} s: "
          f"{help_text} ({verdict(help_s <= TARGET_HELP_S)})")


if __name__ == "__main__":
    main()
