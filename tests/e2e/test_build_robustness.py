"""Nothing is lost: builds killed at random moments and builds started together leave only complete drafts."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import copy_sample, run_cli

pytestmark = pytest.mark.slow


def _digest_tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_only_complete_drafts(project: Path) -> list[int]:
    """Every visible draft folder has a manifest and every document it lists, with the recorded hash."""
    drafts = project / "build" / "drafts"
    numbers = []
    if not drafts.is_dir():
        return numbers
    for folder in sorted(drafts.iterdir()):
        if folder.name.startswith("."):
            continue  # staging leftovers are hidden and never count as drafts
        assert re.fullmatch(r"\d{3,}", folder.name), folder
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["draft"] == int(folder.name)
        for partner in manifest["partners"]:
            data = (folder / partner["file"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == partner["docx_sha256"], (folder, partner["code"])
        numbers.append(int(folder.name))
    return numbers


def _start_build(project: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "strategy_builder", "build", str(project), "--force", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def test_builds_killed_at_random_moments_leave_only_complete_drafts(built_project: Path) -> None:
    project = built_project  # draft 001 of the sample
    first = _digest_tree(project / "build/drafts/001")
    started = time.perf_counter()
    assert run_cli("build", str(project), "--force").returncode == 0
    duration = time.perf_counter() - started
    randomizer = random.Random(20101115)
    kills = 0
    for _ in range(20):
        process = _start_build(project)
        time.sleep(randomizer.uniform(0.05, duration * 1.1))
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            kills += 1
        process.communicate(timeout=60)
        assert_only_complete_drafts(project)
        assert _digest_tree(project / "build/drafts/001") == first, "an earlier draft was touched"
    assert kills >= 5, "the kill moments should mostly fall inside a build"
    result = run_cli("build", str(project), "--force")
    assert result.returncode == 0, result.stderr
    assert not [p for p in (project / "build/drafts").iterdir() if p.name.startswith(".staging-")]
    numbers = assert_only_complete_drafts(project)
    assert numbers == sorted(set(numbers)) and numbers[0] == 1


def test_concurrent_builds_get_distinct_complete_drafts(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    processes = [_start_build(project, "--wait", "120") for _ in range(4)]
    outcomes = [p.communicate(timeout=240) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0, 0], outcomes
    assert assert_only_complete_drafts(project) == [1, 2, 3, 4]


def test_a_build_that_cannot_wait_reports_the_other_build(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    processes = [_start_build(project, "--wait", "0") for _ in range(3)]
    outcomes = [p.communicate(timeout=240) for p in processes]
    codes = [p.returncode for p in processes]
    assert 0 in codes
    for process, (_, stderr) in zip(processes, outcomes, strict=True):
        assert process.returncode in (0, 2), stderr
        assert "Traceback" not in stderr
        if process.returncode == 2:
            assert "another build is running" in stderr
    assert len(assert_only_complete_drafts(project)) == codes.count(0)


def test_wait_is_how_long_a_build_waits_for_another(tmp_path: Path) -> None:
    """``--wait SECONDS``: while another process holds the build lock, a build gives up after that long
    (exit 2, "another build is running", nothing written) or, given long enough, builds once it is free."""
    import shutil

    import filelock

    project = copy_sample(tmp_path / "p")
    (project / "build").mkdir()
    compiled = project / "build" / ".cache" / "templates"
    with filelock.FileLock(str(project / "build" / ".build.lock")):
        # A generous bound, not a measurement: a build that ignored --wait 1 would wait the default 60 s.
        short = run_cli("build", "--project", str(project), "--wait", "1", timeout=40)
        assert short.returncode == 2, short.stderr
        assert "another build is running" in short.stderr and "Traceback" not in short.stderr
        assert not (project / "build" / "drafts").exists() or not any((project / "build" / "drafts").iterdir())
        shutil.rmtree(compiled)
        waiting = _start_build(project, "--wait", "120")
        # The template is compiled (and cached) just before the lock is asked for.
        for _ in range(600):
            if any(compiled.glob("*.compiled.json")) or waiting.poll() is not None:
                break
            time.sleep(0.1)
        time.sleep(2)
        assert waiting.poll() is None, "a build with --wait 120 gave up while the lock was held"
    _, stderr = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, stderr
    assert assert_only_complete_drafts(project) == [1]



def test_ctrl_c_exits_130_and_writes_nothing(tmp_path: Path) -> None:
    """docs/cli.md: interrupting a command (Ctrl-C) exits 130. The build is interrupted while it waits for
    the build lock another process holds, so that the signal cannot come after the build is done."""
    import filelock

    project = copy_sample(tmp_path / "p")
    (project / "build").mkdir()
    compiled = project / "build" / ".cache" / "templates"
    with filelock.FileLock(str(project / "build" / ".build.lock")):
        waiting = _start_build(project, "--wait", "120")
        # The template is compiled (and cached) just before the lock is asked for.
        for _ in range(600):
            if any(compiled.glob("*.compiled.json")) or waiting.poll() is not None:
                break
            time.sleep(0.1)
        time.sleep(2)
        assert waiting.poll() is None, "the build ended before it waited for the lock"
        waiting.send_signal(signal.SIGINT)
        _, stderr = waiting.communicate(timeout=60)
    assert waiting.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert not (project / "build" / "drafts").exists() or not any((project / "build" / "drafts").iterdir())


def _group_ends(group: int, seconds: float = 30) -> bool:
    """Whether every process of the process group ``group`` (a build started in a session of its own) is gone
    within ``seconds``; whatever is left is killed, so that nothing runs on behind the test."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    try:
        os.killpg(group, signal.SIGKILL)
    except ProcessLookupError:
        return True  # gone at the last moment
    return False


_CTRL_C_WHILE_RENDERING = """
import os, signal, sys, time
from pathlib import Path
from strategy_builder.drafts.builder import BuildOptions, build

def progress(message, done, total):
    # After the first document the worker is rendering; after the last one it waits for more work.
    if message.startswith("rendered") and done == (1 if sys.argv[2] == "first" else total):
        os.killpg(0, signal.SIGINT)  # Ctrl-C as a terminal sends it: to every process of the command
        time.sleep(60)  # the KeyboardInterrupt is raised here

try:
    build(Path(sys.argv[1]), BuildOptions(jobs=2, force=True), progress)
except KeyboardInterrupt:
    sys.exit(130)
print("not interrupted")
"""


@pytest.mark.parametrize("moment", ["first", "last"])
def test_ctrl_c_while_the_workers_render_stops_every_process_quietly(tmp_path: Path, moment: str) -> None:
    """A terminal sends Ctrl-C to every process of the command, the forked render workers too: the build stops,
    no worker prints a traceback, no process is left and no draft is written (non-negotiable 2)."""
    project = copy_sample(tmp_path / "p")
    process = subprocess.Popen([sys.executable, "-c", _CTRL_C_WHILE_RENDERING, str(project), moment], text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stdout + stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    # The workers were joined before the build returned: none is left.
    assert _group_ends(process.pid), "a process of the interrupted build is still running"
    drafts = project / "build" / "drafts"
    assert not drafts.exists() or not any(drafts.iterdir())


_KILLED_WHILE_RENDERING = """
import sys, time
from pathlib import Path
from strategy_builder.drafts.builder import BuildOptions, build

def progress(message, done, total):
    if message.startswith("rendered") and done == 1:  # the workers are forked
        print("rendering", flush=True)
        time.sleep(60)  # killed here

build(Path(sys.argv[1]), BuildOptions(jobs=2, force=True), progress)
"""


def test_a_build_killed_outright_takes_its_workers_along(tmp_path: Path) -> None:
    """SIGKILL of the build's own process only (not its group): its forked render workers do not outlive it
    (one waiting for work would wait forever)."""
    project = copy_sample(tmp_path / "p")
    process = subprocess.Popen([sys.executable, "-c", _KILLED_WHILE_RENDERING, str(project)], text=True,
                               stdout=subprocess.PIPE, start_new_session=True)
    assert process.stdout is not None
    with process.stdout:  # a worker left behind would hold the pipe open: no reading to its end
        assert process.stdout.readline() == "rendering\n"
    process.kill()
    process.wait(timeout=60)
    assert _group_ends(process.pid), "a render worker outlived the killed build"
    drafts = project / "build" / "drafts"
    assert not drafts.exists() or not [p for p in drafts.iterdir() if not p.name.startswith(".")]
