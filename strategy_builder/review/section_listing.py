"""List the tracked sections of any .docx (a draft, or one a ministry edited and saved)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.properties import read_custom_properties
from strategy_builder.ooxml.bookmarks import FoundSection, find_sections
from strategy_builder.ooxml.markers import PROPERTY_PREFIX, STAMP_PREFIX


@dataclass(frozen=True, slots=True)
class DocumentSections:
    """The sections of one document and what it says about itself (partner, draft, tool version)."""

    path: Path
    stamps: dict[str, str]
    sections: list[FoundSection]


def read_document_sections(path: Path) -> DocumentSections:
    """Read ``path`` as an untrusted .docx and list its tracked sections in document order."""
    package = DocxPackage.open(path)
    properties = read_custom_properties(package)
    names = {k: v for k, v in properties.items() if k.startswith(PROPERTY_PREFIX) and not k.startswith(STAMP_PREFIX)}
    stamps = {k[len(STAMP_PREFIX):]: v for k, v in properties.items() if k.startswith(STAMP_PREFIX)}
    document = package.xml(package.main_part_name())
    return DocumentSections(path, stamps, find_sections(document, names))
