"""The build manifest (``build/drafts/NNN/manifest.json``): what a draft contains and where it came from.

Format 2 records each section's status as :mod:`strategy_builder.models.section_changes` classifies it
(``added``, ``removed``, ``moved``, ``renumbered``, ``changed``, ``unchanged``) with the section's previous
ID, number and title. Format 1 manifests (statuses ``new``, ``changed``, ``unchanged``, ``removed``) are
still read: :meth:`Manifest.from_json` reads ``new`` as ``added`` and leaves the previous-side fields
empty. Any other format is not read (the draft is then compared as a folder of documents).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from strategy_builder.models.defaults import empty_dict, empty_list
from strategy_builder.models.section_changes import ChangeStatus, SectionFacts, draft_section_facts

MANIFEST_FORMAT = 2
"""Bumped when the manifest's shape changes incompatibly; :data:`READABLE_FORMATS` are read."""
READABLE_FORMATS = (1, 2)

SectionStatus = ChangeStatus


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ManifestSection(_Model):
    """One tracked section of one partner's draft."""

    id: str = Field(description="Stable section ID, e.g. AM/legal_migration/seasonal-work")
    kind: Literal["situation", "area", "priority", "key_figures", "chapter", "partner_area"] = Field(
        description="situation, area, priority, key_figures (drafts); chapter, area, partner_area (the overview)")
    number: str = Field(description="Chapter or paragraph number printed in the draft (e.g. 4.2)")
    title: str
    bookmark: str = Field(description="Name of the Word bookmark that carries the section in the .docx")
    content_hash: str = Field(description="sha256 of the section's input data (canonical JSON)")
    source_file: str = Field(description="Input file, relative to the project folder; empty for a section of "
                                         "the overview that sums over every partner")
    source_line: int | None = Field(description="Line of the section's entry in the input file")
    source_path: str = Field(description="Field path of the section's entry, e.g. areas.integration.priorities.0")
    status: SectionStatus = Field(description="Compared with the previous draft: added, removed, moved, "
                                              "renumbered, changed or unchanged")
    edited: bool = Field(False, description="Its content changed (true for changed; for moved: moved and edited)")
    previous_id: str | None = Field(None, description="ID in the previous draft (differs after a move to "
                                                      "another area); null when added")
    previous_number: str | None = Field(None, description="Number in the previous draft; null when added")
    previous_title: str | None = Field(None, description="Title in the previous draft; null when added")
    responds_to: list[str] = Field(
        default_factory=empty_list,
        description="Register row IDs the section's entries answer (responds_to in the inputs)")
    priority_status: str | None = Field(
        None, description="A priority's status in this draft (proposed, agreed, bracketed, withdrawn)")

    def facts(self) -> SectionFacts:
        """What the classification of changes compares (:mod:`strategy_builder.models.section_changes`)."""
        return draft_section_facts(self.id, self.kind, self.title, self.number, self.content_hash)


class ManifestPartner(_Model):
    """One partner's document in a draft."""

    code: str
    name: str
    file: str = Field(description="File name of the .docx inside the draft folder")
    docx_sha256: str
    input_file: str
    input_sha256: str = Field(description="sha256 of the partner's YAML file")
    words: int
    sections: list[ManifestSection]
    removed_sections: list[ManifestSection] = Field(
        default_factory=empty_list, description="Sections of the previous draft that this draft no longer has")
    pages: int | None = Field(None, description="Pages of the document as LibreOffice laid it out (null: not laid "
                                                "out)")
    pdf_file: str | None = Field(None, description="File name of the PDF inside the draft folder (build --pdf)")
    pdf_sha256: str | None = None


class ManifestTranslatedSection(_Model):
    """Where one section of a language version stands: what its translatable source text and its printed
    translation were (hashes), and how many of its values were printed untranslated."""

    id: str = Field(description="The section ID (the source's), or <CODE>/front-matter for the texts outside "
                                "tracked sections (summary, strategy.yaml's texts)")
    source_hash: str = Field(description="sha256 over the fingerprints of the section's translatable source "
                                         "values (changes when their text changes, not when a timeline does)")
    translation_hash: str = Field(description="sha256 over their translations as the translation files hold them "
                                              "(changes when a translation is made or edited)")
    values: int = Field(description="Translatable values in the section")
    pending: int = Field(0, description="Values printed in the source language, marked 'translation pending'")


class ManifestPendingValue(_Model):
    """A value a language version printed in the source language (its translation missing or stale)."""

    key: str = Field(description="Translation key, e.g. areas.integration.priorities[language-courses].title")
    state: Literal["missing", "stale"]
    source_file: str
    source_line: int | None
    section_id: str | None


class ManifestLanguageDocument(_Model):
    """One partner's document in a language other than the source (``ru/AM.docx``)."""

    code: str
    language: str = Field(description="The language of the document (ISO 639), e.g. ru")
    file: str = Field(description="Path inside the draft folder, e.g. ru/AM.docx")
    docx_sha256: str
    words: int
    pages: int | None = None
    pdf_file: str | None = None
    pdf_sha256: str | None = None
    translation_file: str = Field(description="The partner's translation file, relative to the project folder")
    translation_sha256: str | None = Field(description="sha256 of the translation file (null: none)")
    strategy_translation_sha256: str | None = Field(
        description="sha256 of inputs/translations/<language>/strategy.yaml (null: none)")
    sections: list[ManifestTranslatedSection]
    pending: list[ManifestPendingValue] = Field(
        default_factory=empty_list, description="Values printed untranslated (build --allow-untranslated, previews)")


class ManifestLayout(_Model):
    """What the page numbers of the contents rest on: they come from LibreOffice's layout, so they depend on
    its version and on the fonts it found."""

    contents_pages: bool = Field(description="The contents carries page numbers (a layout pass ran)")
    engine: str = Field(description="The LibreOffice that laid the drafts out, e.g. 'LibreOffice 7.4.7.2'; '' "
                                    "when none did")
    fonts: dict[str, str] = Field(default_factory=empty_dict,
                                  description="Each font of the template -> the font the layout used for it")
    note: str = Field("", description="Why there was no layout pass, or what to know about it")


class Manifest(_Model):
    """Everything a later build, diff or comment import needs to know about a draft."""

    format: int = MANIFEST_FORMAT
    tool: str = "strategy-builder"
    series: Literal["drafts", "overview"] = Field(
        "drafts", description="drafts: one strategy per partner (build/drafts/); overview: the regional overview "
                              "(build/overview/), whose one document is listed under partners")
    tool_version: str
    draft: int | None = Field(description="Draft number; null for a preview")
    previous_draft: int | None
    fingerprint: str = Field(description="sha256 over the inputs and the template; equal means nothing changed")
    template_file: str
    template_sha256: str
    strategy_file: str
    strategy_sha256: str
    consultation_round: int
    issued: str
    deadline: str | None = Field(None, description="The deadline for comments of the draft's round (from "
                                                   "strategy.yaml); null in drafts made before it was recorded")
    partners: list[ManifestPartner]
    layout: ManifestLayout | None = Field(None, description="The layout pass of the contents (drafts only)")
    language_versions: list[ManifestLanguageDocument] = Field(
        default_factory=empty_list, description="The documents of the declared languages other than the source "
                                                "(absent from the file when there are none)")

    @classmethod
    def from_json(cls, data: bytes | str) -> Manifest:
        """Read a manifest of any readable format; raises ``ValueError`` for anything else."""
        raw = json.loads(data)
        if not isinstance(raw, dict) or raw.get("format") not in READABLE_FORMATS:
            raise ValueError(f"not a manifest of format {', '.join(map(str, READABLE_FORMATS))}")
        if raw["format"] == 1:
            raw = _from_format_1(raw)
        return cls.model_validate(raw)

    def partner(self, code: str) -> ManifestPartner | None:
        return next((p for p in self.partners if p.code == code), None)

    def language_document(self, code: str, language: str) -> ManifestLanguageDocument | None:
        return next((d for d in self.language_versions if d.code == code and d.language == language), None)

    def section_index(self) -> dict[str, tuple[ManifestPartner, ManifestSection]]:
        """Section ID -> (partner, section) over the whole draft."""
        return {s.id: (p, s) for p in self.partners for s in p.sections}


def _from_format_1(raw: dict[str, Any]) -> dict[str, Any]:
    """A format 1 manifest in the shape of format 2: ``new`` is ``added``; nothing else is known."""
    for partner in raw.get("partners") or []:
        if not isinstance(partner, dict):
            continue
        for section in [*(partner.get("sections") or []), *(partner.get("removed_sections") or [])]:
            if isinstance(section, dict) and section.get("status") == "new":
                section["status"] = "added"
            elif isinstance(section, dict) and section.get("status") == "changed":
                section["edited"] = True
    return {**raw, "format": MANIFEST_FORMAT}
