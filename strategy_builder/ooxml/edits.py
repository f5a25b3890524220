"""A reviewed document's tracked changes as edits of the text it was given: the reading side of consolidation.

A ministry's return is the circulated draft plus the ministry's tracked changes and comments. Read with
every change *rejected*, its paragraphs are the circulated draft's paragraphs again; each of them is an
:class:`OriginalParagraph` here, carrying that original text and, as :class:`Token` values in document
order, everything the reviewer did to it:

- ``equal``, ``delete`` (with its revision), and ``format`` (a run whose formatting change was tracked)
  cover the original text: their offsets are character ranges of :attr:`OriginalParagraph.text`;
- ``insert`` (inserted text) and ``break`` (an inserted paragraph mark) sit at a point of it;
- ``start``, ``end`` and ``reference`` are the anchors of comments (``comment`` is the file's comment id).

An inserted paragraph is an inserted paragraph mark plus inserted text inside the original paragraph it
was typed into, as Word and LibreOffice record it (a paragraph whose own mark is inserted joins the next
one when its change is rejected). Offsets count characters the way :func:`strategy_builder.ooxml.text.
paragraph_text` does (tabs and breaks are one character, field codes nothing), so that they land on the
base document's runs (:mod:`strategy_builder.ooxml.merge`).

Changes this model does not carry (tracked changes of table, section, numbering or cell properties, and
changes outside the main document) are counted in :attr:`ReviewedBody.unmerged`, never dropped silently.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from lxml import etree

from strategy_builder.ooxml.namespaces import (
    AUTHOR, BODY, BR, CELL_DEL, CELL_INS, COMMENT_RANGE_END, COMMENT_RANGE_START, COMMENT_REFERENCE, CR, CUSTOM_XML,
    DATE, DEL, DEL_INSTR_TEXT, DEL_TEXT, ENDNOTE, ENDNOTE_REFERENCE, FLD_CHAR, FLD_CHAR_TYPE, FOOTNOTE,
    FOOTNOTE_REFERENCE, ID, INS, INSTR_TEXT, MOVE_FROM, MOVE_TO, NO_BREAK_HYPHEN, NUMBERING_CHANGE, PPR, PPR_CHANGE,
    RPR, RPR_CHANGE, SDT, SDT_CONTENT, SECT_PR_CHANGE, TAB, TBL, TBL_GRID_CHANGE, TBL_PR_CHANGE, TC, TC_PR_CHANGE, TR,
    TR_PR_CHANGE, TRPR, P, R, T,
)
from strategy_builder.ooxml.bookmarks import find_sections
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.stamps import read_stamps
from strategy_builder.ooxml.stories import STORY_RELATIONSHIPS, Locator, document_stories
from strategy_builder.ooxml.text import paragraph_text
from strategy_builder.ooxml.tree import mark_properties

Properties = etree._Element
"""Run, paragraph or row properties (or a row) copied from a return: handed through the review layer to
:mod:`strategy_builder.ooxml.merge` without being looked into."""

TokenKind = Literal["equal", "delete", "format", "insert", "break", "start", "end", "reference"]
RANGE_KINDS = ("equal", "delete", "format")
"""Tokens that cover original text (the others sit at a point)."""
EDIT_KINDS = ("delete", "format", "insert", "break")
"""Tokens that change the document (the others keep it or anchor comments)."""

_INSERTED = (INS, MOVE_TO)
_DELETED = (DEL, MOVE_FROM)
_OTHER_PROPERTY_CHANGES = {
    SECT_PR_CHANGE: "section layout", TBL_PR_CHANGE: "table properties", TBL_GRID_CHANGE: "table grid",
    TR_PR_CHANGE: "table row properties", TC_PR_CHANGE: "table cell properties", NUMBERING_CHANGE: "numbering",
    CELL_INS: "inserted cell", CELL_DEL: "deleted cell"}


class Revision(NamedTuple):
    """Who made a tracked change and when, exactly as the file records it."""

    author: str
    date: str

    @classmethod
    def of(cls, element: etree._Element) -> Revision:
        return cls(element.get(AUTHOR, ""), element.get(DATE, ""))


@dataclass(slots=True, eq=False)
class Token:
    """One piece of what a reviewer left in a paragraph (see the module docstring)."""

    kind: TokenKind
    start: int
    end: int
    text: str = ""
    revision: Revision | None = None
    run_properties: etree._Element | None = field(default=None, repr=False)
    """``insert``: the inserted run's properties; ``format``: the new properties (with their ``w:rPrChange``)."""
    paragraph_properties: etree._Element | None = field(default=None, repr=False)
    """``break``: the properties of the paragraph the inserted mark ends (``None``: the base paragraph's)."""
    after_properties: etree._Element | None = field(default=None, repr=False)
    """``break``: the properties of the paragraph after it, when it is not the base paragraph's own."""
    comment: str = ""
    """``start``/``end``/``reference``: the file's id of the comment."""

    @property
    def is_point(self) -> bool:
        return self.kind not in RANGE_KINDS


@dataclass(slots=True, eq=False)
class OriginalParagraph:
    """A paragraph of the circulated document, as one return holds it: its text and the return's edits."""

    text: str
    tokens: list[Token]
    elements: list[etree._Element] = field(repr=False)
    """The return's paragraphs that make it up (one, or more when the reviewer inserted paragraph marks)."""
    mark_deleted: Revision | None = None
    """The paragraph's own mark was deleted (the paragraph joins the next one when accepted)."""
    paragraph_format: tuple[Properties, Revision] | None = field(default=None, repr=False)
    """The paragraph's tracked formatting change: its new properties and who made it."""
    row_deleted: Revision | None = None
    """The paragraph is in a table row the reviewer deleted."""
    rows_after: list[tuple[Properties, Revision]] = field(default_factory=list, repr=False)
    """Table rows the reviewer inserted after this paragraph's row (copies of the return's rows)."""
    in_table: bool = False


@dataclass(slots=True)
class ReviewedBody:
    """The main document of a return, paragraph by paragraph as it was circulated, with the edits on each."""

    paragraphs: list[OriginalParagraph]
    unmerged: list[tuple[str, str, Revision]] = field(default_factory=list)
    """Changes the paragraphs do not carry: (what, where, who), e.g. ``("table properties", "body", ...)``."""
    paragraph_of_element: dict[int, int] = field(default_factory=dict, repr=False)
    """``id()`` of a return paragraph element -> index of its original paragraph."""
    framed: set[str] = field(default_factory=set)
    """Texts (whitespace collapsed) of paragraphs inside text boxes and frames, which are not in the flow: an
    application may move a framed paragraph of the original there."""
    note_comments: dict[str, int] = field(default_factory=dict)
    """Comments anchored in footnotes or endnotes -> the original paragraph that references the note."""


# ------------------------------------------------------------------------------------------- reading


class _ParagraphReader:
    """Tokens of one return paragraph, offsets counted from ``offset``."""

    def __init__(self, offset: int) -> None:
        self.offset = offset
        self.tokens: list[Token] = []
        self.fields: list[str] = []
        self.notes: list[tuple[str, str]] = []
        """(``footnote``/``endnote``, id) of the notes referenced in the paragraph."""

    def walk(self, element: etree._Element, revision: tuple[str, Revision] | None) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in (PPR, P):
                continue
            if tag in _INSERTED or tag in _DELETED:
                self.walk(child, ("insert" if tag in _INSERTED else "delete", Revision.of(child)))
            elif tag == R:
                self.run(child, revision)
            elif tag in (COMMENT_RANGE_START, COMMENT_RANGE_END):
                kind: TokenKind = "start" if tag == COMMENT_RANGE_START else "end"
                self.tokens.append(Token(kind, self.offset, self.offset, comment=child.get(ID, "")))
            else:
                self.walk(child, revision)  # hyperlinks, content controls, simple fields, smart tags

    def run(self, run: etree._Element, revision: tuple[str, Revision] | None) -> None:
        rpr = run.find(RPR)
        change = rpr.find(RPR_CHANGE) if rpr is not None else None
        for child in run:
            tag = child.tag
            if not isinstance(tag, str) or tag == RPR:
                continue
            if tag == COMMENT_REFERENCE:
                self.tokens.append(Token("reference", self.offset, self.offset, comment=child.get(ID, "")))
                continue
            if tag in (FOOTNOTE_REFERENCE, ENDNOTE_REFERENCE):
                self.notes.append(("footnote" if tag == FOOTNOTE_REFERENCE else "endnote", child.get(ID, "")))
            text = ""
            if tag == FLD_CHAR:
                kind = child.get(FLD_CHAR_TYPE)
                if kind == "begin":
                    self.fields.append("code")
                elif kind == "separate" and self.fields:
                    self.fields[-1] = "result"
                elif kind == "end" and self.fields:
                    self.fields.pop()
            elif "code" not in self.fields:
                if tag in (T, DEL_TEXT):
                    text = child.text or ""
                elif tag == TAB:
                    text = "\t"
                elif tag in (BR, CR):
                    text = "\n"
                elif tag == NO_BREAK_HYPHEN:
                    text = "-"
            if tag in (INSTR_TEXT, DEL_INSTR_TEXT) or not text:
                continue
            self.text(text, revision, rpr, change)

    def text(self, text: str, revision: tuple[str, Revision] | None, rpr: etree._Element | None,
             change: etree._Element | None) -> None:
        if revision is not None and revision[0] == "insert":
            last = self.tokens[-1] if self.tokens else None
            if last is not None and last.kind == "insert" and last.revision == revision[1] \
                    and last.run_properties is rpr:
                last.text += text
            else:
                self.tokens.append(Token("insert", self.offset, self.offset, text, revision[1], run_properties=rpr))
            return
        if revision is not None:
            kind: TokenKind = "delete"
            who: Revision | None = revision[1]
        elif change is not None:
            kind, who = "format", Revision.of(change)
        else:
            kind, who = "equal", None
        last = self.tokens[-1] if self.tokens else None
        if last is not None and last.kind == kind and last.revision == who and last.end == self.offset \
                and (kind != "format" or last.run_properties is rpr):
            last.text += text
            last.end += len(text)
        else:
            self.tokens.append(Token(kind, self.offset, self.offset + len(text), text, who,
                                     run_properties=rpr if kind == "format" else None))
        self.offset += len(text)


def _mark(paragraph: etree._Element) -> tuple[str, Revision] | None:
    """``("insert"|"delete", who)`` when the paragraph's own mark is a tracked change."""
    rpr = mark_properties(paragraph)
    if rpr is None:
        return None
    for child in rpr:
        if child.tag in _INSERTED:
            return "insert", Revision.of(child)
        if child.tag in _DELETED:
            return "delete", Revision.of(child)
    return None


def _row_mark(row: etree._Element) -> tuple[str, Revision] | None:
    trpr = row.find(TRPR)
    if trpr is None:
        return None
    for child in trpr:
        if child.tag == INS:
            return "insert", Revision.of(child)
        if child.tag == DEL:
            return "delete", Revision.of(child)
    return None


def _children(container: etree._Element) -> list[etree._Element]:
    """Block-level children, looking through content controls and custom XML wrappers."""
    result: list[etree._Element] = []
    for child in container:
        if child.tag in (SDT, CUSTOM_XML):
            inner = child.find(SDT_CONTENT) if child.tag == SDT else child
            if inner is not None:
                result.extend(_children(inner))
        else:
            result.append(child)
    return result


class _BodyReader:
    def __init__(self) -> None:
        self.result = ReviewedBody([])
        self.pending: list[tuple[etree._Element, _ParagraphReader, tuple[str, Revision]]] = []
        self.last: OriginalParagraph | None = None
        self.pending_readers: list[tuple[etree._Element, _ParagraphReader, tuple[str, Revision]]] = []
        self.notes: dict[tuple[str, str], int] = {}
        """Footnotes and endnotes referenced from the body -> the original paragraph referencing them."""
        self.block_starts: list[str] = []
        """Comment ranges that start between paragraphs: they start with the next paragraph."""

    def container(self, container: etree._Element, in_table: bool, row_deleted: Revision | None) -> None:
        previous_in_container: OriginalParagraph | None = None
        for child in _children(container):
            if child.tag == P:
                done = self.paragraph(child, in_table, row_deleted)
                if done is not None:
                    previous_in_container = done
            elif child.tag == TBL:
                self.flush(previous_in_container)
                previous_in_container = None
                self.table(child)
            elif child.tag == COMMENT_RANGE_START:
                self.block_starts.append(child.get(ID, ""))
            elif child.tag == COMMENT_RANGE_END and self.last is not None:
                end = len(self.last.text)
                self.last.tokens.append(Token("end", end, end, comment=child.get(ID, "")))
        self.flush(previous_in_container)

    def paragraph(self, element: etree._Element, in_table: bool, row_deleted: Revision | None
                  ) -> OriginalParagraph | None:
        offset = self.pending[-1][1].offset if self.pending else 0
        reader = _ParagraphReader(offset)
        reader.walk(element, None)
        mark = _mark(element)
        if mark is not None and mark[0] == "insert":
            self.pending.append((element, reader, mark))
            return None
        elements = [e for e, _, _ in self.pending] + [element]
        tokens = [Token("start", 0, 0, comment=comment) for comment in self.block_starts]
        self.block_starts = []
        for pending_element, pending_reader, pending_mark in self.pending:
            tokens.extend(pending_reader.tokens)
            tokens.append(Token("break", pending_reader.offset, pending_reader.offset, revision=pending_mark[1],
                                paragraph_properties=_properties(pending_element)))
        tokens.extend(reader.tokens)
        self.pending_readers, self.pending = self.pending, []
        text = "".join(t.text for t in tokens if t.kind in RANGE_KINDS)
        original = OriginalParagraph(text, tokens, elements, in_table=in_table, row_deleted=row_deleted)
        if mark is not None:
            original.mark_deleted = mark[1]
        ppr = element.find(PPR)
        change = ppr.find(PPR_CHANGE) if ppr is not None else None
        if ppr is not None and change is not None:
            original.paragraph_format = (copy.deepcopy(ppr), Revision.of(change))
        index = len(self.result.paragraphs)
        self.result.paragraphs.append(original)
        for item in elements:
            self.result.paragraph_of_element[id(item)] = index
        for pending_reader in [r for _, r, _ in self.pending_readers] + [reader]:
            for note in pending_reader.notes:
                self.notes.setdefault(note, index)
        self.last = original
        return original

    def flush(self, previous: OriginalParagraph | None) -> None:
        """Paragraphs with inserted marks at the end of a container: new paragraphs after ``previous``."""
        if not self.pending:
            return
        if previous is None:
            for _, _, mark in self.pending:
                self.result.unmerged.append(("inserted paragraph without a paragraph before it", "body", mark[1]))
            self.pending = []
            return
        # The reviewer's mark ended the new paragraph; the base keeps its own mark on the last one, so the
        # inserted mark moves to the end of ``previous`` (as Word records a new paragraph typed after it).
        offset = len(previous.text)
        first_element, first_reader, first_mark = self.pending[0]
        previous.tokens.append(Token("break", offset, offset, revision=first_mark[1], paragraph_properties=None,
                                     after_properties=_properties(first_element)))
        for position, (element, reader, mark) in enumerate(self.pending):
            for token in reader.tokens:
                if token.kind in RANGE_KINDS:  # text of a paragraph that was not there: nothing to keep
                    continue
                token.start = token.end = offset
                previous.tokens.append(token)
            if position + 1 < len(self.pending):
                previous.tokens.append(Token("break", offset, offset, revision=mark[1],
                                             paragraph_properties=_properties(element),
                                             after_properties=_properties(self.pending[position + 1][0])))
            self.result.paragraph_of_element[id(element)] = self.result.paragraphs.index(previous)
        previous.elements.extend(element for element, _, _ in self.pending)
        self.pending = []

    def table(self, table: etree._Element) -> None:
        for row in _children(table):
            if row.tag != TR:
                continue
            mark = _row_mark(row)
            if mark is not None and mark[0] == "insert":
                if self.last is not None:
                    self.last.rows_after.append((copy.deepcopy(row), mark[1]))
                else:
                    self.result.unmerged.append(("inserted table row", "body", mark[1]))
                continue
            for cell in _children(row):
                if cell.tag == TC:
                    self.container(cell, True, mark[1] if mark is not None else None)


def _properties(paragraph: etree._Element) -> etree._Element | None:
    ppr = paragraph.find(PPR)
    return copy.deepcopy(ppr) if ppr is not None else None


def read_reviewed_body(package: DocxPackage) -> ReviewedBody:
    """The main document of ``package`` as original paragraphs with the reviewers' edits (module docstring)."""
    root = package.xml(package.main_part_name())
    body = root.find(BODY)
    reader = _BodyReader()
    if body is not None:
        reader.container(body, False, None)
        for paragraph in body.iter(P):
            if next(paragraph.iterancestors(R), None) is not None:
                reader.result.framed.add(" ".join(paragraph_text(paragraph).split()))
        for element in body.iter(*_OTHER_PROPERTY_CHANGES):
            reader.result.unmerged.append((_OTHER_PROPERTY_CHANGES[element.tag], "body", Revision.of(element)))
    for kind, suffix in STORY_RELATIONSHIPS:
        for name in package.part_of_type(suffix):
            if kind in ("footnote", "endnote"):
                for note in package.xml(name).iter(FOOTNOTE if kind == "footnote" else ENDNOTE):
                    index = reader.notes.get((kind, note.get(ID, "")))
                    if index is not None:
                        for marker in note.iter(COMMENT_RANGE_START, COMMENT_REFERENCE):
                            reader.result.note_comments.setdefault(marker.get(ID, ""), index)
            for element in package.xml(name).iter(INS, DEL, MOVE_FROM, MOVE_TO, RPR_CHANGE, PPR_CHANGE):
                entry = (f"change in a {kind}", name, Revision.of(element))
                if entry not in reader.result.unmerged:
                    reader.result.unmerged.append(entry)
    return reader.result


class ParagraphPlace(NamedTuple):
    """Where an original paragraph sits: its innermost tracked section (``None``: outside every section)
    and the nearest heading at or before it."""

    section_id: str | None
    heading: str


def paragraph_places(package: DocxPackage, body: ReviewedBody) -> list[ParagraphPlace]:
    """The place of every original paragraph of ``body`` (read from ``package``), as the readers of returns
    locate comments and changes (:mod:`strategy_builder.ooxml.annotations`)."""
    stories = document_stories(package)
    locator = Locator(package, stories)
    stamps = read_stamps(package)
    sections = [s for s in find_sections(stories[0].root, stamps.sections, locator.paragraphs) if s.section_id]
    index_of = {id(p.element): p.index for p in locator.paragraphs}
    places = []
    for original in body.paragraphs:
        index = index_of.get(id(original.elements[-1]))
        containing = [s for s in sections if index is not None and s.first_paragraph <= index <= s.last_paragraph]
        innermost = min(containing, key=lambda s: s.last_paragraph - s.first_paragraph, default=None)
        places.append(ParagraphPlace(innermost.section_id if innermost else None, locator.heading(index)))
    return places


__all__ = ["EDIT_KINDS", "RANGE_KINDS", "OriginalParagraph", "ParagraphPlace", "Properties", "ReviewedBody",
           "Revision", "Token", "paragraph_places", "read_reviewed_body"]
