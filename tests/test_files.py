"""strategy_builder/files.py: files replaced atomically with their mode kept, reads bounded for any kind of file,
and OS errors turned into messages that name the file and say what to do (exit 2)."""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import stat
import time
from pathlib import Path
from typing import IO

import pytest

from strategy_builder.errors import EnvironmentProblem
from strategy_builder.files import (
    RefusedFile, check_regular, environment_errors, environment_problem, read_limited, read_prefix, replace_file,
    name_text, replace_files,
)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_new_file_follows_the_umask_and_a_replaced_one_keeps_its_mode(tmp_path: Path) -> None:
    new = tmp_path / "new.txt"
    assert replace_file(new, b"one") == new
    assert new.read_bytes() == b"one" and stat.S_IMODE(new.stat().st_mode) == 0o666 & ~_umask()
    new.chmod(0o640)
    def write_two(stream: IO[bytes]) -> None:
        stream.write(b"two")

    replace_file(new, write_two)
    assert new.read_bytes() == b"two" and stat.S_IMODE(new.stat().st_mode) == 0o640
    replace_file(new, b"three", keep_metadata=False, durable=False)
    assert new.read_bytes() == b"three" and stat.S_IMODE(new.stat().st_mode) == 0o666 & ~_umask()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.txt"]  # no temporary file left


def test_a_link_is_followed_and_stays_a_link(tmp_path: Path) -> None:
    target, link = tmp_path / "real.txt", tmp_path / "link.txt"
    target.write_bytes(b"old")
    link.symlink_to(target.name)
    assert replace_file(link, b"new") == target
    assert link.is_symlink() and target.read_bytes() == b"new"


def test_a_failed_write_keeps_the_old_file_leaves_no_temporary_and_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(b"what the team typed")

    def failing(stream: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError) as failed:
        replace_file(path, failing)
    assert failed.value.filename == str(path)
    assert path.read_bytes() == b"what the team typed"
    assert [p.name for p in tmp_path.iterdir()] == ["register.csv"]
    with pytest.raises(KeyboardInterrupt):  # an interrupted write cleans up too
        replace_file(path, lambda stream: (_ for _ in ()).throw(KeyboardInterrupt))
    assert [p.name for p in tmp_path.iterdir()] == ["register.csv"]


def test_reads_stop_at_the_limit_whatever_the_file_claims(tmp_path: Path) -> None:
    path = tmp_path / "file.yaml"
    path.write_bytes(b"x" * 10)
    assert read_limited(path, 10) == b"x" * 10
    with pytest.raises(RefusedFile) as refused:
        read_limited(path, 9, what="YAML file")
    assert refused.value.reason == "the YAML file is 10 bytes; the limit is 9"
    assert refused.value.path == str(path) and refused.value.exit_code == 1
    assert refused.value.hint and "docs/security.md" in refused.value.hint  # where the limits are listed
    assert read_prefix(path, 4) == b"xxxx" and read_prefix(path, 40) == b"x" * 10
    with pytest.raises(RefusedFile, match="the file is 10 bytes; the limit is 9"):
        read_limited(path, 9)


def test_what_is_not_a_regular_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    listening = socket.socket(socket.AF_UNIX)
    listening.bind(str(tmp_path / "sock"))
    try:
        kinds = {tmp_path: "a folder", fifo: "a named pipe (FIFO)", Path("/dev/null"): "a device",
                 tmp_path / "sock": "a socket"}
        for path, kind in kinds.items():
            reads = [check_regular] + ([] if kind == "a socket" else  # a socket cannot even be opened (ENXIO)
                                       [lambda p: read_limited(p, 100), lambda p: read_prefix(p, 100)])
            for read in reads:
                with pytest.raises(RefusedFile) as refused:
                    read(path)
                assert refused.value.reason == f"it is {kind}, not a regular file"
                assert str(refused.value) == f"{path}: it is {kind}, not a regular file"
                assert refused.value.path == str(path)
                assert refused.value.hint == "give the path of an ordinary file"
    finally:
        listening.close()
    regular = tmp_path / "regular"
    regular.write_bytes(b"")
    assert check_regular(regular).st_size == 0


@pytest.mark.parametrize(("code", "what"), [(errno.ENOSPC, "the disk is full"),
                                             (errno.EACCES, "permission denied"),
                                             (errno.EROFS, "the file system is read-only")])
def test_an_os_error_names_the_file_and_says_what_to_do(tmp_path: Path, code: int, what: str) -> None:
    path = tmp_path / "build" / "x.docx"
    problem = environment_problem(OSError(code, os.strerror(code), str(path)), action="write")
    assert str(problem).startswith(f"cannot write {path}: {what}")
    assert problem.hint and "{path}" not in problem.hint and problem.exit_code == 2
    assert problem.path == str(path)  # type: ignore[attr-defined]
    with pytest.raises(EnvironmentProblem) as raised, environment_errors(path, "read"):
        raise OSError(code, os.strerror(code))  # no file name: the one given is used
    assert str(raised.value).startswith(f"cannot read {path}: {what}")


def test_an_unlisted_os_error_keeps_the_systems_words() -> None:
    problem = environment_problem(OSError(errno.ECONNRESET, "Connection reset by peer"))
    assert str(problem).startswith("cannot use a file: Connection reset by peer")
    assert problem.hint == "check the path and retry"
    enospc = environment_problem(OSError(errno.ENOSPC, "No space left on device"), "/mnt/full/x")
    assert enospc.hint == ("free some space on the disk that holds /mnt/full/x, then run the command again; "
                           "nothing was changed")
    unnamed = environment_problem(OSError("the share went away"), "/mnt/share/x")  # no errno, no strerror
    assert str(unnamed).startswith("cannot use /mnt/share/x: the share went away")
    assert unnamed.hint == "check the path and retry"


def test_a_file_larger_than_its_size_claims_is_refused_past_the_limit() -> None:
    # Files of /proc are regular and claim 0 bytes: the read itself must stop one byte past the limit.
    status = Path("/proc/self/status")
    assert status.stat().st_size == 0 and len(status.read_bytes()) > 16
    with pytest.raises(RefusedFile) as refused:
        read_limited(status, 16, what="status file")
    assert refused.value.reason == "the status file is larger than the limit of 16 bytes"
    assert refused.value.path == str(status) and str(refused.value).startswith(f"{status}: ")
    assert refused.value.hint and "docs/security.md" in refused.value.hint  # where the limits are listed


def test_reads_of_several_chunks_are_exact(tmp_path: Path) -> None:
    chunk = 1024 * 1024  # files.py reads a MiB at a time
    data = bytes(range(256)) * (5 * chunk // 512)  # 2.5 MiB
    path = tmp_path / "large.docx"
    path.write_bytes(data)
    assert read_limited(path, len(data)) == data
    assert read_prefix(path, chunk + 5) == data[:chunk + 5]
    assert read_prefix(path, 2 * chunk + 3) == data[:2 * chunk + 3]


def test_the_new_content_is_written_beside_the_file_hidden_until_it_replaces_it(tmp_path: Path) -> None:
    # Readers see the old content or the new one: the new one is written to a hidden file in the same folder
    # (so the replacement is a rename on one file system) that no glob of the target's kind picks up.
    path = tmp_path / "register.csv"
    path.write_bytes(b"old")
    seen: list[tuple[list[str], bytes]] = []

    def write(stream: IO[bytes]) -> None:
        stream.write(b"new")
        seen.append((sorted(p.name for p in tmp_path.iterdir()), path.read_bytes()))

    replace_file(path, write)
    [(names, during)] = seen
    assert during == b"old" and path.read_bytes() == b"new"
    [temporary] = [name for name in names if name != "register.csv"]
    assert temporary.startswith(".") and not temporary.endswith(".csv")


def test_reading_the_umask_leaves_it_unchanged() -> None:
    from strategy_builder import files

    before = _umask()
    assert files._current_umask() == before and _umask() == before


def test_several_files_are_replaced_all_or_none(tmp_path: Path) -> None:
    first, second = tmp_path / "UZ.yaml", tmp_path / "strategy.yaml"
    first.write_bytes(b"old one")
    second.write_bytes(b"old two")
    with pytest.raises(OSError) as failed:  # the second cannot be written: its folder does not exist
        replace_files({first: b"new one", tmp_path / "missing" / "x.yaml": b"new"})
    assert failed.value.filename == str(tmp_path / "missing" / "x.yaml")  # the file, never the temporary
    assert first.read_bytes() == b"old one" and sorted(p.name for p in tmp_path.iterdir()) == [
        "UZ.yaml", "strategy.yaml"]
    assert replace_files({first: b"new one", second: b"new two"}) == [first, second]
    assert (first.read_bytes(), second.read_bytes()) == (b"new one", b"new two")


def test_a_refused_temporary_file_is_reported_as_the_file_to_write(tmp_path: Path) -> None:
    with pytest.raises(OSError) as failed:
        replace_file(tmp_path / "no-such-folder" / "c.docx", b"data")
    assert failed.value.filename == str(tmp_path / "no-such-folder" / "c.docx")
    problem = environment_problem(failed.value, action="write")
    assert ".tmp" not in problem.message and "c.docx" in problem.message
    assert ".tmp" not in str(failed.value) and "None" not in str(failed.value)


def test_a_file_name_becomes_text_that_any_document_can_hold() -> None:
    """Bytes that are not UTF-8 and control characters (both possible in a Linux file name) become U+FFFD;
    other letters stay."""
    assert name_text(os.fsdecode(b"AM_001_Minist\xe8re\x01.docx")) == "AM_001_Minist\ufffdre\ufffd.docx"
    assert name_text("AM_001_Министерство труда.docx") == "AM_001_Министерство труда.docx"


@pytest.mark.parametrize("name", ["a" * 251 + ".csv", "д" * 125 + ".docx"], ids=["ascii", "cyrillic"])
def test_a_file_whose_name_is_near_the_systems_limit_can_be_replaced(tmp_path: Path, name: str) -> None:
    # The temporary file is named after its target; a target name of 242-255 bytes used to make a temporary
    # name the system refuses ("File name too long"), so such a file could not be written at all.
    assert len(os.fsencode(name)) == 255
    path = tmp_path / name
    replace_file(path, b"first")
    replace_files({path: b"second"})
    assert path.read_bytes() == b"second"
    assert [p.name for p in tmp_path.iterdir()] == [name]


ANOTHER_WRITER_ALLOWED = {
    "strategy_builder/store.py": "publishes a whole staging folder by renaming it (a folder, not a file)",
    "strategy_builder/office/conversion.py": "moves the PDFs LibreOffice wrote into place (it made the file; "
                                             "nothing is written but the reproducible stamp)",
}
"""Modules that rename or create temporary files themselves, and why."""


def test_files_are_replaced_by_the_one_writer_only() -> None:
    """Every module writes a file in place through :func:`replace_file` (its temporary beside the file, the
    umask, errors naming the file, leftovers the draft store and the caches recognise): none makes its own
    temporary file and renames it."""
    import ast

    from conftest import REPO

    own_writers = []
    for path in sorted((REPO / "strategy_builder").rglob("*.py")):
        name = path.relative_to(REPO).as_posix()
        if name in ("strategy_builder/files.py", *ANOTHER_WRITER_ALLOWED):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = node.func if isinstance(node, ast.Call) else None
            if isinstance(called, ast.Attribute) and called.attr in (
                    "replace", "rename", "mkstemp", "mkdtemp", "NamedTemporaryFile") and (
                    isinstance(called.value, ast.Name) and called.value.id in ("os", "tempfile")):
                own_writers.append(f"{name}:{node.lineno}")
    assert not own_writers, "files written without files.replace_file: " + ", ".join(own_writers)


def test_temporary_files_that_killed_writes_left_are_removed_by_the_next_write(tmp_path: Path) -> None:
    # kill -9 (or a power cut) between writing the temporary file and renaming it leaves the temporary
    # beside the file: the next write of that file removes it once it is old enough not to be another
    # process's write under way; other files, and younger temporaries, are left alone.
    path = tmp_path / "AM.yaml"
    path.write_bytes(b"before")
    stale, fresh = tmp_path / ".AM.yaml.k9ya4l5p.tmp", tmp_path / ".AM.yaml.q1w2e3r4.tmp"
    others = [tmp_path / ".AZ.yaml.k9ya4l5p.tmp", tmp_path / ".AM.yaml.notes.tmp", tmp_path / "AM.yaml.k9ya4l5p.tmp"]
    for leftover in (stale, fresh, *others):
        leftover.write_bytes(b"half")
    hours_ago = time.time() - 2 * 3600
    for old in (stale, *others):
        os.utime(old, (hours_ago, hours_ago))
    replace_file(path, b"after")
    assert path.read_bytes() == b"after" and not stale.exists()
    assert fresh.exists() and all(other.exists() for other in others)


def test_a_process_writing_a_file_again_and_again_looks_for_its_leftovers_once_a_minute(tmp_path: Path,
                                                                                       monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A watcher writes the same files at every save: the folder is searched for their leftovers (which are removed
    only an hour old anyway) once a minute, not at every write."""
    import strategy_builder.files as files

    path = tmp_path / "AM.docx"
    replace_file(path, b"first")  # looked for leftovers (none)
    stale = tmp_path / ".AM.docx.k9ya4l5p.tmp"
    stale.write_bytes(b"half")
    hours_ago = time.time() - 2 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    replace_file(path, b"second")
    assert path.read_bytes() == b"second" and stale.exists()  # looked less than a minute ago
    started = time.monotonic()
    monkeypatch.setattr(files.time, "monotonic", lambda: started + 61)
    replace_file(path, b"third")
    assert path.read_bytes() == b"third" and not stale.exists()


def test_a_write_into_a_folder_of_the_tools_removes_the_leftovers_of_every_file_there(tmp_path: Path) -> None:
    """Backups and cache payloads get a new name each time, so the leftovers of a killed write of one of them
    would never meet a next write of the same name: ``clean_folder`` removes every old temporary of the
    folder (the one writer's, and the ``.tmp-PID`` files of older versions' caches), the young ones and
    every other file left alone."""
    stale = [tmp_path / ".register.20261202-101503.xlsx.k9ya4l5p.tmp", tmp_path / ".tmp-4242-babel-1.json"]
    kept = [tmp_path / ".register.20261203-090000.xlsx.q1w2e3r4.tmp", tmp_path / "register.20261202-101503.xlsx",
            tmp_path / "notes.tmp"]
    for path in (*stale, *kept):
        path.write_bytes(b"half")
    hours_ago = time.time() - 2 * 3600
    for old in (*stale, *kept[1:]):
        os.utime(old, (hours_ago, hours_ago))
    replace_file(tmp_path / "register.20261203-091500.xlsx", b"backup")
    assert all(path.exists() for path in stale)  # without clean_folder: only the target's own leftovers
    replace_file(tmp_path / "register.20261203-091501.xlsx", b"backup", clean_folder=True)
    assert not any(path.exists() for path in stale) and all(path.exists() for path in kept)


def test_jinjas_bytecode_temporaries_are_leftovers_too(tmp_path: Path) -> None:
    """Jinja's bytecode cache writes through temporaries of its own (``__jinja2_KEY.cacheXXXXXXXX.tmp``):
    recognised as leftovers, and removed from a folder of the tool's once an hour old, with the one writer's."""
    from strategy_builder.files import is_temporary_name, remove_leftovers

    assert is_temporary_name("__jinja2_0b5e9f0c.cachek9ya4l5p.tmp") and is_temporary_name(".AM.docx.k9ya4l5p.tmp")
    assert not is_temporary_name("__jinja2_0b5e9f0c.cache") and not is_temporary_name("notes.tmp")
    stale = [tmp_path / "__jinja2_0b5e9f0c.cachek9ya4l5p.tmp", tmp_path / ".abc.v3.compiled.json.q1w2e3r4.tmp"]
    kept = [tmp_path / "__jinja2_1c6f0a1d.cachez8x7c6v5.tmp", tmp_path / "__jinja2_0b5e9f0c.cache", tmp_path / "x.tmp"]
    for path in (*stale, *kept):
        path.write_bytes(b"half")
    hours_ago = time.time() - 2 * 3600
    for old in (*stale, *kept[1:]):
        os.utime(old, (hours_ago, hours_ago))
    assert sorted(remove_leftovers(tmp_path)) == sorted(stale)
    assert not any(path.exists() for path in stale) and all(path.exists() for path in kept)
    assert remove_leftovers(tmp_path / "absent") == []


def test_an_interruption_at_any_step_leaves_the_old_file_or_the_new_one_and_no_temporary(tmp_path: Path) -> None:
    # Ctrl-C can arrive between any two steps of a write (a watcher stopped in the middle of a rebuild): at
    # every line that files.py runs while replacing two files, a KeyboardInterrupt is raised in turn.
    import sys

    import strategy_builder.files as files

    first, second = tmp_path / "AM.docx", tmp_path / "AZ.docx"

    def lines_run(interrupt_at: int | None) -> int:
        seen = 0

        def trace(frame, event, arg):  # noqa: ANN001, ANN202
            nonlocal seen
            if frame.f_code.co_filename != files.__file__:
                return None
            if event == "line":
                seen += 1
                if seen == interrupt_at:
                    raise KeyboardInterrupt
            return trace

        sys.settrace(trace)
        try:
            files.replace_files({first: b"new AM", second: b"new AZ"}, durable=False)
        finally:
            sys.settrace(None)
        return seen

    first.write_bytes(b"old AM")
    second.write_bytes(b"old AZ")
    total = lines_run(None)
    assert total > 20
    for step in range(1, total + 1):
        first.write_bytes(b"old AM")
        second.write_bytes(b"old AZ")
        with contextlib.suppress(KeyboardInterrupt):
            lines_run(step)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["AM.docx", "AZ.docx"], step
        assert first.read_bytes() in (b"old AM", b"new AM") and second.read_bytes() in (b"old AZ", b"new AZ"), step
