"""JSON Schemas (draft-07, as yaml-language-server reads them) of the input files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import BaseModel

from strategy_builder.files import environment_errors, replace_file
from strategy_builder.layout import refuse_output, require_project
from strategy_builder.models.inputs import PartnerFile, StrategyFile

SCHEMA_DIR = "schemas"
SCHEMAS: dict[str, type[BaseModel]] = {
    "strategy.schema.json": StrategyFile,
    "partner.schema.json": PartnerFile,
}

# Fields whose YAML values editors see as numbers although strategy-builder reads them as text.
_NUMERIC_TEXT_FIELDS = {("KeyFigure", "value")}


def _relax(schema: dict[str, Any]) -> None:
    """Let editors accept unquoted numbers where the tool reads text (``value: 1.2``) or numbers (``year``)."""
    for name, definition in schema.get("definitions", {}).items():
        for field, spec in definition.get("properties", {}).items():
            if (name, field) in _NUMERIC_TEXT_FIELDS and spec.get("type") == "string":
                spec["type"] = ["string", "number"]
            if spec.get("pattern", "").startswith(r"^\d{4}"):
                spec["type"] = ["string", "integer"]


def _walk_period_points(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("pattern", "").startswith(r"^\d{4}(") and node.get("type") == "string":
            node["type"] = ["string", "integer"]
        for value in node.values():
            _walk_period_points(value)
    elif isinstance(node, list):
        for value in node:
            _walk_period_points(value)


def json_schema(model: type[BaseModel], file_name: str) -> dict[str, Any]:
    """The draft-07 JSON Schema of ``model``."""
    schema = model.model_json_schema(ref_template="#/definitions/{model}", mode="validation")
    definitions = schema.pop("$defs", {})
    ordered: dict[str, Any] = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": f"https://strategy-builder.example.org/schemas/{file_name}",
    }
    ordered.update(schema)
    if definitions:
        ordered["definitions"] = dict(sorted(definitions.items()))
    _relax(ordered)
    _walk_period_points(ordered)
    return ordered


def render_schemas() -> dict[str, str]:
    """File name -> JSON text of every input schema, exactly as committed under ``schemas/``."""
    return {name: json.dumps(json_schema(model, name), indent=2, ensure_ascii=False) + "\n"
            for name, model in SCHEMAS.items()}


class SchemaUpdate(NamedTuple):
    """The schema files of a folder that differed from the current schemas (and were written, unless
    only checked)."""

    folder: Path
    stale: list[Path]
    written: bool


def write_schemas(folder: Path | None = None, *, project: Path | None = None,
                  check_only: bool = False) -> SchemaUpdate:
    """Bring the JSON Schemas in ``folder`` up to date (or, with ``check_only``, only find the stale ones).

    Without ``folder``, the folder is ``schemas/`` of ``project``, which must be a project (exit 2 otherwise:
    a command typed in the wrong folder writes no stray ``schemas/`` there). A ``folder`` inside a published
    folder or ``inputs/`` is refused (exit 2)."""
    if folder is not None:
        refuse_output(folder, "the schemas' folder")
    if folder is None:
        if project is None:
            raise TypeError("write_schemas needs a folder or a project")
        require_project(project)
        folder = project / SCHEMA_DIR
    stale = []
    for name, text in render_schemas().items():
        target = folder / name
        try:
            current = target.read_text(encoding="utf-8") if target.is_file() else None
        except (OSError, UnicodeDecodeError):
            current = None
        if current == text:
            continue
        stale.append(target)
        if not check_only:
            with environment_errors(target, "write the schema"):
                folder.mkdir(parents=True, exist_ok=True)
                replace_file(target, text.encode("utf-8"))
    return SchemaUpdate(folder, stale, written=not check_only)
