"""The warm start's client (strategy_builder/warm_start/client.py): which server it may use, and when it runs
the command itself."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from strategy_builder import warm_start
from strategy_builder.warm_start import client

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the warm start needs Unix sockets and fork")


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "strategy_builder", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def test_off_starts_no_server(runtime_folder: Path) -> None:
    runtime = runtime_folder
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), warm_start.SERVER_VARIABLE: "off"}
    assert _run(env, "--version").returncode == 0
    assert not list(runtime.iterdir())


def test_a_folder_others_can_enter_is_not_used(runtime_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime_folder))
    folder = runtime_folder / f"strategy-builder-{os.getuid()}"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    assert client.socket_path("key") is None
    folder.chmod(0o700)
    assert client.socket_path("key") == str(folder / f"{zlib.crc32(b'key'):08x}.sock")


def test_a_closed_standard_input_runs_the_command_in_its_own_process(runtime_folder: Path) -> None:
    runtime = runtime_folder
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), warm_start.SERVER_VARIABLE: "on"}
    assert _run(env, "--version").returncode == 0  # starts a server, which would serve the next command
    folder = runtime / f"strategy-builder-{os.getuid()}"
    deadline = time.monotonic() + 60
    while not list(folder.glob("*.sock")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(folder.glob("*.sock"))
    result = subprocess.run([sys.executable, "-c", "import os, sys; os.close(0); sys.argv = ['strategy-builder', "
                             "'--version']; from strategy_builder.warm_start import main; main()"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "strategy-builder" in result.stdout, result.stderr


def test_a_client_with_other_privileges_or_priority_gets_a_server_of_its_own() -> None:
    code = "from strategy_builder.warm_start import client; print(client._key())"
    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    niced = subprocess.run(["nice", "-n", "3", sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout
    assert plain != niced
    assert plain == subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def test_a_socket_path_too_long_for_an_address_means_no_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deep = tmp_path / ("d" * 120)
    deep.mkdir()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(deep))
    assert client.socket_path("key") is None


def test_a_client_with_lower_hard_limits_gets_a_server_of_its_own() -> None:
    import resource

    code = "from strategy_builder.warm_start import client; print(client._key())"
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)

    def lower() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, 256), min(hard, 256)))

    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    limited = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             preexec_fn=lower).stdout  # noqa: PLW1509 - a limit set in the child before exec
    assert plain != limited or hard <= 256


def test_a_served_command_costs_its_client_no_import_of_typing_socket_or_signal(runtime_folder: Path) -> None:
    # The client runs before every command: `typing` (3.5 ms), `socket` (5 ms) and `signal` (1.3 ms) were
    # most of what it imported. It uses CPython's C modules behind `socket` and `signal` instead.
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime_folder)}
    env.pop(warm_start.SERVER_VARIABLE, None)
    assert _run(env, "--version").returncode == 0  # starts a server, which serves the next command
    folder = runtime_folder / f"strategy-builder-{os.getuid()}"
    deadline = time.monotonic() + 60
    while not list(folder.glob("*.sock")) and time.monotonic() < deadline:
        time.sleep(0.05)
    code = ("import sys; watched = ('typing', 'socket', 'signal', 'selectors', 'array'); "
            "before = [m for m in watched if m in sys.modules]; sys.argv = ['strategy-builder', '--version']; "
            "from strategy_builder.warm_start import client; code = client.run_in_server(); "
            "print(code, before == [m for m in watched if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.stdout.splitlines() == ["strategy-builder, version 0.1.0", "0 True"], result.stderr
