"""Composing a strict YAML file from libyaml's node tree: the fast path of :mod:`strategy_builder.inputs.yamlsource`.

The reader's reference is its event composer, one Python call per parser event. When libyaml is available and
the text cannot hold an anchor, an alias or a tag, :func:`compose_nodes` lets libyaml's own (Cython) composer
build the node tree and walks it into the same data and the same positions; it answers ``None`` for anything
the event composer must judge (every refusal, a second document, an empty file, any error), so that every
finding is the event composer's own. Also here: the rules both apply to a scalar (:data:`NULL_WORDS`,
:data:`FORBIDDEN_CHARACTER`).
"""

from __future__ import annotations

import re
from typing import Any

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from strategy_builder.limits import YAML_DEPTH
from strategy_builder.models.source_map import FieldPath, SourceMap

NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})
"""Plain scalars that mean "nothing" (``None``)."""

# Characters XML 1.0 forbids (so a .docx cannot hold them), plus lone surrogates and the four
# private-use characters strategy-builder reserves for its section and value markers (U+E000-U+E003).
FORBIDDEN_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff\ue000-\ue003]")


class _Unusual(Exception):
    """Raised while walking libyaml's node tree at anything the event composer must judge (see compose_nodes)."""


def _node_loader_class() -> type | None:
    """libyaml's parser with its Cython composer and no tag resolution, or ``None`` without libyaml.

    ``CParser`` composes the node tree in C but asks three Python hooks about tags for every node;
    ``yaml.CSafeLoader`` answers with PyYAML's resolver, which matches every plain scalar against its implicit
    types (int, float, bool, timestamp...): composing AM.yaml (24 KB) that way took more than the events do
    (callgrind: 20.4 M instructions against 15.8 M; 15.1 M with these hooks). Nothing here reads a node's tag
    (the pre-scan has ruled explicit tags out and every scalar stays text), so the hooks do nothing.
    """
    try:
        from yaml._yaml import CParser  # what yaml.cyaml builds its loaders on
    except ImportError:
        return None

    class _NodeLoader(CParser):
        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            return None

        def ascend_resolver(self) -> None:
            return None

        def resolve(self, kind: Any, value: Any, implicit: Any) -> None:
            return None

    return _NodeLoader


_NODE_LOADER = _node_loader_class()

_MAY_HOLD_NODE_PROPERTY = re.compile(r"(?<!\w)(?:[&*][\w-]|!)")
r"""Where an anchor (``&a``), an alias (``*a``) or a tag (``!t``, ``!!str``, ``!<...>``, ``!``) could start.

It can never miss one, because of how libyaml's scanner starts and ends tokens:

- Tokens are separated by spaces, tabs, line breaks and comments, except after a token that ends in a character
  that is not a word character: a flow indicator (``[`` ``{`` ``,`` ``]`` ``}``), ``?`` and ``:`` in flow
  context, a closing quote. Every other token (plain scalar, anchor, alias, tag, directive, ``-``, ``---``) must
  be followed by a space, a line break, the end of the text, one of ``: , [ ] { } ? % @`` or a backquote (else
  the scanner stops with an error), and a block scalar ends with a line break. So the character before the
  ``&``, ``*`` or ``!`` that starts a property is never a word character (``\w`` covers the ASCII letters,
  digits and ``_``, and more), hence the lookbehind, which also holds at the very start of the text:
  ``key:&a``, ``[&a x]``, ``{"a":*b}``, ``- !t``, ``? &a``, ``[x,&a y]`` all match, ``AT&T`` does not.
- An anchor's or an alias's name is one or more of ``[0-9A-Za-z_-]``: libyaml refuses an empty one with a syntax
  error, which the node path falls back on. So ``&`` and ``*`` followed by anything else (``Health & Social``,
  ``* note``) cannot be a property that parses. A tag may be the bare ``!``, so every ``!`` not after a word
  character counts.

A match where there is no property (inside a scalar, a comment) only means the event composer reads the file.
"""


_FEW_MARKS = 64
""":func:`_may_hold_node_property` tries the expression at up to this many marks, then searches the whole text."""


def _may_hold_node_property(text: str) -> bool:
    """Whether :data:`_MAY_HOLD_NODE_PROPERTY` matches anywhere in ``text``.

    Searched from the start, the expression (a lookbehind first) is tried at every position: 0.58 ms on GE.yaml
    (21 KB, one "&"), more than the node tree saves. Every match starts at an ``&``, ``*`` or ``!``, so
    ``str.find`` (memchr speed) jumps from mark to mark and the expression is only tried there (``match`` at a
    position still looks behind it): 3 us. A text full of marks gets the single search, which is linear.
    """
    match = _MAY_HOLD_NODE_PROPERTY.match
    tried = 0
    for mark in "&*!":
        index = text.find(mark)
        while index >= 0:
            if match(text, index) is not None:
                return True
            tried += 1
            if tried > _FEW_MARKS:
                return _MAY_HOLD_NODE_PROPERTY.search(text) is not None
            index = text.find(mark, index + 1)
    return False


def compose_nodes(text: str) -> tuple[Any, SourceMap] | None:
    """The data and positions the event composer (:mod:`strategy_builder.inputs.yamlsource`) would produce for
    ``text``, composed from libyaml's node tree; ``None`` when the event composer must read the file: libyaml is
    missing, the text may hold an anchor, an alias or a tag (the node tree keeps none of them), it is empty or
    holds several documents, libyaml reports an error, or the walk meets anything the event composer would
    refuse. Every refusal is thus the event composer's own, with its position and field; only files it would
    accept are composed here, into equal data and source map.
    """
    if _NODE_LOADER is None or _may_hold_node_property(text):
        return None
    try:
        loader = _NODE_LOADER(text)
        try:
            root = loader.get_single_node()  # raises on a second document; None for an empty stream
        finally:
            loader.dispose()
    except Exception:  # whatever libyaml objects to (or fails at), the event composer reports
        return None
    if root is None:
        return None
    source_map = SourceMap()
    values = source_map.values
    mark = root.start_mark
    values[()] = (mark.line + 1, mark.column + 1)
    try:
        kind = root.__class__
        if kind is MappingNode:
            data: Any = _walk_mapping(root.value, (), 1, values, source_map.keys)
        elif kind is SequenceNode:
            data = _walk_sequence(root.value, (), 1, values, source_map.keys)
        else:
            data = _scalar(root)
    except _Unusual:
        return None
    return data, source_map


def _scalar(node: Any) -> str | None:
    """A scalar node's value as the event composer gives it: plain null words are ``None``."""
    value: str = node.value
    style = node.style
    if not style:  # plain: libyaml's style is '' (PyYAML's None), as in _is_plain
        return None if value in NULL_WORDS else value
    if style == '"' and FORBIDDEN_CHARACTER.search(value) is not None:
        raise _Unusual  # a character written as an escape: the event composer reports it
    return value


# The walkers take a collection's children (``depth`` is the collection's: its children are one deeper, which
# the event composer refuses past YAML_DEPTH whatever they are) and record each child's position as they meet
# it, in the order the event composer records them: a key, then its value.

def _walk_mapping(pairs: list[tuple[Any, Any]], path: FieldPath, depth: int,
                  values: dict[FieldPath, tuple[int, int]], keys: dict[FieldPath, tuple[int, int]]) -> dict[str, Any]:
    if depth >= YAML_DEPTH and pairs:
        raise _Unusual
    mapping: dict[str, Any] = {}
    for key_node, node in pairs:
        if key_node.__class__ is not ScalarNode:
            raise _Unusual  # a list or a mapping as a key
        key = key_node.value
        key_style = key_node.style
        if key in mapping or (not key_style and key == "<<") \
                or (key_style == '"' and FORBIDDEN_CHARACTER.search(key) is not None):
            raise _Unusual  # a duplicate key, a merge key, a forbidden character written as an escape
        field = (*path, key)
        mark = key_node.start_mark
        keys[field] = (mark.line + 1, mark.column + 1)
        mark = node.start_mark
        values[field] = (mark.line + 1, mark.column + 1)
        kind = node.__class__
        if kind is ScalarNode:
            mapping[key] = _scalar(node)
        elif kind is MappingNode:
            mapping[key] = _walk_mapping(node.value, field, depth + 1, values, keys)
        elif kind is SequenceNode:
            mapping[key] = _walk_sequence(node.value, field, depth + 1, values, keys)
        else:
            raise _Unusual
    return mapping


def _walk_sequence(nodes: list[Any], path: FieldPath, depth: int,
                   values: dict[FieldPath, tuple[int, int]], keys: dict[FieldPath, tuple[int, int]]) -> list[Any]:
    if depth >= YAML_DEPTH and nodes:
        raise _Unusual
    items: list[Any] = []
    for index, node in enumerate(nodes):
        field = (*path, index)
        mark = node.start_mark
        values[field] = (mark.line + 1, mark.column + 1)
        kind = node.__class__
        if kind is ScalarNode:
            items.append(_scalar(node))
        elif kind is MappingNode:
            items.append(_walk_mapping(node.value, field, depth + 1, values, keys))
        elif kind is SequenceNode:
            items.append(_walk_sequence(node.value, field, depth + 1, values, keys))
        else:
            raise _Unusual
    return items


__all__ = ["FORBIDDEN_CHARACTER", "NULL_WORDS", "compose_nodes"]
