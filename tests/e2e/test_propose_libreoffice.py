"""Returns edited in LibreOffice itself (the real client here): every wording change is proposed at the right YAML
value, applied, and the next draft prints the returned text with the changes accepted, as LibreOffice accepts
them. Two LibreOffice starts for the whole module."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import copy_built_sample
from judges.libreoffice import Job
from strategy_builder.drafts.builder import BuildOptions, build
from strategy_builder.review.proposal_writing import apply_proposals
from strategy_builder.review.proposals import propose

pytestmark = pytest.mark.libreoffice

EDITS = Job.edits(
    "Nune Avetisyan",
    ("REPLACE", "centred on security", "centred on national security"),            # a rationale paragraph
    ("REPLACE", "risk analysis capacity", "risk assessment capacity"),               # a bullet of the needs
    ("DELETE", "The Government sees this as a precondition for any future dialogue on visa facilitation with "
               "the European Union."),                                              # a sentence
    ("INSERT", "concept and on drafting a national strategy", " and its action plan"),  # an action cell
    ("REPLACE", "Security of travel and identity documents",
     "Security of travel, identity and civil documents"),                          # a title
    ("REPLACE", "primarily a country of emigration", "above all a country of emigration"),  # two paragraphs
    ("REPLACE", "an important source of household income", "a vital source of household income"),  # of one value
    ("REPLACE", "Future joint cooperation", "Future cooperation"),                  # template text
)
CONFLICTING = Job.edits("Tigran Sargsyan", ("REPLACE", "risk analysis capacity", "risk management capacity"))
ANCHORS = ("centred on national security", "risk assessment capacity", "and its action plan",
           "Security of travel, identity and civil documents", "above all a country", "a vital source",
           "facilitation of legitimate travel.")


@pytest.fixture(scope="module")
def returned(built_sample: Path, tmp_path_factory: pytest.TempPathFactory,
             libreoffice_judge) -> tuple[Path, Path, Path]:  # noqa: ANN001
    project = copy_built_sample(built_sample, tmp_path_factory.mktemp("lo-returns") / "project")
    draft = project / "build/drafts/001/AM.docx"
    first, second = project / "AM_001_Ministry of Labour.docx", project / "AM_001_MFA.docx"
    libreoffice_judge.run([Job(draft, EDITS, save_as=first), Job(draft, CONFLICTING, save_as=second)])
    return project, first, second


def test_a_libreoffice_return_is_applied_and_the_next_draft_prints_the_accepted_text(
        returned: tuple[Path, Path, Path], libreoffice_judge, tmp_path: Path) -> None:  # noqa: ANN001
    original, first, _ = returned
    project = tmp_path / "project"
    shutil.copytree(original, project, symlinks=True)
    result = propose([first], project)
    paths = {".".join(map(str, p.path)) for p in result.proposals}
    assert paths == {"situation", "areas.illegal_migration.priorities.0.rationale",
                     "areas.illegal_migration.priorities.0.actions.0.text",
                     "areas.illegal_migration.priorities.1.title"}
    assert {n.reason for n in result.needs_person} == {"template-text"}
    assert all(c.author == "Nune Avetisyan" for p in result.proposals for c in p.changes)
    apply_proposals(result, project)
    assert not propose([first], project).edited  # applying again changes nothing
    build(project, BuildOptions(jobs=1))
    accepted, new_draft = libreoffice_judge.run([Job(first, ["ACCEPT"]),
                                                 Job(project / "build/drafts/002/AM.docx")])
    new_lines = {" ".join(line.split()) for line in new_draft.lines()}
    for anchor in ANCHORS:
        expected = [" ".join(line.split()) for line in accepted.lines() if anchor in line]
        assert expected, anchor
        assert set(expected) <= new_lines, anchor


def test_two_libreoffice_returns_with_conflicting_edits_are_listed_not_applied(
        returned: tuple[Path, Path, Path]) -> None:
    project, first, second = returned
    result = propose([first, second], project)
    (conflict,) = [n for n in result.needs_person if n.reason == "conflict"]
    assert {c.author for c in conflict.changes} == {"Nune Avetisyan", "Tigran Sargsyan"}
    rationale = next(p for p in result.proposals if p.path[-1] == "rationale")
    assert "risk analysis capacity" in rationale.new and "centred on national security" in rationale.new
