"""Accept All / Reject All emulated on WordprocessingML (used to read documents and to check redlines)."""

from __future__ import annotations

import copy

import pytest

from strategy_builder.ooxml.accept import accept_all, has_revisions, reject_all
from strategy_builder.ooxml.namespaces import W
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.parser import parse_xml
from strategy_builder.ooxml.blocks import paragraph_texts

RP = "OpenXmlPowerTools/TestFiles/RP/"


def body(xml: str):
    return parse_xml(f'<w:document xmlns:w="{W}"><w:body>{xml}</w:body></w:document>')


def views(xml: str) -> tuple[list[str], list[str]]:
    root = body(xml)
    return paragraph_texts(accept_all(copy.deepcopy(root))), paragraph_texts(reject_all(copy.deepcopy(root)))


DEL_ATTRS = 'w:id="1" w:author="A" w:date="2010-01-01T00:00:00Z"'


def test_run_level_insertions_and_deletions() -> None:
    accepted, rejected = views(
        f'<w:p><w:r><w:t xml:space="preserve">one </w:t></w:r><w:del {DEL_ATTRS}><w:r><w:delText>two </w:delText>'
        f'</w:r></w:del><w:ins {DEL_ATTRS}><w:r><w:t>three</w:t></w:r></w:ins></w:p>')
    assert accepted == ["one three"]
    assert rejected == ["one two "]


def test_deleted_paragraph_mark_merges_with_the_next_paragraph() -> None:
    xml = (f'<w:p><w:pPr><w:rPr><w:del {DEL_ATTRS}/></w:rPr></w:pPr><w:r><w:t>first</w:t></w:r></w:p>'
           '<w:p><w:r><w:t>second</w:t></w:r></w:p>')
    accepted, rejected = views(xml)
    assert accepted == ["firstsecond"]
    assert rejected == ["first", "second"]


def test_inserted_paragraph_disappears_on_reject() -> None:
    xml = (f'<w:p><w:pPr><w:rPr><w:ins {DEL_ATTRS}/></w:rPr></w:pPr><w:ins {DEL_ATTRS}><w:r><w:t>new</w:t></w:r>'
           '</w:ins></w:p><w:p><w:r><w:t>kept</w:t></w:r></w:p>')
    assert views(xml) == (["new", "kept"], ["kept"])


def test_rows_marked_inserted_or_deleted() -> None:
    row = '<w:tr>{pr}<w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc></w:tr>'
    xml = ("<w:tbl>" + row.format(pr="", text="kept")
           + row.format(pr=f"<w:trPr><w:ins {DEL_ATTRS}/></w:trPr>", text="added")
           + row.format(pr=f"<w:trPr><w:del {DEL_ATTRS}/></w:trPr>", text="removed") + "</w:tbl><w:p/>")
    accepted, rejected = views(xml)
    assert accepted == ["kept", "added", ""]
    assert rejected == ["kept", "removed", ""]


def test_reject_restores_formatting_changes() -> None:
    root = body(f'<w:p><w:r><w:rPr><w:b/><w:rPrChange {DEL_ATTRS}><w:rPr><w:i/></w:rPr></w:rPrChange></w:rPr>'
                '<w:t>x</w:t></w:r></w:p>')
    rejected = reject_all(copy.deepcopy(root))
    assert rejected.find(f".//{{{W}}}i") is not None and rejected.find(f".//{{{W}}}b") is None
    accepted = accept_all(copy.deepcopy(root))
    assert accepted.find(f".//{{{W}}}b") is not None and accepted.find(f".//{{{W}}}rPrChange") is None


@pytest.mark.corpus
def test_matches_the_expected_files_of_a_tracked_deletion(corpus) -> None:
    tracked = DocxPackage.open(corpus / RP / "RP002-Deleted-Text.docx").xml("word/document.xml")
    accepted = DocxPackage.open(corpus / RP / "RP002-Deleted-Text-Accepted.docx").xml("word/document.xml")
    rejected = DocxPackage.open(corpus / RP / "RP002-Deleted-Text-Rejected.docx").xml("word/document.xml")
    assert paragraph_texts(accept_all(copy.deepcopy(tracked))) == paragraph_texts(accepted)
    assert paragraph_texts(reject_all(copy.deepcopy(tracked))) == paragraph_texts(rejected)


@pytest.mark.corpus
def test_moves_match_the_expected_files_apart_from_the_emptied_paragraph(corpus) -> None:
    # The expected files were written by OpenXmlPowerTools (not Word): they keep an empty paragraph where
    # the moved one was; Word (and we) remove a paragraph whose mark moved away.
    tracked = DocxPackage.open(corpus / RP / "RP015-MoveFrom-MoveTo.docx").xml("word/document.xml")
    for view, name in ((accept_all, "Accepted"), (reject_all, "Rejected")):
        expected = DocxPackage.open(corpus / RP / f"RP015-MoveFrom-MoveTo-{name}.docx").xml("word/document.xml")
        assert paragraph_texts(view(copy.deepcopy(tracked))) == [t for t in paragraph_texts(expected) if t]


@pytest.mark.corpus
def test_heavy_real_world_revisions_leave_nothing_tracked(corpus) -> None:
    tracked = DocxPackage.open(corpus / RP / "RP001-Tracked-Revisions-01.docx").xml("word/document.xml")
    assert has_revisions(tracked)
    for view in (accept_all, reject_all):
        result = view(copy.deepcopy(tracked))
        assert not has_revisions(result)
        assert any(paragraph_texts(result))


def _document_with_marked_cells(path) -> None:
    """A table row of three cells, the second marked inserted and the third deleted, as Word marks cells a
    reviewer inserted or deleted; written with python-docx."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_paragraph("before")
    table = document.add_table(rows=1, cols=3)
    for index, (text, mark) in enumerate((("kept", None), ("inserted cell", "w:cellIns"),
                                          ("deleted cell", "w:cellDel"))):
        cell = table.cell(0, index)
        cell.text = text
        if mark:
            element = OxmlElement(mark)
            for name, value in (("w:id", str(10 + index)), ("w:author", "Reviewer"),
                                ("w:date", "2024-01-01T00:00:00Z")):
                element.set(qn(name), value)
            cell._tc.get_or_add_tcPr().append(element)
    document.add_paragraph("after")
    document.save(str(path))


def test_cell_level_insertions_and_deletions_follow_the_standard(tmp_path) -> None:
    """ECMA-376 Part 1, 17.13.5.4 and 17.13.5.5: a cell marked ``w:cellIns`` was inserted (Accept All keeps it,
    Reject All removes it), a cell marked ``w:cellDel`` was deleted (the reverse). LibreOffice 7.4 ignores
    both marks (the judge of tests/e2e/ sees no change), so the standard is the judge here."""
    path = tmp_path / "cells.docx"
    _document_with_marked_cells(path)
    root = DocxPackage.open(path).xml("word/document.xml")
    assert has_revisions(root)
    accepted = accept_all(copy.deepcopy(root))
    rejected = reject_all(copy.deepcopy(root))
    assert paragraph_texts(accepted) == ["before", "kept", "inserted cell", "after"]
    assert paragraph_texts(rejected) == ["before", "kept", "deleted cell", "after"]
    for result in (accepted, rejected):
        assert not has_revisions(result)
        assert result.find(f".//{{{W}}}cellIns") is None and result.find(f".//{{{W}}}cellDel") is None
