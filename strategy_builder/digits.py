"""Whole numbers written as text: draft numbers, OOXML ids and levels, register cells.

``str.isdigit`` is not the test to put before ``int``: it is true of characters ``int`` refuses
(superscripts and circled digits such as ``²`` or ``①``), and ``int`` refuses more than 4,300 digits
(Python's guard against slow conversions). Either came through as an internal error, from a document
written by others, a register cell or a command's argument. :func:`whole_number` is the one test: ASCII
digits only, as OOXML's decimal numbers and the tool's own numbers are written.
"""

from __future__ import annotations

_MOST_DIGITS = 4300
"""The longest text ``int`` converts (``sys.get_int_max_str_digits()``'s default)."""


def whole_number(text: str) -> int | None:
    """The non-negative whole number ``text`` spells in ASCII digits (``"007"`` is 7); ``None`` for any
    other text (empty, signed, spaced, other scripts' digits, superscripts, too long)."""
    if text.isascii() and text.isdigit() and len(text) <= _MOST_DIGITS:
        return int(text)
    return None


def signed_whole_number(text: str) -> int | None:
    """:func:`whole_number`, also with a leading ``-`` (OOXML ids may be negative)."""
    number = whole_number(text.removeprefix("-"))
    return -number if number is not None and text.startswith("-") else number


__all__ = ["signed_whole_number", "whole_number"]
