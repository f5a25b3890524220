"""The byte-preserving YAML editor: only the bytes of the edited values change, in every style, with CRLF and
byte-order marks kept; every edit reads back as intended or is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from strategy_builder.inputs.yaml_edit import EditRefused, TextEdit, YamlEditor
from strategy_builder.inputs.yamlsource import parse_yaml

SAMPLES = sorted((REPO / "inputs").rglob("*.yaml"))


def _read(raw: bytes) -> dict:
    document, findings = parse_yaml(raw, Path("x.yaml"), "x.yaml")
    assert document is not None, findings
    return document.data


def _value(data: dict, path: tuple) -> object:
    for part in path:
        data = data[part]
    return data


@pytest.mark.parametrize("line_ending", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_every_sample_file_edited_in_place(sample: Path, line_ending: str) -> None:
    """Setting every value to itself changes no byte; an edit of a value changes the bytes of that value
    only."""
    raw = sample.read_bytes().replace(b"\n", line_ending.encode())
    editor = YamlEditor(raw, sample.name)
    scalars = [path for path, node in editor._scan.nodes.items() if node.kind == "scalar" and editor.value(path)]
    for path in scalars:
        editor.set_value(path, editor.value(path) or "")
    assert editor.result() == raw
    nodes = YamlEditor(raw, sample.name)._scan.nodes
    # Every block and quoted scalar and every fifth plain one, at most 16 a file (8 with CRLF): the suite's
    # time budget; the property test below edits block scalars at random.
    chosen = [p for i, p in enumerate(scalars) if nodes[p].style or i % 5 == 0]
    for path in chosen[::max(1, len(chosen) // (8 if line_ending == "\r\n" else 16))]:
        node = nodes[path]
        edited = YamlEditor(raw, sample.name)
        value = edited.value(path) or ""
        middle = value.find(" ", len(value) // 2)
        middle = len(value) if middle < 0 else middle
        edited.replace(path, [TextEdit(middle, middle, " (as agreed: 'see #3')")])
        out = edited.result()
        assert _value(_read(out), path) == value[:middle] + " (as agreed: 'see #3')" + value[middle:]
        text, new = raw.decode("utf-8"), out.decode("utf-8")
        assert new.startswith(text[:node.start]) and new.endswith(text[node.end:]), path


BLOCKS = """\ufeff# a comment that stays
title: 'It''s a title'   # trailing comment
plain: a plain value that
  wraps over two lines
quoted: "tab\\there and a \\"quote\\""
literal: |
  First line of a paragraph
  that continues here.

  - a bullet
  - another bullet
folded: >-
  folded text
  continues

  new paragraph
items:
  - id: one
    title: One
    text: |
      Action text.
  - {id: two, title: Two}
"""


@pytest.mark.parametrize("line_ending", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize(("path", "edit", "expected"), [
    (("title",), TextEdit(5, 6, "a short"), "It's a short title"),
    (("plain",), TextEdit(2, 7, "simple"), "a simple value that wraps over two lines"),
    (("plain",), TextEdit(14, 19, ""), "a plain value wraps over two lines"),
    (("quoted",), TextEdit(0, 3, 'a "new" \\'), 'a "new" \\\there and a "quote"'),
    (("literal",), TextEdit(6, 10, "sentence"), "First sentence of a paragraph\nthat continues here.\n\n"
                                                  "- a bullet\n- another bullet\n"),
    (("literal",), TextEdit(26, 47, ""), "First line of a paragraph\n\n- a bullet\n- another bullet\n"),
    (("literal",), TextEdit(75, 75, " or two"), "First line of a paragraph\nthat continues here.\n\n"
                                                 "- a bullet\n- another bullet or two\n"),
    (("folded",), TextEdit(0, 6, "Folded"), "Folded text continues\nnew paragraph"),
    (("items", 0, "text"), TextEdit(6, 6, " now"), "Action now text.\n"),
    (("items", 1, "title"), TextEdit(0, 3, "Second"), "Second"),
])
def test_each_style_keeps_its_style(path: tuple, edit: TextEdit, expected: str, line_ending: str) -> None:
    raw = BLOCKS.replace("\n", line_ending).encode("utf-8")
    editor = YamlEditor(raw, "blocks.yaml")
    editor.replace(path, [edit])
    out = editor.result()
    data, before = _read(out), _read(raw)
    assert _value(data, path) == expected
    assert out.startswith("\ufeff".encode()) and out.count(b"\r\n") >= (raw.count(b"\r\n") - 3)
    for key in before:
        if key != path[0]:
            assert data[key] == before[key]
    assert b"# a comment that stays" in out and b"# trailing comment" in out
    assert out.decode().count(line_ending) >= raw.decode().count(line_ending) - 3


def test_a_value_that_plain_style_cannot_hold_is_quoted_and_one_that_cannot_be_written_is_refused() -> None:
    editor = YamlEditor(b"a: value\nb: |\n  block\n", "x.yaml")
    editor.set_value(("a",), "key: value # not a comment")
    assert _read(editor.result())["a"] == "key: value # not a comment"
    editor.set_value(("a",), "null")
    assert _read(editor.result())["a"] == "null"
    before = editor.result()
    with pytest.raises(EditRefused):
        editor.replace(("missing",), [TextEdit(0, 0, "x")])
    assert editor.result() == before


def test_lists_of_row_ids_are_added_once() -> None:
    raw = (b"items:\n  - id: one\n    title: One   # keep\n    text: |\n      Action.\n"
           b"  - id: two\n    title: Two\n    responds_to: [T-AAAA1]\n"
           b"  - id: three\n    responds_to:\n      - T-BBBB1\n")
    editor = YamlEditor(raw, "x.yaml")
    assert editor.add_to_list(("items", 0), "responds_to", ["T-CCCC1"], after=("title",)) == ["T-CCCC1"]
    assert editor.add_to_list(("items", 1), "responds_to", ["T-AAAA1", "T-DDDD1"]) == ["T-DDDD1"]
    assert editor.add_to_list(("items", 2), "responds_to", ["T-EEEE1"]) == ["T-EEEE1"]
    assert editor.add_to_list(("items", 2), "responds_to", ["T-EEEE1"]) == []
    out = editor.result().decode()
    assert "    title: One   # keep\n    responds_to: [T-CCCC1]\n    text: |" in out
    assert [item.get("responds_to") for item in _read(out.encode())["items"]] == [
        ["T-CCCC1"], ["T-AAAA1", "T-DDDD1"], ["T-BBBB1", "T-EEEE1"]]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_random_edits_of_a_literal_block_change_only_its_bytes(data: st.DataObject) -> None:
    raw = BLOCKS.encode("utf-8")
    editor = YamlEditor(raw, "blocks.yaml")
    value = editor.value(("literal",)) or ""
    start = data.draw(st.integers(0, len(value) - 1))
    end = data.draw(st.integers(start, min(len(value) - 1, start + 30)))
    text = data.draw(st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), max_size=20))
    try:
        editor.replace(("literal",), [TextEdit(start, end, text)])
    except EditRefused:
        assert editor.result() == raw
        return
    out = editor.result()
    assert _read(out)["literal"] == value[:start] + text + value[end:]
    node = YamlEditor(raw, "x")._scan.nodes[("literal",)]
    assert out.startswith(raw[:len(BLOCKS[:node.start].encode())])
    assert out.endswith(BLOCKS[node.end:].encode())


def test_edits_made_all_or_nothing_are_undone_together_when_one_is_refused() -> None:
    raw = b"items:\n  - {text: Old words, lead: [HU]}\n  - text: Other words\n"
    editor = YamlEditor(raw, "x.yaml")
    with pytest.raises(EditRefused, match="not a block mapping"), editor.all_or_nothing():
        editor.set_value(("items", 0, "text"), "New words")
        editor.add_to_list(("items", 0), "responds_to", ["T-1"])  # a flow mapping takes no new key in place
    assert editor.result() == raw and editor.value(("items", 0, "text")) == "Old words"
    with editor.all_or_nothing():
        editor.set_value(("items", 1, "text"), "New words")
        editor.add_to_list(("items", 1), "responds_to", ["T-1"], after=("text",))
    assert _read(editor.result())["items"][1] == {"text": "New words", "responds_to": ["T-1"]}
