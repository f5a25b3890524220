"""Modules of render/ on their own, with the sample's template and Armenia's inputs: the label catalogue
(labels.py), the context (context.py), the compiled template (engine.py), one document rendered and verified
(assembly.py), and a template checked against the contexts (template_check.py)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import docx
import jinja2
import pytest

from conftest import copy_sample
from strategy_builder.errors import EnvironmentProblem, TemplateProblem
from strategy_builder.inputs.loading import load_project
from strategy_builder.models.project import Project
from strategy_builder.models.section_records import partner_sections
from strategy_builder.ooxml.markers import mark_value
from strategy_builder.render.assembly import DocumentAssemblyError, DocumentStamp, render_document, verify_document
from strategy_builder.render.context import DraftStamp, build_context, without_value_marks
from strategy_builder.render.engine import CompiledTemplate, make_environment, read_template_bytes
from strategy_builder.render.labels import catalogue, fill, join_list, languages, plural, template_labels, texts
from strategy_builder.render.template_check import check_template


def test_the_catalogues_fill_plural_forms_and_lists() -> None:
    english, russian = catalogue("en"), catalogue("ru")
    assert set(languages()) >= {"en", "ru"}
    with pytest.raises(KeyError):
        catalogue("xx")
    assert len(texts(english, "months")) == 12
    assert fill(russian, "draft_title", label="003") != fill(english, "draft_title", label="003")
    assert "003" in fill(english, "draft_title", label="003")
    assert join_list(english, ["a", "b", "c"]) == "a, b and c" and join_list(english, ["a"]) == "a"
    assert [plural(russian, "overview_status_agreed", n, "ru") for n in (1, 2, 5, 21)] == [
        "1 согласован", "2 согласованы", "5 согласовано", "21 согласован"]
    assert [plural(english, "overview_withdrawn", n) for n in (1, 2)] == [
        "1 further priority has been withdrawn and is kept only for the record.",
        "2 further priorities have been withdrawn and are kept only for the record."]
    assert all(isinstance(value, str) for value in template_labels(english).values())


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    loaded = load_project(copy_sample(tmp_path_factory.mktemp("render") / "project"))
    assert loaded.project is not None
    return loaded.project


@pytest.fixture(scope="module")
def armenia(project: Project) -> tuple[dict[str, Any], DocumentStamp, list[str]]:
    partner = project.partner("AM")
    assert partner is not None
    records = partner_sections(partner, project.strategy)
    context = build_context(partner, project.strategy, DraftStamp(1), records)
    stamp = DocumentStamp("AM", "001", "9.9", "0" * 64, "1" * 64, "Drafting team", "Strategy – Armenia",
                          "Strategy: Armenia, draft 001", dt.date(2010, 11, 20), "BMP; AM", "Draft 001")
    return context, stamp, [r.id for r in records]


def test_the_context_is_plain_data_and_shows_no_value_marks(armenia: tuple[dict[str, Any], DocumentStamp,
                                                                             list[str]]) -> None:
    context, _, _ = armenia
    assert context["partner"]["code"] == "AM" and context["partner"]["name"] == "Armenia"
    assert without_value_marks({"a": [mark_value(3, "Armenia")]}) == {"a": ["Armenia"]}


def test_a_document_is_rendered_stamped_and_verified(project: Project, armenia: tuple[dict[str, Any],
                                                                                      DocumentStamp, list[str]]
                                                     ) -> None:
    context, stamp, sections = armenia
    template = CompiledTemplate(project.template_path)
    assert template.sha256 and "partner" in set().union(*template.undeclared_variables().values())
    rendered = render_document(template, context, stamp, sections)
    assert rendered.partner == "AM" and set(rendered.sections) == set(sections) and rendered.words > 500
    document = docx.Document(io.BytesIO(rendered.data))
    assert document.core_properties.title.endswith("– Armenia")
    assert any("Armenia" in p.text for p in document.paragraphs)
    assert render_document(template, context, stamp, sections).data == rendered.data
    with pytest.raises(DocumentAssemblyError) as missing:
        verify_document("AM", rendered.data, [*sections, "AM/not-there"])
    assert missing.value.partner == "AM" and "AM/not-there" in missing.value.message


def test_the_environment_is_strict_and_sandboxed() -> None:
    environment = make_environment()
    with pytest.raises(jinja2.UndefinedError):
        environment.from_string("{{ partner.nmae }}").render(partner={"name": "Armenia"})
    assert environment.from_string("{{ text }}").render(text="<b>&") == "&lt;b&gt;&amp;"
    with pytest.raises(jinja2.exceptions.SecurityError):
        environment.from_string("{{ ''.__class__.__mro__ }}").render()


def test_the_compiled_template_is_cached_by_the_one_writer_and_a_failed_write_leaves_nothing(
        project: Project, tmp_path: Path) -> None:
    """A template compiled while the disk is full is compiled and used as always, and leaves no temporary
    file; compiled with room to spare, it is cached (with the umask) and read back by the next run."""
    import stat

    from fixtures.disk import file_size_limit
    from strategy_builder.files import UMASK

    cache = tmp_path / "templates"
    with file_size_limit(256):
        compiled = CompiledTemplate(project.template_path, cache_dir=cache)
    assert compiled.parts and not [p.name for p in cache.iterdir() if p.name.startswith(".") or "compiled" in p.name]
    CompiledTemplate(project.template_path, cache_dir=cache)
    (written,) = cache.glob("*.compiled.json")
    assert stat.S_IMODE(written.stat().st_mode) == 0o666 & ~UMASK
    assert not [p.name for p in cache.iterdir() if p.name.startswith(".")]
    assert [p.name for p in CompiledTemplate(project.template_path, cache_dir=cache).parts] == [
        p.name for p in compiled.parts]


def test_a_file_that_is_not_a_template_is_a_template_problem(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentProblem, match="cannot read the template"):
        read_template_bytes(tmp_path / "absent.docx")
    (tmp_path / "folder.docx").mkdir()
    with pytest.raises(TemplateProblem):
        read_template_bytes(tmp_path / "folder.docx")


def test_a_template_is_checked_against_every_partners_context(
        tmp_path: Path, armenia: tuple[dict[str, Any], DocumentStamp, list[str]]) -> None:
    context, stamp, sections = armenia
    path = tmp_path / "mine.docx"
    document = docx.Document()
    document.add_paragraph("{{ partner.nmae }} {{ budget }}")
    document.save(str(path))
    _, findings = check_template(path, {"AM": context}, {"AM": stamp}, {"AM": sections})
    [undefined] = [f for f in findings if f.code == "template.undefined-variable"]
    assert "'budget'" in undefined.message and undefined.location.file == str(path)
    document = docx.Document()
    document.add_paragraph("{{ partner.nmae }}")
    document.save(str(path))
    _, findings = check_template(path, {"AM": context}, {"AM": stamp}, {"AM": sections})
    assert {f.code for f in findings.errors} == {"template.render"}
    assert any("nmae" in f.message and "AM" in f.message for f in findings)
    (tmp_path / "broken.docx").write_bytes(b"not a zip")
    template, findings = check_template(tmp_path / "broken.docx", {"AM": context}, {"AM": stamp}, {"AM": sections})
    assert template is None and findings.has_errors()
