"""ooxml/pagination.py: short tables are kept on one page by "keep with next" on every row but the last, and the
fonts a document's styles name are listed."""

from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn

from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.pagination import keep_short_tables_together, style_fonts


def _kept(table: docx.table.Table) -> list[bool]:  # type: ignore[name-defined]
    return [all(p._p.pPr is not None and p._p.pPr.find(qn("w:keepNext")) is not None
                for cell in row.cells for p in cell.paragraphs) for row in table.rows]


def test_short_tables_keep_every_row_but_the_last_with_the_next_and_long_ones_are_left() -> None:
    document = docx.Document()
    short = document.add_table(rows=3, cols=2)
    short.cell(0, 0).paragraphs[0].style = "Heading 2"
    long = document.add_table(rows=9, cols=1)
    single = document.add_table(rows=1, cols=1)
    assert keep_short_tables_together(document.element.body, max_rows=8) == 1
    assert _kept(short) == [True, True, False]
    assert not any(_kept(long)) and not any(_kept(single))
    styled = short.cell(0, 0).paragraphs[0]._p.pPr
    assert [child.tag.split("}")[1] for child in styled][:2] == ["pStyle", "keepNext"]  # the schema's order
    assert keep_short_tables_together(document.element.body, max_rows=8) == 1
    assert len(styled.findall(qn("w:keepNext"))) == 1  # twice changes nothing


def test_the_fonts_of_the_styles_are_listed() -> None:
    document = docx.Document()
    document.styles["Normal"].font.name = "Liberation Serif"
    document.styles["Heading 1"].font.name = "Carlito"
    buffer = io.BytesIO()
    document.save(buffer)
    fonts = style_fonts(DocxPackage.from_bytes(buffer.getvalue()))
    assert {"Liberation Serif", "Carlito"} <= fonts
    assert style_fonts(DocxPackage({"word/document.xml": b"<x/>"})) == set()
