"""Which paragraphs are headings, and of which level: one rule for every reader (diff, comments, sections).

A paragraph's own outline level decides first (level 10, ``w:outlineLvl w:val="9"``, is body text, also
under a heading style). Otherwise its paragraph style decides: a style with an outline level, a style
whose name or id says "heading N" in the languages drafts come back in ("heading 1", "Überschrift 1",
"Заголовок 1", Word's German style id "berschrift1"...), or the title style (level 1). A style inherits
its level through ``w:basedOn``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from strategy_builder.digits import whole_number
from strategy_builder.ooxml.namespaces import BASED_ON, NAME, OUTLINE_LVL, PPR, STYLE, STYLE_ID, TYPE, VAL, W
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.parser import Selection
from strategy_builder.ooxml.text import style_id

_HEADING_WORDS = ("heading", "überschrift", "berschrift", "titre", "titolo", "título", "titulo", "kop",
                  "nagłówek", "заголовок", "rubrik", "otsikko", "overskrift")
_HEADING_NAME = re.compile(rf"^(?:{'|'.join(_HEADING_WORDS)})\s*(\d)$", re.IGNORECASE)
_TITLE_NAMES = frozenset({"title", "titel", "titre", "titolo", "título", "название", "заголовок"})
_MAX_BASED_ON_DEPTH = 10
_KNOWN_STYLES = 4
"""Styles parts whose heading styles are remembered (by their bytes) in one process."""
_PARAGRAPH_STYLES = Selection(W, "style",
                              lambda attributes: attributes.get(b"type") in (b"table", b"numbering", b"character"))
"""The styles a heading style can be or inherit from: every ``w:style`` but those that say they are of
another type (a styles part is mostly table styles)."""


def _outline_level(properties: etree._Element | None) -> int | None:
    """``w:outlineLvl`` of a ``w:pPr`` as a heading level 1-9; 0 for "body text" (level 10); ``None`` if unset."""
    # iterchildren, not find: find goes through ElementPath, three times slower for one tag.
    return outline_level_of(next(properties.iterchildren(OUTLINE_LVL), None) if properties is not None else None)


def outline_level_of(element: etree._Element | None) -> int | None:
    """The level a ``w:outlineLvl`` element gives (as :func:`_outline_level`); ``None`` for no element."""
    if element is None:  # most paragraphs (asked of each one a document reads)
        return None
    level = whole_number(element.get(VAL) or "")
    if level is None:
        return None
    return level + 1 if level < 9 else 0


def _level_by_name(*names: str) -> int | None:
    for name in names:
        number = _heading_number(name)
        if number is not None:
            return number or None
    return None


@lru_cache(maxsize=1024)
def _heading_number(name: str) -> int | None:
    """The N (0-9) of a name like "heading N", or ``None``. Remembered: asked of every paragraph whose style is
    not a heading style, and a document has few styles."""
    match = _HEADING_NAME.match(name.strip())
    return int(match.group(1)) if match else None


class HeadingStyles:
    """The heading level of each paragraph style of one document, and of its paragraphs."""

    __slots__ = ("levels",)

    def __init__(self, levels: dict[str, int] | None = None) -> None:
        self.levels: dict[str, int] = levels or {}
        """Style id -> heading level (1-9) of every paragraph style that is a heading."""

    @classmethod
    def of(cls, package: DocxPackage) -> HeadingStyles:
        """The heading styles of ``package``'s main document (none when it has no styles part).

        Remembered by the bytes of the styles part: the documents of one comparison nearly always share
        their styles (one template), and the part is large (350 KB in python-docx's default template),
        slower to parse than the text of a 25,000-word document; of it, only the styles that may be
        paragraph styles are parsed (:data:`_PARAGRAPH_STYLES`), a tenth of that part. The part still
        counts against the package's tag budget as if it were parsed again, so that what is refused does not
        depend on what was read before.
        """
        names = package.part_of_type("/styles")
        if not names:
            return cls()
        data = package.parts[names[0]]
        # Compared, not looked up: a dictionary would hash the whole part (350 KB) of every document, where
        # comparing bytes stops at a different length and is a memcmp otherwise.
        known = next((styles for remembered, styles in _KNOWN if remembered == data), None)
        if known is not None:
            package.charge(names[0])
            return known
        found = cls.from_styles(package.parse(names[0], only=_PARAGRAPH_STYLES))
        while len(_KNOWN) >= _KNOWN_STYLES:
            del _KNOWN[0]
        _KNOWN.append((data, found))
        return found

    @classmethod
    def from_styles(cls, styles: etree._Element) -> HeadingStyles:
        """The heading styles of a ``w:styles`` part."""
        levels: dict[str, int] = {}
        based: dict[str, str] = {}
        for style in styles.iter(STYLE):
            if style.get(TYPE) != "paragraph":
                continue
            sid = style.get(STYLE_ID, "")
            name_element = style.find(NAME)
            name = name_element.get(VAL, "") if name_element is not None else ""
            outline = _outline_level(style.find(PPR))
            if outline is not None:
                if outline:
                    levels[sid] = outline
            elif (level := _level_by_name(name, sid)) is not None:
                levels[sid] = level
            elif name.strip().casefold() in _TITLE_NAMES or sid.casefold() == "title":
                levels[sid] = 1
            parent = style.find(BASED_ON)
            if parent is not None:
                based[sid] = parent.get(VAL, "")
        for sid in list(based):  # inherit through basedOn, a few levels deep
            probe, depth = sid, 0
            while probe not in levels and probe in based and depth < _MAX_BASED_ON_DEPTH:
                probe, depth = based[probe], depth + 1
            if probe in levels and sid not in levels:
                levels[sid] = levels[probe]
        return cls(levels)

    def level(self, paragraph: etree._Element, style: str | None = None,
              properties: etree._Element | None = None) -> int | None:
        """The heading level (1-9) of ``paragraph``, or ``None`` when it is not a heading.

        ``style`` is the paragraph's style id and ``properties`` its ``w:pPr`` when the caller has read them
        already.
        """
        outline = _outline_level(paragraph.find(PPR) if properties is None else properties)
        return self.level_from(outline, style_id(paragraph) if style is None else style)

    def level_from(self, outline: int | None, style: str) -> int | None:
        """:meth:`level` of a paragraph whose outline level (:func:`outline_level_of`, ``None`` when it has
        none) and style id (``""``: none) were read already."""
        if outline is not None:
            return outline or None
        if not style:
            return None
        if style in self.levels:
            return self.levels[style]
        # A style that is not a heading style of the document (most paragraphs' style), or one it does not
        # define, named like a heading: _level_by_name(style), without its loop over names.
        return _heading_number(style) or None


_KNOWN: list[tuple[bytes, HeadingStyles]] = []
"""The heading styles of the last styles parts read, by the part's bytes (see :meth:`HeadingStyles.of`)."""


__all__ = ["HeadingStyles", "outline_level_of"]
