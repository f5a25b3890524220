"""The folder layout of a project, in one place: where inputs, drafts, the preview and caches live.

Every package that reads or writes a project's folders asks :class:`ProjectLayout` for the path instead
of spelling it: the build (drafts), the readers of drafts (review) and the input loader. It also reads a
draft's ``manifest.json`` into the manifest model and writes files atomically, the two file operations
that drafts and review share.

A draft folder holds a snapshot of the inputs it was built from in the same layout (``inputs/...``), so
``ProjectLayout(draft_folder)`` finds a draft's ``strategy.yaml`` as ``ProjectLayout(project)`` finds
today's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from strategy_builder.digits import whole_number
from strategy_builder.errors import EnvironmentProblem
from strategy_builder.files import RefusedFile, open_in_office, read_limited, replace_file
from strategy_builder.limits import JSON_FILE_BYTES

if TYPE_CHECKING:
    from strategy_builder.models.manifest import Manifest

INPUTS_DIR = "inputs"
STRATEGY_FILE = "strategy.yaml"
PARTNERS_DIR = "partners"
TRANSLATIONS_DIR = "translations"
"""``inputs/translations/<language>/<CODE>.yaml`` and ``.../strategy.yaml``: the language versions' texts."""
BACKUPS_DIR = ".backups"
"""Beside an input file the tool rewrites (``inputs/.backups/``, ``inputs/partners/.backups/``,
``inputs/translations/<language>/.backups/``): the file as it was before."""
BACKUPS_KEPT = 20
"""Backups kept per file (:func:`keep_previous`): the newest; older ones are removed as a new one is made."""
BUILD_DIR = "build"
DRAFTS_DIR = "drafts"
"""The series of numbered folders of the partners' strategies (``build/drafts/NNN``)."""
OVERVIEW_DIR = "overview"
"""The series of numbered folders of the regional overview (``build/overview/NNN``)."""
REPLIES_DIR = "replies"
"""The series of numbered folders of the replies to ministries (``build/replies/NNN``)."""
PREVIEW_DIR = "preview"
CACHE_DIR = ".cache"
MANIFEST_FILE = "manifest.json"
YAML_SUFFIXES = (".yaml", ".yml")
"""The endings of the input files a project's folders are looked through for (a translation is read only as
``<name>.yaml``; one ending in ``.yml`` is said not to be read)."""
LOCK_FILE = ".build.lock"
REDLINES_DIR = "redlines"
"""Inside a draft folder: ``redlines/<CODE>.docx`` against the previous draft."""
PROVENANCE_DIR = "provenance"
"""Inside a draft folder: ``provenance/<CODE>.json``, where each rendered value of a document came from."""
RETURNS_BACKUP_DIR = ".returns"
"""Inside ``build/``: ``.returns/NNN/`` keeps the input files as they were before ``propose --apply`` NNN."""
HTML_REPORT = "diff.html"
"""Inside a draft folder: the HTML report of the changes since the previous draft."""
PREVIEW_LABEL = "PREVIEW"
"""The draft label a preview document carries instead of a number."""

_DRAFT_NAME = re.compile(r"^\d{3,}$")




def provenance_file_name(code: str) -> str:
    """The table of values of partner ``code``, relative to its draft folder."""
    return f"{PROVENANCE_DIR}/{code}.json"


def draft_dir_name(number: int) -> str:
    """``3`` -> ``003``."""
    return f"{number:03d}"


class ProjectLayout(NamedTuple):
    """The paths of one project folder (or of a draft's inputs snapshot, which has the same shape)."""

    root: Path

    @classmethod
    def of(cls, root: Path) -> ProjectLayout:
        """The layout of the folder ``root``, as an absolute path."""
        return cls(root.resolve())

    # ------------------------------------------------------------------ inputs

    @property
    def inputs_dir(self) -> Path:
        return self.root / INPUTS_DIR

    @property
    def strategy_file(self) -> Path:
        return self.root / INPUTS_DIR / STRATEGY_FILE

    @property
    def partners_dir(self) -> Path:
        return self.root / INPUTS_DIR / PARTNERS_DIR

    def partner_file(self, code: str) -> Path:
        """Where the partner file of ``code`` is written (``inputs/partners/<CODE>.yaml``)."""
        return self.partners_dir / f"{code}.yaml"

    def partner_files(self) -> list[Path]:
        """The partner files present, sorted by name (``.yaml`` and ``.yml``): every such entry, so that one
        that is not a regular file (a folder, a FIFO, a link to a device) is reported, not skipped."""
        folder = self.partners_dir
        if not folder.is_dir():
            return []
        # Names from os.scandir, paths made for the chosen ones only: a watcher lists the folder at every poll.
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries
                           if entry.name.endswith(YAML_SUFFIXES) and not entry.name.startswith("."))
        return [folder / name for name in names]

    @property
    def translations_dir(self) -> Path:
        return self.root / INPUTS_DIR / TRANSLATIONS_DIR

    def translation_file(self, language: str, subject: str) -> Path:
        """``inputs/translations/<language>/<subject>.yaml``; the subject is a partner code or ``strategy``."""
        return self.translations_dir / language / f"{subject}.yaml"

    def display_name(self, path: Path) -> str:
        """``path`` relative to the project folder, as findings and manifests name files."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def recorded_name(self, path: Path) -> str:
        """``path`` as a manifest records it: relative to the project folder, with ``../`` outside it (an
        absolute path would name the machine's folders, and the same inputs would give other bytes); on
        another drive (Windows), the file's name."""
        try:
            return Path(os.path.relpath(path.resolve(), self.root)).as_posix()
        except ValueError:
            return path.name

    # ------------------------------------------------------------------ build outputs

    @property
    def build_dir(self) -> Path:
        return self.root / BUILD_DIR

    @property
    def drafts_dir(self) -> Path:
        return self.root / BUILD_DIR / DRAFTS_DIR

    @property
    def preview_dir(self) -> Path:
        return self.root / BUILD_DIR / PREVIEW_DIR

    @property
    def lock_file(self) -> Path:
        return self.root / BUILD_DIR / LOCK_FILE

    @property
    def input_cache_dir(self) -> Path:
        """What earlier runs learnt about input files (safe to delete)."""
        return self.root / BUILD_DIR / CACHE_DIR / "inputs"

    @property
    def office_dir(self) -> Path:
        """``build/.cache/libreoffice``: the LibreOffice profiles of the layout pass, and its scratch folders."""
        return self.build_dir / CACHE_DIR / "libreoffice"

    @property
    def cldr_cache_dir(self) -> Path:
        """What CLDR answered for the language versions (dates, names), per Babel version (safe to delete)."""
        return self.root / BUILD_DIR / CACHE_DIR / "cldr"

    @property
    def template_cache_dir(self) -> Path:
        """Compiled templates (safe to delete)."""
        return self.root / BUILD_DIR / CACHE_DIR / "templates"

    def series_dir(self, series: str = DRAFTS_DIR) -> Path:
        """The folder of a series of numbered folders: ``build/drafts`` or ``build/overview``."""
        return self.root / BUILD_DIR / series

    def draft_dir(self, number: int, series: str = DRAFTS_DIR) -> Path:
        return self.series_dir(series) / draft_dir_name(number)

    def draft_numbers(self, series: str = DRAFTS_DIR) -> list[int]:
        """Numbers of the published folders of ``series`` (``NNN`` with a manifest), ascending."""
        folder = self.series_dir(series)
        if not folder.is_dir():
            return []
        return sorted(int(p.name) for p in folder.iterdir()
                      if p.is_dir() and _DRAFT_NAME.match(p.name) and (p / MANIFEST_FILE).is_file())

    def taken_draft_numbers(self, series: str = DRAFTS_DIR) -> list[int]:
        """Numbers of every folder of ``series``, complete or not (a number is never given twice)."""
        folder = self.series_dir(series)
        if not folder.is_dir():
            return []
        return sorted(int(p.name) for p in folder.iterdir() if _DRAFT_NAME.match(p.name))

    def latest(self, series: str = DRAFTS_DIR) -> tuple[int, Manifest | None] | None:
        """The highest number of ``series`` and its manifest (``None`` when it cannot be read: ``build`` and
        ``check`` warn, ``draft.previous-unreadable``), or ``None`` when there is none yet."""
        numbers = self.draft_numbers(series)
        if not numbers:
            return None
        return numbers[-1], read_manifest(self.draft_dir(numbers[-1], series))

    def published_manifests(self, series: str = DRAFTS_DIR) -> tuple[dict[int, Manifest], dict[int, str]]:
        """Number -> manifest of every published folder of ``series``, oldest first, and number -> why the
        manifest of each other one cannot be read (:func:`manifest_problem`): a caller says what it could
        not see, never takes such a folder for no folder."""
        manifests: dict[int, Manifest] = {}
        unreadable: dict[int, str] = {}
        for number in self.draft_numbers(series):
            read = _manifest_or_reason(self.draft_dir(number, series))
            if isinstance(read, str):
                unreadable[number] = read
            else:
                manifests[number] = read
        return manifests, unreadable

    def folder_of_label(self, label: str, series: str = DRAFTS_DIR) -> Path:
        """The folder of the draft a document's label names: ``003`` -> ``build/drafts/003`` (or
        ``build/overview/003``), ``PREVIEW`` (or any other label) -> ``build/preview``."""
        return self.series_dir(series) / label if whole_number(label) is not None else self.preview_dir


def language_document(code: str, language: str | None = None, suffix: str = ".docx") -> str:
    """A document's path inside a draft folder: ``AM.docx`` in the source language, ``ru/AM.docx`` in another."""
    return f"{language}/{code}{suffix}" if language else f"{code}{suffix}"


def require_project(project_dir: Path) -> None:
    """Refuse (exit 2) a project folder that does not exist or has no inputs/ folder: a usage error, not an
    input problem."""
    hint = ("run the command inside a project (any folder below the one holding inputs/strategy.yaml) or "
            "pass --project DIR; 'strategy-builder init' starts a new project")
    if not project_dir.is_dir():
        raise EnvironmentProblem(f"the project folder {project_dir} does not exist", hint=hint)
    if not ProjectLayout(project_dir).inputs_dir.is_dir():
        raise EnvironmentProblem(
            f"{project_dir} is not a strategy-builder project: it has no {INPUTS_DIR}/ folder", hint=hint)


def published_folder(path: Path) -> Path | None:
    """The published folder ``path`` is in (or is), if any: a numbered draft, reply or overview folder
    (``build/drafts/NNN``, ``build/replies/NNN``, ``build/overview/NNN`` with its manifest), which nothing
    may change once published. Symbolic links are followed."""
    resolved = path.resolve()
    for folder in (resolved, *resolved.parents):
        if (whole_number(folder.name) is not None and folder.parent.name in (DRAFTS_DIR, REPLIES_DIR, OVERVIEW_DIR)
                and folder.parent.parent.name == BUILD_DIR and (folder / MANIFEST_FILE).is_file()):
            return folder
    return None


def refuse_published(path: Path, what: str = "the output") -> None:
    """Refuse (exit 2) to write ``path`` when it is inside a published draft, reply or overview folder:
    a report, redline, register or merged file named there would overwrite (or join) what went out."""
    folder = published_folder(path)
    if folder is not None:
        raise EnvironmentProblem(f"{path} ({what}) is inside {folder}, a published folder that is never changed; "
                                 "nothing was written", hint="write it outside the numbered folders of build/drafts, "
                                                             "build/replies and build/overview")


def inputs_folder(path: Path) -> Path | None:
    """The project's ``inputs/`` folder ``path`` is in (one holding ``strategy.yaml``), if any. Symbolic links
    are followed."""
    for folder in path.resolve().parents:
        if folder.name == INPUTS_DIR and (folder / STRATEGY_FILE).is_file():
            return folder
    return None


def refuse_output(path: Path, what: str = "the output") -> None:
    """Refuse (exit 2) to write a report, patch, export or merged file at ``path`` inside a published folder
    (:func:`refuse_published`) or inside the project's ``inputs/`` folder: written there, it would replace the
    team's YAML (``propose --patch inputs/partners/AM.yaml`` emptied the file), with no backup; and while it is
    open in Excel, Word or LibreOffice (their lock file beside it): what is not saved there yet, a
    translator's work in an export say, would be lost, or the new file replaced when the program saves."""
    refuse_published(path, what)
    folder = inputs_folder(path)
    if folder is not None:
        raise EnvironmentProblem(f"{path} ({what}) is inside {folder}, the team's input files; nothing was written",
                                 hint="write reports, patches and exports outside inputs/")
    lock = open_in_office(path)
    if lock is not None:
        raise EnvironmentProblem(
            f"{path} ({what}) is open in {lock.describe()}: replaced now, what is not saved there would be lost, "
            "or the new file overwritten when it is; nothing was written",
            hint=f"save and close it there (or write to another file name), then run again; if that program is no "
                 f"longer running, its lock file is stale: delete {lock.lock_file}")


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest of a draft or preview folder (older formats upgraded, see :meth:`Manifest.from_json`);
    ``None`` if absent, unreadable or of a format this version does not read (:func:`read_published_manifest`
    tells those apart)."""
    read = _manifest_or_reason(folder)
    return None if isinstance(read, str) else read


def manifest_or_problem(folder: Path) -> Manifest | str | None:
    """The manifest of ``folder``; ``None`` when the folder has none; else why it cannot be read (damaged,
    emptied, of a newer format): a caller says so rather than taking it for no manifest."""
    if not (folder / MANIFEST_FILE).exists():
        return None
    return _manifest_or_reason(folder)


_READ_MANIFESTS: dict[Path, tuple[bytes, Manifest]] = {}
"""The manifest last read from each folder, with the bytes it was read from: the same bytes read again give it
without parsing and validating them (a build reads the latest draft's manifest twice; a watcher reads every
draft's at every save: with five drafts, 277 -> 213 million instructions a structural save of AM). Every caller
that reads the same bytes gets the same object: the manifest models are frozen (their fields cannot be assigned),
and no caller changes the lists they hold."""


def _manifest_or_reason(folder: Path) -> Manifest | str:
    """The manifest of ``folder``, or why it cannot be read (damaged, emptied, of a newer format)."""
    from pydantic import ValidationError

    from strategy_builder.models.manifest import Manifest

    try:
        data = read_limited(folder / MANIFEST_FILE, JSON_FILE_BYTES, what="manifest")
        known = _READ_MANIFESTS.get(folder)
        if known is not None and known[0] == data:
            return known[1]
        manifest = Manifest.from_json(data)
        _READ_MANIFESTS[folder] = (data, manifest)
        return manifest
    except RefusedFile as refused:
        return refused.reason
    except OSError as error:
        return error.strerror or str(error)
    except ValidationError as error:
        first = error.errors()[0]
        return f"{'.'.join(map(str, first['loc'])) or 'the manifest'}: {first['msg']}"
    except ValueError as error:  # JSON that does not parse, or a format this version does not read
        return str(error)


def read_published_manifest(folder: Path) -> Manifest | None:
    """The manifest of a numbered folder; ``None`` when it has none (there is no such draft), refused (exit 2,
    :func:`manifest_problem`) when it is there but cannot be read: taken for no manifest, a command would say
    what it does not know (a reply told a ministry that its comments were outside the tracked sections)."""
    if not (folder / MANIFEST_FILE).is_file():
        return None
    read = _manifest_or_reason(folder)
    if isinstance(read, str):
        raise manifest_problem(folder, read)
    return read


def manifest_problem(folder: Path, reason: str) -> EnvironmentProblem:
    """The refusal (exit 2) of a command that cannot go on without the manifest of the published ``folder``,
    which cannot be read for ``reason``."""
    return EnvironmentProblem(
        f"{folder / MANIFEST_FILE}: the manifest of {folder.parent.name}/{folder.name} cannot be read ({reason}), "
        "so what that folder holds is not known; nothing was written",
        hint="restore the file from a copy or from version control (it is written once, when the folder is "
             "published); a manifest of a newer format needs the newer strategy-builder")


def keep_previous(path: Path, *, unless: bytes | None = None, data: bytes | None = None,
                  folder: str = BACKUPS_DIR, kept: int = BACKUPS_KEPT) -> Path | None:
    """Copy the file ``path`` (what a team typed) into ``folder`` beside it (:data:`BACKUPS_DIR`, the register's
    ``.register-backups/``), as ``NAME.YYYYMMDD-HHMMSS[-N].SUFFIX``, before a command replaces it: the one way
    the tool keeps what it is about to replace. ``data`` is the content to keep when the caller has already
    read it (else the file is read); ``None`` is returned when there is no such file or it holds ``unless``
    already (replacing it loses nothing). Every backup has a name of its own, so none replaces another; the
    newest ``kept`` of this file are kept, and the temporaries of backups a killed command left are removed
    (:func:`~strategy_builder.files.replace_file` with ``clean_folder``). The copy is whole or not made at all;
    ``OSError`` is raised as it comes."""
    if data is None:
        if not path.is_file():
            return None
        data = path.read_bytes()
    if unless is not None and data == unless:
        return None
    where = path.parent / folder
    where.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    backup, number = where / f"{path.stem}.{stamp}{path.suffix}", 1
    while backup.exists():
        number += 1
        backup = where / f"{path.stem}.{stamp}-{number}{path.suffix}"
    replace_file(backup, data, clean_folder=True)  # each backup has a name of its own: clean the folder
    pattern = re.compile(re.escape(path.stem) + r"\.\d{8}-\d{6}(?:-\d+)?" + re.escape(path.suffix))
    ours = sorted((p for p in where.iterdir() if pattern.fullmatch(p.name)), key=lambda p: p.stat().st_mtime_ns)
    for old in ours[:-kept]:
        with contextlib.suppress(OSError):
            old.unlink()
    return backup


def write_output(path: Path, data: bytes, what: str) -> None:
    """Write ``data`` to ``path``, a file a user named for a report or an export (``what``), atomically
    (:func:`write_atomic`); refused first inside a published folder or ``inputs/`` (:func:`refuse_output`)."""
    refuse_output(path, what)
    write_atomic(path, data)


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``path`` (its folder made if missing) so that readers see the old or the new content, never a
    part of it: :func:`strategy_builder.files.replace_file`, with the umask's permissions.

    ``durable`` also flushes the content to disk before it replaces the old one, so that it survives a
    power cut; the preview, a scratch copy rebuilt at will, skips that wait.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, data, durable=durable, keep_metadata=False)
