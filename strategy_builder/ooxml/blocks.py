"""Paragraphs and tables of a WordprocessingML container, read into typed blocks (changes accepted).

A block is a paragraph (its text as a reader sees it, its style and heading level) or a table (rows of
cells that hold blocks again). Content controls and custom XML wrappers are looked through.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Union

from lxml import etree

from strategy_builder.ooxml.headings import HeadingStyles
from strategy_builder.ooxml.namespaces import BODY, CUSTOM_XML, SDT, SDT_CONTENT, TBL, TC, TR, P
from strategy_builder.ooxml.text import paragraph_text, style_id


@dataclass(slots=True, eq=False)
class Paragraph:
    """A paragraph: its text as a reader sees it (changes accepted), style and heading level (1-9)."""

    text: str
    style: str = ""
    heading: int | None = None
    element: etree._Element | None = field(default=None, repr=False)


@dataclass(slots=True, eq=False)
class Cell:
    """A table cell: blocks again (paragraphs and nested tables)."""

    blocks: list[Block]
    element: etree._Element | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        return "\n".join(block_text(b) for b in self.blocks)


@dataclass(slots=True, eq=False)
class Row:
    """A table row."""

    cells: list[Cell]
    element: etree._Element | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        return " | ".join(c.text for c in self.cells)


@dataclass(slots=True, eq=False)
class Table:
    """A table: rows of cells."""

    rows: list[Row]
    element: etree._Element | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.rows)


Block = Union[Paragraph, Table]


def block_text(block: Block) -> str:
    """The text of a paragraph, or of a table (cells joined by `` | ``, rows by newlines)."""
    return block.text


def _children(container: etree._Element) -> Iterator[etree._Element]:
    """Block-level children, looking through content controls and custom XML wrappers."""
    for child in container:
        if child.tag in (SDT, CUSTOM_XML):
            inner = child.find(SDT_CONTENT) if child.tag == SDT else child
            if inner is not None:
                yield from _children(inner)
        else:
            yield child


def read_blocks(container: etree._Element, headings: HeadingStyles | None = None) -> list[Block]:
    """The paragraphs and tables directly inside ``container`` (a body, a cell, a content control)."""
    headings = headings or HeadingStyles()
    blocks: list[Block] = []
    for child in _children(container):
        if child.tag == P:
            style = style_id(child)
            blocks.append(Paragraph(paragraph_text(child), style, headings.level(child, style), child))
        elif child.tag == TBL:
            rows = []
            for row in _children(child):
                if row.tag != TR:
                    continue
                cells = [Cell(read_blocks(cell, headings), cell) for cell in _children(row) if cell.tag == TC]
                rows.append(Row(cells, row))
            blocks.append(Table(rows, child))
    return blocks


def iter_paragraphs(blocks: list[Block]) -> Iterator[Paragraph]:
    """Every paragraph in reading order, table cells included (row by row, cell by cell)."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block
        else:
            for row in block.rows:
                for cell in row.cells:
                    yield from iter_paragraphs(cell.blocks)


def paragraph_texts(root: etree._Element) -> list[str]:
    """The text of every paragraph of a document part's body, tables included, in reading order."""
    body = root.find(BODY)
    return [p.text for p in iter_paragraphs(read_blocks(body if body is not None else root))]


def body_of(root: etree._Element) -> etree._Element | None:
    """The ``w:body`` of a main document part, or ``None``."""
    return root.find(BODY)


__all__ = ["Block", "Cell", "Paragraph", "Row", "Table", "block_text", "body_of", "iter_paragraphs",
           "paragraph_texts", "read_blocks"]
