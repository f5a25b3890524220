"""``strategy-builder diff`` end to end: real drafts, reports, redlines, exit codes, hostile and foreign files."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from conftest import run_in_process
from fixtures.diff.docs import make_docx, revision_views, texts
from fixtures.diff.drafts import (
    DELETED, EXPECTED, MOVED_FROM, MOVED_TO, NEW_TITLE, RENUMBERED_AFTER_DELETION, RETITLED, SWAPPED,
)
from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.review.diff import diff_documents
from strategy_builder.review.review_document import read_document
from strategy_builder.review.draft_reports import write_draft_reports
from fixtures.archives import zip_members


@pytest.fixture(scope="module")
def scenario_json(sample_drafts) -> dict:
    old_dir, new_dir = sample_drafts
    project = new_dir.parents[2]
    result = run_in_process("diff", "1", "2", str(project), "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _changed(partner: dict) -> dict[str, dict]:
    return {s["id"]: s for s in partner["sections"] if s["status"] != "unchanged"}


def test_scenario_reports_each_change_with_its_status_and_numbers(scenario_json) -> None:
    partners = {p["code"]: p for p in scenario_json["partners"]}
    changed = _changed(partners["AM"])
    assert {key: (s["status"], s["old_number"], s["new_number"]) for key, s in changed.items()} == EXPECTED
    assert changed[RETITLED]["retitled"] and NEW_TITLE in changed[RETITLED]["title"]
    moved = changed[MOVED_TO]
    assert (moved["old_id"], moved["old_area"], moved["area"]) == (MOVED_FROM, "integration", "migration_development")
    assert moved["old_area_title"] == "Integration of legally residing migrants"
    for key in SWAPPED:
        assert not changed[key]["edited"]
    renumbered = changed[RENUMBERED_AFTER_DELETION]
    assert renumbered["changes"] and all(c["renumbered"] for c in renumbered["changes"]), \
        "the paragraph numbers changed (2.3.1 → 2.2.1), nothing else"
    assert {p["status"] for code, p in partners.items() if code != "AM"} == {"unchanged"}
    assert scenario_json["summary"]["sections"] == {**scenario_json["summary"]["sections"], "added": 1,
                                                   "removed": 1, "moved": 3, "renumbered": 4, "changed": 1}
    # The cover line and the changes table differ by construction: reported apart, not as sections.
    assert partners["AZ"]["outside_changed"] and all(s["kind"] == "outside" for s in partners["AZ"]["outside"])


def test_scenario_is_attributed_to_the_input_lines(scenario_json, sample_drafts) -> None:
    am = next(p for p in scenario_json["partners"] if p["code"] == "AM")
    changed = _changed(am)
    yaml_lines = (sample_drafts[1] / "inputs" / "partners" / "AM.yaml").read_text(encoding="utf-8").split("\n")
    (field,) = changed[RETITLED]["attribution"]["fields"]
    assert field["file"] == "inputs/partners/AM.yaml" and field["path"].endswith(".title")
    assert field["change"] == "changed" and field["new"] == NEW_TITLE
    assert NEW_TITLE in yaml_lines[field["line"] - 1]
    assert changed[DELETED]["attribution"]["cause"] == "inputs"
    assert "removed" in changed[DELETED]["attribution"]["summary"]
    for key in (*SWAPPED, MOVED_TO):
        attribution = changed[key]["attribution"]
        assert attribution["cause"] == "order" and attribution["source_file"] == "inputs/partners/AM.yaml"
        assert f"- id: {key.rsplit('/', 1)[1]}" in yaml_lines[attribution["source_line"] - 1]
    assert changed[RENUMBERED_AFTER_DELETION]["attribution"]["cause"] == "order"


def test_json_schema_fields_are_present(scenario_json) -> None:
    assert scenario_json["schema"] == "strategy-builder-diff" and scenario_json["schema_version"] == 2
    assert scenario_json["old"]["draft"] == 1 and scenario_json["new"]["draft"] == 2
    section = _changed(next(p for p in scenario_json["partners"] if p["code"] == "AM"))[RETITLED]
    assert set(section) >= {"key", "id", "old_id", "kind", "title", "old_title", "retitled", "area", "area_title",
                            "old_area", "old_area_title", "status", "moved", "edited", "old_number", "new_number",
                            "changes", "attribution"}
    change = section["changes"][0]
    assert set(change) == {"kind", "location", "old_text", "new_text", "ops", "whitespace_only", "renumbered"}
    assert "".join(o["text"] for o in change["ops"] if o["op"] != "insert") == change["old_text"]
    assert "".join(o["text"] for o in change["ops"] if o["op"] != "delete") == change["new_text"]


def test_text_markdown_html_and_redlines(sample_drafts, tmp_path: Path) -> None:
    old_dir, new_dir = sample_drafts
    project = new_dir.parents[2]
    html, redlines = tmp_path / "diff.html", tmp_path / "redlines"
    result = run_in_process("diff", "1", "2", str(project), "--html", str(html), "--redline", str(redlines))
    assert result.returncode == 0, result.stderr
    assert "moved (4.2 → 4.1)" in result.stdout and "removed" in result.stdout
    assert "renumbered (2.3 → 2.2)" in result.stdout
    assert "inputs/partners/AM.yaml:" in result.stdout and "{+Integrated management of the state+}" in result.stdout
    page = html.read_text(encoding="utf-8")
    assert "<ins>" in page and "<del>" in page and 'href="#am"' in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "the page must not load anything"
    assert sorted(p.name for p in redlines.iterdir()) == sorted(p.name for p in old_dir.glob("*.docx"))
    for code in ("AM", "GE"):
        accepted, rejected = revision_views((redlines / f"{code}.docx").read_bytes())
        assert accepted == texts(new_dir / f"{code}.docx")
        assert rejected == texts(old_dir / f"{code}.docx")
    markdown = run_in_process("diff", "1", "2", str(project), "--format", "markdown").stdout
    assert "## AM Armenia" in markdown and "**+Integrated management of the state**" in markdown
    assert "~~−Towards integrated~~" in markdown


def test_exit_code(sample_drafts) -> None:
    project = sample_drafts[1].parents[2]
    assert run_in_process("diff", "1", "2", str(project), "--exit-code").returncode == 1
    assert run_in_process("diff", "2", "2", str(project), "--exit-code").returncode == 0
    assert run_in_process("diff", "1", "2", str(project)).returncode == 0
    missing = run_in_process("diff", "1", "9", str(project))
    assert missing.returncode == 2 and "no draft 9" in missing.stderr and "Traceback" not in missing.stderr


def test_returned_file_against_its_draft(sample_drafts, tmp_path: Path) -> None:
    old_dir, new_dir = sample_drafts
    project = new_dir.parents[2]
    target = tmp_path / "AM-redline.docx"
    result = run_in_process("diff", "2", str(new_dir / "AM.docx"), str(project), "--redline", str(target),
                            "--format", "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [p["code"] for p in payload["partners"]] == ["AM"] and not payload["has_changes"]
    assert target.is_file()


def test_write_draft_reports_for_builds(sample_drafts, tmp_path: Path) -> None:
    old_dir, new_dir = sample_drafts
    written = write_draft_reports(old_dir, new_dir, project_dir=new_dir.parents[2], redlines=True, html=True,
                                  author="Team", date=dt.date(2010, 11, 15))
    try:
        assert new_dir / "diff.html" in written and new_dir / "redlines" / "AM.docx" in written
        assert NEW_TITLE in (new_dir / "diff.html").read_text(encoding="utf-8")
    finally:
        for path in written:
            path.unlink()
        (new_dir / "redlines").rmdir()


def test_documents_without_ids_fall_back_to_headings(tmp_path: Path) -> None:
    old = make_docx([("h1", "Introduction"), "Some words.", ("h1", "Borders"), "Border text here.",
                     ("h1", "Labour"), "Labour text.", ("h1", "Returns"), "Return text."])
    new = make_docx([("h1", "Introduction"), "Some other words.", ("h1", "Labour"), "Labour text.",
                     ("h1", "Borders"), "Border text here.", ("h1", "Return policy"), "Return text."])
    diff = diff_documents(read_document(old, source="a.docx"), read_document(new, source="b.docx"))
    status = {s.title: s.status for s in diff.sections}
    assert status["Introduction"] == "changed"
    assert "moved" in (status["Borders"], status["Labour"])
    assert status["Return policy"] == "changed"  # retitled, matched by its content
    assert diff.has_changes


def test_whitespace_variants_are_not_text_changes() -> None:
    old = make_docx(["A sentence with spaces.", ("table", [["cell one", "x"]])])
    new = make_docx(["A sentence\u00a0with  spaces.", ("table", [["cell\u00a0one", "x"]])])
    diff = diff_documents(read_document(old), read_document(new))
    assert not diff.has_changes
    assert all(c.whitespace_only for s in diff.sections for c in s.changes)


# ----------------------------------------------------------------------------------- hostile files


def _hostile(kind: str) -> bytes:
    good = make_docx(["fine"])
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    if kind == "not-a-zip":
        return b"This is a plain text file pretending to be a .docx\n" * 10
    if kind == "bomb":
        parts["word/media/bomb.bin"] = b"\0" * (40 * 1024 * 1024)
    elif kind == "doctype":
        parts["word/document.xml"] = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                      + parts["word/document.xml"].split(b"?>", 1)[1].replace(b"fine", b"&x;"))
    elif kind == "no-document":
        parts = {n: d for n, d in parts.items() if n != "word/document.xml"}
    return zip_members(parts)


@pytest.mark.parametrize("kind", ["not-a-zip", "bomb", "doctype", "no-document"])
def test_hostile_files_give_a_clear_error_naming_the_file(kind: str, tmp_path: Path) -> None:
    good = tmp_path / "good.docx"
    make_docx(["fine"], good)
    bad = tmp_path / f"{kind}.docx"
    bad.write_bytes(_hostile(kind))
    with pytest.raises(UntrustedDocumentError) as caught:
        read_document(bad)
    assert str(bad) in caught.value.message
    result = run_in_process("diff", str(good), str(bad), str(tmp_path))
    assert result.returncode == 1, result.stderr
    assert f"{kind}.docx" in result.stderr and "Traceback" not in result.stderr + result.stdout


# -------------------------------------------------------------------------------------------- corpus


@pytest.mark.corpus
def test_every_corpus_file_is_read_or_refused_cleanly(corpus: Path) -> None:
    for path in sorted(corpus.rglob("*.docx")):
        try:
            document = read_document(path)
        except UntrustedDocumentError as error:
            assert str(path) in error.message
            continue
        diff = diff_documents(document, read_document(path))
        assert not diff.has_changes, path


def test_ids_and_levels_written_in_other_digits_are_not_numbers_and_break_nothing(tmp_path: Path) -> None:
    """A document written by others whose bookmark ids and outline level are superscript digits ("²", which
    str.isdigit accepts and int refuses) was an internal error of the redline (exit 3): such a value is
    not a number, and the diff and its redline go on."""
    old = make_docx(["Hello world", "Second paragraph"], tmp_path / "old.docx")
    body = zipfile.ZipFile(io.BytesIO(old)).read("word/document.xml").decode("utf-8")
    strange = ('<w:p><w:pPr><w:outlineLvl w:val="²"/></w:pPr><w:bookmarkStart w:id="²" w:name="x"/><w:r><w:t>'
               'Hello there world</w:t></w:r><w:bookmarkEnd w:id="--1"/></w:p>')
    new_body = re.sub(r"<w:p>.*?Hello world.*?</w:p>", strange, body, count=1, flags=re.S)
    assert new_body != body
    archive = zipfile.ZipFile(io.BytesIO(old))
    members = {name: archive.read(name) for name in archive.namelist()}
    (tmp_path / "new.docx").write_bytes(zip_members({**members, "word/document.xml": new_body.encode("utf-8")}))
    for first, second in (("old.docx", "new.docx"), ("new.docx", "old.docx")):
        result = run_in_process("diff", first, second, "--redline", f"{first}-{second}", "--format", "json",
                                cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        accepted, rejected = revision_views((tmp_path / f"{first}-{second}").read_bytes())
        assert accepted == texts(tmp_path / second) and rejected == texts(tmp_path / first)


def test_a_draft_number_in_other_digits_is_not_a_draft_number(tmp_path: Path) -> None:
    """``diff ² 1`` was an internal error (exit 3): "²" is not a draft number, so it is read as a file name,
    which does not exist: a user's error, named."""
    result = run_in_process("diff", "²", "1", cwd=tmp_path)
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "²" in result.stderr
