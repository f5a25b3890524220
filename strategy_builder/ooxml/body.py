"""A .docx as a reader of its content sees it: typed blocks with every change accepted, in every story.

:func:`read_body` is what the review layer reads a document through: the paragraphs and tables of the main
document (with heading levels and the objects they hold: text boxes, footnotes and endnotes, pictures,
equations, and what is not compared), the spans of its tracked sections over those paragraphs, its stamps,
the headers and footers each section of the document shows, and how many comments it has. The XML stays
here; the one thing done with it later, writing a redline, is :mod:`strategy_builder.ooxml.redline`, which
takes this object back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from lxml import etree

from strategy_builder.ooxml.accept import accept_all
from strategy_builder.ooxml.blocks import Block, Paragraph, body_of, iter_paragraphs, read_blocks
from strategy_builder.ooxml.headings import HeadingStyles
from strategy_builder.ooxml.namespaces import (
    COMMENT, EVEN_AND_ODD_HEADERS, FOOTER_REFERENCE, HEADER_REFERENCE, R_ID, SECT_PR, TITLE_PG, TYPE, VAL,
)
from strategy_builder.ooxml.objects import NoteIndex, ObjectReader
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.properties import settings_part
from strategy_builder.ooxml.stamps import DocumentStamps, read_stamps
from strategy_builder.records import Record

if TYPE_CHECKING:  # sections are found (and the module loaded) only in a document that has any
    from strategy_builder.ooxml.bookmarks import FoundSection

HeaderKind = Literal["header", "footer"]
HeaderType = Literal["default", "first", "even"]


class HeaderFooter(Record):
    """A header or footer that sections of the document show: its kind, type, sections and blocks."""

    __slots__ = ("kind", "type", "sections", "part", "blocks")

    kind: HeaderKind
    type: HeaderType
    sections: tuple[int, ...]
    """The document's sections (1-based) that show it."""
    part: str
    blocks: list[Block]

    def __init__(self, kind: HeaderKind, type: HeaderType, sections: tuple[int, ...], part: str,
                 blocks: list[Block]) -> None:
        self.kind = kind
        self.type = type
        self.sections = sections
        self.part = part
        self.blocks = blocks

    @property
    def label(self) -> str:
        """``header (default), section 1`` or ``footer (first page), sections 1–3``."""
        kind = {"default": "default", "first": "first page", "even": "even pages"}[self.type]
        first, last = self.sections[0], self.sections[-1]
        where = f"section {first}" if first == last else f"sections {first}–{last}"
        return f"{self.kind} ({kind}), {where}"


class DocumentBody(Record):
    """The blocks of a document's main part (changes accepted), its tracked sections and its stamps; its headers
    and footers, and the number of its comments.

    ``paragraphs`` are every paragraph of ``blocks`` in reading order (table cells included);
    ``tracked_sections`` span indices into them. ``package`` and the accepted roots are what a redline is
    written from (see :mod:`strategy_builder.ooxml.redline`).
    """

    __slots__ = ("source", "blocks", "paragraphs", "tracked_sections", "stamps", "package", "accepted_root",
                 "headers_footers", "comments", "accepted_parts")
    _hidden = ("package", "accepted_root", "accepted_parts")

    source: str
    blocks: list[Block]
    paragraphs: list[Paragraph]
    tracked_sections: list[FoundSection]
    """Sections whose bookmark names map to a section ID, in order of their start."""
    stamps: DocumentStamps
    package: DocxPackage
    accepted_root: etree._Element
    """A private copy of the main part with every tracked change accepted; ``blocks`` point into it."""
    headers_footers: list[HeaderFooter]
    comments: int
    accepted_parts: dict[str, etree._Element]
    """Private copies, changes accepted, of the other parts that blocks point into (notes, headers, footers)."""

    def __init__(self, source: str, blocks: list[Block], paragraphs: list[Paragraph],
                 tracked_sections: list[FoundSection], stamps: DocumentStamps, package: DocxPackage,
                 accepted_root: etree._Element, headers_footers: list[HeaderFooter] | None = None, comments: int = 0,
                 accepted_parts: dict[str, etree._Element] | None = None) -> None:
        self.source = source
        self.blocks = blocks
        self.paragraphs = paragraphs
        self.tracked_sections = tracked_sections
        self.stamps = stamps
        self.package = package
        self.accepted_root = accepted_root
        self.headers_footers = [] if headers_footers is None else headers_footers
        self.comments = comments
        self.accepted_parts = {} if accepted_parts is None else accepted_parts


def _accepted(package: DocxPackage, name: str, copies: dict[str, etree._Element]) -> etree._Element:
    if name not in copies:
        copies[name] = accept_all(package.parse(name))  # a private tree: parsed, not copied
    return copies[name]


def _headers_footers(package: DocxPackage, main: str, root: etree._Element, headings: HeadingStyles,
                     copies: dict[str, etree._Element]) -> list[HeaderFooter]:
    """The headers and footers each section shows (a section without its own continues the previous one's;
    the first-page ones only with ``w:titlePg``, the even-page ones only with ``w:evenAndOddHeaders``)."""
    relations = package.related_parts(main)
    settings = settings_part(package)
    even_pages = False
    if settings is not None:
        flag = package.xml(settings).find(EVEN_AND_ODD_HEADERS)
        even_pages = flag is not None and flag.get(VAL, "true") not in ("0", "false", "off")
    current: dict[tuple[str, str], str] = {}
    shown: dict[tuple[str, str, str], list[int]] = {}
    for number, sect in enumerate((s for s in root.iter(SECT_PR)), start=1):
        for reference in sect:
            if reference.tag not in (HEADER_REFERENCE, FOOTER_REFERENCE):
                continue
            target = relations.get(reference.get(R_ID, ""))
            if target is not None and target[1] in package.parts:
                kind = "header" if reference.tag == HEADER_REFERENCE else "footer"
                current[(kind, reference.get(TYPE, "default"))] = target[1]
        title_page = sect.find(TITLE_PG)
        first = title_page is not None and title_page.get(VAL, "true") not in ("0", "false", "off")
        for (kind, kind_type), part in current.items():
            if (kind_type == "first" and not first) or (kind_type == "even" and not even_pages):
                continue
            if kind_type not in ("default", "first", "even"):
                continue
            shown.setdefault((kind, kind_type, part), []).append(number)
    result = []
    for (kind, kind_type, part), sections in shown.items():
        part_root = _accepted(package, part, copies)
        reader = ObjectReader(package, part, None, lambda c, r: read_blocks(c, headings, r))
        result.append(HeaderFooter(kind, kind_type, tuple(sections), part,  # type: ignore[arg-type]
                                   read_blocks(part_root, headings, reader)))
    result.sort(key=lambda h: (h.sections[0], h.kind, ("default", "first", "even").index(h.type)))
    return result


def _comment_count(package: DocxPackage, main: str) -> int:
    return sum(sum(1 for _ in package.xml(name).iter(COMMENT)) for name in package.part_of_type("/comments", main))


def read_body(package: DocxPackage) -> DocumentBody:
    """Read the main document of ``package`` with every tracked change accepted, and its other stories."""
    main = package.main_part_name()
    root = accept_all(package.parse(main))  # a private tree: parsed, not copied
    body = body_of(root)
    headings = HeadingStyles.of(package)
    copies: dict[str, etree._Element] = {}

    def read(container: etree._Element, reader: ObjectReader) -> list[Block]:
        return read_blocks(container, headings, reader)

    note_parts = {}
    for kind, suffix in (("footnote", "/footnotes"), ("endnote", "/endnotes")):
        names = package.part_of_type(suffix, main)
        if names:
            note_parts[kind] = (names[0], _accepted(package, names[0], copies))
    notes = NoteIndex(note_parts, lambda part, element: read(element, ObjectReader(package, part, None, read)))
    reader = ObjectReader(package, main, notes, read)
    blocks = read_blocks(body, headings, reader) if body is not None else []
    paragraphs = list(iter_paragraphs(blocks))
    stamps = read_stamps(package)
    tracked: list[FoundSection] = []
    if stamps.sections and paragraphs:
        from strategy_builder.ooxml.bookmarks import find_sections

        # read_blocks gives every paragraph its element; the spans are counted over these paragraphs, given as
        # they are (a FoundParagraph made for each was one more object per paragraph of every document).
        if all(p.element is not None for p in paragraphs):
            tracked = [s for s in find_sections(root, stamps.sections, paragraphs) if s.section_id]
    headers = _headers_footers(package, main, root, headings, copies)
    return DocumentBody(package.source, blocks, paragraphs, tracked, stamps, package, root, headers,
                        _comment_count(package, main), copies)


__all__ = ["DocumentBody", "HeaderFooter", "read_body"]
