"""A validated project: the strategy settings and every partner, each with the YAML source it came from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from strategy_builder.inputs.yamlsource import FieldPath, YamlDocument
from strategy_builder.models.inputs import PartnerFile, StrategyFile


@dataclass(frozen=True, slots=True)
class SourcedPartner:
    """A partner's model together with its YAML document (for file and line of every field)."""

    model: PartnerFile
    document: YamlDocument

    @property
    def code(self) -> str:
        return self.model.code

    def line_of(self, path: FieldPath) -> int | None:
        """The line where ``path`` is written, or of its nearest written ancestor."""
        position = self.document.source_map.locate(path)
        return position[0] if position else None


@dataclass(frozen=True, slots=True)
class Project:
    """Everything a build needs from ``inputs/``, validated."""

    root: Path
    strategy: StrategyFile
    strategy_document: YamlDocument
    partners: tuple[SourcedPartner, ...]

    def partner(self, code: str) -> SourcedPartner | None:
        return next((p for p in self.partners if p.code == code), None)

    @property
    def template_path(self) -> Path:
        return (self.root / self.strategy.build.template).resolve()
