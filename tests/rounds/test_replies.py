"""``reply``: each ministry hears what became of its comments on draft 001 when draft 002 goes out.

A sample project with two partners is built (draft 001); three ministries return it (made with python-docx),
the returns go into an .xlsx register, the team writes dispositions and notes in it as it would in Excel,
edits Armenia's inputs and builds draft 002. ``reply --all --to 2`` then writes one reply per ministry and
partner: every row of that ministry is in its table, with the team's words, and the redline from 001 to 002
lies beside it. The replies open in LibreOffice, and the same inputs give the same bytes.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import docx
import openpyxl
import pytest

from conftest import copy_sample, run_in_process
from fixtures.comments.ministry import Delete, Insert, Remark, annotate
from judges.libreoffice import Job
from strategy_builder.drafts.builder import BuildOptions, build
from strategy_builder.errors import EnvironmentProblem, InputProblems
from strategy_builder.ooxml.accept import accept_all, reject_all
from strategy_builder.ooxml.blocks import paragraph_texts
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.review.register import read_register, update_register
from strategy_builder.review.returns import read_returns
from strategy_builder.layout import read_manifest
from strategy_builder.rounds.replies import section_fates, write_replies

NOTES = {"accepted": "Done: the paragraph now reads as you proposed.", "rejected": "The figure is the official one.",
         "partly accepted": "Kept the first part of your wording."}


@pytest.fixture(scope="module")
def round_two(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("replies")
    project = copy_sample(root / "project")
    for partner in (project / "inputs" / "partners").glob("*.yaml"):
        if partner.stem not in ("AM", "AZ"):
            partner.unlink()
    build(project, BuildOptions(jobs=1))
    drafts = project / "build" / "drafts"
    returns = root / "returns"
    returns.mkdir()
    edits = {
        ("AM", "Ministry of Labour"): [
            Insert("primarily a country of emigration", "mainly a country of emigration", "Anna Petrosyan",
                   "2010-12-01T10:00:00Z"),
            Delete("primarily a country of emigration", "Anna Petrosyan", "2010-12-01T10:00:00Z"),
            Remark("Remittances are an important source", "Figures need a source.", "Anna Petrosyan",
                   "2010-12-01T10:00:00Z", "AP")],
        ("AM", "Ministry of the Interior"): [
            Delete("significant part of the ", "Armen Grigoryan", "2010-12-02T08:00:00Z"),
            Remark("Towards integrated border management", "Timeline?", "Armen Grigoryan", "2010-12-02T08:00:00Z",
                   "AG", resolved=True),
            Remark("Towards integrated border management", "Q3 2011 at the latest.", "Lusine Avetisyan",
                   "2010-12-03T09:00:00Z", reply_to="Timeline?", resolved=True)],
        ("AZ", "Ministry of Labour"): [
            Remark("Azerbaijan", "Please add the 2009 labour migration figures.", "Elvin Mammadov",
                   "2010-12-04T12:00:00Z", "EM")],
    }
    paths = []
    for (code, ministry), changes in edits.items():
        path = returns / f"{code}_001_{ministry}.docx"
        path.write_bytes(annotate((drafts / "001" / f"{code}.docx").read_bytes(), changes))
        paths.append(path)
    register = project / "register.xlsx"
    update_register(register, read_returns(paths, project).all_rows())
    _write_dispositions(register)
    partner = project / "inputs" / "partners" / "AM.yaml"
    partner.write_text(partner.read_text(encoding="utf-8").replace(
        "primarily a country of emigration", "mainly a country of emigration"), encoding="utf-8")
    assert build(project, BuildOptions(jobs=1)).draft == 2
    result = run_in_process("reply", "--all", "--to", "2", "--project", str(project), "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    return {"project": project, "register": register, "payload": json.loads(result.stdout), "returns": paths}


def _write_dispositions(register: Path) -> None:
    """What the team does in Excel: a disposition and a note on most rows (one stays open)."""
    workbook = openpyxl.load_workbook(register)
    sheet = workbook["Register"]
    header = [cell.value for cell in sheet[1]]
    disposition, note = header.index("Disposition"), header.index("Note")
    choices = ["accepted", "rejected", "partly accepted", "open"]
    for index, row in enumerate(sheet.iter_rows(min_row=2)):
        choice = choices[index % len(choices)]
        row[disposition].value = choice
        row[note].value = NOTES.get(choice)
    workbook.save(register)


def _replies(round_two: dict) -> list[dict]:
    return round_two["payload"]["replies"]


def _folder(round_two: dict) -> Path:
    return Path(round_two["payload"]["directory"])


def test_one_reply_per_ministry_and_partner_published_with_a_manifest(round_two: dict) -> None:
    payload = round_two["payload"]
    assert payload["result"] == "replies" and payload["number"] == 1 and payload["to_draft"] == 2
    folder = _folder(round_two)
    assert folder == round_two["project"] / "build" / "replies" / "001"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["to_draft"] == 2 and manifest["issued"] == "2010-11-15" and manifest["consultation_round"] == 1
    assert [(r["partner"], r["ministry"]) for r in manifest["replies"]] == [
        ("AM", "Ministry of Labour"), ("AM", "Ministry of the Interior"), ("AZ", "Ministry of Labour")]
    assert sorted(p.name for p in folder.iterdir()) == [
        "AM_Ministry of Labour.docx", "AM_Ministry of the Interior.docx", "AZ_Ministry of Labour.docx",
        "manifest.json", "redlines"]
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no staging left


def _table_rows(path: Path) -> list[list[str]]:
    document = docx.Document(str(path))
    return [[cell.text for cell in row.cells] for row in document.tables[-1].rows]


def test_every_row_of_the_ministry_is_in_its_table_with_the_teams_words(round_two: dict) -> None:
    rows = read_register(round_two["register"])
    for entry in _replies(round_two):
        own = [r for r in rows if r.partner == entry["partner"] and r.ministry == entry["ministry"]]
        assert sorted(entry["rows"]) == sorted(r.id for r in own) and own
        table = _table_rows(_folder(round_two) / entry["file"])
        assert len(table) == len(own) + 1  # the header and one row per register row
        by_id = {r.id: r for r in own}
        for number, (row_id, cells) in enumerate(zip(entry["rows"], table[1:], strict=True), start=1):
            row = by_id[row_id]
            assert cells[0] == str(number)
            assert row.remark in cells[2] and row.author in cells[2]
            if row.note:
                assert row.note in cells[3]
            label = {"open": "Under consideration", "accepted": "Accepted", "rejected": "Not accepted",
                     "partly accepted": "Partly accepted"}[row.disposition]
            assert cells[3].startswith(label)


def test_each_row_says_where_it_is_addressed_in_the_new_draft(round_two: dict) -> None:
    manifest = json.loads((round_two["project"] / "build" / "drafts" / "002" / "manifest.json").read_text())
    numbers = {s["id"]: (s["number"], s["title"]) for p in manifest["partners"] for s in p["sections"]}
    rows = {r.id: r for r in read_register(round_two["register"])}
    for entry in _replies(round_two):
        table = _table_rows(_folder(round_two) / entry["file"])
        for row_id, cells in zip(entry["rows"], table[1:], strict=True):
            row = rows[row_id]
            if row.section:
                number, title = numbers[row.section]
                assert cells[4].startswith(f"{number} {title}")
                assert cells[4].endswith("(revised)") == (row.section == "AM/situation")
    header = _table_rows(_folder(round_two) / "AM_Ministry of Labour.docx")[0]
    assert header[1] == "Section in draft 001" and header[4] == "In draft 002"


def test_the_letter_comes_from_strategy_yaml(round_two: dict) -> None:
    document = docx.Document(str(_folder(round_two) / "AM_Ministry of the Interior.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Response to comments" in text and "Migration Partnership Strategy \u2013 Armenia" in text
    letter = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert letter[0] == ["To", "Ministry of the Interior"]
    assert letter[1][1].startswith("BMP Strategy Drafting Team")
    assert letter[2] == ["Date", "15 November 2010"]
    assert "draft 001" in letter[3][1] and "17 December 2010" in letter[4][1]
    assert "between draft 001, the version you commented on, and draft 002" in text


def _texts(path: Path, change) -> list[str]:  # noqa: ANN001
    package = DocxPackage.open(path)
    root = change(copy.deepcopy(package.xml(package.main_part_name())))
    return [t.strip() for t in paragraph_texts(root) if t.strip()]


def test_the_redline_leads_from_the_commented_draft_to_the_new_one(round_two: dict) -> None:
    drafts = round_two["project"] / "build" / "drafts"
    entry = _replies(round_two)[0]
    redline = _folder(round_two) / entry["redline_file"]
    assert entry["redline_file"] == "redlines/AM_001-002.docx" and entry["redline_from"] == 1
    assert _texts(redline, accept_all) == _texts(drafts / "002" / "AM.docx", accept_all)
    assert _texts(redline, reject_all) == _texts(drafts / "001" / "AM.docx", accept_all)


def test_replies_open_in_libreoffice_with_every_row(round_two: dict, libreoffice_judge) -> None:  # noqa: ANN001
    folder = _folder(round_two)
    entries = _replies(round_two)
    sources = [folder / e["file"] for e in entries] + sorted((folder / "redlines").glob("*.docx"))
    readings = libreoffice_judge.run([Job(source) for source in sources])  # one LibreOffice start for all
    rows = {r.id: r for r in read_register(round_two["register"])}
    for entry, reading in zip(entries, readings, strict=False):
        assert reading.errors == []
        text = "\n".join(reading.texts())
        assert "Response to comments" in text and entry["ministry"] in text
        for row_id in entry["rows"]:
            assert rows[row_id].remark in text
    assert all(reading.errors == [] and reading.lines() for reading in readings[len(entries):])


def test_the_same_inputs_give_the_same_bytes_and_nothing_new(round_two: dict) -> None:
    project = round_two["project"]
    again = run_in_process("reply", "--all", "--to", "2", "--project", str(project), "--format", "json")
    assert again.returncode == 0 and json.loads(again.stdout)["result"] == "unchanged"
    forced = run_in_process("reply", "--all", "--to", "2", "--project", str(project), "--force", "--format", "json")
    payload = json.loads(forced.stdout)
    assert payload["number"] == 2
    first, second = _folder(round_two), Path(payload["directory"])
    for path in sorted(first.rglob("*.docx")):
        assert (second / path.relative_to(first)).read_bytes() == path.read_bytes()


def test_one_ministry_and_the_errors(round_two: dict) -> None:
    project = round_two["project"]
    one = write_replies(project, 2, ministries=["Ministry of the Interior"])
    assert [r.ministry for r in one.replies] == ["Ministry of the Interior"] and one.number == 3
    with pytest.raises(InputProblems) as unknown:
        write_replies(project, 2, ministries=["Ministry of Finance"])
    finding = unknown.value.findings.items[0]
    assert "Ministry of Finance" in finding.message and "Ministry of Labour" in (finding.hint or "")
    with pytest.raises(EnvironmentProblem, match="no draft 007"):
        write_replies(project, 7)
    assert run_in_process("reply", "Ministry of Finance", "--to", "2", "--project", str(project)).returncode == 1
    assert run_in_process("reply", "--all", "--to", "7", "--project", str(project)).returncode == 2


def test_a_sections_fate_in_the_reply_is_the_status_the_new_draft_records(sample_drafts: tuple[Path, Path]) -> None:
    """One truth: what a reply says became of a section is the status the new draft's manifest (and its
    changes table, and diff) gives it, moves and removals included."""
    first, second = (read_manifest(folder) for folder in sample_drafts)
    old, new = first.partner("AM"), second.partner("AM")
    fates = section_fates(old, new)
    recorded = {s.previous_id: s.status for s in new.sections if s.previous_id}
    recorded.update({s.id: "removed" for s in new.removed_sections})
    assert {sid: status.replace("moved_edited", "moved") for sid, (status, _) in fates.items()} == recorded
    assert {"moved", "removed"} <= set(recorded.values())


def test_a_register_outside_the_project_is_recorded_relative_to_it(round_two: dict, tmp_path: Path) -> None:
    """The replies' manifest names the register relative to the project (../shared/register.xlsx): an
    absolute path would name the machine's folders, and the same register would give other bytes."""
    import shutil

    project = tmp_path / "project"
    shutil.copytree(round_two["project"], project, symlinks=True)
    register = tmp_path / "shared" / "register.xlsx"
    register.parent.mkdir()
    shutil.copyfile(round_two["register"], register)
    result = write_replies(project, 2, register=register, force=True)
    manifest = json.loads((result.directory / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["register_file"] == "../shared/register.xlsx"


@pytest.mark.parametrize("draft", ["001", "002"])
def test_a_draft_whose_manifest_cannot_be_read_gives_no_reply(round_two: dict, tmp_path: Path, draft: str) -> None:
    """Without the manifest of the commented draft (001) the replies told the ministries that every comment
    was outside the tracked sections; without the new draft's (002), reply said there was no draft 002 while
    listing it. Both refuse (exit 2), naming the manifest, and publish nothing."""
    import shutil

    from strategy_builder.errors import EnvironmentProblem

    project = tmp_path / "project"
    shutil.copytree(round_two["project"], project, symlinks=True)
    manifest = project / "build" / "drafts" / draft / "manifest.json"
    manifest.write_text("{broken", encoding="utf-8")
    published = sorted((project / "build" / "replies").iterdir())
    with pytest.raises(EnvironmentProblem, match=f"the manifest of drafts/{draft} cannot be read") as refused:
        write_replies(project, 2, register=project / "register.xlsx", force=True)
    assert refused.value.exit_code == 2 and str(manifest) in refused.value.message
    assert sorted((project / "build" / "replies").iterdir()) == published


def test_reply_reads_the_register_strategy_yaml_names(round_two: dict, tmp_path: Path) -> None:
    """Without --register, reply reads the register named as review.register (the one build refreshes), not
    another register.* left in the project folder; one that does not exist is exit 2, naming it."""
    import shutil

    project = tmp_path / "project"
    shutil.copytree(round_two["project"], project, symlinks=True)
    (project / "review").mkdir()
    (project / "register.xlsx").rename(project / "review" / "register.xlsx")
    (project / "register.csv").write_text("ID,Disposition,Note\n", encoding="utf-8")  # an old, empty one
    with (project / "inputs" / "strategy.yaml").open("a", encoding="utf-8") as strategy:
        strategy.write("review:\n  register: review/register.xlsx\n")
    result = write_replies(project, 2, force=True)
    assert result.register == project / "review" / "register.xlsx"
    assert [(r.partner, r.ministry) for r in result.replies] == [
        ("AM", "Ministry of Labour"), ("AM", "Ministry of the Interior"), ("AZ", "Ministry of Labour")]
    (project / "review" / "register.xlsx").unlink()
    missing = run_in_process("reply", "--all", "--to", "2", "--project", str(project))
    assert missing.returncode == 2 and "review/register.xlsx" in missing.stderr


def test_a_register_open_in_an_office_program_is_said(round_two: dict, tmp_path: Path) -> None:
    """What the team typed in Excel or LibreOffice and has not saved is not in the replies: with the register
    open there (its lock file beside it), the replies are written from the saved file and a warning says so."""
    import shutil

    project = tmp_path / "project"
    shutil.copytree(round_two["project"], project, symlinks=True)
    (project / ".~lock.register.xlsx#").write_text(",lena,host1,03.12.2026 07:00,file:///x;", encoding="utf-8")
    result = run_in_process("reply", "--all", "--to", "2", "--project", str(project), "--force", "--format", "json")
    assert result.returncode == 0, result.stderr
    warnings = json.loads(result.stdout)["warnings"]
    assert [w["code"] for w in warnings] == ["reply.register-open"] and "lena" in warnings[0]["message"]


def test_rows_no_reply_answers_are_said(round_two: dict, tmp_path: Path) -> None:
    """A row whose Ministry cell was emptied or whose Draft cell was typed over is in no reply: a warning per
    reason names the rows, instead of leaving the comment out without a word."""
    import shutil

    project = tmp_path / "project"
    shutil.copytree(round_two["project"], project, symlinks=True)
    register = project / "register.xlsx"
    workbook = openpyxl.load_workbook(register)
    sheet = workbook["Register"]
    header = [cell.value for cell in sheet[1]]
    first, second = list(sheet.iter_rows(min_row=2))[:2]
    first[header.index("Ministry")].value = None
    second[header.index("Draft")].value = "the first one"
    ids = [first[header.index("ID")].value, second[header.index("ID")].value]
    workbook.save(register)
    result = run_in_process("reply", "--all", "--to", "2", "--project", str(project), "--force", "--format", "json")
    assert result.returncode == 0, result.stderr
    skipped = [w for w in json.loads(result.stdout)["warnings"] if w["code"] == "reply.rows-skipped"]
    assert len(skipped) == 2 and all(any(i in w["message"] for w in skipped) for i in ids)
    assert {"Ministry" in w["message"] or "Draft" in w["message"] for w in skipped} == {True}


def test_a_disposition_no_spreadsheet_computed_is_said(round_two: dict, tmp_path: Path) -> None:
    """A Disposition that is a formula nobody computed (the register written by a program) is read as open,
    and a warning names the sheet and the cell and says to open and save the register in a spreadsheet."""
    import shutil

    project = tmp_path / "project"
    shutil.copytree(round_two["project"], project, symlinks=True)
    register = project / "register.xlsx"
    workbook = openpyxl.load_workbook(register)
    workbook["Register"]["B2"] = '=IF(TRUE(),"accepted","open")'
    workbook.save(register)
    result = run_in_process("reply", "--all", "--to", "2", "--project", str(project), "--force", "--format", "json")
    assert result.returncode == 0, result.stderr
    [warning] = [w for w in json.loads(result.stdout)["warnings"] if w["code"] == "reply.register-uncomputed"]
    assert "sheet 'Register', cell B2" in warning["message"] and "Excel or LibreOffice" in warning["message"]


def test_a_letter_edited_since_the_draft_is_not_sent_and_the_team_is_told(round_two: dict, tmp_path: Path) -> None:
    """The replies go out with draft 002 and print its letter; a letter typed into strategy.yaml afterwards is
    not silently dropped: a warning names where it is and how to send it (build a new draft)."""
    import shutil

    assert round_two["payload"]["warnings"] == []
    project = tmp_path / "project"
    shutil.copytree(round_two["project"], project, symlinks=True)
    strategy = project / "inputs" / "strategy.yaml"
    lines = strategy.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(index for index, line in enumerate(lines) if line.startswith("  deadline:")) + 1
    lines.insert(at, "  reply_letter: We thank the ministry for its careful reading.\n")
    strategy.write_text("".join(lines), encoding="utf-8")
    result = run_in_process("reply", "--all", "--to", "2", "--project", str(project), "--force", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    payload = json.loads(result.stdout)
    [warning] = payload["warnings"]
    assert warning["code"] == "reply.letter-edited" and warning["severity"] == "warning"
    assert warning["file"].endswith("strategy.yaml") and warning["line"] == at + 1
    assert "build" in warning["hint"]
    letter = docx.Document(str(Path(payload["directory"]) / "AM_Ministry of the Interior.docx"))
    assert "careful reading" not in "\n".join(p.text for p in letter.paragraphs)
    text = run_in_process("reply", "--all", "--to", "2", "--project", str(project))
    assert text.returncode == 0 and "reply_letter has changed since draft 002" in text.stderr


def test_a_note_pasted_with_words_line_break_goes_into_the_reply(round_two: dict, tmp_path: Path) -> None:
    """A note pasted from Word carries its manual line break as a vertical tab (and a stray control
    character): no document can hold them, and the reply ended in an internal error (exit 3)."""
    import shutil

    project = tmp_path / "project"
    shutil.copytree(round_two["project"], project, symlinks=True)
    register = tmp_path / "register.json"
    update_register(register, read_register(round_two["register"]))
    data = json.loads(register.read_text(encoding="utf-8"))
    data["rows"][0]["Note"] = "Figures added\x0bfrom the 2010 survey\x01."
    register.write_text(json.dumps(data), encoding="utf-8")
    result = write_replies(project, 2, register=register, force=True)
    texts = [t for reply in result.directory.glob("*.docx") for t in _table_texts(reply)]
    assert any("Figures added\nfrom the 2010 survey." in t for t in texts)
    assert json.loads(register.read_text(encoding="utf-8"))["rows"][0]["Note"].endswith("\x01.")  # cell kept


def _table_texts(path: Path) -> list[str]:
    document = docx.Document(str(path))
    return [cell.text for table in document.tables for row in table.rows for cell in row.cells]
