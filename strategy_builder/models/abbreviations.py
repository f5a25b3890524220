"""Abbreviations a draft uses (``IOM``, ``UNHCR``, ``EU``) and their full names: one rule for the draft and ``check``.

An abbreviation is a word of two or more capital letters (digits may follow: ``G20``) in a text the draft
prints, or a stakeholder code used by an action. Roman numerals (``II``) are not abbreviations. Its full
name comes from ``abbreviations`` in strategy.yaml, else from the stakeholders, else from the states.

A language version reads its own texts: capital letters of any script count (``ЕС``), and so do the
abbreviations its translations declare (``forms``: ``УВКБ ООН`` for UNHCR, written as a whole, spaces
included), each standing for the source's code whose full name the version prints in its language.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterator, Mapping

from strategy_builder.models.inputs import PartnerFile, Status, StrategyFile
from strategy_builder.models.source_map import FieldPath

_TOKEN = re.compile(r"([A-Z](?<![\w&.-][A-Z])[A-Z&]*[A-Z][0-9]*)(?![\w&-])")
"""A word of capitals A-Z (``&`` inside, digits at the end) that no letter, digit, ``_``, ``&``, ``.`` or ``-``
comes before or after. The look-behind is written after the first capital, so that the search skips to the
next capital instead of trying the look-behind at every character (a third of the time over a partner's
texts, which every build, preview and check reads); at the start of a text nothing comes before."""
_ROMAN = re.compile(r"^[IVXLCDM]+$")
_ANY_TOKEN = re.compile(r"(?<![\w&.-])([^\W\d_][^\W\d_&]*(?:&[^\W\d_]+)*[0-9]*)(?![\w&-])")
"""A word of letters of any script (``&`` inside, digits at the end): an abbreviation if its letters are all
capitals (:func:`_is_capitals`)."""


def _is_capitals(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


@functools.lru_cache(maxsize=4096)
def _latin_abbreviations(text: str) -> tuple[str, ...]:
    """:func:`abbreviations_in` a source-language text, remembered: ``check`` and the draft's context read the
    same texts one after the other, and a watcher reads them again at every save (half a millisecond a
    partner file each time; the sample's twelve partner files hold about 1,000 texts)."""
    found: dict[str, None] = {}
    for match in _TOKEN.finditer(text):
        token = match.group(1)
        if not _ROMAN.match(token):
            found.setdefault(token, None)
    return tuple(found)


def abbreviations_in(text: object, forms: Collection[str] = (), *, any_script: bool = False) -> list[str]:
    """The abbreviations written in ``text``, in order of first appearance (none in what is not a text).

    A language version passes its declared ``forms`` (found as whole words, before anything else) and
    ``any_script``: capitals of every script count, not only A-Z."""
    if not isinstance(text, str) or not text:
        return []
    if not any_script:
        return list(_latin_abbreviations(text))
    at: dict[str, int] = {}
    for form in sorted(forms, key=len, reverse=True):
        for match in re.finditer(rf"(?<![\w&.-]){re.escape(form)}(?![\w&-])", text):
            at.setdefault(form, match.start())
            text = text[:match.start()] + " " * len(form) + text[match.end():]
    for match in _ANY_TOKEN.finditer(text):
        token = match.group(1)
        if _is_capitals(token) and not _ROMAN.match(token):
            at.setdefault(token, match.start())
    return sorted(at, key=at.__getitem__)


def full_names(strategy: StrategyFile) -> dict[str, str]:
    """Abbreviation -> full name, from strategy.yaml (its ``abbreviations``, stakeholders, states)."""
    names = {s.code: s.name for s in strategy.states}
    names.update({s.code: s.name for s in strategy.stakeholders})
    names.update(strategy.abbreviations)
    return names


def _strategy_texts(strategy: StrategyFile) -> Iterator[tuple[FieldPath, object]]:
    series, team = strategy.series, strategy.drafting_team
    yield ("series", "title"), series.title
    yield ("series", "subtitle"), series.subtitle
    yield ("series", "classification"), series.classification
    yield ("series", "disclaimer"), series.disclaimer
    yield ("drafting_team", "name"), team.name
    yield ("drafting_team", "organisation"), team.organisation
    yield ("introduction",), strategy.introduction
    for index, recipient in enumerate(strategy.consultation.recipients):
        yield ("consultation", "recipients", index), recipient


def _partner_texts(partner: PartnerFile) -> Iterator[tuple[FieldPath, object]]:
    # A partner file with schema errors is checked part by part (inputs/partial.py): parts that did not
    # validate are None or raw values, and are skipped here.
    yield ("official_name",), partner.official_name
    yield ("summary",), partner.summary
    for index, authority in enumerate(partner.authorities):
        yield ("authorities", index, "name"), authority.name
        yield ("authorities", index, "role"), authority.role
    yield ("situation",), partner.situation
    for index, figure in enumerate(partner.key_figures):
        for name in ("label", "unit", "source"):
            yield ("key_figures", index, name), getattr(figure, name)
    for area_key, area in partner.areas.items():
        if area is None:
            continue
        if not area.priorities:
            yield ("areas", area_key, "no_priorities_reason"), area.no_priorities_reason
        for p_index, priority in enumerate(area.priorities or []):
            if priority is None:
                continue
            base: FieldPath = ("areas", area_key, "priorities", p_index)
            yield (*base, "title"), priority.title
            if priority.status is Status.WITHDRAWN:
                continue  # a withdrawn priority prints its title only
            yield (*base, "rationale"), priority.rationale
            yield (*base, "cooperation"), priority.cooperation
            for a_index, action in enumerate(priority.actions or []):
                if action is None:
                    continue
                yield (*base, "actions", a_index, "text"), action.text
                for s_index, code in enumerate(action.stakeholders or []):
                    yield (*base, "actions", a_index, "stakeholders", s_index), code
            yield (*base, "expected_impact", "text"), getattr(priority.expected_impact, "text", None)
            for r_index, reference in enumerate(priority.references or []):
                yield (*base, "references", r_index, "title"), getattr(reference, "title", None)


def used_in_strategy(strategy: StrategyFile, *, forms: Collection[str] = (), any_script: bool = False
                     ) -> dict[str, FieldPath]:
    """Abbreviation -> the strategy.yaml field where it is first used, for what every draft prints (a
    language version's: see :func:`abbreviations_in` for ``forms`` and ``any_script``)."""
    used: dict[str, FieldPath] = {}
    for path, text in _strategy_texts(strategy):
        for token in abbreviations_in(text, forms, any_script=any_script):
            used.setdefault(token, path)
    return used


def used_in_partner(partner: PartnerFile, stakeholders: set[str] | None = None, *, forms: Collection[str] = (),
                    any_script: bool = False) -> dict[str, FieldPath]:
    """Abbreviation -> the partner-file field where it is first used (stakeholder codes of actions included).

    With ``stakeholders`` (the declared codes), an undeclared stakeholder code is skipped: it is an error of
    its own, and not printed in any draft. A language version passes ``forms`` and ``any_script``
    (:func:`abbreviations_in`); the codes of actions' stakeholders are the source's in every version.
    """
    used: dict[str, FieldPath] = {}
    for path, text in _partner_texts(partner):
        is_code = len(path) >= 2 and path[-2] == "stakeholders"
        if stakeholders is not None and is_code and text not in stakeholders:
            continue
        for token in abbreviations_in(text, () if is_code else forms, any_script=any_script and not is_code):
            used.setdefault(token, path)
    return used


def draft_abbreviations(partner: PartnerFile, strategy: StrategyFile, forms: Mapping[str, str] | None = None
                        ) -> list[tuple[str, str]]:
    """(abbreviation, full name) of every abbreviation one partner's draft prints, alphabetically; those
    without a full name are left out (``check`` reports them).

    A language version passes its translated models and ``forms``, the abbreviations its translations declare
    (``ЕС`` -> ``EU``): it lists the abbreviations its own texts use, capitals of any script included, a form
    with the full name (in the version's language) of the code it stands for; its own script's come first.
    """
    names = full_names(strategy)
    if forms is None:
        used = set(used_in_strategy(strategy)) | set(used_in_partner(partner))
        return sorted(((code, names[code]) for code in used if code in names),
                      key=lambda pair: pair[0].casefold())
    found = {**used_in_strategy(strategy, forms=forms, any_script=True),
             **used_in_partner(partner, forms=forms, any_script=True)}
    rows = [(token, names[forms.get(token, token)]) for token in found if forms.get(token, token) in names]
    return sorted(rows, key=lambda pair: (pair[0].isascii(), *_alphabetical(pair[0])))


def _alphabetical(text: str) -> tuple[str, str]:
    """A key in alphabetical order for Latin and Cyrillic capitals: Ё is Е with a mark (after ЕС, before ЖД,
    as Russian dictionaries order it), where the order of code points puts it after Я."""
    folded = text.casefold()
    return folded.replace("ё", "е"), folded

