"""Reviewers' tracked changes in a returned .docx: insertions, deletions, moves and formatting changes.

Word and LibreOffice split one edit into many XML elements (one per run, per paragraph, per formatting
span) and split them differently. So adjacent pieces of the same kind by the same author at the same
time are merged into one :class:`Change`, also across a paragraph mark that is part of the edit (an
inserted paragraph is one change, not three). Plain text between two pieces ends a change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from strategy_builder.limits import CHANGE_CHARS
from strategy_builder.ooxml.namespaces import (
    AUTHOR, BR, CR, DATE, DEL, DEL_TEXT, DRAWING, INS, MOVE_FROM, MOVE_TO, NO_BREAK_HYPHEN, NUMBERING_CHANGE, OBJECT,
    PICT, PPR, PPR_CHANGE, RPR, RPR_CHANGE, SECT_PR, SECT_PR_CHANGE, TAB, TBL_GRID_CHANGE, TBL_PR_CHANGE, TC,
    TC_PR_CHANGE, TR, TR_PR_CHANGE, TRPR, VAL, P, R, T,
)
from strategy_builder.ooxml.stories import Locator, Place, Story
from strategy_builder.ooxml.text import paragraph_text

KIND_OF = {INS: "insertion", DEL: "deletion", MOVE_FROM: "move-from", MOVE_TO: "move-to"}
OTHER_PROPERTY_CHANGES = {
    SECT_PR_CHANGE: "section layout", TBL_PR_CHANGE: "table properties", TBL_GRID_CHANGE: "table grid",
    TR_PR_CHANGE: "table row properties", TC_PR_CHANGE: "table cell properties", NUMBERING_CHANGE: "numbering"}
OBJECT_TAGS = {DRAWING, PICT, OBJECT}
MAX_CHANGE_CHARS = CHANGE_CHARS
"""Text kept per change; a deleted chapter is reported by its beginning."""

PROPERTY_LABELS = {"b": "bold", "i": "italic", "u": "underline", "strike": "strikethrough", "color": "colour",
                   "sz": "size", "highlight": "highlight", "rStyle": "character style", "rFonts": "font",
                   "pStyle": "paragraph style", "jc": "alignment", "ind": "indentation", "numPr": "numbering",
                   "spacing": "spacing", "vertAlign": "superscript/subscript", "caps": "capitals"}


@dataclass(slots=True)
class Change:
    """One tracked change: ``kind`` is insertion, deletion, move-from, move-to or formatting.

    ``text`` is the inserted, deleted or moved text (for formatting: the reformatted text); ``detail``
    says what formatting changed; ``place`` is where the change begins.
    """

    kind: str
    author: str
    date: str
    text: str
    detail: str
    place: Place
    pieces: list[str] = field(default_factory=list, repr=False)
    elements: list[etree._Element] = field(default_factory=list, repr=False)
    """The revision elements (``w:ins``, ``w:del``, ``w:rPrChange``...) the change was merged from: how
    :mod:`strategy_builder.ooxml.value_edits` tells which change a piece of text belongs to."""
    collected: int = field(default=0, repr=False)
    """Characters in ``pieces``, counted as they come (summing them per piece was quadratic)."""


def _key(kind: str, element: etree._Element) -> tuple[str, str, str]:
    return kind, element.get(AUTHOR, ""), element.get(DATE, "")


def run_text(run: etree._Element) -> str:
    """The text of a run as a reader sees it (deleted text included; tabs, breaks, objects as characters)."""
    pieces = []
    for child in run:
        tag = child.tag
        if tag in (T, DEL_TEXT):
            pieces.append(child.text or "")
        elif tag == TAB:
            pieces.append("\t")
        elif tag in (BR, CR):
            pieces.append("\n")
        elif tag == NO_BREAK_HYPHEN:
            pieces.append("-")
        elif tag in OBJECT_TAGS:
            pieces.append("[object]")
    return "".join(pieces)


def _properties(container: etree._Element | None, skip: tuple[str, ...]) -> set[str]:
    """A properties element as ``name=value`` strings, for comparing old and new formatting."""
    if container is None:
        return set()
    result = set()
    for child in container:
        if not isinstance(child.tag, str) or child.tag in skip:
            continue
        local = etree.QName(child).localname
        value = child.get(VAL)
        result.add(f"{local}={value}" if value is not None else local)
    return result


def _describe(old: set[str], new: set[str]) -> str:
    def label(item: str) -> str:
        name, _, value = item.partition("=")
        return PROPERTY_LABELS.get(name, name) + (f" {value}" if value and value not in ("1", "true") else "")

    parts = [f"+{label(i)}" for i in sorted(new - old)] + [f"-{label(i)}" for i in sorted(old - new)]
    return ", ".join(parts) or "formatting"


def owning_revision(run: etree._Element, paragraph: etree._Element) -> etree._Element | None:
    """The ``w:ins``/``w:del``/move element of ``paragraph`` that ``run`` sits in, or ``None``."""
    node = run.getparent()
    while node is not None and node is not paragraph:
        if node.tag in KIND_OF:
            return node
        node = node.getparent()
    return None


def _inline_runs(paragraph: etree._Element) -> list[etree._Element]:
    """The runs of ``paragraph`` itself, not of paragraphs nested in text boxes."""
    runs = []
    for run in paragraph.iter(R):
        node = run.getparent()
        while node is not None and node is not paragraph and node.tag != P:
            node = node.getparent()
        if node is paragraph:
            runs.append(run)
    return runs


class _Collector:
    """Merges adjacent pieces with the same (kind, author, date) into changes."""

    def __init__(self) -> None:
        self.changes: list[Change] = []
        self.current: tuple[tuple[str, str, str], Change] | None = None

    def piece(self, key: tuple[str, str, str], text: str, place: Place, detail: str = "",
              element: etree._Element | None = None) -> None:
        if self.current is not None and self.current[0] == key and self.current[1].detail == detail:
            change = self.current[1]
        else:
            change = Change(key[0], key[1], key[2], "", detail, place)
            self.changes.append(change)
            self.current = (key, change)
        if element is not None and (not change.elements or change.elements[-1] is not element):
            change.elements.append(element)
        if change.collected < MAX_CHANGE_CHARS:
            change.pieces.append(text)
            change.collected += len(text)

    def plain(self, text: str) -> None:
        if text.strip():
            self.current = None

    def finish(self) -> list[Change]:
        for change in self.changes:
            change.text = "".join(change.pieces).strip()[:MAX_CHANGE_CHARS]
            if not change.text and "\n" in change.pieces and not change.detail:
                change.detail = "paragraph mark"  # an inserted or deleted paragraph break
        return self.changes


def _paragraph(paragraph: etree._Element, place: Place, collector: _Collector) -> None:
    for run in _inline_runs(paragraph):
        text = run_text(run)
        revision = owning_revision(run, paragraph)
        rpr = run.find(RPR)
        change = rpr.find(RPR_CHANGE) if rpr is not None else None
        if revision is not None:
            collector.piece(_key(KIND_OF[revision.tag], revision), text, place, element=revision)
        if change is not None and text.strip():
            old = _properties(change.find(RPR), ())
            new = _properties(rpr, (RPR_CHANGE,))
            collector.piece(_key("formatting", change), text, place, _describe(old, new), element=change)
        elif revision is None:
            collector.plain(text)
    ppr = paragraph.find(PPR)
    if ppr is None:
        collector.plain("\n")
        return
    pchange = ppr.find(PPR_CHANGE)
    if pchange is not None:
        old = _properties(pchange.find(PPR), ())
        new = _properties(ppr, (PPR_CHANGE, RPR, SECT_PR))
        collector.current = None
        collector.piece(_key("formatting", pchange), paragraph_text(paragraph), place,
                        "paragraph: " + _describe(old, new), element=pchange)
        collector.current = None
    mark = ppr.find(RPR)
    revision = next((child for child in mark if child.tag in KIND_OF), None) if mark is not None else None
    if revision is not None:
        # The paragraph mark belongs to the edit: an inserted or deleted paragraph continues the change.
        collector.piece(_key(KIND_OF[revision.tag], revision), "\n", place, element=revision)
    else:
        collector.plain("\n")


def _row_changes(story: Story, locator: Locator, found: list[Change]) -> list[Change]:
    """Inserted or deleted table rows whose text carries no run-level change of the same kind."""
    result = []
    for row in story.root.iter(TR):
        trpr = row.find(TRPR)
        if trpr is None:
            continue
        for mark in trpr:
            if mark.tag not in (INS, DEL):
                continue
            kind = KIND_OF[mark.tag]
            covered = any(element.tag == mark.tag for element in row.iter(INS, DEL)
                          if element.getparent() is not trpr)
            if not covered:
                text = " | ".join(" ".join(run_text(r) for r in cell.iter(R)).strip()
                                  for cell in row if cell.tag == TC)
                result.append(Change(kind, mark.get(AUTHOR, ""), mark.get(DATE, ""),
                                     text[:MAX_CHANGE_CHARS], "table row", locator.place(story, row),
                                     elements=[mark]))
    return result


def read_changes(stories: list[Story], locator: Locator) -> list[Change]:
    """Every tracked change in every story, in document order, merged as described above."""
    changes: list[Change] = []
    for story in stories:
        collector = _Collector()
        for paragraph in story.root.iter(P):
            _paragraph(paragraph, locator.place(story, paragraph), collector)
        changes.extend(collector.finish())
        changes.extend(_row_changes(story, locator, changes))
        for element in story.root.iter(*OTHER_PROPERTY_CHANGES):
            changes.append(Change("formatting", element.get(AUTHOR, ""), element.get(DATE, ""),
                                  "", OTHER_PROPERTY_CHANGES[element.tag], locator.place(story, element),
                                  elements=[element]))
    return changes
