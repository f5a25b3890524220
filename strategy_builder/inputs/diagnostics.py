"""Turn pydantic validation errors into findings a drafter can act on: location, plain message, hint."""

from __future__ import annotations

import calendar
import difflib
import re
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from strategy_builder.errors import Finding
from strategy_builder.limits import FINDINGS_PER_FILE
from strategy_builder.models.inputs import suggest_slug
from strategy_builder.models.source_map import FieldPath, YamlDocument, format_path

_PATTERN_MESSAGES = {
    r"^[A-Z]{2}$": "is not a state code: write the ISO 3166-1 alpha-2 code in capitals, e.g. AM or NO",
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$": (
        "is not a valid id: use lowercase letters and digits separated by single hyphens, e.g. 'seasonal-work'"),
    r"^https?://\S+$": "is not a web address starting with http:// or https://",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "is not an e-mail address",
}


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (an empty value)"
    return f"'{value}'"


def _model_at(model: type[BaseModel], path: FieldPath) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``path`` (to list its allowed keys)."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = _unwrap(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """``list[Priority] | None`` -> ``Priority``."""
    for _ in range(5):
        origin = typing.get_origin(annotation)
        if origin is None:
            return annotation
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if origin is typing.Annotated:
            annotation = args[0]
            continue
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        annotation = models[0] if models else (args[0] if args else annotation)
    return annotation


MAX_FINDINGS_PER_FILE = FINDINGS_PER_FILE
"""Schema findings reported per file; a file of 100,000 stray keys must not take minutes to report."""


def validation_findings(error: ValidationError, model: type[BaseModel], document: YamlDocument) -> list[Finding]:
    """One finding per pydantic error, located in ``document`` (at most :data:`MAX_FINDINGS_PER_FILE`)."""
    findings: list[Finding] = []
    items = error.errors(include_url=False)
    if len(items) > MAX_FINDINGS_PER_FILE:
        rest = items[MAX_FINDINGS_PER_FILE]
        findings.append(Finding(
            document.location(tuple(rest["loc"]), prefer_key=True), "findings.too-many",
            f"{len(items) - MAX_FINDINGS_PER_FILE} more problem(s) in this file from here on are not listed "
            f"(only the first {MAX_FINDINGS_PER_FILE} are)",
            hint="fix the problems listed, then run 'strategy-builder check' again"))
        items = items[:MAX_FINDINGS_PER_FILE]
    for item in items:
        path: FieldPath = tuple(item["loc"])
        kind = item["type"]
        value = item.get("input")
        hint: str | None = None
        if kind == "extra_forbidden":
            owner = _model_at(model, path[:-1])
            allowed = sorted(owner.model_fields) if owner else []
            message = f"unknown field '{path[-1]}'"
            close = difflib.get_close_matches(str(path[-1]), allowed, n=1, cutoff=0.6)
            if close:
                hint = f"did you mean '{close[0]}'?"
            elif allowed:
                hint = "allowed fields here: " + ", ".join(allowed)
            findings.append(Finding(document.location(path, prefer_key=True), "schema.unknown-field", message,
                                    hint=hint))
            continue
        if kind == "missing":
            # Located at the mapping that lacks the field; the field path names the missing field itself.
            parent = path[:-1]
            where = f" in '{format_path(parent)}'" if parent else ""
            location = document.location(parent, prefer_key=True)._replace(field_path=format_path(path))
            findings.append(Finding(location, "schema.missing-field", f"missing required field '{path[-1]}'{where}",
                                    hint=_missing_hint(str(path[-1]))))
            continue
        message, hint = _message_for(kind, item, value)
        findings.append(Finding(document.location(path), f"schema.{kind}", message, hint=hint))
    return findings


def _missing_hint(field: str) -> str | None:
    hints = {
        "illegal_migration": "all five areas must be present; an area without priorities needs 'no_priorities_reason'",
        "readmission_return": "all five areas must be present; an area without priorities needs 'no_priorities_reason'",
        "legal_migration": "all five areas must be present; an area without priorities needs 'no_priorities_reason'",
        "integration": "all five areas must be present; an area without priorities needs 'no_priorities_reason'",
        "migration_development": (
            "all five areas must be present; an area without priorities needs 'no_priorities_reason'"),
        "id": "give the priority a stable id such as 'seasonal-work'; it must never change once circulated",
    }
    return hints.get(field)


def _message_for(kind: str, item: Any, value: Any) -> tuple[str, str | None]:
    ctx = item.get("ctx") or {}
    if kind == "string_pattern_mismatch":
        text = _PATTERN_MESSAGES.get(ctx.get("pattern", ""))
        if text and ctx.get("pattern") == r"^[A-Z]{2}$" and isinstance(value, str) and len(value.strip()) == 2 \
                and value.strip().isalpha():
            return f"{_describe(value)} {text}", f"write it in capitals: {value.strip().upper()}"
        if text and ctx.get("pattern") == r"^[a-z0-9]+(?:-[a-z0-9]+)*$" and isinstance(value, str):
            return f"{_describe(value)} {text}", f"for example '{suggest_slug(value)}'"
        if text:
            return f"{_describe(value)} {text}", None
        return f"{_describe(value)} does not have the expected form ({ctx.get('pattern')})", None
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping of fields (key: value lines), found {_describe(value)}", None
    if kind == "list_type":
        return (f"expected a list, found {_describe(value)}",
                "write each item on its own line starting with '- ', or as [A, B]")
    if kind == "string_type":
        return f"expected text, found {_describe(value)}", "quote the text if it contains ': ' or starts with '-'"
    if kind == "too_short":
        return f"this list must have at least {ctx.get('min_length')} item(s)", None
    if kind == "string_too_short":
        return "this text must not be empty", None
    if kind == "string_too_long":
        return f"this text is longer than the limit of {ctx.get('max_length')} characters", None
    if kind == "enum":
        return (f"{_describe(value)} is not one of the allowed values", f"use one of: {ctx.get('expected')}")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"expected a whole number, found {_describe(value)}", None
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{_describe(value)} is out of range: {item['msg'].lower()}", None
    if kind in ("date_from_datetime_parsing", "date_from_datetime_inexact", "date_parsing", "date_type"):
        missing = _missing_day(value)
        if missing is not None:
            return (f"{_describe(value)} is not a date: {missing}",
                    "the form YYYY-MM-DD is right; correct the day or month")
        return f"{_describe(value)} is not a date", "write dates as YYYY-MM-DD, e.g. 2010-12-15"
    if kind == "bool_parsing":
        return f"{_describe(value)} is not true or false", "write true or false"
    if kind == "value_error":
        return str(ctx.get("error", item["msg"])), None
    return f"{item['msg']} (found {_describe(value)})", None


def _missing_day(value: Any) -> str | None:
    """Why a date written as YYYY-MM-DD does not exist (``2010-11-31``: November 2010 has 30 days), or None."""
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", value) if isinstance(value, str) else None
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        return f"there is no month {month:02d}"
    days = calendar.monthrange(year, month)[1] if year >= 1 else 31
    if not 1 <= day <= days:
        return f"{calendar.month_name[month]} {year} has {days} days" if day else "there is no day 00"
    return None
