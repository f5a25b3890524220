"""Native Word tracked changes: a copy of the new document with ``w:ins``/``w:del`` and moves.

The new document (with its own tracked changes accepted) is the base, so its formatting, comments and
section bookmarks survive. Changed paragraphs have their runs split at the changed words; inserted
text is wrapped in ``w:ins``, deleted text comes back from the old document as ``w:del`` runs;
deleted paragraphs, rows and tables are copied from the old document and marked deleted; moved
sections become ``w:moveFrom``/``w:moveTo`` ranges. Invariant (tested): Accept All gives the new text,
Reject All the old one, paragraph by paragraph, tables included.

This module only writes XML; what to mark comes from a plan (the aligned blocks of
:mod:`strategy_builder.review.diff`), described by the protocols of :mod:`strategy_builder.ooxml.redline_plan`
so that the layers stay apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from lxml import etree

from strategy_builder.ooxml.blocks import Block, Row, iter_paragraphs
from strategy_builder.ooxml.body import DocumentBody, HeaderFooter
from strategy_builder.ooxml.carry import RedlineParts, isolate, mark_deleted, wrap_element
from strategy_builder.ooxml.namespaces import (
    AUTHOR, BODY, DATE, DEL, DRAWING, ENDNOTE, ENDNOTE_REFERENCE, FOOTNOTE, FOOTNOTE_REFERENCE, ID, INS,
    MC_ALTERNATE_CONTENT, MC_CHOICE, MC_FALLBACK, MOVE_FROM, MOVE_FROM_RANGE_END, MOVE_FROM_RANGE_START, MOVE_TO,
    MOVE_TO_RANGE_END, MOVE_TO_RANGE_START, NAME, OBJECT, PICT, PPR, RPR, SDT, SECT_PR, TBL,
    TBL_PR_EX, TC, TR, TR_PR_CHANGE, TRPR, TXBX_CONTENT, P, R, qn, HEADER_REFERENCE, FOOTER_REFERENCE, TITLE_PG,
    TYPE, R_ID, REL,
)
from strategy_builder.ooxml.objects import Equation, InlineObject, NoteReference, TextBox
from strategy_builder.ooxml.pagination import keep_lead_ins_with_next
from strategy_builder.ooxml.redline_plan import PlanBlock, PlanObject, PlanRow, PlanSegment, PlanStory
from strategy_builder.ooxml.runs import edit_paragraph, wrap_runs
from strategy_builder.ooxml.tree import add_mark_properties

_STORY_CONTAINERS = (BODY, TC, FOOTNOTE, ENDNOTE, TXBX_CONTENT, qn("w:hdr"), qn("w:ftr"))
"""Containers whose last paragraph mark Word cannot delete or insert."""


# ------------------------------------------------------------------------------------------ writer


def _mark_tags(paragraph: etree._Element) -> list[etree._Element]:
    rpr = paragraph.find(f"{PPR}/{RPR}")
    return [] if rpr is None else [c for c in rpr if c.tag in (INS, DEL, MOVE_FROM, MOVE_TO)]


def _last_in_cell(paragraph: etree._Element) -> bool:
    parent = paragraph.getparent()
    return parent is not None and parent.tag == TC and [c for c in parent if c.tag == P][-1] is paragraph


class _Writer:
    def __init__(self, parts: RedlineParts, author: str, date: dt.date) -> None:
        self.parts = parts
        self.mapping = parts.mapping
        self.author = author
        self.stamp = f"{date.isoformat()}T00:00:00Z"
        self.next_id = parts.first_free_id()
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
        add_mark_properties(paragraph).insert(0, self.revision(tag))

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
                element = self.parts.carry(_element(pair.old), parent, self.revision)
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
                if not move:
                    self.mark_notes(pair.new, INS)
                family = INS if element.tag == P else None
            elif pair.kind == "changed":
                if pair.is_table:
                    self.edit_table(element, pair)
                else:
                    edit_paragraph(element, _element(pair.old), pair.ops, self.revision)
                    self.objects(element, pair.objects)
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
        if parent is None or parent.tag not in _STORY_CONTAINERS or blocks_after \
                or any(e.getparent() is not parent for e, _ in placed[index - 1:]):
            return
        tags = _mark_tags(last)
        for mark in tags:
            mark_parent = mark.getparent()
            assert mark_parent is not None  # found in the paragraph's w:pPr/w:rPr
            mark_parent.remove(mark)
        self.set_mark(placed[index - 1][0], tags[0].tag if tags[0].tag in (INS, DEL) else (
            INS if family == INS else DEL))

    # -- objects of a changed paragraph

    def mark_notes(self, block: Block | None, tag: str) -> None:
        """Mark the content of the notes an inserted block refers to as inserted too (as Word does)."""
        if block is None:
            return
        for paragraph in iter_paragraphs([block]):
            for item in paragraph.objects:
                if isinstance(item, NoteReference) and item.note is not None and item.note in self.mapping:
                    mark_deleted(self.mapping[item.note], self.revision, tag)

    def objects(self, paragraph: etree._Element, pairs: Sequence[PlanObject]) -> None:
        """Mark the objects of a changed paragraph: text boxes and notes edited inside, pictures and
        equations replaced (the old one deleted, the new one inserted), objects inserted or deleted whole."""
        for pair in pairs:
            old, new = pair.old, pair.new
            if pair.kind == "changed" and isinstance(new, (TextBox, NoteReference)):
                container = new.element if isinstance(new, TextBox) else new.note
                if container is None or container not in self.mapping:
                    continue
                target = self.mapping[container]
                self.container([(p, None, None) for p in pair.pairs], target)
                if isinstance(new, TextBox):
                    _drop_fallback(target)
                continue
            if new is not None:
                self.mark_object(new, INS)
            if old is not None:
                carried = self._carried(old, paragraph)
                if carried is None:
                    continue
                holder = _holder(self.mapping.get(_anchor(new))) if new is not None else None
                if holder is not None:
                    holder.addprevious(carried)  # the old one just before the new one
                else:
                    paragraph.append(carried)
                wrap_element(carried, DEL, self.revision)

    def mark_object(self, item: InlineObject, tag: str) -> None:
        """Wrap a new object's run (or an equation) in a revision; an inserted note's content too."""
        anchor = self.mapping.get(_anchor(item))
        if anchor is None:
            return
        if isinstance(item, Equation):
            wrap_element(anchor, tag, self.revision)
        else:
            wrap_element(isolate(_outermost(anchor)), tag, self.revision)
        if isinstance(item, NoteReference) and item.note is not None and item.note in self.mapping:
            mark_deleted(self.mapping[item.note], self.revision, tag)

    def _carried(self, item: InlineObject, paragraph: etree._Element) -> etree._Element | None:
        """A copy of an old object for the new paragraph: an equation as it is, anything else in a run."""
        source = _outermost(_anchor(item))
        carried = self.parts.carry(source, paragraph, self.revision)
        if isinstance(item, Equation):
            return carried
        if carried.tag == R:
            return carried
        run = etree.Element(R)
        run.append(carried)
        if not any(True for _ in run.iter(DRAWING, PICT, FOOTNOTE_REFERENCE, ENDNOTE_REFERENCE, MC_ALTERNATE_CONTENT)):
            return None  # nothing left that can be carried (a chart, an embedded object)
        return run

    def edit_table(self, table: etree._Element, pair: PlanBlock) -> None:
        anchor: etree._Element | None = None
        pending: list[etree._Element] = []
        for row in pair.rows:
            if row.kind == "deleted":
                element = self.parts.carry(_element(row.old), table, self.revision)
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

def _anchor(item: InlineObject) -> etree._Element:
    """The element an object was read from: for a text box its content, for a note its reference."""
    return item.element


def _outermost(element: etree._Element) -> etree._Element:
    """The run-level element that holds ``element``: its ``w:drawing``/``w:pict`` (or the
    ``mc:AlternateContent`` around it), the note reference, or the equation itself."""
    node = element
    found = element
    while node is not None and node.tag not in (R, P):
        if node.tag in (DRAWING, PICT, MC_ALTERNATE_CONTENT, FOOTNOTE_REFERENCE, ENDNOTE_REFERENCE, OBJECT):
            found = node
        node = node.getparent()  # type: ignore[assignment]
    return found


def _holder(element: etree._Element | None) -> etree._Element | None:
    """The revision wrapper (or run) around a marked object, to put its deleted predecessor before."""
    node = element
    while node is not None and node.tag not in (INS, P):
        node = node.getparent()  # type: ignore[assignment]
    return node if node is not None and node.tag == INS else None


def _drop_fallback(content: etree._Element) -> None:
    """A text box edited in its DrawingML choice: its VML fallback would show the old text, so it goes."""
    node: etree._Element | None = content
    while node is not None and node.tag != MC_CHOICE:
        node = node.getparent()
    if node is None:
        return
    alternate = node.getparent()
    if alternate is not None:
        for fallback in alternate.findall(MC_FALLBACK):
            alternate.remove(fallback)


def _restore_removed(writer: _Writer, parts: RedlineParts, story: HeaderFooter, main: str,
                     shown: set[tuple[str, str, int]]) -> None:
    """A header or footer only the old document shows comes back, deleted, for the sections that showed it.

    Only where the new document shows none of its kind and type (``shown``: kind, type and section of what
    it shows): a section that shows the previous section's header in the new document would show the
    deleted one's empty paragraph instead after Accept All. A first-page or even-page one comes back only
    where the new document already has first-page or even-page headers and footers: switching them on would
    change what the new document shows.
    """
    old_root = parts.old_roots.get(story.part)
    if old_root is None:
        return
    sections = list(parts.roots[main].iter(SECT_PR))
    targets = [sections[n - 1] for n in story.sections
               if n <= len(sections) and (story.kind, story.type, n) not in shown]
    if story.type == "first":
        targets = [t for t in targets if t.find(TITLE_PG) is not None]
    elif story.type == "even":
        targets = []  # whether even pages differ is a setting of the whole document
    if not targets:
        return
    name = parts.new_part_name(f"word/{story.kind}Redline", ".xml")
    root = parts.carry(old_root, name, writer.revision)
    mark_deleted(root, writer.revision)
    relation = parts.add_part(name, root, f"application/vnd.openxmlformats-officedocument.wordprocessingml."
                                          f"{story.kind}+xml", f"{REL}/{story.kind}")
    for sect in targets:
        reference = etree.Element(HEADER_REFERENCE if story.kind == "header" else FOOTER_REFERENCE)
        reference.set(TYPE, story.type)
        reference.set(R_ID, relation)
        sect.insert(0, reference)


def redline_parts(parts: RedlineParts, main: str, segments: Sequence[PlanSegment], stories: Sequence[PlanStory],
                  *, author: str, date: dt.date) -> None:
    """Mark the planned revisions in ``parts``: the main document's segments, then headers and footers."""
    writer = _Writer(parts, author, date)
    items: list[tuple[PlanBlock, str | None, str | None]] = []
    for segment in segments:
        name = f"move{segment.move_id or 0}"
        if segment.status == "moved_from":
            items.extend((p, MOVE_FROM, name) for p in segment.pairs)
        elif segment.status == "moved_to":
            items.extend((_Inserted(p.new, p.is_table), MOVE_TO, name) for p in segment.pairs if p.new is not None)
        else:
            items.extend((p, None, None) for p in segment.pairs)
    result = parts.roots[main]
    body = result.find(BODY)
    writer.container(items, body if body is not None else result)
    keep_lead_ins_with_next(body if body is not None else result)
    for (tag, name), elements in writer.moved.items():
        _move_range(writer, tag, name, elements)
    done: set[str] = set()
    shown: set[tuple[str, str, int]] = {(story.new.kind, story.new.type, n) for story in stories
                                        if story.new is not None for n in story.new.sections}
    for story in stories:
        if story.new is None and story.old is not None:
            _restore_removed(writer, parts, story.old, main, shown)
            continue
        # A header shared by several sections is one part: it is marked once.
        if story.new is None or story.new.part in done or story.new.part not in parts.roots:
            continue
        done.add(story.new.part)
        if any(p.kind != "equal" for p in story.pairs):
            writer.container([(p, None, None) for p in story.pairs], parts.roots[story.new.part])


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
    objects: Sequence[PlanObject] = ()
    old = None

    def __init__(self, block: Block, is_table: bool) -> None:
        self.new = block
        self.is_table = is_table


def _element(item: Block | Row | None) -> etree._Element:
    """The element a planned block or row was read from (the plan only names blocks that have one)."""
    assert item is not None and item.element is not None
    return item.element


def redline_document(new: DocumentBody, segments: Sequence[PlanSegment], *, author: str, date: dt.date,
                     old: DocumentBody | None = None, stories: Sequence[PlanStory] = ()) -> bytes:
    """The new document (as :func:`strategy_builder.ooxml.body.read_body` read it) with the planned revisions
    as native tracked changes in every story: a complete .docx. ``old`` is the document the deletions come
    from (its pictures and notes are carried over)."""
    main = new.package.main_part_name()
    parts = RedlineParts(new.package, {main: new.accepted_root, **new.accepted_parts},
                         old.package if old is not None else None,
                         {old.package.main_part_name(): old.accepted_root, **old.accepted_parts} if old else None)
    redline_parts(parts, main, segments, stories, author=author, date=date)
    return parts.to_bytes()


__all__ = ["redline_document", "redline_parts"]
