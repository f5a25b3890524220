"""``status``: where the current round stands, from the manifests and the register.

Armenia and Azerbaijan: draft 001 goes out in round 1, draft 002 in round 2 (strategy.yaml edited as a
team would). The Ministry of the Interior returned draft 001 only, the Ministry of Labour returns draft 002;
Azerbaijan's ministries return nothing. Before the deadline nothing is overdue; after it, the Interior
(awaited for Armenia) and Azerbaijan (no return) are.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from conftest import copy_sample, run_in_process
from fixtures.comments.ministry import Delete, Remark, annotate
from strategy_builder.drafts.builder import BuildOptions, build
from strategy_builder.review.register import update_register
from strategy_builder.review.returns import read_returns
from strategy_builder.rounds.status import round_status


@pytest.fixture(scope="module")
def second_round(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("status")
    project = copy_sample(root / "project")
    for partner in (project / "inputs" / "partners").glob("*.yaml"):
        if partner.stem not in ("AM", "AZ"):
            partner.unlink()
    build(project, BuildOptions(jobs=1))
    strategy = project / "inputs" / "strategy.yaml"
    strategy.write_text(strategy.read_text(encoding="utf-8").replace("  round: 1\n", "  round: 2\n").replace(
        "issued: 2010-11-15", "issued: 2011-01-17").replace("deadline: 2010-12-17", "deadline: 2011-02-11"),
        encoding="utf-8")
    assert build(project, BuildOptions(jobs=1)).draft == 2
    drafts = project / "build" / "drafts"
    interior = root / "AM_001_Ministry of the Interior.docx"
    interior.write_bytes(annotate((drafts / "001" / "AM.docx").read_bytes(), [
        Remark("Remittances", "Source?", "Armen Grigoryan", "2010-12-02T08:00:00Z")]))
    labour = root / "AM_002_Ministry of Labour.docx"
    labour.write_bytes(annotate((drafts / "002" / "AM.docx").read_bytes(), [
        Delete("significant part of the ", "Anna Petrosyan", "2011-02-01T10:00:00Z"),
        Remark("Remittances", "Figures need a source.", "Anna Petrosyan", "2011-02-01T10:00:00Z")]))
    register = root / "register.json"
    update_register(register, read_returns([interior, labour], project).all_rows())
    return {"project": project, "register": register}


def test_status_shows_returns_open_rows_and_what_is_overdue(second_round: dict) -> None:
    project, register = second_round["project"], second_round["register"]
    state = round_status(project, register=register, today=dt.date(2011, 2, 1)).payload()
    assert (state["round"], state["drafts"], state["days_left"], state["deadline"]) == (2, [2], 10, "2011-02-11")
    armenia, azerbaijan = state["partners"]
    assert armenia["draft"] == 2 and [(m["ministry"], m["rows"], m["open"]) for m in armenia["returned"]] == [
        ("Ministry of Labour", 2, 2)]
    assert armenia["awaited"] == ["Ministry of the Interior"] and armenia["open_earlier"] == 1
    assert armenia["overdue"] == [] and azerbaijan["returned"] == [] and azerbaijan["overdue"] == []
    late = round_status(project, register=register, today=dt.date(2011, 2, 20)).payload()
    assert late["days_left"] == -9
    assert [p["overdue"] for p in late["partners"]] == [["Ministry of the Interior"], ["(no return)"]]
    text = run_in_process("status", "--project", str(project), "--register", str(register), "--today", "2011-02-20")
    assert text.returncode == 0 and "overdue by 9 day(s)" in text.stdout and "Ministry of the Interior" in text.stdout


def test_status_without_a_register_says_returns_are_unknown(second_round: dict) -> None:
    result = run_in_process("status", "--project", str(second_round["project"]), "--format", "json")
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout)
    assert state["returns_known"] is False and any("returns are unknown" in n for n in state["notes"])
    assert all(p["overdue"] == [] for p in state["partners"])


def test_a_register_of_the_project_that_cannot_be_read_stops_status_and_two_are_named(second_round: dict,
                                                                                      tmp_path: Path) -> None:
    """Found in the project but unreadable (a damaged copy, the wrong kind of file), the register is an error:
    read as no rows, every ministry would show as not returned and every partner as overdue."""
    project = tmp_path / "project"
    shutil.copytree(second_round["project"], project)
    (project / "register.xlsx").write_bytes(b"PK\x03\x04 damaged")
    result = round_status_cli(project)
    assert result.returncode == 2 and "register.xlsx" in json.loads(result.stdout)["error"]["message"]
    shutil.copy(second_round["register"], project / "register.json")
    (project / "register.xlsx").unlink()
    (project / "register.csv").write_text("ID,Disposition,Note\n", encoding="utf-8")
    state = json.loads(round_status_cli(project).stdout)
    assert state["returns_known"] is False and state["notes"][0].startswith(
        "2 registers (register.csv, register.json) in the project: returns are unknown")
    assert all(p["overdue"] == [] for p in state["partners"])


def test_a_draft_whose_manifest_cannot_be_read_is_said_never_taken_for_no_draft(second_round: dict,
                                                                               tmp_path: Path) -> None:
    """With draft 002's manifest damaged, status said that round 2 had no draft yet and showed every partner
    as not issued: it now says which manifest it could not read, and never that no draft was built."""
    project = Path(shutil.copytree(second_round["project"], tmp_path / "project"))
    (project / "build/drafts/002/manifest.json").write_text("{broken", encoding="utf-8")
    state = round_status(project, register=second_round["register"], today=dt.date(2011, 2, 1)).payload()
    assert state["drafts"] == []
    assert any(n.startswith("the manifest of draft 002 cannot be read") and "build/drafts/002/manifest.json" in n
               for n in state["notes"])
    assert not any("has been built yet" in note for note in state["notes"])


def test_status_reads_the_register_strategy_yaml_names(second_round: dict, tmp_path: Path) -> None:
    """The register named as review.register (the one build refreshes) is the one status reads, before any
    register.* of the project folder; one that does not exist is said, and the returns are unknown."""
    project = tmp_path / "project"
    shutil.copytree(second_round["project"], project)
    (project / "review").mkdir()
    shutil.copy(second_round["register"], project / "review" / "register.json")
    (project / "register.csv").write_text("ID,Disposition,Note\n", encoding="utf-8")  # an old, empty one
    with (project / "inputs" / "strategy.yaml").open("a", encoding="utf-8") as strategy:
        strategy.write("review:\n  register: review/register.json\n")
    state = json.loads(round_status_cli(project).stdout)
    assert state["returns_known"] is True and state["register"].endswith("register.json")
    assert [m["ministry"] for m in state["partners"][0]["returned"]] == ["Ministry of Labour"]
    (project / "review" / "register.json").unlink()
    state = json.loads(round_status_cli(project).stdout)
    assert state["returns_known"] is False and state["notes"][0].startswith(
        "the register review/register.json that strategy.yaml names (review.register) does not exist")


def test_a_register_whose_id_column_was_renamed_stops_status(second_round: dict, tmp_path: Path) -> None:
    """Read without its ID column, the register looked empty: status said no ministry had returned anything
    and every partner was overdue. It is refused (exit 2), naming the column."""
    import openpyxl

    from strategy_builder.review.register import read_register

    project = tmp_path / "project"
    shutil.copytree(second_round["project"], project)
    update_register(project / "register.xlsx", read_register(second_round["register"]))
    workbook = openpyxl.load_workbook(project / "register.xlsx")
    workbook["Register"]["A1"] = "Ref"
    workbook.save(project / "register.xlsx")
    result = round_status_cli(project)
    assert result.returncode == 2 and "no 'ID' column" in json.loads(result.stdout)["error"]["message"]


def test_a_register_open_in_an_office_program_is_said(second_round: dict, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(second_round["project"], project)
    shutil.copy(second_round["register"], project / "register.json")
    (project / "~$register.json").write_bytes(b"\x04lena")  # as Excel writes its owner file
    state = json.loads(round_status_cli(project).stdout)
    assert state["returns_known"] is True
    assert [n for n in state["notes"] if "open in Microsoft Office by lena" in n and "not counted" in n]


def test_rows_status_cannot_count_are_said(second_round: dict, tmp_path: Path) -> None:
    """A row whose Draft cell was typed over, or whose partner is none of the project's, is counted nowhere:
    a note names it, so that a typed-over cell does not make a return vanish from the round's picture."""
    register = tmp_path / "register.json"
    data = json.loads(second_round["register"].read_text(encoding="utf-8"))
    rows = data["rows"]
    rows[0]["Draft"], rows[1]["Partner"] = "the first one", "XX"
    register.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    state = round_status(second_round["project"], register=register, today=dt.date(2011, 2, 1)).payload()
    notes = [n for n in state["notes"] if "not counted" in n]
    assert len(notes) == 2 and rows[0]["ID"] in notes[0] + notes[1] and rows[1]["ID"] in notes[0] + notes[1]


def test_a_disposition_no_spreadsheet_computed_is_said(second_round: dict, tmp_path: Path) -> None:
    """A register written by a program, whose Disposition is a formula nobody computed: counted as open, and a
    note names the sheet and cell and says to open and save the register in Excel or LibreOffice."""
    import openpyxl

    from strategy_builder.review.register import read_register

    register = tmp_path / "register.xlsx"
    update_register(register, read_register(second_round["register"]))
    workbook = openpyxl.load_workbook(register)
    workbook["Register"]["B2"] = '=IF(TRUE(),"accepted","open")'
    workbook.save(register)
    state = round_status(second_round["project"], register=register, today=dt.date(2011, 2, 1)).payload()
    assert [n for n in state["notes"] if "sheet 'Register', cell B2" in n and "Excel or LibreOffice" in n]


def round_status_cli(project: Path):  # noqa: ANN201 - subprocess.CompletedProcess[str]
    return run_in_process("status", "--project", str(project), "--format", "json", "--today", "2011-02-20")


def test_the_manifest_records_the_round_and_its_dates(second_round: dict) -> None:
    drafts = second_round["project"] / "build" / "drafts"
    manifests = [json.loads((drafts / f"{n:03d}" / "manifest.json").read_text()) for n in (1, 2)]
    assert [(m["consultation_round"], m["issued"], m["deadline"]) for m in manifests] == [
        (1, "2010-11-15", "2010-12-17"), (2, "2011-01-17", "2011-02-11")]


def test_status_outside_a_project_is_exit_2_like_every_command(tmp_path: Path) -> None:
    result = run_in_process("status", "--format", "json", cwd=tmp_path)
    assert result.returncode == 2, result.stdout
    assert "not a strategy-builder project" in json.loads(result.stdout)["error"]["message"]
