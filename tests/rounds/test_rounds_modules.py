"""Modules of rounds/ on their own: starting the next round in strategy.yaml (new_round.py), proposing and
applying the tracked changes of a return as YAML edits (proposing.py), and a reply as a Word document
(reply_document.py), on copies of the sample's drafts."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import docx
import pytest

from fixtures.comments.ministry import Insert, annotate
from strategy_builder.errors import InputProblems
from strategy_builder.inputs.loading import load_project
from strategy_builder.rounds.new_round import RoundDates, start_round
from strategy_builder.rounds.proposing import propose_returns
from strategy_builder.rounds.reply_document import ReplyLetter, ReplyLine, reply_document

INSERTED = " (since 1991)"


@pytest.fixture
def drafted(sample_drafts: tuple[Path, Path], tmp_path: Path) -> Path:
    return Path(shutil.copytree(sample_drafts[1].parents[2], tmp_path / "project"))


def test_a_new_round_moves_the_round_and_its_dates_and_keeps_the_file_before(drafted: Path) -> None:
    strategy = drafted / "inputs/strategy.yaml"
    before = strategy.read_text(encoding="utf-8")
    started = start_round(drafted, dt.date(2011, 3, 1), dt.date(2011, 4, 1), wait_seconds=0)
    assert started.current == RoundDates(started.previous.round + 1, dt.date(2011, 3, 1), dt.date(2011, 4, 1))
    assert started.previous_drafts == (1, 2) and (drafted / started.backup).read_text(encoding="utf-8") == before
    loaded = load_project(drafted, only=set())
    assert loaded.project is not None
    assert RoundDates.of(loaded.project.strategy.consultation) == started.current
    after = strategy.read_text(encoding="utf-8")
    assert len(after.splitlines()) == len(before.splitlines())  # only the three values changed
    payload = started.payload()
    assert (payload["round"], payload["issued"], payload["deadline"]) == (started.current.round, "2011-03-01",
                                                                          "2011-04-01")
    with pytest.raises(InputProblems) as refused:  # no draft has gone out in the new round yet
        start_round(drafted, dt.date(2011, 5, 1), dt.date(2011, 6, 1), wait_seconds=0)
    assert refused.value.findings.errors and strategy.read_text(encoding="utf-8") == after
    with pytest.raises(InputProblems):
        start_round(drafted, dt.date(2011, 5, 1), dt.date(2011, 4, 1), wait_seconds=0)


def test_a_tracked_insertion_is_proposed_then_applied_to_its_yaml_value(drafted: Path, tmp_path: Path) -> None:
    returned = tmp_path / "AM-Ministry of Labour.docx"
    returned.write_bytes(annotate((drafted / "build/drafts/002/AM.docx").read_bytes(), [
        Insert("primarily a country of emigration", INSERTED, "Armen", "2010-12-02T08:00:00Z")]))
    partner = drafted / "inputs/partners/AM.yaml"
    before = partner.read_text(encoding="utf-8")
    patch = tmp_path / "proposals.patch"
    result = propose_returns([returned], drafted, patch=patch)
    [proposal] = result.proposals.proposals
    assert proposal.file == "inputs/partners/AM.yaml" and proposal.path[0] == "situation"
    assert INSERTED in proposal.new and INSERTED not in proposal.old
    assert before.split("\n")[proposal.line - 1].strip().startswith("situation")
    assert result.applied is None and partner.read_text(encoding="utf-8") == before
    assert f"+{INSERTED.strip()}" in patch.read_text(encoding="utf-8").replace(INSERTED, "+" + INSERTED.strip())
    applied = propose_returns([returned], drafted, apply=True)
    assert applied.applied is not None and applied.check is not None and not applied.check.findings.has_errors()
    assert INSERTED in partner.read_text(encoding="utf-8")
    again = propose_returns([returned], drafted)
    assert [p.status for p in again.proposals.proposals] == ["already applied"]


def test_a_reply_holds_the_letter_and_a_row_per_comment_and_is_reproducible() -> None:
    letter = ReplyLetter("Migration Partnership Strategy", "Armenia", "AM", "Ministry of Labour", "Drafting team",
                         "BMP Secretariat", "team@example.org", "Restricted", dt.date(2011, 3, 1),
                         dt.date(2011, 4, 1), 2, 3, (2,), 2, "We thank the Ministry for its comments.", "9.9")
    lines = [ReplyLine(1, "C-1", "comment", "Anna", "2010-12-01T10:00", "1 Migration situation",
                       "primarily a country", "Source?", "", "accepted", "Source added.", "1 Migration situation"),
             ReplyLine(2, "T-2", "insertion", "Armen", "2010-12-02T08:00", "1 Migration situation", "",
                       " (since 1991)", "", "rejected", "Not needed.", "", reply_to=None)]
    rendered = reply_document(letter, lines)
    document = docx.Document(io.BytesIO(rendered.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Ministry of Labour" in text and "We thank the Ministry for its comments." in text
    assert document.paragraphs[0].text == "BMP Secretariat"  # the organisation heads the letter
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert all(words in cells for words in ("Source?", "Source added.", "Not needed.", "Accepted",
                                                    "Not accepted", "On “primarily a country”"))
    assert reply_document(letter, lines).data == rendered.data
