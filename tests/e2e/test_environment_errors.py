"""Errors the user can fix are never internal errors: every command that writes, on a folder it may not
write (permission denied), a read-only file system, a full disk, a path longer than the system allows and
a path that does not exist, exits 1 or 2 with a message naming the file and saying what to do, in text and
with ``--format json`` (stdout always holds the JSON object), never a traceback and never exit 3.

Runs in this process (``strategy_builder.cli.main``), except "permission denied", which needs a process
without root's right to override permissions (``setpriv``). The read-only and full file systems are
tmpfs mounts, which need root: they skip on a laptop and are required under CI=true. About 25 s.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import IN_CI, copy_built_sample, require_tool
from strategy_builder.cli import main

LONG = "n" * 300  # one path component longer than the 255 bytes Linux allows


@pytest.fixture(scope="module")
def built(built_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sample project with draft 001 (the inputs of diff, comments, matrix and overview)."""
    return copy_built_sample(built_sample, tmp_path_factory.mktemp("built") / "project")


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@contextlib.contextmanager
def _mounted(folder: Path, *options: str) -> Iterator[None]:
    require_tool(os.geteuid() == 0 and _mount("-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(folder)),
                 "a tmpfs mount (root)")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def _prepare(folder: Path, built: Path) -> Path:
    """The condition's folder with a copy of the built project in it (partner AM's file removed, so that
    new-partner has something to write)."""
    project = folder / "project"
    shutil.copytree(built, project)
    (project / "inputs" / "partners" / "AM.yaml").unlink()
    return project


# command -> (arguments, given the condition's folder, its project copy and the built project)
Command = Callable[[Path, Path, Path], list[str]]
COMMANDS: dict[str, Command] = {
    "build": lambda folder, project, built: ["build", "--project", str(project), "--jobs", "1", "--force"],
    "build --preview": lambda folder, project, built: ["build", "--preview", "--project", str(project), "--jobs",
                                                       "1"],
    "diff --html": lambda folder, project, built: ["diff", "1", "1", "--project", str(built), "--html",
                                                   str(folder / "report.html")],
    "diff --redline": lambda folder, project, built: ["diff", str(built / "build/drafts/001/AM.docx"),
                                                      str(built / "build/drafts/001/AM.docx"), "--project",
                                                      str(built), "--redline", str(folder / "AM-redline.docx")],
    "comments --register": lambda folder, project, built: ["comments", str(built / "build/drafts/001/AM.docx"),
                                                           "--project", str(built), "--register",
                                                           str(folder / "register.xlsx")],
    "new-partner": lambda folder, project, built: ["new-partner", "AM", "--project", str(project)],
    "schema": lambda folder, project, built: ["schema", "--project", str(project), "--output",
                                              str(folder / "new-schemas")],
    "init": lambda folder, project, built: ["init", str(folder / "new-project"), "--partner", "AM"],
    "matrix --out": lambda folder, project, built: ["matrix", "--project", str(built), "--out",
                                                    str(folder / "matrix.xlsx")],
    "overview": lambda folder, project, built: ["overview", "--project", str(project), "--force"],
    "translate export": lambda folder, project, built: ["translate", "export", "--project", str(built), "--lang",
                                                        "ru", "--out", str(folder / "ru.xlf")],
}


def _in_missing_project(command: Command) -> Command:
    return lambda folder, project, built: command(folder, folder / "missing", built)


NOT_FOUND: dict[str, Command] = {  # the commands that read an input, given a path that does not exist
    # (schema and init create the folders they write to)
    **{name: _in_missing_project(COMMANDS[name]) for name in ("build", "build --preview", "new-partner", "overview")},
    "diff --html": lambda folder, project, built: ["diff", "1", "1", "--project", str(folder / "missing"), "--html",
                                                   str(folder / "report.html")],
    "diff --redline": lambda folder, project, built: ["diff", str(folder / "missing.docx"),
                                                      str(built / "build/drafts/001/AM.docx"), "--redline",
                                                      str(folder / "AM-redline.docx")],
    "comments --register": lambda folder, project, built: ["comments", str(folder / "missing.docx"), "--project",
                                                           str(folder / "missing"), "--register",
                                                           str(folder / "register.xlsx")],
    "matrix --out": lambda folder, project, built: ["matrix", "--project", str(folder / "missing"), "--out",
                                                    str(folder / "matrix.xlsx")],
}


def _run_here(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main(args)
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def _check(code: int, out: str, err: str, where: str, text_err: str) -> None:
    assert code in (1, 2), (code, out, err)
    assert "Traceback" not in err + text_err and "internal error" not in err + text_err, err + text_err
    payload = json.loads(out)  # stdout always holds the JSON object
    messages = json.dumps(payload, ensure_ascii=False)
    assert "error" in payload or payload.get("errors"), payload
    assert where in messages, (where, payload)
    assert where in text_err, (where, text_err)
    assert ".tmp" not in messages, payload  # the file the user asked for, never a temporary one beside it


def _both(args: list[str], capsys: pytest.CaptureFixture[str], where: str) -> None:
    code, out, err = _run_here([*args, "--format", "json"] if _takes_format(args) else args, capsys)
    text_code, text_out, text_err = _run_here(args, capsys)
    assert text_code == code
    if _takes_format(args):
        _check(code, out, err, where, text_err + text_out)


def _takes_format(args: list[str]) -> bool:
    return args[0] != "matrix"  # matrix's --format names the view it writes


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_read_only_file_system(built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 name: str) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    with _mounted(folder, "size=64m"):
        project = _prepare(folder, built)
        assert _mount("-o", "remount,ro", str(folder))
        _both(COMMANDS[name](folder, project, built), capsys, str(folder))


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_full_disk(built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    folder = tmp_path / "full"
    folder.mkdir()
    with _mounted(folder, "size=16m"):
        project = _prepare(folder, built)
        with contextlib.suppress(OSError), open(folder / "filler", "wb") as filler:
            while True:
                filler.write(bytes(1024 * 1024))
                filler.flush()
        with contextlib.suppress(OSError), open(folder / "filler-small", "wb") as filler:
            while True:
                filler.write(bytes(4096))
                filler.flush()
        args = COMMANDS[name](folder, project, built)
        _both(args, capsys, str(folder))


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_path_longer_than_the_system_allows(built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               name: str) -> None:
    folder = tmp_path / LONG
    _both(COMMANDS[name](folder, folder / "project", built), capsys, LONG)


@pytest.mark.parametrize("name", sorted(NOT_FOUND))
def test_a_path_that_does_not_exist(built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    name: str) -> None:
    _both(NOT_FOUND[name](tmp_path, tmp_path / "project", built), capsys, "missing")


def _setpriv() -> list[str]:
    path = shutil.which("setpriv")
    usable = path is not None and os.geteuid() == 0
    require_tool(usable, "setpriv as root (to drop the right to override permissions)")
    assert path is not None
    return [path, "--bounding-set", "-dac_override,-dac_read_search"]


def test_permission_denied_in_every_command(built: Path, tmp_path: Path) -> None:
    prefix = _setpriv()
    folder = tmp_path / "locked"
    folder.mkdir()
    project = _prepare(folder, built)
    for path in [folder, *folder.rglob("*")]:
        path.chmod(stat.S_IMODE(path.stat().st_mode) & ~0o222)  # read-only to everyone, root without its rights
    try:
        for name, command in COMMANDS.items():
            args = command(folder, project, built)
            result = subprocess.run([*prefix, sys.executable, "-m", "strategy_builder", *args, "--format", "json"]
                                    if _takes_format(args) else [*prefix, sys.executable, "-m",
                                                                 "strategy_builder", *args],
                                    capture_output=True, text=True, timeout=120,
                                    env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"})
            assert result.returncode in (1, 2), (name, result.returncode, result.stdout, result.stderr)
            assert "Traceback" not in result.stderr and "internal error" not in result.stderr, (name, result.stderr)
            if _takes_format(args):
                payload = json.loads(result.stdout)
                assert str(folder) in json.dumps(payload), (name, payload)
                assert "permission denied" in json.dumps(payload).lower(), (name, payload)
                assert ".tmp" not in json.dumps(payload), (name, payload)
    finally:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(stat.S_IMODE(path.stat().st_mode) | 0o200)


def test_the_tests_above_run_under_ci() -> None:
    if IN_CI:
        assert os.geteuid() == 0, "the environment-error tests need root (tmpfs mounts, setpriv) under CI=true"


def test_a_usage_error_still_prints_json_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run_here(["check", "--no-such-option", "--format", "json"], capsys)
    assert code == 2 and "--no-such-option" in err
    error = json.loads(out)["error"]
    assert error["type"] == "UsageError" and error["exit_code"] == 2 and "--no-such-option" in error["message"]
