"""Every story of a document is compared, and redlined: footnotes, endnotes, headers and footers, text boxes,
pictures, equations; what is not compared (a chart) is listed and counts.

The pairs are made by LibreOffice and python-docx (tests/fixtures/diff/stories.py), never by our writer: one
changes a footnote's words, one adds an endnote, one changes a header, one edits a text box, one replaces a
picture, one changes an equation, one changes a chart's numbers. ``--exit-code`` must answer 1 for each, and
0 for identical copies and for LibreOffice's round trip of an unchanged draft. The redline of each pair must
read as the new document after Accept All and as the old one after Reject All, in every story.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from conftest import require_tool, run_cli
from fixtures.diff.docs import story_views
from fixtures.diff.stories import LIBREOFFICE_PAIRS, PYTHON_DOCX_PAIRS, StoryPair, build_story_pairs, copy_of
from strategy_builder.review.compare import compare
from strategy_builder.review.diff import redline

PAIRS = [*LIBREOFFICE_PAIRS, *PYTHON_DOCX_PAIRS]


@pytest.fixture(scope="module")
def pairs(sample_drafts, tmp_path_factory: pytest.TempPathFactory) -> dict[str, StoryPair]:
    """The story pairs, and LibreOffice's round trip of draft 001's AM.docx (one LibreOffice start)."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    require_tool(path is not None, "LibreOffice (soffice)")
    assert path is not None
    folder = tmp_path_factory.mktemp("stories")
    return build_story_pairs(folder, path, round_trip=[sample_drafts[0] / "AM.docx"])


def _diff_json(old: Path, new: Path, project: Path) -> tuple[int, dict]:
    result = run_cli("diff", str(old), str(new), str(project), "--format", "json", "--exit-code")
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def _where(payload: dict) -> list[str]:
    """Every location of a change and every name of something not compared, in the JSON report."""
    (partner,) = payload["partners"]
    found = [c["location"] for s in partner["sections"] + partner["outside"] for c in s["changes"]]
    found += [s["title"] for s in partner["sections"] + partner["outside"] if s["status"] != "unchanged"]
    return found + [f"{n['name']} ({n['change']})" for n in partner["not_compared"]]


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", PAIRS)
def test_a_change_in_any_story_is_found_where_it_lives(pairs: dict[str, StoryPair], name: str,
                                                       tmp_path: Path) -> None:
    pair = pairs[name]
    code, payload = _diff_json(pair.old, pair.new, tmp_path)
    assert code == 1 and payload["has_changes"], f"{name}: reported as identical"
    where = _where(payload)
    assert any(pair.where.lower() in w.lower() for w in where), (name, where)
    if not pair.compared:
        assert payload["summary"]["not_compared"] == 1
        (partner,) = payload["partners"]
        assert partner["not_compared"][0]["name"] == pair.where


@pytest.mark.libreoffice
def test_identical_copies_and_a_libreoffice_round_trip_of_a_draft_are_the_same(
        pairs: dict[str, StoryPair], sample_drafts, tmp_path: Path) -> None:
    for pair in pairs.values():
        code, payload = _diff_json(pair.old, copy_of(pair.old, tmp_path / f"copy-{pair.old.name}"), tmp_path)
        assert code == 0 and not payload["has_changes"], pair.name
    # LibreOffice rewrites ids, rsids, styles, settings and the stored page numbers: a reader sees the same.
    draft = sample_drafts[0] / "AM.docx"
    round_trip = pairs["footnote reworded"].old.parent / "AM.docx"  # where LibreOffice wrote it
    code, payload = _diff_json(draft, round_trip, tmp_path)
    assert code == 0 and not payload["has_changes"], _where(payload)


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", PAIRS)
def test_the_redline_of_any_story_accepts_to_new_and_rejects_to_old(pairs: dict[str, StoryPair], name: str) -> None:
    pair = pairs[name]
    (partner,) = compare(str(pair.old), str(pair.new), pair.old.parent).partners
    assert partner.diff is not None
    data = redline(partner.diff, author="Drafting team", date=dt.date(2010, 11, 15))
    accepted, rejected = story_views(data, "accept"), story_views(data, "reject")
    new, old = story_views(pair.new), story_views(pair.old)
    for story in new:
        if story == "not compared":
            continue  # a chart is not compared, and not redlined
        assert accepted[story] == new[story], (name, story)
        assert rejected[story] == old[story], (name, story)
    changed = [story for story in new if story != "not compared" and new[story] != old[story]]
    assert changed or not pair.compared, f"{name}: the pair does not differ in any story"


@pytest.fixture(scope="module")
def judged_stories(pairs: dict[str, StoryPair], libreoffice_judge, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """LibreOffice's reading of each pair's redline accepted and rejected, and of NEW and OLD (one start)."""
    from judges.libreoffice import Job

    folder = tmp_path_factory.mktemp("judged-stories")
    jobs = []
    for index, pair in enumerate(pairs.values()):
        (partner,) = compare(str(pair.old), str(pair.new), pair.old.parent).partners
        assert partner.diff is not None
        path = folder / f"redline-{index}.docx"
        path.write_bytes(redline(partner.diff, author="Drafting team", date=dt.date(2010, 11, 15)))
        jobs += [Job(path, ["ACCEPT"]), Job(path, ["REJECT"]), Job(pair.new), Job(pair.old)]
    readings = libreoffice_judge.run(jobs)
    return {name: readings[4 * i:4 * i + 4] for i, name in enumerate(pairs)}


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", PAIRS)
def test_libreoffice_accepts_every_story_to_new_and_rejects_it_to_old(judged_stories, name: str) -> None:
    """The same invariant, judged by LibreOffice's own Accept All and Reject All (tests/judges/)."""
    accepted, rejected, new, old = judged_stories[name]
    for reading in (accepted, rejected, new, old):
        assert not reading.errors, (name, reading.errors)
    for story in new.stories() | old.stories():
        assert accepted.lines(story) == new.lines(story), (name, story)
        assert rejected.lines(story) == old.lines(story), (name, story)
    assert not accepted.redlines and not rejected.redlines, "LibreOffice left changes open"
