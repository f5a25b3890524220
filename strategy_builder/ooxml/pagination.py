"""Pagination: short tables stay on one page (decided after rendering), a heading LibreOffice would leave at
the end of a page starts the next (the layout pass), and the fonts a layout depends on."""

from __future__ import annotations

import functools

from lxml import etree

from strategy_builder.ooxml.markers import BOOKMARK_PREFIX
from strategy_builder.ooxml.namespaces import (
    ASCII, BASED_ON, BODY, BOOKMARK_START, DEL_TEXT, KEEP_NEXT, NAME, PPR, PSTYLE, R_FONTS, STYLE, STYLE_ID, TBL, TR,
    TYPE, VAL, P, T, qn,
)
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.parser import parse_xml

SHORT_TABLE_ROWS = 8
"""Tables of at most this many rows (the header included) are never split across pages."""


def keep_short_tables_together(document: etree._Element, max_rows: int = SHORT_TABLE_ROWS) -> int:
    """Give every paragraph in the rows of a short table but its last row "keep with next", so that Word
    and LibreOffice move the whole table to the next page rather than split it (rows already never split:
    the table style says so). Returns the number of tables changed."""
    changed = 0
    for table in document.iter(TBL):
        rows = [row for row in table if row.tag == TR]
        if len(rows) < 2 or len(rows) > max_rows:
            continue
        for row in rows[:-1]:
            for paragraph in row.iter(P):
                _keep_next(paragraph)
        changed += 1
    return changed


def _keep_next(paragraph: etree._Element) -> bool:
    return _set_property(paragraph, "keepNext", after=("pStyle",))


_TEXTS = frozenset({T, DEL_TEXT})


def keep_lead_ins_with_next(container: etree._Element) -> int:
    """Give every paragraph of ``container`` (a body, or a story's root) whose text ends in a colon "keep
    with next" when a paragraph or table follows it: a lead-in stays on the page of the list it introduces,
    as the drafts' lead-ins do (their style keeps with the next paragraph). The text read is what the
    paragraph shows, deleted text included (a redline shows both). Returns the number of paragraphs changed."""
    changed = 0
    blocks = [child for child in container if child.tag in (P, TBL)]
    leads = {block for block in blocks[:-1] if block.tag == P}
    # A text that ends in a colon has a colon in one of its pieces: one search of the container's texts
    # finds the few paragraphs that may (the others' every element was visited in Python, for most of the pass).
    candidates: list[etree._Element] = []
    for piece in container.iter(*_TEXTS):
        if ":" not in (piece.text or ""):
            continue
        block = piece
        while (parent := block.getparent()) is not container and parent is not None:
            block = parent
        if block in leads and (not candidates or candidates[-1] is not block):  # in document order
            candidates.append(block)
    for block in candidates:
        # iter() picked by tag: iter with two tags builds a tag matcher per paragraph, at twice the cost.
        text = "".join(element.text or "" for element in block.iter() if element.tag in _TEXTS)
        if text.rstrip().endswith(":") and _keep_next(block):
            changed += 1
    return changed


def _set_property(paragraph: etree._Element, name: str, *, after: tuple[str, ...]) -> bool:
    """Give ``paragraph`` the empty property ``w:name``, placed after those of ``after`` (the CT_PPrBase
    children that come before it); ``False`` when it had it already."""
    tag, earlier = _property_tags(name, after)
    properties = next(paragraph.iterchildren(PPR), None)  # not find: ElementPath costs more than the lookup
    if properties is None:
        properties = etree.Element(PPR)
        paragraph.insert(0, properties)
    last = None
    for child in properties:
        if child.tag == tag:
            return False
        if child.tag in earlier:
            last = child
    properties.insert(properties.index(last) + 1 if last is not None else 0, etree.Element(tag))
    return True


@functools.cache
def _property_tags(name: str, after: tuple[str, ...]) -> tuple[str, frozenset[str]]:
    """The qualified tag of property ``name`` and those of ``after`` (made once: a build sets hundreds)."""
    return qn(f"w:{name}"), frozenset(qn(f"w:{tag}") for tag in after)


_OFF = ("0", "false", "off")


def _keep_next_styles(package: DocxPackage) -> set[str]:
    """The paragraph styles that keep with the next paragraph (``w:keepNext``, inherited through ``basedOn``)."""
    if not package.has("word/styles.xml"):
        return set()
    own: dict[str, bool | None] = {}
    based: dict[str, str | None] = {}
    for style in parse_xml(package.parts["word/styles.xml"], part="word/styles.xml").iter(STYLE):
        if style.get(TYPE) != "paragraph" or style.get(STYLE_ID) is None:
            continue
        name = style.get(STYLE_ID, "")
        keep = style.find(f"{PPR}/{KEEP_NEXT}")
        own[name] = None if keep is None else keep.get(VAL, "1") not in _OFF
        parent = style.find(BASED_ON)
        based[name] = parent.get(VAL) if parent is not None else None

    def keeps(name: str | None) -> bool:
        for _ in range(32):  # a basedOn loop is not followed forever
            if name is None:
                return False
            if own.get(name) is not None:
                return bool(own[name])
            name = based.get(name)
        return False

    return {name for name in own if keeps(name)}


def _keeps_next(paragraph: etree._Element, styles: set[str]) -> bool:
    properties = paragraph.find(PPR)
    if properties is None:
        return False
    keep = properties.find(KEEP_NEXT)
    if keep is not None:
        return keep.get(VAL, "1") not in _OFF
    style = properties.find(PSTYLE)
    return style is not None and style.get(VAL) in styles


def _first_bookmark(block: etree._Element, prefix: str = "") -> str | None:
    for start in block.iter(BOOKMARK_START):
        name = start.get(NAME) or ""
        if name.startswith(prefix) and not name.startswith("_"):
            return name
    return None


def heading_chains(package: DocxPackage) -> list[tuple[str, str]]:
    """(bookmark of a tracked section's heading, first bookmark of what follows its keep-with-next chain),
    for each body heading that keeps with the next paragraph: the heading, its status line and minor
    heading, then the first paragraph or table that does not keep with the next. Where the second is on a
    later page than the first, the heading ends its page: LibreOffice moves such a chain only part of the
    way (Word moves all of it)."""
    styles = _keep_next_styles(package)
    body = parse_xml(package.parts[package.main_part_name()], part=package.main_part_name()).find(BODY)
    if body is None:
        return []
    blocks = [child for child in body if child.tag in (P, TBL)]
    chains = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        heading = _first_bookmark(block, BOOKMARK_PREFIX) if block.tag == P else None
        if heading is None or not _keeps_next(block, styles):
            index += 1
            continue
        end = index
        while end < len(blocks) and blocks[end].tag == P and _keeps_next(blocks[end], styles):
            end += 1
        follower = _first_bookmark(blocks[end]) if end < len(blocks) else None
        if follower is not None:
            chains.append((heading, follower))
        index = max(end, index + 1)
    return chains


def break_before_headings(document: etree._Element, bookmarks: frozenset[str]) -> int:
    """Start a new page at each paragraph that holds one of ``bookmarks`` (``w:pageBreakBefore``): the
    layout pass's remedy for a heading LibreOffice left at the end of a page. Returns how many were set."""
    changed = 0
    if not bookmarks:
        return changed
    for start in document.iter(BOOKMARK_START):
        if start.get(NAME) not in bookmarks:
            continue
        paragraph = start.getparent()
        if paragraph is not None and paragraph.tag == P and _set_property(
                paragraph, "pageBreakBefore", after=("pStyle", "keepNext", "keepLines")):
            changed += 1
    return changed


def style_fonts(package: DocxPackage) -> set[str]:
    """The fonts a document's styles name (``w:rFonts/@w:ascii``, the document defaults included): what
    its pages depend on."""
    if not package.has("word/styles.xml"):
        return set()
    root = parse_xml(package.parts["word/styles.xml"], part="word/styles.xml")
    return {value.strip() for element in root.iter(R_FONTS)
            if (value := element.get(ASCII)) is not None and value.strip()}
