"""Paragraphs and tables of a WordprocessingML container, read into typed blocks (changes accepted).

A block is a paragraph (its text as a reader sees it, its style and heading level, and the objects it holds:
text boxes, notes, pictures, equations...) or a table (rows of cells that hold blocks again). Content
controls and custom XML wrappers are looked through.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol, Union

from lxml import etree

from strategy_builder.ooxml.headings import HeadingStyles, outline_level_of
from strategy_builder.ooxml.namespaces import (
    ALT_CHUNK, BODY, BR, CR, CUSTOM_XML, DEL, FLD_CHAR, FLD_SIMPLE, MOVE_FROM, NO_BREAK_HYPHEN, OUTLINE_LVL, PPR,
    PSTYLE, PTAB, SDT, SDT_CONTENT, SYM, TAB, TBL, TC, TR, VAL, W, P, T,
)
from strategy_builder.ooxml.text import paragraph_text, text_and_masked_text
from strategy_builder.records import Record

if TYPE_CHECKING:
    from strategy_builder.ooxml.objects import InlineObject



class ObjectsOf(Protocol):
    """Reads the objects of paragraphs (:class:`strategy_builder.ooxml.objects.ObjectReader`)."""

    def __call__(self, paragraph: etree._Element) -> tuple[InlineObject, ...]: ...

    def any_in(self, container: etree._Element) -> bool:
        """Whether anything under ``container`` could be an object of a paragraph (else none is asked)."""

    def block_object(self, element: etree._Element) -> InlineObject | None:
        """An object between paragraphs (an embedded document), or ``None``."""


class Paragraph(Record):
    """A paragraph: its text as a reader sees it (changes accepted), style and heading level (1-9)."""

    __slots__ = ("text", "style", "heading", "element", "objects", "masked")
    _hidden = ("element",)

    text: str
    style: str
    heading: int | None
    element: etree._Element | None
    objects: tuple[InlineObject, ...]
    """Text boxes, footnote and endnote references, pictures, equations and what is not compared, in order."""
    masked: str | None
    """The text with the results of fields the application computes on display (page numbers, dates) as
    ``#``; ``None`` when the paragraph has none."""

    def __init__(self, text: str, style: str = "", heading: int | None = None, element: etree._Element | None = None,
                 objects: tuple[InlineObject, ...] = (), masked: str | None = None) -> None:
        self.text = text
        self.style = style
        self.heading = heading
        self.element = element
        self.objects = objects
        self.masked = masked

    @property
    def comparable(self) -> str:
        """The text a comparison decides on: what a reader sees, whatever the stored page numbers."""
        return self.masked if self.masked is not None else self.text


class Cell(Record):
    """A table cell: blocks again (paragraphs and nested tables)."""

    __slots__ = ("blocks", "element")
    _hidden = ("element",)

    blocks: list[Block]
    element: etree._Element | None

    def __init__(self, blocks: list[Block], element: etree._Element | None = None) -> None:
        self.blocks = blocks
        self.element = element

    @property
    def text(self) -> str:
        return "\n".join([b.text for b in self.blocks])


class Row(Record):
    """A table row."""

    __slots__ = ("cells", "element")
    _hidden = ("element",)

    cells: list[Cell]
    element: etree._Element | None

    def __init__(self, cells: list[Cell], element: etree._Element | None = None) -> None:
        self.cells = cells
        self.element = element

    @property
    def text(self) -> str:
        return " | ".join([c.text for c in self.cells])


class Table(Record):
    """A table: rows of cells."""

    __slots__ = ("rows", "element", "paragraphs")
    _hidden = ("element", "paragraphs")

    rows: list[Row]
    element: etree._Element | None
    paragraphs: list[Paragraph] | None
    """Its paragraphs in reading order, once :func:`iter_paragraphs` collected them (a table read from a
    document does not change, and a comparison walks each table's paragraphs several times)."""

    def __init__(self, rows: list[Row], element: etree._Element | None = None,
                 paragraphs: list[Paragraph] | None = None) -> None:
        self.rows = rows
        self.element = element
        self.paragraphs = paragraphs

    @property
    def text(self) -> str:
        return "\n".join([r.text for r in self.rows])


Block = Union[Paragraph, Table]


def block_text(block: Block) -> str:
    """The text of a paragraph, or of a table (cells joined by `` | ``, rows by newlines)."""
    return block.text


def _children(container: etree._Element) -> Iterator[etree._Element]:
    """Block-level children, looking through content controls and custom XML wrappers."""
    for child in container:
        tag = child.tag  # (each .tag builds its string anew)
        if tag == SDT or tag == CUSTOM_XML:
            inner = child.find(SDT_CONTENT) if tag == SDT else child
            if inner is not None:
                yield from _children(inner)
        else:
            yield child


def read_blocks(container: etree._Element, headings: HeadingStyles | None = None,
                objects: ObjectsOf | None = None) -> list[Block]:
    """The paragraphs and tables directly inside ``container`` (a body, a cell, a content control), with the
    objects of each paragraph when ``objects`` reads them."""
    return _read_blocks(container, headings or HeadingStyles(), objects, _Lookups(container), True)


class _Lookups:
    """What :func:`_read_blocks` asks of each paragraph, found for a whole container at once.

    Asking each paragraph (``iterchildren(PPR)``, ``iter(FLD_CHAR, FLD_SIMPLE)``) builds a tag matcher per
    call, which costs more than the lookup itself: one ``iter`` per tag over the container finds them all,
    each remembered under its parent (the first one, as ``iterchildren`` finds it).
    """

    __slots__ = ("properties", "styles", "outlines", "fielded", "texts")

    def __init__(self, container: etree._Element) -> None:
        self.properties: dict[etree._Element, etree._Element] = {}
        """Paragraph -> its ``w:pPr``."""
        self.styles: dict[etree._Element, str] = {}
        """``w:pPr`` -> the style id of its ``w:pStyle``."""
        self.outlines: dict[etree._Element, etree._Element] = {}
        """``w:pPr`` -> its ``w:outlineLvl``."""
        self.fielded: set[etree._Element] = set()
        """The paragraphs that hold a field (also in a text box inside them)."""
        for element in container.iter(PPR):
            self.properties.setdefault(element.getparent(), element)  # type: ignore[arg-type]
        for element in container.iter(PSTYLE):
            self.styles.setdefault(element.getparent(), element.get(VAL, ""))  # type: ignore[arg-type]
        for element in container.iter(OUTLINE_LVL):
            self.outlines.setdefault(element.getparent(), element)  # type: ignore[arg-type]
        for element in container.iter(FLD_CHAR, FLD_SIMPLE):
            for ancestor in element.iterancestors():
                if ancestor.tag == P:
                    self.fielded.add(ancestor)
        self.texts = _plain_texts(container)
        """The text of each paragraph that holds nothing but ``w:t`` text (nearly all)."""


def _plain_texts(container: etree._Element) -> dict[etree._Element, str]:
    """The text of each paragraph under ``container`` whose text is its ``w:t`` elements' alone, read with one
    ``iter(T)`` over the container: what :func:`paragraph_text` gives, without visiting every element of every
    paragraph in Python. The others (tabs, breaks, symbols, fields, deletions; every paragraph where a
    paragraph holds another, in a text box) are left to :func:`paragraph_text`."""
    if _NESTED_PARAGRAPH(container):
        return {}
    pieces: dict[etree._Element, list[str] | None] = {paragraph: [] for paragraph in container.iter(P)}
    for element in container.iter(*_NOT_PLAIN):
        holder = element.getparent()
        while holder is not None and holder not in pieces:
            holder = holder.getparent()
        if holder is not None:
            pieces[holder] = None
    for element in container.iter(T):
        holder = element.getparent()
        while holder is not None and holder not in pieces:
            holder = holder.getparent()
        if holder is not None:
            texts = pieces[holder]
            if texts is not None:
                texts.append(element.text or "")
    return {paragraph: "".join(texts) for paragraph, texts in pieces.items() if texts is not None}


_NOT_PLAIN = (TAB, PTAB, BR, CR, NO_BREAK_HYPHEN, SYM, FLD_CHAR, DEL, MOVE_FROM)
"""What makes a paragraph's text more than its ``w:t`` texts (:func:`paragraph_text` looks at each)."""
_NESTED_PARAGRAPH = etree.XPath("boolean(.//w:p//w:p)", namespaces={"w": W})


def _read_blocks(container: etree._Element, headings: HeadingStyles, objects: ObjectsOf | None,
                 lookups: _Lookups, objects_below: bool) -> list[Block]:
    """:func:`read_blocks`; ``objects_below`` is false when the container around this one was seen to hold no
    object, so that a table's cells are not searched again."""
    blocks: list[Block] = []
    loose: list[InlineObject] = []  # embedded documents between paragraphs: they join the paragraph before
    # Most containers hold no object at all: one look at the whole container then spares a look into each
    # of its paragraphs.
    inline = objects if objects is not None and objects_below and objects.any_in(container) else None
    properties_of, styles, outlines, fielded, texts = (lookups.properties, lookups.styles, lookups.outlines,
                                                       lookups.fielded, lookups.texts)
    for child in _children(container):
        tag = child.tag
        if tag == P:
            properties = properties_of.get(child)
            masked = None
            if child in fielded:
                text, masked = text_and_masked_text(child)  # the atoms read once for both
                masked = masked if masked != text else None
            else:
                plain = texts.get(child)
                text = plain if plain is not None else paragraph_text(child)
            found = inline(child) if inline is not None else ()
            if loose:
                found, loose = tuple(loose) + found, []
            if properties is not None:
                style = styles.get(properties, "")
                heading = headings.level_from(outline_level_of(outlines.get(properties)), style)
            else:
                style, heading = "", None
            blocks.append(Paragraph(text, style, heading, child, found, masked))
        elif tag == TBL:
            rows = []
            for row in _children(child):
                if row.tag != TR:
                    continue
                cells = [Cell(_read_blocks(cell, headings, objects, lookups, inline is not None), cell)
                         for cell in _children(row) if cell.tag == TC]
                rows.append(Row(cells, row))
            blocks.append(Table(rows, child))
        elif tag == ALT_CHUNK and objects is not None:
            found_chunk = objects.block_object(child)
            if found_chunk is not None:
                last = next((b for b in reversed(blocks) if isinstance(b, Paragraph)), None)
                if last is not None:
                    last.objects = last.objects + (found_chunk,)
                else:
                    loose.append(found_chunk)
    return blocks


def iter_paragraphs(blocks: list[Block]) -> Iterator[Paragraph]:
    """Every paragraph in reading order, table cells included (row by row, cell by cell)."""
    # Collected into one list, not yielded through a generator per cell: a paragraph of a nested cell was
    # passed up through every generator around it (a tenth of a million generator steps in a 12-partner diff).
    found: list[Paragraph] = []
    _collect_paragraphs(blocks, found)
    return iter(found)


def _collect_paragraphs(blocks: list[Block], found: list[Paragraph]) -> None:
    for block in blocks:
        if isinstance(block, Paragraph):
            found.append(block)
            continue
        paragraphs = block.paragraphs
        if paragraphs is None:
            paragraphs = block.paragraphs = []
            for row in block.rows:
                for cell in row.cells:
                    _collect_paragraphs(cell.blocks, paragraphs)
        found.extend(paragraphs)


def paragraph_texts(root: etree._Element) -> list[str]:
    """The text of every paragraph of a document part's body, tables included, in reading order."""
    body = root.find(BODY)
    return [p.text for p in iter_paragraphs(read_blocks(body if body is not None else root))]


def body_of(root: etree._Element) -> etree._Element | None:
    """The ``w:body`` of a main document part, or ``None``."""
    return root.find(BODY)


__all__ = ["Block", "Cell", "ObjectsOf", "Paragraph", "Row", "Table", "block_text", "body_of", "iter_paragraphs",
           "paragraph_texts", "read_blocks"]
