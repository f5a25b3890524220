"""ooxml/redline.py and ooxml/carry.py, the writer of native tracked changes, driven by a plan written here by
hand (the protocols the review layer fills): Accept All of the result gives the new document, Reject All the
old one, and every revision carries the author and date asked for. (tests/ooxml/test_redline.py checks the
same invariant on plans the diff makes.)"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import docx
from lxml import etree

from strategy_builder.ooxml.accept import accept_all, reject_all
from strategy_builder.ooxml.blocks import Block
from strategy_builder.ooxml.body import DocumentBody, read_body
from strategy_builder.ooxml.carry import isolate, mark_deleted, wrap_element
from strategy_builder.ooxml.namespaces import DEL, DEL_TEXT, INS, W, qn
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.redline import redline_document
from strategy_builder.ooxml.text import paragraph_text

OLD = ["1. Situation", "Armenia is primarily a country of emigration.", "Remittances matter.", "A removed point."]
NEW = ["1. Situation", "Armenia is mainly a country of emigration.", "Remittances matter.", "A new point."]


@dataclass(frozen=True)
class Pair:
    kind: str
    old: Block | None
    new: Block | None
    ops: Sequence[tuple[str, str]] = ()
    objects: Sequence[object] = ()
    rows: Sequence[object] = ()
    is_table: bool = False


@dataclass(frozen=True)
class Segment:
    status: str
    pairs: Sequence[Pair]
    move_id: int | None = None


def _body(texts: list[str]) -> DocumentBody:
    document = docx.Document()
    document.add_heading(texts[0], level=1)
    for text in texts[1:]:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return read_body(DocxPackage.from_bytes(buffer.getvalue()))


def _ops(old: str, new: str) -> list[tuple[str, str]]:
    a, b = old.split(" "), new.split(" ")
    ops: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
        if tag == "equal":
            ops.append(("equal", " ".join(a[i1:i2]) + " "))
        else:
            ops += [("delete", " ".join(a[i1:i2]) + " "), ("insert", " ".join(b[j1:j2]) + " ")]
    last_kind, last_text = ops[-1]
    ops[-1] = (last_kind, last_text[:-1])
    return ops


def _texts(root: etree._Element) -> list[str]:
    return [paragraph_text(p) for p in root.iter(qn("w:p"))]


def test_accepting_the_redline_gives_the_new_document_and_rejecting_it_the_old() -> None:
    old, new = _body(OLD), _body(NEW)
    o, n = old.blocks, new.blocks
    segments = [Segment("equal", [Pair("equal", o[0], n[0])]),
                Segment("changed", [Pair("changed", o[1], n[1], ops=_ops(OLD[1], NEW[1])),
                                    Pair("equal", o[2], n[2])]),
                Segment("deleted", [Pair("deleted", o[3], None)]),
                Segment("inserted", [Pair("inserted", None, n[3])])]
    data = redline_document(new, segments, author="Drafting team", date=dt.date(2010, 11, 20), old=old)
    root = DocxPackage.from_bytes(data).parse("word/document.xml")
    marks = list(root.iter(INS, DEL))
    assert marks and {(m.get(qn("w:author")), m.get(qn("w:date"))) for m in marks} == {
        ("Drafting team", "2010-11-20T00:00:00Z")}
    assert len({m.get(qn("w:id")) for m in marks}) == len(marks)
    assert _texts(accept_all(etree.fromstring(etree.tostring(root)))) == NEW
    assert _texts(reject_all(etree.fromstring(etree.tostring(root)))) == OLD
    paragraphs = list(root.iter(qn("w:p")))
    assert len(paragraphs) == 5 and len(docx.Document(io.BytesIO(data)).paragraphs) == 5
    assert [t.text for t in paragraphs[1].iter(DEL_TEXT)] == ["primarily "]
    assert [t.text for t in paragraphs[1].iter(qn("w:t")) if t.getparent().getparent().tag == INS] == ["mainly "]
    assert paragraphs[2].find(f".//{INS}") is None and paragraphs[2].find(f".//{DEL}") is None  # equal: untouched
    assert "".join(t.text for t in paragraphs[3].iter(DEL_TEXT)) == OLD[3]
    assert paragraphs[4].find(INS) is not None


_ids = itertools.count(1)


def _revision(tag: str) -> etree._Element:
    return etree.Element(tag, {qn("w:id"): str(next(_ids)), qn("w:author"): "a", qn("w:date"): "2010-11-20T00:00:00Z"})


def _note(*texts: str) -> etree._Element:
    note = etree.Element(qn("w:footnote"), nsmap={"w": W})
    for text in texts:
        etree.SubElement(etree.SubElement(etree.SubElement(note, qn("w:p")), qn("w:r")), qn("w:t")).text = text
    return note


def test_a_deleted_note_keeps_its_last_paragraph_mark_and_rejects_to_its_text() -> None:
    note = _note("First line.", "Second line.")
    mark_deleted(note, _revision)
    paragraphs = note.findall(qn("w:p"))
    assert paragraphs[0].find(f"{qn('w:pPr')}/{qn('w:rPr')}/{DEL}") is not None
    assert paragraphs[1].find(qn("w:pPr")) is None  # Word keeps the last mark of a story
    assert [t.text for t in note.iter(DEL_TEXT)] == ["First line.", "Second line."]
    assert not list(note.iter(qn("w:t")))
    assert _texts(reject_all(etree.fromstring(etree.tostring(note)))) == ["First line.", "Second line."]
    assert _texts(accept_all(etree.fromstring(etree.tostring(note)))) == [""]
    # A paragraph whose formatting a reviewer changed: its mark goes before w:pPrChange, where the schema has it.
    reformatted = _note("Reformatted.", "Last.")
    first = reformatted[0]
    properties = etree.SubElement(first, qn("w:pPr"))
    first.insert(0, properties)
    etree.SubElement(properties, qn("w:jc"), {qn("w:val"): "center"})
    etree.SubElement(properties, qn("w:pPrChange"), {qn("w:id"): "90", qn("w:author"): "b"})
    mark_deleted(reformatted, _revision)
    assert [child.tag for child in properties] == [qn("w:jc"), qn("w:rPr"), qn("w:pPrChange")]


def test_an_element_is_isolated_in_a_run_of_its_own_with_the_same_formatting() -> None:
    note = _note("Text")
    run = note.find(f"{qn('w:p')}/{qn('w:r')}")
    etree.SubElement(etree.SubElement(run, qn("w:rPr")), qn("w:b"))
    run.insert(0, run[-1])
    reference = etree.SubElement(run, qn("w:footnoteReference"), {qn("w:id"): "2"})
    alone = isolate(reference)
    assert alone is not run and alone.getprevious() is run and list(alone)[-1] is reference
    assert alone.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None and run.find(qn("w:t")).text == "Text"
    assert isolate(reference) is alone  # already alone: the run itself
    wrapper = wrap_element(alone, DEL, _revision)
    assert wrapper.tag == DEL and wrapper[0] is alone and wrapper.getprevious() is run
