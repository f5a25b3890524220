"""The code stays lint-clean and type-clean: ruff over the repository, mypy over the package.

Both tools are in the ``test`` extra, pinned by constraints.txt, so every machine runs the same versions with
the settings in pyproject.toml. On a laptop without them the tests skip; under CI=true they must run.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from conftest import require_tool

REPO = Path(__file__).resolve().parent.parent


def _run(module: str, *args: str, cwd: Path = REPO, cache: Path | None = None) -> subprocess.CompletedProcess[str]:
    require_tool(importlib.util.find_spec(module) is not None,
                 f"{module} (pip install -c constraints.txt -e '.[test]')")
    return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


def test_ruff_finds_nothing_in_the_repository() -> None:
    result = _run("ruff", "check", "--no-cache", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing_in_the_package(tmp_path: Path) -> None:
    # A cache of the test's own: a checkout's .mypy_cache may come from another mypy or another tree.
    result = _run("mypy", "--cache-dir", str(tmp_path / "mypy-cache"), "strategy_builder")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_linters_see_a_defect(tmp_path: Path) -> None:
    """The two tests above can fail: each tool, with the repository's settings, reports a planted defect."""
    (tmp_path / "pyproject.toml").write_text((REPO / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    package = tmp_path / "planted"
    package.mkdir()
    (package / "__init__.py").write_text("import os\n\n\ndef count() -> int:\n    return 'three'\n", encoding="utf-8")
    assert _run("ruff", "check", "--no-cache", "planted", cwd=tmp_path).returncode == 1  # F401: os unused
    assert _run("mypy", "--cache-dir", str(tmp_path / "cache"), "planted", cwd=tmp_path).returncode == 1
