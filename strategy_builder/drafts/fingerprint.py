"""What a draft is made from, as one hash: a build whose fingerprint equals the latest draft's writes nothing.

Kept apart from :mod:`strategy_builder.drafts.builder` so that ``check`` can compare the inputs with the latest
draft without importing the rendering stack.
"""

from __future__ import annotations

from strategy_builder.models.project import Project
from strategy_builder.models.section_records import stable_hash


def draft_fingerprint(project: Project, template_sha256: str) -> str:
    """The fingerprint of the draft the project's inputs, translations and template (by its SHA-256) give."""
    inputs = {"strategy": project.strategy_document.sha256, "template": template_sha256,
              "partners": {p.code: p.document.sha256 for p in project.partners}}
    if project.translations:  # a project without language versions keeps the fingerprint it always had
        inputs["translations"] = {f"{language}/{subject}": status.sha256
                                  for (language, subject), status in sorted(project.translations.subjects.items())}
    return stable_hash(inputs)


__all__ = ["draft_fingerprint"]
