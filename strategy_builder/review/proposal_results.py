"""What :func:`strategy_builder.review.proposals.propose` finds in returned drafts: proposals, and the changes
that need a person with the reason why.

A :class:`Proposal` is a new text for one YAML scalar with the returned changes it carries out; a
:class:`NeedsPerson` is a returned change that is never applied automatically, with one of :data:`REASONS`.
:class:`Proposals` holds both for a batch of returns, the files read and refused, and the bytes each input
file would have with the proposals (``propose --format json`` prints its :meth:`Proposals.as_json`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from strategy_builder.inputs.yaml_edit import TextEdit
from strategy_builder.models.source_map import FieldPath, format_path
from strategy_builder.review.returns import FailedReturn, ReturnedFile

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


class ReturnedChange(NamedTuple):
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


KEPT_OUT_DISPOSITIONS = ("rejected", "partly accepted")
"""The register's dispositions that keep a tracked change out of the proposals: the team refused it, or will
write its own wording of it."""


class KeptOut(NamedTuple):
    """A tracked change left as if rejected because the register's disposition of its row says so."""

    change: ReturnedChange
    disposition: str
    """One of :data:`KEPT_OUT_DISPOSITIONS`."""

    def as_json(self) -> dict[str, Any]:
        return {"disposition": self.disposition, **self.change.as_json()}


@dataclass(slots=True)
class Proposals:
    """What :func:`propose` found in a batch of returned files."""

    proposals: list[Proposal] = field(default_factory=list)
    needs_person: list[NeedsPerson] = field(default_factory=list)
    files: list[ReturnedFile] = field(default_factory=list)
    failed: list[FailedReturn] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kept_out: list[KeptOut] = field(default_factory=list)
    """Changes the register's dispositions keep out (left as if rejected; the other changes of a value stay)."""
    register: str = ""
    """The register whose dispositions were consulted ("" when none was)."""
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
                "register": self.register or None, "kept_out": [k.as_json() for k in self.kept_out],
                "notes": self.notes, "patch": self.patch()}


__all__ = ["KEPT_OUT_DISPOSITIONS", "KeptOut", "NeedsPerson", "Proposal", "Proposals", "REASONS", "Reason",
           "ReturnedChange"]
