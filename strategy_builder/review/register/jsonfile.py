""".json and .html registers: ``{"format": 1, "dispositions": [...], "rows": [{header: value}]}``.

The JSON form is read as it is and changed only where the plan says: other top-level keys, other keys of
a row (with values of any JSON type), rows without an ID and rows that are not objects are kept. The
HTML page embeds the same JSON (so that it can be read back) and is drawn again from it on every update.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from strategy_builder.digits import whole_number
from strategy_builder.review.register.columns import COLUMNS, DISPOSITIONS, Column, RegisterRow
from strategy_builder.review.register.table import Cell, Cells, Plan, Planner, RegisterRefused, read_rows

REGISTER_FORMAT = 1
_EMBEDDED = re.compile(r'<script type="application/json" id="register-data">(.*?)</script>', re.DOTALL)


class _DuplicateKey(ValueError):
    """A JSON object with a key written twice (the standard reader keeps the last one silently)."""

    def __init__(self, key: str, row: dict[str, Any]) -> None:
        super().__init__(key)
        self.key = key
        self.row_id = row.get("ID") if isinstance(row.get("ID"), str) else None

    def what(self) -> str:
        return f"the row of ID {self.row_id}" if self.row_id else "an object"

    def where(self, text: str) -> str:
        """``:LINE:COLUMN`` of the key's second writing in the row (found by the row's ID), or ``""``."""
        if not self.row_id:
            return ""
        row = re.search(r'"ID"\s*:\s*' + re.escape(json.dumps(self.row_id)), text)
        if row is None:
            return ""
        start = text.rfind("{", 0, row.start())  # a row is a flat object: its own brace is the nearest
        keys = list(re.compile(re.escape(json.dumps(self.key)) + r"\s*:").finditer(text, start))
        offset = keys[1].start() if len(keys) > 1 else row.start()
        line_start = text.rfind("\n", 0, offset) + 1
        return f":{text.count(chr(10), 0, offset) + 1}:{offset - line_start + 1}"


def _refusing_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key, dict(pairs))
        result[key] = value
    return result


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _value(column: Column, text: str) -> Any:
    number = whole_number(text) if column.kind == "integer" else None
    return number if number is not None else text


def _key_place(index: int) -> str:
    """Where a column is in a JSON register: the rows' keys, in the order they first appear."""
    return f"key {index + 1} of the rows"


class JsonRegister:
    """An existing JSON register, or the data embedded in an HTML one (``page=True``)."""

    def __init__(self, data: bytes, source: str, *, page: bool = False) -> None:
        self.source = source
        self.page = page
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise RegisterRefused(f"{source}: the register is not UTF-8 text",
                                  hint="restore it from its backup; it was left untouched") from error
        if page:
            match = _EMBEDDED.search(text)
            if match is None:
                raise RegisterRefused(f"{source}: this HTML file holds no register data (it was not written by "
                                      "strategy-builder)", hint="give the path of a register, or a new file name")
            text = match.group(1)
        try:
            payload = json.loads(text, object_pairs_hook=_refusing_duplicate_keys)
        except _DuplicateKey as duplicate:
            raise RegisterRefused(f"{source}{duplicate.where(text)}: {duplicate.what()} has the key "
                                  f"'{duplicate.key}' twice; JSON keeps only the last one, so what the first one "
                                  "holds would be lost", hint="keep one of them; the register was left untouched"
                                  ) from duplicate
        except (ValueError, RecursionError) as error:
            raise RegisterRefused(f"{source}: the register is not valid JSON ({error})",
                                  hint="fix it, or restore it from its backup; it was left untouched") from error
        rows = payload.get("rows") if isinstance(payload, dict) else None
        if not isinstance(rows, list):
            raise RegisterRefused(
                f"{source}: the register has the wrong shape: expected an object with a 'rows' list "
                '({"format": 1, "rows": [{"ID": ..., "Disposition": ...}]})',
                hint="give the path of a register written by strategy-builder; this file was left untouched")
        self.payload: dict[str, Any] = payload
        self.data_rows: list[Any] = rows
        self.header: list[str] = []
        seen: set[str] = set()
        for row in rows:
            if isinstance(row, dict):
                for key in row:
                    if isinstance(key, str) and key not in seen:
                        seen.add(key)
                        self.header.append(key)
        if not rows:
            self.header = [column.header for column in COLUMNS]

    def records(self) -> list[tuple[int, Cells]]:
        index = {key: number for number, key in enumerate(self.header)}
        return [(position, Cells({index[key]: Cell(_text(value)) for key, value in row.items()
                                  if _text(value) != ""}))
                for position, row in enumerate(self.data_rows) if isinstance(row, dict)]

    def check(self) -> None:
        Planner(self.header, [], self.source, _key_place)

    def plan(self, rows: list[RegisterRow]) -> Plan:
        planner = Planner(self.header, rows, self.source, _key_place)
        for position, cells in self.records():
            planner.record(position, cells)
        return planner.finish()

    def rows(self) -> list[RegisterRow]:
        return read_rows(self.header, self.records(), self.source, _key_place)

    def _key(self, plan: Plan, column: Column) -> str:
        index = plan.column_index[column.key]
        return self.header[index] if index < len(self.header) else column.header

    def apply(self, plan: Plan) -> bytes:
        for position, writes in plan.writes.items():
            row = self.data_rows[position]
            for column, text in writes:
                row[self._key(plan, column)] = _value(column, text)
        for new in plan.appended:
            self.data_rows.append({self._key(plan, column): _value(column, new.value(column)) for column in COLUMNS})
        return render(self.payload, page=self.page)


def new_json(plan: Plan, *, page: bool) -> bytes:
    """A new JSON (or HTML) register holding the plan's rows."""
    payload = {"format": REGISTER_FORMAT, "dispositions": list(DISPOSITIONS),
               "rows": [{column.header: _value(column, row.value(column)) for column in COLUMNS}
                        for row in plan.appended]}
    return render(payload, page=page)


def render(payload: dict[str, Any], *, page: bool) -> bytes:
    """The register's bytes: the JSON itself, or the HTML page that shows and embeds it."""
    if not page:
        return (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    rows = [row for row in payload.get("rows", []) if isinstance(row, dict)]
    headers: list[str] = list(dict.fromkeys(key for row in rows for key in row)) or [c.header for c in COLUMNS]
    data = json.dumps(payload, ensure_ascii=False)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "\n".join("<tr>" + "".join(f"<td>{html.escape(_text(row.get(h)))}</td>" for h in headers) + "</tr>"
                     for row in rows)
    counts: dict[str, int] = {}
    for row in rows:
        disposition = _text(row.get("Disposition")) or "open"
        counts[disposition] = counts.get(disposition, 0) + 1
    caption = ", ".join(f"{n} {d}" for d, n in sorted(counts.items())) or "no rows"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Comment register</title>
<style>body{{font-family:sans-serif;font-size:13px;margin:1em}}table{{border-collapse:collapse}}
th,td{{border:1px solid #bbb;padding:3px 6px;vertical-align:top;text-align:left;max-width:40em}}
th{{background:#e8eef7;position:sticky;top:0}}tr:nth-child(even) td{{background:#fafafa}}</style></head>
<body><h1>Comment register</h1><p>{len(rows)} row(s): {html.escape(caption)}</p>
<table><thead><tr>{head}</tr></thead><tbody>
{body}
</tbody></table>
<script type="application/json" id="register-data">{data}</script>
</body></html>
""".encode("utf-8")


__all__ = ["JsonRegister", "REGISTER_FORMAT", "new_json", "render"]
