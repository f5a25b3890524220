"""Console markup without rich: escaping text into it, and printing it as rich prints it.

Text for people is written in rich's console markup (``[bold red]error:[/bold red]``, text put in with
:func:`escape`). :class:`PlainConsole` prints that markup as rich does (the same text: escaped brackets as
brackets, tabs expanded to the same stops, the control codes rich drops dropped) without importing rich,
which costs a short command a noticeable share of its time: the CLI prints findings, errors, notes, a
build's summary and the diff's terminal report with it (``cli/output.py``, ``review/report_terminal.py``).
It imports nothing of strategy-builder, so every layer can write markup.
"""

from __future__ import annotations

import os
import re
import unicodedata
from typing import Protocol, TextIO

_TAG = re.compile(r"((\\*)\[([a-z#/@][^[]*?)])")
"""A tag of console markup (``[bold]``, ``[/bold]``, ``[/]``) with the backslashes before it, as rich reads it."""
_TAG_TO_ESCAPE = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])")

_DROPPED_CONTROLS = dict.fromkeys((7, 8, 11, 12, 13))
"""Bell, backspace, vertical tab, form feed and carriage return: rich drops them from printed text."""
TAB_SIZE = 8
"""Columns between two tab stops, as rich expands tabs."""


def escape(text: str) -> str:
    """``text`` with the characters that console markup would read as a tag escaped, as rich escapes them
    (so that either console prints it as it is)."""
    escaped = _TAG_TO_ESCAPE.sub(lambda match: f"{match[1]}{match[1]}\\{match[2]}", text)
    return escaped + "\\" if escaped.endswith("\\") and not escaped.endswith("\\\\") else escaped


def cell_width(text: str) -> int:
    """Columns a text takes on a terminal: East Asian wide and full-width characters take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


class Printer(Protocol):
    """What markup is printed on: a rich ``Console`` or a :class:`PlainConsole`."""

    def print(self, markup: str = "", /) -> None: ...  # noqa: D102


_SGR = {"bold": "1", "dim": "2", "italic": "3", "underline": "4", "strike": "9", "red": "31", "green": "32",
        "yellow": "33", "blue": "34", "magenta": "35", "cyan": "36", "white": "37"}
"""The styles of console markup that :class:`PlainConsole` colours (ANSI select-graphic-rendition codes)."""


def _wants_colour(stream: TextIO) -> bool:
    """Colours on a terminal, as rich decides: never with NO_COLOR or TERM=dumb, always with FORCE_COLOR."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


class _Columns:
    """Text pieces of one printed line, with tabs expanded to rich's stops (columns counted in cells)."""

    __slots__ = ("column", "tabs")

    def __init__(self, tabs: bool) -> None:
        self.column = 0
        self.tabs = tabs
        """Whether the line has a tab at all (else columns need no counting)."""

    def text(self, piece: str) -> str:
        piece = piece.translate(_DROPPED_CONTROLS)
        if not self.tabs:
            return piece
        if "\t" not in piece:
            _, newline, last = piece.rpartition("\n")
            self.column = cell_width(last) + (0 if newline else self.column)
            return piece
        pieces = []
        for index, text_line in enumerate(piece.split("\n")):
            if index:
                pieces.append("\n")
                self.column = 0
            for part_index, part in enumerate(text_line.split("\t")):
                if part_index:
                    spaces = TAB_SIZE - self.column % TAB_SIZE
                    pieces.append(" " * spaces)
                    self.column += spaces
                pieces.append(part)
                self.column += cell_width(part)
        return "".join(pieces)


def render(markup: str, *, colour: bool = False) -> str:
    """The text of ``markup`` as rich prints it; with ``colour``, its styles as ANSI codes."""
    pieces: list[str] = []
    styles: list[str] = []
    columns = _Columns("\t" in markup)
    position = 0
    for match in _TAG.finditer(markup):
        whole, backslashes, tag = match.groups()
        start, end = match.span()
        pieces.append(columns.text(markup[position:start].replace("\\[", "[")))  # escaped outside a tag, too
        position = end
        pairs, escaped = divmod(len(backslashes), 2)
        pieces.append(columns.text("\\" * pairs))
        if escaped:
            pieces.append(columns.text(whole[len(backslashes):].replace("\\[", "[")))
            continue
        if tag.startswith("/"):
            if styles:
                styles.pop()
        else:
            styles.append(tag)
        if colour:
            codes = [_SGR[word] for style in styles for word in style.split() if word in _SGR]
            pieces.append("\x1b[0m" + (f"\x1b[{';'.join(codes)}m" if codes else ""))
    pieces.append(columns.text(markup[position:].replace("\\[", "[")))
    if colour and styles:
        pieces.append("\x1b[0m")
    return "".join(pieces)


class PlainConsole:
    """Prints console markup without rich: the styles (bold, dim, colours) as ANSI codes on a terminal,
    nothing but the text elsewhere; escaped brackets as brackets. Lines are never wrapped (as rich's
    consoles here, made with ``soft_wrap``)."""

    def __init__(self, stream: TextIO, colour: bool | None = None) -> None:
        self.stream = stream
        self.colour = _wants_colour(stream) if colour is None else colour

    def render(self, markup: str) -> str:
        """The text of ``markup``, styled for this console."""
        return render(markup, colour=self.colour)

    def print(self, markup: str = "") -> None:
        """One line (or several) of ``markup``."""
        self.stream.write(self.render(markup) + "\n")
        self.stream.flush()


__all__ = ["TAB_SIZE", "PlainConsole", "Printer", "cell_width", "escape", "render"]
