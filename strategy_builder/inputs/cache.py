"""A cache of validated input files, so that a file whose bytes were read before is not read again.

Reading and validating a file is a pure function of its bytes and of the code that reads it; a partner's
checks against ``strategy.yaml`` also depend on that file and on the partner file's name. For a file
that was read and validated without errors, the cache keeps:

- in ``index.json``, one small file read by every run: per file content, a summary the loader asked to
  keep (a partner's code) and the findings of its checks per file name and ``strategy.yaml``;
- in ``<key>.json``, read only when the build needs the file's model or line numbers: on its first line
  the plain data that validated, handed straight to pydantic's JSON validator (in pydantic's compiled
  code, without a YAML parse); on its second line the file's positions.

So a run in which one partner file changed reads the index and parses that one file. Entries are JSON,
never pickle (the build folder is not trusted to hold code), keyed by content and by a fingerprint of
the reading code, so changing either misses. The folder (``build/.cache/inputs``) is safe to delete; a
damaged or missing entry is ignored and the file read again.
"""

from __future__ import annotations

import contextlib
import importlib.util
import functools
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from strategy_builder import __version__
from strategy_builder.errors import EnvironmentProblem, Finding, Location, Severity
from strategy_builder.files import LEFTOVER_SECONDS, is_temporary_name, replace_file
from strategy_builder.models.source_map import FieldPath, SourceMap, YamlDocument

_FORMAT = 3

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
    for module in [*modules, _pycountry_file()]:
        status = module.stat()
        stamps.append(f"{module}:{status.st_size}:{status.st_mtime_ns}")
    return hashlib.sha256("\n".join(stamps).encode()).hexdigest()


def _pycountry_file() -> Path:
    # Located, not imported: importing pycountry costs more than reading every cached file.
    spec = importlib.util.find_spec("pycountry")
    assert spec is not None and spec.origin is not None  # a dependency of strategy-builder
    return Path(spec.origin)


@dataclass(frozen=True, slots=True)
class CachedInput:
    """A file answered from the cache: its (deferred) document, the summary stored with it, and a way to
    the data JSON that validated."""

    document: YamlDocument
    summary: dict[str, Any]
    _payload: _Payload

    def data_json(self, *, from_source: bool = False) -> bytes:
        """The data that validated, as JSON: from the cache, or (``from_source``, or when the cache has
        none) from the file's bytes, read again, which also repairs the cache."""
        return self._payload.data_json(from_source=from_source)


class _Payload:
    """The ``<key>.json`` of one file content, read on first use; its bytes are the fallback."""

    def __init__(self, file: Path, raw: bytes, path: Path, display_name: str,
                 write: Callable[[str, str], None]) -> None:
        self.file, self.raw, self.path, self.display_name = file, raw, path, display_name
        self._write = write
        self._lines: tuple[bytes, bytes] | None = None

    def _read(self) -> tuple[bytes, bytes]:
        if self._lines is None:
            try:
                data_json, _, positions_json = self.file.read_bytes().partition(b"\n")  # JSON has no raw newline
            except OSError:
                data_json, positions_json = b"", b""
            self._lines = (data_json, positions_json)
        return self._lines

    def data_json(self, *, from_source: bool = False) -> bytes:
        data_json, _ = self._read()
        if data_json and not from_source:
            return data_json
        return _dumps(self._from_source()[0]).encode()

    def parsed(self) -> tuple[dict[str, Any], SourceMap]:
        """The data and source map: from the payload, or by reading the file's bytes again."""
        data_json, positions_json = self._read()
        try:
            data = json.loads(data_json)
            positions = json.loads(positions_json)
            source_map = _source_map(data, positions) if isinstance(data, dict) else None
            if source_map is not None:
                return data, source_map
        except (ValueError, KeyError, TypeError, IndexError):
            pass  # no usable payload: read the bytes again, as the first run did
        return self._from_source()

    def _from_source(self) -> tuple[dict[str, Any], SourceMap]:
        from strategy_builder.inputs.yamlsource import parse_yaml  # the YAML reader only when a payload is missing

        document, findings = parse_yaml(self.raw, self.path, self.display_name)
        if document is None or findings:
            # The index says these bytes read cleanly, and reading is deterministic: a hand-edited index.
            raise CacheDamaged(self.display_name)
        positions = _positions(document.source_map)
        self._write(self.file.name, f"{_dumps(document.data)}\n{_dumps(positions)}")
        self._lines = None
        return document.data, document.source_map


class CacheDamaged(EnvironmentProblem):
    """The cache contradicts the file it is about (only a hand-edited cache can)."""

    def __init__(self, display_name: str) -> None:
        super().__init__(f"{display_name}: the cached reading of this file is damaged",
                         hint="delete the folder build/.cache (only a cache) and run again")


class InputCache:
    """Validated input files in one folder; see the module docstring for what is kept and why.

    Call :meth:`flush` at the end of a run: it writes the index if anything was added, and prunes what
    no run has used once it outnumbers what this run used. With ``background`` the files are written by
    a thread of their own while the caller goes on (a build renders meanwhile); :meth:`close` waits for
    them. With ``later``, what the cache learns (:meth:`store`, :meth:`store_checks`, :meth:`flush`) is
    appended to that list as calls to make once the caller's work is done (the watcher makes them after it
    has reported a rebuild: the preview is written sooner), in order, writing synchronously then.
    """

    INDEX = "index.json"

    def __init__(self, folder: Path, *, background: bool = False,
                 later: list[Callable[[], None]] | None = None) -> None:
        self.folder = folder
        self._later = later
        self._files: dict[str, dict[str, Any]] = self._read_index()
        self._used: set[str] = set()
        self._used_checks: set[tuple[str, str]] = set()
        self._changed = False
        self._reset = not self._files  # a new or unreadable index: payloads of older versions may be about
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="input-cache") if background else None

    def close(self) -> None:
        """Wait until every file the cache was asked to write is written; later writes are synchronous."""
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None

    def __enter__(self) -> InputCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _read_index(self) -> dict[str, dict[str, Any]]:
        try:
            index = json.loads((self.folder / self.INDEX).read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(index, dict) or index.get("fingerprint") != code_fingerprint():
            return {}
        files = index.get("files")
        return {digest: entry for digest, entry in files.items() if isinstance(entry, dict)
                and isinstance(entry.get("summary"), dict) and isinstance(entry.get("checks"), dict)
                } if isinstance(files, dict) else {}

    @staticmethod
    def _payload_name(digest: str) -> str:
        return hashlib.sha256(f"{code_fingerprint()}\0{digest}".encode()).hexdigest() + ".json"

    def lookup(self, raw: bytes, path: Path, display_name: str) -> CachedInput | None:
        """The cached reading of a file with these bytes, or ``None`` when it was never read cleanly."""
        digest = hashlib.sha256(raw).hexdigest()
        entry = self._files.get(digest)
        if entry is None:
            return None
        self._used.add(digest)
        payload = _Payload(self.folder / self._payload_name(digest), raw, path, display_name, self._write)
        return CachedInput(YamlDocument.deferred(path, display_name, raw, digest, payload.parsed), entry["summary"],
                           payload)

    def store(self, document: YamlDocument, summary: dict[str, Any]) -> None:
        """Remember a document that was read and validated without errors, with a ``summary`` of facts
        about it that a later run needs before (or instead of) validating it."""
        if self._later is not None:
            self._later.append(functools.partial(self._store, document, summary))
            return
        self._store(document, summary)

    def _store(self, document: YamlDocument, summary: dict[str, Any]) -> None:
        self._used.add(document.sha256)
        if document.sha256 in self._files:
            return
        positions = _positions(document.source_map)
        self._write(self._payload_name(document.sha256), f"{_dumps(document.data)}\n{_dumps(positions)}")
        self._files[document.sha256] = {"summary": summary, "checks": {}}
        self._changed = True

    @staticmethod
    def _checks_key(document: YamlDocument, context: str) -> str:
        return f"{document.display_name}\0{context}"

    def checks(self, document: YamlDocument, context: str) -> list[Finding] | None:
        """The findings the checks gave this file, with the same name, against ``context`` (a hash)."""
        entry = self._files.get(document.sha256)
        key = self._checks_key(document, context)
        if entry is None or key not in entry["checks"]:
            return None
        try:
            findings = [Finding(Location(e["file"], e["line"], e["column"], e["field"]), e["code"], e["message"],
                                Severity(e["severity"]), e["hint"]) for e in entry["checks"][key]]
        except (KeyError, TypeError, ValueError):
            return None
        self._used_checks.add((document.sha256, key))
        return findings

    def store_checks(self, document: YamlDocument, context: str, findings: list[Finding]) -> None:
        """Remember the findings of the checks of ``document`` against ``context``."""
        if self._later is not None:
            self._later.append(functools.partial(self._store_checks, document, context, findings))
            return
        self._store_checks(document, context, findings)

    def _store_checks(self, document: YamlDocument, context: str, findings: list[Finding]) -> None:
        entry = self._files.get(document.sha256)
        if entry is None:  # only files stored (read cleanly) have checks worth remembering
            return
        key = self._checks_key(document, context)
        entry["checks"][key] = [finding.to_json() for finding in findings]
        self._used_checks.add((document.sha256, key))
        self._changed = True

    def _write(self, name: str, text: str) -> None:
        if self._writer is not None:
            self._writer.submit(_write_file, self.folder, name, text)
        else:
            _write_file(self.folder, name, text)

    def flush(self) -> None:
        """Write the index if this run added to it; prune what no run used once it outnumbers the rest."""
        if self._later is not None:
            self._later.append(self._flush)
            return
        self._flush()

    def _flush(self) -> None:
        pruned = len(self._files) > 2 * len(self._used) + 16
        if pruned:
            for digest in [d for d in self._files if d not in self._used]:
                del self._files[digest]  # and its payload, with the other strays, once the index is written
            self._changed = True
        for digest, entry in self._files.items():
            unused = [key for key in entry["checks"] if (digest, key) not in self._used_checks]
            if len(entry["checks"]) > 4 and unused:  # a few strategy versions back and forth are common
                for key in unused:
                    del entry["checks"][key]
                self._changed = True
        if not self._changed:
            return
        self._write(self.INDEX, _dumps({"format": _FORMAT, "fingerprint": code_fingerprint(), "files": self._files}))
        self._changed = False
        if pruned or self._reset:
            keep = {self.INDEX, *(self._payload_name(digest) for digest in self._files)}
            if self._writer is not None:
                self._writer.submit(_remove_strays, self.folder, keep)
            else:
                _remove_strays(self.folder, keep)
            self._reset = False


def _write_file(folder: Path, name: str, text: str) -> None:
    """Replace ``folder/name`` atomically, through the one writer (a new file follows the umask, a failed
    write leaves no temporary file); a cache is an optimisation, so a failure is not an error. Writing the
    index also removes the temporary files killed runs left in the folder (a payload's name is written
    once, so the leftovers of its writes would otherwise stay)."""
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        replace_file(folder / name, text.encode("utf-8"), durable=False, keep_metadata=False,
                     clean_folder=name == InputCache.INDEX)


def _remove_strays(folder: Path, keep: set[str]) -> None:
    """Delete files not in ``keep``: payloads the index no longer knows (pruned, or from an older version
    of the tool), and temporary files an interrupted run left more than an hour ago (a younger one may be
    another run's write in progress)."""
    cutoff = time.time() - LEFTOVER_SECONDS
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            if entry.name in keep:
                continue
            with contextlib.suppress(OSError):
                if not is_temporary_name(entry.name) or entry.stat().st_mtime < cutoff:
                    entry.unlink()


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
