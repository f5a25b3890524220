"""The text of WordprocessingML as a reader sees it, with tracked changes accepted: one paragraph-text function.

:func:`paragraph_text` is the text every reader uses (diff blocks, sections, comments, tracked changes),
and :func:`paragraph_atoms` gives the same text with the XML element behind each character, so that the
redline writer (:mod:`strategy_builder.ooxml.runs`) can mark a word diff computed on the text at exactly
the right characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from lxml import etree

from strategy_builder.ooxml.namespaces import (
    BR, CR, CUSTOM_XML, DEL, FLD_CHAR, FLD_CHAR_TYPE, FLD_SIMPLE, INS, INSTR, INSTR_TEXT, MOVE_FROM, MOVE_TO,
    NO_BREAK_HYPHEN, PTAB, SYM, SYM_CHAR, P, PPR, PSTYLE, RPR, SDT, SDT_CONTENT, TAB, TBL, TC, TR, VAL, R, T,
)


COMPUTED_FIELDS = frozenset({
    "PAGE", "NUMPAGES", "SECTIONPAGES", "SECTION", "PAGEREF", "DATE", "TIME", "PRINTDATE", "SAVEDATE",
    "CREATEDATE", "EDITTIME", "FILENAME", "FILESIZE", "NUMWORDS", "NUMCHARS", "REVNUM"})
"""Fields whose result the application computes when it shows the page: a reader sees the computed value,
never the one stored in the file (a LibreOffice round trip rewrites ``PAGE`` from 1 to 16)."""


def _computed(instruction: str) -> bool:
    words = instruction.split()
    return bool(words) and words[0].upper() in COMPUTED_FIELDS


def symbol_text(symbol: etree._Element) -> str:
    """The character of a ``w:sym`` (a symbol-font character, by its code)."""
    try:
        return chr(int(symbol.get(SYM_CHAR, ""), 16))
    except (ValueError, OverflowError):  # not hexadecimal, or no character (OverflowError: past a C int)
        return "\ufffd"


class Atom:
    """One piece of a paragraph's text: a child of a run and its character range in the paragraph.

    ``computed`` is true in the result of a field the application computes on display (:data:`COMPUTED_FIELDS`).
    """

    __slots__ = ("run", "child", "start", "end", "computed")

    def __init__(self, run: etree._Element, child: etree._Element, start: int, end: int,
                 computed: bool = False) -> None:
        self.run, self.child, self.start, self.end, self.computed = run, child, start, end, computed

    @property
    def text(self) -> str:
        if self.end == self.start:
            return ""
        return _piece(self.child.tag, self.child)


_ONE_CHARACTER = {TAB: "\t", PTAB: "\t", NO_BREAK_HYPHEN: "-"}


def _piece(tag: str, child: etree._Element) -> str:
    """The text of a run's child that counts in the paragraph's text (a ``w:t``, a tab, a break...)."""
    if tag == T:
        return child.text or ""
    if tag == SYM:
        return symbol_text(child)
    return _ONE_CHARACTER.get(tag, "\n")


def paragraph_atoms(paragraph: etree._Element) -> list[Atom]:
    """The text-bearing children of a paragraph's runs, in order, with their offsets (accepted view).

    The reader and the redline writer both use this, so the offsets of a word diff are exact. Field codes
    and text boxes (paragraphs of their own) contribute nothing; field results do.
    """
    reader = _AtomReader([])
    reader.walk(paragraph)
    assert reader.atoms is not None
    return reader.atoms


class _AtomReader:
    """The walk of :func:`paragraph_atoms` and its state; without a list of atoms, it collects only the
    pieces of text and of the masked text (:func:`text_and_masked_text`), an atom's worth of objects fewer
    for each child of a run.

    A class, not closures: nested functions that call themselves form a reference cycle with their cells,
    which kept every paragraph's atoms (and the elements they hold) alive until the garbage collector ran:
    the 12-partner diff's redlines left 27,000 such objects, and the collection they triggered cost more
    than a tenth of a second on a slow machine.
    """

    __slots__ = ("atoms", "offset", "fields", "simple", "texts", "masked")

    def __init__(self, atoms: list[Atom] | None) -> None:
        self.atoms = atoms
        self.texts: list[str] = []
        """Without atoms: the text of each child that has some, in order."""
        self.masked: list[str] = []
        """Without atoms: the same, with ``#`` for each piece of a computed field's result."""
        self.offset = 0
        self.fields: list[list[str]] = []  # [state, instruction]: "code" until the field's separator, then "result"
        self.simple: list[str] = []  # instructions of the w:fldSimple around the current run

    def computed(self) -> bool:
        if not self.fields and not self.simple:  # outside every field (most text)
            return False
        return (any(state == "result" and _computed(code) for state, code in self.fields)
                or any(map(_computed, self.simple)))

    def run_children(self, run: etree._Element) -> None:
        fields = self.fields
        for child in run:
            tag = child.tag
            if not isinstance(tag, str) or tag == RPR:
                continue
            length = 0
            if tag == FLD_CHAR:
                kind = child.get(FLD_CHAR_TYPE)
                if kind == "begin":
                    fields.append(["code", ""])
                elif kind == "separate" and fields:
                    fields[-1][0] = "result"
                elif kind == "end" and fields:
                    fields.pop()
            elif tag == INSTR_TEXT:
                if fields and fields[-1][0] == "code":
                    fields[-1][1] += child.text or ""
            elif not fields or not any(state == "code" for state, _ in fields):
                if tag == T:
                    length = len(child.text or "")
                elif tag in (TAB, PTAB, BR, CR, NO_BREAK_HYPHEN, SYM):
                    length = 1
            offset = self.offset
            if self.atoms is not None:
                self.atoms.append(Atom(run, child, offset, offset + length, bool(length) and self.computed()))
            elif length:  # what the atom's text and "#"-or-text would be; an atom without length adds ""
                piece = _piece(tag, child)
                self.texts.append(piece)
                self.masked.append("#" if self.computed() else piece)
            self.offset = offset + length

    def walk(self, element: etree._Element) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in (P, PPR, DEL, MOVE_FROM):
                continue
            if tag == R:
                self.run_children(child)
            elif tag == FLD_SIMPLE:
                self.simple.append(child.get(INSTR, ""))
                self.walk(child)
                self.simple.pop()
            else:
                self.walk(child)  # hyperlinks, content controls, smart tags, w:ins ...


def masked_text(paragraph: etree._Element) -> str:
    """The paragraph's text with each piece of a computed field's result (page numbers, dates) as ``#``."""
    return "".join(_pieces(paragraph).masked)


def text_and_masked_text(paragraph: etree._Element) -> tuple[str, str]:
    """:func:`paragraph_text` and :func:`masked_text` of a paragraph with fields, from one walk of its atoms
    (a paragraph with a field is read through its atoms for both), without making the atoms."""
    reader = _pieces(paragraph)
    return "".join(reader.texts), "".join(reader.masked)


def _pieces(paragraph: etree._Element) -> _AtomReader:
    """The walk of :func:`paragraph_atoms` done for the texts alone (no atoms made)."""
    reader = _AtomReader(None)
    reader.walk(paragraph)
    return reader


_SLOW = frozenset({FLD_CHAR, P, DEL, MOVE_FROM, SYM, PTAB})
_MARKS = {TAB: "\t", NO_BREAK_HYPHEN: "-", BR: "\n", CR: "\n"}


def paragraph_text(paragraph: etree._Element) -> str:
    """The text of one paragraph as Word's final view shows it: insertions in, deletions out.

    Field results are kept, field codes skipped; paragraphs nested in text boxes are paragraphs of their
    own and add nothing. The same text as ``text_of_atoms(paragraph_atoms(paragraph))``, in one pass when
    possible: reading is most of a diff's time, and paragraphs without fields, text boxes or deletions
    (nearly all) are read with one walk instead of the atoms. The walk visits every element and picks by
    tag in Python: ``iter`` with eleven tags builds a tag matcher on every call, which took three times
    as long as the walk itself.
    """
    pieces: list[str] = []
    for element in paragraph.iter():
        tag = element.tag
        if tag == T:
            pieces.append(element.text or "")
        elif tag in _MARKS:
            parent = element.getparent()
            assert parent is not None  # only ``paragraph`` itself has no parent here, and it is a w:p
            if parent.tag == R:  # a w:tab under w:pPr/w:tabs is a tab stop, not text
                pieces.append(_MARKS[tag])
        elif tag in _SLOW and element is not paragraph:
            return "".join(_pieces(paragraph).texts)  # text_of_atoms(paragraph_atoms(paragraph)), no atoms made
    return "".join(pieces)


def text_of_atoms(atoms: Sequence[Atom]) -> str:
    """The paragraph text the atoms spell."""
    return "".join(a.text for a in atoms)


_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def count_words(text: str) -> int:
    """The words of ``text`` (letters and digits, joined by hyphens or apostrophes): a document's word count.
    A space ends a word, so the words of texts joined by spaces are the sum of theirs."""
    return len(_WORD.findall(text))


def visible_text(root: etree._Element) -> str:
    """All the text of a part (``w:t`` only, no deleted text), pieces joined by spaces: for word counts."""
    return " ".join(t.text or "" for t in root.iter(T))


def style_id(paragraph: etree._Element) -> str:
    """The paragraph's style id, or ``""``."""
    return paragraph_style(next(paragraph.iterchildren(PPR), None))


def paragraph_style(properties: etree._Element | None) -> str:
    """The style id of a paragraph's ``w:pPr`` (``None``: it has none), or ``""``."""
    if properties is None:
        return ""
    style = next(properties.iterchildren(PSTYLE), None)  # not find: ElementPath costs more than the lookup
    return style.get(VAL, "") if style is not None else ""


class TableCellRef(NamedTuple):
    """Where a paragraph sits in a table: table index in the body, row and cell (0-based)."""

    table: int
    row: int
    cell: int


def iter_paragraphs(body: etree._Element) -> Iterator[tuple[etree._Element, TableCellRef | None]]:
    """Every paragraph in reading order, with its table cell when it is inside a (top-level) table.

    Paragraphs of nested tables report the outer table's cell; paragraphs inside text boxes follow the
    paragraph that holds them. One pass over the tree.
    """
    table_counter = [-1]

    def walk(node: etree._Element, cell: TableCellRef | None) -> Iterator[tuple[etree._Element, TableCellRef | None]]:
        for child in node:
            tag = child.tag
            if tag == P:
                yield child, cell
                for nested in child.iterdescendants(P):
                    yield nested, cell
            elif tag == TBL:
                if cell is None:
                    table_counter[0] += 1
                for row_index, row in enumerate(_children_through_wrappers(child, TR)):
                    for cell_index, table_cell in enumerate(_children_through_wrappers(row, TC)):
                        yield from walk(table_cell, cell or TableCellRef(table_counter[0], row_index, cell_index))
            elif isinstance(tag, str) and len(child):
                yield from walk(child, cell)

    yield from walk(body, None)


_WRAPPERS = frozenset({SDT, SDT_CONTENT, CUSTOM_XML, INS, DEL, MOVE_TO, MOVE_FROM})


def _children_through_wrappers(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children with ``tag``, looking through content-control and revision wrappers."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children_through_wrappers(child, tag)
