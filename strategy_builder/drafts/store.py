"""The draft store under ``build/``: numbering, the build lock, staging folders and atomic publication.

A draft folder appears only when complete: documents are written and verified in a hidden staging
folder, flushed to disk, and the folder is renamed to ``NNN`` in one atomic step while the build lock is
held. A killed build leaves at most a staging folder, which the next build removes.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import filelock

from strategy_builder.errors import EnvironmentProblem
from strategy_builder.models.manifest import MANIFEST_FORMAT, Manifest

BUILD_DIR = "build"
DRAFTS_DIR = "drafts"
OVERVIEW_DIR = "overview"
PREVIEW_DIR = "preview"
MANIFEST_FILE = "manifest.json"
LOCK_FILE = ".build.lock"
CACHE_DIR = ".cache"
STAGING_PREFIX = ".staging-"
_DRAFT_NAME = re.compile(r"^\d{3,}$")


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def draft_dir_name(number: int) -> str:
    """``3`` -> ``003``."""
    return f"{number:03d}"


def fsync_tree(folder: Path) -> None:
    """Flush every file of ``folder`` and the folder itself to disk (so a rename publishes real data)."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    for directory in [folder, *sorted(p for p in folder.rglob("*") if p.is_dir())]:
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``path`` so that readers see the old or the new content, never a part of it.

    ``durable`` also flushes the content to disk before it replaces the old one, so that it survives a
    power cut; the preview, a scratch copy rebuilt at will, skips that wait.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp creates 0600; published files follow the umask
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest of a draft or preview folder; ``None`` if absent, unreadable or of an older format."""
    path = folder / MANIFEST_FILE
    try:
        manifest = Manifest.model_validate_json(path.read_bytes())
    except (OSError, ValueError):  # ValidationError is a ValueError
        return None
    return manifest if manifest.format == MANIFEST_FORMAT else None


class DraftStore:
    """The ``build/`` folder of one project: the numbered folders of one series.

    ``series`` is the folder under ``build/`` that holds the numbered folders: ``drafts`` (the partners'
    strategies) or ``overview`` (the regional overview). Both series share the one build lock.
    """

    def __init__(self, project_root: Path, series: str = DRAFTS_DIR) -> None:
        self.root = project_root.resolve()
        self.build_dir = self.root / BUILD_DIR
        self.drafts_dir = self.build_dir / series
        self.preview_dir = self.build_dir / PREVIEW_DIR

    # ------------------------------------------------------------------ locking

    @contextlib.contextmanager
    def locked(self, timeout: float) -> Iterator[None]:
        """Hold the project's build lock; waits up to ``timeout`` seconds, then reports the other build.

        The lock is an OS file lock: it is released by the kernel when a build is killed.
        """
        try:
            self.build_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise EnvironmentProblem(f"cannot create {self.build_dir}: {error.strerror}") from error
        lock = filelock.FileLock(str(self.build_dir / LOCK_FILE), timeout=timeout)
        try:
            lock.acquire()
        except filelock.Timeout as error:
            raise EnvironmentProblem(
                "another build is running in this project (lock build/.build.lock is held)",
                hint="wait for it to finish, or pass --wait SECONDS to wait longer") from error
        try:
            yield
        finally:
            lock.release()

    # ------------------------------------------------------------------ drafts

    def draft_numbers(self) -> list[int]:
        """Numbers of the published drafts, ascending."""
        if not self.drafts_dir.is_dir():
            return []
        return sorted(int(p.name) for p in self.drafts_dir.iterdir()
                      if p.is_dir() and _DRAFT_NAME.match(p.name) and (p / MANIFEST_FILE).is_file())

    def draft_dir(self, number: int) -> Path:
        return self.drafts_dir / draft_dir_name(number)

    def latest(self) -> tuple[int, Manifest | None] | None:
        """The highest draft number and its manifest, or ``None`` when there is no draft yet."""
        numbers = self.draft_numbers()
        if not numbers:
            return None
        return numbers[-1], read_manifest(self.draft_dir(numbers[-1]))

    def next_number(self) -> int:
        """The number the next draft gets: one more than any draft folder, complete or not."""
        if not self.drafts_dir.is_dir():
            return 1
        taken = [int(p.name) for p in self.drafts_dir.iterdir() if _DRAFT_NAME.match(p.name)]
        return max(taken, default=0) + 1

    # ------------------------------------------------------------------ staging

    def clean_leftovers(self) -> list[Path]:
        """Remove staging folders and temporary files left by interrupted builds (call under the lock)."""
        removed = []
        for folder in (self.drafts_dir, self.preview_dir):
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if path.name.startswith(STAGING_PREFIX) or path.name.startswith(".tmp-"):
                    if path.is_dir():
                        shutil.rmtree(path, ignore_errors=True)
                    else:
                        path.unlink(missing_ok=True)
                    removed.append(path)
        return removed

    def new_staging(self) -> Path:
        """A fresh hidden folder next to the drafts, on the same file system (so rename is atomic)."""
        self.drafts_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.drafts_dir))
        os.chmod(staging, 0o777 & ~_UMASK)  # mkdtemp creates 0700; a published draft follows the umask
        return staging

    def publish(self, staging: Path, number: int) -> Path:
        """Make a complete staging folder visible as draft ``number`` in one atomic rename."""
        target = self.draft_dir(number)
        if target.exists():
            raise EnvironmentProblem(f"{target} already exists; drafts are never overwritten")
        fsync_tree(staging)
        os.rename(staging, target)
        fd = os.open(self.drafts_dir, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        return target
