"""The comment register: one row per returned comment or change, stable IDs, coordinators' dispositions kept.

"Same item" (docs/comments.md): the same returning ministry, partner and draft; the same kind (a reply
counts as a comment, a move as the deletion or insertion it also is, so that an application that drops
threads or moves does not create a new row); the same author; the same date to the minute; the same
anchor (tracked section ID, or story and nearest heading outside sections); and the same text with
whitespace collapsed. File-internal ids, paragraph numbers and the commented range are left out on
purpose: Word and LibreOffice renumber and re-split them on every save. Identical items in one file
are told apart by their order of occurrence.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from strategy_builder.errors import EnvironmentProblem
from strategy_builder.review.returns import ReturnedFile, ReturnItem

DISPOSITIONS = ("open", "accepted", "rejected", "partly accepted")
REGISTER_FORMAT = 1
FORMATS = (".xlsx", ".csv", ".html", ".json")
IDENTITY_KIND = {"reply": "comment", "move-from": "deletion", "move-to": "insertion"}
MAX_REGISTER_BYTES = 64 * 1024 * 1024


@dataclass(slots=True)
class RegisterRow:
    """One register row; ``disposition``, ``note`` and ``extra`` (columns added by people) belong to people."""

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


# attribute, column header, xlsx width
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("id", "ID", 14), ("disposition", "Disposition", 16), ("note", "Note", 40), ("ministry", "Ministry", 22),
    ("partner", "Partner", 8), ("draft", "Draft", 7), ("kind", "Kind", 11), ("author", "Author", 20),
    ("date", "Date", 17), ("section", "Section ID", 30), ("number", "No.", 6), ("section_title", "Section", 30),
    ("area", "Area", 18), ("priority", "Priority", 18), ("yaml_file", "YAML file", 24),
    ("yaml_line", "YAML line", 9), ("yaml_path", "YAML path", 24), ("heading", "Nearest heading", 30),
    ("quoted", "Quoted text", 45), ("remark", "Remark or changed text", 60), ("detail", "Detail", 20),
    ("reply_to", "Reply to", 14), ("resolved", "Resolved", 9), ("returned_file", "Returned file", 28),
)
HUMAN_FIELDS = ("disposition", "note")
WRAPPED = {"note", "section_title", "heading", "quoted", "remark"}
_HEADER_TO_ATTR = {header.casefold(): attr for attr, header, _ in COLUMNS}


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _minute(date: str) -> str:
    """A date to the minute, without zone: applications differ in seconds and in writing ``Z``."""
    match = re.match(r"(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})", date.strip())
    return f"{match.group(1)}T{match.group(2)}:{match.group(3)}" if match else date.strip()


def identity(returned: ReturnedFile, item: ReturnItem) -> str:
    """The identity key of an item (see the module docstring); the row ID is a hash of it."""
    anchor = item.section.section_id if item.section else f"{item.story}|{_collapse(item.heading)}"
    who = returned.ministry.casefold() if returned.made_by_strategy_builder else \
        f"{returned.ministry.casefold()}|{returned.path.name.casefold()}"
    return "\x1f".join([who, returned.partner, returned.draft, IDENTITY_KIND.get(item.kind, item.kind),
                        _collapse(item.author).casefold(), _minute(item.date), anchor, _collapse(item.text)])


def normalise_disposition(value: str) -> str:
    """``Accepted`` -> ``accepted``, ``partially accepted`` -> ``partly accepted``; empty -> ``open``."""
    text = _collapse(value).casefold().replace("-", " ").replace("_", " ")
    if not text:
        return "open"
    if text.startswith("part"):
        return "partly accepted"
    return text if text in DISPOSITIONS else _collapse(value)


def rows_from_returns(returns: list[ReturnedFile]) -> list[RegisterRow]:
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
                id=ids[item.local_id], ministry=returned.ministry, partner=returned.partner,
                draft=returned.draft, kind=item.kind, author=item.author, date=item.date,
                section=section.section_id if section else "", number=section.number if section else "",
                section_title=section.title if section else "", area=section.area if section else "",
                priority=section.priority if section else "", yaml_file=section.source_file if section else "",
                yaml_line=str(section.source_line) if section and section.source_line is not None else "",
                yaml_path=section.source_path if section else "", heading=item.heading, quoted=item.quoted,
                remark=item.text, detail=item.detail, reply_to=ids.get(item.reply_to or "", ""),
                resolved={True: "yes", False: "no", None: ""}[item.resolved], returned_file=returned.path.name))
    return rows


@dataclass(frozen=True, slots=True)
class MergeResult:
    rows: list[RegisterRow]
    added: int
    updated: int


def merge(existing: list[RegisterRow], new: list[RegisterRow]) -> MergeResult:
    """Existing rows in their order, refreshed from ``new`` where IDs match, then the new rows.

    What people wrote (disposition, note, extra columns) is always kept from ``existing``.
    """
    fresh: dict[str, RegisterRow] = {}
    for row in new:
        fresh.setdefault(row.id, row)
    result: list[RegisterRow] = []
    seen: set[str] = set()
    updated = 0
    for old in existing:
        if old.id in seen:
            continue
        seen.add(old.id)
        if old.id in fresh:
            row = _refresh(old, fresh[old.id])
            updated += row != old
            result.append(row)
        else:
            result.append(old)
    added = 0
    for row in fresh.values():
        if row.id not in seen:
            seen.add(row.id)
            result.append(row)
            added += 1
    return MergeResult(result, added, updated)


def _refresh(old: RegisterRow, new: RegisterRow) -> RegisterRow:
    """``new``'s extracted values, except what people wrote and what ``new`` no longer knows.

    A file saved by an application that drops threads or resolved flags must not erase them: an empty
    new value keeps the old one, and a reply stays a reply (a move stays a move).
    """
    values = {}
    for name in RegisterRow.__dataclass_fields__:
        if name in HUMAN_FIELDS or name == "extra":
            continue
        value = getattr(new, name)
        values[name] = value if value != "" else getattr(old, name)
    if IDENTITY_KIND.get(old.kind) == new.kind:
        values["kind"] = old.kind
    return RegisterRow(**values, disposition=old.disposition, note=old.note, extra=dict(old.extra))


def summarise(rows: list[RegisterRow]) -> dict[str, dict[str, int]]:
    """Counts of rows by partner, area, ministry and disposition (``-`` where a row has none)."""
    return {dimension: dict(sorted(Counter(getattr(r, dimension) or "-" for r in rows).items()))
            for dimension in ("partner", "area", "ministry", "disposition")}


# ----------------------------------------------------------------------------- reading and writing


def _as_record(row: RegisterRow) -> dict[str, str]:
    record = {header: getattr(row, attr) for attr, header, _ in COLUMNS}
    record.update(row.extra)
    return record


def _from_record(record: dict[str, object]) -> RegisterRow | None:
    values: dict[str, str] = {}
    extra: dict[str, str] = {}
    for header, value in record.items():
        if header is None or str(header).strip() == "":
            continue
        text = "" if value is None else str(value)
        attr = _HEADER_TO_ATTR.get(str(header).strip().casefold())
        if attr is None:
            extra[str(header)] = text
        else:
            values[attr] = _unguard(text)
    if not values.get("id", "").strip():
        return None
    values["id"] = values["id"].strip()
    values["disposition"] = normalise_disposition(values.get("disposition", ""))
    return RegisterRow(**values, extra=extra)


def _extra_headers(rows: list[RegisterRow]) -> list[str]:
    return list(dict.fromkeys(key for row in rows for key in row.extra))


def _guard(text: str) -> str:
    """Keep spreadsheet applications from running remark text as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _unguard(text: str) -> str:
    return text[1:] if text[:2] in ("'=", "'+", "'-", "'@", "'\t", "'\r") else text


def read_register(path: Path) -> list[RegisterRow]:
    """The rows of an existing register in any of the four formats; ``[]`` when the file does not exist."""
    if path.suffix.lower() not in FORMATS:
        raise EnvironmentProblem(f"{path}: unknown register format", hint=f"use one of {', '.join(FORMATS)}")
    if not path.exists():
        return []
    if path.stat().st_size > MAX_REGISTER_BYTES:
        raise EnvironmentProblem(f"{path}: the register is larger than {MAX_REGISTER_BYTES:,} bytes")
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            records = _read_xlsx(path)
        elif suffix == ".csv":
            records = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        elif suffix == ".json":
            records = json.loads(path.read_text(encoding="utf-8"))["rows"]
        elif suffix == ".html":
            match = re.search(r'<script type="application/json" id="register-data">(.*?)</script>',
                              path.read_text(encoding="utf-8"), re.DOTALL)
            if match is None:
                raise ValueError("no register data in this HTML file")
            records = json.loads(match.group(1))["rows"]
        else:
            raise EnvironmentProblem(f"{path}: unknown register format", hint=f"use one of {', '.join(FORMATS)}")
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
        raise EnvironmentProblem(f"{path}: cannot read the register ({error})",
                                 hint="fix or move the file; it is never overwritten when it cannot be read") from error
    return [row for row in (_from_record(r) for r in records) if row is not None]


def _read_xlsx(path: Path) -> list[dict[str, object]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many types for a broken file
        raise ValueError(f"not a readable .xlsx: {type(error).__name__}") from error
    try:
        sheet = workbook["Register"] if "Register" in workbook.sheetnames else workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(h) if h is not None else "" for h in next(rows, ())]
        return [dict(zip(header, values, strict=False)) for values in rows if any(v not in (None, "") for v in values)]
    finally:
        workbook.close()


def write_register(path: Path, rows: list[RegisterRow]) -> None:
    """Write the register atomically (a reader never sees half a file) in the format of ``path``'s suffix."""
    suffix = path.suffix.lower()
    writers = {".xlsx": _xlsx_bytes, ".csv": _csv_bytes, ".json": _json_bytes, ".html": _html_bytes}
    if suffix not in writers:
        raise EnvironmentProblem(f"{path}: unknown register format", hint=f"use one of {', '.join(FORMATS)}")
    data = writers[suffix](rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise EnvironmentProblem(f"{path}: cannot write the register ({error.strerror})",
                                 hint="close the file if a spreadsheet application has it open") from error


def _headers(rows: list[RegisterRow]) -> list[str]:
    return [header for _, header, _ in COLUMNS] + _extra_headers(rows)


def _csv_bytes(rows: list[RegisterRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_headers(rows), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _guard(v) for k, v in _as_record(row).items()})
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def _json_bytes(rows: list[RegisterRow]) -> bytes:
    payload = {"format": REGISTER_FORMAT, "dispositions": list(DISPOSITIONS),
               "rows": [_as_record(row) for row in rows]}
    return (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _html_bytes(rows: list[RegisterRow]) -> bytes:
    headers = _headers(rows)
    data = json.dumps({"format": REGISTER_FORMAT, "rows": [_as_record(r) for r in rows]}, ensure_ascii=False)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "\n".join("<tr>" + "".join(f"<td>{html.escape(str(_as_record(r).get(h, '')))}</td>" for h in headers)
                     + "</tr>" for r in rows)
    counts = summarise(rows)["disposition"]
    caption = ", ".join(f"{n} {d}" for d, n in counts.items()) or "no rows"
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


def _xlsx_bytes(rows: list[RegisterRow]) -> bytes:
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Register"
    headers = _headers(rows)
    widths = {header: width for _, header, width in COLUMNS}
    wrapped = {header for attr, header, _ in COLUMNS if attr in WRAPPED}
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F3")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    top, wrap = Alignment(vertical="top"), Alignment(vertical="top", wrap_text=True)
    for row_number, row in enumerate(rows, start=2):
        record = _as_record(row)
        for column, header in enumerate(headers, start=1):
            value = ILLEGAL_CHARACTERS_RE.sub("", str(record.get(header, "")))
            cell = sheet.cell(row=row_number, column=column)
            cell.value = value
            cell.data_type = "s"  # text, never a formula, whatever the remark starts with
            cell.alignment = wrap if header in wrapped else top
    for column, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = widths.get(header, 18)
    sheet.freeze_panes = "B2"
    last = get_column_letter(len(headers))
    sheet.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 2)}"
    disposition_column = get_column_letter(headers.index("Disposition") + 1)
    validation = DataValidation(type="list", formula1='"' + ",".join(DISPOSITIONS) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle="Disposition",
                                error="Choose open, accepted, rejected or partly accepted")
    validation.add(f"{disposition_column}2:{disposition_column}{max(len(rows) + 500, 1000)}")
    sheet.add_data_validation(validation)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
