"""What an import changes in a register, whatever its format: the cells the tool owns, and appended rows.

A register file is read as a header row and data records (rows with content, in file order). The
:class:`Planner` sees each record once and decides, from the declared columns
(:mod:`~strategy_builder.review.register.columns`):

- a record whose ID is among the new rows gets the tool's cells that changed rewritten (never a cell
  holding a formula, never with an empty value, never the team's columns);
- every other record, every row without an ID, every column not declared, is left exactly as it is;
- new IDs become rows appended at the end, with the team's columns at their initial values;
- a declared column the file lacks is appended at the right of the widest row.

The format modules (csv, xlsx, json/html) read records and apply the resulting :class:`Plan` to their
own bytes, so that what the plan does not name is copied, not rewritten.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from strategy_builder.errors import EnvironmentProblem
from strategy_builder.limits import REGISTER_ROWS
from strategy_builder.review.register.columns import (
    COLUMNS, ID_COLUMN, Column, RegisterRow, column_for_header, iso_date, normalise_disposition,
)
from strategy_builder.review.register.rows import SUMMARY_DIMENSIONS, SUMMARY_SOURCES, keeps_old_value


class RegisterRefused(EnvironmentProblem):
    """A register that cannot be updated safely: wrong shape, no ID column, unreadable, locked (exit 2).

    The register is left untouched; ``message`` names the file and ``hint`` says what to do.
    """


class Cell(NamedTuple):
    """A cell as the tool compares it: its text, and whether a person wrote a formula there."""

    text: str
    formula: bool = False


class CellSource(Protocol):
    """The cells of one record, by column index; a format may read them only when asked for."""

    def get(self, index: int) -> Cell | None: ...

    def width(self) -> int:
        """One more than the highest column index with a cell."""
        ...


class Cells(dict[int, Cell]):
    """The cells of a record read whole (CSV, JSON)."""

    def width(self) -> int:
        return max(self, default=-1) + 1


@dataclass(slots=True)
class Plan:
    """The changes an import makes: cell writes per record, appended rows, columns added to the header."""

    column_index: dict[str, int]
    """Declared column key -> column index (0-based) after the import."""
    added_columns: list[tuple[int, Column]]
    writes: dict[int, list[tuple[Column, str]]]
    """Record position -> (column, new text) for the tool's cells that change."""
    appended: list[RegisterRow]
    rows: int
    """Rows with an ID after the import."""
    summary: dict[str, dict[str, int]]
    notes: list[str] = field(default_factory=list)
    """What the team should know about the file after the import (a table that could not take the new rows
    in, a disposition that could not be read)."""

    @property
    def added(self) -> int:
        return len(self.appended)

    @property
    def updated(self) -> int:
        return len(self.writes)

    @property
    def changes_anything(self) -> bool:
        return bool(self.appended or self.writes or self.added_columns)

    def cells_of(self, row: RegisterRow) -> dict[int, tuple[Column, str]]:
        """Column index -> (column, text) of an appended row: every declared column, the team's at their
        initial values."""
        return {self.column_index[column.key]: (column, row.value(column)) for column in COLUMNS}


@dataclass(slots=True)
class Planner:
    """Decides the :class:`Plan` of one import while the format module reads the records."""

    header: list[str]
    new_rows: list[RegisterRow]
    source: str
    place: HeaderPlace | None = None
    """Names a header cell in refusals (see :func:`declared_columns`)."""
    _header_index: dict[str, int] = field(default_factory=dict)
    _fresh: dict[str, RegisterRow] = field(default_factory=dict)
    _seen: set[str] = field(default_factory=set)
    _writes: dict[int, list[tuple[Column, str]]] = field(default_factory=dict)
    _width: int = 0
    _counts: dict[str, Counter[str]] = field(default_factory=dict)
    _decisions: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Row ID -> the team's decision on it (:func:`_decision`), to compare a second row with the same ID."""

    def __post_init__(self) -> None:
        for index, key in declared_columns(self.header, self.source, self.place).items():
            self._header_index[key] = index
        self._width = len(self.header)
        for row in self.new_rows:
            self._fresh.setdefault(row.id, row)
        self._counts = {dimension: Counter() for dimension in SUMMARY_DIMENSIONS}

    def record(self, position: int, cells: CellSource) -> None:
        """One data record: ``position`` identifies it for the format module, ``cells`` by column index."""
        self._width = max(self._width, cells.width())
        id_cell = cells.get(self._header_index[ID_COLUMN.key])
        row_id = id_cell.text.strip() if id_cell is not None else ""
        if not row_id:
            return  # a row of the team's: kept, never written
        decision = _decision({key: cell.text for key in _TEAM_KEYS if (index := self._header_index.get(key)) is not None
                              and (cell := cells.get(index)) is not None})
        if row_id in self._seen:  # a second row with one ID: kept, never written, and saying the same
            _refuse_two_decisions(self.source, row_id, self._decisions[row_id], decision)
            return
        self._seen.add(row_id)
        self._decisions[row_id] = decision
        if len(self._seen) > REGISTER_ROWS:
            raise RegisterRefused(f"{self.source}: the register has more than {REGISTER_ROWS:,} rows",
                                  hint="start a new register file (one per round or per partner)")
        values: dict[str, str] = {}
        for key in {key for keys in SUMMARY_SOURCES.values() for key in keys}:
            index = self._header_index.get(key)
            cell = cells.get(index) if index is not None else None
            values[key] = cell.text if cell is not None else ""
        fresh = self._fresh.get(row_id)
        if fresh is not None:
            writes = []
            for column in COLUMNS:
                if column.owner != "tool" or column is ID_COLUMN:
                    continue
                index = self._header_index.get(column.key)
                cell = cells.get(index) if index is not None else None
                if cell is not None and cell.formula:
                    continue  # a formula is always a person's
                old = cell.text if cell is not None else ""
                new = fresh.value(column)
                if keeps_old_value(column.key, old, new) or _same(column, old, new):
                    continue
                writes.append((column, new))
                if column.key in values:
                    values[column.key] = new
            if writes:
                self._writes[position] = writes
        self._count(values)

    def _count(self, values: Mapping[str, str]) -> None:
        for dimension in SUMMARY_DIMENSIONS:
            value = next((v for key in SUMMARY_SOURCES[dimension] if (v := values.get(key, ""))), "")
            if dimension == "disposition":
                value = normalise_disposition(value)
            self._counts[dimension][value or "-"] += 1

    def finish(self) -> Plan:
        """The plan, once every record was seen."""
        appended = [row for row_id, row in self._fresh.items() if row_id not in self._seen]
        if len(self._seen) + len(appended) > REGISTER_ROWS:
            raise RegisterRefused(f"{self.source}: the register would have more than {REGISTER_ROWS:,} rows",
                                  hint="start a new register file (one per round or per partner)")
        column_index = dict(self._header_index)
        added_columns: list[tuple[int, Column]] = []
        for column in COLUMNS:
            if column.key not in column_index:
                column_index[column.key] = self._width + len(added_columns)
                added_columns.append((column_index[column.key], column))
        for row in appended:
            self._count({key: getattr(row, key) for keys in SUMMARY_SOURCES.values() for key in keys})
        summary = {dimension: dict(sorted(counter.items())) for dimension, counter in self._counts.items()}
        return Plan(column_index, added_columns, self._writes, appended, len(self._seen) + len(appended), summary)


def _same(column: Column, old: str, new: str) -> bool:
    if old == new:
        return True
    if column.kind == "integer":
        try:
            return float(old) == float(new)
        except ValueError:
            return False
    if column.kind == "date":  # the same minute, however written (a zone, seconds, a space)
        return iso_date(old) is not None and iso_date(old) == iso_date(new)
    return False


def new_register_plan(rows: list[RegisterRow]) -> Plan:
    """The plan of a register that does not exist yet: a header of the declared columns, then ``rows``."""
    planner = Planner([column.header for column in COLUMNS], rows, "<new register>")
    return planner.finish()


HeaderPlace = Callable[[int], str]
"""Where a header cell is, by column index (0-based), in the words of the file's format: ``C1`` in a sheet,
``line 3, field 2`` in a CSV file."""

_TEAM_COLUMNS_READ = {
    "disposition": "where the team's decisions are read from (read without it, every row would be open)",
    "note": "where the team's answers are read from (read without it, replies and status would show none)",
}
"""Why each of the team's columns must be in the header: what reading the register without it would say."""


def _column_place(index: int, place: HeaderPlace | None) -> str:
    return place(index) if place is not None else f"column {index + 1}"


def declared_columns(header: list[str], source: str, place: HeaderPlace | None = None) -> dict[int, str]:
    """Column index -> key of each declared column the header names. Refused: a header without the ID column
    (the rows could not be matched: read, the register would look empty) or without one of the team's
    columns, Disposition or Note (renamed or deleted: every row would read as open or without an answer, and
    an import would add an empty one beside the team's), and a declared column named twice (which one holds
    the team's dispositions? reading one would silently ignore the other). ``place`` names a header cell in
    the refusals."""
    keys: dict[int, str] = {}
    first: dict[str, int] = {}
    for index, text in enumerate(header):
        column = column_for_header(text)
        if column is None:
            continue
        if column.key in first:
            raise RegisterRefused(
                f"{source}: the header row has the column '{column.header}' twice ("
                f"{_column_place(first[column.key], place)} and {_column_place(index, place)}), so it is not clear "
                "which one to read and write; it was left untouched",
                hint="rename or delete one of them (a column of the team's own needs a name of its own)")
        first[column.key] = index
        keys[index] = column.key
    if ID_COLUMN.key not in first:
        raise RegisterRefused(
            f"{source}: the register has no '{ID_COLUMN.header}' column in its header row, so its rows "
            "cannot be matched to comments; it was left untouched",
            hint=f"restore the '{ID_COLUMN.header}' column header (first row), or give a new file name to "
                 "start a new register")
    for column in COLUMNS:
        if column.owner != "team" or column.key in first:
            continue
        others = [f"'{text.strip()}' ({_column_place(index, place)})" for index, text in enumerate(header)
                  if isinstance(text, str) and text.strip() and column_for_header(text) is None]
        raise RegisterRefused(
            f"{source}: the register has no '{column.header}' column in its header row, "
            f"{_TEAM_COLUMNS_READ[column.key]}; it was left untouched",
            hint=f"if the column was renamed, name its header cell '{column.header}' again"
                 + (f" (the header's other columns: {', '.join(others)})" if others else "")
                 + "; if it was deleted, add it back")
    return keys


_TEAM_KEYS = tuple(column.key for column in COLUMNS if column.owner == "team")


def _decision(values: Mapping[str, str]) -> tuple[str, str]:
    """A row's disposition (as it counts) and note (spaces around it aside): what the team decided."""
    return normalise_disposition(values.get("disposition", "")), values.get("note", "").strip()


def _refuse_two_decisions(source: str, row_id: str, first: tuple[str, str], second: tuple[str, str]) -> None:
    """Refuse a register holding one ID on two rows that say different things (a row copied, then decided on
    in one place): one reader took the first, another the last (``propose`` kept a change out that the counts
    said was accepted). Two rows that say the same are one row."""
    if first == second:
        return
    what = "dispositions" if first[0] != second[0] else "notes"
    one, other = (first[0], second[0]) if what == "dispositions" else (first[1], second[1])
    raise RegisterRefused(
        f"{source}: the ID {row_id} is on two rows, with different {what} ('{one}' and '{other}'), so which one "
        "holds the team's decision is not guessed; it was left untouched",
        hint=f"keep one row of {row_id} (filter the ID column), or give both the same disposition and note")


_LINE_BREAKS = re.compile("[\x0b\x0c]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f]")


def _readable(text: str) -> str:
    """A cell's text as the replies and reports can print it: a line break pasted from Word (a vertical tab)
    or a form feed is a line break, other control characters (which no document can hold) are left out.
    The cell itself is the team's and stays as it is."""
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\n", text))


def read_rows(header: list[str], records: Sequence[tuple[int, Mapping[int, Cell]]], source: str,
              place: HeaderPlace | None = None) -> list[RegisterRow]:
    """Records as :class:`RegisterRow` (declared columns by header, the others in ``extra``), for
    reading a register back; rows without an ID are left out. ``place`` names a header cell in refusals."""
    keys = declared_columns(header, source, place)
    extras = {index: text for index, text in enumerate(header)
              if index not in keys and isinstance(text, str) and text.strip()}
    result = []
    decisions: dict[str, tuple[str, str]] = {}
    for _, cells in records:
        values = {key: _readable(cells[index].text) for index, key in keys.items() if index in cells}
        if not values.get(ID_COLUMN.key, "").strip():
            continue
        values[ID_COLUMN.key] = row_id = values[ID_COLUMN.key].strip()
        decision = _decision(values)
        if row_id in decisions:  # the same row again: read once, as an update writes only the first
            _refuse_two_decisions(source, row_id, decisions[row_id], decision)
            continue
        decisions[row_id] = decision
        extra = {name: _readable(cells[index].text) if index in cells else "" for index, name in extras.items()}
        result.append(RegisterRow(**values, extra=extra))
    return result


__all__ = ["Cell", "CellSource", "Cells", "HeaderPlace", "Plan", "Planner", "RegisterRefused", "declared_columns",
           "new_register_plan", "read_rows"]
