"""Benchmark of ``check`` on inputs full of unknown references: 200 declared stakeholders, 40,000 unknown ones.

Run by hand (not part of the tests):

    python benchmarks/check_bench.py [--runs 5] [--no-append]

The project is the shipped sample with 200 stakeholders declared in strategy.yaml and, in AM.yaml, one
priority whose actions name 40,000 distinct stakeholders that are not declared (every file stays under
the 1 MiB limit). ``strategy-builder check --format json`` runs in a fresh process each time (start-up
included); the median wall time is reported (target: under 2 s) and appended to benchmarks/RESULTS.md
with the machine and the date. Hints ("did you mean ...?") must be computed once per distinct unknown
value and only for the findings shown, or the run is quadratic (200 x 40,000 string comparisons).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe_machine, publish  # benchmarks/machine.py: the script folder is on sys.path

REPO = Path(__file__).resolve().parent.parent
STAKEHOLDERS, UNKNOWN, PER_ACTION = 200, 40_000, 200


def make_project(root: Path) -> tuple[int, int]:
    """The sample in ``root`` with the declared and unknown stakeholders; returns the two files' sizes."""
    for name in ("inputs", "templates"):
        shutil.copytree(REPO / name, root / name)
    strategy = root / "inputs" / "strategy.yaml"
    declared = "".join(f"  - {{code: ORG{n:03d}, name: Organisation number {n}}}\n" for n in range(STAKEHOLDERS))
    text = strategy.read_text(encoding="utf-8").replace("stakeholders:\n", "stakeholders:\n" + declared, 1)
    strategy.write_text(text, encoding="utf-8")
    partner = root / "inputs" / "partners" / "AM.yaml"
    actions = "".join(
        "          - text: Generated action\n            lead: [CZ]\n"
        "            timeline: {start: 2010-09, end: 2011-H1}\n"
        "            stakeholders: [" + ", ".join(f"X{n:05d}" for n in range(start, start + PER_ACTION)) + "]\n"
        for start in range(0, UNKNOWN, PER_ACTION))
    text = partner.read_text(encoding="utf-8")
    text = text.replace("        actions:\n", "        actions:\n" + actions, 1)
    partner.write_text(text, encoding="utf-8")
    return strategy.stat().st_size, partner.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-append", action="store_true", help="print only; do not append to RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        strategy_size, partner_size = make_project(root)
        seconds = []
        for _ in range(args.runs):
            started = time.perf_counter()
            result = subprocess.run([sys.executable, "-m", "strategy_builder", "check", str(root), "--format",
                                     "json"], capture_output=True, text=True)
            seconds.append(time.perf_counter() - started)
            report = json.loads(result.stdout)
            unknown = [f for f in report["findings"] if f["code"] == "stakeholder.unknown"]
            if result.returncode != 1 or not unknown or not all(f["hint"] for f in unknown):
                raise SystemExit(f"unexpected result (exit {result.returncode}): {result.stdout[:500]}")
    median = statistics.median(seconds)
    lines = [f"\n## check benchmark — {dt.date.today().isoformat()}", "", f"Machine: {describe_machine()}", "",
             f"- {STAKEHOLDERS} declared stakeholders, {UNKNOWN:,} distinct unknown stakeholder references "
             f"(strategy.yaml {strategy_size / 1024:.0f} KiB, AM.yaml {partner_size / 1024:.0f} KiB): "
             f"`check --format json` in {median:.2f} s (median of {args.runs} whole processes, start-up included; "
             f"target: under 2 s; runs {', '.join(f'{s:.2f}' for s in seconds)})"]
    publish(lines, append=not args.no_append)


if __name__ == "__main__":
    main()
