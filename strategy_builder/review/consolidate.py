"""``consolidate``: several ministries' returns of one partner's draft merged into one .docx.

Each return is read as the circulated draft plus that ministry's edits (:mod:`strategy_builder.ooxml.edits`).
Its paragraphs are aligned with the circulated draft's, and every edit and comment is placed on the draft's
paragraph it belongs to. Where two ministries' edits overlap (two returns changing the same words, or two
insertions at the same point within a sentence), the first ministry's change is kept (files count in the
order given) and a comment written by strategy-builder names the other ministry and its wording; the
other ministry's changes are recorded in the file, so that the register and ``propose`` still see them as
that ministry's. Two ministries adding whole paragraphs at the same place is not a clash: both are kept.

Every tracked change and comment keeps its author and date; its author becomes ``Author (Ministry)``, and
the file lists its ministries (:class:`strategy_builder.ooxml.stamps.Consolidation`), so readers of the
merged file split it back into the ministries' items (:func:`strategy_builder.review.returns.read_returned`).

Invariants (tests/review/test_consolidate.py): rejecting every change of the merged file gives the circulated
draft; accepting one ministry's changes and rejecting the others gives that ministry's return wherever it
has no clash; the tracked sections are those of the draft.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from strategy_builder.errors import Finding, Findings, InputProblems, Location, UntrustedDocumentError
from strategy_builder.files import name_text
from strategy_builder.layout import ProjectLayout, language_document, write_atomic
from strategy_builder.ooxml.annotations import read_annotations
from strategy_builder.ooxml.edits import (
    RANGE_KINDS, OriginalParagraph, ParagraphPlace, Properties, ReviewedBody, Revision, Token, paragraph_places,
    read_reviewed_body,
)
from strategy_builder.ooxml.merge import (
    AuthorLabel, BodyWriter, MergedComment, ParagraphPlan, Placed, circulated_copy, comment_elements,
    write_comments,
)
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.stamps import (
    CONSOLIDATION_AUTHOR, Consolidation, DroppedChange, author_label, read_consolidation, read_stamps,
    write_consolidation,
)
from strategy_builder.review.returns import RETURN_LIMITS, ministry_from_file_name

CONTEXT_CHARS = 60
"""Characters of context shown around a clash in the report and in the comment."""


@dataclass(frozen=True, slots=True)
class ReturnSummary:
    """One return that went into the merged file."""

    path: Path
    ministry: str
    comments: int
    changes: int
    """Tracked changes as written into the merged file (pieces of text, paragraph marks, rows)."""
    dropped: int
    """Changes not applied because another ministry's change to the same words came first."""


@dataclass(frozen=True, slots=True)
class Clash:
    """Two or more ministries changed the same words: the first one's change is kept."""

    section_id: str | None
    heading: str
    original: str
    """The words as circulated (with some context)."""
    kept_ministry: str
    kept_wording: str
    other_ministries: tuple[str, ...]
    other_wordings: tuple[str, ...]
    same: bool
    """Every ministry proposed the same wording (a duplicate, not a disagreement)."""


@dataclass(frozen=True, slots=True)
class Difference:
    """Something a return holds that could not be merged as a tracked change (named, never dropped silently)."""

    ministry: str
    what: str
    where: str


@dataclass(slots=True)
class ConsolidationResult:
    """What ``consolidate`` wrote and found."""

    output: Path
    partner: str
    draft: str
    base: str
    """Where the circulated draft came from: its path in the project, or the first return with its changes rejected."""
    returns: list[ReturnSummary] = field(default_factory=list)
    clashes: list[Clash] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)

    def payload(self) -> dict[str, object]:
        """The documented JSON form (``consolidate --format json``)."""
        return {
            "output": str(self.output), "partner": self.partner, "draft": self.draft, "base": self.base,
            "returns": [{"file": str(r.path), "ministry": r.ministry, "comments": r.comments, "changes": r.changes,
                         "not_applied": r.dropped} for r in self.returns],
            "conflicts": [{"section": c.section_id, "heading": c.heading, "original": c.original,
                           "kept": {"ministry": c.kept_ministry, "wording": c.kept_wording},
                           "others": [{"ministry": m, "wording": w}
                                      for m, w in zip(c.other_ministries, c.other_wordings, strict=True)],
                           "same_wording": c.same} for c in self.clashes],
            "not_merged": [{"ministry": d.ministry, "what": d.what, "where": d.where} for d in self.differences],
        }


# ------------------------------------------------------------------------------------------- reading


@dataclass(slots=True, eq=False)
class _Return:
    index: int
    path: Path
    package: DocxPackage
    ministry: str = ""
    body: ReviewedBody | None = None
    mapping: dict[int, tuple[int, list[int] | None]] = field(default_factory=dict)
    """Original paragraph of the return -> (base paragraph, offset map or ``None`` when the texts are equal)."""


def _open(paths: list[Path]) -> list[_Return]:
    findings = Findings()
    opened = []
    for index, path in enumerate(paths):
        try:
            opened.append(_Return(index, path, DocxPackage.open(path, RETURN_LIMITS)))
        except UntrustedDocumentError as error:
            findings.add(Finding(Location(str(path)), "consolidate.unreadable", error.reason))
    if findings.has_errors():
        raise InputProblems(findings)
    return opened


def _check_same_draft(returns: list[_Return]) -> tuple[str, str, str]:
    """The partner, draft and language version every return answers; refuses mixed or unstamped files,
    naming each."""
    findings = Findings()
    stamps = [(r, read_stamps(r.package).stamps) for r in returns]
    for returned, stamp in stamps:
        if not stamp.made_by_strategy_builder:
            findings.add(Finding(Location(str(returned.path)), "consolidate.not-a-draft",
                                 "the file does not say which partner and draft it answers (it carries no "
                                 "strategy-builder stamps)",
                                 hint="consolidate returns of a draft built by strategy-builder, as the ministry sent "
                                      "them back"))
        elif read_consolidation(returned.package) is not None:
            findings.add(Finding(Location(str(returned.path)), "consolidate.already-consolidated",
                                 "the file is itself a consolidation of returns",
                                 hint="consolidate the ministries' own returns together"))
    known = [(r, s) for r, s in stamps if s.made_by_strategy_builder]
    if known:
        first, reference = known[0]
        for returned, stamp in known[1:]:
            if stamp.partner != reference.partner:
                findings.add(Finding(Location(str(returned.path)), "consolidate.other-partner",
                                     f"the file answers partner {stamp.partner}'s draft, {first.path.name} answers "
                                     f"partner {reference.partner}'s",
                                     hint="consolidate the returns of one partner at a time"))
            elif stamp.draft != reference.draft:
                findings.add(Finding(Location(str(returned.path)), "consolidate.other-draft",
                                     f"the file answers draft {stamp.draft}, {first.path.name} answers draft "
                                     f"{reference.draft}",
                                     hint="consolidate returns of the same draft; compare drafts with 'diff'"))
            elif stamp.language != reference.language:
                findings.add(Finding(Location(str(returned.path)), "consolidate.other-language",
                                     f"the file is the {stamp.language or 'source-language'} version, "
                                     f"{first.path.name} the {reference.language or 'source-language'} one",
                                     hint="consolidate the returns of one language version at a time"))
    if findings.has_errors():
        raise InputProblems(findings)
    return known[0][1].partner, known[0][1].draft, known[0][1].language


def _ministries(returns: list[_Return], named: dict[str, str]) -> None:
    """Each return's ministry: ``--ministry FILE=NAME``, else the file name, else its most frequent author."""
    findings = Findings()
    for returned in returns:
        given = named.get(str(returned.path)) or named.get(returned.path.name) or named.get(returned.path.stem)
        stamps = read_stamps(returned.package).stamps
        from_name = ministry_from_file_name(returned.path, stamps.partner, stamps.draft)
        bare = " ".join(name_text(returned.path.stem).replace("_", " ").split())
        if given:
            returned.ministry = given.strip()
        elif from_name != bare or not _authors(returned.package):
            returned.ministry = from_name
        else:
            returned.ministry = _authors(returned.package).most_common(1)[0][0]
    seen: dict[str, _Return] = {}
    for returned in returns:
        key = returned.ministry.casefold()
        if key in seen:
            findings.add(Finding(Location(str(returned.path)), "consolidate.same-ministry",
                                 f"{seen[key].path.name} and {returned.path.name} are both from "
                                 f"'{returned.ministry}'",
                                 hint="name each file's ministry with --ministry FILE=NAME"))
        seen[key] = returned
    names = {name for r in returns for name in (str(r.path), r.path.name, r.path.stem)}
    for file, ministry in named.items():
        if file not in names:  # a slip in FILE would leave the return to its file name's ministry, silently
            findings.add(Finding(Location(file), "consolidate.ministry-file",
                                 f"--ministry {file}={ministry} names no returned file",
                                 hint="the returned files: " + ", ".join(r.path.name for r in returns)))
    if findings.has_errors():
        raise InputProblems(findings)


def _authors(package: DocxPackage) -> Counter[str]:
    annotations = read_annotations(package)
    return Counter(a for a in [c.author for c in annotations.comments] + [c.author for c in annotations.changes] if a)


# ------------------------------------------------------------------------------------------ aligning


def _align(base: ReviewedBody, returned: _Return, differences: list[Difference]) -> None:
    """Pair the return's original paragraphs with the base's; differences of text are named."""
    assert returned.body is not None
    old = [p.text for p in base.paragraphs]
    new = [p.text for p in returned.body.paragraphs]
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                returned.mapping[j1 + offset] = (i1 + offset, None)
            continue
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for offset in range(pairs):
            base_text, own_text = old[i1 + offset], new[j1 + offset]
            returned.mapping[j1 + offset] = (i1 + offset, _offset_map(own_text, base_text))
            if " ".join(base_text.split()) != " ".join(own_text.split()):
                differences.append(Difference(returned.ministry, "text changed without tracking",
                                              _quote(base_text)))
        for index in range(i1 + pairs, i2):
            if old[index].strip() and " ".join(old[index].split()) not in returned.body.framed:
                differences.append(Difference(returned.ministry, "paragraph removed without tracking",
                                              _quote(old[index])))
        for index in range(j1 + pairs, j2):
            original = returned.body.paragraphs[index]
            if original.text.strip() or any(t.kind != "equal" for t in original.tokens):
                differences.append(Difference(returned.ministry, "paragraph added without tracking "
                                              "(its changes and comments are not merged)", _quote(original.text)))


def _offset_map(own: str, base: str) -> list[int]:
    """Offset in ``own`` -> offset in ``base`` (text that differs maps to where the difference starts)."""
    result = [0] * (len(own) + 1)
    for tag, i1, i2, j1, _ in difflib.SequenceMatcher(None, own, base, autojunk=False).get_opcodes():
        for offset in range(i1, i2):
            result[offset] = j1 + (offset - i1 if tag == "equal" else 0)
    result[len(own)] = len(base)
    return result


def _quote(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


# ----------------------------------------------------------------------------------------- placing


@dataclass(slots=True, eq=False)
class _Item:
    """A return's token placed on a base paragraph."""

    source: int
    token: Token
    start: int
    end: int
    order: float
    synthetic: bool = False
    """A comment anchor of a clash, written by strategy-builder (its ``comment`` is the merged id)."""


@dataclass(slots=True, eq=False)
class _Target:
    """What every return does to one base paragraph."""

    items: list[_Item] = field(default_factory=list)
    mark_deleted: list[tuple[int, Revision]] = field(default_factory=list)
    paragraph_format: list[tuple[int, Properties, Revision]] = field(default_factory=list)
    row_deleted: list[tuple[int, Revision]] = field(default_factory=list)
    rows_after: list[tuple[int, Properties, Revision]] = field(default_factory=list)


def _place(base: ReviewedBody, returns: list[_Return]) -> list[_Target]:
    targets = [_Target() for _ in base.paragraphs]
    counter = 0
    for returned in returns:
        assert returned.body is not None
        for index, original in enumerate(returned.body.paragraphs):
            if index not in returned.mapping:
                continue
            base_index, offsets = returned.mapping[index]
            target = targets[base_index]
            for token in original.tokens:
                if token.kind == "equal":
                    continue
                start = offsets[token.start] if offsets else token.start
                end = offsets[token.end] if offsets else token.end
                if token.kind in RANGE_KINDS and end <= start:
                    continue  # text the base does not have
                counter += 1
                target.items.append(_Item(returned.index, token, start, end, counter))
            _whole_paragraph(target, returned.index, original)
    return targets


def _whole_paragraph(target: _Target, source: int, original: OriginalParagraph) -> None:
    if original.mark_deleted is not None:
        target.mark_deleted.append((source, original.mark_deleted))
    if original.paragraph_format is not None:
        target.paragraph_format.append((source, original.paragraph_format[0], original.paragraph_format[1]))
    if original.row_deleted is not None:
        target.row_deleted.append((source, original.row_deleted))
    for row, who in original.rows_after:
        target.rows_after.append((source, row, who))


# ----------------------------------------------------------------------------------------- clashes


def _overlaps(a: _Item, b: _Item) -> bool:
    """Whether two edits of different returns touch the same words (or the same point of a sentence)."""
    a_point, b_point = a.token.is_point, b.token.is_point
    if a_point and b_point:
        return a.start == b.start
    if a_point:
        return b.start < a.start < b.end
    if b_point:
        return a.start < b.start < a.end
    return max(a.start, b.start) < min(a.end, b.end)


def _touch(a: _Item, b: _Item) -> bool:
    """Whether two edits of one return are parts of one change (adjacent or at one point)."""
    return a.start <= b.end and b.start <= a.end


def _clusters(items: list[_Item]) -> list[list[_Item]]:
    edits = [i for i in items if i.token.kind in ("delete", "format", "insert", "break")]
    parent = list(range(len(edits)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x in range(len(edits)):
        for y in range(x + 1, len(edits)):
            a, b = edits[x], edits[y]
            linked = _touch(a, b) if a.source == b.source else _overlaps(a, b)
            if linked:
                parent[root(x)] = root(y)
    groups: dict[int, list[_Item]] = {}
    for x, item in enumerate(edits):
        groups.setdefault(root(x), []).append(item)
    return [g for g in groups.values() if len({i.source for i in g}) > 1]


def _whole_paragraphs_only(cluster: list[_Item]) -> bool:
    """Insertions at one point by several returns, each adding whole paragraphs: no clash, all are kept."""
    if any(not i.token.is_point for i in cluster) or len({i.start for i in cluster}) != 1:
        return False
    return all(any(i.token.kind == "break" for i in cluster if i.source == source)
               for source in {i.source for i in cluster})


def _wording(text: str, items: list[_Item], lo: int, hi: int) -> str:
    """``text[lo:hi]`` with ``items`` (one return's edits) accepted."""
    pieces = []
    position = lo
    for item in sorted(items, key=lambda i: (i.start, i.order)):
        if item.start > position:
            pieces.append(text[position:item.start])
            position = item.start
        if item.token.kind == "insert":
            pieces.append(item.token.text)
        elif item.token.kind == "break":
            pieces.append(" ¶ ")
        elif item.token.kind == "delete":
            position = max(position, item.end)
        elif item.token.kind == "format":
            pieces.append(text[max(position, item.start):item.end])
            position = max(position, item.end)
    pieces.append(text[position:hi])
    return " ".join("".join(pieces).split())


def _span(text: str, lo: int, hi: int) -> tuple[int, int]:
    """``lo..hi`` widened to whole words and some context."""
    while lo > 0 and not text[lo - 1].isspace():
        lo -= 1
    while hi < len(text) and not text[hi].isspace():
        hi += 1
    context_lo = max(0, lo - CONTEXT_CHARS // 2)
    while context_lo > 0 and not text[context_lo - 1].isspace():
        context_lo -= 1
    context_hi = min(len(text), hi + CONTEXT_CHARS // 2)
    while context_hi < len(text) and not text[context_hi].isspace():
        context_hi += 1
    return context_lo, context_hi


# --------------------------------------------------------------------------------------- the merge


@dataclass(slots=True)
class _Merge:
    base: ReviewedBody
    places: list[ParagraphPlace]
    returns: list[_Return]
    clashes: list[Clash] = field(default_factory=list)
    dropped: list[DroppedChange] = field(default_factory=list)
    conflict_comments: list[tuple[int, _Item, _Item, str, str]] = field(default_factory=list)
    """(base paragraph, first kept item, last kept item, comment text, date)."""

    def resolve(self, index: int, target: _Target) -> None:
        """Drop the later ministries' edits where they clash with an earlier one's (see module docstring)."""
        text = self.base.paragraphs[index].text
        place = self.places[index]
        removed: set[int] = set()
        for cluster in _clusters(target.items):
            if _whole_paragraphs_only(cluster):
                continue
            winner = min(i.source for i in cluster)
            kept = [i for i in cluster if i.source == winner]
            lo = min(i.start for i in cluster)
            hi = max(i.end for i in cluster)
            context_lo, context_hi = _span(text, lo, hi)
            kept_wording = _wording(text, kept, context_lo, context_hi)
            others = sorted({i.source for i in cluster} - {winner})
            other_wordings = tuple(_wording(text, [i for i in cluster if i.source == s], context_lo, context_hi)
                                   for s in others)
            same = all(w == kept_wording for w in other_wordings)
            self.clashes.append(Clash(place.section_id, place.heading, " ".join(text[context_lo:context_hi].split()),
                                      self.returns[winner].ministry, kept_wording,
                                      tuple(self.returns[s].ministry for s in others), other_wordings, same))
            lines = []
            for source, wording in zip(others, other_wordings, strict=True):
                losing = [i for i in cluster if i.source == source]
                removed.update(id(i) for i in losing)
                self._record(source, losing, place)
                who = ", ".join(sorted({i.token.revision.author for i in losing if i.token.revision}))
                verb = "made the same change" if wording == kept_wording else "proposed"
                lines.append(f"{self.returns[source].ministry} ({who or 'no author'}) {verb}: “{wording}”")
            note = (f"Conflicting changes: {self.returns[winner].ministry}'s change is shown. "
                    + " ".join(lines) + " (not applied; see the conflict report of 'strategy-builder consolidate')")
            first = min(kept, key=lambda i: (i.start, i.order))
            last = max(kept, key=lambda i: (i.end, i.order))
            stamp = max((i.token.revision.date for i in cluster if i.token.revision), default="")
            self.conflict_comments.append((index, first, last, note, stamp))
        target.items = [i for i in target.items if id(i) not in removed]
        for attribute in ("mark_deleted", "paragraph_format", "row_deleted"):
            entries = getattr(target, attribute)
            if len({e[0] for e in entries}) > 1:
                winner = min(e[0] for e in entries)
                for entry in entries:
                    if entry[0] != winner:
                        if attribute == "paragraph_format":  # marks and rows are read as parts of their text
                            changed_by: Revision = entry[-1]
                            self.dropped.append(DroppedChange(
                                self.returns[entry[0]].ministry, "formatting", changed_by.author, changed_by.date,
                                text, place.section_id or "", place.heading))
                setattr(target, attribute, [e for e in entries if e[0] == winner][:1])

    def _record(self, source: int, losing: list[_Item], place: ParagraphPlace) -> None:
        """The dropped changes of one return as the register would have read them from the return itself:
        adjacent pieces of one kind, author and date are one change."""
        changes: list[DroppedChange] = []
        for item in sorted(losing, key=lambda i: i.order):
            token = item.token
            kind = {"insert": "insertion", "break": "insertion", "delete": "deletion"}.get(token.kind, "formatting")
            who = token.revision or Revision("", "")
            piece = "\n" if token.kind == "break" else token.text
            if changes and (changes[-1].kind, changes[-1].author, changes[-1].date) == (kind, who.author, who.date):
                changes[-1] = dataclasses.replace(changes[-1], text=changes[-1].text + piece)
            else:
                changes.append(DroppedChange(self.returns[source].ministry, kind, who.author, who.date, piece,
                                             place.section_id or "", place.heading))
        self.dropped.extend(dataclasses.replace(change, text=change.text.strip()) for change in changes)


def _ordered_points(items: list[_Item]) -> list[_Item]:
    """Point items by offset; at one offset: comment ranges that end there, then every return's insertions
    (in file order), then ranges that start there."""
    points = [i for i in items if i.token.is_point]

    def category(item: _Item, group: list[_Item]) -> int:
        own = [g for g in group if g.source == item.source]
        edits = [g for g in own if g.token.kind in ("insert", "break")]
        if item.token.kind in ("insert", "break") or not edits:
            return {"end": 0, "reference": 0, "start": 2}.get(item.token.kind, 1)
        first_edit, last_edit = min(e.order for e in edits), max(e.order for e in edits)
        if item.order < first_edit and item.token.kind in ("end", "reference"):
            return 0
        if item.order > last_edit and item.token.kind == "start":
            return 2
        return 1

    by_offset: dict[int, list[_Item]] = {}
    for item in points:
        by_offset.setdefault(item.start, []).append(item)
    ordered = []
    for offset in sorted(by_offset):
        group = by_offset[offset]
        ordered.extend(sorted(group, key=lambda i: (category(i, group), i.source, i.order)))
    return ordered


def consolidate(paths: list[Path], output: Path, *, project_dir: Path | None = None,
                ministries: dict[str, str] | None = None) -> ConsolidationResult:
    """Merge the returns ``paths`` of one partner's draft into ``output`` (written atomically).

    ``ministries`` maps a file (path, name or stem) to its ministry. Raises :class:`InputProblems` naming every
    file that cannot be merged (unreadable, not a draft, another partner or draft, two files of one ministry).
    """
    if not paths:
        raise InputProblems(Findings([Finding(Location("consolidate"), "consolidate.no-files", "no returns given")]))
    returns = _open(paths)
    partner, draft, language = _check_same_draft(returns)
    _ministries(returns, ministries or {})
    base_package, base_name = _base(returns, project_dir, partner, draft, language)
    base = read_reviewed_body(base_package)
    places = paragraph_places(base_package, base)
    result = ConsolidationResult(output, partner, draft, base_name)
    for returned in returns:
        returned.body = read_reviewed_body(returned.package)
        _align(base, returned, result.differences)
        for what, where, who in returned.body.unmerged:
            result.differences.append(Difference(returned.ministry, f"{what} by {who.author or 'no author'} "
                                                                    "(not merged)", where))
    targets = _place(base, returns)
    merge = _Merge(base, places, returns)
    for index, target in enumerate(targets):
        merge.resolve(index, target)
    labels = [r.ministry for r in returns]

    def label(source: int, author: str) -> str:
        return author_label(author, labels[source])

    comments, comment_ids = _comments(returns, label)
    writer = BodyWriter(base_package, label)
    conflict_ids: dict[int, list[tuple[str, _Item, _Item]]] = {}
    for index, first, last, note, stamp in merge.conflict_comments:
        comment_id = str(len(comments))
        comments.append(MergedComment(comment_id, CONSOLIDATION_AUTHOR, stamp, "SB", text=note))
        conflict_ids.setdefault(index, []).append((comment_id, first, last))
    anchored = _write_paragraphs(base, targets, writer, comment_ids, conflict_ids)
    _unanchored(returns, comment_ids, anchored, base, writer)
    write_comments(base_package, comments)
    writer.finish()
    write_consolidation(base_package, Consolidation(
        ministries=tuple(labels), files=tuple(name_text(r.path.name) for r in returns), dropped=tuple(merge.dropped)))
    write_atomic(output, base_package.to_bytes())
    for problem in writer.problems:
        result.differences.append(Difference("", problem, "body"))
    comment_count = Counter(source for source, _ in comment_ids)
    for returned in returns:
        # Changes as a reader of returns counts them (adjacent pieces of one edit are one change).
        dropped = sum(1 for d in merge.dropped if d.ministry == returned.ministry)
        changes = len(read_annotations(returned.package).changes)
        result.returns.append(ReturnSummary(returned.path, returned.ministry, comment_count[returned.index],
                                            changes - dropped, dropped))
    result.clashes = merge.clashes
    return result


def _base(returns: list[_Return], project_dir: Path | None, partner: str, draft: str,
          language: str) -> tuple[DocxPackage, str]:
    """The circulated draft (of the returns' language version) from the project, else the first return with
    its changes rejected."""
    if project_dir is not None:
        layout = ProjectLayout.of(project_dir)
        path = layout.folder_of_label(draft) / language_document(partner, language or None)
        if path.is_file():
            return DocxPackage.open(path), layout.display_name(path)
    first = returns[0]
    return circulated_copy(DocxPackage.open(first.path, RETURN_LIMITS)), \
        f"{first.path.name} with its changes rejected (draft {draft} of {partner} is not in the project)"


def _comments(returns: list[_Return], label: AuthorLabel) -> tuple[list[MergedComment], dict[tuple[int, str], str]]:
    """Every comment of every return, renumbered: (the merged comments, (return, file id) -> merged id)."""
    comments: list[MergedComment] = []
    ids: dict[tuple[int, str], str] = {}
    for returned in returns:
        annotations = read_annotations(returned.package)
        elements = comment_elements(returned.package)
        for comment in annotations.comments:
            ids[(returned.index, comment.comment_id)] = str(len(comments))
            comments.append(MergedComment(
                str(len(comments)), label(returned.index, comment.author), comment.date,
                comment.initials, element=elements.get(comment.comment_id),
                parent_id=ids.get((returned.index, comment.parent_id)) if comment.parent_id else None,
                done=comment.resolved, account=comment.author_account))
    return comments, ids


def _write_paragraphs(base: ReviewedBody, targets: list[_Target], writer: BodyWriter,
                      comment_ids: dict[tuple[int, str], str],
                      conflict_ids: dict[int, list[tuple[str, _Item, _Item]]]) -> set[str]:
    """Write every base paragraph's plan; returns the merged ids of the comments that found an anchor."""
    anchored: set[str] = set()
    for index, (original, target) in enumerate(zip(base.paragraphs, targets, strict=True)):
        items = list(target.items)
        for comment_id, first, last in conflict_ids.get(index, []):
            # In the kept ministry's stream, just around its change, so that the comment covers it.
            start = Token("start", first.start, first.start, comment=comment_id)
            end = Token("end", last.end, last.end, comment=comment_id)
            reference = Token("reference", last.end, last.end, comment=comment_id)
            items.append(_Item(first.source, start, first.start, first.start, first.order - 0.5, True))
            items.append(_Item(last.source, end, last.end, last.end, last.order + 0.25, True))
            items.append(_Item(last.source, reference, last.end, last.end, last.order + 0.5, True))
        points = []
        for item in _ordered_points(items):
            comment_id = ""
            if item.token.kind in ("start", "end", "reference"):
                comment_id = item.token.comment if item.synthetic else \
                    comment_ids.get((item.source, item.token.comment), "")
                if not comment_id:
                    continue
                anchored.add(comment_id)
            points.append(Placed(item.source, item.token, item.start, item.end, comment_id))
        ranges = [Placed(i.source, i.token, i.start, i.end) for i in items if not i.token.is_point]
        plan = ParagraphPlan(
            original.elements[0], ranges, points,
            mark_deleted=target.mark_deleted[0] if target.mark_deleted else None,
            paragraph_format=target.paragraph_format[0] if target.paragraph_format else None,
            row_deleted=target.row_deleted[0] if target.row_deleted else None,
            rows_after=list(target.rows_after))
        if ranges or points or plan.mark_deleted or plan.paragraph_format or plan.row_deleted or plan.rows_after:
            writer.write(plan)
    return anchored


def _unanchored(returns: list[_Return], comment_ids: dict[tuple[int, str], str], anchored: set[str],
                base: ReviewedBody, writer: BodyWriter) -> None:
    """Comments whose anchor is not in a merged paragraph (in a footnote, in text added without tracking, or
    nowhere): anchored at the start of the paragraph they belong to, else of the document."""
    if not base.paragraphs:
        return
    for returned in returns:
        assert returned.body is not None
        home: dict[str, int] = dict(returned.body.note_comments)
        for index, original in enumerate(returned.body.paragraphs):
            for token in original.tokens:
                if token.kind in ("start", "reference"):
                    home.setdefault(token.comment, index)
        for (source, file_id), comment_id in comment_ids.items():
            if source != returned.index or comment_id in anchored:
                continue
            own = home.get(file_id)
            mapped = [j for j in returned.mapping if own is not None and j <= own]
            base_index = returned.mapping[max(mapped)][0] if mapped else 0
            element = base.paragraphs[base_index].elements[-1]
            start = Token("start", 0, 0, comment=comment_id)
            end = Token("end", 0, 0, comment=comment_id)
            reference = Token("reference", 0, 0, comment=comment_id)
            writer.write(ParagraphPlan(element, [], [Placed(source, start, 0, 0, comment_id),
                                                     Placed(source, end, 0, 0, comment_id),
                                                     Placed(source, reference, 0, 0, comment_id)]))


__all__ = ["Clash", "ConsolidationResult", "Difference", "ReturnSummary", "consolidate"]
