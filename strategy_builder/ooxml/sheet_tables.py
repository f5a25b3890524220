"""Excel tables on a worksheet (Insert > Table, or LibreOffice's database ranges saved as .xlsx): read, and
grown to take in the rows and columns an edit appends.

A table is a part of its own (``xl/tables/tableN.xml``) that names a range of its sheet (``ref="A1:AC40"``),
its columns (one ``<tableColumn>`` per column, named as its header cell), its style and usually an
auto-filter over the same range. Rows written below a table's last row are outside it: Excel neither filters
nor styles them, and a formula that counts the table's rows misses them. So when the register appends rows
right below its table, the table's ``ref`` and its auto-filter's ``ref`` are extended to them, and a column
appended right of the table becomes a column of it. Everything else in the part (its columns and their
formulas, style, sort state, extensions) is copied byte for byte.

A table with a totals row is left as it is: its last row is the totals row, and rows appended below it
cannot become the table's without moving that row (which formulas elsewhere may point to).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from strategy_builder.digits import whole_number
from strategy_builder.ooxml.sheet_cells import column_index, column_letters

_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
_TABLE = re.compile(rb"<(" + _PREFIX + rb")table\b[^>]*>")
_REF_ATTRIBUTE = re.compile(rb"""(\sref=)(["'])([^"']*)(["'])""")
_AUTO_FILTER = re.compile(rb"<" + _PREFIX + rb"autoFilter\b[^>]*>")
_COLUMNS_OPEN = re.compile(rb"<" + _PREFIX + rb"tableColumns\b[^>]*>")
_COLUMN_ID = re.compile(rb"""<""" + _PREFIX + rb"""tableColumn\b[^>]*?\sid=["'](\d+)["']""")
_RANGE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+):\$?([A-Za-z]{1,3})\$?(\d+)$")


class SheetTable(NamedTuple):
    """A table of a sheet: its part, its name, and its range (columns 0-based, rows numbered as in the sheet)."""

    part: str
    name: str
    first_column: int
    first_row: int
    last_column: int
    last_row: int
    header_rows: int
    totals_rows: int

    def covers(self, column: int, row: int) -> bool:
        """Whether the cell in ``column`` (0-based) of row ``row`` is inside the table."""
        return self.first_column <= column <= self.last_column and self.first_row <= row <= self.last_row

    @property
    def ref(self) -> str:
        return (f"{column_letters(self.first_column)}{self.first_row}:"
                f"{column_letters(self.last_column)}{self.last_row}")


def read_table(data: bytes, part: str) -> SheetTable | None:
    """The table a table part describes, or ``None`` when it names no range this module can grow."""
    root = _TABLE.search(data)
    if root is None:
        return None
    element = root.group(0)
    ref = _REF_ATTRIBUTE.search(element)
    found = _RANGE.match(ref.group(3).decode("ascii", "replace")) if ref else None
    if found is None:
        return None
    return SheetTable(part, _attribute(element, b"displayName") or _attribute(element, b"name") or part,
                      column_index(found.group(1)), int(found.group(2)), column_index(found.group(3)),
                      int(found.group(4)), _count(element, b"headerRowCount", 1), _count(element, b"totalsRowCount", 0))


def grown_table(data: bytes, table: SheetTable, last_row: int, new_columns: list[str]) -> bytes:
    """The table part ``data`` with its range (and its auto-filter's) extended down to ``last_row`` and right by
    one column per header in ``new_columns`` (each a new ``<tableColumn>``, named as its header cell). The
    rest of the part is copied as it is."""
    grown = SheetTable(table.part, table.name, table.first_column, table.first_row,
                       table.last_column + len(new_columns), max(table.last_row, last_row), table.header_rows,
                       table.totals_rows)
    if grown == table:
        return data
    ref = grown.ref.encode("ascii")

    def new_ref(match: re.Match[bytes]) -> bytes:
        return _REF_ATTRIBUTE.sub(lambda m: m.group(1) + m.group(2) + ref + m.group(4), match.group(0), count=1)

    data = _TABLE.sub(new_ref, data, count=1)
    data = _AUTO_FILTER.sub(new_ref, data, count=1)  # the table's filter covers the whole table
    if new_columns:
        data = _with_columns(data, new_columns)
    return data


def _with_columns(data: bytes, headers: list[str]) -> bytes:
    opening = _COLUMNS_OPEN.search(data)
    if opening is None:
        return data
    closing = re.compile(rb"</(" + _PREFIX + rb")tableColumns>").search(data, opening.end())
    if closing is None:
        return data
    prefix = closing.group(1)
    next_id = max((int(m.group(1)) for m in _COLUMN_ID.finditer(data, opening.end(), closing.start())), default=0)
    added = b"".join(b"<" + prefix + b'tableColumn id="' + str(next_id + offset).encode() + b'" name="'
                     + _escape(header).encode("utf-8") + b'"/>' for offset, header in enumerate(headers, start=1))
    counted = re.sub(rb"""(\scount=["'])(\d+)(["'])""",
                     lambda m: m.group(1) + str(int(m.group(2)) + len(headers)).encode() + m.group(3),
                     opening.group(0), count=1)
    return data[: opening.start()] + counted + data[opening.end(): closing.start()] + added + data[closing.start():]


def _attribute(element: bytes, name: bytes) -> str | None:
    found = re.search(rb"\s" + name + rb"""=["']([^"']*)["']""", element)
    return found.group(1).decode("utf-8", "replace") if found else None


def _count(element: bytes, name: bytes, default: int) -> int:
    value = _attribute(element, name)
    number = whole_number(value) if value is not None else None
    return number if number is not None else default


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


__all__ = ["SheetTable", "grown_table", "read_table"]
