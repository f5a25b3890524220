"""Comments of a .docx, read and written.

Read (a returned document's): their text, threads and resolved state, and where they are anchored.
Written (the merged file of consolidation): the comments parts (``comments.xml``, ``commentsExtended.xml``
with threads and resolved states, ``people.xml`` with the authors' accounts), replacing the package's own.
"""

from __future__ import annotations

import copy
from typing import NamedTuple

from lxml import etree

from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.limits import COMMENTS, QUOTED_CHARS
from strategy_builder.ooxml.namespaces import (
    AUTHOR, BR, COMMENT, COMMENT_RANGE_END, COMMENT_RANGE_START, COMMENT_REFERENCE, CR, CT, DATE, DEL, ID,
    INITIALS, MOVE_FROM, PKG_REL, PSTYLE, TAB, VAL, W, W14, W15, XML_SPACE, P, R, T, qn,
)
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.parser import parse_xml, serialize
from strategy_builder.ooxml.stories import Locator, Place, Story, checked_xml
from strategy_builder.ooxml.styles import known_styles
from strategy_builder.ooxml.text import paragraph_text
from strategy_builder.ooxml.tree import detach

W14_PARA_ID, W14_TEXT_ID = qn("w14:paraId"), qn("w14:textId")
W15_COMMENT_EX, W15_PARA_ID, W15_PARA_ID_PARENT, W15_DONE = (
    qn("w15:commentEx"), qn("w15:paraId"), qn("w15:paraIdParent"), qn("w15:done"))
W15_PERSON, W15_PRESENCE_INFO, W15_AUTHOR, W15_USER_ID = (
    qn("w15:person"), qn("w15:presenceInfo"), qn("w15:author"), qn("w15:userId"))

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

MAX_COMMENTS = COMMENTS
"""More comments than this in one file is not a ministry's return; the bound keeps anchor matching fast."""
MAX_QUOTED_CHARS = QUOTED_CHARS
MAX_QUOTED_PIECES = 400
"""The commented text kept per comment; a comment over a whole chapter does not need all of it."""


# ----------------------------------------------------------------------------- comments


class Comment(NamedTuple):
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


# ----------------------------------------------------------------------------- writing


class MergedComment(NamedTuple):
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
                    detach(node)
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
            person = etree.SubElement(people, W15_PERSON)
            person.set(W15_AUTHOR, author)
            info = etree.SubElement(person, W15_PRESENCE_INFO)
            info.set(qn("w15:providerId"), "None")
            info.set(W15_USER_ID, account)
    return (serialize(root), serialize(extended) if needs_extended else None,
            serialize(people) if len(people) else None)
