"""Locale data from the Unicode CLDR, through Babel: the one module that imports Babel.

Dates, months, quarters, plural categories and the names of countries and languages of a language
version come from CLDR, never from tables written here. English drafts keep the house style of the
label catalogue (``Sep 2010``; CLDR's en-GB says ``Sept``), so a project without language versions never
imports Babel; every other language asks this module.

Babel is imported on first use (about 0.05 s), so commands that print no other language pay nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

NBSP = "\u00a0"

_SPACES = str.maketrans({" ": NBSP, "\u202f": NBSP, "\u2009": NBSP})
"""Spaces inside a date become no-break spaces: a date never breaks across lines, and CLDR's narrow
no-break space (U+202F, ``2010\u202fг.``) is missing from some fonts."""


def _babel() -> Any:
    import babel  # noqa: PLC0415 - imported on first use only (see the module docstring)

    return babel


@functools.lru_cache(maxsize=16)
def _locale(language: str) -> Any:
    from babel import Locale, UnknownLocaleError  # noqa: PLC0415

    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError) as error:
        raise LookupError(f"CLDR has no locale '{language}'") from error


def is_known_language(language: str) -> bool:
    """Whether CLDR has locale data for ``language`` (``ru``, ``kk``; ``xx`` is not)."""
    try:
        _locale(language)
    except LookupError:
        return False
    return True


def language_name(language: str, in_language: str = "en") -> str:
    """The name of ``language`` in ``in_language``: ``ru`` -> ``Russian`` (``русский`` in ``ru``)."""
    try:
        return str(_locale(in_language).languages.get(language) or language)
    except LookupError:
        return language


def territory_name(code: str, language: str) -> str | None:
    """The CLDR name of the country ``code`` (ISO 3166-1 alpha-2) in ``language``, or ``None``."""
    name = _locale(language).territories.get(code)
    return str(name) if name else None


def language_tag(language: str) -> str:
    """The tag Word and LibreOffice give text in ``language``: its most likely country added (``ru`` ->
    ``ru-RU``, ``kk`` -> ``kk-KZ``), from CLDR's likely subtags."""
    from babel.core import get_global  # noqa: PLC0415

    likely = str(get_global("likely_subtags").get(language, language))
    parts = likely.split("_")
    territory = next((part for part in parts[1:] if len(part) == 2 and part.isupper()), None)
    return f"{language}-{territory}" if territory else language


def plural_category(language: str, count: int) -> str:
    """The CLDR plural category of ``count`` in ``language``: ``one``, ``few``, ``many`` or ``other``."""
    return str(_locale(language).plural_form(count))


def plural_categories(language: str) -> frozenset[str]:
    """Every plural category ``language`` distinguishes (``{one, few, many, other}`` for Russian)."""
    return frozenset(_locale(language).plural_form.tags | {"other"})


def long_date(day: dt.date, language: str) -> str:
    """``15 ноября 2010 г.``: CLDR's long date format of ``language``."""
    from babel.dates import format_date  # noqa: PLC0415

    return str(format_date(day, "long", locale=_locale(language))).translate(_SPACES)


def _skeleton(skeleton: str, day: dt.date, language: str) -> str:
    from babel.dates import format_skeleton  # noqa: PLC0415

    return str(format_skeleton(skeleton, day, locale=_locale(language)))


def month_of_year(year: int, month: int, language: str) -> str:
    """An abbreviated month with its year (``сент. 2010 г.``), with no-break spaces (never split)."""
    return _skeleton("yMMM", dt.date(year, month, 1), language).translate(_SPACES)


def quarter_of_year(year: int, quarter: int, language: str) -> str:
    """A quarter with its year (``1-й кв. 2011 г.``), with no-break spaces."""
    return _skeleton("yQQQ", dt.date(year, 3 * quarter - 2, 1), language).translate(_SPACES)


def year(year: int, language: str) -> str:
    """A year as ``language`` writes it alone (``2011 г.``), with no-break spaces."""
    return _skeleton("y", dt.date(year, 1, 1), language).translate(_SPACES)


def month_interval(start: tuple[int, int], end: tuple[int, int], language: str) -> str:
    """Two months as one span, in CLDR's interval format (``сент. – дек. 2010 г.``), no-break spaces
    inside each side."""
    from babel.dates import format_interval  # noqa: PLC0415

    text = str(format_interval(dt.date(*start, 1), dt.date(*end, 1), "yMMM", locale=_locale(language)))
    # CLDR joins the two sides with " – " (a thin or normal space around a dash): keep that break point.
    for dash in (" – ", "\u2009–\u2009", " - "):
        if dash in text:
            left, right = text.split(dash, 1)
            return left.translate(_SPACES) + " \u2013 " + right.translate(_SPACES)
    return text


def version() -> str:
    """The version of Babel (and so of its CLDR data), for manifests and reports."""
    return str(_babel().__version__)


__all__ = ["is_known_language", "language_name", "language_tag", "long_date", "month_interval", "month_of_year",
           "plural_categories", "plural_category", "quarter_of_year", "territory_name", "version", "year"]
