"""office/pdf.py: the page of each bookmark's named destination in a PDF, LibreOffice's names for them, and
reproducible PDFs (dates and identifiers from the inputs, same length so offsets stay valid). The PDFs are
written by pypdf here; tests/e2e/test_layout.py reads LibreOffice's own."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from pypdf import PdfWriter

from strategy_builder.office.pdf import bookmark_pages, destination_name, make_reproducible, page_count


def test_destination_names_spell_other_characters_in_hexadecimal() -> None:
    assert destination_name("sb_1f") == "sb5F1f"
    assert destination_name("AM/situation") == "AM2Fsituation"
    assert destination_name("sec2") == "sec2"


def test_the_page_of_each_bookmark_that_has_a_destination(tmp_path: Path) -> None:
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=595, height=842)
    writer.add_named_destination(destination_name("sb_1"), 0)
    writer.add_named_destination(destination_name("sb_2"), 2)
    writer.add_named_destination("unrelated", 1)
    path = tmp_path / "draft.pdf"
    with path.open("wb") as stream:
        writer.write(stream)
    assert page_count(path) == 3
    assert bookmark_pages(path, ["sb_1", "sb_2", "sb_3"]) == {"sb_1": 1, "sb_2": 3}


def test_a_reproducible_pdf_keeps_its_length_and_takes_its_date_and_id_from_the_inputs() -> None:
    data = (b"%PDF-1.7\n1 0 obj <</CreationDate(D:20261202170455+01'00')/ModDate(D:20261202170455)>> endobj\n"
            b"trailer <</ID [ <0123456789ABCDEF0123456789ABCDEF>\n<FEDCBA9876543210FEDCBA9876543210> ]"
            b"/DocChecksum /00112233445566778899AABBCCDDEEFF>>\n%%EOF\n")
    fixed = make_reproducible(data, dt.date(2010, 11, 20), "sha256-of-the-docx")
    assert len(fixed) == len(data)
    assert fixed.count(b"(D:20101120000000") == 2 and b"2026" not in fixed
    identifier = hashlib.md5(b"sha256-of-the-docx", usedforsecurity=False).hexdigest().upper().encode()
    assert fixed.count(identifier) == 2 and b"/DocChecksum /00112233" not in fixed
    assert fixed == make_reproducible(data.replace(b"0123456789ABCDEF", b"AAAAAAAAAAAAAAAA"), dt.date(2010, 11, 20),
                                      "sha256-of-the-docx")
    assert fixed != make_reproducible(data, dt.date(2010, 11, 20), "another docx")

