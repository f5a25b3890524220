"""A validated project: the strategy settings and every partner, each with the YAML source it came from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from strategy_builder.models.inputs import PartnerFile, StrategyFile
from strategy_builder.models.source_map import FieldPath, YamlDocument
from strategy_builder.models.translations import Translations
from strategy_builder.resources import DEFAULT_TEMPLATE, packaged_template


class SourcedPartner:
    """A partner's model together with its YAML document (for file and line of every field).

    A partner read from the input cache is *deferred*: its file validated cleanly before, byte for byte,
    and its model is validated again only when first used, so that a preview which re-renders one
    partner does not pay for the others.
    """

    __slots__ = ("_model", "_validate", "code", "document")

    def __init__(self, model: PartnerFile, document: YamlDocument) -> None:
        self._model: PartnerFile | None = model
        self._validate: Callable[[], PartnerFile] | None = None
        self.code: str = model.code
        self.document = document

    @classmethod
    def deferred(cls, code: str, document: YamlDocument, validate: Callable[[], PartnerFile]) -> SourcedPartner:
        """A partner whose model ``validate`` produces when first asked for; ``code`` is its (known) code."""
        partner = cls.__new__(cls)
        partner._model, partner._validate, partner.code, partner.document = None, validate, code, document
        return partner

    @property
    def model(self) -> PartnerFile:
        if self._model is None:
            assert self._validate is not None
            self._model, self._validate = self._validate(), None
        return self._model

    def line_of(self, path: FieldPath) -> int | None:
        """The line where ``path`` is written, or of its nearest written ancestor."""
        position = self.document.source_map.locate(path)
        return position[0] if position else None

    def __repr__(self) -> str:
        return f"SourcedPartner({self.code!r}, {self.document.display_name!r})"


@dataclass(frozen=True, slots=True)
class Project:
    """Everything a build needs from ``inputs/``, validated."""

    root: Path
    strategy: StrategyFile
    strategy_document: YamlDocument
    partners: tuple[SourcedPartner, ...]
    translations: Translations = field(default_factory=Translations)
    """The declared language versions and where their values stand (empty without ``languages``)."""

    def partner(self, code: str) -> SourcedPartner | None:
        return next((p for p in self.partners if p.code == code), None)

    @property
    def template_path(self) -> Path:
        """The Word template of the project: ``build.template``, or the default template shipped with
        strategy-builder when the project has no ``templates/`` folder and keeps the default setting."""
        if self.uses_packaged_template:
            return packaged_template()
        return (self.root / self.strategy.build.template).resolve()

    @property
    def uses_packaged_template(self) -> bool:
        """Whether the project builds with the packaged default template (it has no ``templates/`` folder and
        ``build.template`` is the default ``templates/strategy.docx``)."""
        template = self.strategy.build.template
        return (template == DEFAULT_TEMPLATE and not (self.root / DEFAULT_TEMPLATE).exists()
                and not (self.root / Path(DEFAULT_TEMPLATE).parent).exists())
