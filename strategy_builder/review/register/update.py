"""Updating a register file safely: one run at a time, never while an office program has it open, always
with a backup of the previous version, and never a half-written file.

:func:`update_register` is the whole sequence:

1. refuse when Excel or LibreOffice holds the file (their lock files ``~$NAME`` and ``.~lock.NAME#``),
   unless ``force``: saving there afterwards would overwrite the import;
2. take a lock beside the file (``.NAME.lock``), so that two runs at once both land, one after the other;
3. read the register (within :data:`~strategy_builder.limits.REGISTER_FILE_BYTES`), refuse it when its
   shape is wrong (no ID column, not a register), and plan the changes
   (:class:`~strategy_builder.review.register.table.Planner`);
4. if anything changes: copy the previous file into ``.register-backups/`` beside it, then replace the
   file atomically, keeping its permissions and owner; a symbolic link is followed, not replaced.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, NamedTuple, Protocol

import filelock

from strategy_builder.files import (
    OfficeLock, RefusedFile, environment_errors, environment_problem, office_lock, open_in_office, read_limited,
    real_path, replace_file,
)
from strategy_builder.layout import keep_previous, refuse_published
from strategy_builder.limits import REGISTER_FILE_BYTES
from strategy_builder.review.register.columns import RegisterRow
from strategy_builder.review.register.csvfile import CsvRegister, new_csv
from strategy_builder.review.register.jsonfile import JsonRegister, new_json
from strategy_builder.review.register.table import Plan, RegisterRefused, new_register_plan
from strategy_builder.review.register.xlsxfile import XlsxRegister, new_xlsx

FORMATS = (".xlsx", ".csv", ".html", ".json")
BACKUP_DIR = ".register-backups"
LOCK_WAIT_SECONDS = 120.0


class _RegisterFile(Protocol):
    def plan(self, rows: list[RegisterRow]) -> Plan: ...

    def check(self) -> None:
        """Refuse the register when its shape is wrong (no header, no ID column), reading as little as that
        takes."""
        ...

    def rows(self) -> list[RegisterRow]: ...


class RegisterUpdate(NamedTuple):
    """What :func:`update_register` did."""

    path: Path
    """The register as named by the caller."""
    written: Path | None
    """The file written (a link's target), or ``None`` when nothing changed and nothing was written."""
    rows: int
    added: int
    updated: int
    added_columns: tuple[str, ...]
    backup: Path | None
    summary: dict[str, dict[str, int]]
    notes: tuple[str, ...] = ()
    """What the team should know about the register after the import (each names the sheet or cell)."""


def register_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise RegisterRefused(f"{path}: unknown register format '{path.suffix}'",
                              hint=f"name the register with one of {', '.join(FORMATS)}")
    return suffix


def _refuse_if_open(path: Path, force: bool) -> None:
    if force:
        return
    lock = open_in_office(path)
    if lock is not None:
        raise RegisterRefused(
            f"{path}: the register is open in {lock.describe()}; an import now would be lost when it is "
            "saved there", hint="save and close it there, then run again; if that program is no longer "
                                "running (the lock file is stale), run again with --force")


def _open(path: Path, data: bytes) -> _RegisterFile:
    suffix = register_format(path)
    source = str(path)
    if suffix != ".xlsx" and data.startswith(b"PK\x03\x04"):  # read as text, it "looks like" another encoding
        raise RegisterRefused(f"{source}: the register is a workbook (a zip file, as .xlsx files are), not "
                              f"{suffix[1:].upper()} text",
                              hint=f"rename it {path.with_suffix('.xlsx').name} to keep it as a workbook register; "
                                   "it was left untouched")
    if suffix == ".csv":
        return CsvRegister(data, source)
    if suffix == ".xlsx":
        return XlsxRegister(data, source)
    return JsonRegister(data, source, page=suffix == ".html")


def _read(path: Path) -> bytes | None:
    """The register's bytes, or ``None`` when there is no register yet (no file, or an empty one)."""
    try:
        data = read_limited(path, REGISTER_FILE_BYTES, what="register")
    except FileNotFoundError:
        return None
    except RefusedFile as refused:
        raise RegisterRefused(f"{path}: {refused.reason}", hint=refused.hint) from refused
    except OSError as error:
        raise environment_problem(error, path, "read the register") from error
    return data or None


def check_register(path: Path, *, force: bool = False) -> None:
    """Everything :func:`update_register` would refuse, checked before any work: the format, an office
    lock, and a register that cannot be read or has the wrong shape (the file is only read)."""
    refuse_published(path, "the register")
    register_format(path)
    _refuse_if_open(path, force)
    data = _read(path)
    if data is not None:
        _open(path, data).check()


class RegisterRows(list[RegisterRow]):
    """The rows (with an ID) of a register as read, and ``notes``: what the team should know about what was
    read (a Disposition holding a formula nobody computed, read as open), each naming the sheet and cell."""

    def __init__(self, rows: Iterable[RegisterRow] = (), notes: tuple[str, ...] = ()) -> None:
        super().__init__(rows)
        self.notes = notes


def read_register(path: Path) -> RegisterRows:
    """The rows (with an ID) of an existing register, with notes on what was read; empty when there is none."""
    register_format(path)
    data = _read(path)
    if data is None:
        return RegisterRows()
    register = _open(path, data)
    rows = register.rows()
    return RegisterRows(rows, tuple(register.notes) if isinstance(register, XlsxRegister) else ())


@contextlib.contextmanager
def register_lock(target: Path, wait: float) -> Iterator[None]:
    """Hold the lock of one register file (beside it); released by the kernel if the process dies."""
    lock_path = target.parent / f".{target.name}.lock"
    lock = filelock.FileLock(str(lock_path), timeout=wait)
    try:
        lock.acquire()
    except OSError as error:
        if not isinstance(error, filelock.Timeout):  # a Timeout is an OSError too
            raise environment_problem(error, lock_path, "create the lock file of the register") from error
        raise RegisterRefused(f"{target}: another strategy-builder run has been updating the register for "
                              f"{wait:.0f} s (lock {lock_path.name})",
                              hint="wait for it to finish, then run again") from error
    try:
        yield
    finally:
        lock.release()


def update_register(path: Path, rows: list[RegisterRow], *, force: bool = False,
                    wait: float = LOCK_WAIT_SECONDS) -> RegisterUpdate:
    """Merge ``rows`` into the register at ``path`` (created when missing); see the module docstring.

    Raises :class:`RegisterRefused` (exit 2) when the register is open in an office program, locked too
    long by another run, unreadable, too large or of the wrong shape, and an environment problem
    (exit 2) when it cannot be written or is inside a published folder; in every such case the file is left
    as it was.
    """
    refuse_published(path, "the register")
    suffix = register_format(path)
    _refuse_if_open(path, force)
    target = real_path(path)
    with environment_errors(target.parent, "create the folder"):
        target.parent.mkdir(parents=True, exist_ok=True)
    with register_lock(target, wait):
        _refuse_if_open(path, force)  # it may have been opened while this run waited
        data = _read(target)
        writer: Callable[[IO[bytes]], None]
        if data is None:
            plan = new_register_plan(rows)
            content = (new_xlsx(plan) if suffix == ".xlsx" else new_csv(rows, plan) if suffix == ".csv"
                       else new_json(plan, page=suffix == ".html"))
            writer = _bytes_writer(content)
        else:
            register = _open(target, data)
            plan = register.plan(rows)
            if not plan.changes_anything:
                return RegisterUpdate(path, None, plan.rows, 0, 0, (), None, plan.summary, tuple(plan.notes))
            writer = _writer(register, plan)
        backup = _backup(target, data) if data is not None else None
        with environment_errors(target, "write the register"):
            replace_file(target, writer)
    return RegisterUpdate(path, target, plan.rows, plan.added, plan.updated,
                          tuple(column.header for _, column in plan.added_columns), backup, plan.summary,
                          tuple(plan.notes))


def _bytes_writer(content: bytes) -> Callable[[IO[bytes]], None]:
    def write(stream: IO[bytes]) -> None:
        stream.write(content)

    return write


def _writer(register: _RegisterFile, plan: Plan) -> Callable[[IO[bytes]], None]:
    if isinstance(register, XlsxRegister):
        return lambda stream: register.write(plan, stream)
    assert isinstance(register, (CsvRegister, JsonRegister))
    return _bytes_writer(register.apply(plan))


def _backup(target: Path, data: bytes) -> Path:
    """Keep ``data`` (the register before this update) in ``.register-backups/`` beside it, named and cleaned
    up as every backup of the tool (:func:`~strategy_builder.layout.keep_previous`)."""
    with environment_errors(target.parent / BACKUP_DIR, "keep a backup of the register in"):
        backup = keep_previous(target, data=data, folder=BACKUP_DIR)
    assert backup is not None  # data is given and nothing excludes it
    return backup


__all__ = ["BACKUP_DIR", "FORMATS", "OfficeLock", "RegisterRows", "RegisterUpdate", "check_register", "office_lock",
           "open_in_office", "read_register", "register_format", "register_lock", "update_register"]
