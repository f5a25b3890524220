"""Policy checks (issue 2, section 3): warnings with a location; errors, and exit 1, with ``--strict``.

The cases edit Turkmenistan's sample file (short, with empty areas) or Armenia's, and assert the one warning
each must produce: its file, line, column, field, code, message and hint, then the same finding as an error
under ``--strict``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import run_cli
from strategy_builder.cli import main

TM = "inputs/partners/TM.yaml"
AM = "inputs/partners/AM.yaml"
STRATEGY = "inputs/strategy.yaml"

_TM_REASON = ("    no_priorities_reason: |\n"
              "      Turkmenistan did not identify a priority in this area during the expert mission.\n")
_TM_ACTIONS = ("        actions:\n"
               "          - text: Exchange of experience on electronic processing of work and residence permits\n"
               "            lead: [SK]\n"
               "            timeline: {start: 2011-01, end: 2011-H1}\n")
_TM_IMPACT = ("        expected_impact:\n"
              "          level: low\n"
              "          text: Shorter processing times and better information on foreign workers in the country.\n")
_TM_TIMELINE = "timeline: {start: 2010-10, end: 2011-03}"
_PERMITS = "areas.legal_migration.priorities[0]"


@dataclass(frozen=True)
class Warning_:
    id: str
    file: str
    old: str
    new: str
    at: str
    """Text in the edited file where the warning is located (its first character)."""
    field: str
    code: str
    message: str
    hint: str
    offset: int = 0


WARNINGS = [
    Warning_("area-without-priorities-or-reason", TM, _TM_REASON, "", "readmission_return:",
             "areas.readmission_return", "policy.area-empty",
             "area 'readmission_return' has no priorities and no reason",
             "add priorities, or state why there are none in 'no_priorities_reason'"),
    Warning_("priority-without-action", TM, _TM_ACTIONS, "", "foreign-worker-permits", f"{_PERMITS}.id",
             "policy.no-action", "priority 'foreign-worker-permits' has no action",
             "add at least one action with a lead and a timeline"),
    Warning_("priority-with-empty-action-list", TM, _TM_ACTIONS, "        actions: []\n", "foreign-worker-permits",
             f"{_PERMITS}.id", "policy.no-action", "priority 'foreign-worker-permits' has no action",
             "a partnership must be operational"),
    Warning_("area-with-only-withdrawn-priorities", TM, "        status: proposed\n        rationale: |\n"
             "          Foreign companies",
             "        status: withdrawn\n        rationale: |\n          Foreign companies",
             "\n  legal_migration:", "areas.legal_migration", "policy.area-empty",
             "area 'legal_migration' has only withdrawn priorities and no reason", "no_priorities_reason", offset=3),
    Warning_("area-with-priorities-and-a-reason", TM, "  legal_migration:  # Legal migration with a special emphasis "
             "on labour migration\n", "  legal_migration:  # Legal migration with a special emphasis on labour "
             "migration\n    no_priorities_reason: None identified.\n", "no_priorities_reason: None identified",
             "areas.legal_migration.no_priorities_reason", "policy.stale-reason",
             "area 'legal_migration' has priorities and also a reason for having none",
             "delete 'no_priorities_reason'"),
    Warning_("action-without-timeline", TM, "            timeline: {start: 2011-01, end: 2011-H1}\n", "",
             "text: Exchange of experience", f"{_PERMITS}.actions[0]", "policy.no-timeline",
             "this action has no timeline", "add e.g. 'timeline: {start: 2010-09, end: 2011-H1}'"),
    Warning_("action-without-lead", TM, "            lead: [SK]\n", "", "text: Exchange of experience",
             f"{_PERMITS}.actions[0]", "policy.no-lead", "this action has no lead state",
             "add 'lead: [CZ]' with one or more participating states"),
    Warning_("action-with-empty-lead", TM, "lead: [SK]", "lead: []", "text: Exchange of experience",
             f"{_PERMITS}.actions[0]", "policy.no-lead", "this action has no lead state", "participating states"),
    Warning_("priority-without-expected-impact", TM, _TM_IMPACT, "", "foreign-worker-permits", f"{_PERMITS}.id",
             "policy.no-impact", "priority 'foreign-worker-permits' has no expected-impact assessment",
             "add 'expected_impact' with a level (high, medium, low) and a text"),
    Warning_("timeline-ends-after-period", TM, _TM_TIMELINE, "timeline: {start: 2010-10, end: 2012-03}",
             "{start: 2010-10, end: 2012-03}", "areas.illegal_migration.priorities[0].actions[0].timeline",
             "policy.timeline-outside-period",
             "the timeline 2010-10\u20132012-03 lies outside the strategy period 2010-01\u20132011-H1",
             "move the action into the period or extend 'series.period' in inputs/strategy.yaml"),
    Warning_("timeline-starts-before-period", TM, _TM_TIMELINE, "timeline: {start: 2009-Q4, end: 2011-03}",
             "{start: 2009-Q4", "areas.illegal_migration.priorities[0].actions[0].timeline",
             "policy.timeline-outside-period",
             "the timeline 2009-Q4\u20132011-03 lies outside the strategy period 2010-01\u20132011-H1",
             "extend 'series.period'"),
    Warning_("timeline-quarter-after-half", TM, _TM_TIMELINE, "timeline: {start: 2011-Q2, end: 2011-Q3}",
             "{start: 2011-Q2", "areas.illegal_migration.priorities[0].actions[0].timeline",
             "policy.timeline-outside-period",
             "the timeline 2011-Q2\u20132011-Q3 lies outside the strategy period 2010-01\u20132011-H1",
             "move the action into the period"),
    Warning_("lead-not-participating", TM, "lead: [RO]", "lead: [FR]", "FR]",
             "areas.illegal_migration.priorities[0].actions[0].lead[0]", "policy.lead-not-participating",
             "lead state FR is not a participating state",
             "FR is France; declare it under 'states' in inputs/strategy.yaml if it takes part. A draft for "
             "circulation cannot name it"),
    Warning_("lead-tk-is-tokelau", AM, "lead: [SK, HU]", "lead: [SK, TK]", "TK]",
             "areas.illegal_migration.priorities[0].actions[2].lead[1]", "policy.lead-not-participating",
             "lead state TK is not a participating state", "did you mean TM (Turkmenistan)? TK is Tokelau."),
]


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return int(done.value.code or 0), captured.out


def edit(project: Path, file: str, old: str, new: str) -> str:
    target = project / file
    text = target.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {file} any more; update the case"
    text = text.replace(old, new, 1)
    target.write_text(text, encoding="utf-8")
    return text


@pytest.mark.parametrize("case", WARNINGS, ids=[w.id for w in WARNINGS])
def test_policy_warning_is_located_and_strict_makes_it_an_error(
        case: Warning_, sample_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = edit(sample_project, case.file, case.old, case.new)
    index = text.index(case.at) + case.offset
    line, column = text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1
    expected = {"file": case.file, "line": line, "column": column, "field": case.field, "code": case.code,
                "severity": "warning", "message": case.message}

    code, out = run_main(capsys, "check", "--format", "json", str(sample_project))
    assert code == 0
    payload = json.loads(out)
    assert (payload["errors"], payload["warnings"]) == (0, 1)
    [finding] = payload["findings"]
    assert case.hint in finding.pop("hint")
    assert finding == expected

    code, out = run_main(capsys, "check", "--strict", "--format", "json", str(sample_project))
    assert code == 1
    payload = json.loads(out)
    assert (payload["errors"], payload["warnings"]) == (1, 0)
    [finding] = payload["findings"]
    finding.pop("hint")
    assert finding == {**expected, "severity": "error"}

    code, out = run_main(capsys, "check", str(sample_project))
    assert code == 0
    assert f"{case.file}:{line}:{column}  warning  {case.field}" in out
    assert f"  {case.message}  ({case.code})" in out
    assert "0 error(s), 1 warning(s)" in out
    assert "no errors" in out


def test_a_timeline_on_the_edges_of_the_period_is_inside(sample_project: Path) -> None:
    edit(sample_project, TM, _TM_TIMELINE, "timeline: {start: 2010, end: 2011-06}")
    edit(sample_project, TM, "timeline: {start: 2011-01, end: 2011-H1}", "timeline: {start: 2010-Q1, end: 2011-Q2}")
    from strategy_builder.inputs.loading import load_project
    result = load_project(sample_project)
    assert not result.findings.items, [f.to_json() for f in result.findings]


def test_a_withdrawn_priority_needs_no_action_nor_impact(sample_project: Path) -> None:
    text = edit(sample_project, AM, "        status: proposed\n        rationale: |\n          Armenia plans",
                "        status: withdrawn\n        rationale: |\n          Armenia plans")
    start = text.index("        actions:\n", text.index("id: document-security"))
    end = text.index("        references:\n", start)
    (sample_project / AM).write_text(text[:start] + text[end:], encoding="utf-8")
    from strategy_builder.inputs.loading import load_project
    result = load_project(sample_project)
    assert not result.findings.items, [f.to_json() for f in result.findings]


def test_all_policy_warnings_in_one_run_and_strict_in_a_real_process(sample_project: Path) -> None:
    for case in WARNINGS:
        if case.id in ("lead-not-participating", "timeline-starts-before-period", "timeline-quarter-after-half",
                       "priority-with-empty-action-list", "action-with-empty-lead", "action-without-lead",
                       "action-without-timeline", "area-with-only-withdrawn-priorities"):
            continue  # they edit the same lines as another case
        edit(sample_project, case.file, case.old, case.new)
    relaxed = run_cli("check", "--format", "json", str(sample_project))
    assert relaxed.returncode == 0, relaxed.stdout + relaxed.stderr
    payload = json.loads(relaxed.stdout)
    codes = sorted(f["code"] for f in payload["findings"])
    # The action without lead went with the actions removed from the same priority; Armenia's TK stays.
    assert codes == sorted(["policy.area-empty", "policy.no-action", "policy.no-impact", "policy.stale-reason",
                            "policy.timeline-outside-period", "policy.lead-not-participating"])
    assert all(f["severity"] == "warning" and f["line"] and f["column"] for f in payload["findings"])
    strict = run_cli("check", "--strict", str(sample_project))
    assert strict.returncode == 1
    assert "6 error(s), 0 warning(s)" in strict.stdout
    assert "Traceback" not in strict.stderr


def test_a_priority_without_its_id_is_named_by_its_place_not_as_none(tmp_path: Path) -> None:
    """The id missing is an error of its own; the policy warnings about the same priority still come, and
    call it "this priority" at its place rather than priority 'None'."""
    from strategy_builder.drafts.checking import check_project
    from strategy_builder.starter import init_project

    project = tmp_path / "project"
    init_project(project, ["AM"])
    partner = project / "inputs" / "partners" / "AM.yaml"
    text = partner.read_text(encoding="utf-8")
    assert "    priorities: []" in text
    partner.write_text(text.replace("    priorities: []", "    priorities:\n      - title: A priority\n"
                                    "        rationale: Why.\n        status: proposed", 1), encoding="utf-8")
    findings = check_project(project).findings
    assert "schema.missing-field" in [f.code for f in findings]
    messages = {f.code: f.message for f in findings}
    assert messages["policy.no-action"] == "this priority has no action"
    assert messages["policy.no-impact"] == "this priority has no expected-impact assessment"
    assert all("None" not in f.message for f in findings)
