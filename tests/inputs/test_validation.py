"""Validation beyond YAML (issue 2, section 3): the input model and the checks across files.

Each case edits a copy of the shipped sample and lists *every* finding the check must report, each with its
file, line, column, field path, code, severity, message and hint, so that neither a missing finding nor a
spurious one goes unnoticed. The cases run through the real CLI entry point in-process (JSON and text); one of
each kind also runs as a real process.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import copy_sample, run_cli
from strategy_builder.cli import main

AM = "inputs/partners/AM.yaml"
STRATEGY = "inputs/strategy.yaml"
AREAS_HINT = "all five areas must be present; an area without priorities needs 'no_priorities_reason'"
DATE_HINT = "write dates as YYYY-MM-DD, e.g. 2010-12-15"
POINT = "is not a point in time; write a year (2010), a month (2010-06), a quarter (2010-Q3) or a half (2011-H1)"
STATE_CODE = "is not a state code: write the ISO 3166-1 alpha-2 code in capitals, e.g. AM or NO"


@dataclass(frozen=True)
class Expect:
    """One finding: where (a text in the edited file and an offset into it, or a line and column) and what."""

    file: str
    at: str | tuple[int, int]
    field: str
    code: str
    message: str
    hint: str | None = None
    """A text the hint must contain; ``None``: no hint."""
    severity: str = "error"
    offset: int = 0


@dataclass(frozen=True)
class Case:
    id: str
    edits: list[tuple[str, str, str]]
    expected: list[Expect]
    setup: Callable[[Path], None] | None = None
    exit_code: int = 1
    strict_only: bool = field(default=False)


def apply(case: Case, project: Path) -> None:
    for file, old, new in case.edits:
        target = project / file
        text = target.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {file} any more; update the case"
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
    if case.setup is not None:
        case.setup(project)


def locate(project: Path, expect: Expect) -> tuple[int, int]:
    if isinstance(expect.at, tuple):
        return expect.at
    text = (project / expect.file).read_text(encoding="utf-8")
    index = text.index(expect.at) + expect.offset
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return int(done.value.code or 0), captured.out


def copy_partner(code: str) -> Callable[[Path], None]:
    """A new partner file ``<code>.yaml`` made of Armenia's with ``code: <code>``."""

    def setup(project: Path) -> None:
        text = (project / AM).read_text(encoding="utf-8").replace("code: AM", f"code: {code}", 1)
        (project / "inputs" / "partners" / f"{code}.yaml").write_text(text, encoding="utf-8")

    return setup




CASES: list[Case] = [
    # unknown keys, with "did you mean"
    Case("unknown-key", [(AM, "official_name:", "oficial_name:")], [
        Expect(AM, "oficial_name", "oficial_name", "schema.unknown-field", "unknown field 'oficial_name'",
               "did you mean 'official_name'?")]),
    Case("unknown-key-nested", [(AM, "        status: agreed", "        statuss: agreed")], [
        Expect(AM, "statuss", "areas.illegal_migration.priorities[0].statuss", "schema.unknown-field",
               "unknown field 'statuss'", "did you mean 'status'?")]),
    Case("unknown-key-without-close-match", [(AM, "\nname: Armenia\n", "\nname: Armenia\ncolour: blue\n")], [
        Expect(AM, "colour", "colour", "schema.unknown-field", "unknown field 'colour'",
               "allowed fields here: areas, authorities, code, key_figures, name, official_name, situation")]),
    # missing keys
    Case("missing-area", [(AM, "\n  migration_development:", "\n  migration_developmen:")], [
        Expect(AM, "\nareas:", "areas.migration_development", "schema.missing-field",
               "missing required field 'migration_development' in 'areas'", AREAS_HINT, offset=1),
        Expect(AM, "migration_developmen:", "areas.migration_developmen", "schema.unknown-field",
               "unknown field 'migration_developmen'", "did you mean 'migration_development'?")]),
    Case("missing-required-field", [(AM, "\nname: Armenia\n", "\n")], [
        Expect(AM, "code: AM", "name", "schema.missing-field", "missing required field 'name'")]),
    Case("missing-nested-field", [(AM, "          level: high\n", "")], [
        Expect(AM, "expected_impact:", "areas.illegal_migration.priorities[0].expected_impact.level",
               "schema.missing-field",
               "missing required field 'level' in 'areas.illegal_migration.priorities[0].expected_impact'")]),
    # wrong types
    Case("list-where-mapping", [(AM, "timeline: {start: 2010-09, end: 2010-12}", "timeline: [2010-09, 2010-12]")], [
        Expect(AM, "[2010-09", "areas.illegal_migration.priorities[0].actions[0].timeline", "schema.model_type",
               "expected a mapping of fields (key: value lines), found a list")]),
    Case("text-where-mapping", [(AM, "  - name: Ministry of Diaspora\n    role: Relations with Armenian communities "
                                     "abroad and diaspora engagement\n", "  - Ministry of Diaspora\n")], [
        Expect(AM, "Ministry of Diaspora", "authorities[3]", "schema.model_type",
               "expected a mapping of fields (key: value lines), found 'Ministry of Diaspora'")]),
    Case("mapping-where-text", [(AM, "\nname: Armenia\n", "\nname: {en: Armenia}\n")], [
        Expect(AM, "{en:", "name", "schema.string_type", "expected text, found a mapping",
               "quote the text if it contains ': '")]),
    Case("list-where-text", [(AM, "title: Towards integrated border management", "title: [Towards, integrated]")], [
        Expect(AM, "[Towards", "areas.illegal_migration.priorities[0].title", "schema.string_type",
               "expected text, found a list", "quote the text")]),
    Case("mapping-where-list", [(AM, "lead: [HU]", "lead: {state: HU}")], [
        Expect(AM, "{state: HU}", "areas.illegal_migration.priorities[0].actions[0].lead", "schema.list_type",
               "expected a list, found a mapping", "write each item on its own line starting with '- '")]),
    Case("text-where-number", [(AM, "year: 2009", "year: about 2009")], [
        Expect(AM, "about 2009", "key_figures[0].year", "schema.int_parsing",
               "expected a whole number, found 'about 2009'")]),
    Case("number-out-of-range", [(AM, "year: 2009", "year: 1900")], [
        Expect(AM, "1900", "key_figures[0].year", "schema.greater_than_equal",
               "'1900' is out of range: input should be greater than or equal to 1990")]),
    Case("not-a-boolean", [(STRATEGY, "redlines: false", "redlines: maybe")], [
        Expect(STRATEGY, "maybe", "build.redlines", "schema.bool_parsing", "'maybe' is not true or false",
               "write true or false")]),
    Case("empty-text", [(AM, "title: Towards integrated border management", 'title: "  "')], [
        Expect(AM, '"  "', "areas.illegal_migration.priorities[0].title", "schema.string_too_short",
               "this text must not be empty")]),
    Case("text-too-long", [(AM, "title: Towards integrated border management", "title: " + "x" * 301)], [
        Expect(AM, "x" * 301, "areas.illegal_migration.priorities[0].title", "schema.string_too_long",
               "this text is longer than the limit of 300 characters")]),
    Case("empty-list", [(STRATEGY, "stakeholders:\n", "stakeholders: []\nformer_stakeholders:\n")], [
        Expect(STRATEGY, "[]\nformer", "stakeholders", "schema.too_short", "this list must have at least 1 item(s)"),
        Expect(STRATEGY, "former_stakeholders", "former_stakeholders", "schema.unknown-field",
               "unknown field 'former_stakeholders'", "did you mean 'stakeholders'?")]),
    # enumerations list their allowed values
    Case("bad-status", [(AM, "status: agreed", "status: aggreed")], [
        Expect(AM, "aggreed", "areas.illegal_migration.priorities[0].status", "schema.enum",
               "'aggreed' is not one of the allowed values",
               "use one of: 'proposed', 'agreed', 'bracketed' or 'withdrawn'")]),
    Case("bad-impact-level", [(AM, "level: high", "level: hihg")], [
        Expect(AM, "hihg", "areas.illegal_migration.priorities[0].expected_impact.level", "schema.enum",
               "'hihg' is not one of the allowed values", "use one of: 'high', 'medium' or 'low'")]),
    Case("bad-state-role", [(STRATEGY, "{code: AM, name: Armenia, role: partner}",
                             "{code: AM, name: Armenia, role: partnr}")], [
        Expect(STRATEGY, "partnr", "states[0].role", "schema.enum", "'partnr' is not one of the allowed values",
               "use one of: 'partner', 'leading' or 'participating'")]),
    # ids
    Case("bad-slug", [(AM, "id: integrated-border-management", "id: Integrated_Border")], [
        Expect(AM, "Integrated_Border", "areas.illegal_migration.priorities[0].id", "schema.string_pattern_mismatch",
               "'Integrated_Border' is not a valid id: use lowercase letters and digits separated by single "
               "hyphens, e.g. 'seasonal-work'", "for example 'integrated-border'")]),
    Case("duplicate-priority-id", [(AM, "id: document-security", "id: integrated-border-management")], [
        Expect(AM, "id: integrated-border-management\n        title: Security",
               "areas.illegal_migration.priorities[1].id",
               "priority.duplicate-id",
               "priority id 'integrated-border-management' is already used in areas.illegal_migration",
               "ids must be unique within a partner", offset=4)]),
    Case("duplicate-priority-id-across-areas", [(AM, "id: readmission-capacity", "id: document-security")], [
        Expect(AM, "id: document-security\n        title: Preparing", "areas.readmission_return.priorities[0].id",
               "priority.duplicate-id", "priority id 'document-security' is already used in areas.illegal_migration",
               "they become section IDs", offset=4)]),
    # partner codes
    Case("code-differs-from-file-name", [(AM, "code: AM", "code: AZ")], [
        Expect(AM, "AZ", "code", "partner.code-mismatch", "the code AZ does not match the file name AM.yaml",
               "rename the file to AZ.yaml or set 'code: AM'")]),
    Case("partner-not-declared", [], [
        Expect("inputs/partners/FR.yaml", "FR", "code", "partner.not-declared",
               "FR is not declared as a partner state in inputs/strategy.yaml",
               "FR is France; declare it under 'states' in inputs/strategy.yaml if it takes part")],
         setup=copy_partner("FR")),
    Case("partner-tk-is-tokelau", [], [
        Expect("inputs/partners/TK.yaml", "TK", "code", "partner.not-declared",
               "TK is not declared as a partner state in inputs/strategy.yaml",
               "did you mean TM (Turkmenistan)? TK is Tokelau.")],
         setup=copy_partner("TK")),
    Case("partner-defined-twice", [], [
        Expect("inputs/partners/AM.yml", "AM\n", "code", "partner.duplicate",
               "partner AM is already defined in inputs/partners/AM.yaml", "keep one file per partner state")],
         setup=lambda project: (project / "inputs/partners/AM.yml").write_bytes((project / AM).read_bytes())),
    Case("partner-code-lowercase", [(AM, "code: AM", "code: am")], [
        Expect(AM, "am\n", "code", "schema.string_pattern_mismatch", f"'am' {STATE_CODE}",
               "write it in capitals: AM")]),
    # stakeholders and states
    Case("stakeholder-unhrc", [(AM, "stakeholders: [IOM, OSCE]", "stakeholders: [IOM, UNHRC]")], [
        Expect(AM, "UNHRC", "areas.illegal_migration.priorities[2].actions[0].stakeholders[1]", "stakeholder.unknown",
               "'UNHRC' is not a known stakeholder", "did you mean UNHCR?")]),
    Case("stakeholder-wrong-case", [(AM, "stakeholders: [IOM, OSCE]", "stakeholders: [IOM, unhcr]")], [
        Expect(AM, "unhcr", "areas.illegal_migration.priorities[2].actions[0].stakeholders[1]", "stakeholder.unknown",
               "'unhcr' is not a known stakeholder", "did you mean UNHCR? (codes are case-sensitive)")]),
    Case("lead-lowercase", [(AM, "lead: [HU]", "lead: [hu]")], [
        Expect(AM, "hu]", "areas.illegal_migration.priorities[0].actions[0].lead[0]",
               "schema.string_pattern_mismatch", f"'hu' {STATE_CODE}", "write it in capitals: HU")]),
    Case("lead-not-a-country", [(AM, "lead: [HU]", "lead: [XX]")], [
        Expect(AM, "XX", "areas.illegal_migration.priorities[0].actions[0].lead[0]", "state.not-iso",
               "'XX' is not an ISO 3166-1 alpha-2 country code", "use a code declared under 'states'"),
        Expect(AM, "XX", "areas.illegal_migration.priorities[0].actions[0].lead[0]",
               "policy.lead-not-participating", "lead state XX is not a participating state",
               "use a code declared under 'states'", severity="warning")]),
    Case("state-code-lowercase", [(STRATEGY, "{code: AM, name: Armenia, role: partner}",
                                   "{code: am, name: Armenia, role: partner}")], [
        Expect(STRATEGY, "am,", "states[0].code", "schema.string_pattern_mismatch", f"'am' {STATE_CODE}",
               "write it in capitals: AM")]),
    Case("state-not-a-country", [(STRATEGY, "  - {code: TR, name: Turkey}",
                                  "  - {code: TR, name: Turkey}\n  - {code: XX, name: Nowhere}")], [
        Expect(STRATEGY, "XX", "states[23].code", "state.not-iso", "'XX' is not an ISO 3166-1 alpha-2 country code",
               "use a code declared under 'states'")]),
    Case("state-declared-twice", [(STRATEGY, "  - {code: TR, name: Turkey}",
                                   "  - {code: TR, name: Turkey}\n  - {code: AM, name: Armenia again}")], [
        Expect(STRATEGY, "AM, name: Armenia again", "states[23].code", "state.duplicate",
               "state AM is declared twice (also at states[0])")]),
    Case("stakeholder-declared-twice", [(STRATEGY, "  - {code: ETF, name: European Training Foundation}",
                                         "  - {code: ETF, name: European Training Foundation}\n"
                                         "  - {code: IOM, name: Again}")], [
        Expect(STRATEGY, "IOM, name: Again", "stakeholders[8].code", "stakeholder.duplicate",
               "stakeholder IOM is declared twice")]),
    Case("no-partner-state", [(STRATEGY, "role: partner", "role: participating")] * 12, [
        Expect(STRATEGY, "\nstates:", "states", "state.no-partner", "no state has role 'partner'",
               "set 'role: partner' on the partner states", offset=1)]
        + [Expect(f"inputs/partners/{code}.yaml", f"code: {code}", "code", "partner.not-declared",
                  f"{code} is not declared as a partner state in inputs/strategy.yaml", code, offset=6)
           for code in ("AM", "AZ", "BY", "GE", "KG", "KZ", "MD", "RU", "TJ", "TM", "UA", "UZ")]),
    # dates and periods
    Case("invalid-date", [(STRATEGY, "issued: 2010-11-15", "issued: 2010-13-45")], [
        Expect(STRATEGY, "2010-13-45", "consultation.issued", "schema.date_from_datetime_parsing",
               "'2010-13-45' is not a date: there is no month 13", "the form YYYY-MM-DD is right")]),
    Case("date-in-day-month-year-order", [(STRATEGY, "issued: 2010-11-15", "issued: 15.11.2010")], [
        Expect(STRATEGY, "15.11.2010", "consultation.issued", "schema.date_parsing",
               "'15.11.2010' is not a date", DATE_HINT)]),
    Case("date-with-time", [(STRATEGY, "issued: 2010-11-15", "issued: 2010-11-15T10:30:00")], [
        Expect(STRATEGY, "2010-11-15T", "consultation.issued", "schema.date_parsing",
               "'2010-11-15T10:30:00' is not a date", DATE_HINT)]),
    Case("date-as-seconds-since-1970", [(STRATEGY, "issued: 2010-11-15", "issued: 1289779200")], [
        Expect(STRATEGY, "1289779200", "consultation.issued", "schema.date_parsing",
               "'1289779200' is not a date", DATE_HINT)]),
    Case("date-in-other-digits", [(STRATEGY, "deadline: 2010-12-17", "deadline: \uff12\uff10\uff11\uff10-12-17")], [
        Expect(STRATEGY, "\uff12", "consultation.deadline", "schema.date_parsing",
               "'\uff12\uff10\uff11\uff10-12-17' is not a date", DATE_HINT)]),
    Case("deadline-before-issue", [(STRATEGY, "deadline: 2010-12-17", "deadline: 2010-11-01")], [
        Expect(STRATEGY, "2010-11-01", "consultation.deadline", "schema.value_error",
               "the deadline (2010-11-01) is before the issue date (2010-11-15)")]),
    Case("period-end-before-start", [(STRATEGY, "end: 2011-H1", "end: 2009")], [
        Expect(STRATEGY, "end: 2009", "series.period.end", "schema.value_error",
               "the end (2009) is before the start (2010-01)", offset=5)]),
    Case("period-point-invalid", [(STRATEGY, "end: 2011-H1", "end: 2011-H3")], [
        Expect(STRATEGY, "2011-H3", "series.period.end", "schema.value_error", f"'2011-H3' {POINT}")]),
    Case("timeline-point-invalid", [(AM, "timeline: {start: 2010-09, end: 2010-12}",
                                     "timeline: {start: 2010-9, end: 2010-12}")], [
        Expect(AM, "2010-9,", "areas.illegal_migration.priorities[0].actions[0].timeline.start", "schema.value_error",
               f"'2010-9' {POINT}")]),
    Case("timeline-end-before-start", [(AM, "timeline: {start: 2010-09, end: 2010-12}",
                                        "timeline: {start: 2010-12, end: 2010-09}")], [
        Expect(AM, "end: 2010-09}", "areas.illegal_migration.priorities[0].actions[0].timeline.end",
               "schema.value_error", "the end (2010-09) is before the start (2010-12)", offset=5)]),
    # other formats
    Case("bad-email", [(STRATEGY, "email: bmp-drafting@example.org", "email: bmp-drafting")], [
        Expect(STRATEGY, "bmp-drafting\n", "drafting_team.email", "schema.string_pattern_mismatch",
               "'bmp-drafting' is not an e-mail address")]),
    Case("bad-url", [(AM, '            title: "Migration Partnership Mapping: Armenia (BMP, 2010)"',
                      '            title: "Migration Partnership Mapping: Armenia (BMP, 2010)"\n'
                      "            url: www.example.org")], [
        Expect(AM, "www.example.org", "areas.illegal_migration.priorities[0].references[0].url",
               "schema.string_pattern_mismatch", "'www.example.org' is not a web address starting with http:// "
               "or https://")]),
]


def _ids() -> list[str]:
    return [case.id for case in CASES]


def test_case_ids_are_unique() -> None:
    assert len(set(_ids())) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=_ids())
def test_every_finding_is_reported_with_location_field_message_and_hint(
        case: Case, sample_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    apply(case, sample_project)
    code, out = run_main(capsys, "check", "--format", "json", str(sample_project))
    assert code == case.exit_code
    payload = json.loads(out)
    actual = sorted(payload["findings"], key=lambda f: (f["file"], f["line"], f["column"], f["code"]))
    assert len(actual) == len(case.expected), json.dumps(actual, indent=1)
    expected = sorted(case.expected, key=lambda e: (e.file, *locate(sample_project, e), e.code))
    for want, got in zip(expected, actual, strict=True):
        line, column = locate(sample_project, want)
        assert (got["file"], got["line"], got["column"]) == (want.file, line, column), got
        assert got["field"] == want.field, got
        assert got["code"] == want.code, got
        assert got["severity"] == want.severity, got
        assert got["message"] == want.message, got
        if want.hint is None:
            assert got["hint"] is None, got
        else:
            assert got["hint"] is not None and want.hint in got["hint"], got
    assert payload["errors"] == sum(1 for e in case.expected if e.severity == "error")
    assert payload["warnings"] == sum(1 for e in case.expected if e.severity == "warning")

    # The same findings for people: file:line:column, severity, field, then the message and the hint.
    code, out = run_main(capsys, "check", str(sample_project))
    assert code == case.exit_code
    for want in case.expected:
        line, column = locate(sample_project, want)
        head = f"{want.file}:{line}:{column}  {want.severity}  {want.field}"
        assert head in out, out
        assert f"  {want.message}  ({want.code})" in out
        if want.hint:
            assert want.hint in out


def test_a_project_dir_without_strategy_yaml_is_an_input_problem(sample_project: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (sample_project / STRATEGY).unlink()
    code, out = run_main(capsys, "check", "--format", "json", str(sample_project))
    assert code == 1
    [finding] = json.loads(out)["findings"]
    assert finding == {"file": STRATEGY, "line": None, "column": None, "field": "", "code": "project.no-strategy",
                       "severity": "error", "message": "inputs/strategy.yaml is missing",
                       "hint": "run the command inside a project or pass --project DIR; 'strategy-builder init' "
                               "starts a new project"}


def test_a_project_without_partner_files(sample_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for path in (sample_project / "inputs" / "partners").iterdir():
        path.unlink()
    code, out = run_main(capsys, "check", "--format", "json", str(sample_project))
    assert code == 1
    findings = json.loads(out)["findings"]
    [error] = [f for f in findings if f["severity"] == "error"]
    assert (error["file"], error["code"], error["message"]) == ("inputs/partners/", "project.no-partners",
                                                                "no partner files found")
    assert "new-partner CODE" in error["hint"]
    missing = [f for f in findings if f["code"] == "project.partner-file-missing"]
    assert len(missing) == 12
    assert all(f["severity"] == "warning" and f["file"] == STRATEGY and f["line"] for f in missing)


def test_a_declared_partner_without_file_is_a_warning(sample_project: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    (sample_project / AM).unlink()
    code, out = run_main(capsys, "check", "--format", "json", str(sample_project))
    assert code == 0
    [finding] = json.loads(out)["findings"]
    text = (sample_project / STRATEGY).read_text(encoding="utf-8")
    line = text[:text.index("{code: AM")].count("\n") + 1
    assert finding == {"file": STRATEGY, "line": line, "column": 12, "field": "states[0].code",
                       "code": "project.partner-file-missing", "severity": "warning",
                       "message": "partner state AM has no file inputs/partners/AM.yaml",
                       "hint": "run 'strategy-builder new-partner AM'"}
    code, _ = run_main(capsys, "check", "--strict", str(sample_project))
    assert code == 1


REAL_PROCESS = ["unknown-key", "missing-area", "list-where-mapping", "bad-status", "partner-tk-is-tokelau",
                "stakeholder-unhrc", "deadline-before-issue"]
"""A few cases as real processes (about 0.4 s each, more on a busy machine); all run through ``main`` above."""


def test_one_case_of_each_kind_in_a_real_process(tmp_path: Path) -> None:
    jobs = []
    for case in (c for c in CASES if c.id in REAL_PROCESS):
        project = copy_sample(tmp_path / case.id)
        apply(case, project)
        want = case.expected[0]
        jobs.append((case, project, want, locate(project, want)))

    def run(job):  # type: ignore[no-untyped-def]
        case, project, want, where = job
        return case, want, where, run_cli("check", str(project), timeout=120)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, jobs))
    for case, want, (line, column), result in results:
        assert result.returncode == case.exit_code, (case.id, result.stdout, result.stderr)
        assert re.search(rf"^{re.escape(want.file)}:{line}:{column}  error", result.stdout, re.M), result.stdout
        assert want.message in result.stdout
        assert "Traceback" not in result.stderr + result.stdout
