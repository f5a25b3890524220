"""Writing WordprocessingML that python-docx has no API for: fields, cell shading, header rows, alt text.

Used by documents that are assembled in code rather than from a template (the regional overview). Each
function takes the lxml element python-docx exposes (``paragraph._p``, ``cell._tc``, ``row._tr``) and changes
it in place; no caller above this layer writes raw XML.
"""

from __future__ import annotations

from lxml import etree

from strategy_builder.ooxml.namespaces import (
    CT, FLD_CHAR, FLD_CHAR_TYPE, INSTR_TEXT, PKG_REL, RPR, TAB, VAL, XML_SPACE, R, T, qn,
)
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.parser import parse_xml, serialize

DOC_PR = qn("wp:docPr")


def _child(parent: etree._Element, tag: str, *, first: bool = False) -> etree._Element:
    element = parent.find(qn(f"w:{tag}"))
    if element is None:
        element = etree.Element(qn(f"w:{tag}"))
        if first:
            parent.insert(0, element)
        else:
            parent.append(element)
    return element


def _run(text: str | None = None, *, field_char: str | None = None, instruction: str | None = None,
         properties: etree._Element | None = None) -> etree._Element:
    run = etree.Element(R)
    if properties is not None:
        run.append(etree.fromstring(etree.tostring(properties)))
    if field_char is not None:
        etree.SubElement(run, FLD_CHAR).set(FLD_CHAR_TYPE, field_char)
    if instruction is not None:
        element = etree.SubElement(run, INSTR_TEXT)
        element.set(XML_SPACE, "preserve")
        element.text = f" {instruction} "
    if text is not None:
        element = etree.SubElement(run, T)
        element.set(XML_SPACE, "preserve")
        element.text = text
    return run


def append_field(paragraph: etree._Element, instruction: str, cached: str) -> None:
    """Append a complex field (``PAGE``, ``NUMPAGES``, ``PAGEREF name \\h``) showing ``cached`` until updated.

    The runs copy the formatting of the paragraph's last run, if any.
    """
    runs = paragraph.findall(R)
    properties = runs[-1].find(RPR) if runs else None
    for run in (_run(field_char="begin", properties=properties), _run(instruction=instruction, properties=properties),
                _run(field_char="separate", properties=properties), _run(cached, properties=properties),
                _run(field_char="end", properties=properties)):
        paragraph.append(run)


def append_tab(paragraph: etree._Element) -> None:
    """Append a tab character (``w:tab``) in a run of its own."""
    run = etree.SubElement(paragraph, R)
    etree.SubElement(run, TAB)


def shade_cell(cell: etree._Element, fill: str) -> None:
    """Fill a table cell (``w:tc``) with the colour ``fill`` (``RRGGBB``)."""
    properties = _child(cell, "tcPr", first=True)
    shading = _child(properties, "shd")
    shading.set(VAL, "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)


def repeat_header_row(row: etree._Element) -> None:
    """Repeat a table row (``w:tr``) at the top of every page the table runs over, and never split it."""
    properties = _child(row, "trPr", first=True)
    _child(properties, "cantSplit")
    _child(properties, "tblHeader")


def keep_row_together(row: etree._Element) -> None:
    """A table row (``w:tr``) is never split across pages."""
    _child(_child(row, "trPr", first=True), "cantSplit")


def bottom_border(paragraph: etree._Element, colour: str, size_eighths: int = 6) -> None:
    """A single rule under a paragraph (``w:p``), as a letter separates its heading fields from its text."""
    properties = _child(paragraph, "pPr", first=True)
    borders = _child(properties, "pBdr")
    bottom = _child(borders, "bottom")
    bottom.set(VAL, "single")
    bottom.set(qn("w:sz"), str(size_eighths))
    bottom.set(qn("w:space"), "4")
    bottom.set(qn("w:color"), colour)
    # CT_PPr's children have a fixed order (ECMA-376 17.3.1.26): pBdr comes after the style and keep/frame
    # settings and before shading, tabs and spacing.
    rank = {qn(f"w:{name}"): index for index, name in enumerate(_PARAGRAPH_PROPERTY_ORDER)}
    for child in sorted(properties, key=lambda child: rank.get(child.tag, len(rank))):
        properties.append(child)


_PARAGRAPH_PROPERTY_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr", "suppressLineNumbers",
    "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct",
    "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
    "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
    "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")


def table_borders(table: etree._Element, colour: str, size_eighths: int = 4) -> None:
    """Single-line borders of ``colour`` around and inside a table (``w:tbl``)."""
    properties = _child(table, "tblPr", first=True)
    existing = properties.find(qn("w:tblBorders"))
    if existing is not None:
        properties.remove(existing)
    borders = etree.SubElement(properties, qn("w:tblBorders"))
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = etree.SubElement(borders, qn(f"w:{side}"))
        element.set(VAL, "single")
        element.set(qn("w:sz"), str(size_eighths))
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), colour)
    _reorder_table_properties(properties)


_TABLE_PROPERTY_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
                         "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
                         "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")


def _reorder_table_properties(properties: etree._Element) -> None:
    # CT_TblPr's children have a fixed order (ECMA-376 17.4.60); Word rejects a table out of order.
    rank = {qn(f"w:{name}"): index for index, name in enumerate(_TABLE_PROPERTY_ORDER)}
    children = sorted(properties, key=lambda child: rank.get(child.tag, len(rank)))
    for child in children:
        properties.append(child)


def describe_table(table: etree._Element, caption: str, description: str) -> None:
    """A table's title and description for screen readers (``w:tblCaption``, ``w:tblDescription``)."""
    properties = _child(table, "tblPr", first=True)
    _child(properties, "tblCaption").set(VAL, caption)
    _child(properties, "tblDescription").set(VAL, description)
    _reorder_table_properties(properties)


def describe_pictures(paragraph: etree._Element, title: str, description: str) -> None:
    """Alt text of every picture in a paragraph (``wp:docPr`` ``title`` and ``descr``)."""
    for properties in paragraph.iter(DOC_PR):
        properties.set("title", title)
        properties.set("descr", description)


def drop_part(package: DocxPackage, part_name: str) -> None:
    """Remove a package-level part (``docProps/thumbnail.jpeg``) with its relationship and content type."""
    if part_name not in package.parts:
        return
    del package.parts[part_name]
    rels = parse_xml(package.parts["_rels/.rels"], part="_rels/.rels")
    for rel in list(rels.iter(f"{{{PKG_REL}}}Relationship")):
        if rel.get("Target", "").lstrip("/") == part_name:
            rels.remove(rel)
    package.parts["_rels/.rels"] = serialize(rels)
    types = parse_xml(package.parts["[Content_Types].xml"], part="[Content_Types].xml")
    for override in list(types.iter(f"{{{CT}}}Override")):
        if override.get("PartName") == "/" + part_name:
            types.remove(override)
    package.parts["[Content_Types].xml"] = serialize(types)
