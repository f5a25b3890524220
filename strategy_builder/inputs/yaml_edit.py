"""Edit values of a YAML file in place, changing only the bytes of those values.

Drafting teams format their YAML by hand: comments, quoting, key order, block scalars wrapped at their own
width, Windows line endings. A program that loads and dumps the file (even a round-trip dumper) rewrites
some of that. :class:`YamlEditor` does not dump anything: it finds the exact characters of each scalar in
the file (from the parser's marks), knows for every character of the value which characters of the file
spell it (indentation, folding, quotes and escapes in between), and splices new text in at those places,
written in the scalar's own style (a literal block stays a literal block, a quoted string gets its quotes
escaped). Every edit is checked by reading the result again with the strict reader: the edited values must
read back exactly as intended and every other value exactly as before; otherwise the edit is refused
(:class:`EditRefused`) and the text is left as it was.

The API::

    editor = YamlEditor(raw_bytes, "inputs/partners/AM.yaml")
    editor.value(("areas", "integration", "priorities", 0, "title"))       # the current text
    editor.replace(path, [TextEdit(10, 17, "better")])                     # edits of the value's text
    editor.set_value(path, "A whole new title")                            # or a whole new value
    editor.add_to_list(("areas", "integration", "priorities", 0), "responds_to", ["T-12AB"], after="title")
    new_bytes = editor.result()

Edits of several values of one file can be made one after the other; :meth:`YamlEditor.result` returns the
bytes with the file's byte-order mark and line endings as they were.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent, MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent, SequenceStartEvent,
)

from strategy_builder.inputs.yamlsource import parse_yaml
from strategy_builder.models.source_map import FieldPath, format_path, value_at

BOM = "\ufeff"


class EditRefused(ValueError):
    """An edit that cannot be written without changing more than the value (the text is left unchanged)."""


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace ``value[start:end]`` with ``text`` (``start == end``: an insertion)."""

    start: int
    end: int
    text: str


def apply_edits(value: str, edits: Sequence[TextEdit]) -> str:
    """``value`` with non-overlapping ``edits`` applied."""
    out, position = [], 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < position:
            raise EditRefused("overlapping edits")
        out.append(value[position:edit.start])
        out.append(edit.text)
        position = edit.end
    out.append(value[position:])
    return "".join(out)


@dataclass(slots=True)
class _Node:
    """Where a node of the file is: its start and end (character offsets) and, for scalars, style and value."""

    start: int
    end: int
    kind: str
    """``scalar``, ``mapping`` or ``sequence``."""
    style: str = ""
    value: str = ""
    flow: bool = False
    key_start: int | None = None
    """For a node that is a mapping's value: where its key starts."""


def _index(mark: Any) -> int:
    """The character offset of a parser mark (the pure-Python parser always sets one)."""
    assert mark is not None
    return int(mark.index)


class _Scan:
    """Reads the positions of every node of a YAML text from PyYAML's events (pure-Python parser: its marks
    count characters of the text as given, line breaks ``\\r\\n`` included)."""

    def __init__(self, text: str) -> None:
        self.nodes: dict[FieldPath, _Node] = {}
        loader = yaml.SafeLoader(text)
        try:
            self.data = self._document(loader)
        finally:
            loader.dispose()

    def _document(self, loader: Any) -> Any:
        loader.get_event()  # stream start
        loader.get_event()  # document start
        return self._node(loader, loader.get_event(), (), None)

    def _node(self, loader: Any, event: Any, path: FieldPath, key_start: int | None) -> Any:
        if isinstance(event, AliasEvent):
            raise EditRefused("aliases are not supported")
        if isinstance(event, ScalarEvent):
            self.nodes[path] = _Node(_index(event.start_mark), _index(event.end_mark), "scalar", event.style or "",
                                     event.value, key_start=key_start)
            return None if not event.style and event.value in ("", "~", "null", "Null", "NULL") else event.value
        if isinstance(event, SequenceStartEvent):
            node = _Node(_index(event.start_mark), 0, "sequence", flow=bool(event.flow_style), key_start=key_start)
            self.nodes[path] = node
            items: list[Any] = []
            while True:
                child = loader.get_event()
                if isinstance(child, SequenceEndEvent):
                    node.end = _index(child.start_mark) if node.flow else _index(child.end_mark)
                    return items
                items.append(self._node(loader, child, (*path, len(items)), None))
        if isinstance(event, MappingStartEvent):
            node = _Node(_index(event.start_mark), 0, "mapping", flow=bool(event.flow_style), key_start=key_start)
            self.nodes[path] = node
            mapping: dict[str, Any] = {}
            while True:
                key = loader.get_event()
                if isinstance(key, MappingEndEvent):
                    node.end = _index(key.start_mark) if node.flow else _index(key.end_mark)
                    return mapping
                name = key.value
                mapping[name] = self._node(loader, loader.get_event(), (*path, name), _index(key.start_mark))
        raise EditRefused(f"unexpected YAML construct ({type(event).__name__})")


# ----------------------------------------------------------------------------- value <-> source maps

Span = tuple[int, int]


@dataclass(slots=True)
class _ScalarMap:
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


def _block_map(text: str, node: _Node) -> _ScalarMap:
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
        parent_indent = _column(text, node.key_start) if node.key_start is not None else 0
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
    return _ScalarMap("".join(value), spans, content_end, " " * indent)


def _column(text: str, index: int) -> int:
    return index - (text.rfind("\n", 0, index) + 1)


_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
            "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028",
            "P": "\u2029"}
_HEX = {"x": 2, "u": 4, "U": 8}


def _flow_map(text: str, node: _Node) -> _ScalarMap:
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
    return _ScalarMap("".join(value), spans, spans[-1][1] if spans else start)


def _escaped(span: Span, text: str) -> bool:
    return span[1] - span[0] > 1


def _scalar_map(text: str, node: _Node) -> _ScalarMap:
    if node.kind != "scalar":
        raise EditRefused("not a single value (a list or a mapping)")
    mapped = _block_map(text, node) if node.style in ("|", ">") else _flow_map(text, node)
    if mapped.value != node.value:
        raise EditRefused("the value's layout is one this editor does not handle")
    return mapped


# ----------------------------------------------------------------------------- writing text in a style

def _encode(replacement: str, style: str, indent: str, newline: str) -> str | None:
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


def _double_quoted(value: str) -> str:
    encoded = _encode(value, '"', "", "\n")
    assert encoded is not None
    return f'"{encoded}"'


# ----------------------------------------------------------------------------- the editor


class YamlEditor:
    """The text of one YAML file, edited value by value (see the module)."""

    def __init__(self, raw: bytes, display_name: str = "") -> None:
        self.display_name = display_name
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise EditRefused(f"{display_name}: not UTF-8") from error
        self._bom = text.startswith(BOM)
        self.text = text[1:] if self._bom else text
        self.newline = "\r\n" if "\r\n" in self.text else "\n"
        self._expected: dict[FieldPath, Any] = {}
        self._scanned: _Scan | None = self._read(self.text)
        self._original = self._scan.data

    @classmethod
    def open(cls, path: Path, display_name: str = "") -> YamlEditor:
        return cls(path.read_bytes(), display_name or str(path))

    @property
    def _scan(self) -> _Scan:
        """Positions of every node of the current text (read again after an edit, when next needed)."""
        if self._scanned is None:
            self._scanned = self._read(self.text)
        return self._scanned

    def _read(self, text: str) -> _Scan:
        try:
            return _Scan(text)
        except yaml.YAMLError as error:
            raise EditRefused(f"{self.display_name}: not readable YAML ({error})") from error

    @property
    def data(self) -> Any:
        """The file's plain data as it stands (with the edits made so far)."""
        return self._scan.data

    def has(self, path: FieldPath) -> bool:
        return tuple(path) in self._scan.nodes

    def value(self, path: FieldPath) -> str | None:
        """The text of the scalar at ``path`` (``None``: null, missing or not a scalar)."""
        node = self._scan.nodes.get(tuple(path))
        if node is None or node.kind != "scalar":
            return None
        return value_at(self._scan.data, tuple(path))

    def style(self, path: FieldPath) -> str | None:
        """The style of the scalar at ``path`` as written (``""`` plain, ``'``, ``"``, ``|`` or ``>``);
        ``None`` when there is no scalar there."""
        node = self._scan.nodes.get(tuple(path))
        return node.style if node is not None and node.kind == "scalar" else None

    def keys(self, path: FieldPath) -> list[str] | None:
        """The keys of the block mapping at ``path`` in the file's order; ``None`` when it is not one."""
        node = self._scan.nodes.get(tuple(path))
        if node is None or node.kind != "mapping" or node.flow:
            return None
        return [str(key) for key in value_at(self._scan.data, tuple(path)) or {}]

    def replace(self, path: FieldPath, edits: Sequence[TextEdit]) -> None:
        """Apply ``edits`` (offsets into the scalar's current value) to the scalar at ``path``."""
        path = tuple(path)
        node = self._scan.nodes.get(path)
        if node is None:
            raise EditRefused(f"{self.display_name}: there is no value at {format_path(path)}")
        mapped = _scalar_map(self.text, node)
        new_value = apply_edits(mapped.value, edits)
        if new_value == mapped.value:
            return
        pieces: list[tuple[tuple[int, int], str]] = []
        for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
            if edit.start < edit.end:
                source = (mapped.spans[edit.start][0], mapped.spans[edit.end - 1][1])
            elif edit.start < len(mapped.spans):
                source = (mapped.spans[edit.start][0],) * 2
            else:
                source = (mapped.content_end,) * 2
            encoded = _encode(edit.text, node.style, mapped.indent, self.newline)
            if encoded is None:
                pieces = []
                break
            pieces.append((source, encoded))
        candidate = None
        if pieces:
            candidate = self.text
            for (start, end), encoded in pieces:
                candidate = candidate[:start] + encoded + candidate[end:]
        self._commit(path, new_value, candidate, node)

    def set_value(self, path: FieldPath, new_value: str) -> None:
        """Give the scalar at ``path`` the text ``new_value`` (as few bytes changed as the style allows)."""
        path = tuple(path)
        node = self._scan.nodes.get(path)
        if node is None:
            raise EditRefused(f"{self.display_name}: there is no value at {format_path(path)}")
        mapped = _scalar_map(self.text, node)
        # One edit from the first to the last character that differ.
        prefix = 0
        while prefix < min(len(mapped.value), len(new_value)) and mapped.value[prefix] == new_value[prefix]:
            prefix += 1
        suffix = 0
        while (suffix < min(len(mapped.value), len(new_value)) - prefix
               and mapped.value[-1 - suffix] == new_value[-1 - suffix]):
            suffix += 1
        self.replace(path, [TextEdit(prefix, len(mapped.value) - suffix,
                                     new_value[prefix:len(new_value) - suffix])])

    def _commit(self, path: FieldPath, new_value: str, candidate: str | None, node: _Node) -> None:
        """Take ``candidate`` if it reads back as intended; otherwise rewrite the whole scalar in a style that
        holds any text (a double-quoted string), if that reads back as intended; otherwise refuse."""
        expected = dict(self._expected)
        expected[path] = new_value
        attempts = [candidate] if candidate is not None else []
        if node.style not in ("|", ">"):
            attempts.append(self.text[:node.start] + _double_quoted(new_value) + self.text[node.end:])
        for attempt in attempts:
            if self._verified(attempt, expected):
                self.text, self._scanned, self._expected = attempt, None, expected
                return
        raise EditRefused(f"{self.display_name}: {format_path(path)} cannot be changed in place")

    def _verified(self, text: str, expected: dict[FieldPath, Any]) -> bool:
        """Whether ``text``, read by the strict reader of input files, holds the original data with the
        ``expected`` values and nothing else changed."""
        raw = ((BOM if self._bom else "") + text).encode("utf-8")
        document, _ = parse_yaml(raw, Path(self.display_name or "edited.yaml"), self.display_name)
        return document is not None and document.data == _with_values(self._original, expected)

    def add_to_list(self, mapping: FieldPath, key: str, items: Sequence[str], *,
                    after: Sequence[str] = ()) -> list[str]:
        """Add ``items`` (plain words such as register row IDs) to the list ``key`` of the block mapping at
        ``mapping``, creating ``key: [..]`` on a new line after the first of the keys ``after`` that exists
        (or after the mapping's first key). Items already there are not repeated; returns those added."""
        mapping = tuple(mapping)
        node = self._scan.nodes.get(mapping)
        if node is None or node.kind != "mapping" or node.flow:
            raise EditRefused(f"{self.display_name}: {format_path(mapping)} is not a block mapping")
        existing = value_at(self._scan.data, (*mapping, key)) if self.has((*mapping, key)) else None
        current = list(existing) if isinstance(existing, list) else []
        if self.has((*mapping, key)) and not isinstance(existing, list):
            raise EditRefused(f"{self.display_name}: {format_path((*mapping, key))} is not a list")
        added = [item for item in dict.fromkeys(items) if item not in current]
        if not added:
            return []
        for item in added:
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", item):
                raise EditRefused(f"{item!r} is not a plain word")
        expected = dict(self._expected)
        expected[(*mapping, key)] = current + added
        if self.has((*mapping, key)):
            candidate = self._appended(self._scan.nodes[(*mapping, key)], added)
        else:
            candidate = self._new_key(mapping, node, key, added, after)
        if candidate is None or not self._verified(candidate, expected):
            raise EditRefused(f"{self.display_name}: cannot add {key} to {format_path(mapping)} in place")
        self.text, self._scanned, self._expected = candidate, None, expected
        return added

    def _appended(self, node: _Node, added: list[str]) -> str | None:
        if node.kind != "sequence":
            return None
        if node.flow:
            inside = self.text[node.start + 1:node.end].strip()
            separator = ", " if inside else ""
            return self.text[:node.end] + separator + ", ".join(added) + self.text[node.end:]
        # A block list: one more item line after its last item, with the indentation of its first item.
        column = _column(self.text, node.start)
        items = [n for p, n in self._scan.nodes.items() if len(p) == len(self._path_of(node)) + 1
                 and p[:-1] == self._path_of(node)]
        if not items or any(n.kind != "scalar" for n in items):
            return None
        last_line_end = self._line_end_before(max(n.end for n in items))
        lines = "".join(f"{' ' * column}- {item}{self.newline}" for item in added)
        return self.text[:last_line_end] + lines + self.text[last_line_end:]

    def _new_key(self, mapping: FieldPath, node: _Node, key: str, added: list[str],
                 after: Sequence[str]) -> str | None:
        keys = list(value_at(self._scan.data, mapping) or {})
        scalars = [name for name in keys if self._scan.nodes[(*mapping, name)].kind == "scalar"]
        anchor = next((name for name in after if name in scalars), scalars[0] if scalars else None)
        if anchor is None:
            return None
        anchor_node = self._scan.nodes[(*mapping, anchor)]
        if anchor_node.key_start is None:
            return None
        column = _column(self.text, anchor_node.key_start)
        if anchor_node.style in ("|", ">"):
            insert_at = self._line_end_before(_scalar_map(self.text, anchor_node).content_end)
        else:
            insert_at = self._line_end_before(anchor_node.end)
        line = f"{' ' * column}{key}: [{', '.join(added)}]{self.newline}"
        if insert_at == len(self.text) and self.text and not self.text.endswith("\n"):
            line = self.newline + line.rstrip("\r\n")
        return self.text[:insert_at] + line + self.text[insert_at:]

    def _line_end_before(self, index: int) -> int:
        """The end (after its line break) of the line holding the last character before ``index`` that is not
        white space."""
        position = min(index, len(self.text)) - 1
        while position >= 0 and self.text[position] in " \t\r\n":
            position -= 1
        newline = self.text.find("\n", max(position, 0))
        return len(self.text) if newline < 0 else newline + 1

    def _path_of(self, node: _Node) -> FieldPath:
        return next(path for path, candidate in self._scan.nodes.items() if candidate is node)

    @contextlib.contextmanager
    def all_or_nothing(self) -> Iterator[None]:
        """The edits made inside all stay, or, when one of them is refused (:class:`EditRefused`), none does:
        a value is not left half changed (its text edited, its ``responds_to`` refused)."""
        saved = (self.text, self._scanned, self._expected)
        try:
            yield
        except EditRefused:
            self.text, self._scanned, self._expected = saved
            raise

    def result(self) -> bytes:
        """The edited file as bytes (with its byte-order mark, if it had one)."""
        return ((BOM if self._bom else "") + self.text).encode("utf-8")


def _with_values(data: Any, values: dict[FieldPath, Any]) -> Any:
    """A copy of ``data`` with the value at each path of ``values`` replaced (or added to its mapping)."""
    import copy

    result = copy.deepcopy(data)
    for path, value in values.items():
        target = result
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
    return result


__all__ = ["EditRefused", "TextEdit", "YamlEditor", "apply_edits"]
