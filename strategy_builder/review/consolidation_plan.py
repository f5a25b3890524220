"""Every return's edits placed on the circulated draft's paragraphs, and the clashes between ministries
resolved.

Each return's paragraphs are aligned with the draft's (:func:`align_return`; text changed without tracking is
named as a :class:`~strategy_builder.review.consolidation_results.Difference`), and every edit and comment
anchor is placed on the draft's paragraph it belongs to (:func:`place_edits`). Where two ministries' edits
overlap (the same words, or two insertions at one point within a sentence), :class:`ClashResolver` keeps the
first ministry's change (files count in the order given), records a
:class:`~strategy_builder.review.consolidation_results.Clash`, the comment that names the others, and the
others' changes as dropped (so that the register and ``propose`` still see them as that ministry's). Two
ministries adding whole paragraphs at the same place is not a clash: both are kept.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import NamedTuple

from strategy_builder.ooxml.edits import (
    RANGE_KINDS, OriginalParagraph, ParagraphPlace, Properties, ReviewedBody, Revision, Token,
)
from strategy_builder.ooxml.stamps import DroppedChange
from strategy_builder.review.consolidation_inputs import OpenedReturn
from strategy_builder.review.consolidation_results import Clash, Difference

CONTEXT_CHARS = 60
"""Characters of context shown around a clash in the report and in the comment."""


# ------------------------------------------------------------------------------------------ aligning


def align_return(base: ReviewedBody, returned: OpenedReturn, differences: list[Difference]) -> None:
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
class PlacedToken:
    """A return's token placed on a base paragraph."""

    source: int
    token: Token
    start: int
    end: int
    order: float
    synthetic: bool = False
    """A comment anchor of a clash, written by strategy-builder (its ``comment`` is the merged id)."""


@dataclass(slots=True, eq=False)
class ParagraphTarget:
    """What every return does to one base paragraph."""

    items: list[PlacedToken] = field(default_factory=list)
    mark_deleted: list[tuple[int, Revision]] = field(default_factory=list)
    paragraph_format: list[tuple[int, Properties, Revision]] = field(default_factory=list)
    row_deleted: list[tuple[int, Revision]] = field(default_factory=list)
    rows_after: list[tuple[int, Properties, Revision]] = field(default_factory=list)


def place_edits(base: ReviewedBody, returns: list[OpenedReturn]) -> list[ParagraphTarget]:
    targets = [ParagraphTarget() for _ in base.paragraphs]
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
                target.items.append(PlacedToken(returned.index, token, start, end, counter))
            _whole_paragraph(target, returned.index, original)
    return targets


def _whole_paragraph(target: ParagraphTarget, source: int, original: OriginalParagraph) -> None:
    if original.mark_deleted is not None:
        target.mark_deleted.append((source, original.mark_deleted))
    if original.paragraph_format is not None:
        target.paragraph_format.append((source, original.paragraph_format[0], original.paragraph_format[1]))
    if original.row_deleted is not None:
        target.row_deleted.append((source, original.row_deleted))
    for row, who in original.rows_after:
        target.rows_after.append((source, row, who))


# ----------------------------------------------------------------------------------------- clashes


def _overlaps(a: PlacedToken, b: PlacedToken) -> bool:
    """Whether two edits of different returns touch the same words (or the same point of a sentence)."""
    a_point, b_point = a.token.is_point, b.token.is_point
    if a_point and b_point:
        return a.start == b.start
    if a_point:
        return b.start < a.start < b.end
    if b_point:
        return a.start < b.start < a.end
    return max(a.start, b.start) < min(a.end, b.end)


def _touch(a: PlacedToken, b: PlacedToken) -> bool:
    """Whether two edits of one return are parts of one change (adjacent or at one point)."""
    return a.start <= b.end and b.start <= a.end


def _clusters(items: list[PlacedToken]) -> list[list[PlacedToken]]:
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
    groups: dict[int, list[PlacedToken]] = {}
    for x, item in enumerate(edits):
        groups.setdefault(root(x), []).append(item)
    return [g for g in groups.values() if len({i.source for i in g}) > 1]


def _whole_paragraphs_only(cluster: list[PlacedToken]) -> bool:
    """Insertions at one point by several returns, each adding whole paragraphs: no clash, all are kept."""
    if any(not i.token.is_point for i in cluster) or len({i.start for i in cluster}) != 1:
        return False
    return all(any(i.token.kind == "break" for i in cluster if i.source == source)
               for source in {i.source for i in cluster})


def _wording(text: str, items: list[PlacedToken], lo: int, hi: int) -> str:
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


class ConflictComment(NamedTuple):
    """The comment strategy-builder writes at a clash, around the kept ministry's change."""

    paragraph: int
    """The base paragraph of the clash."""
    first: PlacedToken
    """The first and last kept tokens: the comment covers them."""
    last: PlacedToken
    text: str
    date: str


@dataclass(slots=True)
class ClashResolver:
    """Resolves the clashes of each base paragraph in turn, collecting what the report, the comments and the
    record of dropped changes say about them."""

    base: ReviewedBody
    places: list[ParagraphPlace]
    returns: list[OpenedReturn]
    clashes: list[Clash] = field(default_factory=list)
    dropped: list[DroppedChange] = field(default_factory=list)
    conflict_comments: list[ConflictComment] = field(default_factory=list)

    def resolve(self, index: int, target: ParagraphTarget) -> None:
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
            self.conflict_comments.append(ConflictComment(index, first, last, note, stamp))
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

    def _record(self, source: int, losing: list[PlacedToken], place: ParagraphPlace) -> None:
        """The dropped changes of one return as the register would have read them from the return itself:
        adjacent pieces of one kind, author and date are one change."""
        changes: list[DroppedChange] = []
        for item in sorted(losing, key=lambda i: i.order):
            token = item.token
            kind = {"insert": "insertion", "break": "insertion", "delete": "deletion"}.get(token.kind, "formatting")
            who = token.revision or Revision("", "")
            piece = "\n" if token.kind == "break" else token.text
            if changes and (changes[-1].kind, changes[-1].author, changes[-1].date) == (kind, who.author, who.date):
                changes[-1] = changes[-1]._replace(text=changes[-1].text + piece)
            else:
                changes.append(DroppedChange(self.returns[source].ministry, kind, who.author, who.date, piece,
                                             place.section_id or "", place.heading))
        self.dropped.extend(change._replace(text=change.text.strip()) for change in changes)


__all__ = ["CONTEXT_CHARS", "ClashResolver", "ConflictComment", "ParagraphTarget", "PlacedToken", "align_return",
           "place_edits"]
