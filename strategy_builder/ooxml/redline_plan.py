"""What the redline writer is told to mark: the plan of a comparison, as read-only protocols.

The review's comparison (:mod:`strategy_builder.review.diff`) pairs the blocks, rows, objects and stories of two
documents; :mod:`strategy_builder.ooxml.redline` marks them. These protocols describe that plan without the
writer importing the review (the layers stay apart): they name the blocks of
:class:`~strategy_builder.ooxml.body.DocumentBody` a plan pairs, and only the writer looks at the elements
behind them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from strategy_builder.ooxml.blocks import Block, Row
from strategy_builder.ooxml.body import HeaderFooter
from strategy_builder.ooxml.objects import InlineObject


# Read-only (properties), so that the review's dataclasses with narrower field types match.
class PlanRow(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def cells(self) -> Sequence[Sequence[PlanBlock]]: ...

    @property
    def old(self) -> Row | None: ...

    @property
    def new(self) -> Row | None: ...


class PlanObject(Protocol):
    @property
    def kind(self) -> str: ...  # changed | inserted | deleted

    @property
    def old(self) -> InlineObject | None: ...

    @property
    def new(self) -> InlineObject | None: ...

    @property
    def pairs(self) -> Sequence[PlanBlock]: ...


class PlanBlock(Protocol):
    @property
    def kind(self) -> str: ...  # equal | changed | inserted | deleted

    @property
    def objects(self) -> Sequence[PlanObject]: ...

    @property
    def ops(self) -> Sequence[tuple[str, str]]: ...

    @property
    def rows(self) -> Sequence[PlanRow]: ...

    @property
    def is_table(self) -> bool: ...

    @property
    def old(self) -> Block | None: ...

    @property
    def new(self) -> Block | None: ...


class PlanStory(Protocol):
    """A header or footer compared: both sides (``None`` where a document does not have it) and the pairs."""

    @property
    def old(self) -> HeaderFooter | None: ...

    @property
    def new(self) -> HeaderFooter | None: ...

    @property
    def pairs(self) -> Sequence[PlanBlock]: ...


class PlanSegment(Protocol):
    @property
    def status(self) -> str: ...  # equal | changed | inserted | deleted | moved_from | moved_to

    @property
    def pairs(self) -> Sequence[PlanBlock]: ...

    @property
    def move_id(self) -> int | None: ...


__all__ = ["PlanBlock", "PlanObject", "PlanRow", "PlanSegment", "PlanStory"]
