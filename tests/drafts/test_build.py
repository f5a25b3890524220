"""``build``: drafts, manifests, re-reading every document independently, determinism, previews."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from conftest import copy_sample, run_cli, run_in_process
from strategy_builder.models.areas import AREA_TITLES

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PARTNERS = ["AM", "AZ", "BY", "GE", "KG", "KZ", "MD", "RU", "TJ", "TM", "UA", "UZ"]


def build_ok(project: Path, *args: str, process: bool = False) -> dict:
    """``build PROJECT --format json ARGS``, in this process unless ``process`` (a promise about processes)."""
    result = (run_cli if process else run_in_process)("build", str(project), "--format", "json", *args)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def first_draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_sample(tmp_path_factory.mktemp("built") / "project")
    build_ok(project)
    return project


def test_build_writes_a_complete_first_draft(first_draft: Path) -> None:
    draft = first_draft / "build" / "drafts" / "001"
    assert sorted(p.stem for p in draft.glob("*.docx")) == PARTNERS
    manifest = json.loads((draft / "manifest.json").read_text())
    assert manifest["draft"] == 1 and manifest["previous_draft"] is None
    assert [p["code"] for p in manifest["partners"]] == PARTNERS
    for partner in manifest["partners"]:
        assert {s["status"] for s in partner["sections"]} == {"added"}
        for section in partner["sections"]:
            assert section["source_file"] == f"inputs/partners/{partner['code']}.yaml"
            assert section["source_line"] and section["source_line"] > 0
            assert re.fullmatch(r"[0-9a-f]{64}", section["content_hash"])
    assert (draft / "inputs" / "strategy.yaml").is_file(), "the draft keeps a snapshot of its inputs"


def _xml_parts(path: Path) -> dict[str, etree._Element]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    with zipfile.ZipFile(path) as archive:
        return {name: etree.fromstring(archive.read(name), parser)
                for name in archive.namelist() if name.endswith((".xml", ".rels"))}


@pytest.mark.parametrize("code", PARTNERS)
def test_each_document_reads_back_independently(first_draft: Path, code: str) -> None:
    path = first_draft / "build" / "drafts" / "001" / f"{code}.docx"
    parts = _xml_parts(path)  # every XML part parses
    settings = parts["word/settings.xml"]
    assert settings.find(f"{{{W}}}trackRevisions") is not None, "Track Changes must be on"
    document = Document(str(path))  # python-docx opens it
    styles = {s.name for s in document.styles}
    for style in ("Title", "Heading 1", "Heading 2", "Body Text", "List Bullet"):
        assert style in styles
    text = "\n".join(p.text for p in document.paragraphs)
    for title in AREA_TITLES.values():
        assert title in text
    core = document.core_properties
    manifest = json.loads((first_draft / "build/drafts/001/manifest.json").read_text())
    name = next(p["name"] for p in manifest["partners"] if p["code"] == code)
    assert core.author == "BMP Strategy Drafting Team"
    assert name in core.title and core.subject
    assert core.version == "001"
    custom = parts["docProps/custom.xml"]
    names = {p.get("name"): "".join(p.itertext()) for p in custom}
    assert names["strategy_builder.draft"] == "001"
    assert names["strategy_builder.partner"] == code
    assert re.fullmatch(r"[0-9a-f]{64}", names["strategy_builder.inputs_sha256"])
    assert f"{code}/situation" in names.values()
    assert f"{code}/key-figures" in names.values()
    bookmarks = {b.get(f"{{{W}}}name") for b in parts["word/document.xml"].iter(f"{{{W}}}bookmarkStart")}
    section_bookmarks = {n for n in names if n.startswith("sb_")}
    assert section_bookmarks <= bookmarks
    assert "\ue000" not in etree.tostring(parts["word/document.xml"], encoding="unicode")


def test_sections_command_lists_every_section(first_draft: Path) -> None:
    manifest = json.loads((first_draft / "build/drafts/001/manifest.json").read_text())
    am = next(p for p in manifest["partners"] if p["code"] == "AM")
    result = run_in_process("sections", str(first_draft / "build/drafts/001/AM.docx"), "--format", "json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [s["id"] for s in listed["sections"]] == [s["id"] for s in am["sections"]]
    by_id = {s["id"]: s for s in listed["sections"]}
    for section in am["sections"]:
        assert section["title"] in by_id[section["id"]]["heading"]
        assert by_id[section["id"]]["text_length"] > 0
    assert listed["stamps"]["draft"] == "001"


def test_rebuild_without_changes_creates_nothing_and_force_does(built_project: Path) -> None:
    project = built_project  # draft 001 of the sample
    again = build_ok(project)
    assert again["result"] == "unchanged" and again["draft"] == 1
    assert not (project / "build/drafts/002").exists()
    forced = build_ok(project, "--force")
    assert forced["draft"] == 2 and forced["previous_draft"] == 1
    manifest = json.loads((project / "build/drafts/002/manifest.json").read_text())
    assert {s["status"] for p in manifest["partners"] for s in p["sections"]} == {"unchanged"}


def test_editing_one_partner_changes_only_its_statuses(built_project: Path) -> None:
    project = built_project  # draft 001 of the sample
    path = project / "inputs/partners/GE.yaml"
    text = path.read_text()
    first_title = re.search(r"^(\s+title: )(.+)$", text, re.M)
    assert first_title
    path.write_text(text.replace(first_title.group(0), first_title.group(1) + "A retitled priority", 1))
    build_ok(project)
    manifest = json.loads((project / "build/drafts/002/manifest.json").read_text())
    for partner in manifest["partners"]:
        statuses = {s["id"]: s["status"] for s in partner["sections"]}
        if partner["code"] == "GE":
            changed = [sid for sid, status in statuses.items() if status == "changed"]
            assert len(changed) == 1 and changed[0].startswith("GE/")
        else:
            assert set(statuses.values()) == {"unchanged"}, partner["code"]
    document = Document(str(project / "build/drafts/002/GE.docx"))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "A retitled priority" in body
    tables = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Changed" in tables, "the 'Changes since draft 001' table lists the changed section"


def test_same_inputs_give_byte_identical_drafts(tmp_path: Path) -> None:
    first, second = copy_sample(tmp_path / "a"), copy_sample(tmp_path / "b")
    build_ok(first, "--jobs", "1", process=True)  # two processes: two hash seeds
    build_ok(second, "--jobs", "2", process=True)
    for code in PARTNERS:
        a = (first / f"build/drafts/001/{code}.docx").read_bytes()
        b = (second / f"build/drafts/001/{code}.docx").read_bytes()
        assert a == b, code
    with zipfile.ZipFile(first / "build/drafts/001/AM.docx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_markup_and_jinja_in_values_come_out_literally(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    hostile = "Tom & Jerry <b>bold</b> ]]> \"quoted\" 'single' {{ partner.code }} {% if true %}x{% endif %} </w:t>"
    path = project / "inputs/partners/AM.yaml"
    text = path.read_text()
    text = re.sub(r"^situation: \|\n", "situation: |\n  " + hostile.replace("\\", "") + "\n\n", text, count=1,
                  flags=re.M)
    path.write_text(text)
    build_ok(project)
    document = Document(str(project / "build/drafts/001/AM.docx"))
    body = "\n".join(p.text for p in document.paragraphs)
    assert hostile in body


def test_preview_rerenders_only_changed_partners(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    first = build_ok(project, "--preview")
    assert first["result"] == "preview" and all(p["rendered"] for p in first["partners"])
    assert not (project / "build/drafts").exists() or not list((project / "build/drafts").glob("0*"))
    before = {c: (project / f"build/preview/{c}.docx").read_bytes() for c in PARTNERS}
    path = project / "inputs/partners/MD.yaml"
    path.write_text(path.read_text().replace("situation: |\n", "situation: |\n  An added sentence.\n\n", 1))
    second = build_ok(project, "--preview")
    rendered = sorted(p["code"] for p in second["partners"] if p["rendered"])
    assert rendered == ["MD"]
    assert (project / "build/preview/AM.docx").read_bytes() == before["AM"]
    assert (project / "build/preview/MD.docx").read_bytes() != before["MD"]
    narrowed = build_ok(project, "--preview", "--partner", "AM", "--force")
    assert [p["code"] for p in narrowed["partners"]] == ["AM"]


def test_a_preview_brought_up_to_date_partner_by_partner_is_a_whole_new_preview_byte_for_byte(tmp_path: Path) -> None:
    # The watcher and --partner load only the partners they rebuild: the manifest's fingerprint once covered
    # those alone, so the same inputs gave another manifest than a whole preview (non-negotiable 7).
    stepwise, whole = copy_sample(tmp_path / "stepwise"), copy_sample(tmp_path / "whole")
    build_ok(stepwise, "--preview")
    for project in (stepwise, whole):
        for code in ("AM", "KZ"):
            path = project / f"inputs/partners/{code}.yaml"
            path.write_text(path.read_text(encoding="utf-8").replace("situation: |\n", "situation: |\n  Saved.\n\n", 1),
                            encoding="utf-8")
    build_ok(stepwise, "--preview", "--partner", "AM")
    build_ok(stepwise, "--preview", "--partner", "KZ")
    build_ok(whole, "--preview")

    def files(project: Path) -> dict[str, bytes]:
        folder = project / "build/preview"
        return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    assert files(stepwise) == files(whole)


def test_a_preview_of_one_partner_is_not_stopped_by_another_partners_errors(tmp_path: Path) -> None:
    # A colleague's file in the middle of an edit must not stop the preview of this one (nor the watcher's
    # rebuild of it); a preview of every partner, and a draft, still report it and write nothing.
    project = copy_sample(tmp_path / "p")
    broken = project / "inputs/partners/MD.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("status: agreed", "status: agred", 1),
                      encoding="utf-8")
    narrowed = build_ok(project, "--preview", "--partner", "AM")
    assert [p["code"] for p in narrowed["partners"]] == ["AM"] and (project / "build/preview/AM.docx").is_file()
    for args in (("--preview",), ()):
        result = run_in_process("build", str(project), *args, "--format", "json")
        assert result.returncode == 1, args
        assert any(f["file"] == "inputs/partners/MD.yaml" for f in json.loads(result.stdout)["findings"])
    assert not (project / "build/drafts").exists() or not any((project / "build/drafts").iterdir())


def test_template_errors_stop_the_build_with_part_named(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    document = Document(str(project / "templates/strategy.docx"))
    document.add_paragraph("{{ partner.no_such_field }}")
    document.save(str(project / "templates/broken.docx"))
    result = run_in_process("build", str(project), "--template", str(project / "templates/broken.docx"))
    assert result.returncode == 1
    assert "no_such_field" in result.stderr + result.stdout
    assert "word/document.xml" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert not (project / "build/drafts/001").exists()


@pytest.mark.parametrize("part", ["word/styles.xml", "word/numbering.xml"])
def test_a_template_part_copied_unchanged_is_verified_too(tmp_path: Path, part: str) -> None:
    """A part the template passes through unchanged is verified in every document like the others: a broken
    one stops every build, also when the template cache is warm."""
    project = copy_sample(tmp_path / "p")
    template = project / "templates/strategy.docx"
    with zipfile.ZipFile(template) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[part] = parts[part].replace(b"</w:", b"</w:x", 1)  # a mismatched end tag
    broken = project / "templates/passthrough.docx"
    with zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    for attempt in range(2):
        result = run_in_process("build", str(project), "--template", str(broken), "--format", "json")
        assert result.returncode == 1, (attempt, result.stdout, result.stderr)
        payload = json.loads(result.stdout)
        assert any(part in json.dumps(finding) for finding in payload["findings"]), payload
        assert "Traceback" not in result.stderr
    assert not (project / "build/drafts").exists() or not any((project / "build/drafts").iterdir())


@pytest.mark.parametrize("mode", [(), ("--preview",)])
def test_a_template_that_drops_a_section_stops_drafts_and_previews(tmp_path: Path, mode: tuple[str, ...]) -> None:
    project = copy_sample(tmp_path / "p")
    template = project / "templates/strategy.docx"
    with zipfile.ZipFile(template) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    for marker in (b"{{ key_figures.begin }}", b"{{ key_figures.end }}"):
        assert parts["word/document.xml"].count(marker) == 1
        parts["word/document.xml"] = parts["word/document.xml"].replace(marker, b"")
    dropped = project / "templates/dropped.docx"
    with zipfile.ZipFile(dropped, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    result = run_in_process("build", str(project), *mode, "--template", str(dropped), "--format", "json")
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "dropped tracked section(s): AM/key-figures" in result.stdout
    assert "Traceback" not in result.stderr
    assert not (project / "build/preview/AM.docx").exists() and not (project / "build/drafts/001").exists()


@pytest.mark.parametrize("mode", [("--preview",), ()])
def test_documents_checked_in_memory_pass_the_full_verification(tmp_path: Path, mode: tuple[str, ...]) -> None:
    """Previews and drafts are checked on the document in memory, not read back; their files must pass the
    full check: read back from disk, every XML part parsed strictly, every section present."""
    from strategy_builder.render.assembly import verify_document

    project = copy_sample(tmp_path / "p")
    build_ok(project, *mode)
    folder = project / ("build/preview" if mode else "build/drafts/001")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["partners"]
    for partner in manifest["partners"]:
        data = (folder / partner["file"]).read_bytes()
        expected = [section["id"] for section in partner["sections"]]
        document = verify_document(partner["code"], data, expected)
        assert document.sections == tuple(expected)
        assert document.words == partner["words"]
        assert document.sha256 == partner["docx_sha256"]


def test_invalid_inputs_refuse_to_build(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    path = project / "inputs/partners/AM.yaml"
    path.write_text(path.read_text().replace("code: AM", "code: AM\ncode: AM", 1))
    result = run_in_process("build", str(project))
    assert result.returncode == 1
    assert "inputs/partners/AM.yaml:" in result.stderr + result.stdout
    assert not (project / "build/drafts/001").exists()


def test_build_writes_redlines_and_html_report_beside_the_new_draft(built_project: Path) -> None:
    project = built_project  # draft 001 of the sample
    assert not (project / "build/drafts/001/redlines").exists(), "a first draft has nothing to compare with"
    path = project / "inputs/partners/AM.yaml"
    path.write_text(path.read_text().replace("title: Towards integrated border management",
                                             "title: Towards an integrated border management", 1))
    strategy = project / "inputs/strategy.yaml"
    strategy.write_text(strategy.read_text().replace("html_report: false", "html_report: true"))
    build_ok(project, "--redlines")
    draft = project / "build/drafts/002"
    assert sorted(p.stem for p in (draft / "redlines").glob("*.docx")) == PARTNERS
    report = (draft / "diff.html").read_text()
    assert "Towards an integrated border management" in report
    redline = (draft / "redlines/AM.docx")
    with zipfile.ZipFile(redline) as archive:
        body = archive.read("word/document.xml").decode()
    assert "<w:ins " in body and "<w:del " in body
    assert "BMP Strategy Drafting Team" in body, "revisions are authored as the drafting team"
    build_ok(project, "--force", "--no-redlines", "--no-html-report")
    assert not (project / "build/drafts/003/redlines").exists()
    assert not (project / "build/drafts/003/diff.html").exists()


def test_a_folder_that_is_not_a_project_is_a_usage_error(tmp_path: Path) -> None:
    for command in (["build"], ["template-check", "--project"], ["context", "AM"]):
        result = run_in_process(*command, str(tmp_path))
        assert result.returncode == 2, (command, result.stderr)
        assert "not a strategy-builder project" in result.stderr
        assert "Traceback" not in result.stderr


def test_removed_and_new_sections_are_recorded_against_the_previous_draft(built_project: Path) -> None:
    project = built_project  # draft 001 of the sample
    path = project / "inputs/partners/TJ.yaml"
    text = path.read_text()
    ids = re.findall(r"^\s+- id: (\S+)$", text, re.M)
    assert len(ids) >= 2
    renamed = text.replace(f"- id: {ids[0]}", "- id: a-brand-new-id", 1)
    path.write_text(renamed)
    build_ok(project)
    manifest = json.loads((project / "build/drafts/002/manifest.json").read_text())
    tj = next(p for p in manifest["partners"] if p["code"] == "TJ")
    statuses = {s["id"]: s["status"] for s in tj["sections"]}
    new = [sid for sid, status in statuses.items() if status == "added"]
    assert len(new) == 1 and new[0].endswith("/a-brand-new-id")
    assert [s["id"].rsplit("/", 1)[1] for s in tj["removed_sections"]] == [ids[0]]
    assert tj["removed_sections"][0]["status"] == "removed"
    document = Document(str(project / "build/drafts/002/TJ.docx"))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "Removed" in cells and "New" in cells


def test_worker_processes_are_forked_with_no_other_thread_running(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The input cache writes on a thread of its own; forking while a thread runs can deadlock the child."""
    import os
    import threading

    from strategy_builder.drafts.builder import BuildOptions, build

    project = copy_sample(tmp_path / "p")
    real_fork = os.fork
    threads_at_fork: list[list[str]] = []

    def fork() -> int:
        threads_at_fork.append([thread.name for thread in threading.enumerate()])
        return real_fork()

    monkeypatch.setattr(os, "fork", fork)
    result = build(project, BuildOptions(force=True, jobs=2))
    assert result.kind == "draft" and len(result.partners) == 12 + 3  # and the sample's three Russian versions
    assert threads_at_fork, "the build rendered without worker processes"
    assert all(not any(name.startswith("input-cache") for name in names) for names in threads_at_fork), threads_at_fork


def test_a_template_outside_the_project_is_recorded_relative_to_it(tmp_path: Path) -> None:
    """Two copies of a project and of its template beside it give the same manifest: the template's path is
    relative to the project (no absolute path naming the machine's folders)."""
    import shutil

    from strategy_builder.drafts.builder import BuildOptions, build

    manifests = []
    for name in ("a", "b"):
        project = copy_sample(tmp_path / name / "project")
        for partner in (project / "inputs/partners").glob("*.yaml"):
            if partner.stem != "BY":
                partner.unlink()
        template = tmp_path / name / "shared" / "custom.docx"
        template.parent.mkdir()
        shutil.copyfile(project / "templates/strategy.docx", template)
        build(project, BuildOptions(jobs=1, template=template))
        manifests.append((project / "build/drafts/001/manifest.json").read_bytes())
    assert manifests[0] == manifests[1]
    assert json.loads(manifests[0])["template_file"] == "../shared/custom.docx"
