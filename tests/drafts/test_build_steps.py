"""The steps of ``build`` on their own: rendering the planned documents (render_pass.py), the manifest a build
writes (build_manifest.py), the outcomes it reports (build_types.py), a new draft's snapshot of its inputs
(new_draft.py) and the preview brought up to date (preview.py). ``build`` as a whole is tested in
test_build.py and test_invalidation.py; the layout pass's LibreOffice side in tests/e2e/test_layout.py."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from conftest import copy_sample
from strategy_builder.drafts.build_manifest import manifest_json, new_manifest, split_entries
from strategy_builder.drafts.build_types import BuildOptions, version_outcomes
from strategy_builder.drafts.new_draft import snapshot_inputs
from strategy_builder.drafts.planning import Planned, plan_document, plan_language_versions
from strategy_builder.drafts.preview import write_preview
from strategy_builder.drafts.render_pass import render_planned, write_staged
from strategy_builder.store import DraftStore
from strategy_builder.drafts.worker_pool import WorkerPool
from strategy_builder.errors import TemplateProblem
from strategy_builder.inputs.loading import load_project
from strategy_builder.languages.loading import load_project_with_translations
from strategy_builder.models.project import Project
from strategy_builder.ooxml.language import default_language
from strategy_builder.render.engine import CompiledTemplate

KEPT = ("AM", "BY")
"""Two partners: one in English only, one with a Russian version (the sample translates BY)."""


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_sample(tmp_path_factory.mktemp("steps") / "project")
    for path in (root / "inputs/partners").glob("*.yaml"):
        if path.stem not in KEPT:
            path.unlink()
    for path in (root / "inputs/translations/ru").glob("*.yaml"):
        if path.stem not in (*KEPT, "strategy"):
            path.unlink()
    return root


def _project(root: Path) -> Project:
    loaded = load_project_with_translations(root)
    assert loaded.project is not None
    return loaded.project


def _planned(project: Project, template: CompiledTemplate) -> list[Planned]:
    sources = [plan_document(p, project, template.sha256, 1, None, None) for p in project.partners]
    return sources + plan_language_versions(project, sources, default_language(template.package))


def test_the_render_pass_hands_each_document_over_in_order_with_its_entry(small: Path) -> None:
    project = _project(small)
    template = CompiledTemplate(project.template_path)
    planned = _planned(project, template)
    assert [p.name for p in planned] == ["AM", "BY", "ru/BY"]
    written: dict[str, bytes] = {}
    progress: list[tuple[str, int, int]] = []
    entries = render_planned(project, template, planned, WorkerPool(1), written.__setitem__,
                             lambda *event: progress.append(event))
    # Each document, and beside a source document the table of where its values came from.
    assert list(written) == ["AM.docx", "provenance/AM.json", "BY.docx", "provenance/BY.json", "ru/BY.docx"]
    assert [e.code for e in entries] == ["AM", "BY", "ru/BY"]
    assert entries[0].docx_sha256 == hashlib.sha256(written["AM.docx"]).hexdigest()
    assert entries[0].input_sha256 == project.partners[0].document.sha256
    assert progress[0] == ("rendering", 0, 3) and progress[-1] == ("rendered ru/BY", 3, 3)


def test_a_document_the_template_breaks_is_a_template_problem_naming_partner_and_part(small: Path) -> None:
    project = _project(small)
    template = CompiledTemplate(project.template_path)
    first = _planned(project, template)[0]
    broken = first._replace(job=first.job._replace(
        expected_sections=[*first.job.expected_sections, "AM/missing"]))
    with pytest.raises(TemplateProblem) as raised:
        render_planned(project, template, [broken], WorkerPool(1), lambda name, data: None, lambda *a: None)
    finding = raised.value.findings.errors[0]
    assert finding.code == "build.document" and "partner AM" in finding.message
    assert finding.location.file == str(template.path) and finding.location.field_path == "word/document.xml"


def test_a_staged_file_gets_its_folders(tmp_path: Path) -> None:
    write_staged(tmp_path / "ru" / "BY.docx", b"document")
    assert (tmp_path / "ru" / "BY.docx").read_bytes() == b"document"


def test_the_manifest_keeps_language_versions_apart_and_sorted(small: Path) -> None:
    project = _project(small)
    template = CompiledTemplate(project.template_path)
    planned = _planned(project, template)
    entries = render_planned(project, template, planned, WorkerPool(1), lambda name, data: None, lambda *a: None)
    sources, versions = split_entries(list(reversed(entries)), planned)
    assert [e.code for e in sources] == ["BY", "AM"] and [(v.language, v.code) for v in versions] == [("ru", "BY")]
    manifest = new_manifest(project, template, 1, None, sources, language_versions=versions)
    assert [p.code for p in manifest.partners] == ["AM", "BY"]
    assert manifest.template_file == "templates/strategy.docx" and manifest.draft == 1
    document = json.loads(manifest_json(manifest))
    assert [v["code"] for v in document["language_versions"]] == ["BY"]
    # A draft without language versions keeps the manifest it always had: no empty list is written.
    plain = json.loads(manifest_json(new_manifest(project, template, 1, None, sources)))
    assert "language_versions" not in plain and manifest_json(manifest).endswith(b"}\n")

    outcomes = version_outcomes(versions, Path("draft"), planned, rendered=set())
    assert len(outcomes) == 1 and outcomes[0].language == "ru" and not outcomes[0].rendered
    assert outcomes[0].path == Path("draft/ru/BY.docx") and "\ue002" not in outcomes[0].name


def test_the_inputs_snapshot_holds_the_bytes_that_were_validated(tmp_path: Path) -> None:
    """A file saved while a build runs must not slip into the draft's record of its inputs."""
    project = copy_sample(tmp_path / "p")
    for cached in (False, True):  # read fresh, then answered from the input cache
        loaded = load_project(project, cache_dir=project / "build/.cache/inputs" if cached else None).project
        assert loaded is not None
        partner = project / "inputs/partners/GE.yaml"
        validated = partner.read_bytes()
        partner.write_bytes(validated + b"\n# saved during the build\n")
        snapshot = tmp_path / f"snapshot-{cached}"
        snapshot_inputs(loaded, snapshot)
        assert (snapshot / "inputs/partners/GE.yaml").read_bytes() == validated
        assert loaded.partner("GE").document.sha256 == hashlib.sha256(validated).hexdigest()  # the manifest's
        assert (snapshot / "inputs/strategy.yaml").is_file() and len(list(snapshot.glob("inputs/partners/*"))) == 12
        partner.write_bytes(validated)
        if not cached:
            load_project(project, cache_dir=project / "build/.cache/inputs")  # fill the cache for the second round


def test_a_preview_file_removed_by_hand_is_rendered_again(small: Path, tmp_path: Path) -> None:
    root = Path(shutil.copytree(small, tmp_path / "project"))
    project = _project(root)
    template = CompiledTemplate(project.template_path)
    store = DraftStore(root)

    def preview() -> dict[str, bool]:
        result = write_preview(project, template, store, BuildOptions(preview=True), None, None, WorkerPool(1),
                               lambda *a: None)
        assert result.kind == "preview" and result.directory == root / "build/preview"
        return {f"{o.language}/{o.code}" if o.language else o.code: o.rendered for o in result.partners}

    assert preview() == {"AM": True, "BY": True, "ru/BY": True}
    assert preview() == {"AM": False, "BY": False, "ru/BY": False}
    (root / "build/preview/AM.docx").unlink()
    (root / "build/preview/ru/BY.docx").unlink()
    assert preview() == {"AM": True, "BY": False, "ru/BY": True}
    assert not list((root / "build/preview").rglob(".*.tmp"))


def test_a_preview_manifest_another_build_wrote_is_read_again(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A watcher keeps the preview's manifest it wrote (no reading between two rebuilds), but only while the
    file is that one: a manifest another build wrote meanwhile is read, and its entries kept."""
    from strategy_builder.drafts.builder import build
    from strategy_builder.drafts.build_types import RebuildMemory
    from strategy_builder.layout import read_manifest

    monkeypatch.setenv("STRATEGY_BUILDER_LAYOUT", "off")
    project = copy_sample(tmp_path / "project")
    memory = RebuildMemory()
    build(project, BuildOptions(preview=True, jobs=1, partners=frozenset({"AM"})), memory=memory)
    assert memory.manifest is not None and [p.code for p in memory.manifest[1].partners] == ["AM"]
    build(project, BuildOptions(preview=True, jobs=1, partners=frozenset({"GE"})))  # another build, no memory
    build(project, BuildOptions(preview=True, jobs=1, partners=frozenset({"AM"}), force=True), memory=memory)
    written = read_manifest(project / "build" / "preview")
    assert written is not None and [p.code for p in written.partners] == ["AM", "GE"]
    assert memory.manifest is not None and memory.manifest[1] == written
