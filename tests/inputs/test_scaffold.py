"""``strategy-builder new-partner CODE``: a valid partner file with all five areas, or a clear refusal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run_in_process
from strategy_builder.errors import EnvironmentProblem, InputProblems
from strategy_builder.inputs.loading import load_project
from strategy_builder.inputs.scaffold import scaffold_partner
from strategy_builder.models.areas import AREA_KEYS

AM = "inputs/partners/AM.yaml"


def test_new_partner_writes_a_file_that_passes_check(sample_project: Path) -> None:
    (sample_project / AM).unlink()
    created = run_in_process("new-partner", "AM", "--project", str(sample_project))
    assert created.returncode == 0, created.stdout + created.stderr
    assert f"created {sample_project / AM}" in created.stdout
    checked = run_in_process("check", "--strict", str(sample_project))
    assert checked.returncode == 0, checked.stdout
    assert "inputs are valid: 12 partner(s)" in checked.stdout

    text = (sample_project / AM).read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../../schemas/partner.schema.json"
    assert (sample_project / AM).parent.joinpath("../../schemas/partner.schema.json").resolve().is_file()
    assert "ILLUSTRATIVE" not in text and "not the position of" not in text, "a team's file is not a sample"
    assert "code: AM" in lines and "name: Armenia" in lines
    for key in AREA_KEYS:
        assert f"  {key}:" in text


@pytest.mark.parametrize("code", ["AM", "AZ", "BY", "GE", "KG", "KZ", "MD", "RU", "TJ", "TM", "UA", "UZ"])
def test_a_scaffold_for_every_partner_state_is_valid(code: str, sample_project: Path) -> None:
    target = scaffold_partner(sample_project, code, overwrite=True).path
    assert target == sample_project / "inputs" / "partners" / f"{code}.yaml"
    result = load_project(sample_project, only={code})
    assert not result.findings.items, [f.to_json() for f in result.findings]
    assert result.project is not None
    [partner] = result.project.partners
    assert partner.code == code
    assert all(not area.priorities and area.no_priorities_reason for _, area in partner.model.areas.items())


def test_the_commented_example_priority_is_valid_once_uncommented(sample_project: Path) -> None:
    target = scaffold_partner(sample_project, "AM", overwrite=True).path
    text = target.read_text(encoding="utf-8")
    example = re.search(r"    priorities: \[\]\n    # Example of a priority.*?\n((?:    # .*\n)+)", text)
    assert example is not None
    uncommented = "".join(line[:4] + line[6:] + "\n" for line in example.group(1).splitlines())
    text = text.replace(example.group(0), "    priorities:\n" + uncommented, 1)
    text = text.replace("    no_priorities_reason: To be identified with the partner during the expert mission.\n"
                        "  readmission_return:", "  readmission_return:", 1)
    target.write_text(text, encoding="utf-8")
    result = load_project(sample_project, only={"AM"})
    assert not result.findings.items, [f.to_json() for f in result.findings]
    assert result.project is not None
    [priority] = result.project.partners[0].model.areas.illegal_migration.priorities
    assert priority.id == "example-priority"
    assert priority.actions[0].lead == ["CZ"]


@pytest.mark.parametrize(("code", "hint"), [
    ("FR", "FR is France; declare it under 'states' in inputs/strategy.yaml if it takes part"),
    ("TK", "did you mean TM (Turkmenistan)? TK is Tokelau."),
    ("am", "did you mean AM (Armenia)?"),
    ("CZ", "CZ (Czech Republic) is declared under 'states' as a leading state; set 'role: partner' on it"),
])
def test_an_undeclared_code_is_refused_with_a_hint(code: str, hint: str, sample_project: Path) -> None:
    before = sorted(p.name for p in (sample_project / "inputs" / "partners").iterdir())
    with pytest.raises(InputProblems) as refused:
        scaffold_partner(sample_project, code)
    [finding] = refused.value.findings
    assert finding.code == "partner.not-declared"
    assert finding.message == f"{code} is not declared as a partner state in inputs/strategy.yaml"
    assert finding.hint is not None and hint in finding.hint
    # At the state's own entry when it is declared (with another role), else at 'states:'.
    text = (sample_project / "inputs" / "strategy.yaml").read_text(encoding="utf-8")
    needle = f"{{code: {code}," if f"{{code: {code}," in text else "states:"
    line = text[:text.index(needle)].count(chr(10)) + 1
    assert finding.location.render().startswith(f"inputs/strategy.yaml:{line}:")
    assert sorted(p.name for p in (sample_project / "inputs" / "partners").iterdir()) == before


def test_new_partner_refusals_and_exit_codes(sample_project: Path, tmp_path: Path) -> None:
    undeclared = run_in_process("new-partner", "TK", "--project", str(sample_project))
    assert undeclared.returncode == 1
    assert "TK is not declared as a partner state in inputs/strategy.yaml" in undeclared.stderr
    assert "hint: did you mean TM (Turkmenistan)? TK is Tokelau." in undeclared.stderr
    assert re.search(r"^inputs/strategy\.yaml:\d+:1  error  states$", undeclared.stderr, re.M)

    original = (sample_project / AM).read_text(encoding="utf-8")
    exists = run_in_process("new-partner", "AM", "--project", str(sample_project))
    assert exists.returncode == 2
    assert f"error: {sample_project / AM} already exists" in exists.stderr
    assert "hint: pass --force to overwrite it" in exists.stderr
    assert (sample_project / AM).read_text(encoding="utf-8") == original

    forced = run_in_process("new-partner", "AM", "--force", "--project", str(sample_project))
    assert forced.returncode == 0
    assert (sample_project / AM).read_text(encoding="utf-8") != original
    assert f"previous file kept as {sample_project}/inputs/partners/.backups/AM." in forced.stdout

    nowhere = run_in_process("new-partner", "AM", "--project", str(tmp_path))
    assert nowhere.returncode == 2
    assert "inputs/strategy.yaml does not exist" in nowhere.stderr
    for result in (undeclared, exists, forced, nowhere):
        assert "Traceback" not in result.stderr


def test_new_partner_reports_a_broken_strategy_file(sample_project: Path) -> None:
    strategy = sample_project / "inputs" / "strategy.yaml"
    strategy.write_text(strategy.read_text(encoding="utf-8").replace("  round: 1\n", "  round: 1\n  round: 2\n"),
                        encoding="utf-8")
    (sample_project / AM).unlink()
    with pytest.raises(InputProblems) as refused:
        scaffold_partner(sample_project, "AM")
    [finding] = refused.value.findings
    assert finding.code == "yaml.duplicate-key"
    assert finding.location.field_path == "consultation.round"
    assert not (sample_project / AM).exists()


def test_scaffold_refuses_to_overwrite_without_force(sample_project: Path) -> None:
    with pytest.raises(EnvironmentProblem, match="already exists"):
        scaffold_partner(sample_project, "AM")


def test_force_keeps_a_copy_of_the_file_it_replaces(sample_project: Path) -> None:
    """new-partner --force replaces what the team typed only after keeping it whole in .backups/."""
    path = sample_project / AM
    typed = path.read_bytes() + b"# the team's note, 3 December\n"
    path.write_bytes(typed)
    written = scaffold_partner(sample_project, "AM", overwrite=True)
    assert written.path == path and written.previous is not None
    assert written.previous.parent == path.parent / ".backups" and written.previous.read_bytes() == typed
    again = scaffold_partner(sample_project, "AM", overwrite=True)  # the scaffold over itself loses nothing
    assert again.previous is None and sorted(p.name for p in (path.parent / ".backups").iterdir()) == [
        written.previous.name]


def test_a_folder_where_strategy_yaml_should_be_is_reported_as_a_folder(sample_project: Path) -> None:
    strategy = sample_project / "inputs" / "strategy.yaml"
    strategy.unlink()
    strategy.mkdir()
    with pytest.raises(InputProblems) as refused:
        scaffold_partner(sample_project, "AM", overwrite=True)
    [finding] = refused.value.findings
    assert finding.location.file == "inputs/strategy.yaml" and "folder" in finding.message
