"""Unwrapping an element keeps its children, in order, where it stood."""

from __future__ import annotations

from lxml import etree

from strategy_builder.ooxml.tree import unwrap


def test_unwrap_puts_the_children_in_place_of_the_element() -> None:
    root = etree.fromstring("<p><a/><ins><r>1</r><r>2</r></ins><b/></p>")
    ins = root.find("ins")
    assert ins is not None
    unwrap(ins)
    assert etree.tostring(root) == b"<p><a/><r>1</r><r>2</r><b/></p>"


def test_an_element_without_a_parent_is_left_alone() -> None:
    lonely = etree.fromstring("<ins><r/></ins>")
    unwrap(lonely)
    assert etree.tostring(lonely) == b"<ins><r/></ins>"
