"""The small text syntax of long fields: paragraphs separated by blank lines, and bullet items.

Rules (documented in docs/inputs.md):

- a blank line ends a paragraph;
- a line starting with ``- `` or ``* `` starts a bullet item; following lines indented by at least one
  space continue it;
- other consecutive lines are joined with one space, so YAML block scalars (``|`` or ``>``) wrap freely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_BULLET = re.compile(r"^[-*]\s+")


@dataclass(frozen=True, slots=True)
class Block:
    """One Word paragraph to be: a body paragraph or a bullet list item."""

    kind: Literal["paragraph", "bullet"]
    text: str


def parse_prose(text: str) -> list[Block]:
    """Split a long text field into paragraphs and bullet items, in order."""
    blocks: list[Block] = []
    kind: Literal["paragraph", "bullet"] | None = None
    parts: list[str] = []

    def flush() -> None:
        nonlocal kind, parts
        if kind is not None and parts:
            blocks.append(Block(kind, " ".join(parts)))
        kind, parts = None, []

    for raw_line in text.replace("\r\n", "\n").split("\n"):
        stripped = raw_line.strip()
        if not stripped:
            flush()
            continue
        bullet = _BULLET.match(stripped)
        if bullet and not raw_line[:1].isspace() or bullet and kind != "bullet":
            flush()
            kind, parts = "bullet", [stripped[bullet.end():].strip()]
        elif kind == "bullet" and raw_line[:1].isspace():
            parts.append(stripped)
        elif kind == "bullet":
            flush()
            kind, parts = "paragraph", [stripped]
        else:
            kind = "paragraph"
            parts.append(stripped)
    flush()
    return [block for block in blocks if block.text]


def plain_text(text: str) -> str:
    """The prose as one line of plain text (for tables, summaries and hashes of meaning)."""
    return " ".join(block.text for block in parse_prose(text))
