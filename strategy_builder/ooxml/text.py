"""The text of WordprocessingML: paragraphs in document order, as a reader sees them with changes accepted."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from strategy_builder.ooxml.namespaces import W

_W = f"{{{W}}}"
P, R, T, TAB, BR, CR = (f"{_W}{n}" for n in ("p", "r", "t", "tab", "br", "cr"))
DEL, MOVE_FROM, INS, MOVE_TO = (f"{_W}{n}" for n in ("del", "moveFrom", "ins", "moveTo"))
TBL, TC, TR, SDT = (f"{_W}{n}" for n in ("tbl", "tc", "tr", "sdt"))
PPR, PSTYLE, OUTLINE_LVL = f"{_W}pPr", f"{_W}pStyle", f"{_W}outlineLvl"
DEL_TEXT, INSTR_TEXT, NO_BREAK_HYPHEN, SOFT_HYPHEN = (f"{_W}{n}" for n in (
    "delText", "instrText", "noBreakHyphen", "softHyphen"))
FLD_CHAR = f"{_W}fldChar"


def paragraph_text(paragraph: etree._Element, *, accepted: bool = True) -> str:
    """The text of one paragraph; ``accepted`` shows insertions and hides deletions (Word's final view).

    With ``accepted=False`` the original view is returned: deletions shown, insertions hidden.
    Field codes are skipped; field results are kept.
    """
    pieces: list[str] = []
    skip_depth_tags = (DEL, MOVE_FROM) if accepted else (INS, MOVE_TO)
    # One entry per open field: True while in its code (before 'separate'), False in its result. A field
    # may end without a separator (no result), so 'end' closes it either way.
    fields: list[bool] = []

    def walk(element: etree._Element) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag in skip_depth_tags:
                continue
            if tag == P:  # nested paragraphs (text boxes) are separate paragraphs
                continue
            if tag == FLD_CHAR:
                kind = child.get(f"{_W}fldCharType")
                if kind == "begin":
                    fields.append(True)
                elif kind == "separate" and fields:
                    fields[-1] = False
                elif kind == "end" and fields:
                    fields.pop()
                continue
            if tag == T or (tag == DEL_TEXT and not accepted):
                if not any(fields):
                    pieces.append(child.text or "")
            elif tag == TAB:
                if element.tag == R:
                    pieces.append("\t")
            elif tag in (BR, CR):
                pieces.append("\n")
            elif tag == NO_BREAK_HYPHEN:
                pieces.append("-")
            elif tag == INSTR_TEXT:
                continue
            else:
                walk(child)

    walk(paragraph)
    return "".join(pieces)


def visible_text(root: etree._Element) -> str:
    """All the text of a part (``w:t`` only, no deleted text), pieces joined by spaces: for word counts."""
    return " ".join(t.text or "" for t in root.iter(T))


def style_id(paragraph: etree._Element) -> str:
    """The paragraph's style id, or ``""``."""
    ppr = paragraph.find(PPR)
    if ppr is None:
        return ""
    style = ppr.find(PSTYLE)
    return style.get(f"{_W}val", "") if style is not None else ""


@dataclass(frozen=True, slots=True)
class TableCellRef:
    """Where a paragraph sits in a table: table index in the body, row and cell (0-based)."""

    table: int
    row: int
    cell: int


def iter_paragraphs(body: etree._Element) -> Iterator[tuple[etree._Element, TableCellRef | None]]:
    """Every paragraph in reading order, with its table cell when it is inside a (top-level) table.

    Paragraphs of nested tables report the outer table's cell; paragraphs inside text boxes follow the
    paragraph that holds them. One pass over the tree.
    """
    table_counter = [-1]

    def walk(node: etree._Element, cell: TableCellRef | None) -> Iterator[tuple[etree._Element, TableCellRef | None]]:
        for child in node:
            tag = child.tag
            if tag == P:
                yield child, cell
                for nested in child.iterdescendants(P):
                    yield nested, cell
            elif tag == TBL:
                if cell is None:
                    table_counter[0] += 1
                for row_index, row in enumerate(_children_through_wrappers(child, TR)):
                    for cell_index, table_cell in enumerate(_children_through_wrappers(row, TC)):
                        yield from walk(table_cell, cell or TableCellRef(table_counter[0], row_index, cell_index))
            elif isinstance(tag, str) and len(child):
                yield from walk(child, cell)

    yield from walk(body, None)


_WRAPPERS = frozenset({SDT, f"{_W}sdtContent", f"{_W}customXml", INS, DEL, MOVE_TO, MOVE_FROM})


def _children_through_wrappers(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children with ``tag``, looking through content-control and revision wrappers."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children_through_wrappers(child, tag)
