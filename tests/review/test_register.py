"""The comment register: formats that read back what they wrote, a merge that never duplicates rows nor
loses what coordinators wrote, and an .xlsx that behaves like the tables coordinators already use."""

from __future__ import annotations

import dataclasses
import string
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_cli
from strategy_builder.errors import EnvironmentProblem
from strategy_builder.review.register import (
    DISPOSITIONS, RegisterRow, merge, normalise_disposition, read_register, summarise, write_register,
)

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
IDS = st.text(alphabet=string.ascii_uppercase + string.digits, min_size=3, max_size=6).map(lambda s: "C-" + s)


@st.composite
def rows(draw: st.DrawFn, human: bool = True) -> RegisterRow:
    return RegisterRow(
        id=draw(IDS), ministry=draw(st.sampled_from(["Ministry of Labour", "MFA", "Interior"])),
        partner=draw(st.sampled_from(["AM", "GE", ""])), draft="001", kind="comment", author=draw(TEXT),
        remark=draw(TEXT), quoted=draw(TEXT),
        disposition=draw(st.sampled_from(DISPOSITIONS)) if human else "open",
        note=draw(TEXT) if human else "")


def _without_human(row: RegisterRow) -> RegisterRow:
    return dataclasses.replace(row, disposition="open", note="", extra={})


@settings(max_examples=150, deadline=None)
@given(st.lists(rows(), max_size=12), st.lists(rows(human=False), max_size=12))
def test_merge_is_idempotent_and_keeps_what_people_wrote(existing: list[RegisterRow],
                                                         new: list[RegisterRow]) -> None:
    once = merge(existing, new)
    twice = merge(once.rows, new)
    assert twice.rows == once.rows and twice.added == 0
    ids = [r.id for r in once.rows]
    assert len(ids) == len(set(ids)) and set(ids) == {r.id for r in existing} | {r.id for r in new}
    first_existing = {}
    for row in existing:
        first_existing.setdefault(row.id, row)
    for row in once.rows:
        if row.id in first_existing:
            assert (row.disposition, row.note) == (first_existing[row.id].disposition, first_existing[row.id].note)


def test_refresh_keeps_threads_that_a_later_file_lost() -> None:
    old = RegisterRow(id="C-1", kind="reply", reply_to="C-0", resolved="yes", remark="ok", disposition="rejected")
    new = RegisterRow(id="C-1", kind="comment", reply_to="", resolved="", remark="ok", date="2024-01-01")
    [row] = merge([old], [new]).rows
    assert (row.kind, row.reply_to, row.resolved, row.date, row.disposition) == \
        ("reply", "C-0", "yes", "2024-01-01", "rejected")


AWKWARD = ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "line one\nline two", "<script>alert(1)</script>",
           "Ünïcödé – “quotes” & ampersands", "", "plain"]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".json", ".html"])
def test_every_format_reads_back_what_it_wrote(tmp_path: Path, suffix: str) -> None:
    written = [RegisterRow(id=f"C-{n}", remark=text, quoted=text, note=text, partner="AM",
                           disposition=DISPOSITIONS[n % 4], extra={"Owner": f"person {n}"})
               for n, text in enumerate(AWKWARD)]
    path = tmp_path / f"register{suffix}"
    write_register(path, written)
    assert read_register(path) == written
    assert not list(tmp_path.glob(".register*"))  # no temporary file left behind


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(rows(), max_size=6, unique_by=lambda r: r.id))
def test_csv_and_json_round_trip_any_text(tmp_path: Path, written: list[RegisterRow]) -> None:
    for suffix in (".csv", ".json"):
        path = tmp_path / f"any{suffix}"
        write_register(path, written)
        assert read_register(path) == written


def test_xlsx_is_what_coordinators_expect(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    write_register(path, [RegisterRow(id="C-1", remark="=1+1", quoted="x" * 300),
                          RegisterRow(id="C-2", remark="bell\x07character")])
    sheet = openpyxl.load_workbook(path)["Register"]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["ID", "Disposition", "Note"]
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref.startswith("A1:")
    [validation] = sheet.data_validations.dataValidation
    assert validation.type == "list" and validation.formula1 == '"open,accepted,rejected,partly accepted"'
    assert "B2" in validation.sqref
    remark = headers.index("Remark or changed text") + 1
    assert sheet.cell(row=2, column=remark).value == "=1+1" and sheet.cell(row=2, column=remark).data_type == "s"
    assert sheet.cell(row=2, column=remark).alignment.wrap_text
    assert sheet.cell(row=3, column=remark).value == "bellcharacter"
    assert sheet.column_dimensions["A"].width == 14 and sheet.cell(row=1, column=1).font.bold


def test_dispositions_typed_by_people_are_normalised() -> None:
    assert normalise_disposition(" Accepted ") == "accepted"
    assert normalise_disposition("Partially accepted") == "partly accepted"
    assert normalise_disposition("partly-accepted") == "partly accepted"
    assert normalise_disposition("") == "open"
    assert normalise_disposition("Deferred to round 2") == "Deferred to round 2"  # kept, not lost


def test_summary_counts() -> None:
    counts = summarise([RegisterRow(id="1", partner="AM", area="integration", ministry="MFA"),
                        RegisterRow(id="2", partner="AM", ministry="MFA", disposition="accepted")])
    assert counts == {"partner": {"AM": 2}, "area": {"-": 1, "integration": 1}, "ministry": {"MFA": 2},
                      "disposition": {"accepted": 1, "open": 1}}


def test_an_unreadable_register_is_never_overwritten(tmp_path: Path) -> None:
    register = tmp_path / "register.xlsx"
    register.write_bytes(b"not a workbook")
    with pytest.raises(EnvironmentProblem):
        read_register(register)
    document = tmp_path / "x.docx"
    document.write_bytes(b"junk")
    result = run_cli("comments", str(document), "--project", str(tmp_path), "--register", str(register))
    assert result.returncode == 2 and "cannot read the register" in result.stderr
    assert register.read_bytes() == b"not a workbook"
    result = run_cli("comments", str(document), "--project", str(tmp_path), "--register", str(tmp_path / "r.txt"))
    assert result.returncode == 2 and "unknown register format" in result.stderr
