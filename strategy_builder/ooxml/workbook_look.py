"""How the workbooks strategy-builder writes look in Excel and in LibreOffice Calc, and their reproducible bytes.

**Row heights.** A row's height in SpreadsheetML is ``<row ht="..">``, marked ``customHeight`` when someone
set it by hand. Excel fits a row that has no such mark to its wrapped text itself: a stored height without
the mark is a cached value it computes again when it opens the file. LibreOffice Calc does not fit rows on
opening an .xlsx: it shows the stored height, or one line's height where none is stored, so wrapped text
runs over the rows below (LibreOffice 7.4, measured). So every row whose wrapped text needs more than one
line is given a height estimated here, without the mark: Calc shows the estimate, Excel its own fit, and both
fit the row again when someone edits it. The estimate wraps the text word by word at the column's width
with the advance widths of Calibri (the workbooks' font; Carlito, which LibreOffice uses in its place, has
the same metrics) and gives each line the room LibreOffice needs (:data:`LINE_POINTS`).

**Printing.** A register has 28 columns: fitted to one page wide it prints at a quarter of its size. A
sheet is printed landscape on A4, fitted to as many pages wide as keep it at :data:`MIN_PRINT_SCALE` of its
size or more, as long as it needs (fitted to width only), pages in the order a row is read (across, then
down), the header rows and the identifying columns repeated on every page, the sheet's name and
"Page N of M" in the footer.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
import zipfile
from collections.abc import Iterable, Mapping
from typing import Any

from strategy_builder.ooxml.package import write_zip

LINE_POINTS = 12.5
"""The height given to a line of Calibri 11 in a row, in points: LibreOffice, which uses the stored height,
sets the lines of Carlito 11 11.1 points apart (measured), Excel 15 (it fits the row itself)."""

ROW_PADDING_POINTS = 2.5
"""Added to a row's lines: a row of one line is 15 points high, the default."""

MAX_ROW_POINTS = 409.0
"""Excel's largest row height; a longer text is cut off at the bottom of its row."""

DEFAULT_COLUMN_WIDTH = 8.43
"""The width of a column without one of its own, in characters (Excel's default for Calibri 11)."""

MIN_PRINT_SCALE = 0.6
"""The smallest scale a printed sheet is fitted to (the text of a cell is then at least 6.6 points high)."""

# Advance widths of Calibri (and Carlito) for the characters 32-126, in thousandths of an em.
_ASCII_WIDTHS = (
    226, 326, 401, 498, 507, 715, 682, 221, 303, 303, 498, 498, 250, 306, 252, 386, 507, 507, 507, 507, 507, 507,
    507, 507, 507, 507, 268, 268, 498, 498, 498, 463, 894, 579, 544, 533, 615, 488, 459, 631, 623, 252, 319, 520,
    420, 855, 646, 662, 517, 673, 543, 459, 487, 642, 567, 890, 519, 487, 468, 307, 386, 307, 498, 498, 291, 479,
    525, 423, 525, 498, 305, 471, 525, 229, 239, 455, 229, 799, 525, 527, 525, 525, 349, 391, 335, 525, 452, 715,
    433, 453, 395, 314, 460, 314, 498)
_OTHER_WIDTH = 575
"""Any other character: the mean width of Calibri's Cyrillic letters (wider than most Latin ones)."""
_BOLD = 1.06
"""Bold Calibri is about this much wider."""
_EM_PIXELS = 11 * 96 / 72
"""Calibri 11 on a 96-dpi screen: the em in pixels."""
_CELL_PADDING_PIXELS = 7
"""What a cell's margins and the grid line take from a column's width (both programs, with some room)."""


def column_pixels(width: float) -> float:
    """A column ``width`` in characters (as SpreadsheetML stores it) in pixels: seven per character (the
    width of a digit of Calibri 11) and five of padding."""
    return width * 7 + 5


_WIDTHS = {chr(code): width for code, width in enumerate(_ASCII_WIDTHS, start=32)}
_WIDEST = max(*_ASCII_WIDTHS, _OTHER_WIDTH)


@functools.lru_cache(maxsize=65_536)  # words repeat
def _text_pixels(text: str, bold: bool) -> float:
    thousandths = sum([_WIDTHS.get(character, _OTHER_WIDTH) for character in text])
    return thousandths / 1000 * _EM_PIXELS * (_BOLD if bold else 1)


@functools.lru_cache(maxsize=4096)  # a register repeats its titles, areas and ministries row after row
def wrapped_lines(text: str, width: float, *, bold: bool = False) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` characters wide: its own line breaks,
    then words moved to the next line where they do not fit (a word wider than the column is broken)."""
    room = max(column_pixels(width) - _CELL_PADDING_PIXELS, 1.0)
    if "\n" not in text and len(text) * _WIDEST / 1000 * _EM_PIXELS * _BOLD <= room:
        return 1  # fits whatever its letters
    space = _text_pixels(" ", bold)
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            size = _text_pixels(word, bold)
            if used and used + space + size <= room:
                used += space + size
                continue
            if used:
                lines += 1
            if size > room:  # broken across lines, the rest starting a line of its own
                lines += math.ceil(size / room) - 1
                size = size - (math.ceil(size / room) - 1) * room
            used = size
    return lines


def row_points(lines: int) -> float | None:
    """The height of a row of ``lines`` lines, in points; ``None`` for one line (the default height)."""
    if lines <= 1:
        return None
    return min(lines * LINE_POINTS + ROW_PADDING_POINTS, MAX_ROW_POINTS)


def fit_rows(sheet: Any, first_row: int = 1) -> None:
    """Give every row of an openpyxl ``sheet`` (from ``first_row``) whose wrapped cells need more than one
    line the height of its tallest one (:func:`row_points`); a merged cell is measured across its columns,
    and one that spans rows is left alone."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, float] = {}

    def width(column: int) -> float:
        if column not in widths:
            dimension = sheet.column_dimensions.get(get_column_letter(column))
            widths[column] = dimension.width if dimension is not None and dimension.customWidth else \
                DEFAULT_COLUMN_WIDTH
        return widths[column]

    spans = {(r.min_row, r.min_col): r for r in sheet.merged_cells.ranges}
    inside = {(row, column) for r in sheet.merged_cells.ranges for row in range(r.min_row, r.max_row + 1)
              for column in range(r.min_col, r.max_col + 1)} - set(spans)
    for row in sheet.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if not isinstance(cell.value, str) or not cell.alignment.wrap_text or (cell.row, cell.column) in inside:
                continue
            span = spans.get((cell.row, cell.column))
            if span is not None and span.max_row > span.min_row:
                continue
            columns = range(cell.column, span.max_col + 1 if span is not None else cell.column + 1)
            lines = max(lines, wrapped_lines(cell.value, sum(width(c) for c in columns) + 0.0,
                                             bold=bool(cell.font and cell.font.bold)))
        height = row_points(lines)
        if height is not None:
            sheet.row_dimensions[row[0].row].height = height


def print_pages_wide(widths: Iterable[float], repeated: Iterable[float] = ()) -> int:
    """How many landscape A4 pages wide a sheet of columns ``widths`` (characters) is printed on, so that it
    is at least :data:`MIN_PRINT_SCALE` of its size; ``repeated`` are the widths of the columns printed
    again at the left of every page."""
    printable = (297 / 25.4 - 2 * _SIDE_MARGIN_INCHES) * 96  # pixels at full size
    total = sum(column_pixels(w) for w in widths)
    again = sum(column_pixels(w) for w in repeated) * MIN_PRINT_SCALE
    # N pages hold the columns at the scale when total * scale + (N - 1) * again <= N * printable.
    return max(1, math.ceil((total * MIN_PRINT_SCALE - again) / (printable - again)))


_SIDE_MARGIN_INCHES = 0.5


def print_setup(sheet: Any, *, header_rows: int, title_columns: str | None = None, title: str | None = None,
                widths: Mapping[int, float] | None = None) -> None:
    """Landscape A4, fitted to width only on as many pages wide as :func:`print_pages_wide` gives, pages
    across then down, ``header_rows`` (and the columns ``title_columns``, e.g. ``"A:B"``) on every page,
    margins of half an inch at the sides, the ``title`` (if any) in the header, the sheet's name and its page
    numbers in the footer. ``widths`` are the columns' widths by number (1-based), else the sheet's."""
    from openpyxl.utils import column_index_from_string, get_column_letter
    from openpyxl.worksheet.page import PageMargins

    if widths is None:
        widths = {}
        for column in range(1, sheet.max_column + 1):
            dimension = sheet.column_dimensions.get(get_column_letter(column))
            widths[column] = dimension.width if dimension is not None and dimension.customWidth else \
                DEFAULT_COLUMN_WIDTH
    repeated: list[float] = []
    if title_columns:
        first, _, last = title_columns.partition(":")
        repeated = [widths.get(c, DEFAULT_COLUMN_WIDTH) for c in range(column_index_from_string(first),
                                                                      column_index_from_string(last or first) + 1)]
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = print_pages_wide(widths.values(), repeated)
    setup.fitToHeight = 0  # as many pages down as the rows need
    setup.pageOrder = "overThenDown"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"1:{header_rows}"
    if title_columns:
        sheet.print_title_cols = title_columns
    sheet.page_margins = PageMargins(left=_SIDE_MARGIN_INCHES, right=_SIDE_MARGIN_INCHES, top=0.75, bottom=0.75,
                                     header=0.3, footer=0.3)
    if title:
        sheet.oddHeader.left.text = title
    sheet.oddFooter.left.text = "&A"
    sheet.oddFooter.right.text = "Page &P of &N"


def bold_font() -> Any:
    """openpyxl's default font (Calibri 11, the theme's minor font) in bold, for header cells. openpyxl's
    ``Font(bold=True)`` names no typeface and no size: LibreOffice prints such cells in another typeface
    (Caladea) at 10 pt, beside the Calibri of every other cell."""
    from openpyxl.styles import Font
    from openpyxl.styles.fonts import DEFAULT_FONT

    return Font(name=DEFAULT_FONT.name, sz=DEFAULT_FONT.sz, family=DEFAULT_FONT.family, scheme=DEFAULT_FONT.scheme,
                color=DEFAULT_FONT.color, bold=True)


def reproducible_xlsx(workbook: Any, stamp: dt.datetime | None) -> bytes:
    """The bytes of an openpyxl ``workbook``, the same for the same content: its core properties dated
    ``stamp`` (openpyxl's save dates 'modified' with the clock, whatever the workbook says), or undated when
    ``stamp`` is ``None`` (both dates are optional), and its zip written with fixed timestamps
    (:func:`~strategy_builder.ooxml.package.write_zip`; openpyxl's carry the clock too). The row heights
    :func:`fit_rows` gave lose the mark of a height set by hand, which openpyxl writes with every height."""
    from openpyxl.xml.functions import tostring

    placeholder = dt.datetime(1980, 1, 1)
    workbook.properties.created = stamp or placeholder
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    workbook.properties.modified = stamp or placeholder
    core = tostring(workbook.properties.to_tree())
    if stamp is None:
        core = _CORE_DATES.sub(b"", core)
    parts["docProps/core.xml"] = core
    for name in parts:
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            parts[name] = _CUSTOM_HEIGHT.sub(rb"\1", parts[name])
    return write_zip(parts)


_CORE_DATES = re.compile(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")
_CUSTOM_HEIGHT = re.compile(rb'(<row\b[^>]*?)\s+customHeight="1"')


__all__ = ["DEFAULT_COLUMN_WIDTH", "LINE_POINTS", "MAX_ROW_POINTS", "MIN_PRINT_SCALE", "ROW_PADDING_POINTS",
           "bold_font", "column_pixels", "fit_rows", "print_pages_wide", "print_setup", "reproducible_xlsx",
           "row_points", "wrapped_lines"]
