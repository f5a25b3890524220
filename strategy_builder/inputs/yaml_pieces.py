"""Composing a YAML file piece by piece, each piece remembered: the watcher's reading of a file saved again.

``build --preview --watch`` reads a partner file again at every save, and a save changes one place of it: a
paragraph of the situation, a priority of one area. :func:`compose_remembered` cuts the text into pieces at its
top-level keys (``code:``, ``situation:``, ``areas:``...) and a large piece whose key holds a mapping (``areas:``)
again at that mapping's keys (``illegal_migration:``...); each piece is composed on its own by
:func:`~strategy_builder.inputs.yaml_nodes.compose_nodes`, its result remembered by its text, and the results are
joined, their lines moved to where the piece starts. The unchanged pieces of a saved file are not parsed again:
composing the sample's AM.yaml took 1.5 ms, 0.9 ms on average from its remembered pieces after a save that changed one
of them. The first reading of a file costs more than composing it whole (about 2.1 ms for AM.yaml: every piece is
parsed by a parser of its own), so only a process that reads the same files again and again turns it on
(:func:`remembering_pieces`, the watcher); everything else composes whole.

Joining pieces gives what composing the whole text gives, data and positions, because a piece is cut only where a
line starts a key at the indentation of the mapping being cut (the top level's is the first column: its first key
must be there, after comments at most), and nothing of the piece before can go on past such a line: a plain or block
scalar's next line is indented more than its key, and a quoted scalar or a flow collection left open at the end of a
piece makes that piece fail. Whatever might break this is left to the whole text: other line breaks than ``\\n``, a
byte order mark, document markers and directives (``---``, ``...``, ``%``), a piece that does not compose into a
mapping (any error, anything :func:`~strategy_builder.inputs.yaml_nodes.compose_nodes` would not take), a key met in
two pieces. Every file that is refused is thus refused by the whole text's composers, with their findings.
"""

from __future__ import annotations

import contextlib
import marshal
import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import pairwise
from typing import Any

from strategy_builder.inputs.yaml_nodes import compose_nodes
from strategy_builder.models.source_map import FieldPath, SourceMap

_KEY_LINE = r"[A-Za-z_][\w-]*:(?=[ \t\n]|\Z)"
_TOP_KEY = re.compile(rf"\n{_KEY_LINE}")
"""A line that starts a key of the top-level mapping (a plain key at the first column), with the line break
before it (a literal first character: the search jumps from line break to line break)."""
_FIRST_KEY = re.compile(_KEY_LINE)
"""A text's first line when it starts a key of the top-level mapping."""
_MAPPING_HEADER = re.compile(rf"{_KEY_LINE}[ \t]*(?:#[^\n]*)?\n")
"""A piece's first line when its key's value is a block collection on the lines below (``areas:``)."""
_CONTENT_LINE = re.compile(r"^( +)[^ \n#]", re.MULTILINE)
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029", "\ufeff")
"""Other line breaks than ``\\n`` (libyaml counts lines by them too) and the byte order mark."""
_DOCUMENT_MARKS = ("---", "...", "%")
"""How document markers and directives start a line."""

SPLIT_BYTES = 2048
"""A top-level piece whose key holds a mapping is cut again at that mapping's keys above this size."""

_remembering = False

Composed = tuple[bytes, dict[FieldPath, tuple[int, int]], dict[FieldPath, tuple[int, int]]]
"""A piece's data (marshalled: every use gets its own objects) and its positions, lines counted in the piece."""


@contextlib.contextmanager
def remembering_pieces() -> Iterator[None]:
    """Within the block, :func:`remembering` is true, and the pieces composed are remembered; forgotten after."""
    global _remembering
    before = _remembering
    _remembering = True
    try:
        yield
    finally:
        _remembering = before
        if not before:
            _piece.cache_clear()


def remembering() -> bool:
    """Whether YAML files are composed by :func:`compose_remembered` (in a watcher's process)."""
    return _remembering


@lru_cache(maxsize=512)
def _piece(text: str) -> Composed | None:
    composed = compose_nodes(text)
    if composed is None or not isinstance(composed[0], dict):
        return None
    data, source_map = composed
    return marshal.dumps(data), source_map.values, source_map.keys


class _Joined:
    """The data and positions of the pieces joined so far."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.values: dict[FieldPath, tuple[int, int]] = {}
        self.keys: dict[FieldPath, tuple[int, int]] = {}

    def add(self, composed: Composed, into: dict[str, Any], shift: int, *, header: bool) -> bool:
        """Add a piece composed with its lines ``shift`` before the file's, its entries into ``into`` (the
        top-level mapping, or the entries of a cut piece's key: a part's one key holds them); ``header``: also its
        first key's positions (a cut piece's later parts repeat it) and the root's, if none is known yet. False
        when a key is known already, or a part's key holds no mapping."""
        marshalled, values, keys = composed
        data = marshal.loads(marshalled)
        if into is not self.data:
            if len(data) != 1:
                return False
            (data,) = data.values()
            if not isinstance(data, dict):
                return False
        for key, value in data.items():
            if key in into:
                return False
            into[key] = value
        # The positions in the order the whole text's composer records them: the root's first, then each key's
        # and its value's; a part repeats the root and its key's (the first two values, the first key).
        value_items, key_items = iter(values.items()), iter(keys.items())
        if not header:
            next(value_items), next(value_items), next(key_items)
        elif self.values:
            next(value_items)
        self.values.update({field: (line + shift, column) for field, (line, column) in value_items})
        self.keys.update({field: (line + shift, column) for field, (line, column) in key_items})
        return True


def _only_comments(text: str) -> bool:
    """Whether ``text`` (lines) holds nothing but blank lines and comments."""
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.split("\n"))


@lru_cache(maxsize=8)
def _key_line(indentation: str) -> re.Pattern[str]:
    """A line that starts a key at ``indentation`` (after its line break), as :data:`_TOP_KEY` at the first column."""
    return re.compile(rf"\n{indentation}{_KEY_LINE}")


def compose_remembered(text: str) -> tuple[Any, SourceMap] | None:
    """What :func:`~strategy_builder.inputs.yaml_nodes.compose_nodes` answers for ``text``, composed from its
    pieces, each remembered (see the module)."""
    starts = [0, *(match.start() + 1 for match in _TOP_KEY.finditer(text))]
    if _FIRST_KEY.match(text) is None:
        # The first key line takes what comes before it, which must be comments: a first key indented, or
        # anything else first, makes the top level something the pieces would not be parts of.
        if len(starts) < 2 or not _only_comments(text[:starts[1]]):
            return compose_nodes(text)
        del starts[1]
    if len(starts) < 2 or any(mark in text for mark in _OTHER_BREAKS) or text.startswith(_DOCUMENT_MARKS) \
            or any(f"\n{mark}" in text for mark in _DOCUMENT_MARKS):
        return compose_nodes(text)
    joined = _Joined()
    line = 0
    for start, end in pairwise([*starts, len(text)]):
        piece = text[start:end]
        if not _add_piece(joined, piece, line):
            return compose_nodes(text)
        line += piece.count("\n")
    source_map = SourceMap()
    source_map.values.update(joined.values)
    source_map.keys.update(joined.keys)
    return joined.data, source_map


def _add_piece(joined: _Joined, piece: str, line: int) -> bool:
    """Add a top-level piece starting ``line`` lines into the file, cut again where it is large and its key holds
    a block mapping; False where the whole text must be composed."""
    header = _MAPPING_HEADER.match(piece) if len(piece) > SPLIT_BYTES else None
    first = _CONTENT_LINE.search(piece, header.end()) if header is not None else None
    if header is None or first is None:
        composed = _piece(piece)
        return composed is not None and joined.add(composed, joined.data, line, header=True)
    indentation = first.group(1)
    keys = list(_key_line(indentation).finditer(piece, first.start() - 1))  # (from the line break before it)
    if not keys or keys[0].start() != first.start() - 1:
        # The mapping's first line is not a key at its indentation: the value is no mapping to cut.
        composed = _piece(piece)
        return composed is not None and joined.add(composed, joined.data, line, header=True)
    head = piece[:header.end()]
    bounds = [header.end(), *(match.start() + 1 for match in keys[1:]), len(piece)]
    entries: dict[str, Any] = {}
    for number, (start, end) in enumerate(pairwise(bounds)):
        composed = _piece(head + piece[start:end])
        # The part's line 1 is the key's line; its own lines follow it, ``start`` into the piece.
        shift = line + piece.count("\n", 0, start) - 1
        if composed is None or not joined.add(composed, entries, shift, header=number == 0):
            return False
    key = head.partition(":")[0]
    if key in joined.data:
        return False
    joined.data[key] = entries
    return True


__all__ = ["SPLIT_BYTES", "compose_remembered", "remembering", "remembering_pieces"]
