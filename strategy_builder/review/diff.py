"""Comparing two reviewed documents: sections classified once, then aligned block by block and word by word.

Each section's status comes from the one classification (:mod:`strategy_builder.review.classification`:
sections matched by ID or heading, compared by the builds' content hashes or by their words). Within
matched sections the blocks are aligned and only changed pairs are word-diffed (see align.py); moved
sections become moves in the redline. Each section's changes are flattened for reports
(:mod:`strategy_builder.review.change_list`), and what the diff does not compare is listed where it
differs (:mod:`strategy_builder.review.not_compared`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from strategy_builder.models.section_changes import ChangeStatus, SectionChange, longest_in_order
from strategy_builder.ooxml.body import HeaderFooter
from strategy_builder.ooxml.redline import redline_document
from strategy_builder.records import Record, ValueRecord
from strategy_builder.review.align import BlockPair, align_blocks
from strategy_builder.review.change_list import Change, flatten_pairs, mark_renumbered
from strategy_builder.review.classification import classify_documents
from strategy_builder.review.not_compared import NotCompared, not_compared
from strategy_builder.review.review_document import ReviewDocument, Segment, SectionKind, bare_title, review_body

if TYPE_CHECKING:  # two builds' manifests and attributions come from the caller; this module only passes them on
    from strategy_builder.models.manifest import ManifestSection
    from strategy_builder.review.attribution import Attribution

SegmentStatus = Literal["equal", "changed", "inserted", "deleted", "moved_from", "moved_to"]
SectionStatus = ChangeStatus


class SegmentDiff(Record):
    """One segment in the merged order of both documents, with its aligned blocks."""

    __slots__ = ("key", "owner", "status", "old", "new", "pairs", "move_id")

    key: str
    owner: str
    status: SegmentStatus
    old: Segment | None
    new: Segment | None
    pairs: list[BlockPair]
    move_id: int | None

    def __init__(self, key: str, owner: str, status: SegmentStatus, old: Segment | None, new: Segment | None,
                 pairs: list[BlockPair], move_id: int | None = None) -> None:
        self.key = key
        self.owner = owner
        self.status = status
        self.old = old
        self.new = new
        self.pairs = pairs
        self.move_id = move_id


class SectionDiff(ValueRecord):
    """How one section compares: its status (the one classification), where it was and is, its changes."""

    __slots__ = ("key", "kind", "section_id", "title", "old_title", "partner", "area", "status", "edited",
                 "old_number", "new_number", "old_position", "new_position", "changes", "old_id", "old_area",
                 "attribution")

    key: str
    kind: SectionKind
    section_id: str | None
    title: str
    old_title: str | None
    partner: str | None
    area: str | None
    status: SectionStatus
    edited: bool
    old_number: str | None
    new_number: str | None
    old_position: int | None
    new_position: int | None
    changes: list[Change]
    old_id: str | None
    """The section's ID on the old side (differs from ``section_id`` after a move to another area)."""
    old_area: str | None
    attribution: Attribution | None
    """Why it changed, when both sides are builds (set when the comparison is made)."""

    def __init__(self, key: str, kind: SectionKind, section_id: str | None, title: str, old_title: str | None,
                 partner: str | None, area: str | None, status: SectionStatus, edited: bool, old_number: str | None,
                 new_number: str | None, old_position: int | None, new_position: int | None, changes: list[Change],
                 old_id: str | None = None, old_area: str | None = None,
                 attribution: Attribution | None = None) -> None:
        self.key = key
        self.kind = kind
        self.section_id = section_id
        self.title = title
        self.old_title = old_title
        self.partner = partner
        self.area = area
        self.status = status
        self.edited = edited
        self.old_number = old_number
        self.new_number = new_number
        self.old_position = old_position
        self.new_position = new_position
        self.changes = changes
        self.old_id = old_id
        self.old_area = old_area
        self.attribution = attribution

    @property
    def moved(self) -> bool:
        return self.status == "moved"

    @property
    def retitled(self) -> bool:
        """Whether the heading's words changed (its number aside)."""
        return self.old_title is not None and bare_title(self.old_title) != bare_title(self.title)


class StoryDiff(Record):
    """A header or footer compared: the one the new document shows for some sections, against the old one's."""

    __slots__ = ("key", "label", "old", "new", "pairs")

    key: str
    label: str
    old: HeaderFooter | None
    new: HeaderFooter | None
    pairs: list[BlockPair]

    def __init__(self, key: str, label: str, old: HeaderFooter | None, new: HeaderFooter | None,
                 pairs: list[BlockPair]) -> None:
        self.key = key
        self.label = label
        self.old = old
        self.new = new
        self.pairs = pairs


class DocumentDiff(ValueRecord):
    """The comparison of two documents (one partner's drafts, or any two .docx files)."""

    __slots__ = ("old", "new", "segments", "sections", "stories", "not_compared", "comments")

    old: ReviewDocument
    new: ReviewDocument
    segments: list[SegmentDiff]
    sections: list[SectionDiff]
    stories: list[StoryDiff]
    """Headers and footers (also listed among ``sections``, as content outside tracked sections)."""
    not_compared: list[NotCompared]
    comments: tuple[int, int]
    """The number of comments of each side: not part of the diff, but reported."""

    def __init__(self, old: ReviewDocument, new: ReviewDocument, segments: list[SegmentDiff],
                 sections: list[SectionDiff], stories: list[StoryDiff] | None = None,
                 not_compared: list[NotCompared] | None = None, comments: tuple[int, int] = (0, 0)) -> None:
        self.old = old
        self.new = new
        self.segments = segments
        self.sections = sections
        self.stories = [] if stories is None else stories
        self.not_compared = [] if not_compared is None else not_compared
        self.comments = comments

    @property
    def has_changes(self) -> bool:
        """Whether any section differs in what a reader sees, or something not compared differs.

        In drafts, content outside tracked sections (cover line, "changes since" table, headers and
        footers) changes with every draft by construction; it is reported apart (:attr:`outside_changed`).
        """
        tracked = self.old.tracked and self.new.tracked
        return bool(self.not_compared) or any(
            s.status != "unchanged" for s in self.sections if not (tracked and s.kind == "outside"))

    @property
    def outside_changed(self) -> bool:
        """Whether content outside tracked sections changed (drafts only)."""
        return self.new.tracked and any(s.status != "unchanged" for s in self.sections if s.kind == "outside")


# ------------------------------------------------------------------------------------------ segments


def diff_segments(old: ReviewDocument, new: ReviewDocument, renames: dict[str, str],
                  moved_sections: set[str]) -> list[SegmentDiff]:
    """Both documents' segments in one merged order, each with its status and aligned blocks.

    ``renames`` maps old section keys to new ones (matched sections whose key changed); the segments of
    ``moved_sections`` (new keys) are moves. A segment of another section that is out of order (rare:
    sections are what moves) is marked as moved text too, so that both orders are reproduced exactly.
    """
    old_keys = [f"{renames.get(s.owner, s.owner)}#{s.occurrence}" for s in old.segments]
    new_keys = [s.key for s in new.segments]
    old_by_key = dict(zip(old_keys, old.segments, strict=True))
    new_by_key = dict(zip(new_keys, new.segments, strict=True))
    new_index = {k: i for i, k in enumerate(new_keys)}
    common = [k for k in old_keys if k in new_index]
    moved = {k for k in common if k.rsplit("#", 1)[0] in moved_sections}
    rest = [k for k in common if k not in moved]
    anchors = longest_in_order(rest, new_index)
    moved |= set(rest) - anchors
    move_ids = {key: number for number, key in enumerate(sorted(moved, key=lambda k: new_index[k]), start=1)}
    result: list[SegmentDiff] = []
    i = j = 0
    while i < len(old_keys) or j < len(new_keys):
        if i < len(old_keys) and old_keys[i] not in anchors:
            key = old_keys[i]
            segment = old_by_key[key]
            status: SegmentStatus = "moved_from" if key in moved else "deleted"
            result.append(SegmentDiff(key, key.rsplit("#", 1)[0], status, segment, None,
                                      [BlockPair("deleted", b, None) for b in segment.blocks], move_ids.get(key)))
            i += 1
        elif j < len(new_keys) and new_keys[j] not in anchors:
            key = new_keys[j]
            segment = new_by_key[key]
            if key in moved:
                result.append(SegmentDiff(key, segment.owner, "moved_to", old_by_key[key], segment,
                                          align_blocks(old_by_key[key].blocks, segment.blocks), move_ids[key]))
            else:
                result.append(SegmentDiff(key, segment.owner, "inserted", None, segment,
                                          [BlockPair("inserted", None, b) for b in segment.blocks]))
            j += 1
        else:
            key = new_keys[j]
            pairs = align_blocks(old_by_key[key].blocks, new_by_key[key].blocks)
            status = "equal" if all(p.kind == "equal" for p in pairs) else "changed"
            result.append(SegmentDiff(key, new_by_key[key].owner, status, old_by_key[key], new_by_key[key], pairs))
            i, j = i + 1, j + 1
    return result


# ------------------------------------------------------------------------------------------ sections


def _outside_status(changes: list[Change], in_old: bool, in_new: bool) -> SectionStatus:
    if not in_new:
        return "removed"
    if not in_old:
        return "added"
    return "changed" if any(c.substantive for c in changes) else "unchanged"


def _section_diffs(old: ReviewDocument, new: ReviewDocument, segments: list[SegmentDiff],
                   classification: list[SectionChange], renames: dict[str, str]) -> list[SectionDiff]:
    reverse = {v: k for k, v in renames.items()}
    by_owner = {change.id: change for change in classification}
    grouped: dict[str, list[SegmentDiff]] = {}
    # A moved section is listed where it now is, not where it was.
    for segment in sorted(segments, key=lambda s: s.status == "moved_from"):
        grouped.setdefault(segment.owner, [])
    for segment in segments:
        grouped[segment.owner].append(segment)
    old_order = {key: i for i, key in enumerate(old.sections)}
    new_order = {key: i for i, key in enumerate(new.sections)}
    result: list[SectionDiff] = []
    for owner, parts in grouped.items():
        new_info = new.sections.get(owner)
        old_key = reverse.get(owner, owner)
        old_info = old.sections.get(old_key)
        info = new_info or old_info
        assert info is not None
        changes = [c for p in parts if p.status != "moved_from" for c in flatten_pairs(p.pairs)]
        change = by_owner.get(owner)
        old_number = change.old_number if change is not None else (old_info.number if old_info else None)
        new_number = change.new_number if change is not None else (new_info.number if new_info else None)
        mark_renumbered(changes, old_info.number if old_info else None, new_info.number if new_info else None)
        visible = any(c.substantive for c in changes)
        if change is None:  # content outside tracked sections (or before the first heading)
            status = _outside_status(changes, old_info is not None, new_info is not None)
            edited = status == "changed"
        else:
            status, edited = change.status, change.edited
            if status in ("unchanged", "renumbered") and visible:
                # The words differ although the inputs do not: edited outside the build (or the template).
                status, edited = "changed", True
        result.append(SectionDiff(
            owner, info.kind, info.section_id, (new_info or old_info).title,  # type: ignore[union-attr]
            old_info.title if old_info else None, info.partner, info.area, status,
            edited and status not in ("added", "removed"), old_number, new_number,
            old_order.get(old_key), new_order.get(owner), changes,
            old_info.section_id if old_info else None, old_info.area if old_info else None))
    return result


def _story_diffs(old: list[HeaderFooter], new: list[HeaderFooter]) -> list[StoryDiff]:
    """The headers and footers of both documents paired: by kind, type and first section shown (else in
    order of kind and type)."""
    unpaired = list(old)
    result: list[StoryDiff] = []
    for story in new:
        match = next((o for o in unpaired if (o.kind, o.type) == (story.kind, story.type)
                      and story.sections[0] in o.sections), None)
        match = match or next((o for o in unpaired if (o.kind, o.type) == (story.kind, story.type)), None)
        if match is not None:
            unpaired.remove(match)
            pairs = align_blocks(match.blocks, story.blocks)
        else:
            pairs = [BlockPair("inserted", None, b) for b in story.blocks]
        result.append(StoryDiff(f"{story.kind}:{story.type}:{story.sections[0]}", story.label, match, story, pairs))
    for story in unpaired:
        result.append(StoryDiff(f"{story.kind}:{story.type}:{story.sections[0]}", story.label, story, None,
                                [BlockPair("deleted", b, None) for b in story.blocks]))
    return result


def _story_sections(stories: list[StoryDiff]) -> list[SectionDiff]:
    result = []
    for story in stories:
        changes = flatten_pairs(story.pairs)
        status = _outside_status(changes, story.old is not None, story.new is not None)
        if status in ("added", "removed") and not any(c.substantive for c in changes):
            status = "unchanged"  # an empty header on one side only is no header to a reader
        title = story.label[0].upper() + story.label[1:]
        result.append(SectionDiff(story.key, "outside", None, title, title if story.old else None, None, None,
                                  status, status == "changed", None, None, None, None, changes))
    return result


def diff_documents(old: ReviewDocument, new: ReviewDocument, *,
                   old_manifest: Sequence[ManifestSection] | None = None,
                   new_manifest: Sequence[ManifestSection] | None = None) -> DocumentDiff:
    """Compare two documents; when only one side has tracked sections both are split at headings.

    ``old_manifest`` and ``new_manifest`` are the sections both builds recorded for this document: with
    them the sections are classified as the build classified them (see :func:`classify_documents`).
    """
    if old.tracked != new.tracked:
        old = review_body(old.body, force_headings=True)
        new = review_body(new.body, force_headings=True)
    classification = classify_documents(old, new, old_manifest, new_manifest)
    renames = {c.old.id: c.new.id for c in classification
               if c.old is not None and c.new is not None and c.old.id != c.new.id}
    moved = {c.id for c in classification if c.status == "moved"}
    segments = diff_segments(old, new, renames, moved)
    stories = _story_diffs(old.body.headers_footers, new.body.headers_footers)
    sections = _section_diffs(old, new, segments, classification, renames) + _story_sections(stories)
    return DocumentDiff(old, new, segments, sections, stories, not_compared(old, new),
                        (old.body.comments, new.body.comments))


def redline(diff: DocumentDiff, *, author: str, date: dt.date) -> bytes:
    """The new document with native tracked changes against the old one (see ``ooxml/redline.py``)."""
    return redline_document(diff.new.body, diff.segments, author=author, date=date, old=diff.old.body,
                            stories=diff.stories)


__all__ = ["DocumentDiff", "SectionDiff", "SegmentDiff", "StoryDiff", "diff_documents", "diff_segments", "redline"]
