"""What a draft says about itself, in its custom document properties: its stamps and its section names.

A build writes two kinds of custom properties into every document (``docProps/custom.xml``):

- the *stamps*, named ``strategy_builder.<name>``: the partner, the draft label (``003``, or ``PREVIEW``),
  the version of strategy-builder, the hashes of the inputs and of the template it was made from, and for
  the regional overview its series (``overview``; drafts carry none);
- one property per tracked section, named as its bookmark (``sb_<hash>``, see
  :mod:`strategy_builder.ooxml.markers`), whose value is the section ID.

Word and LibreOffice keep custom properties through an edit-and-save, so a returned file still says which
partner and draft it answers and which section each bookmark is. This module is the one reader and the
one writer of both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from strategy_builder.ooxml.markers import BOOKMARK_PREFIX
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.properties import read_custom_properties, write_custom_properties

STAMP_PREFIX = "strategy_builder."
"""Prefix of the custom properties a build stamps (``strategy_builder.partner`` ...)."""


@dataclass(frozen=True, slots=True)
class DraftStamps:
    """Which partner and draft a document is, and what it was made from (``""``: not stamped)."""

    partner: str = ""
    draft: str = ""
    """The draft label: ``003``, or ``PREVIEW`` for a preview."""
    version: str = ""
    """The version of strategy-builder that made the document."""
    inputs_sha256: str = ""
    template_sha256: str = ""
    series: str = ""
    """``overview`` for the regional overview (numbered under ``build/overview/``); empty for drafts."""

    @property
    def made_by_strategy_builder(self) -> bool:
        """Whether the document carries a partner and a draft label, as every draft and preview does."""
        return bool(self.partner and self.draft)

    def as_dict(self) -> dict[str, str]:
        """The stamps the document carries, by name (``partner``, ``draft``...), in name order."""
        return {item.name: getattr(self, item.name) for item in sorted(fields(self), key=lambda f: f.name)
                if getattr(self, item.name)}


@dataclass(frozen=True, slots=True)
class DocumentStamps:
    """Everything a document says about itself: its stamps and bookmark name -> section ID."""

    stamps: DraftStamps
    sections: dict[str, str]


_STAMP_NAMES = frozenset(item.name for item in fields(DraftStamps))


def read_stamps(package: DocxPackage) -> DocumentStamps:
    """The stamps and section names of ``package`` (empty for a document strategy-builder did not make)."""
    properties = read_custom_properties(package)
    stamps = {name[len(STAMP_PREFIX):]: value.strip() for name, value in properties.items()
              if name.startswith(STAMP_PREFIX) and name[len(STAMP_PREFIX):] in _STAMP_NAMES}
    sections = {name: value for name, value in properties.items() if name.startswith(BOOKMARK_PREFIX)}
    return DocumentStamps(DraftStamps(**stamps), sections)


def write_stamps(package: DocxPackage, stamps: DraftStamps, sections: Mapping[str, str]) -> None:
    """Write the stamps that have a value and the section names (bookmark name -> section ID) into the
    custom properties; other custom properties of the template are kept."""
    values = {f"{STAMP_PREFIX}{name}": value for name, value in stamps.as_dict().items()}
    values.update(sections)
    write_custom_properties(package, values)  # written in name order, whatever the order here


__all__ = ["STAMP_PREFIX", "DocumentStamps", "DraftStamps", "read_stamps", "write_stamps"]
