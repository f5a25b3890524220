"""A worksheet's XML read row by row, by content, for the comment register.

A register is a team's working file, so the sheet is never loaded into an object model: its rows are found
in the bytes (every ``<row>`` element, whatever the sheet's ``<dimension>`` claims), each kept as the slice of
the sheet it came from, and a row's cells are parsed only when asked for (a register of 100,000 rows is
mostly read for one or two cells per row). The merged cells and column widths are read from the sheet too.
Writing the sheet back with edits is :mod:`strategy_builder.ooxml.sheet_edits`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import NamedTuple

from lxml import etree

from strategy_builder.ooxml.sheet_cells import (
    CELL, CELL_REFERENCE, SheetCell, cell_column, column_index, read_cell,
)
from strategy_builder.ooxml.workbook import SECURE_PARSING, SpreadsheetRefused, Workbook
from strategy_builder.ooxml.workbook_look import DEFAULT_COLUMN_WIDTH, wrapped_lines

_ROW_PARSER = etree.XMLParser(**SECURE_PARSING)
# A value (<v>) or text (<t>) element with text in it, or a formula (<f>): a row with content.
_CONTENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:(?:v|t)(?:\s[^>]*)?>[^<]|f[\s/>])")
_MERGE_CELL = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\sref=["']([^"']*)["']""")
_ROW_NUMBER = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?row\b[^>]*?\sr=["'](\d+)["']""")


class SheetRow:
    """One ``<row>`` of the sheet, in document order (``index`` counts every row element).

    Its cells are parsed when first asked for, and only those asked for are turned into text: a
    register of 100,000 rows is mostly read for one or two cells per row.
    """

    __slots__ = ("_cells", "_elements", "_sheet", "data", "index", "number")

    def __init__(self, sheet: Sheet, index: int, number: int, data: bytes) -> None:
        self._sheet, self.index, self.number, self.data = sheet, index, number, data
        self._elements: dict[int, etree._Element] | None = None
        self._cells: dict[int, SheetCell] = {}

    def _parsed(self) -> dict[int, etree._Element]:
        if self._elements is None:
            row = self._sheet.parse_row(self.data)
            self._elements = {}
            column = -1
            for cell in row:
                if cell.tag == CELL:
                    column = cell_column(cell, column)
                    self._elements[column] = cell
        return self._elements

    def cell(self, column: int) -> SheetCell | None:
        """The cell in ``column`` (0-based), or ``None`` when the row has none there."""
        if column not in self._cells:
            element = self._parsed().get(column)
            if element is None:
                return None
            self._cells[column] = read_cell(element, column, self._sheet.workbook.shared_strings())
        return self._cells[column]

    @property
    def columns(self) -> list[int]:
        """The columns (0-based) that have a cell element, in order."""
        return list(self._parsed())

    @property
    def cells(self) -> tuple[SheetCell, ...]:
        return tuple(cell for column in self._parsed() if (cell := self.cell(column)) is not None)

    @property
    def has_content(self) -> bool:
        """Whether a cell of the row holds a value or a formula (found in the bytes, without parsing)."""
        return _CONTENT.search(self.data) is not None


class MergedRange(NamedTuple):
    """Cells a person merged into one (``<mergeCell ref="B2:C3"/>``): only the first (top left) shows its
    value, across the whole range. Columns are 0-based, rows numbered as in the sheet."""

    ref: str
    first_column: int
    first_row: int
    last_column: int
    last_row: int

    def covers(self, column: int, row: int) -> bool:
        """Whether the cell in ``column`` (0-based) of row ``row`` is part of the range."""
        return self.first_column <= column <= self.last_column and self.first_row <= row <= self.last_row


class Span(NamedTuple):
    """Where one ``<row>`` element is in the sheet's bytes, and its row number."""

    start: int
    end: int
    number: int


class Sheet:
    """One worksheet's XML, its rows found by content (:meth:`rows`), its merged cells and column widths."""

    def __init__(self, workbook: Workbook, part: str) -> None:
        self.workbook = workbook
        self.part = part
        self.data = data = workbook.sheet_data(part)
        match = re.search(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData(?=[\s/>])[^>]*?(/?)>", data)
        if match is None:
            raise SpreadsheetRefused(workbook.source, f"{part}: the sheet has no cell data")
        self.prefix = match.group(1)
        self.data_start = match.end()
        self.empty = match.group(2) == b"/"
        self.sheet_data_tag = (match.start(), match.end())
        self.spans: list[Span] = []
        self.data_end = self.data_start
        self.namespaces = _root_namespaces(data, workbook.source, part)
        self._widths: tuple[dict[int, float], float] | None = None

    def merged_ranges(self) -> list[MergedRange]:
        """The merged cells of the sheet (``<mergeCells>``, after the cell data)."""
        closing = self.data.rfind(b"</" + self.prefix + b"sheetData>")
        after = self.sheet_data_tag[1] if self.empty or closing < 0 else closing
        ranges = []
        for match in _MERGE_CELL.finditer(self.data, after):
            ref = match.group(1).decode("ascii", "replace")
            first, _, last = ref.partition(":")
            start, end = CELL_REFERENCE.match(first), CELL_REFERENCE.match(last or first)
            if start is not None and end is not None:
                ranges.append(MergedRange(ref, column_index(start.group(1)), int(start.group(2)),
                                          column_index(end.group(1)), int(end.group(2))))
        return ranges

    def column_width(self, column: int) -> float:
        """The width of ``column`` (0-based) in characters: its ``<col>``, else the sheet's default width."""
        if self._widths is None:
            head = self.data[: self.sheet_data_tag[0]]
            default = DEFAULT_COLUMN_WIDTH
            found = re.search(rb"<(?:[A-Za-z_][\w.-]*:)?sheetFormatPr\b[^>]*>", head)
            if found is not None and (value := re.search(rb'\sdefaultColWidth="([\d.]+)"', found.group(0))):
                default = number_attribute(value.group(1), default)
            widths: dict[int, float] = {}
            for element in re.finditer(rb"<(?:[A-Za-z_][\w.-]*:)?col\b[^>]*>", head):
                attributes: dict[bytes, bytes] = dict(re.findall(rb'\s(min|max|width)="([\d.]+)"', element.group(0)))
                if b"width" in attributes and b"min" in attributes:
                    first = int(number_attribute(attributes[b"min"], 1))
                    last = min(int(number_attribute(attributes.get(b"max", attributes[b"min"]), first)), first + 16_384)
                    for index in range(first - 1, last):
                        widths[index] = number_attribute(attributes[b"width"], default)
            self._widths = (widths, default)
        widths, default = self._widths
        return widths.get(column, default)

    def tallest_lines(self, cells: Iterator[tuple[int, str, str | None]]) -> int:
        """The lines of the tallest wrapped cell among ``cells`` (column, text, style)."""
        wrapping = self.workbook.wrapping_styles()
        return max((wrapped_lines(text, self.column_width(column)) for column, text, style in cells
                    if style in wrapping and text), default=1)

    def rows(self) -> Iterator[SheetRow]:
        """Every ``<row>`` in document order; cells are read when asked for (shared strings resolved)."""
        self.spans = []
        previous_number = 0
        for index, span in enumerate(self._spans()):
            head = self.data[span.start: min(span.end, span.start + 200)]
            match = _ROW_NUMBER.search(head)
            number = int(match.group(1)) if match else previous_number + 1
            previous_number = number
            self.spans.append(Span(span.start, span.end, number))
            yield SheetRow(self, index, number, self.data[span.start: span.end])

    def parse_row(self, data: bytes) -> etree._Element:
        """One ``<row>`` element parsed on its own (with the namespaces of the sheet)."""
        try:
            return etree.fromstring(b"<wrap " + self.namespaces + b">" + data + b"</wrap>",
                                    parser=_ROW_PARSER)[0]
        except (etree.XMLSyntaxError, IndexError) as error:
            raise SpreadsheetRefused(self.workbook.source, f"{self.part}: a row is not well-formed XML") from error

    def _spans(self) -> Iterator[Span]:
        if self.empty:
            self.data_end = self.sheet_data_tag[0]
            return
        prefix = re.escape(self.prefix)
        token = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<(/?)" + prefix + rb"(row|sheetData)(?=[\s/>])[^>]*?(/?)>",
                           re.S)
        start: int | None = None
        for match in token.finditer(self.data, self.data_start):
            closing, name, empty = match.group(1), match.group(2), match.group(3)
            if name is None:
                continue  # a comment or CDATA section
            if name == b"sheetData" and closing:
                self.data_end = match.start()
                return
            if name != b"row":
                continue
            if not closing and empty:
                yield Span(match.start(), match.end(), 0)
            elif not closing:
                start = match.start()
            elif start is not None:
                yield Span(start, match.end(), 0)
                start = None
        raise SpreadsheetRefused(self.workbook.source, f"{self.part}: the sheet data is not closed")


def _root_namespaces(data: bytes, source: str, part: str) -> bytes:
    """The namespace declarations of the worksheet's root element, to parse a row on its own."""
    match = re.search(rb"<(?!\?|!)[^>]*>", data)
    if match is None:
        raise SpreadsheetRefused(source, f"{part}: no root element")
    declarations = re.findall(rb'xmlns(?::[\w.-]+)?="[^"]*"', match.group(0))
    return b" ".join(declarations)


def number_attribute(text: bytes, default: float) -> float:
    """A width or height as written in an attribute, or ``default`` when it is not a finite number >= 0."""
    try:
        value = float(text)
    except ValueError:
        return default
    return value if math.isfinite(value) and value >= 0 else default


__all__ = ["MergedRange", "Sheet", "SheetRow", "Span", "number_attribute"]
