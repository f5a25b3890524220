"""What a draft printed for a YAML value, character by character, and edits of the printed text as edits
of the value.

A value of kind ``line`` prints stripped; a prose value prints as paragraphs and bullets
(:func:`strategy_builder.models.prose.place_prose`), one ``block`` of them or all ``joined`` with spaces (see
:class:`strategy_builder.models.provenance.ValueSource`). :func:`printed` keeps, for every printed character,
the characters of the value that spell it, so that :func:`to_value_edits` turns the word edits of the printed
text (:func:`word_edits`) into edits of the value as its file holds it.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import NamedTuple

from strategy_builder.inputs.yaml_edit import TextEdit
from strategy_builder.models.prose import place_prose
from strategy_builder.review.align import word_tokens


class PrintedValue(NamedTuple):
    """What a value printed, and for every printed character the characters of the value that spell it."""

    text: str
    spans: tuple[tuple[int, int], ...]
    end: int


def printed(value: str, kind: str, block: int = 0) -> PrintedValue | None:
    """The text a draft prints for ``value`` as a value of ``kind`` (see
    :class:`strategy_builder.models.provenance.ValueSource`), placed; ``None`` for a block it does not have."""
    if kind == "line":
        stripped = value.strip()
        start = len(value) - len(value.lstrip())
        return PrintedValue(stripped, tuple((start + i, start + i + 1) for i in range(len(stripped))),
                            start + len(stripped))
    blocks = place_prose(value)
    if kind == "block":
        if block >= len(blocks):
            return None
        chosen = blocks[block]
        return PrintedValue(chosen.text, chosen.spans, chosen.end)
    if not blocks:
        return PrintedValue("", (), 0)
    pieces, spans = [], []
    for number, placed in enumerate(blocks):
        if number:
            pieces.append(" ")
            spans.append((blocks[number - 1].end, placed.spans[0][0] if placed.spans else placed.end))
        pieces.append(placed.text)
        spans.extend(placed.spans)
    return PrintedValue("".join(pieces), tuple(spans), blocks[-1].end)


def word_edits(old: str, new: str) -> list[TextEdit]:
    """The edits that turn ``old`` into ``new``, word by word (the same changes give the same edits,
    whichever way a reviewer's program recorded them)."""
    a, b = word_tokens(old), word_tokens(new)
    offsets = [0]
    for token in a:
        offsets.append(offsets[-1] + len(token))
    edits = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            edits.append(TextEdit(offsets[i1], offsets[i2], "".join(b[j1:j2])))
    return edits


def to_value_edits(edits: Sequence[TextEdit], placed: PrintedValue, value: str) -> list[TextEdit]:
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


__all__ = ["PrintedValue", "printed", "to_value_edits", "word_edits"]
