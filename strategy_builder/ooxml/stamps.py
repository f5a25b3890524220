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
from typing import NamedTuple

from strategy_builder.ooxml.markers import BOOKMARK_PREFIX
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.properties import read_custom_properties, write_custom_properties

STAMP_PREFIX = "strategy_builder."
"""Prefix of the custom properties a build stamps (``strategy_builder.partner`` ...)."""


class DraftStamps(NamedTuple):
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
    language: str = ""
    """The language of a language version (``ru``); empty for a document in the source language."""

    @property
    def made_by_strategy_builder(self) -> bool:
        """Whether the document carries a partner and a draft label, as every draft and preview does."""
        return bool(self.partner and self.draft)

    def as_dict(self) -> dict[str, str]:
        """The stamps the document carries, by name (``partner``, ``draft``...), in name order."""
        return {name: getattr(self, name) for name in sorted(self._fields) if getattr(self, name)}


class DocumentStamps(NamedTuple):
    """Everything a document says about itself: its stamps and bookmark name -> section ID."""

    stamps: DraftStamps
    sections: dict[str, str]


_STAMP_NAMES = frozenset(DraftStamps._fields)


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


# ------------------------------------------------------------------------------- consolidated returns

CONSOLIDATION_PREFIX = f"{STAMP_PREFIX}consolidation."
"""Custom properties ``strategy_builder.consolidation.000``, ``.001``... hold a consolidated file's record,
as JSON cut into pieces: Word keeps a custom property's text only up to 255 characters."""
_CHUNK = 200
CONSOLIDATION_AUTHOR = "strategy-builder"
"""The author of the comments that ``consolidate`` writes itself (on clashes); they are no ministry's."""


class DroppedChange(NamedTuple):
    """A ministry's tracked change that a consolidated file does not apply (another ministry's change to the
    same words came first), as a reader of that ministry's own return would have found it."""

    ministry: str
    kind: str
    """``insertion``, ``deletion`` or ``formatting``."""
    author: str
    date: str
    text: str
    section_id: str
    """The innermost tracked section of the changed words (``""``: outside every section)."""
    heading: str
    """The nearest heading at or before them."""


class Consolidation(NamedTuple):
    """What a file made by ``consolidate`` says about itself: its ministries (in the order their files were
    merged), those files' names, and the changes not applied because of clashes."""

    ministries: tuple[str, ...]
    files: tuple[str, ...] = ()
    dropped: tuple[DroppedChange, ...] = ()

    def split_author(self, label: str) -> tuple[str, str] | None:
        """``"Anna Petrosyan (Ministry of Labour)"`` -> ``("Anna Petrosyan", "Ministry of Labour")`` when the
        label ends with one of the file's ministries; ``None`` otherwise (an author added after merging)."""
        for ministry in sorted(self.ministries, key=len, reverse=True):
            if label == f"({ministry})":
                return "", ministry
            if label.endswith(f" ({ministry})"):
                return label[:-len(ministry) - 3], ministry
        return None


def author_label(author: str, ministry: str) -> str:
    """The author a consolidated file records: the original author and the ministry, ``Author (Ministry)``."""
    return f"{author} ({ministry})" if author else f"({ministry})"


def read_consolidation(package: DocxPackage) -> Consolidation | None:
    """The record of a consolidated file; ``None`` for any other document (or a record that cannot be read)."""
    properties = read_custom_properties(package)
    pieces = [properties[name] for name in sorted(properties) if name.startswith(CONSOLIDATION_PREFIX)]
    if not pieces:
        return None
    import json  # here: only a consolidated file has a record

    try:
        data = json.loads("".join(pieces))
        return Consolidation(
            ministries=tuple(str(m) for m in data["ministries"]), files=tuple(str(f) for f in data.get("files", [])),
            dropped=tuple(DroppedChange(*(str(v) for v in entry)) for entry in data.get("dropped", [])))
    except (ValueError, KeyError, TypeError):
        return None


def write_consolidation(package: DocxPackage, record: Consolidation) -> None:
    """Write the record of a consolidated file into its custom properties (other properties are kept)."""
    import json

    text = json.dumps({"format": 1, "ministries": list(record.ministries), "files": list(record.files),
                       "dropped": [list(d) for d in record.dropped]},
                      ensure_ascii=False, separators=(",", ":"))
    chunks = [text[i:i + _CHUNK] for i in range(0, len(text), _CHUNK)]
    write_custom_properties(package, {f"{CONSOLIDATION_PREFIX}{n:03d}": chunk for n, chunk in enumerate(chunks)})


__all__ = ["CONSOLIDATION_AUTHOR", "STAMP_PREFIX", "Consolidation", "DocumentStamps", "DraftStamps", "DroppedChange",
           "author_label", "read_consolidation", "read_stamps", "write_consolidation", "write_stamps"]
