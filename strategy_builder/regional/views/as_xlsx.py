"""The matrix as an .xlsx workbook: one sheet per view, plus the priorities and a sheet about the numbers.

Every sheet has frozen headers, a filter, rows as tall as their wrapped text and a print setup (A4
landscape at a readable size, headers and frozen columns repeated).
Every non-zero count carries a cell comment naming what it counts: priorities with their section IDs and
YAML ``file:line``, or actions with their numbers. The file is deterministic: fixed document dates and a zip
rewritten with fixed timestamps (see :func:`strategy_builder.ooxml.workbook_look.reproducible_xlsx`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from strategy_builder.ooxml.workbook_look import (
    DEFAULT_COLUMN_WIDTH, bold_font, fit_rows, print_setup, reproducible_xlsx,
)
from strategy_builder.regional.labels import (
    AREA_SHORT, GAP, LEGEND, STATUS_TITLES, TIMELINE_RULE, action_line, plural, priority_line, source_line,
)
from strategy_builder.regional.matrix import RegionalMatrix

AUTHOR = "strategy-builder"
MAX_COMMENT_LINES = 40
"""Items listed in one comment; the rest are counted ("... and 12 more"), the Priorities sheet has them all."""

_HEADER_FONT = bold_font()
_HEADER_FILL = PatternFill("solid", fgColor="DCE3EF")
_GAP_FILL = PatternFill("lightUp", fgColor="A6A6A6", bgColor="FFFFFF")
_THIN = Side(style="thin", color="A6A6A6")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _comment(lines: list[str]) -> Comment | None:
    if not lines:
        return None
    shown = lines[:MAX_COMMENT_LINES]
    if len(lines) > MAX_COMMENT_LINES:
        shown.append(f"... and {len(lines) - MAX_COMMENT_LINES} more (see the Priorities sheet)")
    comment = Comment("\n".join(shown), AUTHOR)
    comment.width = 520
    comment.height = min(60 + 15 * len(shown), 600)
    return comment


def _header(sheet: Worksheet, row: int, values: list[str]) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row, column, value)
        cell.font, cell.fill, cell.border, cell.alignment = _HEADER_FONT, _HEADER_FILL, _BOX, _CENTRE


def _finish(sheet: Worksheet, header_rows: int, freeze: str, widths: Mapping[int, float], title: str) -> None:
    """Frozen headers, a filter on the last header row, column widths, rows as tall as their wrapped text
    and the print setup (the frozen columns repeated on every page)."""
    sheet.freeze_panes = freeze
    last_column = get_column_letter(sheet.max_column)
    sheet.auto_filter.ref = f"A{header_rows}:{last_column}{max(sheet.max_row, header_rows)}"
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    fit_rows(sheet)
    frozen = sheet[freeze].column - 1
    print_setup(sheet, header_rows=header_rows, title=title,
                title_columns=f"A:{get_column_letter(frozen)}" if frozen else None,
                widths={c: widths.get(c, DEFAULT_COLUMN_WIDTH) for c in range(1, sheet.max_column + 1)})
    sheet.print_options.gridLines = True


def matrix_xlsx(matrix: RegionalMatrix) -> bytes:
    """The workbook's bytes."""
    workbook = Workbook()
    title = f"Partnership matrix: {matrix.source.series_title}"
    _partners_areas(workbook.active, matrix, title)
    _lead_states(workbook.create_sheet("Lead states"), matrix, title)
    _timeline(workbook.create_sheet("Timeline"), matrix, title)
    _priorities_sheet(workbook.create_sheet("Priorities"), matrix, title)
    _about(workbook.create_sheet("About"), matrix, title)
    issued = dt.datetime.fromisoformat(matrix.source.issued)
    workbook.properties.creator = AUTHOR
    workbook.properties.lastModifiedBy = AUTHOR
    workbook.properties.title = title
    return reproducible_xlsx(workbook, issued)


def _partners_areas(sheet: Worksheet, matrix: RegionalMatrix, title: str) -> None:
    sheet.title = "Partners x areas"
    measures = [*(STATUS_TITLES[s] for s in matrix.statuses), "Actions", "Lead states"]
    first = ["Partner", "Name"]
    second = ["Partner", "Name"]
    for area in matrix.areas:
        first += [f"{area.chapter} {AREA_SHORT[area.key]}"] + [""] * (len(measures) - 1)
        second += measures
    first += ["All areas"] + [""] * (len(matrix.statuses) + 1)
    second += [*(STATUS_TITLES[s] for s in matrix.statuses), "Actions", "Gaps"]
    _header(sheet, 1, first)
    _header(sheet, 2, second)
    sheet.merge_cells(start_row=1, start_column=1, end_row=2, end_column=1)
    sheet.merge_cells(start_row=1, start_column=2, end_row=2, end_column=2)
    for index in range(len(matrix.areas) + 1):
        start = 3 + index * len(measures)
        end = start + (len(measures) if index < len(matrix.areas) else len(matrix.statuses) + 2) - 1
        sheet.merge_cells(start_row=1, start_column=start, end_row=1, end_column=end)
    for row, (partner, total) in enumerate(zip(matrix.partners, matrix.partner_totals, strict=True), start=3):
        sheet.cell(row, 1, partner.code)
        sheet.cell(row, 2, partner.name)
        column = 3
        for area in matrix.areas:
            cell = matrix.cell(partner.code, area.key)
            priorities = [matrix.priority(p) for p in cell.priorities]
            live_actions = [matrix.action(a) for p in priorities for a in p.actions if matrix.action(a).live]
            for status in matrix.statuses:
                target = sheet.cell(row, column, cell.counts[status])
                target.comment = _comment([priority_line(p) for p in priorities if p.status == status])
                column += 1
            target = sheet.cell(row, column, cell.actions)
            target.comment = _comment([action_line(a) for a in live_actions])
            column += 1
            leads = sheet.cell(row, column, ", ".join(cell.leads) if not cell.gap else GAP)
            leads.comment = _comment(
                [f"{cell.section_id} — {cell.file}:{cell.line}"] + ([f"no priorities: {cell.gap_reason}"]
                                                                   if cell.gap_reason else [])
                + [priority_line(p) + (f" — lead {', '.join(p.leads)}" if p.leads else "") for p in priorities])
            if cell.gap:
                for offset in range(len(measures)):
                    sheet.cell(row, column - offset).fill = _GAP_FILL
            column += 1
        for status in matrix.statuses:
            sheet.cell(row, column, total.counts[status])
            column += 1
        sheet.cell(row, column, total.actions)
        sheet.cell(row, column + 1, total.gaps)
    total_row = len(matrix.partners) + 3
    sheet.cell(total_row, 1, "All").font = _HEADER_FONT
    sheet.cell(total_row, 2, "All partners").font = _HEADER_FONT
    column = 3
    for area_total in matrix.area_totals:
        for status in matrix.statuses:
            sheet.cell(total_row, column, area_total.counts[status]).font = _HEADER_FONT
            column += 1
        sheet.cell(total_row, column, area_total.actions).font = _HEADER_FONT
        sheet.cell(total_row, column + 1, plural(area_total.gaps, GAP)).font = _HEADER_FONT
        column += 2
    for status in matrix.statuses:
        sheet.cell(total_row, column, matrix.totals[status]).font = _HEADER_FONT
        column += 1
    sheet.cell(total_row, column, matrix.totals["actions"]).font = _HEADER_FONT
    sheet.cell(total_row, column + 1, matrix.totals["gaps"]).font = _HEADER_FONT
    widths = {1: 8, 2: 16}
    for index in range(3, sheet.max_column + 1):
        widths[index] = 14 if (index - 3) % len(measures) == len(measures) - 1 and index < 3 + 5 * len(measures) \
            else 9
    _finish(sheet, 2, "C3", widths, title)
    # The totals row stays out of the filter range, so that sorting keeps it last.
    sheet.auto_filter.ref = f"A2:{get_column_letter(sheet.max_column)}{total_row - 1}"


def _lead_states(sheet: Worksheet, matrix: RegionalMatrix, title: str) -> None:
    _header(sheet, 1, ["Lead state", "Name", "Role", "Area", *(p.code for p in matrix.partners), "Total"])
    row = 2
    for state, total in zip(matrix.lead_states, matrix.lead_totals, strict=True):
        for area in matrix.areas:
            sheet.cell(row, 1, state.code)
            sheet.cell(row, 2, state.name)
            sheet.cell(row, 3, state.role)
            sheet.cell(row, 4, AREA_SHORT[area.key])
            for column, partner in enumerate(matrix.partners, start=5):
                lead_cell = matrix.lead_cell(state.code, partner.code, area.key)
                target = sheet.cell(row, column, len(lead_cell.actions) if lead_cell else 0)
                if lead_cell:
                    target.comment = _comment([action_line(matrix.action(a)) for a in lead_cell.actions])
            sheet.cell(row, len(matrix.partners) + 5, total.by_area[area.key])
            row += 1
    _finish(sheet, 1, "E2", {1: 8, 2: 18, 3: 12, 4: 24, **{c: 6 for c in range(5, len(matrix.partners) + 6)}},
            title)


def _timeline(sheet: Worksheet, matrix: RegionalMatrix, title: str) -> None:
    _header(sheet, 1, ["Area", "Partner", *matrix.quarters])
    row = 2
    for area in matrix.areas:
        for partner in matrix.partners:
            cells = [matrix.timeline_cell(area.key, partner.code, q) for q in matrix.quarters]
            if not any(cells):
                continue
            sheet.cell(row, 1, AREA_SHORT[area.key])
            sheet.cell(row, 2, partner.code)
            for column, timeline_cell in enumerate(cells, start=3):
                target = sheet.cell(row, column, len(timeline_cell.actions) if timeline_cell else 0)
                if timeline_cell:
                    target.comment = _comment([action_line(matrix.action(a)) for a in timeline_cell.actions])
            row += 1
    sheet.cell(row, 1, "All areas").font = _HEADER_FONT
    sheet.cell(row, 2, "All").font = _HEADER_FONT
    for column, quarter in enumerate(matrix.quarter_totals, start=3):
        sheet.cell(row, column, quarter.actions).font = _HEADER_FONT
    if matrix.undated_actions:
        sheet.cell(row + 2, 1, f"Actions without a timeline: {len(matrix.undated_actions)}").comment = _comment(
            [action_line(matrix.action(a)) for a in matrix.undated_actions])
    _finish(sheet, 1, "C2", {1: 24, 2: 8, **{c: 9 for c in range(3, len(matrix.quarters) + 3)}}, title)
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(sheet.max_column, 2))}{max(row - 1, 1)}"


def _priorities_sheet(sheet: Worksheet, matrix: RegionalMatrix, title: str) -> None:
    _header(sheet, 1, ["Partner", "Area", "Number", "Title", "Status", "Actions", "Lead states", "Section ID",
                       "YAML file", "YAML line"])
    for row, priority in enumerate(matrix.priorities, start=2):
        values = [priority.partner, AREA_SHORT[priority.area], priority.number, priority.title, priority.status,
                  len(priority.actions), ", ".join(priority.leads), priority.section_id, priority.file,
                  priority.line]
        for column, value in enumerate(values, start=1):
            sheet.cell(row, column, value)
        sheet.cell(row, 4).alignment = _WRAP
    _finish(sheet, 1, "D2", {1: 8, 2: 22, 3: 8, 4: 48, 5: 11, 6: 8, 7: 16, 8: 52, 9: 26, 10: 9}, title)


def _about(sheet: Worksheet, matrix: RegionalMatrix, title: str) -> None:
    rows = [("Partnership matrix", matrix.source.series_title), ("Period", matrix.source.period),
            ("Source", source_line(matrix)), ("Legend", LEGEND), ("Timeline", TIMELINE_RULE),
            ("Comments", "Every non-zero count has a comment listing what it counts, with section IDs and "
                         "YAML file:line."),
            ("Schema version", str(matrix.schema_version)), ("Inputs sha256", matrix.source.inputs_sha256)]
    _header(sheet, 1, ["Item", "Value"])
    for row, (key, value) in enumerate(rows, start=2):
        sheet.cell(row, 1, key).font = _HEADER_FONT
        sheet.cell(row, 2, value).alignment = _WRAP
    _finish(sheet, 1, "A2", {1: 18, 2: 110}, title)
