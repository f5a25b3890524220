"""Each command module, run in this process through its own click command: the options it parses, the one
library call it makes, what it prints (text and ``--format json``) and the exit code it returns.

Whole processes (exit codes through ``main``, no traceback, the project found upward) are tested in
tests/e2e/ and tests/cli/test_conventions.py; here each module is imported and called directly, on real
projects and real returned drafts, so that a broken command module fails here by name and fast.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import click
import docx
import pytest

from fixtures.comments.ministry import Insert, Remark, annotate
from fixtures.diff.drafts import EXPECTED, NEW_TITLE
from strategy_builder.cli import output
from strategy_builder.cli.align import align
from strategy_builder.cli.build import build_command
from strategy_builder.cli.check import check
from strategy_builder.cli.comments import comments
from strategy_builder.cli.consolidate import consolidate
from strategy_builder.cli.diff import diff
from strategy_builder.cli.init import init
from strategy_builder.cli.matrix import matrix
from strategy_builder.cli.new_partner import new_partner
from strategy_builder.cli.new_round import new_round
from strategy_builder.cli.overview import overview
from strategy_builder.cli.propose import propose
from strategy_builder.cli.register import register
from strategy_builder.cli.reply import reply
from strategy_builder.cli.schema import schema
from strategy_builder.cli.sections import sections
from strategy_builder.cli.status import status
from strategy_builder.cli.template import context_command, template_check
from strategy_builder.cli.translate import translate
from strategy_builder.errors import ExitCode, InputProblems, StrategyBuilderError

REMARK = Remark("primarily a country of emigration", "Please give the source of this figure.", "Anna Petrosyan",
                "2010-12-01T10:00:00Z", "AP")
INSERT = Insert("primarily a country of emigration", " (since 1991)", "Armen Grigoryan", "2010-12-02T08:00:00Z")


def run(command: click.Command, capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str]:
    """Run ``command`` as ``main`` does (without exiting): its exit code and what it printed on stdout."""
    output.set_verbosity(0)
    code = command.main(args=[str(a) for a in args], prog_name="strategy-builder", standalone_mode=False)
    return int(code or 0), capsys.readouterr().out


def run_json(command: click.Command, capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, Any]:
    code, printed = run(command, capsys, *args, "--format", "json")
    return code, json.loads(printed)


@pytest.fixture(scope="module")
def drafted(sample_drafts: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample project with drafts 001 and 002 (the diff scenario), for commands that write."""
    project = tmp_path_factory.mktemp("commands") / "project"
    shutil.copytree(sample_drafts[1].parents[2], project)
    return project


@pytest.fixture(scope="module")
def returned(drafted: Path) -> Path:
    """Draft 002 of Armenia returned by a ministry with a comment and a tracked insertion."""
    path = drafted / "returns" / "AM-labour.docx"
    path.parent.mkdir()
    path.write_bytes(annotate((drafted / "build/drafts/002/AM.docx").read_bytes(), [REMARK, INSERT]))
    return path


def test_check_reports_each_problem_with_its_place_and_exits_1(sample_project: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert run(check, capsys, "--project", sample_project)[0] == ExitCode.OK
    target = sample_project / "inputs/partners/AM.yaml"
    lines = target.read_text(encoding="utf-8").split("\n")
    line = next(i for i, text in enumerate(lines) if "status: agreed" in text)
    lines[line] = lines[line].replace("agreed", "aggreed")
    target.write_text("\n".join(lines), encoding="utf-8")
    code, report = run_json(check, capsys, "--project", sample_project)
    assert code == ExitCode.INPUT_PROBLEMS and report["errors"] == 1
    [finding] = report["findings"]
    assert (finding["file"].endswith("AM.yaml"), finding["line"]) == (True, line + 1)
    assert finding["field"].endswith(".status")


def test_build_writes_a_preview_of_the_partner_asked_for(sample_project: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_json(build_command, capsys, "--project", sample_project, "--preview", "--partner", "AM")
    assert code == ExitCode.OK
    written = sorted(p.name for p in (sample_project / "build" / "preview").rglob("*.docx"))
    assert "AM.docx" in written and "AZ.docx" not in written
    assert json.dumps(result).count("AM.docx") >= 1
    assert not (sample_project / "build" / "drafts").exists()


def test_init_writes_a_project_that_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_json(init, capsys, tmp_path / "new", "--partner", "am", "--partner", "GE")
    assert code == ExitCode.OK
    assert (tmp_path / "new/inputs/partners/AM.yaml").is_file() and (tmp_path / "new/inputs/partners/GE.yaml").is_file()
    assert (result["partners"], result["sample"]) == (["AM", "GE"], False)
    assert {"inputs/strategy.yaml", "inputs/partners/AM.yaml", "templates/strategy.docx"} <= set(result["written"])
    assert run(check, capsys, "--project", tmp_path / "new")[0] == ExitCode.OK
    with pytest.raises(StrategyBuilderError) as refused:
        run(init, capsys, tmp_path / "other", "--partner", "XX")
    assert refused.value.exit_code == ExitCode.USAGE_OR_ENVIRONMENT and "XX" in str(refused.value)


def test_new_partner_creates_the_file_of_a_declared_partner_once(sample_project: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    target = sample_project / "inputs/partners/AM.yaml"
    target.unlink()
    code, result = run_json(new_partner, capsys, "AM", "--project", sample_project)
    assert code == ExitCode.OK and Path(result["created"]).name == "AM.yaml" and target.is_file()
    before = target.read_bytes()
    with pytest.raises(StrategyBuilderError):
        run(new_partner, capsys, "AM", "--project", sample_project)
    assert target.read_bytes() == before


def test_new_round_moves_the_round_and_its_dates(drafted: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    sample_project = Path(shutil.copytree(drafted, tmp_path / "project"))
    strategy = sample_project / "inputs/strategy.yaml"
    code, result = run_json(new_round, capsys, "--issued", "2011-03-01", "--deadline", "2011-04-01",
                            "--project", sample_project)
    assert code == ExitCode.OK
    text = strategy.read_text(encoding="utf-8")
    assert "2011-03-01" in text and "2011-04-01" in text
    assert "2011-04-01" in json.dumps(result)
    with pytest.raises(InputProblems):
        run(new_round, capsys, "--issued", "2011-05-01", "--deadline", "2011-04-01", "--project", sample_project)
    assert strategy.read_text(encoding="utf-8") == text


def test_schema_check_says_whether_the_files_are_current(sample_project: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert run_json(schema, capsys, "--check", "--project", sample_project) == (
        ExitCode.OK, {"folder": str(sample_project / "schemas"), "out_of_date": [], "up_to_date": True})
    code, result = run_json(schema, capsys, "--check", "--output", tmp_path / "empty", "--project", sample_project)
    assert code == ExitCode.INPUT_PROBLEMS and len(result["out_of_date"]) == 2 and not result["up_to_date"]
    assert not (tmp_path / "empty").exists()
    assert run(schema, capsys, "--output", tmp_path / "written", "--project", sample_project)[0] == ExitCode.OK
    assert sorted(p.name for p in (tmp_path / "written").iterdir()) == ["partner.schema.json",
                                                                      "strategy.schema.json"]


def test_template_check_and_context(sample_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_json(template_check, capsys, "--project", sample_project)
    assert code == ExitCode.OK and result["errors"] == 0
    code, printed = run(context_command, capsys, "AM", "--project", sample_project)
    context = json.loads(printed)
    assert code == ExitCode.OK and context["partner"]["code"] == "AM"
    broken = tmp_path / "broken.docx"
    document = docx.Document()
    document.add_paragraph("{{ partner.name ")
    document.save(str(broken))
    code, result = run_json(template_check, capsys, broken, "--project", sample_project)
    assert code == ExitCode.INPUT_PROBLEMS and result["errors"] >= 1


def test_matrix_shows_every_partner_and_writes_the_format_out_names(sample_project: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, printed = run(matrix, capsys, sample_project, "--format", "json")
    partners = {partner["code"] for partner in json.loads(printed)["partners"]}
    assert code == ExitCode.OK and len(partners) == 12 and "AM" in partners
    assert run(matrix, capsys, sample_project, "--out", tmp_path / "matrix.md")[0] == ExitCode.OK
    assert (tmp_path / "matrix.md").read_text(encoding="utf-8").startswith("#")


def test_translate_status_export_and_import(sample_project: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_json(translate, capsys, "status", sample_project)
    assert code == ExitCode.OK and "ru" in json.dumps(result)
    exported = tmp_path / "ru.xlf"
    assert run(translate, capsys, "export", sample_project, "--lang", "ru", "--out", exported)[0] == ExitCode.OK
    assert b"urn:oasis:names:tc:xliff:document:2." in exported.read_bytes()
    code, result = run_json(translate, capsys, "import", exported, "--project", sample_project)
    assert code == ExitCode.OK


def test_sections_lists_the_tracked_sections_of_a_draft(sample_drafts: tuple[Path, Path],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    document = sample_drafts[1] / "AM.docx"
    code, result = run_json(sections, capsys, document)
    ids = [section["id"] for section in result["sections"]]
    assert code == ExitCode.OK and result["stamps"]["partner"] == "AM"
    assert set(EXPECTED) <= set(ids) | {key for key, value in EXPECTED.items() if value[0] == "removed"}
    code, printed = run(sections, capsys, document)
    assert f"{len(ids)} tracked section(s)" in printed and NEW_TITLE[:40] in printed


def test_diff_reports_the_scenario_and_exit_code_counts_it(drafted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_json(diff, capsys, "1", "2", drafted, "--exit-code")
    assert code == 1
    text = json.dumps(result)
    assert all(section in text for section in EXPECTED)
    assert run(diff, capsys, "2", "2", drafted, "--exit-code")[0] == ExitCode.OK


def test_align_reports_each_language_version_of_a_draft(drafted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_json(align, capsys, "2", "--lang", "ru", "--project", drafted)
    assert code == ExitCode.OK and (result["draft"], result["previous_draft"]) == (2, 1)
    assert {d["code"] for d in result["documents"]} == {"BY", "KZ", "UZ"}
    assert {d["language"] for d in result["documents"]} == {"ru"}
    code, printed = run(align, capsys, "2", "--project", drafted)
    assert code == ExitCode.OK and "Draft 002, compared with draft 001" in printed


def test_comments_lists_each_item_and_fills_the_register(drafted: Path, returned: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    register_file = drafted / "review" / "register.csv"
    code, result = run_json(comments, capsys, returned, "--project", drafted, "--register", register_file,
                            "--ministry", "Ministry of Labour")
    text = json.dumps(result, ensure_ascii=False)
    assert code == ExitCode.OK and REMARK.text in text and "(since 1991)" in text
    assert register_file.is_file() and REMARK.text in register_file.read_text(encoding="utf-8-sig")


def test_register_refresh_writes_the_state_of_each_row_once(drafted: Path, returned: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    register_file = drafted / "review" / "register-refresh.csv"
    run(comments, capsys, returned, "--project", drafted, "--register", register_file, "--ministry", "Labour")
    rows = len(register_file.read_text(encoding="utf-8-sig").splitlines()) - 1
    code, result = run_json(register, capsys, "refresh", register_file, "--project", drafted)
    assert code == ExitCode.OK and result["rows"] == rows and result["updated"] >= 1 and result["written"]
    assert Path(result["backup"]).is_file()
    assert REMARK.text in register_file.read_text(encoding="utf-8-sig")
    again = run_json(register, capsys, "refresh", register_file, "--project", drafted)[1]
    assert (again["updated"], again["written"]) == (0, None)


def test_propose_turns_a_tracked_insertion_into_a_yaml_value(drafted: Path, returned: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    partner = drafted / "inputs/partners/AM.yaml"
    before = partner.read_bytes()
    code, result = run_json(propose, capsys, returned, "--project", drafted)
    assert code == ExitCode.OK and (result["applied"], result["check"]) == (None, None)
    assert "(since 1991)" in json.dumps(result, ensure_ascii=False)
    assert partner.read_bytes() == before  # without --apply nothing is written


def test_consolidate_merges_two_returns_into_one_file(drafted: Path, returned: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "AM-interior.docx"
    other.write_bytes(annotate((drafted / "build/drafts/002/AM.docx").read_bytes(), [
        Remark(NEW_TITLE, "Agreed.", "Armen Grigoryan", "2010-12-03T08:00:00Z")]))
    merged = tmp_path / "merged.docx"
    code, _ = run(consolidate, capsys, returned, other, "--out", merged, "--project", drafted)
    assert code == ExitCode.OK
    comments_xml = docx.Document(str(merged)).part.package
    texts = " ".join(part.blob.decode("utf-8", "replace") for part in comments_xml.parts
                     if part.partname.endswith("/comments.xml"))
    assert REMARK.text in texts and "Agreed." in texts


def test_status_without_a_register_says_returns_are_unknown(drafted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_json(status, capsys, "--project", drafted, "--today", "2010-12-01")
    assert code == ExitCode.OK and result["register"] is None
    assert {partner["code"] for partner in result["partners"]} >= {"AM", "AZ"}


def test_reply_needs_ministries_or_all(drafted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(click.UsageError):
        run(reply, capsys, "--to", "2", "--project", drafted)
    with pytest.raises(StrategyBuilderError):
        run(reply, capsys, "--all", "--to", "9", "--project", drafted)


def test_overview_writes_the_regional_overview_once(drafted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_json(overview, capsys, "--project", drafted)
    assert code == ExitCode.OK
    assert list((drafted / "build" / "overview").rglob("*.docx"))
    again = run_json(overview, capsys, "--project", drafted)[1]
    assert again != result and "unchanged" in json.dumps(again)


_KEEPS = """
import sys
import strategy_builder.cli as cli
try:
    cli.main()
except SystemExit:
    pass
print(*[type(kept).__name__ for kept in cli._KEPT or ()])
"""


def test_a_diff_leaves_its_report_to_the_end_of_a_process_that_ends_with_it(tmp_path: Path) -> None:
    """Freeing a comparison's documents just before the process goes is work nobody waits for: a process that
    ends with the command keeps the report; a caller that goes on (``main`` given its arguments) keeps nothing."""
    import subprocess
    import sys

    from fixtures.diff.docs import make_docx
    from strategy_builder import cli as cli_module

    make_docx(["One.", "Two."], tmp_path / "old.docx")
    make_docx(["One.", "Three."], tmp_path / "new.docx")
    args = ["diff", str(tmp_path / "old.docx"), str(tmp_path / "new.docx"), "--project", str(tmp_path)]
    ended = subprocess.run([sys.executable, "-c", _KEEPS, *args], capture_output=True, text=True, timeout=120,
                           env={**os.environ, "STRATEGY_BUILDER_SERVER": "off"})
    assert ended.stdout.split()[-1:] == ["DiffReport"], ended.stderr
    with pytest.raises(SystemExit):
        cli_module.main(args)
    assert cli_module._KEPT is None
