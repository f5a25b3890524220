"""Points in time as drafters write them: a year, a month, a quarter or a half (``2011-H1``)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

# ASCII digits only, as in the JSON Schema's pattern: Python's \d would also take '２０１０' or '٢٠١٠'.
_PATTERN = re.compile(r"^(?P<year>[0-9]{4})(?:-(?:(?P<month>0[1-9]|1[0-2])|Q(?P<quarter>[1-4])|H(?P<half>[12])))?\Z")
PATTERN_TEXT = r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]|H[12]))?$"


@dataclass(frozen=True, slots=True, order=True)
class PeriodPoint:
    """A span of whole months written in one token; ``first_month``/``last_month`` count months since year 0."""

    first_month: int
    last_month: int
    text: str

    @classmethod
    def parse(cls, text: str) -> PeriodPoint:
        """Parse ``2010``, ``2010-06``, ``2010-Q3`` or ``2011-H1``; raises ``ValueError`` otherwise."""
        return _parse_point(text)

    @classmethod
    def _parse(cls, text: str) -> PeriodPoint:
        match = _PATTERN.match(text.strip())
        if match is None:
            raise ValueError(
                f"'{text}' is not a point in time; write a year (2010), a month (2010-06), "
                "a quarter (2010-Q3) or a half (2011-H1)")
        year = int(match["year"])
        base = year * 12
        if match["month"]:
            month = int(match["month"])
            return cls(base + month - 1, base + month - 1, text.strip())
        if match["quarter"]:
            quarter = int(match["quarter"])
            return cls(base + 3 * (quarter - 1), base + 3 * quarter - 1, text.strip())
        if match["half"]:
            half = int(match["half"])
            return cls(base + 6 * (half - 1), base + 6 * half - 1, text.strip())
        return cls(base, base + 11, text.strip())

    def __str__(self) -> str:
        return self.text

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def validate(value: Any) -> PeriodPoint:
            if isinstance(value, PeriodPoint):
                return value
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, str):
                raise ValueError("expected a year, month, quarter or half such as 2010-06 or 2011-H1")
            return cls.parse(value)

        return core_schema.no_info_plain_validator_function(
            validate, serialization=core_schema.plain_serializer_function_ser_schema(str))

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: core_schema.CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": PATTERN_TEXT,
            "description": "A year (2010), month (2010-06), quarter (2010-Q3) or half (2011-H1)",
            "examples": ["2010", "2010-06", "2010-Q3", "2011-H1"],
        }


@functools.lru_cache(maxsize=1024)
def _parse_point(text: str) -> PeriodPoint:
    # A project writes a few dozen distinct points hundreds of times; points are immutable.
    return PeriodPoint._parse(text)
