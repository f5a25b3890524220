"""What consolidate reports, in its documented JSON form (review/consolidation_results.py)."""

from __future__ import annotations

from pathlib import Path

from strategy_builder.review.consolidation_results import Clash, ConsolidationResult, Difference, ReturnSummary


def test_the_payload_names_each_return_clash_and_what_was_not_merged() -> None:
    result = ConsolidationResult(Path("AM_001_consolidated.docx"), "AM", "001", "build/drafts/001/AM.docx",
                                 [ReturnSummary(Path("AM_001_MFA.docx"), "MFA", 2, 5, 1)],
                                 [Clash("AM/situation", "1 Situation", "primarily a country", "MFA",
                                        "largely a country", ("Interior",), ("mainly a country",), False)],
                                 [Difference("Interior", "text changed without tracking", "Armenia is…")])
    assert result.payload() == {
        "output": "AM_001_consolidated.docx", "partner": "AM", "draft": "001", "base": "build/drafts/001/AM.docx",
        "returns": [{"file": "AM_001_MFA.docx", "ministry": "MFA", "comments": 2, "changes": 5, "not_applied": 1}],
        "conflicts": [{"section": "AM/situation", "heading": "1 Situation", "original": "primarily a country",
                       "kept": {"ministry": "MFA", "wording": "largely a country"},
                       "others": [{"ministry": "Interior", "wording": "mainly a country"}], "same_wording": False}],
        "not_merged": [{"ministry": "Interior", "what": "text changed without tracking", "where": "Armenia is…"}]}
