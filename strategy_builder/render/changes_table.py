"""The rows of a draft's "Changes since draft N-1" table, in the words of the label catalogue.

Each row shows one :class:`~strategy_builder.models.section_changes.SectionChange` of the one
classification (the same that the manifest and ``diff`` show) as the template prints it (see
docs/templates.md); a language version's rows carry the titles in its language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from strategy_builder.models.section_changes import SectionChange
from strategy_builder.ooxml.markers import strip_value_markers
from strategy_builder.render.labels import LabelValue, catalogue, fill


def _area_title(area: str | None, labels: dict[str, LabelValue]) -> str:
    return fill(labels, f"area_{area}") if area and f"area_{area}" in labels else (area or "")


def _change_label(change: SectionChange, labels: dict[str, LabelValue]) -> str:
    """What the changes table says happened: ``Moved from Integration of legally residing migrants to Migration,
    mobility and development, changed``."""
    if change.status == "moved" and change.old is not None:
        if change.area_changed:
            label = fill(labels, "change_moved_from", area=_area_title(change.old.area, labels),
                         new_area=_area_title(change.new.area if change.new else None, labels))
        else:
            label = fill(labels, "change_moved_within")
        return label + (fill(labels, "change_and_edited") if change.edited else "")
    if change.status == "changed" and change.retitled:
        return fill(labels, "change_retitled")
    return fill(labels, f"change_{change.status}")


def change_row(change: SectionChange, labels: dict[str, LabelValue] | None = None) -> dict[str, Any]:
    """One row of the "Changes since draft N-1" table (see docs/templates.md).

    ``number`` never shows a bare old number that now belongs to another section: a number that changed
    is ``2.3 → 2.2``, a removed section's is ``2.2 → –``.
    """
    labels = labels or catalogue()
    old, new = change.old, change.new
    title = change.title
    if change.retitled and old is not None:
        title = fill(labels, "change_formerly", title=change.title, old=old.title)
    return {
        "section_id": change.id, "status": change.status, "status_label": _change_label(change, labels),
        "number": change.number_text, "old_number": change.old_number or "", "new_number": change.new_number or "",
        "title": title, "new_title": new.title if new else "", "old_title": old.title if old else "",
        "area_title": _area_title((new or old).area, labels),  # type: ignore[union-attr]
        "old_area_title": _area_title(old.area, labels) if old else "",
        "edited": change.edited,
    }


def titles_in_language(row: dict[str, Any], change: SectionChange, printed: Mapping[str, str],
                        old_titles: Mapping[str, str], labels: dict[str, LabelValue]) -> None:
    """A row of a language version's changes table with every title in the version's language: the title it
    prints now, and the previous draft's (``old_titles``), or the source's said to be untranslated."""
    old = change.old
    before = "" if old is None else old_titles.get(old.id) or fill(labels, "change_title_untranslated",
                                                                   title=old.title)
    now = strip_value_markers(printed[change.id]) if change.new is not None and change.id in printed else ""
    if change.new is None:
        row["title"] = row["old_title"] = before
        return
    if not now:
        return
    row["new_title"] = now
    if change.retitled:
        row["title"], row["old_title"] = fill(labels, "change_formerly", title=now, old=before), before
    else:
        row["title"] = now
        if old is not None:
            row["old_title"] = now


__all__ = ["change_row", "titles_in_language"]
