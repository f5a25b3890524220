"""``check``: every problem of a project's inputs and translations, as a build of the next draft would find them.

It lives with the drafts because it asks what a build asks before writing: the inputs and the translations
(:func:`strategy_builder.languages.loading.load_project_with_translations`), and whether the next draft
would keep the latest draft's consultation round and dates (:mod:`strategy_builder.drafts.round_guard`);
and whether ``responds_to`` names rows of the comment register (:mod:`strategy_builder.review.dispositions`).

A check that nothing changed for since the last check without errors is answered from
``build/.cache/check.json``, without reading or validating anything. The findings of a check are a
function of what it reads, so the cache is keyed by a digest of exactly that: every entry under
``inputs/`` (by name, kind and content); the numbers of the drafts and the size and time of the latest
one's manifest; the size and time of the logo and of the template (the round guard compares the next
draft, template included, with the latest) and of the comment register (``review.register``, whose rows
``responds_to`` names); the size and time of every module of strategy-builder and of
the libraries whose checks and messages the findings carry. The answer is then the findings the reading
gave, in the same order, without importing pydantic, the YAML reader or pycountry, whose imports alone
cost more than the rest of a check. Only checks without errors are kept: while there are errors the
inputs are being edited, and each run reads them (the input cache still answers for every file that did
not change). A symbolic link, or an unreadable or oversized entry, under ``inputs/`` is never answered
from the cache. The file is JSON (never pickle), safe to delete; a damaged one is read as a miss.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import stat
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from strategy_builder import __version__
from strategy_builder.errors import Finding, Findings, Location, Severity
from strategy_builder.layout import MANIFEST_FILE, ProjectLayout, require_project, write_atomic
from strategy_builder.limits import YAML_FILE_BYTES

if TYPE_CHECKING:
    from strategy_builder.models.project import Project

CHECK_CACHE = "check.json"
"""In ``build/.cache/``: the findings of the last check without errors, keyed by :func:`inputs_digest`."""
_FORMAT = 1
_LIBRARIES = ("pydantic", "pydantic_core", "yaml", "pycountry", "babel")
"""Libraries whose behaviour or wording a finding may carry (located, never imported, for the digest)."""


class CheckResult(NamedTuple):
    """What ``check`` found: every finding (warnings as errors with ``strict``), and how many partners."""

    findings: Findings
    partners: int
    seconds: float
    from_cache: bool = False
    """True when nothing the check reads had changed since the last check without errors, whose findings
    were the answer."""


def check_project(root: Path, *, strict: bool = False) -> CheckResult:
    """Validate ``inputs/`` of the project at ``root`` (strategy.yaml, the partner files and the
    translations) and report every problem of every file at once, and whether the next draft would keep
    the latest draft's round and dates although it changed, and whether the register rows that
    ``responds_to`` names are rows of the register (``review.register``). When nothing it reads changed
    since the last check without errors, that check's findings are the answer (see the module docstring);
    otherwise files whose bytes were read cleanly before are answered from the project's input cache
    (``build/.cache/inputs``), as a build does. Raises
    :class:`~strategy_builder.errors.EnvironmentProblem` when ``root`` is not a project."""
    require_project(root)
    started = time.perf_counter()
    layout = ProjectLayout.of(root)
    digest = inputs_digest(layout)
    cached = _cached_check(layout, digest) if digest is not None else None
    if cached is not None:
        findings, partners = cached
    else:
        findings, partners, read = _read_and_check(root, layout)
        if digest is not None and not findings.has_errors() and inputs_digest(layout) == digest:
            _remember(layout, digest, findings, partners, read)  # unchanged while it was read: keep it
    if strict:
        findings = findings.strict()
    return CheckResult(findings, partners, time.perf_counter() - started, from_cache=cached is not None)


def _read_and_check(root: Path, layout: ProjectLayout) -> tuple[Findings, int, list[Path]]:
    """The findings of reading the project, its partner count, and the files outside ``inputs/`` it read."""
    from strategy_builder.drafts.round_guard import next_draft_round_finding
    from strategy_builder.inputs.cache import InputCache
    from strategy_builder.languages.loading import load_project_with_translations

    with InputCache(layout.input_cache_dir) as cache:
        result = load_project_with_translations(root, cache=cache)
    project = result.project
    if project is None:
        return result.findings, 0, []
    stale_round = next_draft_round_finding(project)  # the next draft under the previous draft's round and dates
    if stale_round is not None:
        result.findings.add(stale_round)
    from strategy_builder.review.dispositions import responds_to_findings  # the rows responds_to names

    result.findings.extend(responds_to_findings(project))
    return result.findings, len(project.partners), _outside_inputs(project)


def _outside_inputs(project: Project) -> list[Path]:
    logo = project.strategy.series.logo
    register = project.strategy.review.register
    return [*([project.root / logo] if logo is not None else []), project.template_path,
            *([project.root / register] if register else [])]


@functools.cache
def _code_stamps() -> str:
    """The size and time of every module of strategy-builder and of the libraries in :data:`_LIBRARIES`:
    editing any of them (or upgrading a library) gives another digest."""
    package = Path(__file__).resolve().parent.parent
    stamps = [str(_FORMAT), __version__]
    for folder, _, names in sorted(os.walk(package)):
        for name in sorted(names):
            if name.endswith(".py"):
                status = os.stat(os.path.join(folder, name))
                stamps.append(f"{folder}/{name}:{status.st_size}:{status.st_mtime_ns}")
    for library in _LIBRARIES:
        spec = importlib.util.find_spec(library)
        if spec is not None and spec.origin:
            status = os.stat(spec.origin)
            stamps.append(f"{spec.origin}:{status.st_size}:{status.st_mtime_ns}")
        else:
            stamps.append(f"{library}: absent")
    return "\n".join(stamps)


def inputs_digest(layout: ProjectLayout) -> str | None:
    """A digest of everything under ``inputs/`` (names, kinds, bytes), of the drafts' numbers and the
    latest manifest, and of the reading code; ``None`` when some entry under ``inputs/`` cannot be answered
    for (a link, an unreadable or oversized file): then the check reads."""
    digest = hashlib.sha256(_code_stamps().encode())
    inputs = layout.inputs_dir
    for folder, folders, names in os.walk(inputs):
        folders.sort()
        digest.update(f"\0in {os.path.relpath(folder, inputs)}\n".encode())
        for name in sorted([*folders, *names]):
            path = os.path.join(folder, name)
            try:
                status = os.lstat(path)
            except OSError:
                return None
            if stat.S_ISLNK(status.st_mode):
                return None
            if stat.S_ISDIR(status.st_mode):
                digest.update(f"\0folder {name}\n".encode())
            elif stat.S_ISREG(status.st_mode):
                if status.st_size > YAML_FILE_BYTES:
                    return None
                try:
                    with open(path, "rb") as stream:
                        content = stream.read(YAML_FILE_BYTES + 1)
                except OSError:
                    return None
                digest.update(f"\0file {name} {len(content)}\n".encode())
                digest.update(content)
            else:  # a FIFO or a device among the inputs: its kind is what the reading reports
                digest.update(f"\0other {name} {stat.S_IFMT(status.st_mode)}\n".encode())
    drafts = layout.draft_numbers()
    digest.update(f"\0drafts {drafts}\n".encode())
    if drafts:
        try:
            status = (layout.draft_dir(drafts[-1]) / MANIFEST_FILE).stat()
        except OSError:
            return None
        digest.update(f"{status.st_size} {status.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _stamps(paths: list[Path]) -> list[list[Any]]:
    stamps: list[list[Any]] = []
    for path in paths:
        try:
            status = path.stat()
            stamps.append([str(path), status.st_size, status.st_mtime_ns])
        except OSError:
            stamps.append([str(path), None, None])
    return stamps


def _cache_file(layout: ProjectLayout) -> Path:
    return layout.input_cache_dir.parent / CHECK_CACHE


def _cached_check(layout: ProjectLayout, digest: str) -> tuple[Findings, int] | None:
    try:
        entry = json.loads(_cache_file(layout).read_bytes())
        if entry["digest"] != digest:
            return None
        read = entry["read"]
        if _stamps([Path(item[0]) for item in read]) != read:
            return None  # the logo or the template changed
        findings = Findings([_finding(item) for item in entry["findings"]])
        partners = entry["partners"]
        if type(partners) is not int or findings.has_errors():
            return None
        return findings, partners
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None  # none yet, or damaged: read the inputs


def _finding(item: dict[str, Any]) -> Finding:
    """The finding that :meth:`Finding.to_json` wrote (a field of the wrong type is a damaged cache)."""
    line, column, hint = item["line"], item["column"], item["hint"]
    for value in (line, column):
        if value is not None and type(value) is not int:
            raise TypeError("damaged")
    texts = (item["file"], item["field"], item["code"], item["message"])
    if not all(isinstance(text, str) for text in texts) or not isinstance(hint, (str, type(None))):
        raise TypeError("damaged")
    return Finding(Location(item["file"], line, column, item["field"]), item["code"], item["message"],
                   Severity(item["severity"]), hint)


def _remember(layout: ProjectLayout, digest: str, findings: Findings, partners: int, read: list[Path]) -> None:
    entry = {"format": _FORMAT, "digest": digest, "partners": partners, "read": _stamps(read),
             "findings": [finding.to_json() for finding in findings]}
    try:
        write_atomic(_cache_file(layout), json.dumps(entry, ensure_ascii=False).encode(), durable=False)
    except OSError:
        pass  # a build folder that cannot be written: the next check reads the inputs again, as this one did


__all__ = ["CHECK_CACHE", "CheckResult", "check_project", "inputs_digest"]
