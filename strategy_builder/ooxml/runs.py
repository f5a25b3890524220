"""Editing runs for the redline writer: splitting runs at character offsets, wrapping revisions, copying content.

The offsets are those of :func:`strategy_builder.ooxml.text.paragraph_atoms`, the same the readers use, so
that a word diff computed on the text lands on exactly the right characters of the XML.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import cast

from lxml import etree

from strategy_builder.ooxml.namespaces import (
    ANCHOR, AUTHOR, BR, DATE, DEL, DEL_INSTR_TEXT, DEL_TEXT, HYPERLINK, ID, INS, INSTR_TEXT, MOVE_FROM, MOVE_TO, P,
    R_ID, RPR, TAB, XML_SPACE, R, T, qn,
)
from strategy_builder.ooxml.text import Atom, paragraph_atoms, text_of_atoms
from strategy_builder.ooxml.tree import unwrap

_STRIP_FROM_COPIES = tuple(qn(f"w:{n}") for n in (
    "bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd", "commentReference", "permStart",
    "permEnd", "proofErr", "drawing", "pict", "object", "footnoteReference", "endnoteReference", "sectPr",
    "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd")) + (qn("mc:AlternateContent"),)
_PARAGRAPH_IDS = (qn("w14:paraId"), qn("w14:textId"))
Revision = Callable[[str], etree._Element]
"""Makes a ``w:ins``/``w:del``... element with the next revision id, author and date."""
Piece = tuple[etree._Element, int, int]
"""An element holding a stretch of a paragraph's text: (run or its ``w:ins`` wrapper, start, end)."""


def own_runs(paragraph: etree._Element) -> list[etree._Element]:
    result = []
    for run in paragraph.iter(R):
        node = run.getparent()
        while node is not None and node.tag != P:
            node = node.getparent()
        if node is paragraph:
            result.append(run)
    return result



def edit_paragraph(paragraph: etree._Element, old: etree._Element, ops: Sequence[tuple[str, str]],
                   revision: Revision) -> None:
    """Mark the word-level ``ops`` (old -> this paragraph's text) as tracked changes inside ``paragraph``."""
    inserted: list[tuple[int, int]] = []
    deletions: list[tuple[int, str, int]] = []
    new_offset = old_offset = 0
    new_text = []
    for kind, text in ops:
        if kind == "equal":
            new_offset += len(text)
            old_offset += len(text)
            new_text.append(text)
        elif kind == "insert":
            inserted.append((new_offset, new_offset + len(text)))
            new_offset += len(text)
            new_text.append(text)
        else:
            deletions.append((new_offset, text, old_offset))
            old_offset += len(text)
    atoms = paragraph_atoms(paragraph)
    old_atoms = paragraph_atoms(old)
    if text_of_atoms(atoms) != "".join(new_text):
        # The plan does not match this paragraph (should not happen): replace it wholesale, still exact.
        old_text = text_of_atoms(old_atoms)
        wrap_runs(paragraph, INS, revision)
        deletions, inserted = [(0, old_text, 0)] if old_text else [], []
        pieces = []
    else:
        cuts = sorted({o for span in inserted for o in span} | {d[0] for d in deletions})
        pieces = split_runs(atoms, cuts, inserted, revision)
    for offset, text, old_at in deletions:
        place_deletion(paragraph, pieces, offset, deleted_run(text, _rpr_at(old_atoms, old_at), revision))
    merge_wrappers(paragraph)

def split_runs(atoms: list[Atom], cuts: list[int], inserted: list[tuple[int, int]],
               revision: Revision) -> list[Piece]:
    """Split runs at ``cuts`` and wrap inserted pieces; returns (element, start, end) of text pieces."""
    def is_inserted(start: int, end: int) -> bool:
        return end > start and any(a <= start and end <= b for a, b in inserted)

    by_run: dict[etree._Element, list[Atom]] = {}
    for atom in atoms:
        by_run.setdefault(atom.run, []).append(atom)
    pieces: list[tuple[etree._Element, int, int]] = []
    for run, run_atoms in by_run.items():
        start, end = run_atoms[0].start, run_atoms[-1].end
        inside = [c for c in cuts if start < c < end]
        if not inside and not is_inserted(start, end):
            if end > start:
                pieces.append((run, start, end))
            continue
        rpr = run.find(RPR)
        groups: list[list] = []  # [inserted?, start, end, children]
        cut_set = set(inside)
        for atom in run_atoms:
            for child, a, b in _split_atom(atom, cuts):
                flag = is_inserted(a, b)
                # A new run at every cut, so that a deletion has a run boundary to sit at.
                if not groups or groups[-1][0] != flag or (a in cut_set and b > a and groups[-1][2] == a
                                                           and groups[-1][2] > groups[-1][1]):
                    groups.append([flag, a, b, []])
                groups[-1][2] = b
                groups[-1][3].append(child)
        for flag, a, b, children in groups:
            new_run = etree.Element(R, dict(cast("Mapping[str, str]", run.attrib)))  # lxml gives str names, values
            if rpr is not None:
                new_run.append(copy.deepcopy(rpr))
            for child in children:
                new_run.append(child)
            element = new_run
            if flag:
                element = revision(INS)
                element.append(new_run)
            run.addprevious(element)
            if b > a:
                pieces.append((element, a, b))
        run_parent = run.getparent()
        assert run_parent is not None  # a run of the paragraph's atoms
        run_parent.remove(run)
    return pieces

def text_run(text: str, rpr: etree._Element | None, text_tag: str = T) -> etree._Element:
    """A run holding ``text`` formatted with a copy of ``rpr``: tabs and line breaks as their elements, the
    rest in ``text_tag`` elements (``w:t``, or ``w:delText`` inside a deletion)."""
    run = etree.Element(R)
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    buffer = ""
    for char in text + "\0":
        if char in "\t\n\0":
            if buffer:
                element = etree.SubElement(run, text_tag)
                element.text = buffer
                element.set(XML_SPACE, "preserve")
                buffer = ""
            if char != "\0":
                etree.SubElement(run, TAB if char == "\t" else BR)
        else:
            buffer += char
    return run


def deleted_run(text: str, rpr: etree._Element | None, revision: Revision) -> etree._Element:
    """A ``w:del`` holding ``text`` (tabs and breaks as elements) formatted with ``rpr``."""
    wrapper = revision(DEL)
    wrapper.append(text_run(text, rpr, DEL_TEXT))
    return wrapper

def place_deletion(paragraph: etree._Element, pieces: list[Piece], offset: int, element: etree._Element) -> None:
    """Put a deletion where the new text has offset ``offset``: before the piece starting there."""
    following = next((p for p in pieces if p[1] == offset), None)
    if following is not None:
        following[0].addprevious(element)
        return
    preceding = next((p for p in reversed(pieces) if p[2] == offset), None)
    if preceding is not None:
        preceding[0].addnext(element)
        return
    later = next((p for p in pieces if p[1] > offset), None)
    if later is not None:
        later[0].addprevious(element)
    else:
        paragraph.append(element)


def _split_atom(atom: Atom, cuts: list[int]) -> list[tuple[etree._Element, int, int]]:
    if atom.child.tag != T or atom.end - atom.start < 2:
        return [(atom.child, atom.start, atom.end)]
    points = [atom.start] + [c for c in cuts if atom.start < c < atom.end] + [atom.end]
    if len(points) == 2:
        return [(atom.child, atom.start, atom.end)]
    text = atom.child.text or ""
    result = []
    for a, b in zip(points, points[1:], strict=False):
        element = etree.Element(T)
        element.text = text[a - atom.start:b - atom.start]
        element.set(XML_SPACE, "preserve")
        result.append((element, a, b))
    return result


def _rpr_at(atoms: list[Atom], offset: int) -> etree._Element | None:
    for atom in atoms:
        if atom.start <= offset < atom.end:
            return atom.run.find(RPR)
    return atoms[-1].run.find(RPR) if atoms else None


def merge_wrappers(paragraph: etree._Element, kinds: tuple[str, ...] = (INS, DEL, MOVE_FROM, MOVE_TO)) -> None:
    """Adjacent revision wrappers of one of ``kinds``, by the same author at the same time, become one, as
    Word writes them (so it counts one revision)."""
    for wrapper in list(paragraph.iter(*kinds)):
        parent = wrapper.getparent()
        if parent is None or parent.tag == RPR:
            continue
        previous = wrapper.getprevious()
        if previous is not None and previous.tag == wrapper.tag and previous.tail is None \
                and previous.get(AUTHOR) == wrapper.get(AUTHOR) and previous.get(DATE) == wrapper.get(DATE):
            for child in list(wrapper):
                previous.append(child)
            parent.remove(wrapper)


def sanitised_copy(element: etree._Element) -> etree._Element:
    """A copy of old content fit for the new package: no references to the old package's parts or ids."""
    clone = copy.deepcopy(element)
    for item in list(clone.iter(*_STRIP_FROM_COPIES)):
        item_parent = item.getparent()
        assert item_parent is not None  # a descendant of the copy
        item_parent.remove(item)
    for link in list(clone.iter(HYPERLINK)):
        if link.get(R_ID) is not None or link.get(ANCHOR) is not None:
            unwrap(link)  # a descendant of the copy: it has a parent
    for sdt_id in list(clone.iter(ID)):
        sdt_id_parent = sdt_id.getparent()
        assert sdt_id_parent is not None  # a descendant of the copy
        sdt_id_parent.remove(sdt_id)
    for node in clone.iter():
        for attribute in _PARAGRAPH_IDS:
            node.attrib.pop(attribute, "")  # the default only stops a KeyError; the result is unused
    return clone


def wrap_runs(paragraph: etree._Element, tag: str, revision: Revision) -> None:
    """Wrap every run of ``paragraph`` in a revision element (deleted ones get ``w:delText``)."""
    for run in own_runs(paragraph):
        if tag == DEL:  # moved text keeps w:t, as Word writes it
            for text in run.iter(T, INSTR_TEXT):
                text.tag = DEL_TEXT if text.tag == T else DEL_INSTR_TEXT
        wrapper = revision(tag)
        run.addprevious(wrapper)
        wrapper.append(run)
    merge_wrappers(paragraph)


__all__ = ["Piece", "Revision", "deleted_run", "edit_paragraph", "merge_wrappers", "own_runs", "place_deletion",
           "sanitised_copy", "split_runs", "text_run", "wrap_runs"]
