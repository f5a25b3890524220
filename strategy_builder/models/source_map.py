"""An input file's plain data and where each part of it was written: what the YAML reader produces.

The reader itself (strict parsing, refusals with positions) is :mod:`strategy_builder.inputs.yamlsource`;
these types live below it so that the models of a validated project can carry their sources.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from strategy_builder.errors import Location

FieldPath = tuple[str | int, ...]


def format_path(path: FieldPath) -> str:
    """``('areas', 'integration', 'priorities', 0, 'id')`` -> ``areas.integration.priorities[0].id``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def value_at(data: Any, path: FieldPath) -> Any:
    """The value at ``path`` inside plain data (mappings and lists), or ``None`` where the path leads nowhere."""
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


@dataclass(slots=True)
class SourceMap:
    """Positions (1-based line, column) of every value and every mapping key of one YAML file."""

    values: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: FieldPath, *, prefer_key: bool = False) -> tuple[int, int] | None:
        """The position of ``path``, or of its nearest ancestor that exists in the file.

        ``prefer_key`` points at the key rather than the value (for unknown keys and for mappings).
        """
        probe = tuple(path)
        while True:
            if prefer_key and probe in self.keys:
                return self.keys[probe]
            if probe in self.values:
                return self.values[probe]
            if probe in self.keys:
                return self.keys[probe]
            if not probe:
                return None
            probe = probe[:-1]


class YamlDocument:
    """The plain data of one YAML file (dicts, lists, str, None) and where each part of it was written.

    A document answered from the input cache is *deferred*: its data and positions are produced by a
    loader on first use, so that a build that only needs the validated model never decodes them.
    ``raw`` holds the bytes that were read (``None`` for a document made in memory), so that what a draft
    records as its inputs is what was validated, even if the file changes on disk meanwhile.
    """

    __slots__ = ("_data", "_loader", "_source_map", "display_name", "path", "raw", "sha256")

    def __init__(self, path: Path, display_name: str, data: dict[str, Any], source_map: SourceMap,
                 sha256: str, raw: bytes | None = None) -> None:
        self.path = path
        self.display_name = display_name
        self.sha256 = sha256
        self.raw = raw
        self._data: dict[str, Any] | None = data
        self._source_map: SourceMap | None = source_map
        self._loader: Callable[[], tuple[dict[str, Any], SourceMap]] | None = None

    @classmethod
    def deferred(cls, path: Path, display_name: str, raw: bytes, sha256: str,
                 loader: Callable[[], tuple[dict[str, Any], SourceMap]]) -> YamlDocument:
        """A document read as ``raw`` whose data and source map ``loader`` produces when first asked for."""
        document = cls.__new__(cls)
        document.path, document.display_name, document.sha256, document.raw = path, display_name, sha256, raw
        document._data, document._source_map, document._loader = None, None, loader
        return document

    def _materialize(self) -> None:
        assert self._loader is not None
        self._data, self._source_map = self._loader()
        self._loader = None

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            self._materialize()
        assert self._data is not None
        return self._data

    @property
    def source_map(self) -> SourceMap:
        if self._source_map is None:
            self._materialize()
        assert self._source_map is not None
        return self._source_map

    def location(self, path: FieldPath, *, prefer_key: bool = False) -> Location:
        """A :class:`Location` for a field path of this file."""
        position = self.source_map.locate(path, prefer_key=prefer_key)
        line, column = position if position else (None, None)
        return Location(self.display_name, line, column, format_path(path))

    def __repr__(self) -> str:
        return f"YamlDocument({self.display_name!r}, sha256={self.sha256[:12]})"
