"""The numbered folders under ``build/`` (drafts, overviews, replies, the backups ``propose --apply`` keeps):
numbering, the build lock, staging folders and atomic publication. Below drafts, review and rounds alike,
which all publish numbered folders.

A draft folder appears only when complete: documents are written and verified in a hidden staging
folder, flushed to disk, and the folder is renamed to ``NNN`` in one atomic step while the build lock is
held. A killed build leaves at most a staging folder, which the next build removes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import filelock

from strategy_builder.errors import EnvironmentProblem
from strategy_builder.files import UMASK, environment_errors, environment_problem, is_temporary_name, remove_leftovers
from strategy_builder.layout import DRAFTS_DIR, ProjectLayout
from strategy_builder.models.manifest import Manifest

STAGING_PREFIX = ".staging-"


def fsync_tree(folder: Path) -> None:
    """Flush every file of ``folder`` and the folder itself to disk (so a rename publishes real data).

    The flushes run in threads: a file system with a journal commits flushes that wait together in one
    go, so a draft of a few dozen files is on disk in about the time of one flush instead of one after
    the other (measured on ext4: 130-200 ms one by one for a 12-partner draft, 8-16 ms together). The
    files are on disk before their folders are flushed.
    """
    entries = sorted(folder.rglob("*"))
    files = [path for path in entries if path.is_file()]
    directories = [folder, *(path for path in entries if path.is_dir())]
    with ThreadPoolExecutor(max_workers=min(16, max(1, len(files))), thread_name_prefix="fsync") as pool:
        list(pool.map(_fsync_file, files))  # re-raises the first error
        list(pool.map(_fsync_directory, directories))


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class DraftStore:
    """The numbered folders of one series, as a build writes them (paths: :class:`ProjectLayout`).

    ``series`` is the folder under ``build/`` that holds the numbered folders: ``drafts`` (the partners'
    strategies), ``overview`` (the regional overview), ``replies`` or ``.returns`` (the inputs as they were
    before each ``propose --apply``). Every series shares the one build lock.
    """

    def __init__(self, project_root: Path, series: str = DRAFTS_DIR) -> None:
        self.layout = ProjectLayout.of(project_root)
        self.series = series
        self.folder = self.layout.series_dir(series)
        """``build/drafts`` or ``build/overview``."""

    # ------------------------------------------------------------------ locking

    @contextlib.contextmanager
    def locked(self, timeout: float) -> Iterator[None]:
        """Hold the project's build lock; waits up to ``timeout`` seconds, then reports the other build.

        The lock is an OS file lock: it is released by the kernel when a build is killed.
        """
        build_dir = self.layout.build_dir
        with environment_errors(build_dir, "create the build folder"):
            build_dir.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(str(self.layout.lock_file), timeout=timeout)
        try:
            lock.acquire()
        except OSError as error:
            if not isinstance(error, filelock.Timeout):  # a Timeout is an OSError too
                raise environment_problem(error, self.layout.lock_file, "create the build lock") from error
            raise EnvironmentProblem(
                "another build is running in this project (lock build/.build.lock is held)",
                hint="wait for it to finish, or pass --wait SECONDS to wait longer") from error
        try:
            yield
        finally:
            lock.release()

    # ------------------------------------------------------------------ the series' folders

    def draft_dir(self, number: int) -> Path:
        return self.layout.draft_dir(number, self.series)

    def latest(self) -> tuple[int, Manifest | None] | None:
        """The highest number of this series and its manifest, or ``None`` when there is none yet."""
        return self.layout.latest(self.series)

    def next_number(self) -> int:
        """The number the next folder gets: one more than any folder of the series, complete or not."""
        return max(self.layout.taken_draft_numbers(self.series), default=0) + 1

    # ------------------------------------------------------------------ staging

    def clean_leftovers(self) -> list[Path]:
        """Remove staging folders and temporary files left by interrupted builds (call under the lock), and the
        temporaries a killed build left in the compiled templates' cache (Jinja's bytecode cache writes its
        own, and an entry once written is never written again): an hour old, as the template is compiled
        before the lock is taken, so a younger one may be another build's write under way."""
        removed = remove_leftovers(self.layout.template_cache_dir)
        for folder in (self.folder, self.layout.preview_dir):
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if path.name.startswith(STAGING_PREFIX) or is_temporary_name(path.name):
                    if path.is_dir():
                        shutil.rmtree(path, ignore_errors=True)
                    else:
                        path.unlink(missing_ok=True)
                    removed.append(path)
        return removed

    def new_staging(self) -> Path:
        """A fresh hidden folder next to the numbered ones, on the same file system (so rename is atomic)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.folder))
        os.chmod(staging, 0o777 & ~UMASK)  # mkdtemp creates 0700; a published draft follows the umask
        return staging

    @contextlib.contextmanager
    def staged(self, number: int, what: str) -> Iterator[Path]:
        """A fresh staging folder for folder ``number``, to fill and :meth:`publish` inside the block. When the
        block fails the folder is removed, so nothing is published in part; an ``OSError`` (a full disk, a
        read-only file system) becomes an :class:`EnvironmentProblem` naming ``{what} NNN``."""
        with environment_errors(self.folder, f"create a {what} folder in"):
            staging = self.new_staging()
        try:
            yield staging
        except OSError as error:
            shutil.rmtree(staging, ignore_errors=True)
            raise environment_problem(error, self.draft_dir(number), f"write {what} {number:03d} to") from error
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def publish(self, staging: Path, number: int) -> Path:
        """Make a complete staging folder visible as number ``number`` in one atomic rename."""
        target = self.draft_dir(number)
        if target.exists():
            raise EnvironmentProblem(f"{target} already exists; drafts are never overwritten")
        fsync_tree(staging)
        os.rename(staging, target)
        fd = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        return target
