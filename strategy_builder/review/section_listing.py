"""List the tracked sections of any .docx (a draft, or one a ministry edited and saved)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from strategy_builder.ooxml.bookmarks import FoundSection, find_sections
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.stamps import DraftStamps, read_stamps


class DocumentSections(NamedTuple):
    """The sections of one document and what it says about itself (partner, draft, tool version)."""

    path: Path
    stamps: DraftStamps
    sections: list[FoundSection]


def read_document_sections(path: Path) -> DocumentSections:
    """Read ``path`` as an untrusted .docx and list its tracked sections in document order."""
    package = DocxPackage.open(path)
    stamped = read_stamps(package)
    document = package.xml(package.main_part_name())
    return DocumentSections(path, stamped.stamps, find_sections(document, stamped.sections))
