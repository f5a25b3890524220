"""ooxml/redline_plan.py: the protocols through which the review hands its plan to the redline writer. The
review's own records (review/align.py, review/diff.py) offer every member the writer reads; mypy checks the
types, this test that no member was renamed on one side only (a writer reading a missing member would fail
only on the documents that reach it)."""

from __future__ import annotations

import pytest

from strategy_builder.ooxml.redline_plan import PlanBlock, PlanObject, PlanRow, PlanSegment, PlanStory
from strategy_builder.review.align import BlockPair, ObjectPair, RowPair
from strategy_builder.review.diff import SegmentDiff, StoryDiff


def _members(protocol: type) -> set[str]:
    return {name for name, value in vars(protocol).items() if isinstance(value, property)}


def _offered(record: type) -> set[str]:
    return set(record.__slots__) | {
        name for name, value in vars(record).items() if isinstance(value, property)}


@pytest.mark.parametrize(("protocol", "record"), [(PlanBlock, BlockPair), (PlanObject, ObjectPair),
                                                  (PlanRow, RowPair), (PlanSegment, SegmentDiff),
                                                  (PlanStory, StoryDiff)])
def test_the_review_s_records_offer_every_member_the_writer_reads(protocol: type, record: type) -> None:
    members = _members(protocol)
    assert members, protocol  # a protocol that names nothing would make this test pass for any record
    assert members <= _offered(record), members - _offered(record)
