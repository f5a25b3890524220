"""The real client: every sample draft opens and converts in LibreOffice, and sections survive its round trip."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import copy_sample, require_tool, run_in_process
from strategy_builder.models.areas import AREA_TITLES
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.stories import Locator, document_stories
from strategy_builder.ooxml.value_edits import value_texts

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def built(built_sample: Path) -> Path:
    return built_sample / "build" / "drafts" / "001"  # read only


PREVIEWED = ("MD", "TM")


@pytest.fixture(scope="module")
def pdfs(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The PDFs LibreOffice makes of every sample draft and of two previews (``preview-MD.pdf``, ...), in one
    LibreOffice start (each costs about a second of CPU)."""
    folder = tmp_path_factory.mktemp("pdfs")
    project = copy_sample(folder / "project")
    result = run_in_process("build", str(project), "--preview", *(f"--partner={code}" for code in PREVIEWED))
    assert result.returncode == 0, result.stderr
    previews = []
    for code in PREVIEWED:  # LibreOffice names a PDF after its document: the previews' names must differ
        preview = folder / "previews" / f"preview-{code}.docx"
        preview.parent.mkdir(exist_ok=True)
        shutil.copyfile(project / "build" / "preview" / f"{code}.docx", preview)
        previews.append(preview)
    _convert([*sorted(built.glob("*.docx")), *previews], folder / "pdf", "pdf")
    return folder / "pdf"


def _soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    require_tool(path is not None, "LibreOffice (soffice)")
    require_tool(shutil.which("pdftotext") is not None and shutil.which("pdfinfo") is not None,
                 "poppler-utils (pdftotext, pdfinfo)")
    assert path is not None
    return path


def _convert(files: list[Path], out_dir: Path, target: str) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / ".lo-profile"
    subprocess.run([_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target,
                    "--outdir", str(out_dir), *map(str, files)], capture_output=True, text=True, timeout=600)


def _value_texts(docx: Path) -> dict[str, str]:
    package = DocxPackage.open(docx)
    stories = document_stories(package)
    texts = value_texts(stories[0].root, Locator(package, stories))
    assert len(texts) > 50
    return texts


def _pdf_text(pdf: Path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return pages, re.sub(r"\s+", " ", text)


def test_every_sample_draft_converts_to_pdf_with_all_areas(built: Path, pdfs: Path) -> None:
    documents = sorted(built.glob("*.docx"))
    assert len(documents) == 12
    manifest = json.loads((built / "manifest.json").read_text())
    for document in documents:
        pdf = pdfs / f"{document.stem}.pdf"
        # soffice exits 0 even when a conversion failed: the PDF is the proof.
        assert pdf.is_file(), f"LibreOffice could not convert {document.name}"
        pages, text = _pdf_text(pdf)
        partner = next(p for p in manifest["partners"] if p["code"] == document.stem)
        priorities = sum(1 for s in partner["sections"] if s["kind"] == "priority")
        assert pages >= 4 + priorities // 4, (document.name, pages)
        assert pages <= 10 + 2 * priorities, (document.name, pages)
        for title in AREA_TITLES.values():
            assert title in text, (document.name, title)
        assert "Draft 001 for ministerial comment" in text
        assert "\ue000" not in text


def test_no_page_of_a_sample_draft_ends_with_a_lead_in(built: Path, pdfs: Path) -> None:
    """A paragraph ending in a colon keeps with the list it introduces: LibreOffice ended page 11 of Armenia's
    draft with "6.1.2 Proposed areas of cooperation:" and began page 12 with its bullets."""
    footer = re.compile(r"^(Draft \d{3}|Page \d+ of \d+|Draft for consultation – not for publication)$")
    for document in sorted(built.glob("*.docx")):
        text = subprocess.run(["pdftotext", str(pdfs / f"{document.stem}.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
        for number, page in enumerate(text.split("\f")[:-1], start=1):
            lines = [line.strip() for line in page.splitlines() if line.strip() and not footer.match(line.strip())]
            assert not (lines and lines[-1].endswith(":")), (document.name, number, lines[-1])


def test_sections_survive_a_libreoffice_round_trip(built: Path, tmp_path: Path) -> None:
    originals = [built / "AM.docx", built / "UA.docx"]
    _convert(originals, tmp_path / "rt", "docx:MS Word 2007 XML")
    for original in originals:
        assert (tmp_path / "rt" / original.name).is_file(), f"LibreOffice could not round-trip {original.name}"
    # The round-tripped documents still convert (one LibreOffice start for both), and keep their sections.
    _convert([tmp_path / "rt" / original.name for original in originals], tmp_path / "rt-pdf", "pdf")
    for original in originals:
        round_tripped = tmp_path / "rt" / original.name
        before = json.loads(run_in_process("sections", str(original), "--format", "json").stdout)
        after_result = run_in_process("sections", str(round_tripped), "--format", "json")
        assert after_result.returncode == 0, after_result.stderr
        after = json.loads(after_result.stdout)
        assert [s["id"] for s in after["sections"]] == [s["id"] for s in before["sections"]]
        assert [s["heading"] for s in after["sections"]] == [s["heading"] for s in before["sections"]]
        assert after["stamps"]["draft"] == "001"
        # So do the bookmarks of every printed value, around the same text (what `propose` reads).
        assert _value_texts(round_tripped) == _value_texts(original)
        pages, text = _pdf_text(tmp_path / "rt-pdf" / f"{original.stem}.pdf")
        assert pages > 3
        for title in AREA_TITLES.values():
            assert title in text


def test_preview_documents_open_in_libreoffice_too(pdfs: Path) -> None:
    """Previews are zipped faster and checked in memory (docs/build.md); LibreOffice must still open them."""
    for code in PREVIEWED:
        pdf = pdfs / f"preview-{code}.pdf"
        assert pdf.is_file(), f"LibreOffice could not convert the preview {code}.docx"
        pages, text = _pdf_text(pdf)
        assert pages >= 4, (code, pages)
        assert "Preview – not for circulation" in text
        for title in AREA_TITLES.values():
            assert title in text, (code, title)
