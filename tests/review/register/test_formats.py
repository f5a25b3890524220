"""The register's columns (columns.py), its plan of an import (table.py), and each file format on its own:
typed JSON and the HTML page that embeds it safely (jsonfile.py), spreadsheet date numbers (xlsxfile.py), and
the refusals of update.py (unknown format, a file open in an office program, the lock of another run)."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import re
from html.parser import HTMLParser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategy_builder.review.register.columns import (
    COLUMNS, ID_COLUMN, RegisterRow, column_for_header, iso_date, normalise_disposition, typed_value,
)
from strategy_builder.review.register.jsonfile import JsonRegister, new_json, render
from strategy_builder.review.register.table import Cell, RegisterRefused, new_register_plan, read_rows
from strategy_builder.review.register.update import (
    check_register, office_lock, read_register, register_format, register_lock, update_register,
)
from strategy_builder.review.register.xlsxfile import XlsxRegister, from_serial, new_xlsx, serial

COLUMN = {column.key: column for column in COLUMNS}


def _row(number: int, **values: str) -> RegisterRow:
    defaults = dict(partner="AM", draft="003", kind="comment", author="Anna", remark=f"remark {number}",
                    yaml_line=str(number), date="2010-11-20T14:05")
    return RegisterRow(id=f"C-{number:04d}", **{**defaults, **values})


def test_headers_name_their_columns_whatever_the_case_and_spaces() -> None:
    assert column_for_header("  id ") is ID_COLUMN and column_for_header("ID") is ID_COLUMN
    assert column_for_header("A column of the team") is None and column_for_header(3) is None
    assert {column.owner for column in COLUMNS} == {"tool", "team"}
    assert COLUMN["disposition"].owner == "team" and COLUMN["remark"].owner == "tool"


def test_cells_are_read_as_their_kind_says() -> None:
    assert typed_value(COLUMN["yaml_line"], " 62 ") == 62 and typed_value(COLUMN["yaml_line"], "62a") is None
    assert typed_value(COLUMN["date"], "2010-11-20 14:05:33") == "2010-11-20T14:05"
    assert typed_value(COLUMN["remark"], "  ") is None and typed_value(COLUMN["remark"], "text") == "text"
    assert iso_date("2010-11-20T14:05:00Z") == "2010-11-20T14:05" and iso_date("next week") is None
    assert [normalise_disposition(v) for v in ("Accepted", " partially  accepted", "", "Part-accepted", "Later")] == [
        "accepted", "partly accepted", "open", "partly accepted", "Later"]


@given(st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 30)))
def test_spreadsheet_date_numbers_read_back_to_the_minute(moment: dt.datetime) -> None:
    text = moment.replace(second=0, microsecond=0).isoformat(timespec="minutes")
    number = serial(text)
    assert number is not None and from_serial(number) == text


def test_known_date_numbers_and_what_is_not_one() -> None:
    assert serial("2010-11-20T14:05") == "40502.5868055556" and from_serial("40502.5868") == "2010-11-20T14:05"
    assert serial("soon") is None and from_serial("soon") is None and from_serial("-3") is None


def test_a_plan_of_a_new_register_appends_every_row_and_reads_back() -> None:
    rows = [_row(1), _row(2, disposition="accepted")]
    plan = new_register_plan(rows)
    assert plan.appended == rows and plan.rows == 2 and plan.changes_anything
    header = [column.header for column in COLUMNS] + ["Our own column"]
    cells = {index: Cell(rows[0].value(column)) for index, column in enumerate(COLUMNS)}
    cells[len(COLUMNS)] = Cell("kept")
    [back] = read_rows(header, [(0, cells), (1, {})], "register.csv")  # a row without an ID is left out
    assert (back.id, back.remark, back.extra) == ("C-0001", "remark 1", {"Our own column": "kept"})


def test_json_cells_are_typed_and_the_html_page_embeds_them_safely() -> None:
    rows = [_row(1, remark="</script><script>alert(1)</script> & more")]
    plan = new_register_plan(rows)
    payload = json.loads(new_json(plan, page=False))
    [row] = payload["rows"]
    assert (row["YAML line"], row["Draft"], row["Remark or changed text"]) == (1, 3, rows[0].remark)
    page = new_json(plan, page=True).decode("utf-8")
    assert "<script>alert" not in page and page.count("</script>") == 1
    embedded = re.search(r'<script type="application/json" id="register-data">(.*)</script>', page, re.S)
    assert embedded is not None and json.loads(embedded.group(1)) == payload
    assert "1 row(s): 1 open" in page
    assert JsonRegister(page.encode(), "register.html", page=True).rows()[0].remark == rows[0].remark
    assert render({"rows": []}, page=True).decode().count("no rows") == 1


def test_a_new_xlsx_register_holds_typed_cells_and_reads_back() -> None:
    rows = [_row(1, disposition="rejected")]
    data = new_xlsx(new_register_plan(rows))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Register"]
    headers = [cell.value for cell in sheet[1]]
    values = dict(zip(headers, [cell.value for cell in sheet[2]], strict=True))
    assert values["YAML line"] == 1 and values["Date"] == dt.datetime(2010, 11, 20, 14, 5)
    back = XlsxRegister(data, "register.xlsx").rows()[0]
    assert (back.id, back.date, back.disposition, back.draft) == ("C-0001", "2010-11-20T14:05", "rejected", "003")


def test_what_update_refuses(tmp_path: Path) -> None:
    with pytest.raises(RegisterRefused) as unknown:
        register_format(tmp_path / "register.ods")
    assert ".ods" in str(unknown.value) and ".xlsx" in (unknown.value.hint or "")
    target = tmp_path / "register.xlsx"
    update_register(target, [_row(1)])
    (tmp_path / ".~lock.register.xlsx#").write_text(",anna,laptop,20.11.2010 14:05,file:///x;", encoding="utf-8")
    lock = office_lock(target)
    assert lock is not None and lock.program == "LibreOffice"
    assert lock.holder == "anna, on laptop, since 20.11.2010 14:05"
    with pytest.raises(RegisterRefused) as open_there:
        check_register(target)
    assert "LibreOffice" in str(open_there.value)
    check_register(target, force=True)
    (tmp_path / ".~lock.register.xlsx#").unlink()
    (tmp_path / "~$register.xlsx").write_bytes(bytes([4]) + b"Anna" + b"\0" * 50)
    lock = office_lock(target)
    assert lock is not None and (lock.program, lock.holder) == ("Microsoft Office", "Anna")


def test_a_second_run_waits_for_the_lock_of_the_register_and_gives_up(tmp_path: Path) -> None:
    target = tmp_path / "register.csv"
    with register_lock(target, wait=1), pytest.raises(RegisterRefused) as refused:
        with register_lock(target, wait=0):
            pass
    assert "another strategy-builder run" in str(refused.value)
    with register_lock(target, wait=0):  # released
        pass


def test_flags_dates_and_numbers_of_a_row_in_json() -> None:
    """``comments --format json`` and JSON registers (docs/comments.md): yes/no as booleans in any case,
    numbers as numbers, dates as ISO 8601 to the minute, ``null`` where a cell says nothing readable."""
    assert [typed_value(COLUMN["resolved"], text) for text in ("Yes", "NO", " yes ", "maybe", "")] == [
        True, False, True, None, None]
    assert iso_date("2010-11-20 14:05:59+03:00") == "2010-11-20T14:05" and iso_date("20.11.2010") is None
    row = _row(7, resolved="no", draft="003", extra={"Owner": "Jana"})  # type: ignore[arg-type]
    typed = row.as_json()
    assert set(typed) == {column.key for column in COLUMNS} | {"extra"}
    assert (typed["id"], typed["resolved"], typed["draft"], typed["yaml_line"], typed["date"]) == (
        "C-0007", False, 3, 7, "2010-11-20T14:05")
    assert (typed["note"], typed["disposition"], typed["extra"]) == (None, "open", {"Owner": "Jana"})
    assert typed["extra"] is not row.extra  # a copy: the row is not changed through it


def test_a_spreadsheet_date_number_is_read_to_the_nearest_minute() -> None:
    minute = 1 / (24 * 60)
    base = float(serial("2010-11-20T14:05") or 0)
    assert from_serial(str(base + 29.4 / 60 * minute)) == "2010-11-20T14:05"
    assert from_serial(str(base + 30.6 / 60 * minute)) == "2010-11-20T14:06"
    assert from_serial(str(base - 29.4 / 60 * minute)) == "2010-11-20T14:05"


def test_a_json_register_keeps_numbers_and_nulls_it_does_not_own_and_reads_them_as_text(tmp_path: Path) -> None:
    path = tmp_path / "register.json"
    path.write_text(json.dumps({"format": 1, "rows": [
        {"ID": "C-0001", "Disposition": None, "Note": "", "Score": 4, "Tags": ["a", "Ж"], "YAML line": 12},
        {"ID": "C-0002"}]}), encoding="utf-8")
    row, other = JsonRegister(path.read_bytes(), str(path)).rows()
    assert (row.disposition, row.note, row.yaml_line) == ("open", "", "12")  # nothing said: the initial value
    assert row.extra == {"Score": "4", "Tags": '["a", "Ж"]'} and other.extra == {"Score": "", "Tags": ""}
    update_register(path, [_row(1, yaml_line="12", remark="2011")])
    kept, _ = json.loads(path.read_text(encoding="utf-8"))["rows"]
    assert (kept["Disposition"], kept["Score"], kept["Tags"], kept["YAML line"]) == (None, 4, ["a", "Ж"], 12)
    assert kept["Remark or changed text"] == "2011"  # a text of digits stays text


@pytest.mark.parametrize(("name", "content"), [
    ("register.csv", b"Key,Disposition\r\nC-0001,accepted\r\n"),
    ("register.json", b'{"format": 1, "rows": [{"Key": "C-0001"}]}'),
    ("register.html", b'<script type="application/json" id="register-data">{"rows": [{"Key": 1}]}</script>'),
])
def test_checking_a_register_without_an_id_column_refuses_it_naming_it(tmp_path: Path, name: str,
                                                                       content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(RegisterRefused, match="ID") as refused:
        check_register(path)
    assert str(path) in refused.value.message and path.read_bytes() == content
    check_register(tmp_path / f"new-{name}")  # no register yet: nothing to refuse


def _renamed(tmp_path: Path, old: str, new: str) -> Path:
    """A register written by the tool whose header ``old`` the team renamed ``new`` in Excel."""
    path = tmp_path / "register.xlsx"
    update_register(path, [RegisterRow(id="C-0001", ministry="MFA", partner="AM", draft="001")])
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Register"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=header.index("Disposition") + 1).value = "accepted"
    sheet.cell(row=1, column=header.index(old) + 1).value = new
    workbook.save(path)
    return path


@pytest.mark.parametrize(("old", "new"), [("ID", "Ref"), ("Disposition", "Decision"), ("Note", "Team reply")])
def test_a_register_whose_id_or_team_column_was_renamed_is_refused_when_read_too(
        tmp_path: Path, old: str, new: str) -> None:
    """Read without its ID column the register looked empty (status: every partner overdue, no return);
    without its Disposition column every row read as open (replies said so), and an import added an empty
    Disposition column beside the team's; without its Note column every reply went out without the team's
    answer, and an import added an empty Note column at the right. All are refused, naming the file, the
    sheet, the column it must have and the header cell it may have become, and the file is left as it is."""
    path = _renamed(tmp_path, old, new)
    content = path.read_bytes()
    for attempt in (lambda: read_register(path), lambda: check_register(path),
                    lambda: update_register(path, [RegisterRow(id="C-0002", ministry="MFA")])):
        with pytest.raises(RegisterRefused, match=f"no '{old}' column") as refused:
            attempt()
        assert str(path) in refused.value.message and "sheet 'Register'" in refused.value.message
        cell = f"{chr(ord('A') + [c.header for c in COLUMNS].index(old))}1"
        assert old == "ID" or f"'{new}' (cell {cell})" in (refused.value.hint or "")
    assert path.read_bytes() == content


def test_a_csv_register_without_its_note_column_names_the_header_field(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(b"\r\nID,Disposition,Answer\r\nC-0001,accepted,by phone\r\n")
    with pytest.raises(RegisterRefused, match="no 'Note' column") as refused:
        read_register(path)
    assert "'Answer' (line 2, field 3)" in (refused.value.hint or "")


@pytest.mark.parametrize("name", ["register.csv", "register.xlsx", "register.json"])
def test_one_id_on_two_rows_is_one_row_and_refused_when_they_say_different_things(tmp_path: Path, name: str) -> None:
    """A row copied, then decided on in one place: ``propose`` took the last row's disposition (rejected: the
    change kept out) while the counts took the first (accepted), and ``reply`` and ``status`` listed the
    comment twice. Two rows that say the same are read as one; two that differ are refused by every reader
    and by an update, naming the ID and both values, and the file is left as it is."""
    path = tmp_path / name
    update_register(path, [_row(1), _row(2)])
    with _edited_rows(path) as rows:
        rows.append(dict(rows[0]))
    assert [row.id for row in read_register(path)] == ["C-0001", "C-0002"]
    with _edited_rows(path) as rows:
        rows[-1]["Disposition"] = "rejected"
        rows[0]["Disposition"] = "accepted"
    content = path.read_bytes()
    for attempt in (lambda: read_register(path), lambda: update_register(path, [_row(1), _row(3)])):
        with pytest.raises(RegisterRefused, match="the ID C-0001 is on two rows") as refused:
            attempt()
        assert "'accepted' and 'rejected'" in refused.value.message and str(path) in refused.value.message
    assert path.read_bytes() == content


@contextlib.contextmanager
def _edited_rows(path: Path) -> Iterator[list[dict[str, Any]]]:
    """The rows of a register file of any format as dicts (header -> value), as a person edits them; written
    back on exit."""
    if path.suffix == ".json":
        payload = json.loads(path.read_text(encoding="utf-8"))
        yield payload["rows"]
        path.write_text(json.dumps(payload), encoding="utf-8")
        return
    if path.suffix == ".csv":
        reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
        header, rows = list(reader.fieldnames or []), [dict(row) for row in reader]
        yield rows
        out = io.StringIO()
        writer = csv.DictWriter(out, header, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8-sig")
        return
    book = openpyxl.load_workbook(path)
    sheet = book["Register"]
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, [cell.value for cell in row], strict=True)) for row in sheet.iter_rows(min_row=2)]
    yield rows
    sheet.delete_rows(2, sheet.max_row)
    for row in rows:
        sheet.append([row.get(h) for h in header])
    book.save(path)


def test_a_csv_register_with_a_sep_line_is_checked_by_its_header_row(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(b"sep=;\r\n\r\nID;Disposition;Note\r\nC-0001;accepted\r\n")
    check_register(path)
    assert [(r.id, r.disposition) for r in read_register(path)] == [("C-0001", "accepted")]


class _PageTable(HTMLParser):
    """The header cells and rows of an HTML register's table, and any text of the table outside its cells."""

    def __init__(self) -> None:
        super().__init__()
        self.header: list[str] = []
        self.rows: list[list[str]] = []
        self.stray = ""
        self._cell: str | None = None
        self._in_table = False

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        self._in_table |= tag == "table"
        if tag == "tr" and self._in_table and self.header:
            self.rows.append([])
        if tag in ("th", "td"):
            self._cell = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            (self.header if tag == "th" else self.rows[-1]).append(self._cell)
            self._cell = None
        self._in_table &= tag != "table"

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell += data
        elif self._in_table:
            self.stray += data.strip()


def test_the_html_page_shows_each_row_in_the_order_of_its_columns_and_counts_dispositions() -> None:
    payload = {"format": 1, "rows": [{"ID": "C-0001", "Disposition": "accepted", "Note": "a < b & c"},
                                     {"ID": "C-0002", "Note": 3}, {"ID": "C-0003", "Disposition": ""}, "not a row"]}
    page = render(payload, page=True).decode("utf-8")
    table = _PageTable()
    table.feed(page)
    assert table.header == ["ID", "Disposition", "Note"] and table.stray == ""
    assert table.rows == [["C-0001", "accepted", "a < b & c"], ["C-0002", "", "3"], ["C-0003", "", ""]]
    assert "<p>3 row(s): 1 accepted, 2 open</p>" in page  # a row without a disposition is open
    assert "<p>0 row(s): no rows</p>" in render({"rows": []}, page=True).decode("utf-8")
    empty = _PageTable()
    empty.feed(render({"rows": []}, page=True).decode("utf-8"))
    assert empty.header == [column.header for column in COLUMNS] and empty.rows == []


def test_a_new_json_register_says_its_format_and_the_dispositions_to_choose_from() -> None:
    payload = json.loads(new_json(new_register_plan([_row(1)]), page=False))
    assert (payload["format"], payload["dispositions"]) == (1, ["open", "accepted", "rejected", "partly accepted"])


def test_a_json_register_is_written_under_its_own_spelling_of_the_headers(tmp_path: Path) -> None:
    path = tmp_path / "register.json"
    path.write_text(json.dumps({"rows": [{"id": "C-0001", "disposition": "accepted", "note": "",
                                          "remark or changed text": ""}]}), encoding="utf-8")
    update_register(path, [_row(1, remark="new words")])
    [row] = json.loads(path.read_text(encoding="utf-8"))["rows"]
    assert row["remark or changed text"] == "new words" and "Remark or changed text" not in row
    assert (row["id"], row["disposition"]) == ("C-0001", "accepted") and row["Partner"] == "AM"


def test_a_json_register_without_rows_gets_every_column(tmp_path: Path) -> None:
    path = tmp_path / "register.json"
    path.write_text('{"format": 1, "rows": [], "owner": "Jana"}', encoding="utf-8")
    update_register(path, [_row(1)])
    payload = json.loads(path.read_text(encoding="utf-8"))
    assert list(payload["rows"][0]) == [column.header for column in COLUMNS] and payload["owner"] == "Jana"
    assert read_register(tmp_path / "none.json") == []


def test_a_new_xlsx_keeps_text_of_digits_as_text() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(new_xlsx(new_register_plan([_row(1, remark="2011")]))))["Register"]
    remark = [cell.value for cell in sheet[1]].index("Remark or changed text") + 1
    assert sheet.cell(row=2, column=remark).value == "2011"


def test_spreadsheet_numbers_past_the_last_date_or_not_after_its_epoch_are_no_date() -> None:
    assert from_serial("0") is None and from_serial("2958466") is None
    assert from_serial("2958465.5") == "9999-12-31T12:00"


def test_a_new_xlsx_takes_no_date_from_the_clock() -> None:
    """The same rows give the same bytes at any time: fixed zip timestamps, and core properties without the
    created and modified dates openpyxl takes from the clock (a working file has no issue date to borrow)."""
    import zipfile

    data = new_xlsx(new_register_plan([_row(1), _row(2)]))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert "dcterms:created" not in core and "dcterms:modified" not in core, core
    assert openpyxl.load_workbook(io.BytesIO(data))["Register"].cell(row=3, column=1).value == "C-0002"
