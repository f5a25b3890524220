"""Aligned blocks flattened into the list of changes that reports show.

A :class:`Change` is one changed, inserted or deleted paragraph, table row or table, or one object inside a
paragraph (a footnote's or text box's text, an equation, a picture), with where it is (``table 1, row 2,
cell 1``, ``footnote 3 of 2.1.2``) and, for a changed text, its word operations. A change that only
replaces the section's old number by its new one is marked renumbered (:func:`mark_renumbered`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from strategy_builder.ooxml.blocks import Block, Paragraph, iter_paragraphs
from strategy_builder.ooxml.objects import Equation, InlineObject, NoteReference, Picture, TextBox
from strategy_builder.records import ValueRecord
from strategy_builder.review.align import BlockPair, ObjectPair, RowPair, WordOp, normalise, object_text
from strategy_builder.review.review_document import number_pattern


class Change(ValueRecord):
    """One changed, inserted or deleted paragraph, table row or table, flattened for reports."""

    __slots__ = ("kind", "location", "old_text", "new_text", "ops", "whitespace_only", "renumbered")

    kind: Literal["changed", "inserted", "deleted"]
    location: str
    old_text: str
    new_text: str
    ops: list[WordOp]
    whitespace_only: bool
    renumbered: bool

    def __init__(self, kind: Literal["changed", "inserted", "deleted"], location: str, old_text: str, new_text: str,
                 ops: list[WordOp] | None = None, whitespace_only: bool = False, renumbered: bool = False) -> None:
        self.kind = kind
        self.location = location
        self.old_text = old_text
        self.new_text = new_text
        self.ops = [] if ops is None else ops
        self.whitespace_only = whitespace_only
        self.renumbered = renumbered

    @property
    def substantive(self) -> bool:
        """A change of words (not only of spaces, and not only of the section's number)."""
        return not self.whitespace_only and not self.renumbered


_PARAGRAPH_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)+)\s")


def _compared_objects(block: Block) -> Iterator[tuple[Paragraph, InlineObject]]:
    for paragraph in iter_paragraphs([block]):
        for item in paragraph.objects:
            if item.compared:
                yield paragraph, item


def _object_location(prefix: str, item: InlineObject, paragraph: Paragraph) -> str:
    """``footnote 3 of 2.1.2``, ``text box 1``, ``table 1, row 2, cell 1: picture 1``."""
    if isinstance(item, NoteReference):
        name = f"{item.kind} {item.number}"
    else:
        same = [o for o in paragraph.objects if o.kind == item.kind]
        name = f"{item.kind} {next((i for i, o in enumerate(same, 1) if o is item), 1)}"
    number = _PARAGRAPH_NUMBER.match(paragraph.text)
    return f"{prefix}{name}" + (f" of {number.group(1)}" if number else "")


def _object_changes(pairs: list[ObjectPair], prefix: str, old: Paragraph, new: Paragraph) -> list[Change]:
    changes: list[Change] = []
    for pair in pairs:
        item = pair.new if pair.new is not None else pair.old
        assert item is not None
        location = _object_location(prefix, item, new if pair.new is not None else old)
        if pair.kind in ("inserted", "deleted"):
            changes.append(Change(pair.kind, location, object_text(pair.old) if pair.old else "",  # type: ignore[arg-type]
                                  object_text(pair.new) if pair.new else ""))
        elif isinstance(pair.old, (TextBox, NoteReference)):
            changes.extend(flatten_pairs(pair.pairs, f"{location}: "))
        elif isinstance(pair.old, Equation) and isinstance(pair.new, Equation):
            changes.append(Change("changed", location, pair.old.text, pair.new.text, pair.ops))
        elif isinstance(pair.old, Picture) and isinstance(pair.new, Picture):
            before, after = pair.old.describe(), pair.new.describe()
            changes.append(Change("changed", location, before, after, [("delete", before), ("insert", after)]))
    return changes


def _whole_objects(block: Block, kind: Literal["inserted", "deleted"], prefix: str) -> list[Change]:
    """The objects of an inserted or deleted block: a footnote's or text box's text goes (or comes) with it."""
    changes = []
    for paragraph, item in _compared_objects(block):
        text = object_text(item)
        changes.append(Change(kind, _object_location(prefix, item, paragraph), text if kind == "deleted" else "",
                              text if kind == "inserted" else ""))
    return changes


def flatten_pairs(pairs: list[BlockPair], prefix: str = "") -> list[Change]:
    changes: list[Change] = []
    table = 0
    for pair in pairs:
        block = pair.new if pair.new is not None else pair.old
        assert block is not None
        if not isinstance(block, Paragraph):
            table += 1
        where = prefix if isinstance(block, Paragraph) else f"{prefix}table {table}"
        if pair.kind == "equal":
            continue
        if pair.kind in ("inserted", "deleted"):
            changes.append(Change(pair.kind, where, pair.old.text if pair.old else "",  # type: ignore[arg-type]
                                  pair.new.text if pair.new else ""))
            changes.extend(_whole_objects(block, pair.kind, prefix if isinstance(block, Paragraph)  # type: ignore[arg-type]
                                          else f"{where}: "))
        elif isinstance(block, Paragraph):
            assert isinstance(pair.old, Paragraph) and isinstance(pair.new, Paragraph)
            if pair.old.text != pair.new.text:
                changes.append(Change("changed", where, pair.old.text, pair.new.text, pair.ops, pair.whitespace_only))
            changes.extend(_object_changes(pair.objects, prefix, pair.old, pair.new))
        else:
            changes.extend(_flatten_rows(pair.rows, where))
    for change in changes:
        change.location = change.location.rstrip(": ")
    return changes


def _flatten_rows(rows: list[RowPair], where: str) -> list[Change]:
    changes: list[Change] = []
    old_row = new_row = 0
    for row in rows:
        old_row += row.old is not None
        new_row += row.new is not None
        number = new_row if row.new is not None else old_row
        if row.kind in ("inserted", "deleted"):
            changes.append(Change(row.kind, f"{where}, row {number}", row.old.text if row.old else "",  # type: ignore[arg-type]
                                  row.new.text if row.new else ""))
        elif row.kind == "changed":
            for cell_number, cell in enumerate(row.cells, start=1):
                changes.extend(flatten_pairs(cell, f"{where}, row {number}, cell {cell_number}: "))
    for change in changes:
        change.location = change.location.rstrip(": ")
    return changes


def mark_renumbered(changes: list[Change], old_number: str | None, new_number: str | None) -> None:
    """Flag the changes that only replace the section's old number by its new one."""
    if not old_number or not new_number or old_number == new_number:
        return
    old_pattern, new_pattern = number_pattern(old_number), number_pattern(new_number)
    for change in changes:
        if change.kind == "changed" and not change.whitespace_only and (
                old_pattern.sub("#", normalise(change.old_text)) == new_pattern.sub("#", normalise(change.new_text))):
            change.renumbered = True


__all__ = ["Change", "flatten_pairs", "mark_renumbered"]
