"""The entry point (strategy_builder/warm_start/__init__.py): how a command's process ends, served or not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_sample
from strategy_builder import warm_start

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the process ends with os._exit as on Unix")


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (2, 2), (3, 3), (256 + 7, 7), (-1, 255)])
def test_an_exit_code_becomes_the_status_python_would_give(code: int | None, status: int) -> None:
    assert warm_start.exit_status(code) == status


def test_an_exit_message_is_printed_and_the_status_is_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert warm_start.exit_status("stopped: no inputs") == 1
    assert capsys.readouterr().err == "stopped: no inputs\n"


@pytest.mark.parametrize("target", ["pipe", "file"])
def test_a_process_ended_early_still_delivers_everything_it_printed(target: str, tmp_path: Path) -> None:
    """Buffered output, to a pipe or a file, reaches its reader in full, and the status is the one asked for."""
    # Many small writes and a tail without a newline: the last of them still sit in the stream's buffer.
    script = ("import sys\nfrom strategy_builder.warm_start import end_process\n"
              "for _ in range(100_000):\n    print('x' * 9)\nsys.stdout.write('tail')\n"
              "sys.stderr.write('done')\nend_process(5)\n")
    if target == "pipe":
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
        printed = result.stdout
    else:
        with (tmp_path / "out.txt").open("w") as out:
            result = subprocess.run([sys.executable, "-c", script], stdout=out, stderr=subprocess.PIPE, text=True,
                                    timeout=60)
        printed = (tmp_path / "out.txt").read_text()
    assert (result.returncode, len(printed), printed[-5:], result.stderr) == (5, 1_000_004, "\ntail", "done")


def test_a_command_in_its_own_process_prints_and_exits_as_the_cli_says(tmp_path: Path) -> None:
    """Without a server the command runs in the process it was started in, which ends with end_process: the
    report in full, the exit status of --exit-code (the same draft twice: 0), and a clear message with
    status 2 for a bad argument."""
    project = copy_sample(tmp_path / "p")
    env = {**os.environ, warm_start.SERVER_VARIABLE: "off"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "strategy_builder", *args], cwd=project, env=env,
                              capture_output=True, text=True, timeout=300)

    assert run("build", "--quiet").returncode == 0
    same = run("diff", "1", "1", "--format", "json", "--exit-code")
    assert same.returncode == 0 and '"schema"' in same.stdout and same.stdout.endswith("}\n"), same.stderr
    missing = run("diff", "1", "9")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr and missing.stderr.strip()
