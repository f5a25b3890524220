"""Reading blocks: what read_blocks finds for a whole container at once is what asking each paragraph gives."""

from __future__ import annotations

import gc

import pytest
from lxml import etree

from strategy_builder.ooxml.blocks import Paragraph, Table, iter_paragraphs, read_blocks
from strategy_builder.ooxml.headings import HeadingStyles
from strategy_builder.ooxml.parser import parse_xml
from strategy_builder.ooxml.text import paragraph_atoms, paragraph_text, style_id, text_and_masked_text
from fixtures.corpus_parts import word_parts

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FIELDS = (f"{{{W}}}fldChar", f"{{{W}}}fldSimple")


def _asked_one_by_one(paragraph: Paragraph, headings: HeadingStyles) -> tuple[str, str, int | None, str | None]:
    """A paragraph's text, style, heading level and masked text as the per-paragraph functions read them."""
    element = paragraph.element
    assert element is not None
    masked = None
    if next(element.iter(*FIELDS), None) is not None:
        text, masked_text = text_and_masked_text(element)
        masked = masked_text if masked_text != text else None
    else:
        text = paragraph_text(element)
    properties = element.find(f"{{{W}}}pPr")
    heading = headings.level(element, style_id(element), properties) if properties is not None else None
    return text, style_id(element), heading, masked


def _read(paragraph: Paragraph) -> tuple[str, str, int | None, str | None]:
    return paragraph.text, paragraph.style, paragraph.heading, paragraph.masked


def test_read_blocks_reads_each_paragraph_as_the_paragraph_functions_do() -> None:
    """Plain runs, tabs (and a tab stop), breaks, a hyperlink, fields, a symbol, styles and outline levels, in
    the body and in nested table cells: the lookups made once per container give each paragraph's own answer."""
    body = parse_xml(
        f'<w:body xmlns:w="{W}">'
        '<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>2.1 Borders</w:t></w:r></w:p>'
        '<w:p><w:pPr><w:pStyle w:val="Normal"/><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>out</w:t></w:r>'
        '<w:r><w:t xml:space="preserve"> line</w:t></w:r></w:p>'
        '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>a</w:t></w:r></w:p>'
        '<w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t></w:r></w:p>'
        '<w:p><w:hyperlink><w:r><w:t>linked</w:t></w:r></w:hyperlink><w:r><w:t> text</w:t></w:r></w:p>'
        '<w:p><w:r><w:t>page </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE'
        '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        '<w:p><w:fldSimple w:instr="DATE"><w:r><w:t>1 May</w:t></w:r></w:fldSimple></w:p>'
        '<w:p><w:r><w:sym w:font="Symbol" w:char="F0B7"/><w:t>x</w:t></w:r></w:p>'
        '<w:p/>'
        '<w:tbl><w:tr><w:tc><w:p><w:pPr><w:pStyle w:val="Heading3"/></w:pPr><w:r><w:t>in a cell</w:t></w:r></w:p>'
        '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>nested</w:t><w:tab/></w:r></w:p></w:tc></w:tr></w:tbl></w:tc>'
        '<w:tc><w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>NUMPAGES</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>9</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:tc></w:tr></w:tbl>'
        '<w:sdt><w:sdtContent><w:p><w:r><w:t>in a control</w:t></w:r></w:p></w:sdtContent></w:sdt>'
        '</w:body>')
    headings = HeadingStyles({"Heading2": 2, "Heading3": 3})
    blocks = read_blocks(body, headings)
    paragraphs = list(iter_paragraphs(blocks))
    assert len(paragraphs) == 13
    assert [_read(p) for p in paragraphs] == [_asked_one_by_one(p, headings) for p in paragraphs]
    assert [p.text for p in paragraphs][:2] == ["2.1 Borders", "out line"]
    assert [p.heading for p in paragraphs][:2] == [2, 1]
    assert [p.masked for p in paragraphs][5:7] == ["page #", "#"]
    table = next(b for b in blocks if isinstance(b, Table))
    assert [p.text for p in iter_paragraphs([table])] == ["in a cell", "nested\t", "9"]
    assert [p.text for p in iter_paragraphs([table])] == ["in a cell", "nested\t", "9"]  # kept, the same


@pytest.mark.corpus
def test_read_blocks_reads_every_paragraph_of_the_corpus_as_the_paragraph_functions_do(corpus) -> None:
    """Every story of every .docx of the corpus (text boxes, hyperlinks, fields, tracked changes, nested
    tables): each paragraph read_blocks gives has the text, style, heading level and masked text that
    asking the paragraph itself gives."""
    paragraphs = 0
    for file_name, name, root in word_parts(corpus):
        container = root.find(f"{{{W}}}body")
        for read in iter_paragraphs(read_blocks(container if container is not None else root)):
            paragraphs += 1
            assert _read(read) == _asked_one_by_one(read, HeadingStyles()), (file_name, name)
    assert paragraphs > 1500


def test_reading_a_paragraphs_atoms_leaves_no_garbage_for_the_collector() -> None:
    """The atoms of a paragraph (and the elements they hold) are freed as soon as they are dropped: a reference
    cycle would keep them until the garbage collector ran, and a diff reads thousands of paragraphs."""
    paragraph = parse_xml(f'<w:p xmlns:w="{W}"><w:fldSimple w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'
                          '<w:hyperlink><w:r><w:t>a</w:t><w:tab/></w:r></w:hyperlink></w:p>')
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        atoms = paragraph_atoms(paragraph)
        assert "".join(atom.text for atom in atoms) == "1a\t"
        del atoms
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()


def test_a_table_read_from_a_document_keeps_its_paragraphs_in_reading_order() -> None:
    body = parse_xml(f'<w:body xmlns:w="{W}"><w:tbl>'
                     '<w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p>'
                     '</w:tc></w:tr><w:tr><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>3</w:t></w:r></w:p></w:tc></w:tr>'
                     '</w:tbl><w:p><w:r><w:t>4</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
                     '<w:p><w:r><w:t>5</w:t></w:r></w:p></w:body>')
    blocks = read_blocks(body)
    assert [p.text for p in iter_paragraphs(blocks)] == ["1", "2", "3", "4", "5"]
    table = blocks[0]
    assert isinstance(table, Table) and table.paragraphs is not None
    assert [p.text for p in table.paragraphs] == ["1", "2", "3", "4"]
    assert all(isinstance(p.element, etree._Element) for p in table.paragraphs)


@pytest.mark.parametrize(("code", "shown"), [("F0B7", "\uf0b7"), ("41", "A"), ("", "\ufffd"), ("zz", "\ufffd"),
                                             ("-1", "\ufffd"), ("110000", "\ufffd"), ("F" * 20, "\ufffd")])
def test_a_symbol_shows_its_character_or_the_replacement_character(code: str, shown: str) -> None:
    """A ``w:sym`` of a document written by others: its code is read as hexadecimal; a code that is no
    character (``F`` twenty times was an OverflowError, an internal error) shows as U+FFFD."""
    paragraph = etree.fromstring(f'<w:p xmlns:w="{W}"><w:r><w:t>a</w:t><w:sym w:font="Symbol" w:char="{code}"/>'
                                 f"</w:r></w:p>")
    assert paragraph_text(paragraph) == "a" + shown
    assert [p.text for p in iter_paragraphs(read_blocks(etree.fromstring(
        f'<w:body xmlns:w="{W}">{etree.tostring(paragraph).decode()}</w:body>')))] == ["a" + shown]


def _atoms_texts(paragraph: etree._Element) -> tuple[str, str]:
    atoms = paragraph_atoms(paragraph)
    return "".join(a.text for a in atoms), "".join("#" if a.computed else a.text for a in atoms)


def test_a_paragraph_with_fields_reads_the_text_and_masked_text_its_atoms_spell() -> None:
    """text_and_masked_text walks as paragraph_atoms does without making the atoms: computed results (nested
    in a field, in a simple field) masked piece by piece, codes skipped, a symbol, a tab and a break kept."""
    begin, separate, end = ('<w:fldChar w:fldCharType="begin"/>', '<w:fldChar w:fldCharType="separate"/>',
                            '<w:fldChar w:fldCharType="end"/>')
    paragraph = parse_xml(
        f'<w:p xmlns:w="{W}"><w:r><w:t>Page </w:t>{begin}<w:instrText> PAGE </w:instrText>{separate}<w:t>1</w:t>'
        f'<w:t>2</w:t>{end}<w:tab/></w:r><w:fldSimple w:instr="DATE"><w:r><w:t>today</w:t></w:r></w:fldSimple>'
        f'<w:r>{begin}<w:instrText>REF x</w:instrText>{separate}<w:t>kept</w:t><w:sym w:char="F0E0"/>{end}<w:br/>'
        f'<w:t></w:t></w:r></w:p>')
    text, masked = text_and_masked_text(paragraph)
    assert (text, masked) == _atoms_texts(paragraph) == ("Page 12\ttodaykept\uf0e0\n", "Page ##\t#kept\uf0e0\n")


@pytest.mark.corpus
def test_every_paragraph_of_the_corpus_reads_the_text_and_masked_text_its_atoms_spell(corpus) -> None:
    paragraphs = 0
    for file_name, name, root in word_parts(corpus):
        for paragraph in root.iter(f"{{{W}}}p"):
            paragraphs += 1
            assert text_and_masked_text(paragraph) == _atoms_texts(paragraph), (file_name, name)
    assert paragraphs > 2000
