"""The returns given to consolidate: opened, checked to answer one draft, each named by its ministry
(review/consolidation_inputs.py)."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from fixtures.comments.ministry import Delete, annotate
from strategy_builder.errors import InputProblems
from strategy_builder.review.consolidation_inputs import check_same_draft, name_ministries, open_returns


def _copy(source: Path, target: Path, *edits: Delete) -> Path:
    target.write_bytes(annotate(source.read_bytes(), list(edits)) if edits else source.read_bytes())
    return target


def test_every_file_that_cannot_be_merged_is_named_at_once(built_sample: Path, tmp_path: Path) -> None:
    draft = built_sample / "build/drafts/001/AM.docx"
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(InputProblems) as unreadable:
        open_returns([draft, broken])
    assert [(f.location.file, f.code) for f in unreadable.value.findings] == [(str(broken), "consolidate.unreadable")]
    memo = tmp_path / "memo.docx"
    docx.Document().save(str(memo))
    other_partner = built_sample / "build/drafts/001/AZ.docx"
    with pytest.raises(InputProblems) as refused:
        check_same_draft(open_returns([draft, memo, other_partner]))
    assert {(Path(f.location.file).name, f.code) for f in refused.value.findings} == {
        ("memo.docx", "consolidate.not-a-draft"), ("AZ.docx", "consolidate.other-partner")}
    assert check_same_draft(open_returns([draft, _copy(draft, tmp_path / "AM_001_MFA.docx")])) == ("AM", "001", "")


def test_the_ministry_comes_from_the_option_else_the_file_name_else_the_author(built_sample: Path,
                                                                                tmp_path: Path) -> None:
    draft = built_sample / "build/drafts/001/AM.docx"
    named = _copy(draft, tmp_path / "AM_001_MFA.docx")
    unnamed = _copy(draft, tmp_path / "AM_001.docx", Delete("primarily", "Armen Grigoryan"))
    returns = open_returns([named, unnamed])
    name_ministries(returns, {})
    assert [r.ministry for r in returns] == ["MFA", "Armen Grigoryan"]
    name_ministries(returns, {"AM_001.docx": "Ministry of Justice"})
    assert [r.ministry for r in returns] == ["MFA", "Ministry of Justice"]
    with pytest.raises(InputProblems) as twice:
        name_ministries(returns, {"AM_001": "MFA"})
    assert [f.code for f in twice.value.findings] == ["consolidate.same-ministry"]
