"""A cache of validated input files, so that a file whose bytes were read before is not read again.

Reading and validating a file is a pure function of its bytes and of the code that reads it; a partner's
checks against ``strategy.yaml`` also depend on that file and on the partner file's name. For a file
that was read and validated without errors, the cache keeps, under keys built from all of these:

- ``<key>.json``: on its first line the plain data that validated, handed straight to pydantic's JSON
  validator when the model is needed (in pydantic's compiled code, without a YAML parse); on its second
  line the file's positions, decoded only when a finding or a manifest needs a line number; on its third
  a small summary the loader asked to keep (a partner's code);
- ``<key>.checks.json``: the findings of the checks against ``strategy.yaml`` (warnings included).

Entries are JSON, never pickle (the build folder is not trusted to hold code), and a changed file,
strategy, file name or reading code simply misses. The folder (``build/.cache/inputs``) is safe to
delete; a damaged entry is ignored and the file is read again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pycountry

from strategy_builder import __version__
from strategy_builder.errors import Finding, Location, Severity
from strategy_builder.inputs.yamlsource import FieldPath, SourceMap, YamlDocument, parse_yaml

_FORMAT = 2

_READING_CODE = ("inputs", "models")
"""Sub-packages whose code decides what a file reads and validates to, and which findings it gets."""


@functools.cache
def code_fingerprint() -> str:
    """Identifies the code that reads and checks inputs: the version, and each module's size and mtime.

    Size and modification time (not the version alone) so that editing the package during development
    never serves entries a different validator produced; pycountry's too, whose tables the checks use.
    """
    package = Path(__file__).resolve().parent.parent
    modules = [package / folder / name for folder in _READING_CODE
               for name in sorted(os.listdir(package / folder)) if name.endswith(".py")]
    stamps = [f"{_FORMAT}", __version__]
    for module in [*modules, Path(pycountry.__file__)]:
        status = module.stat()
        stamps.append(f"{module}:{status.st_size}:{status.st_mtime_ns}")
    return hashlib.sha256("\n".join(stamps).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class CachedInput:
    """A file answered from the cache: its (deferred) document, the data JSON that validated, and the
    summary stored with it."""

    document: YamlDocument
    data_json: bytes
    summary: dict[str, Any]


class InputCache:
    """Validated input files in one folder; see the module docstring for what is kept and why.

    Only entries for new content are written, so editing one partner file writes two small entries;
    entries no run has used are pruned when they outnumber the used ones.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._used: set[str] = set()

    @staticmethod
    def _key(*parts: str) -> str:
        return hashlib.sha256("\0".join((code_fingerprint(), *parts)).encode()).hexdigest()

    def lookup(self, raw: bytes, path: Path, display_name: str) -> CachedInput | None:
        """The cached reading of a file with these bytes, or ``None`` when it was never read cleanly."""
        digest = hashlib.sha256(raw).hexdigest()
        key = self._key(digest)
        try:
            entry = (self.folder / f"{key}.json").read_bytes()
        except OSError:
            return None
        data_json, _, rest = entry.partition(b"\n")  # JSON text never holds a raw newline
        positions_json, _, summary_json = rest.partition(b"\n")
        try:
            summary = json.loads(summary_json)
        except ValueError:
            return None
        if not isinstance(summary, dict):
            return None
        self._used.add(key)

        def materialize() -> tuple[dict[str, Any], SourceMap]:
            return _materialize(raw, path, display_name, data_json, positions_json)

        return CachedInput(YamlDocument.deferred(path, display_name, digest, materialize), data_json, summary)

    def store(self, document: YamlDocument, summary: dict[str, Any]) -> None:
        """Remember a document that was read and validated without errors, with a ``summary`` of facts
        about it that a later run needs before (or instead of) validating it."""
        key = self._key(document.sha256)
        self._used.add(key)
        if (self.folder / f"{key}.json").exists():
            return
        positions = _positions(document.source_map)
        self._write(f"{key}.json", f"{_dumps(document.data)}\n{_dumps(positions)}\n{_dumps(summary)}")

    def checks(self, document: YamlDocument, context: str) -> list[Finding] | None:
        """The findings the checks gave this file, with the same name, against ``context`` (a hash)."""
        key = self._key("checks", document.sha256, document.display_name, context)
        try:
            entries = json.loads((self.folder / f"{key}.checks.json").read_bytes())
            findings = [Finding(Location(e["file"], e["line"], e["column"], e["field"]), e["code"], e["message"],
                                Severity(e["severity"]), e["hint"]) for e in entries]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        self._used.add(key)
        return findings

    def store_checks(self, document: YamlDocument, context: str, findings: list[Finding]) -> None:
        """Remember the findings of the checks of ``document`` against ``context``."""
        key = self._key("checks", document.sha256, document.display_name, context)
        self._used.add(key)
        self._write(f"{key}.checks.json", _dumps([finding.to_json() for finding in findings]))

    def _write(self, name: str, text: str) -> None:
        with contextlib.suppress(OSError):  # a cache is an optimisation: never fail a build for it
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=self.folder)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    stream.write(text)
                os.replace(temporary, self.folder / name)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary)

    def flush(self) -> None:
        """Prune entries this run did not use once they outnumber the ones it did."""
        with contextlib.suppress(OSError):
            entries = [e for e in self.folder.iterdir() if e.suffix == ".json"]
            if len(entries) > 2 * len(self._used) + 16:
                for entry in entries:
                    if entry.name.split(".", 1)[0] not in self._used:
                        entry.unlink(missing_ok=True)


def _dumps(value: object) -> str:
    # dumps, not dump: dump streams through the pure-Python encoder, ten times slower.
    return json.dumps(value, ensure_ascii=False)


def _walk(data: Any, path: FieldPath = ()) -> Iterator[FieldPath]:
    """Every node's path in document order: the order in which the reader records positions."""
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _walk(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _walk(value, (*path, index))


def _positions(source_map: SourceMap) -> dict[str, list[int]]:
    """The source map as flat line/column numbers: the reader records positions in document order (the
    order of :func:`_walk`), so the paths need not be spelled out, which makes the entry five times
    smaller and as fast to decode."""
    return {"values": [n for position in source_map.values.values() for n in position],
            "keys": [n for position in source_map.keys.values() for n in position]}


def _source_map(data: dict[str, Any], positions: dict[str, list[int]]) -> SourceMap | None:
    paths = list(_walk(data))
    keys = [path for path in paths if path and isinstance(path[-1], str)]
    values, key_positions = positions["values"], positions["keys"]
    if len(values) != 2 * len(paths) or len(key_positions) != 2 * len(keys):
        return None
    return SourceMap(values={path: (values[2 * i], values[2 * i + 1]) for i, path in enumerate(paths)},
                     keys={path: (key_positions[2 * i], key_positions[2 * i + 1]) for i, path in enumerate(keys)})


def _materialize(raw: bytes, path: Path, display_name: str, data_json: bytes,
                 positions_json: bytes) -> tuple[dict[str, Any], SourceMap]:
    """The data and source map of a cached file: from the entry, or by reading its bytes again."""
    try:
        data = json.loads(data_json)
        positions = json.loads(positions_json)
        source_map = _source_map(data, positions) if positions is not None else None
        if isinstance(data, dict) and source_map is not None:
            return data, source_map
    except (ValueError, KeyError, TypeError, IndexError):
        pass  # no usable positions: read the bytes again, as the first run did
    document, findings = parse_yaml(raw, path, display_name)
    if document is None or findings:
        # The bytes read cleanly when the entry was made, and reading is deterministic.
        raise RuntimeError(f"{display_name}: a cached input file no longer reads cleanly")
    return document.data, document.source_map
