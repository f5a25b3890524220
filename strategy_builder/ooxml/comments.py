"""Comments of a returned .docx: their text, threads and resolved state, and where they are anchored."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.limits import COMMENTS, QUOTED_CHARS
from strategy_builder.ooxml.namespaces import (
    AUTHOR, BR, COMMENT, COMMENT_RANGE_END, COMMENT_RANGE_START, COMMENT_REFERENCE, CR, DATE, DEL, ID, INITIALS,
    MOVE_FROM, TAB, P, R, T, qn,
)
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.stories import Locator, Place, Story, checked_xml
from strategy_builder.ooxml.text import paragraph_text

W14_PARA_ID = qn("w14:paraId")
W15_COMMENT_EX, W15_PARA_ID, W15_PARA_ID_PARENT, W15_DONE = (
    qn("w15:commentEx"), qn("w15:paraId"), qn("w15:paraIdParent"), qn("w15:done"))
W15_PERSON, W15_PRESENCE_INFO, W15_AUTHOR, W15_USER_ID = (
    qn("w15:person"), qn("w15:presenceInfo"), qn("w15:author"), qn("w15:userId"))

MAX_COMMENTS = COMMENTS
"""More comments than this in one file is not a ministry's return; the bound keeps anchor matching fast."""
MAX_QUOTED_CHARS = QUOTED_CHARS
MAX_QUOTED_PIECES = 400
"""The commented text kept per comment; a comment over a whole chapter does not need all of it."""


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
    last_id = paragraphs[-1].get(W14_PARA_ID) if paragraphs else None
    return text, last_id


def _extended(package: DocxPackage, owner: str) -> tuple[dict[str, str], dict[str, bool]]:
    """From commentsExtended: paraId -> parent paraId, and paraId -> done."""
    parents: dict[str, str] = {}
    done: dict[str, bool] = {}
    for name in package.part_of_type("/commentsExtended", owner):
        for entry in checked_xml(package, name).iter(W15_COMMENT_EX):
            para = entry.get(W15_PARA_ID, "")
            if entry.get(W15_PARA_ID_PARENT):
                parents[para] = entry.get(W15_PARA_ID_PARENT, "")
            if entry.get(W15_DONE) is not None:
                done[para] = entry.get(W15_DONE) in ("1", "true", "on")
    return parents, done


def _people(package: DocxPackage, owner: str) -> dict[str, str]:
    """Author -> account (``w15:userId``) from people.xml, when Word recorded one."""
    result: dict[str, str] = {}
    for name in package.part_of_type("/people", owner):
        for person in checked_xml(package, name).iter(W15_PERSON):
            info = person.find(W15_PRESENCE_INFO)
            if info is not None:
                result[person.get(W15_AUTHOR, "")] = info.get(W15_USER_ID, "")
    return result


def _anchors(stories: list[Story], locator: Locator, known: set[str]) -> tuple[dict[str, Place], dict[str, str]]:
    """Comment id -> place of its range start (or reference), and comment id -> commented text.

    Only ids of ``known`` comments are followed: anchors without a comment cannot inflate the work.
    """
    places: dict[str, Place] = {}
    quoted: dict[str, _Range] = {}
    for story in stories:
        open_ranges: dict[str, _Range] = {}
        for element in story.root.iter(COMMENT_RANGE_START, COMMENT_RANGE_END, COMMENT_REFERENCE, T, TAB, BR, CR,
                                        P):
            tag = element.tag
            if tag == T:
                if open_ranges and not _under_deletion(element):
                    _extend(open_ranges, element.text or "")
                continue
            if tag in (TAB, BR, CR):
                # A tab or break separates words ("2.3.1<tab>Armenia"); a w:tab outside a run is a tab stop.
                parent = element.getparent()
                if open_ranges and parent is not None and parent.tag == R and not _under_deletion(element):
                    _extend(open_ranges, " ")
                continue
            if tag == P:
                _extend(open_ranges, "\n")
                continue
            comment_id = element.get(ID, "")
            if comment_id not in known:
                continue
            if tag == COMMENT_RANGE_START:
                places.setdefault(comment_id, locator.place(story, element))
                open_ranges[comment_id] = quoted.setdefault(comment_id, _Range())
            elif tag == COMMENT_RANGE_END:
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
    count = sum(1 for _ in root.iter(COMMENT))
    if count > MAX_COMMENTS:
        raise UntrustedDocumentError(package.source, f"the file has {count:,} comments; the limit is "
                                                     f"{MAX_COMMENTS:,}")
    raw: list[tuple[etree._Element, str, str | None]] = []
    id_of_para: dict[str, str] = {}
    for element in root.iter(COMMENT):
        text, para = _comment_text(element)
        comment_id = element.get(ID, "")
        raw.append((element, text, para))
        if para:
            id_of_para[para] = comment_id
    places, quoted = _anchors(stories, locator, {element.get(ID, "") for element, _, _ in raw})
    comments = []
    for element, text, para in raw:
        comment_id = element.get(ID, "")
        parent_para = parents.get(para or "")
        author = element.get(AUTHOR, "")
        comments.append(Comment(
            comment_id=comment_id, author=author, initials=element.get(INITIALS, ""),
            date=element.get(DATE, ""), text=text, quoted=quoted.get(comment_id, ""),
            parent_id=id_of_para.get(parent_para) if parent_para else None,
            resolved=done.get(para or ""), place=places.get(comment_id),
            author_account=accounts.get(author, "")))
    return comments
