"""Returned drafts read into edits of YAML scalars, and the changes that need a person.

:class:`ScalarEditReader` reads each returned file's tracked changes and which printed value each piece of
changed text belongs to (:mod:`strategy_builder.ooxml.value_edits`); a change in text the template wrote,
across two values, inside a generated number, in a table's structure, a moved or inserted paragraph, or a
formatting change *needs a person*. For each printed value with changes it checks that the return still
shows the text the draft printed, computes the text with the changes accepted (only those of ``author``,
when given), and turns its word edits into edits of the scalar's value as the draft's inputs snapshot has
it (:mod:`strategy_builder.review.printed_values`); the edited value must print exactly the accepted text,
or the change needs a person. A consolidated file's clashes are held for a person as a conflict.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.inputs.yaml_edit import TextEdit, apply_edits
from strategy_builder.inputs.yamlsource import read_yaml
from strategy_builder.layout import ProjectLayout, provenance_file_name
from strategy_builder.models.provenance import ValueSource, ValueTable
from strategy_builder.models.prose import place_prose
from strategy_builder.models.source_map import FieldPath, format_path
from strategy_builder.ooxml.value_edits import TextPiece, ValueText
from strategy_builder.review.printed_values import printed, to_value_edits, word_edits
from strategy_builder.review.proposal_results import (
    KEPT_OUT_DISPOSITIONS, KeptOut, NeedsPerson, Proposals, Reason, ReturnedChange,
)
from strategy_builder.review.returns import FailedReturn, ManifestIndex, ReturnedFile, ReturnItem, read_return

_GENERATED_NUMBER = re.compile(r"^\s*(?:[0-9]+(?:\.[0-9]+)*(?:\.[a-z])?\.?|[A-Z])\s*$")


def _collapse(text: str) -> str:
    return " ".join(text.split())


class ScalarEdits(NamedTuple):
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
class DraftSources:
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


class ScalarEditReader:
    """Reads returned files into :class:`ScalarEdits` (:attr:`parts`) and the changes that need a person
    (``result.needs_person``), keeping the files read and refused in :attr:`result`."""

    def __init__(self, project_dir: Path, author: str | None, ministry: str | None,
                 dispositions: Mapping[str, str] | None = None) -> None:
        self.project_dir = project_dir
        self.dispositions = dispositions or {}
        """Register row ID -> its normalised disposition (the register's, when one is consulted)."""
        self.layout = ProjectLayout.of(project_dir)
        self.author = author.casefold() if author else None
        self.ministry = ministry
        self.manifests = ManifestIndex(project_dir)
        self.sources: dict[tuple[str, str], DraftSources | None] = {}
        self.parts: list[ScalarEdits] = []
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
        kept_out = self._kept_out(returned, row_of)
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
            if (disposition := kept_out.get(item.local_id)) is not None:  # the team decided: left as if rejected
                self.result.kept_out.append(KeptOut(change, disposition))
                continue
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

    def _kept_out(self, returned: ReturnedFile, row_of: Mapping[str, str]) -> dict[str, str]:
        """The tracked changes of ``returned`` (by local ID) that the register's dispositions keep out, with
        the disposition. A replacement (a deletion and the insertion right after it, by the same author in the
        same paragraph: two rows of the register) is kept out whole when either half is: applying one half
        alone would print words nobody wrote."""
        if not self.dispositions:
            return {}
        tracked = [item for item in returned.items if item.local_id.startswith("t")]
        decided = {item.local_id: disposition for item in tracked
                   if (disposition := self.dispositions.get(row_of.get(item.local_id, ""), "open"))
                   in KEPT_OUT_DISPOSITIONS}
        for deletion, insertion in itertools.pairwise(tracked):
            if (deletion.kind, insertion.kind) != ("deletion", "insertion") or (
                    deletion.author, deletion.date, deletion.story, deletion.paragraph) != (
                    insertion.author, insertion.date, insertion.story, insertion.paragraph):
                continue
            for one, other in ((deletion, insertion), (insertion, deletion)):
                if one.local_id in decided and other.local_id not in decided:
                    decided[other.local_id] = decided[one.local_id]
        return decided

    def _hold_clashes(self, first: int, clashes: list[ReturnedChange]) -> None:
        """A consolidated file applies the first ministry's wording where ministries disagree and records the
        others as clashes: the value those words belong to is a conflict, held for a person like two
        returns read one by one (a clash is found by its deleted words in the value's printed text)."""
        held: list[ReturnedChange] = []
        kept: list[ScalarEdits] = []
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
    def _same_wording(deletion: ReturnedChange, clashes: list[ReturnedChange], part: ScalarEdits) -> bool:
        """Whether a dropped deletion and its ministry's insertions repeat a change the file applied."""
        inserted = {c.text for c in clashes if c.kind == "insertion" and (c.author, c.date, c.section_id) ==
                    (deletion.author, deletion.date, deletion.section_id)}
        applied_deleted = {c.text for c in part.changes if c.kind == "deletion"}
        applied_inserted = {c.text for c in part.changes if c.kind == "insertion"}
        return deletion.text in applied_deleted and inserted <= applied_inserted

    def _sources(self, returned: ReturnedFile) -> DraftSources | None:
        key = (returned.draft, returned.partner)
        if key not in self.sources:
            folder = self.layout.folder_of_label(returned.draft)
            try:
                table = ValueTable.model_validate_json((folder / provenance_file_name(returned.partner)).read_bytes())
            except (OSError, ValueError):
                self.sources[key] = None
            else:
                self.sources[key] = DraftSources(table.by_index(), folder)
        return self.sources[key]

    def _needs(self, reason: Reason, changes: list[ReturnedChange], *, value: ValueSource | None = None,
               detail: str = "", alternatives: list[str] | None = None) -> None:
        self.result.needs_person.append(NeedsPerson(
            reason, changes, value.file if value else "", format_path(tuple(value.path)) if value else "",
            value.line if value else None, detail, alternatives or []))

    def _read_changes(self, returned: ReturnedFile, changes: dict[int, tuple[ReturnItem, ReturnedChange]],
                      sources: DraftSources) -> None:
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
               sources: DraftSources) -> None:
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
        value_edits = to_value_edits(word_edits(original, accepted), placed, base)
        edited = apply_edits(base, value_edits)
        check = printed(edited, source.kind, source.block)
        if check is None or _collapse(check.text) != _collapse(accepted) or (
                source.kind == "block" and len(place_prose(edited)) != len(place_prose(base))):
            self._needs("cannot-express", listed, value=source, detail=f"accepted text: {accepted!r}")
            return
        self.parts.append(ScalarEdits(source.file, tuple(source.path), source.section, base, value_edits, listed,
                                source.line, original))


__all__ = ["DraftSources", "ScalarEditReader", "ScalarEdits"]
