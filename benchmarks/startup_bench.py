"""Start-up benchmark: strategy-builder commands as whole processes against ``python -c "import docxtpl"``.

Run by hand (not in the test suite), preferably on a quiet machine (the script prints the load average):

    python benchmarks/startup_bench.py               # 15 interleaved rounds, appends to benchmarks/RESULTS.md
    python benchmarks/startup_bench.py --repeat 5 --no-write

Every measurement is a whole process, start-up included, as a user pays it: the installed
``strategy-builder`` command (or ``python -m strategy_builder`` where it is not on the path) and the
baselines run with the same interpreter. One round runs every kind once, in turn, so that all kinds see
the same drift of a shared machine; medians over the rounds are reported, and ratios of medians.

Targets (issue 12): ``--help`` ≤ 0.6 of ``import docxtpl``; ``check`` of the sample with a warm cache
≤ 1.5 of it; a one-partner ``build --preview`` after an edit ≤ 2 of it; a full build of the sample ≤ 0.5 of
the naive docxtpl loop (a process that imports docxtpl, reads the twelve contexts from a JSON file and
renders and saves each document, see ``naive_loop.py`` below). Full builds run with the LibreOffice
layout pass off (``STRATEGY_BUILDER_LAYOUT=off``): the naive loop lays nothing out either.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from machine import describe_machine, publish  # benchmarks/machine.py: the script folder is on sys.path

REPO = Path(__file__).resolve().parent.parent

NAIVE_LOOP = """
import io, json, sys
from pathlib import Path
from docxtpl import DocxTemplate
template, contexts, out = sys.argv[1], json.loads(Path(sys.argv[2]).read_text()), Path(sys.argv[3])
for code, context in contexts.items():
    document = DocxTemplate(template)
    document.render(context, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    (out / f"{code}.docx").write_bytes(buffer.getvalue())
"""


def _command() -> list[str]:
    script = Path(sys.executable).parent / "strategy-builder"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "strategy_builder"]


def _fresh_project(parent: Path) -> Path:
    project = Path(tempfile.mkdtemp(dir=parent))
    for name in ("inputs", "templates"):
        shutil.copytree(REPO / name, project / name)
    return project


def _timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=15, help="interleaved rounds (medians are reported)")
    parser.add_argument("--no-write", action="store_true", help="do not append to benchmarks/RESULTS.md")
    args = parser.parse_args()
    command = _command()
    env = {**os.environ, "STRATEGY_BUILDER_LAYOUT": "off", "NO_COLOR": "1"}
    load_before = os.getloadavg()

    with tempfile.TemporaryDirectory() as scratch:
        parent = Path(scratch)
        checked = _fresh_project(parent)
        subprocess.run([*command, "check", "--project", str(checked)], check=True, env=env, capture_output=True)
        previewed = _fresh_project(parent)
        subprocess.run([*command, "build", "--preview", "--project", str(previewed)], check=True, env=env,
                       capture_output=True)
        built = _fresh_project(parent)
        subprocess.run([*command, "build", "--project", str(built)], check=True, env=env, capture_output=True)
        # The naive loop gets the same contexts the build renders, written once (not timed).
        contexts_file = parent / "contexts.json"
        code = ("import json, sys; from pathlib import Path; import strategy_builder as sb; "
                "from strategy_builder.drafts.builder import plan_next_draft; "
                "p = sb.load_project(Path(sys.argv[1])).project; "
                "Path(sys.argv[2]).write_text(json.dumps({j.partner: j.context for j in plan_next_draft(p, '')}))")
        subprocess.run([sys.executable, "-c", code, str(built), str(contexts_file)], check=True, env=env)
        naive_out = parent / "naive"
        naive_out.mkdir()
        partner = previewed / "inputs" / "partners" / "MD.yaml"
        original = partner.read_text(encoding="utf-8")
        edits = iter(range(1, 1_000_000))

        def edit_then_preview() -> float:
            # A save of one partner file (each round a different sentence), then the preview of that partner.
            partner.write_text(original.replace("situation: |\n", f"situation: |\n  Edit {next(edits)}.\n\n", 1),
                               encoding="utf-8")
            return _timed([*command, "build", "--preview", "--partner", "MD", "--project", str(previewed)], env)

        kinds: dict[str, Callable[[], float]] = {
            "import docxtpl": lambda: _timed([sys.executable, "-c", "import docxtpl"], env),
            "--help": lambda: _timed([*command, "--help"], env),
            "check (warm cache)": lambda: _timed([*command, "check", "--project", str(checked)], env),
            "build --preview --partner MD after an edit": edit_then_preview,
            "naive docxtpl loop (12 documents)": lambda: _timed(
                [sys.executable, "-c", NAIVE_LOOP, str(REPO / "templates" / "strategy.docx"), str(contexts_file),
                 str(naive_out)], env),
            "build --force (12 documents)": lambda: _timed([*command, "build", "--force", "--project", str(built)],
                                                           env),
        }
        runs: dict[str, list[float]] = {kind: [] for kind in kinds}
        for _ in range(args.repeat):
            for kind, run in kinds.items():
                runs[kind].append(run())
    load_after = os.getloadavg()
    median = {kind: statistics.median(values) for kind, values in runs.items()}
    base, naive = median["import docxtpl"], median["naive docxtpl loop (12 documents)"]

    def ratio(kind: str, against: float, target: float) -> str:
        value = median[kind] / against
        return f"{value:.2f} (target ≤ {target}: {'met' if value <= target else 'NOT met'})"

    lines = [
        f"\n## Start-up benchmark, {dt.date.today().isoformat()}\n",
        f"Machine: {describe_machine()}. Command: `python benchmarks/startup_bench.py"
        f"{f' --repeat {args.repeat}' if args.repeat != 15 else ''}`; `{' '.join(Path(c).name for c in command)}`; "
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after (1 min).\n",
        "| process | median | min | max | ratio |",
        "|---|---:|---:|---:|---|",
    ]
    targets = {"--help": (base, 0.6), "check (warm cache)": (base, 1.5),
               "build --preview --partner MD after an edit": (base, 2.0),
               "build --force (12 documents)": (naive, 0.5)}
    for kind, values in runs.items():
        against = targets.get(kind)
        shown = ratio(kind, *against) if against else "baseline"
        lines.append(f"| {kind} | {median[kind] * 1000:.0f} ms | {min(values) * 1000:.0f} ms | "
                     f"{max(values) * 1000:.0f} ms | {shown} |")
    lines.append(f"\nRatios: `--help`, `check` and the preview against `import docxtpl`; the full build against "
                 f"the naive loop. {args.repeat} interleaved rounds, LibreOffice layout pass off.")
    publish(lines, append=not args.no_write)
    print(json.dumps({kind: round(value, 4) for kind, value in median.items()}))


if __name__ == "__main__":
    main()
