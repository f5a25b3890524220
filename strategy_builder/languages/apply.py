"""A language version's models: the source models with every translatable value replaced by its translation.

A value whose translation is missing or stale keeps the source text, marked (each paragraph and bullet)
with the pending marker that the build turns into a highlighted "translation pending" label. The
translated models keep the source's IDs, order and numbers, and the partner keeps its source document,
so that every section, paragraph and YAML line of a language version is the source's.

The translations were checked when they were read (lengths, paragraph structure), so the values are
replaced without validating the models again.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from strategy_builder.models.inputs import PartnerFile, StrategyFile
from strategy_builder.models.project import SourcedPartner
from strategy_builder.models.prose import Block, parse_prose
from strategy_builder.models.source_map import FieldPath
from strategy_builder.models.translations import SubjectTranslation, ValueStatus, prose_text
from strategy_builder.ooxml.markers import PENDING_MARKER


def _replaced(node: Any, path: FieldPath, value: str) -> Any:
    """``node`` (a model, list or dict) with the value at ``path`` replaced; copies, never mutates."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, BaseModel):
        assert isinstance(head, str)
        return node.model_copy(update={head: _replaced(getattr(node, head), rest, value)})
    if isinstance(node, list):
        assert isinstance(head, int)
        items = list(node)
        items[head] = _replaced(items[head], rest, value)
        return items
    if isinstance(node, dict):
        mapping = dict(node)
        mapping[head] = _replaced(mapping[head], rest, value)
        return mapping
    raise TypeError(f"cannot replace inside {type(node).__name__} at {path}")


def marked(text: str, prose: bool) -> str:
    """The source text marked as pending: before each paragraph and bullet of a long text, before a line."""
    if not prose:
        return PENDING_MARKER + text
    return prose_text([Block(block.kind, PENDING_MARKER + block.text) for block in parse_prose(text)])


def _printed(status: ValueStatus, language: str, mark: bool) -> str:
    if status.pending:
        return marked(status.value.text, status.value.prose) if mark else status.value.text
    return status.printed(language)


def _translated(model: Any, translation: SubjectTranslation | None, mark: bool) -> Any:
    if translation is None:
        return model
    for status in translation.values:
        model = _replaced(model, status.value.path, _printed(status, translation.language, mark))
    return model


def translated_partner(partner: SourcedPartner, translation: SubjectTranslation, *, mark: bool = True
                       ) -> SourcedPartner:
    """``partner`` in the translation's language; pending values marked unless ``mark`` is false."""
    model: PartnerFile = _translated(partner.model, translation, mark)
    return SourcedPartner(model, partner.document)


def translated_strategy(strategy: StrategyFile, translation: SubjectTranslation | None, *, mark: bool = True
                        ) -> StrategyFile:
    """``strategy.yaml``'s model in the translation's language (state names default to CLDR's)."""
    result: StrategyFile = _translated(strategy, translation, mark)
    return result


__all__ = ["marked", "translated_partner", "translated_strategy"]
