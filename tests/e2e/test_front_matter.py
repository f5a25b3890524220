"""Front matter and annexes from the inputs, and what a build does without LibreOffice (no soffice needed)."""

from __future__ import annotations

import json
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from conftest import LAYOUT_ON, copy_sample, run_in_process
from strategy_builder.render.labels import ENGLISH

NO_OFFICE = {**LAYOUT_ON, "STRATEGY_BUILDER_SOFFICE": "/nonexistent/soffice"}


def _xml(docx: Path, part: str = "word/document.xml") -> str:
    with zipfile.ZipFile(docx) as archive:
        return archive.read(part).decode("utf-8")


def _text(docx: Path) -> str:
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", _xml(docx)))


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x1f\x38\x64" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_without_libreoffice_a_draft_says_so_and_keeps_words_contents_field(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    result = run_in_process("build", "--project", str(project), env=NO_OFFICE)
    assert result.returncode == 0, result.stderr
    assert "layout.no-libreoffice" in result.stdout and "libreoffice-writer-nogui" in result.stdout
    draft = project / "build/drafts/001"
    manifest = json.loads((draft / "manifest.json").read_text())
    assert manifest["layout"]["contents_pages"] is False
    assert "LibreOffice is not installed" in manifest["layout"]["note"]
    docx = draft / "BY.docx"
    assert "<w:updateFields" in _xml(docx, "word/settings.xml")  # Word fills the numbers in on opening
    assert ' TOC \\o "1-3" \\h \\z \\u ' in _xml(docx)


def test_pdf_without_libreoffice_is_an_environment_error_naming_the_package(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    result = run_in_process("build", "--project", str(project), "--pdf", env=NO_OFFICE)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "libreoffice-writer-nogui" in result.stderr
    assert not (project / "build/drafts/001").exists()
    as_json = run_in_process("build", "--project", str(project), "--pdf", "--format", "json", env=NO_OFFICE)
    assert as_json.returncode == 2 and "libreoffice-writer-nogui" in json.loads(as_json.stdout)["error"]["hint"]


def test_a_preview_is_never_laid_out(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    result = run_in_process("build", "--project", str(project), "--preview", "--partner", "BY", "--format", "json",
                            env=LAYOUT_ON)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["layout"] is None
    assert not (project / "build/.cache/libreoffice").exists()
    refused = run_in_process("build", "--project", str(project), "--preview", "--pdf", env=LAYOUT_ON)
    assert refused.returncode == 2 and "--pdf" in refused.stderr


def test_the_draft_has_front_matter_annexes_and_no_tool_credit(built_sample: Path) -> None:
    project = built_sample  # read only
    md, by = project / "build/drafts/001/MD.docx", project / "build/drafts/001/BY.docx"
    text = _text(by)
    for expected in ("Draft for consultation – not for publication", "Consultation round 1", "Document control",
                     "Distribution", "Contents", "Executive summary", "Introduction",
                     "Annex A – Key figures", "Annex B – Consolidated action plan", "Annex C – Abbreviations",
                     "International Organization for Migration", "Record of changes"):
        assert expected in text, expected
    # Belarus has no summary: the overview counts its priorities; Moldova's own summary is printed.
    assert "This draft sets out 3 priorities of Belarus" in text
    assert "none in “Legal migration with a special emphasis on labour migration”" in text
    assert "Moldova is among the countries of Europe most affected by emigration, and the remittances" in _text(md)
    assert "This draft sets out" not in _text(md)
    # An area without priorities is one short paragraph, said once.
    assert text.count("No priority is proposed in this area") == 0
    assert "No priority was identified in relation to the leading states" in text
    assert "Produced with" not in text  # no tool credit (the version is in the properties and the manifest)
    assert "<w:drawing>" not in _xml(by)  # no logo named: no logo area
    # Timelines read as dates; nothing the template says is "yet" to happen.
    assert "Oct\u00a02010 – Jan\u00a02011" in text and "2010-10" not in text
    assert not [key for key, value in ENGLISH.items() if isinstance(value, str) and re.search(r"\byet\b", value)]


def test_withdrawn_priorities_are_inactive_and_say_in_which_draft(built_project: Path) -> None:
    project = built_project  # draft 001 of the sample
    ge = _text(project / "build/drafts/001/GE.docx")
    assert "Withdrawn in draft 001." in ge
    assert run_in_process("build", "--project", str(project), "--force").returncode == 0
    ge2 = _text(project / "build/drafts/002/GE.docx")
    assert "Withdrawn in draft 001." in ge2  # still the draft that first showed it withdrawn
    # The version table lists the earlier draft.
    assert re.search(r"001.{0,40}15 November 2010.{0,10}1.{0,5}Superseded", ge2)


def test_a_logo_is_placed_on_the_cover(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    (project / "templates" / "logo.png").write_bytes(_png(300, 100))
    strategy = project / "inputs/strategy.yaml"
    strategy.write_text(strategy.read_text().replace(
        "  classification:", "  logo: templates/logo.png\n  classification:", 1))
    assert run_in_process("check", "--project", str(project)).returncode == 0
    assert run_in_process("build", "--project", str(project)).returncode == 0
    docx = project / "build/drafts/001/AM.docx"
    with zipfile.ZipFile(docx) as archive:
        assert archive.read("word/media/logo.png") == (project / "templates/logo.png").read_bytes()
        assert 'Extension="png"' in archive.read("[Content_Types].xml").decode()
        assert "media/logo.png" in archive.read("word/_rels/document.xml.rels").decode()
    document = _xml(docx)
    assert document.count("<w:drawing>") == 1 and "<a:blip r:embed=" in document
    assert "\ue000" not in document
    missing = strategy.read_text().replace("templates/logo.png", "templates/nothing.png")
    strategy.write_text(missing)
    checked = run_in_process("check", "--project", str(project))
    assert checked.returncode == 1 and "series.logo-missing" in checked.stdout


@pytest.mark.parametrize("token, defined", [("IBM", False), ("EU", True)])
def test_an_abbreviation_without_a_full_name_is_a_check_finding(tmp_path: Path, token: str, defined: bool) -> None:
    project = copy_sample(tmp_path / "p")
    partner = project / "inputs/partners/BY.yaml"
    partner.write_text(partner.read_text().replace(
        "Belarus wishes to improve the detection", f"Under {token} rules Belarus wishes to improve the detection", 1))
    result = run_in_process("check", "--project", str(project), "--format", "json")
    findings = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "abbreviation.undefined"]
    if defined:
        assert findings == []
    else:
        assert len(findings) == 1
        assert findings[0]["file"] == "inputs/partners/BY.yaml" and findings[0]["line"] is not None
        assert token in findings[0]["message"] and "abbreviations" in findings[0]["hint"]


def test_the_catalogue_prints_the_joint_declarations_titles_and_the_section_titles() -> None:
    from strategy_builder.models.areas import AREA_KEYS, AREA_TITLES

    for key in AREA_KEYS:
        assert ENGLISH[f"area_{key}"] == AREA_TITLES[key]
    assert (ENGLISH["title_situation"], ENGLISH["title_key_figures"]) == ("Migration situation", "Key figures")


def test_a_libreoffice_that_converts_nothing_costs_the_page_numbers_not_the_draft(tmp_path: Path) -> None:
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\nexit 0\n")  # exits 0 and writes nothing, as LibreOffice does when it fails
    fake.chmod(0o755)
    project = copy_sample(tmp_path / "p")
    broken = {**LAYOUT_ON, "STRATEGY_BUILDER_SOFFICE": str(fake)}
    result = run_in_process("build", "--project", str(project), "--format", "json", env=broken)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [w["code"] for w in payload["warnings"] if w["code"].startswith("layout.")] == ["layout.failed"]
    assert payload["layout"]["contents_pages"] is False and "failed" in payload["layout"]["note"]
    assert "<w:updateFields" in _xml(project / "build/drafts/001/BY.docx", "word/settings.xml")
    refused = run_in_process("build", "--project", str(project), "--pdf", "--force", env=broken)
    assert refused.returncode == 2 and "could not convert" in refused.stderr
    assert not (project / "build/drafts/002").exists()
