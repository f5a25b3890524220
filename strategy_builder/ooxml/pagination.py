"""Pagination: short tables stay on one page (decided after rendering), and the fonts a layout depends on."""

from __future__ import annotations

from lxml import etree

from strategy_builder.ooxml.namespaces import W
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.parser import parse_xml

_W = f"{{{W}}}"
SHORT_TABLE_ROWS = 8
"""Tables of at most this many rows (the header included) are never split across pages."""


def keep_short_tables_together(document: etree._Element, max_rows: int = SHORT_TABLE_ROWS) -> int:
    """Give every paragraph in the rows of a short table but its last row "keep with next", so that Word
    and LibreOffice move the whole table to the next page rather than split it (rows already never split:
    the table style says so). Returns the number of tables changed."""
    changed = 0
    for table in document.iter(f"{_W}tbl"):
        rows = [row for row in table if row.tag == f"{_W}tr"]
        if len(rows) < 2 or len(rows) > max_rows:
            continue
        for row in rows[:-1]:
            for paragraph in row.iter(f"{_W}p"):
                _keep_next(paragraph)
        changed += 1
    return changed


# CT_PPrBase children that come before w:keepNext (only the style).
def _keep_next(paragraph: etree._Element) -> None:
    properties = paragraph.find(f"{_W}pPr")
    if properties is None:
        properties = etree.Element(f"{_W}pPr")
        paragraph.insert(0, properties)
    if properties.find(f"{_W}keepNext") is not None:
        return
    style = properties.find(f"{_W}pStyle")
    keep = etree.Element(f"{_W}keepNext")
    if style is not None:
        style.addnext(keep)
    else:
        properties.insert(0, keep)


def style_fonts(package: DocxPackage) -> set[str]:
    """The fonts a document's styles name (``w:rFonts/@w:ascii``, the document defaults included): what
    its pages depend on."""
    if not package.has("word/styles.xml"):
        return set()
    root = parse_xml(package.parts["word/styles.xml"], part="word/styles.xml")
    return {value.strip() for element in root.iter(f"{_W}rFonts")
            if (value := element.get(f"{_W}ascii")) is not None and value.strip()}
