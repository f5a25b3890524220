"""Tracked sections as Word bookmarks: turning rendered section markers into bookmarks, and finding them again.

Why bookmarks: LibreOffice drops inline content controls and the ``w:tag`` of block ones, and comments
anchored inside content controls lose their anchor; bookmarks with Word-legal names survive Word and
LibreOffice edits together with comments (see docs/sections.md). The bookmark name is a hash of the
section ID; the ID itself is stored in a custom document property of the same name.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol, cast

from lxml import etree

from strategy_builder.digits import signed_whole_number
from strategy_builder.ooxml.markers import BOOKMARK_PREFIX, CLOSE, MARKER_PATTERN, OPEN, bookmark_name
from strategy_builder.ooxml.namespaces import (
    BODY, BOOKMARK_END, BOOKMARK_START, ID, NAME, PPR, RPR, TBL, W, XML_SPACE, P, R, T,
)
from strategy_builder.ooxml.text import TableCellRef, iter_paragraphs, paragraph_text, style_id


class MarkerError(ValueError):
    """Section markers that do not pair up (a template that misplaces ``begin``/``end``)."""


_BOOKMARK_START_IDS = etree.XPath("//w:bookmarkStart/@w:id", namespaces={"w": W}, smart_strings=False)
"""The ids of a part's bookmark starts, as plain strings (compiled once; see ``carry._ALL_IDS``)."""


def next_bookmark_id(root: etree._Element) -> int:
    """One more than the highest ``w:id`` of the bookmark starts of ``root`` (1 when it has none): the first id
    free for a bookmark a pass adds."""
    values = cast(list[str], _BOOKMARK_START_IDS(root))
    ids = [n for v in values if (n := signed_whole_number(v)) is not None]
    return max(ids, default=0) + 1


def _bookmark(kind: str, section_id: str, name: str, ids: dict[str, int], counter: list[int]) -> etree._Element:
    """The bookmarkStart or bookmarkEnd element for one marker (an anchor's start; its end follows it)."""
    if kind == "anchor":
        key = f"anchor:{section_id}"
        if key in ids:
            raise MarkerError(f"the anchor {section_id} is placed twice")
        ids[key] = counter[0]
        counter[0] += 1
        element = etree.Element(BOOKMARK_START)
        element.set(ID, str(ids[key]))
        element.set(NAME, section_id)
        end = etree.SubElement(element, BOOKMARK_END)  # detached by _placed() right after
        end.set(ID, str(ids[key]))
        return element
    if kind == "begin":
        if section_id in ids:
            raise MarkerError(f"section {section_id} begins twice")
        ids[section_id] = counter[0]
        counter[0] += 1
        element = etree.Element(BOOKMARK_START)
        element.set(ID, str(ids[section_id]))
        element.set(NAME, name)
        return element
    if section_id not in ids:
        raise MarkerError(f"section {section_id} ends before it begins")
    element = etree.Element(BOOKMARK_END)
    element.set(ID, str(ids[section_id]))
    return element


def _split_run(run: etree._Element, text_element: etree._Element, ids: dict[str, int],
               counter: list[int]) -> None:
    """Replace the markers inside ``text_element`` (a w:t of ``run``) with bookmarks around split runs."""
    text = text_element.text or ""
    pieces: list[tuple[str, str, str] | str] = []
    position = 0
    for match in MARKER_PATTERN.finditer(text):
        if match.start() > position:
            pieces.append(text[position:match.start()])
        kind, target = match.group(1), match.group(2)
        pieces.append((kind, target, target if kind == "anchor" else bookmark_name(target)))
        position = match.end()
    if position < len(text):
        pieces.append(text[position:])
    if any(isinstance(p, str) and (OPEN in p or CLOSE in p) for p in pieces):
        raise MarkerError("a section marker is malformed")

    if len(pieces) == 1 and not isinstance(pieces[0], str) and all(c is text_element or c.tag == RPR for c in run):
        # The usual case (a template writes each marker as a run of its own): the run becomes the bookmark.
        run_parent = run.getparent()
        assert run_parent is not None  # checked by apply_section_markers
        bookmark = _bookmark(*pieces[0], ids, counter)
        run_parent.replace(run, bookmark)
        _placed(bookmark)
        return

    children = list(run)
    index = children.index(text_element)
    rpr = run.find(RPR)
    before, after = children[:index], children[index + 1:]
    parent = run.getparent()
    assert parent is not None  # checked by apply_section_markers
    anchor = run
    # The original run keeps what came before the marked text.
    for child in after:
        run.remove(child)
    run.remove(text_element)
    new_elements: list[etree._Element] = []
    for piece in pieces:
        if isinstance(piece, str):
            new_run = etree.Element(R)
            if rpr is not None:
                new_run.append(copy.deepcopy(rpr))
            t = etree.SubElement(new_run, T)
            t.text = piece
            t.set(XML_SPACE, "preserve")
            new_elements.append(new_run)
        else:
            new_elements.append(_bookmark(*piece, ids, counter))
    if after:
        tail_run = etree.Element(R)
        if rpr is not None:
            tail_run.append(copy.deepcopy(rpr))
        for child in after:
            tail_run.append(child)
        new_elements.append(tail_run)
    position_in_parent = parent.index(anchor)
    keep_original = any(child.tag != RPR for child in before)
    if not keep_original:
        parent.remove(anchor)
        position_in_parent -= 1
    for offset, element in enumerate(new_elements, start=1):
        parent.insert(position_in_parent + offset, element)
    for element in new_elements:
        _placed(element)


def _placed(element: etree._Element) -> None:
    """An anchor's bookmark start carries its end as a child until it is in the tree: move the end after it."""
    end = element.find(BOOKMARK_END)
    if element.tag == BOOKMARK_START and end is not None:
        element.remove(end)
        element.addnext(end)


def _is_marker_only(paragraph: etree._Element) -> bool:
    for child in paragraph:
        if child.tag in (PPR, BOOKMARK_START, BOOKMARK_END):
            continue
        if child.tag == R and all(grandchild.tag == RPR for grandchild in child):
            continue
        return False
    return True


def apply_section_markers(document: etree._Element, *, first_id: int | None = None,
                          ids: dict[str, int] | None = None, require_ends: bool = True) -> dict[str, str]:
    """Replace every section marker in a rendered ``document.xml`` with a bookmark.

    Marker-only paragraphs are removed; their bookmark starts move to the start of the next paragraph and
    their ends to the end of the previous one. Returns bookmark name -> section ID. Raises
    :class:`MarkerError` when markers do not pair up. The bookmarks are numbered from ``first_id``, by
    default one more than the highest of the document (its values' bookmarks may be numbered after them
    already, see :func:`strategy_builder.ooxml.value_bookmarks.bookmark_values_in_text`).

    For a piece of a document (:mod:`strategy_builder.ooxml.block_finish`): ``ids`` holds the number of
    each section begun before the piece (an end marker of such a section gets it) and is filled with those
    the piece begins (``anchor:<ID>`` for an anchor); the sections returned are those the piece begins.
    ``require_ends=False`` lets a section begun in the piece end after it.
    """
    ids = {} if ids is None else ids
    begun_before = set(ids)
    counter = [next_bookmark_id(document) if first_id is None else first_id]
    marked_paragraphs: list[etree._Element] = []
    # One pass over the texts finds those with markers and whether any marker character would be left in
    # the text: a text holding a CLOSE but no OPEN, or a tail holding either, is not touched below (a
    # marked text leaves the tree with its tail, and the texts split from it are checked as they are made).
    marked: list[etree._Element] = []
    left = False
    for text_element in document.iter(T):
        text = text_element.text
        if text:
            if OPEN in text:
                marked.append(text_element)
                continue
            left = left or CLOSE in text
        tail = text_element.tail
        if tail and (OPEN in tail or CLOSE in tail):
            left = True
    for text_element in marked:
        run = text_element.getparent()
        if run is None or run.tag != R or run.getparent() is None:
            raise MarkerError("a section marker is not inside a text run")
        paragraph = run.getparent()
        while paragraph is not None and paragraph.tag != P:
            paragraph = paragraph.getparent()
        _split_run(run, text_element, ids, counter)
        if paragraph is not None and (not marked_paragraphs or marked_paragraphs[-1] is not paragraph):
            marked_paragraphs.append(paragraph)
    if require_ends:
        ended: set[int] = set()
        for end in document.iter(BOOKMARK_END):
            end_id = end.get(ID) or ""
            end_number = signed_whole_number(end_id)
            if end_number is not None:  # a template's own malformed bookmark end cannot close a section
                ended.add(end_number)
        open_sections = [sid for sid, number in ids.items()
                         if number not in ended and not sid.startswith("anchor:")]
        if open_sections:
            raise MarkerError(f"section(s) never end: {', '.join(open_sections)}")
    if marked_paragraphs:
        order = list(document.iter(P))
        position = {id(p): i for i, p in enumerate(order)}
        removed: set[int] = set()
        for paragraph in marked_paragraphs:
            if _is_marker_only(paragraph):
                _dissolve(order, position[id(paragraph)], removed)
    if left:
        raise MarkerError("a section marker was left in the text")
    return {bookmark_name(section_id): section_id for section_id in ids
            if not section_id.startswith("anchor:") and section_id not in begun_before}


def _dissolve(order: list[etree._Element], index: int, removed: set[int]) -> None:
    """Remove a marker-only paragraph, re-homing its bookmarks in the neighbouring paragraphs.

    ``order`` is every paragraph in document order (computed once), ``index`` the paragraph's place in
    it; ``removed`` collects the ids of
    paragraphs already dissolved, which are skipped as neighbours.
    """
    paragraph = order[index]
    # Walked by index, not by slices: a long document has hundreds of marker paragraphs.
    previous = next((order[i] for i in range(index - 1, -1, -1)
                     if id(order[i]) not in removed and not _is_inside(order[i], paragraph)), None)
    following = next((order[i] for i in range(index + 1, len(order))
                      if id(order[i]) not in removed and not _is_inside(order[i], paragraph)), None)
    starts = [c for c in paragraph if c.tag == BOOKMARK_START]
    ends = [c for c in paragraph if c.tag == BOOKMARK_END]
    if starts and following is None or ends and previous is None:
        return  # nowhere to move them: keep the (empty) paragraph rather than lose a bookmark
    # LibreOffice loses a bookmark that ends in a table cell when the next one starts right after the
    # table; a section that would end or start inside a table keeps its (empty) marker paragraph instead.
    outer = _enclosing_table(paragraph)
    if (ends and _enclosing_table(previous) is not outer) or (starts and _enclosing_table(following) is not outer):
        return
    if following is not None:
        insert_at = 1 if following.find(PPR) is not None else 0
        for offset, start in enumerate(starts):
            following.insert(insert_at + offset, start)
    if previous is not None:
        for end in ends:
            previous.append(end)
    parent = paragraph.getparent()
    assert parent is not None  # a paragraph of the document, not dissolved before
    parent.remove(paragraph)
    removed.add(id(paragraph))


def _enclosing_table(element: etree._Element | None) -> etree._Element | None:
    node = element.getparent() if element is not None else None
    while node is not None and node.tag != TBL:
        node = node.getparent()
    return node


def _is_inside(candidate: etree._Element, container: etree._Element) -> bool:
    node = candidate.getparent()
    while node is not None:
        if node is container:
            return True
        node = node.getparent()
    return False


# ----------------------------------------------------------------------------- reading


def bookmark_names(document: etree._Element) -> set[str]:
    """The names of every bookmark that starts in ``document``."""
    return {b.get(NAME, "") for b in document.iter(BOOKMARK_START)}


@dataclass(slots=True)
class FoundParagraph:
    """A paragraph of a document body with its text (changes accepted), style and table cell."""

    index: int
    text: str
    style: str
    cell: TableCellRef | None
    element: etree._Element = field(repr=False)


class FoundSection(NamedTuple):
    """A tracked section found in a .docx: its ID (``None`` if the name cannot be mapped), bookmark and span."""

    section_id: str | None
    bookmark: str
    first_paragraph: int
    last_paragraph: int
    heading: str
    text_length: int


def body_paragraphs(document: etree._Element) -> list[FoundParagraph]:
    """Every paragraph of the main document body in reading order."""
    body = document.find(BODY)
    if body is None:
        return []
    return [FoundParagraph(i, paragraph_text(p), style_id(p), cell, p)
            for i, (p, cell) in enumerate(iter_paragraphs(body))]


def _normalise_name(name: str) -> str:
    # LibreOffice writes '/' as '%2F' and cuts names at 40 characters; our names avoid both, but
    # tolerate an escaped form anyway.
    return name.replace("%2F", "/")


def _spans(elements: Iterator[etree._Element], index_of: dict[int, int],
           between: bool) -> tuple[dict[str, int], dict[str, int]] | None:
    """The first and last paragraph (indices into the listed paragraphs) of each tracked bookmark, by name,
    from ``elements`` in document order: bookmarks, and with ``between`` the listed paragraphs too, which
    place a bookmark between paragraphs (a start attaches to the next paragraph, an end to the previous one).
    Without ``between``, ``None`` as soon as a tracked bookmark is not inside a listed paragraph."""
    # LibreOffice may write one bookmark as several starts (with different ids) and one end; group by
    # name and take the earliest start and the latest end.
    name_of_id: dict[str, str] = {}
    first_of: dict[str, int] = {}
    last_of: dict[str, int] = {}
    last_seen = -1
    for element in elements:
        index = index_of.get(id(element))
        if index is not None:  # a paragraph of the list (most elements: asked first, without building .tag)
            last_seen = index
            continue
        tag = element.tag
        if tag == P:
            continue
        mark_id = element.get(ID, "")
        if tag == BOOKMARK_START:
            name = _normalise_name(element.get(NAME, ""))
            if not name.startswith(BOOKMARK_PREFIX):
                continue
            owner_index = _owner_index(element, index_of)
            if owner_index is None and not between:
                return None
            name_of_id[mark_id] = name
            position = owner_index if owner_index is not None else last_seen + 1
            first_of[name] = min(first_of.get(name, position), position)
        elif mark_id in name_of_id:
            owner_index = _owner_index(element, index_of)
            if owner_index is None and not between:
                return None
            name = name_of_id[mark_id]
            position = owner_index if owner_index is not None else last_seen
            last_of[name] = max(last_of.get(name, position), position)
    return first_of, last_of


def _owner_index(element: etree._Element, index_of: dict[int, int]) -> int | None:
    """The index of the listed paragraph ``element`` is in (the nearest paragraph around it), or ``None``."""
    owner = element.getparent()
    while owner is not None and owner.tag != P:
        owner = owner.getparent()
    return index_of.get(id(owner)) if owner is not None else None


class ReadParagraph(Protocol):
    """What :func:`find_sections` asks of a paragraph: its text and element (a :class:`FoundParagraph`, or a
    paragraph block read from the body)."""

    @property
    def text(self) -> str: ...

    @property
    def element(self) -> etree._Element | None: ...


def find_sections(document: etree._Element, names: dict[str, str],
                  paragraphs: Sequence[ReadParagraph] | None = None) -> list[FoundSection]:
    """Tracked sections (bookmarks named ``sb_...``) of a document, in order of their start.

    ``names`` maps bookmark names to section IDs (from the custom properties). Bookmarks between
    paragraphs attach to the next paragraph (start) or the previous one (end). ``paragraphs`` are every
    paragraph of the body in reading order (:func:`body_paragraphs`, the default); a section's span is
    given by their positions in it.
    """
    paragraphs = paragraphs if paragraphs is not None else body_paragraphs(document)
    index_of = {id(p.element): index for index, p in enumerate(paragraphs) if p.element is not None}
    body = document.find(BODY)
    if body is None:
        return []
    # Most tracked bookmarks sit inside the listed paragraphs: then the bookmarks alone tell the spans, without
    # visiting every paragraph (a proxy object each). Only one outside them (between paragraphs, in a text box)
    # needs the paragraphs around it, and the walk over both.
    spans = _spans(body.iter(BOOKMARK_START, BOOKMARK_END), index_of, between=False)
    if spans is None:
        spans = _spans(body.iter(P, BOOKMARK_START, BOOKMARK_END), index_of, between=True)
        assert spans is not None  # with the paragraphs, every bookmark has a place
    first_of, last_of = spans
    found = []
    count = len(paragraphs)
    before = [0]  # the text length of the paragraphs before each one: a span's length without summing it
    for paragraph in paragraphs:
        before.append(before[-1] + len(paragraph.text))
    for name, first in first_of.items():
        last = last_of.get(name, count - 1)
        first = min(max(first, 0), max(count - 1, 0))
        last = max(first, min(last, count - 1))
        heading = next((p.text.strip() for p in paragraphs[first:last + 1] if p.text.strip()), "")
        found.append(FoundSection(names.get(name), name, first, last, heading,
                                  before[last + 1] - before[first] if paragraphs else 0))
    found.sort(key=lambda s: (s.first_paragraph, -s.last_paragraph))
    return found
