"""The modules of inputs/ on their own: hints for mistyped codes (hints.py), pydantic errors as findings at
their line and field (diagnostics.py), what still validates in a broken partner file (partial.py), and the
policy warnings of one partner (policy.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from conftest import copy_sample
from strategy_builder.errors import Finding, Findings, Location, Severity
from strategy_builder.inputs.diagnostics import validation_findings
from strategy_builder.inputs.hints import DeferredHints, close_match_hint, iso_country_name, state_hint
from strategy_builder.inputs.loading import load_project
from strategy_builder.inputs.partial import partial_partner
from strategy_builder.inputs.policy import for_circulation, policy_findings
from strategy_builder.inputs.yamlsource import read_yaml
from strategy_builder.models.inputs import PartnerFile, Status
from strategy_builder.models.project import Project, SourcedPartner

KNOWN = {"TM": "Turkmenistan", "AM": "Armenia", "GB": "United Kingdom"}


def test_state_hints_know_the_usual_confusions_and_iso_names() -> None:
    assert state_hint("TK", KNOWN) == "did you mean TM (Turkmenistan)? TK is Tokelau."
    assert state_hint("am", KNOWN) == "did you mean AM (Armenia)?"
    assert state_hint("Armenia", KNOWN) == "did you mean AM (Armenia)?"
    assert state_hint("FR", KNOWN) == ("FR is France; declare it under 'states' in inputs/strategy.yaml if it "
                                       "takes part")
    assert state_hint("QQ", KNOWN) == "use a code declared under 'states' in inputs/strategy.yaml"
    assert iso_country_name("NO") == "Norway" and iso_country_name("QQ") is None


def test_close_matches_or_the_list_of_choices() -> None:
    assert close_match_hint("unhcr", ["UNHCR", "IOM"], "stakeholders") == (
        "did you mean UNHCR? (codes are case-sensitive)")
    assert close_match_hint("UNHRC", ["UNHCR", "IOM"], "stakeholders") == "did you mean UNHCR?"
    assert close_match_hint("ZZZZ", ["UNHCR", "IOM"], "stakeholders") == "known stakeholders: UNHCR, IOM"


def test_deferred_hints_are_made_once_per_value_and_only_for_findings_kept() -> None:
    made: list[str] = []

    def make(code: str) -> str:
        made.append(code)
        return f"hint for {code}"

    hints = DeferredHints()
    findings = [hints.add(Finding(Location("a.yaml", n), "x", "m"), ("lead", "TK"), make) for n in (1, 2)]
    dropped = hints.add(Finding(Location("a.yaml", 3), "x", "m"), ("lead", "QQ"), make)
    resolved = hints.resolve(findings)
    assert [f.hint for f in resolved] == ["hint for TK", "hint for TK"] and made == ["TK"]
    assert dropped.hint is None


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    loaded = load_project(copy_sample(tmp_path_factory.mktemp("inputs") / "project"))
    assert loaded.project is not None
    return loaded.project


def _broken_partner(project: Project, tmp_path: Path) -> tuple[Path, list[str]]:
    source = (project.root / "inputs/partners/AM.yaml").read_text(encoding="utf-8").split("\n")
    status = next(i for i, line in enumerate(source) if line.strip() == "status: agreed")
    source[status] = source[status].replace("agreed", "agred")
    path = tmp_path / "AM.yaml"
    path.write_text("\n".join(source), encoding="utf-8")
    return path, source


def test_validation_errors_become_findings_at_their_line_and_field(project: Project, tmp_path: Path) -> None:
    path, source = _broken_partner(project, tmp_path)
    document, problems = read_yaml(path, "inputs/partners/AM.yaml")
    assert document is not None and not problems
    with pytest.raises(ValidationError) as error:
        PartnerFile.model_validate(document.data)
    [finding] = validation_findings(error.value, PartnerFile, document)
    assert finding.location.file == "inputs/partners/AM.yaml"
    assert source[finding.location.line - 1].strip() == "status: agred"
    assert finding.location.field_path.endswith(".status") and "'agred'" in finding.message
    assert finding.hint and "agreed" in finding.hint


def test_a_broken_partner_keeps_every_part_that_validates(project: Project, tmp_path: Path) -> None:
    path, _ = _broken_partner(project, tmp_path)
    document, _ = read_yaml(path, "inputs/partners/AM.yaml")
    assert document is not None
    partial = partial_partner(document.data)
    whole = project.partner("AM")
    assert partial is not None and whole is not None
    assert partial.code == "AM" and partial.situation.strip() == whole.model.situation.strip()
    pairs = [(mine, theirs) for (_, area), (_, whole_area) in zip(partial.areas, whole.model.areas, strict=True)
             for mine, theirs in zip(area.priorities, whole_area.priorities, strict=True)]
    differing = [(mine, theirs) for mine, theirs in pairs if mine != theirs]
    assert len(pairs) > 10 and len(differing) == 1  # every other priority is its validated model
    [(rebuilt, original)] = differing
    assert (rebuilt.id, rebuilt.title, rebuilt.status) == (original.id, original.title, Status.PROPOSED)
    assert partial_partner("not a mapping") is None


def test_policy_warns_of_an_empty_area_and_a_stray_lead_at_their_place(project: Project) -> None:
    armenia = project.partner("AM")
    assert armenia is not None
    assert policy_findings(armenia, project.strategy) == []  # the sample is clean
    data = armenia.document.data
    area_key = next(iter(armenia.model.areas))[0]
    emptied = armenia.model.model_copy(deep=True)
    getattr(emptied.areas, area_key).priorities.clear()
    first_action = next(a for _, area in emptied.areas for p in area.priorities for a in p.actions)
    first_action.lead.append("TK")
    partner = SourcedPartner(emptied, armenia.document)
    findings = policy_findings(partner, project.strategy)
    codes = {f.code: f for f in findings}
    assert set(codes) == {"policy.area-empty", "policy.lead-not-participating"}
    lines = (project.root / "inputs/partners/AM.yaml").read_text(encoding="utf-8").split("\n")
    empty = codes["policy.area-empty"].location
    assert lines[empty.line - 1].strip().startswith(f"{area_key}:") and empty.field_path == f"areas.{area_key}"
    stray = codes["policy.lead-not-participating"].location
    assert "lead:" in lines[stray.line - 1] and stray.field_path.endswith(f"lead[{len(first_action.lead) - 1}]")
    assert all(f.severity is Severity.WARNING for f in findings) and data is armenia.document.data
    assert "not a participating state" in codes["policy.lead-not-participating"].message
    assert codes["policy.lead-not-participating"].hint
    circulated = for_circulation(Findings(findings))
    assert [f.code for f in circulated.errors] == ["policy.lead-not-participating"]
