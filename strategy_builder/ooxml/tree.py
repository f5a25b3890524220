"""Edits of the element tree that accepting, rejecting, copying and carrying content all need."""

from __future__ import annotations

from lxml import etree


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


__all__ = ["unwrap"]
