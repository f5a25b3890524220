"""The layout pass of a circulated draft: the page of every heading in the contents, and ``build --pdf``.

A draft is rendered once with a placeholder page number in every contents entry, laid out by LibreOffice
(converted to PDF, where every Word bookmark becomes a named destination), and the page of each heading
is read back; the draft is then rendered again with those numbers. The placeholder is as wide as the
widest number ("99"), so the real numbers never need more room than the layout gave them. A heading that
LibreOffice left at the end of a page (it moves a keep-with-next chain only part of the way) gets a page
break before it and its draft is laid out again (``builder._stranded_headings``). With
``build --pdf`` the final documents are converted too, their headings' pages compared with the printed
numbers, and a document whose numbers moved is rendered and converted again.

Previews are never laid out (speed); without LibreOffice a draft keeps Word's contents field without
numbers, asks Word to update fields on opening, and the build says so (a warning and the manifest).
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from strategy_builder.errors import Finding, Findings, Location, Severity, TemplateProblem
from strategy_builder.office.libreoffice import (
    INSTALL_HINT, LibreOffice, find_libreoffice, font_problems, font_substitutes, require_libreoffice,
)
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.pagination import style_fonts
from strategy_builder.ooxml.parser import XmlRefused

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
