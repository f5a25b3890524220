"""The writing side of consolidation: a reviewed document brought back to its circulated state (ooxml/merge.py),
comments (copied or new, threads, resolved states, people) written into a package (ooxml/comments.py), read
back by the comment reader and opened by python-docx, and the style ids copied content may name
(ooxml/styles.py). The body writer is tested through consolidation (tests/review/test_consolidate.py)."""

from __future__ import annotations

import io

import docx

from fixtures.comments.ministry import Delete, Insert, Remark, annotate
from strategy_builder.ooxml.annotations import read_annotations
from strategy_builder.ooxml.comments import MergedComment, comment_elements, write_comments
from strategy_builder.ooxml.merge import circulated_copy
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.styles import known_styles

TEXT = ["Armenia is primarily a country of emigration.", "Remittances are an important source of income."]


def _original() -> bytes:
    document = docx.Document()
    document.add_heading("1. Situation", level=1)
    for text in TEXT:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _reviewed() -> DocxPackage:
    return DocxPackage.from_bytes(annotate(_original(), [
        Remark("primarily a country", "Source?", "Anna Petrosyan", initials="AP"),
        Remark("primarily a country", "World Bank, 2010.", "Armen Grigoryan", reply_to="Source?", resolved=True),
        Insert("important source", " and growing", "Anna Petrosyan"),
        Delete("Remittances ", "Armen Grigoryan")]))


def test_the_circulated_copy_has_every_change_rejected_and_no_comment() -> None:
    reviewed = _reviewed()
    assert len(read_annotations(reviewed).comments) == 2
    copy = circulated_copy(reviewed)
    document = docx.Document(io.BytesIO(copy.to_bytes()))
    assert [p.text for p in document.paragraphs][1:] == TEXT
    annotations = read_annotations(DocxPackage.from_bytes(copy.to_bytes()))
    assert (annotations.comments, annotations.changes) == ([], [])
    assert comment_elements(copy) == {}
    assert len(read_annotations(reviewed).changes) == 2  # the reviewed package itself is left as it was


def test_written_comments_keep_their_threads_states_and_people() -> None:
    reviewed = _reviewed()
    originals = comment_elements(reviewed)
    first_id = next(iter(originals))
    write_comments(reviewed, [
        MergedComment(first_id, "Anna Petrosyan (Ministry of Labour)", "2024-03-04T10:15:00Z", "AP",
                      element=originals[first_id], account="anna@labour.am"),
        MergedComment("90", "strategy-builder", "2024-03-05T00:00:00Z", text="Clash: also changed by\nInterior",
                      parent_id=first_id, done=True)])
    reread = DocxPackage.from_bytes(reviewed.to_bytes())
    comments = {c.comment_id: c for c in read_annotations(reread).comments}
    assert set(comments) == {first_id, "90"}
    assert comments[first_id].text == "Source?" and comments[first_id].author.endswith("(Ministry of Labour)")
    assert comments[first_id].author_account == "anna@labour.am"
    assert (comments["90"].text, comments["90"].parent_id, comments["90"].resolved) == (
        "Clash: also changed by\nInterior", first_id, True)
    assert comments[first_id].place is not None  # its anchor in the body still points at it
    docx.Document(io.BytesIO(reviewed.to_bytes()))


def test_known_styles_are_the_ids_the_package_defines() -> None:
    styles = known_styles(DocxPackage.from_bytes(_original()))
    assert {"Normal", "Heading1"} <= styles and "Überschrift1" not in styles
