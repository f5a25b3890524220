"""ooxml/workbook_look.py: rows as tall as their wrapped text (stored without the mark of a height set by hand),
a print setup that keeps a wide sheet readable, and reproducible bytes."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
from openpyxl.styles import Alignment

from strategy_builder.ooxml.workbook_look import (
    LINE_POINTS, MAX_ROW_POINTS, MIN_PRINT_SCALE, ROW_PADDING_POINTS, column_pixels, fit_rows, print_pages_wide,
    print_setup, reproducible_xlsx, row_points, wrapped_lines,
)


def test_wrapped_lines_follow_the_words_the_line_breaks_and_the_width_of_the_letters() -> None:
    assert wrapped_lines("", 10) == 1 and wrapped_lines("short", 10) == 1
    assert wrapped_lines("one\ntwo\n\nfour", 40) == 4
    words = "word " * 40  # 199 characters of average width
    assert wrapped_lines(words, 20) > wrapped_lines(words, 40) > wrapped_lines(words, 80) >= 3
    assert wrapped_lines("x" * 300, 10) >= 10, "a word wider than the column is broken across lines"
    assert wrapped_lines("ш" * 60, 30) > wrapped_lines("i" * 60, 30), "wide letters take more lines"
    assert wrapped_lines("Word " * 12, 30, bold=True) >= wrapped_lines("Word " * 12, 30)


def test_a_row_of_several_lines_gets_their_height_up_to_excels_largest() -> None:
    assert row_points(1) is None and row_points(0) is None
    assert row_points(2) == 2 * LINE_POINTS + ROW_PADDING_POINTS
    assert row_points(10_000) == MAX_ROW_POINTS


def test_fitted_rows_are_stored_without_the_mark_of_a_height_set_by_hand() -> None:
    """openpyxl writes customHeight="1" with every height: Excel would then never fit the row again, not even
    when someone edits it. The bytes are the same for the same workbook."""
    def workbook() -> openpyxl.Workbook:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.column_dimensions["B"].width = 20
        sheet["A1"] = "header"
        sheet["B2"] = "a remark long enough to take several lines in a column twenty characters wide"
        sheet["B2"].alignment = Alignment(wrap_text=True)
        sheet["C3"] = "not wrapped, however long it is " * 5
        sheet.merge_cells("D4:E5")
        sheet["D4"] = "merged over two rows " * 5
        sheet["D4"].alignment = Alignment(wrap_text=True)
        fit_rows(sheet)
        return book

    data = reproducible_xlsx(workbook(), None)
    assert data == reproducible_xlsx(workbook(), None)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rows = re.findall(r"<row\b[^>]*>", archive.read("xl/worksheets/sheet1.xml").decode())
    assert not any("customHeight" in row for row in rows)
    heights = {int(m.group(1)): m.group(2) for row in rows
               if (m := re.search(r'r="(\d+)"(?:.*?ht="([^"]+)")?', row))}
    assert heights[1] is None and heights[3] is None and heights[4] is None  # one line, not wrapped, merged down
    assert float(heights[2]) == row_points(wrapped_lines(
        "a remark long enough to take several lines in a column twenty characters wide", 20))


def test_a_wide_sheet_is_printed_on_pages_that_keep_it_readable() -> None:
    printable = (297 / 25.4 - 1) * 96
    assert print_pages_wide([10, 20, 30]) == 1
    widths = [30.0] * 28
    pages = print_pages_wide(widths, [14])
    scale = pages * printable / (sum(column_pixels(w) for w in widths) + (pages - 1) * column_pixels(14))
    assert pages > 1 and MIN_PRINT_SCALE <= scale < MIN_PRINT_SCALE * pages / (pages - 1)
    sheet = openpyxl.Workbook().active
    for column in range(1, 29):
        sheet.cell(1, column, "x")
    print_setup(sheet, header_rows=1, title_columns="A:A", title="Register",
                widths=dict(enumerate(widths, start=1)))
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight, setup.pageOrder) == (
        "landscape", int(sheet.PAPERSIZE_A4), pages, 0, "overThenDown")
    assert sheet.print_title_rows == "$1:$1" and sheet.print_title_cols == "$A:$A"
    assert sheet.page_margins.left == 0.5 and sheet.oddFooter.right.text == "Page &P of &N"
