"""What a reader sees that the diff does not compare (a chart, SmartArt, an embedded object, a drawing):
listed by name where it differs, never answered as "no change".
"""

from __future__ import annotations

from collections.abc import Iterator
from difflib import SequenceMatcher
from typing import Literal, NamedTuple

from strategy_builder.ooxml.blocks import Block, iter_paragraphs
from strategy_builder.ooxml.objects import NoteReference, Opaque, TextBox
from strategy_builder.review.review_document import ReviewDocument


class NotCompared(NamedTuple):
    """Something a reader sees that the diff does not compare (a chart, SmartArt, an embedded object, a
    drawing), found to differ: listed by name, and counted as a difference."""

    kind: str
    name: str
    """``chart 2``: its kind and its place among those of the document (new side; old side when removed)."""
    where: str
    """The section (or header or footer) it is in."""
    change: Literal["changed", "added", "removed"]


def _opaque(blocks: list[Block]) -> Iterator[Opaque]:
    """Every object not compared in ``blocks``, also inside text boxes and notes, in reading order."""
    for paragraph in iter_paragraphs(blocks):
        for item in paragraph.objects:
            if isinstance(item, Opaque):
                yield item
            elif isinstance(item, (TextBox, NoteReference)):
                yield from _opaque(item.blocks)


def _opaque_of(document: ReviewDocument) -> list[tuple[Opaque, str]]:
    """Each object not compared with the section (or header or footer) it is in."""
    found: list[tuple[Opaque, str]] = []
    for segment in document.segments:
        where = " ".join(document.sections[segment.owner].title.split())
        found.extend((item, where) for item in _opaque(segment.blocks))
    for story in document.body.headers_footers:
        found.extend((item, story.label) for item in _opaque(story.blocks))
    return found


def not_compared(old: ReviewDocument, new: ReviewDocument) -> list[NotCompared]:
    """What is not compared but differs, kind by kind, in document order."""
    before, after = _opaque_of(old), _opaque_of(new)
    result: list[NotCompared] = []
    for kind in dict.fromkeys([*(o.kind for o, _ in after), *(o.kind for o, _ in before)]):
        olds = [(o, w) for o, w in before if o.kind == kind]
        news = [(o, w) for o, w in after if o.kind == kind]
        matcher = SequenceMatcher(None, [o.fingerprint for o, _ in olds], [o.fingerprint for o, _ in news],
                                  autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            both = min(i2 - i1, j2 - j1)
            for offset in range(both):
                result.append(NotCompared(kind, f"{kind} {j1 + offset + 1}", news[j1 + offset][1], "changed"))
            for index in range(j1 + both, j2):
                result.append(NotCompared(kind, f"{kind} {index + 1}", news[index][1], "added"))
            for index in range(i1 + both, i2):
                result.append(NotCompared(kind, f"{kind} {index + 1}", olds[index][1], "removed"))
    return result


__all__ = ["NotCompared", "not_compared"]
