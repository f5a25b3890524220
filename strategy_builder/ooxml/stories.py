"""The stories of a document (body, headers, footers, footnotes, endnotes) and where an element sits in them.

:class:`Locator` turns an element of any story into a body paragraph index (footnotes and endnotes count
as the paragraph that references them) and the nearest preceding heading; the comment and tracked-change
readers share it.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from strategy_builder.ooxml.bookmarks import body_paragraphs
from strategy_builder.ooxml.namespaces import W
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.text import OUTLINE_LVL, P, PPR, PSTYLE

_W = f"{{{W}}}"
COMMENT_START, COMMENT_END, COMMENT_REF = f"{_W}commentRangeStart", f"{_W}commentRangeEnd", f"{_W}commentReference"
FOOTNOTE_REF, ENDNOTE_REF = f"{_W}footnoteReference", f"{_W}endnoteReference"

BETWEEN_PARAGRAPHS = (COMMENT_START, COMMENT_END, COMMENT_REF, f"{_W}tr", f"{_W}tblPrChange", f"{_W}tblGridChange",
                      f"{_W}sectPrChange", f"{_W}moveFromRangeStart", f"{_W}moveToRangeStart")
STORY_RELATIONSHIPS = (("header", "/header"), ("footer", "/footer"), ("footnote", "/footnotes"),
                       ("endnote", "/endnotes"))


def checked_xml(package: DocxPackage, name: str) -> etree._Element:
    """Part ``name`` parsed within the budgets of :mod:`strategy_builder.ooxml.parser` (size, elements, no
    DOCTYPE in any encoding); a missing or refused part raises :class:`UntrustedDocumentError`."""
    return package.xml(name)


@dataclass(frozen=True, slots=True)
class Story:
    """One flow of text: ``body``, ``header``, ``footer``, ``footnote`` or ``endnote``, and its part."""

    kind: str
    part: str
    root: etree._Element


def document_stories(package: DocxPackage) -> list[Story]:
    """The main document and every header, footer, footnotes and endnotes part it relates to."""
    main = package.main_part_name()
    stories = [Story("body", main, checked_xml(package, main))]
    for kind, suffix in STORY_RELATIONSHIPS:
        for name in package.part_of_type(suffix):
            stories.append(Story(kind, name, checked_xml(package, name)))
    return stories


@dataclass(frozen=True, slots=True)
class Place:
    """Where an anchor sits: its story and part, and the body paragraph it belongs to (``None``: none)."""

    story: str
    part: str
    paragraph: int | None


def _heading_styles(package: DocxPackage) -> set[str]:
    """Style ids that are headings, by name ("heading 1", "Title") or outline level, whatever the language."""
    names = package.part_of_type("/styles")
    if not names:
        return set()
    result = set()
    for style in checked_xml(package, names[0]).iter(f"{_W}style"):
        name = style.find(f"{_W}name")
        label = (name.get(f"{_W}val", "") if name is not None else "").lower()
        ppr = style.find(PPR)
        outline = ppr.find(OUTLINE_LVL) if ppr is not None else None
        if label.startswith("heading") or label == "title" or (
                outline is not None and outline.get(f"{_W}val", "9") not in ("9", "")):
            result.add(style.get(f"{_W}styleId", ""))
    return result


def _is_heading(paragraph: etree._Element, heading_styles: set[str]) -> bool:
    ppr = paragraph.find(PPR)
    if ppr is None:
        return False
    style = ppr.find(PSTYLE)
    if style is not None and (style.get(f"{_W}val", "") in heading_styles
                              or style.get(f"{_W}val", "").lower().startswith("heading")):
        return True
    outline = ppr.find(OUTLINE_LVL)
    return outline is not None and outline.get(f"{_W}val", "9") != "9"


class Locator:
    """Maps elements of a document's stories to body paragraphs and nearest headings."""

    def __init__(self, package: DocxPackage, stories: list[Story]) -> None:
        self.stories = stories
        body = stories[0].root
        self.paragraphs = body_paragraphs(body)
        self._index = {id(p.element): p.index for p in self.paragraphs}
        styles = _heading_styles(package)
        self._headings: list[str] = []
        current = ""
        for paragraph in self.paragraphs:
            if paragraph.text.strip() and _is_heading(paragraph.element, styles):
                current = " ".join(paragraph.text.split())
            self._headings.append(current)
        # Anchors between paragraphs (body-level comment ranges, table rows, table property changes)
        # belong to the next paragraph; found in one pass, because a search per anchor is quadratic.
        self._next: dict[int, int] = {}
        self._between: list[etree._Element] = []  # holds the proxies, so that their ids stay valid
        pending: list[etree._Element] = []
        for element in body.iter(*BETWEEN_PARAGRAPHS, P):
            if element.tag == P:
                index = self._index.get(id(element))
                if index is not None:
                    self._next.update((id(e), index) for e in pending)
                    pending.clear()
            elif (parent := element.getparent()) is None or parent.tag != P:
                pending.append(element)
                self._between.append(element)
        # A footnote or endnote belongs to the body paragraph that references it.
        self._notes: dict[tuple[str, str], int] = {}
        for tag, kind in ((FOOTNOTE_REF, "footnote"), (ENDNOTE_REF, "endnote")):
            for reference in body.iter(tag):
                index = self.paragraph_index(reference)
                if index is not None:
                    self._notes.setdefault((kind, reference.get(f"{_W}id", "")), index)

    def paragraph_index(self, element: etree._Element) -> int | None:
        """The body paragraph containing ``element``, or the next one when it sits between paragraphs."""
        node: etree._Element | None = element
        while node is not None:
            if node.tag == P and id(node) in self._index:
                return self._index[id(node)]
            if id(node) in self._next:
                return self._next[id(node)]
            node = node.getparent()
        return len(self.paragraphs) - 1 if self.paragraphs else None

    def place(self, story: Story, element: etree._Element) -> Place:
        """The place of ``element``, which belongs to ``story``."""
        if story.kind == "body":
            return Place("body", story.part, self.paragraph_index(element))
        if story.kind in ("footnote", "endnote"):
            node: etree._Element | None = element
            while node is not None and node.tag not in (f"{_W}footnote", f"{_W}endnote"):
                node = node.getparent()
            if node is not None:
                key = (story.kind, node.get(f"{_W}id", ""))
                return Place(story.kind, story.part, self._notes.get(key))
        return Place(story.kind, story.part, None)

    def heading(self, paragraph: int | None) -> str:
        """The text of the nearest heading at or before body paragraph ``paragraph`` (``""``: none)."""
        if paragraph is None or not self._headings:
            return ""
        return self._headings[min(max(paragraph, 0), len(self._headings) - 1)]
