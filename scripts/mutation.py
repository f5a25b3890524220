#!/usr/bin/env python3
"""Mutation testing of the modules that carry strategy-builder's promises, run by hand (never in CI).

    python3 scripts/mutation.py [MODULE ...]      # default: every module of MODULES

For each module the script copies the checkout (the files git knows, as they are on disk) into a scratch
folder, runs mutmut there on that module alone with the module's own narrowed selection of tests
(LibreOffice tests left out: one start per mutant would take hours), counts the mutants killed, survived,
timed out and not covered, writes each survivor's diff to ``build/mutation/<module>.survivors.txt`` and
the score per module into docs/testing.md (between the markers of "Mutation score"), with the machine
and the date. mutmut forks one process per mutant and runs only the tests that reach the mutated
function; a run of one module takes minutes on two cores, so run them one by one in a quiet hour.

mutmut (a developer's tool, not a dependency) runs in a virtual environment of its own,
``build/mutation/venv``, made on first use with the locked dependencies but without strategy-builder
itself: the package is imported from mutmut's mutated copy only (PYTHONPATH), in the test process and in
the ``python -m strategy_builder`` processes the tests start. ``MUTATION_VENV`` names another such
environment. One mutant runs at a time unless ``MUTATION_CHILDREN`` says more.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MUTMUT = "mutmut==3.8.1"
TESTING = REPO / "docs" / "testing.md"
BEGIN, END = "<!-- mutation-score:begin -->", "<!-- mutation-score:end -->"

MODULES: dict[str, list[str]] = {
    "strategy_builder/ooxml/accept.py": ["tests/ooxml/test_accept.py", "tests/ooxml/test_redline.py"],
    "strategy_builder/ooxml/redline.py": ["tests/ooxml/test_redline.py", "tests/ooxml/test_redline_writer.py",
                                          "tests/review/test_redline_options.py",
                                          "tests/ooxml/test_objects.py",
                                          "tests/e2e/test_every_story.py::test_the_redline_of_a_python_docx_story_"
                                          "accepts_to_new_and_rejects_to_old",
                                          "tests/e2e/test_every_story.py::test_a_header_or_footer_only_the_old_"
                                          "document_shows_comes_back_deleted",
                                          "tests/e2e/test_every_story.py::test_a_first_page_header_does_not_come_"
                                          "back_where_the_new_document_has_no_first_page",
                                          "tests/e2e/test_every_story.py::test_a_replaced_picture_is_deleted_just_"
                                          "before_its_replacement",
                                          "tests/e2e/test_every_story.py::test_an_edited_text_box_keeps_no_fallback_"
                                          "showing_the_old_text",
                                          "tests/e2e/test_every_story.py::test_a_text_box_removed_from_or_added_to_"
                                          "a_paragraph_is_deleted_or_inserted_whole",
                                          "tests/e2e/test_every_story.py::test_a_header_only_a_later_section_showed_"
                                          "comes_back_there_unless_that_section_shows_another"],
    "strategy_builder/store.py": ["tests/test_store.py", "tests/drafts/test_invalidation.py",
                                  "tests/e2e/test_build_robustness.py"],
    "strategy_builder/inputs/cache.py": ["tests/inputs/test_cache.py"],
    "strategy_builder/render/sandbox.py": ["tests/render/test_sandbox.py"],
    # The register's own tests, but for the two of test_rows.py that build the sample's drafts (seconds per
    # mutant): the rows they check are checked in process by the others.
    "strategy_builder/review/register/*": ["tests/review/register/test_csvfile.py",
                                           "tests/review/register/test_formats.py",
                                           "tests/review/register/test_register.py",
                                           "tests/review/register/test_rows.py::test_an_empty_or_weaker_new_value_"
                                           "keeps_the_old_one",
                                           "tests/review/register/test_rows.py::test_rows_are_counted_by_partner_"
                                           "area_ministry_and_disposition",
                                           "tests/review/register/test_rows.py::test_every_column_of_a_row_comes_"
                                           "from_its_item_its_section_and_its_file"],
    "strategy_builder/ooxml/package.py": ["tests/ooxml/test_package.py", "tests/ooxml/test_parsing_and_bookmarks.py"],
    "strategy_builder/ooxml/zip_archive.py": ["tests/ooxml/test_zip_archive.py", "tests/ooxml/test_package.py",
                                              "tests/ooxml/test_parsing_and_bookmarks.py"],
    "strategy_builder/limits.py": ["tests/test_limits.py"],
    "strategy_builder/files.py": ["tests/test_files.py"],
    "strategy_builder/ooxml/parser.py": ["tests/ooxml/test_parsing_and_bookmarks.py",
                                         "tests/review/test_hostile_returns.py::test_each_hostile_file_gives_a_clear_error"],
}
KILLED = {1, 3}
TIMEOUT = {36, 24, -24, 152, 255}
NO_TESTS = {5, 33}
# One mutant at a time by default: the machine is usually shared (MUTATION_CHILDREN=2 on a quiet one).
CHILDREN = os.environ.get("MUTATION_CHILDREN", "1")


def _copy_checkout(target: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        source = REPO / name
        if source.is_file() and not source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
        elif source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(os.readlink(source), target / name)


def _configure(folder: Path, module: str, tests: list[str]) -> None:
    pyproject = folder / "pyproject.toml"
    # One process per mutant: the suite's own spreading over every core (pytest-xdist) is left out.
    pyproject.write_text(re.sub(r" -n auto| --dist loadfile", "", pyproject.read_text(encoding="utf-8")),
                         encoding="utf-8")
    also_copy = [name for name in ("tests", "inputs", "templates", "schemas", "docs", "README.md", "constraints.txt",
                                   "benchmarks", ".ci") if (folder / name).exists()]
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + "\n[tool.mutmut]\n"
                         f'source_paths = ["strategy_builder"]\n'
                         f"only_mutate = {json.dumps([module])}\n"
                         f"pytest_add_cli_args_test_selection = {json.dumps(tests)}\n"
                         'pytest_add_cli_args = ["-p", "no:cacheprovider", "-m", "not libreoffice", "-x", "-q"]\n'
                         f"also_copy = {json.dumps(also_copy)}\n", encoding="utf-8")


def _exit_codes(folder: Path, module: str) -> dict[str, int | None]:
    """Mutant name -> exit code of its test run, over every file ``module`` (a path or a glob) names."""
    codes: dict[str, int | None] = {}
    for meta in sorted((folder / "mutants").glob(f"{module}.meta")):
        codes.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return codes


def _results(folder: Path, module: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for exit_code in _exit_codes(folder, module).values():
        if exit_code in KILLED:
            counts["killed"] += 1
        elif exit_code == 0:
            counts["survived"] += 1
        elif exit_code in TIMEOUT:
            counts["timeout"] += 1
        elif exit_code in NO_TESTS:
            counts["no tests"] += 1
        elif exit_code is None:
            counts["not run"] += 1
        else:
            counts["other"] += 1
    return counts


def _survivors(folder: Path, module: str, environment: dict[str, str]) -> str:
    texts = []
    for name, exit_code in sorted(_exit_codes(folder, module).items()):
        if exit_code == 0 or exit_code in NO_TESTS:
            shown = subprocess.run(["mutmut", "show", name], cwd=folder, capture_output=True, text=True,
                                   env=environment)
            texts.append(f"# {name} ({'survived' if exit_code == 0 else 'no tests'})\n{shown.stdout}")
    return "\n".join(texts)


def _venv() -> Path:
    """A virtual environment with the locked dependencies and mutmut, without strategy-builder."""
    folder = Path(os.environ.get("MUTATION_VENV", REPO / "build" / "mutation" / "venv"))
    python = folder / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-c", str(REPO / "constraints.txt"),
                        f"{REPO}[test]", MUTMUT], check=True)
        subprocess.run([str(python), "-m", "pip", "uninstall", "-q", "-y", "strategy-builder"], check=True)
    return folder


def _run_until(command: list[str], folder: Path, environment: dict[str, str], deadline: float | None) -> None:
    """Run ``command``; past ``deadline`` stop it and every process it started (the results so far are
    kept: mutmut records each mutant's result as soon as it has one)."""
    process = subprocess.Popen(command, cwd=folder, env=environment, start_new_session=True)
    try:
        process.wait(timeout=None if deadline is None else max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # forked mutant runners left behind


def run(module: str, minutes: float | None = None) -> Counter[str]:
    tests = MODULES[module]
    venv = _venv()
    with tempfile.TemporaryDirectory(prefix="sb-mutation-") as scratch:
        folder = Path(scratch) / "checkout"
        folder.mkdir()
        _copy_checkout(folder)
        _configure(folder, module, tests)
        if (REPO.parent / "shared").is_dir():  # the corpus, where tests/conftest.py looks for it
            os.symlink(REPO.parent / "shared", folder / "shared")
        environment = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
                       "VIRTUAL_ENV": str(venv), "PYTHONPATH": str(folder / "mutants"),
                       "STRATEGY_BUILDER_LAYOUT": "off"}
        # The first run writes mutants/; a process that started before it existed cached the folder as
        # missing on its import path and finds no strategy_builder, so a second run does the work.
        deadline = time.monotonic() + minutes * 60 if minutes else None
        for _ in range(2):
            _run_until(["mutmut", "run", "--max-children", CHILDREN], folder, environment, deadline)
        counts = _results(folder, module)
        out = REPO / "build" / "mutation"
        out.mkdir(parents=True, exist_ok=True)
        survivors = out / (module.replace("/", ".").replace("*", "all") + ".survivors.txt")
        survivors.write_text(_survivors(folder, module, environment), encoding="utf-8")
    return counts


def _machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {MUTMUT}"


def write_scores(scores: dict[str, Counter[str]]) -> None:
    """Replace the rows of the modules just measured in docs/testing.md's table, keep the others."""
    text = TESTING.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    table, tail = rest.split(END, 1)
    rows = {m.group(1): line for line in table.splitlines() if (m := re.match(r"^\| `([^`]+)`", line))}
    today = dt.date.today().isoformat()
    for module, counts in scores.items():
        measured = counts["killed"] + counts["survived"] + counts["timeout"]
        score = 100 * (counts["killed"] + counts["timeout"]) / measured if measured else 0.0
        total = sum(counts.values())
        stopped = f" (stopped after {total - counts['not run']} of {total})" if counts["not run"] else ""
        label = f"`{module}`{stopped}"
        rows[module] = (f"| {label} | {total} | {counts['killed']} | {counts['timeout']} | "
                        f"{counts['survived']} | {counts['no tests']} | {score:.1f}% | {today}, {_machine()} |")
    header = ("| module | mutants | killed | timeout | survived | no tests | score | measured |\n"
              "| --- | --- | --- | --- | --- | --- | --- | --- |")
    body = "\n".join(rows[m] for m in sorted(rows))
    TESTING.write_text(f"{head}{BEGIN}\n{header}\n{body}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str]) -> int:
    """``[--minutes N] [MODULE ...]``: with ``--minutes``, each module's run stops after N minutes and the
    table says how many of its mutants were run."""
    minutes = None
    if argv[:1] == ["--minutes"]:
        minutes, argv = float(argv[1]), argv[2:]
    modules = argv or list(MODULES)
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        print(f"unknown module(s): {', '.join(unknown)}; known: {', '.join(MODULES)}", file=sys.stderr)
        return 2
    # A shell without job control starts a background command with SIGINT ignored, and every process it
    # starts inherits that (a test that interrupts a build would wait in vain); a handled signal is reset
    # to its default in the processes started.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    scores = {}
    for module in modules:
        scores[module] = run(module, minutes)
        print(module, dict(scores[module]))
        write_scores({module: scores[module]})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
