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
