"""The redline invariant judged by LibreOffice itself, not by our own accept/reject code.

For each pair (OLD, NEW) the redline strategy-builder writes is opened in LibreOffice, which accepts every
change (Edit > Track Changes > Accept All) or rejects every change, and reads the text back
(tests/judges/libreoffice.py). Accept All must read as NEW and Reject All as OLD, paragraph by paragraph
and cell by cell, as LibreOffice itself reads NEW and OLD. The pairs are hand-written documents made with
python-docx (words, paragraphs at the start, middle and end, formatting, table cells, rows and whole
tables, moved sections) and the sample's drafts 001 and 002 (a retitled, a deleted and two swapped
priorities). Every case is judged in one LibreOffice start.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fixtures.diff.docs import make_docx
from judges.libreoffice import Job, LibreOfficeJudge, Reading
from strategy_builder.review.diff import diff_documents, redline
from strategy_builder.review.review_document import read_document

pytestmark = pytest.mark.libreoffice

AUTHOR = "BMP Strategy Drafting Team"
DATE = dt.date(2010, 11, 15)

SECTIONS_OLD = [("h1", "Border management"), "Joint risk analysis of the border guards.",
                ("h1", "Labour migration"), "Seasonal work schemes with two leading states.",
                ("h1", "Return"), "Information on voluntary return."]
SECTIONS_NEW = [("h1", "Labour migration"), "Seasonal work schemes with two leading states.",
                ("h1", "Border management"), "Joint risk analysis of the border guards.",
                ("h1", "Return"), "Information on assisted voluntary return."]

CASES: dict[str, tuple[list, list]] = {
    "words": (["The committee met in Chisinau on Monday.", "Unchanged paragraph."],
              ["The joint committee met in Tbilisi on Monday.", "Unchanged paragraph."]),
    "paragraphs at start, middle and end": (
        ["first", "second", "third", "last"],
        ["new opening", "first", "third", "inserted", "last", "appended", "appended again"]),
    "formatting runs": ([["Plain start ", "bold words here", " plain end"]],
                        [["Plain start ", "bold words there", " plain end and more"]]),
    "table cells, rows and whole tables": (
        ["Before", ("table", [["No.", "Action"], ["1", "Train border guards"], ["2", "Old row"]]),
         "Between", ("table", [["gone", "table"]]), "After"],
        ["Before", ("table", [["No.", "Action"], ["1", "Train all border guards"], ["3", "New row"],
                              ["4", ["two", "paragraphs"]]]), "Between", "After",
         ("table", [["brand", "new"]])]),
    "cell emptied and filled": (
        ["Intro", ("table", [["Lead", "Timeline"], ["HU", ""], ["", "2010-Q4"]])],
        ["Intro", ("table", [["Lead", "Timeline"], ["", "2011-H1"], ["PL, SK", "2010-Q4"]])]),
    "paragraphs in a cell": (
        [("table", [["Actions", ["one", "two", "three"]]]), "end"],
        [("table", [["Actions", ["one", "three", "four"]]]), "end"]),
    "moved sections": (SECTIONS_OLD, SECTIONS_NEW),
}


def _pairs(folder: Path, sample_drafts: tuple[Path, Path]) -> dict[str, tuple[Path, Path]]:
    pairs = {}
    for index, (name, (old, new)) in enumerate(CASES.items()):
        for direction, (a, b) in (("", (old, new)), (" (reversed)", (new, old))):
            old_path, new_path = folder / f"{index}{direction}-old.docx", folder / f"{index}{direction}-new.docx"
            make_docx(a, old_path)
            make_docx(b, new_path)
            pairs[name + direction] = (old_path, new_path)
    old_dir, new_dir = sample_drafts
    pairs["sample draft 001 -> 002"] = (old_dir / "AM.docx", new_dir / "AM.docx")
    return pairs


SELF_CHECK_EDITS = Job.edits("Anna Petrosyan", ("INSERT", "emigration", " and of return"), ("DELETE", "The end."),
                             ("REPLACE", "HU", "PL"), ("COMMENT", "Armenia", "Source?", "AP"))


@pytest.fixture(scope="module")
def judged(libreoffice_judge: LibreOfficeJudge, sample_drafts: tuple[Path, Path],
           tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Reading]]:
    """Per case: LibreOffice's reading of the redline as is, accepted and rejected, and of OLD and NEW; under
    "self-check", changes LibreOffice recorded itself, as is, accepted and rejected (one LibreOffice start)."""
    folder = tmp_path_factory.mktemp("judged")
    pairs = _pairs(folder, sample_drafts)
    source = folder / "self-check.docx"
    make_docx(["Armenia is a country of emigration.", ("table", [["lead", "HU"]]), "The end."], source)
    jobs = [Job(source, SELF_CHECK_EDITS), Job(source, [*SELF_CHECK_EDITS, "ACCEPT"]),
            Job(source, [*SELF_CHECK_EDITS, "REJECT"])]
    for index, (old, new) in enumerate(pairs.values()):
        diff = diff_documents(read_document(old), read_document(new))
        path = folder / f"redline-{index}.docx"
        path.write_bytes(redline(diff, author=AUTHOR, date=DATE))
        jobs += [Job(path), Job(path, ["ACCEPT"]), Job(path, ["REJECT"]), Job(new), Job(old)]
    readings = libreoffice_judge.run(jobs)
    judged = {"self-check": dict(zip(("edited", "accepted", "rejected"), readings[:3], strict=True))}
    views = ("redline", "accepted", "rejected", "new", "old")
    for i, name in enumerate(pairs):
        judged[name] = dict(zip(views, readings[3 + 5 * i:3 + 5 * i + 5], strict=True))
    return judged


CASE_NAMES = [name + direction for name in CASES for direction in ("", " (reversed)")] + ["sample draft 001 -> 002"]


@pytest.mark.parametrize("case", CASE_NAMES)
def test_libreoffice_accept_all_gives_new_and_reject_all_gives_old(judged, case: str) -> None:
    views = judged[case]
    for name, reading in views.items():
        assert not reading.errors, (name, reading.errors)
    assert views["accepted"].lines() == views["new"].lines()
    assert views["rejected"].lines() == views["old"].lines()
    assert not views["accepted"].redlines and not views["rejected"].redlines, "LibreOffice left changes open"
    authors = {author for _, author in views["redline"].redlines}
    assert authors <= {AUTHOR}, authors
    if views["new"].lines() != views["old"].lines():
        assert views["redline"].redlines, "a difference must show as tracked changes"


def test_the_judge_accepts_and_rejects_what_libreoffice_recorded_itself(judged) -> None:
    """The judge's two directions, checked on changes LibreOffice made and recorded itself."""
    edited, accepted, rejected = (judged["self-check"][view] for view in ("edited", "accepted", "rejected"))
    for reading in (edited, accepted, rejected):
        assert not reading.errors, reading.errors
    assert accepted.lines() == ["Armenia is a country of emigration and of return.", "lead", "PL"]
    assert rejected.lines() == ["Armenia is a country of emigration.", "lead", "HU", "The end."]
    assert {author for _, author in edited.redlines} == {"Anna Petrosyan"}
    assert {kind for kind, _ in edited.redlines} == {"Insert", "Delete"}
    assert edited.comments == accepted.comments == ["Anna Petrosyan: Source?"]


def test_libreoffice_sees_the_moves_of_the_scenario(judged) -> None:
    kinds = {kind for kind, _ in judged["sample draft 001 -> 002"]["redline"].redlines}
    assert {"Insert", "Delete"} <= kinds
