"""An .xlsx register with cells a person merged (xlsxfile.py): read as the sheet shows them, never written into.

Merging is what people do in a register: one disposition down the two rows of a replacement (its deletion
and its insertion), a note of the team's across a column of the tool's and one of their own. Read cell by
cell, the second row of a merged disposition was open (``status`` and ``reply`` said so, the sheet said
accepted), and a refresh wrote the drafts citing a row over the text the team had typed across "Cited by
drafts" and its own column.
"""

from __future__ import annotations

import csv
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from strategy_builder.review.register.columns import COLUMNS, RegisterRow
from strategy_builder.review.register.table import RegisterRefused
from strategy_builder.review.register.update import read_register, update_register

HEADERS = [column.header for column in COLUMNS]
OWNER = get_column_letter(len(HEADERS) + 1)
"""A column of the team's, right of the tool's."""


def _letter(header: str) -> str:
    return get_column_letter(HEADERS.index(header) + 1)


def _replacement() -> list[RegisterRow]:
    """The two rows of a replacement, as the tool reads them from a return."""
    return [RegisterRow(id=f"T-000{n}", ministry="MFA", partner="AM", draft="001", kind=kind, section="AM/situation")
            for n, kind in ((1, "deletion"), (2, "insertion"))]


def _merged_register(tmp_path: Path, *merges: tuple[str, str]) -> Path:
    """A register of the replacement, then in Excel: a disposition for both rows, merged down, a column of
    the team's, and ``merges`` (range, the text typed in it)."""
    path = tmp_path / "register.xlsx"
    update_register(path, _replacement())
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Register"]
    sheet[f"{OWNER}1"] = "Owner"
    sheet["B2"] = "accepted"
    sheet.merge_cells("B2:B3")
    for cells, text in merges:
        sheet[cells.split(":")[0]] = text
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


def test_a_disposition_merged_down_two_rows_is_each_rows_disposition(tmp_path: Path) -> None:
    path = _merged_register(tmp_path, (f"{_letter('Note')}2:{_letter('Note')}3", "one answer for both"))
    assert [(row.id, row.disposition, row.note) for row in read_register(path)] == [
        ("T-0001", "accepted", "one answer for both"), ("T-0002", "accepted", "one answer for both")]


def test_an_id_merged_down_does_not_make_two_rows_one(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    update_register(path, _replacement())
    workbook = openpyxl.load_workbook(path)
    workbook["Register"]["A3"] = None
    workbook["Register"].merge_cells("A2:A3")
    workbook.save(path)
    assert [row.id for row in read_register(path)] == ["T-0001"]  # the covered row has no ID: the team's


@pytest.mark.parametrize("tool_column", ["Cited by drafts", "Ministry"])
def test_a_refresh_that_would_write_into_merged_cells_is_refused_untouched(tmp_path: Path, tool_column: str) -> None:
    """The team typed across a column of the tool's and its own (the first cell of the merge is the tool's),
    or merged its note over the next column (the tool's cell hidden under it): written, the first would lose
    the team's text and the second would hold a value nobody sees. Refused, naming the sheet, the cell and
    the merged range; nothing written."""
    first = _letter(tool_column)
    cells = f"{first}2:{OWNER}2" if tool_column == "Cited by drafts" else f"{_letter('Note')}2:{first}2"
    path = _merged_register(tmp_path, (cells, "Lena answers this one"))
    content = path.read_bytes()
    fresh = [RegisterRow(id=row.id, ministry="Ministry of Foreign Affairs", cited_by="002") for row in _replacement()]
    with pytest.raises(RegisterRefused) as refused:
        update_register(path, fresh)
    message = refused.value.message
    assert str(path) in message and "sheet 'Register'" in message and f"{first}2 ({tool_column})" in message
    assert cells in message and cells in (refused.value.hint or "")
    assert path.read_bytes() == content and not (tmp_path / ".register-backups").exists()


@pytest.mark.libreoffice
def test_a_register_with_merged_cells_updated_opens_in_libreoffice_as_the_team_left_it(
        soffice: str, tmp_path: Path) -> None:
    """An update that writes no merged cell (a new row appended, rows found again unchanged) keeps every merge;
    LibreOffice Calc opens the result (converted to CSV) with the team's merged cells and the new row."""
    from conftest import convert_with_libreoffice, require_tool

    program = Path(os.path.realpath(soffice)).parent
    require_tool(any(program.glob("libsclo.*")), "LibreOffice Calc (libreoffice-calc-nogui)")
    note = _letter("Note")
    path = _merged_register(tmp_path, (f"{note}2:{note}3", "one answer for both"),
                            (f"{_letter('Cited by drafts')}3:{OWNER}3", "Lena answers this one"))
    result = update_register(path, [*_replacement(), RegisterRow(id="C-0003", ministry="MFA", remark="Source?")])
    assert (result.added, result.updated) == (1, 0)
    assert {str(r) for r in openpyxl.load_workbook(path)["Register"].merged_cells.ranges} == {
        "B2:B3", f"{note}2:{note}3", f"{_letter('Cited by drafts')}3:{OWNER}3"}
    converted = convert_with_libreoffice(soffice, path, tmp_path / "out", "csv")
    table = list(csv.reader(converted.read_text(encoding="utf-8").splitlines()))
    column = {header: index for index, header in enumerate(table[0])}
    assert [row[column["ID"]] for row in table[1:]] == ["T-0001", "T-0002", "C-0003"]
    assert table[1][column["Disposition"]] == "accepted" and table[1][column["Note"]] == "one answer for both"
    assert table[2][column["Cited by drafts"]] == "Lena answers this one"
    assert table[3][column["Disposition"]] == "open" and table[3][column["Remark or changed text"]] == "Source?"
    assert [(row.id, row.disposition) for row in read_register(path)] == [
        ("T-0001", "accepted"), ("T-0002", "accepted"), ("C-0003", "open")]


# ----------------------------------------------------------------------------- a register made an Excel table


def _tabled_register(tmp_path: Path, *, headers: list[str] = HEADERS, totals: bool = False) -> Path:
    """A register of the replacement, then in Excel: a column of the team's, and the whole made a table
    (Insert > Table, which takes the sheet's filter into the table), striped, with a totals row or not."""
    from openpyxl.worksheet.table import Table, TableStyleInfo

    path = tmp_path / "register.xlsx"
    update_register(path, _replacement())
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Register"]
    for index in range(len(HEADERS), len(headers), -1):  # declared columns the team deleted, from the right
        sheet.delete_cols(index)
    owner = get_column_letter(len(headers) + 1)
    sheet[f"{owner}1"], sheet[f"{owner}2"] = "Owner", "Lena"
    sheet.auto_filter.ref = None
    last = 3
    if totals:
        sheet["A4"], sheet[f"{owner}4"] = "Total", "=SUBTOTAL(103,Register1[Owner])"
        last = 4
    table = Table(displayName="Register1", ref=f"A1:{owner}{last}", totalsRowCount=1 if totals else None)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(table)
    workbook.save(path)
    return path


def _table(path: Path) -> tuple[str, list[str], str | None]:
    """The register's table as openpyxl reads it back: its range, its columns' names and its style."""
    table = openpyxl.load_workbook(path)["Register"].tables["Register1"]
    assert table.autoFilter is None or table.autoFilter.ref == table.ref or table.totalsRowCount
    style = table.tableStyleInfo.name if table.tableStyleInfo is not None else None  # Calc writes none
    return table.ref, [column.name for column in table.tableColumns], style


def test_rows_appended_to_a_register_made_a_table_are_inside_the_table(tmp_path: Path) -> None:
    """The table (and its filter) grows down to the new rows; its columns (the team's Owner too) and its
    style stay; every row reads back."""
    path = _tabled_register(tmp_path)
    owner = get_column_letter(len(HEADERS) + 1)
    result = update_register(path, [*_replacement(), RegisterRow(id="C-0003", ministry="MFA"),
                                    RegisterRow(id="C-0004", ministry="MFA")])
    assert (result.added, result.notes) == (2, ())
    assert _table(path) == (f"A1:{owner}5", [*HEADERS, "Owner"], "TableStyleMedium2")
    assert [row.id for row in read_register(path)] == ["T-0001", "T-0002", "C-0003", "C-0004"]
    assert openpyxl.load_workbook(path)["Register"][f"{owner}2"].value == "Lena"


def test_a_column_the_import_adds_beside_a_table_becomes_a_column_of_it(tmp_path: Path) -> None:
    """A register whose table lacks "Cited by drafts" (deleted) and ends with the team's column: the import adds
    the column right of the table, and the table takes it in as a column of its own."""
    path = _tabled_register(tmp_path, headers=HEADERS[:-1])
    result = update_register(path, [*_replacement(), RegisterRow(id="C-0003", ministry="MFA", cited_by="002")])
    assert (result.added, result.added_columns) == (1, ("Cited by drafts",))
    assert _table(path) == (f"A1:{get_column_letter(len(HEADERS) + 1)}4", [*HEADERS[:-1], "Owner", "Cited by drafts"],
                            "TableStyleMedium2")
    assert [(row.id, row.cited_by) for row in read_register(path)] == [
        ("T-0001", ""), ("T-0002", ""), ("C-0003", "002")]


def test_a_table_with_a_totals_row_is_left_as_it_is_and_the_import_says_so(tmp_path: Path) -> None:
    path = _tabled_register(tmp_path, totals=True)
    before = _table(path)
    result = update_register(path, [*_replacement(), RegisterRow(id="C-0003", ministry="MFA")])
    assert result.added == 1 and _table(path) == before
    assert len(result.notes) == 1 and "sheet 'Register'" in result.notes[0] and "Register1" in result.notes[0]
    assert "totals row" in result.notes[0]


def test_a_table_of_the_teams_beside_the_register_is_not_grown(tmp_path: Path) -> None:
    """Only the table holding the register's header grows: a lookup table of the team's beside it stays."""
    from openpyxl.worksheet.table import Table

    path = tmp_path / "register.xlsx"
    update_register(path, _replacement())
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Register"]
    first = len(HEADERS) + 2
    sheet.cell(row=1, column=first, value="Owner")
    sheet.cell(row=2, column=first, value="Lena")
    sheet.cell(row=3, column=first, value="Petr")
    ref = f"{get_column_letter(first)}1:{get_column_letter(first)}3"
    sheet.add_table(Table(displayName="Owners", ref=ref))
    workbook.save(path)
    update_register(path, [*_replacement(), RegisterRow(id="C-0003", ministry="MFA")])
    assert openpyxl.load_workbook(path)["Register"].tables["Owners"].ref == ref


@pytest.mark.libreoffice
def test_a_register_table_saved_by_libreoffice_grows_and_libreoffice_keeps_it(soffice: str, tmp_path: Path) -> None:
    """The tabled register saved once by LibreOffice Calc (which writes its tables its own way), updated, then
    opened and saved by Calc again: the table Calc writes back covers the appended rows."""
    from conftest import convert_with_libreoffice, require_tool

    program = Path(os.path.realpath(soffice)).parent
    require_tool(any(program.glob("libsclo.*")), "LibreOffice Calc (libreoffice-calc-nogui)")
    made = _tabled_register(tmp_path / "made")
    saved = convert_with_libreoffice(soffice, made, tmp_path / "calc", "xlsx:Calc MS Excel 2007 XML")
    owner = get_column_letter(len(HEADERS) + 1)
    assert _table(saved)[0] == f"A1:{owner}3"
    path = tmp_path / "register.xlsx"
    path.write_bytes(saved.read_bytes())
    result = update_register(path, [*_replacement(), RegisterRow(id="C-0003", ministry="MFA", remark="Source?")])
    assert result.added == 1 and _table(path)[0] == f"A1:{owner}4"
    again = convert_with_libreoffice(soffice, path, tmp_path / "again", "xlsx:Calc MS Excel 2007 XML")
    assert _table(again) == (f"A1:{owner}4", [*HEADERS, "Owner"], _table(saved)[2])
    assert [(row.id, row.remark) for row in read_register(again)][-1] == ("C-0003", "Source?")


# ----------------------------------------------------------------------------- dispositions that are formulas


def _formula_register(tmp_path: Path, cached: bytes | None = None) -> Path:
    """A register whose first Disposition is a formula, written by a program (openpyxl: no computed value),
    or with ``cached`` as the value a spreadsheet computed and stored."""
    path = tmp_path / "register.xlsx"
    update_register(path, _replacement())
    workbook = openpyxl.load_workbook(path)
    workbook["Register"]["B2"] = '=IF(C2="","rejected","accepted")'
    workbook.save(path)
    if cached is not None:
        with zipfile.ZipFile(path) as archive:
            parts = {name: archive.read(name) for name in archive.namelist()}
        sheet = parts["xl/worksheets/sheet1.xml"]
        assert sheet.count(b"</f><v></v>") == 1
        sheet = sheet.replace(b'<c r="B2" s="2"><f>', b'<c r="B2" s="2" t="str"><f>')  # a text result
        parts["xl/worksheets/sheet1.xml"] = sheet.replace(b"</f><v></v>", b"</f><v>" + cached + b"</v>")
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
    return path


def test_a_disposition_formula_with_a_computed_value_reads_as_that_value(tmp_path: Path) -> None:
    rows = read_register(_formula_register(tmp_path, cached=b"rejected"))
    assert [(row.id, row.disposition) for row in rows] == [("T-0001", "rejected"), ("T-0002", "open")]
    assert rows.notes == ()


def test_a_disposition_formula_nobody_computed_is_said_and_never_overwritten(tmp_path: Path) -> None:
    """A register a program wrote and nobody opened: the formula has no value. Read, it counts as open, but a
    note names the sheet and the cell and says what to do; an import keeps the formula and says the same."""
    path = _formula_register(tmp_path)
    rows = read_register(path)
    assert [(row.id, row.disposition) for row in rows] == [("T-0001", ""), ("T-0002", "open")]
    assert len(rows.notes) == 1
    note = rows.notes[0]
    assert str(path) in note and "sheet 'Register', cell B2" in note and "Disposition" in note
    assert "read as open" in note and "Excel or LibreOffice" in note and "save" in note
    result = update_register(path, [*_replacement(), RegisterRow(id="C-0003", ministry="MFA")])
    assert result.added == 1 and result.notes == rows.notes
    assert openpyxl.load_workbook(path)["Register"]["B2"].value == '=IF(C2="","rejected","accepted")'


@pytest.mark.libreoffice
def test_a_register_saved_by_libreoffice_reads_the_dispositions_its_formulas_compute(soffice: str,
                                                                                     tmp_path: Path) -> None:
    from conftest import convert_with_libreoffice, require_tool

    program = Path(os.path.realpath(soffice)).parent
    require_tool(any(program.glob("libsclo.*")), "LibreOffice Calc (libreoffice-calc-nogui)")
    saved = convert_with_libreoffice(soffice, _formula_register(tmp_path / "made"), tmp_path / "calc",
                                     "xlsx:Calc MS Excel 2007 XML")
    rows = read_register(saved)
    assert [(row.id, row.disposition) for row in rows] == [("T-0001", "rejected"), ("T-0002", "open")]
    assert rows.notes == ()
