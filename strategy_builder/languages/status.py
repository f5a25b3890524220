"""``translate status``: where every declared language version stands, per partner and language."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from strategy_builder.errors import Findings, InputProblems
from strategy_builder.layout import require_project
from strategy_builder.languages.loading import UNTRANSLATED, load_project_with_translations
from strategy_builder.models.project import Project
from strategy_builder.models.translations import STRATEGY_SUBJECT, SourceValue, SubjectTranslation, Translations


class TranslationStatus(NamedTuple):
    """The translations of a project as ``translate status`` shows them, and the findings of reading them."""

    project: Project
    translations: Translations
    findings: Findings

    @property
    def problems(self) -> Findings:
        """The findings other than missing and stale values, which the status counts per file instead."""
        return Findings([f for f in self.findings if f.code not in UNTRANSLATED])

    def source_location(self, status: SubjectTranslation, value: SourceValue) -> str:
        """``inputs/partners/KZ.yaml:59``: where a value is written in the source."""
        partner = self.project.partner(status.subject)
        source = partner.document if partner is not None else self.project.strategy_document
        position = source.source_map.locate(value.path)
        return f"{status.source_file}:{position[0]}" if position else status.source_file

    def to_json(self) -> dict[str, Any]:
        """The stable machine-readable form (docs/cli.md, ``translate status``)."""
        return {"source_language": self.translations.source_language,
                "languages": [{"language": language,
                               "subjects": [subject_json(self.project, status)
                                            for (lang, _), status in sorted(self.translations.subjects.items())
                                            if lang == language]}
                              for language in self.translations.languages],
                "findings": [f.to_json() for f in self.findings.sorted()]}


def subject_json(project: Project, status: SubjectTranslation) -> dict[str, Any]:
    partner = project.partner(status.subject)
    source = partner.document if partner is not None else project.strategy_document
    values = []
    for item in status.values:
        position = source.source_map.locate(item.value.path)
        values.append({"key": item.value.key, "state": item.state, "fingerprint": item.value.fingerprint,
                       "section_id": item.value.section_id, "source_line": position[0] if position else None,
                       "translation_line": item.entry.line if item.entry else None})
    return {"subject": status.subject, "source_file": status.source_file,
            "translation_file": status.translation_file, "file_exists": status.file_exists, **status.counts(),
            "values": values}


def translation_status(root: Path) -> TranslationStatus:
    """Read the project and its translations; raises :class:`InputProblems` when the inputs have errors."""
    require_project(root)
    result = load_project_with_translations(root)
    if result.project is None:
        raise InputProblems(result.findings)
    return TranslationStatus(result.project, result.project.translations, result.findings)


__all__ = ["STRATEGY_SUBJECT", "TranslationStatus", "translation_status"]
