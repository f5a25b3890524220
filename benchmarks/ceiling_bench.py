"""How fast could the two commands that miss their start-up targets get, if every cost that is not Python's
or a library's own start-up were free? An experiment, not a target.

Run by hand, on a quiet machine, after ``startup_bench.py`` and ``diff_bench.py``:

    python benchmarks/ceiling_bench.py [--runs 9] [--each] [--no-append]

Two commands miss their targets as whole processes: a one-partner ``build --preview`` after an edit
(target: at most 2x ``python -c "import docxtpl"``) and ``diff OLD NEW --redline OUT`` on the largest pair
(target: at least 10x faster than python-redlines with Docxodus). This benchmark times each of them three
ways in the same interleaved rounds as its baseline:

- as shipped;
- as a *ceiling*: the same command in a process where, before strategy-builder is imported,
  1. the garbage collector is off;
  2. ``dataclasses.dataclass`` makes classes without ``frozen``, ``__eq__`` (unless ``order``) or
     ``__repr__``, the generated methods that cost most of a dataclass's creation;
  3. every zip member is compressed at zlib level 1;
  4. pydantic looks for no plugins (``PYDANTIC_DISABLE_PLUGINS=__all__``);
  5. the process ends with ``os._exit`` once its output is flushed, skipping the interpreter's teardown.

None of these is fit to ship (a frozen record that can be changed, ``==`` by identity, files a third
larger, plugins a user installed ignored); together they bound what tuning our own code could still win.
With ``--each``, every one of the five is also taken away alone, to show what each is worth.
The ceiling's outputs are checked to be the shipped command's (the same XML in every part), so that both
do the same work.

Results are appended to benchmarks/RESULTS.md with the machine and the date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from diff_bench import INSTALLED, THEIRS, baseline_available, compile_package, generate_pair, processes
from machine import describe_machine, publish  # benchmarks/: the script folder is on sys.path

REPO = Path(__file__).resolve().parent.parent

COSTS: dict[str, str] = {
    "garbage collector": "gc.disable()\n",
    "dataclass methods": """_dataclass = dataclasses.dataclass
def _lean(cls=None, /, **options):
    options.pop("frozen", None)
    options["repr"] = False
    if not options.get("order"):
        options["eq"] = False
    return _dataclass(**options) if cls is None else _dataclass(cls, **options)
dataclasses.dataclass = _lean
""",
    "zlib effort": """_compressor = zipfile._get_compressor
zipfile._get_compressor = lambda compress_type, compresslevel=None: _compressor(compress_type, 1)
""",
    "pydantic plugin search": 'os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"\n',
    "interpreter teardown": "",  # see _ceiling: the ending differs
}
"""The five costs the ceiling takes away, each as the code that takes it away before strategy-builder runs."""


def _ceiling(removed: tuple[str, ...]) -> str:
    """A strategy-builder process with the ``removed`` costs of :data:`COSTS` taken away."""
    code = "import dataclasses, gc, os, runpy, sys, zipfile\n" + "".join(COSTS[name] for name in removed)
    code += """sys.argv = ["strategy-builder", *sys.argv[1:]]
code = 0
try:
    runpy.run_module("strategy_builder", run_name="__main__")
except SystemExit as end:
    code = end.code if isinstance(end.code, int) else 0
"""
    if "interpreter teardown" in removed:
        return code + "sys.stdout.flush()\nsys.stderr.flush()\nos._exit(code)\n"
    return code + "sys.exit(code)\n"


CEILING = _ceiling(tuple(COSTS))
"""A strategy-builder process with the five costs of the module docstring taken away."""


def _variants(each: bool) -> dict[str, str]:
    """The ceiling, and with ``each`` every cost taken away alone (what each is worth)."""
    variants = {"ceiling": CEILING}
    if each:
        variants.update({f"without the {name} alone": _ceiling((name,)) for name in COSTS})
    return variants


def _command() -> list[str]:
    script = Path(sys.executable).parent / "strategy-builder"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "strategy_builder"]


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _same_work(shipped: Path, ceiling: Path, what: str) -> None:
    if _parts(shipped) != _parts(ceiling):
        raise SystemExit(f"the ceiling's {what} differs from the shipped command's: the comparison is void")


def _line(name: str, timing: tuple[float, float], baseline: tuple[float, float], *, faster: bool) -> str:
    wall, cpu = timing
    if faster:
        ratios = f"{baseline[0] / wall:.1f}x faster in wall time, {baseline[1] / cpu:.1f}x in CPU time"
    else:
        ratios = f"{wall / baseline[0]:.2f}x the baseline's wall time, {cpu / baseline[1]:.2f}x its CPU time"
    return f"   | {name} | {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms | {ratios} |"


def _timed(command: list[str], cwd: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=cwd, env=INSTALLED, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def preview(folder: Path, runs: int, lines: list[str], variants: dict[str, str]) -> None:
    project = folder / "project"
    project.mkdir()
    for name in ("inputs", "templates"):
        shutil.copytree(REPO / name, project / name)
    arguments = ["build", "--preview", "--partner", "MD", "--project", str(project)]
    subprocess.run([*_command(), "build", "--preview", "--project", str(project)], check=True, env=INSTALLED,
                   capture_output=True)
    partner = project / "inputs" / "partners" / "MD.yaml"
    original = partner.read_text(encoding="utf-8")
    edits = iter(range(1, 1_000_000))
    commands = {"import docxtpl": [sys.executable, "-c", "import docxtpl"],
                "as shipped": [*_command(), *arguments],
                **{name: [sys.executable, "-c", code, *arguments] for name, code in variants.items()}}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            # A save of the partner file (each run a different sentence, as startup_bench.py does), untimed.
            partner.write_text(original.replace("situation: |\n", f"situation: |\n  Edit {next(edits)}.\n\n", 1),
                               encoding="utf-8")
            times[name].append(_timed(command, project))
    timings = {name: (statistics.median(w for w, _ in values), statistics.median(c for _, c in values))
               for name, values in times.items()}
    written = project / "build" / "preview" / "MD.docx"
    shipped = folder / "shipped.docx"
    # The same inputs rendered by both (--force: a preview whose inputs did not change is otherwise kept).
    subprocess.run([*commands["as shipped"], "--force"], check=True, env=INSTALLED, capture_output=True)
    shutil.copy(written, shipped)
    written.unlink()
    subprocess.run([*commands["ceiling"], "--force"], check=True, env=INSTALLED, capture_output=True)
    _same_work(shipped, written, "preview")
    baseline = timings["import docxtpl"]
    lines += ["1. One-partner preview after an edit (`build --preview --partner MD`, MD.yaml saved with a changed "
              "sentence before each run, untimed); baseline `python -c \"import docxtpl\"` (target: at most 2x):", "",
              "   | process | wall (median) | CPU (median) | against the baseline |", "   | --- | ---: | ---: | --- |",
              f"   | import docxtpl | {baseline[0] * 1000:.0f} ms | {baseline[1] * 1000:.0f} ms | baseline |",
              _line("as shipped", timings["as shipped"], baseline, faster=False),
              *(_line(name, timings[name], baseline, faster=False) for name in variants), ""]


def diff(folder: Path, runs: int, lines: list[str], variants: dict[str, str]) -> None:
    old, new, _ = generate_pair(folder)
    ours, theirs = folder / "ours.docx", folder / "theirs.docx"
    outputs = {name: folder / f"variant-{index}.docx" for index, name in enumerate(variants)}
    arguments = ["diff", str(old), str(new), "--redline"]
    commands = {"python-redlines (Docxodus)": [sys.executable, "-c", THEIRS, str(old), str(new), str(theirs)],
                "as shipped": [*_command(), *arguments, str(ours)],
                **{name: [sys.executable, "-c", code, *arguments, str(outputs[name])]
                   for name, code in variants.items()}}
    timings = processes(commands, runs, cwd=folder)
    for name, output in outputs.items():
        _same_work(ours, output, f"redline ({name})")
    lines += ["2. `diff OLD NEW --redline OUT` on the generated 25,504-word pair (the largest pair; see "
              "diff_bench.py); baseline python-redlines 2.0 with Docxodus (target: at least 10x faster):", "",
              "   | process | wall (median) | CPU (median) | against the baseline |", "   | --- | ---: | ---: | --- |",
              f"   | python-redlines (Docxodus) | {timings['python-redlines (Docxodus)'][0] * 1000:.0f} ms | "
              f"{timings['python-redlines (Docxodus)'][1] * 1000:.0f} ms | baseline |",
              _line("as shipped", timings["as shipped"], timings["python-redlines (Docxodus)"], faster=True),
              *(_line(name, timings[name], timings["python-redlines (Docxodus)"], faster=True)
                for name in variants), ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="interleaved rounds (default 9)")
    parser.add_argument("--no-append", action="store_true", help="do not append to benchmarks/RESULTS.md")
    parser.add_argument("--each", action="store_true",
                        help="also time each cost taken away alone (what each is worth; five more processes a round)")
    options = parser.parse_args()
    compile_package()
    load = os.getloadavg()[0]
    lines = [f"## Ceiling experiment (whole processes) — {dt.datetime.now():%Y-%m-%dT%H:%M}", "",
             f"Machine: {describe_machine()}; load average {load:.2f} at the start; "
             f"`python benchmarks/ceiling_bench.py --runs {options.runs}`; medians of {options.runs} interleaved "
             "rounds. Ceiling = the shipped command with the garbage collector off, lean dataclasses, zlib level 1, "
             "no pydantic plugins and no interpreter teardown (see the script); its output checked equal to the "
             "shipped command's.", ""]
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        (folder / "preview").mkdir()
        variants = _variants(options.each)
        preview(folder / "preview", options.runs, lines, variants)
        if baseline_available():
            (folder / "diff").mkdir()
            diff(folder / "diff", options.runs, lines, variants)
        else:
            lines.append("2. python-redlines[docxodus] is not installed (`pip install -e \".[bench]\"`): no diff "
                         "ceiling in this run.")
    publish(lines, append=not options.no_append)


if __name__ == "__main__":
    main()
