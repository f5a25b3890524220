"""What propose finds, as the CLI prints it and JSON gives it (review/proposal_results.py)."""

from __future__ import annotations

from pathlib import Path

from strategy_builder.review.proposal_results import REASONS, NeedsPerson, Proposal, Proposals, ReturnedChange
from strategy_builder.review.returns import FailedReturn


def change(row_id: str, kind: str = "insertion") -> ReturnedChange:
    return ReturnedChange("AM_001_MFA.docx", "MFA", "A. Petrosyan", "2026-11-20T10:00:00Z", row_id, kind, "national",
                          "AM/illegal_migration/border-management", "2.1 Border management")


def test_a_proposal_cites_each_register_row_once_in_the_order_of_its_changes() -> None:
    proposal = Proposal("inputs/partners/AM.yaml", ("areas", "illegal_migration", "priorities", 0, "rationale"), 12,
                        "AM/illegal_migration/border-management", "centred on security",
                        "centred on national security", "proposed", [change("T-2"), change("T-1"), change("T-2"),
                                                                     change("")])
    assert proposal.row_ids == ["T-2", "T-1"]
    shown = proposal.as_json()
    assert shown["path"] == "areas.illegal_migration.priorities[0].rationale" and shown["row_ids"] == ["T-2", "T-1"]
    assert shown["changes"][0]["ministry"] == "MFA"


def test_a_change_that_needs_a_person_says_why_in_words() -> None:
    assert set(REASONS) >= {"template-text", "conflict", "edited-since", "language-version"}
    plain = NeedsPerson("moved", [change("T-1")])
    assert plain.message == REASONS["moved"]
    detailed = NeedsPerson("language-version", [change("T-1")], detail="ru")
    assert detailed.message == REASONS["language-version"] + " (ru)"
    assert detailed.as_json()["message"] == detailed.message


def test_the_patch_is_a_unified_diff_that_marks_a_last_line_without_newline() -> None:
    found = Proposals(edited={"inputs/partners/AM.yaml": (b"a: 1\nb: old", b"a: 1\nb: new")},
                      failed=[FailedReturn(Path("broken.docx"), "not a Word file")])
    patch = found.patch()
    assert patch.startswith("--- a/inputs/partners/AM.yaml\n+++ b/inputs/partners/AM.yaml\n")
    assert "-b: old\n\\ No newline at end of file\n+b: new\n\\ No newline at end of file\n" in patch
    shown = found.as_json()
    assert shown["patch"] == patch and shown["failed"] == [{"file": "broken.docx", "reason": "not a Word file"}]
    assert not found.pending
