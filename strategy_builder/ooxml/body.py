"""The main document of a .docx as a reader of its content sees it: typed blocks with every change accepted.

:func:`read_body` is what the review layer reads a document through: the paragraphs and tables (with
heading levels), the spans of its tracked sections over those paragraphs, and its stamps. The XML stays
here; the one thing done with it later, writing a redline, is :func:`strategy_builder.ooxml.redline.redline`,
which takes this object back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from strategy_builder.ooxml.accept import accept_all
from strategy_builder.ooxml.blocks import Block, Paragraph, body_of, iter_paragraphs, read_blocks
from strategy_builder.ooxml.bookmarks import FoundParagraph, FoundSection, find_sections
from strategy_builder.ooxml.headings import HeadingStyles
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.stamps import DocumentStamps, read_stamps


@dataclass(slots=True, eq=False)
class DocumentBody:
    """The blocks of a document's main part (changes accepted), its tracked sections and its stamps.

    ``paragraphs`` are every paragraph of ``blocks`` in reading order (table cells included);
    ``tracked_sections`` span indices into them. ``package`` and ``accepted_root`` are what a redline is
    written from (see :mod:`strategy_builder.ooxml.redline`).
    """

    source: str
    blocks: list[Block]
    paragraphs: list[Paragraph]
    tracked_sections: list[FoundSection]
    """Sections whose bookmark names map to a section ID, in order of their start."""
    stamps: DocumentStamps
    package: DocxPackage = field(repr=False)
    accepted_root: etree._Element = field(repr=False)
    """A private copy of the main part with every tracked change accepted; ``blocks`` point into it."""


def read_body(package: DocxPackage) -> DocumentBody:
    """Read the main document of ``package`` with every tracked change accepted."""
    root = accept_all(package.parse(package.main_part_name()))  # a private tree: parsed, not copied
    body = body_of(root)
    blocks = read_blocks(body, HeadingStyles.of(package)) if body is not None else []
    paragraphs = list(iter_paragraphs(blocks))
    stamps = read_stamps(package)
    tracked: list[FoundSection] = []
    if stamps.sections and paragraphs:
        # read_blocks gives every paragraph its element; the spans are counted over these paragraphs.
        found = [FoundParagraph(index, p.text, p.style, None, p.element)
                 for index, p in enumerate(paragraphs) if p.element is not None]
        if len(found) == len(paragraphs):
            tracked = [s for s in find_sections(root, stamps.sections, found) if s.section_id]
    return DocumentBody(package.source, blocks, paragraphs, tracked, stamps, package, root)


__all__ = ["DocumentBody", "read_body"]
