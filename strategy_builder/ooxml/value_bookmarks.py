"""Rendered values as Word bookmarks: turning value markers into bookmarks when a draft is assembled.

Each text a draft renders from one YAML value arrives from the template wrapped in value markers
(:func:`strategy_builder.ooxml.markers.mark_value`). :func:`apply_value_markers` replaces each pair with a
bookmark ``sv_<index>`` around exactly that text (``sv_<index>_<n>`` for the n-th copy when a template prints
a value more than once) and removes every marker that does not pair up, so a template can never break a
build with them. The bookmarks carry no text and are invisible in the document; Word and LibreOffice keep
bookmarks with such names through an edit-and-save (see docs/sections.md), so a returned draft still says
which value each piece of its text came from (read back by :mod:`strategy_builder.ooxml.value_edits`).
"""

from __future__ import annotations

import copy
import re
from typing import cast

from lxml import etree

from strategy_builder.ooxml.bookmarks import next_bookmark_id
from strategy_builder.ooxml.markers import (
    VALUE_CLOSE, VALUE_MARKER_PATTERN, VALUE_OPEN, strip_value_markers, value_bookmark_name,
)
from strategy_builder.ooxml.namespaces import BOOKMARK_END, BOOKMARK_START, ID, NAME, RPR, XML_SPACE, R, T


def has_value_markers(text: str) -> bool:
    """Whether ``text`` (a rendered part or property) holds any value marker character."""
    return VALUE_OPEN in text or VALUE_CLOSE in text


_ONE_VALUE = re.compile(f"{VALUE_OPEN}([0-9]{{1,9}}){VALUE_CLOSE}([^{VALUE_OPEN}{VALUE_CLOSE}]+)"
                        f"{VALUE_OPEN}/\\1{VALUE_CLOSE}")
"""A text that is one value: its begin marker, a text without marker characters, its end marker."""


def _split(run: etree._Element, text_element: etree._Element) -> list[tuple[etree._Element, bool, int]]:
    """Replace the markers inside ``text_element`` (a ``w:t`` of ``run``) with placeholder bookmark elements
    between split copies of the run; returns (placeholder, is_begin, index) in order."""
    text = text_element.text or ""
    whole = _ONE_VALUE.fullmatch(text)
    if whole is not None and all(child is text_element or child.tag == RPR for child in run):
        # How almost every value arrives: its markers around one text, in a run of its own. What the general
        # case below does with it, without its lists.
        index = int(whole.group(1))
        text_element.text = whole.group(2)
        text_element.set(XML_SPACE, "preserve")
        begin, end = etree.Element(BOOKMARK_START), etree.Element(BOOKMARK_END)
        run.addprevious(begin)
        run.addnext(end)
        return [(begin, True, index), (end, False, index)]
    pieces: list[str | tuple[bool, int]] = []
    position = 0
    for match in VALUE_MARKER_PATTERN.finditer(text):
        if match.start() > position:
            pieces.append(text[position:match.start()])
        pieces.append((match.group(1) != "/", int(match.group(2))))
        position = match.end()
    if position < len(text):
        pieces.append(text[position:])
    parent = run.getparent()
    assert parent is not None  # checked by the caller
    texts = [at for at, piece in enumerate(pieces) if isinstance(piece, str) and strip_value_markers(piece)]
    if len(texts) == 1 and all(child is text_element or child.tag == RPR for child in run):
        return _wrap_run(run, text_element, pieces, texts[0])
    children = list(run)
    at = children.index(text_element)
    before, after = children[:at], children[at + 1:]
    rpr = run.find(RPR)

    def new_run(content: list[etree._Element]) -> etree._Element:
        element = etree.Element(R)
        if rpr is not None:
            element.append(copy.deepcopy(rpr))
        for child in content:
            element.append(child)
        return element

    replacement: list[etree._Element] = []
    placeholders: list[tuple[etree._Element, bool, int]] = []
    if any(child.tag != RPR for child in before):
        replacement.append(new_run([c for c in before if c.tag != RPR]))
    for piece in pieces:
        if isinstance(piece, str):
            piece = strip_value_markers(piece)  # a stray half of a marker
            if not piece:
                continue
            t = etree.Element(T)
            t.text = piece
            t.set(XML_SPACE, "preserve")
            replacement.append(new_run([t]))
        else:
            placeholder = etree.Element(BOOKMARK_START if piece[0] else BOOKMARK_END)
            replacement.append(placeholder)
            placeholders.append((placeholder, piece[0], piece[1]))
    if after:
        replacement.append(new_run(after))
    position_in_parent = parent.index(run)
    parent.remove(run)
    for offset, element in enumerate(replacement):
        parent.insert(position_in_parent + offset, element)
    return placeholders


def _wrap_run(run: etree._Element, text_element: etree._Element, pieces: list[str | tuple[bool, int]],
              text_at: int) -> list[tuple[etree._Element, bool, int]]:
    """:func:`_split` where the run holds nothing but ``text_element`` and its markers surround one text,
    ``pieces[text_at]`` (how almost every value arrives): the run keeps that text, and the placeholders go
    before and after it, with no copy of the run made."""
    text_element.text = strip_value_markers(cast(str, pieces[text_at]))
    text_element.set(XML_SPACE, "preserve")
    placeholders: list[tuple[etree._Element, bool, int]] = []
    anchor = run  # the placeholders after the text follow the run in order
    for at, piece in enumerate(pieces):
        if isinstance(piece, str):
            continue  # the text, or a stray half of a marker
        placeholder = etree.Element(BOOKMARK_START if piece[0] else BOOKMARK_END)
        if at < text_at:
            run.addprevious(placeholder)
        else:
            anchor.addnext(placeholder)
            anchor = placeholder
        placeholders.append((placeholder, piece[0], piece[1]))
    return placeholders


def apply_value_markers(document: etree._Element) -> dict[str, int]:
    """Replace every pair of value markers in a rendered ``document.xml`` with a bookmark; remove the rest.

    Returns bookmark name -> value index. A begin marker pairs with the next end marker of the same index;
    a marker without its partner (cut off by a filter, split over two paragraphs by a template) is removed.
    """
    placeholders: list[tuple[etree._Element, bool, int]] = []
    marked = [t for t in document.iter(T) if (text := t.text) and (VALUE_OPEN in text or VALUE_CLOSE in text)]
    for text_element in marked:
        run = text_element.getparent()
        if run is None or run.tag != R or run.getparent() is None:
            text_element.text = strip_value_markers(text_element.text or "")
            continue
        placeholders.extend(_split(run, text_element))
    if not placeholders:
        return {}
    next_id = next_bookmark_id(document)
    open_begins: dict[int, list[etree._Element]] = {}
    pairs: list[tuple[etree._Element, etree._Element, int]] = []
    for element, is_begin, index in placeholders:
        if is_begin:
            open_begins.setdefault(index, []).append(element)
        elif open_begins.get(index):
            pairs.append((open_begins[index].pop(), element, index))
        else:
            _drop(element)
    for leftovers in open_begins.values():
        for element in leftovers:
            _drop(element)
    order = {id(element): position for position, (element, _, _) in enumerate(placeholders)}
    pairs.sort(key=lambda pair: order[id(pair[0])])
    names: dict[str, int] = {}
    occurrences: dict[int, int] = {}
    for begin, end, index in pairs:
        occurrences[index] = occurrences.get(index, 0) + 1
        name = value_bookmark_name(index, occurrences[index])
        begin.set(ID, str(next_id))
        begin.set(NAME, name)
        end.set(ID, str(next_id))
        next_id += 1
        names[name] = index
    return names


def _drop(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def strip_stray_value_markers(root: etree._Element) -> None:
    """Remove value marker characters from every text and attribute of ``root`` (a template that printed a
    value where no bookmark can go, such as an image's description)."""
    for element in root.iter():
        if element.text and has_value_markers(element.text):
            element.text = strip_value_markers(element.text)
        if element.tail and has_value_markers(element.tail):
            element.tail = strip_value_markers(element.tail)
        for key, value in element.attrib.items():
            text = str(value)
            if has_value_markers(text):
                element.set(key, strip_value_markers(text))


__all__ = ["apply_value_markers", "has_value_markers", "strip_stray_value_markers"]
