"""Any .docx read into a typed model for review: sections (tracked or from headings) holding blocks.

A block is a paragraph (its text with tracked changes accepted) or a table (rows of cells that hold
blocks again). Drafts carry tracked sections (bookmarks ``sb_<hash>`` whose section IDs are stored in
custom properties); documents without them get pseudo-sections that start at each heading. Body content
that no tracked section covers (cover page, the draft's own "changes" table, annexes) forms "outside"
sections, so that it can be reported apart from the sections a partner's inputs produce.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Union

from lxml import etree

from strategy_builder.ooxml.accept import accept_all
from strategy_builder.ooxml.namespaces import W
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.properties import read_custom_properties
from strategy_builder.ooxml.sections import FoundParagraph, find_sections
from strategy_builder.ooxml.text import style_id
from strategy_builder.ooxml.runs import paragraph_text

_W = f"{{{W}}}"
P, TBL, TR, TC, SDT, SDT_CONTENT, CUSTOM_XML = (f"{_W}{n}" for n in (
    "p", "tbl", "tr", "tc", "sdt", "sdtContent", "customXml"))
PPR, OUTLINE_LVL = f"{_W}pPr", f"{_W}outlineLvl"
STAMP_PREFIX = "strategy_builder."
SectionKind = Literal["tracked", "heading", "outside"]


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


@dataclass(slots=True)
class SectionInfo:
    """A section of a document: tracked (with a section ID), from a heading, or content outside both."""

    key: str
    kind: SectionKind
    title: str
    section_id: str | None = None
    partner: str | None = None
    area: str | None = None
    number: str | None = None


@dataclass(slots=True)
class Segment:
    """A run of consecutive top-level blocks that belong to one section (a section may have several)."""

    owner: str
    occurrence: int
    blocks: list[Block]

    @property
    def key(self) -> str:
        return f"{self.owner}#{self.occurrence}"


@dataclass(slots=True)
class ReviewDocument:
    """A .docx as a reviewer sees it: sections in order, each made of segments of blocks."""

    source: str
    partner: str | None
    draft: str | None
    tracked: bool
    sections: dict[str, SectionInfo]
    segments: list[Segment]
    package: DocxPackage = field(repr=False)
    root: etree._Element = field(repr=False)
    """The main document part with every tracked change accepted (a private copy)."""

    def blocks(self) -> list[Block]:
        """Every top-level block in document order."""
        return [b for s in self.segments for b in s.blocks]

    def section_blocks(self, key: str) -> list[Block]:
        """The blocks of one section, over all its segments."""
        return [b for s in self.segments if s.owner == key for b in s.blocks]


# ------------------------------------------------------------------------------------------ blocks


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
        match = _HEADING_NAME.match(name) or _HEADING_NAME.match(sid)
        if outline is not None and (outline.get(f"{_W}val") or "").isdigit() and int(outline.get(f"{_W}val")) < 9:
            levels[sid] = int(outline.get(f"{_W}val")) + 1
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
    if outline is not None and (outline.get(f"{_W}val") or "").isdigit():
        level = int(outline.get(f"{_W}val"))
        return level + 1 if level < 9 else None
    if style in headings:
        return headings[style]
    match = _HEADING_NAME.match(style)
    return int(match.group(1)) if match else None


# ---------------------------------------------------------------------------------------- sections

_LEADING_NUMBER = re.compile(r"^\s*((?:\d+|[A-Z])(?:\.\d+)*)\.?\s")


def leading_number(title: str) -> str | None:
    """``3.2 Seasonal work`` -> ``3.2``; ``None`` when the title does not start with a number."""
    match = _LEADING_NUMBER.match(title)
    return match.group(1) if match else None


def parse_section_id(section_id: str) -> tuple[str | None, str | None]:
    """``AM/legal_migration/seasonal-work`` -> (``AM``, ``legal_migration``); situation etc. have no area."""
    parts = section_id.split("/")
    partner = parts[0] if parts else None
    area = parts[1] if len(parts) >= 2 and parts[1] not in ("situation", "key-figures") else None
    return partner, area


def _tracked_owners(root: etree._Element, blocks: list[Block], names: dict[str, str],
                    sections: dict[str, SectionInfo]) -> list[str] | None:
    """The innermost tracked section of each top-level block, or ``None`` when nothing is tracked."""
    index_of_block: dict[int, int] = {}
    found_paragraphs: list[FoundParagraph] = []
    for number, block in enumerate(blocks):
        paragraphs = [block] if isinstance(block, Paragraph) else list(iter_paragraphs([block]))
        for paragraph in paragraphs:
            index_of_block[len(found_paragraphs)] = number
            found_paragraphs.append(FoundParagraph(len(found_paragraphs), paragraph.text, paragraph.style, None,
                                                   paragraph.element))
    found = [s for s in find_sections(root, names, found_paragraphs) if s.section_id]
    if not found or not found_paragraphs:
        return None
    spans: list[tuple[int, int, str]] = []
    for section in found:
        first = index_of_block[section.first_paragraph]
        last = index_of_block[section.last_paragraph]
        partner, area = parse_section_id(section.section_id)  # type: ignore[arg-type]
        sections[section.section_id] = SectionInfo(  # type: ignore[index]
            section.section_id, "tracked", section.heading, section.section_id, partner, area,  # type: ignore[arg-type]
            leading_number(section.heading))
        spans.append((first, last, section.section_id))  # type: ignore[arg-type]
    owners: list[str] = []
    previous = "start"
    for number in range(len(blocks)):
        covering = [(last - first, -first, sid) for first, last, sid in spans if first <= number <= last]
        if covering:
            owner = min(covering)[2]  # the innermost (shortest) span
            previous = owner
        else:
            owner = f"outside:{previous}"
            if owner not in sections:
                title = "Before the first section" if previous == "start" else f"After {sections[previous].title}"
                sections[owner] = SectionInfo(owner, "outside", title)
        owners.append(owner)
    return owners


def _heading_owners(blocks: list[Block], sections: dict[str, SectionInfo], partner: str | None) -> list[str]:
    owners: list[str] = []
    current = "outside:start"
    seen: dict[str, int] = {}
    area: str | None = None
    for block in blocks:
        if isinstance(block, Paragraph) and block.heading is not None and block.text.strip():
            title = " ".join(block.text.split())
            base = "h:" + title.lower()
            seen[base] = seen.get(base, 0) + 1
            current = base if seen[base] == 1 else f"{base}~{seen[base]}"
            if block.heading == 1 or area is None:
                area = title
            sections[current] = SectionInfo(current, "heading", title, None, partner, area, leading_number(title))
        elif current == "outside:start" and current not in sections:
            sections[current] = SectionInfo(current, "outside", "Before the first heading", partner=partner)
        owners.append(current)
    return owners


def _segments(blocks: list[Block], owners: list[str]) -> list[Segment]:
    segments: list[Segment] = []
    counts: dict[str, int] = {}
    for block, owner in zip(blocks, owners):
        if segments and segments[-1].owner == owner:
            segments[-1].blocks.append(block)
            continue
        segments.append(Segment(owner, counts.get(owner, 0), [block]))
        counts[owner] = counts.get(owner, 0) + 1
    return segments


def review_package(package: DocxPackage, *, force_headings: bool = False) -> ReviewDocument:
    """Read an opened package into a :class:`ReviewDocument` (tracked changes accepted).

    ``force_headings`` ignores tracked sections and splits at headings (used when only one side of a
    comparison carries section IDs).
    """
    root = accept_all(copy.deepcopy(package.xml(package.main_part_name())))
    body = root.find(f"{_W}body")
    properties = read_custom_properties(package)
    names = {k: v for k, v in properties.items() if k.startswith("sb_")}
    partner = properties.get(f"{STAMP_PREFIX}partner") or None
    draft = properties.get(f"{STAMP_PREFIX}draft") or None
    blocks = read_blocks(body, heading_styles(package)) if body is not None else []
    sections: dict[str, SectionInfo] = {}
    owners = None if force_headings or not names else _tracked_owners(root, blocks, names, sections)
    tracked = owners is not None
    if owners is None:
        sections.clear()
        stem = Path(package.source).stem if package.source != "<memory>" else None
        partner = partner or stem
        owners = _heading_owners(blocks, sections, partner)
    elif partner is None:
        partner = next((s.partner for s in sections.values() if s.partner), None)
    return ReviewDocument(package.source, partner, draft, tracked, sections, _segments(blocks, owners), package, root)


def read_document(path: Path | str | bytes, *, source: str | None = None,
                  force_headings: bool = False) -> ReviewDocument:
    """Read a .docx (a path or its bytes) as untrusted input; raises ``UntrustedDocumentError`` naming it."""
    if isinstance(path, bytes):
        package = DocxPackage.from_bytes(path, source=source or "<memory>")
    else:
        package = DocxPackage.open(path)
    return review_package(package, force_headings=force_headings)


__all__ = ["Block", "Cell", "Paragraph", "ReviewDocument", "Row", "SectionInfo", "Segment", "Table",
           "block_text", "iter_paragraphs", "leading_number", "paragraph_texts", "read_blocks", "read_document",
           "review_package"]
