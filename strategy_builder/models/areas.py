"""The five areas of the BMP Joint Declaration: their keys and titles.

A module of its own (no pydantic) so that readers of documents, such as ``diff``, know the areas without
importing the input models.
"""

from __future__ import annotations

AREA_KEYS: tuple[str, ...] = (
    "illegal_migration",
    "readmission_return",
    "legal_migration",
    "integration",
    "migration_development",
)
"""The five areas of the BMP Joint Declaration, in the declaration's order."""

AREA_TITLES: dict[str, str] = {
    "illegal_migration": "Preventing and fighting illegal migration",
    "readmission_return": "Readmission, voluntary return and sustainable reintegration",
    "legal_migration": "Legal migration with a special emphasis on labour migration",
    "integration": "Integration of legally residing migrants",
    "migration_development": "Migration, mobility and development",
}
"""Area key -> the area's title as the Joint Declaration words it."""

__all__ = ["AREA_KEYS", "AREA_TITLES"]
