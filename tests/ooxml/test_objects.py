"""What a paragraph holds besides its text, and the stories around the body: read as a reader sees them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from fixtures.diff.docs import make_docx
from fixtures.diff.stories import python_docx_document, python_docx_pairs, PYTHON_DOCX_BASE
from strategy_builder.ooxml.body import read_body
from strategy_builder.ooxml.math import linear_text
from strategy_builder.ooxml.namespaces import W
from strategy_builder.ooxml.objects import Equation, Opaque, Picture
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.parser import parse_xml
from strategy_builder.ooxml.text import masked_text, paragraph_text, text_and_masked_text

M = "http://schemas.openxmlformats.org/officeDocument/2006/math"


def _paragraph(xml: str):
    return parse_xml(f'<w:p xmlns:w="{W}">{xml}</w:p>')


def _field(code: str, result: str) -> str:
    return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> {code} </w:instrText></w:r>'
            f'<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>{result}</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def test_results_of_fields_computed_on_display_are_masked_and_others_kept() -> None:
    page = _paragraph("<w:r><w:t>Page </w:t></w:r>" + _field("PAGE", "16") + "<w:r><w:t> of </w:t></w:r>"
                      + _field("NUMPAGES", "20"))
    assert paragraph_text(page) == "Page 16 of 20"
    assert masked_text(page) == "Page # of #"
    reference = _paragraph(_field("REF _Ref1 \\h", "Annex A"))
    assert masked_text(reference) == paragraph_text(reference) == "Annex A", "a cross-reference is text"
    simple = _paragraph('<w:fldSimple w:instr=" PAGE "><w:r><w:t>3</w:t></w:r></w:fldSimple>')
    assert masked_text(simple) == "#"
    for paragraph in (page, reference, simple):  # what the reader takes from one reading of the atoms
        assert text_and_masked_text(paragraph) == (paragraph_text(paragraph), masked_text(paragraph))


def test_symbols_and_positional_tabs_are_text() -> None:
    paragraph = _paragraph('<w:r><w:t>a</w:t><w:sym w:font="Wingdings" w:char="F0FC"/><w:ptab w:relativeTo="margin" '
                           'w:alignment="right" w:leader="none"/><w:t>b</w:t></w:r>')
    assert paragraph_text(paragraph) == "a\uf0fc\tb"


@pytest.mark.parametrize(("omml", "linear"), [
    ("<m:f><m:num><m:r><m:t>a+b</m:t></m:r></m:num><m:den><m:r><m:t>2</m:t></m:r></m:den></m:f>", "(a+b)/2"),
    ("<m:sSup><m:e><m:r><m:t>x</m:t></m:r></m:e><m:sup><m:r><m:t>2</m:t></m:r></m:sup></m:sSup>", "x^2"),
    ("<m:rad><m:radPr><m:degHide m:val=\"1\"/></m:radPr><m:deg/><m:e><m:r><m:t>y</m:t></m:r></m:e></m:rad>", "√y"),
    ("<m:nary><m:naryPr><m:chr m:val=\"∑\"/></m:naryPr><m:sub><m:r><m:t>i=1</m:t></m:r></m:sub><m:sup><m:r>"
     "<m:t>n</m:t></m:r></m:sup><m:e><m:r><m:t>i</m:t></m:r></m:e></m:nary>", "∑_(i=1)^n i"),
    ("<m:d><m:e><m:r><m:t>x</m:t></m:r></m:e><m:e><m:r><m:t>y</m:t></m:r></m:e></m:d>", "(x|y)"),
])
def test_equations_read_as_linear_text(omml: str, linear: str) -> None:
    assert linear_text(parse_xml(f'<m:oMath xmlns:m="{M}">{omml}</m:oMath>')) == linear


def test_pictures_equations_and_charts_of_a_python_docx_document(tmp_path: Path) -> None:
    body = read_body(DocxPackage.from_bytes(python_docx_document(**PYTHON_DOCX_BASE)))  # type: ignore[arg-type]
    objects = [o for p in body.paragraphs for o in p.objects]
    (picture,) = [o for o in objects if isinstance(o, Picture)]
    (equation,) = [o for o in objects if isinstance(o, Equation)]
    (chart,) = [o for o in objects if isinstance(o, Opaque)]
    assert picture.size is not None and round(picture.size[0] / 360000, 1) == 4.0 and picture.part
    assert equation.text == "x^2+1"
    assert chart.kind == "chart" and not chart.compared
    changed = python_docx_pairs(tmp_path)
    for name, kind in (("picture replaced", Picture), ("equation changed", Equation), ("chart changed", Opaque)):
        other = read_body(DocxPackage.open(changed[name].new))
        (found,) = [o for p in other.paragraphs for o in p.objects if isinstance(o, kind)]
        same = next(o for o in objects if isinstance(o, kind))
        assert found.fingerprint != same.fingerprint, name


def test_headers_and_footers_are_read_per_section_with_their_labels() -> None:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Strategy – Armenia"
    document.sections[0].footer.paragraphs[0].text = "Draft 002"
    document.add_paragraph("Body")
    second = document.add_section()
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = "Annexes"
    buffer = io.BytesIO()
    document.save(buffer)
    body = read_body(DocxPackage.from_bytes(buffer.getvalue()))
    labels = {h.label: [p.text for p in h.blocks] for h in body.headers_footers}
    assert labels["header (default), section 1"] == ["Strategy – Armenia"]
    assert labels["header (default), section 2"] == ["Annexes"]
    assert labels["footer (default), sections 1–2"] == ["Draft 002"], "the second section shows the first's footer"


def test_strict_documents_are_read(corpus: Path) -> None:
    path = next(corpus.rglob("strict.docx"))
    body = read_body(DocxPackage.open(path))
    assert any(p.text.strip() for p in body.paragraphs), "Strict OOXML is read, not seen as empty"


def test_comments_are_counted(corpus: Path) -> None:
    body = read_body(DocxPackage.open(corpus / "docx2python/tests/resources/comments.docx"))
    assert body.comments == 8
    plain = make_docx(["no comments"])
    assert read_body(DocxPackage.from_bytes(plain)).comments == 0
    assert zipfile.is_zipfile(io.BytesIO(plain))
