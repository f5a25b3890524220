"""Tracked changes as Word and LibreOffice write them: pieces split over runs are one change, an inserted
paragraph is one change, plain text separates changes, formatting changes say what changed."""

from __future__ import annotations

from strategy_builder.ooxml.comments import read_comments
from strategy_builder.ooxml.stories import Locator, document_stories
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.tracked import read_changes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STYLES = (f'<w:styles xmlns:w="{W}"><w:style w:type="paragraph" w:styleId="berschrift1">'
          '<w:name w:val="heading 1"/></w:style></w:styles>').encode()


def _package(body: str, comments: str = "") -> DocxPackage:
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"'
            ' Target="styles.xml"/>'
            + ('<Relationship Id="r2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
               'comments" Target="comments.xml"/>' if comments else "") + "</Relationships>")
    parts = {"word/document.xml": f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'.encode(),
             "word/_rels/document.xml.rels": rels.encode(), "word/styles.xml": STYLES}
    if comments:
        parts["word/comments.xml"] = f'<w:comments xmlns:w="{W}">{comments}</w:comments>'.encode()
    return DocxPackage(parts)


def _changes(body: str) -> list[tuple[str, str, str, str]]:
    package = _package(body)
    stories = document_stories(package)
    return [(c.kind, c.author, c.text, c.detail) for c in read_changes(stories, Locator(package, stories))]


def _ins(text: str, author: str = "A", date: str = "2024-01-01T10:00:00Z", tag: str = "ins") -> str:
    inner = "delText" if tag in ("del", "moveFrom") else "t"
    return (f'<w:{tag} w:id="9" w:author="{author}" w:date="{date}"><w:r><w:{inner} xml:space="preserve">{text}'
            f"</w:{inner}></w:r></w:{tag}>")


def test_adjacent_pieces_of_one_edit_are_one_change() -> None:
    body = f'<w:p><w:r><w:t>Old </w:t></w:r>{_ins("new ")}{_ins("words")}<w:r><w:t> end</w:t></w:r></w:p>'
    assert _changes(body) == [("insertion", "A", "new words", "")]


def test_plain_text_author_and_time_separate_changes() -> None:
    body = (f'<w:p>{_ins("one")}<w:r><w:t> and </w:t></w:r>{_ins("two")}{_ins("three", author="B")}'
            f'{_ins("four", author="B", date="2024-01-02T10:00:00Z")}</w:p>')
    assert [c[2] for c in _changes(body)] == ["one", "two", "three", "four"]


def test_an_inserted_paragraph_is_one_change_with_its_mark() -> None:
    mark = '<w:pPr><w:rPr><w:ins w:id="3" w:author="A" w:date="2024-01-01T10:00:00Z"/></w:rPr></w:pPr>'
    body = (f'<w:p>{mark}<w:r><w:t>Kept.</w:t></w:r>{_ins(" Added.")}</w:p>'
            f'<w:p>{_ins("A whole new paragraph.")}</w:p>')
    assert _changes(body) == [("insertion", "A", "Added.\nA whole new paragraph.", "")]


def test_deletions_moves_and_formatting() -> None:
    rpr_change = ('<w:r><w:rPr><w:b/><w:rPrChange w:id="5" w:author="C" w:date="2024-01-01T10:00:00Z"><w:rPr>'
                  '<w:i/></w:rPr></w:rPrChange></w:rPr><w:t>styled</w:t></w:r>')
    body = (f'<w:p>{_ins("gone", tag="del")}<w:r><w:t> x </w:t></w:r>{_ins("moved", tag="moveFrom")}</w:p>'
            f'<w:p>{_ins("moved", tag="moveTo")}<w:r><w:t> y </w:t></w:r>{rpr_change}</w:p>')
    assert _changes(body) == [("deletion", "A", "gone", ""), ("move-from", "A", "moved", ""),
                              ("move-to", "A", "moved", ""), ("formatting", "C", "styled", "+bold, -italic")]


def test_deleted_table_row_without_run_marks_is_reported() -> None:
    row = ('<w:tbl><w:tr><w:trPr><w:del w:id="1" w:author="D" w:date="2024-01-01T10:00:00Z"/></w:trPr>'
           '<w:tc><w:p><w:r><w:t>cell a</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>cell b</w:t></w:r></w:p>'
           '</w:tc></w:tr></w:tbl>')
    assert _changes(row) == [("deletion", "D", "cell a | cell b", "table row")]


def test_nearest_heading_uses_style_names_in_any_language() -> None:
    body = ('<w:p><w:pPr><w:pStyle w:val="berschrift1"/></w:pPr><w:r><w:t>Einleitung</w:t></w:r></w:p>'
            '<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>Text</w:t></w:r><w:commentRangeEnd w:id="0"/>'
            '<w:r><w:commentReference w:id="0"/></w:r></w:p>')
    comment = ('<w:comment w:id="0" w:author="E" w:date="2024-01-01T10:00:00Z">'
               '<w:p><w:r><w:t>Hm</w:t></w:r></w:p></w:comment>')
    package = _package(body, comment)
    stories = document_stories(package)
    locator = Locator(package, stories)
    [found] = read_comments(package, stories, locator)
    assert (found.text, found.quoted, found.place.paragraph) == ("Hm", "Text", 1)
    assert locator.heading(found.place.paragraph) == "Einleitung"


def test_comment_range_between_paragraphs_belongs_to_the_next_paragraph() -> None:
    body = ('<w:p><w:r><w:t>First</w:t></w:r></w:p><w:commentRangeStart w:id="1"/>'
            '<w:p><w:r><w:t>Second</w:t></w:r><w:commentRangeEnd w:id="1"/></w:p>')
    comment = '<w:comment w:id="1" w:author="F"><w:p><w:r><w:t>note</w:t></w:r></w:p></w:comment>'
    package = _package(body, comment)
    stories = document_stories(package)
    [found] = read_comments(package, stories, Locator(package, stories))
    assert found.place.paragraph == 1 and found.quoted == "Second" and found.resolved is None


def test_footnote_items_belong_to_the_paragraph_that_references_the_footnote() -> None:
    body = ('<w:p><w:r><w:t>Intro</w:t></w:r></w:p>'
            '<w:p><w:r><w:t>Claim</w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r></w:p>')
    package = _package(body, '<w:comment w:id="7" w:author="G"><w:p><w:r><w:t>Source?</w:t></w:r></w:p></w:comment>')
    rels = package.parts["word/_rels/document.xml.rels"].replace(b"</Relationships>", (
        b'<Relationship Id="r3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'footnotes" Target="footnotes.xml"/></Relationships>'))
    package.parts["word/_rels/document.xml.rels"] = rels
    package.parts["word/footnotes.xml"] = (
        f'<w:footnotes xmlns:w="{W}"><w:footnote w:id="2"><w:p><w:commentRangeStart w:id="7"/>'
        f'<w:r><w:t>Census 2001</w:t></w:r><w:commentRangeEnd w:id="7"/>{_ins(", revised")}</w:p></w:footnote>'
        '</w:footnotes>').encode()
    stories = document_stories(package)
    locator = Locator(package, stories)
    [comment] = read_comments(package, stories, locator)
    assert (comment.place.story, comment.place.paragraph, comment.quoted) == ("footnote", 1, "Census 2001")
    [change] = read_changes(stories, locator)
    assert (change.place.story, change.place.paragraph, change.text) == ("footnote", 1, ", revised")


def test_comments_in_headers_are_kept_without_a_section() -> None:
    package = _package('<w:p><w:r><w:t>Body</w:t></w:r></w:p>',
                       '<w:comment w:id="4" w:author="H"><w:p><w:r><w:t>Logo?</w:t></w:r></w:p></w:comment>')
    package.parts["word/_rels/document.xml.rels"] = package.parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="r4" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                             b'relationships/header" Target="header1.xml"/></Relationships>')
    package.parts["word/header1.xml"] = (f'<w:hdr xmlns:w="{W}"><w:p><w:commentRangeStart w:id="4"/><w:r><w:t>'
                                         'Ministry</w:t></w:r><w:commentRangeEnd w:id="4"/></w:p></w:hdr>').encode()
    stories = document_stories(package)
    [comment] = read_comments(package, stories, Locator(package, stories))
    assert (comment.place.story, comment.place.part, comment.place.paragraph) == ("header", "word/header1.xml", None)
    assert comment.quoted == "Ministry"


def test_a_long_change_of_many_pieces_keeps_its_first_characters() -> None:
    from strategy_builder.ooxml.tracked import MAX_CHANGE_CHARS

    pieces = [f"{index % 10}" * 7 for index in range(MAX_CHANGE_CHARS)]  # 7 × 4,000 characters in 4,000 runs
    [(kind, author, text, _)] = _changes("<w:p>" + "".join(_ins(piece) for piece in pieces) + "</w:p>")
    assert (kind, author) == ("insertion", "A")
    assert text == "".join(pieces)[:MAX_CHANGE_CHARS]


def test_the_quoted_text_of_a_heading_keeps_its_separator() -> None:
    # A heading's number, tab and title are separate runs: "2.3.1 Armenia", never "2.3.1Armenia".
    body = ('<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:commentRangeStart w:id="2"/>'
            '<w:r><w:t>2.3.1</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t>Armenia</w:t></w:r><w:r><w:br/></w:r>'
            '<w:r><w:t>and Georgia</w:t></w:r><w:commentRangeEnd w:id="2"/></w:p>')
    comment = '<w:comment w:id="2" w:author="G"><w:p><w:r><w:t>title?</w:t></w:r></w:p></w:comment>'
    package = _package(body, comment)
    stories = document_stories(package)
    [found] = read_comments(package, stories, Locator(package, stories))
    assert found.quoted == "2.3.1 Armenia and Georgia"
