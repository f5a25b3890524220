"""Value markers (ooxml/value_bookmarks.py) become bookmarks around exactly the value printed; markers that do
not pair are removed; ooxml/value_edits.py reads the text inside each bookmark back."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from strategy_builder.ooxml.bookmarks import apply_section_markers
from strategy_builder.ooxml.markers import begin_marker, end_marker, mark_value
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.stories import Locator, Story
from strategy_builder.ooxml.parser import parse_xml, serialize
from strategy_builder.ooxml.value_bookmarks import apply_value_markers, bookmark_values_in_text
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


# bookmark_values_in_text must make, in the rendered text, the part the two passes make in the tree: every run
# shape a template renders a value in, among section markers and a template's own bookmarks.
_RUN_SHAPES = [
    '<w:r><w:t>{v}</w:t></w:r>',
    '<w:r><w:t xml:space="preserve">{v}</w:t></w:r>',
    '<w:r><w:rPr><w:b/><w:rFonts w:ascii="Carlito"/></w:rPr><w:t>{v}</w:t></w:r>',
    '<w:r><w:rPr/><w:t>{v}</w:t></w:r>',
    '<w:r w:rsidR="00A1B2C3"><w:rPr><w:i/></w:rPr><w:t>{v}</w:t></w:r>',
    '<w:r><w:rPr><w:i/></w:rPr><w:t>[{v}]</w:t></w:r>',  # text around the value: runs of their own
    '<w:r><w:t>{v} after</w:t></w:r>',
    '<w:r><w:t>before {v}</w:t></w:r>',
    '<w:r><w:t>plain &amp; text</w:t></w:r>',
    '<w:bookmarkStart w:id="7" w:name="_GoBack"/><w:bookmarkEnd w:id="7"/>',
]
_TREE_SHAPES = [
    '<w:r><w:rPr w:rsidR="1"><w:i/></w:rPr><w:t>{v}</w:t></w:r>',  # properties with an attribute,
    '<w:r><w:rPr><w:b/><w:rPrChange w:id="1" w:author="A"><w:rPr><w:i/></w:rPr></w:rPrChange></w:rPr>'
    '<w:t>{v}</w:t></w:r>',  # a change of properties,
    '<w:r><w:tab/><w:t>{v}</w:t></w:r>',  # something else in the run,
    '<w:r><w:t>{v}{v}</w:t></w:r>',  # two values in one text: the tree's
]
_VALUE_TEXTS = st.sampled_from(["Armenia", " spaced ", "R&amp;D &lt;5&gt;", "«Кавычки»", ""])


@st.composite
def _rendered(draw: st.DrawFn) -> str:
    """A rendered main part; in about half of them, some value only the tree takes."""
    shapes = _RUN_SHAPES + (_TREE_SHAPES if draw(st.booleans()) else [])
    cut_off = draw(st.booleans())
    paragraphs = []
    for section in range(draw(st.integers(0, 3))):
        paragraphs.append(f"<w:p><w:r><w:t>{begin_marker(f'S{section}')}</w:t></w:r></w:p>")
        for _ in range(draw(st.integers(1, 3))):
            runs = []
            for shape in draw(st.lists(st.sampled_from(shapes), min_size=1, max_size=4)):
                while "{v}" in shape:
                    index = draw(st.integers(1, 4))  # few indexes: values printed twice
                    value = mark_value(index, draw(_VALUE_TEXTS))
                    shape = shape.replace("{v}", value[:3] if cut_off and draw(st.booleans()) else value, 1)
                runs.append(shape)
            paragraphs.append(f'<w:p><w:pPr><w:pStyle w:val="Body"/></w:pPr>{"".join(runs)}</w:p>')
        paragraphs.append(f"<w:p><w:r><w:t>{end_marker(f'S{section}')}</w:t></w:r></w:p>")
    return f'<w:document xmlns:w="{W}"><w:body>{"".join(paragraphs)}<w:p/></w:body></w:document>'


def _finished_in_the_tree(xml: str) -> tuple[bytes, dict[str, int]]:
    root = parse_xml(xml.encode("utf-8"))
    apply_section_markers(root)
    names = apply_value_markers(root)
    return serialize(root), names


@settings(max_examples=500, deadline=None)
@given(_rendered())
def test_values_bookmarked_in_the_text_make_the_part_the_tree_passes_make(xml: str) -> None:
    values = bookmark_values_in_text(xml)
    if values is None:  # a value only the tree takes (the passes then do it all)
        return
    root = parse_xml(values.xml.encode("utf-8"))
    apply_section_markers(root, first_id=values.first_section_id)
    assert (serialize(root), values.names) == _finished_in_the_tree(xml)


def test_the_text_takes_the_values_of_runs_of_their_own_and_leaves_the_others_to_the_tree() -> None:
    usual = f'<w:r><w:rPr><w:b/></w:rPr><w:t>{mark_value(3, "Armenia")}</w:t></w:r>'
    around = f'<w:r><w:t>[{mark_value(4, "A title")}]</w:t></w:r>'
    xml = f'<w:document xmlns:w="{W}"><w:body><w:p>{usual}{around}</w:p></w:body></w:document>'
    values = bookmark_values_in_text(xml)
    assert values is not None and values.names == {"sv_3": 3, "sv_4": 4}
    assert values.split == ((1, 3),)  # the second text became three runs' texts
    assert '<w:bookmarkStart w:id="1" w:name="sv_3"/><w:r><w:rPr><w:b/></w:rPr>' in values.xml
    root = parse_xml(values.xml.encode("utf-8"))
    assert (serialize(root), values.names) == _finished_in_the_tree(xml)
    # Anything else is the tree's, whole: a run with a tab before its value, a marker cut off.
    assert bookmark_values_in_text(xml.replace("<w:b/></w:rPr>", "<w:b/></w:rPr><w:tab/>")) is None
    assert bookmark_values_in_text(xml.replace(mark_value(3, "Armenia"), mark_value(3, "Armenia")[:4])) is None
    assert bookmark_values_in_text(xml.replace(mark_value(3, "Armenia"), "Armenia")
                                   .replace(mark_value(4, "A title"), "A title")) is None  # no value at all
