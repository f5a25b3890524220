"""ooxml/pagination.py: short tables are kept on one page by "keep with next" on every row but the last, and the
fonts a document's styles name are listed."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from fixtures.corpus_parts import word_parts
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.pagination import keep_lead_ins_with_next, keep_short_tables_together, style_fonts
from strategy_builder.ooxml.parser import parse_xml
from strategy_builder.ooxml.text import paragraph_text


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


def _lead_ins_one_by_one(container: etree._Element) -> list[etree._Element]:
    """The paragraphs keep_lead_ins_with_next changes, found by reading every paragraph's whole text."""
    texts = (qn("w:t"), qn("w:delText"))
    blocks = [child for child in container if child.tag in (qn("w:p"), qn("w:tbl"))]
    return [block for block in blocks[:-1] if block.tag == qn("w:p") and "".join(
        element.text or "" for element in block.iter() if element.tag in texts).rstrip().endswith(":")]


def test_lead_ins_are_the_paragraphs_whose_whole_text_ends_in_a_colon() -> None:
    """Found from the pieces that hold a colon, they are the paragraphs whose text (deleted text included) ends
    in one, whatever piece the colon is in: not a colon inside the text, in a table's cell or the last block."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

    def p(*pieces: str) -> str:
        return "<w:p>" + "".join(f'<w:r><w:t xml:space="preserve">{x}</w:t></w:r>' for x in pieces) + "</w:p>"

    body = parse_xml(f'<w:body xmlns:w="{w}">' + "".join([
        p("Lead-in", ":"), p("a: b"), p("Ends: ", " "), p("x"), p("Two: ", "lines:", "  "),
        '<w:p><w:del w:id="1" w:author="a"><w:r><w:delText>Was:</w:delText></w:r></w:del></w:p>',
        "<w:tbl><w:tr><w:tc>" + p("In a cell:") + "</w:tc></w:tr></w:tbl>",
        '<w:sdt><w:sdtContent>' + p("Wrapped:") + "</w:sdtContent></w:sdt>", p("Colon: ", "then text"),
        p("Last:")]) + "</w:body>")
    expected = _lead_ins_one_by_one(body)
    assert [paragraph_text(e) or "".join(e.itertext()) for e in expected] == ["Lead-in:", "Ends:  ", "Two: lines:  ",
                                                                               "Was:"]
    assert keep_lead_ins_with_next(body) == 4
    assert [e for e in body if e.tag == qn("w:p") and e.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None] == \
        expected
    assert keep_lead_ins_with_next(body) == 0  # twice changes nothing


@pytest.mark.corpus
def test_the_lead_ins_of_every_story_of_the_corpus_are_those_of_their_whole_texts(corpus) -> None:
    stories = 0
    for file_name, name, root in word_parts(corpus):
        container = root.find(qn("w:body"))
        container = container if container is not None else root
        expected = _lead_ins_one_by_one(container)
        lacking = [e for e in expected if e.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is None]
        assert keep_lead_ins_with_next(container) == len(lacking), (file_name, name)  # none other changed
        assert all(e.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None for e in expected), (file_name, name)
        stories += 1
    assert stories > 50
