"""The body of a rendered main part cut into what a watcher finishes and keeps as one
(:mod:`strategy_builder.ooxml.block_finish`): its top-level blocks, their groups, and the rows of a long
table. All of it is done in the text, before any parsing: a cut is a few searches per block."""

from __future__ import annotations

import re
from typing import NamedTuple

from strategy_builder.ooxml.markers import MARKER_PATTERN, OPEN, VALUE_OPEN
from strategy_builder.ooxml.pagination import SHORT_TABLE_ROWS

BODY_START = "<w:body>"
BODY_END = "</w:body></w:document>"
TABLE_END = "</w:tbl>"
_BLOCK_TAG = re.compile(r"<(/?)w:(?:p|tbl)(?=[\s/>])")
_PARAGRAPH_STARTS = ("<w:p>", "<w:p ", "<w:p/>")
_TABLE_STARTS = ("<w:tbl>", "<w:tbl ")
_ROW_STARTS = ("<w:tr>", "<w:tr ")
_SHOWN_TEXT = re.compile(r"<w:t(?:\s[^>]*)?>[^<]")


class Body(NamedTuple):
    """A rendered main part cut at its top-level blocks."""

    head: str
    """Everything up to and including ``<w:body>``."""
    blocks: list[str]
    tail: str
    """What follows the last block inside the body (the section properties)."""


def split_body(rendered: str) -> Body | None:
    """``rendered`` cut at its top-level paragraphs and tables, or ``None`` when it holds anything else
    between them, a paragraph inside a paragraph (a text box), or a comment, CDATA or processing
    instruction (where a tag may hide)."""
    start = rendered.find(BODY_START)
    if (start < 0 or rendered.find(BODY_START, start + 1) >= 0 or not rendered.endswith(BODY_END)
            or _declares(rendered, "!") or _declares(rendered, "?", 1) or "<w:txbxContent" in rendered):
        return None
    # Without text boxes a paragraph holds no paragraph: it ends at the first end tag of a paragraph; a
    # table ends at the end tag that closes as many tables as began in it.
    blocks: list[str] = []
    at = start + len(BODY_START)
    end_of_body = len(rendered) - len(BODY_END)
    find, startswith = rendered.find, rendered.startswith
    while at < end_of_body:
        if startswith(_PARAGRAPH_STARTS, at):
            closed = find(">", at)
            if rendered[closed - 1] == "/":  # an empty paragraph
                end = closed + 1
            else:
                end = find("</w:p>", closed)
                if end < 0:
                    return None
                end += len("</w:p>")
        elif startswith(_TABLE_STARTS, at):
            end = find("</w:tbl>", at)
            while end >= 0 and (rendered.count("<w:tbl>", at, end) + rendered.count("<w:tbl ", at, end)
                                > rendered.count("</w:tbl>", at, end) + 1):  # a table in the table
                end = find("</w:tbl>", end + 1)
            if end < 0:
                return None
            end += len("</w:tbl>")
        else:
            break  # the section properties, or what this does not cut
        blocks.append(rendered[at:end])
        at = end
    tail = rendered[at:end_of_body]
    if not blocks or _BLOCK_TAG.search(tail):
        return None
    return Body(rendered[:start + len(BODY_START)], blocks, tail)


def _declares(text: str, mark: str, start: int = 0) -> bool:
    """Whether ``text`` holds ``<`` and then ``mark`` after ``start`` (``!``: a comment or CDATA, ``?``: a
    processing instruction). Looked for by ``mark``, which a text seldom holds: ``<`` is in every tag."""
    at = text.find(mark, start + 1)
    while at >= 0:
        if text[at - 1] == "<":
            return True
        at = text.find(mark, at + 1)
    return False


def group_blocks(blocks: list[str]) -> list[str]:
    """The blocks joined into the groups finished together: a paragraph that may hold nothing but section
    markers with the blocks before and after it (the marker pass removes such a paragraph and moves its
    bookmarks into them)."""
    return ["".join(group) for group in _grouped(blocks)]


def _dissolves(block: str) -> bool:
    """Whether ``block`` may be a paragraph the section-marker pass removes: one with a marker and no text
    besides (a paragraph with a text is kept; a table keeps the paragraphs in it that it would remove when
    their neighbours are outside it, see :func:`~strategy_builder.ooxml.bookmarks.apply_section_markers`)."""
    return (OPEN in block and block.startswith(_PARAGRAPH_STARTS)
            and _SHOWN_TEXT.search(MARKER_PATTERN.sub("", block)) is None)


def _grouped(blocks: list[str]) -> list[list[str]]:
    groups: list[list[str]] = []
    current = [blocks[0]]
    dissolves = [_dissolves(block) for block in blocks]
    for at in range(1, len(blocks)):
        if dissolves[at] or dissolves[at - 1]:
            current.append(blocks[at])
        else:
            groups.append(current)
            current = [blocks[at]]
    groups.append(current)
    return groups


class Unit(NamedTuple):
    """What is finished and kept as one: a group of blocks, or a row of a long table."""

    text: str
    table: str = ""
    """For a row: the table's start, up to its first row (its properties and grid)."""
    first_row: bool = False
    last_row: bool = False


def units(blocks: list[str]) -> list[Unit]:
    """The body's blocks as units: their groups (:func:`group_blocks`), a long table grouped alone cut into
    its rows. A table of more rows than the short-table pass keeps together is not changed by it, and no
    other pass looks from one row into another (a table holding a section marker, another table or a
    content control is kept whole)."""
    made: list[Unit] = []
    for group in _grouped(blocks):
        rows = _rows(group[0]) if len(group) == 1 else None
        if rows is None:
            made.append(Unit("".join(group)))
            continue
        start, texts = rows
        made += [Unit(text, start, at == 0, at == len(texts) - 1) for at, text in enumerate(texts)]
    return made


def _rows(block: str) -> tuple[str, list[str]] | None:
    """A long table's start and rows, or ``None`` for any other block (see :func:`units`)."""
    if (not block.startswith(_TABLE_STARTS) or not block.endswith(TABLE_END) or "<w:sdt" in block or OPEN in block
            or block.count("<w:tbl>") + block.count("<w:tbl ") != 1):
        return None
    starts: list[int] = []
    at = block.find("<w:tr")
    while at >= 0:
        if block.startswith(_ROW_STARTS, at):
            starts.append(at)
        at = block.find("<w:tr", at + 5)
    if len(starts) <= SHORT_TABLE_ROWS or VALUE_OPEN in block[:starts[0]]:
        return None  # (a value printed in the table's properties would belong to every row)
    ends = [*starts[1:], len(block) - len(TABLE_END)]
    return block[:starts[0]], [block[start:end] for start, end in zip(starts, ends, strict=True)]


__all__ = ["BODY_END", "BODY_START", "TABLE_END", "Body", "Unit", "group_blocks", "split_body", "units"]
