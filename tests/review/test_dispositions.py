"""Dispositions linked to drafts: responds_to is checked against the register, the next draft's changes table
cites the rows each changed section answers, and the register shows which draft changed and cites each row."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from conftest import copy_sample, run_in_process
from fixtures.returns.reviewer import Edit, accepted_paragraphs, review
from strategy_builder.drafts.builder import BuildOptions, build

AM = "inputs/partners/AM.yaml"


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_sample(tmp_path_factory.mktemp("dispositions") / "project")
    strategy = project / "inputs/strategy.yaml"
    strategy.write_text(strategy.read_text() + "review:\n  register: review/register.csv\n")
    build(project, BuildOptions(jobs=1))
    return project


@pytest.fixture
def project(drafted: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(drafted, copy, symlinks=True)
    return copy


def _rows(register: Path) -> dict[str, dict[str, str]]:
    return {row["ID"]: row for row in csv.DictReader(io.StringIO(register.read_text(encoding="utf-8-sig")))}


def test_the_loop_from_a_return_to_the_register(project: Path) -> None:
    returned = review(project / "build/drafts/001/AM.docx", project / "AM_001_MFA.docx", [
        Edit("risk analysis capacity", "risk assessment capacity", author="A. Petrosyan"),
        Edit("Future joint cooperation", "Future cooperation", author="A. Petrosyan")])
    register = project / "review/register.csv"
    made = run_in_process("comments", str(returned), "--project", str(project), "--register", str(register))
    assert made.returncode == 0
    rows = _rows(register)
    assert len(rows) == 4  # two replacements: a deletion and an insertion each
    # The team writes a disposition; it must survive every refresh.
    text = register.read_text(encoding="utf-8-sig").replace(",open,", ",accepted,", 1)
    register.write_text(text, encoding="utf-8-sig")

    applied = run_in_process("propose", str(returned), "--project", str(project), "--apply", "--format", "json")
    assert applied.returncode == 0, applied.stderr
    payload = json.loads(applied.stdout)
    (proposal,) = payload["proposals"]
    answered = set(proposal["row_ids"])
    assert answered and answered <= set(rows)
    assert not [f for f in payload["check"]["findings"] if f["code"].startswith("responds_to")]

    built = run_in_process("build", "--project", str(project))
    assert built.returncode == 0, built.stderr
    assert "register" in built.stdout and "refreshed with draft 002" in built.stdout
    # The changes table of draft 002 cites the rows the changed priority answers.
    table = [text for text in accepted_paragraphs(project / "build/drafts/002/AM.docx") if "T-" in text]
    assert any(row in " ".join(table) for row in answered)

    refreshed = _rows(register)
    assert list(refreshed) == list(rows)
    for row_id, row in refreshed.items():
        assert row["Disposition"] == rows[row_id]["Disposition"] or row["Disposition"] == "accepted"
        if row_id in answered:
            assert row["State in latest draft"] == "changed (draft 002)"
            assert row["Changed in draft"] == "002" and row["Cited by drafts"] == "002"
        else:
            assert row["Cited by drafts"] == "none yet"
    assert sum(1 for row in refreshed.values() if row["Disposition"] == "accepted") == 1

    # On demand, again: nothing changes.
    again = run_in_process("register", "refresh", "--project", str(project), "--format", "json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["written"] is None


def test_unknown_rows_are_reported_by_check(project: Path) -> None:
    register = project / "review/register.csv"
    register.parent.mkdir(exist_ok=True)
    register.write_text("ID,Disposition,Note\nT-0000000001,open,\n", encoding="utf-8-sig")
    text = (project / AM).read_text()
    (project / AM).write_text(text.replace("        title: Towards integrated border management\n",
                                           "        title: Towards integrated border management\n"
                                           "        responds_to: [T-0000000001, T-99999999AA]\n"))
    result = run_in_process("check", "--project", str(project), "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    unknown = [f for f in findings if f["code"] == "responds_to.unknown-row"]
    assert len(unknown) == 1 and "T-99999999AA" in unknown[0]["message"]
    assert unknown[0]["file"] == AM and unknown[0]["line"] is not None
    assert result.returncode == 0  # a warning: the draft can still be built


def test_a_locked_register_is_reported_and_left_untouched(project: Path) -> None:
    register = project / "review/register.csv"
    register.parent.mkdir(exist_ok=True)
    register.write_text("ID,Disposition,Note\nT-0000000001,open,keep me\n", encoding="utf-8-sig")
    before = register.read_bytes()
    lock = register.parent / f".~lock.{register.name}#"
    lock.write_text("Someone,host,1234;\n")
    text = (project / AM).read_text()
    (project / AM).write_text(text.replace("risk analysis capacity", "risk assessment capacity"))
    built = run_in_process("build", "--project", str(project), "--format", "json")
    assert built.returncode == 0, built.stderr
    warnings = [w for w in json.loads(built.stdout)["warnings"] if w["code"] == "register.not-refreshed"]
    assert warnings and "LibreOffice" in warnings[0]["message"]
    assert register.read_bytes() == before
    refused = run_in_process("register", "refresh", str(register), "--project", str(project))
    assert refused.returncode == 2 and register.read_bytes() == before


def test_a_damaged_register_is_reported_and_left_untouched(project: Path) -> None:
    damaged = project / "review/damaged.xlsx"
    damaged.parent.mkdir(exist_ok=True)
    damaged.write_bytes(b"PK\x03\x04 this is not a workbook")
    before = damaged.read_bytes()
    refused = run_in_process("register", "refresh", str(damaged), "--project", str(project), "--format", "json")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert json.loads(refused.stdout)["error"]["message"]
    assert damaged.read_bytes() == before


def test_a_draft_whose_manifest_cannot_be_read_stops_a_refresh(project: Path) -> None:
    """Read without draft 001's manifest, every row said "none yet" for the draft that changed or cites it,
    written into the register as a fact. The refresh refuses (exit 2), naming the manifest; the register
    stays as it was."""
    from strategy_builder.errors import EnvironmentProblem
    from strategy_builder.review.dispositions import refresh_register
    from strategy_builder.review.register import update_register
    from strategy_builder.review.register.columns import RegisterRow

    register = project / "review/register.csv"
    update_register(register, [RegisterRow(id="T-0000000001", partner="AM", draft="001", section="AM/situation")])
    before = register.read_bytes()
    manifest = project / "build/drafts/001/manifest.json"
    manifest.write_text('{"format": 2, "draft": "one"}', encoding="utf-8")
    with pytest.raises(EnvironmentProblem, match="the manifest of drafts/001 cannot be read") as refused:
        refresh_register(register, project)
    assert refused.value.exit_code == 2 and str(manifest) in refused.value.message
    assert register.read_bytes() == before


def test_an_xlsx_register_open_in_excel_is_left_untouched_and_refreshed_once_closed(project: Path) -> None:
    returned = review(project / "build/drafts/001/AM.docx", project / "AM_001_MFA.docx", [
        Edit("risk analysis capacity", "risk assessment capacity", author="A. Petrosyan")])
    register = project / "review/register.xlsx"
    made = run_in_process("comments", str(returned), "--project", str(project), "--register", str(register))
    assert made.returncode == 0, made.stderr
    before = register.read_bytes()
    lock = register.parent / f"~${register.name}"
    lock.write_bytes(b"\x0bA. Petrosyan")  # Excel's owner file while the workbook is open
    refused = run_in_process("register", "refresh", str(register), "--project", str(project), "--format", "json")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "Microsoft Office" in json.loads(refused.stdout)["error"]["message"]
    assert register.read_bytes() == before
    lock.unlink()
    refreshed = run_in_process("register", "refresh", str(register), "--project", str(project), "--format", "json")
    assert refreshed.returncode == 0, refreshed.stderr
    assert json.loads(refreshed.stdout)["rows"] == 2


def test_a_check_answered_from_its_cache_sees_the_register_change(project: Path) -> None:
    """check keeps its findings in build/.cache/check.json; a row added to the register is a change it sees."""
    import strategy_builder

    register = project / "review/register.csv"
    register.parent.mkdir(exist_ok=True)
    register.write_text("ID,Disposition,Note\nT-0000000001,open,\n", encoding="utf-8-sig")
    text = (project / AM).read_text()
    (project / AM).write_text(text.replace("        title: Towards integrated border management\n",
                                           "        title: Towards integrated border management\n"
                                           "        responds_to: [T-0000000001, T-99999999AA]\n"))

    def unknown() -> tuple[list[str], bool]:
        result = strategy_builder.check(project)
        return [f.message for f in result.findings if f.code == "responds_to.unknown-row"], result.from_cache

    assert [len(unknown()[0]) for _ in range(2)] == [1, 1]
    assert unknown()[1], "an unchanged project is answered from the cache"
    register.write_text("ID,Disposition,Note\nT-0000000001,open,\nT-99999999AA,accepted,\n", encoding="utf-8-sig")
    assert unknown() == ([], False)
