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
    """Parsed YAML documents, one JSON file per distinct content, named by its hash.

    Only entries for new content are written, so editing one partner file writes one small entry;
    entries no run has used are pruned when they outnumber the used ones.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._used: set[str] = set()

    def read(self, path: Path, display_name: str) -> tuple[YamlDocument | None, list[Finding]]:
        """Like :func:`read_yaml`, answered from the cache when the file's bytes were seen before."""
        try:
            raw = path.read_bytes()
        except OSError:
            return read_yaml(path, display_name)
        digest = hashlib.sha256(raw).hexdigest()
        key = hashlib.sha256(f"{_FORMAT}:{__version__}:{digest}".encode()).hexdigest()
        self._used.add(key)
        cached = self._load(key)
        if cached is not None:
            data, source_map = cached
            return YamlDocument(path, display_name, data, source_map, digest), []
        document, findings = read_yaml(path, display_name)
        if document is not None and not findings and document.sha256 == digest:
            self._store(key, document)
        return document, findings

    def _load(self, key: str) -> tuple[dict, SourceMap] | None:
        try:
            entry = json.loads((self.folder / f"{key}.json").read_bytes())
            source_map = SourceMap(
                values={tuple(path): (line, column) for path, line, column in entry["values"]},
                keys={tuple(path): (line, column) for path, line, column in entry["keys"]})
            return entry["data"], source_map
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _store(self, key: str, document: YamlDocument) -> None:
        entry = {
            "data": document.data,
            "values": [[list(p), line, column] for p, (line, column) in document.source_map.values.items()],
            "keys": [[list(p), line, column] for p, (line, column) in document.source_map.keys.items()],
        }
        with contextlib.suppress(OSError):  # a cache is an optimisation: never fail a build for it
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=self.folder)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                # dumps, not dump: dump streams through the pure-Python encoder, ten times slower.
                stream.write(json.dumps(entry, ensure_ascii=False))
            os.replace(temporary, self.folder / f"{key}.json")

    def flush(self) -> None:
        """Prune entries of contents no longer in the project once they outnumber the current ones."""
        with contextlib.suppress(OSError):
            entries = list(self.folder.glob("*.json"))
            if len(entries) > 2 * len(self._used) + 8:
                for entry in entries:
                    if entry.stem not in self._used:
                        entry.unlink(missing_ok=True)
