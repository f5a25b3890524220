""".xlsx registers: updated in place through :mod:`strategy_builder.ooxml.workbook` (its sheet read by
:mod:`~strategy_builder.ooxml.worksheet`, written by :mod:`~strategy_builder.ooxml.sheet_edits`), created with
openpyxl.

The register is the sheet named "Register" (any case), or the first sheet. Its header is the first row
with content; every later row is a record. Every other sheet, row, cell, style, filter, width, comment,
validation and member of the workbook is copied as it is, but an Excel table laid over the register, which
grows to take in the rows and columns an import appends. Merged cells are read as the sheet shows them
(a value merged down a column is each covered row's) and never written into (the update is refused).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import IO

from strategy_builder.digits import whole_number
from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.ooxml.sheet_tables import SheetTable, grown_table, read_table
from strategy_builder.ooxml.sheet_cells import NewCell, column_letters
from strategy_builder.ooxml.sheet_edits import SheetEdit, edited_sheet
from strategy_builder.ooxml.workbook import Workbook
from strategy_builder.ooxml.worksheet import MergedRange, Sheet, SheetRow
from strategy_builder.ooxml.workbook_look import bold_font, fit_rows, print_setup, reproducible_xlsx
from strategy_builder.review.register.columns import (
    COLUMNS, DISPOSITION_COLUMN, DISPOSITIONS, ID_COLUMN, Column, RegisterRow, column_for_header, iso_date,
)
from strategy_builder.review.register.table import Cell, Cells, Plan, Planner, RegisterRefused, read_rows

SHEET_NAME = "Register"


_EPOCH = dt.datetime(1899, 12, 30)
"""Day 0 of a spreadsheet's dates (the 1900 date system, as Excel and LibreOffice write it)."""


def serial(text: str) -> str | None:
    """The spreadsheet number of a register date (``2010-11-20T14:05`` -> ``40502.586805...``), or ``None``."""
    value = iso_date(text)
    if value is None:
        return None
    delta = dt.datetime.fromisoformat(value) - _EPOCH
    return repr(round(delta.days + delta.seconds / 86400, 10))


def from_serial(text: str) -> str | None:
    """A register date from a spreadsheet number (``40502.5868`` -> ``2010-11-20T14:05``), or ``None``."""
    try:
        days = float(text)
    except ValueError:
        return None
    if not 0 < days < 2_958_466:  # up to 9999-12-31
        return None
    return (_EPOCH + dt.timedelta(days=days, seconds=30)).replace(second=0, microsecond=0).isoformat(
        timespec="minutes")


def _typed_text(column: Column | None, text: str) -> str:
    """The text the register compares for a cell as read: a date cell's number as its date, an integer with
    its digits (``3`` -> ``003`` for the draft)."""
    if column is None or text == "":
        return text
    if column.kind == "date":
        return from_serial(text) or text
    if column.kind == "integer" and column.digits and whole_number(text) is not None:
        return text.zfill(column.digits)
    if column.kind == "integer" and text.endswith(".0") and whole_number(text[:-2]) is not None:
        return text[:-2].zfill(column.digits)
    return text


class _RowCells:
    """A sheet row as the planner reads it: cells turned into text only when asked for. ``merged`` holds the
    cells a merge from a row above covers, with the value the merged cell shows."""

    __slots__ = ("_row", "_columns", "_merged")

    def __init__(self, row: SheetRow, columns: dict[int, Column], merged: dict[int, Cell] | None = None) -> None:
        self._row = row
        self._columns = columns
        self._merged = merged or {}

    def get(self, index: int) -> Cell | None:
        if index in self._merged:
            return self._merged[index]
        cell = self._row.cell(index)
        if cell is None or (cell.text == "" and not cell.formula):
            return None
        return Cell(_typed_text(self._columns.get(index), cell.text), cell.formula)

    def width(self) -> int:
        return max(self._row.columns, default=-1) + 1

    def whole(self) -> Cells:
        return Cells({**{c.column: Cell(_typed_text(self._columns.get(c.column), c.text), c.formula)
                         for c in self._row.cells if c.text != "" or c.formula}, **self._merged})


class _MergedDown:
    """What a person merged down a column (``B2:B3``: one disposition for both rows of a replacement): the
    rows below the first read the first row's value, as the sheet shows it. Not the ID column: two rows are
    never one row. Rows are read in order, so a merge is seen at its first row before the rows it covers."""

    def __init__(self, ranges: list[MergedRange]) -> None:
        self._waiting = sorted((r for r in ranges if r.last_row > r.first_row), key=lambda r: r.first_row)
        self._active: list[tuple[MergedRange, Cell | None]] = []

    def cells(self, row: SheetRow, columns: dict[int, Column], header: bool) -> dict[int, Cell]:
        """The cells of ``row`` that a merge from above covers (column -> the value shown); remembers the
        value of each merge that starts in ``row``."""
        self._active = [(r, cell) for r, cell in self._active if r.last_row >= row.number]
        covered = {r.first_column: cell for r, cell in self._active
                   if cell is not None and r.first_row < row.number and columns.get(r.first_column) is not ID_COLUMN}
        while self._waiting and self._waiting[0].first_row <= row.number:
            merged = self._waiting.pop(0)
            if merged.first_row < row.number or header:
                continue  # its first row had no content (or is the header): it shows no value
            cell = row.cell(merged.first_column)
            shown = None if cell is None or (cell.text == "" and not cell.formula) else Cell(
                _typed_text(columns.get(merged.first_column), cell.text), cell.formula)
            self._active.append((merged, shown))
        return covered


def _new_cell(column: Column, text: str, style: str | None = None, dates: frozenset[str] = frozenset()) -> NewCell:
    """A cell the tool writes: an integer as a number; a date as a number when its style shows dates (a
    register created by strategy-builder), else as text, so that it never shows as a bare number."""
    if column.kind == "integer" and (whole := whole_number(text)) is not None:
        return NewCell(str(whole), number=True, style=style)
    if column.kind == "date" and style in dates and (number := serial(text)) is not None:
        return NewCell(number, number=True, style=style)
    return NewCell(text, style=style)


class XlsxRegister:
    """An existing .xlsx register."""

    def __init__(self, data: bytes, source: str) -> None:
        self.source = source
        try:
            self.workbook = Workbook(data, source)
            self.sheet_name, part = self.workbook.sheet_part(SHEET_NAME)
            self.sheet = Sheet(self.workbook, part)
        except UntrustedDocumentError as error:
            raise RegisterRefused(f"{source}: the register cannot be read: {error.reason}",
                                  hint=error.hint or "open and save it again in Excel or LibreOffice; it was left "
                                                     "untouched") from error
        self.header: list[str] = []
        self.header_row: SheetRow | None = None
        self.last_content_row = 0
        self.row_styles: dict[int, str] = {}
        """Column -> style index of the last row with content: new rows look like it."""
        self.columns: dict[int, Column] = {}
        """Column index -> the declared column of its header."""
        self.merged = self.sheet.merged_ranges()
        """The cells a person merged: read as the sheet shows them, never written into."""
        self._uncomputed: dict[str, list[str]] = {}
        """Header of a column of the team's -> its cells holding a formula without a computed value."""
        self.notes: list[str] = []
        """What the team should know about what was read (formulas nobody computed)."""
        self._tables: dict[str, bytes] = {}
        """Table part -> its XML grown to take in the appended rows (decided with the plan)."""

    def records(self) -> Iterator[tuple[int, _RowCells]]:
        self._uncomputed = {}
        try:
            last: SheetRow | None = None
            merged_down = _MergedDown(self.merged)
            for row in self.sheet.rows():
                if not row.has_content:
                    continue
                self.last_content_row = max(self.last_content_row, row.number)
                covered = merged_down.cells(row, self.columns, header=self.header_row is None)
                if self.header_row is None:
                    self.header_row = row
                    width = max((cell.column for cell in row.cells), default=-1) + 1
                    self.header = [""] * width
                    for cell in row.cells:
                        self.header[cell.column] = cell.text
                    self.columns = {index: column for index, text in enumerate(self.header)
                                    if (column := column_for_header(text)) is not None}
                    continue
                last = row
                self._note_uncomputed(row, covered)
                yield row.index, _RowCells(row, self.columns, covered)
            if last is not None:  # new rows look like the last one
                self.row_styles = {cell.column: cell.style for cell in last.cells if cell.style is not None}
            self._finish_notes()
        except UntrustedDocumentError as error:
            raise RegisterRefused(f"{self.source}: the register cannot be read: {error.reason}",
                                  hint="open and save it again in Excel or LibreOffice; it was left untouched") \
                from error

    def _note_uncomputed(self, row: SheetRow, covered: dict[int, Cell]) -> None:
        """Remember the team's cells of ``row`` that hold a formula without a computed value: a register a
        program wrote and nobody opened in a spreadsheet since. Read as empty, such a Disposition would
        silently be open."""
        for index, column in self.columns.items():
            if column.owner != "team" or index in covered:
                continue
            cell = row.cell(index)
            if cell is not None and cell.formula and cell.text == "":
                self._uncomputed.setdefault(column.header, []).append(f"{column_letters(index)}{row.number}")

    def _finish_notes(self) -> None:
        """One note per column of the team's with formulas nobody computed: where, what it is read as, and
        what to do."""
        self.notes = [
            f"{self.source}, sheet '{self.sheet_name}', {'cell' if len(cells) == 1 else 'cells'} "
            f"{', '.join(cells[:5])}{f' and {len(cells) - 5} more' if len(cells) > 5 else ''}: the {header} is a "
            "formula without a computed value (the file was written by a program and not opened in a spreadsheet "
            f"since), so it is read as {'open' if header == DISPOSITION_COLUMN.header else 'empty'}; open the "
            "register in Excel or LibreOffice and save it there, so that its formulas are computed, then run again"
            for header, cells in self._uncomputed.items()]

    def check(self) -> None:
        next(self.records(), None)  # reads the sheet up to the first record after the header
        self._planner([])

    def _header_place(self, index: int) -> str:
        """The cell of the header in ``column`` (0-based): ``C1``."""
        assert self.header_row is not None
        return f"cell {column_letters(index)}{self.header_row.number}"

    def _planner(self, rows: list[RegisterRow]) -> Planner:
        if self.header_row is None:
            raise RegisterRefused(f"{self.source}: the sheet '{self.sheet_name}' has no header row",
                                  hint="restore the header row (ID, Disposition, ...) or give a new file name")
        try:
            return Planner(self.header, rows, f"{self.source}, sheet '{self.sheet_name}'", self._header_place)
        except RegisterRefused as refused:
            if len(self.workbook.sheets) == 1 or self.sheet_name.casefold() == SHEET_NAME.casefold():
                raise
            # a team's sheet put first, the register's renamed: say which sheet was read, and why
            raise RegisterRefused(refused.message, hint=f"the register is the sheet named '{SHEET_NAME}' (any "
                                                        "case), else the first sheet: name the register's sheet "
                                                        f"'{SHEET_NAME}' again") from refused

    def plan(self, rows: list[RegisterRow]) -> Plan:
        records = self.records()
        first = next(records, None)
        planner = self._planner(rows)
        if first is not None:
            planner.record(*first)
        for position, cells in records:
            planner.record(position, cells)
        plan = planner.finish()
        plan.notes.extend(self.notes)
        self._refuse_merged(plan)
        self._tables = self._tables_to_grow(plan)
        return plan

    def _tables_to_grow(self, plan: Plan) -> dict[str, bytes]:
        """Table part -> its XML grown to take in the rows and columns ``plan`` appends: the table (Insert >
        Table) whose header row holds the register's ID header and which reaches down to the last record.
        A table with a totals row cannot take rows in below it: a note says so."""
        if self.header_row is None or not (plan.appended or plan.added_columns):
            return {}
        try:
            tables = [(table, data) for part, data in self.workbook.table_parts(self.sheet.part)
                      if (table := read_table(data, part)) is not None]
        except UntrustedDocumentError as error:
            raise RegisterRefused(f"{self.source}: the register cannot be read: {error.reason}",
                                  hint="open and save it again in Excel or LibreOffice; it was left untouched") \
                from error
        id_column = plan.column_index["id"]
        for table, data in tables:
            if not (table.covers(id_column, self.header_row.number) and table.header_rows > 0
                    and table.first_row == self.header_row.number and table.last_row >= self.last_content_row):
                continue
            if table.totals_rows:
                if plan.appended:
                    plan.notes.append(_totals_row_note(self.sheet_name, table))
                return {}
            added = [column.header for index, column in plan.added_columns if index > table.last_column]
            contiguous = [i for i, _ in plan.added_columns if i > table.last_column] == list(
                range(table.last_column + 1, table.last_column + 1 + len(added)))
            grown = grown_table(data, table, self.last_content_row + len(plan.appended), added if contiguous else [])
            return {table.part: grown} if grown != data else {}
        return {}

    def _refuse_merged(self, plan: Plan) -> None:
        """Refuse a plan that would write a cell a person merged: written, the first cell of a merge would
        replace what the team typed across it ("Cited by drafts" merged with a column of the team's), and
        another cell of it would hold a value nobody sees."""
        if not self.merged or self.header_row is None:
            return
        numbers = {span_index: span.number for span_index, span in enumerate(self.sheet.spans)}
        targets = [(numbers[position], plan.column_index[column.key])
                   for position, writes in plan.writes.items() for column, _ in writes]
        targets += [(self.header_row.number, index) for index, _ in plan.added_columns]
        targets += [(self.last_content_row + offset, index) for offset, row in enumerate(plan.appended, start=1)
                    for index, (_, text) in plan.cells_of(row).items() if text != ""]
        small = {(row, column): merged for merged in self.merged
                 if (merged.last_row - merged.first_row + 1) * (merged.last_column - merged.first_column + 1) <= 10_000
                 for row in range(merged.first_row, merged.last_row + 1)
                 for column in range(merged.first_column, merged.last_column + 1)}
        large = [merged for merged in self.merged if merged not in small.values()]
        headers = {plan.column_index[column.key]: column.header for column in COLUMNS}
        hit: dict[str, str] = {}
        for row, column in targets:
            merged = small.get((row, column)) or next((m for m in large if m.covers(column, row)), None)
            if merged is not None and merged.ref not in hit:
                hit[merged.ref] = f"{column_letters(column)}{row} ({headers.get(column, '')})"
        if hit:
            where = "; ".join(f"{cell} inside {ref}" for ref, cell in list(hit.items())[:5])
            raise RegisterRefused(
                f"{self.source}, sheet '{self.sheet_name}': the update would write cells that are merged with "
                f"others ({where}{'; ...' if len(hit) > 5 else ''}): it would replace what the merged cell shows "
                "or hide what it writes; the register was left untouched",
                hint=f"unmerge {', '.join(list(hit)[:5])} (Excel: Merge & Center; LibreOffice: Format > Merge "
                     "and Unmerge Cells), keep the team's text in a column of its own, then run again")

    def rows(self) -> list[RegisterRow]:
        records = [(position, cells.whole()) for position, cells in self.records()]
        if self.header_row is None:
            return read_rows(self.header, records, self.source)
        return read_rows(self.header, records, f"{self.source}, sheet '{self.sheet_name}'", self._header_place)

    def write(self, plan: Plan, target: IO[bytes]) -> None:
        """The workbook with ``plan`` applied, written to ``target``."""
        edit = SheetEdit(validation_column=plan.column_index["disposition"])
        dates = frozenset(self.workbook.date_styles())
        for position, writes in plan.writes.items():
            # An existing cell keeps its style: a date is written as a date where its column shows dates.
            edit.cells[position] = {plan.column_index[column.key]: _new_cell(
                column, text, self.row_styles.get(plan.column_index[column.key]), dates) for column, text in writes}
        if plan.added_columns:
            assert self.header_row is not None
            style = self.header_row.cells[-1].style if self.header_row.cells else None
            header = edit.cells.setdefault(self.header_row.index, {})
            for index, column in plan.added_columns:
                header[index] = NewCell(column.header, style=style)
        for row in plan.appended:
            edit.appended.append({index: _new_cell(column, text, self.row_styles.get(index), dates)
                                  for index, (column, text) in plan.cells_of(row).items() if text != ""})
        replaced = {self.sheet.part: edited_sheet(self.sheet, edit, self.last_content_row)}
        replaced.update({part: iter((data,)) for part, data in self._tables.items()})
        self.workbook.write(target, replaced)


def _totals_row_note(sheet: str, table: SheetTable) -> str:
    return (f"sheet '{sheet}': the table {table.name} ({table.ref}) ends with a totals row, so the new rows are "
            "below it, outside the table; to take them in, turn its totals row off (Table Design > Total Row), "
            "drag the table's corner down to the last row, and turn it on again")


def new_xlsx(plan: Plan) -> bytes:
    """A new register: sheet "Register", frozen header row and ID column, filters, wrapped long text,
    set widths, Disposition as a drop-down list; numbers as numbers, dates as dates, text never a formula;
    rows as tall as their wrapped text; printed landscape at a readable size, the header row and the ID
    column on every page (:func:`~strategy_builder.ooxml.workbook_look.print_setup`)."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    sheet.append([column.header for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = bold_font()
        cell.fill = PatternFill("solid", fgColor="DDE6F3")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    top, wrap = Alignment(vertical="top"), Alignment(vertical="top", wrap_text=True)
    for row_number, row in enumerate(plan.appended, start=2):
        for index, (column, text) in plan.cells_of(row).items():
            cell = sheet.cell(row=row_number, column=index + 1)
            if column.kind == "integer" and (number := whole_number(text)) is not None:
                cell.value = number
                if column.digits:
                    cell.number_format = "0" * column.digits  # the draft 3 shows as 003
            elif column.kind == "date" and (when := iso_date(text)) is not None:
                cell.value = dt.datetime.fromisoformat(when)
                cell.number_format = "yyyy-mm-dd hh:mm"
            else:
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)[:32_767]
                cell.data_type = "s"  # text, never a formula, whatever the remark starts with
            cell.alignment = wrap if column.wrap else top
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "B2"
    fit_rows(sheet)
    # Printed on landscape pages at a readable size, the header row and the ID on every page.
    print_setup(sheet, header_rows=1, title_columns="A:A")
    last = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A1:{last}{max(len(plan.appended) + 1, 2)}"
    disposition = get_column_letter(plan.column_index["disposition"] + 1)
    validation = DataValidation(type="list", formula1='"' + ",".join(DISPOSITIONS) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle="Disposition",
                                error="Choose open, accepted, rejected or partly accepted")
    validation.add(f"{disposition}2:{disposition}{max(len(plan.appended) + 500, 1000)}")
    sheet.add_data_validation(validation)
    # Undated: the same rows give the same bytes, and a working file has no issue date to borrow.
    return reproducible_xlsx(workbook, None)


__all__ = ["SHEET_NAME", "XlsxRegister", "new_xlsx"]
