"""Benchmark of ``diff``, whole processes: our redline vs python-redlines (Docxodus), and a 12-partner diff with
every report.

Run by hand (not part of the tests), on a machine as quiet as you can get:

    pip install -c constraints.txt -e ".[bench]"   # the baseline, python-redlines[docxodus] (benchmark only)
    python benchmarks/diff_bench.py [--runs 7] [--pair OLD.docx NEW.docx] [--no-append]

Every figure is the wall time of a whole process (Python's start-up, imports and the .NET engine's start-up
included), the median of ``--runs`` rounds; in each round every command runs once, in turn, so that the
drift of a shared machine touches all of them alike. The processes run from compiled bytecode, as an
installed package does (``PYTHONDONTWRITEBYTECODE`` is dropped from their environment and the package is
compiled first when it runs from a checkout), as ``startup_bench.py`` measures.

1. A generated pair of ~25,000-word documents with about 20 edits (changed words, inserted, deleted and
   moved paragraphs, a changed table cell), the largest pair we compare: ``strategy-builder diff OLD NEW
   --redline OUT`` against a Python process running python-redlines 2.0 with its Docxodus engine on the
   same files (baseline, same run). Also ``--pair``: any pair you name (e.g. the largest pair of a public
   comparison set). For context, the same two redlines timed inside one process (engine work only, no
   start-up). The accept/reject invariant is checked on both outputs with our emulation of Word's Accept All
   and Reject All.
2. Two drafts of the 12-partner sample (built in a temporary folder), compared by one process per report:
   terminal, JSON, Markdown, HTML, the 12 redlines, and all of them at once; target: each under 1 s.
   For scale: ``python -c pass`` and ``strategy-builder --version`` (start-up alone).

strategy-builder's commands run as a user runs them, with the warm start (docs/architecture.md): a server of
the benchmark's own, started before the first round (untimed), runs each command in a child of its own;
the CPU time of that child is counted. The pair is also timed with each command in a process of its own
(``STRATEGY_BUILDER_SERVER=off``), as before the warm start.

Results are appended to benchmarks/RESULTS.md with the machine (cores, CPU model, RAM, load) and the date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from warm import OFF, WarmServer  # benchmarks/warm.py
from machine import describe_machine, publish  # benchmarks/machine.py: the script folder is on sys.path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import docx  # noqa: E402

import strategy_builder as sb  # noqa: E402

sb.compare, sb.redline  # noqa: B018  imported here, so that the in-process timings hold no import

VOCABULARY = ("migration partnership border management labour return readmission asylum integration diaspora "
              "ministry agency capacity training data profile visa document security cooperation strategy "
              "national regional seasonal workers remittances protection victims trafficking procedure "
              "information centre legal framework agreement pilot project evaluation").split()


def _paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(VOCABULARY) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def generate_pair(folder: Path, seed: int = 7) -> tuple[Path, Path, int]:
    """Write old.docx and new.docx (~25,000 words, ~20 edits); returns their paths and the edit count."""
    rng = random.Random(seed)
    blocks: list[tuple[str, object]] = []
    words = 0
    chapter = 0
    while words < 25_000:
        if len([b for b in blocks if b[0] == "p"]) % 12 == 0:
            chapter += 1
            blocks.append(("h", f"Chapter {chapter}: {_paragraph(rng, 4)[:-1]}"))
        if chapter % 10 == 5 and not any(b[0] == "t" and b[1][0] == chapter for b in blocks):  # type: ignore[index]
            blocks.append(("t", (chapter, [[_paragraph(rng, 3) for _ in range(4)] for _ in range(6)])))
        text = _paragraph(rng, rng.randint(15, 35))
        words += len(text.split())
        blocks.append(("p", text))
    new = list(blocks)
    paragraphs = [i for i, b in enumerate(new) if b[0] == "p"]
    edits = 0
    for index in rng.sample(paragraphs, 10):  # changed words
        tokens = str(new[index][1]).split()
        position = rng.randrange(len(tokens) - 1)
        tokens[position] = rng.choice(VOCABULARY)
        tokens.insert(position + 1, "notably")
        new[index] = ("p", " ".join(tokens))
        edits += 1
    for index in sorted(rng.sample(paragraphs, 3), reverse=True):  # deleted paragraphs
        del new[index]
        edits += 1
    for _ in range(3):  # inserted paragraphs
        new.insert(rng.randrange(len(new)), ("p", _paragraph(rng, 25)))
        edits += 1
    headings = [i for i, b in enumerate(new) if b[0] == "h"]
    start = headings[20]  # move a whole chapter (heading and its paragraphs) further down
    end = headings[21]
    chunk = new[start:end]
    del new[start:end]
    target = [i for i, b in enumerate(new) if b[0] == "h"][40]
    new[target:target] = chunk
    edits += 2
    table = next(i for i, b in enumerate(new) if b[0] == "t")
    chapter_number, rows = new[table][1]  # type: ignore[misc]
    rows = [list(r) for r in rows]
    rows[2][1] = rows[2][1].replace(".", " and monitoring.")
    new[table] = ("t", (chapter_number, rows))
    edits += 1
    old_path, new_path = folder / "old.docx", folder / "new.docx"
    for path, content in ((old_path, blocks), (new_path, new)):
        document = docx.Document()
        for kind, value in content:
            if kind == "h":
                document.add_heading(str(value), level=1)
            elif kind == "p":
                document.add_paragraph(str(value))
            else:
                _, cells = value  # type: ignore[misc]
                grid = document.add_table(rows=len(cells), cols=len(cells[0]))
                for r, row in enumerate(cells):
                    for c, text in enumerate(row):
                        grid.cell(r, c).text = text
        document.save(str(path))
    return old_path, new_path, edits


def ours(old: Path, new: Path) -> bytes:
    """Our whole redline pipeline inside this process: read both files (as untrusted), align, write the redline."""
    (pair,) = sb.compare(str(old), str(new), old.parent).partners
    assert pair.diff is not None
    return sb.redline(pair.diff, author="BMP Strategy Drafting Team", date=dt.date(2010, 11, 15))


def invariant_holds(redline_bytes: bytes, old: Path, new: Path) -> bool:
    from fixtures.diff.docs import revision_views, texts

    accepted, rejected = revision_views(redline_bytes)
    return accepted == texts(new) and rejected == texts(old)


def timed(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


THEIRS = """import sys
from pathlib import Path
from python_redlines.engines import DocxodusEngine

old, new, out = map(Path, sys.argv[1:4])
redline = DocxodusEngine().run_redline("BMP Strategy Drafting Team", old.read_bytes(), new.read_bytes())[0]
out.write_bytes(redline)
"""


INSTALLED = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
"""The environment of the timed processes: an installed package runs from its bytecode (pip compiles it at
install; an editable install writes it on first use), so a shell that forbids writing bytecode must not
charge every run for compiling the package."""


def compile_package() -> None:
    """Compile strategy_builder/ once, as pip does at install (a checkout run with PYTHONDONTWRITEBYTECODE has
    no bytecode)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "strategy_builder")], check=True,
                   env=INSTALLED)


def processes(commands: dict[str, list[str]], runs: int, cwd: Path,
              server: WarmServer | None = None) -> dict[str, tuple[float, float]]:
    """Each command as a whole process: the median wall time and the median CPU time (user + system, its
    children included); every round runs every command once. strategy-builder's commands run as a user runs
    them, with the warm start on and ``server`` serving them (their CPU time includes the server's child that
    ran them), except those named "..., own process" (``STRATEGY_BUILDER_SERVER=off``)."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            served = server if server is not None and not name.endswith("own process") else None
            env = served.environment(INSTALLED) if served else {**INSTALLED, **OFF}
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            served_before = served.children_cpu() if served else 0.0
            started = time.perf_counter()
            result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            cpu += (served.children_cpu() - served_before) if served else 0.0
            times[name].append((wall, cpu))
            if result.returncode != 0:
                raise SystemExit(f"{name} failed ({result.returncode}): {result.stderr[-2000:]}")
    return {name: (statistics.median(w for w, _ in values), statistics.median(c for _, c in values))
            for name, values in times.items()}


def warm_server() -> WarmServer:
    """A warm server of this benchmark's own, started and ready (its start-up is not timed)."""
    server = WarmServer()
    subprocess.run([sys.executable, "-m", "strategy_builder", "--version"], check=True, capture_output=True,
                   env=server.environment(INSTALLED))
    server.wait_ready()
    return server


def baseline_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("python_redlines") is not None


def compare_pair(label: str, old: Path, new: Path, folder: Path, runs: int, lines: list[str],
                 server: WarmServer) -> None:
    """Whole processes: our diff with a redline against python-redlines on the same pair, same rounds."""
    script = folder / "theirs.py"
    script.write_text(THEIRS, encoding="utf-8")
    ours_out, theirs_out = folder / f"{old.stem}-ours.docx", folder / f"{old.stem}-theirs.docx"
    diff = [sys.executable, "-m", "strategy_builder", "diff", str(old), str(new), "--project", str(folder),
            "--redline", str(ours_out)]
    commands = {"ours": diff, "ours, own process": diff}
    if baseline_available():
        commands["theirs"] = [sys.executable, str(script), str(old), str(new), str(theirs_out)]
    medians = processes(commands, runs, REPO, server)
    ours_ok = invariant_holds(ours_out.read_bytes(), old, new)
    for name, how in (("ours", "warm start"), ("ours, own process", "own process")):
        wall, cpu = medians[name]
        lines.append(f"   - strategy-builder `diff OLD NEW --redline OUT` ({how}): median {wall * 1000:.0f} ms wall, "
                     f"{cpu * 1000:.0f} ms CPU (whole process, {runs} runs); invariant "
                     f"{'holds' if ours_ok else 'FAILS'}")
    if "theirs" not in medians:
        lines.append("   - python-redlines[docxodus] is not installed: no baseline in this run")
        return
    theirs_ok = invariant_holds(theirs_out.read_bytes(), old, new)
    their_wall, their_cpu = medians["theirs"]
    lines.append(f"   - python-redlines 2.0 (Docxodus), a Python process calling it: median {their_wall * 1000:.0f} ms "
                 f"wall, {their_cpu * 1000:.0f} ms CPU (whole process, {runs} runs); invariant "
                 f"{'holds' if theirs_ok else 'FAILS'} (our emulation)")
    for name, how in (("ours", "with the warm start, as a user runs it"), ("ours, own process", "own process")):
        wall, cpu = medians[name]
        lines.append(f"   - ratio, whole processes ({how}): ours is {their_wall / wall:.1f}x faster in wall time, "
                     f"{their_cpu / cpu:.1f}x in CPU time (target: at least 10x) [{label}]")


def sample_drafts(folder: Path) -> Path:
    """The sample with drafts 001 and 002 of the tests' scenario (a move, a deletion, a retitle...) built."""
    from conftest import copy_sample
    from fixtures.diff.drafts import build_sample_drafts

    first = copy_sample(folder / "first")
    sb.build(first, sb.BuildOptions(jobs=1))
    old_dir, new_dir = build_sample_drafts(folder, first)
    return new_dir.parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pair", nargs=2, type=Path, metavar=("OLD", "NEW"), help="also time this pair")
    parser.add_argument("--no-append", action="store_true", help="print only; do not append to RESULTS.md")
    args = parser.parse_args()
    compile_package()
    load = os.getloadavg()[0]
    lines = [f"\n## diff benchmark (whole processes) — {dt.date.today().isoformat()}", "",
             f"Machine: {describe_machine()}; load average {load:.1f} at the start", ""]
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        old, new, edits = generate_pair(folder)
        words = sum(len(p.text.split()) for p in docx.Document(str(old)).paragraphs)
        lines.append(f"1. The largest pair, generated: {words:,} words (paragraphs) plus tables, {edits} edits "
                     f"(changed words, inserted/deleted paragraphs, a moved chapter, a changed table cell).")
        server = warm_server()
        compare_pair("generated pair", old, new, folder, args.runs, lines, server)
        inside, output = timed(lambda: ours(old, new), args.runs)
        context = f"   - for context, inside one process (no start-up): strategy-builder {inside * 1000:.0f} ms"
        if baseline_available():
            from python_redlines.engines import DocxodusEngine

            engine = DocxodusEngine()
            theirs_inside, _ = timed(lambda: engine.run_redline("BMP Strategy Drafting Team", old.read_bytes(),
                                                                new.read_bytes())[0], max(3, args.runs // 2))
            context += (f", python-redlines {theirs_inside * 1000:.0f} ms (its engine is a process of its own on "
                        f"every call): {theirs_inside / inside:.1f}x")
        lines.append(context + " (medians)")
        if args.pair:
            first, second = (path.resolve() for path in args.pair)
            size = (first.stat().st_size + second.stat().st_size) / 1024
            lines.append(f"   Named pair: {first.name} → {second.name} ({size:.0f} KiB together)")
            compare_pair(f"{first.name} → {second.name}", first, second, folder, args.runs, lines, server)
        project = sample_drafts(folder / "drafts")
        out = folder / "out"
        base = [sys.executable, "-m", "strategy_builder", "diff", "1", "2", "--project", str(project)]
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "strategy-builder --version": [sys.executable, "-m", "strategy_builder", "--version"],
            "terminal": base,
            "JSON": [*base, "--format", "json"],
            "Markdown": [*base, "--format", "markdown"],
            "HTML": [*base, "--html", str(out / "diff.html")],
            "12 redlines": [*base, "--redline", str(out / "redlines")],
            "all at once (terminal, HTML, 12 redlines)": [*base, "--html", str(out / "all.html"), "--redline",
                                                          str(out / "all-redlines")],
        }
        medians = processes(commands, args.runs, REPO, server)
        server.close()
        lines.append("2. Two 12-partner drafts of the sample (1 retitled, 1 deleted, 1 inserted, 2 swapped, 1 moved "
                     f"to another area), `diff 1 2`, one whole process per report, medians of {args.runs} runs "
                     "(target: each under 1 s):")
        lines.append("")
        lines.append("   | command | wall (median) | CPU (median) |")
        lines.append("   | --- | ---: | ---: |")
        for name, (wall, cpu) in medians.items():
            lines.append(f"   | {name} | {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms |")
        worst = max(w for k, (w, _) in medians.items() if k not in ("python -c pass", "strategy-builder --version"))
        lines.append("")
        lines.append(f"   Slowest report: {worst * 1000:.0f} ms ({'under' if worst < 1 else 'NOT under'} 1 s).")
    publish(lines, append=not args.no_append)


if __name__ == "__main__":
    main()
