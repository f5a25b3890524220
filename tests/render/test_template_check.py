"""template-check and context: the template contract, checked on real Word templates."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument

from conftest import run_in_process

FOOTNOTES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
             '<w:footnote w:id="1"><w:p><w:r><w:t>{{ partner.footnote_text }}</w:t></w:r></w:p></w:footnote>'
             '</w:footnotes>')


def _with_footnotes(source: Path, target: Path) -> None:
    """A copy of ``source`` with a footnotes part that uses an undefined variable."""
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["word/footnotes.xml"] = FOOTNOTES.encode()
    rels = parts["word/_rels/document.xml.rels"].decode()
    parts["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdFootnotes99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/footnotes" Target="footnotes.xml"/></Relationships>').encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "</Types>", '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
                    'officedocument.wordprocessingml.footnotes+xml"/></Types>').encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    target.write_bytes(buffer.getvalue())


def _saved_with_footnotes(document: DocxDocument, folder: Path) -> Path:
    """``document`` saved in ``folder``, then given the footnotes part of :data:`FOOTNOTES`."""
    edited, template = folder / "edited.docx", folder / "notes.docx"
    document.save(str(edited))
    _with_footnotes(edited, template)
    return template


def _check(project: Path, template: Path) -> tuple[int, dict]:
    result = run_in_process("template-check", str(template), "--project", str(project), "--format", "json")
    assert "Traceback" not in result.stderr
    return result.returncode, json.loads(result.stdout)


def test_default_template_passes(sample_project: Path) -> None:
    result = run_in_process("template-check", "--project", str(sample_project))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "renders all 12 partner(s)" in result.stdout


def test_undefined_names_are_reported_in_every_part(sample_project: Path, tmp_path: Path) -> None:
    document = Document(str(sample_project / "templates/strategy.docx"))
    document.add_paragraph("{{ undefined_in_body }}")
    footer = document.sections[0].footer
    footer.add_paragraph("{{ undefined_in_footer }}")
    document.core_properties.subject = "{{ undefined_in_properties }}"
    code, payload = _check(sample_project, _saved_with_footnotes(document, tmp_path))
    assert code == 1
    reported = {(f["field"], f["message"].split("'")[1]) for f in payload["findings"]
                if f["code"] == "template.undefined-variable"}
    assert ("word/document.xml", "undefined_in_body") in reported
    assert any(part.startswith("word/footer") and name == "undefined_in_footer" for part, name in reported)
    assert ("docProps/core.xml (subject)", "undefined_in_properties") in reported


def test_undefined_attributes_are_found_by_rendering_every_partner(sample_project: Path, tmp_path: Path) -> None:
    template = tmp_path / "notes.docx"
    _with_footnotes(sample_project / "templates/strategy.docx", template)
    code, payload = _check(sample_project, template)
    assert code == 1
    messages = [f for f in payload["findings"] if f["code"] == "template.render"]
    assert messages and messages[0]["field"] == "word/footnotes.xml"
    assert "footnote_text" in messages[0]["message"]


def test_every_undefined_attribute_is_reported_in_one_run(sample_project: Path, tmp_path: Path) -> None:
    """Rendering stops at the first undefined value; template-check goes on and lists them all, part by part,
    and a value only tested with 'is defined' is not one of them."""
    document = Document(str(sample_project / "templates/strategy.docx"))
    document.add_paragraph("{{ partner.nmae }} and {{ partner.cdoe }}")
    document.add_paragraph("{% if partner.optional_note is defined %}{{ partner.optional_note }}{% endif %}")
    document.add_paragraph("{% for item in partner.itmes %}{{ item }}{% endfor %}")
    code, payload = _check(sample_project, _saved_with_footnotes(document, tmp_path))
    assert code == 1
    reported = [(f["field"], f["message"]) for f in payload["findings"] if f["code"] == "template.render"]
    named = {(part, name) for part, message in reported
             for name in ("nmae", "cdoe", "itmes", "footnote_text", "optional_note") if f"'{name}'" in message}
    assert {("word/document.xml", "nmae"), ("word/document.xml", "cdoe"), ("word/document.xml", "itmes"),
            ("word/footnotes.xml", "footnote_text")} <= named
    assert not any(name == "optional_note" for _, name in named)
    assert len(reported) == len(set(reported))  # each once, whichever partners use it


def test_syntax_errors_name_the_part_and_the_text(sample_project: Path, tmp_path: Path) -> None:
    document = Document(str(sample_project / "templates/strategy.docx"))
    document.add_paragraph("Status: {% if partner.code %} unclosed")
    broken = tmp_path / "broken.docx"
    document.save(str(broken))
    code, payload = _check(sample_project, broken)
    assert code == 1
    finding = next(f for f in payload["findings"] if f["code"] == "template.syntax")
    assert finding["field"] == "word/document.xml"
    assert "unclosed" in (finding["hint"] or "") + finding["message"]


def test_the_sandbox_refuses_what_a_foreign_template_could_try(sample_project: Path, tmp_path: Path) -> None:
    document = Document(str(sample_project / "templates/strategy.docx"))
    document.add_paragraph("{{ partner.__class__.__mro__[1].__subclasses__() }}")
    hostile = tmp_path / "hostile.docx"
    document.save(str(hostile))
    code, payload = _check(sample_project, hostile)
    assert code == 1
    assert any("unsafe" in f["message"] or "__class__" in f["message"] for f in payload["findings"])


def test_a_template_that_marks_text_safe_is_refused_before_anything_renders(
        sample_project: Path, tmp_path: Path) -> None:
    document = Document(str(sample_project / "templates/strategy.docx"))
    document.add_paragraph("{{ '<w:broken' | safe }}")
    broken = tmp_path / "markup.docx"
    document.save(str(broken))
    result = run_in_process("build", str(sample_project), "--template", str(broken))
    assert result.returncode == 1
    assert "'|safe'" in result.stderr and "word/document.xml" in result.stderr
    assert not (sample_project / "build/drafts/001").exists()


def test_context_prints_the_exact_template_context(sample_project: Path) -> None:
    result = run_in_process("context", "am", str(sample_project))
    assert result.returncode == 0, result.stderr
    context = json.loads(result.stdout)
    assert context["partner"]["code"] == "AM"
    assert [a["key"] for a in context["areas"]] == ["illegal_migration", "readmission_return", "legal_migration",
                                                    "integration", "migration_development"]
    assert context["draft"]["label"] == "001"
    unknown = run_in_process("context", "XX", str(sample_project))
    assert unknown.returncode == 2 and "no partner XX" in unknown.stderr


def test_the_sandbox_refuses_to_change_the_context(sample_project: Path, tmp_path: Path) -> None:
    """The sandbox is immutable: a template cannot change the lists and mappings of the context (which every
    later part and partner would then see), only read them."""
    import pytest

    from strategy_builder.drafts.builder import BuildOptions, build
    from strategy_builder.errors import TemplateProblem

    for attempt in ("{{ areas.clear() }}", "{% set _ = partner.authorities.append(1) %}"):
        document = Document(str(sample_project / "templates/strategy.docx"))
        document.add_paragraph(attempt)
        hostile = tmp_path / "mutating.docx"
        document.save(str(hostile))
        with pytest.raises(TemplateProblem) as refused:
            build(sample_project, BuildOptions(template=hostile, jobs=1))
        messages = " ".join(finding.message for finding in refused.value.findings)
        assert "unsafe" in messages, (attempt, messages)
        assert not (sample_project / "build/drafts/001").exists()
