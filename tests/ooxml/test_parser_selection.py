"""Parsing only the elements a reader needs (strategy_builder/ooxml/parser.py: select_elements, parse_selected):
the heading styles read from a styles part cut down to its paragraph styles are those of the whole part, for
every styles part of the corpus and for generated ones; whatever the selection cannot read plainly is parsed
whole."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.ooxml import headings
from strategy_builder.ooxml.headings import _PARAGRAPH_STYLES, HeadingStyles
from strategy_builder.ooxml.namespaces import W
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.parser import parse_selected, parse_xml, select_elements


def _levels_both_ways(data: bytes) -> tuple[dict[str, int], dict[str, int]]:
    return (HeadingStyles.from_styles(parse_xml(data)).levels,
            HeadingStyles.from_styles(parse_selected(data, _PARAGRAPH_STYLES)).levels)


def test_every_styles_part_of_the_corpus_gives_the_same_heading_styles_and_most_are_cut_down(corpus: Path) -> None:
    parts = selected = 0
    for path in sorted(corpus.rglob("*.docx")):
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            continue  # the corpus holds broken files on purpose
        for name in (n for n in archive.namelist() if n.endswith("styles.xml")):
            data = archive.read(name)
            whole, cut = _levels_both_ways(data)
            assert cut == whole, f"{path.name}: {name}"
            parts += 1
            smaller = select_elements(data, _PARAGRAPH_STYLES)
            selected += smaller is not None and len(smaller) < len(data)
    assert parts >= 50 and selected >= 0.8 * parts, (parts, selected)


def _style(kind: str | None, sid: str, name: str, outline: int | None, based: str | None, quote: str,
           closed: bool) -> str:
    kind_attribute = f" w:type={quote}{kind}{quote}" if kind is not None else ""
    start = f"<w:style{kind_attribute}  w:styleId={quote}{sid}{quote}"
    if closed:
        return start + " />"
    body = f'<w:name w:val="{name}"/>' + (f'<w:basedOn w:val="{based}"/>' if based else "")
    body += f'<w:pPr><w:outlineLvl w:val="{outline}"/></w:pPr>' if outline is not None else ""
    body += "<w:tblStylePr w:type=\"firstRow\"><w:rPr><w:b/></w:rPr></w:tblStylePr>" if kind == "table" else ""
    return f"{start}>{body}</w:style >"


_KINDS = st.sampled_from(["paragraph", "table", "character", "numbering", None, "&#112;aragraph", "Paragraph"])
_NAMES = st.sampled_from(["heading 2", "Überschrift 1", "Заголовок 3", "Title", "Body Text", "Chapter > 1",
                          "Heading &amp; notes", "Normal"])
_STYLES = st.lists(st.tuples(_KINDS, st.sampled_from(["A", "B", "C", "Heading1", "Title", "x"]), _NAMES,
                             st.none() | st.integers(0, 9), st.none() | st.sampled_from(["A", "B", "Heading1"]),
                             st.sampled_from(['"', "'"]), st.booleans()), max_size=12)


@settings(max_examples=300, deadline=None)
@given(styles=_STYLES, prologue=st.booleans(), latent=st.booleans())
def test_generated_styles_parts_give_the_same_heading_styles_cut_down_or_whole(
        styles: list[tuple[str | None, str, str, int | None, str | None, str, bool]], prologue: bool,
        latent: bool) -> None:
    body = "".join(_style(*style) for style in styles)
    if latent:  # another element before the styles, with an element whose name begins like theirs
        body = '<w:latentStyles w:count="2"><w:lsdException w:name="Normal"/></w:latentStyles><w:stylesX/>' + body
    declaration = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n" if prologue else ""
    data = f'{declaration}<w:styles xmlns:w="{W}" xmlns:x="urn:other">{body}</w:styles>'.encode()
    assert select_elements(data, _PARAGRAPH_STYLES) is not None, "a plain part is cut down"
    whole, cut = _levels_both_ways(data)
    assert cut == whole


PLAIN = f'<w:styles xmlns:w="{W}"><w:style w:type="paragraph" w:styleId="H"><w:name w:val="heading 1"/></w:style>' \
        '<w:style w:type="table" w:styleId="T"><w:name w:val="heading 2"/></w:style></w:styles>'


@pytest.mark.parametrize(("label", "data"), [
    ("a comment", PLAIN.replace("<w:style ", "<!-- x --><w:style ", 1)),
    ("a processing instruction", PLAIN.replace("<w:style ", "<?pi x?><w:style ", 1)),
    ("the namespace as the default", PLAIN.replace('xmlns:w="', 'xmlns="', 1)),
    ("a second prefix for the namespace", PLAIN.replace("<w:style ", f'<v:x xmlns:v="{W}"/><w:style ', 1)),
    ("the prefix declared again", PLAIN.replace('<w:style w:type="table"', f'<w:style xmlns:w="{W}" w:type="table"')),
    ("a style inside a style", PLAIN.replace('<w:name w:val="heading 2"/>',
                                             '<w:style w:type="paragraph" w:styleId="N"/>')),
    ("a start tag this does not read", PLAIN.replace('<w:style w:type="table"', "<w:style\nw:type=table")),
    ("no end", PLAIN.replace("</w:style></w:styles>", "</w:styles>")),
    ("another encoding", "<?xml version='1.0' encoding='ISO-8859-1'?>" + PLAIN),
])
def test_a_part_in_any_other_form_is_parsed_whole(label: str, data: str) -> None:
    raw = data.encode()
    assert select_elements(raw, _PARAGRAPH_STYLES) is None, label


def test_only_the_elements_needed_are_kept_and_a_utf16_part_is_parsed_whole() -> None:
    cut = select_elements(PLAIN.encode(), _PARAGRAPH_STYLES)
    assert cut is not None and b'w:styleId="H"' in cut and b'w:styleId="T"' not in cut
    assert select_elements(PLAIN.encode("utf-16"), _PARAGRAPH_STYLES) is None
    assert HeadingStyles.from_styles(parse_selected(PLAIN.encode("utf-16"), _PARAGRAPH_STYLES)).levels == {"H": 1}


def _package(styles: bytes) -> DocxPackage:
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"'
            ' Target="styles.xml"/></Relationships>')
    return DocxPackage({"word/document.xml": f'<w:document xmlns:w="{W}"><w:body/></w:document>'.encode(),
                        "word/_rels/document.xml.rels": rels.encode(), "word/styles.xml": styles})


def test_a_broken_style_that_is_read_is_refused_as_the_whole_part_refuses_it_and_one_not_read_is_not() -> None:
    headings._KNOWN.clear()
    broken_read = PLAIN.replace('<w:name w:val="heading 1"/>', '<w:name w:val="heading 1">').encode()
    with pytest.raises(UntrustedDocumentError) as refused:
        HeadingStyles.of(_package(broken_read))
    with pytest.raises(UntrustedDocumentError) as whole:
        _package(broken_read).parse("word/styles.xml")
    assert str(refused.value) == str(whole.value)  # the whole part's verdict, with its line
    # A table style is not read for headings: what is wrong only there is not looked at.
    broken_unread = PLAIN.replace('<w:name w:val="heading 2"/>', '<w:name w:val="heading 2">').encode()
    assert HeadingStyles.of(_package(broken_unread)).levels == {"H": 1}
