"""The stories of a document (body, headers, footers, footnotes, endnotes) and where an element sits in them.

:class:`Locator` turns an element of any story into a body paragraph index (footnotes and endnotes count
as the paragraph that references them) and the nearest preceding heading; the comment and tracked-change
readers share it.
"""

from __future__ import annotations

from typing import NamedTuple

from lxml import etree

from strategy_builder.ooxml.bookmarks import body_paragraphs
from strategy_builder.ooxml.headings import HeadingStyles
from strategy_builder.ooxml.namespaces import (
    COMMENT_RANGE_END, COMMENT_RANGE_START, COMMENT_REFERENCE, ENDNOTE, ENDNOTE_REFERENCE, FOOTNOTE, FOOTNOTE_REFERENCE,
    ID, MOVE_FROM_RANGE_START, MOVE_TO_RANGE_START, SECT_PR_CHANGE, TBL_GRID_CHANGE, TBL_PR_CHANGE, TR, P,
)
from strategy_builder.ooxml.package import DocxPackage

BETWEEN_PARAGRAPHS = (COMMENT_RANGE_START, COMMENT_RANGE_END, COMMENT_REFERENCE, TR, TBL_PR_CHANGE, TBL_GRID_CHANGE,
                      SECT_PR_CHANGE, MOVE_FROM_RANGE_START, MOVE_TO_RANGE_START)
STORY_RELATIONSHIPS = (("header", "/header"), ("footer", "/footer"), ("footnote", "/footnotes"),
                       ("endnote", "/endnotes"))


def checked_xml(package: DocxPackage, name: str) -> etree._Element:
    """Part ``name`` parsed within the budgets of :mod:`strategy_builder.ooxml.parser` (size, elements, no
    DOCTYPE in any encoding); a missing or refused part raises :class:`UntrustedDocumentError`."""
    return package.xml(name)


class Story(NamedTuple):
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


class Place(NamedTuple):
    """Where an anchor sits: its story and part, and the body paragraph it belongs to (``None``: none)."""

    story: str
    part: str
    paragraph: int | None


class Locator:
    """Maps elements of a document's stories to body paragraphs and nearest headings."""

    def __init__(self, package: DocxPackage, stories: list[Story]) -> None:
        self.stories = stories
        body = stories[0].root
        self.paragraphs = body_paragraphs(body)
        self._index = {id(p.element): p.index for p in self.paragraphs}
        headings = HeadingStyles.of(package)
        self._headings: list[str] = []
        current = ""
        for paragraph in self.paragraphs:
            if paragraph.text.strip() and headings.level(paragraph.element, paragraph.style) is not None:
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
        for tag, kind in ((FOOTNOTE_REFERENCE, "footnote"), (ENDNOTE_REFERENCE, "endnote")):
            for reference in body.iter(tag):
                index = self.paragraph_index(reference)
                if index is not None:
                    self._notes.setdefault((kind, reference.get(ID, "")), index)

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
            while node is not None and node.tag not in (FOOTNOTE, ENDNOTE):
                node = node.getparent()
            if node is not None:
                key = (story.kind, node.get(ID, ""))
                return Place(story.kind, story.part, self._notes.get(key))
        return Place(story.kind, story.part, None)

    def heading(self, paragraph: int | None) -> str:
        """The text of the nearest heading at or before body paragraph ``paragraph`` (``""``: none)."""
        if paragraph is None or not self._headings:
            return ""
        return self._headings[min(max(paragraph, 0), len(self._headings) - 1)]
