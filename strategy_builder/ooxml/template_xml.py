"""The XML text of a Word template's parts as the template engine sees it (Jinja source written as XML).

The render layer compiles each templated part as a Jinja template; what it needs to know about the XML
around the Jinja tags is answered here, so that no regular expression over XML lives above this layer:
the part's text, where paragraphs begin (one per line, so that Jinja's line numbers point at a
paragraph), which parts use docxtpl's table-cell loops or its listing characters, and the visible text
near a line for an error message.
"""

from __future__ import annotations

import re

from lxml import etree

from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.parser import XmlRefused

_PARAGRAPH_OPEN = re.compile(r"<w:p([ >])")
_LISTING_CHARACTERS = re.compile(r"<w:t[ >][^<]*[\t\a\n\f]")
_TAG = re.compile(r"<[^>]+>")
_CELL_LOOP = re.compile(r"\{%-?\s*tc\s")


def part_text(package: DocxPackage, name: str) -> str:
    """Part ``name`` parsed strictly, within the package's tag budget, and written back as text (raises
    ``XmlRefused`` naming the part)."""
    try:
        root = package.parse(name)
    except UntrustedDocumentError as error:
        raise XmlRefused(error.reason) from error
    return etree.tostring(root, encoding="unicode")


def element_text(element: etree._Element) -> str:
    """An element (as docxtpl hands one back) as XML text."""
    return etree.tostring(element, encoding="unicode")


def has_cell_loops(xml: str) -> bool:
    """Whether the part's text (tags stripped, so split runs join up) holds a docxtpl ``{%tc ...%}`` loop."""
    return _CELL_LOOP.search(_TAG.sub("", xml)) is not None


def paragraphs_on_lines(source: str) -> str:
    """Start every paragraph on a line of its own, so that Jinja's line numbers point at a paragraph."""
    return _PARAGRAPH_OPEN.sub(r"\n<w:p\1", source)


def paragraphs_joined(xml: str) -> str:
    """Undo :func:`paragraphs_on_lines` on the rendered part."""
    return xml.replace("\n<w:p", "<w:p")


def has_listing_characters(xml: str) -> bool:
    """Whether a text run holds a tab, a bell, a line or a form feed (docxtpl's listing feature turns them
    into Word's tabs and breaks)."""
    # str.__contains__ is a fast scan; the pattern only runs when one of the characters is there at all.
    return any(character in xml for character in "\t\a\n\f") and _LISTING_CHARACTERS.search(xml) is not None


def text_near_line(source: str, line: int | None) -> str:
    """The visible text (tags stripped) around ``line`` of a part's source, to show where an error is."""
    if line is None:
        return ""
    lines = source.splitlines()
    window = lines[max(line - 2, 0): line + 1]
    text = _TAG.sub("", " ".join(window))
    return re.sub(r"\s+", " ", text).strip()[:200]


__all__ = ["element_text", "has_cell_loops", "has_listing_characters", "paragraphs_joined", "paragraphs_on_lines",
           "part_text", "text_near_line"]
