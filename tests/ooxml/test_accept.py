"""Accept All / Reject All emulated on WordprocessingML (used to read documents and to check redlines)."""

from __future__ import annotations

import copy

import pytest
from lxml import etree

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


MARK_DEL = f'<w:pPr><w:rPr><w:del {DEL_ATTRS}/></w:rPr></w:pPr>'
MARK_INS = f'<w:pPr><w:rPr><w:ins {DEL_ATTRS}/></w:rPr></w:pPr>'


def _runs(*texts: str, deleted: bool = False) -> str:
    tag = "w:delText" if deleted else "w:t"
    return "".join(f'<w:r><{tag} xml:space="preserve">{text}</{tag}></w:r>' for text in texts)


def test_runs_of_a_change_keep_their_order() -> None:
    accepted, rejected = views(f'<w:p><w:ins {DEL_ATTRS}>{_runs("one ", "two ", "three")}</w:ins>'
                               f'<w:del {DEL_ATTRS}>{_runs("four ", "five ", "six", deleted=True)}</w:del></w:p>')
    assert accepted == ["one two three"]
    assert rejected == ["four five six"]


def test_a_deleted_mark_joins_every_run_in_order_to_the_next_paragraph_which_keeps_its_properties() -> None:
    root = body(f'<w:p>{MARK_DEL}{_runs("a", "b", "c")}</w:p>'
                f'<w:p><w:pPr><w:pStyle w:val="Quote"/></w:pPr>{_runs("d", "e")}</w:p>')
    accepted = accept_all(copy.deepcopy(root))
    assert paragraph_texts(accepted) == ["abcde"]
    [paragraph] = accepted.iter(f"{{{W}}}p")
    assert paragraph[0].tag == f"{{{W}}}pPr", "the paragraph properties stay first, as the schema wants"
    assert paragraph.find(f"{{{W}}}pPr/{{{W}}}pStyle").get(f"{{{W}}}val") == "Quote"
    assert paragraph_texts(reject_all(copy.deepcopy(root))) == ["abc", "de"]


def test_an_emptied_paragraph_before_a_table_goes_but_the_last_paragraph_of_a_cell_stays() -> None:
    cell = f'<w:tbl><w:tr><w:tc><w:p>{MARK_INS}<w:ins {DEL_ATTRS}>{_runs("added")}</w:ins></w:p></w:tc></w:tr></w:tbl>'
    accepted, rejected = views(f'<w:p>{_runs("kept")}</w:p><w:p>{MARK_DEL}</w:p>{cell}<w:p/>')
    assert accepted == ["kept", "added", ""]
    assert rejected == ["kept", "", "", ""]  # the empty paragraph comes back; the cell keeps its paragraph


def test_deleted_field_codes_come_back_as_field_codes() -> None:
    root = body(f'<w:p><w:del {DEL_ATTRS}><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                '<w:r><w:delInstrText xml:space="preserve"> PAGE </w:delInstrText></w:r>'
                '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:del></w:p>')
    rejected = reject_all(copy.deepcopy(root))
    assert [e.text for e in rejected.iter(f"{{{W}}}instrText")] == [" PAGE "]
    assert rejected.find(f".//{{{W}}}delInstrText") is None
    assert accept_all(copy.deepcopy(root)).find(f".//{{{W}}}fldChar") is None


def test_reject_restores_paragraph_properties_and_keeps_the_paragraph_mark() -> None:
    root = body(f'<w:p><w:pPr><w:jc w:val="center"/><w:rPr><w:b/></w:rPr><w:pPrChange {DEL_ATTRS}><w:pPr>'
                '<w:ind w:left="720"/><w:jc w:val="left"/></w:pPr></w:pPrChange></w:pPr>'
                f'{_runs("text")}</w:p>')
    rejected = reject_all(copy.deepcopy(root)).find(f".//{{{W}}}pPr")
    assert [etree.QName(child).localname for child in rejected] == ["ind", "jc", "rPr"]
    assert rejected.find(f"{{{W}}}jc").get(f"{{{W}}}val") == "left"
    accepted = accept_all(copy.deepcopy(root)).find(f".//{{{W}}}pPr")
    assert [etree.QName(child).localname for child in accepted] == ["jc", "rPr"]


def test_a_part_without_tracked_changes_is_left_as_it_is_but_a_table_without_rows_goes() -> None:
    xml = (f'<w:p>{_runs("text")}</w:p><w:tbl><w:tblPr/><w:tblGrid/></w:tbl>'
           f'<w:tbl><w:tr><w:tc><w:tcPr><w:tcW w:w="0"/></w:tcPr><w:p>{_runs("cell")}</w:p></w:tc></w:tr></w:tbl>'
           '<w:p/>')
    expected = body(xml.replace("<w:tbl><w:tblPr/><w:tblGrid/></w:tbl>", ""))
    for view in (accept_all, reject_all):
        assert etree.tostring(view(body(xml))) == etree.tostring(expected), view.__name__


PROPERTY_KINDS = ["rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange", "tcPrChange",
                  "tblGridChange", "tblPrExChange", "numberingChange"]


@pytest.mark.parametrize("kind", ["ins", "del", "moveFrom", "moveTo", "cellIns", "cellDel", *PROPERTY_KINDS])
def test_every_kind_of_revision_is_seen_and_none_is_left_after_accepting_or_rejecting(kind: str) -> None:
    mark = f"<w:{kind} {DEL_ATTRS}/>"
    changed = (f"<w:tbl><w:tr><w:tc><w:tcPr>{mark}</w:tcPr><w:p>{_runs('x')}</w:p></w:tc></w:tr></w:tbl><w:p/>"
               if kind.startswith("cell") else f"<w:p><w:r>{mark}<w:t>x</w:t></w:r></w:p>")
    root = body(f'<w:p>{_runs("plain")}</w:p>{changed}')
    assert has_revisions(root)
    assert not has_revisions(body(f'<w:p>{_runs("plain")}</w:p>'))
    for view in (accept_all, reject_all):
        assert not has_revisions(view(copy.deepcopy(root))), (kind, view.__name__)


def test_move_ranges_and_custom_xml_marks_leave_no_trace() -> None:
    names = ["moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
             "customXmlInsRangeStart", "customXmlDelRangeEnd"]
    markers = "".join(f'<w:{name} w:id="9"/>' for name in names)
    for view in (accept_all, reject_all):
        result = view(body(f"<w:p>{markers}{_runs('text')}</w:p>"))
        assert paragraph_texts(result) == ["text"]
        assert not [e for e in result.iter() if etree.QName(e).localname in names], view.__name__


def test_a_deleted_mark_reaches_the_next_paragraph_across_bookmarks_and_comment_ranges() -> None:
    accepted, rejected = views(f'<w:p>{MARK_DEL}{_runs("joined ")}</w:p><w:bookmarkEnd w:id="3"/>'
                               f'<w:commentRangeEnd w:id="4"/><w:p>{_runs("text")}</w:p>')
    assert accepted == ["joined text"]
    assert rejected == ["joined ", "text"]


def test_a_paragraph_with_text_whose_mark_is_deleted_before_a_table_keeps_its_text() -> None:
    table = f"<w:tbl><w:tr><w:tc><w:p>{_runs('cell')}</w:p></w:tc></w:tr></w:tbl>"
    accepted, _ = views(f'<w:p>{MARK_DEL}{_runs("kept text")}</w:p>{table}<w:p/>')
    assert accepted == ["kept text", "cell", ""]


def test_an_emptied_last_paragraph_of_a_cell_with_others_goes() -> None:
    cell = f'<w:tbl><w:tr><w:tc><w:p>{_runs("first")}</w:p><w:p>{MARK_DEL}</w:p></w:tc></w:tr></w:tbl><w:p/>'
    accepted, rejected = views(cell)
    assert accepted == ["first", ""]
    assert rejected == ["first", "", ""]


def test_reject_restores_every_formatting_change_whatever_comes_first() -> None:
    root = body(f'<w:tbl><w:tblPr><w:tblW w:w="5000"/><w:tblPrChange {DEL_ATTRS}><w:tblPr/></w:tblPrChange>'
                f'</w:tblPr><w:tr><w:tc><w:p>{_runs("cell")}</w:p></w:tc></w:tr></w:tbl>'
                f'<w:p><w:r><w:rPr><w:b/><w:rPrChange {DEL_ATTRS}><w:rPr><w:i/></w:rPr></w:rPrChange></w:rPr>'
                '<w:t>x</w:t></w:r></w:p>')
    rejected = reject_all(copy.deepcopy(root))
    assert rejected.find(f".//{{{W}}}i") is not None and rejected.find(f".//{{{W}}}b") is None
    assert not has_revisions(rejected)


def test_a_deleted_paragraph_with_tab_stops_before_a_table_goes_on_accept() -> None:
    # Its w:pPr holds w:tabs/w:tab (tab stops, not text): nothing is left to keep it.
    xml = (f'<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs><w:rPr><w:del {DEL_ATTRS}/></w:rPr>'
           f'</w:pPr><w:del {DEL_ATTRS}><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>'
           '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/>')
    accepted, rejected = views(xml)
    assert accepted == ["cell", ""]
    assert rejected == ["gone", "cell", ""]


def _by(author: str, number: int) -> str:
    return f'w:id="{number}" w:author="{author}" w:date="2024-01-01T00:00:00Z"'


def _mark(kind: str, author: str, number: int) -> str:
    return f"<w:{kind} {_by(author, number)}/>"


def _cell(text: str, mark: str = "") -> str:
    return f'<w:tc><w:tcPr><w:tcW w:w="1000" w:type="dxa"/>{mark}</w:tcPr><w:p>{_runs(text)}</w:p></w:tc>'


def _row(text: str, mark: str = "") -> str:
    return f"<w:tr>{f'<w:trPr>{mark}</w:trPr>' if mark else ''}{_cell(text)}</w:tr>"


def _formatted(author: str, number: int, now: str, before: str) -> str:
    return (f"<w:p><w:r><w:rPr><w:{now}/><w:rPrChange {_by(author, number)}><w:rPr><w:{before}/></w:rPr>"
            f"</w:rPrChange></w:rPr><w:t>{author}</w:t></w:r></w:p>")


# Each kind of revision made by two reviewers, A and B: the document A's changes alone make (accept A's,
# reject B's) and the one B's alone make.
BY_REVIEWER = {
    "runs": (f'<w:p>{_runs("base")}<w:ins {_by("A", 1)}>{_runs("+a")}</w:ins>'
             f'<w:del {_by("A", 2)}>{_runs("-a", deleted=True)}</w:del><w:ins {_by("B", 3)}>{_runs("+b")}</w:ins>'
             f'<w:del {_by("B", 4)}>{_runs("-b", deleted=True)}</w:del></w:p>',
             ["base+a-b"], ["base-a+b"]),
    "deleted paragraph marks": (
        f'<w:p><w:pPr><w:rPr><w:del {_by("A", 1)}/></w:rPr></w:pPr>{_runs("one")}</w:p><w:p>{_runs("two")}</w:p>'
        f'<w:p><w:pPr><w:rPr><w:del {_by("B", 2)}/></w:rPr></w:pPr>{_runs("three")}</w:p><w:p>{_runs("four")}</w:p>',
        ["onetwo", "three", "four"], ["one", "two", "threefour"]),
    "inserted paragraphs": (
        f'<w:p><w:pPr><w:rPr><w:ins {_by("A", 1)}/></w:rPr></w:pPr><w:ins {_by("A", 2)}>{_runs("a")}</w:ins></w:p>'
        f'<w:p>{_runs("kept")}</w:p>'
        f'<w:p><w:pPr><w:rPr><w:ins {_by("B", 3)}/></w:rPr></w:pPr><w:ins {_by("B", 4)}>{_runs("b")}</w:ins></w:p>'
        f'<w:p>{_runs("end")}</w:p>',
        ["a", "kept", "end"], ["kept", "b", "end"]),
    "rows": (f'<w:tbl>{_row("kept")}{_row("+a", _mark("ins", "A", 1))}{_row("-a", _mark("del", "A", 2))}'
             f'{_row("+b", _mark("ins", "B", 3))}{_row("-b", _mark("del", "B", 4))}</w:tbl><w:p/>',
             ["kept", "+a", "-b", ""], ["kept", "-a", "+b", ""]),
    "cells": (f'<w:tbl><w:tr>{_cell("kept")}{_cell("+a", _mark("cellIns", "A", 1))}'
              f'{_cell("-a", _mark("cellDel", "A", 2))}{_cell("+b", _mark("cellIns", "B", 3))}'
              f'{_cell("-b", _mark("cellDel", "B", 4))}</w:tr></w:tbl><w:p/>',
              ["kept", "+a", "-b", ""], ["kept", "-a", "+b", ""]),
    "moves": (f'<w:p>{_runs("x")}<w:moveFrom {_by("A", 1)}>{_runs("ma")}</w:moveFrom></w:p>'
              f'<w:p>{_runs("y")}<w:moveTo {_by("A", 2)}>{_runs("ma")}</w:moveTo></w:p>'
              f'<w:p>{_runs("z")}<w:moveFrom {_by("B", 3)}>{_runs("mb")}</w:moveFrom></w:p>'
              f'<w:p>{_runs("w")}<w:moveTo {_by("B", 4)}>{_runs("mb")}</w:moveTo></w:p>',
              ["x", "yma", "zmb", "w"], ["xma", "y", "z", "wmb"]),
    # B's change comes first, and A's formatting of a table before A's formatting of a run.
    "formatting": (_formatted("B", 1, "u", "strike")
                   + f'<w:tbl><w:tblPr><w:tblW w:w="5000"/><w:tblPrChange {_by("A", 2)}><w:tblPr/></w:tblPrChange>'
                   f'</w:tblPr>{_row("cell")}</w:tbl>' + _formatted("A", 3, "b", "i"),
                   ["B", "cell", "A"], ["B", "cell", "A"]),
}
REVISIONS = ("ins", "del", "moveFrom", "moveTo", "cellIns", "cellDel", *PROPERTY_KINDS)


def _revisions_of(root: etree._Element, author: str) -> list[bytes]:
    return [etree.tostring(e) for e in root.iter(*(f"{{{W}}}{kind}" for kind in REVISIONS))
            if e.get(f"{{{W}}}author") == author]


def _looks(root: etree._Element) -> tuple[list[str], list[str], int]:
    """The paragraphs' texts, the formatting of their runs, and how many cells keep their width."""
    run_formatting = [etree.QName(child).localname for rpr in root.iter(f"{{{W}}}rPr")
                      if rpr.getparent().tag == f"{{{W}}}r" for child in rpr]
    widths = sum(1 for cell in root.iter(f"{{{W}}}tc") if cell.find(f"{{{W}}}tcPr/{{{W}}}tcW") is not None)
    return paragraph_texts(root), run_formatting, widths


@pytest.mark.parametrize("kind", list(BY_REVIEWER))
def test_one_reviewers_changes_are_accepted_or_rejected_and_the_others_left_as_they_were(kind: str) -> None:
    """``where`` chooses the revisions to act on (the tests of consolidate accept one ministry's changes this way): the
    others are left as they were, every kind of them."""
    xml, only_a, only_b = BY_REVIEWER[kind]
    root = body(xml)
    by_a = lambda element: element.get(f"{{{W}}}author") == "A"  # noqa: E731
    theirs = _revisions_of(root, "B")
    assert theirs and _revisions_of(root, "A")
    accepted_a = accept_all(copy.deepcopy(root), where=by_a)
    rejected_a = reject_all(copy.deepcopy(root), where=by_a)
    for result in (accepted_a, rejected_a):
        assert not _revisions_of(result, "A") and _revisions_of(result, "B") == theirs
    a_alone, b_alone = reject_all(accepted_a), accept_all(rejected_a)
    assert paragraph_texts(a_alone) == only_a and paragraph_texts(b_alone) == only_b
    if kind == "formatting":
        assert _looks(a_alone)[1] == ["strike", "b"] and _looks(b_alone)[1] == ["u", "i"]
    cells = sum(1 for _ in root.iter(f"{{{W}}}tc"))
    for result in (a_alone, b_alone):
        assert not has_revisions(result)
        assert _looks(result)[2] == sum(1 for _ in result.iter(f"{{{W}}}tc")) <= cells, "a cell lost its width"
