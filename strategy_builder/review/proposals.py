"""From returned drafts to YAML: every reviewer's tracked change inside a printed value, proposed as a new value.

A draft prints each YAML value inside a bookmark and records in ``provenance/<CODE>.json`` which scalar
(file, field path), which part of it (the whole line, one paragraph or bullet of a prose text, all blocks
joined) and which exact text it printed (:mod:`strategy_builder.models.provenance`). For a returned draft,
:func:`propose`:

1. reads its tracked changes and which printed value each piece of changed text belongs to
   (:mod:`strategy_builder.ooxml.value_edits`); a change in text the template wrote, across two values,
   inside a generated number, in a table's structure, a moved or inserted paragraph, or a formatting
   change *needs a person*;
2. for each printed value with changes: checks that the return still shows the text the draft printed,
   computes the text with the changes accepted (only those of ``author``, when given), and turns the word
   edits of that text into edits of the scalar's value as the draft's inputs snapshot has it (through the
   positions of every printed character in the value: :func:`strategy_builder.models.prose.place_prose`);
   the edited value must print exactly the accepted text, or the change needs a person;
3. merges the edits of every return per scalar: the same edit from several returns (or from a consolidated
   return that repeats them) counts once; two different edits of the same words are a *conflict*, listed
   and not applied;
4. compares with today's inputs: a value that still reads as in the draft gets the proposal; one that
   already reads as proposed is *already applied* (so applying a return twice changes nothing); one that
   was edited since the draft was built needs a person.

:func:`apply_proposals` writes the proposals with :class:`strategy_builder.inputs.yaml_edit.YamlEditor`
(only the bytes of the edited values change), adds the register row IDs the edits answer to the
``responds_to`` list of the priority, action, area, key figure (or ``situation_responds_to``) they belong
to, keeps the previous files in ``build/.returns/NNN/`` and replaces the files atomically.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from strategy_builder.errors import EnvironmentProblem, UntrustedDocumentError
from strategy_builder.files import environment_errors, replace_file, replace_files
from strategy_builder.inputs.yaml_edit import EditRefused, TextEdit, YamlEditor, apply_edits
from strategy_builder.inputs.yamlsource import parse_yaml, read_yaml
from strategy_builder.layout import BUILD_DIR, ProjectLayout, provenance_file_name
from strategy_builder.models.provenance import ValueSource, ValueTable
from strategy_builder.models.prose import place_prose
from strategy_builder.models.source_map import FieldPath, YamlDocument, format_path
from strategy_builder.ooxml.value_edits import TextPiece, ValueText
from strategy_builder.review.returns import FailedReturn, ManifestIndex, ReturnedFile, ReturnItem, read_return

RETURNS_BACKUP_DIR = ".returns"
"""Inside ``build/``: ``.returns/NNN/`` keeps the input files as they were before ``propose --apply`` NNN."""

Reason = Literal["template-text", "generated-number", "across-values", "paragraphs", "table-structure", "moved",
                 "formatting", "edited-since", "conflict", "not-a-draft", "language-version", "no-provenance",
                 "value-mismatch", "cannot-express", "cannot-write", "outside-body", "unmapped"]

REASONS: dict[str, str] = {
    "template-text": "the change is in text the template wrote, not in a value of the inputs",
    "generated-number": "the change is inside a number the build generates (paragraph or action numbers)",
    "across-values": "the change spans two values of the inputs",
    "paragraphs": "a paragraph was inserted, deleted, split or joined",
    "table-structure": "the structure of a table changed (rows or cells inserted or deleted)",
    "moved": "text was moved",
    "formatting": "a formatting change cannot be written in YAML",
    "edited-since": "the value was edited in the inputs since the draft was built",
    "conflict": "returns change the same words differently",
    "not-a-draft": "the file is not a draft made by strategy-builder",
    "language-version": "the change is in a language version, whose text comes from the translation files, not "
                        "from the inputs (translate export and import carry it)",
    "no-provenance": "the draft's record of where its values came from is missing",
    "value-mismatch": "the return does not show the text the draft printed here (edited without tracking "
                      "changes?)",
    "cannot-express": "the accepted text cannot be written as this value (it would print differently)",
    "cannot-write": "the value cannot be changed in its file without changing other bytes",
    "outside-body": "the change is in a header, footer or note",
    "unmapped": "the change could not be located in the draft's text",
}

_GENERATED_NUMBER = re.compile(r"^\s*(?:[0-9]+(?:\.[0-9]+)*(?:\.[a-z])?\.?|[A-Z])\s*$")
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass(frozen=True, slots=True)
class ReturnedChange:
    """One tracked change of a returned file, as the register lists it."""

    returned_file: str
    ministry: str
    author: str
    date: str
    row_id: str
    kind: str
    text: str
    section_id: str
    heading: str

    def as_json(self) -> dict[str, Any]:
        return {"returned_file": self.returned_file, "ministry": self.ministry, "author": self.author,
                "date": self.date, "row_id": self.row_id, "kind": self.kind, "text": self.text,
                "section_id": self.section_id, "heading": self.heading}


@dataclass(slots=True)
class Proposal:
    """A new text for one YAML scalar, and the returned changes it carries out."""

    file: str
    path: FieldPath
    """Field path in today's file (a priority that moved since the draft is found by its ID)."""
    line: int | None
    section_id: str
    old: str
    new: str
    status: Literal["proposed", "already applied"]
    changes: list[ReturnedChange]
    edits: list[TextEdit] = field(repr=False, default_factory=list)

    @property
    def row_ids(self) -> list[str]:
        return list(dict.fromkeys(change.row_id for change in self.changes if change.row_id))

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "path": format_path(self.path), "section_id": self.section_id,
                "status": self.status, "old": self.old, "new": self.new, "row_ids": self.row_ids,
                "changes": [change.as_json() for change in self.changes]}


@dataclass(slots=True)
class NeedsPerson:
    """A returned change that is never applied automatically, and why."""

    reason: Reason
    changes: list[ReturnedChange]
    file: str = ""
    path: str = ""
    line: int | None = None
    detail: str = ""
    alternatives: list[str] = field(default_factory=list)
    """For a conflict: the competing texts of the value."""

    @property
    def message(self) -> str:
        return REASONS[self.reason] + (f" ({self.detail})" if self.detail else "")

    def as_json(self) -> dict[str, Any]:
        return {"reason": self.reason, "message": self.message, "file": self.file, "path": self.path,
                "line": self.line, "alternatives": self.alternatives,
                "changes": [change.as_json() for change in self.changes]}


@dataclass(slots=True)
class Proposals:
    """What :func:`propose` found in a batch of returned files."""

    proposals: list[Proposal] = field(default_factory=list)
    needs_person: list[NeedsPerson] = field(default_factory=list)
    files: list[ReturnedFile] = field(default_factory=list)
    failed: list[FailedReturn] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    edited: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    """Input file (relative to the project) -> (its bytes today, its bytes with the proposals)."""

    def patch(self) -> str:
        """The proposals as a unified diff of the YAML files."""
        out: list[str] = []
        for name, (before, after) in sorted(self.edited.items()):
            out.extend(difflib.unified_diff(before.decode("utf-8").splitlines(keepends=True),
                                            after.decode("utf-8").splitlines(keepends=True),
                                            fromfile=f"a/{name}", tofile=f"b/{name}"))
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in out)

    @property
    def pending(self) -> list[Proposal]:
        return [p for p in self.proposals if p.status == "proposed"]

    def as_json(self) -> dict[str, Any]:
        return {"files": [{"file": str(f.path), "ministry": f.ministry, "partner": f.partner, "draft": f.draft,
                           "notes": f.notes} for f in self.files],
                "failed": [{"file": str(f.path), "reason": f.reason} for f in self.failed],
                "proposals": [p.as_json() for p in self.proposals],
                "needs_person": [n.as_json() for n in self.needs_person],
                "notes": self.notes, "patch": self.patch()}


# ----------------------------------------------------------------------------- printed text <-> value


@dataclass(frozen=True, slots=True)
class _Printed:
    """What a value printed, and for every printed character the characters of the value that spell it."""

    text: str
    spans: tuple[tuple[int, int], ...]
    end: int


def printed(value: str, kind: str, block: int = 0) -> _Printed | None:
    """The text a draft prints for ``value`` as a value of ``kind`` (see :class:`ValueSource`), placed."""
    if kind == "line":
        stripped = value.strip()
        start = len(value) - len(value.lstrip())
        return _Printed(stripped, tuple((start + i, start + i + 1) for i in range(len(stripped))),
                        start + len(stripped))
    blocks = place_prose(value)
    if kind == "block":
        if block >= len(blocks):
            return None
        chosen = blocks[block]
        return _Printed(chosen.text, chosen.spans, chosen.end)
    if not blocks:
        return _Printed("", (), 0)
    pieces, spans = [], []
    for number, placed in enumerate(blocks):
        if number:
            pieces.append(" ")
            spans.append((blocks[number - 1].end, placed.spans[0][0] if placed.spans else placed.end))
        pieces.append(placed.text)
        spans.extend(placed.spans)
    return _Printed("".join(pieces), tuple(spans), blocks[-1].end)


def word_edits(old: str, new: str) -> list[TextEdit]:
    """The edits that turn ``old`` into ``new``, word by word (the same changes give the same edits,
    whichever way a reviewer's program recorded them)."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    offsets = [0]
    for token in a:
        offsets.append(offsets[-1] + len(token))
    edits = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            edits.append(TextEdit(offsets[i1], offsets[i2], "".join(b[j1:j2])))
    return edits


def _to_value(edits: Sequence[TextEdit], placed: _Printed, value: str) -> list[TextEdit]:
    """Edits of the printed text as edits of the value; a deletion that leaves spaces at a line's end or
    start takes them along (prose ignores them, and the file stays tidy)."""
    result = []
    for edit in edits:
        if edit.start < edit.end:
            start, end = placed.spans[edit.start][0], placed.spans[edit.end - 1][1]
        else:
            start = end = placed.spans[edit.start][0] if edit.start < len(placed.spans) else placed.end
        if not edit.text and start < end:
            if end == len(value) or value[end] == "\n":
                while start > 0 and value[start - 1] in " \t":
                    start -= 1
            elif start == 0 or value[start - 1] == "\n":
                while end < len(value) and value[end] in " \t":
                    end += 1
        result.append(TextEdit(start, end, edit.text))
    return result


def _collapse(text: str) -> str:
    return " ".join(text.split())


# ----------------------------------------------------------------------------- reading returns


@dataclass(slots=True)
class _Part:
    """The edits one printed value of one return asks of one scalar."""

    file: str
    path: FieldPath
    section: str
    base: str
    edits: list[TextEdit]
    changes: list[ReturnedChange]
    line: int | None = None
    printed: str = ""
    """The text the draft printed (what the edits change)."""


@dataclass(slots=True)
class _DraftSources:
    """A draft's table of values of one partner and the inputs it was built from."""

    table: dict[int, ValueSource]
    folder: Path
    documents: dict[str, Any] = field(default_factory=dict)

    def value(self, file: str, path: Sequence[str | int]) -> str | None:
        if file not in self.documents:
            document, _ = read_yaml(self.folder / file, file) if (self.folder / file).is_file() else (None, [])
            self.documents[file] = document.data if document is not None else None
        data = self.documents[file]
        for part in path:
            try:
                data = data[part]  # type: ignore[index]
            except (KeyError, IndexError, TypeError):
                return None
        return data if isinstance(data, str) else None


class _Reader:
    """Reads returned files into parts (edits of scalars) and changes that need a person."""

    def __init__(self, project_dir: Path, author: str | None, ministry: str | None) -> None:
        self.project_dir = project_dir
        self.layout = ProjectLayout.of(project_dir)
        self.author = author.casefold() if author else None
        self.ministry = ministry
        self.manifests = ManifestIndex(project_dir)
        self.sources: dict[tuple[str, str], _DraftSources | None] = {}
        self.parts: list[_Part] = []
        self.result = Proposals()
        self.change_authors: dict[str, str] = {}
        """The authors of the tracked changes read (casefolded -> as written), whoever ``author`` selects."""

    def read(self, path: Path) -> None:
        from strategy_builder.review.register.rows import rows_from_returns

        try:
            returned = read_return(path, self.project_dir, ministry=self.ministry, manifests=self.manifests,
                                   values=True)
        except UntrustedDocumentError as error:
            self.result.failed.append(FailedReturn(path, error.reason))
            return
        self.result.files.append(returned)
        rows = rows_from_returns([returned])
        row_of = {item.local_id: row.id for item, row in zip(returned.items, rows, strict=True)}
        changes: dict[int, tuple[ReturnItem, ReturnedChange]] = {}
        clashes = []
        for item in returned.items:
            if item.kind in ("comment", "reply"):
                continue
            self.change_authors.setdefault(item.author.casefold(), item.author)
            if self.author is not None and item.author.casefold() != self.author:
                continue
            # A consolidated file holds several ministries' changes: each keeps its own ministry and author.
            change = ReturnedChange(path.name, item.ministry or returned.ministry, item.author, item.date,
                                    row_of.get(item.local_id, ""), item.kind, item.text,
                                    item.section.section_id if item.section else "", item.heading)
            if item.local_id.startswith("t"):
                changes[int(item.local_id[1:]) - 1] = (item, change)
            else:
                clashes.append(change)  # a ministry's change the consolidated file could not apply
        if not changes:
            if clashes:
                self._needs("conflict", clashes, detail="not applied in the consolidated file (a clash)")
            return
        if not returned.made_by_strategy_builder or returned.value_edits is None:
            self._needs("not-a-draft", [c for _, c in changes.values()])
            return
        if returned.language:  # it prints translations: they are edited through the translation files
            self._needs("language-version", [c for _, c in changes.values()], detail=returned.language)
            return
        sources = self._sources(returned)
        if sources is None:
            folder = self.layout.folder_of_label(returned.draft)
            self._needs("no-provenance", [c for _, c in changes.values()],
                        detail=f"{folder / provenance_file_name(returned.partner)}")
            return
        first = len(self.parts)
        self._read_changes(returned, changes, sources)
        if clashes:
            self._hold_clashes(first, clashes)

    def _hold_clashes(self, first: int, clashes: list[ReturnedChange]) -> None:
        """A consolidated file applies the first ministry's wording where ministries disagree and records the
        others as clashes: the value those words belong to is a conflict, held for a person like two
        returns read one by one (a clash is found by its deleted words in the value's printed text)."""
        held: list[ReturnedChange] = []
        kept: list[_Part] = []
        for part in self.parts[first:]:
            rivals = [c for c in clashes if c.section_id == part.section and c.kind == "deletion" and c.text
                      and c.text in part.printed]
            # The same words changed the same way by two ministries: the file keeps one of them, and the
            # other is no clash but the same edit, which cites both.
            same = [c for c in rivals if self._same_wording(c, clashes, part)]
            for rival in same:
                partners = [c for c in clashes if (c.author, c.date, c.section_id) ==
                            (rival.author, rival.date, rival.section_id)]
                part.changes.extend(c for c in partners if c not in part.changes)
                held.extend(partners)
            rivals = [c for c in rivals if c not in same]
            rivals = [c for c in clashes if any((c.author, c.date, c.section_id) ==
                                                (r.author, r.date, r.section_id) for r in rivals)]
            if rivals:
                held.extend(part.changes)
                held.extend(c for c in rivals if c not in held)
                self.result.needs_person.append(NeedsPerson(
                    "conflict", [*part.changes, *rivals], part.file, format_path(part.path), part.line,
                    "the consolidated file kept one ministry's wording; another's clashed with it",
                    [apply_edits(part.base, part.edits)]))
            else:
                kept.append(part)
        self.parts[first:] = kept
        rest = [c for c in clashes if c not in held]
        if rest:
            self._needs("conflict", rest, detail="not applied in the consolidated file (a clash)")

    @staticmethod
    def _same_wording(deletion: ReturnedChange, clashes: list[ReturnedChange], part: _Part) -> bool:
        """Whether a dropped deletion and its ministry's insertions repeat a change the file applied."""
        inserted = {c.text for c in clashes if c.kind == "insertion" and (c.author, c.date, c.section_id) ==
                    (deletion.author, deletion.date, deletion.section_id)}
        applied_deleted = {c.text for c in part.changes if c.kind == "deletion"}
        applied_inserted = {c.text for c in part.changes if c.kind == "insertion"}
        return deletion.text in applied_deleted and inserted <= applied_inserted

    def _sources(self, returned: ReturnedFile) -> _DraftSources | None:
        key = (returned.draft, returned.partner)
        if key not in self.sources:
            folder = self.layout.folder_of_label(returned.draft)
            try:
                table = ValueTable.model_validate_json((folder / provenance_file_name(returned.partner)).read_bytes())
            except (OSError, ValueError):
                self.sources[key] = None
            else:
                self.sources[key] = _DraftSources(table.by_index(), folder)
        return self.sources[key]

    def _needs(self, reason: Reason, changes: list[ReturnedChange], *, value: ValueSource | None = None,
               detail: str = "", alternatives: list[str] | None = None) -> None:
        self.result.needs_person.append(NeedsPerson(
            reason, changes, value.file if value else "", format_path(tuple(value.path)) if value else "",
            value.line if value else None, detail, alternatives or []))

    def _read_changes(self, returned: ReturnedFile, changes: dict[int, tuple[ReturnItem, ReturnedChange]],
                      sources: _DraftSources) -> None:
        edits = returned.value_edits
        assert edits is not None
        pieces_of: dict[int, list[TextPiece]] = {}
        for piece in edits.pieces:
            if piece.change is not None:
                pieces_of.setdefault(piece.change, []).append(piece)
        mappable: dict[str, set[int]] = {}
        # Changes that need a person, grouped by reason and paragraph (a replacement is one deletion and
        # one insertion: listed together).
        grouped: dict[tuple[Reason, int | None, str], tuple[ValueSource | None, list[ReturnedChange]]] = {}
        for number, (item, change) in sorted(changes.items()):
            pieces = pieces_of.get(number, [])
            reason, value_name = self._classify(item, pieces)
            if reason is not None:
                value = None
                names = {name for piece in pieces for name in piece.values}
                if len(names) == 1:
                    value = sources.table.get(edits.values[next(iter(names))].index)
                key = (reason, pieces[0].paragraph if pieces else item.paragraph, ",".join(sorted(names)))
                grouped.setdefault(key, (value, []))[1].append(change)
                continue
            assert value_name is not None
            mappable.setdefault(value_name, set()).add(number)
        for (why, _, _), (value, listed) in grouped.items():
            self._needs(why, listed, value=value)
        for name, numbers in mappable.items():
            self._value(edits.values[name], numbers, {n: changes[n][1] for n in numbers}, sources)

    @staticmethod
    def _classify(item: ReturnItem, pieces: list[TextPiece]) -> tuple[Reason | None, str | None]:  # noqa: PLR0911
        """Why a change needs a person, or the bookmark of the one value it edits."""
        if item.kind == "formatting":
            return "formatting", None
        if item.kind in ("move-from", "move-to"):
            return "moved", None
        if item.detail in ("table row",) or item.kind not in ("insertion", "deletion") or any(
                piece.row_changed for piece in pieces):
            return "table-structure", None
        if item.story != "body":
            return "outside-body", None
        if not pieces:
            return "unmapped", None
        if any(piece.mark for piece in pieces):
            return "paragraphs", None
        outside = [piece for piece in pieces if not piece.values]
        if outside:
            text = "".join(piece.text for piece in outside)
            return ("generated-number" if _GENERATED_NUMBER.match(text) else "template-text"), None
        names = {name for piece in pieces for name in piece.values}
        if len(names) > 1:
            return "across-values", None
        return None, next(iter(names))

    def _value(self, value: ValueText, numbers: set[int], changes: dict[int, ReturnedChange],
               sources: _DraftSources) -> None:
        listed = [changes[n] for n in sorted(numbers)]
        source = sources.table.get(value.index)
        if source is None:
            self._needs("no-provenance", listed, detail=f"value {value.index} is not in the draft's table")
            return
        original = value.original
        if original != source.text:
            self._needs("value-mismatch", listed, value=source)
            return
        accepted = value.text(numbers)
        if accepted == original:
            return
        if not accepted.strip():  # the whole text deleted: the value (or its entry) goes, a person decides
            self._needs("cannot-express", listed, value=source, detail="it would leave the value empty")
            return
        base = sources.value(source.file, source.path)
        placed = printed(base, source.kind, source.block) if base is not None else None
        if base is None or placed is None or placed.text != source.text:
            self._needs("no-provenance", listed, value=source,
                        detail="the draft's snapshot of its inputs does not hold this value")
            return
        value_edits = _to_value(word_edits(original, accepted), placed, base)
        edited = apply_edits(base, value_edits)
        check = printed(edited, source.kind, source.block)
        if check is None or _collapse(check.text) != _collapse(accepted) or (
                source.kind == "block" and len(place_prose(edited)) != len(place_prose(base))):
            self._needs("cannot-express", listed, value=source, detail=f"accepted text: {accepted!r}")
            return
        self.parts.append(_Part(source.file, tuple(source.path), source.section, base, value_edits, listed,
                                source.line, original))


# ----------------------------------------------------------------------------- merging and today's inputs


def _overlap(a: TextEdit, b: TextEdit) -> bool:
    if a.start == a.end and b.start == b.end:
        return a.start == b.start
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def _merge(parts: list[_Part], reader: _Reader) -> list[tuple[str, FieldPath, str, str, list[TextEdit],
                                                              list[ReturnedChange]]]:
    """Per scalar: (file, path, section, base, merged edits, changes); conflicts go to ``reader``."""
    by_scalar: dict[tuple[str, FieldPath], list[_Part]] = {}
    for part in parts:
        by_scalar.setdefault((part.file, part.path), []).append(part)
    merged = []
    for (file, path), group in by_scalar.items():
        base = group[0].base
        unique: dict[TextEdit, list[ReturnedChange]] = {}
        for part in group:
            for edit in part.edits:
                unique.setdefault(edit, [])
                unique[edit].extend(c for c in part.changes if c not in unique[edit])
        edits = sorted(unique, key=lambda e: (e.start, e.end, e.text))
        conflicting: set[TextEdit] = set()
        for i, first in enumerate(edits):
            for second in edits[i + 1:]:
                if _overlap(first, second):
                    conflicting.update((first, second))
        if conflicting:
            involved = [c for e in edits if e in conflicting for c in unique[e]]
            alternatives = list(dict.fromkeys(apply_edits(base, [e]) for e in edits if e in conflicting))
            shown = "; ".join(f"{base[e.start:e.end]!r} -> {e.text!r}" for e in edits if e in conflicting)
            reader.result.needs_person.append(NeedsPerson(
                "conflict", list(dict.fromkeys(involved)), file, format_path(path), group[0].line, shown,
                alternatives))
        kept = [e for e in edits if e not in conflicting]
        if not kept:
            continue
        changes = list(dict.fromkeys(c for e in kept for c in unique[e]))
        merged.append((file, path, group[0].section, base, kept, changes))
    return merged


def _current_path(path: FieldPath, section: str, data: Any) -> FieldPath | None:
    """``path`` in today's data: a priority is found by its ID (the last part of ``section``)."""
    if len(path) >= 4 and path[0] == "areas" and path[2] == "priorities" and section.count("/") == 2:
        wanted = section.rsplit("/", 1)[1]
        priorities = (data.get("areas") or {}).get(path[1], {}) or {}
        priorities = priorities.get("priorities") or [] if isinstance(priorities, dict) else []
        index = next((i for i, p in enumerate(priorities) if isinstance(p, dict) and p.get("id") == wanted), None)
        if index is None:
            return None
        return (*path[:3], index, *path[4:])
    return path


def responds_to_place(path: FieldPath) -> tuple[FieldPath, str, tuple[str, ...]]:
    """Where the row IDs a change of the scalar at ``path`` answers are recorded: (mapping, key, keys after
    which a new list goes)."""
    if len(path) >= 6 and path[0] == "areas" and path[2] == "priorities" and path[4] == "actions":
        return path[:6], "responds_to", ("text",)
    if len(path) >= 4 and path[0] == "areas" and path[2] == "priorities":
        return path[:4], "responds_to", ("title", "id")
    if len(path) >= 2 and path[0] == "areas":
        return path[:2], "responds_to", ("no_priorities_reason",)
    if len(path) >= 2 and path[0] == "key_figures":
        return path[:2], "responds_to", ("label",)
    return (), "situation_responds_to", ("situation",)


def propose(paths: Iterable[Path], project_dir: Path, *, author: str | None = None,
            ministry: str | None = None) -> Proposals:
    """Read returned drafts and propose new values of the YAML inputs (see the module docstring).

    Nothing is written; :func:`apply_proposals` writes what :attr:`Proposals.edited` holds.
    """
    reader = _Reader(project_dir, author, ministry)
    for path in paths:
        try:
            reader.read(path)
        except (OSError, ValueError) as error:  # an unreadable file is reported, the batch goes on
            reader.result.failed.append(FailedReturn(path, f"cannot read the file ({error})"))
    result = reader.result
    layout = ProjectLayout.of(project_dir)
    editors: dict[str, YamlEditor] = {}
    originals: dict[str, bytes] = {}
    sources: dict[str, Any] = {}
    for file, scalar, section, base, edits, changes in _merge(reader.parts, reader):
        new = apply_edits(base, edits)
        if file not in editors:
            try:
                originals[file] = (layout.root / file).read_bytes()
                editors[file] = YamlEditor(originals[file], file)
                sources[file] = parse_yaml(originals[file], layout.root / file, file)[0]
            except (OSError, EditRefused) as error:
                result.needs_person.append(NeedsPerson("cannot-write", changes, file, format_path(scalar),
                                                       detail=str(error)))
                continue
        editor = editors[file]
        current_path = _current_path(scalar, section, editor.data)
        current = editor.value(current_path) if current_path is not None else None
        line = _line(sources[file], current_path)
        if current_path is None or current is None or (current != base and current != new):
            result.needs_person.append(NeedsPerson(
                "edited-since", changes, file, format_path(current_path or scalar), line,
                "it is no longer in the inputs" if current is None else "", [new]))
            continue
        status: Literal["proposed", "already applied"] = "proposed" if current == base else "already applied"
        proposal = Proposal(file, current_path, line, section, base, new, status, changes, edits)
        try:
            if status == "proposed":
                editor.replace(current_path, edits)
            mapping, key, after = responds_to_place(current_path)
            if proposal.row_ids:
                editor.add_to_list(mapping, key, proposal.row_ids, after=after)
        except EditRefused as error:
            result.needs_person.append(NeedsPerson("cannot-write", changes, file, format_path(current_path), line,
                                                   str(error), [new]))
            continue
        result.proposals.append(proposal)
    for file, editor in editors.items():
        after_bytes = editor.result()
        if after_bytes != originals[file]:
            result.edited[file] = (originals[file], after_bytes)
    result.notes = list(dict.fromkeys(note for f in result.files for note in f.notes))
    if author and reader.change_authors and author.casefold() not in reader.change_authors:
        # A misspelt name would otherwise answer "0 proposal(s)" as if that reviewer had changed nothing.
        result.notes.append(f"no tracked change is by '{author}': the changes are by "
                            + ", ".join(sorted(reader.change_authors.values())))
    return result


def _line(document: YamlDocument | None, path: FieldPath | None) -> int | None:
    """The line of ``path`` in the file as it is today (before the proposals)."""
    if path is None or document is None:
        return None
    position = document.source_map.locate(path)
    return position[0] if position else None


# ----------------------------------------------------------------------------- writing


@dataclass(frozen=True, slots=True)
class AppliedProposals:
    """What :func:`apply_proposals` wrote: the files, and where their previous content is kept."""

    files: list[str]
    backup: Path | None


def apply_proposals(proposals: Proposals, project_dir: Path) -> AppliedProposals:
    """Write :attr:`Proposals.edited` into the input files (atomically), keeping the previous content of each
    in ``build/.returns/NNN/`` with ``proposals.json``; nothing is written when nothing changes."""
    if not proposals.edited:
        return AppliedProposals([], None)
    layout = ProjectLayout.of(project_dir)
    backups = layout.root / BUILD_DIR / RETURNS_BACKUP_DIR
    for name, (before, _) in proposals.edited.items():
        path = layout.root / name
        if path.read_bytes() != before:
            raise EnvironmentProblem(f"{path}: the file changed while the returns were read",
                                     hint="run propose again")
    folder = _keep_previous_inputs(backups, proposals)
    written = sorted(proposals.edited)
    try:
        with environment_errors(layout.root, "write"):  # the error names the file it concerns
            replace_files({layout.root / name: proposals.edited[name][1] for name in written})
    except BaseException:
        if all(_holds(layout.root / name, proposals.edited[name][0]) for name in written):
            shutil.rmtree(folder, ignore_errors=True)  # nothing was applied: no backup of it either
        raise
    return AppliedProposals(written, folder)


def _holds(path: Path, content: bytes) -> bool:
    try:
        return path.read_bytes() == content
    except OSError:
        return False


def _keep_previous_inputs(backups: Path, proposals: Proposals) -> Path:
    """The next numbered folder of ``backups`` holding the files as they were and ``proposals.json``:
    complete, or (on a full disk, a refused folder) removed again, never half-written."""
    record = {"applied": dt.datetime.now().isoformat(timespec="seconds"), **proposals.as_json()}
    with environment_errors(backups, "keep the previous inputs in"):
        backups.mkdir(parents=True, exist_ok=True)
        taken = [int(p.name) for p in backups.iterdir() if p.name.isdigit()]
        folder = backups / f"{max(taken, default=0) + 1:03d}"
        folder.mkdir()
        try:
            for name, (before, _) in proposals.edited.items():
                target = folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                replace_file(target, before)
            replace_file(folder / "proposals.json",
                         (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    return folder


__all__ = ["AppliedProposals", "NeedsPerson", "Proposal", "Proposals", "REASONS", "RETURNS_BACKUP_DIR",
           "ReturnedChange", "apply_proposals", "printed", "propose", "responds_to_place", "word_edits"]
