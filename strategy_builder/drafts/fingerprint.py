"""What a draft is made from, as one hash: a build whose fingerprint equals the latest draft's writes nothing.

Kept apart from :mod:`strategy_builder.drafts.builder` so that ``check`` can compare the inputs with the latest
draft without importing the rendering stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from strategy_builder.models.project import Project
from strategy_builder.models.section_records import stable_hash

if TYPE_CHECKING:
    from strategy_builder.models.manifest import ManifestLanguageDocument, ManifestPartner


def draft_fingerprint(project: Project, template_sha256: str) -> str:
    """The fingerprint of the draft the project's inputs, translations and template (by its SHA-256) give."""
    inputs = {"strategy": project.strategy_document.sha256, "template": template_sha256,
              "partners": {p.code: p.document.sha256 for p in project.partners}}
    if project.translations:  # a project without language versions keeps the fingerprint it always had
        inputs["translations"] = {f"{language}/{subject}": status.sha256
                                  for (language, subject), status in sorted(project.translations.subjects.items())}
    return stable_hash(inputs)


def preview_fingerprint(strategy_sha256: str, template_sha256: str, partners: list[ManifestPartner],
                        language_versions: list[ManifestLanguageDocument]) -> str:
    """The fingerprint of a preview: of the inputs its documents were made from, as its entries record them.

    A preview is brought up to date partner by partner (``--partner``, the watcher), from a project loaded for
    those partners only; the entries of the others are kept. Hashing the entries, not the loaded project, gives
    a preview the same fingerprint (and manifest bytes) however it came to hold the documents it holds."""
    inputs: dict[str, object] = {"strategy": strategy_sha256, "template": template_sha256,
                                 "partners": {p.code: p.input_sha256 for p in partners}}
    if language_versions:
        inputs["translations"] = {f"{d.language}/{d.code}": [d.translation_sha256, d.strategy_translation_sha256]
                                  for d in sorted(language_versions, key=lambda d: (d.language, d.code))}
    return stable_hash(inputs)


__all__ = ["draft_fingerprint", "preview_fingerprint"]
