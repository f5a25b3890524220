"""What still validates in a partner file that does not validate as a whole.

A file with a schema error has no model, but the rest of it still deserves the checks against
``strategy.yaml`` (stakeholders, lead states, codes) and the policy rules, so that one ``check`` run shows
every problem. :func:`partial_partner` builds a partner whose parts are validated one by one:

- a priority or an action that validates is kept as its model;
- one that does not is rebuilt from the fields that validate on their own; a required field that does
  not is ``None``; an optional one that is present but invalid keeps its raw value, so that a check for a
  *missing* value (no expected impact, no timeline) does not fire for a value that is only wrong;
- list items that do not validate are ``None``, so that every other item keeps its index (and so its
  location in the file);
- an area that is missing or not a mapping is ``None``.

The checks skip ``None`` and anything that is not a model. The partner is never rendered: a file with
an error stops the build.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from strategy_builder.models.inputs import (
    AREA_KEYS,
    Action,
    Area,
    Areas,
    ExpectedImpact,
    PartnerFile,
    Period,
    Priority,
    Slug,
    StakeholderCode,
    StateCode,
    Status,
)


@functools.cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def _valid(kind: Any, value: Any) -> Any:
    """``value`` validated as ``kind``, or ``None``."""
    try:
        return _adapter(kind).validate_python(value)
    except ValidationError:
        return None


def _model(model: type[BaseModel], value: Any) -> Any:
    try:
        return model.model_validate(value)
    except ValidationError:
        return None


def _items(kind: Any, value: Any) -> list[Any]:
    """Each item of a list validated on its own (``None`` where it does not); ``[]`` when absent, ``[None]``
    when present but not a list (it is not empty, only wrong)."""
    if value is None:
        return []
    return [_valid(kind, item) for item in value] if isinstance(value, list) else [None]


def _optional(model: type[BaseModel], data: dict[str, Any], key: str) -> Any:
    """An optional model field: its model, ``None`` when absent, the raw value when present but invalid."""
    value = data.get(key)
    if value is None:
        return None
    return _model(model, value) or value


def _action(value: Any) -> Action | None:
    if (valid := _model(Action, value)) is not None:
        return valid
    if not isinstance(value, dict):
        return None
    fields: dict[str, Any] = {"text": value.get("text"), "lead": _items(StateCode, value.get("lead")),
                              "stakeholders": _items(StakeholderCode, value.get("stakeholders")),
                              "timeline": _optional(Period, value, "timeline")}
    return Action.model_construct(**fields)


def _priority(value: Any) -> Priority | None:
    if (valid := _model(Priority, value)) is not None:
        return valid
    if not isinstance(value, dict):
        return None
    actions = value.get("actions")
    fields: dict[str, Any] = {
        "id": _valid(Slug, value.get("id")), "title": value.get("title"),
        "status": _valid(Status, value.get("status", Status.PROPOSED.value)) or Status.PROPOSED,
        "rationale": value.get("rationale"), "cooperation": value.get("cooperation"),
        "actions": [_action(a) for a in actions] if isinstance(actions, list) else [],
        "expected_impact": _optional(ExpectedImpact, value, "expected_impact"), "references": []}
    return Priority.model_construct(**fields)


def _area(value: Any) -> Area | None:
    if (valid := _model(Area, value)) is not None:
        return valid
    if not isinstance(value, dict):
        return None
    priorities = value.get("priorities")
    fields: dict[str, Any] = {
        "priorities": [_priority(p) for p in priorities] if isinstance(priorities, list) else [],
        "no_priorities_reason": value.get("no_priorities_reason")}
    return Area.model_construct(**fields)


def partial_partner(data: Any) -> PartnerFile | None:
    """The parts of a partner file's ``data`` that validate (see the module's description)."""
    if not isinstance(data, dict):
        return None
    raw_areas = data.get("areas")
    areas: dict[str, Any] = raw_areas if isinstance(raw_areas, dict) else {}
    area_fields: dict[str, Any] = {key: _area(areas.get(key)) for key in AREA_KEYS}
    fields: dict[str, Any] = {
        "code": _valid(StateCode, data.get("code")), "name": data.get("name"), "official_name": None,
        "authorities": [], "situation": data.get("situation"), "key_figures": [],
        "areas": Areas.model_construct(**area_fields)}
    return PartnerFile.model_construct(**fields)
