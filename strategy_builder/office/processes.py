"""The office processes a conversion starts: the environment they run in, a parent-death signal so that
none outlives the build, killing one with everything it started, why one stopped, and the folders of pools
whose process is gone."""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

RESTART_REQUESTED = 81
"""Exit code of the office binary after it created a fresh profile: run it again (the launcher would)."""


def office_environment(direct: bool) -> dict[str, str]:
    environment = dict(os.environ)
    environment["SAL_ENABLE_FILE_LOCKING"] = "1"
    # A PDF's creation date carries the converter's UTC offset ("Z'" or "+14'00'"): make_reproducible sets
    # the date, but the offset's length would vary with the machine's time zone, and the bytes with it.
    environment["TZ"] = "UTC"
    if direct:  # what the soffice launcher script sets before it starts the office binary
        environment["LO_SAVE_LC_ALL"] = os.environ.get("LC_ALL", "")
        environment["LC_ALL"] = "C"
    return environment


_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Ask Linux to kill this (child) process when the process that started it dies, even by SIGKILL."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill a process and everything it started (it leads its own process group)."""
    if process.poll() is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)  # children it may have left in its group
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        process.kill()


def describe_exit(code: int) -> str:
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


def log_tail(log: Path, lines: int = 3) -> str:
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    kept = [line for line in text.splitlines() if line.strip() and "javaldx" not in line]
    return " | ".join(kept[-lines:])[:300]


def sweep_dead_pools(scratch: Path) -> None:
    """Remove the folders of pools whose process is gone (a build killed before it could clean up)."""
    for folder in scratch.glob("pool-*-*"):
        match = re.match(r"pool-(\d+)-", folder.name)
        if match is None or not folder.is_dir():
            continue
        pid = int(match.group(1))
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            continue


__all__ = ["RESTART_REQUESTED", "describe_exit", "die_with_parent", "kill_group", "log_tail", "office_environment",
           "sweep_dead_pools"]
