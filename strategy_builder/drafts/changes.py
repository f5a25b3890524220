"""A new draft's sections compared with the previous draft: their statuses and manifest entries.

The build of the partners' drafts and of the regional overview both record their sections this way, with
the one classification of :mod:`strategy_builder.models.section_changes`. Light to import (no rendering):
the overview loads it at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from strategy_builder.models.manifest import ManifestPartner, ManifestSection
from strategy_builder.models.section_changes import SectionChange, classify_sections, draft_section_facts
from strategy_builder.ooxml.markers import bookmark_name


class TrackedSection(Protocol):
    """A section as a build records it: a partner's :class:`SectionRecord` or a section of the overview."""

    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def number(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def content_hash(self) -> str: ...
    @property
    def source_file(self) -> str: ...
    @property
    def source_line(self) -> int | None: ...
    @property
    def source_path(self) -> str: ...


def section_changes(sections: Sequence[TrackedSection], previous: ManifestPartner | None) -> list[SectionChange]:
    """The sections of one document compared with the previous draft: the one classification that the
    changes table, the manifest and ``diff`` show (every section is added when there is no previous draft)."""
    facts = [draft_section_facts(s.id, s.kind, s.title, s.number, s.content_hash) for s in sections]
    if previous is None:
        return [SectionChange("added", None, f) for f in facts]
    return classify_sections([s.facts() for s in previous.sections], facts)


def manifest_sections(sections: Sequence[TrackedSection], changes: list[SectionChange],
                      previous: ManifestPartner | None) -> tuple[list[ManifestSection], list[ManifestSection]]:
    """The manifest's sections (with their status and previous side) and the previous draft's removed ones."""
    by_id = {c.id: c for c in changes if c.new is not None}
    entries = []
    for section in sections:
        change = by_id[section.id]
        entries.append(ManifestSection(
            id=section.id, kind=section.kind, number=section.number, title=section.title,  # type: ignore[arg-type]
            bookmark=bookmark_name(section.id), content_hash=section.content_hash, source_file=section.source_file,
            source_line=section.source_line, source_path=section.source_path, status=change.status,
            edited=change.edited, previous_id=change.old_id, previous_number=change.old_number,
            previous_title=change.old.title if change.old else None))
    before = {s.id: s for s in previous.sections} if previous is not None else {}
    removed = [before[c.id].model_copy(update={"status": "removed", "edited": False, "previous_id": c.id,
                                               "previous_number": c.old_number, "previous_title": c.title})
               for c in changes if c.status == "removed"]
    return entries, removed


__all__ = ["TrackedSection", "manifest_sections", "section_changes"]
