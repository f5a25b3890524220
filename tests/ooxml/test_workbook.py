"""The .xlsx of a register, written by openpyxl (as a team's register would be), opened (ooxml/workbook.py), its
sheet read row by row (ooxml/worksheet.py) with cells addressed and read (ooxml/sheet_cells.py), and edited in
place (ooxml/sheet_edits.py): untouched rows and every other member stay byte for byte, formulas are never
written, new rows and the auto-filter extend, and what openpyxl reads back is what was asked for."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.ooxml.sheet_cells import NewCell, column_index, column_letters
from strategy_builder.ooxml.sheet_edits import SheetEdit, edited_sheet
from strategy_builder.ooxml.workbook import SpreadsheetRefused, Workbook
from strategy_builder.ooxml.worksheet import MergedRange, Sheet


@given(st.integers(min_value=0, max_value=16_383))
def test_column_letters_and_indices_are_inverse(index: int) -> None:
    letters = column_letters(index)
    assert letters.isalpha() and letters.isupper() and column_index(letters) == index
    assert column_index(letters.lower()) == index


def test_known_column_letters() -> None:
    assert [column_letters(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


def _register() -> bytes:
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes["A1"] = "kept as it is"
    sheet = book.create_sheet("Register")
    sheet.append(["ID", "Comment", "Disposition", "Total"])
    sheet.append(["r1", "Figures need a source.", "open", 1])
    sheet.append(["r2", "Timeline?", "accepted", 2])
    sheet["D4"] = "=SUM(D2:D3)"
    sheet.auto_filter.ref = "A1:D4"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_rows_are_read_with_their_text_and_formulas_marked() -> None:
    workbook = Workbook(_register(), "register.xlsx")
    name, part = workbook.sheet_part("register")
    assert name == "Register"
    assert workbook.sheet_part("absent")[0] == "Notes"  # no such sheet: the first one
    rows = list(Sheet(workbook, part).rows())
    assert [row.number for row in rows] == [1, 2, 3, 4]
    assert [cell.text for cell in rows[1].cells] == ["r1", "Figures need a source.", "open", "1"]
    formula = rows[3].cell(3)
    assert formula is not None and formula.formula and formula.text == ""  # openpyxl writes no cached value
    assert rows[2].has_content and rows[3].has_content


def test_an_edit_changes_only_the_named_cells_and_appends_rows() -> None:
    data = _register()
    workbook = Workbook(data, "register.xlsx")
    _, part = workbook.sheet_part("Register")
    sheet = Sheet(workbook, part)
    rows = list(sheet.rows())
    edit = SheetEdit(cells={1: {2: NewCell("rejected")}, 3: {3: NewCell("5", number=True)}},
                     appended=[{0: NewCell("r3"), 1: NewCell("=HYPERLINK(\"x\")"), 3: NewCell("3", number=True)}])
    target = io.BytesIO()
    workbook.write(target, {part: edited_sheet(sheet, edit, last_content_row=rows[-1].number)})
    edited = openpyxl.load_workbook(io.BytesIO(target.getvalue()))
    register = edited["Register"]
    assert [[c.value for c in row] for row in register.iter_rows()] == [
        ["ID", "Comment", "Disposition", "Total"],
        ["r1", "Figures need a source.", "rejected", 1],
        ["r2", "Timeline?", "accepted", 2],
        [None, None, None, 5],  # the formula's cell written as a number, as asked
        ["r3", "=HYPERLINK(\"x\")", None, 3]]
    assert register["B5"].data_type == "s"  # new text is never a formula
    assert register.auto_filter.ref == "A1:D5"
    assert edited["Notes"]["A1"].value == "kept as it is"
    before, after = zipfile.ZipFile(io.BytesIO(data)), zipfile.ZipFile(io.BytesIO(target.getvalue()))
    assert before.namelist() == after.namelist()
    assert all(before.read(n) == after.read(n) for n in before.namelist() if n != part)
    original, written = before.read(part), after.read(part)
    row_three = original[original.index(b'<row r="3"'):original.index(b"</row>", original.index(b'<row r="3"')) + 6]
    assert row_three in written  # an untouched row is copied byte for byte


def test_what_is_not_a_workbook_is_refused_with_its_name() -> None:
    with pytest.raises(UntrustedDocumentError) as refused:
        Workbook(b"PK\x03\x04 not a zip", "register.xlsx")
    assert "register.xlsx" in str(refused.value)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(SpreadsheetRefused):
        Workbook(buffer.getvalue(), "empty.xlsx")


def test_the_merged_cells_of_a_sheet_are_read_after_its_cell_data() -> None:
    book = openpyxl.load_workbook(io.BytesIO(_register()))
    book["Register"].merge_cells("C2:C3")
    book["Register"].merge_cells("B5:D5")
    buffer = io.BytesIO()
    book.save(buffer)
    workbook = Workbook(buffer.getvalue(), "register.xlsx")
    across, down = sorted(Sheet(workbook, workbook.sheet_part("Register")[1]).merged_ranges(), key=lambda m: m.ref)
    assert (across, down) == (MergedRange("B5:D5", 1, 5, 3, 5), MergedRange("C2:C3", 2, 2, 2, 3))
    assert down.covers(2, 3) and not down.covers(2, 4) and across.covers(3, 5) and not across.covers(0, 5)
    assert Sheet(workbook, workbook.sheet_part("Notes")[1]).merged_ranges() == []
