"""Finishing a main part again by patching its texts: the watcher's rebuild of a document whose wording changed.

:func:`strategy_builder.ooxml.rendered.finish_docx` parses a rendered ``document.xml`` and runs its passes
over the whole tree (section and value markers to bookmarks, short tables and lead-ins kept together...).
A long-lived caller that finishes the same document again and again (``build --preview --watch``) can keep
what the last finish made in a :class:`MainPartMemo`. When the next rendered main part differs from the
last one only inside the text of some ``w:t`` elements, the finished tree is the last one with those texts
replaced, and no pass needs to run again, provided that none of the passes would decide differently:

- the markup around the texts is the same, character for character (so the tree, its tables, runs and
  paragraphs are the same, and the texts are found by their order among the ``w:t`` start tags);
- a changed text holds no section marker, logo or pending marker (characters U+E000, U+E001), and its value
  markers are the same ones in the same places, around one non-empty piece of text as before (so the value
  bookmarks are the same and the run was not split); except that a text a language version prints
  untranslated may start with the pending marker before and after the change, and hold no value marker:
  :func:`~strategy_builder.ooxml.language.mark_pending` wrote the label in its place and marked the run,
  which the change leaves as it was;
- the paragraph holding it ends in a colon after the change exactly when it did before (a lead-in keeps
  with the next block, see :mod:`strategy_builder.ooxml.pagination`);
- the new text parses as XML character data (entity references, characters) as the whole part would.

Anything else (a paragraph added or removed, a priority more or less, markup that changed) is finished
from scratch. The patch is all or nothing: the memo is given up while its tree is being changed, so an
interruption (Ctrl-C) leaves no memo that disagrees with its tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from strategy_builder.ooxml.block_finish import BlockMemo
from strategy_builder.ooxml.markers import CLOSE, OPEN, PENDING_MARKER, VALUE_MARKER_PATTERN, strip_value_markers
from strategy_builder.ooxml.namespaces import DEL_TEXT, P, T
from strategy_builder.ooxml.parser import XmlRefused, parse_xml
from strategy_builder.ooxml.text import count_words

_TAG = re.compile(r"(<[^>]*>)")
_TEXT_START = re.compile(r"<w:t(?: [^>]*)?>")
"""A ``w:t`` start tag as :func:`count_text_starts` counts them (``<w:t .../>`` too: it is an element)."""
_CHUNK = 4096
_PARSED_AS_WRITTEN = re.compile("[&\r\\]<\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""A character that makes character data read otherwise than written (a reference, a carriage return, which
the parser makes a line feed) or refused (``<``, a character XML does not allow, ``]`` of ``]]>``)."""


@dataclass(slots=True)
class MainPartMemo:
    """What finishing one document's main part made last time (see the module): the rendered text it was
    made from, the finished tree and the ``w:t`` elements of the rendered tree in document order (those the
    passes split are no longer in the tree). Empty until a finish fills it."""

    key: tuple[Any, ...] | None = None
    """Everything besides the rendered text that the main part's passes depend on (template, options)."""
    rendered: str = ""
    root: etree._Element | None = None
    texts: list[etree._Element] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    """Bookmark name -> section ID, as the section markers gave them."""
    extra_parts: dict[str, bytes] = field(default_factory=dict)
    """Parts the main part's passes added or changed (the logo's image, relationship and content type)."""
    bookmarks: frozenset[str] = frozenset()
    """The names of the bookmarks of the finished part (a patch changes none)."""
    final_texts: list[etree._Element] = field(default_factory=list)
    """The ``w:t`` elements of the finished tree, in document order (a patch changes their texts only)."""
    words: int = 0
    """The words of their texts joined by spaces (a patch counts those of the texts it changes)."""
    word_counts: dict[str, int] = field(default_factory=dict)
    """The words of each text of the last finish (a function of the text alone: kept by :meth:`clear`)."""
    blocks: BlockMemo = field(default_factory=BlockMemo)
    """The groups of blocks the part was last finished in, for a save that changes more than texts."""

    checked: bool = True
    """Whether the rendered text's ``w:t`` start tags are known to match :attr:`texts` one to one (see
    :meth:`remember`); a memo not yet checked is checked before it patches anything."""

    retired: tuple[object, ...] = ()
    """The tree and text elements :meth:`clear` gave up last, until :meth:`release`: freeing a document's
    tree and the elements held in it takes a few milliseconds, which a watcher spends after reporting."""

    def clear(self) -> None:
        """Forget the last finish (the next one starts from scratch)."""
        if self.root is not None:
            self.retired = (self.root, self.texts, self.final_texts)
        self.key, self.rendered, self.root, self.texts, self.names, self.extra_parts = None, "", None, [], {}, {}
        self.bookmarks, self.final_texts, self.words, self.checked = frozenset(), [], 0, True

    def release(self) -> None:
        """Free what :meth:`clear` gave up (see :attr:`retired`)."""
        self.retired = ()

    def count_words(self, texts: list[str]) -> int:
        """The words of ``texts`` joined by spaces: the sum of theirs (a space ends a word), each text's
        counted unless the last finish had it. Remembers the counts of these texts only."""
        known, total = self.word_counts, 0
        counts: dict[str, int] = {}
        for text in texts:
            words = counts.get(text)
            if words is None:
                words = known.get(text)
                counts[text] = words = count_words(text) if words is None else words
            total += words
        self.word_counts = counts
        return total

    def remember(self, key: tuple[Any, ...], rendered: str, root: etree._Element, texts: list[etree._Element],
                 names: dict[str, str], extra_parts: dict[str, bytes], bookmarks: frozenset[str],
                 final_texts: list[etree._Element], words: int) -> None:
        """Keep a finish from scratch: ``texts`` are the ``w:t`` elements of ``rendered`` as parsed, before
        the passes, ``final_texts`` those of the finished tree ``root``, ``bookmarks`` its bookmarks' names,
        ``words`` the words of its text.
        Forgotten by :meth:`check` when the start tags of ``rendered`` cannot be matched with them one to one;
        a watcher checks once it has reported the rebuild (four searches of the whole text: 0.6-0.8 ms for
        AM's 190 KB part on this project's test machine), :meth:`patch` does if nobody did."""
        self.clear()
        self.key, self.rendered, self.root, self.texts = key, rendered, root, texts
        self.names, self.extra_parts = names, extra_parts
        self.bookmarks = bookmarks
        self.final_texts, self.words = final_texts, words
        self.checked = False

    def check(self) -> None:
        """Forget the finish :meth:`remember` kept if its rendered text cannot be patched."""
        if self.checked:
            return
        rendered = self.rendered
        if (count_text_starts(rendered, 0, len(rendered)) != len(self.texts) or "<!" in rendered
                or rendered.find("<?", 1) >= 0):
            self.clear()  # a comment, CDATA or processing instruction, or w:t written another way: no patching
        self.checked = True

    def patch(self, key: tuple[Any, ...], rendered: str, pending_label: str | None = None) -> etree._Element | None:
        """The finished tree of ``rendered``, made by patching the last one, or ``None`` when the module's
        conditions do not hold (the caller then finishes from scratch, and remembers that).
        ``pending_label``: the label the finish writes for the pending marker of a language version (part of
        ``key`` too), ``None`` for a document in the source language."""
        self.check()
        if self.root is None or key != self.key:
            return None
        changes = changed_texts(self.rendered, rendered)
        if changes is None:
            return None
        planned: list[tuple[etree._Element, str]] = []
        for ordinal, old_raw, new_raw in changes:
            if ordinal >= len(self.texts):
                return None
            element = self.texts[ordinal]
            new_text = _finished_text(element, old_raw, new_raw, self.root, pending_label)
            if new_text is None:
                return None
            planned.append((element, new_text))
        if not _same_lead_ins(planned):
            return None
        words = self.words + sum(count_words(text) - count_words(element.text or "") for element, text in planned)
        root = self.root
        self.root = None  # given up until the texts are all in place (an interruption leaves no memo)
        for element, text in planned:
            element.text = text
        self.root, self.rendered, self.words = root, rendered, words
        return root


def count_text_starts(text: str, start: int, end: int) -> int:
    """The ``w:t`` start tags of rendered XML ``text[start:end]``: how a memo numbers a part's texts (and
    :func:`~strategy_builder.ooxml.value_bookmarks.bookmark_values_in_text` the texts it splits)."""
    return text.count("<w:t>", start, end) + text.count("<w:t ", start, end)


def _common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix of ``a`` and ``b`` (compared a chunk at a time)."""
    limit = min(len(a), len(b))
    at = 0
    while at + _CHUNK <= limit and a[at:at + _CHUNK] == b[at:at + _CHUNK]:
        at += _CHUNK
    low, high = at, min(at + _CHUNK, limit)
    while low < high:
        middle = (low + high + 1) // 2
        if a[at:middle] == b[at:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: str, b: str, limit: int) -> int:
    """The length of the longest common suffix of ``a`` and ``b``, at most ``limit``."""
    la, lb = len(a), len(b)
    at = 0
    while at + _CHUNK <= limit and a[la - at - _CHUNK:la - at] == b[lb - at - _CHUNK:lb - at]:
        at += _CHUNK
    low, high = at, min(at + _CHUNK, limit)
    while low < high:
        middle = (low + high + 1) // 2
        if a[la - middle:la - at] == b[lb - middle:lb - at]:
            low = middle
        else:
            high = middle - 1
    return low


def changed_texts(old: str, new: str) -> list[tuple[int, str, str]] | None:
    """(ordinal of the ``w:t`` among the part's ``w:t`` start tags, old content, new content) of each ``w:t``
    whose content (as written, entities unresolved) differs between the two rendered parts; ``None`` when
    anything else differs, markup or text outside a ``w:t``."""
    if old == new:
        return []
    prefix = _common_prefix(old, new)
    suffix = _common_suffix(old, new, min(len(old), len(new)) - prefix)
    start = old.rfind("<", 0, prefix)
    if start < 0:
        return None
    end_old = old.find(">", len(old) - suffix)
    if end_old < 0:
        return None
    extra = end_old + 1 - (len(old) - suffix)
    if old.count("<", start, len(old) - suffix + extra) != new.count("<", start, len(new) - suffix + extra):
        # A tag more or less (a paragraph, a priority): settled before the windows are copied out of the parts
        # (two copies of most of a part when the contents at its start and the changes table at its end change).
        return None
    window_old = old[start:len(old) - suffix + extra]
    window_new = new[start:len(new) - suffix + extra]
    if "<!" in window_old or "<?" in window_old:
        return None
    pieces_old = _TAG.split(window_old)
    pieces_new = _TAG.split(window_new)
    if len(pieces_old) != len(pieces_new) or pieces_old[1::2] != pieces_new[1::2]:
        return None
    changes = []
    ordinal = count_text_starts(old, 0, start)
    for at in range(0, len(pieces_old), 2):
        inside = False
        if at and _TEXT_START.fullmatch(pieces_old[at - 1]):
            ordinal += 1
            inside = not pieces_old[at - 1].endswith("/>") and at + 1 < len(pieces_old) \
                and pieces_old[at + 1] == "</w:t>"
        if pieces_old[at] == pieces_new[at]:
            continue
        if not inside or ">" in pieces_new[at]:
            return None
        changes.append((ordinal - 1, pieces_old[at], pieces_new[at]))
    return changes


def _decoded(raw: str) -> str | None:
    """The text a ``w:t`` with content ``raw`` holds once parsed, or ``None`` if it does not parse."""
    if _PARSED_AS_WRITTEN.search(raw) is None:
        return raw  # no reference, line end or character the parser reads otherwise or refuses
    try:
        element = parse_xml(f"<t>{raw}</t>".encode())
    except XmlRefused:
        return None
    return None if len(element) else element.text or ""  # (an entity left unresolved would be a child)


def _pieces(text: str) -> tuple[list[tuple[bool, str]], list[str]] | None:
    """A text's value markers (as (is begin, index) strings) and the texts between them; ``None`` for a
    text that holds a section, logo or pending marker, or half of a value marker."""
    if OPEN in text or CLOSE in text:
        return None
    markers = [(match.group(1) != "/", match.group(2)) for match in VALUE_MARKER_PATTERN.finditer(text)]
    between = VALUE_MARKER_PATTERN.split(text)[::3]
    if any(strip_value_markers(piece) != piece for piece in between):
        return None
    return markers, between


def _finished_text(element: etree._Element, old_raw: str, new_raw: str, root: etree._Element,
                   pending_label: str | None = None) -> str | None:
    """What ``element`` (a ``w:t`` as the passes left it) reads once its rendered content is ``new_raw``
    instead of ``old_raw``, or ``None`` when the passes could have treated the new text otherwise."""
    old, new = _decoded(old_raw), _decoded(new_raw)
    if old is None or new is None:
        return None
    label = ""
    if pending_label is not None and old.startswith(PENDING_MARKER) and new.startswith(PENDING_MARKER):
        # Printed untranslated before and after: the label stands where the marker was (mark_pending).
        old, new, label = old[len(PENDING_MARKER):], new[len(PENDING_MARKER):], f"{pending_label} "
    old_pieces, new_pieces = _pieces(old), _pieces(new)
    if old_pieces is None or new_pieces is None or old_pieces[0] != new_pieces[0]:
        return None
    if label and old_pieces[0]:
        return None  # a label and value bookmarks in one run: the bookmarks split it
    old_texts = [piece for piece in old_pieces[1] if piece]
    new_texts = [piece for piece in new_pieces[1] if piece]
    shape_old = [bool(piece) for piece in old_pieces[1]]
    if shape_old != [bool(piece) for piece in new_pieces[1]]:
        return None
    if old_pieces[0] and len(old_texts) != 1:
        return None  # the value bookmarks split the run: its texts are elements of their own
    expected = label + "".join(old_texts)
    if (element.text or "") != expected or element.getroottree().getroot() is not root:
        return None  # not the element as the passes left it (split off, or moved out of the part)
    return label + "".join(new_texts)


def _ends_with_colon(paragraph: etree._Element, replaced: dict[etree._Element, str]) -> bool:
    """Whether the paragraph's text (deleted text included, as the lead-in pass reads it) ends in a colon,
    with the texts of ``replaced`` elements read as given."""
    text = "".join(replaced.get(element, element.text or "") for element in paragraph.iter()
                   if element.tag in (T, DEL_TEXT))
    return text.rstrip().endswith(":")


def _same_lead_ins(planned: list[tuple[etree._Element, str]]) -> bool:
    """Whether each paragraph holding a changed text ends in a colon after the change as it did before."""
    replaced = dict(planned)
    paragraphs: dict[int, etree._Element] = {}
    for element, _ in planned:
        paragraph = element.getparent()
        while paragraph is not None and paragraph.tag != P:
            paragraph = paragraph.getparent()
        if paragraph is not None:
            paragraphs[id(paragraph)] = paragraph
    return all(_ends_with_colon(paragraph, {}) == _ends_with_colon(paragraph, replaced)
               for paragraph in paragraphs.values())


__all__ = ["MainPartMemo", "changed_texts", "count_text_starts"]
