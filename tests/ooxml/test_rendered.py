"""A rendered document finished into a .docx, then read back by every reader of the OOXML layer:
the build's check (read_docx_contents), the review's body (read_body) and the returns' annotations."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import REPO
from strategy_builder.ooxml.annotations import read_annotations
from strategy_builder.ooxml.body import read_body
from strategy_builder.ooxml.markers import begin_marker, bookmark_name, end_marker
from strategy_builder.ooxml.namespaces import W
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.properties import CoreProperties, track_changes_enabled
from strategy_builder.ooxml.rendered import PartProblem, finish_docx, read_docx_contents
from strategy_builder.ooxml.stamps import DraftStamps

STAMPS = DraftStamps(partner="AM", draft="002", version="0.1.0", inputs_sha256="i" * 64, template_sha256="t" * 64)
CORE = CoreProperties(title="T", subject="S", author="Team", version="002", keywords="k", description="d",
                      date=dt.date(2010, 11, 15))


def _p(text: str, style: str = "") -> str:
    properties = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{properties}<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


BODY = (_p("Cover") + _p(begin_marker("AM/situation")) + _p("1 Migration situation", "Heading1")
        + _p("The situation.") + _p(end_marker("AM/situation")) + _p(begin_marker("AM/integration"))
        + _p("2 Integration", "Heading1") + "<w:tbl><w:tr><w:tc>" + _p("cell") + "</w:tc></w:tr></w:tbl>"
        + _p("After the table.") + _p(end_marker("AM/integration")))


def _main(body: str = BODY) -> str:
    return f'<w:document xmlns:w="{W}"><w:body>{body}<w:sectPr/></w:body></w:document>'


@pytest.fixture(scope="module")
def template() -> DocxPackage:
    return DocxPackage.open(REPO / "templates" / "strategy.docx")


@pytest.fixture(scope="module")
def finished(template: DocxPackage) -> bytes:
    main = template.main_part_name()
    return finish_docx(template.parts, {main: _main()}, main, stamps=STAMPS, core=CORE).data


def test_finishing_turns_markers_into_bookmarks_and_stamps_the_document(template: DocxPackage,
                                                                        finished: bytes) -> None:
    main = template.main_part_name()
    in_memory = finish_docx(template.parts, {main: _main()}, main, stamps=STAMPS, core=CORE, compresslevel=1)
    read_back = read_docx_contents(finished, "AM.docx")
    names = {bookmark_name("AM/situation"): "AM/situation", bookmark_name("AM/integration"): "AM/integration"}
    for contents in (in_memory, read_back):
        assert contents.section_names == names and set(names) <= contents.bookmarks
        assert "The situation." in contents.text and "\ue000" not in contents.text
    assert track_changes_enabled(DocxPackage.from_bytes(finished))
    assert finish_docx(template.parts, {main: _main()}, main, stamps=STAMPS, core=CORE).data == finished


def test_the_review_body_and_the_annotations_find_the_same_sections(finished: bytes) -> None:
    body = read_body(DocxPackage.from_bytes(finished, source="AM.docx"))
    assert body.stamps.stamps == STAMPS
    spans = {s.section_id: (s.first_paragraph, s.last_paragraph) for s in body.tracked_sections}
    texts = [p.text for p in body.paragraphs]
    assert texts[spans["AM/situation"][0]] == "1 Migration situation"
    assert texts[spans["AM/integration"][1]] == "After the table."
    assert "cell" in texts[spans["AM/integration"][0]:spans["AM/integration"][1] + 1]
    annotations = read_annotations(DocxPackage.from_bytes(finished))
    assert [s.section_id for s in annotations.sections] == ["AM/situation", "AM/integration"]
    assert annotations.heading(len(annotations.headings) - 1) == "2 Integration"
    assert annotations.comments == [] and annotations.changes == []


@pytest.mark.parametrize(("rendered", "part"), [
    ("broken", "main"),
    ("unpaired", "main"),
    ("marker in a header", "header"),
])
def test_problems_name_the_part(template: DocxPackage, rendered: str, part: str) -> None:
    main = template.main_part_name()
    header = template.part_of_type("/header")[0]
    parts = {"broken": {main: _main()[:-20]},
             "unpaired": {main: _main(_p(begin_marker("AM/x")) + _p("text"))},
             "marker in a header": {main: _main(), header: f'<w:hdr xmlns:w="{W}">{_p(begin_marker("AM/y"))}</w:hdr>'},
             }[rendered]
    with pytest.raises(PartProblem) as problem:
        finish_docx(template.parts, parts, main, stamps=STAMPS, core=CORE)
    assert problem.value.part == (main if part == "main" else header)


def test_a_rendered_document_past_the_size_limits_is_too_large_not_broken(template: DocxPackage) -> None:
    """A document the tool would refuse to read back (more tags than the limits allow) is not written, and the
    problem says it is too large, not that the template wrote broken XML."""
    from strategy_builder.ooxml.parser import MAX_XML_ELEMENTS

    main = template.main_part_name()
    paragraphs = MAX_XML_ELEMENTS // 6 + 1  # each paragraph is six tags
    with pytest.raises(PartProblem) as problem:
        finish_docx(template.parts, {main: _main(_p("x") * paragraphs)}, main, stamps=STAMPS, core=CORE)
    assert problem.value.part == main
    assert "too large" in str(problem.value) and "broken" not in str(problem.value)


def test_reading_back_refuses_what_is_not_a_package() -> None:
    with pytest.raises(PartProblem) as problem:
        read_docx_contents(b"not a zip", "AM.docx")
    assert problem.value.part == "package"
