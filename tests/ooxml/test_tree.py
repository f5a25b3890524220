"""Unwrapping an element keeps its children, in order, where it stood; detaching one takes it out whole; the
paragraph mark's properties are found, and made where the schema puts them."""

from __future__ import annotations

from lxml import etree

from strategy_builder.ooxml.namespaces import PPR, RPR, qn
from strategy_builder.ooxml.tree import add_mark_properties, detach, mark_properties, unwrap


def test_unwrap_puts_the_children_in_place_of_the_element() -> None:
    root = etree.fromstring("<p><a/><ins><r>1</r><r>2</r></ins><b/></p>")
    ins = root.find("ins")
    assert ins is not None
    unwrap(ins)
    assert etree.tostring(root) == b"<p><a/><r>1</r><r>2</r><b/></p>"


def test_an_element_without_a_parent_is_left_alone() -> None:
    lonely = etree.fromstring("<ins><r/></ins>")
    unwrap(lonely)
    detach(lonely)
    assert etree.tostring(lonely) == b"<ins><r/></ins>"


def test_detaching_takes_the_element_with_its_children_out_of_its_parent() -> None:
    root = etree.fromstring("<p><a/><ins><r>1</r></ins><b/></p>")
    ins = root.find("ins")
    assert ins is not None
    detach(ins)
    assert etree.tostring(root) == b"<p><a/><b/></p>" and etree.tostring(ins) == b"<ins><r>1</r></ins>"


def _paragraph(inner: str) -> etree._Element:
    return etree.fromstring(f'<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{inner}</w:p>')


def test_the_paragraph_marks_properties_are_made_in_their_schema_place_once() -> None:
    bare = _paragraph("<w:r><w:t>x</w:t></w:r>")
    assert mark_properties(bare) is None
    made = add_mark_properties(bare)
    assert [child.tag for child in bare] == [PPR, qn("w:r")] and made.getparent() is bare[0]
    assert add_mark_properties(bare) is made and mark_properties(bare) is made
    # Before w:sectPr and w:pPrChange, after the other paragraph properties.
    for tail in ("w:sectPr", "w:pPrChange"):
        styled = _paragraph(f'<w:pPr><w:pStyle w:val="Body"/><{tail}/></w:pPr>')
        add_mark_properties(styled)
        assert [child.tag for child in styled[0]] == [qn("w:pStyle"), RPR, qn(tail)]
    plain = _paragraph('<w:pPr><w:jc w:val="left"/></w:pPr>')
    assert mark_properties(plain) is None
    add_mark_properties(plain)
    assert [child.tag for child in plain[0]] == [qn("w:jc"), RPR]
