"""Finishing a main part group by group: the watcher's rebuild of a document whose structure changed.

:func:`strategy_builder.ooxml.rendered.finish_docx` parses a whole rendered ``document.xml`` and runs its
passes over the tree; :mod:`strategy_builder.ooxml.text_patch` spares a watcher that work when only texts
changed. A save that adds a paragraph or a priority changes the markup, yet most blocks of the body are
the same text as last time. A :class:`BlockMemo` keeps the body's groups of blocks as they were finished:
the next rebuild cuts the rendered body into groups, finishes together, in one part, only those it does not
keep, and joins them with the kept ones, numbered for their new place. The same bytes as a finish of the
whole part:

- **What a pass sees.** The body is cut at its top-level paragraphs and tables, a long table into its rows
  (:mod:`strategy_builder.ooxml.body_units`: any other markup between them, a text box, a comment, CDATA or
  processing instruction, and the part is finished whole). The one pass that looks past a block is the
  section-marker pass, which removes a paragraph holding only markers and moves its bookmarks into the
  paragraphs before and after it: such a paragraph is grouped with its neighbours. The lead-in pass asks
  whether a paragraph has a block after it: in the part the missing groups are finished in, each but the
  body's last is followed by a :data:`SEPARATOR` paragraph, where the finished part is cut again.
- **What is numbered across the part.** The sections' bookmarks are numbered in document order after the
  highest number the template's own bookmarks use, and the values' after all the sections'
  (:mod:`strategy_builder.ooxml.value_bookmarks`); a value's bookmark is named after its index in the table
  of values and how often it was printed before. A group is kept with each such number and name as a slot
  (:class:`FinishedGroup`), filled when the part is joined; it is looked up by its text with the values'
  indices replaced by their order in it, so that a priority added above it (which moves every later
  value's index) leaves it found. A section ending in a group it did not begin in gets its number from the
  group that began it. The checks that need the whole part (a section begun twice, never ended, or ended
  before it began; the logo placed twice) are made when joining; any of them, or anything a group's
  finish cannot settle alone, sends the part to a whole finish, which reports the problem as before.
- **Trust.** The memo is used for a document once it has made, from the text of a whole finish, the same
  bytes as that finish (:meth:`BlockMemo.verify`, when the watcher is idle); tests compare the two over
  random edits, and the watcher's test over real saves.

The drawings' ids are numbered over the joined part by the same function as a whole finish.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from strategy_builder.ooxml.body_units import BODY_END, BODY_START, TABLE_END, Unit, split_body, units
from strategy_builder.ooxml.drawings import renumber_drawing_ids
from strategy_builder.ooxml.markers import MARKER_PATTERN, VALUE_CLOSE, VALUE_OPEN, bookmark_name, value_bookmark_name

SEPARATOR_MARK = "strategy-builder"
"""The ``w:rsidDel`` of :data:`SEPARATOR`: a value no document holds (not a hexadecimal number)."""
SEPARATOR = f'<w:p w:rsidDel="{SEPARATOR_MARK}"/>'
"""The paragraph after each group of a piece but the body's last: the block that follows it, for the passes,
and where the piece is cut afterwards."""
_SEPARATOR = SEPARATOR.encode()
_END = BODY_END.encode()
_TABLE_END_BYTES = TABLE_END.encode()
_VALUE_NUMBER = re.compile(f"{VALUE_OPEN}(/?)([0-9]{{1,9}}){VALUE_CLOSE}")
_NEW_BOOKMARK = re.compile(rb'<w:bookmark(Start|End) w:id="([0-9]+)"(?: w:name="([^"]*)")?')
_STRAY = re.compile(re.escape(VALUE_OPEN.encode()) + b"|" + re.escape(VALUE_CLOSE.encode()))
_SEEDED = 1_000_000_000
"""The numbers a group's pass gives the sections it ends but did not begin: far above any it numbers."""

# Slot kinds: the number of the k-th section the group begins, of the value of ordinal k in it, the name of
# that value's bookmark, the number of a section it ends but did not begin (by section ID).
_SECTION, _VALUE, _VALUE_NAME, _ENDED = range(4)


class FinishedPiece(NamedTuple):
    """Groups of blocks finished together (made by the caller of :meth:`BlockMemo.finish`): the passes ran
    over a part of the head, the groups each followed by :data:`SEPARATOR` (but the part's last block) and
    the end tags."""

    data: bytes
    """The serialised part."""
    texts: list[list[str]]
    """The texts of each group's ``w:t`` elements, in order."""
    starts: list[list[tuple[int, str]]]
    """(number, name) of each group's bookmark starts, in order."""
    first_id: int
    """The number the first section bookmark got: one more than the template bookmarks' highest."""
    ids: dict[str, int]
    """The number of each section begun in the part (``anchor:<ID>`` for an anchor), and of those given."""
    added: dict[str, bytes]
    """Parts the passes added (the logo's)."""
    added_by: int | None
    """The group whose passes added them (the one holding the logo's marker)."""


PieceFinisher = Callable[[str, dict[str, int]], FinishedPiece | None]
"""Finish a part made of groups with the numbers ``ids`` of the sections they end but do not begin;
``None`` when it cannot be finished on its own (the whole part is then finished, and says why)."""


class FinishedGroup(NamedTuple):
    """A group as kept: its finished text cut around the numbers and names that depend on its place."""

    literals: tuple[bytes, ...]
    slots: tuple[tuple[int, Any], ...]
    texts: tuple[str, ...]
    names: dict[str, str]
    """Bookmark name -> section ID of the sections it begins."""
    bookmarks: tuple[str, ...]
    """The names of its bookmark starts other than the values'."""
    begins: tuple[str, ...]
    """The keys of the sections it begins (``anchor:<ID>`` for an anchor), in numbering order."""
    ends: frozenset[str]
    """The sections it ends."""
    ended_before: tuple[str, ...]
    """The sections it ends that began before it."""
    top_id: int
    """The highest number of its template bookmarks (0 when none)."""
    values: int
    added: dict[str, bytes]


class MainPart(NamedTuple):
    """A main part joined from its groups: what :func:`~strategy_builder.ooxml.rendered.finish_docx` needs."""

    data: bytes
    names: dict[str, str]
    bookmarks: frozenset[str]
    texts: list[str]
    added: dict[str, bytes]


_Key = tuple[str, bool, str, bool, bool]
"""A unit as kept: its text with the values' indices labelled, whether it ends the body, and as :class:`Unit`."""


class _Missing(NamedTuple):
    """A unit to finish: its key, its text (values labelled), whether it ends the body, whether it is the tail."""

    key: _Key
    text: str
    last: bool
    tail: bool
    unit: Unit


def _labelled(text: str) -> tuple[str, list[int]]:
    """``text`` with each value index replaced by its order of appearance in it, and the indices of its
    values (begin markers) in order."""
    if VALUE_OPEN not in text:
        return text, []
    pieces = _VALUE_NUMBER.split(text)  # text, slash, index, text, slash, index, ..., text
    slashes, numbers = pieces[1::3], pieces[2::3]
    labels: dict[str, str] = {}
    pieces[1::3] = [VALUE_OPEN + slash for slash in slashes]
    pieces[2::3] = [labels.setdefault(number, str(len(labels))) + VALUE_CLOSE for number in numbers]
    return "".join(pieces), [int(number) for number, slash in zip(numbers, slashes, strict=True) if not slash]


def _markers(text: str) -> tuple[list[str], list[str], tuple[str, ...]]:
    """The keys of the sections ``text`` begins (``anchor:<ID>`` for an anchor), the sections it ends, and
    those it ends without beginning them first, in order."""
    begins: list[str] = []
    ends: list[str] = []
    ended_before: list[str] = []
    for marker in MARKER_PATTERN.finditer(text):
        kind, target = marker.group(1), marker.group(2)
        if kind == "end":
            ends.append(target)
            if target not in begins and target not in ended_before:
                ended_before.append(target)
        else:
            begins.append(f"anchor:{target}" if kind == "anchor" else target)
    return begins, ends, tuple(ended_before)


def _cut(body: bytes, text: str, texts: list[str], starts: list[tuple[int, str]], first: int,
         ids: dict[str, int], numbered: dict[int, str], values_from: int, values: int,
         ended_before: tuple[str, ...], added: dict[str, bytes]) -> FinishedGroup | None:
    """A group finished in a piece, cut around its slots: ``body`` its serialised blocks, ``text`` as
    rendered, ``first`` the piece's first new number, ``numbered`` the section of each number, ``values_from``
    the number of its first value; ``None`` when its bookmarks are not numbered as this module expects."""
    if _STRAY.search(body):
        return None  # a value marker no bookmark could take: the whole finish removes it
    begins, ends, _ = _markers(text)
    own = [ids.get(key, -1) for key in begins]
    sections_from = own[0] if own else 0
    if own != list(range(sections_from, sections_from + len(own))):
        return None
    literals: list[bytes] = []
    slots: list[tuple[int, Any]] = []
    at = found_starts = 0
    for tag in _NEW_BOOKMARK.finditer(body):
        number = int(tag.group(2))
        if number < first:
            continue  # the template's own
        is_start = tag.group(1) == b"Start"
        if own and sections_from <= number < sections_from + len(own):
            slot: tuple[int, Any] = (_SECTION, number - sections_from)
        elif values_from <= number < values_from + values:
            slot = (_VALUE, number - values_from)
        elif number in numbered and not is_start:
            slot = (_ENDED, numbered[number])
        else:
            return None
        found_starts += is_start
        literals.append(body[at:tag.start(2)])
        slots.append(slot)
        at = tag.end(2)
        if is_start and slot[0] == _VALUE:
            if tag.group(3) is None:
                return None
            literals.append(body[at:tag.start(3)])
            slots.append((_VALUE_NAME, slot[1]))
            at = tag.end(3)
    if found_starts != len(own) + values:
        return None
    literals.append(body[at:])
    names = {bookmark_name(key): key for key in begins if not key.startswith("anchor:")}
    bookmarks = tuple(name for number, name in starts if number < values_from)
    top = max((number for number, _ in starts if number < first), default=0)
    return FinishedGroup(tuple(literals), tuple(slots), tuple(texts), names, bookmarks, tuple(begins),
                         frozenset(ends), ended_before, top, values, added)


@dataclass(slots=True)
class BlockMemo:
    """The groups one document's main part was last finished in (see the module), for one ``key`` (the
    template and options the passes depend on)."""

    key: tuple[Any, ...] | None = None
    trusted: bool = False
    """Whether a finish by groups made the same bytes as a whole finish of this key (:meth:`verify`)."""
    finisher: PieceFinisher | None = None
    groups: dict[_Key, FinishedGroup] = field(default_factory=dict)
    head: tuple[str, bytes] = ("", b"")
    """The rendered head and its serialisation, the same for every piece."""
    unverified: tuple[str, bytes] | None = None
    """(rendered main part, its whole finish) to compare a finish by groups with at :meth:`verify`."""

    def prepare(self, key: tuple[Any, ...], finisher: PieceFinisher, rendered: str, finished: bytes) -> None:
        """After a whole finish of ``rendered`` into ``finished``: remember how to finish groups for ``key``
        and, unless a finish by groups is trusted for it already, what to verify it with."""
        if key != self.key:
            self.key, self.trusted, self.groups, self.head = key, False, {}, ("", b"")
        self.finisher = finisher
        if not self.trusted:
            self.unverified = (rendered, finished)

    def verify(self) -> None:
        """Finish the part :meth:`prepare` kept by groups and trust the memo if the bytes are the same as its
        whole finish (work for an idle moment: every group is finished)."""
        if self.unverified is None:
            return
        rendered, finished = self.unverified
        self.unverified = None
        made = self._finish(rendered)
        self.trusted = made is not None and made.data == finished
        if not self.trusted:
            self.groups = {}

    def finish(self, key: tuple[Any, ...], rendered: str) -> MainPart | None:
        """The finished main part of ``rendered`` made by groups, or ``None`` (the caller finishes it whole)."""
        if not self.trusted or key != self.key:
            return None
        return self._finish(rendered)

    def _finish(self, rendered: str) -> MainPart | None:
        body = split_body(rendered)
        if body is None or self.finisher is None or SEPARATOR in rendered:
            return None
        if body.head != self.head[0]:
            self.groups, self.head = {}, (body.head, b"")
        found = units(body.blocks)
        last_index = len(found) - 1
        keys: list[_Key] = []
        indices: list[list[int]] = []
        groups: dict[_Key, FinishedGroup] = {}
        missing: dict[_Key, _Missing] = {}
        for index, unit in enumerate([*found, Unit(body.tail)]):
            labelled, its_indices = _labelled(unit.text)
            tail = index > last_index
            key = ("\0tail" if tail else "") + labelled, index >= last_index, unit.table, unit.first_row, unit.last_row
            keys.append(key)
            indices.append(its_indices)
            group = self.groups.get(key)
            if group is not None:
                groups[key] = group
            elif key not in missing:
                missing[key] = _Missing(key, labelled, index >= last_index, tail, unit)
        if missing and not self._made(body.head, keys, missing, groups):
            return None
        kept = [(groups[key], its_indices) for key, its_indices in zip(keys, indices, strict=True)]
        if any(len(its_indices) != group.values for group, its_indices in kept):
            return None
        self.groups = groups
        return _joined(self.head[1], kept)

    def _made(self, head: str, keys: list[_Key], missing: dict[_Key, _Missing],
              groups: dict[_Key, FinishedGroup]) -> bool:
        """Finish the ``missing`` groups into ``groups``: the body's groups but the tail in one piece (or, when
        that piece cannot be cut, each in a piece of its own), the tail in its own; ``False`` when one
        cannot be finished on its own. ``keys``: the groups of the body in order."""
        # The sections begun before each missing group: in the groups before it, kept or missing.
        began: set[str] = set()
        order: list[tuple[_Missing, tuple[str, ...]]] = []
        ordered: set[_Key] = set()
        for key in keys:
            group = groups.get(key)
            if group is not None:
                began.update(group.begins)
                continue
            wanted = missing[key]
            begins, _, ended_before = _markers(wanted.text)
            if any(section not in began for section in ended_before):
                return False  # ends before it begins, or never begins: the whole finish says so
            began.update(begins)
            if key not in ordered:  # (a unit found twice is finished once)
                ordered.add(key)
                order.append((wanted, ended_before))
        body = [(wanted, ended) for wanted, ended in order if not wanted.tail]
        tails = [(wanted, ended) for wanted, ended in order if wanted.tail]
        for batch in ([body] if body else []) + [[tail] for tail in tails]:
            made = self._piece(head, batch)
            if made is None and len(batch) > 1:
                made = []
                for single in batch:
                    alone = self._piece(head, [single])
                    if alone is None:
                        return False
                    made += alone
            if made is None:
                return False
            for (wanted, _), group in zip(batch, made, strict=True):
                groups[wanted.key] = group
        return True

    def _piece(self, head: str, batch: list[tuple[_Missing, tuple[str, ...]]]) -> list[FinishedGroup] | None:
        """The groups of ``batch`` finished together, each with the sections it ends but does not begin."""
        assert self.finisher is not None
        seeds: dict[str, int] = {}
        begun_in_piece: set[str] = set()
        for wanted, ended_before in batch:
            for section in ended_before:
                if section not in begun_in_piece:
                    seeds.setdefault(section, _SEEDED + len(seeds))
            begun_in_piece.update(_markers(wanted.text)[0])
        parts = [head]
        for wanted, _ in batch:
            parts += (wanted.unit.table, wanted.text, TABLE_END) if wanted.unit.table else (wanted.text,)
            if not wanted.last:
                parts.append(SEPARATOR)
        parts.append(BODY_END)
        piece = self.finisher("".join(parts), dict(seeds))
        if piece is None or len(piece.texts) != len(batch) + (not batch[-1][0].last):
            return None
        if not self.head[1]:
            at = piece.data.find(BODY_START.encode())
            if at < 0:
                return None
            self.head = (head, piece.data[:at + len(BODY_START)])
        if not piece.data.startswith(self.head[1]) or not piece.data.endswith(_END):
            return None
        bodies = piece.data[len(self.head[1]):len(piece.data) - len(_END)].split(_SEPARATOR)
        if len(bodies) != len(piece.texts) or (len(bodies) > len(batch) and bodies[-1]):
            return None
        numbered = {number: key for key, number in piece.ids.items()}
        sections = sum(1 for key in piece.ids if key not in seeds)
        values_from = piece.first_id + sections
        made: list[FinishedGroup] = []
        for at, (wanted, ended_before) in enumerate(batch):
            values = wanted.text.count(VALUE_OPEN) // 2
            if wanted.unit.table:  # the row alone, the table's start before the first, its end after the last
                row = bodies[at]
                start = 0 if wanted.unit.first_row else row.find(b"<w:tr")
                if start < 0 or not row.endswith(_TABLE_END_BYTES):
                    return None
                bodies[at] = row[start:len(row) if wanted.unit.last_row else len(row) - len(_TABLE_END_BYTES)]
            group = _cut(bodies[at], wanted.text, piece.texts[at], piece.starts[at], piece.first_id, piece.ids,
                         numbered, values_from, values, ended_before, piece.added if at == piece.added_by else {})
            if group is None:
                return None
            made.append(group)
            values_from += values
        if piece.added and piece.added_by is None:
            return None
        return made


def _joined(head: bytes, kept: list[tuple[FinishedGroup, list[int]]]) -> MainPart | None:
    """The groups' slots filled in document order: the main part, or ``None`` when a check over the whole
    part fails (see the module)."""
    first = max(group.top_id for group, _ in kept) + 1
    sections = sum(len(group.begins) for group, _ in kept)
    numbers: dict[str, int] = {}
    ended: set[str] = set()
    value_names: list[str] = []
    occurrences: dict[int, int] = {}
    for _, indices in kept:
        for index in indices:
            occurrences[index] = occurrences.get(index, 0) + 1
            value_names.append(value_bookmark_name(index, occurrences[index]))
    pieces: list[bytes] = [head]
    names: dict[str, str] = {}
    bookmarks: list[str] = []
    texts: list[str] = []
    added: dict[str, bytes] = {}
    values_before = 0
    for group, _ in kept:
        section_base = first + len(numbers)  # the number of the group's first section
        for key in group.begins:
            if key in numbers:
                return None  # begun twice
            numbers[key] = first + len(numbers)
        for section in group.ended_before:
            if section not in numbers:
                return None  # ends before it begins
        ended |= group.ends
        value_base = first + sections + values_before  # the number of the group's first value
        literals = group.literals
        for literal, (kind, argument) in zip(literals, group.slots, strict=False):  # (a literal more)
            pieces.append(literal)
            if kind == _SECTION:
                pieces.append(str(section_base + argument).encode())
            elif kind == _VALUE:
                pieces.append(str(value_base + argument).encode())
            elif kind == _VALUE_NAME:
                pieces.append(value_names[values_before + argument].encode())
            else:
                pieces.append(str(numbers[argument]).encode())
        pieces.append(literals[-1])
        values_before += group.values
        names.update(group.names)
        bookmarks += group.bookmarks
        texts += group.texts
        if group.added:
            if added:
                return None  # the logo placed twice: the whole finish places it once
            added = group.added
    if any(not key.startswith("anchor:") and key not in ended for key in numbers):
        return None  # never ends
    pieces.append(_END)
    bookmarks += value_names
    data = renumber_drawing_ids(b"".join(pieces))
    return MainPart(data, names, frozenset(bookmarks), texts, added)


__all__ = ["SEPARATOR", "SEPARATOR_MARK", "BlockMemo", "FinishedGroup", "FinishedPiece", "MainPart", "PieceFinisher"]
