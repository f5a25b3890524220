"""review/register/csvfile.py: the tool's text is guarded against spreadsheet formulas and read back exactly;
new registers are UTF-8 with a BOM and CRLF; other encodings are refused with what to do."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategy_builder.review.register.columns import COLUMNS, RegisterRow
from strategy_builder.review.register.csvfile import CsvRegister, decode, guard, new_csv, unguard
from strategy_builder.review.register.table import RegisterRefused, new_register_plan


@given(st.text(alphabet=st.sampled_from(["'", "=", "+", "-", "@", "\t", "a", " ", "Ж"]), max_size=8) | st.text())
def test_what_is_guarded_reads_back_as_itself_and_never_starts_a_formula(text: str) -> None:
    guarded = guard(text)
    assert unguard(guarded) == text
    assert guarded[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_a_remark_starting_with_an_apostrophe_and_a_formula_character_survives_a_csv_register() -> None:
    """Before the fix, "'=1 is wrong" came back as "=1 is wrong" and every import rewrote the row."""
    row = RegisterRow(id="C-0001", ministry="M", partner="AM", draft="001", kind="comment", author="A",
                      remark="'=1 is wrong", area="integration", yaml_line="3")
    data = new_csv([row], new_register_plan([row]))
    register = CsvRegister(data, "register.csv")
    assert register.rows()[0].remark == "'=1 is wrong"
    assert not register.plan([row]).changes_anything


def test_a_new_register_is_utf8_with_a_bom_crlf_and_the_declared_header() -> None:
    row = RegisterRow(id="C-0002", ministry="Министерство", partner="AM", draft="001", kind="comment", author="A",
                      remark="=SUM(A1)", area="integration", yaml_line="3")
    data = new_csv([row], new_register_plan([row]))
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    header, values = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header == [column.header for column in COLUMNS]
    assert "'=SUM(A1)" in values and "Министерство" in values
    assert decode(data, "r.csv") == (data.decode("utf-8-sig"), True)


@pytest.mark.parametrize(("data", "words"), [
    ("ID,Remark\r\n".encode("utf-16"), "UTF-16"),
    ("ID,Remark\r\nC-1,café\r\n".encode("cp1252"), "not UTF-8 (byte 0xE9 at offset 18)")])
def test_other_encodings_are_refused_with_what_to_do(data: bytes, words: str) -> None:
    with pytest.raises(RegisterRefused) as refused:
        decode(data, "register.csv")
    assert words in str(refused.value) and "register.csv" in str(refused.value) and refused.value.hint


def _row(number: int, **values: str) -> RegisterRow:
    return RegisterRow(id=f"C-{number:04d}", **{**dict(partner="AM", draft="001", kind="comment", author="A",
                                                       remark=f"remark {number}", yaml_line="3"), **values})


def _updated(data: bytes, rows: list[RegisterRow]) -> tuple[str, list[list[str]]]:
    """The text of a register after an import of ``rows``, and its records as a CSV reader reads them."""
    register = CsvRegister(data, "register.csv")
    text = register.apply(register.plan(rows)).decode("utf-8-sig")
    return text, list(csv.reader(io.StringIO(text, newline=""), delimiter=register.dialect.delimiter))


HEADER = ",".join(column.header for column in COLUMNS)


@pytest.mark.parametrize(("content", "line_end"), [
    (f"{HEADER}\r\n,,Total: no comments yet", "\r\n"), (f"{HEADER}\n,,Total: no comments yet", "\n"),
    (HEADER, "\r\n")])  # a row of the team's last, or the header alone (then the default line end)
def test_a_register_whose_last_line_has_no_line_end_gets_its_new_rows_on_lines_of_their_own(
        content: str, line_end: str) -> None:
    text, records = _updated(content.encode("utf-8"), [_row(1), _row(2)])
    assert text.startswith(content + line_end)  # what was there is kept, then ended as its lines are
    assert [r[0] for r in records][-2:] == ["C-0001", "C-0002"] and records[0][0] == "ID"
    assert records[-1][:2] == ["C-0002", "open"] and text.endswith(line_end)
    assert "\r\n" not in text if line_end == "\n" else "\n" not in text.replace("\r\n", "")


def test_a_record_shorter_than_the_header_is_filled_with_empty_cells_where_the_tool_writes() -> None:
    # Some applications leave out the empty cells at the end of a record.
    text, records = _updated(f"{HEADER}\r\nC-0001,accepted\r\n".encode(),
                             [_row(1, remark="new words", cited_by="003")])
    header, record = records
    assert len(record) == len(header) and record[:3] == ["C-0001", "accepted", ""]  # the Note stays empty
    assert record[header.index("Remark or changed text")] == "new words"


def test_the_delimiter_is_the_one_that_makes_an_id_column() -> None:
    # A semicolon register (comma-decimal locales) with commas in a header of the team's.
    register = CsvRegister("ID;Disposition;Owner, deputy, backup\r\n".encode(), "register.csv")
    assert register.dialect.delimiter == ";"
    # A register of the ID column alone splits the same with every delimiter: the default, a comma.
    assert CsvRegister(b"ID\r\nC-0001\r\n", "register.csv").dialect.delimiter == ","


@pytest.mark.parametrize("content", [b"\r\n\r\n", b"sep=;\r\n", b"sep=;\r\n  \r\n"])
def test_a_register_without_a_header_row_is_refused_with_what_to_do(content: bytes) -> None:
    with pytest.raises(RegisterRefused, match="no header row") as refused:
        CsvRegister(content, "register.csv")
    assert "register.csv" in refused.value.message and "delete" in (refused.value.hint or "")


def test_a_record_that_is_not_csv_is_refused_naming_its_line() -> None:
    too_long = "x" * (csv.field_size_limit() + 1)  # a cell larger than a CSV reader takes
    register = CsvRegister(f"sep=,\r\nID,Disposition,Note\r\nC-0001,accepted\r\nC-0002,{too_long}\r\n".encode(),
                           "register.csv")
    with pytest.raises(RegisterRefused) as refused:
        register.plan([_row(1)])
    assert refused.value.message.startswith("register.csv: line 4:") and refused.value.hint


def test_a_big_endian_utf16_register_is_refused_as_utf16() -> None:
    with pytest.raises(RegisterRefused, match="UTF-16"):
        decode("ID,Remark\r\n".encode("utf-16-be").join([b"\xfe\xff", b""]), "register.csv")


def test_every_record_the_import_changes_is_rewritten_and_the_others_are_copied() -> None:
    first, second, third = (f"C-000{n},accepted,,,AM,001,comment,A,,,,,,,,3,,,,remark {n}" for n in (1, 2, 3))
    text, records = _updated(f"{HEADER}\r\n{first}\r\n{second}\r\n{third}\r\n".encode(),
                             [_row(1), _row(2, remark="remark 2, reworded"), _row(3)])
    assert text.split("\r\n")[1] == first and text.split("\r\n")[3] == third
    remark = records[0].index("Remark or changed text")
    assert [record[remark] for record in records[1:]] == ["remark 1", "remark 2, reworded", "remark 3"]
