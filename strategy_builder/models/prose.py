"""The small text syntax of long fields: paragraphs separated by blank lines, and bullet items.

Rules (documented in docs/inputs.md):

- a blank line ends a paragraph;
- a line starting with ``- `` or ``* `` starts a bullet item; following lines indented by at least one
  space continue it;
- other consecutive lines are joined with one space, so YAML block scalars (``|`` or ``>``) wrap freely.
"""

from __future__ import annotations

import functools
import re
from typing import Literal, NamedTuple

_BULLET = re.compile(r"^[-*]\s+")


class Block(NamedTuple):
    """One Word paragraph to be: a body paragraph or a bullet list item."""

    kind: Literal["paragraph", "bullet"]
    text: str


Span = tuple[int, int]


class PlacedBlock(NamedTuple):
    """A block and, for every character of its text, the characters of the source text that spell it.

    A character of a line maps to itself; the space that joins two lines maps to everything between them
    (the line break, indentation and white space at the line ends).
    """

    kind: Literal["paragraph", "bullet"]
    text: str
    spans: tuple[Span, ...]
    end: int
    """Where in the source text a character appended to the block goes."""


def place_prose(text: str) -> list[PlacedBlock]:
    """:func:`parse_prose` with the source position of every character (one parser for both)."""
    return _parse(text, with_spans=True)


def _parse(text: str, *, with_spans: bool) -> list[PlacedBlock]:
    """The blocks of ``text``; their ``spans`` only ``with_spans`` (a span per character costs more than the
    parse itself, and only the readers of tracked changes need them: every draft, preview and translation
    check parses each text without)."""
    blocks: list[PlacedBlock] = []
    kind: Literal["paragraph", "bullet"] | None = None
    parts: list[tuple[str, int]] = []  # (stripped text of a line, where it starts in ``text``)

    def flush() -> None:
        nonlocal kind, parts
        parts = [(part, start) for part, start in parts if part] if kind == "bullet" else parts
        if kind is not None and parts:
            spans: list[Span] = []
            if with_spans:
                for number, (part, start) in enumerate(parts):
                    if number:
                        previous, previous_start = parts[number - 1]
                        spans.append((previous_start + len(previous), start))
                    spans.extend((start + offset, start + offset + 1) for offset in range(len(part)))
            pieces = [part for part, _ in parts]
            last, last_start = parts[-1]
            blocks.append(PlacedBlock(kind, " ".join(pieces), tuple(spans), last_start + len(last)))
        kind, parts = None, []

    position = 0
    for raw_line in text.split("\n"):
        line_start = position
        position += len(raw_line) + 1
        stripped = raw_line.strip()
        if not stripped:
            flush()
            continue
        content = line_start + len(raw_line) - len(raw_line.lstrip())
        bullet = _BULLET.match(stripped)
        if bullet and not raw_line[:1].isspace() or bullet and kind != "bullet":
            flush()
            rest = stripped[bullet.end():]
            kind, parts = "bullet", [(rest.strip(), content + bullet.end() + len(rest) - len(rest.lstrip()))]
        elif kind == "bullet" and raw_line[:1].isspace():
            parts.append((stripped, content))
        elif kind == "bullet":
            flush()
            kind, parts = "paragraph", [(stripped, content)]
        else:
            kind = "paragraph"
            parts.append((stripped, content))
    flush()
    return [block for block in blocks if block.text]


def parse_prose(text: str) -> list[Block]:
    """Split a long text field into paragraphs and bullet items, in order."""
    return list(_blocks(text))


@functools.lru_cache(maxsize=4096)
def _blocks(text: str) -> tuple[Block, ...]:
    """:func:`parse_prose`, remembered: a build reads each text several times (the draft's context, its
    records' hashes, the checks), and a watcher reads the same texts again at every save (about 1 ms of a
    structural rebuild)."""
    return tuple(Block(block.kind, block.text) for block in _parse(text, with_spans=False))


def plain_text(text: str) -> str:
    """The prose as one line of plain text (for tables, summaries and hashes of meaning)."""
    return " ".join(block.text for block in parse_prose(text))
