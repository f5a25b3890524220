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


def _bookmark(paragraph, name: str, number: int) -> None:  # noqa: ANN001 - a python-docx paragraph
    start = paragraph._p.makeelement(qn("w:bookmarkStart"), {qn("w:id"): str(number), qn("w:name"): name})
    end = paragraph._p.makeelement(qn("w:bookmarkEnd"), {qn("w:id"): str(number)})
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
    paragraph._p.append(end)


def test_a_headings_chain_leads_to_the_first_text_that_does_not_keep_with_the_next_and_a_break_goes_before_it(
) -> None:
    from strategy_builder.ooxml.pagination import break_before_headings, heading_chains

    document = docx.Document()
    heading = document.add_paragraph("2.3 Prevention of trafficking", style="Heading 2")  # keeps with next
    _bookmark(heading, "sb_1", 1)
    status = document.add_paragraph("Status: Agreed")
    status.paragraph_format.keep_with_next = True
    body = document.add_paragraph("2.3.1 Armenia has adopted national action plans")
    _bookmark(body, "sv_20", 2)
    plain = document.add_paragraph("A paragraph that does not keep with the next")
    _bookmark(plain, "sb_2", 3)
    document.add_paragraph("After it")
    buffer = io.BytesIO()
    document.save(buffer)
    package = DocxPackage.from_bytes(buffer.getvalue())
    assert heading_chains(package) == [("sb_1", "sv_20")]  # sb_2 keeps with nothing: no chain
    assert break_before_headings(document.element.body, frozenset({"sb_1"})) == 1
    assert break_before_headings(document.element.body, frozenset({"sb_1"})) == 0  # set once
    children = [child.tag.split("}")[1] for child in heading._p.pPr]
    assert children[:2] == ["pStyle", "pageBreakBefore"]  # the schema's order
    assert status._p.pPr.find(qn("w:pageBreakBefore")) is None
