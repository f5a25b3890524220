"""Comments of a returned .docx: their text, threads and resolved state, and where they are anchored.

Also the parts every review reader shares: the *stories* of a document (body, headers, footers,
footnotes, endnotes), a budget check done before any of them is parsed, and :class:`Locator`, which
turns an element of any story into a body paragraph index (footnotes and endnotes count as the
paragraph that references them) and the nearest preceding heading.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.ooxml.namespaces import W, W14, W15
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.bookmarks import body_paragraphs
from strategy_builder.ooxml.text import OUTLINE_LVL, P, PPR, PSTYLE, T, paragraph_text

_W = f"{{{W}}}"
DEL, MOVE_FROM = f"{_W}del", f"{_W}moveFrom"
COMMENT_START, COMMENT_END, COMMENT_REF = f"{_W}commentRangeStart", f"{_W}commentRangeEnd", f"{_W}commentReference"
FOOTNOTE_REF, ENDNOTE_REF = f"{_W}footnoteReference", f"{_W}endnoteReference"

MAX_COMMENTS = 20_000
"""More comments than this in one file is not a ministry's return; the bound keeps anchor matching fast."""
MAX_QUOTED_CHARS = 2000
MAX_QUOTED_PIECES = 400
"""The commented text kept per comment; a comment over a whole chapter does not need all of it."""

BETWEEN_PARAGRAPHS = (COMMENT_START, COMMENT_END, COMMENT_REF, f"{_W}tr", f"{_W}tblPrChange", f"{_W}tblGridChange",
                      f"{_W}sectPrChange", f"{_W}moveFromRangeStart", f"{_W}moveToRangeStart")
STORY_RELATIONSHIPS = (("header", "/header"), ("footer", "/footer"), ("footnote", "/footnotes"),
                       ("endnote", "/endnotes"))


def checked_xml(package: DocxPackage, name: str) -> etree._Element:
    """Part ``name`` parsed within the budgets of :mod:`strategy_builder.ooxml.parser` (size, elements, no
    DOCTYPE in any encoding); a missing or refused part raises :class:`UntrustedDocumentError`."""
    return package.xml(name)


@dataclass(frozen=True, slots=True)
class Story:
    """One flow of text: ``body``, ``header``, ``footer``, ``footnote`` or ``endnote``, and its part."""

    kind: str
    part: str
    root: etree._Element


def document_stories(package: DocxPackage) -> list[Story]:
    """The main document and every header, footer, footnotes and endnotes part it relates to."""
    main = package.main_part_name()
    stories = [Story("body", main, checked_xml(package, main))]
    for kind, suffix in STORY_RELATIONSHIPS:
        for name in package.part_of_type(suffix):
            stories.append(Story(kind, name, checked_xml(package, name)))
    return stories


@dataclass(frozen=True, slots=True)
class Place:
    """Where an anchor sits: its story and part, and the body paragraph it belongs to (``None``: none)."""

    story: str
    part: str
    paragraph: int | None


def _heading_styles(package: DocxPackage) -> set[str]:
    """Style ids that are headings, by name ("heading 1", "Title") or outline level, whatever the language."""
    names = package.part_of_type("/styles")
    if not names:
        return set()
    result = set()
    for style in checked_xml(package, names[0]).iter(f"{_W}style"):
        name = style.find(f"{_W}name")
        label = (name.get(f"{_W}val", "") if name is not None else "").lower()
        ppr = style.find(PPR)
        outline = ppr.find(OUTLINE_LVL) if ppr is not None else None
        if label.startswith("heading") or label == "title" or (
                outline is not None and outline.get(f"{_W}val", "9") not in ("9", "")):
            result.add(style.get(f"{_W}styleId", ""))
    return result


def _is_heading(paragraph: etree._Element, heading_styles: set[str]) -> bool:
    ppr = paragraph.find(PPR)
    if ppr is None:
        return False
    style = ppr.find(PSTYLE)
    if style is not None and (style.get(f"{_W}val", "") in heading_styles
                              or style.get(f"{_W}val", "").lower().startswith("heading")):
        return True
    outline = ppr.find(OUTLINE_LVL)
    return outline is not None and outline.get(f"{_W}val", "9") != "9"


class Locator:
    """Maps elements of a document's stories to body paragraphs and nearest headings."""

    def __init__(self, package: DocxPackage, stories: list[Story]) -> None:
        self.stories = stories
        body = stories[0].root
        self.paragraphs = body_paragraphs(body)
        self._index = {id(p.element): p.index for p in self.paragraphs}
        styles = _heading_styles(package)
        self._headings: list[str] = []
        current = ""
        for paragraph in self.paragraphs:
            if paragraph.text.strip() and _is_heading(paragraph.element, styles):
                current = " ".join(paragraph.text.split())
            self._headings.append(current)
        # Anchors between paragraphs (body-level comment ranges, table rows, table property changes)
        # belong to the next paragraph; found in one pass, because a search per anchor is quadratic.
        self._next: dict[int, int] = {}
        self._between: list[etree._Element] = []  # holds the proxies, so that their ids stay valid
        pending: list[etree._Element] = []
        for element in body.iter(*BETWEEN_PARAGRAPHS, P):
            if element.tag == P:
                index = self._index.get(id(element))
                if index is not None:
                    self._next.update((id(e), index) for e in pending)
                    pending.clear()
            elif (parent := element.getparent()) is None or parent.tag != P:
                pending.append(element)
                self._between.append(element)
        # A footnote or endnote belongs to the body paragraph that references it.
        self._notes: dict[tuple[str, str], int] = {}
        for tag, kind in ((FOOTNOTE_REF, "footnote"), (ENDNOTE_REF, "endnote")):
            for reference in body.iter(tag):
                index = self.paragraph_index(reference)
                if index is not None:
                    self._notes.setdefault((kind, reference.get(f"{_W}id", "")), index)

    def paragraph_index(self, element: etree._Element) -> int | None:
        """The body paragraph containing ``element``, or the next one when it sits between paragraphs."""
        node: etree._Element | None = element
        while node is not None:
            if node.tag == P and id(node) in self._index:
                return self._index[id(node)]
            if id(node) in self._next:
                return self._next[id(node)]
            node = node.getparent()
        return len(self.paragraphs) - 1 if self.paragraphs else None

    def place(self, story: Story, element: etree._Element) -> Place:
        """The place of ``element``, which belongs to ``story``."""
        if story.kind == "body":
            return Place("body", story.part, self.paragraph_index(element))
        if story.kind in ("footnote", "endnote"):
            node: etree._Element | None = element
            while node is not None and node.tag not in (f"{_W}footnote", f"{_W}endnote"):
                node = node.getparent()
            if node is not None:
                key = (story.kind, node.get(f"{_W}id", ""))
                return Place(story.kind, story.part, self._notes.get(key))
        return Place(story.kind, story.part, None)

    def heading(self, paragraph: int | None) -> str:
        """The text of the nearest heading at or before body paragraph ``paragraph`` (``""``: none)."""
        if paragraph is None or not self._headings:
            return ""
        return self._headings[min(max(paragraph, 0), len(self._headings) - 1)]


# ----------------------------------------------------------------------------- comments


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment or reply, as the file records it.

    ``comment_id`` is the file's own ``w:id`` (not stable across saves); ``parent_id`` the ``w:id`` of
    the comment this one replies to; ``resolved`` is ``None`` when the file does not record it;
    ``place`` is ``None`` when the comment has no anchor in any story (an orphan).
    """

    comment_id: str
    author: str
    initials: str
    date: str
    text: str
    quoted: str
    parent_id: str | None
    resolved: bool | None
    place: Place | None
    author_account: str = ""


def _comment_text(comment: etree._Element) -> tuple[str, str | None]:
    """The text of a comment (paragraphs joined by newlines) and the ``w14:paraId`` of its last paragraph."""
    paragraphs = [p for p in comment.iter(P)]
    text = "\n".join(paragraph_text(p) for p in paragraphs).strip()
    last_id = paragraphs[-1].get(f"{{{W14}}}paraId") if paragraphs else None
    return text, last_id


def _extended(package: DocxPackage, owner: str) -> tuple[dict[str, str], dict[str, bool]]:
    """From commentsExtended: paraId -> parent paraId, and paraId -> done."""
    parents: dict[str, str] = {}
    done: dict[str, bool] = {}
    for name in package.part_of_type("/commentsExtended", owner):
        for entry in checked_xml(package, name).iter(f"{{{W15}}}commentEx"):
            para = entry.get(f"{{{W15}}}paraId", "")
            if entry.get(f"{{{W15}}}paraIdParent"):
                parents[para] = entry.get(f"{{{W15}}}paraIdParent", "")
            if entry.get(f"{{{W15}}}done") is not None:
                done[para] = entry.get(f"{{{W15}}}done") in ("1", "true", "on")
    return parents, done


def _people(package: DocxPackage, owner: str) -> dict[str, str]:
    """Author -> account (``w15:userId``) from people.xml, when Word recorded one."""
    result: dict[str, str] = {}
    for name in package.part_of_type("/people", owner):
        for person in checked_xml(package, name).iter(f"{{{W15}}}person"):
            info = person.find(f"{{{W15}}}presenceInfo")
            if info is not None:
                result[person.get(f"{{{W15}}}author", "")] = info.get(f"{{{W15}}}userId", "")
    return result


def _anchors(stories: list[Story], locator: Locator, known: set[str]) -> tuple[dict[str, Place], dict[str, str]]:
    """Comment id -> place of its range start (or reference), and comment id -> commented text.

    Only ids of ``known`` comments are followed: anchors without a comment cannot inflate the work.
    """
    places: dict[str, Place] = {}
    quoted: dict[str, _Range] = {}
    for story in stories:
        open_ranges: dict[str, _Range] = {}
        for element in story.root.iter(COMMENT_START, COMMENT_END, COMMENT_REF, T, P):
            tag = element.tag
            if tag == T:
                if open_ranges and not _under_deletion(element):
                    _extend(open_ranges, element.text or "")
                continue
            if tag == P:
                _extend(open_ranges, "\n")
                continue
            comment_id = element.get(f"{_W}id", "")
            if comment_id not in known:
                continue
            if tag == COMMENT_START:
                places.setdefault(comment_id, locator.place(story, element))
                open_ranges[comment_id] = quoted.setdefault(comment_id, _Range())
            elif tag == COMMENT_END:
                open_ranges.pop(comment_id, None)
            else:
                places.setdefault(comment_id, locator.place(story, element))
    texts = {key: " ".join("".join(r.pieces).split())[:MAX_QUOTED_CHARS] for key, r in quoted.items()}
    return places, texts


class _Range:
    """The commented text collected so far for one comment range."""

    __slots__ = ("pieces", "length")

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.length = 0


def _extend(open_ranges: dict[str, _Range], text: str) -> None:
    """Add ``text`` to every open range; a range that is full stops listening (bounds the work)."""
    full = []
    for key, collected in open_ranges.items():
        if text == "\n" and (not collected.pieces or collected.pieces[-1] == "\n"):
            continue
        collected.pieces.append(text)
        collected.length += len(text)
        if len(collected.pieces) >= MAX_QUOTED_PIECES or collected.length >= MAX_QUOTED_CHARS:
            full.append(key)
    for key in full:
        del open_ranges[key]


def _under_deletion(element: etree._Element) -> bool:
    node = element.getparent()
    while node is not None and node.tag != P:
        if node.tag in (DEL, MOVE_FROM):
            return True
        node = node.getparent()
    return False


def read_comments(package: DocxPackage, stories: list[Story], locator: Locator) -> list[Comment]:
    """Every comment and reply of the document, in the order of comments.xml."""
    main = stories[0].part
    names = package.part_of_type("/comments", main)
    if not names:
        return []
    root = checked_xml(package, names[0])
    parents, done = _extended(package, main)
    accounts = _people(package, main)
    count = sum(1 for _ in root.iter(f"{_W}comment"))
    if count > MAX_COMMENTS:
        raise UntrustedDocumentError(package.source, f"the file has {count:,} comments; the limit is "
                                                     f"{MAX_COMMENTS:,}")
    raw: list[tuple[etree._Element, str, str | None]] = []
    id_of_para: dict[str, str] = {}
    for element in root.iter(f"{_W}comment"):
        text, para = _comment_text(element)
        comment_id = element.get(f"{_W}id", "")
        raw.append((element, text, para))
        if para:
            id_of_para[para] = comment_id
    places, quoted = _anchors(stories, locator, {element.get(f"{_W}id", "") for element, _, _ in raw})
    comments = []
    for element, text, para in raw:
        comment_id = element.get(f"{_W}id", "")
        parent_para = parents.get(para or "")
        author = element.get(f"{_W}author", "")
        comments.append(Comment(
            comment_id=comment_id, author=author, initials=element.get(f"{_W}initials", ""),
            date=element.get(f"{_W}date", ""), text=text, quoted=quoted.get(comment_id, ""),
            parent_id=id_of_para.get(parent_para) if parent_para else None,
            resolved=done.get(para or ""), place=places.get(comment_id),
            author_account=accounts.get(author, "")))
    return comments
