"""Writing several reviewers' edits into one copy of the circulated document: the writing side of consolidation.

The circulated draft is the base. Each of its paragraphs receives the edits the review layer decided to keep
(:class:`ParagraphPlan`): deletions and formatting changes over ranges of its text, insertions, inserted
paragraph marks and comment anchors at points, a deleted mark, a paragraph formatting change, a deleted or
inserted table row. Every revision keeps its original date; its author is the label the caller chooses
(the original author and the ministry). The runs of the base are split at the edits' offsets (the offsets of
:func:`strategy_builder.ooxml.text.paragraph_atoms`), so the base's formatting, bookmarks (the tracked
sections) and fields stay where they were.

The merged file's comments (copied from the returns or written anew, with their threads, resolved states
and people) are written by :func:`strategy_builder.ooxml.comments.write_comments`.

Content copied from a return (inserted text's run properties, new paragraphs' properties, inserted rows) is
cleaned first: styles the base does not define, numbering, images, links and bookmarks of the other package
are dropped, so nothing points into a package that is not there.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple, cast

from lxml import etree

from strategy_builder.digits import signed_whole_number
from strategy_builder.ooxml.accept import reject_all
from strategy_builder.ooxml.comments import write_comments
from strategy_builder.ooxml.edits import Revision, Token
from strategy_builder.ooxml.namespaces import (
    AUTHOR, BODY, COMMENT_RANGE_END, COMMENT_RANGE_START, COMMENT_REFERENCE, DATE, DEL,
    DEL_INSTR_TEXT, DEL_TEXT, ID, INS, INSTR_TEXT, MOVE_FROM, MOVE_TO, PPR, PPR_CHANGE, PSTYLE,
    RPR, RPR_CHANGE, SECT_PR, TBL, TC, TR, TRPR, TR_PR_CHANGE, TBL_PR_EX, VAL, W, P, R, T, qn,
)
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.parser import serialize
from strategy_builder.ooxml.runs import Piece, merge_wrappers, sanitised_copy, split_runs, text_run
from strategy_builder.ooxml.text import paragraph_atoms
from strategy_builder.ooxml.styles import known_styles
from strategy_builder.ooxml.tree import add_mark_properties, detach

_PARAGRAPH_PROPERTIES_DROPPED = tuple(qn(f"w:{name}") for name in ("numPr", "sectPr", "framePr", "cnfStyle"))
_BREAK = "{urn:strategy-builder:merge}break"
class Placed(NamedTuple):
    """A token of return ``source`` placed on a base paragraph: its range there, and for a comment anchor the
    id of the comment in the merged file."""

    source: int
    token: Token
    start: int
    end: int
    comment_id: str = ""


@dataclass(slots=True, eq=False)
class ParagraphPlan:
    """Everything to write into one base paragraph (``element``, in the base document's tree)."""

    element: etree._Element
    ranges: list[Placed] = field(default_factory=list)
    """``delete`` and ``format`` tokens, over disjoint ranges."""
    points: list[Placed] = field(default_factory=list)
    """``insert``, ``break`` and comment anchors, in the order they are written at each offset."""
    mark_deleted: tuple[int, Revision] | None = None
    paragraph_format: tuple[int, etree._Element, Revision] | None = None
    row_deleted: tuple[int, Revision] | None = None
    rows_after: list[tuple[int, etree._Element, Revision]] = field(default_factory=list)


AuthorLabel = Callable[[int, str], str]
"""(return index, author as the return records it) -> the author written into the merged file."""


class _Ids:
    def __init__(self, root: etree._Element) -> None:
        values = cast(list[str], root.xpath("//@w:id", namespaces={"w": W}))
        self.next = max((n for v in values if (n := signed_whole_number(v)) is not None), default=0) + 1

    def take(self) -> str:
        self.next += 1
        return str(self.next - 1)


class BodyWriter:
    """Writes paragraph plans into the base document's main part (in place)."""

    def __init__(self, package: DocxPackage, label: AuthorLabel) -> None:
        self.package = package
        self.root = package.xml(package.main_part_name())
        self.label = label
        self.ids = _Ids(self.root)
        self.styles = known_styles(package)
        self.problems: list[str] = []
        """Edits that could not be placed (e.g. a row inserted where the base has no table), for the report."""

    def finish(self) -> None:
        """Put the written main part back into the package."""
        self.package.parts[self.package.main_part_name()] = serialize(self.root)

    # ------------------------------------------------------------------ revisions

    def revision(self, tag: str, source: int, who: Revision) -> etree._Element:
        element = etree.Element(tag)
        element.set(ID, self.ids.take())
        element.set(AUTHOR, self.label(source, who.author))
        if who.date:
            element.set(DATE, who.date)
        return element

    def relabel(self, element: etree._Element, source: int) -> etree._Element:
        """Give every revision inside a copied element its label and a fresh id."""
        for node in element.iter():
            if isinstance(node.tag, str) and node.get(AUTHOR) is not None:
                node.set(AUTHOR, self.label(source, node.get(AUTHOR, "")))
                if node.get(ID) is not None:
                    node.set(ID, self.ids.take())
        return element

    def run_properties(self, rpr: etree._Element | None, source: int) -> etree._Element | None:
        if rpr is None:
            return None
        clean = self.relabel(copy.deepcopy(rpr), source)
        for style in clean.iter(qn("w:rStyle")):
            if style.get(VAL) not in self.styles:
                detach(style)
        for mark in [c for c in clean if c.tag in (INS, DEL, MOVE_FROM, MOVE_TO)]:
            clean.remove(mark)
        return clean

    def paragraph_properties(self, ppr: etree._Element | None, source: int) -> etree._Element | None:
        if ppr is None:
            return None
        clean = self.relabel(copy.deepcopy(ppr), source)
        for element in list(clean.iter(*_PARAGRAPH_PROPERTIES_DROPPED)):
            detach(element)
        for style in clean.iter(PSTYLE):
            if style.get(VAL) not in self.styles:
                detach(style)
        mark = clean.find(RPR)
        if mark is not None:
            clean.remove(mark)
        return clean

    # ------------------------------------------------------------------ one paragraph

    def write(self, plan: ParagraphPlan) -> None:
        """Write one paragraph's plan."""
        paragraph = plan.element
        cuts = sorted({p.start for p in plan.ranges} | {p.end for p in plan.ranges} | {p.start for p in plan.points})
        pieces = split_runs(paragraph_atoms(paragraph), cuts, [], lambda tag: etree.Element(tag))
        breaks: list[tuple[etree._Element, Placed]] = []
        self._points(paragraph, pieces, plan.points, breaks)
        for placed in plan.ranges:
            covered = [p for p in pieces if placed.start <= p[1] and p[2] <= placed.end]
            for element, _, _ in covered:
                if placed.token.kind == "delete":
                    self._delete(element, placed)
                else:
                    self._format(element, placed)
        merge_wrappers(paragraph, (INS, DEL))
        if plan.paragraph_format is not None:
            source, ppr, who = plan.paragraph_format
            self._replace_properties(paragraph, self.paragraph_properties(ppr, source))
        if plan.mark_deleted is not None:
            self._set_mark(paragraph, DEL, *plan.mark_deleted)
        self._split(paragraph, breaks)
        if plan.row_deleted is not None:
            row = _ancestor(paragraph, TR)
            if row is not None and not _row_marked(row):
                self._mark_row(row, DEL, *plan.row_deleted)
        anchor_row = _ancestor(paragraph, TR)
        for source, row, _ in plan.rows_after:
            self._insert_row(paragraph, anchor_row, source, row)
            anchor_row = None if anchor_row is None else anchor_row.getnext()

    def _points(self, paragraph: etree._Element, pieces: list[Piece], points: list[Placed],
                breaks: list[tuple[etree._Element, Placed]]) -> None:
        index = 0
        while index < len(points):
            offset = points[index].start
            group = []
            while index < len(points) and points[index].start == offset:
                group.append(points[index])
                index += 1
            elements = [self._point(placed, breaks) for placed in group]
            following = next((p for p in pieces if p[1] == offset), None) or \
                next((p for p in pieces if p[1] > offset), None)
            preceding = next((p for p in reversed(pieces) if p[2] == offset), None)
            if following is not None and (preceding is None or following[1] == offset):
                for element in elements:
                    following[0].addprevious(element)
            elif preceding is not None:
                anchor = preceding[0]
                for element in elements:
                    anchor.addnext(element)
                    anchor = element
            else:
                for element in elements:
                    paragraph.append(element)

    def _point(self, placed: Placed, breaks: list[tuple[etree._Element, Placed]]) -> etree._Element:
        token = placed.token
        if token.kind == "insert":
            assert token.revision is not None  # an insertion is always somebody's
            wrapper = self.revision(INS, placed.source, token.revision)
            wrapper.append(text_run(token.text, self.run_properties(token.run_properties, placed.source)))
            return wrapper
        if token.kind == "break":
            element = etree.Element(_BREAK)
            breaks.append((element, placed))
            return element
        if token.kind == "reference":
            run = etree.Element(R)
            etree.SubElement(run, COMMENT_REFERENCE).set(ID, placed.comment_id)
            return run
        element = etree.Element(COMMENT_RANGE_START if token.kind == "start" else COMMENT_RANGE_END)
        element.set(ID, placed.comment_id)
        return element

    def _delete(self, element: etree._Element, placed: Placed) -> None:
        assert placed.token.revision is not None  # a deletion is always somebody's
        for text in element.iter(T, INSTR_TEXT):
            text.tag = DEL_TEXT if text.tag == T else DEL_INSTR_TEXT
        wrapper = self.revision(DEL, placed.source, placed.token.revision)
        element.addprevious(wrapper)
        wrapper.append(element)

    def _format(self, run: etree._Element, placed: Placed) -> None:
        new = self.run_properties(placed.token.run_properties, placed.source)
        old = run.find(RPR)
        if new is None:
            return
        change = new.find(RPR_CHANGE)
        if change is not None:
            # The change records what the base had, so that rejecting it restores the base's formatting.
            for child in list(change):
                change.remove(child)
            recorded = copy.deepcopy(old) if old is not None else etree.Element(RPR)
            for stale in recorded.findall(RPR_CHANGE):
                recorded.remove(stale)
            change.append(recorded)
            new.remove(change)
            new.append(change)
        if old is not None:
            run.remove(old)
        run.insert(0, new)

    def _replace_properties(self, paragraph: etree._Element, new: etree._Element | None) -> None:
        if new is None:
            return
        old = paragraph.find(PPR)
        kept = [c for c in old if c.tag in (RPR, SECT_PR)] if old is not None else []
        if old is not None:
            paragraph.remove(old)
        paragraph.insert(0, new)
        change = new.find(PPR_CHANGE)
        if change is not None:
            new.remove(change)
        for child in kept:
            new.append(child)
        if change is not None:
            new.append(change)

    def _set_mark(self, paragraph: etree._Element, tag: str, source: int, who: Revision) -> None:
        add_mark_properties(paragraph).insert(0, self.revision(tag, source, who))

    def _split(self, paragraph: etree._Element, breaks: list[tuple[etree._Element, Placed]]) -> None:
        """Cut ``paragraph`` at its break placeholders: the text before each becomes a paragraph of its own
        whose (inserted) mark is the break; ``paragraph`` keeps the original mark and the text after."""
        base_properties = paragraph.find(PPR)
        for placeholder, placed in breaks:
            top = placeholder
            while top.getparent() is not None and top.getparent() is not paragraph:
                top = top.getparent()  # type: ignore[assignment]  # checked in the loop condition
            if top is not placeholder:  # a break inside a link or a content control: cut after it
                detach(placeholder)
                top.addnext(placeholder)
            new = etree.Element(P)
            properties = self.paragraph_properties(placed.token.paragraph_properties, placed.source)
            if properties is None and base_properties is not None:
                properties = copy.deepcopy(base_properties)
                for element in properties.findall(SECT_PR) + properties.findall(RPR):
                    properties.remove(element)
            if properties is not None:
                new.append(properties)
            for child in list(paragraph):
                if child is placeholder:
                    break
                if child.tag != PPR:
                    new.append(child)
            paragraph.addprevious(new)
            detach(placeholder)
            assert placed.token.revision is not None  # an inserted mark is always somebody's
            self._set_mark(new, INS, placed.source, placed.token.revision)
            after = self.paragraph_properties(placed.token.after_properties, placed.source)
            if after is not None:
                self._replace_properties(paragraph, after)

    # ------------------------------------------------------------------ rows

    def _mark_row(self, row: etree._Element, tag: str, source: int, who: Revision) -> None:
        trpr = row.find(TRPR)
        if trpr is None:
            trpr = etree.Element(TRPR)
            prex = row.find(TBL_PR_EX)
            row.insert(1 if prex is not None and row.index(prex) == 0 else 0, trpr)
        element = self.revision(tag, source, who)
        change = trpr.find(TR_PR_CHANGE)
        if change is not None:
            change.addprevious(element)
        else:
            trpr.append(element)

    def _insert_row(self, paragraph: etree._Element, anchor_row: etree._Element | None, source: int,
                    row: etree._Element) -> None:
        clean = self.relabel(sanitised_copy(row), source)
        for cell in clean.iter(TC):
            for child in cell:
                if child.tag == P:
                    properties = child.find(PPR)
                    if properties is not None:
                        cleaned = self.paragraph_properties(properties, source)
                        mark = properties.find(RPR)
                        child.remove(properties)
                        if cleaned is not None:
                            if mark is not None:
                                cleaned.append(mark)
                            child.insert(0, cleaned)
            for style in list(cell.iter(qn("w:rStyle"))):
                if style.get(VAL) not in self.styles:
                    detach(style)
        if anchor_row is not None:
            anchor_row.addnext(clean)
            return
        top = paragraph
        while top.getparent() is not None and top.getparent().tag != BODY:  # type: ignore[union-attr]
            top = top.getparent()  # type: ignore[assignment]  # checked in the loop condition
        table = top.getnext()
        while table is not None and table.tag != TBL and table.tag != P:
            table = table.getnext()
        first = table.find(TR) if table is not None and table.tag == TBL else None
        if first is None:
            self.problems.append("a table row inserted where the circulated draft has no table")
            return
        first.addprevious(clean)


def _ancestor(element: etree._Element, tag: str) -> etree._Element | None:
    node = element.getparent()
    while node is not None and node.tag != tag:
        node = node.getparent()
    return node


def _row_marked(row: etree._Element) -> bool:
    trpr = row.find(TRPR)
    return trpr is not None and any(c.tag in (INS, DEL) for c in trpr)


def circulated_copy(package: DocxPackage) -> DocxPackage:
    """A copy of a reviewed document as it was before review: every change rejected, every comment removed."""
    copied = DocxPackage(dict(package.parts), source=package.source)
    main = copied.main_part_name()
    root = reject_all(copy.deepcopy(package.xml(main)))
    for element in list(root.iter(COMMENT_RANGE_START, COMMENT_RANGE_END, COMMENT_REFERENCE)):
        parent = element.getparent()
        if element.tag == COMMENT_REFERENCE and parent is not None and parent.tag == R \
                and not any(c.tag not in (RPR, COMMENT_REFERENCE) for c in parent):
            detach(parent)
        else:
            detach(element)
    copied.parts[main] = serialize(root)
    write_comments(copied, [])
    return copied


__all__ = ["AuthorLabel", "BodyWriter", "ParagraphPlan", "Placed", "circulated_copy"]
