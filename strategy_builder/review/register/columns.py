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
from typing import Literal

Owner = Literal["tool", "team"]
Kind = Literal["text", "integer"]


@dataclass(frozen=True, slots=True)
class Column:
    """One declared column: the :class:`RegisterRow` field it shows, its header, and who owns its cells."""

    key: str
    header: str
    width: int
    """Width in an .xlsx created by strategy-builder (characters)."""
    owner: Owner = "tool"
    kind: Kind = "text"
    """``integer`` cells are written as numbers in .xlsx (text everywhere else)."""
    wrap: bool = False
    """Wrapped text in an .xlsx created by strategy-builder."""


COLUMNS: tuple[Column, ...] = (
    Column("id", "ID", 14),
    Column("disposition", "Disposition", 16, owner="team"),
    Column("note", "Note", 40, owner="team", wrap=True),
    Column("ministry", "Ministry", 22),
    Column("partner", "Partner", 8),
    Column("draft", "Draft", 7),
    Column("kind", "Kind", 11),
    Column("author", "Author", 20),
    Column("date", "Date", 17),
    Column("section", "Section ID", 30),
    Column("number", "No.", 6),
    Column("section_title", "Section", 30, wrap=True),
    Column("area", "Area", 18),
    Column("priority", "Priority", 18),
    Column("yaml_file", "YAML file", 24),
    Column("yaml_line", "YAML line", 9, kind="integer"),
    Column("yaml_path", "YAML path", 24),
    Column("heading", "Nearest heading", 30, wrap=True),
    Column("quoted", "Quoted text", 45, wrap=True),
    Column("remark", "Remark or changed text", 60, wrap=True),
    Column("detail", "Detail", 20),
    Column("reply_to", "Reply to", 14),
    Column("resolved", "Resolved", 9),
    Column("returned_file", "Returned file", 28),
)
ID_COLUMN = COLUMNS[0]
"""The register's identity: a row is the same row as long as its ID is."""

DISPOSITIONS = ("open", "accepted", "rejected", "partly accepted")

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
    disposition: str = "open"
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def value(self, column: Column) -> str:
        """The text of ``column`` in this row."""
        return str(getattr(self, column.key))


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


__all__ = ["COLUMNS", "COLUMN_BY_HEADER", "Column", "DISPOSITIONS", "ID_COLUMN", "RegisterRow",
           "column_for_header", "normalise_disposition"]
