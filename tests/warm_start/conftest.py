"""Fixtures of the warm start's tests: a runtime folder of a test's own, so that its server is its own."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def runtime_folder() -> Iterator[Path]:
    """A folder for XDG_RUNTIME_DIR, with a path short enough for a socket (pytest's folders are not); every
    server started in it is stopped, and the folder removed, after the test."""
    runtime = Path(tempfile.mkdtemp(prefix="sbw-", dir="/tmp"))
    yield runtime
    for lock in runtime.glob("strategy-builder-*/*.sock.lock"):
        text = lock.read_text().strip()
        if text.isdigit():
            try:
                os.kill(int(text), signal.SIGTERM)
            except ProcessLookupError:
                pass
    shutil.rmtree(runtime, ignore_errors=True)
