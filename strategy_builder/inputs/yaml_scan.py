"""Where every node of a YAML text is: the character offsets of each scalar, list and mapping, read from
PyYAML's events (the pure-Python parser, whose marks count characters of the text as given, ``\r\n``
included), with each scalar's style and value. What :mod:`strategy_builder.inputs.yaml_edit` edits by."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml.events import (
    AliasEvent, MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent, SequenceStartEvent,
)

from strategy_builder.models.source_map import FieldPath


class EditRefused(ValueError):
    """An edit that cannot be written without changing more than the value (the text is left unchanged)."""


@dataclass(slots=True)
class YamlNode:
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


class NodeScan:
    """Reads the positions of every node of a YAML text from PyYAML's events (pure-Python parser: its marks
    count characters of the text as given, line breaks ``\\r\\n`` included)."""

    def __init__(self, text: str) -> None:
        self.nodes: dict[FieldPath, YamlNode] = {}
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
            self.nodes[path] = YamlNode(_index(event.start_mark), _index(event.end_mark), "scalar",
                                        event.style or "", event.value, key_start=key_start)
            return None if not event.style and event.value in ("", "~", "null", "Null", "NULL") else event.value
        if isinstance(event, SequenceStartEvent):
            node = YamlNode(_index(event.start_mark), 0, "sequence", flow=bool(event.flow_style), key_start=key_start)
            self.nodes[path] = node
            items: list[Any] = []
            while True:
                child = loader.get_event()
                if isinstance(child, SequenceEndEvent):
                    node.end = _index(child.start_mark) if node.flow else _index(child.end_mark)
                    return items
                items.append(self._node(loader, child, (*path, len(items)), None))
        if isinstance(event, MappingStartEvent):
            node = YamlNode(_index(event.start_mark), 0, "mapping", flow=bool(event.flow_style), key_start=key_start)
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


def column_of(text: str, index: int) -> int:
    """The column (0-based, in characters) of ``text[index]`` on its line."""
    return index - (text.rfind("\n", 0, index) + 1)


__all__ = ["EditRefused", "NodeScan", "YamlNode", "column_of"]
