"""Rendered XML parts made into a finished, stamped .docx, and a finished .docx read back for checking.

The render layer renders a template's parts as text; :func:`finish_docx` parses them strictly, turns the
section markers of the main part into bookmarks (refusing markers anywhere else), renumbers drawings,
stamps the custom and core properties, switches Track Changes on and (unless the contents already has
its page numbers) asks Word to refresh fields, places the logo, keeps short tables on one page, and
zips the package deterministically. :func:`read_docx_contents` reads a finished file back, parsing every
XML part strictly. Both answer with :class:`DocxContents`, what the build checks of a document.
"""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import NamedTuple, cast

from lxml import etree

from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.digits import signed_whole_number
from strategy_builder.ooxml.block_finish import SEPARATOR_MARK, FinishedPiece
from strategy_builder.ooxml.bookmarks import MarkerError, apply_section_markers, bookmark_names, next_bookmark_id
from strategy_builder.ooxml.drawings import Picture, place_picture, renumber_drawing_ids
from strategy_builder.ooxml.language import LanguagePartError, mark_pending, set_document_language
from strategy_builder.ooxml.markers import OPEN, VALUE_CLOSE, VALUE_OPEN, strip_value_markers
from strategy_builder.ooxml.namespaces import BODY, BOOKMARK_START, ID, NAME, P, T, qn
from strategy_builder.ooxml.package import DocxPackage, Parts, write_zip
from strategy_builder.ooxml.pagination import (
    break_before_headings, keep_lead_ins_with_next, keep_short_tables_together,
)
from strategy_builder.ooxml.parser import XmlRefused, XmlTooLarge, parse_xml, serialize
from strategy_builder.ooxml.properties import (
    CoreProperties, enable_field_update_on_open, enable_track_changes, write_core_properties,
)
from strategy_builder.ooxml.stamps import DraftStamps, read_stamps, write_stamps
from strategy_builder.ooxml.text import count_words, visible_text
from strategy_builder.ooxml.text_patch import MainPartMemo
from strategy_builder.ooxml.value_bookmarks import (
    ValueRuns, apply_value_markers, bookmark_values_in_text, has_value_markers, strip_stray_value_markers,
)


_RSID_DEL = qn("w:rsidDel")
_VALUE_BYTES = re.compile(re.escape(VALUE_OPEN.encode()) + b"|" + re.escape(VALUE_CLOSE.encode()))


class PartProblem(ValueError):
    """A part of a document that cannot be made or read back: the part (or ``package``) and what is wrong."""

    def __init__(self, part: str, message: str) -> None:
        super().__init__(f"{part}: {message}")
        self.part = part
        self.message = message


class DocxContents(NamedTuple):
    """A finished .docx and what a build checks in it."""

    data: bytes
    main_part: str
    section_names: dict[str, str]
    """Bookmark name -> section ID, as the custom properties say."""
    bookmarks: frozenset[str]
    """Names of the bookmarks that start in the main part."""
    text: str
    """The visible text of the main part (``w:t`` only, pieces joined by spaces)."""
    words: int
    """Its words (:func:`strategy_builder.ooxml.text.count_words`)."""


@dataclass(frozen=True, slots=True, eq=False)
class _Same:
    """A value compared by identity (a memo's template parts: the same store, not an equal one)."""

    value: object

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.value is self.value

    def __hash__(self) -> int:
        return id(self.value)


def _as_rendered(xml: str, name: str, error: XmlRefused) -> XmlRefused:
    """What the parser says of the part as rendered, ``xml``: its line and column, not those of the text the
    values' bookmarks were written into."""
    try:
        parse_xml(xml.encode("utf-8"), part=name)
    except XmlRefused as rendered:
        return rendered
    return error


def _rendered_texts(root: etree._Element, values: ValueRuns | None) -> list[etree._Element]:
    """The ``w:t`` elements of a parsed main part, one for each ``w:t`` of the part as rendered (what a
    :class:`MainPartMemo` keeps): where :func:`bookmark_values_in_text` split a text into runs of their own,
    a detached element stands for it, as the tree's passes leave the split text out of the tree."""
    parsed = list(root.iter(T))
    if values is None or not values.split:
        return parsed
    texts: list[etree._Element] = []
    at = ordinal = 0
    for split_ordinal, replaced_by in values.split:
        texts += parsed[at:at + split_ordinal - ordinal]
        at += split_ordinal - ordinal + replaced_by
        texts.append(etree.Element(T))
        ordinal = split_ordinal + 1
    return texts + parsed[at:]


def _contents(data: bytes, main: str, document: etree._Element, names: dict[str, str]) -> DocxContents:
    text = visible_text(document)
    return DocxContents(data, main, names, frozenset(bookmark_names(document)), text, count_words(text))


def _text_of(texts: list[etree._Element]) -> str:
    """:func:`visible_text` of a part whose ``w:t`` elements are ``texts``, in document order."""
    return " ".join(t.text or "" for t in texts)


def _is_separator(block: etree._Element) -> bool:
    """Whether ``block`` is the :data:`~strategy_builder.ooxml.block_finish.SEPARATOR` after a group of a piece."""
    return block.tag == P and block.get(_RSID_DEL) == SEPARATOR_MARK and not len(block)


class _MainPasses(NamedTuple):
    """The passes over a main part's tree, with what they depend on besides the tree (see
    :func:`finish_docx`): run over the whole part, or over a group of its blocks
    (:mod:`strategy_builder.ooxml.block_finish`)."""

    parts: Mapping[str, bytes]
    main: str
    picture: tuple[str, Picture] | None
    keep_short_tables: bool
    keep_lead_ins: bool
    pending: tuple[str, str] | None
    breaks_before: frozenset[str]

    def run(self, root: etree._Element, values: ValueRuns | None, first_id: int | None, *,
            ids: dict[str, int] | None = None, require_ends: bool = True) -> tuple[dict[str, str], dict[str, bytes]]:
        """Run the passes over ``root``: the sections' bookmark names and the parts the passes added."""
        added: dict[str, bytes] = {}
        if self.picture is not None:
            try:
                # Written into ``added`` only: the template's parts are read.
                place_picture(ChainMap(added, cast(MutableMapping[str, bytes], self.parts)), self.main, root,
                              *self.picture)
            except ValueError as error:
                raise PartProblem(self.main, f"the picture: {error}") from error
        if self.keep_short_tables:
            keep_short_tables_together(root)
        if self.pending is not None:
            mark_pending(root, *self.pending)
        try:
            names = apply_section_markers(root, first_id=first_id, ids=ids, require_ends=require_ends)
        except MarkerError as error:
            raise PartProblem(self.main, f"section markers: {error}") from error
        if values is None:
            apply_value_markers(root)
        body = root.find(BODY)
        if self.keep_lead_ins and body is not None:
            keep_lead_ins_with_next(body)  # after the markers: a value's text ends where it is printed
        break_before_headings(root, self.breaks_before)
        return names, added

    def finish_piece(self, document: str, ids: dict[str, int]) -> FinishedPiece | None:
        """Groups of a main part's blocks finished together, apart from the rest of the part (a
        :data:`~strategy_builder.ooxml.block_finish.PieceFinisher`); ``None`` where they cannot be (the whole
        part is then finished, and says why)."""
        values = bookmark_values_in_text(document)
        if values is None and has_value_markers(document):
            return None
        try:
            root = parse_xml((values.xml if values else document).encode("utf-8"), part=self.main)
            body = root.find(BODY)
            if body is None:
                return None
            logo_in = self._logo_group(body)
            first_id = values.first_section_id if values else next_bookmark_id(root)
            _, added = self.run(root, values, first_id, ids=ids, require_ends=False)
        except (XmlRefused, PartProblem):
            return None
        texts: list[list[str]] = [[]]
        starts: list[list[tuple[int, str]]] = [[]]
        for block in body:
            if _is_separator(block):
                texts.append([])
                starts.append([])
                continue
            for element in block.iter(T, BOOKMARK_START):
                if element.tag == T:
                    texts[-1].append(element.text or "")
                else:
                    starts[-1].append((signed_whole_number(element.get(ID) or "") or 0, element.get(NAME) or ""))
        return FinishedPiece(serialize(root), texts, starts, first_id, ids, added,
                             logo_in if added else None)

    def _logo_group(self, body: etree._Element) -> int | None:
        """The group of a piece's ``body`` (counted by separators) whose text the logo takes the place of, as
        :func:`~strategy_builder.ooxml.drawings.place_picture` finds it: the first text that is the marker."""
        if self.picture is None:
            return None
        group = 0
        for block in body:
            if _is_separator(block):
                group += 1
            elif any(text.text == self.picture[0] for text in block.iter(T)):
                return group
        return None


def finish_docx(parts: Mapping[str, bytes], rendered: Mapping[str, str], main: str, *, stamps: DraftStamps,
                core: CoreProperties, track_changes: bool = True, compresslevel: int = 6,
                update_fields: bool = True, picture: tuple[str, Picture] | None = None,
                keep_short_tables: bool = False, keep_lead_ins: bool = False, language: str = "",
                pending: tuple[str, str] | None = None, breaks_before: frozenset[str] = frozenset(),
                memo: MainPartMemo | None = None) -> DocxContents:
    """The package ``parts`` with the ``rendered`` XML text of some of them, finished (see the module).

    ``update_fields``: ask Word to refresh fields on opening (a contents without page numbers needs it);
    ``picture``: (marker, picture) puts the picture in place of the run whose text is the marker (the logo);
    ``keep_short_tables``: tables of a few rows never split across pages (ooxml/pagination.py);
    ``keep_lead_ins``: a paragraph ending in a colon keeps with the list or table it introduces (likewise);
    ``language``: the language tag of a language version (``ru-RU``) for its styles and settings;
    ``pending``: (label, source language tag) for the values printed untranslated (ooxml/language.py);
    ``breaks_before``: section bookmarks whose headings start a new page (ooxml/pagination.py);
    ``memo``: what the last finish of the same document made, used when only texts changed and updated
    (:mod:`strategy_builder.ooxml.text_patch`; the result is the same bytes either way).
    Raises :class:`PartProblem` naming the part when rendered XML is not well-formed, when section markers
    do not pair up, when a marker sits outside the main part, or when the picture is not a PNG or JPEG.
    """
    # Media stay in the template's archive (a Parts store): written, still compressed, straight into the zip.
    finished = parts.copy() if isinstance(parts, Parts) else dict(parts)
    passes = _MainPasses(parts, main, picture, keep_short_tables, keep_lead_ins, pending, breaks_before)
    key = (_Same(parts), *passes[1:])  # what the main part's passes depend on, the template's parts by identity
    patched = (memo.patch(key, rendered[main], pending[0] if pending is not None else None)
               if memo is not None and main in rendered else None)
    by_blocks = (memo.blocks.finish(key, rendered[main])
                 if memo is not None and patched is None and main in rendered else None)
    names: dict[str, str] = {}
    if patched is not None and memo is not None:
        finished.update(memo.extra_parts)
        names = dict(memo.names)
    elif by_blocks is not None and memo is not None:
        memo.clear()  # its tree is the part before this save's: no later text can be patched into it
        finished.update(by_blocks.added)
        finished[main] = by_blocks.data
        names = by_blocks.names
    roots: dict[str, etree._Element] = {}
    values: ValueRuns | None = None
    for name, xml in rendered.items():
        if name == main and (patched is not None or by_blocks is not None):
            continue
        if name != main and has_value_markers(xml):
            xml = strip_value_markers(xml)  # values in headers, footers, notes: no provenance there
        elif name == main:
            values = bookmark_values_in_text(xml)  # usually every value's bookmark, made in the text
        try:
            roots[name] = parse_xml((values.xml if name == main and values else xml).encode("utf-8"), part=name)
        except XmlTooLarge as error:  # strategy-builder would refuse to read such a document back
            raise PartProblem(name, f"the rendered document is too large ({error}): it would not be read "
                                    "back; print fewer or shorter values") from error
        except XmlRefused as error:
            reported = _as_rendered(xml, name, error) if name == main and values is not None else error
            raise PartProblem(name, f"rendered XML is broken: {reported}") from error
    texts = _rendered_texts(roots[main], values) if memo is not None and main in roots else []
    added: dict[str, bytes] = {}
    if main in roots:
        names, added = passes.run(roots[main], values, values.first_section_id if values else None)
        finished.update(added)
    if pending is not None:
        for name, root in roots.items():
            if name != main:
                mark_pending(root, *pending)
    strays = False
    for name, root in [*roots.items(), *([(main, patched)] if patched is not None else [])]:
        if name != main and any(OPEN in (t or "") for t in root.itertext()):
            raise PartProblem(name, "section markers are only allowed in the document body")
        data = serialize(root)
        if name == main and _VALUE_BYTES.search(data):  # a marker where no bookmark can go (rare)
            strip_stray_value_markers(root)
            data = serialize(root)
            strays = True
        if name == main:
            data = renumber_drawing_ids(data)
        finished[name] = data
    package = DocxPackage(finished, source=f"{stamps.partner or 'document'}.docx")
    write_stamps(package, stamps, names)
    write_core_properties(package, core)
    if language:
        try:
            set_document_language(package, language)
        except LanguagePartError as error:
            raise PartProblem(error.part, f"the part cannot be read: {error.message}") from error
    if track_changes:
        enable_track_changes(package)
    if update_fields:
        enable_field_update_on_open(package)
    data = write_zip(package.parts, compresslevel=compresslevel)
    if patched is not None and memo is not None:  # the patch changed texts only: the same bookmarks
        return DocxContents(data, main, names, memo.bookmarks, _text_of(memo.final_texts), memo.words)
    if by_blocks is not None and memo is not None:
        return DocxContents(data, main, names, by_blocks.bookmarks, " ".join(by_blocks.texts),
                            memo.count_words(by_blocks.texts))
    if memo is not None and main in roots and not strays:  # (stripped strays: the passes read other texts)
        final_texts = list(roots[main].iter(T))
        bookmarks = frozenset(bookmark_names(roots[main]))
        pieces = [t.text or "" for t in final_texts]
        text = " ".join(pieces)  # as _text_of
        words = memo.count_words(pieces)  # the words of the text: those of its pieces, known or counted
        memo.remember(key, rendered[main], roots[main], texts, names, added, bookmarks, final_texts, words)
        memo.blocks.prepare(key, passes.finish_piece, rendered[main], finished[main])
        return DocxContents(data, main, names, bookmarks, text, words)
    document = roots[main] if main in roots else parse_xml(finished[main], part=main)  # a part without tags
    return _contents(data, main, document, names)


def read_docx_contents(data: bytes, source: str) -> DocxContents:
    """Re-read a finished .docx strictly: every XML part must parse. Raises :class:`PartProblem`."""
    try:
        package = DocxPackage.from_bytes(data, source=source)
    except Exception as error:  # noqa: BLE001 - any failure here means the document is unusable
        raise PartProblem("package", str(error)) from error
    for name in package.parts:
        if name.endswith((".xml", ".rels")):
            try:
                package.xml(name)  # parsed strictly, once: the checks below reuse the tree
            except UntrustedDocumentError as error:
                raise PartProblem(name, error.reason) from error
    main = package.main_part_name()
    return _contents(data, main, package.xml(main), read_stamps(package).sections)


__all__ = ["DocxContents", "MainPartMemo", "PartProblem", "finish_docx", "read_docx_contents"]
