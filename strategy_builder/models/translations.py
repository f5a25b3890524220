"""Translations as inputs: which source values a language version translates, and where each one stands.

A translation file (``inputs/translations/<language>/<CODE>.yaml``, and ``.../strategy.yaml`` for the
texts of ``strategy.yaml``) maps *translation keys* to entries ``{source: <fingerprint>, text: ...}``. A
key is the field path of the source value, with the IDs the source gives its list items instead of their
positions wherever it has them: priorities by ``id``, states and stakeholders by ``code``::

    areas.legal_migration.priorities[seasonal-work].rationale
    areas.legal_migration.priorities[seasonal-work].actions[0].text      (actions have no ID: position)
    stakeholders[IOM].name

The fingerprint is a short hash of the source text the translation was made from: when the source
changes, the fingerprints differ and the translation is *stale*. It hashes the text as the draft prints
it (paragraphs, bullets and their words, whatever the spaces between them), so rewrapping a YAML block
changes nothing.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from strategy_builder import cldr
from strategy_builder.models.areas import AREA_KEYS
from strategy_builder.models.inputs import PartnerFile, StrategyFile
from strategy_builder.models.prose import Block, parse_prose
from strategy_builder.models.section_records import area_id, key_figures_id, priority_id, situation_id
from strategy_builder.models.source_map import FieldPath

FINGERPRINT_LENGTH = 12
FINGERPRINT_PATTERN = re.compile(rf"^[0-9a-f]{{{FINGERPRINT_LENGTH}}}$")

STRATEGY_SUBJECT = "strategy"
"""The subject of the translation of ``strategy.yaml`` (partners are subjects by their code)."""

ValueState = Literal["translated", "missing", "stale", "cldr"]
"""``translated``: from the current source; ``stale``: from an older source text; ``missing``: none;
``cldr``: a country name CLDR gives in the language, used unless the file translates it."""


def prose_text(blocks: list[Block]) -> str:
    """Blocks written back in the prose syntax: paragraphs separated by blank lines, bullets as ``- ``."""
    parts: list[str] = []
    for index, block in enumerate(blocks):
        if index:
            parts.append("\n" if block.kind == "bullet" and blocks[index - 1].kind == "bullet" else "\n\n")
        parts.append(f"- {block.text}" if block.kind == "bullet" else block.text)
    return "".join(parts)


def normalised(text: str) -> str:
    """The text as a draft prints it, in the prose syntax: what a translator translates."""
    return prose_text(parse_prose(text))


@functools.lru_cache(maxsize=8192)
def fingerprint(text: str) -> str:
    """The fingerprint of a source text: the first 12 hex digits of the sha256 of its printed form.

    Remembered per text: every check, preview and build fingerprints each translated value, and a watcher
    (``build --preview --watch``) does so on every save, for values that mostly did not change."""
    printed = "\n".join(f"{block.kind}\t{' '.join(block.text.split())}" for block in parse_prose(text))
    return hashlib.sha256(printed.encode("utf-8")).hexdigest()[:FINGERPRINT_LENGTH]


@functools.lru_cache(maxsize=8192)
def structure(text: str) -> tuple[str, ...]:
    """The kinds of the blocks of a text (``paragraph``, ``bullet``): a translation must keep them, or
    the paragraph numbers of the language versions would differ."""
    return tuple(block.kind for block in parse_prose(text))


class SourceValue(NamedTuple):
    """One translatable value of a source file."""

    key: str
    """The translation key (IDs instead of positions where the source has them)."""
    path: FieldPath
    """Where the value is in the source file (positions; for the file's line and column)."""
    text: str
    """The value, as the model holds it."""
    prose: bool
    """Paragraphs and bullets (a long text) rather than one line."""
    max_length: int
    section_id: str | None
    """The tracked section the value is printed in; ``None`` for the front matter and annexes."""
    territory: str | None = None
    """A country's name: without a translation, a language version prints CLDR's name of this country."""

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.text)


LINE, PROSE, FIGURE = 300, 20_000, 40


def partner_values(model: PartnerFile) -> list[SourceValue]:
    """Every translatable value of a partner file, in file order."""
    code = model.code
    values: list[SourceValue] = []

    def add(key: str, path: FieldPath, text: str | None, prose: bool, section: str | None,
            max_length: int = LINE, territory: str | None = None) -> None:
        if text:
            values.append(SourceValue(key, path, text, prose, PROSE if prose else max_length, section, territory))

    add("name", ("name",), model.name, False, situation_id(code), territory=code)
    add("official_name", ("official_name",), model.official_name, False, situation_id(code))
    add("summary", ("summary",), model.summary, True, None)
    for index, authority in enumerate(model.authorities):
        add(f"authorities[{index}].name", ("authorities", index, "name"), authority.name, False, situation_id(code))
        add(f"authorities[{index}].role", ("authorities", index, "role"), authority.role, False, situation_id(code))
    add("situation", ("situation",), model.situation, True, situation_id(code))
    for index, figure in enumerate(model.key_figures):
        base = ("key_figures", index)
        for name in ("label", "value", "unit", "source"):
            add(f"key_figures[{index}].{name}", (*base, name), getattr(figure, name), False, key_figures_id(code),
                FIGURE if name == "value" else LINE)
    for area_key, area in model.areas.items():
        add(f"areas.{area_key}.no_priorities_reason", ("areas", area_key, "no_priorities_reason"),
            area.no_priorities_reason if not area.priorities else None, True, area_id(code, area_key))
        for p_index, priority in enumerate(area.priorities):
            key = f"areas.{area_key}.priorities[{priority.id}]"
            path: FieldPath = ("areas", area_key, "priorities", p_index)
            section = priority_id(code, area_key, priority.id)
            add(f"{key}.title", (*path, "title"), priority.title, False, section)
            add(f"{key}.rationale", (*path, "rationale"), priority.rationale, True, section)
            add(f"{key}.cooperation", (*path, "cooperation"), priority.cooperation, True, section)
            for a_index, action in enumerate(priority.actions):
                add(f"{key}.actions[{a_index}].text", (*path, "actions", a_index, "text"), action.text, True, section)
            if priority.expected_impact is not None:
                add(f"{key}.expected_impact.text", (*path, "expected_impact", "text"), priority.expected_impact.text,
                    True, section)
            for r_index, reference in enumerate(priority.references):
                add(f"{key}.references[{r_index}].title", (*path, "references", r_index, "title"), reference.title,
                    False, section)
    return values


def strategy_values(model: StrategyFile) -> list[SourceValue]:
    """Every translatable value of ``strategy.yaml``, in file order."""
    values: list[SourceValue] = []

    def add(key: str, path: FieldPath, text: str | None, prose: bool = False, territory: str | None = None) -> None:
        if text:
            values.append(SourceValue(key, path, text, prose, PROSE if prose else LINE, None, territory))

    series = model.series
    add("series.title", ("series", "title"), series.title)
    add("series.subtitle", ("series", "subtitle"), series.subtitle)
    add("series.disclaimer", ("series", "disclaimer"), series.disclaimer, True)
    add("series.classification", ("series", "classification"), series.classification)
    for index, state in enumerate(model.states):
        add(f"states[{state.code}].name", ("states", index, "name"), state.name, territory=state.code)
        add(f"states[{state.code}].institution", ("states", index, "institution"), state.institution)
    for index, stakeholder in enumerate(model.stakeholders):
        add(f"stakeholders[{stakeholder.code}].name", ("stakeholders", index, "name"), stakeholder.name)
    add("drafting_team.name", ("drafting_team", "name"), model.drafting_team.name)
    add("drafting_team.organisation", ("drafting_team", "organisation"), model.drafting_team.organisation)
    for index, recipient in enumerate(model.consultation.recipients):
        add(f"consultation.recipients[{index}]", ("consultation", "recipients", index), recipient)
    add("introduction", ("introduction",), model.introduction, True)
    for code, name in model.abbreviations.items():
        add(f"abbreviations.{code}", ("abbreviations", code), name)
    return values


_SELECTOR = re.compile(r"\[[^\]]*\]")
_AREAS = "|".join(AREA_KEYS)
_PARTNER_SHAPES = re.compile(
    r"^(?:name|official_name|summary|situation|authorities\[\*\]\.(?:name|role)"
    r"|key_figures\[\*\]\.(?:label|value|unit|source)"
    rf"|areas\.(?:{_AREAS})\.no_priorities_reason"
    rf"|areas\.(?:{_AREAS})\.priorities\[\*\]\.(?:title|rationale|cooperation|actions\[\*\]\.text"
    r"|expected_impact\.text|references\[\*\]\.title))$")
_STRATEGY_SHAPES = re.compile(
    r"^(?:series\.(?:title|subtitle|disclaimer|classification)|states\[\*\]\.(?:name|institution)"
    r"|stakeholders\[\*\]\.name|drafting_team\.(?:name|organisation)|consultation\.recipients\[\*\]"
    r"|introduction|abbreviations\.[A-Z][A-Za-z0-9&.-]{1,19})$")


_ABBREVIATED = re.compile(
    r"^(?:abbreviations\.(?P<code>[A-Z][A-Za-z0-9&.-]{1,19})|stakeholders\[(?P<stakeholder>[^\]]+)\]\.name)$")


def abbreviated_code(key: str) -> str | None:
    """The source's code whose full name the key of strategy.yaml translates (``abbreviations.EU`` -> ``EU``,
    ``stakeholders[UNHCR].name`` -> ``UNHCR``): the entries that may give the language's abbreviation."""
    match = _ABBREVIATED.match(key)
    return (match.group("code") or match.group("stakeholder")) if match else None


def is_translatable_key(key: str, subject: str) -> bool:
    """Whether ``key`` names a translatable field of a partner file (or of strategy.yaml when ``subject`` is
    :data:`STRATEGY_SUBJECT`), whether or not the source has a value there now."""
    shape = _SELECTOR.sub("[*]", key)
    return bool((_STRATEGY_SHAPES if subject == STRATEGY_SUBJECT else _PARTNER_SHAPES).match(shape))


class TranslationEntry(NamedTuple):
    """One translated value as a translation file holds it."""

    key: str
    text: str
    source: str
    """The fingerprint of the source text it was translated from."""
    line: int | None = None
    column: int | None = None
    text_line: int | None = None
    """Where ``text`` is written (for findings about the translated text)."""
    note: str | None = None
    """The translator's note (kept through export and import)."""
    abbreviation: str | None = None
    """How the language abbreviates this full name (``ЕС`` for ``abbreviations.EU``, ``УВКБ ООН`` for
    ``stakeholders[UNHCR].name``): the version's texts may use it, and its list of abbreviations explains it."""


class ValueStatus(NamedTuple):
    """Where one source value stands in one language."""

    value: SourceValue
    state: ValueState
    entry: TranslationEntry | None

    def printed(self, language: str) -> str:
        """What the version in ``language`` prints: the translation (also a stale one), CLDR's name of the
        country, or the source text."""
        if self.entry is not None and self.state in ("translated", "stale"):
            return self.entry.text
        if self.state == "cldr" and self.value.territory is not None:
            return cldr.territory_name(self.value.territory, language) or self.value.text
        return self.value.text

    @property
    def pending(self) -> bool:
        """Printed in the source language, marked "translation pending" (missing or stale)."""
        return self.state in ("missing", "stale")


@dataclass(slots=True)
class SubjectTranslation:
    """One source file in one language: where each of its values stands."""

    language: str
    subject: str
    """A partner code, or :data:`STRATEGY_SUBJECT`."""
    source_file: str
    translation_file: str
    file_exists: bool
    values: list[ValueStatus] = field(default_factory=list)
    sha256: str | None = None
    """sha256 of the translation file as read (``None``: there is none)."""

    def counts(self) -> dict[str, int]:
        found = Counter(status.state for status in self.values)
        return {"translated": found["translated"] + found["cldr"], "missing": found["missing"],
                "stale": found["stale"], "total": len(self.values)}

    @property
    def pending(self) -> list[ValueStatus]:
        return [status for status in self.values if status.pending]

    def by_key(self) -> dict[str, ValueStatus]:
        return {status.value.key: status for status in self.values}

    def abbreviation_forms(self) -> dict[str, str]:
        """The language's abbreviations its entries declare, each with the source's code it stands for
        (``{"ЕС": "EU", "УВКБ ООН": "UNHCR"}``; a stale entry's too: the name it explains is pending)."""
        forms: dict[str, str] = {}
        for status in self.values:
            code = abbreviated_code(status.value.key)
            if status.entry is not None and status.entry.abbreviation and code is not None:
                forms.setdefault(status.entry.abbreviation, code)
        return forms


def value_statuses(values: list[SourceValue], entries: dict[str, TranslationEntry]) -> Iterator[ValueStatus]:
    """Each source value with its translation's state."""
    for value in values:
        entry = entries.get(value.key)
        if entry is None:
            # Every declared state code is an ISO country code, and CLDR names every ISO country.
            yield ValueStatus(value, "cldr" if value.territory else "missing", None)
        elif entry.source != value.fingerprint:
            yield ValueStatus(value, "stale", entry)
        else:
            yield ValueStatus(value, "translated", entry)


@dataclass(slots=True)
class Translations:
    """Every declared language version of a project: per (language, subject), where its values stand."""

    source_language: str = "en"
    subjects: dict[tuple[str, str], SubjectTranslation] = field(default_factory=dict)

    def of(self, language: str, subject: str) -> SubjectTranslation | None:
        return self.subjects.get((language, subject))

    @property
    def languages(self) -> list[str]:
        return list(dict.fromkeys(language for language, _ in self.subjects))

    def partners(self, language: str) -> list[str]:
        """The partners with a version in ``language``, sorted."""
        return sorted(subject for lang, subject in self.subjects if lang == language and subject != STRATEGY_SUBJECT)

    def __bool__(self) -> bool:
        return bool(self.subjects)

