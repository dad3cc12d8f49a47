"""Totals of a fuzz run's report: ``python tests/fuzz/summary.py FUZZ_REPORT_FILE``.

Each line of the report is one fuzz test in one process (see ``fuzz_oracle.Tally``).  A run
that passed had no traceback, hang, memory blow-up, unlocated error or CLI/API difference: the
tests fail on the first; these totals say what the inputs exercised.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path


def main(path: str) -> None:
    inputs = assessed = 0
    refused: Counter[str] = Counter()
    slowest, peak = 0.0, 0
    per_test: Counter[str] = Counter()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        inputs += entry["inputs"]
        assessed += entry["assessed"]
        refused.update(entry["refused"])
        per_test[entry["test"]] += entry["inputs"]
        slowest = max(slowest, entry["slowest_seconds"])
        peak = max(peak, entry["peak_rss_bytes"])
    print(f"{inputs} inputs: {assessed} assessed, {inputs - assessed} refused with a coded error")
    for test, count in sorted(per_test.items()):
        print(f"  {test}: {count}")
    print("refusals by code: " + ", ".join(f"{code} {n}" for code, n in sorted(refused.items())))
    print(f"slowest input {slowest:.1f} s; peak resident memory of a worker {peak >> 20} MiB")


if __name__ == "__main__":
    main(sys.argv[1])
