"""The regional overview: tracked, numbered and published like a draft; diff and comments work on it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from conftest import convert_with_libreoffice, copy_built_sample, copy_sample, run_in_process
from strategy_builder.inputs.loading import load_project
from strategy_builder.models.areas import AREA_KEYS
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.regional.overview import OverviewOptions, build_overview
from strategy_builder.review.compare import compare
from strategy_builder.review.review_document import read_document
from strategy_builder.review.returns import read_return
from strategy_builder.review.section_listing import read_document_sections

PARTNERS = ["AM", "AZ", "BY", "GE", "KG", "KZ", "MD", "RU", "TJ", "TM", "UA", "UZ"]


def withdraw_first_priority(project: Path, code: str, area: str) -> None:
    path = project / "inputs" / "partners" / f"{code}.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(f"  {area}:"))
    status = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("status:"))
    lines[status] = lines[status].split("status:")[0] + "status: withdrawn"
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def overviews(built_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """Draft 001 of the sample, overview 001 from it, then a withdrawn priority and overview 002."""
    project = copy_built_sample(built_sample, tmp_path_factory.mktemp("overview") / "project")
    first = build_overview(project)
    withdraw_first_priority(project, "AM", "legal_migration")
    second = build_overview(project)
    assert (first.kind, first.number, second.kind, second.number, second.previous) == \
        ("overview", 1, "overview", 2, 1)
    return project, first.directory, second.directory


def test_the_overview_is_tracked_and_published_like_a_draft(overviews: tuple[Path, Path, Path]) -> None:
    project, first, _ = overviews
    assert first == project / "build" / "overview" / "001"
    assert sorted(p.name for p in first.iterdir()) == sorted(
        ["inputs", "manifest.json", "matrix.json", "overview.docx", "partners-areas.png", "partners-areas.svg",
         "timeline.png", "timeline.svg"])
    manifest = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["series"] == "overview" and manifest["draft"] == 1
    (entry,) = manifest["partners"]
    expected = {f"overview/{area}" for area in AREA_KEYS} | {f"overview/{a}/{c}" for a in AREA_KEYS for c in PARTNERS}
    found = read_document_sections(first / "overview.docx")
    ids = [s.section_id for s in found.sections]
    assert expected <= set(ids) and len(ids) == len(set(ids)) == len(entry["sections"])
    assert found.stamps.partner == "overview" and found.stamps.series == "overview"
    assert {s["id"] for s in entry["sections"]} == set(ids)
    # The figures are in the document, byte for byte the PNGs beside it, with alt text.
    package = DocxPackage.open(first / "overview.docx")
    media = sorted(package.parts[name] for name in package.parts if name.startswith("word/media/"))
    assert media == sorted((first / f"{name}.png").read_bytes() for name in ("partners-areas", "timeline"))
    assert package.parts["word/document.xml"].count(b'descr="') == 2
    assert (first / "timeline.svg").read_bytes().startswith(b"<?xml")


def test_each_partner_section_names_its_priorities_as_the_partner_draft_numbers_them(
        overviews: tuple[Path, Path, Path]) -> None:
    project, first, _ = overviews
    draft = json.loads((project / "build" / "drafts" / "001" / "manifest.json").read_text(encoding="utf-8"))
    document = read_document(first / "overview.docx")
    assert "draft 001" in " ".join(b.text for b in document.blocks()[:20])  # the numbers' source is said
    for partner in draft["partners"]:
        for area in ("legal_migration", "integration"):
            text = " ".join(b.text for b in document.section_blocks(f"overview/{area}/{partner['code']}"))
            priorities = [s for s in partner["sections"] if s["kind"] == "priority" and f"/{area}/" in s["id"]]
            for section in priorities:
                assert section["number"] in text and section["title"] in text, (partner["code"], section["id"])
            if not priorities:
                assert "No priority in this area" in text


def test_two_overviews_of_the_same_inputs_are_byte_identical(tmp_path: Path) -> None:
    folders = []
    for name in ("one", "two"):
        project = copy_sample(tmp_path / name)
        folders.append(build_overview(project, OverviewOptions()).directory)
    for path in sorted(folders[0].rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (folders[1] / path.relative_to(folders[0])).read_bytes(), path.name


def test_diff_of_two_overviews_reports_the_changed_priority(overviews: tuple[Path, Path, Path]) -> None:
    project, first, second = overviews
    comparison = compare(str(first), str(second), project)
    (document,) = comparison.partners
    assert document.diff is not None
    sections = {s.key: s for s in document.diff.sections}
    changed = sections["overview/legal_migration/AM"]
    assert changed.status == "changed"
    assert any(f.path.endswith(".status") and f.new == "withdrawn" and f.file == "inputs/partners/AM.yaml"
               for f in (changed.attribution.fields if changed.attribution else []))
    assert all(sections[f"overview/legal_migration/{code}"].status == "unchanged" for code in PARTNERS if code != "AM")
    assert all(sections[f"overview/{area}/AM"].status == "unchanged" for area in AREA_KEYS if area != "legal_migration")
    assert comparison.old.label == "overview 001" and comparison.new.label == "overview 002"


def test_a_comment_on_the_overview_maps_to_its_section_and_yaml_line(overviews: tuple[Path, Path, Path],
                                                                     tmp_path: Path) -> None:
    project, _, second = overviews
    document = docx.Document(str(second / "overview.docx"))
    paragraphs = document.paragraphs
    chapter = next(i for i, p in enumerate(paragraphs) if p.style.name == "Heading 1" and "Legal migration" in p.text)
    heading = next(p for p in paragraphs[chapter:] if p.text.startswith("Georgia (GE)"))
    document.add_comment(heading.runs, text="Georgia wishes to add a priority here.", author="MFA Georgia")
    returned = tmp_path / "overview_002_MFA Georgia.docx"
    document.save(str(returned))
    (item,) = read_return(returned, project).items
    assert item.section is not None and item.section.section_id == "overview/legal_migration/GE"
    assert item.section.source_file == "inputs/partners/GE.yaml" and item.section.source_line
    lines = (project / "inputs" / "partners" / "GE.yaml").read_text(encoding="utf-8").split("\n")
    line = item.section.source_line
    assert any(lines[i].startswith("  legal_migration:") for i in (line - 1, line - 2))  # the area's entry


@pytest.mark.libreoffice
def test_the_overview_opens_in_libreoffice_with_its_figures_and_contents(overviews: tuple[Path, Path, Path],
                                                                         soffice: str, tmp_path: Path) -> None:
    project, first, _ = overviews
    # --pdf: the drafts' LibreOffice path (strategy_builder.office), published with the document.
    with_pdf = build_overview(project, OverviewOptions(force=True, pdf=True))
    pdf = with_pdf.directory / "overview.pdf"
    assert pdf in with_pdf.files and pdf.is_file()
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len([line for line in images.splitlines()[2:] if line.strip()]) >= 2
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    contents = text[text.index("Contents"):text.index("The 12 partner states")]
    # LibreOffice computes the contents' page numbers from the sections' bookmarks.
    assert re.search(r"Legal migration with a special emphasis on labour migration\.*\s*\d+", contents)
    round_trip = convert_with_libreoffice(soffice, with_pdf.directory / "overview.docx", tmp_path / "docx", "docx")
    ids = {s.section_id for s in read_document_sections(round_trip).sections}
    assert {f"overview/{a}/{c}" for a in AREA_KEYS for c in PARTNERS} <= ids
    # The PDF is dated by the round's issue date, not by LibreOffice's clock (as the drafts' PDFs are: the
    # same document then gives the same bytes, tests/office/test_pool.py).
    info = subprocess.run(["pdfinfo", "-isodates", str(pdf)], capture_output=True, text=True, check=True).stdout
    loaded = load_project(project).project
    assert loaded is not None
    issued = loaded.strategy.consultation.issued
    assert re.search(rf"^CreationDate:\s+{issued.isoformat()}T00:00:00", info, re.M), info


def test_the_command_numbers_overviews_and_a_failure_leaves_nothing(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "project")
    result = run_in_process("overview", "--format", "json", "--project", str(project))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["directory"] == "build/overview/001"
    again = run_in_process("overview", "--project", str(project))
    assert again.returncode == 0 and "Nothing changed" in again.stdout
    assert run_in_process("overview", "--draft", "5", "--project", str(project)).returncode == 2
    failed = run_in_process("overview", "--force", "--pdf", "--project", str(project),
                            env={"STRATEGY_BUILDER_SOFFICE": str(tmp_path / "no-soffice")})
    assert failed.returncode == 2 and "libreoffice" in failed.stderr.lower() and "Traceback" not in failed.stderr
    assert sorted(p.name for p in (project / "build" / "overview").iterdir()) == ["001"]
    shutil.rmtree(project / "inputs" / "partners")
    assert run_in_process("overview", "--project", str(project)).returncode == 1


def test_from_a_draft_the_overview_quotes_that_draft_and_its_inputs(overviews: tuple[Path, Path, Path]) -> None:
    from strategy_builder.regional.source import load_regional_inputs

    project, _, _ = overviews  # draft 001 was built before the priority was withdrawn
    then, now = load_regional_inputs(project, 1).matrix(), load_regional_inputs(project).matrix()
    assert (then.source.kind, then.source.draft, then.source.numbers_from_draft) == ("draft", 1, 1)
    assert (now.source.kind, now.source.numbers_from_draft) == ("inputs", None)  # the inputs moved on
    assert then.cell("AM", "legal_migration").counts["withdrawn"] + 1 == \
        now.cell("AM", "legal_migration").counts["withdrawn"]


def test_the_commands_library_imports_no_plotting_word_or_spreadsheet_library_until_used() -> None:
    code = ("import sys, strategy_builder.regional.overview, strategy_builder.regional.export; "
            "print(sorted(m for m in ('matplotlib', 'docx', 'openpyxl') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_overview_writes_dates_and_the_period_as_the_drafts_do(overviews: tuple[Path, Path, Path]) -> None:
    """A reader sees one date style: the cover and the last chapter say '15 November 2010' and 'Jan 2010 –
    H1 2011' (the drafts' style), not the inputs' 2010-11-15 and 2010-01 – 2011-H1."""
    _, first, _ = overviews
    text = "\n".join(p.text for p in docx.Document(str(first / "overview.docx")).paragraphs)
    assert "Period Jan\u00a02010 – H1\u00a02011" in text
    assert text.count("(consultation round 1, 15 November 2010)") == 2  # the cover and 'About this overview'
    assert "2010-11-15" not in text and "2011-H1" not in text
