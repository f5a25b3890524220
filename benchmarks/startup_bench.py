"""Start-up benchmark: strategy-builder commands as whole processes against ``python -c "import docxtpl"``.

Run by hand (not in the test suite), preferably on a quiet machine (the script prints the load average):

    python benchmarks/startup_bench.py               # 15 interleaved rounds, appends to benchmarks/RESULTS.md
    python benchmarks/startup_bench.py --repeat 5 --no-write

Each figure is reported twice: the wall-clock time a user waits, and the CPU time (user + system) the
process and its workers used, which a machine shared with other work disturbs less.

The processes run with their bytecode compiled, as an installed package does (``PYTHONDONTWRITEBYTECODE``
is dropped from their environment, and the package compiled first when it runs from a checkout).

Every measurement is a whole process, start-up included, as a user pays it: the installed
``strategy-builder`` command (or ``python -m strategy_builder`` where it is not on the path) and the
baselines run with the same interpreter. One round runs every kind once, in turn, so that all kinds see
the same drift of a shared machine; medians over the rounds are reported, and ratios of medians.

Targets (issue 12): ``--help`` ≤ 0.6 of ``import docxtpl``; ``check`` of the sample with a warm cache
≤ 1.5 of it; a one-partner ``build --preview`` after an edit ≤ 2 of it; a full build of the sample ≤ 0.5 of
the naive docxtpl loop (a process that imports docxtpl, reads the twelve contexts from a JSON file and
renders and saves each document, see ``NAIVE_LOOP`` below; the build makes the same twelve English
documents: the sample's three Russian versions are left out, as ``build_bench.py`` does); with
``build --preview --watch`` running, the time from saving a partner file to the watcher reporting the
preview written ≤ 0.1 of a full build of the project it watches: the sample as shipped, whose full build
makes the twelve documents and the three Russian versions (``SAMPLE_BUILD_KIND``; the watcher writes a
partner's Russian version too, see the third watcher row). Each watcher row's ratio to the twelve English
documents' build is printed after the table, for context.
Full builds run with the LibreOffice layout pass off (``STRATEGY_BUILDER_LAYOUT=off``): the naive loop
lays nothing out either.

Commands run as a user runs them: with the warm start (docs/architecture.md, "The warm start"), whose server
is the benchmark's own (a runtime folder of its own, started by the first command, stopped at the end); a
served command's CPU time is the client's plus that of the server's child that ran it. The same commands
are also measured in a process of their own (``STRATEGY_BUILDER_SERVER=off``), and the preview as the first
command of a session (no server yet), for context.

The watcher is measured by three rows, each its own process (on a project of its own) started before the
first round and stopped (Ctrl-C) after the last; it says ``--format json`` one line per rebuild, and a
round's figure is the time from the write of the file to that line, as read here: the watcher's polling
interval is part of it, as a user waits for it. What each row saves (in AM.yaml, a partner without a
language version, unless it says otherwise):

- ``--watch: save AM.yaml → preview written`` (wording): the first paragraph of ``situation`` becomes
  ``Edit N.`` followed by the original paragraph, so that after the first save only the number changes (the
  markup of ``document.xml`` stays the same; the watcher can patch the texts of its last finish);
- ``... (structure)``: every save changes the document's structure, alternately adding a paragraph
  (``Edit N.`` as a paragraph of its own before the original first paragraph) and a priority (a copy of the
  first priority of ``illegal_migration``, ``Added N``, before it), and taking the other away, so that every
  timed save adds or removes a paragraph and a priority, shifting every block after it;
- ``--watch: save BY.yaml → previews written (English and Russian)``: the wording save of the first row, of a
  partner with a language version: the watcher writes its English and its Russian preview before it reports.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import select
import signal
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from machine import describe_machine, publish  # benchmarks/machine.py: the script folder is on sys.path
from warm import OFF, WarmServer

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


PREVIEW_LIBRARIES = ("import click, pydantic, pydantic.main, importlib.metadata, annotated_types, yaml, jinja2, "
                     "lxml.etree, filelock, rich.console, rich.table")
"""The libraries a one-partner preview imports and uses (shown for context, not a target): the command line
(click), validation (pydantic, which imports importlib.metadata to look for its plugins when it builds a
validator), the YAML reader, the template engine (Jinja2, lxml), the draft folder's lock (filelock) and the
terminal output (rich). Whatever strategy-builder's own modules cost comes on top of this."""
PREVIEW_LIBRARIES_KIND = "for context: import only the libraries the preview uses"

PREVIEW_KIND = "build --preview --partner MD after an edit"
BUILD_KIND = "build --force (12 documents)"
SAMPLE_BUILD_KIND = "build --force (the sample as watched: 12 documents and 3 Russian versions)"
WATCH_KIND = "--watch: save AM.yaml → preview written"
WATCH_STRUCTURE_KIND = f"{WATCH_KIND} (structure)"
WATCH_VERSION_KIND = "--watch: save BY.yaml → previews written (English and Russian)"


def _command() -> list[str]:
    script = Path(sys.executable).parent / "strategy-builder"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "strategy_builder"]


def _fresh_project(parent: Path, *, english_only: bool = False) -> Path:
    project = Path(tempfile.mkdtemp(dir=parent))
    for name in ("inputs", "templates"):
        shutil.copytree(REPO / name, project / name)
    if english_only:  # the 12 English documents the naive loop renders (the Russian versions: languages_bench.py)
        strategy = project / "inputs" / "strategy.yaml"
        strategy.write_text(re.sub(r"\nlanguages: .*\n", "\n", strategy.read_text(encoding="utf-8")),
                            encoding="utf-8")
        shutil.rmtree(project / "inputs" / "translations", ignore_errors=True)
    return project


Timing = tuple[float, float]
"""Wall-clock seconds and CPU seconds (user + system) of one measurement."""


def _round_ratios(name: str, saves: list[Timing], builds: list[Timing], target: float) -> str:
    """How a watcher row compares with the full build round by round: the median and quartiles of the
    rounds' ratios, and in how many rounds the target held (the medians' ratio alone hides the spread)."""
    ratios = sorted(save[0] / build[0] for save, build in zip(saves, builds, strict=True))
    quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
    held = sum(1 for value in ratios if value <= target)
    return (f"{name} {statistics.median(ratios):.3f} (quartiles {quartiles[0]:.3f}-{quartiles[2]:.3f}), "
            f"at most {target} in {held} of {len(ratios)} rounds")


def _full_build(command: list[str], project: Path, env: dict[str, str], server: WarmServer | None) -> Timing:
    """A full build of ``project`` as it was before any (untimed: the drafts of earlier rounds are removed), so
    that every round measures the same work: a build reads every earlier draft's manifest, and the watched
    projects it is compared with have no draft either."""
    shutil.rmtree(project / "build" / "drafts", ignore_errors=True)
    return _timed([*command, "build", "--force", "--project", str(project)], env, server)


def _timed(args: list[str], env: dict[str, str], server: WarmServer | None = None) -> Timing:
    """Wall and CPU time of one process; with ``server``, the CPU time of the command the server ran for it
    is added to the client's."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    served_before = server.children_cpu() if server else 0.0
    started = time.perf_counter()
    subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    served = (server.children_cpu() - served_before) if server else 0.0
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime) + served


def _process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far (Linux: /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Watcher:
    """``build --preview --watch --format json`` on ``project``: save a partner file, wait for the rebuild.

    ``structural``: every save changes the document's structure (see the module's docstring), not only its
    wording."""

    def __init__(self, command: list[str], project: Path, env: dict[str, str], *, structural: bool = False,
                 partner: str = "AM") -> None:
        self.partner = project / "inputs" / "partners" / f"{partner}.yaml"
        self.original = self.partner.read_text(encoding="utf-8")
        self.structural = structural
        self.edits = iter(range(1, 1_000_000))
        self.process = subprocess.Popen([*command, "build", "--preview", "--watch", "--format", "json",
                                         "--project", str(project)], env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)
        self._event()  # the first build of every preview

    def _event(self, timeout: float = 120.0) -> dict[str, object]:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            raise RuntimeError("the watcher stopped or said nothing")
        event: dict[str, object] = json.loads(line)
        if "build" not in event:
            raise RuntimeError(f"the watcher did not rebuild: {line}")
        return event

    def save_then_written(self) -> Timing:
        cpu = _process_cpu(self.process.pid)
        started = time.perf_counter()
        self.partner.write_text(self._saved(next(self.edits)), encoding="utf-8")
        event = self._event()
        seconds = time.perf_counter() - started
        assert event["changed"] == [f"inputs/partners/{self.partner.name}"], event
        return seconds, _process_cpu(self.process.pid) - cpu

    def _saved(self, edit: int) -> str:
        """The text of save number ``edit`` (see the module's docstring)."""
        if not self.structural:
            return self.original.replace("situation: |\n", f"situation: |\n  Edit {edit}.\n\n", 1)
        if edit % 2:  # a paragraph more in the situation, the priority as it was
            return self.original.replace("situation: |\n", f"situation: |\n  Edit {edit}.\n\n", 1)
        # the paragraph gone, a priority more: a copy of the area's first one, before it
        start = self.original.index("      - id: ", self.original.index("  illegal_migration:"))
        end = self.original.index("      - id: ", start + 1)
        first = self.original[start:end]
        identifier = first.partition("\n")[0].removeprefix("      - id: ")
        added = first.replace(identifier, f"added-{edit}", 1)
        added = added.replace("        title: ", f"        title: Added {edit}, ", 1)
        return self.original[:start] + added + self.original[start:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=15, help="interleaved rounds (medians are reported)")
    parser.add_argument("--no-write", action="store_true", help="do not append to benchmarks/RESULTS.md")
    args = parser.parse_args()
    command = _command()
    base = {**os.environ, "STRATEGY_BUILDER_LAYOUT": "off", "NO_COLOR": "1"}
    # An installed package runs from its bytecode (pip compiles it at install; an editable install writes it
    # on first use): a shell that forbids writing bytecode would charge every run for compiling the package.
    base.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "strategy_builder")], check=True, env=base)
    server = WarmServer()
    env = server.environment(base)  # as a user runs commands: the warm start on, its server the benchmark's own
    alone = {**base, **OFF}  # each command in a process of its own, as before the warm start
    load_before = os.getloadavg()

    with tempfile.TemporaryDirectory() as scratch:
        parent = Path(scratch)
        checked = _fresh_project(parent)
        subprocess.run([*command, "check", "--project", str(checked)], check=True, env=env, capture_output=True)
        server.wait_ready()
        previewed = _fresh_project(parent)
        subprocess.run([*command, "build", "--preview", "--project", str(previewed)], check=True, env=env,
                       capture_output=True)
        built = _fresh_project(parent, english_only=True)
        subprocess.run([*command, "build", "--project", str(built)], check=True, env=env, capture_output=True)
        sample = _fresh_project(parent)  # as the watchers' projects: with the Russian versions
        subprocess.run([*command, "build", "--project", str(sample)], check=True, env=env, capture_output=True)
        # The naive loop gets the same contexts the build renders, written once (not timed).
        contexts_file = parent / "contexts.json"
        code = ("import json, sys; from pathlib import Path; import strategy_builder as sb; root = Path(sys.argv[1]); "
                "codes = [p.code for p in sb.load_project(root).project.partners]; "
                "Path(sys.argv[2]).write_text(json.dumps({c: sb.template_context(root, c) for c in codes}))")
        subprocess.run([sys.executable, "-c", code, str(built), str(contexts_file)], check=True, env=base)
        # The watcher is one long process: whether it was forked by the server does not change what it does
        # between a save and its report; run on its own, its CPU time is its process's.
        watcher = Watcher(command, _fresh_project(parent), alone)
        structural = Watcher(command, _fresh_project(parent), alone, structural=True)
        with_version = Watcher(command, _fresh_project(parent), alone, partner="BY")
        naive_out = parent / "naive"
        naive_out.mkdir()
        partner = previewed / "inputs" / "partners" / "MD.yaml"
        original = partner.read_text(encoding="utf-8")
        edits = iter(range(1, 1_000_000))

        def edit_then_preview(environment: dict[str, str], served: WarmServer | None) -> Timing:
            # A save of one partner file (each round a different sentence), then the preview of that partner.
            partner.write_text(original.replace("situation: |\n", f"situation: |\n  Edit {next(edits)}.\n\n", 1),
                               encoding="utf-8")
            return _timed([*command, "build", "--preview", "--partner", "MD", "--project", str(previewed)],
                          environment, served)

        def first_of_a_session() -> Timing:
            # No server yet (after ten idle minutes, or a reboot): the command runs in its own process and
            # starts a server in the background. Untimed: stopping the old server, waiting for the new one.
            server.stop()
            timing = edit_then_preview(env, None)
            server.wait_ready()
            return timing

        kinds: dict[str, Callable[[], Timing]] = {
            "import docxtpl": lambda: _timed([sys.executable, "-c", "import docxtpl"], base),
            "--help": lambda: _timed([*command, "--help"], env, server),
            "--help, own process": lambda: _timed([*command, "--help"], alone),
            "check (warm cache)": lambda: _timed([*command, "check", "--project", str(checked)], env, server),
            "check (warm cache), own process": lambda: _timed([*command, "check", "--project", str(checked)], alone),
            PREVIEW_KIND: lambda: edit_then_preview(env, server),
            f"{PREVIEW_KIND}, own process": lambda: edit_then_preview(alone, None),
            f"{PREVIEW_KIND}, first command of a session": first_of_a_session,
            PREVIEW_LIBRARIES_KIND: lambda: _timed([sys.executable, "-c", PREVIEW_LIBRARIES], base),
            "naive docxtpl loop (12 documents)": lambda: _timed(
                [sys.executable, "-c", NAIVE_LOOP, str(REPO / "templates" / "strategy.docx"), str(contexts_file),
                 str(naive_out)], base),
            BUILD_KIND: lambda: _full_build(command, built, env, server),
            f"{BUILD_KIND}, own process": lambda: _full_build(command, built, alone, None),
            SAMPLE_BUILD_KIND: lambda: _full_build(command, sample, env, server),
            WATCH_KIND: watcher.save_then_written,
            WATCH_STRUCTURE_KIND: structural.save_then_written,
            WATCH_VERSION_KIND: with_version.save_then_written,
        }
        runs: dict[str, list[Timing]] = {kind: [] for kind in kinds}
        try:
            for _ in range(args.repeat):
                for kind, run in kinds.items():
                    runs[kind].append(run())
        finally:
            watcher.stop()
            structural.stop()
            with_version.stop()
            server.close()
    load_after = os.getloadavg()
    wall = {kind: statistics.median(value[0] for value in values) for kind, values in runs.items()}
    cpu = {kind: statistics.median(value[1] for value in values) for kind, values in runs.items()}
    targets = {"--help": ("import docxtpl", 0.6), "check (warm cache)": ("import docxtpl", 1.5),
               PREVIEW_KIND: ("import docxtpl", 2.0), BUILD_KIND: ("naive docxtpl loop (12 documents)", 0.5),
               WATCH_KIND: (SAMPLE_BUILD_KIND, 0.1), WATCH_STRUCTURE_KIND: (SAMPLE_BUILD_KIND, 0.1),
               WATCH_VERSION_KIND: (SAMPLE_BUILD_KIND, 0.1)}
    context = {f"{kind}, {how}": against for kind, (against, _) in targets.items()
               for how in ("own process", "first command of a session")}

    def ratio(median: dict[str, float], kind: str) -> str:
        if kind == PREVIEW_LIBRARIES_KIND:
            return f"{median[kind] / median['import docxtpl']:.2f} (of import docxtpl)"
        if kind in context:
            return f"{median[kind] / median[context[kind]]:.2f} (for context)"
        if kind not in targets:
            return "baseline"
        against, target = targets[kind]
        value = median[kind] / median[against]
        return f"{value:.2f} ({'met' if value <= target else 'NOT met'})"

    lines = [
        f"\n## Start-up benchmark, {dt.datetime.now().isoformat(timespec='minutes')}\n",
        f"Machine: {describe_machine()}. Command: `python benchmarks/startup_bench.py"
        f"{f' --repeat {args.repeat}' if args.repeat != 15 else ''}`; `{' '.join(Path(c).name for c in command)}`; "
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after (1 min); "
        f"{args.repeat} interleaved rounds, LibreOffice layout pass off.\n",
        "| process | target | wall median (min–max) | wall ratio | CPU median | CPU ratio |",
        "|---|---|---:|---|---:|---|",
    ]
    for kind, values in runs.items():
        walls = [value[0] for value in values]
        target = (f"≤ {targets[kind][1]} × {targets[kind][0]}" if kind in targets
                  else "none" if kind == PREVIEW_LIBRARIES_KIND or kind in context else "baseline")
        lines.append(f"| {kind} | {target} | {wall[kind] * 1000:.0f} ms ({min(walls) * 1000:.0f}–"
                     f"{max(walls) * 1000:.0f}) | {ratio(wall, kind)} | {cpu[kind] * 1000:.0f} ms | "
                     f"{ratio(cpu, kind)} |")
    watch_kinds = (WATCH_KIND, WATCH_STRUCTURE_KIND, WATCH_VERSION_KIND)
    lines.append("\nFor context, the watcher rows against the full build of the twelve English documents (the "
                 "naive loop's documents, not the project watched), wall and CPU: " + "; ".join(
                     f"{kind.removeprefix('--watch: ')} {wall[kind] / wall[BUILD_KIND]:.2f} and "
                     f"{cpu[kind] / cpu[BUILD_KIND]:.2f}" for kind in watch_kinds) + ".")
    lines.append("\nRound by round (each save against the full build of the same round, wall): " + "; ".join(
        _round_ratios(kind.removeprefix("--watch: "), runs[kind], runs[SAMPLE_BUILD_KIND], 0.1)
        for kind in watch_kinds) + ".")
    lines.append("\nThe targets are measured as a user runs the commands: with the warm start (the command runs "
                 "in a child of the server the first command started; its CPU time is counted); 'own process' "
                 "is the same command with STRATEGY_BUILDER_SERVER=off, and 'first command of a session' the "
                 "preview when no server runs yet (it runs in its own process and starts one).")
    lines.append("\nWall time is what a user waits; CPU time (user + system, of the process and its workers; of "
                 "the watcher process between the save and its report) is what the work costs, and moves less "
                 "when other processes share the cores.")
    publish(lines, append=not args.no_write)
    print(json.dumps({"wall": {k: round(v, 4) for k, v in wall.items()},
                      "cpu": {k: round(v, 4) for k, v in cpu.items()}}, ensure_ascii=False))

if __name__ == "__main__":
    main()
