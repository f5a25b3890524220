"""The comment register is the team's work: an import refreshes the tool's cells of known rows and appends
new rows, and never changes or drops anything else (sheets, columns, rows, formulas, formats, filters,
widths, comments, validation), in any format and any CSV dialect Excel or LibreOffice writes."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.comments import Comment
from openpyxl.worksheet.datavalidation import DataValidation

from strategy_builder.review.register import (
    BACKUP_DIR, COLUMNS, DISPOSITIONS, RegisterRefused, RegisterRow, normalise_disposition, read_register,
    rows_from_returns, summarise, update_register,
)
from strategy_builder.review.register.update import office_lock
from strategy_builder.review.returns import ReturnedFile, ReturnItem, SectionSource

TOOL_HEADERS = {c.header for c in COLUMNS if c.owner == "tool" and c.key != "id"}
HEADERS = [c.header for c in COLUMNS]


def _row(number: int, **values: str) -> RegisterRow:
    defaults = dict(ministry="Ministry of Labour", partner="AM", draft="001", kind="comment", author="Anna",
                    remark=f"remark {number}", area="integration", yaml_line=str(10 + number))
    return RegisterRow(id=f"C-{number:04d}", **{**defaults, **values})


# ----------------------------------------------------------------------------- every format


AWKWARD = ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "line one\nline two", "<script>alert(1)</script>",
           "Ünïcödé – “quotes” & ampersands; Министерство", "", "plain"]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".json", ".html"])
def test_every_format_reads_back_what_it_wrote(tmp_path: Path, suffix: str) -> None:
    written = [_row(n, remark=text, quoted=text) for n, text in enumerate(AWKWARD)]
    path = tmp_path / f"register{suffix}"
    result = update_register(path, written)
    assert (result.rows, result.added, result.updated, result.backup) == (len(AWKWARD), len(AWKWARD), 0, None)
    back = {row.id: row for row in read_register(path)}
    for row in written:
        assert (back[row.id].remark, back[row.id].quoted, back[row.id].yaml_line) == \
            (row.remark, row.quoted, row.yaml_line)
        assert back[row.id].disposition == "open"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no temporary file left behind
    again = update_register(path, written)
    assert (again.written, again.added, again.updated) == (None, 0, 0)  # nothing new: the file is not touched


def test_xlsx_is_what_coordinators_expect(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    update_register(path, [_row(1, remark="=1+1")])
    sheet = openpyxl.load_workbook(path)["Register"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref.startswith("A1:")
    assert sheet["T2"].value == "=1+1" and sheet["T2"].data_type == "s"  # text, never a formula
    assert sheet["P2"].value == 11  # YAML line is a number
    [validation] = sheet.data_validations.dataValidation
    assert validation.formula1 == '"' + ",".join(DISPOSITIONS) + '"'


def test_xlsx_cells_are_typed_and_the_sheet_prints_well(tmp_path: Path) -> None:
    import datetime as dt

    path = tmp_path / "register.xlsx"
    rows = [_row(1, date="2024-03-04T10:15:00Z", area="Integration of legally residing migrants",
                 area_key="integration", resolved="yes"),
            _row(2, date="2024-03-05T09:00:00", draft="012")]
    update_register(path, rows)
    sheet = openpyxl.load_workbook(path)["Register"]
    column = {c.value: c.column_letter for c in sheet[1]}
    assert sheet[f"{column['Date']}2"].value == dt.datetime(2024, 3, 4, 10, 15)  # a date, not text
    assert sheet[f"{column['Date']}2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet[f"{column['Draft']}2"].value == 1 and sheet[f"{column['Draft']}2"].number_format == "000"
    assert sheet[f"{column['YAML line']}3"].value == 12
    assert sheet[f"{column['Area']}2"].value == "Integration of legally residing migrants"
    assert sheet[f"{column['Area key']}2"].value == "integration"
    # Landscape, on pages that keep it readable (28 columns on one page would print at a quarter of their
    # size), the header row and the ID on every page.
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 3
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows == "$1:$1"
    assert sheet.print_title_cols == "$A:$A" and sheet.page_setup.pageOrder == "overThenDown"
    back = {r.id: r for r in read_register(path)}
    assert (back["C-0001"].date, back["C-0001"].draft, back["C-0002"].draft) == ("2024-03-04T10:15", "001", "012")
    again = update_register(path, rows)
    assert (again.written, again.added, again.updated) == (None, 0, 0), "typed cells read back as they were"
    later = update_register(path, [_row(1, date="2024-03-04T10:15:00Z", area="Integration of legally residing "
                                        "migrants", area_key="integration", resolved="yes", yaml_line="41"),
                                   rows[1], _row(3, date="2024-03-06T08:30:00Z", remark="2013")])
    assert (later.added, later.updated) == (1, 1)
    sheet = openpyxl.load_workbook(path)["Register"]
    assert sheet[f"{column['Date']}4"].value == dt.datetime(2024, 3, 6, 8, 30), "appended rows are typed too"
    assert sheet[f"{column['YAML line']}2"].value == 41 and sheet[f"{column['YAML line']}4"].value == 13
    assert sheet[f"{column['Draft']}4"].value == 1 and sheet[f"{column['Draft']}4"].number_format == "000"
    assert sheet[f"{column['Remark or changed text']}4"].value == "2013"  # digits in a text column stay text


def test_a_new_xlsx_is_laid_out_for_reading_filtering_and_choosing_a_disposition(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    long = "x" * 40_000
    update_register(path, [_row(1, remark="bell\x07 and form feed\x0c gone"), _row(2, quoted=long)])
    sheet = openpyxl.load_workbook(path)["Register"]
    column = {c.value: c.column_letter for c in sheet[1]}
    assert all(cell.font.bold and cell.alignment.wrap_text for cell in sheet[1])  # the header stands out
    assert {(cell.fill.fill_type, cell.fill.fgColor.rgb[-6:], cell.alignment.vertical) for cell in sheet[1]} == {
        ("solid", "DDE6F3", "top")}
    for declared in COLUMNS:
        letter = column[declared.header]
        assert sheet.column_dimensions[letter].width == declared.width
        assert bool(sheet[f"{letter}2"].alignment.wrap_text) == declared.wrap, declared.header
        assert sheet[f"{letter}2"].alignment.vertical == "top"
    assert sheet.auto_filter.ref == f"A1:{column[COLUMNS[-1].header]}3"
    assert sheet[f"{column['Remark or changed text']}2"].value == "bell and form feed gone"  # Excel refuses them
    assert sheet[f"{column['Quoted text']}3"].value == "x" * 32_767  # the most text a cell holds
    [validation] = sheet.data_validations.dataValidation
    disposition = column["Disposition"]
    assert str(validation.sqref) == f"{disposition}2:{disposition}1000" and validation.type == "list"
    assert validation.showErrorMessage and validation.allow_blank and validation.errorTitle == "Disposition"
    assert validation.error and all(d in validation.error for d in DISPOSITIONS)
    assert sheet.page_setup.fitToHeight == 0  # as many pages down as the rows need


def test_dispositions_typed_by_people_are_counted_not_rewritten() -> None:
    assert [normalise_disposition(v) for v in ["Accepted", " partially accepted ", "Partly-accepted", "", "later"]] \
        == ["accepted", "partly accepted", "partly accepted", "open", "later"]
    counts = summarise([RegisterRow(id="1", partner="AM", disposition="Accepted"), RegisterRow(id="2")])
    assert counts["disposition"] == {"accepted": 1, "open": 1} and counts["partner"] == {"-": 1, "AM": 1}


# ----------------------------------------------------------------------------- CSV dialects

DIALECTS = {  # name -> (delimiter, line end, BOM)
    "excel-comma-decimal": (";", "\r\n", True),
    "excel-us": (",", "\r\n", True),
    "libreoffice-linux": (",", "\n", False),
    "tab": ("\t", "\r\n", False),
}


def _csv_text(rows: list[list[str]], delimiter: str, line_end: str, bom: bool) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=line_end).writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_a_csv_register_keeps_its_dialect_and_every_disposition(tmp_path: Path, dialect: str) -> None:
    delimiter, line_end, bom = DIALECTS[dialect]
    path = tmp_path / "register.csv"
    update_register(path, [_row(1), _row(2)])
    # The team works on it: a disposition, a note with the delimiter in it, an added column, a row of their own.
    table = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    table[0].append("Owner")
    table[1][1], table[1][2] = "Accepted", f"agreed{delimiter} see \"minutes\""
    table[1].append("Jana")
    table[2][1] = "rejected"
    table.append(["", "", "Total: 2 comments"])
    original = _csv_text(table, delimiter, line_end, bom)
    path.write_bytes(original)

    result = update_register(path, [_row(1, remark="remark 1 (again)"), _row(2), _row(3)])
    assert (result.added, result.updated) == (1, 1)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") == bom
    lines = data.decode("utf-8-sig").split(line_end)
    old_lines = original.decode("utf-8-sig").split(line_end)
    assert lines[0] == old_lines[0] and lines[2:4] == old_lines[2:4]  # untouched records: copied as they were
    back = {row.id: row for row in read_register(path)}
    assert back["C-0001"].disposition == "Accepted" and back["C-0001"].note == f"agreed{delimiter} see \"minutes\""
    assert back["C-0001"].extra["Owner"] == "Jana" and back["C-0001"].remark == "remark 1 (again)"
    assert back["C-0002"].disposition == "rejected" and back["C-0003"].disposition == "open"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))
    assert rows[3][2] == "Total: 2 comments" and rows[4][0] == "C-0003"  # appended after the team's row


def test_excels_sep_line_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(b"sep=;\r\n" + _csv_text([HEADERS, ["C-0001", "accepted"]], ";", "\r\n", False))
    update_register(path, [_row(1), _row(2)])
    assert path.read_bytes().startswith(b"sep=;\r\nID;Disposition")
    assert [(r.id, r.disposition) for r in read_register(path)] == [("C-0001", "accepted"), ("C-0002", "open")]


@pytest.mark.parametrize(("content", "phrase"), [
    ("ID;Disposition\r\nC-0001;accepté\r\n".encode("cp1252"), "Windows-1252"),
    ("ID\tDisposition\r\nC-0001\taccepted\r\n".encode("utf-16"), "UTF-16"),
    (b"Key,Disposition\r\nC-0001,accepted\r\n", "no 'ID' column"),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + bytes(range(256)), "is a workbook"),  # an .xlsx named .csv
])
def test_a_csv_register_that_cannot_be_read_safely_is_refused_untouched(tmp_path: Path, content: bytes,
                                                                        phrase: str) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(content)
    with pytest.raises(RegisterRefused, match=phrase) as refused:
        update_register(path, [_row(1)])
    assert str(path) in refused.value.message and refused.value.hint
    assert refused.value.exit_code == 2 and path.read_bytes() == content
    assert not (tmp_path / BACKUP_DIR).exists()


# ----------------------------------------------------------------------------- xlsx kept in place


def _team_workbook(path: Path) -> None:
    """A register the team has worked on in Excel: dispositions, notes, a column and a sheet of their own,
    formulas without cached values, a comment, a validation, a width, a filter, a row of totals."""
    update_register(path, [_row(1), _row(2), _row(3)])
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Register"]
    sheet["B2"], sheet["C2"] = "Accepted", "agreed at the meeting of 12 May"
    sheet["B3"] = "partly accepted"
    sheet["Y1"], sheet["Y2"], sheet["Y3"] = "Owner", "Jana", "=UPPER(B3)"
    sheet["Y2"].comment = Comment("ask Jana first", "Petr")
    sheet["Z1"] = "Days open"
    owner = DataValidation(type="list", formula1='"Jana,Petr"')
    owner.add("Y2:Y100")
    sheet.add_data_validation(owner)
    sheet.column_dimensions["Y"].width = 33
    sheet["A6"], sheet["D6"] = "", "=COUNTA(A2:A4)"
    notes = workbook.create_sheet("Notes")
    notes["A1"], notes["B2"] = "Minutes of 12 May", "=Register!B2"
    workbook.save(path)


def _cells(path: Path) -> dict[str, dict[str, object]]:
    workbook = openpyxl.load_workbook(path)
    return {sheet.title: {cell.coordinate: cell.value for row in sheet.iter_rows() for cell in row
                          if cell.value is not None} for sheet in workbook.worksheets}


def test_xlsx_update_keeps_everything_the_team_added(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    _team_workbook(path)
    before = _cells(path)
    result = update_register(path, [_row(1, remark="remark 1 (again)"), _row(2), _row(4)])
    assert (result.added, result.updated, result.rows) == (1, 1, 4)
    after = _cells(path)
    assert after["Notes"] == before["Notes"]
    changed = {k for k in before["Register"] if before["Register"][k] != after["Register"].get(k)}
    assert changed == {"T2"}  # the remark of C-0001, the only cell the import had to write
    assert after["Register"]["T2"] == "remark 1 (again)"
    assert after["Register"]["Y3"] == "=UPPER(B3)" and after["Register"]["D6"] == "=COUNTA(A2:A4)"
    assert after["Register"]["A7"] == "C-0004" and after["Register"]["B7"] == "open"  # after the totals row
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Register"]
    assert sheet["Y2"].comment.text == "ask Jana first" and sheet.column_dimensions["Y"].width == 33
    assert any(str(v.sqref) == "Y2:Y100" for v in sheet.data_validations.dataValidation)
    assert workbook.sheetnames == ["Register", "Notes"]
    assert [p.name for p in (tmp_path / BACKUP_DIR).iterdir()] == [result.backup.name]  # type: ignore[union-attr]


def _row_heights(path: Path) -> dict[int, tuple[str | None, str | None]]:
    """Row number -> (ht, customHeight) as the register's sheet stores them."""
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    rows = {}
    for tag in re.findall(r"<row\b[^>]*>", sheet):
        attributes = dict(re.findall(r'(\w+)="([^"]*)"', tag))
        rows[int(attributes["r"])] = (attributes.get("ht"), attributes.get("customHeight"))
    return rows


LONG_REMARK = "The ministry asks that the sectors concerned be named and the pilot scheme extended. " * 4


def test_rows_are_as_tall_as_their_wrapped_text_and_a_height_the_team_set_is_kept(tmp_path: Path) -> None:
    """LibreOffice shows a row at its stored height (it does not fit rows to their text on opening an .xlsx):
    a row whose wrapped text takes several lines stores a height for them, never marked as set by hand, so
    that Excel still fits the row itself. An update gives the rows it appends and the rows whose text it
    lengthens such a height, and leaves a height the team set by hand (customHeight) as it is."""
    path = tmp_path / "register.xlsx"
    update_register(path, [_row(1, remark=LONG_REMARK), _row(2, remark="short")])
    heights = _row_heights(path)
    assert heights[2][0] is not None and float(heights[2][0]) >= 4 * 12.5 and heights[2][1] is None
    assert heights[3] == (None, None)  # one line: the default height
    assert heights[1][0] is not None  # the header wraps "Changed in draft" and "Cited by drafts"
    # Set by hand, as Excel saves it (openpyxl would mark every height as set by hand).
    _rewrite_member(path, "xl/worksheets/sheet1.xml",
                    lambda data: data.replace(b'<row r="3">', b'<row r="3" ht="66" customHeight="1">'))
    update_register(path, [_row(1, remark=LONG_REMARK), _row(2, remark=LONG_REMARK), _row(3, remark=LONG_REMARK)])
    heights = _row_heights(path)
    assert heights[3] == ("66", "1"), "the team's height is the team's"
    assert heights[4][0] is not None and float(heights[4][0]) >= 4 * 12.5 and heights[4][1] is None  # appended
    update_register(path, [_row(1, remark=LONG_REMARK * 3), _row(2, remark=LONG_REMARK), _row(3, remark="x")])
    assert float(_row_heights(path)[2][0] or 0) > float(heights[2][0] or 0), "lengthened: taller"


@pytest.mark.libreoffice
def test_libreoffice_prints_every_row_whole_and_readable(soffice: str, tmp_path: Path) -> None:
    """Laid out by LibreOffice, a register with long notes and remarks prints each row's text within its row
    (the rows overlapped: LibreOffice kept one line's height) at a readable size (fitted to one page wide,
    its 28 columns printed at a quarter of their size)."""
    from pypdf import PdfReader

    from conftest import convert_with_libreoffice, require_tool

    # Calc is a package of its own (libreoffice-calc-nogui, which .ci/run installs): found by its library
    # beside soffice's program folder.
    program = Path(os.path.realpath(soffice)).parent
    require_tool(any(program.glob("libsclo.*")), "LibreOffice Calc (libreoffice-calc-nogui)")
    path = tmp_path / "register.xlsx"
    update_register(path, [_row(n, remark=f"{LONG_REMARK * (1 + n % 3)}end{n}") for n in range(1, 13)])
    pdf = convert_with_libreoffice(soffice, path, tmp_path / "out")
    positions: dict[str, tuple[int, float]] = {}
    sizes: list[float] = []
    for number, page in enumerate(PdfReader(pdf).pages):
        def visit(text: str, _cm: object, matrix: list[float], _font: object, size: float,
                  number: int = number) -> None:
            if text.strip():
                sizes.append(size * matrix[3])  # the text's height on paper
            for marker in re.findall(r"end\d+|C-\d{4}", text):
                positions.setdefault(marker, (number, -matrix[5]))  # from the top of the page

        page.extract_text(visitor_text=visit)
    assert sorted(sizes)[len(sizes) // 2] >= 6.5, "the text is printed at a readable size"
    assert all(f"end{n}" in positions for n in range(1, 13)), "every remark is printed to its end"
    for n in range(1, 12):
        end, following = positions[f"end{n}"], positions[f"C-{n + 1:04d}"]
        if end[0] == following[0]:  # the remark's last line is above the next row on its page
            assert end[1] < following[1], (n, end, following)


def _rewrite_member(path: Path, name: str, change) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            target.writestr(info, change(data) if info.filename == name else data)


def test_rows_are_read_by_content_not_by_a_stale_dimension(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    update_register(path, [_row(n) for n in range(1, 41)])
    workbook = openpyxl.load_workbook(path)
    workbook["Register"]["B40"] = "rejected"
    workbook.save(path)
    _rewrite_member(path, "xl/worksheets/sheet1.xml",
                    lambda data: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:X13"', data))
    trap = openpyxl.load_workbook(path, read_only=True)
    assert len(list(trap["Register"].iter_rows())) == 13  # the trap: openpyxl trusts the stale dimension
    trap.close()  # a read-only workbook keeps its file open until closed
    result = update_register(path, [_row(39, remark="again"), _row(41)])
    assert (result.rows, result.added, result.updated) == (41, 1, 1)
    back = {row.id: row for row in read_register(path)}
    assert len(back) == 41 and back["C-0039"].disposition == "rejected" and back["C-0039"].remark == "again"
    assert back["C-0041"].disposition == "open"


def test_a_formula_without_a_cached_value_stays_the_formula(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    update_register(path, [_row(1)])
    workbook = openpyxl.load_workbook(path)
    workbook["Register"]["T2"] = '=CONCAT("see ", C2)'  # a person's formula in a column of the tool
    workbook.save(path)
    update_register(path, [_row(1, remark="new text"), _row(2)])
    assert openpyxl.load_workbook(path)["Register"]["T2"].value == '=CONCAT("see ", C2)'


def test_a_register_without_its_id_column_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    update_register(path, [_row(1)])
    workbook = openpyxl.load_workbook(path)
    workbook["Register"].delete_cols(1)
    workbook.save(path)
    before = path.read_bytes()
    with pytest.raises(RegisterRefused, match="no 'ID' column"):
        update_register(path, [_row(1), _row(2)])
    assert path.read_bytes() == before


def test_a_register_sheet_renamed_behind_a_teams_sheet_is_refused_naming_the_sheet_read(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    update_register(path, [_row(1)])
    workbook = openpyxl.load_workbook(path)
    workbook["Register"].title = "AM comments"
    workbook.create_sheet("Team notes", 0)["A1"] = "Meeting of 5 December: agree the dispositions"
    workbook.save(path)
    before = path.read_bytes()
    with pytest.raises(RegisterRefused) as refused:
        update_register(path, [_row(1), _row(2)])
    assert "sheet 'Team notes'" in refused.value.message and "no 'ID' column" in refused.value.message
    assert "'Register'" in (refused.value.hint or "")
    assert path.read_bytes() == before


def test_an_xlsx_with_a_doctype_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    update_register(path, [_row(1)])
    _rewrite_member(path, "xl/worksheets/sheet1.xml", lambda data: data.replace(
        b"<worksheet", b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><worksheet', 1))
    before = path.read_bytes()
    with pytest.raises(RegisterRefused, match="DOCTYPE"):
        update_register(path, [_row(2)])
    assert path.read_bytes() == before


@pytest.mark.parametrize("content", [b'{"rows": {"ID": "x"}}', b"[1, 2]", b'{"format": 1}', b"not json"])
def test_a_json_register_of_the_wrong_shape_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "register.json"
    path.write_bytes(content)
    with pytest.raises(RegisterRefused, match="JSON|shape"):
        update_register(path, [_row(1)])
    assert path.read_bytes() == content


def test_a_json_register_with_a_key_written_twice_is_refused_naming_the_row_and_place(tmp_path: Path) -> None:
    """Edited by hand, a row got its Disposition twice: read as JSON readers do (the last one wins), the
    team's "accepted" would be dropped by the next update; it is refused, untouched, with where it is."""
    path = tmp_path / "register.json"
    update_register(path, [_row(1)])
    text = path.read_text(encoding="utf-8")
    assert text.count('"Disposition": "open"') == 1
    edited = text.replace('"Disposition": "open"', '"Disposition": "accepted",\n      "Disposition": "open"')
    path.write_text(edited, encoding="utf-8")
    with pytest.raises(RegisterRefused) as refused:
        update_register(path, [_row(1), _row(2)])
    line = edited.splitlines().index('      "Disposition": "open",') + 1
    assert f"register.json:{line}:7:" in refused.value.message and "'Disposition' twice" in refused.value.message
    assert path.read_text(encoding="utf-8") == edited


@pytest.mark.parametrize("name", ["register.xlsx", "register.csv"])
def test_a_declared_column_written_twice_in_the_header_is_refused_untouched(tmp_path: Path, name: str) -> None:
    """A team added a second Disposition column and typed its decisions there: reading the first alone would
    count them open, and writing would go to the first; neither is guessed."""
    path = tmp_path / name
    update_register(path, [_row(1)])
    if name.endswith(".xlsx"):
        workbook = openpyxl.load_workbook(path)
        sheet = workbook["Register"]
        sheet.cell(row=1, column=sheet.max_column + 1, value="disposition")
        sheet.cell(row=2, column=sheet.max_column, value="accepted")
        workbook.save(path)
    else:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        path.write_text("\n".join([lines[0] + ",Disposition", lines[1] + ",accepted"]) + "\n", encoding="utf-8")
    before = path.read_bytes()
    for attempt in (lambda: read_register(path), lambda: update_register(path, [_row(1), _row(2)])):
        with pytest.raises(RegisterRefused, match=r"'Disposition' twice \((cell B1 and cell [A-Z]+1|"
                                                  r"line 1, field 2 and line 1, field \d+)\)"):
            attempt()
    assert path.read_bytes() == before


# ----------------------------------------------------------------------------- the file itself


def test_mode_and_symlink_are_kept_and_a_backup_is_made(tmp_path: Path) -> None:
    real = tmp_path / "shared" / "register.csv"
    real.parent.mkdir()
    update_register(real, [_row(1)])
    os.chmod(real, 0o664)
    if os.geteuid() == 0:
        os.chown(real, 1234, 5678)  # a register owned by a colleague (only root can give a file away)
    link = tmp_path / "register.csv"
    link.symlink_to(real)
    before = real.read_bytes()
    result = update_register(link, [_row(1), _row(2)])
    assert link.is_symlink() and result.written == real
    assert stat.S_IMODE(real.stat().st_mode) == 0o664
    if os.geteuid() == 0:
        assert (real.stat().st_uid, real.stat().st_gid) == (1234, 5678)
    assert result.backup is not None and result.backup.parent == real.parent / BACKUP_DIR
    assert result.backup.read_bytes() == before  # the backup is the previous register, byte for byte
    assert [r.id for r in read_register(link)] == ["C-0001", "C-0002"]


def test_an_office_lock_file_means_the_register_is_open(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    update_register(path, [_row(1)])
    before = path.read_bytes()
    lock = tmp_path / ".~lock.register.xlsx#"
    lock.write_text(",jana,office-pc,02.12.2026 10:15,file:///home/jana/.config/libreoffice/4;")
    with pytest.raises(RegisterRefused, match="LibreOffice by jana, on office-pc") as refused:
        update_register(path, [_row(2)])
    assert "--force" in (refused.value.hint or "") and path.read_bytes() == before
    lock.unlink()
    (tmp_path / "~$gister.xlsx").write_bytes(bytes([4]) + b"Petr" + bytes(50))
    with pytest.raises(RegisterRefused, match="Microsoft Office by Petr"):
        update_register(path, [_row(2)])
    assert update_register(path, [_row(2)], force=True).added == 1


# ----------------------------------------------------------------------------- office locks, HTML, JSON


@pytest.mark.parametrize(("name", "content", "said"), [
    (".~lock.register.xlsx#", ",jana,office-pc,02.12.2026 10:15,file:///home/jana/.config/libreoffice/4;",
     "LibreOffice by jana, on office-pc, since 02.12.2026 10:15"),
    (".~lock.register.xlsx#", "Jana Novak,jana,office-pc,02.12.2026 10:15,file:///x;\n",
     "LibreOffice by Jana Novak, on office-pc, since 02.12.2026 10:15"),
    (".~lock.register.xlsx#", ",jana", "LibreOffice by jana"),
    (".~lock.register.xlsx#", ",jana,office-pc", "LibreOffice by jana, on office-pc"),
    (".~lock.register.xlsx#", "", "LibreOffice"),
    ("~$register.xlsx", bytes([4]) + b"Petr" + bytes(50), "Microsoft Office by Petr"),
    ("~$gister.xlsx", bytes([5]) + "Jiří ".encode("cp1252", "replace") + bytes(50), "Microsoft Office by Ji?í"),
    ("~$egister.xlsx", bytes([60]) + b"Petr", "Microsoft Office"),  # a length past the end: no name
    ("~$register.xlsx", bytes([0]) + b"Petr", "Microsoft Office"),
    (".~lock.register.xlsx#", ",jana,office-pc,02.12.2026 10:15", "LibreOffice by jana, on office-pc, since "
                                                                   "02.12.2026 10:15"),
    (".~lock.register.xlsx#", b",jan\xe9,office-pc;", "LibreOffice by jan\ufffd, on office-pc"),  # not UTF-8
    ("~$register.xlsx", bytes([1]) + b"P" + bytes(50), "Microsoft Office by P"),
    ("~$register.xlsx", bytes([4]) + b"P\x81tr" + bytes(50), "Microsoft Office by P\ufffdtr"),  # not cp1252
    ("~$register.xlsx", bytes([5]) + b"Petr", "Microsoft Office"),  # one byte short of its length
    ("~$register.xlsx", b"", "Microsoft Office"),
])
def test_the_office_lock_says_who_has_the_register_open(tmp_path: Path, name: str, content: str | bytes,
                                                       said: str) -> None:
    lock = tmp_path / name
    lock.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    found = office_lock(tmp_path / "register.xlsx")
    assert found is not None and found.describe() == f"{said} (lock file {name})"


def test_without_a_lock_file_the_register_is_not_open(tmp_path: Path) -> None:
    assert office_lock(tmp_path / "register.xlsx") is None
    (tmp_path / ".~lock.register.xlsx#").mkdir()  # a folder of that name is not a lock file
    assert office_lock(tmp_path / "register.xlsx") is None
    (tmp_path / "~$register.xlsx").write_bytes(b"\xff" * 5000)  # past the 4 KiB read: present, holder unknown
    found = office_lock(tmp_path / "register.xlsx")
    assert found is not None and found.describe() == "Microsoft Office (lock file ~$register.xlsx)"


def test_the_html_page_shows_the_rows_and_embeds_them_safely(tmp_path: Path) -> None:
    path = tmp_path / "register.html"
    hostile = "</script><script>alert(1)</script> & <b>bold</b>"
    update_register(path, [_row(1, remark=hostile), _row(2)])
    page = path.read_text(encoding="utf-8")
    assert page.count("</script>") == 1  # what a ministry typed cannot close the data's script
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<p>2 row(s): 2 open</p>" in page and "<th>ID</th>" in page and "<th>Disposition</th>" in page
    assert [r.remark for r in read_register(path)] == [hostile, "remark 2"]
    embedded = re.search(r'<script type="application/json" id="register-data">(.*?)</script>', page, re.DOTALL)
    assert embedded is not None
    payload = json.loads(embedded.group(1))
    assert payload["format"] == 1 and payload["rows"][0]["Remark or changed text"] == hostile
    # The team's dispositions and an added column are shown, and counted by what they say.
    payload["rows"][0]["Disposition"] = "accepted"
    payload["rows"][1]["Owner"] = "Lena"
    data = json.dumps(payload, ensure_ascii=False).replace("<", "\\u003c")
    path.write_text(page.replace(embedded.group(1), data), encoding="utf-8")
    update_register(path, [_row(1, remark=hostile), _row(2), _row(3)])
    page = path.read_text(encoding="utf-8")
    assert "<p>3 row(s): 1 accepted, 2 open</p>" in page and "<th>Owner</th>" in page and "<td>Lena</td>" in page


def test_an_html_page_of_no_register_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "register.html"
    path.write_text("<html><body>minutes of the meeting</body></html>", encoding="utf-8")
    with pytest.raises(RegisterRefused) as refused:
        update_register(path, [_row(1)])
    assert str(refused.value).startswith(f"{path}: this HTML file holds no register data")
    assert refused.value.hint and path.read_text(encoding="utf-8").startswith("<html><body>minutes")


@pytest.mark.parametrize(("content", "phrase"), [
    (b'{"rows": [], "format": 1}\xff', "is not UTF-8 text"),
    (b'{"rows": [}', "is not valid JSON"),
    (b'[{"ID": "C-1"}]', "has the wrong shape"),
    (b'{"rows": "C-1"}', "has the wrong shape"),
])
def test_a_json_register_that_cannot_be_read_is_refused_naming_it(tmp_path: Path, content: bytes,
                                                                  phrase: str) -> None:
    path = tmp_path / "register.json"
    path.write_bytes(content)
    with pytest.raises(RegisterRefused) as refused:
        update_register(path, [_row(1)])
    assert str(refused.value).startswith(f"{path}: the register {phrase}")
    assert "untouched" in (refused.value.hint or "") and path.read_bytes() == content


def test_a_json_register_keeps_what_it_does_not_know(tmp_path: Path) -> None:
    path = tmp_path / "register.json"
    path.write_text(json.dumps({
        "format": 1, "team": {"lead": "Lena"},
        "rows": ["a note the team wrote", {"Total": 3},
                 {"ID": "C-0001", "Disposition": "later", "Note": "", "Owner": "Lena", "Days": 4, "Flags": [1, None],
                  "Remark or changed text": "old words", "YAML line": 7}]}, ensure_ascii=False),
        encoding="utf-8")
    update_register(path, [_row(1, remark="new words", yaml_line="12"), _row(2)])
    payload = json.loads(path.read_text(encoding="utf-8"))
    assert payload["team"] == {"lead": "Lena"} and payload["rows"][:2] == ["a note the team wrote", {"Total": 3}]
    row = payload["rows"][2]
    assert (row["Disposition"], row["Owner"], row["Days"], row["Flags"]) == ("later", "Lena", 4, [1, None])
    assert row["Remark or changed text"] == "new words" and row["YAML line"] == 12  # a number stays a number
    assert payload["rows"][3]["ID"] == "C-0002" and payload["rows"][3]["Disposition"] == "open"
    assert list(payload["rows"][3])[:3] == ["ID", "Disposition", "Note"]
    back = {r.id: r for r in read_register(path)}
    assert back["C-0001"].disposition == "later" and back["C-0001"].yaml_line == "12"


# ----------------------------------------------------------------------------- stable IDs (docs/comments.md)


def _item(number: int, **values: object) -> ReturnItem:
    fields: dict[str, object] = dict(
        local_id=f"c{number}", kind="comment", author="Anna Petrosyan", initials="AP", date="2024-03-04T10:15:00Z",
        text="Add the 2011 figures.", quoted="figures", detail="", story="body", paragraph=number,
        heading="Labour migration", section=SectionSource("AM/legal/quota", number="3.2", title="Quota system",
                                                          area="legal_migration", priority="quota",
                                                          source_file="inputs/partners/AM.yaml", source_line=41,
                                                          source_path="areas.legal_migration"))
    return ReturnItem(**{**fields, **values})  # type: ignore[arg-type]


def _ids(*items: ReturnItem, name: str = "AM_001_Ministry of Labour.docx", ours: bool = True,
         ministry: str = "Ministry of Labour", partner: str = "AM", draft: str = "001") -> list[str]:
    returned = ReturnedFile(Path(name), ministry, partner, draft, ours, list(items))
    return [row.id for row in rows_from_returns([returned])]


def test_an_item_keeps_its_id_through_what_applications_change_on_saving() -> None:
    [first] = _ids(_item(1))
    assert re.fullmatch(r"C-[0-9A-F]{10}", first)
    same = [_item(7, local_id="w42", paragraph=12, quoted="the figures", date="2024-03-04T10:15:59"),
            _item(1, author="anna petrosyan", text="Add  the 2011\nfigures. ", date=" 2024-03-04T10:15"),
            _item(1, kind="reply", reply_to=None), _item(1, heading="Other heading", initials="A.P.")]
    for item in same:
        assert _ids(item) == [first], item
    assert _ids(_item(1), ministry="ministry of labour") == [first]
    assert _ids(_item(1, ministry="Ministry of Labour"), ministry="Consolidated") == [first]
    assert _ids(_item(1), name="renamed.docx") == [first]  # a draft of ours: its file name is not the identity


def test_an_item_that_differs_in_what_identifies_it_gets_another_id() -> None:
    [first] = _ids(_item(1))
    others = [_ids(_item(1), ministry="Ministry of Interior"), _ids(_item(1), partner="GE"),
              _ids(_item(1), draft="002"), _ids(_item(1, kind="insertion")), _ids(_item(1, author="Other")),
              _ids(_item(1, date="2024-03-04T10:16:00Z")), _ids(_item(1, date="2024-03-05T10:15:00Z")),
              _ids(_item(1, date="2024-03-04T11:15:00Z")), _ids(_item(1, text="Add the 2012 figures.")),
              _ids(_item(1, section=SectionSource("AM/legal/other"))),
              _ids(_item(1, section=None)), _ids(_item(1, section=None, heading="Other heading")),
              _ids(_item(1, section=None, story="footnotes"))]
    assert all(ids != [first] for ids in others) and len({ids[0] for ids in others}) == len(others)
    assert _ids(_item(1, kind="insertion"))[0].startswith("T-")
    assert _ids(_item(1, kind="move-to")) == _ids(_item(1, kind="insertion"))  # a move is also an insertion
    assert _ids(_item(1, kind="move-from")) == _ids(_item(1, kind="deletion"))
    # A file not written by strategy-builder: its name is part of the identity.
    assert _ids(_item(1), ours=False) != _ids(_item(1), ours=False, name="other.docx")
    assert _ids(_item(1), ours=False, name="A.DOCX") == _ids(_item(1), ours=False, name="a.docx")


def test_identical_items_in_one_file_are_told_apart_by_their_order() -> None:
    ids = _ids(_item(1), _item(2), _item(3, reply_to="c1", kind="reply", text="Agreed."))
    assert len(set(ids)) == 3 and ids[:2] == _ids(_item(5), _item(6))
    returned = ReturnedFile(Path("AM_001_Ministry of Labour.docx"), "Ministry of Labour", "AM", "001", True,
                            [_item(1), _item(3, reply_to="c1", kind="reply", resolved=True)])
    comment, reply = rows_from_returns([returned])
    assert reply.reply_to == comment.id and (comment.resolved, reply.resolved) == ("", "yes")


def test_a_row_says_where_its_item_came_from() -> None:
    returned = ReturnedFile(Path("in/AM_001_Ministry of Labour.docx"), "Ministry of Labour", "AM", "001", True,
                            [_item(1, resolved=False), _item(2, section=None, date="sometime")])
    inside, outside = rows_from_returns([returned])
    assert (inside.section, inside.number, inside.section_title, inside.area, inside.area_key) == \
        ("AM/legal/quota", "3.2", "Quota system", "Legal migration with a special emphasis on labour migration",
         "legal_migration")
    assert (inside.priority, inside.yaml_file, inside.yaml_line, inside.yaml_path) == \
        ("quota", "inputs/partners/AM.yaml", "41", "areas.legal_migration")
    assert (inside.date, inside.resolved, inside.returned_file, inside.heading) == \
        ("2024-03-04T10:15", "no", "AM_001_Ministry of Labour.docx", "Labour migration")
    assert (inside.ministry, inside.partner, inside.draft, inside.kind, inside.remark, inside.quoted) == \
        ("Ministry of Labour", "AM", "001", "comment", "Add the 2011 figures.", "figures")
    assert (outside.section, outside.area, outside.area_key, outside.yaml_line, outside.date) == \
        ("", "", "", "", "sometime")


# ----------------------------------------------------------------------------- property


HEADER_TEXT = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefg", min_size=1, max_size=8)
# What a cell can hold: XML 1.0 has no surrogates, control characters, U+FFFE or U+FFFF (openpyxl cannot write them).
CELL_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
                    max_size=12) | \
    st.sampled_from(["Accepted", "partly", "=1+1", "; , \t", "'=quoted", "line\nbreak", "Министерство"])
IDS = st.integers(min_value=1, max_value=12)


@st.composite
def registers(draw: st.DrawFn) -> dict[str, object]:
    fmt = draw(st.sampled_from(["xlsx", *sorted(DIALECTS)]))
    columns = [h for h in HEADERS if h == "ID" or draw(st.booleans()) or h in ("Disposition", "Note")]
    columns = draw(st.permutations(columns))
    extra = draw(st.lists(HEADER_TEXT.filter(lambda h: h.strip().casefold() not in
                                             {c.casefold() for c in HEADERS}), max_size=2, unique=True))
    header = list(columns) + extra
    ids = draw(st.lists(IDS, max_size=8, unique=True))
    body = []
    for number in ids:
        body.append([f"C-{number:04d}" if h == "ID" else draw(CELL_TEXT) for h in header])
        if draw(st.integers(0, 4)) == 0:  # a row of the team's, without an ID
            body.append(["" if h == "ID" else draw(CELL_TEXT) for h in header])
    formulas = fmt == "xlsx" and draw(st.booleans())
    returns = [_row(n, remark=draw(CELL_TEXT), author=draw(CELL_TEXT)) for n in draw(st.lists(IDS, max_size=6))]
    return {"format": fmt, "header": header, "body": body, "formulas": formulas, "returns": returns,
            "sheet": fmt == "xlsx" and draw(st.booleans())}


def _grid(path: Path, fmt: str) -> dict[str, list[list[object]]]:
    if fmt == "xlsx":
        workbook = openpyxl.load_workbook(path)
        return {sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
                for sheet in workbook.worksheets}
    delimiter = DIALECTS[fmt][0]
    text = path.read_bytes().decode("utf-8-sig")
    return {"csv": [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]}


def _value(grid: list[list[object]], row: int, column: int) -> object:
    if row >= len(grid) or column >= len(grid[row]):
        return None
    value = grid[row][column]
    return None if value == "" else value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(registers())
def test_imports_never_change_a_cell_the_tool_does_not_own_and_only_append_rows(
        tmp_path_factory: pytest.TempPathFactory, register: dict[str, object]) -> None:
    folder = tmp_path_factory.mktemp("property")
    fmt = str(register["format"])
    header, body = register["header"], register["body"]
    assert isinstance(header, list) and isinstance(body, list)
    if fmt == "xlsx":
        path = folder / "register.xlsx"
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "Register"
        sheet.append(header)
        for values in body:
            sheet.append(values)
            for cell in sheet[sheet.max_row]:
                cell.data_type = "s"  # what the team typed is text here
        if register["formulas"]:
            sheet.cell(row=1, column=len(header) + 1, value="Check")
            for number in range(2, len(body) + 2):
                sheet.cell(row=number, column=len(header) + 1, value=f"=LEN(A{number})")
        if register["sheet"]:
            workbook.create_sheet("Notes")["B2"] = "=Register!A2"
        workbook.save(path)
    else:
        path = folder / "register.csv"
        delimiter, line_end, bom = DIALECTS[fmt]
        path.write_bytes(_csv_text([header, *body], delimiter, line_end, bom))
    before = _grid(path, fmt)
    returns = register["returns"]
    assert isinstance(returns, list)
    update_register(path, returns)
    after = _grid(path, fmt)
    name = "Register" if fmt == "xlsx" else "csv"
    assert set(after) == set(before)
    for other in set(before) - {name}:
        assert after[other] == before[other]
    old, new = before[name], after[name]
    assert len(new) >= len(old)
    refreshed = {row.id for row in returns}
    owned = {index for index, text in enumerate(header) if text in TOOL_HEADERS}
    for r, row in enumerate(old):
        row_id = str(_value(old, r, header.index("ID")) or "")
        for c in range(len(row)):
            if r > 0 and row_id in refreshed and c in owned:
                continue  # the tool's cell of a row found again: it may be refreshed
            assert _value(new, r, c) == _value(old, r, c), (r, c)
    appended_ids = [str(_value(new, r, header.index("ID"))) for r in range(len(old), len(new))]
    existing_ids = {str(_value(old, r, header.index("ID"))) for r in range(1, len(old))}
    assert set(appended_ids) == {row.id for row in returns} - existing_ids


def test_columns_added_to_a_teams_xlsx_get_the_look_of_its_header(tmp_path: Path) -> None:
    from openpyxl.styles import Font

    path = tmp_path / "register.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Register"
    sheet.append(["ID", "Disposition", "Note"])
    sheet.append(["C-0001", "accepted"])
    for cell in sheet[1]:
        cell.font = Font(bold=True, italic=True)
    workbook.save(path)
    update_register(path, [_row(1), _row(2)])
    sheet = openpyxl.load_workbook(path)["Register"]
    assert [c.value for c in sheet[1]][:4] == ["ID", "Disposition", "Note", "Ministry"]
    assert all(cell.font.bold and cell.font.italic for cell in sheet[1])  # the added headers look like the others
    assert (sheet["B2"].value, sheet["B3"].value) == ("accepted", "open")


def test_the_newest_backups_are_kept_numbered_within_one_second(tmp_path: Path) -> None:
    from strategy_builder.layout import BACKUPS_KEPT

    path = tmp_path / "register.csv"
    update_register(path, [_row(1)])
    for number in range(2, BACKUPS_KEPT + 4):  # a backup before each update; several in one second
        update_register(path, [_row(n) for n in range(1, number + 1)])
    backups = sorted((tmp_path / BACKUP_DIR).iterdir(), key=lambda p: p.stat().st_mtime_ns)
    assert len(backups) == BACKUPS_KEPT
    assert all(re.fullmatch(r"register\.\d{8}-\d{6}(-\d+)?\.csv", p.name) for p in backups)
    # The newest are kept: the last one holds the register just before the last update.
    assert [row.id for row in read_register(backups[-1])] == [f"C-{n:04d}" for n in range(1, BACKUPS_KEPT + 3)]
    assert [row.id for row in read_register(backups[0])] == [f"C-{n:04d}" for n in range(1, 4)]


def test_the_leftover_of_a_killed_backup_is_removed_by_a_later_update(tmp_path: Path) -> None:
    """An update killed while it wrote its backup leaves the backup's hidden temporary in .register-backups/;
    every backup has a name of its own, so no later write of that name would remove it: the next backup
    cleans the folder of leftovers older than an hour (a younger one may be another run's, under way)."""
    import time

    path = tmp_path / "register.csv"
    update_register(path, [_row(1)])
    folder = tmp_path / BACKUP_DIR
    folder.mkdir()
    old, young = folder / ".register.20261202-101503.csv.k9ya4l5p.tmp", folder / ".register.csv.q1w2e3r4.tmp"
    for leftover in (old, young):
        leftover.write_bytes(b"half a register")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    result = update_register(path, [_row(1), _row(2)])
    assert result.backup is not None and sorted(p.name for p in folder.iterdir()) == sorted(
        [result.backup.name, young.name])


def test_the_counts_of_an_update_take_each_row_as_the_register_holds_it_after_the_update(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(_csv_text([["ID", "Disposition", "Partner", "Ministry", "Area key", "Note"],
                                ["C-0001", "Accepted", "AM", "Ministry of Labour", "integration"],
                                ["C-0002", "", "GE", "", ""], ["", "rejected", "XX", "", ""]], ",", "\r\n", True))
    result = update_register(path, [_row(1, partner="AM", area_key="integration"), _row(2, partner="GE"),
                                    _row(3, partner="KZ", area_key="return")])
    assert result.summary["partner"] == {"AM": 1, "GE": 1, "KZ": 1}  # the team's row without an ID is not one
    assert result.summary["disposition"] == {"accepted": 1, "open": 2}
    assert result.summary["ministry"] == {"Ministry of Labour": 3}  # the import filled in C-0002's
    assert result.summary["area"] == {"integration": 2, "return": 1}  # C-0002's by the Area the import wrote


def test_a_register_in_folders_not_made_yet_is_created_with_them_and_a_folder_is_refused(tmp_path: Path) -> None:
    from strategy_builder.errors import EnvironmentProblem

    path = tmp_path / "round 2" / "ministries" / "register.csv"
    result = update_register(path, [_row(1)])
    assert (result.path, result.rows, result.added) == (path, 1, 1) and path.is_file()
    again = update_register(path, [_row(1)])  # nothing to write: the same answers, no file written
    assert (again.path, again.written, again.rows, again.added_columns) == (path, None, 1, ())
    assert again.summary == result.summary == {"partner": {"AM": 1}, "area": {"integration": 1},
                                               "ministry": {"Ministry of Labour": 1}, "disposition": {"open": 1}}
    folder = tmp_path / "register.json"
    folder.mkdir()
    with pytest.raises(RegisterRefused) as refused:
        update_register(folder, [_row(1)])
    assert str(refused.value).startswith(f"{folder}: ") and "folder" in str(refused.value) and refused.value.hint
    inside_a_file = path / "register.csv"  # a "folder" that is the CSV register itself
    with pytest.raises(EnvironmentProblem) as cannot:
        read_register(inside_a_file)
    assert str(cannot.value).startswith(f"cannot read the register {inside_a_file}") and cannot.value.hint


def test_numbers_a_spreadsheet_stored_are_read_as_the_register_writes_them(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Register"
    sheet.append(["ID", "Draft", "YAML line", "Remark or changed text", "Disposition", "Note"])
    sheet.append(["C-0001", 3, 41.0, 7])  # a number typed over the draft, a line stored as a real number
    sheet.append(["C-0002", 12.0, 5, "12.0"])
    workbook.save(path)
    first, second = read_register(path)
    assert (first.draft, first.yaml_line, first.remark) == ("003", "41", "7")
    assert (second.draft, second.yaml_line, second.remark) == ("012", "5", "12.0")
