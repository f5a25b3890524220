"""Where the nodes of a YAML text are (yaml_scan.py) and how each scalar is spelled there, both ways
(yaml_scalars.py): the maps from a value's characters to the file's, and text written in a scalar's style.
The editor built on them is tested in test_yaml_edit.py."""

from __future__ import annotations

import pytest
import yaml

from strategy_builder.inputs.yaml_scalars import double_quoted, encode_in_style, scalar_map
from strategy_builder.inputs.yaml_scan import EditRefused, NodeScan, column_of

STYLES = """\
plain: a plain value that
  wraps over two lines
single: 'It''s

  two paragraphs'
double: "tab\\there, a \\"quote\\", \\u00e9 and a \\
  joined line"
literal: |
  First line
    indented more

  last line
folded: >-
  folded text
  continues

  new paragraph
items:
  - one
  - {id: two, title: Two}
"""


@pytest.mark.parametrize("line_ending", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_the_scan_finds_every_node_where_it_is_written(line_ending: str) -> None:
    text = STYLES.replace("\n", line_ending)
    scan = NodeScan(text)
    assert scan.data == yaml.safe_load(text)
    nodes = scan.nodes
    assert {nodes[(key,)].style for key in ("plain", "single", "double", "literal", "folded")} == {
        "", "'", '"', "|", ">"}
    for key in ("plain", "single", "double", "literal", "folded"):
        node = nodes[(key,)]
        assert node.kind == "scalar" and node.key_start is not None
        assert text[node.key_start:].startswith(f"{key}:") and column_of(text, node.key_start) == 0
    plain = nodes[("plain",)]
    assert text[plain.start:plain.end] == f"a plain value that{line_ending}  wraps over two lines"
    assert nodes[("items",)].kind == "sequence" and not nodes[("items",)].flow
    assert nodes[("items", 1)].kind == "mapping" and nodes[("items", 1)].flow
    assert text[nodes[("items", 1, "title")].start:nodes[("items", 1, "title")].end] == "Two"
    assert column_of(text, nodes[("items", 0)].start) == 4
    with pytest.raises(EditRefused, match="aliases"):
        NodeScan("a: &x value\nb: *x\n")


@pytest.mark.parametrize("line_ending", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_every_character_of_every_style_maps_to_the_characters_that_spell_it(line_ending: str) -> None:
    text = STYLES.replace("\n", line_ending)
    scan = NodeScan(text)
    for key in ("plain", "single", "double", "literal", "folded"):
        node = scan.nodes[(key,)]
        mapped = scalar_map(text, node)
        assert mapped.value == scan.data[key]
        assert len(mapped.spans) == len(mapped.value)
        assert all(node.start <= start < end <= node.end for start, end in mapped.spans)
        assert [start for start, _ in mapped.spans] == sorted(start for start, _ in mapped.spans)
        for character, (start, end) in zip(mapped.value, mapped.spans, strict=True):
            if end - start == 1 and character not in " \n":
                assert text[start] == character, key  # a character spelled as itself
    double = scalar_map(text, scan.nodes[("double",)])
    escaped = {double.value[i]: text[s:e] for i, (s, e) in enumerate(double.spans) if e - s > 1}
    assert escaped["\t"] == "\\t" and escaped['"'] == '\\"' and escaped["é"] == "\\u00e9"
    literal = scalar_map(text, scan.nodes[("literal",)])
    assert literal.indent == "  " and text[literal.content_end - len("last line"):literal.content_end] == "last line"
    with pytest.raises(EditRefused, match="not a single value"):
        scalar_map(text, scan.nodes[("items",)])


@pytest.mark.parametrize("value", ["plain words", 'a "quote", a \\ and a tab\there', "It's", "first\nsecond",
                                   "control \x07 and é"])
@pytest.mark.parametrize("style", ["", "'", '"', "|", ">"])
def test_text_written_in_a_style_reads_back_as_itself_or_is_refused(style: str, value: str) -> None:
    encoded = encode_in_style(value, style, "  ", "\n")
    if encoded is None:  # a style that cannot hold the text in place: a line break outside '|' and '"'
        assert "\n" in value and style in ("", "'", ">")
        return
    if style in ("|", ">"):
        document = f"key: {style}-\n  {encoded}\n"
    else:
        document = f"key: {style}{encoded}{style}\n"
    assert yaml.safe_load(f"key: {double_quoted(value)}\n") == {"key": value}  # the style that holds any text
    if "\x07" in value and style != '"' or style == "" and any(c in value for c in ':#\\'):
        return  # written as it is: the editor's read-back check refuses what would not read as intended
    assert yaml.safe_load(document) == {"key": value}
