"""Returned drafts: every comment and tracked change of a file, tied to its section, priority and YAML line.

A draft made by strategy-builder carries its partner and draft label in custom properties
(``strategy_builder.partner``, ``strategy_builder.draft``) and its tracked sections as bookmarks whose
IDs are custom properties too. The draft label leads to ``PROJECT_DIR/build/drafts/NNN/manifest.json``,
which says which YAML file and line produced each section of that draft (not of today's inputs).
Anything that cannot be mapped is still reported, with the nearest preceding heading: nothing is dropped.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.files import name_text
from strategy_builder.layout import DRAFTS_DIR, MANIFEST_FILE, OVERVIEW_DIR, ProjectLayout, manifest_or_problem
from strategy_builder.models.manifest import Manifest
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.zip_archive import RETURN_LIMITS, ZipLimits
from strategy_builder.ooxml.annotations import Annotations, read_annotations
from strategy_builder.ooxml.bookmarks import FoundSection
from strategy_builder.ooxml.stamps import CONSOLIDATION_AUTHOR, Consolidation, read_consolidation
from strategy_builder.ooxml.value_edits import ValueEdits

if TYPE_CHECKING:
    from strategy_builder.review.register.columns import RegisterRow
    from strategy_builder.review.register.update import RegisterUpdate


class SectionSource(NamedTuple):
    """The tracked section an item belongs to, and where its content came from in the YAML inputs."""

    section_id: str
    number: str = ""
    title: str = ""
    area: str = ""
    priority: str = ""
    source_file: str = ""
    source_line: int | None = None
    source_path: str = ""


class ReturnItem(NamedTuple):
    """One comment, reply or tracked change of a returned file, located.

    ``kind``: comment, reply, insertion, deletion, move-from, move-to or formatting. ``text`` is the
    remark (comments) or the changed text; ``quoted`` the commented text; ``local_id`` a key that is
    unique within the file (``reply_to`` refers to it); ``section`` is ``None`` outside tracked sections.
    """

    local_id: str
    kind: str
    author: str
    initials: str
    date: str
    text: str
    quoted: str
    detail: str
    story: str
    paragraph: int | None
    heading: str
    section: SectionSource | None
    reply_to: str | None = None
    resolved: bool | None = None
    author_account: str = ""
    ministry: str = ""
    """The item's ministry when it is not the file's: a consolidated file holds several ministries' items."""


@dataclass(slots=True)
class ReturnedFile:
    """A returned .docx: who sent it, which draft it answers, and its items in document order."""

    path: Path
    ministry: str
    partner: str
    draft: str
    made_by_strategy_builder: bool
    items: list[ReturnItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Warnings about the mapping (no manifest, a section missing from it), for the user."""
    value_edits: ValueEdits | None = field(default=None, repr=False)
    """The body's text as pieces in and around printed values, when read with ``values=True``; change
    ``n`` of its pieces is the item ``t{n + 1}``."""
    language: str = ""
    """The language of a language version (``ru``); empty for the source language's document."""


def ministry_from_file_name(path: Path, partner: str = "", draft: str = "") -> str:
    """The returning ministry as the file name says it (see docs/comments.md).

    ``AM_003_Ministry of Labour.docx`` -> ``Ministry of Labour``: a leading partner code and a leading
    draft number (``003`` or ``draft003``/``draft-003``) are removed, underscores become spaces. When
    nothing is left, the whole file name (without extension) is the ministry.
    """
    stem = name_text(path.stem)
    number = re.escape(draft) if draft.isdigit() else r"\d{3}"
    prefixes = [rf"(?:draft[\s_-]*)?{number}"] + ([re.escape(partner)] if partner else [])
    rest = stem
    for _ in range(2):  # the code and the number come in either order
        for prefix in prefixes:
            rest = re.sub(rf"^{prefix}(?:[\s_.-]+|$)", "", rest, flags=re.IGNORECASE)
    rest = " ".join(_COPY_MARK.sub("", rest).replace("_", " ").split())
    return rest or " ".join(stem.replace("_", " ").split()) or stem


_COPY_MARK = re.compile(r"(?:\s*[-\u2013\u2014]\s*(?:copy|копия))?(?:\s*\(\d{1,3}\))?$", re.IGNORECASE)
"""What a browser (``name (1).docx``) or a file manager (``name - Copy.docx``, ``name - Copy (2).docx``, in a
Russian Windows ``name - копия.docx``) adds to the name of a file saved twice: the same ministry's return,
not another ministry's."""


class ManifestIndex:
    """Draft label -> section ID -> :class:`SectionSource`, read lazily from a project's build folder."""

    def __init__(self, project_dir: Path) -> None:
        self.project_dir = project_dir
        self._layout = ProjectLayout(project_dir)
        self._cache: dict[tuple[str, str], dict[str, SectionSource] | None] = {}
        self._problems: dict[tuple[str, str], str] = {}

    def manifest_path(self, draft: str, series: str = DRAFTS_DIR) -> Path:
        """Where the manifest of ``draft`` of ``series`` (``drafts`` or ``overview``) is."""
        return self._layout.folder_of_label(draft, series) / MANIFEST_FILE

    def sections(self, draft: str, series: str = DRAFTS_DIR) -> dict[str, SectionSource] | None:
        """The sections of draft ``draft`` of ``series``; ``None`` when its manifest is missing, unreadable or
        of another format."""
        if (series, draft) not in self._cache:
            manifest = manifest_or_problem(self._layout.folder_of_label(draft, series))
            if isinstance(manifest, str):
                self._problems[series, draft] = manifest
            self._cache[series, draft] = None if manifest is None or isinstance(manifest, str) else _sections(manifest)
        return self._cache[series, draft]

    def problem(self, draft: str, series: str = DRAFTS_DIR) -> str | None:
        """Why the manifest of ``draft`` cannot be read (damaged, of a newer format), once :meth:`sections` has
        looked; ``None`` when it was read or is not there."""
        return self._problems.get((series, draft))


def _sections(manifest: Manifest) -> dict[str, SectionSource]:
    result: dict[str, SectionSource] = {}
    for partner in manifest.partners:
        for section in [*partner.sections, *partner.removed_sections]:
            area, priority = _area_priority(section.id, section.kind)
            result.setdefault(section.id, SectionSource(
                section_id=section.id, number=section.number, title=section.title, area=area, priority=priority,
                source_file=section.source_file, source_line=section.source_line, source_path=section.source_path))
    return result


def _area_priority(section_id: str, kind: str = "") -> tuple[str, str]:
    """Area and priority keys from a section ID (``AM/legal_migration/seasonal-work``)."""
    parts = section_id.split("/")
    if parts[0] == "overview":  # overview/<area>/<CODE>: a partner's part of an area chapter, not a priority
        return (parts[1], "") if len(parts) >= 2 and parts[1] not in ("summary", "actions", "about") else ("", "")
    if len(parts) >= 3:
        return parts[1], parts[2]
    if len(parts) == 2 and kind in ("area", "") and parts[1] not in ("situation", "key-figures"):
        return parts[1], ""
    return "", ""


def _innermost(sections: list[FoundSection], paragraph: int | None) -> FoundSection | None:
    """The smallest tracked section containing ``paragraph`` (priorities sit inside areas)."""
    if paragraph is None:
        return None
    containing = [s for s in sections if s.first_paragraph <= paragraph <= s.last_paragraph and s.section_id]
    return min(containing, key=lambda s: s.last_paragraph - s.first_paragraph, default=None)


def read_return(path: Path, project_dir: Path, *, ministry: str | None = None,
                manifests: ManifestIndex | None = None,
                limits: ZipLimits = RETURN_LIMITS, values: bool = False) -> ReturnedFile:
    """Read one returned .docx; raises :class:`UntrustedDocumentError` naming it when it cannot be read.

    ``values`` also reads which printed value each piece of the text belongs to (``value_edits``, for
    ``propose``)."""
    package = DocxPackage.open(path, limits)
    try:
        return _read(package, path, project_dir, ministry, manifests or ManifestIndex(project_dir), values)
    except RecursionError as error:
        raise UntrustedDocumentError(path, "the document is nested too deeply to be read") from error


def _read(package: DocxPackage, path: Path, project_dir: Path, ministry: str | None,
          manifests: ManifestIndex, values: bool = False) -> ReturnedFile:
    annotations = read_annotations(package, values=values)
    stamped = annotations.stamps
    partner, draft = stamped.stamps.partner, stamped.stamps.draft
    ours = stamped.stamps.made_by_strategy_builder
    sections = annotations.sections
    returned = ReturnedFile(path, ministry or ministry_from_file_name(path, partner, draft), partner, draft, ours,
                            language=stamped.stamps.language)
    series = OVERVIEW_DIR if stamped.stamps.series == OVERVIEW_DIR else DRAFTS_DIR
    known = manifests.sections(draft, series) if ours else None
    if ours and known is None and (problem := manifests.problem(draft, series)) is not None:
        returned.notes.append(f"the manifest of draft {draft} at {manifests.manifest_path(draft, series)} cannot be "
                              f"read ({problem}): sections are named but YAML lines are unknown; restore the file "
                              "from a copy or from version control")
    elif ours and known is None:
        returned.notes.append(f"no manifest for draft {draft} at {manifests.manifest_path(draft, series)}: "
                              "sections are named but YAML lines are unknown")
    elif not ours:
        returned.notes.append("not a draft made by strategy-builder: items are located by the nearest heading")

    def section_of(paragraph: int | None) -> SectionSource | None:
        found = _innermost(sections, paragraph)
        if found is None or found.section_id is None:
            return None
        if known is not None and found.section_id in known:
            return known[found.section_id]
        if known is not None:
            returned.notes.append(f"section {found.section_id} is not in the manifest of draft {draft}")
        area, priority = _area_priority(found.section_id)
        return SectionSource(found.section_id, title=found.heading, area=area, priority=priority)

    consolidation = read_consolidation(package) if ours else None
    if consolidation is not None:
        returned.notes.append(f"a consolidation of {len(consolidation.ministries)} return(s): "
                              f"{', '.join(consolidation.ministries)}; each item is its ministry's")
    for comment in annotations.comments:
        if consolidation is not None and comment.author == CONSOLIDATION_AUTHOR:
            continue  # a note on a clash, written by consolidate: no ministry's remark
        paragraph = comment.place.paragraph if comment.place else None
        returned.items.append(ReturnItem(
            local_id=f"c{comment.comment_id}", kind="reply" if comment.parent_id else "comment",
            author=comment.author, initials=comment.initials, date=comment.date, text=comment.text,
            quoted=comment.quoted, detail="" if comment.place else "no anchor in the document",
            story=comment.place.story if comment.place else "comments", paragraph=paragraph,
            heading=_heading_for(annotations, comment.place.story if comment.place else "", paragraph),
            section=section_of(paragraph), reply_to=f"c{comment.parent_id}" if comment.parent_id else None,
            resolved=comment.resolved, author_account=comment.author_account))
    for number, change in enumerate(annotations.changes, start=1):
        paragraph = change.place.paragraph
        returned.items.append(ReturnItem(
            local_id=f"t{number}", kind=change.kind, author=change.author, initials="", date=change.date,
            text=change.text, quoted="", detail=change.detail, story=change.place.story, paragraph=paragraph,
            heading=_heading_for(annotations, change.place.story, paragraph), section=section_of(paragraph)))
    if consolidation is not None:
        _attribute(returned, consolidation, known)
    returned.notes = list(dict.fromkeys(returned.notes))
    returned.value_edits = annotations.value_edits
    return returned


def _attribute(returned: ReturnedFile, consolidation: Consolidation,
               known: dict[str, SectionSource] | None) -> None:
    """Give the items of a consolidated file their ministries and original authors, and add the changes the
    file does not apply (clashes) as the ministries' own: the same rows as reading each return alone."""
    for position, item in enumerate(returned.items):
        split = consolidation.split_author(item.author)
        if split is not None:
            returned.items[position] = item._replace(author=split[0], ministry=split[1])
    for number, dropped in enumerate(consolidation.dropped, start=1):
        section = None
        if dropped.section_id:
            area, priority = _area_priority(dropped.section_id)
            section = (known or {}).get(dropped.section_id) or SectionSource(dropped.section_id, area=area,
                                                                           priority=priority)
        returned.items.append(ReturnItem(
            local_id=f"x{number}", kind=dropped.kind, author=dropped.author, initials="", date=dropped.date,
            text=dropped.text, quoted="", detail="not applied in the consolidated file (a clash)", story="body",
            paragraph=None, heading=dropped.heading, section=section, ministry=dropped.ministry))


def _heading_for(annotations: Annotations, story: str, paragraph: int | None) -> str:
    if story in ("header", "footer"):
        return f"({story})"
    return annotations.heading(paragraph)


class FailedReturn(NamedTuple):
    """A returned file that could not be read, and why; ``internal`` marks a bug rather than a bad file."""

    path: Path
    reason: str
    internal: bool = False


@dataclass(slots=True)
class ReturnsBatch:
    """Returned files read together: each file with its register rows, and the files that failed."""

    files: list[ReturnedFile] = field(default_factory=list)
    rows: list[list[RegisterRow]] = field(default_factory=list)
    """The register rows of each file of ``files`` (IDs do not depend on the other files of the batch)."""
    failed: list[FailedReturn] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    """How long each file of ``files`` took to read."""

    def all_rows(self) -> list[RegisterRow]:
        return [row for file_rows in self.rows for row in file_rows]

    @property
    def internal_error(self) -> bool:
        return any(failure.internal for failure in self.failed)


def read_returns(paths: Iterable[Path], project_dir: Path, *, ministry: str | None = None) -> ReturnsBatch:
    """Read returned drafts into register rows; a file that cannot be read is recorded in ``failed`` and
    the others are still read.

    ``project_dir`` gives the manifests of the drafts (``build/drafts/NNN/manifest.json``) that tie each
    item to its YAML file and line; ``ministry`` names the returning ministry of every file (by default
    each file's name says it, see :func:`ministry_from_file_name`).
    """
    from strategy_builder.review.register.rows import rows_from_returns

    manifests = ManifestIndex(project_dir)
    batch = ReturnsBatch()
    for path in paths:
        started = time.perf_counter()
        try:
            returned = read_return(path, project_dir, ministry=ministry, manifests=manifests)
        except UntrustedDocumentError as error:
            batch.failed.append(FailedReturn(path, error.reason))
            continue
        except Exception as error:  # noqa: BLE001 - one odd file must not stop the batch
            batch.failed.append(FailedReturn(path, f"internal error while reading ({type(error).__name__}: "
                                                   f"{error})", internal=True))
            continue
        batch.files.append(returned)
        batch.rows.append(rows_from_returns([returned]))
        batch.seconds.append(time.perf_counter() - started)
    return batch


class CommentsResult(NamedTuple):
    """What ``comments`` found and did: the returned files read, the register update, and the counts."""

    batch: ReturnsBatch
    register: RegisterUpdate | None
    """The register merged into, when one was given."""
    summary: dict[str, dict[str, int]] | None
    """Counts of rows by partner, area, ministry and disposition (the register's when one was updated),
    when asked for."""


def read_comments(paths: Iterable[Path], project_dir: Path, *, ministry: str | None = None,
                  register: Path | None = None, force: bool = False, summary: bool = False) -> CommentsResult:
    """Read returned drafts (:func:`read_returns`) and, with ``register``, merge their rows into the comment
    register (:func:`~strategy_builder.review.register.update_register`), keeping what the team wrote.

    The register is checked before any file is read (an office lock, a wrong format or shape raises
    :class:`~strategy_builder.errors.EnvironmentProblem` and nothing is read or written); ``force`` updates
    a register whose office lock seems stale. ``summary`` also counts the rows.
    """
    from strategy_builder.review.register import check_register, summarise, update_register

    if register is not None:
        check_register(register, force=force)  # fail before any work
    batch = read_returns(paths, project_dir, ministry=ministry)
    update = update_register(register, batch.all_rows(), force=force) if register is not None else None
    counts = (update.summary if update is not None else summarise(batch.all_rows())) if summary else None
    return CommentsResult(batch, update, counts)
