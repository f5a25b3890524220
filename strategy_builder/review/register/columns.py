"""The register's columns: which ones strategy-builder owns, and the row of values it computes.

This is the one declaration of the register's columns. A column is either the **tool's** (its cells are
refreshed from the returned files on every import) or the **team's** (Disposition, Note: written once,
with their initial value, when a row is added, and never again). Every cell of a column not declared
here, and every row without an ID, belongs to the team and is never written.

To add a column, add a :class:`Column` to :data:`COLUMNS` and a field of the same ``key`` to
:class:`RegisterRow`; existing registers get the column appended at their right end on the next import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from strategy_builder.digits import whole_number

Owner = Literal["tool", "team"]
Kind = Literal["text", "integer", "date", "flag"]


class Column(NamedTuple):
    """One declared column: the :class:`RegisterRow` field it shows, its header, and who owns its cells."""

    key: str
    header: str
    width: int
    """Width in an .xlsx created by strategy-builder (characters)."""
    owner: Owner = "tool"
    kind: Kind = "text"
    """``integer``: a number (an .xlsx cell holds a number; JSON a number); ``date``: a date and time (an .xlsx
    cell holds a date; JSON an ISO 8601 string); ``flag``: yes or no (JSON true or false); ``text`` otherwise.
    CSV holds text for every kind."""
    digits: int = 0
    """An ``integer`` shown with at least this many digits (the draft ``003``)."""
    wrap: bool = False
    """Wrapped text in an .xlsx created by strategy-builder."""


COLUMNS: tuple[Column, ...] = (
    Column("id", "ID", 14),
    Column("disposition", "Disposition", 16, owner="team"),
    Column("note", "Note", 40, owner="team", wrap=True),
    Column("ministry", "Ministry", 22),
    Column("partner", "Partner", 8),
    Column("draft", "Draft", 7, kind="integer", digits=3),
    Column("kind", "Kind", 11),
    Column("author", "Author", 20),
    Column("date", "Date", 17, kind="date"),
    Column("section", "Section ID", 30),
    Column("number", "No.", 6),
    Column("section_title", "Section", 30, wrap=True),
    Column("area", "Area", 30, wrap=True),
    Column("priority", "Priority", 18),
    Column("yaml_file", "YAML file", 24),
    Column("yaml_line", "YAML line", 9, kind="integer"),
    Column("yaml_path", "YAML path", 24),
    Column("heading", "Nearest heading", 30, wrap=True),
    Column("quoted", "Quoted text", 45, wrap=True),
    Column("remark", "Remark or changed text", 60, wrap=True),
    Column("detail", "Detail", 20),
    Column("reply_to", "Reply to", 14),
    Column("resolved", "Resolved", 9, kind="flag"),
    Column("returned_file", "Returned file", 28),
    Column("area_key", "Area key", 18),
    # Links to the drafts that followed (refreshed by `build` and `register refresh`, see review/dispositions.py).
    Column("latest_state", "State in latest draft", 24, wrap=True),
    Column("changed_in", "Changed in draft", 9),
    Column("cited_by", "Cited by drafts", 12),
)
ID_COLUMN = COLUMNS[0]
"""The register's identity: a row is the same row as long as its ID is."""
DISPOSITION_COLUMN = COLUMNS[1]
"""The team's decision on each row; a register must have it (read without it, every row would be open)."""

DISPOSITIONS = ("open", "accepted", "rejected", "partly accepted")

COMMENTS_SCHEMA = "strategy-builder-comments"
COMMENTS_SCHEMA_VERSION = 2
"""Of ``comments --format json`` (docs/comments.md). Version 2: every value typed (version 1 gave text)."""

COLUMN_BY_HEADER = {column.header.casefold(): column for column in COLUMNS}


def column_for_header(header: object) -> Column | None:
    """The declared column a header cell names (case and surrounding spaces ignored), or ``None``."""
    if not isinstance(header, str):
        return None
    return COLUMN_BY_HEADER.get(header.strip().casefold())


@dataclass(slots=True)
class RegisterRow:
    """The values of one register row: the tool's columns, the team's initial values, and (when read back
    from a file) the team's own columns in ``extra`` (header -> text)."""

    id: str
    ministry: str = ""
    partner: str = ""
    draft: str = ""
    kind: str = ""
    author: str = ""
    date: str = ""
    section: str = ""
    number: str = ""
    section_title: str = ""
    area: str = ""
    """The area's title (its key is ``area_key``)."""
    area_key: str = ""
    priority: str = ""
    yaml_file: str = ""
    yaml_line: str = ""
    yaml_path: str = ""
    heading: str = ""
    quoted: str = ""
    remark: str = ""
    detail: str = ""
    reply_to: str = ""
    resolved: str = ""
    returned_file: str = ""
    latest_state: str = ""
    changed_in: str = ""
    cited_by: str = ""
    disposition: str = "open"
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def value(self, column: Column) -> str:
        """The text of ``column`` in this row."""
        return str(getattr(self, column.key))

    def as_json(self) -> dict[str, object]:
        """The row with typed values (docs/comments.md): numbers as numbers, dates as ISO 8601 strings, yes/no
        as booleans, ``null`` where the row has no value; the team's own columns under ``extra``."""
        result: dict[str, object] = {column.key: typed_value(column, self.value(column)) for column in COLUMNS}
        result["extra"] = dict(self.extra)
        return result


def typed_value(column: Column, text: str) -> object:
    """The value of a cell of ``column`` as its kind says (``None`` for an empty cell or an unreadable value)."""
    text = text.strip()
    if not text:
        return None
    if column.kind == "integer":
        return whole_number(text)
    if column.kind == "flag":
        return {"yes": True, "no": False}.get(text.casefold())
    if column.kind == "date":
        return iso_date(text)
    return text


def iso_date(text: str) -> str | None:
    """A date and time as the register keeps it: ISO 8601 to the minute, without a zone (``2010-11-20T14:05``),
    as applications write it in ``w:date`` (Word in UTC with ``Z``, LibreOffice in local time without) or as a
    spreadsheet shows it; ``None`` when the text is not a date."""
    import datetime as dt

    try:  # Python 3.11 reads a space for the "T" and a "Z" for UTC
        parsed = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=None).isoformat(timespec="minutes")

def normalise_disposition(value: str) -> str:
    """``Accepted`` -> ``accepted``, ``partially accepted`` -> ``partly accepted``; empty -> ``open``.

    Used to count dispositions; the cell itself is the team's and is never rewritten.
    """
    text = " ".join(value.split()).casefold().replace("-", " ").replace("_", " ")
    if not text:
        return "open"
    if text.startswith("part"):
        return "partly accepted"
    return text if text in DISPOSITIONS else " ".join(value.split())


__all__ = ["COLUMNS", "COLUMN_BY_HEADER", "COMMENTS_SCHEMA", "COMMENTS_SCHEMA_VERSION",
           "Column", "DISPOSITIONS", "DISPOSITION_COLUMN", "ID_COLUMN", "RegisterRow",
           "column_for_header", "iso_date", "normalise_disposition", "typed_value"]
