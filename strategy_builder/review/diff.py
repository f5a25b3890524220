"""Comparing two reviewed documents: sections matched by ID (or heading), moves, and word-level changes.

Sections are matched by their tracked IDs, so a reordered priority is *moved*, not deleted and
re-inserted. The order of the matched sections is compared with a longest increasing subsequence: the
sections outside it are the fewest that must have moved (a swap of two neighbours reports both).
Within matched sections the blocks are aligned and only changed pairs are word-diffed (see align.py).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from strategy_builder.ooxml.blocks import Paragraph
from strategy_builder.ooxml.redline import redline_document
from strategy_builder.review.attribution import Attribution
from strategy_builder.review.align import BlockPair, RowPair, WordOp, align_blocks, normalise, similarity
from strategy_builder.review.review_document import ReviewDocument, Segment, SectionKind, review_body

SegmentStatus = Literal["equal", "changed", "inserted", "deleted", "moved_from", "moved_to"]
SectionStatus = Literal["added", "removed", "moved", "changed", "unchanged"]


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
    """How one section compares: status, whether it moved and/or was edited, and its changes."""

    key: str
    kind: SectionKind
    section_id: str | None
    title: str
    old_title: str | None
    partner: str | None
    area: str | None
    status: SectionStatus
    moved: bool
    edited: bool
    old_number: str | None
    new_number: str | None
    old_position: int | None
    new_position: int | None
    changes: list[Change]
    attribution: Attribution | None = None
    """Why it changed (input fields, template, tool): set by :func:`strategy_builder.review.compare.compare_sides`
    when both sides are builds."""


@dataclass(slots=True)
class DocumentDiff:
    """The comparison of two documents (one partner's drafts, or any two .docx files)."""

    old: ReviewDocument
    new: ReviewDocument
    segments: list[SegmentDiff]
    sections: list[SectionDiff]

    @property
    def has_changes(self) -> bool:
        """Whether any section differs in words (whitespace-only differences do not count).

        In drafts, content outside tracked sections (cover line, "changes since" table) changes with
        every draft by construction; it is reported apart and does not count here.
        """
        tracked = self.old.tracked and self.new.tracked
        return any(s.status != "unchanged" for s in self.sections if not (tracked and s.kind == "outside"))

    @property
    def outside_changed(self) -> bool:
        """Whether content outside tracked sections changed (drafts only)."""
        return self.new.tracked and any(s.status != "unchanged" for s in self.sections if s.kind == "outside")


# ------------------------------------------------------------------------------------- order & moves


def _stable_anchors(common_in_old_order: list[str], new_index: dict[str, int]) -> set[str]:
    """The largest set of common keys whose relative order is unchanged (longest increasing subsequence)."""
    tails: list[int] = []
    tail_keys: list[int] = []
    parent: list[int] = []
    positions = [new_index[k] for k in common_in_old_order]
    for index, value in enumerate(positions):
        slot = bisect.bisect_left(tails, value)
        if slot == len(tails):
            tails.append(value)
            tail_keys.append(index)
        else:
            tails[slot] = value
            tail_keys[slot] = index
        parent.append(tail_keys[slot - 1] if slot else -1)
    chain: set[str] = set()
    cursor = tail_keys[-1] if tail_keys else -1
    while cursor != -1:
        chain.add(common_in_old_order[cursor])
        cursor = parent[cursor]
    return chain


def _moved(common_in_old_order: list[str], new_index: dict[str, int], anchors: set[str]) -> set[str]:
    moved = set(common_in_old_order) - anchors
    old_index = {k: i for i, k in enumerate(common_in_old_order)}

    def inverted_with(key: str) -> list[str]:
        return [other for other in common_in_old_order if other != key
                and (old_index[other] < old_index[key]) != (new_index[other] < new_index[key])]

    # Two neighbours swapped: the subsequence keeps one of them, but a reader sees both move.
    for key in list(moved):
        partners = inverted_with(key)
        if len(partners) == 1 and partners[0] not in moved and inverted_with(partners[0]) == [key]:
            moved.add(partners[0])
    return moved


def _renames(old: ReviewDocument, new: ReviewDocument) -> dict[str, str]:
    """Old owner -> new owner for sections whose key changed but which are evidently the same section.

    Tracked: a priority moved to another area keeps its last ID component. Headings: a retitled heading
    whose content is mostly the same (Dice >= 0.5 on words), matched in order.
    """
    old_only = [k for k in old.sections if k not in new.sections]
    new_only = [k for k in new.sections if k not in old.sections]
    renames: dict[str, str] = {}
    if old.tracked and new.tracked:
        tails: dict[tuple[str, str], list[str]] = {}
        for key in new_only:
            parts = key.split("/")
            if len(parts) == 3 and new.sections[key].kind == "tracked":
                tails.setdefault((parts[0], parts[2]), []).append(key)
        for key in old_only:
            parts = key.split("/")
            tracked = old.sections[key].kind == "tracked" and len(parts) == 3
            candidates = tails.get((parts[0], parts[-1]), []) if tracked else []
            if len(candidates) == 1:
                renames[key] = candidates[0]
        return renames
    used: set[str] = set()
    for key in old_only:
        if old.sections[key].kind != "heading":
            continue
        old_text = " ".join(b.text for b in old.section_blocks(key))
        best, best_score = None, 0.5
        for candidate in new_only:
            if candidate in used or new.sections[candidate].kind != "heading":
                continue
            score = similarity(old_text, " ".join(b.text for b in new.section_blocks(candidate)))
            if score >= best_score:
                best, best_score = candidate, score
        if best is not None:
            renames[key] = best
            used.add(best)
    return renames


def diff_segments(old: ReviewDocument, new: ReviewDocument,
                  renames: dict[str, str] | None = None) -> list[SegmentDiff]:
    """Both documents' segments in one merged order, each with its status and aligned blocks."""
    renames = renames if renames is not None else _renames(old, new)
    old_keys = [f"{renames.get(s.owner, s.owner)}#{s.occurrence}" for s in old.segments]
    new_keys = [s.key for s in new.segments]
    old_by_key = dict(zip(old_keys, old.segments, strict=True))
    new_by_key = dict(zip(new_keys, new.segments, strict=True))
    new_index = {k: i for i, k in enumerate(new_keys)}
    common = [k for k in old_keys if k in new_index]
    anchors = _stable_anchors(common, new_index)
    moved = _moved(common, new_index, anchors)
    # A priority that changed area moved, even when it kept its place in the sequence.
    moved |= {k for k in common if k.rsplit("#", 1)[0] in renames.values() and old.tracked}
    anchors -= moved
    move_ids = {key: number for number, key in enumerate(sorted(moved, key=lambda k: new_index[k]), start=1)}
    result: list[SegmentDiff] = []
    i = j = 0
    while i < len(old_keys) or j < len(new_keys):
        if i < len(old_keys) and old_keys[i] not in anchors:
            key = old_keys[i]
            segment = old_by_key[key]
            if key in moved:
                result.append(SegmentDiff(key, key.rsplit("#", 1)[0], "moved_from", segment, None,
                                          [BlockPair("deleted", b, None) for b in segment.blocks], move_ids[key]))
            else:
                result.append(SegmentDiff(key, key.rsplit("#", 1)[0], "deleted", segment, None,
                                          [BlockPair("deleted", b, None) for b in segment.blocks]))
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
            status: SegmentStatus = "equal" if all(p.kind == "equal" for p in pairs) else "changed"
            result.append(SegmentDiff(key, new_by_key[key].owner, status, old_by_key[key], new_by_key[key], pairs))
            i, j = i + 1, j + 1
    return result


# ------------------------------------------------------------------------------------------ sections


def _number_pattern(number: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w.])" + re.escape(number) + r"(?!\d)")


def _flatten(pairs: list[BlockPair], prefix: str = "") -> list[Change]:
    changes: list[Change] = []
    table = 0
    for pair in pairs:
        block = pair.new if pair.new is not None else pair.old
        if not isinstance(block, Paragraph):
            table += 1
        where = prefix if isinstance(block, Paragraph) else f"{prefix}table {table}"
        if pair.kind == "equal":
            continue
        if pair.kind in ("inserted", "deleted"):
            changes.append(Change(pair.kind, where, pair.old.text if pair.old else "",  # type: ignore[arg-type]
                                  pair.new.text if pair.new else ""))
        elif isinstance(block, Paragraph):
            changes.append(Change("changed", where, pair.old.text, pair.new.text, pair.ops,  # type: ignore[union-attr]
                                  pair.whitespace_only))
        else:
            changes.extend(_flatten_rows(pair.rows, where))
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


def _section_diffs(old: ReviewDocument, new: ReviewDocument, segments: list[SegmentDiff],
                   renames: dict[str, str]) -> list[SectionDiff]:
    reverse = {v: k for k, v in renames.items()}
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
        statuses = {p.status for p in parts}
        moved = bool(statuses & {"moved_from", "moved_to"}) or (old_key != owner and old.tracked)
        changes = [c for p in parts if p.status not in ("moved_from",) for c in _flatten(p.pairs)]
        old_number = old_info.number if old_info else None
        new_number = new_info.number if new_info else None
        if old_number and new_number and old_number != new_number:
            old_pattern, new_pattern = _number_pattern(old_number), _number_pattern(new_number)
            for change in changes:
                if change.kind == "changed" and not change.whitespace_only and (
                        old_pattern.sub("#", normalise(change.old_text))
                        == new_pattern.sub("#", normalise(change.new_text))):
                    change.renumbered = True
        edited = any(c.substantive for c in changes)
        if new_info is None:
            status: SectionStatus = "removed"
        elif old_info is None:
            status = "added"
        elif moved:
            status = "moved"
        else:
            status = "changed" if edited else "unchanged"
        result.append(SectionDiff(
            owner, info.kind, info.section_id, (new_info or old_info).title,  # type: ignore[union-attr]
            old_info.title if old_info else None, info.partner, info.area, status, moved,
            edited and status not in ("added", "removed"), old_number, new_number,
            old_order.get(old_key), new_order.get(owner), changes))
    return result


def diff_documents(old: ReviewDocument, new: ReviewDocument) -> DocumentDiff:
    """Compare two documents; when only one side has tracked sections both are split at headings."""
    if old.tracked != new.tracked:
        old = review_body(old.body, force_headings=True)
        new = review_body(new.body, force_headings=True)
    renames = _renames(old, new)
    segments = diff_segments(old, new, renames)
    return DocumentDiff(old, new, segments, _section_diffs(old, new, segments, renames))




def redline(diff: DocumentDiff, *, author: str, date: dt.date) -> bytes:
    """The new document with native tracked changes against the old one (see ``ooxml/redline.py``)."""
    return redline_document(diff.new.body, diff.segments, author=author, date=date)


__all__ = ["Change", "DocumentDiff", "SectionDiff", "SegmentDiff", "diff_documents", "diff_segments", "redline"]
