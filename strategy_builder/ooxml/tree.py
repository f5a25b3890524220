"""Edits of the element tree that accepting, rejecting, copying and carrying content all need."""

from __future__ import annotations

from lxml import etree

from strategy_builder.ooxml.namespaces import PPR, PPR_CHANGE, RPR, SECT_PR


def unwrap(element: etree._Element) -> None:
    """Put ``element``'s children where it stands, in order, and drop it (a ``w:ins`` accepted, a hyperlink
    whose target is not carried). An element without a parent is left as it is."""
    parent = element.getparent()
    if parent is None:
        return
    position = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(position + offset, child)
    parent.remove(element)


def mark_properties(paragraph: etree._Element) -> etree._Element | None:
    """The run properties of the paragraph's mark (``w:pPr/w:rPr``), where a revision of the paragraph
    itself (inserted, deleted, moved) is recorded; ``None`` when it has none."""
    properties = paragraph.find(PPR)
    return properties.find(RPR) if properties is not None else None


def add_mark_properties(paragraph: etree._Element) -> etree._Element:
    """The run properties of the paragraph's mark, made where the schema puts them when missing: ``w:pPr``
    first in the paragraph, ``w:rPr`` before its ``w:sectPr`` and ``w:pPrChange``."""
    properties = paragraph.find(PPR)
    if properties is None:
        properties = etree.Element(PPR)
        paragraph.insert(0, properties)
    mark = properties.find(RPR)
    if mark is None:
        mark = etree.Element(RPR)
        tail = next((child for child in properties if child.tag in (SECT_PR, PPR_CHANGE)), None)
        if tail is not None:
            tail.addprevious(mark)
        else:
            properties.append(mark)
    return mark


__all__ = ["add_mark_properties", "mark_properties", "unwrap"]


def detach(element: etree._Element) -> None:
    """Take ``element`` out of its parent (an element without one is left as it is)."""
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)
