"""The register's columns (columns.py), its plan of an import (table.py), and each file format on its own:
typed JSON and the HTML page that embeds it safely (jsonfile.py), spreadsheet date numbers (xlsxfile.py), and
the refusals of update.py (unknown format, a file open in an office program, the lock of another run)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

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
    check_register, office_lock, register_format, register_lock, update_register,
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
    [back] = read_rows(header, [(0, cells), (1, {})])  # a row without an ID is left out
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
