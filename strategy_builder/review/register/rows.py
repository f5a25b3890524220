"""Register rows from returned files: one per comment, reply or change, with an ID that survives re-saving.

"Same item" (docs/comments.md): the same returning ministry, partner and draft; the same kind (a reply
counts as a comment, a move as the deletion or insertion it also is, so that an application that drops
threads or moves does not create a new row); the same author; the same date to the minute; the same
anchor (tracked section ID, or story and nearest heading outside sections); and the same text with
whitespace collapsed. File-internal ids, paragraph numbers and the commented range are left out on
purpose: Word and LibreOffice renumber and re-split them on every save. Identical items in one file
are told apart by their order of occurrence.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from strategy_builder.files import name_text
from strategy_builder.models.areas import AREA_TITLES
from strategy_builder.review.register.columns import RegisterRow, iso_date, normalise_disposition

if TYPE_CHECKING:
    from strategy_builder.review.returns import ReturnedFile, ReturnItem

IDENTITY_KIND = {"reply": "comment", "move-from": "deletion", "move-to": "insertion"}
SUMMARY_DIMENSIONS = ("partner", "area", "ministry", "disposition")
SUMMARY_SOURCES = {"partner": ("partner",), "area": ("area_key", "area"), "ministry": ("ministry",),
                   "disposition": ("disposition",)}
"""Where each dimension of the summary is read, first non-empty column first: areas by their key (a register
written before keys had a column of their own holds them under Area)."""


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _minute(date: str) -> str:
    """A date to the minute, without zone: applications differ in seconds and in writing ``Z``."""
    match = re.match(r"(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})", date.strip())
    return f"{match.group(1)}T{match.group(2)}:{match.group(3)}" if match else date.strip()


def identity(returned: ReturnedFile, item: ReturnItem) -> str:
    """The identity key of an item (see the module docstring); the row ID is a hash of it."""
    anchor = item.section.section_id if item.section else f"{item.story}|{_collapse(item.heading)}"
    ministry = item.ministry or returned.ministry  # a consolidated file holds several ministries' items
    who = ministry.casefold() if returned.made_by_strategy_builder else \
        f"{ministry.casefold()}|{name_text(returned.path.name).casefold()}"
    return "\x1f".join([who, returned.partner, returned.draft, IDENTITY_KIND.get(item.kind, item.kind),
                        _collapse(item.author).casefold(), _minute(item.date), anchor, _collapse(item.text)])


def rows_from_returns(returns: Iterable[ReturnedFile]) -> list[RegisterRow]:
    """Register rows for the items of ``returns``, with stable IDs, in file and document order."""
    rows: list[RegisterRow] = []
    for returned in returns:
        seen: Counter[str] = Counter()
        ids: dict[str, str] = {}
        for item in returned.items:
            key = identity(returned, item)
            seen[key] += 1
            digest = hashlib.sha256(f"{key}\x1f{seen[key]}".encode()).hexdigest()[:10].upper()
            ids[item.local_id] = f"{'C' if item.kind in ('comment', 'reply') else 'T'}-{digest}"
        for item in returned.items:
            section = item.section
            rows.append(RegisterRow(
                id=ids[item.local_id], ministry=item.ministry or returned.ministry, partner=returned.partner,
                draft=returned.draft, kind=item.kind, author=item.author, date=iso_date(item.date) or item.date,
                section=section.section_id if section else "", number=section.number if section else "",
                section_title=section.title if section else "",
                area=AREA_TITLES.get(section.area, section.area) if section and section.area else "",
                area_key=section.area if section and section.area else "",
                priority=section.priority if section else "", yaml_file=section.source_file if section else "",
                yaml_line=str(section.source_line) if section and section.source_line is not None else "",
                yaml_path=section.source_path if section else "", heading=item.heading, quoted=item.quoted,
                remark=item.text, detail=item.detail, reply_to=ids.get(item.reply_to or "", ""),
                resolved={True: "yes", False: "no", None: ""}[item.resolved],
                returned_file=name_text(returned.path.name)))
    return rows


def keeps_old_value(key: str, old: str, new: str) -> bool:
    """Whether a refresh keeps the cell's old text rather than the file's ``new`` value.

    A file saved by an application that drops threads or resolved flags must not erase them: an empty new
    value keeps the old one, and a reply stays a reply (a move stays a move).
    """
    if new == "":
        return True
    return key == "kind" and IDENTITY_KIND.get(old) == new


def summarise(rows: Iterable[RegisterRow]) -> dict[str, dict[str, int]]:
    """Counts of rows by partner, area (its key), ministry and disposition (``-`` where a row has none)."""
    counters: dict[str, Counter[str]] = {dimension: Counter() for dimension in SUMMARY_DIMENSIONS}
    for row in rows:
        for dimension in SUMMARY_DIMENSIONS:
            value = next((v for key in SUMMARY_SOURCES[dimension] if (v := getattr(row, key))), "")
            if dimension == "disposition":
                value = normalise_disposition(value)
            counters[dimension][value or "-"] += 1
    return {dimension: dict(sorted(counter.items())) for dimension, counter in counters.items()}


__all__ = ["IDENTITY_KIND", "SUMMARY_SOURCES", "identity", "keeps_old_value", "rows_from_returns", "summarise"]
