"""The conventions every command shares (docs/cli.md, "Common options"), checked on real processes:
the project is found upward from any subfolder, an explicit folder wins, -q and -v, and output to a pipe is
never cut to a terminal's width."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_cli


def test_check_works_from_a_subfolder_and_says_where_with_verbose(sample_project: Path) -> None:
    result = run_cli("check", "-v", cwd=sample_project / "inputs" / "partners")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "inputs are valid: 12 partner(s)" in result.stdout
    assert "project: ../.. (found upward from the current folder)" in result.stderr


def test_new_partner_and_schema_work_from_a_subfolder_with_json(sample_project: Path) -> None:
    (sample_project / "inputs/partners/AM.yaml").unlink()
    created = run_cli("new-partner", "AM", "--format", "json", cwd=sample_project / "inputs" / "partners")
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["created"] == "../../inputs/partners/AM.yaml"
    assert (sample_project / "inputs/partners/AM.yaml").is_file()
    schemas = run_cli("schema", "--check", "--format", "json", cwd=sample_project / "inputs")
    assert schemas.returncode == 0, schemas.stdout + schemas.stderr
    assert json.loads(schemas.stdout) == {"folder": "../schemas", "out_of_date": [], "up_to_date": True}


def test_an_explicit_project_wins_and_two_different_ones_are_refused(sample_project: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    inside = sample_project / "inputs"
    refused = run_cli("check", "--project", str(other), cwd=inside)
    assert refused.returncode == 2
    assert f"{other} is not a strategy-builder project" in refused.stderr
    both = run_cli("check", "--project", str(sample_project), str(other))
    assert both.returncode == 2 and "two project folders given" in both.stderr
    alias = run_cli("check", "-q", str(sample_project), cwd=other)
    assert alias.returncode == 0 and alias.stdout == "", alias.stdout + alias.stderr


def test_outside_any_project_the_error_says_how_to_start_one(tmp_path: Path) -> None:
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert "is not a strategy-builder project" in result.stderr
    assert "'strategy-builder init' starts a new project" in result.stderr


def test_quiet_check_prints_nothing_on_success_and_findings_on_failure(sample_project: Path) -> None:
    ok = run_cli("check", "-q", cwd=sample_project)
    assert (ok.returncode, ok.stdout) == (0, "")
    target = sample_project / "inputs/partners/AM.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("status: agreed", "status: aggreed", 1),
                      encoding="utf-8")
    bad = run_cli("check", "--quiet", cwd=sample_project)
    assert bad.returncode == 1 and "'aggreed' is not one of the allowed values" in bad.stdout


def test_quiet_and_verbose_are_accepted_before_the_command_name_too(sample_project: Path) -> None:
    quiet = run_cli("-q", "check", cwd=sample_project)
    assert (quiet.returncode, quiet.stdout) == (0, ""), quiet.stdout + quiet.stderr
    loud = run_cli("--verbose", "check", cwd=sample_project / "inputs")
    assert loud.returncode == 0 and "project: .. (found upward" in loud.stderr, loud.stderr
    # Counted together: one -v before the command and one -q after it leave the normal level.
    both = run_cli("-v", "check", "-q", cwd=sample_project / "inputs")
    assert both.returncode == 0 and "inputs are valid" in both.stdout and "project:" not in both.stderr


def test_piped_output_is_never_cut_to_the_terminal_width(sample_drafts: tuple[Path, Path]) -> None:
    first, second = sample_drafts
    document = first / "AM.docx"
    listed = json.loads(run_cli("sections", "--format", "json", str(document)).stdout)["sections"]
    text = run_cli("sections", str(document), env={"COLUMNS": "40"})
    assert text.returncode == 0
    for section in listed:
        assert section["id"] in text.stdout, section["id"]
    # diff from build/drafts: the project is found upward, and long lines stay whole.
    project = first.parent.parent.parent
    diff = run_cli("diff", "1", "2", cwd=project / "build" / "drafts", env={"COLUMNS": "40"})
    assert diff.returncode == 0, diff.stdout + diff.stderr
    assert max(len(line) for line in diff.stdout.splitlines()) > 40


def test_shell_completion_as_documented_completes_commands_and_options(tmp_path: Path) -> None:
    script = run_cli(env={"_STRATEGY_BUILDER_COMPLETE": "bash_source"}, cwd=tmp_path)
    assert script.returncode == 0 and "_STRATEGY_BUILDER_COMPLETE=bash_complete" in script.stdout
    words = run_cli(env={"_STRATEGY_BUILDER_COMPLETE": "bash_complete", "COMP_WORDS": "strategy-builder ini",
                         "COMP_CWORD": "1"}, cwd=tmp_path)
    assert words.stdout.split() == ["plain,init"]
    options = run_cli(env={"_STRATEGY_BUILDER_COMPLETE": "bash_complete",
                           "COMP_WORDS": "strategy-builder check --pro", "COMP_CWORD": "2"}, cwd=tmp_path)
    assert options.stdout.split() == ["plain,--project"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full, a file every write to fails (disk full)")
@pytest.mark.parametrize("server", ["off", "on"])
def test_a_json_report_stdout_cannot_take_is_an_error_said_on_stderr_with_status_2(sample_project: Path,
                                                                                   server: str) -> None:
    """With --format json, errors go to stdout as JSON; when stdout itself is what fails (a full disk), the
    error is said on stderr instead, with the status of an environment problem and no traceback, whether
    the command runs in its own process or in the warm server's child."""
    for args in (("check", "--format", "json"), ("check",), ("diff", "1", "9", "--format", "json")):
        with open("/dev/full", "w") as full:
            result = subprocess.run([sys.executable, "-m", "strategy_builder", *args], cwd=sample_project,
                                    stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
                                    env={**os.environ, "NO_COLOR": "1", "STRATEGY_BUILDER_SERVER": server})
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr and result.stderr.startswith("error: "), (args, result.stderr)
        if args[0] == "check":  # what failed is the stream, named as such (it has no file name)
            assert "standard output" in result.stderr, (args, result.stderr)


def _run_with_reader_gone(args: tuple[str, ...], cwd: Path, server: str, *,
                          stderr_too: bool = False) -> subprocess.CompletedProcess[str]:
    """``strategy-builder ARGS`` whose stdout (and with ``stderr_too`` its stderr) is a pipe whose reader
    has already gone, as behind ``| head`` once head has its lines: every write to it fails."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run([sys.executable, "-m", "strategy_builder", *args], cwd=cwd, stdout=write_end,
                              stderr=write_end if stderr_too else subprocess.PIPE, text=True, timeout=300,
                              env={**os.environ, "NO_COLOR": "1", "STRATEGY_BUILDER_SERVER": server})
    finally:
        os.close(write_end)


@pytest.mark.parametrize("server", ["off", "on"])
def test_a_reader_gone_early_leaves_the_status_of_the_command_s_outcome(sample_drafts: tuple[Path, Path],
                                                                         server: str) -> None:
    """``diff ... --exit-code | head``: the reader leaving does not make the status (1 would say "the
    documents differ"); the command runs to its end and exits with its own, in its own process or served."""
    project = sample_drafts[0].parent.parent.parent
    for args, status in ((("diff", "1", "1", "--exit-code"), 0), (("diff", "1", "2", "--exit-code"), 1),
                         (("diff", "1", "1", "--exit-code", "--format", "json"), 0),
                         (("check",), 0), (("check", "--format", "json"), 0)):
        result = _run_with_reader_gone(args, project, server)
        assert result.returncode == status, (args, result.stderr)
        assert "Traceback" not in result.stderr and "error" not in result.stderr, (args, result.stderr)


def test_a_build_whose_output_nobody_reads_any_more_is_published_whole(built_project: Path) -> None:
    """``build | head -1`` (its progress and summary on a pipe whose reader went): the draft is published and
    the build ends as it would have."""
    (built_project / "inputs" / "partners" / "AM.yaml").write_text(
        (built_project / "inputs" / "partners" / "AM.yaml").read_text(encoding="utf-8").replace(
            "situation: |\n", "situation: |\n  A sentence added.\n\n", 1), encoding="utf-8")
    result = _run_with_reader_gone(("build", "-v"), built_project, "off", stderr_too=True)
    assert result.returncode == 0
    manifest = json.loads((built_project / "build" / "drafts" / "002" / "manifest.json").read_text(encoding="utf-8"))
    assert {partner["code"] for partner in manifest["partners"]} >= {"AM"}
