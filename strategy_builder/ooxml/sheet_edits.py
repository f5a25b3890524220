"""A worksheet written back with edits, row by row: every row the edit does not touch is copied byte for byte.

A touched row is re-serialised with only its named cells changed (formulas are never written); new rows are
inserted after the last row with content; ``<dimension>``, the auto-filter and a data validation list that
covered the table are extended to the new rows; a new row, and an edited row whose height nobody set by
hand, is made tall enough for its wrapped text (:mod:`strategy_builder.ooxml.workbook_look` says why). New text
is written as inline strings (``t="inlineStr"``), so the shared-strings part is never rewritten. An Excel
table over the rows grows with :mod:`strategy_builder.ooxml.sheet_tables`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from strategy_builder.ooxml.sheet_cells import (
    CELL, CELL_REFERENCE, NewCell, cell_column, clean_text, column_index, column_letters, escape_text, fill_cell,
    read_cell,
)
from strategy_builder.ooxml.workbook import TRUE
from strategy_builder.ooxml.workbook_look import row_points
from strategy_builder.ooxml.worksheet import Sheet, number_attribute


@dataclass(slots=True)
class SheetEdit:
    """What to change in a sheet: cells of existing rows (by row index), and rows to append."""

    cells: dict[int, dict[int, NewCell]] = field(default_factory=dict)
    appended: list[dict[int, NewCell]] = field(default_factory=list)
    validation_column: int | None = None
    """A column whose list validation should cover the appended rows."""


def edited_sheet(sheet: Sheet, edit: SheetEdit, last_content_row: int) -> Iterator[bytes | memoryview]:
    """The XML of ``sheet`` with ``edit`` applied, in chunks (untouched rows are slices of the original).

    Appended rows are numbered from ``last_content_row + 1``; an existing row element with such a
    number (an empty, formatted row) receives the new cells, keeping its attributes.
    """
    view = memoryview(sheet.data)
    appended = {last_content_row + offset: cells for offset, cells in enumerate(edit.appended, start=1)}
    last_new_row = last_content_row + len(edit.appended)
    numbers = {span.number for span in sheet.spans}
    new_rows = [(number, cells) for number, cells in sorted(appended.items()) if number not in numbers]
    last_row = max([last_new_row, *numbers])
    yield _edited_head(view[: sheet.sheet_data_tag[0]].tobytes(), last_row, _width(edit))
    if sheet.empty:
        yield b"<" + sheet.prefix + b"sheetData>"
        position = end = 0
    else:
        yield view[sheet.sheet_data_tag[0]: sheet.data_start]
        position, end = sheet.data_start, sheet.data_end
    for index, span in enumerate(sheet.spans):
        while new_rows and new_rows[0][0] < span.number:  # rows stay in the order of their numbers
            yield view[position: span.start]
            position = span.start
            yield _new_row(sheet, *new_rows.pop(0))
        changes = {**edit.cells.get(index, {}), **appended.get(span.number, {})}
        if changes:
            yield view[position: span.start]
            yield _edited_row(sheet, sheet.data[span.start: span.end], changes, span.number)
            position = span.end
    yield view[position:end]
    for number, cells in new_rows:
        yield _new_row(sheet, number, cells)
    if sheet.empty:
        yield b"</" + sheet.prefix + b"sheetData>"
        tail = view[sheet.sheet_data_tag[1]:].tobytes()
    else:
        tail = view[sheet.data_end:].tobytes()
    yield _edited_tail(tail, last_content_row, last_new_row, edit.validation_column)


def _width(edit: SheetEdit) -> int:
    columns = [column for cells in edit.cells.values() for column in cells]
    columns += [column for cells in edit.appended for column in cells]
    return max(columns, default=0) + 1


def _edited_head(head: bytes, last_row: int, used_columns: int) -> bytes:
    def extend(match: re.Match[bytes]) -> bytes:
        ref = match.group(2).decode("ascii", "replace")
        first, _, last = ref.partition(":")
        end = CELL_REFERENCE.match(last or first)
        if end is None:
            return match.group(0)
        columns = max(column_index(end.group(1)) + 1, used_columns)
        rows = max(int(end.group(2)), last_row)
        start = first if last else "A1"
        return match.group(1) + f"{start}:{column_letters(columns - 1)}{rows}".encode() + match.group(3)

    return re.sub(rb'(<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref=")([^"]*)(")', extend, head, count=1)


def _edited_tail(tail: bytes, last_content_row: int, last_row: int, validation_column: int | None) -> bytes:
    def extend_ref(ref: str, column: int | None = None) -> str:
        ranges = []
        for item in ref.split():
            first, _, last = item.partition(":")
            end = CELL_REFERENCE.match(last)
            start = CELL_REFERENCE.match(first)
            if (end and start and last_content_row <= int(end.group(2)) < last_row
                    and (column is None or column_index(start.group(1)) <= column <= column_index(end.group(1)))):
                item = f"{first}:{end.group(1)}{last_row}"
            ranges.append(item)
        return " ".join(ranges)

    def filter_ref(match: re.Match[bytes]) -> bytes:
        return match.group(1) + extend_ref(match.group(2).decode("ascii", "replace")).encode() + match.group(3)

    tail = re.sub(rb'(<(?:[A-Za-z_][\w.-]*:)?autoFilter\b[^>]*?\sref=")([^"]*)(")', filter_ref, tail, count=1)
    if validation_column is not None:
        def validation(match: re.Match[bytes]) -> bytes:
            element = match.group(0)
            if b'type="list"' not in element:
                return element
            return re.sub(rb'(\ssqref=")([^"]*)(")', lambda m: m.group(1) + extend_ref(
                m.group(2).decode("ascii", "replace"), validation_column).encode() + m.group(3), element,
                count=1)

        tail = re.sub(rb"<(?:[A-Za-z_][\w.-]*:)?dataValidation\b[^>]*>", validation, tail)
    return tail


def _edited_row(sheet: Sheet, original: bytes, changes: dict[int, NewCell], number: int) -> bytes:
    row = sheet.parse_row(original)
    root = row.getparent()
    assert root is not None
    existing: dict[int, etree._Element] = {}
    column = -1
    for cell in row.iter(CELL):
        column = cell_column(cell, column)
        existing[column] = cell
    for index, new in sorted(changes.items()):
        found = existing.get(index)
        if found is not None:
            cell = found
        else:
            cell = etree.SubElement(row, CELL)  # created in the row: it takes the row's namespace prefix
            cell.set("r", f"{column_letters(index)}{number}")
            following = [i for i in existing if i > index]
            if following:
                existing[min(following)].addprevious(cell)  # cells stay in column order
            existing[index] = cell
            if new.style is not None:
                cell.set("s", new.style)
        fill_cell(cell, new)
    if "spans" in row.attrib:
        del row.attrib["spans"]  # an optional hint that may no longer be right
    _fit_height(sheet, row, existing)
    serialised = etree.tostring(root, encoding="utf-8")
    opening = serialised.index(b">") + 1
    return serialised[opening: serialised.rindex(b"</wrap>")]


def _fit_height(sheet: Sheet, row: etree._Element, cells: dict[int, etree._Element]) -> None:
    """Raise an edited row's height to fit its wrapped text (LibreOffice does not fit rows when it opens
    a file; see :mod:`strategy_builder.ooxml.workbook_look`), unless someone set the height by hand."""
    if row.get("customHeight", "0").lower() in TRUE:
        return
    strings = sheet.workbook.shared_strings()
    lines = sheet.tallest_lines((column, read_cell(cell, column, strings).text, cell.get("s"))
                                for column, cell in cells.items() if cell.get("t") in ("s", "inlineStr", "str"))
    height = row_points(lines)
    if height is not None and height > number_attribute((row.get("ht") or "0").encode(), 0):
        row.set("ht", f"{height:g}")


def _new_row(sheet: Sheet, number: int, cells: dict[int, NewCell]) -> bytes:
    p = sheet.prefix.decode("ascii")
    height = row_points(sheet.tallest_lines((column, cell.text, cell.style) for column, cell in cells.items()
                                            if not cell.number))
    out = [f'<{p}row r="{number}"' + (f' ht="{height:g}"' if height is not None else "") + ">"]
    for index, cell in sorted(cells.items()):
        reference = f"{column_letters(index)}{number}"
        style = f' s="{cell.style}"' if cell.style is not None else ""
        if cell.number:
            out.append(f'<{p}c r="{reference}"{style}><{p}v>{escape_text(cell.text)}</{p}v></{p}c>')
        else:
            out.append(f'<{p}c r="{reference}"{style} t="inlineStr"><{p}is><{p}t xml:space="preserve">'
                       f"{escape_text(clean_text(cell.text))}</{p}t></{p}is></{p}c>")
    out.append(f"</{p}row>")
    return "".join(out).encode("utf-8")


__all__ = ["SheetEdit", "edited_sheet"]
