"""Writing several reviewers' edits into one copy of the circulated document: the writing side of consolidation.

The circulated draft is the base. Each of its paragraphs receives the edits the review layer decided to keep
(:class:`ParagraphPlan`): deletions and formatting changes over ranges of its text, insertions, inserted
paragraph marks and comment anchors at points, a deleted mark, a paragraph formatting change, a deleted or
inserted table row. Every revision keeps its original date; its author is the label the caller chooses
(the original author and the ministry). The runs of the base are split at the edits' offsets (the offsets of
:func:`strategy_builder.ooxml.text.paragraph_atoms`), so the base's formatting, bookmarks (the tracked
sections) and fields stay where they were.

Content copied from a return (inserted text's run properties, new paragraphs' properties, inserted rows) is
cleaned first: styles the base does not define, numbering, images, links and bookmarks of the other package
are dropped, so nothing points into a package that is not there.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from lxml import etree

from strategy_builder.ooxml.accept import reject_all
from strategy_builder.ooxml.edits import Revision, Token
from strategy_builder.ooxml.namespaces import (
    AUTHOR, BODY, COMMENT, COMMENT_RANGE_END, COMMENT_RANGE_START, COMMENT_REFERENCE, CT, DATE, DEL,
    DEL_INSTR_TEXT, DEL_TEXT, ID, INITIALS, INS, INSTR_TEXT, MOVE_FROM, MOVE_TO, PKG_REL, PPR, PPR_CHANGE, PSTYLE,
    RPR, RPR_CHANGE, SECT_PR, STYLE, STYLE_ID, TBL, TC, TR, TRPR, TR_PR_CHANGE, TBL_PR_EX, VAL, W, W14, W15,
    XML_SPACE, P, R, T, qn,
)
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.parser import parse_xml, serialize
from strategy_builder.ooxml.runs import Piece, merge_wrappers, sanitised_copy, split_runs, text_run
from strategy_builder.ooxml.text import paragraph_atoms
from strategy_builder.ooxml.tree import add_mark_properties

REL_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
REL_COMMENTS_EXTENDED = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
REL_PEOPLE = "http://schemas.microsoft.com/office/2011/relationships/people"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
CT_COMMENTS_EXTENDED = "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"
CT_PEOPLE = "application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml"
_COMMENT_PARTS = ((REL_COMMENTS, "comments.xml", CT_COMMENTS),
                  (REL_COMMENTS_EXTENDED, "commentsExtended.xml", CT_COMMENTS_EXTENDED),
                  (REL_PEOPLE, "people.xml", CT_PEOPLE))
_DROPPED_COMMENT_PARTS = ("/commentsIds", "/commentsExtensible")
"""Parts with durable comment ids of the base, which would no longer match its comments."""

_PARAGRAPH_PROPERTIES_DROPPED = tuple(qn(f"w:{name}") for name in ("numPr", "sectPr", "framePr", "cnfStyle"))
_BREAK = "{urn:strategy-builder:merge}break"
W14_PARA_ID, W14_TEXT_ID = qn("w14:paraId"), qn("w14:textId")
W15_COMMENT_EX, W15_PARA_ID, W15_PARA_ID_PARENT, W15_DONE = (
    qn("w15:commentEx"), qn("w15:paraId"), qn("w15:paraIdParent"), qn("w15:done"))


@dataclass(frozen=True, slots=True)
class Placed:
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
        self.next = max((int(v) for v in values if v.lstrip("-").isdigit()), default=0) + 1

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
                _remove(style)
        for mark in [c for c in clean if c.tag in (INS, DEL, MOVE_FROM, MOVE_TO)]:
            clean.remove(mark)
        return clean

    def paragraph_properties(self, ppr: etree._Element | None, source: int) -> etree._Element | None:
        if ppr is None:
            return None
        clean = self.relabel(copy.deepcopy(ppr), source)
        for element in list(clean.iter(*_PARAGRAPH_PROPERTIES_DROPPED)):
            _remove(element)
        for style in clean.iter(PSTYLE):
            if style.get(VAL) not in self.styles:
                _remove(style)
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
                _remove(placeholder)
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
            _remove(placeholder)
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
                    _remove(style)
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


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def known_styles(package: DocxPackage) -> set[str]:
    """The style ids the package defines."""
    names = package.part_of_type("/styles")
    if not names:
        return set()
    return {style.get(STYLE_ID, "") for style in package.xml(names[0]).iter(STYLE)}


# ----------------------------------------------------------------------------------------- comments


@dataclass(frozen=True, slots=True)
class MergedComment:
    """A comment of the merged file: copied from a return (``element``) or written anew (``text``)."""

    comment_id: str
    author: str
    date: str
    initials: str = ""
    element: etree._Element | None = None
    text: str = ""
    parent_id: str | None = None
    done: bool | None = None
    account: str = ""


def comment_elements(package: DocxPackage) -> dict[str, etree._Element]:
    """The file's ``w:comment`` elements by their id."""
    names = package.part_of_type("/comments")
    if not names:
        return {}
    return {element.get(ID, ""): element for element in package.xml(names[0]).iter(COMMENT)}


def write_comments(package: DocxPackage, comments: list[MergedComment]) -> None:
    """Replace the package's comments (and their threads, resolved states and people) with ``comments``."""
    main = package.main_part_name()
    folder = main.rsplit("/", 1)[0]
    rels_name = f"{folder}/_rels/{main.rsplit('/', 1)[1]}.rels"
    rels = parse_xml(package.parts[rels_name], part=rels_name) if rels_name in package.parts else \
        etree.Element(f"{{{PKG_REL}}}Relationships", nsmap={None: PKG_REL})  # type: ignore[dict-item]
    types = parse_xml(package.parts["[Content_Types].xml"], part="[Content_Types].xml")
    related = package.related_parts(main)
    for rel in list(rels):
        kind = rel.get("Type", "")
        if any(kind.endswith(suffix) for suffix in _DROPPED_COMMENT_PARTS) or \
                any(kind == rel_type for rel_type, _, _ in _COMMENT_PARTS):
            target = related.get(rel.get("Id", ""), ("", ""))[1]
            if target:
                package.parts.pop(target, None)
                for override in list(types):
                    if override.get("PartName") == "/" + target:
                        types.remove(override)
            rels.remove(rel)
    if comments:
        styles = known_styles(package)
        parts = _comment_parts(comments, styles)
        taken = {rel.get("Id") for rel in rels}
        for (rel_type, name, content_type), data in zip(_COMMENT_PARTS, parts, strict=True):
            if data is None:
                continue
            number = 1
            while f"rIdSb{number}" in taken:
                number += 1
            taken.add(f"rIdSb{number}")
            etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", Id=f"rIdSb{number}", Type=rel_type, Target=name)
            package.parts[f"{folder}/{name}"] = data
            etree.SubElement(types, f"{{{CT}}}Override", PartName=f"/{folder}/{name}", ContentType=content_type)
    package.parts[rels_name] = serialize(rels)
    package.parts["[Content_Types].xml"] = serialize(types)


def _comment_parts(comments: list[MergedComment], styles: set[str]) -> tuple[bytes, bytes | None, bytes | None]:
    nsmap = {"w": W, "w14": W14, "w15": W15}
    root = etree.Element(qn("w:comments"), nsmap=nsmap)
    extended = etree.Element(qn("w15:commentsEx"), nsmap=nsmap)
    people = etree.Element(qn("w15:people"), nsmap=nsmap)
    para_of: dict[str, str] = {}
    needs_extended = False
    for number, comment in enumerate(comments, start=1):
        if comment.element is not None:
            element = copy.deepcopy(comment.element)
            for node in list(element.iter(qn("w:rStyle"), PSTYLE)):
                if node.get(VAL) not in styles:
                    _remove(node)
        else:
            element = etree.Element(COMMENT)
            for line in comment.text.split("\n"):
                paragraph = etree.SubElement(element, P)
                etree.SubElement(etree.SubElement(paragraph, R), qn("w:annotationRef"))
                run = etree.SubElement(paragraph, R)
                text = etree.SubElement(run, T)
                text.text = line
                text.set(XML_SPACE, "preserve")
        element.set(ID, comment.comment_id)
        element.set(AUTHOR, comment.author)
        if comment.date:
            element.set(DATE, comment.date)
        if comment.initials:
            element.set(INITIALS, comment.initials)
        paragraphs = element.findall(P) or [etree.SubElement(element, P)]
        for index, paragraph in enumerate(paragraphs):
            paragraph.set(W14_PARA_ID, f"{number:04X}{index:04X}")
            paragraph.attrib.pop(W14_TEXT_ID, "")
        last = paragraphs[-1].get(W14_PARA_ID, "")
        para_of[comment.comment_id] = last
        root.append(element)
        entry = etree.SubElement(extended, W15_COMMENT_EX)
        entry.set(W15_PARA_ID, last)
        if comment.parent_id is not None and comment.parent_id in para_of:
            entry.set(W15_PARA_ID_PARENT, para_of[comment.parent_id])
            needs_extended = True
        if comment.done is not None:  # unknown stays unknown (LibreOffice writes no state for open comments)
            entry.set(W15_DONE, "1" if comment.done else "0")
        needs_extended = True
    accounts: dict[str, str] = {}
    for comment in comments:
        accounts.setdefault(comment.author, comment.account)
    for author, account in sorted(accounts.items()):
        if account:
            person = etree.SubElement(people, qn("w15:person"))
            person.set(qn("w15:author"), author)
            info = etree.SubElement(person, qn("w15:presenceInfo"))
            info.set(qn("w15:providerId"), "None")
            info.set(qn("w15:userId"), account)
    return (serialize(root), serialize(extended) if needs_extended else None,
            serialize(people) if len(people) else None)


def circulated_copy(package: DocxPackage) -> DocxPackage:
    """A copy of a reviewed document as it was before review: every change rejected, every comment removed."""
    copied = DocxPackage(dict(package.parts), source=package.source)
    main = copied.main_part_name()
    root = reject_all(copy.deepcopy(package.xml(main)))
    for element in list(root.iter(COMMENT_RANGE_START, COMMENT_RANGE_END, COMMENT_REFERENCE)):
        parent = element.getparent()
        if element.tag == COMMENT_REFERENCE and parent is not None and parent.tag == R \
                and not any(c.tag not in (RPR, COMMENT_REFERENCE) for c in parent):
            _remove(parent)
        else:
            _remove(element)
    copied.parts[main] = serialize(root)
    write_comments(copied, [])
    return copied


__all__ = ["AuthorLabel", "BodyWriter", "MergedComment", "ParagraphPlan", "Placed", "circulated_copy",
           "comment_elements", "known_styles", "write_comments"]
