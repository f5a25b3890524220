"""Locale data from the Unicode CLDR, through Babel: the one module that imports Babel.

Dates, months, quarters, plural categories and the names of countries and languages of a language
version come from CLDR, never from tables written here. English drafts keep the house style of the
label catalogue (``Sep 2010``; CLDR's en-GB says ``Sept``), so a project without language versions never
imports Babel; every other language asks this module.

Babel is imported on first use (about 0.05 s, and as much for a language's data), so commands that
print no other language pay nothing; a build remembers what CLDR answered in ``build/.cache/cldr/``
(:func:`use_cache`), so that a preview printing nothing new loads no locale data at all.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.util
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

NBSP = "\u00a0"

_SPACES = str.maketrans({" ": NBSP, "\u202f": NBSP, "\u2009": NBSP})
"""Spaces inside a date become no-break spaces: a date never breaks across lines, and CLDR's narrow
no-break space (U+202F, ``2010\u202fг.``) is missing from some fonts."""

_INTERVAL_JOINT = re.compile(r"\s[\u2013\u2014-]\s")
"""The dash between the two sides of an interval, with the spaces around it."""

RANGE_DASH = " \u2013 "
"""The joint of every span a draft prints: an en dash between spaces, as the label catalogue's ``period``."""

_memo: dict[str, str] | None = None
_memo_file: Path | None = None
_memo_changed = False


def use_cache(folder: Path) -> None:
    """Remember what CLDR answered in ``folder`` (a JSON file per Babel version), so that a preview which
    prints nothing new loads neither Babel nor its locale data; :func:`save_cache` writes what was added."""
    global _memo, _memo_file, _memo_changed
    _memo_file = folder / f"babel-{_babel_stamp()}.json"
    _memo_changed = False
    try:
        loaded = json.loads(_memo_file.read_text(encoding="utf-8"))
        _memo = {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
    except (OSError, ValueError):
        _memo = {}


def _babel_stamp() -> str:
    """Which Babel is installed and which code shaped its answers, without importing Babel or
    ``importlib.metadata`` (each a few hundredths of a second, more than a preview that prints nothing new
    spends here): the path, size and time of Babel's package and of this module (which rewrites CLDR's
    spaces and joints, so an upgrade of strategy-builder must not reuse answers shaped by the old code)."""
    spec = importlib.util.find_spec("babel")
    if spec is None or not spec.origin:
        return "none"
    try:
        stamp = ":".join(f"{path}:{status.st_size}:{status.st_mtime_ns}"
                         for path in (spec.origin, __file__) for status in (os.stat(path),))
    except OSError:
        return "unknown"
    return hashlib.sha256(stamp.encode()).hexdigest()[:16]


def save_cache() -> None:
    """Write the answers added since :func:`use_cache` (atomically, through the one writer; a cache that
    cannot be written is skipped, and leaves no temporary file)."""
    global _memo_changed
    if _memo is None or _memo_file is None or not _memo_changed:
        return
    from strategy_builder.files import replace_file  # only a run that learnt something new writes

    try:
        _memo_file.parent.mkdir(parents=True, exist_ok=True)
        replace_file(_memo_file, json.dumps(_memo, ensure_ascii=False, sort_keys=True).encode("utf-8"),
                     durable=False, keep_metadata=False, clean_folder=True)  # and older versions' .tmp-PID leftovers
        _memo_changed = False
    except OSError:
        pass


def _remembered(key: str, compute: Callable[[], str]) -> str:
    global _memo_changed
    if _memo is not None and key in _memo:
        return _memo[key]
    value = compute()
    if _memo is not None:
        _memo[key] = value
        _memo_changed = True
    return value


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
    name = _remembered(f"territory|{language}|{code}",
                       lambda: str(_locale(language).territories.get(code) or ""))
    return name or None


def _language_tag(language: str) -> str:
    from babel.core import get_global  # noqa: PLC0415

    likely = str(get_global("likely_subtags").get(language, language))
    parts = likely.split("_")
    territory = next((part for part in parts[1:] if len(part) == 2 and part.isupper()), None)
    return f"{language}-{territory}" if territory else language


def language_tag(language: str) -> str:
    """The tag Word and LibreOffice give text in ``language``: its most likely country added (``ru`` ->
    ``ru-RU``, ``kk`` -> ``kk-KZ``), from CLDR's likely subtags."""
    return _remembered(f"tag|{language}", lambda: _language_tag(language))


def plural_category(language: str, count: int) -> str:
    """The CLDR plural category of ``count`` in ``language``: ``one``, ``few``, ``many`` or ``other``."""
    return _remembered(f"plural|{language}|{count}", lambda: str(_locale(language).plural_form(count)))


def plural_categories(language: str) -> frozenset[str]:
    """Every plural category ``language`` distinguishes (``{one, few, many, other}`` for Russian)."""
    return frozenset(_locale(language).plural_form.tags | {"other"})


def _long_date(day: dt.date, language: str) -> str:
    from babel.dates import format_date  # noqa: PLC0415

    return str(format_date(day, "long", locale=_locale(language))).translate(_SPACES)


def long_date(day: dt.date, language: str) -> str:
    """``15 ноября 2010 г.``: CLDR's long date format of ``language``."""
    return _remembered(f"long_date|{language}|{day.isoformat()}", lambda: _long_date(day, language))


def _skeleton(skeleton: str, day: dt.date, language: str) -> str:
    from babel.dates import format_skeleton  # noqa: PLC0415

    return str(format_skeleton(skeleton, day, locale=_locale(language)))


def _month_of_year(year: int, month: int, language: str) -> str:
    return _skeleton("yMMM", dt.date(year, month, 1), language).translate(_SPACES)


def month_of_year(year: int, month: int, language: str) -> str:
    """An abbreviated month with its year (``сент. 2010 г.``), with no-break spaces (never split)."""
    return _remembered(f"month|{language}|{year}|{month}", lambda: _month_of_year(year, month, language))


def _quarter_of_year(year: int, quarter: int, language: str) -> str:
    return _skeleton("yQQQ", dt.date(year, 3 * quarter - 2, 1), language).translate(_SPACES)


def quarter_of_year(year: int, quarter: int, language: str) -> str:
    """A quarter with its year (``1-й кв. 2011 г.``), with no-break spaces."""
    return _remembered(f"quarter|{language}|{year}|{quarter}", lambda: _quarter_of_year(year, quarter, language))


def _year(year: int, language: str) -> str:
    return _skeleton("y", dt.date(year, 1, 1), language).translate(_SPACES)


def year(year: int, language: str) -> str:
    """A year as ``language`` writes it alone (``2011 г.``), with no-break spaces."""
    return _remembered(f"year|{language}|{year}", lambda: _year(year, language))


def month_interval(start: tuple[int, int], end: tuple[int, int], language: str) -> str:
    """Two months as one span, in CLDR's interval format (``сент. – дек. 2010 г.``), no-break spaces
    inside each side and :data:`RANGE_DASH` between them when the language spaces its dash."""
    return _remembered(f"interval|{language}|{start[0]}-{start[1]}|{end[0]}-{end[1]}",
                       lambda: _month_interval(start, end, language))


def _month_interval(start: tuple[int, int], end: tuple[int, int], language: str) -> str:
    from babel.dates import format_interval  # noqa: PLC0415

    text = str(format_interval(dt.date(*start, 1), dt.date(*end, 1), "yMMM", locale=_locale(language)))
    # CLDR joins the two sides with a dash between spaces (an en dash in CLDR 46, an em dash in 47, thin or
    # normal spaces): that is the one place the span may break. It becomes the house joint, so that a column
    # of timelines mixing CLDR's spans and the catalogue's (``янв. 2011 г. – I полугодие 2011 г.``) shows one
    # dash, and a draft's bytes do not depend on the CLDR release for it.
    joint = _INTERVAL_JOINT.search(text)
    if joint is None:
        return text.translate(_SPACES)
    left, right = text[:joint.start()], text[joint.end():]
    return left.translate(_SPACES) + RANGE_DASH + right.translate(_SPACES)


def version() -> str:
    """The version of Babel (and so of its CLDR data), for manifests and reports."""
    return str(_babel().__version__)


__all__ = ["is_known_language", "language_name", "language_tag", "long_date", "month_interval", "month_of_year",
           "plural_categories", "plural_category", "quarter_of_year", "territory_name", "version", "year"]
