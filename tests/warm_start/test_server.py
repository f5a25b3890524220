"""The warm server (strategy_builder/warm_start/server.py): commands run in a child of a server that imported
everything once, and behave exactly as when they run in their own process.

Each test gets a server of its own (its own XDG_RUNTIME_DIR) and stops it at the end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import copy_sample
from strategy_builder import warm_start
from strategy_builder.warm_start import server

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the warm start needs Unix sockets and fork")


def _run(env: dict[str, str], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "strategy_builder", *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def _server_pid(folder: Path, timeout: float = 60.0) -> int:
    """The pid of the server serving in ``folder``, once its socket is there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for lock in folder.glob("*.sock.lock"):
            socket_file = lock.with_suffix("")
            text = lock.read_text().strip()
            if socket_file.exists() and text.isdigit():
                return int(text)
        time.sleep(0.05)
    raise AssertionError(f"no server started in {folder}: {[p.name for p in folder.iterdir()]}")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


@pytest.fixture
def warm(runtime_folder: Path) -> tuple[dict[str, str], Path]:
    """An environment whose commands use a server of this test's own, and the folder of its socket."""
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime_folder)}
    env.pop(warm_start.SERVER_VARIABLE, None)
    return env, runtime_folder / f"strategy-builder-{os.getuid()}"


def _started(env: dict[str, str], folder: Path) -> int:
    first = _run(env, "--version")  # starts the server
    assert first.returncode == 0, first.stderr
    return _server_pid(folder)


def _watcher(env: dict[str, str], project: Path) -> subprocess.Popen[str]:
    """``build --preview --watch`` through the client, once it has written its first preview."""
    watcher = subprocess.Popen([sys.executable, "-m", "strategy_builder", "build", "--preview", "--watch",
                                "--format", "json", "--project", str(project)], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    assert watcher.stdout is not None
    first = watcher.stdout.readline()  # the first preview, written by the command
    assert first.startswith("{"), (first, watcher.stderr.read() if watcher.poll() is not None else "")
    return watcher


def _no_children_left(server: int, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while _children(server) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _children(server)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
def test_a_later_command_runs_in_a_child_of_the_server_and_ctrl_c_reaches_it(
        warm: tuple[dict[str, str], Path], tmp_path: Path) -> None:
    env, folder = warm
    server = _started(env, folder)
    watcher = _watcher(env, copy_sample(tmp_path / "p"))
    try:
        children = _children(server)
        assert len(children) == 1, "the watcher is not the server's child"
        watcher.send_signal(signal.SIGINT)  # what a terminal's Ctrl-C does to the client
        _, stderr = watcher.communicate(timeout=60)
        assert "Traceback" not in stderr
        assert _no_children_left(server), "Ctrl-C did not end the command"
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.communicate()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
def test_a_killed_client_takes_its_command_along(warm: tuple[dict[str, str], Path], tmp_path: Path) -> None:
    env, folder = warm
    server = _started(env, folder)
    watcher = _watcher(env, copy_sample(tmp_path / "p"))
    assert len(_children(server)) == 1
    watcher.kill()
    watcher.communicate(timeout=60)
    assert _no_children_left(server), "the command outlived its killed client"


def test_output_exit_codes_and_streams_are_those_of_a_command_run_alone(
        warm: tuple[dict[str, str], Path], tmp_path: Path) -> None:
    env, folder = warm
    _started(env, folder)
    alone = {**env, warm_start.SERVER_VARIABLE: "off"}
    good = copy_sample(tmp_path / "good")
    bad = copy_sample(tmp_path / "bad")
    partner = bad / "inputs" / "partners" / "AM.yaml"
    partner.write_text(partner.read_text(encoding="utf-8").replace("name:", "nmae:", 1), encoding="utf-8")
    for args, cwd in [(("check", "--format", "json"), good), (("check",), bad), (("check", "--format", "json"), bad),
                      (("--help",), None), (("build", "--no-such-option"), None)]:
        served, own = _run(env, *args, cwd=cwd), _run(alone, *args, cwd=cwd)
        assert (served.returncode, served.stdout, served.stderr) == (own.returncode, own.stdout, own.stderr), args
    assert _run(env, "check", cwd=bad).returncode == 1


def test_the_environment_is_the_clients(warm: tuple[dict[str, str], Path]) -> None:
    env, folder = warm
    _started(env, folder)
    narrow = {**env, "COLUMNS": "52"}
    served = _run(narrow, "build", "--help")
    own = _run({**narrow, warm_start.SERVER_VARIABLE: "off"}, "build", "--help")
    assert served.stdout == own.stdout
    assert max(len(line) for line in served.stdout.splitlines()) <= 52


def test_a_server_notices_its_modules_changed_on_disk(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text("x = 1\n")
    seen = {str(module): (module.stat().st_mtime_ns, module.stat().st_size)}
    assert not server._outdated(seen)
    module.write_text("x = 22\n")
    assert server._outdated(seen)
    module.unlink()
    assert server._outdated(seen)


def test_a_signal_the_client_ignores_is_ignored_by_its_command(warm: tuple[dict[str, str], Path],
                                                                tmp_path: Path) -> None:
    import filelock

    env, folder = warm
    server = _started(env, folder)
    project = copy_sample(tmp_path / "p")
    (project / "build").mkdir()
    lock = filelock.FileLock(str(project / "build" / ".build.lock"))
    lock.acquire()  # the build waits for it: a command that is running, and would stop on Ctrl-C
    try:
        # Started as `nohup` or a script's background job starts it: SIGINT ignored, inherited by the command.
        build = subprocess.Popen([sys.executable, "-c", "import signal, sys; signal.signal(signal.SIGINT, "
                                  "signal.SIG_IGN); sys.argv = ['strategy-builder', 'build', '--wait', '120', "
                                  f"'--project', {str(project)!r}]; from strategy_builder.warm_start import main; "
                                  "main()"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not _children(server) and time.monotonic() < deadline:
            time.sleep(0.02)
        children = _children(server)
        assert len(children) == 1
        time.sleep(0.5)
        os.killpg(children[0], signal.SIGINT)  # what a Ctrl-C would send the command's group
        time.sleep(1.0)
        assert _children(server) == children, "the command did not ignore SIGINT as its client does"
    finally:
        lock.release()
    _, stderr = build.communicate(timeout=120)
    assert build.returncode == 0, stderr


def test_the_models_that_defer_their_validators_are_built_before_any_child_is_forked() -> None:
    # In a process of its own, a command builds a deferred model's validator when it first validates one; a
    # served command would build it again in every child (the server never validates anything itself).
    code = ("from strategy_builder.models.inputs import PartnerFile; from strategy_builder.models.manifest import "
            "Manifest; from strategy_builder.warm_start import server; "
            "before = [m.__pydantic_complete__ for m in (PartnerFile, Manifest)]; "
            "server._complete_deferred_models(); "
            "print(before, [m.__pydantic_complete__ for m in (PartnerFile, Manifest)])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["[False,", "False]", "[True,", "True]"], result.stdout + result.stderr


def test_a_module_s_warm_up_runs_in_the_server_so_that_no_served_command_repeats_it() -> None:
    # The diff's HTML page template takes about 50 ms to compile: compiled once in the server, inherited by
    # every child, instead of compiled in each.
    code = ("from strategy_builder.review import report_html; from strategy_builder.warm_start import server; "
            "before = report_html._template.cache_info().currsize; server._warm_up_modules(); "
            "print(before, report_html._template.cache_info().currsize)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["0", "1"], result.stdout + result.stderr
