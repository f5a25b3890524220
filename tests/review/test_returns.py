"""Real drafts from `strategy-builder build`, annotated as ministries annotate them, read back by `comments`.

Every comment and change must come back with its author, the right section and the YAML line from the
draft's manifest; the same holds after a LibreOffice round trip, and re-importing adds no duplicates.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from conftest import convert_with_libreoffice, copy_built_sample, run_in_process
from fixtures.comments.ministry import Delete, Insert, NewParagraph, Remark, annotate
from strategy_builder.review.register import read_register
from strategy_builder.review.returns import ManifestIndex, read_return

BORDER = "AM/illegal_migration/integrated-border-management"

LABOUR_EDITS = [
    Remark("Towards integrated border management", "Please clarify the timeline.", "Anna Petrosyan",
           initials="AP", date="2024-03-04T10:15:00Z"),
    Remark("Towards integrated border management", "Agreed, dates will follow.", "Drafting Team",
           reply_to="Please clarify the timeline.", date="2024-03-05T09:00:00Z"),
    Remark("Remittances are an important source", "Figures need a source.", "Gevorg Vardanyan",
           resolved=True, date="2024-03-04T10:20:00Z"),
    Remark("Study visit of Armenian border and police officials", "Which officials exactly?",
           "Anna Petrosyan", date="2024-03-04T10:30:00Z"),
    Remark("Resident population", "Use the 2010 census figure.", "Statistics Office",
           date="2024-03-04T10:40:00Z"),
    Remark("Building Migration Partnerships (BMP) process", "Cover page: add our logo.", "Protocol Unit",
           date="2024-03-04T10:50:00Z"),
    Insert("Armenia is primarily a country of emigration.", " It is increasingly a country of return.",
           "Karen Sargsyan", date="2024-03-04T11:00:00Z"),
    Delete("significant part of the", "Karen Sargsyan", date="2024-03-04T11:05:00Z"),
    NewParagraph("Armenia intends to move from a border control model",
                 "The Border Guard proposes a joint risk analysis unit.", "Lilit Hakobyan",
                 date="2024-03-04T11:10:00Z"),
    Insert("Draft 001", " (comments of the Ministry of Labour)", "Karen Sargsyan", part="word/footer1.xml",
           date="2024-03-04T11:20:00Z"),
]


@pytest.fixture(scope="module")
def returns(built_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A built sample project and annotated returns of two ministries for Armenia."""
    root = tmp_path_factory.mktemp("returns")
    project = copy_built_sample(built_sample, root / "project")
    draft = project / "build" / "drafts" / "001"
    folder = root / "returned"
    folder.mkdir()
    labour = folder / "AM_001_Ministry of Labour.docx"
    labour.write_bytes(annotate((draft / "AM.docx").read_bytes(), LABOUR_EDITS))
    interior = folder / "AM_001_Ministry of Interior.docx"
    interior.write_bytes(annotate((draft / "AM.docx").read_bytes(), [
        Remark("Towards integrated border management", "Please clarify the timeline.", "Armen Grigoryan",
               date="2024-03-06T08:00:00Z")]))
    return {"project": project, "labour": labour, "interior": interior, "draft": draft}


def _manifest_line(project: Path, section_id: str) -> int:
    manifest = json.loads((project / "build" / "drafts" / "001" / "manifest.json").read_text())
    return next(s["source_line"] for p in manifest["partners"] for s in p["sections"] if s["id"] == section_id)


def _by_text(path: Path, project: Path) -> dict[str, object]:
    return {item.text.strip(): item for item in read_return(path, project).items}


def _check_mapping(path: Path, project: Path, *, threads: bool) -> None:
    items = _by_text(path, project)
    timeline = items["Please clarify the timeline."]
    assert timeline.author == "Anna Petrosyan" and timeline.section.section_id == BORDER
    assert timeline.section.source_file == "inputs/partners/AM.yaml"
    assert timeline.section.source_line == _manifest_line(project, BORDER)
    assert (project / "inputs/partners/AM.yaml").read_text().splitlines()[
        timeline.section.source_line - 1].strip() == "- id: integrated-border-management"
    assert timeline.section.area == "illegal_migration" and timeline.section.priority == "integrated-border-management"
    reply = items["Agreed, dates will follow."]
    assert reply.section.section_id == BORDER and reply.author == "Drafting Team"
    if threads:
        assert reply.kind == "reply" and reply.reply_to == timeline.local_id
    assert items["Figures need a source."].section.section_id == "AM/situation"
    assert items["Which officials exactly?"].section.section_id == BORDER  # in the actions table
    assert items["Use the 2010 census figure."].section.section_id == "AM/key-figures"
    cover = items["Cover page: add our logo."]
    assert cover.section is None and cover.heading == "Migration Partnership Strategy"
    inserted = items["It is increasingly a country of return."]
    assert inserted.kind == "insertion" and inserted.author == "Karen Sargsyan"
    assert inserted.section.section_id == "AM/situation"
    assert inserted.section.source_line == _manifest_line(project, "AM/situation")
    deleted = items["significant part of the"]
    assert deleted.kind == "deletion" and deleted.section.section_id == "AM/situation"
    paragraph = items["The Border Guard proposes a joint risk analysis unit."]
    assert paragraph.kind == "insertion" and paragraph.author == "Lilit Hakobyan"
    assert paragraph.section.section_id == BORDER
    footer = items["(comments of the Ministry of Labour)"]
    assert footer.story == "footer" and footer.section is None
    assert len(items) == len(LABOUR_EDITS)


def test_every_comment_and_change_comes_back_mapped(returns: dict[str, Path]) -> None:
    _check_mapping(returns["labour"], returns["project"], threads=True)
    returned = read_return(returns["labour"], returns["project"])
    assert (returned.partner, returned.draft, returned.ministry) == ("AM", "001", "Ministry of Labour")
    resolved = {i.text: i.resolved for i in returned.items if i.kind in ("comment", "reply")}
    assert resolved["Figures need a source."] is True and resolved["Please clarify the timeline."] is False


@pytest.mark.libreoffice
def test_mapping_and_ids_survive_a_libreoffice_round_trip(returns: dict[str, Path], soffice: str,
                                                         tmp_path: Path) -> None:
    converted = convert_with_libreoffice(soffice, returns["labour"], tmp_path / "libreoffice", "docx")
    assert converted.name == returns["labour"].name
    _check_mapping(converted, returns["project"], threads=False)  # LibreOffice 7.4 drops reply links
    register = tmp_path / "register.json"
    for files in ([returns["labour"]], [converted], [returns["labour"], converted]):
        result = run_in_process("comments", *map(str, files), "--project", str(returns["project"]),
                                "--register", str(register))
        assert result.returncode == 0, result.stdout + result.stderr
        rows = read_register(register)
        assert len(rows) == len(LABOUR_EDITS), [r.remark for r in rows]
    reply = next(r for r in rows if r.remark == "Agreed, dates will follow.")
    assert reply.kind == "reply" and reply.reply_to  # what LibreOffice forgot is not erased


def test_register_keeps_dispositions_and_adds_new_returns(returns: dict[str, Path], tmp_path: Path) -> None:
    register = tmp_path / "register.xlsx"
    project = str(returns["project"])
    first = run_in_process("comments", str(returns["labour"]), "--project", project, "--register", str(register))
    assert first.returncode == 0, first.stderr
    workbook = openpyxl.load_workbook(register)
    sheet = workbook["Register"]
    headers = [c.value for c in sheet[1]]
    column = {h: i + 1 for i, h in enumerate(headers)}
    sheet.cell(row=2, column=column["Disposition"], value="Accepted")
    sheet.cell(row=2, column=column["Note"], value="added in draft 002")
    sheet.cell(row=1, column=len(headers) + 1, value="Owner")
    sheet.cell(row=2, column=len(headers) + 1, value="Jana")
    kept_id = sheet.cell(row=2, column=column["ID"]).value
    workbook.save(register)

    again = run_in_process("comments", str(returns["labour"]), str(returns["interior"]), "--project", project,
                           "--register", str(register), "--summary", "--format", "json")
    assert again.returncode == 0, again.stderr
    payload = json.loads(again.stdout)
    assert payload["register"]["added"] == 1 and payload["register"]["rows"] == len(LABOUR_EDITS) + 1
    rows = {r.id: r for r in read_register(register)}
    # What the coordinator typed stays as typed ("Accepted"); the summary counts it as accepted.
    assert rows[kept_id].disposition == "Accepted" and rows[kept_id].note == "added in draft 002"
    assert rows[kept_id].extra == {"Owner": "Jana"}
    summary = payload["summary"]
    assert summary["ministry"] == {"Ministry of Interior": 1, "Ministry of Labour": len(LABOUR_EDITS)}
    assert summary["disposition"] == {"accepted": 1, "open": len(LABOUR_EDITS)}
    assert summary["partner"] == {"AM": len(LABOUR_EDITS) + 1}
    assert summary["area"]["illegal_migration"] == 5


def test_a_return_whose_file_name_is_not_utf8_is_read_merged_and_registered(returns: dict[str, Path],
                                                                            tmp_path: Path) -> None:
    """A name unpacked from a zip made on Windows (Minist\xe8re in Windows-1252 bytes): every command that
    turns the name into data (the ministry, the register's Returned file, a row ID, the merged file's list
    of files) gets text it can write, and none ends in an internal error (exit 3)."""
    named = Path(os.fsdecode(bytes(tmp_path) + b"/AM_001_Minist\xe8re des Affaires.docx"))
    shutil.copy(returns["interior"], named)
    register, merged = tmp_path / "register.xlsx", tmp_path / "merged.docx"
    project = str(returns["project"])
    for args in (["comments", str(named), "--register", str(register)], ["propose", str(named)],
                 ["consolidate", str(named), "--out", str(merged)]):
        # The name is printed back as the bytes it is: read the output as bytes, not as UTF-8.
        done = subprocess.run([sys.executable, "-m", "strategy_builder", *args, "--project", project],
                              capture_output=True, timeout=120, env={**os.environ, "NO_COLOR": "1"})
        assert done.returncode == 0, (args, done.stderr)
    [row] = read_register(register)
    assert row.ministry == "Minist\ufffdre des Affaires"
    assert row.returned_file == "AM_001_Minist\ufffdre des Affaires.docx"
    assert read_return(merged, returns["project"]).items


def test_a_damaged_manifest_is_said_to_be_unreadable_not_missing(returns: dict[str, Path], tmp_path: Path) -> None:
    """The draft's manifest is there but damaged: ``comments`` says it cannot be read, and why, not that there
    is none (which sends the team looking for a file that is there)."""
    project = tmp_path / "project"
    shutil.copytree(returns["project"], project, symlinks=True)
    (project / "build" / "drafts" / "001" / "manifest.json").write_text('{"draft": 1, "partners": [', encoding="utf-8")
    result = run_in_process("comments", str(returns["interior"]), "--project", str(project), "--format", "json")
    assert result.returncode == 0, result.stderr
    [note] = [n for n in json.loads(result.stdout)["files"][0]["notes"] if "manifest" in n]
    assert "the manifest of draft 001" in note and "cannot be read" in note and "no manifest" not in note
    assert str(project / "build" / "drafts" / "001" / "manifest.json") in note
    index = ManifestIndex(project)
    assert index.sections("001") is None and index.problem("001") is not None
    assert ManifestIndex(tmp_path).sections("001") is None and ManifestIndex(tmp_path).problem("001") is None


def test_project_folder_among_the_files_and_missing_manifest(returns: dict[str, Path], tmp_path: Path) -> None:
    result = run_in_process("comments", str(returns["interior"]), str(returns["project"]), "--format", "json")
    assert result.returncode == 0, result.stderr
    item = json.loads(result.stdout)["files"][0]["items"][0]
    assert item["section"] == BORDER and item["yaml_line"] == _manifest_line(returns["project"], BORDER)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(returns["interior"], elsewhere / "AM_001_MFA.docx")
    result = run_in_process("comments", "AM_001_MFA.docx", "--ministry", "Ministry of Foreign Affairs", "--format",
                            "json", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)["files"][0]
    assert report["ministry"] == "Ministry of Foreign Affairs" and "no manifest for draft 001" in report["notes"][0]
    assert report["items"][0]["section"] == BORDER and report["items"][0]["yaml_line"] is None


def test_text_output_names_sections_and_yaml_lines(returns: dict[str, Path]) -> None:
    result = run_in_process("comments", str(returns["labour"]), "--project", str(returns["project"]))
    assert result.returncode == 0, result.stderr
    assert f"2.1 Towards integrated border management ({BORDER})" in result.stdout
    assert f"inputs/partners/AM.yaml:{_manifest_line(returns['project'], BORDER)}" in result.stdout
    assert "Anna Petrosyan" in result.stdout and "1 file(s) read, 0 failed" in result.stdout


def test_each_return_maps_through_the_manifest_of_its_own_draft(returns: dict[str, Path], tmp_path: Path) -> None:
    """Inputs move on between drafts: a return of draft 001 keeps draft 001's YAML lines."""
    project = tmp_path / "project"
    shutil.copytree(returns["project"], project)
    partner_file = project / "inputs/partners/AM.yaml"
    lines = partner_file.read_text(encoding="utf-8").splitlines(keepends=True)
    partner_file.write_text(lines[0] + "# reviewed after round 1\n# (two lines added)\n" + "".join(lines[1:]),
                            encoding="utf-8")
    result = run_in_process("build", str(project), "--jobs", "1", "--force")
    assert result.returncode == 0, result.stdout + result.stderr
    second = tmp_path / "AM_002_Ministry of Labour.docx"
    second.write_bytes(annotate((project / "build/drafts/002/AM.docx").read_bytes(), [
        Remark("Towards integrated border management", "Still unclear.", "Anna Petrosyan")]))
    result = run_in_process("comments", str(returns["labour"]), str(second), "--project", str(project),
                            "--format", "json")
    assert result.returncode == 0, result.stderr
    files = json.loads(result.stdout)["files"]
    old_line = _manifest_line(returns["project"], BORDER)
    first_rows = [i for i in files[0]["items"] if i["section"] == BORDER]
    assert {i["yaml_line"] for i in first_rows} == {old_line} and files[0]["draft"] == 1
    [new_row] = files[1]["items"]
    assert (files[1]["draft"], files[1]["draft_label"]) == (2, "002") and new_row["section"] == BORDER
    assert new_row["yaml_line"] == old_line + 2
    assert new_row["draft"] == 2 and isinstance(new_row["date"], str) and "T" in new_row["date"]


@pytest.mark.parametrize(("name", "ministry"), [
    ("AM_003_Ministry of Labour.docx", "Ministry of Labour"), ("003-AM-MFA.docx", "MFA"),
    ("AM_Ministry_of_Diaspora.docx", "Ministry of Diaspora"),
    ("Ministry of Foreign Affairs.docx", "Ministry of Foreign Affairs"), ("AM.docx", "AM"),
    ("draft-003_AM_Ministry of Health.docx", "Ministry of Health"), ("AM_003_MFA (1).docx", "MFA"),
    ("AM_003_Ministry of Labour - Copy (2).docx", "Ministry of Labour"), ("AM_003_МИД - копия.docx", "МИД")])
def test_the_ministry_is_read_from_the_file_name_as_documented(name: str, ministry: str) -> None:
    """The table of docs/comments.md, "Which ministry returned a file" (partner AM, draft 003)."""
    from strategy_builder.review.returns import ministry_from_file_name

    assert ministry_from_file_name(Path(name), "AM", "003") == ministry


@pytest.mark.libreoffice
def test_a_return_made_in_libreoffice_maps_every_comment_and_change(returns: dict[str, Path], libreoffice_judge,
                                                                   tmp_path: Path) -> None:
    """A ministry that reviews in LibreOffice: comments and tracked changes recorded by LibreOffice itself
    (tests/judges/libreoffice.py), saved as .docx, come back with their authors, sections and YAML lines."""
    from judges.libreoffice import Job

    returned = tmp_path / "AM_001_Ministry of Health.docx"
    edits = Job.edits("Nune Avetisyan",
                      ("COMMENT", "Study visit of Armenian border and police officials", "Which officials?", "NA"),
                      ("INSERT", "Armenia is primarily a country of emigration.", " And of return."),
                      ("DELETE", "significant part of the"))
    [made] = libreoffice_judge.run([Job(returns["draft"] / "AM.docx", edits, save_as=returned)])
    assert not made.errors, made.errors
    items = _by_text(returned, returns["project"])
    comment = items["Which officials?"]
    assert (comment.kind, comment.author, comment.section.section_id) == ("comment", "Nune Avetisyan", BORDER)
    assert comment.section.source_line == _manifest_line(returns["project"], BORDER)
    inserted, deleted = items["And of return."], items["significant part of the"]
    assert (inserted.kind, deleted.kind) == ("insertion", "deletion")
    for item in (inserted, deleted):
        assert item.author == "Nune Avetisyan" and item.section.section_id == "AM/situation"
        assert item.section.source_line == _manifest_line(returns["project"], "AM/situation")
    assert len(items) == 3, sorted(items)
