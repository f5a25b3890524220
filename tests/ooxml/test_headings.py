"""One heading detector: a localized heading style counts the same for the diff (blocks) and for comments
(the nearest heading of an item)."""

from __future__ import annotations

import pytest

from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.ooxml import headings
from strategy_builder.ooxml.blocks import Paragraph, read_blocks
from strategy_builder.ooxml.headings import HeadingStyles
from strategy_builder.ooxml.namespaces import W
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.zip_archive import ZipLimits
from strategy_builder.ooxml.parser import parse_xml
from strategy_builder.ooxml.stories import Locator, document_stories

STYLES = f"""<w:styles xmlns:w="{W}">
  <w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="Überschrift 1"/></w:style>
  <w:style w:type="paragraph" w:styleId="a2"><w:name w:val="Заголовок 2"/></w:style>
  <w:style w:type="paragraph" w:styleId="Outlined"><w:name w:val="Chapter"/>
    <w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
  <w:style w:type="paragraph" w:styleId="ChapterRed"><w:name w:val="Chapter red"/>
    <w:basedOn w:val="Outlined"/></w:style>
  <w:style w:type="paragraph" w:styleId="Titel"><w:name w:val="Title"/></w:style>
  <w:style w:type="paragraph" w:styleId="BodyText"><w:name w:val="Body Text"/></w:style>
  <w:style w:type="character" w:styleId="Heading1Char"><w:name w:val="Heading 1 Char"/></w:style>
</w:styles>"""


def _paragraph(text: str, style: str = "", outline: str | None = None) -> str:
    properties = (f'<w:pStyle w:val="{style}"/>' if style else "") + (
        f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else "")
    return f"<w:p><w:pPr>{properties}</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"


BODY = "".join([
    _paragraph("Cover text"),
    _paragraph("Einleitung", "berschrift1"),
    _paragraph("Body one", "BodyText"),
    _paragraph("Раздел", "a2"),
    _paragraph("Body two"),
    _paragraph("Chapter by outline", "ChapterRed"),
    _paragraph("Not a heading after all", "berschrift1", outline="9"),
    _paragraph("Direct outline", "", outline="0"),
    _paragraph("Undefined style named like one", "Heading3"),
])
EXPECTED = {"Einleitung": 1, "Раздел": 2, "Chapter by outline": 3, "Direct outline": 1,
            "Undefined style named like one": 3}


def _package() -> DocxPackage:
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"'
            ' Target="styles.xml"/></Relationships>')
    return DocxPackage({"word/document.xml": f'<w:document xmlns:w="{W}"><w:body>{BODY}</w:body></w:document>'.encode(),
                        "word/_rels/document.xml.rels": rels.encode(), "word/styles.xml": STYLES.encode()})


def test_style_levels_in_any_language_by_outline_and_through_based_on() -> None:
    levels = HeadingStyles.from_styles(parse_xml(STYLES)).levels
    assert levels == {"berschrift1": 1, "a2": 2, "Outlined": 3, "ChapterRed": 3, "Titel": 1}


def test_the_diff_and_the_comment_reader_agree_on_every_heading() -> None:
    package = _package()
    blocks = read_blocks(package.xml("word/document.xml").find(f"{{{W}}}body"), HeadingStyles.of(package))
    by_blocks = {b.text: b.heading for b in blocks if isinstance(b, Paragraph) and b.heading is not None}
    assert by_blocks == EXPECTED

    locator = Locator(package, document_stories(package))
    nearest = [locator.heading(index) for index in range(len(locator.paragraphs))]
    # The nearest heading of each paragraph is the last paragraph at or before it that the blocks call a heading.
    expected, current = [], ""
    for block in blocks:
        assert isinstance(block, Paragraph)
        current = block.text if block.heading is not None else current
        expected.append(current)
    assert nearest == expected


@pytest.mark.parametrize("name", ["heading 4", "Heading4", "Überschrift 4", "Titre 4", "Título 4", "Заголовок 4"])
def test_heading_names_of_the_languages_drafts_come_back_in(name: str) -> None:
    styles = parse_xml(f'<w:styles xmlns:w="{W}"><w:style w:type="paragraph" w:styleId="x">'
                       f'<w:name w:val="{name}"/></w:style></w:styles>')
    assert HeadingStyles.from_styles(styles).levels == {"x": 4}



def _budget_package(tags: int) -> DocxPackage:
    """The package of :func:`_package` with a budget of ``tags`` tags for its XML parts."""
    parts = _package().parts
    return DocxPackage({name: parts[name] for name in parts}, limits=ZipLimits(max_xml_tags=tags))


def test_styles_read_before_are_remembered_and_still_count_against_the_tag_budget() -> None:
    first, second = _package(), _package()
    assert HeadingStyles.of(second) is HeadingStyles.of(first), "the same styles bytes are read once"
    needed = sum(first.parts[name].count(b"<") for name in ("word/_rels/document.xml.rels", "word/styles.xml"))
    for remembered in (False, True):  # what the budget refuses does not depend on what was read before
        headings._KNOWN.clear()
        if remembered:
            HeadingStyles.of(_package())
        with pytest.raises(UntrustedDocumentError, match="tags"):
            HeadingStyles.of(_budget_package(needed - 1))
        exact = _budget_package(needed)
        assert HeadingStyles.of(exact).levels == HeadingStyles.from_styles(parse_xml(STYLES)).levels
        exact.xml("word/styles.xml")  # a later reader of the styles: they are counted once, not twice
        with pytest.raises(UntrustedDocumentError, match="tags"):
            exact.parse("word/styles.xml")  # parsed once more: counted again, and over the budget
