"""A cell of a worksheet (SpreadsheetML): its address (``AB12``), its value as read, and a new value written
into it.

A cell is read as text: a shared string, an inline string, or a number or a formula's cached value as its
digits (a formula without a cached value reads as ``""``, marked as a formula). The tool writes text as an
inline string (``t="inlineStr"``, so that the shared-strings part is never rewritten) and a number as a
value; it never writes a formula.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from lxml import etree

from strategy_builder.ooxml.namespaces import XML

SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
"""The SpreadsheetML namespace."""
_S = f"{{{SML}}}"
ROW, CELL, VALUE, FORMULA, INLINE, TEXT, RUN, PHONETIC = (f"{_S}{n}" for n in ("row", "c", "v", "f", "is", "t", "r",
                                                                                "rPh"))
XML_SPACE = f"{{{XML}}}space"

MAX_CELL_CHARS = 32_767
"""Excel's own limit for the text of a cell; longer text is cut when written."""

CELL_REFERENCE = re.compile(r"^([A-Za-z]{1,3})(\d+)$")
"""A cell's address: its column letters and its row number (``AB12``)."""
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def column_index(letters: str) -> int:
    """``A`` -> 0, ``AB`` -> 27."""
    number = 0
    for character in letters.upper():
        number = number * 26 + ord(character) - 64
    return number - 1


def column_letters(index: int) -> str:
    """0 -> ``A``, 27 -> ``AB``."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class SheetCell(NamedTuple):
    """A cell as read: its text (a formula's cached value, or ``""`` without one), and its style index."""

    column: int
    text: str
    formula: bool
    style: str | None


class NewCell(NamedTuple):
    """A cell the tool writes: text (an inline string) or a number, with an optional style index."""

    text: str
    number: bool = False
    style: str | None = None


_COLUMNS: dict[str, int] = {}


def cell_column(cell: etree._Element, previous: int) -> int:
    """The column (0-based) of a ``<c>`` element: from its address, else the one after ``previous`` (a cell
    may leave out its ``r``)."""
    reference = cell.get("r")
    if not reference:
        return previous + 1
    letters = reference.rstrip("0123456789")
    column = _COLUMNS.get(letters)
    if column is None:
        if not CELL_REFERENCE.match(reference):
            return previous + 1
        column = _COLUMNS.setdefault(letters, column_index(letters))
    return column


def read_cell(cell: etree._Element, column: int, strings: list[str]) -> SheetCell:
    """A ``<c>`` element as read: its text (a shared string from ``strings``, an inline string, or a value or
    a formula's cached value as written), whether it holds a formula, and its style index."""
    formula = False
    value: str | None = None
    inline: etree._Element | None = None
    for child in cell:  # children by tag, rather than three searches per cell
        tag = child.tag
        if tag == VALUE:
            value = child.text
        elif tag == FORMULA:
            formula = True
        elif tag == INLINE:
            inline = child
    kind = cell.get("t")
    if kind == "inlineStr":
        text = string_item(inline) if inline is not None else ""
    elif value is None:
        text = ""
    elif kind == "s":
        try:
            text = strings[int(value)]
        except (ValueError, IndexError):
            text = ""
    else:
        text = value
    return SheetCell(column, text, formula, cell.get("s"))


def string_item(item: etree._Element) -> str:
    """The text of a shared string or inline string (``<t>`` directly or in rich-text runs; phonetic
    runs left out)."""
    pieces: list[str] = []
    for child in item:
        if child.tag == TEXT:
            return child.text or ""
        if child.tag == RUN:
            pieces.extend(t.text or "" for t in child if t.tag == TEXT)
    return "".join(pieces)


def clean_text(text: str) -> str:
    """``text`` as a cell can hold it: characters XML cannot carry left out, cut to :data:`MAX_CELL_CHARS`."""
    return _ILLEGAL.sub("", text)[:MAX_CELL_CHARS]


def escape_text(text: str) -> str:
    """``text`` escaped for the content of an element."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fill_cell(cell: etree._Element, new: NewCell) -> None:
    """Replace what a ``<c>`` element holds with ``new``: a number as a value, text as an inline string."""
    for child in list(cell):
        cell.remove(child)
    if new.number:
        if "t" in cell.attrib:
            del cell.attrib["t"]
        etree.SubElement(cell, VALUE).text = new.text
        return
    cell.set("t", "inlineStr")
    inline = etree.SubElement(cell, INLINE)
    text = etree.SubElement(inline, TEXT)
    text.text = clean_text(new.text)
    text.set(XML_SPACE, "preserve")


__all__ = ["CELL", "CELL_REFERENCE", "FORMULA", "INLINE", "MAX_CELL_CHARS", "NewCell", "PHONETIC", "ROW", "RUN", "SML",
           "SheetCell", "TEXT", "VALUE", "XML_SPACE", "cell_column", "clean_text", "column_index", "column_letters",
           "escape_text", "fill_cell", "read_cell", "string_item"]
