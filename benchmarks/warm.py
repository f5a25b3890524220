"""The warm server as the benchmarks see it: a server of their own, and the CPU time of the commands it runs.

A command served by the warm start (docs/architecture.md, "The warm start") runs in a child of the server,
not of the benchmark: its CPU time shows in the server's count of its reaped children (``/proc/PID/stat``,
cutime and cstime), which is added to the client's own.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

OFF = {"STRATEGY_BUILDER_SERVER": "off"}
"""The environment entry that runs a command in a process of its own."""


class WarmServer:
    """A runtime folder of the benchmark's own (so that its server serves only the benchmark)."""

    def __init__(self) -> None:
        self.runtime = Path(tempfile.mkdtemp(prefix="sbb-", dir="/tmp"))  # short: a socket's path is bounded
        self.folder = self.runtime / f"strategy-builder-{os.getuid()}"

    def environment(self, env: dict[str, str]) -> dict[str, str]:
        """``env`` with the warm start on and pointed at this folder."""
        warm = {**env, "XDG_RUNTIME_DIR": str(self.runtime)}
        warm.pop("STRATEGY_BUILDER_SERVER", None)
        return warm

    def pid(self) -> int | None:
        """The serving server's process id, or ``None`` when none serves."""
        for lock in self.folder.glob("*.sock.lock"):
            text = lock.read_text().strip()
            if text.isdigit() and lock.with_suffix("").exists() and Path(f"/proc/{text}").exists():
                return int(text)
        return None

    def wait_ready(self, timeout: float = 60.0) -> int:
        """Wait for a server to serve (one is started by the first command run with :meth:`environment`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid = self.pid()
            if pid is not None:
                return pid
            time.sleep(0.02)
        raise RuntimeError(f"no warm server started in {self.folder}")

    def children_cpu(self) -> float:
        """CPU seconds (user + system) of the server's finished children: the commands it ran."""
        pid = self.pid()
        if pid is None:
            return 0.0
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        """Stop the server and wait until it is gone (the next command starts a new one)."""
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                break
            if stat.rpartition(")")[2].split()[0] == "Z":
                break  # a zombie waiting for its parent: gone as a server
            time.sleep(0.01)
        for socket_file in self.folder.glob("*.sock"):
            socket_file.unlink(missing_ok=True)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.runtime, ignore_errors=True)
