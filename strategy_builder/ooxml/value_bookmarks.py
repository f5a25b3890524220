"""Rendered values as Word bookmarks: turning value markers into bookmarks when a draft is assembled.

Each text a draft renders from one YAML value arrives from the template wrapped in value markers
(:func:`strategy_builder.ooxml.markers.mark_value`). :func:`apply_value_markers` replaces each pair with a
bookmark ``sv_<index>`` around exactly that text (``sv_<index>_<n>`` for the n-th copy when a template prints
a value more than once) and removes every marker that does not pair up, so a template can never break a
build with them. The bookmarks carry no text and are invisible in the document; Word and LibreOffice keep
bookmarks with such names through an edit-and-save (see docs/sections.md), so a returned draft still says
which value each piece of its text came from (read back by :mod:`strategy_builder.ooxml.value_edits`).

A value arrives in a run of its own, holding run properties and one text: the value's, sometimes with text
around it (``[title]``). :func:`bookmark_values_in_text` does in the rendered XML text, before it is parsed,
what the two passes do to such runs in the tree, numbering the bookmarks as they would: finding a value is
then a search for a character found nowhere else instead of a walk over every text, and no element is
made in Python. It does all or nothing: a part with any other value (a run with more in it, a marker cut
off, a value in two texts) is left to the tree. The same bytes either way (tested).
"""

from __future__ import annotations

import copy
import re
from typing import NamedTuple, cast

from lxml import etree

from strategy_builder.ooxml.bookmarks import next_bookmark_id
from strategy_builder.ooxml.markers import (
    CLOSE, MARKER_PATTERN, OPEN, VALUE_CLOSE, VALUE_MARKER_PATTERN, VALUE_OPEN, strip_value_markers,
    value_bookmark_name,
)
from strategy_builder.ooxml.namespaces import BOOKMARK_END, BOOKMARK_START, ID, NAME, RPR, XML_SPACE, R, T
from strategy_builder.ooxml.text_patch import count_text_starts


def has_value_markers(text: str) -> bool:
    """Whether ``text`` (a rendered part or property) holds any value marker character."""
    return VALUE_OPEN in text or VALUE_CLOSE in text


_ONE_VALUE = re.compile(f"{VALUE_OPEN}([0-9]{{1,9}}){VALUE_CLOSE}([^{VALUE_OPEN}{VALUE_CLOSE}]+)"
                        f"{VALUE_OPEN}/\\1{VALUE_CLOSE}")
"""A text that is one value: its begin marker, a text without marker characters, its end marker."""


class ValueRuns(NamedTuple):
    """A rendered part whose values :func:`bookmark_values_in_text` bookmarked in its text."""

    xml: str
    names: dict[str, int]
    """Bookmark name -> value index, as :func:`apply_value_markers` answers."""
    first_section_id: int
    """The number of the first section bookmark (``first_id`` of
    :func:`~strategy_builder.ooxml.bookmarks.apply_section_markers`): the values' come after the sections'."""
    split: tuple[tuple[int, int], ...]
    """(ordinal among the rendered part's ``w:t`` start tags, number of ``w:t`` that replace it) of each text
    split into runs of its own around its value's bookmark: where the rendered texts and the part's differ."""


_NOT_MARKED = f"[^{VALUE_OPEN}{VALUE_CLOSE}{OPEN}{CLOSE}<]*"
_TEXT_WITH_VALUE = re.compile(f"({_NOT_MARKED}){VALUE_OPEN}([0-9]{{1,9}}){VALUE_CLOSE}({_NOT_MARKED})"
                              f"{VALUE_OPEN}/\\2{VALUE_CLOSE}({_NOT_MARKED})</w:t></w:r>")
"""The content of a ``w:t`` that is one value with text around it or not, then the end of its run."""
_TEXT_STARTS = ("<w:t>", '<w:t xml:space="preserve">')
_BOOKMARK_START_TAG = re.compile(r'<w:bookmarkStart\b[^>]*?\sw:id="([0-9]{1,9})"')


def bookmark_values_in_text(xml: str) -> ValueRuns | None:
    """The rendered ``document.xml`` text ``xml`` with every value's bookmark made, as
    :func:`apply_section_markers` and then :func:`apply_value_markers` would make them in its tree, when
    every value is in a run of its own (run properties and one text holding the value, with text around it
    or not, see the module); ``None`` when there is no value, or any other, or anything this cannot number
    as the tree would (then the passes do it all). The section bookmarks are then to be numbered from
    ``first_section_id``."""
    if VALUE_OPEN not in xml:
        return None
    ids = [int(found) for found in _BOOKMARK_START_TAG.findall(xml)]
    if len(ids) != xml.count("bookmarkStart"):  # a bookmark written another way: counted by the tree
        return None
    first_section_id = max(ids, default=0) + 1
    sections = sum(1 for marker in MARKER_PATTERN.finditer(xml) if marker.group(1) != "end")
    next_id = first_section_id + sections
    pieces: list[str] = []
    names: dict[str, int] = {}
    occurrences: dict[int, int] = {}
    split: list[tuple[int, int]] = []
    position = counted = ordinal = 0
    found = xml.find(VALUE_OPEN)
    while found >= 0:
        tag_start = xml.rfind("<", 0, found)
        tag = next((tag for tag in _TEXT_STARTS if xml.startswith(tag, tag_start)), "")
        value = _TEXT_WITH_VALUE.match(xml, tag_start + len(tag)) if tag else None
        start, properties_start = _run_start(xml, tag_start) if value is not None else (-1, -1)
        if value is None or start < position:
            return None
        index = int(value.group(2))
        occurrences[index] = occurrences.get(index, 0) + 1
        name = value_bookmark_name(index, occurrences[index])
        names[name] = index
        begin = f'<w:bookmarkStart w:id="{next_id}" w:name="{name}"/>'
        end = f'<w:bookmarkEnd w:id="{next_id}"/>'
        next_id += 1
        before, text, after = value.group(1), value.group(3), value.group(4)
        properties = xml[properties_start:tag_start]  # '', '<w:rPr/>' or '<w:rPr>...</w:rPr>'
        texts = [piece for piece in (before, text, after) if piece]
        pieces.append(xml[position:start])
        if len(texts) == 1:
            # The run keeps its one text; a bookmark's start or end goes before the run when it came before
            # that text, after it otherwise (as _wrap_run, and the usual case: start, run, end).
            run = f'{xml[start:tag_start]}<w:t xml:space="preserve">{texts[0]}</w:t></w:r>'
            pieces += ((begin, end, run) if after else (run, begin, end) if before else (begin, run, end))
        else:
            # A run of its own for each text, with the run's properties (as _split's general case).
            counted, ordinal = tag_start, ordinal + count_text_starts(xml, counted, tag_start)
            split.append((ordinal, len(texts)))
            for piece, bookmark in ((before, ""), ("", begin), (text, ""), ("", end), (after, "")):
                if piece:
                    pieces.append(f'<w:r>{properties}<w:t xml:space="preserve">{piece}</w:t></w:r>')
                elif bookmark:
                    pieces.append(bookmark)
        position = value.end()
        found = xml.find(VALUE_OPEN, position)
    if VALUE_CLOSE in xml[position:] or xml.count(VALUE_CLOSE, 0, position) != 2 * len(names):
        return None  # an end marker outside the values found
    pieces.append(xml[position:])
    return ValueRuns("".join(pieces), names, first_section_id, tuple(split))


_RUN_PROPERTIES_END = "</w:rPr>"
_EMPTY_RUN_PROPERTIES = "<w:rPr/>"


def _run_start(xml: str, text_start: int) -> tuple[int, int]:
    """Where the run starts whose start tag and properties (if any) come right before the ``w:t`` at
    ``text_start``, and where its properties start; (-1, -1) when anything else comes before the text
    (properties with attributes or holding a ``w:rPrChange``, another element): such a run is the tree's."""
    at = text_start
    if xml.endswith(_RUN_PROPERTIES_END, 0, at):
        at = xml.rfind("<w:rPr>", 0, at)
        if at < 0 or xml.count("<w:rPr", at, text_start) != 1:  # its own, no rPrChange, no other run's
            return -1, -1
    elif xml.endswith(_EMPTY_RUN_PROPERTIES, 0, at):
        at -= len(_EMPTY_RUN_PROPERTIES)
    if not xml.endswith(">", 0, at):
        return -1, -1
    start = xml.rfind("<", 0, at)
    return (start, at) if xml.startswith(("<w:r>", "<w:r "), start) else (-1, -1)


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


__all__ = ["ValueRuns", "apply_value_markers", "bookmark_values_in_text", "has_value_markers",
           "strip_stray_value_markers"]
