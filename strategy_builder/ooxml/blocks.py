"""Paragraphs and tables of a WordprocessingML container, read into typed blocks (changes accepted).

A block is a paragraph (its text as a reader sees it, its style and heading level) or a table (rows of
cells that hold blocks again). Content controls and custom XML wrappers are looked through.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Union

from lxml import etree

from strategy_builder.ooxml.namespaces import W
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.runs import paragraph_text
from strategy_builder.ooxml.text import style_id

_W = f"{{{W}}}"
P, TBL, TR, TC, SDT, SDT_CONTENT, CUSTOM_XML = (f"{_W}{n}" for n in (
    "p", "tbl", "tr", "tc", "sdt", "sdtContent", "customXml"))
PPR, OUTLINE_LVL = f"{_W}pPr", f"{_W}outlineLvl"


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


def read_blocks(container: etree._Element, headings: dict[str, int] | None = None) -> list[Block]:
    """The paragraphs and tables directly inside ``container`` (a body, a cell, a content control)."""
    headings = headings or {}
    blocks: list[Block] = []
    for child in _children(container):
        if child.tag == P:
            style = style_id(child)
            blocks.append(Paragraph(paragraph_text(child), style,
                                    _heading_level(child, style, headings), child))
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
    body = root.find(f"{_W}body")
    return [p.text for p in iter_paragraphs(read_blocks(body if body is not None else root))]


# ---------------------------------------------------------------------------------------- headings

_HEADING_NAME = re.compile(r"^(?:heading|überschrift|titre|titolo|título|kop)\s*(\d)$", re.IGNORECASE)


def heading_styles(package: DocxPackage) -> dict[str, int]:
    """Style id -> outline level (1-9) of every paragraph style that is a heading (or the title: 1)."""
    names = package.part_of_type("/styles")
    if not names:
        return {}
    root = package.xml(names[0])
    levels: dict[str, int] = {}
    based: dict[str, str] = {}
    for style in root.iter(f"{_W}style"):
        if style.get(f"{_W}type") != "paragraph":
            continue
        sid = style.get(f"{_W}styleId", "")
        name_el = style.find(f"{_W}name")
        name = name_el.get(f"{_W}val", "") if name_el is not None else ""
        outline = style.find(f"{_W}pPr/{_W}outlineLvl")
        outline_val = (outline.get(f"{_W}val") or "") if outline is not None else ""
        match = _HEADING_NAME.match(name) or _HEADING_NAME.match(sid)
        if outline_val.isdigit() and int(outline_val) < 9:
            levels[sid] = int(outline_val) + 1
        elif match:
            levels[sid] = int(match.group(1))
        elif name.lower() == "title":
            levels[sid] = 1
        parent = style.find(f"{_W}basedOn")
        if parent is not None:
            based[sid] = parent.get(f"{_W}val", "")
    for sid in list(based):  # inherit through basedOn, a few levels deep
        probe, depth = sid, 0
        while probe not in levels and probe in based and depth < 10:
            probe, depth = based[probe], depth + 1
        if probe in levels and sid not in levels:
            levels[sid] = levels[probe]
    return levels


def _heading_level(paragraph: etree._Element, style: str, headings: dict[str, int]) -> int | None:
    outline = paragraph.find(f"{PPR}/{OUTLINE_LVL}")
    outline_val = (outline.get(f"{_W}val") or "") if outline is not None else ""
    if outline_val.isdigit():
        level = int(outline_val)
        return level + 1 if level < 9 else None
    if style in headings:
        return headings[style]
    match = _HEADING_NAME.match(style)
    return int(match.group(1)) if match else None


def body_of(root: etree._Element) -> etree._Element | None:
    """The ``w:body`` of a main document part, or ``None``."""
    return root.find(f"{_W}body")


__all__ = ["Block", "Cell", "Paragraph", "Row", "Table", "block_text", "body_of", "heading_styles",
           "iter_paragraphs", "paragraph_texts", "read_blocks"]
