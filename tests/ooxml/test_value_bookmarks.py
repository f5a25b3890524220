"""Value markers (ooxml/value_bookmarks.py) become bookmarks around exactly the value printed; markers that do
not pair are removed; ooxml/value_edits.py reads the text inside each bookmark back."""

from __future__ import annotations

from lxml import etree

from strategy_builder.ooxml.markers import mark_value
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.stories import Locator, Story
from strategy_builder.ooxml.value_bookmarks import apply_value_markers
from strategy_builder.ooxml.value_edits import value_texts

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _document(*paragraphs: str) -> etree._Element:
    body = "".join(f'<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{p}</w:t></w:r></w:p>'
                   for p in paragraphs)
    return etree.fromstring(f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>')


def _texts(root: etree._Element) -> dict[str, str]:
    package = DocxPackage({"word/document.xml": etree.tostring(root)}, source="test.docx")
    return value_texts(root, Locator(package, [Story("body", "word/document.xml", root)]))


def test_markers_become_bookmarks_around_exactly_the_value() -> None:
    root = _document(f"2.1.1\t{mark_value(3, 'Armenia intends')} more", f"[{mark_value(7, 'A title')}]",
                     f"again {mark_value(3, 'Armenia intends')}")
    names = apply_value_markers(root)
    assert names == {"sv_3": 3, "sv_7": 7, "sv_3_2": 3}
    assert _texts(root) == {"sv_3": "Armenia intends", "sv_7": "A title", "sv_3_2": "Armenia intends"}
    text = "".join(root.itertext())
    assert "\ue002" not in text and "\ue003" not in text
    assert text == "2.1.1\tArmenia intends more[A title]again Armenia intends"
    # The runs around the bookmarks keep their formatting.
    assert all(run.find(f"{{{W}}}rPr") is not None for run in root.iter(f"{{{W}}}r"))


def test_markers_that_do_not_pair_are_removed_without_failing() -> None:
    cut = mark_value(4, "A long title that a filter cut")[:12]
    root = _document(f"{cut}...", "\ue002/9\ue003 stray end", "half \ue002 marker")
    assert apply_value_markers(root) == {}
    assert "".join(root.itertext()) == "".join(["A long ti...", " stray end", "half  marker"])


def test_a_run_that_is_one_value_is_kept_whole_between_its_bookmark() -> None:
    """How almost every value arrives: a run printing the value alone. The run stays (its formatting and
    attributes too), the bookmark starts just before it and ends just after it, whatever else the paragraph
    holds."""
    root = etree.fromstring(
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>Lead: </w:t></w:r>'
        f'<w:r w:rsidR="00A1B2C3"><w:rPr><w:i/></w:rPr><w:t>{mark_value(5, " Armenia ")}</w:t></w:r>'
        f'<w:r><w:t>{mark_value(6, "")}</w:t></w:r></w:p></w:body></w:document>')
    assert apply_value_markers(root) == {"sv_5": 5, "sv_6": 6}
    paragraph = root.find(f".//{{{W}}}p")
    assert paragraph is not None
    kinds = [etree.QName(child).localname for child in paragraph]
    assert kinds == ["r", "bookmarkStart", "r", "bookmarkEnd", "bookmarkStart", "bookmarkEnd"]  # (an empty value
    # leaves no run)
    value_run = paragraph[2]
    assert value_run.get(f"{{{W}}}rsidR") == "00A1B2C3" and value_run.find(f"{{{W}}}rPr/{{{W}}}i") is not None
    text = value_run.find(f"{{{W}}}t")
    assert text is not None and text.text == " Armenia "
    assert text.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
    assert _texts(root)["sv_5"] == " Armenia "
