"""The office processes a conversion starts (office/processes.py): their environment, killing one with
everything it started, why one stopped, its log's last lines, and the folders of pools whose process died.
Real processes (``sleep``), no LibreOffice; the pool's own tests (test_pool.py) kill LibreOffice itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from strategy_builder.office.processes import (
    describe_exit, kill_group, log_tail, office_environment, sweep_dead_pools,
)


def test_office_processes_run_in_utc_and_the_office_binary_with_the_launchers_locale() -> None:
    launched = office_environment(direct=False)
    assert launched["TZ"] == "UTC" and launched["SAL_ENABLE_FILE_LOCKING"] == "1"
    direct = office_environment(direct=True)
    assert direct["LC_ALL"] == "C" and direct["LO_SAVE_LC_ALL"] == os.environ.get("LC_ALL", "")


def test_a_process_is_killed_with_everything_it_started() -> None:
    with subprocess.Popen(["sh", "-c", "sleep 300 & echo $!; wait"], stdout=subprocess.PIPE,
                          start_new_session=True) as process:
        assert process.stdout is not None
        child = int(process.stdout.readline())
        kill_group(process)
        assert process.wait(timeout=30) == -signal.SIGKILL
    assert _ends(child), "the child outlived its killed group"
    kill_group(process)  # a process already gone: nothing happens


def _ends(pid: int, seconds: float = 30.0) -> bool:
    """Whether process ``pid`` (orphaned, so reaped by init, not by us) ends within ``seconds``. A SIGKILL
    is delivered, not obeyed on the spot: a busy machine can show the child running for a moment after its
    parent, killed with it, has been reaped."""
    state = Path(f"/proc/{pid}/status")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if "zombie" in state.read_text():
                return True
        except FileNotFoundError:
            return True
        time.sleep(0.01)
    return False


def test_why_a_process_stopped_and_what_its_log_said(tmp_path: Path) -> None:
    assert describe_exit(-signal.SIGKILL) == "killed by SIGKILL" and describe_exit(81) == "exit code 81"
    log = tmp_path / "office.log"
    log.write_text("javaldx: Could not find a Java Runtime Environment!\nstarting\n\nError: source file could not "
                   "be loaded\nstill here\nfinal words\n", encoding="utf-8")
    assert log_tail(log) == "Error: source file could not be loaded | still here | final words"
    assert log_tail(tmp_path / "absent.log") == ""


def test_the_folders_of_pools_whose_process_is_gone_are_swept(tmp_path: Path) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)
    gone = tmp_path / f"pool-{int(finished.stdout)}-abc"
    mine = tmp_path / f"pool-{os.getpid()}-def"
    alive = tmp_path / "pool-1-ghi"  # init never dies
    other = tmp_path / "profiles"
    for folder in (gone, mine, alive, other):
        (folder / "inside").mkdir(parents=True)
    sweep_dead_pools(tmp_path)
    assert not gone.exists() and mine.exists() and alive.exists() and other.exists()
