"""A cache of parsed YAML files keyed by their bytes, so that an unchanged file is not parsed again.

Reading a file is a pure function of its bytes, so a file whose sha256 is in the cache gets the data and
positions recorded the last time, without a YAML parse. Only files that were read without findings are
cached; the cache is JSON (never pickle) and is safe to delete (``build/.cache/inputs``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

from strategy_builder import __version__
from strategy_builder.errors import Finding
from strategy_builder.inputs.yamlsource import SourceMap, YamlDocument, read_yaml

_FORMAT = 1


class YamlCache:
    """Parsed YAML documents in one JSON file, keyed by content hash; :meth:`flush` writes it once."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "inputs.json"
        self._entries: dict[str, dict] | None = None
        self._used: set[str] = set()
        self._dirty = False

    def _all(self) -> dict[str, dict]:
        if self._entries is None:
            try:
                payload = json.loads(self.path.read_text(encoding="utf-8"))
                self._entries = payload["entries"] if payload.get("format") == _FORMAT else {}
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                self._entries = {}
        return self._entries

    def read(self, path: Path, display_name: str) -> tuple[YamlDocument | None, list[Finding]]:
        """Like :func:`read_yaml`, answered from the cache when the file's bytes were seen before."""
        try:
            raw = path.read_bytes()
        except OSError:
            return read_yaml(path, display_name)
        digest = hashlib.sha256(raw).hexdigest()
        key = hashlib.sha256(f"{_FORMAT}:{__version__}:{digest}".encode()).hexdigest()
        self._used.add(key)
        cached = self._decode(self._all().get(key))
        if cached is not None:
            data, source_map = cached
            return YamlDocument(path, display_name, data, source_map, digest), []
        document, findings = read_yaml(path, display_name)
        if document is not None and not findings and document.sha256 == digest:
            self._all()[key] = {
                "data": document.data,
                "values": [[list(p), line, column] for p, (line, column) in document.source_map.values.items()],
                "keys": [[list(p), line, column] for p, (line, column) in document.source_map.keys.items()],
            }
            self._dirty = True
        return document, findings

    @staticmethod
    def _decode(entry: dict | None) -> tuple[dict, SourceMap] | None:
        if entry is None:
            return None
        try:
            source_map = SourceMap(
                values={tuple(path): (line, column) for path, line, column in entry["values"]},
                keys={tuple(path): (line, column) for path, line, column in entry["keys"]})
            return entry["data"], source_map
        except (KeyError, TypeError, ValueError):
            return None

    def flush(self) -> None:
        """Write the entries used in this run (dropping the others) if anything changed."""
        entries = self._all()
        if not self._dirty and set(entries) == self._used:
            return
        kept = {key: entries[key] for key in sorted(self._used) if key in entries}
        with contextlib.suppress(OSError):  # a cache is an optimisation: never fail a build for it
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=self.path.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                # dumps, not dump: dump streams through the pure-Python encoder, ten times slower.
                stream.write(json.dumps({"format": _FORMAT, "entries": kept}, ensure_ascii=False))
            os.replace(temporary, self.path)
