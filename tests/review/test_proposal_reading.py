"""Returned drafts read into edits of YAML scalars and the changes that need a person
(review/proposal_reading.py)."""

from __future__ import annotations

from pathlib import Path

from fixtures.returns.reviewer import Edit, review
from strategy_builder.inputs.yaml_edit import apply_edits
from strategy_builder.review.proposal_reading import ScalarEditReader


def test_a_value_change_becomes_edits_of_its_scalar_and_template_text_needs_a_person(built_sample: Path,
                                                                                    tmp_path: Path) -> None:
    returned = review(built_sample / "build/drafts/001/AM.docx", tmp_path / "AM_001_MFA.docx", [
        Edit("risk analysis capacity", "risk assessment capacity", author="A. Petrosyan"),
        Edit("Future joint cooperation", "Future cooperation", author="A. Petrosyan"),
        Edit("2.1.1", "2.1.2", author="B. Reviewer")])
    reader = ScalarEditReader(built_sample, None, None)
    reader.read(returned)
    (part,) = reader.parts
    assert part.file == "inputs/partners/AM.yaml" and part.path[:2] == ("areas", "illegal_migration")
    assert part.path[-1] == "rationale" and "risk analysis capacity" in part.printed
    assert apply_edits(part.base, part.edits) == part.base.replace("risk analysis capacity",
                                                                   "risk assessment capacity")
    assert {c.author for c in part.changes} == {"A. Petrosyan"}
    assert sorted(n.reason for n in reader.result.needs_person) == ["generated-number", "template-text"]
    assert set(reader.change_authors.values()) == {"A. Petrosyan", "B. Reviewer"}


def test_only_the_chosen_authors_changes_are_read(built_sample: Path, tmp_path: Path) -> None:
    returned = review(built_sample / "build/drafts/001/AM.docx", tmp_path / "AM_001_MFA.docx", [
        Edit("risk analysis capacity", "risk assessment capacity", author="A. Petrosyan"),
        Edit("Future joint cooperation", "Future cooperation", author="B. Reviewer")])
    reader = ScalarEditReader(built_sample, "a. petrosyan", None)
    reader.read(returned)
    assert len(reader.parts) == 1 and not reader.result.needs_person
    assert [f.path for f in reader.result.files] == [returned]
