"""The layout pass of a circulated draft: the page of every heading in the contents, and ``build --pdf``.

A draft is rendered once with a placeholder page number in every contents entry, laid out by LibreOffice
(converted to PDF, where every Word bookmark becomes a named destination), and the page of each heading
is read back; the draft is then rendered again with those numbers. The placeholder is as wide as the
widest number ("99"), so the real numbers never need more room than the layout gave them. A heading that
LibreOffice left at the end of a page (it moves a keep-with-next chain only part of the way) gets a page
break before it and its draft is laid out again (``_stranded_headings``). With
``build --pdf`` the final documents are converted too, their headings' pages compared with the printed
numbers, and a document whose numbers moved is rendered and converted again.

Previews are never laid out (speed); without LibreOffice a draft keeps Word's contents field without
numbers, asks Word to update fields on opening, and the build says so (a warning and the manifest).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from strategy_builder.drafts.render_pass import render_planned, write_staged
from strategy_builder.errors import Finding, Findings, Location, Severity, TemplateProblem
from strategy_builder.layout import ProjectLayout
from strategy_builder.office.conversion import ConversionPool, PdfExport
from strategy_builder.office.installation import (
    INSTALL_HINT, LibreOffice, find_libreoffice, font_problems, font_substitutes, require_libreoffice,
)
from strategy_builder.office.pdf import bookmark_pages, page_count
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.pagination import heading_chains, style_fonts
from strategy_builder.ooxml.parser import XmlRefused
from strategy_builder.render.context import Pages

if TYPE_CHECKING:
    from strategy_builder.drafts.build_types import Progress
    from strategy_builder.drafts.planning import Planned
    from strategy_builder.drafts.worker_pool import WorkerPool
    from strategy_builder.models.manifest import ManifestPartner
    from strategy_builder.models.project import Project
    from strategy_builder.render.engine import CompiledTemplate

LAYOUT_VARIABLE = "STRATEGY_BUILDER_LAYOUT"
"""``off`` skips the layout pass (the contents then has no page numbers); the test suite sets it for the
tests that do not look at pages."""

PLACEHOLDER = "99"


@dataclass(slots=True)
class LayoutPlan:
    """Whether and how this build lays its drafts out."""

    office: LibreOffice | None
    fonts: dict[str, str] = field(default_factory=dict)
    note: str = ""
    warnings: list[Finding] = field(default_factory=list)

    @property
    def engine(self) -> str:
        return self.office.label if self.office is not None else ""


def plan_layout(package: DocxPackage, template_path: Path, *, pdf: bool) -> LayoutPlan:
    """Find LibreOffice and the fonts it will use. ``pdf``: the build must write PDFs, so a missing
    LibreOffice is an error (exit 2) rather than a warning."""
    where = Location(str(template_path), None, None, "")
    if pdf:
        office: LibreOffice | None = require_libreoffice("build --pdf")
    elif os.environ.get(LAYOUT_VARIABLE, "").strip().lower() in ("off", "0", "false", "no"):
        return LayoutPlan(None, note=f"no layout pass: {LAYOUT_VARIABLE}=off")
    else:
        office = find_libreoffice()
    if office is None:
        message = ("LibreOffice is not installed: the contents of the drafts has no page numbers (Word fills "
                   "them in when a draft is opened) and no PDF can be written")
        return LayoutPlan(None, note=message, warnings=[
            Finding(where, "layout.no-libreoffice", message, Severity.WARNING, INSTALL_HINT)])
    try:
        named_fonts = style_fonts(package)
    except XmlRefused as error:  # a template whose styles cannot be read is the template's problem (exit 1)
        raise TemplateProblem(Findings([Finding(Location(str(template_path), None, None, "word/styles.xml"),
                                                "template.xml", str(error),
                                                hint="repair the template: open it in Word or LibreOffice and "
                                                     "save it again, or start from 'strategy-builder init'")])
                              ) from error
    fonts = font_substitutes(named_fonts)
    warnings = [Finding(where, "layout.font", problem, Severity.WARNING,
                        "install the metric-compatible fonts: " + INSTALL_HINT.split(": ", 1)[-1])
                for problem in font_problems(fonts)]
    notes = [] if not warnings else ["fonts with other metrics than Word's: " + "; ".join(
        f"{family} -> {used}" for family, used in sorted(fonts.items()) if used)]
    if not has_english_hyphenation(office):
        message = ("no English hyphenation dictionary: justified lines are looser than in Word and pages may "
                   "differ")
        notes.append(message)
        warnings.append(Finding(where, "layout.hyphenation", message, Severity.WARNING,
                                "install hyphen-en-gb (Debian, Ubuntu)"))
    return LayoutPlan(office, fonts, "; ".join(notes), warnings)


HYPHENATION_FOLDERS = (Path("/usr/share/hyphen"), Path("/usr/share/myspell/dicts"))


def has_english_hyphenation(office: LibreOffice) -> bool:
    """Whether LibreOffice can hyphenate English: a system dictionary (Linux) or one it bundles."""
    bundled = office.executable.parent.parent / "share" / "extensions"
    candidates = [folder / name for folder in HYPHENATION_FOLDERS for name in ("hyph_en_GB.dic", "hyph_en_US.dic")]
    return any(path.is_file() for path in candidates) or any(bundled.glob("dict-en*/hyph_en_*.dic"))


def placeholder_for(pages: int) -> str:
    """A placeholder as wide as the widest page number of a document of ``pages`` pages (at least two digits)."""
    return "9" * max(len(PLACEHOLDER), len(str(pages)))


def clean_folder(folder: Path) -> None:
    """Remove a scratch folder of the layout pass."""
    shutil.rmtree(folder, ignore_errors=True)


def safe_stem(code: str) -> str:
    """A file stem for a partner code (codes are letters already; anything else is replaced)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", code)


def lay_out(project: Project, template: CompiledTemplate, planned: list[Planned], workers: WorkerPool,
            layout: LayoutPlan, staging: Path, want_pdf: bool, notify: Progress) -> list[ManifestPartner]:
    """Render the drafts with the page numbers of their contents (see :mod:`strategy_builder.drafts.layout_pass`)
    into ``staging``, and their PDFs when ``want_pdf``; returns the manifest entries."""
    assert layout.office is not None
    scratch = staging / ".layout"
    office_dir = ProjectLayout.of(project.root).office_dir
    count = len(planned)
    try:
        with ConversionPool(layout.office, workers=max(1, min(workers.processes, count)), scratch=office_dir,
                            profiles=office_dir / "profiles") as pool:
            # 1. Lay out with placeholders as wide as the widest number; widen them for long documents.
            pages: dict[str, Pages] = {p.name: Pages(placeholder=placeholder_for(0)) for p in planned}
            pending = list(planned)
            trial_dir = scratch / "trial"
            for attempt in range(3):
                notify("laying out the contents", 0, count)
                trial = [p.with_pages(project, pages[p.name]) for p in pending]
                # One flat folder: LibreOffice names each PDF after its document's stem (ru/AM -> ru__AM).
                render_planned(project, template, trial, workers,
                               lambda name, data: write_staged(trial_dir / f"{_flat(name)}", data), lambda *a: None)
                pdfs = pool.convert([trial_dir / _flat(p.file) for p in trial], scratch / "trial-pdf", PdfExport())
                again = []
                for plan, pdf in zip(trial, pdfs, strict=True):
                    code = plan.name
                    used, needed = pages[code].placeholder, placeholder_for(page_count(pdf))
                    breaks = pages[code].breaks
                    if attempt < 2:  # the last layout is taken as it is, its page numbers with it
                        breaks |= _stranded_headings(trial_dir / _flat(plan.file), pdf)
                    # 100 pages or more: lay out again with a placeholder as wide as three digits; a heading
                    # left at the end of a page: again with a page break before it.
                    if attempt < 2 and (len(needed) > len(used) or breaks != pages[code].breaks):
                        pages[code] = Pages(placeholder=max(needed, used, key=len), breaks=breaks)
                        again.append(code)
                    else:
                        pages[code] = Pages(_pages_of(pdf, plan), max(needed, used, key=len), breaks)
                clean_folder(trial_dir)
                pending = [p for p in planned if p.name in again]
                if not pending:
                    break
            final = [p.with_pages(project, pages[p.name]) for p in planned]
            entries = render_planned(project, template, final, workers,
                                     lambda name, data: write_staged(staging / name, data), notify)
            if not want_pdf:
                return entries
            return _with_pdfs(project, template, final, entries, pool, workers, staging, scratch, notify,
                              layout.warnings)
    finally:
        clean_folder(scratch)


def _stranded_headings(docx: Path, pdf: Path) -> frozenset[str]:
    """The section headings that end a page of ``pdf`` (the layout of ``docx``): those whose keep-with-next
    chain (status line, minor heading) is followed by text on a later page."""
    chains = heading_chains(DocxPackage.open(docx))
    pages = bookmark_pages(pdf, sorted({name for chain in chains for name in chain}))
    return frozenset(heading for heading, follower in chains
                     if heading in pages and follower in pages and pages[follower] > pages[heading])


def _pages_of(pdf: Path, plan: Planned) -> dict[str, int]:
    """The page of each heading of the contents in ``pdf``, by its bookmark."""
    return bookmark_pages(pdf, [entry["anchor"] for entry in plan.job.context["contents"]])


def _flat(name: str) -> str:
    """A document's name as a file name of one flat folder: ``ru/AM.docx`` -> ``ru__AM.docx``."""
    return name.replace("/", "__")


def _with_pdfs(project: Project, template: CompiledTemplate, final: list[Planned], entries: list[ManifestPartner],
               pool: ConversionPool, workers: WorkerPool, staging: Path, scratch: Path,
               notify: Progress, warnings: list[Finding]) -> list[ManifestPartner]:
    """Convert the final drafts to PDF; a document whose headings moved (its printed numbers no longer match)
    is rendered with the pages its PDF shows and converted again, twice at most, then published with a
    warning (``layout.unstable``) rather than silently."""
    by_code = {e.code: e for e in entries}
    plans = {p.name: p for p in final}
    pending = list(plans)
    for attempt in range(3):
        notify("writing PDFs", 0, len(pending))
        sources = []
        for code in pending:  # LibreOffice names PDFs by stem: language versions go through flat links
            source = staging / f"{code}.docx"
            if "/" in code:
                link = scratch / "sources" / _flat(f"{code}.docx")
                link.parent.mkdir(parents=True, exist_ok=True)
                link.unlink(missing_ok=True)
                os.link(source, link)
                source = link
            sources.append(source)
        pdfs = pool.convert(sources, scratch / f"pdf-{attempt}", PdfExport(issued=project.strategy.consultation.issued))
        moved = []
        for code, pdf in zip(pending, pdfs, strict=True):
            plan = plans[code]
            actual = _pages_of(pdf, plan)
            printed = {entry["anchor"]: entry["page"] for entry in plan.job.context["contents"]}
            entry = by_code[code]
            if any(str(actual.get(anchor, "")) != page for anchor, page in printed.items()):
                if attempt < 2:
                    moved.append(code)
                    plans[code] = plan.with_pages(project, Pages(actual, placeholder_for(page_count(pdf)),
                                                                 plan.job.stamp.page_breaks))
                    continue
                warnings.append(Finding(
                    Location(entry.file, None, None, ""), "layout.unstable",
                    f"{code}: the page numbers of the contents still moved after two more layouts; some may be "
                    "off by one", Severity.WARNING, "report it with the draft; Word corrects them with F9"))
            data = pdf.read_bytes()  # reproducible: the pool fixed its date and identifier
            (staging / f"{code}.pdf").write_bytes(data)
            by_code[code] = entry.model_copy(update={
                "pages": page_count(pdf), "pdf_file": f"{code}.pdf",
                "pdf_sha256": hashlib.sha256(data).hexdigest()})
        if not moved:
            break
        again = [plans[code] for code in moved]
        for entry in render_planned(project, template, again, workers,
                                    lambda name, data: write_staged(staging / name, data), lambda *a: None):
            by_code[entry.code] = entry
        pending = moved
    return [by_code[e.code] for e in entries]
