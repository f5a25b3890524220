"""A returned draft's text as pieces: which rendered value each piece of text sits in, and which tracked change
made it.

A draft carries a bookmark ``sv_<index>`` around every text it printed from one YAML value (see
:mod:`strategy_builder.ooxml.value_bookmarks`). :func:`read_value_edits` walks the main document once and
cuts its text into :class:`TextPiece` values: a stretch of text (or a paragraph mark) with its state (as
printed, inserted or deleted by a reviewer), the tracked change it belongs to (an index into the changes
:func:`strategy_builder.ooxml.tracked.read_changes` found, so that register rows and proposals speak of the
same changes) and the value bookmarks open around it.

Word and LibreOffice do not grow a bookmark when text is typed right at its end (LibreOffice even writes
the bookmark's end inside the ``w:ins`` of the new text): an insertion that touches a value's first or last
character, with no other text between, is counted as part of that value (:attr:`ValueText.pieces` holds
it, marked ``attached``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from lxml import etree

from strategy_builder.ooxml.markers import VALUE_BOOKMARK_PREFIX, parse_value_bookmark
from strategy_builder.ooxml.namespaces import (
    BOOKMARK_END, BOOKMARK_START, DEL, ID, INS, MOVE_FROM, MOVE_TO, NAME, RPR, RPR_CHANGE, TR, TRPR, P, R,
)
from strategy_builder.ooxml.stories import Locator
from strategy_builder.ooxml.tracked import Change, owning_revision, run_text
from strategy_builder.ooxml.tree import mark_properties

PieceState = Literal["plain", "inserted", "deleted"]
_STATE_OF = {INS: "inserted", MOVE_TO: "inserted", DEL: "deleted", MOVE_FROM: "deleted"}


class TextPiece(NamedTuple):
    """A stretch of a document's text with one state, change and set of open value bookmarks.

    ``change`` indexes the document's tracked changes (``None``: text as the draft printed it);
    ``formatting`` the formatting change over it, if any; ``mark`` is a paragraph mark (``text`` is
    ``"\\n"``); ``moved`` an insertion or deletion that is half of a move.
    """

    text: str
    state: PieceState
    change: int | None
    paragraph: int | None
    values: tuple[str, ...] = ()
    mark: bool = False
    moved: bool = False
    formatting: int | None = None
    attached: bool = False
    """An insertion just outside a value's bookmark, counted as part of that value."""
    row_changed: bool = False
    """The text sits in a table row that a reviewer inserted or deleted (``w:trPr`` marked)."""


@dataclass(slots=True)
class ValueText:
    """The pieces of one printed value (one bookmark) in a returned document."""

    name: str
    index: int
    occurrence: int
    pieces: list[TextPiece] = field(default_factory=list)

    @property
    def original(self) -> str:
        """The text as the draft printed it (every change rejected)."""
        return "".join(p.text for p in self.pieces if p.state != "inserted" and not p.mark)

    def text(self, accepted: set[int] | None = None) -> str:
        """The text with the changes in ``accepted`` accepted and the others rejected (all: ``None``)."""
        out = []
        for piece in self.pieces:
            if piece.mark:
                continue
            taken = piece.change is None or accepted is None or piece.change in accepted
            if piece.state == "plain" or (piece.state == "inserted" and taken) or (piece.state == "deleted"
                                                                                   and not taken):
                out.append(piece.text)
        return "".join(out)

    @property
    def changes(self) -> set[int]:
        return {p.change for p in self.pieces if p.change is not None}

    @property
    def paragraphs(self) -> set[int]:
        return {p.paragraph for p in self.pieces if p.paragraph is not None}


class ValueEdits(NamedTuple):
    """Every piece of the main document's text, and the pieces of each value bookmark."""

    pieces: list[TextPiece]
    values: dict[str, ValueText]
    """Bookmark name -> its value's pieces, for every ``sv_`` bookmark of the document."""

    def pieces_of_change(self, change: int) -> list[TextPiece]:
        return [p for p in self.pieces if p.change == change or p.formatting == change]


def read_value_edits(body: etree._Element, changes: Sequence[Change], locator: Locator) -> ValueEdits:
    """Cut the main document ``body`` (the root of ``word/document.xml``) into pieces (see the module).

    ``changes`` are the document's tracked changes as :func:`strategy_builder.ooxml.tracked.read_changes`
    found them in the same tree; ``locator`` numbers its paragraphs.
    """
    change_of: dict[int, int] = {}
    for number, change in enumerate(changes):
        for element in change.elements:
            change_of[id(element)] = number
    paragraph_of = {id(p.element): p.index for p in locator.paragraphs}
    name_of_id: dict[str, str] = {}
    open_values: list[str] = []
    paragraphs: list[etree._Element] = []
    pieces: list[TextPiece] = []
    for event, element in etree.iterwalk(body, events=("start", "end"), tag=(P, R, BOOKMARK_START, BOOKMARK_END)):
        tag = element.tag
        if tag == P:
            if event == "start":
                paragraphs.append(element)
            else:
                pieces.append(_mark(element, paragraph_of.get(id(element)), change_of, tuple(open_values)))
                paragraphs.pop()
            continue
        if event != "start":
            continue
        if tag == BOOKMARK_START:
            name = element.get(NAME, "")
            if name.startswith(VALUE_BOOKMARK_PREFIX) and parse_value_bookmark(name) is not None:
                name_of_id[element.get(ID, "")] = name
                if name not in open_values:
                    open_values.append(name)
        elif tag == BOOKMARK_END:
            name = name_of_id.get(element.get(ID, ""), "")
            if name in open_values:
                open_values.remove(name)
        elif paragraphs:
            text = run_text(element)
            if not text:
                continue
            paragraph = paragraphs[-1]
            revision = owning_revision(element, paragraph)
            rpr = element.find(RPR)
            formatting = rpr.find(RPR_CHANGE) if rpr is not None else None
            pieces.append(TextPiece(
                text, _STATE_OF.get(revision.tag, "plain") if revision is not None else "plain",  # type: ignore[arg-type]
                change_of.get(id(revision)) if revision is not None else None,
                paragraph_of.get(id(paragraph)), tuple(open_values),
                moved=revision is not None and revision.tag in (MOVE_FROM, MOVE_TO),
                formatting=change_of.get(id(formatting)) if formatting is not None else None,
                row_changed=revision is not None and _in_changed_row(paragraph)))
    pieces = _attach_adjacent_insertions(pieces)
    values: dict[str, ValueText] = {}
    for piece in pieces:
        for name in piece.values:
            parsed = parse_value_bookmark(name)
            assert parsed is not None  # only value bookmarks are recorded
            values.setdefault(name, ValueText(name, *parsed)).pieces.append(piece)
    return ValueEdits(pieces, values)


def _in_changed_row(paragraph: etree._Element) -> bool:
    """Whether ``paragraph`` lies in a table row marked as inserted or deleted."""
    row = next(paragraph.iterancestors(TR), None)
    properties = row.find(TRPR) if row is not None else None
    return properties is not None and any(child.tag in (INS, DEL) for child in properties)


def _mark(paragraph: etree._Element, index: int | None, change_of: dict[int, int],
          open_values: tuple[str, ...]) -> TextPiece:
    """The paragraph mark of ``paragraph`` as a piece (inserted or deleted when a reviewer did so)."""
    rpr = mark_properties(paragraph)
    revision = next((child for child in rpr if child.tag in _STATE_OF), None) if rpr is not None else None
    if revision is None:
        return TextPiece("\n", "plain", None, index, open_values, mark=True)
    return TextPiece("\n", _STATE_OF[revision.tag], change_of.get(id(revision)), index,  # type: ignore[arg-type]
                     open_values, mark=True, moved=revision.tag in (MOVE_FROM, MOVE_TO))


def _attach_adjacent_insertions(pieces: list[TextPiece]) -> list[TextPiece]:
    """Count an insertion outside every value as part of the value it touches (see the module)."""
    result = list(pieces)
    for position, piece in enumerate(pieces):
        if piece.state != "inserted" or piece.values or piece.mark:
            continue
        name = _value_ending_before(pieces, position) or _value_starting_after(pieces, position)
        if name is not None:
            result[position] = piece._replace(values=(name,), attached=True)
    return result


def _loose_insertion(piece: TextPiece) -> bool:
    return piece.state == "inserted" and not piece.values and not piece.mark


def _value_ending_before(pieces: list[TextPiece], position: int) -> str | None:
    paragraph = pieces[position].paragraph
    before = position - 1
    while before >= 0 and _loose_insertion(pieces[before]) and pieces[before].paragraph == paragraph:
        before -= 1
    if before < 0 or pieces[before].mark or pieces[before].paragraph != paragraph:
        return None
    ended = [name for name in pieces[before].values if name not in pieces[before + 1].values] \
        if before + 1 < len(pieces) else list(pieces[before].values)
    return ended[-1] if len(ended) == 1 else None


def _value_starting_after(pieces: list[TextPiece], position: int) -> str | None:
    paragraph = pieces[position].paragraph
    after = position + 1
    while after < len(pieces) and _loose_insertion(pieces[after]) and pieces[after].paragraph == paragraph:
        after += 1
    if after >= len(pieces) or pieces[after].mark or pieces[after].paragraph != paragraph:
        return None
    started = [name for name in pieces[after].values if name not in pieces[after - 1].values]
    return started[0] if len(started) == 1 else None


def value_texts(body: etree._Element, locator: Locator) -> dict[str, str]:
    """Bookmark name -> the text of that printed value with every change accepted (for checks and tests)."""
    edits = read_value_edits(body, [], locator)
    return {name: value.text() for name, value in edits.values.items()}


__all__ = ["PieceState", "TextPiece", "ValueEdits", "ValueText", "read_value_edits", "value_texts"]
