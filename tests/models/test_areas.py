"""models/areas.py: the five areas of the Joint Declaration, their keys in the declaration's order and their
titles, known without the input models (it imports nothing, so readers of documents need no pydantic)."""

from __future__ import annotations

import ast
from pathlib import Path

import strategy_builder.models.areas as areas_module
from strategy_builder.models.areas import AREA_KEYS, AREA_TITLES
from strategy_builder.models.inputs import Areas


def test_the_five_areas_in_the_declarations_order_each_with_its_title() -> None:
    assert AREA_KEYS == ("illegal_migration", "readmission_return", "legal_migration", "integration",
                         "migration_development")
    assert tuple(AREA_TITLES) == AREA_KEYS and all(title.strip() for title in AREA_TITLES.values())
    assert tuple(Areas.model_fields) == AREA_KEYS  # a partner file's areas are these, in this order


def test_the_module_imports_nothing() -> None:
    assert areas_module.__file__ is not None
    tree = ast.parse(Path(areas_module.__file__).read_text(encoding="utf-8"))
    imported = [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert [ast.unparse(node) for node in imported] == ["from __future__ import annotations"]
