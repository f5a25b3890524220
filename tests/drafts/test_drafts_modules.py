"""Modules of drafts/ on their own: section changes against the previous draft (changes.py), the draft's
fingerprint (fingerprint.py), the round guard (round_guard.py), template checks and contexts
(template_tools.py), the render pool (worker_pool.py, in this process) and the layout pass's helpers
(layout_pass.py; its LibreOffice side is tested in tests/e2e/test_layout.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest

from conftest import copy_sample
from fixtures.diff.drafts import EXPECTED, MOVED_FROM
from strategy_builder.drafts.planning import plan_next_draft
from strategy_builder.drafts.changes import manifest_sections, section_changes
from strategy_builder.drafts.fingerprint import draft_fingerprint
from strategy_builder.drafts.layout_pass import clean_folder, placeholder_for, safe_stem
from strategy_builder.drafts.round_guard import PREVIOUS_UNREADABLE, ROUND_UNCHANGED, round_not_advanced
from strategy_builder.drafts.template_tools import check_project_template, template_context
from strategy_builder.drafts.worker_pool import WorkerPool, default_jobs, render_all
from strategy_builder.errors import EnvironmentProblem, InputProblems
from strategy_builder.inputs.loading import load_project
from strategy_builder.layout import read_manifest
from strategy_builder.models.project import Project
from strategy_builder.models.section_records import partner_sections
from strategy_builder.render.assembly import DocumentAssemblyError
from strategy_builder.render.engine import CompiledTemplate


def _project(root: Path) -> Project:
    loaded = load_project(root)
    assert loaded.project is not None
    return loaded.project


def test_each_section_gets_its_status_against_the_previous_draft(sample_drafts: tuple[Path, Path]) -> None:
    project = _project(sample_drafts[1].parents[2])  # its inputs are those of draft 002
    armenia = project.partner("AM")
    previous = read_manifest(sample_drafts[0])
    assert armenia is not None and previous is not None
    records = partner_sections(armenia, project.strategy)
    changes = section_changes(records, previous.partner("AM"))
    found = {c.id: (c.status, c.old_number, c.new_number) for c in changes if c.status != "unchanged"}
    assert found == EXPECTED
    moved = next(c for c in changes if c.old_id == MOVED_FROM)
    assert moved.id != MOVED_FROM and moved.status == "moved"
    sections, removed = manifest_sections(records, changes, previous.partner("AM"))
    assert [s.id for s in sections] == [r.id for r in records]
    assert [s.id for s in removed] == [key for key, value in EXPECTED.items() if value[0] == "removed"]
    assert all(c.status == "added" for c in section_changes(records, None))


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample with two partners (a template is rendered once per partner)."""
    root = copy_sample(tmp_path_factory.mktemp("drafts") / "project")
    for path in (root / "inputs/partners").glob("*.yaml"):
        if path.stem not in ("AM", "AZ"):
            path.unlink()
    return root


def test_the_fingerprint_covers_inputs_and_template(small: Path, tmp_path: Path) -> None:
    project = _project(small)
    fingerprint = draft_fingerprint(project, "a" * 64)
    assert fingerprint == draft_fingerprint(_project(small), "a" * 64)
    assert fingerprint != draft_fingerprint(project, "b" * 64)
    copy = Path(shutil.copytree(small, tmp_path / "copy"))
    partner = copy / "inputs/partners/AZ.yaml"
    partner.write_text(partner.read_text(encoding="utf-8").replace("status: agreed", "status: proposed", 1),
                       encoding="utf-8")
    assert draft_fingerprint(_project(copy), "a" * 64) != fingerprint


def test_the_round_guard_warns_only_for_changed_content_under_the_same_round(sample_drafts: tuple[Path, Path]
                                                                             ) -> None:
    project = _project(sample_drafts[1].parents[2])
    previous = read_manifest(sample_drafts[1])
    assert previous is not None
    assert round_not_advanced(project, None, None, "x") is None
    assert round_not_advanced(project, 2, previous, previous.fingerprint) is None
    warning = round_not_advanced(project, 2, previous, "another fingerprint", number=3)
    assert warning is not None and warning.code == ROUND_UNCHANGED and "draft 003 has" in warning.message
    assert warning.location.file == "inputs/strategy.yaml" and warning.location.line
    next_round = previous.model_copy(update={"consultation_round": previous.consultation_round + 1})
    assert round_not_advanced(project, 2, next_round, "another fingerprint") is None
    unreadable = round_not_advanced(project, 2, None, "x")
    assert unreadable is not None and unreadable.code == PREVIOUS_UNREADABLE
    assert unreadable.location.file.endswith("002/manifest.json")


def test_a_template_is_checked_with_every_partners_context(small: Path, tmp_path: Path) -> None:
    checked = check_project_template(small)
    assert checked.partners == 2 and not checked.findings.has_errors()
    mine = tmp_path / "mine.docx"
    document = docx.Document()
    document.add_paragraph("{{ partner.capital }}")
    document.save(str(mine))
    checked = check_project_template(small, mine)
    assert checked.template == mine and any("capital" in f.message for f in checked.findings.errors)
    with pytest.raises(EnvironmentProblem, match="does not exist"):
        check_project_template(small, tmp_path / "absent.docx")
    context = template_context(small, "am")
    assert context["partner"]["code"] == "AM" and "\ue002" not in str(context)
    with pytest.raises(EnvironmentProblem) as unknown:
        template_context(small, "XX")
    assert "AM, AZ" in (unknown.value.hint or "")


def test_a_partners_context_is_shown_while_another_partners_file_has_errors(small: Path, tmp_path: Path) -> None:
    # A colleague's file in the middle of an edit must not stop the context (or the preview) of this one.
    project = shutil.copytree(small, tmp_path / "project")
    (project / "inputs/partners/AZ.yaml").write_text("code: AZ\nname: [unclosed\n", encoding="utf-8")
    assert template_context(project, "AM") == template_context(small, "AM")
    with pytest.raises(InputProblems):
        template_context(project, "AZ")


def test_the_pool_renders_in_order_and_reports_each_document(small: Path) -> None:
    project = _project(small)
    template = CompiledTemplate(project.template_path)
    jobs = plan_next_draft(project, template.sha256)
    done: list[str] = []
    documents = list(render_all(template, jobs, WorkerPool(1), on_done=lambda d: done.append(d.partner)))
    assert [d.partner for d in documents] == done == ["AM", "AZ"]
    assert all(set(d.sections) == set(job.expected_sections) for d, job in zip(documents, jobs, strict=True))
    broken = jobs[0]._replace(expected_sections=[*jobs[0].expected_sections, "AM/missing"])
    with pytest.raises(DocumentAssemblyError):
        list(render_all(template, [broken], WorkerPool(1)))
    assert default_jobs() >= 1


def test_the_layout_pass_helpers(tmp_path: Path) -> None:
    assert placeholder_for(7) == "99" and placeholder_for(120) == "999"
    assert safe_stem("AM") == "AM" and safe_stem("A/M x") == "A_M_x"
    (tmp_path / "scratch" / "deep").mkdir(parents=True)
    clean_folder(tmp_path / "scratch")
    clean_folder(tmp_path / "absent")
    assert not (tmp_path / "scratch").exists()
