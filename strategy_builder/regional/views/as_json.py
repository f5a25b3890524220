"""The matrix as JSON: the fields of :class:`~strategy_builder.regional.matrix.RegionalMatrix`, versioned.

The JSON Schema (``schemas/matrix.schema.json``) is generated from the same dataclasses, so the form and its
documentation cannot drift apart; ``schema_version`` changes when a field changes meaning or is removed.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from pydantic import TypeAdapter

from strategy_builder.regional.matrix import MATRIX_SCHEMA_VERSION, RegionalMatrix


@functools.cache
def _adapter() -> TypeAdapter[RegionalMatrix]:
    return TypeAdapter(RegionalMatrix)


def matrix_json(matrix: RegionalMatrix) -> bytes:
    """The matrix as indented UTF-8 JSON with a final newline (deterministic: same matrix, same bytes)."""
    return _adapter().dump_json(matrix, indent=2) + b"\n"


def matrix_payload(matrix: RegionalMatrix) -> dict[str, Any]:
    """The matrix as JSON-able Python data (what :func:`matrix_json` writes)."""
    return _adapter().dump_python(matrix, mode="json")  # type: ignore[no-any-return]


def matrix_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of :func:`matrix_json`'s output."""
    schema = _adapter().json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"strategy-builder partnership matrix, schema version {MATRIX_SCHEMA_VERSION}",
            **schema}


def matrix_json_schema_text() -> str:
    """:func:`matrix_json_schema` as the text of ``schemas/matrix.schema.json``."""
    return json.dumps(matrix_json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
