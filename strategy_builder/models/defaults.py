"""Defaults of the models' list and mapping fields.

Not ``list`` and ``dict`` themselves: pydantic looks at the signature of a field's default factory each
time it builds a schema (whether the factory takes the validated data), and the signature of a builtin
has to be parsed from its text with the tokenizer and the compiler, about 30 times in a preview (a few
milliseconds of every command that validates). A function of ours has its signature at hand.
"""

from __future__ import annotations

from typing import Any


def empty_list() -> list[Any]:
    """A new empty list: the default of a list field."""
    return []


def empty_dict() -> dict[str, Any]:
    """A new empty mapping: the default of a mapping field."""
    return {}


__all__ = ["empty_dict", "empty_list"]
