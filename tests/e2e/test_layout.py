"""Every sample draft laid out by LibreOffice, as a ministry reads it: the PDF of ``build --pdf``.

One build of the sample with ``--pdf`` (one batched conversion) serves the whole module; a second build in
another folder, with one worker, checks that laid-out drafts and their PDFs are byte-identical. The checks
read the PDFs with poppler (text and word positions) and the .docx with python-docx, not with the code under
test.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document

from conftest import LAYOUT_ON, copy_sample, require_tool, run_cli
from strategy_builder.inputs.loading import load_project

pytestmark = pytest.mark.libreoffice

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SHORT_DRAFTS = ("AZ", "BY", "KG", "KZ", "RU", "TJ", "TM", "UZ")
A4_HEIGHT, TOP_MARGIN, BOTTOM_MARGIN = 841.89, 70.9, 65.2  # points; the template's page setup


def _tools() -> None:
    require_tool(shutil.which("soffice") is not None or shutil.which("libreoffice") is not None,
                 "LibreOffice (soffice)")
    require_tool(shutil.which("pdftotext") is not None, "poppler-utils (pdftotext)")


def _build(project: Path, *args: str, env: dict[str, str] | None = None) -> Path:
    result = run_cli("build", "--project", str(project), "--pdf", "--format", "json", *args,
                     env={**LAYOUT_ON, **(env or {})}, timeout=600)
    assert result.returncode == 0, result.stderr + result.stdout
    return project / "build" / "drafts" / "001"


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _tools()
    return _build(copy_sample(tmp_path_factory.mktemp("layout") / "project"))


@dataclass(frozen=True)
class Page:
    number: int
    lines: list[str]
    text_bottom: float
    """The lowest word's bottom edge in the text area (header and footer excluded), in points from the top."""


def _pages(pdf: Path) -> list[Page]:
    layout = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                            check=True).stdout
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    bottoms = []
    for page in re.findall(r"<page [^>]*>(.*?)</page>", boxes, re.S):
        ys = [float(y) for y in re.findall(r'<word [^>]*yMax="([0-9.]+)"', page)]
        body = [y for y in ys if TOP_MARGIN < y < A4_HEIGHT - BOTTOM_MARGIN]
        bottoms.append(max(body, default=0.0))
    texts = layout.split("\f")[:len(bottoms)]
    return [Page(i + 1, [re.sub(r"\s+", " ", line.replace("\u00a0", " ")).strip() for line in text.splitlines()],
                 bottom) for i, (text, bottom) in enumerate(zip(texts, bottoms, strict=True))]


def _contents(docx: Path) -> list[tuple[str, str, str]]:
    """(number, title, printed page) of every contents entry, read from the .docx's TOC paragraphs."""
    entries = []
    for paragraph in Document(str(docx)).paragraphs:
        if paragraph.style is None or paragraph.style.name not in ("toc 1", "toc 2"):
            continue
        text = "".join("\t" if node.tag == f"{{{W}}}tab" else node.text or ""
                       for node in paragraph._p.iter(f"{{{W}}}t", f"{{{W}}}tab"))
        parts = text.split("\t")
        entries.append((parts[0], parts[1], parts[2]) if len(parts) == 3 else ("", parts[0], parts[-1]))
    return entries


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def test_the_contents_prints_each_headings_real_page(draft: Path) -> None:
    for docx in sorted(draft.glob("*.docx")):
        entries = _contents(docx)
        assert len(entries) >= 10, docx.name
        pages = _pages(docx.with_suffix(".pdf"))
        lines = [(page.number, line) for page in pages for line in page.lines]
        # The contents itself: its last entry ends with dot leaders and a number.
        last = _norm(entries[-1][1])
        start = max(i for i, (_, line) in enumerate(lines) if line.startswith(last) and "...." in line) + 1
        for number, title, printed in entries:
            assert printed.isdigit(), (docx.name, title, printed)
            heading = _norm(f"{number} {title}" if number else title)
            # A long heading wraps: its first 40 characters are on the heading's first line.
            found = next((i for i in range(start, len(lines)) if lines[i][1].startswith(heading[:40])), None)
            assert found is not None, (docx.name, heading)
            assert lines[found][0] == int(printed), (docx.name, heading, printed, lines[found][0])
            start = found + 1
        settings = subprocess.run(["unzip", "-p", str(docx), "word/settings.xml"], capture_output=True,
                                  text=True).stdout
        assert "updateFields" not in settings  # Word opens it without asking to update fields


def test_short_drafts_fit_in_seven_pages_and_no_page_is_wasted(draft: Path) -> None:
    text_height = A4_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN
    for pdf in sorted(draft.glob("*.pdf")):
        pages = _pages(pdf)
        if pdf.stem in SHORT_DRAFTS:
            assert len(pages) <= 7, (pdf.name, len(pages))
        for page in pages[:-1]:
            filled = (page.text_bottom - TOP_MARGIN) / text_height
            assert filled >= 1 / 3, (pdf.name, page.number, round(filled, 2))


def _rows(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [["".join(t.text or "" for t in cell.iter(f"{{{W}}}t")) for cell in row.iter(f"{{{W}}}tc")]
            for row in table.iter(f"{{{W}}}tr")]


def _table_after(docx: Path, heading_start: str) -> list[list[str]]:
    """The rows of the table right after the last paragraph starting with ``heading_start`` (the heading,
    not its entry in the contents)."""
    found: list[list[str]] = []
    waiting = False
    for child in Document(str(docx)).element.body:
        if child.tag == f"{{{W}}}p":
            if "".join(t.text or "" for t in child.iter(f"{{{W}}}t")).startswith(heading_start):
                waiting = True
        elif child.tag == f"{{{W}}}tbl" and waiting:
            found, waiting = _rows(child), False
    return found


def test_the_abbreviations_annex_spells_out_every_abbreviation_the_draft_prints(draft: Path) -> None:
    for docx in sorted(draft.glob("*.docx")):
        table = _table_after(docx, "Annex C")
        spelled = {row[0]: row[1] for row in table[1:]}
        document = Document(str(docx))
        text = "\n".join(t.text or "" for t in document.element.body.iter(f"{{{W}}}t"))
        used = {token for token in re.findall(r"(?<![\w-])[A-Z]{2,}[0-9]*(?![\w-])", text)
                if not re.fullmatch(r"[IVXLCDM]+", token)}
        used -= {"PREVIEW"}
        missing = sorted(token for token in used if not spelled.get(token))
        assert not missing, (docx.name, missing)
        assert "BMP" in spelled and len(spelled) >= 3, docx.name


def test_the_action_plan_holds_every_action_of_the_draft(draft: Path) -> None:
    project = load_project(draft.parent.parent.parent).project
    assert project is not None
    for partner in project.partners:
        expected = set()
        for area_index, (_, area) in enumerate(partner.model.areas.items(), start=2):
            for priority_index, priority in enumerate(area.priorities, start=1):
                if priority.status.value == "withdrawn":
                    continue
                for action_index in range(len(priority.actions)):
                    expected.add(f"{area_index}.{priority_index}.{chr(ord('a') + action_index)}")
        table = _table_after(draft / f"{partner.code}.docx", "Annex B")
        listed = {row[0] for row in table[1:] if len(row) == 5}
        assert listed == expected, partner.code


def test_timelines_read_as_dates_and_fit_on_one_line(draft: Path) -> None:
    pages = _pages(draft / "GE.pdf")
    text = "\n".join(line for page in pages for line in page.lines)
    assert not re.search(r"\b20\d\d-(0[1-9]|1[0-2]|Q[1-4]|H[12])\b", text)  # no "2011-H1" left
    timelines = re.findall(r"(?:[A-Z][a-z]{2}|Q[1-4]|H[12]) 20\d\d – (?:[A-Z][a-z]{2}|Q[1-4]|H[12]) 20\d\d", text)
    assert len(timelines) > 20


def test_the_pdf_is_tagged_with_bookmarks_and_properties(draft: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(str(draft / "AM.pdf"))
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Executive summary" in titles and any(t.startswith("1") for t in titles)
    info = reader.metadata
    assert info is not None and info.title == "Migration Partnership Strategy – Armenia"
    assert info.author == "BMP Strategy Drafting Team"
    manifest = json.loads((draft / "manifest.json").read_text())
    assert manifest["layout"]["contents_pages"] is True
    assert manifest["layout"]["engine"].startswith("LibreOffice ")
    assert manifest["layout"]["fonts"]["Calibri"] in ("Calibri", "Carlito")
    entry = next(p for p in manifest["partners"] if p["code"] == "AM")
    assert entry["pdf_file"] == "AM.pdf" and entry["pages"] == len(reader.pages)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Produced with" not in text and "strategy-builder 0." not in text  # no tool credit


def test_laid_out_drafts_and_their_pdfs_are_byte_identical(draft: Path, tmp_path: Path) -> None:
    # A partner's document depends on strategy.yaml, its own file, the template and the draft number, not on
    # the other partners: three of them (a rich one, a short one, one with a withdrawn priority) suffice.
    # The module's draft was laid out by as many LibreOffice workers as build workers (two on two cores);
    # this one by one (each worker costs a LibreOffice profile and starts): the worker count changes no byte.
    project = copy_sample(tmp_path / "again")
    kept = {"BY", "GE", "MD"}
    for partner in (project / "inputs" / "partners").glob("*.yaml"):
        if partner.stem not in kept:
            partner.unlink()
    # In another time zone too: a PDF's creation date carries LibreOffice's UTC offset ("+14'00'").
    again = _build(project, "--jobs", "1", env={"TZ": "Pacific/Kiritimati"})
    names = sorted(p.name for p in again.iterdir() if p.suffix in (".docx", ".pdf"))
    assert len(names) == 2 * len(kept)
    for name in names:
        assert (again / name).read_bytes() == (draft / name).read_bytes(), name


def test_no_page_ends_with_a_heading(draft: Path) -> None:
    """A heading is never the last text of a page: it goes with its status line and its first paragraph.
    (LibreOffice moves a keep-with-next chain only part of the way at a page end; the layout pass breaks the
    page before such a heading.)"""
    manifest = json.loads((draft / "manifest.json").read_text(encoding="utf-8"))
    stranded = []
    for partner in manifest["partners"]:
        headings = {_norm(f"{s['number']} {s['title']}") for s in partner["sections"] if s["number"]}
        for page in _pages(draft / partner["pdf_file"]):
            body = [line for line in page.lines if line][1:-1]  # the header and the footer left out
            if body and "...." not in body[-1] and any(body[-1].startswith(heading) for heading in headings):
                stranded.append((partner["code"], page.number, body[-1]))
    assert not stranded, stranded
