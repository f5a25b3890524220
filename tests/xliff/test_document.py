"""xliff/document.py: XLIFF 2.1 written deterministically and read back unit for unit (any text a YAML value can
hold), tolerant of what CAT tools add, strict about what it needs, with the line of each problem."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strategy_builder.xliff.document import (
    XLIFF_NAMESPACE, XliffDocument, XliffError, XliffFile, XliffNote, XliffUnit, read_xliff, write_xliff,
)

texts = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
                | st.sampled_from(["\n", "\t", " ", "<", "&", "]", ">"]), max_size=40)


def _document(source: str, target: str | None, note: str = "") -> XliffDocument:
    unit = XliffUnit("u1", "areas.integration.priorities[x].title", source, target,
                     "translated" if target else "initial", [XliffNote("location", "AM.yaml:12")] +
                     ([XliffNote("", note)] if note else []), {"source-fingerprint": "0123456789ab"})
    return XliffDocument("en", "ru", [XliffFile("AM", "inputs/partners/AM.yaml", [unit],
                                                [XliffNote("context", "Armenia")])])


@settings(max_examples=60, deadline=None)
@given(source=texts, target=st.none() | texts, note=texts)
def test_what_is_written_reads_back_the_same(source: str, target: str | None, note: str) -> None:
    document = _document(source, target, note)
    data = write_xliff(document)
    assert data == write_xliff(document)  # deterministic
    assert data.count(b'<source xml:space="preserve">') == 1  # CAT tools keep the spaces of the text
    assert data.count(b'<target xml:space="preserve">') == (target is not None)
    back = read_xliff(data)
    [file] = back.files
    [unit] = file.units
    assert (back.source_language, back.target_language) == ("en", "ru")
    assert (file.id, file.original, file.notes) == ("AM", "inputs/partners/AM.yaml", [XliffNote("context", "Armenia")])
    expected = document.files[0].units[0]
    assert (unit.id, unit.name, unit.source, unit.target, unit.state, unit.notes, unit.metadata) == (
        expected.id, expected.name, expected.source, expected.target, expected.state, expected.notes,
        expected.metadata)
    assert unit.line is not None and unit.line > 1


def test_what_a_cat_tool_adds_is_read_past() -> None:
    data = f"""<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="{XLIFF_NAMESPACE}" xmlns:its="http://www.w3.org/2005/11/its" version="2.0" srcLang="en" trgLang="ru">
  <!-- saved by a CAT tool -->
  <file id="AM" original="inputs/partners/AM.yaml" its:annotatorsRef="x">
    <unit id="u1" name="title">
      <segment state="reviewed"><source>Border <ph id="1"/>management</source>
        <target>Управление <pc id="2">границей</pc></target></segment>
      <ignorable><source> </source></ignorable>
    </unit>
  </file>
</xliff>""".encode()
    [unit] = read_xliff(data).files[0].units
    assert (unit.source, unit.target, unit.state, unit.metadata) == (
        "Border management", "Управление границей", "reviewed", {})


@pytest.mark.parametrize(("data", "words", "line"), [
    (b"<xliff", "not well-formed XML", 1),
    (b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]><xliff/>', "DOCTYPE or entity", None),
    (b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"/>', "not an XLIFF 2", 1),
    (f'<xliff xmlns="{XLIFF_NAMESPACE}" version="3.0"/>'.encode(), "XLIFF version 3.0", 1),
    (f'<xliff xmlns="{XLIFF_NAMESPACE}" version="2.1">\n<file id="f">\n<unit id="u">\n'
     '<segment><source>a</source></segment><segment><source>b</source></segment></unit></file></xliff>'.encode(),
     "has 2 segments", 3)])
def test_what_is_not_xliff_2_is_refused_with_its_line(data: bytes, words: str, line: int | None) -> None:
    with pytest.raises(XliffError) as refused:
        read_xliff(data)
    assert words in refused.value.message and refused.value.line == line
