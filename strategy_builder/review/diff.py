"""Comparing two reviewed documents: sections classified once, then aligned block by block and word by word.

Each section's status comes from :func:`strategy_builder.models.section_changes.classify_sections`, the
classification the build uses for a draft's changes table and manifest. For two builds the classification
compares the manifests' content hashes (and the words, for edits made outside the build); for any other
documents it compares each section's words without its own number, so that a section whose number changed
only because others moved is ``renumbered``. Sections are matched by ID (a priority that moved to another
area by its key), or by heading, a retitled heading by its content. Within matched sections the blocks are
aligned and only changed pairs are word-diffed (see align.py); moved sections become moves in the redline.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator, Sequence
from difflib import SequenceMatcher
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from strategy_builder.models.section_changes import (
    ChangeStatus, SectionChange, SectionFacts, classify_sections, draft_section_facts, longest_in_order,
)
from strategy_builder.ooxml.blocks import Block, Paragraph, iter_paragraphs
from strategy_builder.ooxml.body import HeaderFooter
from strategy_builder.ooxml.objects import Equation, InlineObject, NoteReference, Opaque, Picture, TextBox
from strategy_builder.ooxml.redline import redline_document
from strategy_builder.review.align import (
    BlockPair, ObjectPair, RowPair, WordOp, align_blocks, normalise, object_text, similarity, visible_key,
)
from strategy_builder.review.review_document import (
    ReviewDocument, SectionInfo, Segment, SectionKind, leading_number, review_body,
)

if TYPE_CHECKING:  # two builds' manifests and attributions come from the caller; this module only passes them on
    from strategy_builder.models.manifest import ManifestSection
    from strategy_builder.review.attribution import Attribution

SegmentStatus = Literal["equal", "changed", "inserted", "deleted", "moved_from", "moved_to"]
SectionStatus = ChangeStatus
_LEADING_NUMBER = re.compile(r"^\s*(?:\d+|[A-Z])(?:\.\d+)*\.?\s+")


@dataclass(slots=True, eq=False)
class SegmentDiff:
    """One segment in the merged order of both documents, with its aligned blocks."""

    key: str
    owner: str
    status: SegmentStatus
    old: Segment | None
    new: Segment | None
    pairs: list[BlockPair]
    move_id: int | None = None


@dataclass(slots=True)
class Change:
    """One changed, inserted or deleted paragraph, table row or table, flattened for reports."""

    kind: Literal["changed", "inserted", "deleted"]
    location: str
    old_text: str
    new_text: str
    ops: list[WordOp] = field(default_factory=list)
    whitespace_only: bool = False
    renumbered: bool = False

    @property
    def substantive(self) -> bool:
        """A change of words (not only of spaces, and not only of the section's number)."""
        return not self.whitespace_only and not self.renumbered


@dataclass(slots=True)
class SectionDiff:
    """How one section compares: its status (the one classification), where it was and is, its changes."""

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
    old_id: str | None = None
    """The section's ID on the old side (differs from ``section_id`` after a move to another area)."""
    old_area: str | None = None
    attribution: Attribution | None = None
    """Why it changed, when both sides are builds (set when the comparison is made)."""

    @property
    def moved(self) -> bool:
        return self.status == "moved"

    @property
    def retitled(self) -> bool:
        """Whether the heading's words changed (its number aside)."""
        return self.old_title is not None and bare_title(self.old_title) != bare_title(self.title)


@dataclass(slots=True, eq=False)
class StoryDiff:
    """A header or footer compared: the one the new document shows for some sections, against the old one's."""

    key: str
    label: str
    old: HeaderFooter | None
    new: HeaderFooter | None
    pairs: list[BlockPair]


@dataclass(frozen=True, slots=True)
class NotCompared:
    """Something a reader sees that the diff does not compare (a chart, SmartArt, an embedded object, a
    drawing), found to differ: listed by name, and counted as a difference."""

    kind: str
    name: str
    """``chart 2``: its kind and its place among those of the document (new side; old side when removed)."""
    where: str
    """The section (or header or footer) it is in."""
    change: Literal["changed", "added", "removed"]


@dataclass(slots=True)
class DocumentDiff:
    """The comparison of two documents (one partner's drafts, or any two .docx files)."""

    old: ReviewDocument
    new: ReviewDocument
    segments: list[SegmentDiff]
    sections: list[SectionDiff]
    stories: list[StoryDiff] = field(default_factory=list)
    """Headers and footers (also listed among ``sections``, as content outside tracked sections)."""
    not_compared: list[NotCompared] = field(default_factory=list)
    comments: tuple[int, int] = (0, 0)
    """The number of comments of each side: not part of the diff, but reported."""

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


def bare_title(title: str | None) -> str:
    """A heading without its leading number, whitespace collapsed: ``2.3\tBorders`` -> ``Borders``."""
    return " ".join(_LEADING_NUMBER.sub("", title or "", count=1).split())


def _number_pattern(number: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w.])" + re.escape(number) + r"(?!\d)")


# ----------------------------------------------------------------------------------- classification


def _fingerprint(blocks: list[Block], info: SectionInfo) -> str:
    """The section's words (whitespace collapsed) without its own number: equal when only the number changed."""
    text = "\n".join(str(visible_key(block)) for block in blocks)
    if info.number:
        text = _number_pattern(info.number).sub("#", text)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _document_facts(document: ReviewDocument, manifest: dict[str, ManifestSection] | None) -> list[SectionFacts]:
    """The facts of every tracked or heading section of ``document``; ``manifest`` (a build's sections by ID)
    adds the content hash of each section's inputs to what its words say."""
    facts = []
    blocks: dict[str, list[Block]] = {}  # each section's blocks over its segments (section_blocks, at once)
    for segment in document.segments:
        blocks.setdefault(segment.owner, []).extend(segment.blocks)
    for info in document.sections.values():
        if info.kind == "outside":
            continue
        words = _fingerprint(blocks.get(info.key, []), info)
        if info.kind == "tracked" and info.section_id:
            recorded = manifest.get(info.section_id) if manifest is not None else None
            if recorded is not None:
                facts.append(draft_section_facts(info.section_id, recorded.kind, recorded.title, recorded.number,
                                                 f"{recorded.content_hash}|{words}"))
            else:
                kind = "priority" if info.section_id.count("/") == 2 else ""
                facts.append(draft_section_facts(info.section_id, kind, bare_title(info.title), info.number, words))
        else:
            facts.append(SectionFacts(info.key, bare_title(info.title), info.number, words, None, None, info.area,
                                      "heading"))
    return facts


def _heading_pairs(old: ReviewDocument, new: ReviewDocument) -> dict[str, str]:
    """Old key -> new key of retitled headings whose content is mostly the same (Dice >= 0.5 on words),
    matched in order (documents without tracked sections)."""
    if old.tracked and new.tracked:
        return {}
    old_only = [k for k, s in old.sections.items() if k not in new.sections and s.kind == "heading"]
    new_only = [k for k, s in new.sections.items() if k not in old.sections and s.kind == "heading"]
    pairs: dict[str, str] = {}
    used: set[str] = set()
    for key in old_only:
        old_text = " ".join(b.text for b in old.section_blocks(key))
        best, best_score = None, 0.5
        for candidate in new_only:
            if candidate in used:
                continue
            score = similarity(old_text, " ".join(b.text for b in new.section_blocks(candidate)))
            if score >= best_score:
                best, best_score = candidate, score
        if best is not None:
            pairs[key] = best
            used.add(best)
    return pairs


def classify_documents(old: ReviewDocument, new: ReviewDocument,
                       old_manifest: Sequence[ManifestSection] | None = None,
                       new_manifest: Sequence[ManifestSection] | None = None) -> list[SectionChange]:
    """The classification of the two documents' sections (outside content aside).

    With both builds' manifest sections, sections are compared as the build compared them (the hashes of
    their inputs), and by their words too.
    """
    both = old_manifest is not None and new_manifest is not None and old.tracked and new.tracked
    old_index = {s.id: s for s in old_manifest} if both and old_manifest is not None else None
    new_index = {s.id: s for s in new_manifest} if both and new_manifest is not None else None
    return classify_sections(_document_facts(old, old_index), _document_facts(new, new_index),
                             pairs=_heading_pairs(old, new))


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


_PARAGRAPH_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)+)\s")


def _compared_objects(block: Block) -> Iterator[tuple[Paragraph, InlineObject]]:
    for paragraph in iter_paragraphs([block]):
        for item in paragraph.objects:
            if item.compared:
                yield paragraph, item


def _object_location(prefix: str, item: InlineObject, paragraph: Paragraph) -> str:
    """``footnote 3 of 2.1.2``, ``text box 1``, ``table 1, row 2, cell 1: picture 1``."""
    if isinstance(item, NoteReference):
        name = f"{item.kind} {item.number}"
    else:
        same = [o for o in paragraph.objects if o.kind == item.kind]
        name = f"{item.kind} {next((i for i, o in enumerate(same, 1) if o is item), 1)}"
    number = _PARAGRAPH_NUMBER.match(paragraph.text)
    return f"{prefix}{name}" + (f" of {number.group(1)}" if number else "")


def _object_changes(pairs: list[ObjectPair], prefix: str, old: Paragraph, new: Paragraph) -> list[Change]:
    changes: list[Change] = []
    for pair in pairs:
        item = pair.new if pair.new is not None else pair.old
        assert item is not None
        location = _object_location(prefix, item, new if pair.new is not None else old)
        if pair.kind in ("inserted", "deleted"):
            changes.append(Change(pair.kind, location, object_text(pair.old) if pair.old else "",  # type: ignore[arg-type]
                                  object_text(pair.new) if pair.new else ""))
        elif isinstance(pair.old, (TextBox, NoteReference)):
            changes.extend(_flatten(pair.pairs, f"{location}: "))
        elif isinstance(pair.old, Equation) and isinstance(pair.new, Equation):
            changes.append(Change("changed", location, pair.old.text, pair.new.text, pair.ops))
        elif isinstance(pair.old, Picture) and isinstance(pair.new, Picture):
            before, after = pair.old.describe(), pair.new.describe()
            changes.append(Change("changed", location, before, after, [("delete", before), ("insert", after)]))
    return changes


def _whole_objects(block: Block, kind: Literal["inserted", "deleted"], prefix: str) -> list[Change]:
    """The objects of an inserted or deleted block: a footnote's or text box's text goes (or comes) with it."""
    changes = []
    for paragraph, item in _compared_objects(block):
        text = object_text(item)
        changes.append(Change(kind, _object_location(prefix, item, paragraph), text if kind == "deleted" else "",
                              text if kind == "inserted" else ""))
    return changes


def _flatten(pairs: list[BlockPair], prefix: str = "") -> list[Change]:
    changes: list[Change] = []
    table = 0
    for pair in pairs:
        block = pair.new if pair.new is not None else pair.old
        assert block is not None
        if not isinstance(block, Paragraph):
            table += 1
        where = prefix if isinstance(block, Paragraph) else f"{prefix}table {table}"
        if pair.kind == "equal":
            continue
        if pair.kind in ("inserted", "deleted"):
            changes.append(Change(pair.kind, where, pair.old.text if pair.old else "",  # type: ignore[arg-type]
                                  pair.new.text if pair.new else ""))
            changes.extend(_whole_objects(block, pair.kind, prefix if isinstance(block, Paragraph)  # type: ignore[arg-type]
                                          else f"{where}: "))
        elif isinstance(block, Paragraph):
            assert isinstance(pair.old, Paragraph) and isinstance(pair.new, Paragraph)
            if pair.old.text != pair.new.text:
                changes.append(Change("changed", where, pair.old.text, pair.new.text, pair.ops, pair.whitespace_only))
            changes.extend(_object_changes(pair.objects, prefix, pair.old, pair.new))
        else:
            changes.extend(_flatten_rows(pair.rows, where))
    for change in changes:
        change.location = change.location.rstrip(": ")
    return changes


def _flatten_rows(rows: list[RowPair], where: str) -> list[Change]:
    changes: list[Change] = []
    old_row = new_row = 0
    for row in rows:
        old_row += row.old is not None
        new_row += row.new is not None
        number = new_row if row.new is not None else old_row
        if row.kind in ("inserted", "deleted"):
            changes.append(Change(row.kind, f"{where}, row {number}", row.old.text if row.old else "",  # type: ignore[arg-type]
                                  row.new.text if row.new else ""))
        elif row.kind == "changed":
            for cell_number, cell in enumerate(row.cells, start=1):
                changes.extend(_flatten(cell, f"{where}, row {number}, cell {cell_number}: "))
    for change in changes:
        change.location = change.location.rstrip(": ")
    return changes


def _mark_renumbered(changes: list[Change], old_number: str | None, new_number: str | None) -> None:
    """Flag the changes that only replace the section's old number by its new one."""
    if not old_number or not new_number or old_number == new_number:
        return
    old_pattern, new_pattern = _number_pattern(old_number), _number_pattern(new_number)
    for change in changes:
        if change.kind == "changed" and not change.whitespace_only and (
                old_pattern.sub("#", normalise(change.old_text)) == new_pattern.sub("#", normalise(change.new_text))):
            change.renumbered = True


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
        changes = [c for p in parts if p.status != "moved_from" for c in _flatten(p.pairs)]
        change = by_owner.get(owner)
        old_number = change.old_number if change is not None else (old_info.number if old_info else None)
        new_number = change.new_number if change is not None else (new_info.number if new_info else None)
        _mark_renumbered(changes, old_info.number if old_info else None, new_info.number if new_info else None)
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
        changes = _flatten(story.pairs)
        status = _outside_status(changes, story.old is not None, story.new is not None)
        if status in ("added", "removed") and not any(c.substantive for c in changes):
            status = "unchanged"  # an empty header on one side only is no header to a reader
        title = story.label[0].upper() + story.label[1:]
        result.append(SectionDiff(story.key, "outside", None, title, title if story.old else None, None, None,
                                  status, status == "changed", None, None, None, None, changes))
    return result


def _opaque(blocks: list[Block]) -> Iterator[Opaque]:
    """Every object not compared in ``blocks``, also inside text boxes and notes, in reading order."""
    for paragraph in iter_paragraphs(blocks):
        for item in paragraph.objects:
            if isinstance(item, Opaque):
                yield item
            elif isinstance(item, (TextBox, NoteReference)):
                yield from _opaque(item.blocks)


def _opaque_of(document: ReviewDocument) -> list[tuple[Opaque, str]]:
    """Each object not compared with the section (or header or footer) it is in."""
    found: list[tuple[Opaque, str]] = []
    for segment in document.segments:
        where = " ".join(document.sections[segment.owner].title.split())
        found.extend((item, where) for item in _opaque(segment.blocks))
    for story in document.body.headers_footers:
        found.extend((item, story.label) for item in _opaque(story.blocks))
    return found


def _not_compared(old: ReviewDocument, new: ReviewDocument) -> list[NotCompared]:
    """What is not compared but differs, kind by kind, in document order."""
    before, after = _opaque_of(old), _opaque_of(new)
    result: list[NotCompared] = []
    for kind in dict.fromkeys([*(o.kind for o, _ in after), *(o.kind for o, _ in before)]):
        olds = [(o, w) for o, w in before if o.kind == kind]
        news = [(o, w) for o, w in after if o.kind == kind]
        matcher = SequenceMatcher(None, [o.fingerprint for o, _ in olds], [o.fingerprint for o, _ in news],
                                  autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            both = min(i2 - i1, j2 - j1)
            for offset in range(both):
                result.append(NotCompared(kind, f"{kind} {j1 + offset + 1}", news[j1 + offset][1], "changed"))
            for index in range(j1 + both, j2):
                result.append(NotCompared(kind, f"{kind} {index + 1}", news[index][1], "added"))
            for index in range(i1 + both, i2):
                result.append(NotCompared(kind, f"{kind} {index + 1}", olds[index][1], "removed"))
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
    return DocumentDiff(old, new, segments, sections, stories, _not_compared(old, new),
                        (old.body.comments, new.body.comments))


def redline(diff: DocumentDiff, *, author: str, date: dt.date) -> bytes:
    """The new document with native tracked changes against the old one (see ``ooxml/redline.py``)."""
    return redline_document(diff.new.body, diff.segments, author=author, date=date, old=diff.old.body,
                            stories=diff.stories)


__all__ = ["Change", "DocumentDiff", "NotCompared", "SectionDiff", "SegmentDiff", "StoryDiff", "bare_title",
           "classify_documents", "diff_documents", "diff_segments", "leading_number", "redline"]
