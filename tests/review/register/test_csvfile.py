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
