"""One comparison, many views: the changes table inside a new draft, its manifest, ``diff`` (every format) and the
redline say the same thing about every section.

The drafts (tests/fixtures/diff/drafts.py) carry a move across areas, a deletion before other priorities, a
retitle, an insertion that renumbers the priorities after it, and a swap.
"""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from conftest import run_in_process
from fixtures.diff.drafts import DELETED, EXPECTED, MOVED_FROM, MOVED_TO, NEW_TITLE
from strategy_builder.ooxml.bookmarks import body_paragraphs, find_sections
from strategy_builder.ooxml.namespaces import DEL, DEL_TEXT, INS, MOVE_FROM, MOVE_TO, RPR, T
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.stamps import read_stamps

LABELS = {"added": "New", "removed": "Removed", "moved": "Moved", "renumbered": "Renumbered", "changed": "Changed"}


def _number_text(old: str | None, new: str | None) -> str:
    if new is None:
        return f"{old} → –"
    return f"{old} → {new}" if old is not None and old != new else new


@pytest.fixture(scope="module")
def project(sample_drafts) -> Path:
    return sample_drafts[1].parents[2]


@pytest.fixture(scope="module")
def diff_json(project: Path) -> dict:
    result = run_in_process("diff", "1", "2", str(project), "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_manifest_records_each_change(sample_drafts) -> None:
    manifest = json.loads((sample_drafts[1] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == 2
    am = next(p for p in manifest["partners"] if p["code"] == "AM")
    recorded = {s["id"]: (s["status"], s["previous_number"], s["number"]) for s in am["sections"]
                if s["status"] != "unchanged"}
    recorded.update({s["id"]: (s["status"], s["previous_number"], None) for s in am["removed_sections"]})
    assert recorded == EXPECTED
    moved = next(s for s in am["sections"] if s["id"] == MOVED_TO)
    assert moved["previous_id"] == MOVED_FROM
    for partner in manifest["partners"]:
        if partner["code"] != "AM":
            assert {s["status"] for s in partner["sections"]} == {"unchanged"}, partner["code"]


def test_the_changes_table_inside_the_draft_lists_each_change(sample_drafts) -> None:
    manifest = json.loads((sample_drafts[1] / "manifest.json").read_text(encoding="utf-8"))
    am = next(p for p in manifest["partners"] if p["code"] == "AM")
    titles = {s["id"]: s["title"] for s in [*am["sections"], *am["removed_sections"]]}
    table = docx.Document(str(sample_drafts[1] / "AM.docx")).tables[-1]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    # The last column lists the register rows a section answers (docs/returns.md); none in this scenario.
    assert rows[0] == ["No.", "Section", "Change", "Answers"]
    shown = rows[1:]
    assert len(shown) == len(EXPECTED)
    for key, (status, old, new) in EXPECTED.items():
        number = _number_text(old, new)
        assert any(r[0] == number and r[1].startswith(titles[key]) and r[2].startswith(LABELS[status])
                   for r in shown), (key, number)
    deleted_number = EXPECTED[DELETED][1]
    assert all(r[0] != deleted_number for r in shown), "no bare old number that now belongs to another section"
    assert any(r[1].startswith(NEW_TITLE) and "formerly" in r[1] for r in shown)
    moved = next(r for r in shown if r[0] == "5.3 → 6.4")
    assert moved[2] == "Moved from Integration of legally residing migrants to Migration, mobility and development"


def test_diff_json_shows_each_change(diff_json) -> None:
    am = next(p for p in diff_json["partners"] if p["code"] == "AM")
    shown = {s["id"]: (s["status"], s["old_number"], s["new_number"]) for s in am["sections"]
             if s["status"] != "unchanged"}
    assert shown == EXPECTED
    assert diff_json["summary"]["sections"]["renumbered"] == 4


def test_every_report_format_shows_each_change(project: Path, tmp_path: Path) -> None:
    html = tmp_path / "diff.html"
    text = run_in_process("diff", "1", "2", str(project), "--html", str(html)).stdout
    markdown = run_in_process("diff", "1", "2", str(project), "--format", "markdown").stdout
    page = html.read_text(encoding="utf-8")
    for status, old, new in EXPECTED.values():
        line = status if old is None or new is None or old == new else f"{status} ({old} → {new})"
        for name, report in (("text", text), ("markdown", markdown), ("html", page)):
            assert line in report, (name, line)
    for report in (text, markdown, page):
        assert "from Integration of legally residing migrants to Migration, mobility and development" in report


def _revisions_by_section(path: Path) -> tuple[dict[str, set[str]], dict[str, list[str]]]:
    """For each tracked section of a redline: the kinds of revisions inside it, and the texts they insert or
    delete; plus the texts of the deleted and moved-away copies, by kind."""
    package = DocxPackage.open(path)
    root = package.xml(package.main_part_name())
    paragraphs = body_paragraphs(root)
    sections = [s for s in find_sections(root, read_stamps(package).sections, paragraphs) if s.section_id]
    kinds: dict[str, set[str]] = {}
    words: dict[str, list[str]] = {}
    for section in sections:
        innermost = [s for s in sections if s is not section and section.first_paragraph <= s.first_paragraph
                     and s.last_paragraph <= section.last_paragraph]
        for paragraph in paragraphs[section.first_paragraph:section.last_paragraph + 1]:
            if any(s.first_paragraph <= paragraph.index <= s.last_paragraph for s in innermost):
                continue
            for element in paragraph.element.iter(INS, DEL, MOVE_TO, MOVE_FROM):
                name = element.tag.rsplit("}", 1)[1]
                kinds.setdefault(section.section_id, set()).add(name)  # type: ignore[arg-type]
                if element.getparent().tag != RPR:
                    words.setdefault(section.section_id, []).append(  # type: ignore[arg-type]
                        "".join(t.text or "" for t in element.iter(T, DEL_TEXT)))
    return kinds, words


def test_the_redline_marks_each_change_as_its_status_says(project: Path, tmp_path: Path) -> None:
    target = tmp_path / "redlines"
    result = run_in_process("diff", "1", "2", str(project), "--redline", str(target))
    assert result.returncode == 0, result.stderr
    kinds, words = _revisions_by_section(target / "AM.docx")
    for key, (status, _, _) in EXPECTED.items():
        if status == "removed":
            assert key not in kinds
            continue
        found = kinds.get(key, set())
        if status == "added":
            assert found <= {"ins"} and "ins" in found, key
        elif status == "moved":
            # Table rows cannot be moved in Word's markup: they are inserted (and deleted where they were).
            assert "moveTo" in found and found <= {"moveTo", "ins"}, (key, found)
        elif status == "renumbered":
            assert found and all(w.strip().replace(".", "").isdigit() or not w.strip() for w in words[key]), \
                (key, words.get(key))
        elif status == "changed":
            assert found & {"ins", "del"}, key
    unchanged = {s for s in kinds if s not in EXPECTED and s.count("/") == 2}
    assert not unchanged, f"revisions in sections that did not change: {unchanged}"
    root = DocxPackage.open(target / "AM.docx").xml("word/document.xml")
    deleted = " ".join("".join(t.text or "" for t in e.iter(DEL_TEXT)) for e in root.iter(DEL))
    moved_away = " ".join("".join(t.text or "" for t in e.iter(T)) for e in root.iter(MOVE_FROM))
    assert "Security of travel and identity documents" in deleted, "the removed priority comes back deleted"
    assert "Integration of Armenian nationals in destination states" in moved_away



def test_the_register_shows_each_section_as_the_other_views_do(project: Path) -> None:
    """A register row that commented on draft 001 reads, in its link columns, the status its section has in
    draft 002 in every other view (with its current number when that changed), and draft 002 as the draft that
    changed it when its content changed or it was removed."""
    from strategy_builder.review.dispositions import register_links
    from strategy_builder.review.register import RegisterRow

    commented = {key: MOVED_FROM if key == MOVED_TO else key for key, (status, _, _) in EXPECTED.items()
                 if status != "added"}
    commented["unchanged"] = "AM/legal_migration/skills-recognition"
    rows = {key: RegisterRow(id=f"T-{index:010d}", partner="AM", draft="001", section=section)
            for index, (key, section) in enumerate(commented.items())}
    links = register_links(list(rows.values()), project)
    for key, row in rows.items():
        status, old, new = EXPECTED.get(key, ("unchanged", None, None))
        state = f"{status}, now {new}" if new is not None and old != new else status
        assert links[row.id].latest_state == f"{state} (draft 002)", (key, links[row.id])
        changed_in = "002" if status in ("changed", "removed") else "none yet"
        assert links[row.id].changed_in == changed_in, (key, links[row.id])
        assert links[row.id].cited_by == "none yet"
