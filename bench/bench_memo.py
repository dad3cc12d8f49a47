"""Benchmark: memo rendering time per format, for the bundled case with the largest memo.

Run with the project's interpreter (the ``test`` extra installs Word and PDF support)::

    .venv/bin/python bench/bench_memo.py [--repeat N] [--case NAME]

The case is assessed once (with flips, as ``compliance-engine memo`` does); then, median of N runs
each: building the memo context, and rendering it as Markdown, HTML, Word and PDF.  The baseline,
measured in the same run, is the text report of the same result (``render_text``), so the ratios
say how much the memo costs over the report.  Targets from the issue: Markdown <= 100 ms, Word
<= 1 s, PDF <= 3 s.  Prints numbers only: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from compliance_engine.assess import Engine
from compliance_engine.case.load import load_case
from compliance_engine.memo import build_context, render
from compliance_engine.report import render_text

ROOT = Path(__file__).resolve().parents[1]
TARGETS_MS = {"md": 100.0, "html": None, "docx": 1000.0, "pdf": 3000.0}


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def largest_case() -> str:
    """The case study whose committed memo is longest."""
    memos = sorted(ROOT.glob("case_studies/*/memo.md"), key=lambda p: p.stat().st_size)
    return memos[-1].parent.name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--case", default=None, help="case study (default: the largest memo)")
    args = parser.parse_args()
    case = args.case or largest_case()
    engine = Engine()
    loaded = load_case(ROOT / "case_studies" / case / "case.yaml")
    start = time.perf_counter()
    result = engine.assess(loaded, flips=True).result
    assess_ms = (time.perf_counter() - start) * 1000.0
    context = build_context(result, loaded, engine.rulebook)
    baseline = median_ms(lambda: render_text(result), args.repeat)
    print(f"case {case}: assessment with flips {assess_ms:.0f} ms (once); "
          f"baseline text report {baseline:.1f} ms (median of {args.repeat})")
    context_ms = median_ms(lambda: build_context(result, loaded, engine.rulebook), args.repeat)
    print(f"  {'context':8} {context_ms:8.1f} ms  {context_ms / baseline:6.1f}x report")
    for fmt, target in TARGETS_MS.items():
        size = len(render(context, fmt))  # type: ignore[arg-type]
        ms = median_ms(lambda f=fmt: render(context, f), args.repeat)  # type: ignore[misc]
        verdict = "" if target is None else \
            f"  target <= {target:.0f} ms: {'met' if ms <= target else 'MISSED'}"
        print(f"  {fmt:8} {ms:8.1f} ms  {ms / baseline:6.1f}x report  {size:>9} bytes{verdict}")


if __name__ == "__main__":
    main()
