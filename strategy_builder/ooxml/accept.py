"""Word's Accept All / Reject All emulated on WordprocessingML, in place.

Used to read a document as its final (accepted) text, and by tests to check the redline invariant:
accepting every change of a redline gives the new draft, rejecting every change gives the old one.

The rules follow what Word does (tests/ooxml/test_accept.py compares them with accepted and rejected
versions of real tracked-change files):
run-level ``w:del``/``w:moveFrom`` disappear and ``w:ins``/``w:moveTo`` are unwrapped on accept (the
reverse on reject); a paragraph whose mark was deleted (accept) or inserted (reject) merges with the
next paragraph; rows marked deleted/inserted disappear; property changes are dropped on accept and
restored on reject.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from strategy_builder.ooxml.namespaces import (
    BR, CELL_DEL, CELL_INS, CELL_MERGE, CR, DEL, DEL_INSTR_TEXT, DEL_TEXT, DRAWING, ENDNOTE_REFERENCE,
    FOOTNOTE_REFERENCE, INS, INSTR_TEXT, MOVE_FROM, MOVE_TO, NO_BREAK_HYPHEN, OBJECT, PICT, PPR, PPR_CHANGE, RPR,
    RPR_CHANGE, SDT, SECT_PR, SYM, TAB, TBL, TC, TCPR, TR, TRPR, P, T, qn,
)
from strategy_builder.ooxml.tree import detach, mark_properties, unwrap

RANGE_MARKERS = tuple(qn(f"w:{n}") for n in (
    "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
    "customXmlInsRangeStart", "customXmlInsRangeEnd", "customXmlDelRangeStart", "customXmlDelRangeEnd",
    "customXmlMoveFromRangeStart", "customXmlMoveFromRangeEnd", "customXmlMoveToRangeStart",
    "customXmlMoveToRangeEnd"))
PROPERTY_CHANGES = tuple(qn(f"w:{n}") for n in (
    "rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange", "tcPrChange", "tblGridChange",
    "tblPrExChange", "numberingChange"))
_TRACKED = (INS, DEL, MOVE_FROM, MOVE_TO, CELL_INS, CELL_DEL, CELL_MERGE, *RANGE_MARKERS, *PROPERTY_CHANGES)
"""Every element a tracked change is made of: a part without any has nothing to accept or reject."""
# Elements that hold text a reader sees; a paragraph without any of them is empty.
_CONTENT = frozenset({T, TAB, BR, CR, NO_BREAK_HYPHEN, SYM, DRAWING, PICT, OBJECT, FOOTNOTE_REFERENCE,
                      ENDNOTE_REFERENCE})

def _is_mark(element: etree._Element) -> bool:
    """A ``w:ins``/``w:del``/move element that marks a paragraph mark or row rather than wrapping runs."""
    parent = element.getparent()
    return parent is not None and parent.tag in (RPR, TRPR)


Selector = Callable[[etree._Element], bool]
"""Which revisions to act on (a ``w:ins``, ``w:del``, move or property change element); ``None``: all of them."""


def _chosen(element: etree._Element, where: Selector | None) -> bool:
    return where is None or where(element)


def _paragraph_mark(paragraph: etree._Element, tags: tuple[str, ...],
                    where: Selector | None = None) -> etree._Element | None:
    rpr = mark_properties(paragraph)
    if rpr is None:
        return None
    return next((child for child in rpr if child.tag in tags and _chosen(child, where)), None)


def _is_block(element: etree._Element) -> bool:
    return element.tag in (P, TBL, SDT)


def _next_block(element: etree._Element) -> etree._Element | None:
    sibling = element.getnext()
    while sibling is not None and not _is_block(sibling) and sibling.tag != SECT_PR:
        sibling = sibling.getnext()
    return sibling if sibling is not None and _is_block(sibling) else None


def _has_content(paragraph: etree._Element) -> bool:
    # The paragraph's properties hold no text: a w:tab there is a tab stop, not a tab.
    return any(element.tag in _CONTENT for child in paragraph if child.tag != PPR for element in child.iter())


def _merge_marked_paragraphs(root: etree._Element, tags: tuple[str, ...], where: Selector | None = None) -> None:
    """Merge every paragraph whose mark carries one of ``tags`` into the following paragraph."""
    if next(root.iter(*tags), None) is None:  # no mark anywhere (most documents): no paragraph to look at
        return
    marked = [p for p in root.iter(P) if _paragraph_mark(p, tags, where) is not None]
    for paragraph in marked:
        detach(_paragraph_mark(paragraph, tags, where))  # type: ignore[arg-type]
        following = _next_block(paragraph)
        parent = paragraph.getparent()
        if following is not None and following.tag == P:
            # The surviving mark is the next paragraph's, so it keeps its own properties.
            insert_at = 1 if following.find(PPR) is not None else 0
            for offset, child in enumerate(c for c in list(paragraph) if c.tag != PPR):
                following.insert(insert_at + offset, child)
            detach(paragraph)
        elif not _has_content(paragraph) and parent is not None:
            # Nothing to merge with (end of a cell or the body, or a table next): an empty paragraph goes,
            # except the last one of a cell, which Word always keeps.
            if parent.tag == TC and len([c for c in parent if c.tag == P]) <= 1:
                continue
            detach(paragraph)


def _drop_rows(root: etree._Element, tags: tuple[str, ...], where: Selector | None = None) -> None:
    for trpr in list(root.iter(TRPR)):
        marks = [child for child in trpr if child.tag in tags and _chosen(child, where)]
        if marks:
            row = trpr.getparent()
            assert row is not None  # a w:trPr inside the part
            detach(row)  # the row
    _drop_rowless_tables(root)


def _drop_rowless_tables(root: etree._Element) -> None:
    for table in list(root.iter(TBL)):
        if next(table.iter(TR), None) is None:  # not find(".//w:tr"): ElementPath costs more than the search
            detach(table)


def _drop_cells(root: etree._Element, drop: str, keep: str, where: Selector | None = None) -> None:
    for tcpr in list(root.iter(TCPR)):
        dropped = tcpr.find(drop)
        if dropped is not None and _chosen(dropped, where):
            cell = tcpr.getparent()
            assert cell is not None  # a w:tcPr inside the part
            detach(cell)
        else:
            for child in tcpr:
                if child.tag in (keep, CELL_MERGE) and _chosen(child, where):
                    tcpr.remove(child)


def _strip_markers(root: etree._Element, tags: tuple[str, ...], where: Selector | None = None) -> None:
    for element in list(root.iter(*tags)):
        if element.tag in RANGE_MARKERS or _chosen(element, where):
            detach(element)


def _apply(root: etree._Element, kept: tuple[str, ...], dropped: tuple[str, ...], where: Selector | None) -> None:
    """Keep the content of ``kept`` revisions, drop that of ``dropped`` ones, then fix marks and rows."""
    for element in list(root.iter(*dropped)):
        if not _is_mark(element) and _chosen(element, where):
            detach(element)
    for element in list(root.iter(*kept)):
        if not _is_mark(element) and _chosen(element, where):
            for text in element.iter(DEL_TEXT, DEL_INSTR_TEXT):
                text.tag = T if text.tag == DEL_TEXT else INSTR_TEXT
            unwrap(element)
    # Content first, marks second: whether a marked paragraph is empty depends on the content kept.
    _merge_marked_paragraphs(root, dropped, where)
    _drop_rows(root, dropped, where)
    for element in list(root.iter(*kept)):
        if _chosen(element, where):
            detach(element)  # only marks are left


def accept_all(root: etree._Element, where: Selector | None = None) -> etree._Element:
    """Accept every tracked change under ``root`` (in place), or those ``where`` chooses; returns ``root``."""
    if next(root.iter(*_TRACKED), None) is None:  # nothing tracked (most documents): no revision to look for
        _drop_rowless_tables(root)
        return root
    _apply(root, (INS, MOVE_TO), (DEL, MOVE_FROM), where)
    _drop_cells(root, CELL_DEL, CELL_INS, where)
    _strip_markers(root, RANGE_MARKERS + PROPERTY_CHANGES, where)
    return root


def _restore_properties(root: etree._Element, where: Selector | None = None) -> None:
    """Put back the properties a ``w:*PrChange`` recorded (Reject All of formatting changes)."""
    for change in list(root.iter(*PROPERTY_CHANGES)):
        if not _chosen(change, where):
            continue
        current = change.getparent()
        old = next((child for child in change if isinstance(child.tag, str)), None)
        if current is None:
            continue
        if old is None or change.tag not in (RPR_CHANGE, PPR_CHANGE):
            detach(change)
            continue
        # Keep what the change record does not cover: a paragraph's mark properties and section break.
        kept = [c for c in current if c.tag in (RPR, SECT_PR)] if current.tag == PPR else []
        for child in list(current):
            current.remove(child)
        for child in list(old):
            current.append(child)
        for child in kept:
            current.append(child)


def reject_all(root: etree._Element, where: Selector | None = None) -> etree._Element:
    """Reject every tracked change under ``root`` (in place), or those ``where`` chooses; returns ``root``.

    ``reject_all(root, where=not_theirs)`` then ``accept_all(root)`` accepts only one reviewer's changes.
    """
    _apply(root, (DEL, MOVE_FROM), (INS, MOVE_TO), where)
    _drop_cells(root, CELL_INS, CELL_DEL, where)
    _restore_properties(root, where)
    _strip_markers(root, RANGE_MARKERS)
    return root


def has_revisions(root: etree._Element) -> bool:
    """Whether ``root`` contains any tracked change."""
    return next(root.iter(INS, DEL, MOVE_FROM, MOVE_TO, CELL_INS, CELL_DEL, *PROPERTY_CHANGES), None) is not None


__all__ = ["Selector", "accept_all", "has_revisions", "reject_all"]
