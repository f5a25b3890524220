"""CSV registers in the dialect they were saved in, rewritten only where the tool writes.

Excel and LibreOffice write registers with ``,``, ``;`` (comma-decimal locales) or a tab between
fields, UTF-8 with or without a byte order mark, ``\\r\\n`` or ``\\n`` line ends, and sometimes a
``sep=;`` first line. The dialect is found from the header row (the delimiter for which one header
field is ``ID``) and kept: records the import does not change are copied character for character,
changed and appended records are written in the same dialect. Windows-1252 ("ANSI") and UTF-16
("Unicode text") files are refused with what to do, never guessed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import NamedTuple

from strategy_builder.review.register.columns import COLUMNS, Column, RegisterRow
from strategy_builder.review.register.table import Cell, Cells, Plan, Planner, RegisterRefused, read_rows

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$")
_SEP_LINE = re.compile(r"^sep=(.)\s*$")
DELIMITERS = (",", ";", "\t")
BOM = "\ufeff"
# Text that a spreadsheet application would run as a formula if a cell started with it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _guarded(text: str) -> bool:
    """Whether ``text`` is written with a leading apostrophe: text a spreadsheet application would run as a
    formula, and text that already starts with apostrophes before such a character (so that reading it back,
    which removes one apostrophe, gives the text itself)."""
    rest = text.lstrip("'")
    return rest[:1] in _FORMULA_START


def guard(text: str) -> str:
    """Keep spreadsheet applications from running the tool's text as a formula (CSV injection)."""
    return "'" + text if _guarded(text) else text


def unguard(text: str) -> str:
    """The text :func:`guard` was given."""
    return text[1:] if text[:1] == "'" and _guarded(text[1:]) else text


class Dialect(NamedTuple):
    """How one CSV file is written."""

    delimiter: str = ","
    line_end: str = "\r\n"
    bom: bool = True
    """New registers get a BOM and CRLF: that is what Excel reads as UTF-8 without asking."""

    def writer(self, buffer: io.StringIO) -> csv._writer:  # type: ignore[name-defined]
        return csv.writer(buffer, delimiter=self.delimiter, quotechar='"', doublequote=True,
                          lineterminator=self.line_end, quoting=csv.QUOTE_MINIMAL)

    def line(self, fields: list[str]) -> str:
        buffer = io.StringIO()
        self.writer(buffer).writerow(fields)
        return buffer.getvalue()


def decode(data: bytes, source: str) -> tuple[str, bool]:
    """The text of a CSV register and whether it had a UTF-8 byte order mark; refuses other encodings."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RegisterRefused(f"{source}: the register is saved as UTF-16 ('Unicode Text'), which is not read",
                              hint="save it as 'CSV UTF-8 (comma delimited)' in Excel, or as CSV with the character "
                                   "set 'Unicode (UTF-8)' in LibreOffice")
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as error:
        raise RegisterRefused(
            f"{source}: the register is not UTF-8 (byte 0x{data[error.start]:02X} at offset {error.start}); it "
            "looks like a Windows-1252 ('ANSI') file, whose accented and Cyrillic letters would be misread",
            hint="open it in Excel and save it as 'CSV UTF-8 (comma delimited)', or in LibreOffice as CSV with the "
                 "character set 'Unicode (UTF-8)'; it was left untouched") from error
    return text, bom


class CsvRegister:
    """A CSV register as read: its lines, dialect, header and the line span of every record."""

    def __init__(self, data: bytes, source: str) -> None:
        self.source = source
        text, bom = decode(data, source)
        self.lines = _LINE.findall(text)
        self.prefix_lines = 0
        delimiter = None
        if self.lines and (match := _SEP_LINE.match(self.lines[0].rstrip("\r\n"))):
            delimiter = match.group(1)
            self.prefix_lines = 1  # Excel's "sep=;" hint line is kept as it is
        header_line = next((i for i in range(self.prefix_lines, len(self.lines)) if self.lines[i].strip()), None)
        if header_line is None:
            raise RegisterRefused(f"{source}: the register has no header row",
                                  hint="delete the empty file to start a new register")
        first = self.lines[header_line]
        line_end = first[len(first.rstrip("\r\n")):] or "\r\n"
        delimiter = delimiter or _find_delimiter(first, source)
        self.dialect = Dialect(delimiter, line_end, bom)
        self.header_start = header_line
        self.spans: list[tuple[int, int]] = []
        """Line range [start, end) of each record after the header, in order (record position = index)."""
        self.header: list[str] = []

    def records(self) -> Iterator[tuple[int, Cells]]:
        """(position, cells) of each data record; cells hold the text the tool compares (unguarded)."""
        reader = csv.reader(_Lines(self.lines, self.header_start), delimiter=self.dialect.delimiter,
                            quotechar='"', doublequote=True, strict=False)
        start = self.header_start
        self.spans = []
        try:
            for number, fields in enumerate(reader):
                end = self.header_start + reader.line_num
                if number == 0:
                    self.header = fields
                else:
                    self.spans.append((start, end))
                    if any(field.strip() for field in fields):
                        yield len(self.spans) - 1, Cells({i: Cell(unguard(f)) for i, f in enumerate(fields)
                                                          if f != ""})
                start = end
        except csv.Error as error:
            raise RegisterRefused(f"{self.source}: line {reader.line_num + self.header_start}: the register is not "
                                  f"valid CSV ({error})", hint="fix the line in a spreadsheet application") from error

    def read_header(self) -> list[str]:
        reader = csv.reader(_Lines(self.lines, self.header_start), delimiter=self.dialect.delimiter, quotechar='"')
        self.header = next(reader, [])
        return self.header

    def apply(self, plan: Plan) -> bytes:
        """The file's bytes with ``plan`` applied: unchanged records copied as they are."""
        out: list[str] = self.lines[:self.header_start]
        header_end = self.spans[0][0] if self.spans else len(self.lines)
        if plan.added_columns:
            header = _extended(self.header, {index: column.header for index, column in plan.added_columns})
            out.append(self.dialect.line(header))
        else:
            out.extend(self.lines[self.header_start:header_end])
        for position, (start, end) in enumerate(self.spans):
            writes = plan.writes.get(position)
            if writes is None:
                out.extend(self.lines[start:end])
                continue
            fields = next(csv.reader(_Lines(self.lines[start:end], 0), delimiter=self.dialect.delimiter,
                                     quotechar='"', doublequote=True))
            out.append(self.dialect.line(_extended(fields, {plan.column_index[column.key]: guard(text)
                                                            for column, text in writes})))
        if not self.spans:
            out.extend(self.lines[header_end:])
        if plan.appended and out and not out[-1].endswith(("\n", "\r")):
            out[-1] += self.dialect.line_end
        for row in plan.appended:
            out.append(self.dialect.line(_extended([], {index: guard(text) if column.owner == "tool" else text
                                                        for index, (column, text) in plan.cells_of(row).items()})))
        text = "".join(out)
        return (BOM + text if self.dialect.bom else text).encode("utf-8")

    def _header_place(self, index: int) -> str:
        """Where the header's field ``index`` (0-based) is: ``line 1, field 3``."""
        return f"line {self.header_start + 1}, field {index + 1}"

    def check(self) -> None:
        Planner(self.read_header(), [], self.source, self._header_place)

    def plan(self, rows: list[RegisterRow]) -> Plan:
        records = self.records()
        first = next(records, None)  # reads the header too
        planner = Planner(self.header, rows, self.source, self._header_place)
        if first is not None:
            planner.record(*first)
        for position, cells in records:
            planner.record(position, cells)
        return planner.finish()

    def rows(self) -> list[RegisterRow]:
        records = list(self.records())
        return read_rows(self.header, records, self.source, self._header_place)


class _Lines:
    """Lines from ``start`` on, for ``csv.reader`` (which counts them in ``line_num``)."""

    def __init__(self, lines: list[str], start: int) -> None:
        self._iterator = iter(lines[start:]) if start else iter(lines)

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        return next(self._iterator)


def _find_delimiter(line: str, source: str) -> str:
    """The delimiter for which a field of the header line is ``ID`` (the most fields wins a tie)."""
    best: tuple[int, str] | None = None
    for delimiter in DELIMITERS:
        fields = next(csv.reader([line], delimiter=delimiter, quotechar='"'), [])
        if any(field.strip().casefold() == "id" for field in fields):
            if best is None or len(fields) > best[0]:
                best = (len(fields), delimiter)
    if best is None:
        raise RegisterRefused(
            f"{source}: the register's first row has no 'ID' column (separated by ',', ';' or a tab), so its rows "
            "cannot be matched to comments; it was left untouched",
            hint="restore the 'ID' column header in the first row, or give a new file name to start a new register")
    return best[1]


def _extended(fields: list[str], values: dict[int, str]) -> list[str]:
    result = list(fields)
    if values:
        result.extend([""] * (max(values) + 1 - len(result)))
    for index, text in values.items():
        result[index] = text
    return result


def new_csv(rows: list[RegisterRow], plan: Plan) -> bytes:
    """A new CSV register: UTF-8 with BOM and CRLF (what Excel opens without asking), comma-separated."""
    dialect = Dialect()
    lines = [dialect.line([column.header for column in COLUMNS])]
    for row in plan.appended:
        lines.append(dialect.line(_extended([], {index: guard(text) if column.owner == "tool" else text
                                                 for index, (column, text) in plan.cells_of(row).items()})))
    return (BOM + "".join(lines)).encode("utf-8")


__all__ = ["Column", "CsvRegister", "Dialect", "decode", "guard", "new_csv", "unguard"]
