"""From returned drafts to YAML: every reviewer's tracked change inside a printed value, proposed as a new value.

A draft prints each YAML value inside a bookmark and records in ``provenance/<CODE>.json`` which scalar
(file, field path), which part of it (the whole line, one paragraph or bullet of a prose text, all blocks
joined) and which exact text it printed (:mod:`strategy_builder.models.provenance`). For a batch of returned
drafts, :func:`propose`:

1. reads each return's tracked changes into edits of the scalars whose printed text they change, and lists
   the changes that *need a person* (:mod:`strategy_builder.review.proposal_reading`: a change in text the
   template wrote, across two values, inside a generated number, in a table's structure, a moved or
   inserted paragraph, a formatting change, or one whose value cannot print the accepted text);
2. merges the edits of every return per scalar: the same edit from several returns (or from a consolidated
   return that repeats them) counts once; two different edits of the same words are a *conflict*, listed
   and not applied;
3. compares with today's inputs: a value that still reads as in the draft gets the proposal; one that
   already reads as proposed is *already applied* (so applying a return twice changes nothing); one that
   was edited since the draft was built needs a person;
4. edits the input files in memory with :class:`strategy_builder.inputs.yaml_edit.YamlEditor` (only the
   bytes of the edited values change) and adds the register row IDs the edits answer to the
   ``responds_to`` list of the priority, action, area, key figure (or ``situation_responds_to``) they
   belong to.

What it finds is a :class:`strategy_builder.review.proposal_results.Proposals`; nothing is written until
:func:`strategy_builder.review.proposal_writing.apply_proposals` replaces the files atomically, keeping the
previous files in ``build/.returns/NNN/``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from strategy_builder.inputs.yaml_edit import EditRefused, TextEdit, YamlEditor, apply_edits
from strategy_builder.inputs.yamlsource import parse_yaml
from strategy_builder.layout import ProjectLayout
from strategy_builder.models.source_map import FieldPath, YamlDocument, format_path
from strategy_builder.review.proposal_reading import ScalarEditReader, ScalarEdits
from strategy_builder.review.proposal_results import NeedsPerson, Proposal, Proposals, ReturnedChange
from strategy_builder.review.returns import FailedReturn


def _overlap(a: TextEdit, b: TextEdit) -> bool:
    if a.start == a.end and b.start == b.end:
        return a.start == b.start
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def _merge(parts: list[ScalarEdits], result: Proposals) -> list[tuple[str, FieldPath, str, str, list[TextEdit],
                                                                     list[ReturnedChange]]]:
    """Per scalar: (file, path, section, base, merged edits, changes); conflicts go to ``result``."""
    by_scalar: dict[tuple[str, FieldPath], list[ScalarEdits]] = {}
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
            result.needs_person.append(NeedsPerson(
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
            ministry: str | None = None, dispositions: Mapping[str, str] | None = None) -> Proposals:
    """Read returned drafts and propose new values of the YAML inputs (see the module docstring).

    ``dispositions`` maps register row IDs to their disposition (normalised, see
    :func:`~strategy_builder.review.register.normalise_disposition`): a change whose row is rejected or partly
    accepted is kept out (:attr:`Proposals.kept_out`). Nothing is written; :func:`apply_proposals` writes what
    :attr:`Proposals.edited` holds.
    """
    reader = ScalarEditReader(project_dir, author, ministry, dispositions)
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
    for file, scalar, section, base, edits, changes in _merge(reader.parts, result):
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
            with editor.all_or_nothing():  # the new text and the rows it answers, or neither
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


__all__ = ["propose", "responds_to_place"]
