"""Native Word tracked changes: a copy of the new document with ``w:ins``/``w:del`` and moves.

The new document (with its own tracked changes accepted) is the base, so its formatting, comments and
section bookmarks survive. Changed paragraphs have their runs split at the changed words; inserted
text is wrapped in ``w:ins``, deleted text comes back from the old document as ``w:del`` runs;
deleted paragraphs, rows and tables are copied from the old document and marked deleted; moved
sections become ``w:moveFrom``/``w:moveTo`` ranges. Invariant (tested): Accept All gives the new text,
Reject All the old one, paragraph by paragraph, tables included.

This module only writes XML; what to mark comes from a plan (the aligned blocks of
:mod:`strategy_builder.review.diff`), described here by protocols so that the layers stay apart.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from lxml import etree

from strategy_builder.ooxml.namespaces import R as REL_NS
from strategy_builder.ooxml.namespaces import W, W14, XML
from strategy_builder.ooxml.package import DocxPackage, write_zip
from strategy_builder.ooxml.parser import serialize

_W = f"{{{W}}}"
P, R, T, TAB, BR, CR, PPR, RPR, TBL, TR, TC, TRPR, SECT_PR = (f"{_W}{n}" for n in (
    "p", "r", "t", "tab", "br", "cr", "pPr", "rPr", "tbl", "tr", "tc", "trPr", "sectPr"))
INS, DEL, MOVE_FROM, MOVE_TO = (f"{_W}{n}" for n in ("ins", "del", "moveFrom", "moveTo"))
FLD_CHAR, NO_BREAK_HYPHEN, DEL_TEXT, INSTR_TEXT = (f"{_W}{n}" for n in (
    "fldChar", "noBreakHyphen", "delText", "instrText"))
_STRIP_FROM_COPIES = tuple(f"{_W}{n}" for n in (
    "bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd", "commentReference", "permStart",
    "permEnd", "proofErr", "drawing", "pict", "object", "footnoteReference", "endnoteReference", "sectPr",
    "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd")) + (
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent",)
_DELETED_FAMILY = (DEL, MOVE_FROM)
_PPR_TAIL = (RPR, SECT_PR, f"{_W}pPrChange")


# ------------------------------------------------------------------------------------------- atoms


class Atom:
    """One piece of a paragraph's text: a child of a run and its character range in the paragraph."""

    __slots__ = ("run", "child", "start", "end")

    def __init__(self, run: etree._Element, child: etree._Element, start: int, end: int) -> None:
        self.run, self.child, self.start, self.end = run, child, start, end

    @property
    def text(self) -> str:
        tag = self.child.tag
        if self.end == self.start:
            return ""
        if tag == T:
            return self.child.text or ""
        return {TAB: "\t", NO_BREAK_HYPHEN: "-"}.get(tag, "\n")


def paragraph_atoms(paragraph: etree._Element) -> list[Atom]:
    """The text-bearing children of a paragraph's runs, in order, with their offsets (accepted view).

    The reader and the redline writer both use this, so the offsets of a word diff are exact. Field codes
    and text boxes (paragraphs of their own) contribute nothing; field results do.
    """
    atoms: list[Atom] = []
    offset = 0
    fields: list[str] = []  # "code" until the field's separator, then "result"

    def run_children(run: etree._Element) -> None:
        nonlocal offset
        for child in run:
            tag = child.tag
            if not isinstance(tag, str) or tag == RPR:
                continue
            length = 0
            if tag == FLD_CHAR:
                kind = child.get(f"{_W}fldCharType")
                if kind == "begin":
                    fields.append("code")
                elif kind == "separate" and fields:
                    fields[-1] = "result"
                elif kind == "end" and fields:
                    fields.pop()
            elif "code" not in fields:
                if tag == T:
                    length = len(child.text or "")
                elif tag in (TAB, BR, CR, NO_BREAK_HYPHEN):
                    length = 1
            atoms.append(Atom(run, child, offset, offset + length))
            offset += length

    def walk(element: etree._Element) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in (P, PPR, DEL, MOVE_FROM):
                continue
            if tag == R:
                run_children(child)
            else:
                walk(child)  # hyperlinks, content controls, simple fields, smart tags, w:ins ...

    walk(paragraph)
    return atoms


def text_of_atoms(atoms: Sequence[Atom]) -> str:
    """The paragraph text the atoms spell."""
    return "".join(a.text for a in atoms)


# -------------------------------------------------------------------------------------------- plan


class PlanRow(Protocol):
    kind: str
    cells: Sequence[Sequence[PlanBlock]]

    @property
    def old_element(self) -> etree._Element | None: ...

    @property
    def new_element(self) -> etree._Element | None: ...


class PlanBlock(Protocol):
    kind: str  # equal | changed | inserted | deleted
    ops: Sequence[tuple[str, str]]
    rows: Sequence[PlanRow]

    @property
    def is_table(self) -> bool: ...

    @property
    def old_element(self) -> etree._Element | None: ...

    @property
    def new_element(self) -> etree._Element | None: ...


class PlanSegment(Protocol):
    status: str  # equal | changed | inserted | deleted | moved_from | moved_to
    pairs: Sequence[PlanBlock]
    move_id: int | None


# ------------------------------------------------------------------------------------------ writer


def _own_runs(paragraph: etree._Element) -> list[etree._Element]:
    result = []
    for run in paragraph.iter(R):
        node = run.getparent()
        while node is not None and node.tag != P:
            node = node.getparent()
        if node is paragraph:
            result.append(run)
    return result


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

    def revision(self, tag: str, **extra: str) -> etree._Element:
        element = etree.Element(tag)
        element.set(f"{_W}id", str(self.next_id))
        self.next_id += 1
        element.set(f"{_W}author", self.author)
        element.set(f"{_W}date", self.stamp)
        for key, value in extra.items():
            element.set(f"{_W}{key}", value)
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
            prex = row.find(f"{_W}tblPrEx")
            row.insert(1 if prex is not None and row.index(prex) == 0 else 0, trpr)
        change = trpr.find(f"{_W}trPrChange")
        if change is not None:
            change.addprevious(self.revision(tag))
        else:
            trpr.append(self.revision(tag))

    def wrap_runs(self, paragraph: etree._Element, tag: str) -> None:
        for run in _own_runs(paragraph):
            if tag in _DELETED_FAMILY:
                for text in run.iter(T, INSTR_TEXT):
                    text.tag = DEL_TEXT if text.tag == T else f"{_W}delInstrText"
            wrapper = self.revision(tag)
            run.addprevious(wrapper)
            wrapper.append(run)
        _merge_wrappers(paragraph)

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
                element = _sanitised_copy(pair.old_element)  # type: ignore[arg-type]
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
            element = self.mapping[pair.new_element]  # type: ignore[index]
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
                    self.edit_paragraph(element, pair)
            placed.append((element, family))
            if move and name:
                self.moved.setdefault((move, name), []).append(element)
            anchor = element
        for waiting in pending:
            sect = parent.find(SECT_PR) if parent.tag == f"{_W}body" else None
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
        tags = _mark_tags(last)
        for mark in tags:
            mark.getparent().remove(mark)
        self.set_mark(placed[index - 1][0], tags[0].tag if tags[0].tag in (INS, DEL) else (
            INS if family == INS else DEL))

    def edit_table(self, table: etree._Element, pair: PlanBlock) -> None:
        anchor: etree._Element | None = None
        pending: list[etree._Element] = []
        for row in pair.rows:
            if row.kind == "deleted":
                element = _sanitised_copy(row.old_element)  # type: ignore[arg-type]
                self.mark_whole_row(element, DEL)
                if anchor is None:
                    pending.append(element)
                else:
                    anchor.addnext(element)
                    anchor = element
                continue
            element = self.mapping[row.new_element]  # type: ignore[index]
            for waiting in pending:
                element.addprevious(waiting)
            pending = []
            if row.kind == "inserted":
                self.mark_whole_row(element, INS)
            elif row.kind == "changed":
                cells = [c for c in element if c.tag == TC] or list(element.iter(TC))
                for cell, cell_pairs in zip(cells, row.cells):
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

    # -- words

    def edit_paragraph(self, paragraph: etree._Element, pair: PlanBlock) -> None:
        inserted: list[tuple[int, int]] = []
        deletions: list[tuple[int, str, int]] = []
        new_offset = old_offset = 0
        new_text = []
        for kind, text in pair.ops:
            if kind == "equal":
                new_offset += len(text)
                old_offset += len(text)
                new_text.append(text)
            elif kind == "insert":
                inserted.append((new_offset, new_offset + len(text)))
                new_offset += len(text)
                new_text.append(text)
            else:
                deletions.append((new_offset, text, old_offset))
                old_offset += len(text)
        atoms = paragraph_atoms(paragraph)
        old_atoms = paragraph_atoms(pair.old_element)  # type: ignore[arg-type]
        if text_of_atoms(atoms) != "".join(new_text):
            # The plan does not match this paragraph (should not happen): replace it wholesale, still exact.
            old_text = text_of_atoms(old_atoms)
            self.wrap_runs(paragraph, INS)
            deletions, inserted = [(0, old_text, 0)] if old_text else [], []
            pieces = [(r, 0, 0) for r in _own_runs(paragraph)]
        else:
            cuts = sorted({o for span in inserted for o in span} | {d[0] for d in deletions})
            pieces = self.split_runs(atoms, cuts, inserted)
        for offset, text, old_at in deletions:
            self.place_deletion(paragraph, pieces, offset, self.deleted_run(text, _rpr_at(old_atoms, old_at)))
        _merge_wrappers(paragraph)

    def split_runs(self, atoms: list[Atom], cuts: list[int],
                   inserted: list[tuple[int, int]]) -> list[tuple[etree._Element, int, int]]:
        """Split runs at ``cuts`` and wrap inserted pieces; returns (element, start, end) of text pieces."""
        def is_inserted(start: int, end: int) -> bool:
            return end > start and any(a <= start and end <= b for a, b in inserted)

        by_run: dict[etree._Element, list[Atom]] = {}
        for atom in atoms:
            by_run.setdefault(atom.run, []).append(atom)
        pieces: list[tuple[etree._Element, int, int]] = []
        for run, run_atoms in by_run.items():
            start, end = run_atoms[0].start, run_atoms[-1].end
            inside = [c for c in cuts if start < c < end]
            if not inside and not is_inserted(start, end):
                if end > start:
                    pieces.append((run, start, end))
                continue
            rpr = run.find(RPR)
            groups: list[list] = []  # [inserted?, start, end, children]
            cut_set = set(inside)
            for atom in run_atoms:
                for child, a, b in _split_atom(atom, cuts):
                    flag = is_inserted(a, b)
                    # A new run at every cut, so that a deletion has a run boundary to sit at.
                    if not groups or groups[-1][0] != flag or (a in cut_set and b > a and groups[-1][2] == a
                                                               and groups[-1][2] > groups[-1][1]):
                        groups.append([flag, a, b, []])
                    groups[-1][2] = b
                    groups[-1][3].append(child)
            for flag, a, b, children in groups:
                new_run = etree.Element(R, dict(run.attrib))
                if rpr is not None:
                    new_run.append(copy.deepcopy(rpr))
                for child in children:
                    new_run.append(child)
                element = new_run
                if flag:
                    element = self.revision(INS)
                    element.append(new_run)
                run.addprevious(element)
                if b > a:
                    pieces.append((element, a, b))
            run.getparent().remove(run)
        return pieces

    def deleted_run(self, text: str, rpr: etree._Element | None) -> etree._Element:
        wrapper = self.revision(DEL)
        run = etree.SubElement(wrapper, R)
        if rpr is not None:
            run.append(copy.deepcopy(rpr))
        buffer = ""
        for char in text + "\0":
            if char in "\t\n\0":
                if buffer:
                    element = etree.SubElement(run, DEL_TEXT)
                    element.text = buffer
                    element.set(f"{{{XML}}}space", "preserve")
                    buffer = ""
                if char != "\0":
                    etree.SubElement(run, TAB if char == "\t" else BR)
            else:
                buffer += char
        return wrapper

    @staticmethod
    def place_deletion(paragraph: etree._Element, pieces: list[tuple[etree._Element, int, int]], offset: int,
                       element: etree._Element) -> None:
        following = next((p for p in pieces if p[1] == offset), None)
        if following is not None:
            following[0].addprevious(element)
            return
        preceding = next((p for p in reversed(pieces) if p[2] == offset), None)
        if preceding is not None:
            preceding[0].addnext(element)
            return
        later = next((p for p in pieces if p[1] > offset), None)
        if later is not None:
            later[0].addprevious(element)
        else:
            paragraph.append(element)


def _split_atom(atom: Atom, cuts: list[int]) -> list[tuple[etree._Element, int, int]]:
    if atom.child.tag != T or atom.end - atom.start < 2:
        return [(atom.child, atom.start, atom.end)]
    points = [atom.start] + [c for c in cuts if atom.start < c < atom.end] + [atom.end]
    if len(points) == 2:
        return [(atom.child, atom.start, atom.end)]
    text = atom.child.text or ""
    result = []
    for a, b in zip(points, points[1:]):
        element = etree.Element(T)
        element.text = text[a - atom.start:b - atom.start]
        element.set(f"{{{XML}}}space", "preserve")
        result.append((element, a, b))
    return result


def _rpr_at(atoms: list[Atom], offset: int) -> etree._Element | None:
    for atom in atoms:
        if atom.start <= offset < atom.end:
            return atom.run.find(RPR)
    return atoms[-1].run.find(RPR) if atoms else None


def _merge_wrappers(paragraph: etree._Element) -> None:
    """Adjacent ``w:ins``/``w:del`` of the same kind become one, so Word counts one revision."""
    for wrapper in list(paragraph.iter(INS, DEL, MOVE_FROM, MOVE_TO)):
        if wrapper.getparent() is None or wrapper.getparent().tag == RPR:
            continue
        previous = wrapper.getprevious()
        if previous is not None and previous.tag == wrapper.tag and previous.tail is None:
            for child in list(wrapper):
                previous.append(child)
            wrapper.getparent().remove(wrapper)


def _sanitised_copy(element: etree._Element) -> etree._Element:
    """A copy of old content fit for the new package: no references to the old package's parts or ids."""
    clone = copy.deepcopy(element)
    for item in list(clone.iter(*_STRIP_FROM_COPIES)):
        item.getparent().remove(item)
    for link in list(clone.iter(f"{_W}hyperlink")):
        if link.get(f"{{{REL_NS}}}id") is not None or link.get(f"{_W}anchor") is not None:
            parent, index = link.getparent(), link.getparent().index(link)
            for offset, child in enumerate(list(link)):
                parent.insert(index + offset, child)
            parent.remove(link)
    for sdt_id in list(clone.iter(f"{_W}id")):
        sdt_id.getparent().remove(sdt_id)
    for node in clone.iter():
        for attribute in (f"{{{W14}}}paraId", f"{{{W14}}}textId"):
            node.attrib.pop(attribute, None)
    return clone


def _first_free_id(root: etree._Element) -> int:
    highest = 0
    for value in root.xpath("//@w:id", namespaces={"w": W}):
        if value.lstrip("-").isdigit():
            highest = max(highest, int(value))
    return highest + 1


def redline_body(new_root: etree._Element, segments: Sequence[PlanSegment], *, author: str,
                 date: dt.date) -> etree._Element:
    """A copy of ``new_root`` (a ``w:document`` with changes accepted) carrying the planned revisions."""
    result = copy.deepcopy(new_root)
    mapping = dict(zip(new_root.iter(P, TBL, TR, TC), result.iter(P, TBL, TR, TC)))
    writer = _Writer(mapping, author, date, _first_free_id(result))
    items: list[tuple[PlanBlock, str | None, str | None]] = []
    for segment in segments:
        name = f"move{segment.move_id or 0}"
        if segment.status == "moved_from":
            items.extend((p, MOVE_FROM, name) for p in segment.pairs)
        elif segment.status == "moved_to":
            items.extend((_Inserted(p.new_element, p.is_table), MOVE_TO, name)
                         for p in segment.pairs if p.new_element is not None)
        else:
            items.extend((p, None, None) for p in segment.pairs)
    body = result.find(f"{_W}body")
    writer.container(items, body if body is not None else result)
    for (tag, name), elements in writer.moved.items():
        _move_range(writer, tag, name, elements)
    return result


def _move_range(writer: _Writer, tag: str, name: str, elements: list[etree._Element]) -> None:
    """Bracket a moved stretch with ``w:moveFromRangeStart``/``End`` (or ``moveTo``), named as its pair."""
    prefix = "moveFrom" if tag == MOVE_FROM else "moveTo"
    start = writer.revision(f"{_W}{prefix}RangeStart", name=name)
    end = etree.Element(f"{_W}{prefix}RangeEnd")
    end.set(f"{_W}id", start.get(f"{_W}id"))
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
    old_element = None

    def __init__(self, element: etree._Element | None, is_table: bool) -> None:
        self.new_element = element
        self.is_table = is_table


def redline_package(new_package: DocxPackage, redlined_root: etree._Element) -> bytes:
    """The new package with its main part replaced by the redlined one, as deterministic .docx bytes."""
    parts = dict(new_package.parts)
    parts[new_package.main_part_name()] = serialize(redlined_root)
    return write_zip(parts)


__all__ = ["Atom", "PlanBlock", "PlanRow", "PlanSegment", "paragraph_atoms", "redline_body", "redline_package",
           "text_of_atoms"]
