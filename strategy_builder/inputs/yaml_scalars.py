"""How a YAML scalar is spelled in its file, both ways: for every character of a scalar's value, the characters
of the file that spell it (indentation, folding, quotes and escapes in between), for each of the five
styles (plain, ``'``, ``"``, ``|`` and ``>``); and new text written in a scalar's style, so that it can be
spliced in at those places. What :mod:`strategy_builder.inputs.yaml_edit` edits with."""

from __future__ import annotations

import re
from typing import NamedTuple

from strategy_builder.inputs.yaml_scan import EditRefused, YamlNode, column_of

Span = tuple[int, int]


class ScalarMap(NamedTuple):
    """For every character of a scalar's value, the characters of the file that spell it."""

    value: str
    spans: list[Span]
    content_end: int
    """Where text appended to the value goes in the file."""
    indent: str = ""
    """Indentation of a block scalar's lines."""


def _lines(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """(line start, content end, line end after the break) of every line of ``text[start:end]``."""
    result = []
    position = start
    while position < end:
        newline = text.find("\n", position, end)
        if newline < 0:
            result.append((position, end, end))
            break
        content_end = newline - 1 if newline > position and text[newline - 1] == "\r" else newline
        result.append((position, content_end, newline + 1))
        position = newline + 1
    return result


def _block_map(text: str, node: YamlNode) -> ScalarMap:
    """Literal (``|``) and folded (``>``) block scalars."""
    header_end = text.find("\n", node.start, node.end)
    if header_end < 0:
        raise EditRefused("an empty block scalar")
    header = text[node.start:header_end].split("#", 1)[0].strip()
    indicator = re.fullmatch(r"([|>])([+-]?)([1-9]?)([+-]?)", header)
    if indicator is None:
        raise EditRefused(f"unexpected block scalar header {header!r}")
    folded = indicator.group(1) == ">"
    chomping = indicator.group(2) or indicator.group(4)
    lines = _lines(text, header_end + 1, node.end)
    indent = 0
    if indicator.group(3):
        parent_indent = column_of(text, node.key_start) if node.key_start is not None else 0
        indent = parent_indent + int(indicator.group(3))
    else:
        for start, content_end, _ in lines:
            stripped = text[start:content_end].lstrip(" ")
            if stripped:
                indent = content_end - start - len(stripped)
                break
    if indent == 0:
        raise EditRefused("a block scalar without indented content")
    # (value of the line without indentation, its spans, the span of its line break) per line
    content: list[tuple[str, list[Span], Span, bool]] = []
    for start, content_end, line_end in lines:
        body_start = start + indent
        line = text[body_start:content_end] if content_end > body_start else ""
        empty = not text[start:content_end].strip(" ")
        if empty:
            line = text[body_start:content_end] if content_end - start > indent else ""
        line_spans = [(i, i + 1) for i in range(body_start, body_start + len(line))]
        content.append((line, line_spans, (content_end, line_end), empty and not line))
    value: list[str] = []
    spans: list[Span] = []
    last_break: Span | None = None
    previous_more: bool | None = None  # whether the last non-empty line was more indented
    pending_breaks: list[Span] = []
    for line, line_spans, line_break, is_empty in content:
        if is_empty:
            pending_breaks.append(line_break)
            continue
        more = line[:1] in (" ", "\t")
        if previous_more is not None:
            assert last_break is not None
            if folded and not more and not previous_more:
                if pending_breaks:
                    for span in pending_breaks:
                        value.append("\n")
                        spans.append((last_break[0], span[1]))
                else:
                    value.append(" ")
                    spans.append((last_break[0], line_spans[0][0] if line_spans else last_break[1]))
            else:
                value.append("\n")
                spans.append(last_break)
                for span in pending_breaks:
                    value.append("\n")
                    spans.append(span)
        else:
            for span in pending_breaks:
                value.append("\n")
                spans.append(span)
        pending_breaks = []
        value.append(line)
        spans.extend(line_spans)
        last_break = line_break
        previous_more = more
    content_end = spans[-1][1] if spans else header_end + 1
    if last_break is not None and chomping != "-":
        value.append("\n")
        spans.append(last_break)
        for span in pending_breaks if chomping == "+" else []:
            value.append("\n")
            spans.append(span)
    return ScalarMap("".join(value), spans, content_end, " " * indent)


_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
            "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028",
            "P": "\u2029"}
_HEX = {"x": 2, "u": 4, "U": 8}


def _flow_map(text: str, node: YamlNode) -> ScalarMap:
    """Plain, single-quoted and double-quoted scalars (one line or folded over several)."""
    quote = node.style if node.style in ("'", '"') else ""
    start, end = node.start + len(quote), node.end - len(quote)
    value: list[str] = []
    spans: list[Span] = []
    position = start
    while position < end:
        character = text[position]
        if character in "\r\n":
            # A line break inside the scalar: trailing spaces before it and leading spaces after it go, the
            # break becomes a space, or (with empty lines) one line feed per empty line.
            while value and value[-1] in " \t" and spans[-1][1] == position and not _escaped(spans[-1], text):
                value.pop()
                spans.pop()
            fold_start = spans[-1][1] if spans else position
            breaks = 0
            while position < end and text[position] in " \t\r\n":
                if text[position] == "\n":
                    breaks += 1
                position += 1
            if breaks == 1:
                value.append(" ")
                spans.append((fold_start, position))
            else:
                for _ in range(breaks - 1):
                    value.append("\n")
                    spans.append((fold_start, position))
            continue
        if quote == "'" and character == "'" and text[position + 1:position + 2] == "'":
            value.append("'")
            spans.append((position, position + 2))
            position += 2
            continue
        if quote == '"' and character == "\\":
            following = text[position + 1:position + 2]
            if following in _ESCAPES:
                value.append(_ESCAPES[following])
                spans.append((position, position + 2))
                position += 2
                continue
            if following in _HEX:
                digits = text[position + 2:position + 2 + _HEX[following]]
                value.append(chr(int(digits, 16)))
                spans.append((position, position + 2 + _HEX[following]))
                position += 2 + _HEX[following]
                continue
            if following in ("\r", "\n"):
                position += 1
                while position < end and text[position] in " \t\r\n":
                    position += 1
                continue
            raise EditRefused("an escape sequence this editor does not know")
        value.append(character)
        spans.append((position, position + 1))
        position += 1
    return ScalarMap("".join(value), spans, spans[-1][1] if spans else start)


def _escaped(span: Span, text: str) -> bool:
    return span[1] - span[0] > 1


def scalar_map(text: str, node: YamlNode) -> ScalarMap:
    """The map of the scalar ``node`` of ``text``; refused for a list or mapping, and for a layout whose
    value this map would not give exactly as the parser reads it."""
    if node.kind != "scalar":
        raise EditRefused("not a single value (a list or a mapping)")
    mapped = _block_map(text, node) if node.style in ("|", ">") else _flow_map(text, node)
    if mapped.value != node.value:
        raise EditRefused("the value's layout is one this editor does not handle")
    return mapped


# ----------------------------------------------------------------------------- writing text in a style

def encode_in_style(replacement: str, style: str, indent: str, newline: str) -> str | None:
    """``replacement`` written for a scalar of ``style``; ``None`` when the style cannot hold it in place."""
    if style == "|":
        return replacement.replace("\n", newline + indent).replace(indent + newline, newline)
    if style == ">":
        if "\n" in replacement:
            return None
        return replacement
    if style == "'":
        return None if "\n" in replacement else replacement.replace("'", "''")
    if style == '"':
        out = []
        for character in replacement:
            if character in ('"', "\\"):
                out.append("\\" + character)
            elif character == "\n":
                out.append("\\n")
            elif character == "\t":
                out.append("\\t")
            elif ord(character) < 0x20:
                out.append(f"\\x{ord(character):02x}")
            else:
                out.append(character)
        return "".join(out)
    # Plain: written as is; the read-back check (and the double-quoted fallback) catches what would not
    # read as intended (": ", " #", a leading indicator, "null").
    return None if "\n" in replacement else replacement


def double_quoted(value: str) -> str:
    """``value`` as a double-quoted scalar, the style that holds any text."""
    encoded = encode_in_style(value, '"', "", "\n")
    assert encoded is not None
    return f'"{encoded}"'


__all__ = ["ScalarMap", "Span", "double_quoted", "encode_in_style", "scalar_map"]
