"""A grammar of YAML texts for hypothesis, shared by the tests of the YAML reader's fast paths
(tests/inputs/test_yaml_nodes.py, tests/inputs/test_yaml_pieces.py): block and flow collections, every scalar style,
keys of every kind, comments, document markers, nesting around the depth limit, and (in "hostile" texts) anchors,
aliases, tags and escapes of characters a .docx cannot hold; plus fragments of tricky YAML to join into texts."""

from __future__ import annotations

from hypothesis import strategies as st

from strategy_builder.inputs import yamlsource

def nested(depth: int, leaf: str = "x", *, flow: bool = False) -> str:
    """A text whose deepest node is at ``depth`` (the top-level mapping is depth 1)."""
    if flow:
        return "k: " + "{k: " * (depth - 2) + leaf + "}" * (depth - 2) + "\n"
    return "".join("  " * level + "k:\n" for level in range(depth - 2)) + "  " * (depth - 2) + f"k: {leaf}\n"


DEPTH = yamlsource.MAX_DEPTH


_WORDS = ["id", "name", "code", "a", "b", "x y", "AT&T", "x*y", "wow!", "5 * 3", "Health & Social", "null", "~",
          "Null", "NULL", "nul", "", "<<", "yes", "NO", "010", "0x1F", "1e3", "2010-06-01", "Ñandú", "Тбилиси",
          "日本語", "😀", "-", "?", ":", "#", "a: b", "a #b", "'", '"', "\\", "[x]", "{y}", ",", "---", "...",
          " lead", "trail ", "tab\there", "%", "a & b", "a * b", "a !"]
_HOSTILE_WORDS = ["&a", "*a", "!t", "!!str", "& a", "* a", "! a"]
"""Words that start an anchor, an alias or a tag (or the pre-scan cannot tell): only in hostile texts."""

_ESCAPES = ["\\t", "\\n", "\\\\", "\\\"", "\\u00e9", "\\x41", "\\U0001F600", "\\N", "\\_", "\\L", "\\P", "\\ ",
            "\\\n  "]
_HOSTILE_ESCAPES = ["\\v", "\\0", "\\x1f", "\\ud800", "\\ue001", "\\e", "\\U00110000"]
"""Escapes of characters a .docx cannot hold (or no character at all): only in hostile texts."""

_PROPERTIES = ["&a ", "&b ", "!t ", "!!str ", "! ", "!<tag:x> ", "&a !t ", "&a_1 ", "&-x "]


@st.composite
def _scalar(draw: st.DrawFn, indent: int, hostile: bool, *, key: bool = False, flow: bool = False) -> str:
    word = draw(st.sampled_from(_WORDS + _HOSTILE_WORDS if hostile else _WORDS))
    styles = ["plain", "single", "double"] + ([] if key or flow else ["literal", "folded"])
    style = draw(st.sampled_from(styles))
    if style == "plain":
        text = word
    elif style == "single":
        text = "'" + word.replace("'", "''") + "'"
    elif style == "double":
        escapes = _ESCAPES + _HOSTILE_ESCAPES if hostile else _ESCAPES
        parts = draw(st.lists(st.one_of(st.sampled_from(_WORDS), st.sampled_from(escapes)), max_size=3))
        text = '"' + word.replace("\\", "\\\\").replace('"', '\\"') + "".join(parts).replace('"', "") + '"'
    else:
        indicator = ("|" if style == "literal" else ">") + draw(st.sampled_from(["", "-", "+", "2", "-1"]))
        lines = draw(st.lists(st.sampled_from(_WORDS + ["", "  more"]), min_size=0, max_size=3))
        pad = " " * (indent + 2)
        text = indicator + "".join("\n" + (pad + line if line else "") for line in lines) + "\n"
    if hostile and draw(st.integers(0, 9)) == 0:
        text = draw(st.sampled_from(_PROPERTIES)) + text
    if hostile and not key and not flow and draw(st.integers(0, 19)) == 0:
        text = draw(st.sampled_from(["*a", "*b", "*"]))
    return text


_KEYS = st.sampled_from(["id", "name", "a", "b", "x y", "Тема", "AT&T", "k!", "", "code", "title", "n1"])
_HOSTILE_KEYS = st.sampled_from(["<<", "id", "a"])


def _key(draw: st.DrawFn, indent: int, hostile: bool) -> str:
    choice = draw(st.integers(0, 19))
    if hostile and choice == 0:
        return "? " + draw(st.sampled_from(["[a, b]", "{a: b}", "a", "&k a"])) + "\n" + " " * indent
    if choice < 4:
        return draw(_scalar(indent, hostile, key=True))
    word = draw(_HOSTILE_KEYS if hostile and choice == 19 else _KEYS)
    return word if choice < 14 else "'" + word.replace("'", "''") + "'"


@st.composite
def _flow(draw: st.DrawFn, depth: int, hostile: bool) -> str:
    if depth <= 0 or draw(st.integers(0, 2)) == 0:
        return draw(_scalar(0, hostile, flow=True)).rstrip("\n")
    items = draw(st.lists(_flow(depth - 1, hostile), max_size=3))
    separator = draw(st.sampled_from([", ", ",", ",\n  "]))
    if draw(st.booleans()):
        return "[" + separator.join(items) + "]"
    keys = [draw(_KEYS) for _ in items]
    colon = draw(st.sampled_from([": ", ":"]))
    return "{" + separator.join(f"{k}{colon}{v}" if k.isidentifier() else f"'{k}': {v}"
                                for k, v in zip(keys, items, strict=True)) + "}"


@st.composite
def _block(draw: st.DrawFn, indent: int, depth: int, hostile: bool, in_sequence: bool = False) -> str:
    """A block mapping or sequence whose lines start at ``indent``; each line ends with a line break."""
    pad = " " * indent
    lines: list[str] = []
    mapping = draw(st.booleans()) if indent else True
    for index in range(draw(st.integers(1, 4))):
        lead = (pad if index or not in_sequence else "") + ("" if mapping else "- ")
        if mapping:
            lead += _key(draw, indent, hostile) + ":"
        child_indent = indent + 2
        kind = draw(st.integers(0, 9)) if depth > 0 else 0
        if kind <= 4:
            value = draw(_scalar(child_indent, hostile))
            lines.append(lead + ("" if value == "" and draw(st.booleans()) else " " + value)
                         + ("" if value.endswith("\n") else "\n"))
        elif kind <= 6:
            lines.append(lead + " " + draw(_flow(2, hostile)) + "\n")
        elif kind <= 8 or not mapping:
            property_ = draw(st.sampled_from(_PROPERTIES)) if hostile and draw(st.integers(0, 9)) == 0 else ""
            lines.append(lead + (" " + property_.rstrip() if property_ else "") + "\n"
                         + draw(_block(child_indent, depth - 1, hostile)))
        else:  # a compact sequence item holding a mapping: "- key: value"
            lines.append(lead + "\n" + draw(_block(indent + (0 if mapping else 2), depth - 1, hostile)))
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["# comment\n", "\n", pad + ("# &a *b !c\n" if hostile else "# c\n"),
                                               "   \n"])))
    return "".join(lines)


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    hostile = draw(st.integers(0, 2)) == 0  # a third of the texts may write anchors, aliases and tags
    text = draw(_block(0, draw(st.integers(0, 4)), hostile))
    frame = draw(st.integers(0, 19))
    if frame == 0:
        text = "---\n" + text
    elif frame == 1:
        text = text + "...\n"
    elif frame == 2:
        text = text + "---\n" + draw(_block(0, 1, hostile))
    elif frame == 3:
        text = "%YAML 1.1\n---\n" + text
    elif frame == 4:
        depth = draw(st.integers(DEPTH - 2, DEPTH + 2))
        text = text + nested(depth, draw(st.sampled_from(["x", "[]", "{}", "[x]", "{a: b}", "''"])),
                              flow=draw(st.booleans()))
    if draw(st.integers(0, 9)) == 0:
        text = text.replace("\n", "\r\n")
    return text


FRAGMENTS = ["key:&a v", "[&a x, *a]", '{"a":*b}', "- !tag x", "? &a k", ": v", "k: [x,&a y]", "a: AT&T",
              "b: x*y", "c: wow!", "&a", "*", "! x", "<<: {a: 1}", "'<<': x", "k: v", "k: v", "  nested: 1",
              "- item", "  - item", "---", "...", "# c", "|", "  text", ">-", "k:", "  k:", "    k: x", "\"k\": v",
              "k: 'multi", "  line'", "k: \"a\\vb\"", "k: [a, {b: c}]", "[a]: b", "{}", "[]", "~", "k: &x", "  - *x",
              "k: !!str", "%YAML 1.1", "x", ""]
