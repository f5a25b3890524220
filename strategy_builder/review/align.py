"""Aligning blocks, rows and words: paragraphs are aligned first, only changed pairs are word-diffed.

Why: a word diff over a whole 30,000-word document with difflib takes seconds (and with difflib's
``autojunk`` heuristic it marks nearly everything changed); aligning paragraphs first and word-diffing
only the changed pairs takes milliseconds. Whitespace variants (no-break spaces and the like) are ignored when deciding
*whether* two texts differ, but kept in the exact operations, so that a redline reproduces both texts.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache
from collections.abc import Callable
from typing import Any, Literal

from strategy_builder.ooxml.blocks import Block, Paragraph, Row, Table, iter_paragraphs
from strategy_builder.ooxml.objects import Equation, InlineObject, NoteReference, Picture, TextBox
from strategy_builder.records import Record

PairKind = Literal["equal", "changed", "inserted", "deleted"]
WordOp = tuple[Literal["equal", "insert", "delete"], str]
"""``("equal" | "insert" | "delete", text)``; equal + delete give the old text, equal + insert the new."""

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_WORD = re.compile(r"\w+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
"""Characters a reader does not see: zero-width spaces and joiners, the word joiner, BOM, soft hyphen."""
_PAIRING_LIMIT = 4000
"""Above this many candidate pairs a replaced stretch is paired in order instead of by similarity."""


@lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """Text for the "did it change?" decision: whitespace variants (NBSP etc.) and runs collapsed.

    Remembered per text: a diff asks it of every paragraph of both sides twice (the sections' words, then
    the alignment), and two drafts share most of their paragraphs' texts.
    """
    if not text.isascii():  # the invisible characters are not ASCII (and most English text is)
        text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


@lru_cache(maxsize=4096)
def _bag(text: str) -> Counter[str]:
    return Counter(w.lower() for w in _WORD.findall(text))


def similarity(old: str, new: str) -> float:
    """Dice coefficient of the (case-folded) words of two texts; 1.0 for two empty texts."""
    a, b = _bag(old), _bag(new)
    total = sum(a.values()) + sum(b.values())
    return 1.0 if total == 0 else 2 * sum((a & b).values()) / total


def word_tokens(text: str) -> list[str]:
    """``text`` as the tokens of every word diff: words, runs of whitespace, and each other character."""
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[WordOp]:
    """Word-level operations turning ``old`` into ``new`` (whitespace and punctuation are tokens)."""
    if old == new:
        return [("equal", old)] if old else []
    a, b = word_tokens(old), word_tokens(new)
    raw: list[tuple[str, str]] = []  # also "both": a space between two changes, folded into both
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            raw.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            raw.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            raw.append(("insert", "".join(b[j1:j2])))
    # A lone space kept equal between two changed words makes a choppy diff: fold it into the change.
    for index in range(1, len(raw) - 1):
        kind, text = raw[index]
        if kind == "equal" and not text.strip() and raw[index - 1][0] != "equal" and raw[index + 1][0] != "equal":
            raw[index] = ("both", text)
    ops: list[WordOp] = []
    deleted: list[str] = []
    inserted: list[str] = []
    for kind, text in raw + [("equal", "")]:
        if kind == "equal":
            if deleted:
                ops.append(("delete", "".join(deleted)))
            if inserted:
                ops.append(("insert", "".join(inserted)))
            deleted, inserted = [], []
            if text:
                if ops and ops[-1][0] == "equal":
                    ops[-1] = ("equal", ops[-1][1] + text)
                else:
                    ops.append(("equal", text))
        else:
            if kind in ("delete", "both"):
                deleted.append(text)
            if kind in ("insert", "both"):
                inserted.append(text)
    return ops


class RowPair(Record):
    """Two aligned table rows (or one, when a row was inserted or deleted)."""

    __slots__ = ("kind", "old", "new", "cells")

    kind: PairKind
    old: Row | None
    new: Row | None
    cells: list[list[BlockPair]]
    """For changed rows (same number of cells): the aligned blocks of each cell."""

    def __init__(self, kind: PairKind, old: Row | None, new: Row | None,
                 cells: list[list[BlockPair]] | None = None) -> None:
        self.kind = kind
        self.old = old
        self.new = new
        self.cells = [] if cells is None else cells


class ObjectPair(Record):
    """Two aligned objects of two aligned paragraphs (or one, when it was inserted or deleted)."""

    __slots__ = ("kind", "old", "new", "pairs", "ops")

    kind: PairKind
    old: InlineObject | None
    new: InlineObject | None
    pairs: list[BlockPair]
    """For a changed text box or note: its aligned blocks."""
    ops: list[WordOp]
    """For a changed equation: the word operations of its linear text."""

    def __init__(self, kind: PairKind, old: InlineObject | None, new: InlineObject | None,
                 pairs: list[BlockPair] | None = None, ops: list[WordOp] | None = None) -> None:
        self.kind = kind
        self.old = old
        self.new = new
        self.pairs = [] if pairs is None else pairs
        self.ops = [] if ops is None else ops


class BlockPair(Record):
    """Two aligned blocks (or one, when a block was inserted or deleted)."""

    __slots__ = ("kind", "old", "new", "ops", "rows", "whitespace_only", "objects")

    kind: PairKind
    old: Block | None
    new: Block | None
    ops: list[WordOp]
    """For changed paragraphs: the word-level operations."""
    rows: list[RowPair]
    """For changed tables: the aligned rows."""
    whitespace_only: bool
    """Nothing a reader sees changed (only whitespace variants, or the stored result of a computed field)."""
    objects: list[ObjectPair]
    """For changed paragraphs: the objects that differ (text boxes, notes, pictures, equations)."""

    def __init__(self, kind: PairKind, old: Block | None, new: Block | None, ops: list[WordOp] | None = None,
                 rows: list[RowPair] | None = None, whitespace_only: bool = False,
                 objects: list[ObjectPair] | None = None) -> None:
        self.kind = kind
        self.old = old
        self.new = new
        self.ops = [] if ops is None else ops
        self.rows = [] if rows is None else rows
        self.whitespace_only = whitespace_only
        self.objects = [] if objects is None else objects

    @property
    def is_table(self) -> bool:
        return isinstance(self.new if self.new is not None else self.old, Table)


def visible_key(block: Block) -> tuple[object, ...]:
    """What a reader sees in a block, for deciding whether two blocks are the same: the words (whitespace
    collapsed, computed field results aside) and the fingerprints of the objects that are compared."""
    if isinstance(block, Paragraph):
        if not block.objects:  # nearly every paragraph
            return (normalise(block.comparable),)
        return (normalise(block.comparable), *(o.fingerprint for o in block.objects if o.compared))
    return tuple(visible_key(p) for p in iter_paragraphs([block]))


def object_text(item: InlineObject) -> str:
    """The words of an object: a text box's or note's paragraphs, an equation's linear text, a picture's alt text."""
    if isinstance(item, (TextBox, NoteReference)):
        return "\n".join(p.text for p in iter_paragraphs(item.blocks))
    if isinstance(item, Equation):
        return item.text
    if isinstance(item, Picture):
        return item.describe()
    return item.kind


def _pair_objects(old: Paragraph, new: Paragraph) -> list[ObjectPair]:
    """The compared objects of two aligned paragraphs, aligned kind by kind in order; only those that differ."""
    olds = [o for o in old.objects if o.compared]
    news = [o for o in new.objects if o.compared]
    result: list[ObjectPair] = []
    if [o.fingerprint for o in olds] == [o.fingerprint for o in news]:
        return result
    for kind in dict.fromkeys([*(o.kind for o in news), *(o.kind for o in olds)]):
        before = [o for o in olds if o.kind == kind]
        after = [o for o in news if o.kind == kind]
        matcher = SequenceMatcher(None, [o.fingerprint for o in before], [o.fingerprint for o in after],
                                  autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            for a, b in _pair_in_order(before[i1:i2], after[j1:j2], lambda x, y: True,
                                       lambda x, y: similarity(object_text(x), object_text(y))):
                result.append(_object_pair(a, b))  # type: ignore[arg-type]
    return result


def _object_pair(old: InlineObject | None, new: InlineObject | None) -> ObjectPair:
    if old is None:
        return ObjectPair("inserted", None, new)
    if new is None:
        return ObjectPair("deleted", old, None)
    if isinstance(old, (TextBox, NoteReference)) and isinstance(new, (TextBox, NoteReference)):
        return ObjectPair("changed", old, new, pairs=align_blocks(old.blocks, new.blocks))
    if isinstance(old, Equation) and isinstance(new, Equation):
        return ObjectPair("changed", old, new, ops=word_diff(old.text, new.text))
    return ObjectPair("changed", old, new)


def _key(block: Block) -> tuple[object, ...]:
    return ("p" if isinstance(block, Paragraph) else "t", *visible_key(block))


def _pair(old: Block, new: Block, same_key: bool = False) -> BlockPair:
    """Two aligned blocks compared; ``same_key``: their :func:`_key` is known to be equal (so are their visible
    keys, which a table's pair then need not compute again)."""
    if isinstance(old, Paragraph) and isinstance(new, Paragraph):
        objects = _pair_objects(old, new) if old.objects or new.objects else []
        if old.text == new.text and not objects:
            return BlockPair("equal", old, new)
        ops: list[WordOp] = word_diff(old.text, new.text) if old.text != new.text else (
            [("equal", new.text)] if new.text else [])
        return BlockPair("changed", old, new, ops, objects=objects,
                         whitespace_only=not objects and normalise(old.comparable) == normalise(new.comparable))
    assert isinstance(old, Table) and isinstance(new, Table)
    same_shape = [len(r.cells) for r in old.rows] == [len(r.cells) for r in new.rows]
    same_visible = same_key or visible_key(old) == visible_key(new)
    if same_shape and old.text == new.text and same_visible:
        return BlockPair("equal", old, new)
    rows = align_rows(old.rows, new.rows)
    if all(r.kind == "equal" for r in rows):
        return BlockPair("equal", old, new)
    return BlockPair("changed", old, new, rows=rows, whitespace_only=same_visible)


def _pair_in_order(old: list, new: list, compatible, score) -> list[tuple[object | None, object | None]]:
    """Pair two replaced stretches keeping order, maximising similarity; unpaired items come back alone.

    Every compatible pair scores a little above zero, so that as many items as possible are paired:
    a leftover deletion next to a leftover insertion would otherwise become two whole-paragraph changes.
    """
    m, n = len(old), len(new)
    if m * n > _PAIRING_LIMIT:
        result, j = [], 0
        for item in old:
            if j < n and compatible(item, new[j]):
                result.append((item, new[j]))
                j += 1
            else:
                result.append((item, None))
        result.extend((None, item) for item in new[j:])
        return result
    gain = [[0.1 + score(a, b) if compatible(a, b) else None for b in new] for a in old]
    table = [[0.0] * (n + 1) for _ in range(m + 1)]
    for i in range(1, m + 1):
        row, above, cells = table[i], table[i - 1], gain[i - 1]
        for j in range(1, n + 1):
            best = max(above[j], row[j - 1])
            cell_gain = cells[j - 1]
            if cell_gain is not None:
                best = max(best, above[j - 1] + cell_gain)
            row[j] = best
    steps: list[tuple[object | None, object | None]] = []
    i, j = m, n
    while i or j:
        step_gain = gain[i - 1][j - 1] if i and j else None
        if step_gain is not None and abs(table[i][j] - table[i - 1][j - 1] - step_gain) < 1e-9:
            steps.append((old[i - 1], new[j - 1]))
            i, j = i - 1, j - 1
        elif j and (not i or table[i][j] == table[i][j - 1]):
            steps.append((None, new[j - 1]))
            j -= 1
        else:
            steps.append((old[i - 1], None))
            i -= 1
    steps.reverse()
    # Within each stretch of unpaired items, deletions first: the order a reader expects in a redline.
    ordered: list[tuple[object | None, object | None]] = []
    pending: list[tuple[object | None, object | None]] = []
    for step in steps + [(True, True)]:
        if step[0] is not None and step[1] is not None:
            ordered.extend(sorted(pending, key=lambda s: s[0] is None))
            pending = []
            if step != (True, True):
                ordered.append(step)
        else:
            pending.append(step)
    return ordered


def _align(old: list[Any], new: list[Any], key: Callable[[Any], object], compatible: Callable[[Any, Any], bool],
           pair: Callable[[Any, Any, bool], Any], lone: Callable[[Any, Any], Any]) -> list[Any]:
    """Align two sequences in document order: equal runs are paired as they stand; in each differing
    run, compatible items are paired by text similarity and the rest become deletions or insertions
    (``lone(old, None)`` / ``lone(None, new)``). ``pair``'s third argument says whether the two items' keys
    are equal."""
    result: list[Any] = []
    old_keys, new_keys = [key(x) for x in old], [key(x) for x in new]
    if old_keys == new_keys:  # most sections of two drafts: one equal run, without the matcher's index
        return [pair(o, n, True) for o, n in zip(old, new, strict=True)]
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result.extend(pair(o, n, True) for o, n in zip(old[i1:i2], new[j1:j2], strict=True))  # equal: same lengths
            continue
        for o, n in _pair_in_order(old[i1:i2], new[j1:j2], compatible, lambda a, b: similarity(a.text, b.text)):
            result.append(pair(o, n, False) if o is not None and n is not None else lone(o, n))
    return result


def align_blocks(old: list[Block], new: list[Block]) -> list[BlockPair]:
    """Align two block sequences: equal, changed (paired), inserted and deleted blocks in document order."""
    return _align(old, new, _key, lambda a, b: type(a) is type(b), _pair,
                  lambda o, n: BlockPair("deleted", o, None) if o is not None else BlockPair("inserted", None, n))


def _pair_rows(old: Row, new: Row, same_key: bool = False) -> RowPair:
    # Rows pair only with the same number of cells (equal keys, or compatible in align_rows).
    cells = [align_blocks(o.blocks, n.blocks) for o, n in zip(old.cells, new.cells, strict=True)]
    if all(p.kind == "equal" for cell in cells for p in cell):
        return RowPair("equal", old, new)
    return RowPair("changed", old, new, cells)


def align_rows(old: list[Row], new: list[Row]) -> list[RowPair]:
    """Align table rows; rows pair only when they have the same number of cells."""
    return _align(old, new, lambda row: tuple(visible_key(b) for c in row.cells for b in c.blocks),
                  lambda a, b: len(a.cells) == len(b.cells), _pair_rows,
                  lambda o, n: RowPair("deleted", o, None) if o is not None else RowPair("inserted", None, n))


__all__ = ["BlockPair", "ObjectPair", "PairKind", "RowPair", "WordOp", "align_blocks", "align_rows", "normalise",
           "object_text", "similarity", "visible_key", "word_diff", "word_tokens"]
