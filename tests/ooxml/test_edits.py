"""ooxml/edits.py, the reading side of consolidation: a return read as the circulated paragraphs, each with the
reviewer's edits as tokens at character offsets of the original text; changes it cannot carry are counted."""

from __future__ import annotations

import io

import docx

from fixtures.comments.ministry import Delete, Insert, NewParagraph, Remark, annotate
from strategy_builder.ooxml.edits import Revision, paragraph_places, read_reviewed_body
from strategy_builder.ooxml.package import DocxPackage

FIRST = "Armenia is primarily a country of emigration."
SECOND = "Remittances are an important source of income."


def _returned() -> DocxPackage:
    document = docx.Document()
    document.add_heading("1. Situation", level=1)
    document.add_paragraph(FIRST)
    document.add_paragraph(SECOND)
    document.sections[0].header.paragraphs[0].text = "Draft 002"
    buffer = io.BytesIO()
    document.save(buffer)
    return DocxPackage.from_bytes(annotate(buffer.getvalue(), [
        Remark("primarily a country", "Source?", "Anna"),
        Insert("important source", " and growing", "Anna", "2024-03-04T11:00:00Z"),
        Delete("Remittances ", "Armen", "2024-03-04T11:05:00Z"),
        NewParagraph("of emigration", "A new paragraph.", "Lusine", "2024-03-04T11:10:00Z"),
        Insert("Draft 002", " (revised)", "Anna", "2024-03-04T12:00:00Z", part="word/header1.xml")]))


def test_each_original_paragraph_carries_the_reviewers_edits_at_their_offsets() -> None:
    body = read_reviewed_body(_returned())
    assert [p.text for p in body.paragraphs] == ["1. Situation", FIRST, SECOND]
    commented = [(t.kind, t.start, t.end, t.text, t.comment) for t in body.paragraphs[1].tokens]
    assert commented == [("equal", 0, 11, "Armenia is ", ""), ("start", 11, 11, "", "0"),
                         ("equal", 11, 30, "primarily a country", ""), ("end", 30, 30, "", "0"),
                         ("reference", 30, 30, "", "0"), ("equal", 30, 45, " of emigration.", "")]
    edited = [(t.kind, t.start, t.end, t.text, t.revision) for t in body.paragraphs[2].tokens]
    lusine, armen, anna = (Revision("Lusine", "2024-03-04T11:10:00Z"), Revision("Armen", "2024-03-04T11:05:00Z"),
                           Revision("Anna", "2024-03-04T11:00:00Z"))
    assert edited == [("insert", 0, 0, "A new paragraph.", lusine), ("break", 0, 0, "", lusine),
                      ("delete", 0, 12, "Remittances ", armen), ("equal", 12, 35, "are an important source", None),
                      ("insert", 35, 35, " and growing", anna), ("equal", 35, 46, " of income.", None)]
    for paragraph in body.paragraphs:  # range tokens cover the original text exactly, in order
        ranges = [t for t in paragraph.tokens if not t.is_point]
        assert "".join(paragraph.text[t.start:t.end] for t in ranges) == paragraph.text
        assert all(a.end == b.start for a, b in zip(ranges, ranges[1:], strict=False))


def test_a_change_outside_the_main_document_is_counted_not_dropped() -> None:
    body = read_reviewed_body(_returned())
    assert [(what, where, who.author) for what, where, who in body.unmerged] == [
        ("change in a header", "word/header1.xml", "Anna")]


def test_paragraphs_are_placed_under_their_nearest_heading() -> None:
    package = _returned()
    places = paragraph_places(package, read_reviewed_body(package))
    assert [(p.section_id, p.heading) for p in places] == [(None, "1. Situation")] * 3
