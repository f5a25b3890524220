"""Suggestions for mistyped state and stakeholder codes ("did you mean TM (Turkmenistan)? TK is Tokelau")."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import Any

from strategy_builder.errors import Finding


# Codes people write for a state whose ISO 3166-1 code is different.
_COMMON_CONFUSIONS = {
    "TK": "TM",  # the BMP activity table writes Turkmenistan as TK; TK is Tokelau
    "UK": "GB",
    "EL": "GR",
    "KS": "KG",
    "AR": "AM",
    "BL": "BY",
    "MO": "MD",
    "RS": "RU",
    "TA": "TJ",
    "KY": "KG",
    "UR": "UA",
    "UZB": "UZ",
}


def iso_country_name(code: str) -> str | None:
    """The ISO 3166-1 short name of an alpha-2 code, or ``None`` if no country has it."""
    import pycountry  # a tenth of a second to import: only when a code has to be looked up

    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or getattr(country, "name", None) if country else None


def state_hint(code: str, known: dict[str, str]) -> str | None:
    """A hint for a state code that is not among ``known`` (code -> name), or ``None``."""
    upper = code.upper()
    suggestion = None
    if upper in known and upper != code:
        suggestion = upper
    elif _COMMON_CONFUSIONS.get(upper) in known:
        suggestion = _COMMON_CONFUSIONS[upper]
    else:
        by_name = {name.lower(): c for c, name in known.items()}
        names = difflib.get_close_matches(code.lower(), list(by_name), n=1, cutoff=0.7)
        if names:
            suggestion = by_name[names[0]]
    iso_name = iso_country_name(upper)
    meaning = f" {upper} is {iso_name}." if iso_name and suggestion != upper else ""
    if suggestion:
        return f"did you mean {suggestion} ({known[suggestion]})?{meaning}"
    if iso_name:
        return f"{upper} is {iso_name}; declare it under 'states' in inputs/strategy.yaml if it takes part"
    return "use a code declared under 'states' in inputs/strategy.yaml"


def close_match_hint(value: str, choices: Iterable[str], what: str) -> str:
    """``did you mean UNHCR?`` or the list of valid choices."""
    options = list(choices)
    by_fold = {c.casefold(): c for c in options}
    if value.casefold() in by_fold:
        return f"did you mean {by_fold[value.casefold()]}? (codes are case-sensitive)"
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.5)
    if close:
        return f"did you mean {close[0]}?"
    return f"known {what}: {', '.join(options)}"


def not_a_partner_hint(code: str, strategy: Any) -> str | None:
    """For a code declared in strategy.yaml with another role than partner: how to make it a partner.

    ``strategy`` is a :class:`StrategyFile` or the plain data of strategy.yaml (a file that does not validate).
    """
    states = strategy.states if hasattr(strategy, "states") else (strategy or {}).get("states") or []
    for state in states:
        fields = state if isinstance(state, dict) else {"code": state.code, "name": state.name,
                                                         "role": state.role.value}
        if fields.get("code") == code:
            role = fields.get("role") or "participating"
            return (f"{code} ({fields.get('name', code)}) is declared under 'states' as a {role} state; "
                    "set 'role: partner' on it to give it a partner file")
    return None


class DeferredHints:
    """Hints computed only for the findings that are shown, and once per distinct value.

    A check creates its finding without a hint and :meth:`add` s it here with a key (say
    ``("stakeholder", "UNHRC")``) and the function that makes the hint; :meth:`resolve` fills in the hints
    of the findings that are kept. Findings are compared by identity, so the same finding object must be
    passed through.
    """

    def __init__(self) -> None:
        self._pending: dict[int, tuple[tuple[str, str], Callable[[str], str | None]]] = {}
        self._made: dict[tuple[str, str], str | None] = {}

    def add(self, finding: Finding, key: tuple[str, str], make: Callable[[str], str | None]) -> Finding:
        self._pending[id(finding)] = (key, make)
        return finding

    def hint(self, key: tuple[str, str], make: Callable[[str], str | None]) -> str | None:
        if key not in self._made:
            self._made[key] = make(key[1])
        return self._made[key]

    def resolve(self, findings: list[Finding]) -> list[Finding]:
        """``findings`` with the hints of those added here filled in."""
        result = []
        for finding in findings:
            pending = self._pending.get(id(finding))
            result.append(finding if pending is None else finding._replace(hint=self.hint(*pending)))
        return result
