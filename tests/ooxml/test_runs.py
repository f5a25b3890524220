"""ooxml/runs.py: a word diff marked inside a paragraph as tracked changes, checked by the standard's rule
(Accept All gives the new text, Reject All the old one, formatting kept), on random texts split into runs at
random places; and the helpers that build runs, merge revision wrappers and clean copied content."""

from __future__ import annotations

import copy
import difflib
import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from strategy_builder.ooxml.accept import accept_all, reject_all
from strategy_builder.ooxml.namespaces import DEL, DEL_TEXT, INS, W, qn
from strategy_builder.ooxml.runs import (
    deleted_run, edit_paragraph, merge_wrappers, own_runs, sanitised_copy, text_run, wrap_runs,
)
from strategy_builder.ooxml.text import paragraph_text

_ids = itertools.count(1)


def revision(tag: str) -> etree._Element:
    return etree.Element(tag, {qn("w:id"): str(next(_ids)), qn("w:author"): "strategy-builder",
                               qn("w:date"): "2010-11-20T00:00:00Z"})


def paragraph(pieces: list[tuple[str, bool]]) -> etree._Element:
    """A ``w:p`` in a ``w:body`` with one run per piece, bold where asked."""
    body = etree.Element(qn("w:body"), nsmap={"w": W})
    p = etree.SubElement(body, qn("w:p"))
    for text, bold in pieces:
        run = etree.SubElement(p, qn("w:r"))
        if bold:
            etree.SubElement(etree.SubElement(run, qn("w:rPr")), qn("w:b"))
        t = etree.SubElement(run, qn("w:t"))
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return p


def word_ops(old: str, new: str) -> list[tuple[str, str]]:
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    ops: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            ops.append(("delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            ops.append(("insert", "".join(b[j1:j2])))
        if tag == "equal":
            ops.append(("equal", "".join(a[i1:i2])))
    return ops


def split(text: str, cuts: list[int], bold: list[bool]) -> list[tuple[str, bool]]:
    points = sorted({0, len(text), *(c % (len(text) + 1) for c in cuts)})
    return [(text[a:b], bold[i % len(bold)]) for i, (a, b) in enumerate(itertools.pairwise(points)) if b > a]


words = st.lists(st.sampled_from(["migration", "border", "Armenia", "EU", "return", "the", "and", "2011"]),
                 max_size=8).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(old=words, new=words, old_cuts=st.lists(st.integers(0, 80), max_size=4),
       new_cuts=st.lists(st.integers(0, 80), max_size=4), bold=st.lists(st.booleans(), min_size=1, max_size=3))
def test_accepting_the_marked_paragraph_gives_the_new_text_and_rejecting_it_the_old(
        old: str, new: str, old_cuts: list[int], new_cuts: list[int], bold: list[bool]) -> None:
    old_p = paragraph(split(old, old_cuts, bold))
    new_pieces = split(new, new_cuts, bold)
    new_p = paragraph(new_pieces)
    edit_paragraph(new_p, old_p, word_ops(old, new), revision)
    accepted, rejected = copy.deepcopy(new_p.getparent()), copy.deepcopy(new_p.getparent())
    assert paragraph_text(accept_all(accepted)[0]) == new
    assert paragraph_text(reject_all(rejected)[0]) == old
    # Accepted, every character keeps the formatting it had in the new paragraph.
    bold_chars = "".join(t.text or "" for t in accepted.iter(qn("w:t"))
                         if t.getparent().find(f"{qn('w:rPr')}/{qn('w:b')}") is not None)
    assert bold_chars == "".join(text for text, is_bold in new_pieces if is_bold)
    assert not any(w.getnext() is not None and w.getnext().tag == w.tag and not (w.tail or "").strip()
                   for w in new_p.iter(INS, DEL) if w.getparent() is new_p)  # neighbours merged


def test_a_run_writes_tabs_and_breaks_as_elements_and_a_deleted_one_uses_del_text() -> None:
    properties = etree.Element(qn("w:rPr"))
    etree.SubElement(properties, qn("w:i"))
    run = text_run("a\tb\nc", properties)
    assert [child.tag.split("}")[1] for child in run] == ["rPr", "t", "tab", "t", "br", "t"]
    assert run.find(qn("w:rPr")) is not properties  # a copy
    deleted = deleted_run("old\ttext", properties, revision)
    assert deleted.tag == DEL and [t.text for t in deleted.iter(DEL_TEXT)] == ["old", "text"]
    assert not list(deleted.iter(qn("w:t")))


def test_wrapping_every_run_gives_one_revision_and_deleted_text_becomes_del_text() -> None:
    p = paragraph([("first ", False), ("second", True)])
    wrap_runs(p, DEL, revision)
    assert [child.tag for child in p] == [DEL]
    assert [t.text for t in p.iter(DEL_TEXT)] == ["first ", "second"] and not list(p.iter(qn("w:t")))
    twice = paragraph([("a", False)])
    for _ in range(2):
        wrapper = revision(INS)
        twice.append(wrapper)
        wrapper.append(text_run("b", None))
    merge_wrappers(twice)
    assert [child.tag for child in twice] == [qn("w:r"), INS] and len(own_runs(twice)) == 3
    # Two reviewers' insertions side by side stay two revisions (a consolidated return), as do one
    # reviewer's at two times.
    for changed in (qn("w:author"), qn("w:date")):
        apart = paragraph([("a", False)])
        for value in ("one", "two"):
            wrapper = revision(INS)
            wrapper.set(changed, value)
            apart.append(wrapper)
            wrapper.append(text_run("b", None))
        merge_wrappers(apart)
        assert [child.tag for child in apart] == [qn("w:r"), INS, INS]
        merge_wrappers(apart, (DEL,))
        assert len(apart) == 3


def test_a_sanitised_copy_keeps_the_text_and_drops_references_to_the_old_package() -> None:
    p = paragraph([("kept", False)])
    run = p[0]
    etree.SubElement(p, qn("w:bookmarkStart"), {qn("w:id"): "3", qn("w:name"): "sec_1"})
    etree.SubElement(run, qn("w:footnoteReference"), {qn("w:id"): "2"})
    link = etree.SubElement(p, qn("w:hyperlink"), {qn("r:id"): "rId9"})
    link.append(text_run(" link", None))
    clone = sanitised_copy(p)
    assert paragraph_text(clone) == "kept link"
    assert not list(clone.iter(qn("w:bookmarkStart"), qn("w:footnoteReference"), qn("w:hyperlink")))
    assert list(p.iter(qn("w:bookmarkStart")))  # the original is untouched


def test_deleted_words_keep_the_formatting_they_had_in_the_old_paragraph() -> None:
    old = paragraph([("Armenia ", False), ("strongly ", True), ("agrees", False)])
    new = paragraph([("Armenia agrees", False)])
    edit_paragraph(new, old, word_ops("Armenia strongly agrees", "Armenia agrees"), revision)
    [deleted] = new.findall(DEL)
    assert "".join(deleted.itertext()) == "strongly "
    assert deleted.find(f"{qn('w:r')}/{qn('w:rPr')}/{qn('w:b')}") is not None
