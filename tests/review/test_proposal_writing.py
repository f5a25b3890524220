"""Proposals written into the input files, with the previous files kept in build/.returns/NNN/
(review/proposal_writing.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from strategy_builder.errors import EnvironmentProblem
from strategy_builder.review.proposal_results import Proposals
from strategy_builder.review.proposal_writing import apply_proposals

AM = "inputs/partners/AM.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "inputs" / "partners").mkdir(parents=True)
    (tmp_path / AM).write_bytes(b"code: AM\nsituation: old text\n")
    return tmp_path


def test_each_apply_writes_the_files_and_keeps_the_previous_ones_in_the_next_numbered_folder(project: Path) -> None:
    first = apply_proposals(Proposals(edited={AM: (b"code: AM\nsituation: old text\n",
                                                   b"code: AM\nsituation: new text\n")}), project)
    assert first.files == [AM] and (project / AM).read_bytes() == b"code: AM\nsituation: new text\n"
    assert first.backup == project.resolve() / "build/.returns/001"
    assert (first.backup / AM).read_bytes() == b"code: AM\nsituation: old text\n"
    record = json.loads((first.backup / "proposals.json").read_text(encoding="utf-8"))
    assert "applied" in record and "+situation: new text" in record["patch"]
    second = apply_proposals(Proposals(edited={AM: (b"code: AM\nsituation: new text\n",
                                                    b"code: AM\nsituation: newer text\n")}), project)
    assert second.backup is not None and second.backup.name == "002"


def test_nothing_to_write_writes_nothing(project: Path) -> None:
    assert apply_proposals(Proposals(), project).files == []
    assert not (project / "build").exists()


def test_a_file_changed_since_the_returns_were_read_is_not_overwritten(project: Path) -> None:
    with pytest.raises(EnvironmentProblem, match="changed while the returns were read"):
        apply_proposals(Proposals(edited={AM: (b"code: AM\nsituation: what was read\n", b"new")}), project)
    assert (project / AM).read_bytes() == b"code: AM\nsituation: old text\n"
    assert not (project / "build").exists()
