"""The XML text of a template's parts as the template engine sees it."""

from __future__ import annotations

import pytest

from conftest import REPO
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.parser import XmlRefused
from strategy_builder.ooxml.template_xml import (
    has_cell_loops, has_listing_characters, paragraphs_joined, paragraphs_on_lines, part_text, text_near_line,
)


def test_paragraphs_go_on_lines_of_their_own_and_back() -> None:
    source = '<w:body><w:p><w:r><w:t>{{ a }}</w:t></w:r></w:p><w:p w:rsidR="1"><w:r/></w:p><w:pPr/></w:body>'
    lined = paragraphs_on_lines(source)
    assert lined.count("\n<w:p") == 2 and "\n<w:pPr" not in lined
    assert paragraphs_joined(lined) == source


def test_cell_loops_are_found_across_split_runs() -> None:
    assert has_cell_loops("<w:t>{%</w:t><w:t>tc for x in y %}</w:t>")
    assert not has_cell_loops("<w:t>{% for x in y %}</w:t>")


def test_listing_characters_only_inside_text_runs() -> None:
    assert has_listing_characters("<w:t>a\tb</w:t>")
    assert not has_listing_characters("<w:p>\n<w:t>ab</w:t></w:p>")


def test_text_near_a_line_is_the_visible_text_around_it() -> None:
    source = "<w:p><w:t>one</w:t></w:p>\n<w:p><w:t>two {{ x </w:t></w:p>\n<w:p><w:t>three</w:t></w:p>"
    assert text_near_line(source, 2) == "one two {{ x three"
    assert text_near_line(source, None) == ""


def test_part_text_parses_strictly() -> None:
    package = DocxPackage.open(REPO / "templates" / "strategy.docx")
    main = package.main_part_name()
    assert part_text(package, main).startswith("<w:document")
    package.parts[main] = b"<w:document"
    with pytest.raises(XmlRefused):
        part_text(package, main)
