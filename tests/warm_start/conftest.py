"""Fixtures of the warm start's tests: a runtime folder of a test's own, so that its server is its own."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import stop_warm_servers


@pytest.fixture
def runtime_folder() -> Iterator[Path]:
    """A folder for XDG_RUNTIME_DIR, with a path short enough for a socket (pytest's folders are not); every
    server started in it is stopped, and the folder removed, after the test."""
    runtime = Path(tempfile.mkdtemp(prefix="sbw-", dir="/tmp"))
    yield runtime
    stop_warm_servers(runtime)
    shutil.rmtree(runtime, ignore_errors=True)
