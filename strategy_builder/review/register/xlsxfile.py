""".xlsx registers: updated in place through :mod:`strategy_builder.ooxml.spreadsheet`, created with openpyxl.

The register is the sheet named "Register" (any case), or the first sheet. Its header is the first row
with content; every later row is a record. Every other sheet, row, cell, style, filter, width, comment,
validation and member of the workbook is copied as it is.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO

from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.ooxml.spreadsheet import NewCell, SheetEdit, SheetRow, Workbook
from strategy_builder.review.register.columns import COLUMNS, DISPOSITIONS, Column, RegisterRow
from strategy_builder.review.register.table import Cell, Cells, Plan, Planner, RegisterRefused, read_rows

SHEET_NAME = "Register"


class _RowCells:
    """A sheet row as the planner reads it: cells turned into text only when asked for."""

    __slots__ = ("_row",)

    def __init__(self, row: SheetRow) -> None:
        self._row = row

    def get(self, index: int) -> Cell | None:
        cell = self._row.cell(index)
        if cell is None or (cell.text == "" and not cell.formula):
            return None
        return Cell(cell.text, cell.formula)

    def width(self) -> int:
        return max(self._row.columns, default=-1) + 1

    def whole(self) -> Cells:
        return Cells({c.column: Cell(c.text, c.formula) for c in self._row.cells if c.text != "" or c.formula})


def _new_cell(column: Column, text: str, style: str | None = None) -> NewCell:
    return NewCell(text, number=column.kind == "integer" and text.isdigit(), style=style)


class XlsxRegister:
    """An existing .xlsx register."""

    def __init__(self, data: bytes, source: str) -> None:
        self.source = source
        try:
            self.workbook = Workbook(data, source)
            self.sheet_name, part = self.workbook.sheet_part(SHEET_NAME)
            self.sheet = self.workbook.sheet(part)
        except UntrustedDocumentError as error:
            raise RegisterRefused(f"{source}: the register cannot be read: {error.reason}",
                                  hint=error.hint or "open and save it again in Excel or LibreOffice; it was left "
                                                     "untouched") from error
        self.header: list[str] = []
        self.header_row: SheetRow | None = None
        self.last_content_row = 0
        self.row_styles: dict[int, str] = {}
        """Column -> style index of the last row with content: new rows look like it."""

    def records(self) -> Iterator[tuple[int, _RowCells]]:
        try:
            last: SheetRow | None = None
            for row in self.sheet.rows():
                if not row.has_content:
                    continue
                self.last_content_row = max(self.last_content_row, row.number)
                if self.header_row is None:
                    self.header_row = row
                    width = max((cell.column for cell in row.cells), default=-1) + 1
                    self.header = [""] * width
                    for cell in row.cells:
                        self.header[cell.column] = cell.text
                    continue
                last = row
                yield row.index, _RowCells(row)
            if last is not None:  # new rows look like the last one
                self.row_styles = {cell.column: cell.style for cell in last.cells if cell.style is not None}
        except UntrustedDocumentError as error:
            raise RegisterRefused(f"{self.source}: the register cannot be read: {error.reason}",
                                  hint="open and save it again in Excel or LibreOffice; it was left untouched") \
                from error

    def check(self) -> None:
        next(self.records(), None)  # reads the sheet up to the first record after the header
        self._planner([])

    def _planner(self, rows: list[RegisterRow]) -> Planner:
        if self.header_row is None:
            raise RegisterRefused(f"{self.source}: the sheet '{self.sheet_name}' has no header row",
                                  hint="restore the header row (ID, Disposition, ...) or give a new file name")
        return Planner(self.header, rows, self.source)

    def plan(self, rows: list[RegisterRow]) -> Plan:
        records = self.records()
        first = next(records, None)
        planner = self._planner(rows)
        if first is not None:
            planner.record(*first)
        for position, cells in records:
            planner.record(position, cells)
        return planner.finish()

    def rows(self) -> list[RegisterRow]:
        records = [(position, cells.whole()) for position, cells in self.records()]
        return read_rows(self.header, records)

    def write(self, plan: Plan, target: IO[bytes]) -> None:
        """The workbook with ``plan`` applied, written to ``target``."""
        edit = SheetEdit(validation_column=plan.column_index["disposition"])
        for position, writes in plan.writes.items():
            edit.cells[position] = {plan.column_index[column.key]: _new_cell(column, text) for column, text in writes}
        if plan.added_columns:
            assert self.header_row is not None
            style = self.header_row.cells[-1].style if self.header_row.cells else None
            header = edit.cells.setdefault(self.header_row.index, {})
            for index, column in plan.added_columns:
                header[index] = NewCell(column.header, style=style)
        for row in plan.appended:
            edit.appended.append({index: _new_cell(column, text, self.row_styles.get(index))
                                  for index, (column, text) in plan.cells_of(row).items() if text != ""})
        self.workbook.write(target, {self.sheet.part: self.sheet.edited(edit, self.last_content_row)})


def new_xlsx(plan: Plan) -> bytes:
    """A new register: sheet "Register", frozen header row and ID column, filters, wrapped long text,
    set widths, Disposition as a drop-down list; the tool's text is never a formula."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    sheet.append([column.header for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F3")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    top, wrap = Alignment(vertical="top"), Alignment(vertical="top", wrap_text=True)
    for row_number, row in enumerate(plan.appended, start=2):
        for index, (column, text) in plan.cells_of(row).items():
            cell = sheet.cell(row=row_number, column=index + 1)
            if column.kind == "integer" and text.isdigit():
                cell.value = int(text)
            else:
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)[:32_767]
                cell.data_type = "s"  # text, never a formula, whatever the remark starts with
            cell.alignment = wrap if column.wrap else top
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "B2"
    last = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A1:{last}{max(len(plan.appended) + 1, 2)}"
    disposition = get_column_letter(plan.column_index["disposition"] + 1)
    validation = DataValidation(type="list", formula1='"' + ",".join(DISPOSITIONS) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle="Disposition",
                                error="Choose open, accepted, rejected or partly accepted")
    validation.add(f"{disposition}2:{disposition}{max(len(plan.appended) + 500, 1000)}")
    sheet.add_data_validation(validation)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


__all__ = ["SHEET_NAME", "XlsxRegister", "new_xlsx"]
