"""Bases of the mutable records a command builds on its first path: slotted classes with a written ``__init__``.

A record whose fields never change is a ``typing.NamedTuple``. One that is filled in or changed in place
(a document's blocks, a comparison's pairs, a list of findings) derives from :class:`Record` or
:class:`ValueRecord`: it lists its fields in ``__slots__``, annotates them in the class body and sets them
in an ``__init__`` written out. Why not ``@dataclass(slots=True)``: Python 3.11 compiles each method a
dataclass generates from source as the class is created (and ``slots=True`` makes the class twice), about
1.9 million instructions per class; the 23 records the diff of two documents imports were 6 % of the
instructions of a whole ``diff`` command (callgrind, session 14). docs/architecture.md ("Typed hand-offs")
gives the rule.
"""

from __future__ import annotations

from typing import Any, ClassVar


def _fields(cls: type) -> tuple[str, ...]:
    """The record's fields in the order they are declared, its bases' first."""
    names: list[str] = []
    for klass in reversed(cls.__mro__):
        names.extend(vars(klass).get("__slots__", ()))
    return tuple(names)


class Record:
    """A mutable record compared by identity (as ``@dataclass(eq=False)``): ``repr`` shows its fields."""

    __slots__ = ()
    _hidden: ClassVar[tuple[str, ...]] = ()
    """Fields left out of ``repr`` (lxml elements, whole packages): what ``field(repr=False)`` did."""

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _fields(type(self))
                          if name not in self._hidden)
        return f"{type(self).__name__}({shown})"


class ValueRecord(Record):
    """A mutable record equal to another of its class with equal fields (as ``@dataclass``); not hashable."""

    __slots__ = ()
    __hash__ = None  # type: ignore[assignment]  # mutable: as a dataclass with eq=True and not frozen

    def __eq__(self, other: Any) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _fields(type(self)))
