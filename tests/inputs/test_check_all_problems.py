"""``check`` shows every problem of every file in one run (issue 9, point 3): a schema error does not hide
the checks against strategy.yaml and the policy rules of the parts that validated; a lead that is not a
participating state cannot reach a circulated draft; the hints a new team meets first are right."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, run_in_process
from strategy_builder.cli import main
from strategy_builder.inputs.loading import load_project

AM = "inputs/partners/AM.yaml"
STRATEGY = "inputs/strategy.yaml"
PRIORITY = "areas.illegal_migration.priorities[0]"


def edit(project: Path, file: str, old: str, new: str) -> None:
    target = project / file
    text = target.read_text(encoding="utf-8")
    assert old in text, old
    target.write_text(text.replace(old, new, 1), encoding="utf-8")


def check_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    with pytest.raises(SystemExit) as done:
        main(["check", "--format", "json", *args])
    return int(done.value.code or 0), json.loads(capsys.readouterr().out)


def three_problems(project: Path) -> None:
    """The issue's example: a misspelt status, a lead that is not a participating state and an unknown
    stakeholder, all in the same priority."""
    edit(project, AM, "        status: agreed\n", "        status: aggreed\n")
    edit(project, AM, "            lead: [HU]\n", "            lead: [TK]\n")
    edit(project, AM, "            stakeholders: [ICMPD]\n", "            stakeholders: [UNHRC]\n")


def test_the_three_problems_of_one_priority_are_reported_in_one_run(sample_project: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    three_problems(sample_project)
    code, payload = check_json(capsys, "--project", str(sample_project))
    assert code == 1
    found = {f["code"]: f for f in payload["findings"] if f["file"] == AM}  # type: ignore[union-attr,index]
    assert set(found) == {"schema.enum", "policy.lead-not-participating", "stakeholder.unknown"}
    status, lead = found["schema.enum"], found["policy.lead-not-participating"]
    stakeholder = found["stakeholder.unknown"]
    assert (status["line"], status["column"], status["field"]) == (65, 17, f"{PRIORITY}.status")
    assert "'agreed'" in status["hint"]
    assert (lead["line"], lead["column"], lead["field"]) == (81, 20, f"{PRIORITY}.actions[0].lead[0]")
    assert lead["severity"] == "warning" and "TM (Turkmenistan)" in lead["hint"] and "Tokelau" in lead["hint"]
    assert "'build' refuses it" in lead["hint"] and "'check --strict' fails" in lead["hint"]
    assert (stakeholder["line"], stakeholder["column"], stakeholder["field"]) == (
        86, 28, f"{PRIORITY}.actions[1].stakeholders[0]")
    assert "did you mean UNHCR?" in stakeholder["hint"]


def test_parts_that_did_not_validate_are_not_judged_twice(sample_project: Path) -> None:
    """An invalid timeline or impact is a schema error, not also 'no timeline' or 'no impact'; an invalid
    priority is not 'an area without priorities'; a whole file that is not a mapping of areas crashes nothing."""
    edit(sample_project, AM, "timeline: {start: 2010-09, end: 2010-12}",
         "timeline: {start: 2010-13, end: 2010-12}")
    edit(sample_project, AM, "        expected_impact:\n          level: ",
         "        expected_impact:\n          level: x")
    edit(sample_project, AM, "        status: agreed\n", "        status: 7\n")
    result = load_project(sample_project, only={"AM"})
    codes = [f.code for f in result.findings if f.location.file == AM]
    assert "schema.enum" in codes
    assert not {"policy.no-timeline", "policy.no-impact", "policy.area-empty"} & set(codes), codes
    (sample_project / AM).write_text("code: AM\nname: Armenia\nareas: [1, 2]\n", encoding="utf-8")
    result = load_project(sample_project, only={"AM"})
    assert result.project is None and all(f.location.file == AM for f in result.findings.errors)


def test_a_lead_that_is_not_participating_blocks_a_draft_but_not_a_preview(sample_project: Path) -> None:
    edit(sample_project, AM, "            lead: [HU]\n", "            lead: [TK]\n")
    assert run_in_process("check", cwd=sample_project).returncode == 0
    strict = run_in_process("check", "--strict", cwd=sample_project)
    assert strict.returncode == 1 and "lead state TK is not a participating state" in strict.stdout
    draft = run_in_process("build", "--format", "json", cwd=sample_project)
    assert draft.returncode == 1, draft.stdout
    [finding] = [f for f in json.loads(draft.stdout)["findings"] if f["code"] == "policy.lead-not-participating"]
    assert finding["severity"] == "error"
    assert not (sample_project / "build" / "drafts").exists()
    preview = run_in_process("build", "--preview", "--partner", "AM", cwd=sample_project)
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert "lead state TK is not a participating state" in preview.stdout


def test_hint_new_partner_for_a_state_declared_with_another_role(sample_project: Path) -> None:
    result = run_in_process("new-partner", "TR", "--format", "json", cwd=sample_project / "inputs")
    assert result.returncode == 1
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["hint"] == ("TR (Turkey) is declared under 'states' as a participating state; set 'role: partner' "
                               "on it to give it a partner file")
    assert finding["line"] == 41 and finding["field"] == "states[22].code"


def test_hint_code_in_lower_case_and_a_date_that_does_not_exist(sample_project: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    edit(sample_project, "inputs/partners/MD.yaml", "\ncode: MD\n", "\ncode: md\n")
    edit(sample_project, STRATEGY, "  issued: 2010-11-15\n", "  issued: 2010-11-31\n")
    _, payload = check_json(capsys, "--project", str(sample_project))
    findings = {f["code"]: f for f in payload["findings"]}  # type: ignore[union-attr,index]
    code = findings["schema.string_pattern_mismatch"]
    assert (code["file"], code["field"]) == ("inputs/partners/MD.yaml", "code")
    assert code["hint"] == "write it in capitals: MD"
    date = next(f for f in payload["findings"] if f["field"] == "consultation.issued")  # type: ignore[union-attr]
    assert date["message"] == "'2010-11-31' is not a date: November 2010 has 30 days"
    assert "YYYY-MM-DD is right" in date["hint"]


@pytest.mark.parametrize(("old", "new", "line", "expected"), [
    ("        title: Towards integrated border management\n",
     "       title: Towards integrated border management\n", 64, 9),
    ("        status: agreed\n", "          status: agreed\n", 65, 9),
    ("    value: fewer than 100\n", "   value: fewer than 100\n", 56, 5),
])
def test_hint_an_indentation_error_names_the_column_and_shows_the_line(
        sample_project: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, line: int, expected: int) -> None:
    edit(sample_project, AM, old, new)
    _, payload = check_json(capsys, "--project", str(sample_project))
    [finding] = [f for f in payload["findings"] if f["file"] == AM]  # type: ignore[union-attr,index]
    assert (finding["code"], finding["line"]) == ("yaml.syntax", line)
    hint = finding["hint"]
    assert f"indent it to column {expected}" in hint
    offending = new.rstrip("\n")
    assert f"\n{line} | {offending}\n" in hint
    assert hint.endswith(" | " + " " * (len(offending) - len(offending.lstrip())) + "^")


def _leaves(node: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    if isinstance(node, dict):
        return [path, *(leaf for key, value in node.items() for leaf in _leaves(value, (*path, key)))]
    if isinstance(node, list):
        return [path, *(leaf for index, value in enumerate(node) for leaf in _leaves(value, (*path, index)))]
    return [path]


_JUNK = st.one_of(st.none(), st.integers(), st.text(max_size=5), st.lists(st.integers(), max_size=2),
                  st.dictionaries(st.sampled_from(["id", "lead", "x"]), st.integers(), max_size=2))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_value_replaced_by_junk_gives_findings_never_a_crash(sample_project: Path, data: st.DataObject) -> None:
    """The partial checks meet every shape a broken file can have: they report or stay silent, never fail."""
    original = yaml.safe_load((REPO / AM).read_text(encoding="utf-8"))
    leaves = [p for p in _leaves(original) if p]
    mutated = copy.deepcopy(original)
    for path in data.draw(st.lists(st.sampled_from(leaves), min_size=1, max_size=3)):
        node = mutated
        try:
            for part in path[:-1]:
                node = node[part]  # type: ignore[index]
            node[path[-1]] = data.draw(_JUNK)  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this path
    (sample_project / AM).write_text(yaml.safe_dump(mutated, allow_unicode=True), encoding="utf-8")
    result = load_project(sample_project, only={"AM"})
    assert all(f.location.file in (AM, STRATEGY) for f in result.findings)
