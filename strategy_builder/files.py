"""Reading and replacing files safely: byte limits that hold for any stream, and errors people can act on.

- :func:`read_limited` reads a regular file up to a limit. A FIFO, a device (``/dev/zero``), a socket or a
  folder is refused *before* reading, so nothing hangs or reads without end; a file that grows while it
  is read still stops one byte past the limit.
- :func:`replace_file` writes a file atomically (readers see the old or the new content), keeping the
  mode and owner of the file it replaces and, for a symbolic link, updating the file it points to;
  :func:`replace_files` replaces several files all or none.
- :func:`open_in_office` says who holds a file open in Excel, Word or LibreOffice (their lock file beside it).
- :func:`environment_problem` turns an ``OSError`` into an :class:`EnvironmentProblem` that names the
  file and says what to do (permission denied, read-only file system, disk full, name too long...).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, NamedTuple

from strategy_builder.errors import EnvironmentProblem, ExitCode, StrategyBuilderError

_CHUNK = 1024 * 1024

# errno -> (what happened, what to do); "{path}" is filled in.
_OS_ERRORS: dict[int, tuple[str, str]] = {
    errno.EACCES: ("permission denied", "check the permissions of {path} and of its folder (ls -l), or use a "
                                        "folder you may write to"),
    errno.EPERM: ("operation not permitted", "check the permissions and the owner of {path} and of its folder"),
    errno.EROFS: ("the file system is read-only", "use a folder on a writable disk (or remount it read-write)"),
    errno.ENOSPC: ("the disk is full", "free some space on the disk that holds {path}, then run the command "
                                       "again; nothing was changed"),
    errno.EDQUOT: ("the disk quota is exhausted", "free some space in your quota, then run the command again; "
                                                  "nothing was changed"),
    errno.EFBIG: ("the file would be larger than the system allows", "free space or raise the file size limit"),
    errno.ENAMETOOLONG: ("the path is longer than the system allows", "use a shorter file or folder name, or a "
                                                                      "folder closer to the root"),
    errno.ENOENT: ("no such file or folder", "check the path; create the folder first if it is missing"),
    errno.ENOTDIR: ("a part of the path is not a folder", "check the path"),
    errno.EISDIR: ("it is a folder, not a file", "give the path of a file"),
    errno.ELOOP: ("too many symbolic links", "check the symbolic links on the path"),
    errno.EBUSY: ("the file is busy (locked by another program)", "close the program that uses it, then retry"),
    errno.ETXTBSY: ("the file is busy (locked by another program)", "close the program that uses it, then retry"),
    errno.EAGAIN: ("the file is locked by another program", "close the program that uses it, then retry"),
    errno.EMFILE: ("too many open files", "raise the open-file limit (ulimit -n)"),
    errno.EIO: ("an input/output error occurred", "check the disk or the network share"),
    errno.ENXIO: ("no such device", "give the path of a regular file"),
}


def environment_problem(error: OSError, path: Path | str | None = None, action: str = "use") -> EnvironmentProblem:
    """``cannot write build/x.docx: the disk is full`` with a hint, for any ``OSError`` (exit 2)."""
    where = str(error.filename) if error.filename else (str(path) if path is not None else "a file")
    what, hint = _OS_ERRORS.get(error.errno or 0, (error.strerror or str(error), "check the path and retry"))
    problem = EnvironmentProblem(f"cannot {action} {where}: {what}", hint=hint.format(path=where))
    problem.path = where  # type: ignore[attr-defined]
    return problem


@contextlib.contextmanager
def environment_errors(path: Path | str, action: str) -> Iterator[None]:
    """Turn any ``OSError`` raised inside into an :func:`environment_problem` about ``path``."""
    try:
        yield
    except OSError as error:
        raise environment_problem(error, path, action) from error


class RefusedFile(StrategyBuilderError):
    """A file that cannot be read as what it should be: not a regular file, or larger than its limit.

    Exit 1 (bad input); ``reason`` is the sentence without the path, for callers that report it their way.
    """

    exit_code = ExitCode.INPUT_PROBLEMS

    def __init__(self, path: Path | str, reason: str, *, hint: str | None = None) -> None:
        super().__init__(f"{path}: {reason}", hint=hint)
        self.path = str(path)
        self.reason = reason


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_regular(path: Path | str) -> os.stat_result:
    """The ``stat`` of ``path`` when it is a regular file (after following links); raises otherwise.

    Raises :class:`RefusedFile` for a folder, FIFO, device or socket, and ``OSError`` when it cannot be
    reached. Never opens the file, so a FIFO cannot block.
    """
    status = os.stat(path)
    if not stat.S_ISREG(status.st_mode):
        raise RefusedFile(path, f"it is {_kind(status.st_mode)}, not a regular file",
                          hint="give the path of an ordinary file")
    return status


def read_prefix(path: Path | str, count: int) -> bytes:
    """At most the first ``count`` bytes of the regular file ``path`` (refused, like :func:`read_limited`,
    when it is not a regular file), for readers that report where a file passes its limit."""
    return _read(path, count, None, "file")


def read_limited(path: Path | str, limit: int, *, what: str = "file") -> bytes:
    """The bytes of the regular file ``path``, refusing it (:class:`RefusedFile`) when it is larger than
    ``limit`` or is not a regular file; ``OSError`` when it cannot be opened or read.

    The file is opened without blocking (a FIFO swapped in after the check cannot hang the read) and read
    up to one byte past ``limit``, whatever its size claims.
    """
    return _read(path, limit + 1, limit, what)


def _read(path: Path | str, count: int, limit: int | None, what: str) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise RefusedFile(path, f"it is {_kind(status.st_mode)}, not a regular file",
                              hint="give the path of an ordinary file")
        if limit is not None and status.st_size > limit:
            raise RefusedFile(path, f"the {what} is {status.st_size:,} bytes; the limit is {limit:,}",
                              hint="see the table of limits in docs/security.md")
        chunks: list[bytes] = []
        size = 0
        while size < count:
            chunk = os.read(fd, min(_CHUNK, count - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if limit is not None and size > limit:
            raise RefusedFile(path, f"the {what} is larger than the limit of {limit:,} bytes",
                              hint="see the table of limits in docs/security.md")
        return b"".join(chunks)
    finally:
        os.close(fd)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def name_text(name: str) -> str:
    """A file name as text that can go anywhere (a register cell, document XML, a row ID's hash): the bytes
    of a name that are not UTF-8 (made on a system with another encoding, or unpacked from a zip that was),
    which Python keeps as lone surrogates that no encoder accepts, and the control characters a name may
    hold on Linux, which XML cannot, become U+FFFD."""
    return _CONTROL.sub("\ufffd", name.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))


def real_path(path: Path) -> Path:
    """The file a path names after following symbolic links (the path itself when it does not exist)."""
    return Path(os.path.realpath(path))


def replace_file(path: Path, data: bytes | Callable[[IO[bytes]], None], *, durable: bool = True,
                 keep_metadata: bool = True, clean_folder: bool = False) -> Path:
    """Replace ``path`` with ``data`` (bytes, or a function writing to a stream) atomically; returns the
    path written (a link's target).

    A symbolic link is followed: the file it points to is replaced and the link stays. With
    ``keep_metadata`` the new file gets the old one's permission bits and, where the process may set
    them, its owner and group; a new file follows the umask. ``OSError`` is raised as it comes, naming
    ``path`` (never the temporary file beside it): callers wrap it with :func:`environment_errors`.
    Interrupted at any point (Ctrl-C, an exception), it leaves the old file or the new one and no
    temporary file. The temporary files that killed writes of ``path`` left beside it more than
    :data:`LEFTOVER_SECONDS` ago are removed; with ``clean_folder``, those of every file of its folder (a
    folder of the tool's whose files each get a new name, such as backups, or a cache).
    """
    return replace_files({path: data}, durable=durable, keep_metadata=keep_metadata, clean_folder=clean_folder)[0]


def replace_files(contents: Mapping[Path, bytes | Callable[[IO[bytes]], None]], *, durable: bool = True,
                  keep_metadata: bool = True, clean_folder: bool = False) -> list[Path]:
    """Replace several files at once, all or none: every new content is written beside its file first,
    and only when all of them are written (a full disk, a refused folder fail here, changing nothing)
    do they replace the old files, one rename each. Returns the paths written (links' targets); a file
    is otherwise replaced as :func:`replace_file` replaces it."""
    staged: list[tuple[Path, str]] = []
    try:
        for path, data in contents.items():
            _stage(path, data, staged, durable=durable, keep_metadata=keep_metadata)
        for target, temporary in staged:
            _publish(target, temporary)
    except BaseException:
        # Every temporary file is named in `staged` before it is created, so that whatever interrupts (a
        # KeyboardInterrupt can arrive between any two steps) leaves none: the ones already renamed into
        # place are no longer there to remove.
        for _, temporary in staged:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        raise
    for target, _ in staged:
        _remove_leftovers(target, whole_folder=clean_folder)
    return [target for target, _ in staged]


_TEMPORARY_EXTRA = len("..XXXXXXXX.tmp")
"""What a temporary file's name adds to its target's: a dot before it, a dot and eight random characters
after it, and the suffix."""


def _temporary_stem(target: Path) -> str:
    """The target's name, shortened where needed so that its temporary file's name stays within the
    folder's limit on a name's length (255 bytes on most file systems): a file whose own name is near that
    limit can still be replaced. (The temporary is never shown: a cut through a character does no harm.)"""
    try:
        limit = os.pathconf(target.parent, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    encoded = os.fsencode(target.name)
    room = max(limit - _TEMPORARY_EXTRA, 1)
    return target.name if len(encoded) <= room else os.fsdecode(encoded[:room])


def _stage(path: Path, data: bytes | Callable[[IO[bytes]], None], staged: list[tuple[Path, str]], *,
           durable: bool, keep_metadata: bool) -> None:
    """Write the new content of ``path`` to a hidden temporary file beside the file it will replace, and
    add (target, temporary) to ``staged``, before the temporary file exists."""
    target = real_path(path)
    previous: os.stat_result | None = None
    with contextlib.suppress(FileNotFoundError):
        previous = os.stat(target)
    stem = _temporary_stem(target)
    stream: IO[bytes] | None = None
    temporary = ""
    try:
        for _ in range(100):  # a name taken by another writer (1 in 16^8) is drawn again, as mkstemp does
            temporary = os.path.join(target.parent, f".{stem}.{os.urandom(4).hex()}.tmp")
            staged.append((target, temporary))
            try:
                stream = os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600),
                                   "wb")
                break
            except FileExistsError:
                staged.pop()  # someone else's file: never removed by us
        else:
            raise FileExistsError(errno.EEXIST, "no free name for a temporary file", str(target))
        with stream:
            if isinstance(data, bytes):
                stream.write(data)
            else:
                data(stream)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        if previous is not None and keep_metadata:
            os.chmod(temporary, stat.S_IMODE(previous.st_mode))
            with contextlib.suppress(OSError):  # only root (or the owner, for the group) may do this
                os.chown(temporary, previous.st_uid, previous.st_gid)
        else:
            os.chmod(temporary, 0o666 & ~UMASK)
    except BaseException as error:
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
        _name_the_file(error, target, temporary or None)
        raise


def _publish(target: Path, temporary: str) -> None:
    try:
        os.replace(temporary, target)
    except BaseException as error:
        _name_the_file(error, target, temporary)
        raise


LEFTOVER_SECONDS = 3600.0
"""A temporary file of a target older than this is a leftover: a write that was killed (``kill -9``, a power
cut) before it could remove it. Writes last seconds at most; a younger one may be another process's, under way."""


JINJA_TEMPORARY_PREFIX = "__jinja2_"
"""Jinja's bytecode cache (the compiled template parts in ``build/.cache/templates``) writes each entry
through a temporary of its own, ``__jinja2_KEY.cacheXXXXXXXX.tmp``, which a killed build leaves behind."""


def is_temporary_name(name: str) -> bool:
    """Whether ``name`` is a temporary file that an interrupted write leaves beside its target:
    ``.NAME.XXXXXXXX.tmp`` (:func:`replace_file`, the one writer), ``.tmp-...`` (what the caches of versions
    before 2026-12 wrote by hand) or ``__jinja2_....tmp`` (Jinja's bytecode cache, :data:`JINJA_TEMPORARY_PREFIX`)."""
    return (name.startswith(".tmp-") or (name.startswith(".") and name.endswith(".tmp"))
            or (name.startswith(JINJA_TEMPORARY_PREFIX) and name.endswith(".tmp")))


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files (:func:`is_temporary_name`) that killed writes left in ``folder``, a folder
    of the tool's, more than :data:`LEFTOVER_SECONDS` ago (a younger one may be another process's write under
    way); returns those removed. Best effort: a leftover that cannot be removed stays."""
    return _remove_old(folder, is_temporary_name)


def _remove_leftovers(target: Path, *, whole_folder: bool = False) -> None:
    """Remove the temporary files that killed writes of ``target`` (``whole_folder``: of any file of its
    folder, :func:`remove_leftovers`) left beside it (hidden, but a ``git add -A`` or a file manager showing
    hidden files would find them). Best effort: a leftover that cannot be removed stays, and the write that
    succeeded is not failed for it."""
    if whole_folder:
        remove_leftovers(target.parent)
        return
    # A leftover is removed an hour after the write that left it: looking for one again within a minute can only
    # find it a minute later than it might have been. A process that writes the same file again and again (a
    # watcher, three files at every save) looks once a minute, not at every write.
    now = time.monotonic()
    if now - _LOOKED_FOR_LEFTOVERS.get(target, -_LEFTOVER_LOOK_SECONDS) < _LEFTOVER_LOOK_SECONDS:
        return
    _LOOKED_FOR_LEFTOVERS[target] = now
    prefix = f".{_temporary_stem(target)}."
    length = len(prefix) + _TEMPORARY_EXTRA - 2  # the prefix holds the two dots already
    _remove_old(target.parent, lambda name: name.startswith(prefix) and name.endswith(".tmp") and len(name) == length)


_LEFTOVER_LOOK_SECONDS = 60.0
_LOOKED_FOR_LEFTOVERS: dict[Path, float] = {}
"""When this process last looked for the leftovers of each file it wrote (:func:`_remove_leftovers`)."""


def _remove_old(folder: Path, leftover: Callable[[str], bool]) -> list[Path]:
    """Remove the files of ``folder`` whose name is a ``leftover`` and that are older than the cutoff."""
    cutoff = time.time() - LEFTOVER_SECONDS
    removed = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not leftover(entry.name):
                continue
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


def _name_the_file(error: BaseException, target: Path, temporary: str | None) -> None:
    """Make an ``OSError`` about the temporary file (or about no file: a failed ``write()``) name ``target``,
    the file the user knows: the temporary one has a random name and is gone by the time the message is read."""
    if not isinstance(error, OSError):
        return
    name = None if error.filename is None else os.fspath(error.filename)
    hidden = f".{_temporary_stem(target)}."
    if name is None or name == temporary or (os.path.abspath(os.path.dirname(name)) == str(target.parent)
                                             and os.path.basename(name).startswith(hidden)):
        error.filename = str(target)  # (filename2, where a rename names it, is the target already)


class OfficeLock(NamedTuple):
    """An office program's lock file: who holds a file open."""

    lock_file: Path
    program: str
    holder: str

    def describe(self) -> str:
        return f"{self.program}{f' by {self.holder}' if self.holder else ''} (lock file {self.lock_file.name})"


def office_lock(path: Path) -> OfficeLock | None:
    """The lock file Excel or LibreOffice keeps beside ``path`` while it is open there, if any."""
    candidates = [(path.parent / f".~lock.{path.name}#", "LibreOffice")]
    candidates += [(path.parent / f"~${name}", "Microsoft Office") for name in
                   dict.fromkeys((path.name, path.name[1:], path.name[2:])) if name]
    for lock_file, program in candidates:
        try:
            present = lock_file.is_file()
        except OSError:  # a name too long for a lock file: the write will say what is wrong
            present = False
        if present:
            return OfficeLock(lock_file, program, _holder(lock_file, program))
    return None


def _holder(lock_file: Path, program: str) -> str:
    """Who holds the lock, as its lock file says (best effort; never fails)."""
    try:
        data = read_limited(lock_file, 4096)
    except (OSError, RefusedFile):
        return ""
    if program == "LibreOffice":
        # ",login,host,date,profile;" with the user's name first when one is set in LibreOffice.
        fields = data.decode("utf-8", "replace").rstrip(";\r\n").split(",")
        name = fields[0] or (fields[1] if len(fields) > 1 else "")
        host = fields[2] if len(fields) > 2 else ""
        since = fields[3] if len(fields) > 3 else ""
        return ", ".join(part for part in (name, f"on {host}" if host else "", f"since {since}" if since else "")
                         if part)
    length = data[0] if data else 0  # the owner file starts with the length of the user's name
    return data[1: 1 + length].decode("cp1252", "replace").strip() if 0 < length < len(data) else ""


def open_in_office(path: Path) -> OfficeLock | None:
    """Who holds the file at ``path`` open in Excel, Word or LibreOffice (also through a symbolic link), if
    anyone: what they have not saved yet is not in the file, and what they save replaces it."""
    for candidate in dict.fromkeys((path, real_path(path))):
        lock = office_lock(candidate)
        if lock is not None:
            return lock
    return None


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


UMASK = _current_umask()  # read once, at import: os.umask cannot be read without setting it


__all__ = ["JINJA_TEMPORARY_PREFIX", "LEFTOVER_SECONDS", "OfficeLock", "RefusedFile", "UMASK", "check_regular",
           "environment_errors", "environment_problem", "is_temporary_name", "name_text", "office_lock",
           "open_in_office", "read_limited", "read_prefix", "real_path", "remove_leftovers", "replace_file",
           "replace_files"]
