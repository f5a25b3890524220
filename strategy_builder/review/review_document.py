"""Any .docx read into a typed model for review: sections (tracked or from headings) holding blocks.

A block is a paragraph (its text with tracked changes accepted) or a table (rows of cells that hold
blocks again). Drafts carry tracked sections (bookmarks ``sb_<hash>`` whose section IDs are stored in
custom properties); documents without them get pseudo-sections that start at each heading. Body content
that no tracked section covers (cover page, the draft's own "changes" table, annexes) forms "outside"
sections, so that it can be reported apart from the sections a partner's inputs produce.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from strategy_builder.ooxml.blocks import Block, Paragraph, iter_paragraphs
from strategy_builder.ooxml.body import DocumentBody, read_body
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.records import ValueRecord

if TYPE_CHECKING:  # a document's tracked sections are read by ooxml.body, and only when it has some
    from strategy_builder.ooxml.bookmarks import FoundSection

SectionKind = Literal["tracked", "heading", "outside"]


class SectionInfo(NamedTuple):
    """A section of a document: tracked (with a section ID), from a heading, or content outside both."""

    key: str
    kind: SectionKind
    title: str
    section_id: str | None = None
    partner: str | None = None
    area: str | None = None
    number: str | None = None


class Segment(NamedTuple):
    """A run of consecutive top-level blocks that belong to one section (a section may have several)."""

    owner: str
    occurrence: int
    blocks: list[Block]

    @property
    def key(self) -> str:
        return f"{self.owner}#{self.occurrence}"


class ReviewDocument(ValueRecord):
    """A .docx as a reviewer sees it: sections in order, each made of segments of blocks."""

    __slots__ = ("source", "partner", "draft", "tracked", "sections", "segments", "body")
    _hidden = ("body",)

    source: str
    partner: str | None
    draft: str | None
    tracked: bool
    sections: dict[str, SectionInfo]
    segments: list[Segment]
    body: DocumentBody
    """The document as the OOXML layer read it (changes accepted); a redline is written from it."""

    def __init__(self, source: str, partner: str | None, draft: str | None, tracked: bool,
                 sections: dict[str, SectionInfo], segments: list[Segment], body: DocumentBody) -> None:
        self.source = source
        self.partner = partner
        self.draft = draft
        self.tracked = tracked
        self.sections = sections
        self.segments = segments
        self.body = body

    def blocks(self) -> list[Block]:
        """Every top-level block in document order."""
        return [b for s in self.segments for b in s.blocks]

    def section_blocks(self, key: str) -> list[Block]:
        """The blocks of one section, over all its segments."""
        return [b for s in self.segments if s.owner == key for b in s.blocks]


# ---------------------------------------------------------------------------------------- sections

_LEADING_NUMBER = re.compile(r"^\s*((?:\d+|[A-Z])(?:\.\d+)*)\.?\s")


def leading_number(title: str) -> str | None:
    """``3.2 Seasonal work`` -> ``3.2``; ``None`` when the title does not start with a number."""
    match = _LEADING_NUMBER.match(title)
    return match.group(1) if match else None


def bare_title(title: str | None) -> str:
    """A heading without its leading number, whitespace collapsed: ``2.3\tBorders`` -> ``Borders``."""
    return " ".join(_LEADING_NUMBER.sub("", title or "", count=1).split())


def number_pattern(number: str) -> re.Pattern[str]:
    """Where a section's number ``2.3`` stands in a text as itself (not inside ``12.3`` or ``2.31``)."""
    literal = re.escape(number)
    # The number first, then what may not stand before it (a look-behind over the number and the character
    # before it): the same matches as ``(?<![\w.])2\.3(?!\d)``, but a pattern that starts with a literal lets
    # the regex engine skip to where the number occurs instead of trying the look-behind at every character
    # (the sections' texts of a 12-partner diff are over three million characters).
    return re.compile(literal + r"(?<![\w.]" + literal + r")(?!\d)")


def parse_section_id(section_id: str) -> tuple[str | None, str | None]:
    """``AM/legal_migration/seasonal-work`` -> (``AM``, ``legal_migration``); situation etc. have no area."""
    parts = section_id.split("/")
    partner = parts[0] if parts else None
    area = parts[1] if len(parts) >= 2 and parts[1] not in ("situation", "key-figures") else None
    return partner, area


def _tracked_owners(blocks: list[Block], found: list[FoundSection],
                    sections: dict[str, SectionInfo]) -> list[str] | None:
    """The innermost tracked section of each top-level block, or ``None`` when nothing is tracked.

    ``found`` are the tracked sections, spanning paragraphs counted as :func:`iter_paragraphs` does.
    """
    if not found:  # a document without tracked sections (any .docx strategy-builder did not make)
        return None
    block_of_paragraph: list[int] = []
    for number, block in enumerate(blocks):
        count = 1 if isinstance(block, Paragraph) else len(list(iter_paragraphs([block])))
        block_of_paragraph.extend([number] * count)
    if not block_of_paragraph:
        return None
    spans: list[tuple[int, int, str]] = []
    for section in found:
        section_id = section.section_id
        assert section_id is not None  # DocumentBody keeps only sections with an ID
        first = block_of_paragraph[section.first_paragraph]
        last = block_of_paragraph[section.last_paragraph]
        partner, area = parse_section_id(section_id)
        sections[section_id] = SectionInfo(section_id, "tracked", section.heading, section_id, partner, area,
                                           leading_number(section.heading))
        spans.append((first, last, section_id))
    # The innermost (shortest) span covering each block, by one pass over each span rather than a look at
    # every span for every block.
    innermost: list[tuple[int, int, str] | None] = [None] * len(blocks)
    for first, last, sid in spans:
        rank = (last - first, -first, sid)
        for number in range(first, last + 1):
            held = innermost[number]
            if held is None or rank < held:
                innermost[number] = rank
    owners: list[str] = []
    previous = "start"
    for number in range(len(blocks)):
        covering = innermost[number]
        if covering is not None:
            owner = covering[2]
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
    for block, owner in zip(blocks, owners, strict=True):  # one owner per block
        if segments and segments[-1].owner == owner:
            segments[-1].blocks.append(block)
            continue
        segments.append(Segment(owner, counts.get(owner, 0), [block]))
        counts[owner] = counts.get(owner, 0) + 1
    return segments


def review_body(body: DocumentBody, *, force_headings: bool = False) -> ReviewDocument:
    """Split a document read by the OOXML layer into sections and segments.

    ``force_headings`` ignores tracked sections and splits at headings (used when only one side of a
    comparison carries section IDs).
    """
    partner = body.stamps.stamps.partner or None
    draft = body.stamps.stamps.draft or None
    blocks = body.blocks
    sections: dict[str, SectionInfo] = {}
    owners = None if force_headings else _tracked_owners(blocks, body.tracked_sections, sections)
    tracked = owners is not None
    if owners is None:
        sections.clear()
        stem = Path(body.source).stem if body.source != "<memory>" else None
        partner = partner or stem
        owners = _heading_owners(blocks, sections, partner)
    elif partner is None:
        partner = next((s.partner for s in sections.values() if s.partner), None)
    return ReviewDocument(body.source, partner, draft, tracked, sections, _segments(blocks, owners), body)


def review_package(package: DocxPackage, *, force_headings: bool = False) -> ReviewDocument:
    """Read an opened package into a :class:`ReviewDocument` (tracked changes accepted)."""
    return review_body(read_body(package), force_headings=force_headings)


def read_document(path: Path | str | bytes, *, source: str | None = None,
                  force_headings: bool = False) -> ReviewDocument:
    """Read a .docx (a path or its bytes) as untrusted input; raises ``UntrustedDocumentError`` naming it."""
    if isinstance(path, bytes):
        package = DocxPackage.from_bytes(path, source=source or "<memory>")
    else:
        package = DocxPackage.open(path)
    return review_package(package, force_headings=force_headings)


__all__ = ["ReviewDocument", "SectionInfo", "Segment", "bare_title", "leading_number", "number_pattern",
           "parse_section_id", "read_document", "review_body", "review_package"]
