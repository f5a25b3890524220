"""Cutting a rendered body into blocks, groups and rows (ooxml/body_units.py)."""

from __future__ import annotations

import pytest

from strategy_builder.ooxml.body_units import BODY_END, Unit, group_blocks, split_body, units
from strategy_builder.ooxml.markers import anchor_marker, begin_marker, end_marker
from strategy_builder.ooxml.namespaces import W

HEAD = f'<w:document xmlns:w="{W}"><w:body>'


def _p(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def _table(*cells: str) -> str:
    return "<w:tbl>" + "".join(f"<w:tr><w:tc>{_p(cell)}</w:tc></w:tr>" for cell in cells) + "</w:tbl>"


def _part(blocks: list[str]) -> str:
    return HEAD + "".join(blocks) + "<w:sectPr/>" + BODY_END


def test_the_body_is_cut_at_its_top_level_paragraphs_and_tables() -> None:
    nested = "<w:tbl><w:tr><w:tc><w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl><w:p/></w:tc></w:tr></w:tbl>"
    blocks = [_p("one"), '<w:p w:rsidR="00A1"/>', nested, _table("a", "b"), "<w:p/>", _p("last")]
    body = split_body(_part(blocks))
    assert body is not None
    assert body.head == HEAD and body.blocks == blocks and body.tail == "<w:sectPr/>"


@pytest.mark.parametrize("part", [
    _part([_p("one"), "<w:bookmarkStart w:id=\"1\" w:name=\"x\"/>", _p("two")]),  # markup between two blocks
    _part([_p("one"), "<!-- <w:p> -->", _p("two")]),  # a comment may hide a tag
    _part([_p("one<?pi x?>")]),
    _part([_p("one"), '<w:p><w:r><w:pict><w:txbxContent><w:p/></w:txbxContent></w:pict></w:r></w:p>']),
    _part([]),  # no block
    HEAD + _p("one") + "</w:body></w:document>\n",  # not the end tags a part ends with
    _part([_p("one")]).replace("<w:body>", "<w:body><w:body>"),
    _part(["<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr>"]),  # a table never closed
])
def test_a_body_with_anything_else_is_not_cut(part: str) -> None:
    assert split_body(part) is None


def test_a_paragraph_of_markers_alone_is_grouped_with_its_neighbours() -> None:
    begin, end = _p(begin_marker("S")), _p(end_marker("S"))
    heading = _p(anchor_marker("_Toc_a") + "A heading")  # a marker in a text: kept where it is, bookmarked
    blocks = ["<w:p/>", _p("a"), begin, _p("b"), heading, _p("c"), end, _table("t"), _table("u")]
    assert group_blocks(blocks) == ["<w:p/>", _p("a") + begin + _p("b"), heading, _p("c") + end + _table("t"),
                                    _table("u")]
    assert group_blocks([_p("a"), begin, end, _p("b")]) == [_p("a") + begin + end + _p("b")]
    assert group_blocks([begin]) == [begin]


def test_a_long_table_alone_is_cut_into_its_rows() -> None:
    rows = [f"<w:tr><w:tc>{_p(str(row))}</w:tc></w:tr>" for row in range(9)]
    start = "<w:tbl><w:tblPr/><w:tblGrid/>"
    assert units([start + "".join(rows) + "</w:tbl>"]) == [
        Unit(row, start, at == 0, at == 8) for at, row in enumerate(rows)]
    short = start + "".join(rows[:8]) + "</w:tbl>"  # the short-table pass keeps it together: whole
    nested = start + rows[0].replace(_p("0"), _table("x")) + "".join(rows[1:]) + "</w:tbl>"
    marked = start + rows[0].replace("0", begin_marker("S")) + "".join(rows[1:]) + "</w:tbl>"
    assert [unit.text for unit in units([short, nested, marked])] == [short, nested, marked]
