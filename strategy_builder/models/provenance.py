"""Where each rendered value of a draft came from: the table of values a build writes beside each document.

Every text a draft prints from one YAML scalar (a paragraph of the situation, a priority's title, a bullet
of its rationale, an action's text, a key figure) is one *value*: it has an index in the document's table,
and the document carries a bookmark ``sv_<index>`` around the printed text. The table says, per value,
which file, field path and line the scalar is, which part of the scalar was printed (the whole line, one
paragraph or bullet of a prose text, or every block joined into one line) and the exact text printed. The
build writes it as ``build/drafts/NNN/provenance/<CODE>.json``; ``propose`` reads it back to turn a
reviewer's tracked change inside that text into a new value of that scalar.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import to_json

PROVENANCE_FORMAT = 1

ValueKind = Literal["line", "block", "joined"]
"""How the printed text derives from the scalar: ``line`` the whole scalar (stripped), ``block`` its
``block``-th paragraph or bullet (see :mod:`strategy_builder.models.prose`), ``joined`` all its blocks joined
by single spaces."""


class ValueSource(BaseModel):
    """One rendered value: its index, its section, its scalar and what was printed of it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    index: int
    section: str = Field(description="ID of the tracked section the value is printed in")
    file: str = Field(description="The YAML file, relative to the project folder")
    path: list[str | int] = Field(description="Field path of the scalar, e.g. ['areas', 'integration', "
                                              "'priorities', 0, 'title']")
    line: int | None = Field(description="Line of the scalar in the file the draft was built from")
    kind: ValueKind
    block: int = Field(0, description="For kind 'block': which paragraph or bullet of the text (0-based)")
    text: str = Field(description="The text printed")


class ValueTable(BaseModel):
    """The values of one partner's document in one draft."""

    model_config = ConfigDict(extra="forbid")

    format: int = PROVENANCE_FORMAT
    partner: str
    values: list[ValueSource]

    def by_index(self) -> dict[int, ValueSource]:
        return {value.index: value for value in self.values}


class ValueLog:
    """Collects the values of one document while its template context is built, numbering them."""

    def __init__(self, partner: str, file: str) -> None:
        self.partner = partner
        self.file = file
        self._rows: list[dict[str, object]] = []

    def add(self, section: str, path: tuple[str | int, ...], line: int | None, kind: ValueKind, text: str,
            block: int = 0) -> int:
        """Record one value and return its index."""
        index = len(self._rows) + 1
        # Kept as plain rows, hundreds per document, and made into models in one validation by table():
        # a third of the time of making each one on its own, the same models.
        self._rows.append({"index": index, "section": section, "file": self.file, "path": list(path),
                           "line": line, "kind": kind, "block": block, "text": text})
        return index

    @property
    def values(self) -> list[ValueSource]:
        """The values recorded so far, in order."""
        return self.table().values

    def table(self) -> ValueTable:
        return ValueTable.model_validate({"partner": self.partner, "values": self._rows})

    def json(self) -> bytes:
        """The file :func:`values_json` writes of :meth:`table`, written from the rows: every build and every
        watcher's rebuild writes one per document, and making the models only to dump them again cost about
        1.5 ms of a 40 ms rebuild. The rows hold what the models would (the same fields in the same order,
        of JSON's own types), and pydantic's serializer writes them as it writes the models (tested); the
        standard library's encoder would take five times as long."""
        return _table_json(self.partner, [to_json(row) for row in self._rows])


def values_json(table: ValueTable) -> bytes:
    """The table as JSON with one value per line (readable, and diffs of two drafts' tables stay small)."""
    return _table_json(table.partner, [value.model_dump_json().encode("utf-8") for value in table.values],
                       table.format)


def _table_json(partner: str, lines: list[bytes], format: int = PROVENANCE_FORMAT) -> bytes:
    head = f'{{"format": {format}, "partner": {json.dumps(partner)}, "values": [\n'.encode("utf-8")
    return head + b",\n".join(lines) + b"\n]}\n"


__all__ = ["PROVENANCE_FORMAT", "ValueKind", "ValueLog", "ValueSource", "ValueTable", "values_json"]
