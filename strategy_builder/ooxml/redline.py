"""Native Word tracked changes: a copy of the new document with ``w:ins``/``w:del`` and moves.

The new document (with its own tracked changes accepted) is the base, so its formatting, comments and
section bookmarks survive. Changed paragraphs have their runs split at the changed words; inserted
text is wrapped in ``w:ins``, deleted text comes back from the old document as ``w:del`` runs;
deleted paragraphs, rows and tables are copied from the old document and marked deleted; moved
sections become ``w:moveFrom``/``w:moveTo`` ranges. Invariant (tested): Accept All gives the new text,
Reject All the old one, paragraph by paragraph, tables included.

This module only writes XML; what to mark comes from a plan (the aligned blocks of
:mod:`strategy_builder.review.diff`), described here by protocols so that the layers stay apart: the plan
names the blocks of :class:`~strategy_builder.ooxml.body.DocumentBody` it pairs, and only this module
looks at the elements behind them.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from typing import Protocol, cast

from lxml import etree

from strategy_builder.ooxml.namespaces import (
    AUTHOR, BODY, DATE, DEL, ID, INS, MOVE_FROM, MOVE_FROM_RANGE_END, MOVE_FROM_RANGE_START, MOVE_TO,
    MOVE_TO_RANGE_END, MOVE_TO_RANGE_START, NAME, PPR, PPR_CHANGE, RPR, SDT, SECT_PR, TBL, TBL_PR_EX, TC, TR,
    TR_PR_CHANGE, TRPR, W, P,
)
from strategy_builder.ooxml.blocks import Block, Row
from strategy_builder.ooxml.body import DocumentBody
from strategy_builder.ooxml.package import DocxPackage, write_zip
from strategy_builder.ooxml.parser import serialize
from strategy_builder.ooxml.runs import edit_paragraph, sanitised_copy, wrap_runs

_PPR_TAIL = (RPR, SECT_PR, PPR_CHANGE)


# -------------------------------------------------------------------------------------------- plan


# Read-only (properties), so that the review's dataclasses with narrower field types match.
class PlanRow(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def cells(self) -> Sequence[Sequence[PlanBlock]]: ...

    @property
    def old(self) -> Row | None: ...

    @property
    def new(self) -> Row | None: ...


class PlanBlock(Protocol):
    @property
    def kind(self) -> str: ...  # equal | changed | inserted | deleted

    @property
    def ops(self) -> Sequence[tuple[str, str]]: ...

    @property
    def rows(self) -> Sequence[PlanRow]: ...

    @property
    def is_table(self) -> bool: ...

    @property
    def old(self) -> Block | None: ...

    @property
    def new(self) -> Block | None: ...


class PlanSegment(Protocol):
    @property
    def status(self) -> str: ...  # equal | changed | inserted | deleted | moved_from | moved_to

    @property
    def pairs(self) -> Sequence[PlanBlock]: ...

    @property
    def move_id(self) -> int | None: ...


# ------------------------------------------------------------------------------------------ writer


def _mark_tags(paragraph: etree._Element) -> list[etree._Element]:
    rpr = paragraph.find(f"{PPR}/{RPR}")
    return [] if rpr is None else [c for c in rpr if c.tag in (INS, DEL, MOVE_FROM, MOVE_TO)]


def _last_in_cell(paragraph: etree._Element) -> bool:
    parent = paragraph.getparent()
    return parent is not None and parent.tag == TC and [c for c in parent if c.tag == P][-1] is paragraph


class _Writer:
    def __init__(self, mapping: dict[etree._Element, etree._Element], author: str, date: dt.date,
                 first_id: int) -> None:
        self.mapping = mapping
        self.author = author
        self.stamp = f"{date.isoformat()}T00:00:00Z"
        self.next_id = first_id
        self.moved: dict[tuple[str, str], list[etree._Element]] = {}

    def revision(self, tag: str, name: str | None = None) -> etree._Element:
        element = etree.Element(tag)
        element.set(ID, str(self.next_id))
        self.next_id += 1
        element.set(AUTHOR, self.author)
        element.set(DATE, self.stamp)
        if name is not None:
            element.set(NAME, name)
        return element

    # -- marks

    def set_mark(self, paragraph: etree._Element, tag: str) -> None:
        ppr = paragraph.find(PPR)
        if ppr is None:
            ppr = etree.Element(PPR)
            paragraph.insert(0, ppr)
        rpr = ppr.find(RPR)
        if rpr is None:
            rpr = etree.Element(RPR)
            tail = next((c for c in ppr if c.tag in _PPR_TAIL[1:]), None)
            if tail is not None:
                tail.addprevious(rpr)
            else:
                ppr.append(rpr)
        rpr.insert(0, self.revision(tag))

    def mark_row(self, row: etree._Element, tag: str) -> None:
        trpr = row.find(TRPR)
        if trpr is None:
            trpr = etree.Element(TRPR)
            prex = row.find(TBL_PR_EX)
            row.insert(1 if prex is not None and row.index(prex) == 0 else 0, trpr)
        change = trpr.find(TR_PR_CHANGE)
        if change is not None:
            change.addprevious(self.revision(tag))
        else:
            trpr.append(self.revision(tag))

    def wrap_runs(self, paragraph: etree._Element, tag: str) -> None:
        wrap_runs(paragraph, tag, self.revision)

    def mark_whole(self, element: etree._Element, tag: str) -> None:
        """Mark a paragraph or table (copied or in place) as inserted/deleted (moved) as a whole."""
        row_tag = INS if tag in (INS, MOVE_TO) else DEL
        if element.tag == P:
            self.wrap_runs(element, tag)
            self.set_mark(element, tag)
            return
        for row in element.iter(TR):
            self.mark_row(row, row_tag)
        for paragraph in list(element.iter(P)):
            self.wrap_runs(paragraph, row_tag)
            if not _last_in_cell(paragraph):
                self.set_mark(paragraph, row_tag)

    # -- containers

    def container(self, items: Sequence[tuple[PlanBlock, str | None, str | None]], parent: etree._Element) -> None:
        """Apply aligned blocks to one container (the body or a cell), given with a move tag and name."""
        placed: list[tuple[etree._Element, str | None]] = []
        anchor: etree._Element | None = None
        pending: list[etree._Element] = []
        for pair, move, name in items:
            if pair.kind == "deleted":
                element = sanitised_copy(_element(pair.old))
                tag = move or DEL
                self.mark_whole(element, tag)
                if anchor is None:
                    pending.append(element)
                else:
                    anchor.addnext(element)
                    anchor = element
                placed.append((element, DEL if element.tag == P else None))
                if move and name:
                    self.moved.setdefault((move, name), []).append(element)
                continue
            element = self.mapping[_element(pair.new)]
            for waiting in pending:
                element.addprevious(waiting)
            pending = []
            family = None
            if pair.kind == "inserted":
                self.mark_whole(element, move or INS)
                family = INS if element.tag == P else None
            elif pair.kind == "changed":
                if pair.is_table:
                    self.edit_table(element, pair)
                else:
                    edit_paragraph(element, _element(pair.old), pair.ops, self.revision)
            placed.append((element, family))
            if move and name:
                self.moved.setdefault((move, name), []).append(element)
            anchor = element
        for waiting in pending:
            sect = parent.find(SECT_PR) if parent.tag == BODY else None
            if sect is not None and sect.getparent() is parent:
                sect.addprevious(waiting)
            else:
                parent.append(waiting)
        self.fix_last_mark(placed)

    def fix_last_mark(self, placed: list[tuple[etree._Element, str | None]]) -> None:
        """Word cannot insert or delete the last paragraph mark of a body or cell: move the mark up.

        [A, B(ins)] at the end becomes [A(mark ins), B]: rejecting joins A's text with B's (now empty)
        paragraph, which reads as A; accepting reads A, B.
        """
        if not placed or placed[-1][1] is None or placed[-1][0].tag != P:
            return
        family = placed[-1][1]
        index = len(placed) - 1
        while index > 0 and placed[index - 1][1] == family and placed[index - 1][0].tag == P:
            index -= 1
        if index == 0 or placed[index - 1][0].tag != P or _mark_tags(placed[index - 1][0]):
            return
        last = placed[-1][0]
        parent = last.getparent()
        # Only real neighbours in a body or cell merge; paragraphs in separate content controls do not.
        blocks_after = any(sibling.tag in (P, TBL, SDT) for sibling in last.itersiblings())
        if parent is None or parent.tag not in (BODY, TC) or blocks_after \
                or any(e.getparent() is not parent for e, _ in placed[index - 1:]):
            return
        tags = _mark_tags(last)
        for mark in tags:
            mark_parent = mark.getparent()
            assert mark_parent is not None  # found in the paragraph's w:pPr/w:rPr
            mark_parent.remove(mark)
        self.set_mark(placed[index - 1][0], tags[0].tag if tags[0].tag in (INS, DEL) else (
            INS if family == INS else DEL))

    def edit_table(self, table: etree._Element, pair: PlanBlock) -> None:
        anchor: etree._Element | None = None
        pending: list[etree._Element] = []
        for row in pair.rows:
            if row.kind == "deleted":
                element = sanitised_copy(_element(row.old))
                self.mark_whole_row(element, DEL)
                if anchor is None:
                    pending.append(element)
                else:
                    anchor.addnext(element)
                    anchor = element
                continue
            element = self.mapping[_element(row.new)]
            for waiting in pending:
                element.addprevious(waiting)
            pending = []
            if row.kind == "inserted":
                self.mark_whole_row(element, INS)
            elif row.kind == "changed":
                cells = [c for c in element if c.tag == TC] or list(element.iter(TC))
                for cell, cell_pairs in zip(cells, row.cells, strict=False):
                    self.container([(p, None, None) for p in cell_pairs], cell)
            anchor = element
        for waiting in pending:
            table.append(waiting)

    def mark_whole_row(self, row: etree._Element, tag: str) -> None:
        self.mark_row(row, tag)
        for paragraph in list(row.iter(P)):
            self.wrap_runs(paragraph, tag)
            if not _last_in_cell(paragraph):
                self.set_mark(paragraph, tag)
        for nested in row.iter(TR):
            if nested is not row:
                self.mark_row(nested, tag)

def _first_free_id(root: etree._Element) -> int:
    highest = 0
    for value in cast(list[str], root.xpath("//@w:id", namespaces={"w": W})):
        if value.lstrip("-").isdigit():
            highest = max(highest, int(value))
    return highest + 1


def redline_body(new_root: etree._Element, segments: Sequence[PlanSegment], *, author: str,
                 date: dt.date) -> etree._Element:
    """A copy of ``new_root`` (a ``w:document`` with changes accepted) carrying the planned revisions."""
    result = copy.deepcopy(new_root)
    mapping = dict(zip(new_root.iter(P, TBL, TR, TC), result.iter(P, TBL, TR, TC), strict=True))  # a deep copy
    writer = _Writer(mapping, author, date, _first_free_id(result))
    items: list[tuple[PlanBlock, str | None, str | None]] = []
    for segment in segments:
        name = f"move{segment.move_id or 0}"
        if segment.status == "moved_from":
            items.extend((p, MOVE_FROM, name) for p in segment.pairs)
        elif segment.status == "moved_to":
            items.extend((_Inserted(p.new, p.is_table), MOVE_TO, name) for p in segment.pairs if p.new is not None)
        else:
            items.extend((p, None, None) for p in segment.pairs)
    body = result.find(BODY)
    writer.container(items, body if body is not None else result)
    for (tag, name), elements in writer.moved.items():
        _move_range(writer, tag, name, elements)
    return result


def _move_range(writer: _Writer, tag: str, name: str, elements: list[etree._Element]) -> None:
    """Bracket a moved stretch with ``w:moveFromRangeStart``/``End`` (or ``moveTo``), named as its pair."""
    start_tag, end_tag = ((MOVE_FROM_RANGE_START, MOVE_FROM_RANGE_END) if tag == MOVE_FROM
                          else (MOVE_TO_RANGE_START, MOVE_TO_RANGE_END))
    start = writer.revision(start_tag, name=name)
    end = etree.Element(end_tag)
    start_id = start.get(ID)
    assert start_id is not None  # set by writer.revision
    end.set(ID, start_id)
    first, last = elements[0], elements[-1]
    if first.tag == P:
        first.insert(1 if first.find(PPR) is not None else 0, start)
    else:
        first.addprevious(start)
    last.addnext(end)


class _Inserted:
    """A block of a moved section at its new place: inserted as a whole (as ``w:moveTo``)."""

    kind = "inserted"
    ops: Sequence[tuple[str, str]] = ()
    rows: Sequence[PlanRow] = ()
    old = None

    def __init__(self, block: Block, is_table: bool) -> None:
        self.new = block
        self.is_table = is_table


def _element(item: Block | Row | None) -> etree._Element:
    """The element a planned block or row was read from (the plan only names blocks that have one)."""
    assert item is not None and item.element is not None
    return item.element


def redline_package(new_package: DocxPackage, redlined_root: etree._Element) -> bytes:
    """The new package with its main part replaced by the redlined one, as deterministic .docx bytes."""
    parts = new_package.parts.copy()  # media stay in the archive: streamed when written
    parts[new_package.main_part_name()] = serialize(redlined_root)
    return write_zip(parts)


def redline_document(new: DocumentBody, segments: Sequence[PlanSegment], *, author: str, date: dt.date) -> bytes:
    """The new document (as :func:`strategy_builder.ooxml.body.read_body` read it) with the planned revisions
    as native tracked changes: a complete .docx."""
    return redline_package(new.package, redline_body(new.accepted_root, segments, author=author, date=date))


__all__ = ["PlanBlock", "PlanRow", "PlanSegment", "redline_body", "redline_document", "redline_package"]
