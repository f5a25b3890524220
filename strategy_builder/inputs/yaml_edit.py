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

Where each node of the file is comes from :mod:`~strategy_builder.inputs.yaml_scan`, how each scalar is
spelled (and how new text is written in its style) from :mod:`~strategy_builder.inputs.yaml_scalars`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from strategy_builder.inputs.yaml_scalars import double_quoted, encode_in_style, scalar_map
from strategy_builder.inputs.yaml_scan import EditRefused, NodeScan, YamlNode, column_of
from strategy_builder.inputs.yamlsource import parse_yaml
from strategy_builder.models.source_map import FieldPath, format_path, value_at

BOM = "\ufeff"


class TextEdit(NamedTuple):
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
        self._scanned: NodeScan | None = self._read(self.text)
        self._original = self._scan.data

    @classmethod
    def open(cls, path: Path, display_name: str = "") -> YamlEditor:
        return cls(path.read_bytes(), display_name or str(path))

    @property
    def _scan(self) -> NodeScan:
        """Positions of every node of the current text (read again after an edit, when next needed)."""
        if self._scanned is None:
            self._scanned = self._read(self.text)
        return self._scanned

    def _read(self, text: str) -> NodeScan:
        try:
            return NodeScan(text)
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
        mapped = scalar_map(self.text, node)
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
            encoded = encode_in_style(edit.text, node.style, mapped.indent, self.newline)
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
        mapped = scalar_map(self.text, node)
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

    def _commit(self, path: FieldPath, new_value: str, candidate: str | None, node: YamlNode) -> None:
        """Take ``candidate`` if it reads back as intended; otherwise rewrite the whole scalar in a style that
        holds any text (a double-quoted string), if that reads back as intended; otherwise refuse."""
        expected = dict(self._expected)
        expected[path] = new_value
        attempts = [candidate] if candidate is not None else []
        if node.style not in ("|", ">"):
            attempts.append(self.text[:node.start] + double_quoted(new_value) + self.text[node.end:])
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

    def _appended(self, node: YamlNode, added: list[str]) -> str | None:
        if node.kind != "sequence":
            return None
        if node.flow:
            inside = self.text[node.start + 1:node.end].strip()
            separator = ", " if inside else ""
            return self.text[:node.end] + separator + ", ".join(added) + self.text[node.end:]
        # A block list: one more item line after its last item, with the indentation of its first item.
        column = column_of(self.text, node.start)
        items = [n for p, n in self._scan.nodes.items() if len(p) == len(self._path_of(node)) + 1
                 and p[:-1] == self._path_of(node)]
        if not items or any(n.kind != "scalar" for n in items):
            return None
        last_line_end = self._line_end_before(max(n.end for n in items))
        lines = "".join(f"{' ' * column}- {item}{self.newline}" for item in added)
        return self.text[:last_line_end] + lines + self.text[last_line_end:]

    def _new_key(self, mapping: FieldPath, node: YamlNode, key: str, added: list[str],
                 after: Sequence[str]) -> str | None:
        keys = list(value_at(self._scan.data, mapping) or {})
        scalars = [name for name in keys if self._scan.nodes[(*mapping, name)].kind == "scalar"]
        anchor = next((name for name in after if name in scalars), scalars[0] if scalars else None)
        if anchor is None:
            return None
        anchor_node = self._scan.nodes[(*mapping, anchor)]
        if anchor_node.key_start is None:
            return None
        column = column_of(self.text, anchor_node.key_start)
        if anchor_node.style in ("|", ">"):
            insert_at = self._line_end_before(scalar_map(self.text, anchor_node).content_end)
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

    def _path_of(self, node: YamlNode) -> FieldPath:
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
