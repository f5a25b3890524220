"""The rows of the "Changes since draft N-1" table, from the one classification (render/changes_table.py)."""

from __future__ import annotations

from strategy_builder.models.section_changes import SectionChange, SectionFacts, classify_sections, draft_section_facts
from strategy_builder.render.changes_table import change_row, titles_in_language
from strategy_builder.render.labels import catalogue


def priority(area: str, key: str, number: str, content: str = "", title: str | None = None) -> SectionFacts:
    return draft_section_facts(f"AM/{area}/{key}", "priority", title or key.title(), number, content or key)


def changes(old: list[SectionFacts], new: list[SectionFacts]) -> dict[str, SectionChange]:
    return {change.id: change for change in classify_sections(old, new)}


def test_a_row_says_where_a_section_moved_and_never_shows_a_bare_old_number() -> None:
    old = [priority("integration", "p", "5.1"), priority("integration", "q", "5.2"),
           priority("migration_development", "r", "6.1")]
    new = [priority("integration", "q", "5.1"), priority("migration_development", "r", "6.1"),
           priority("migration_development", "p", "6.2", content="p edited")]
    row = change_row(changes(old, new)["AM/migration_development/p"])
    assert row["status"] == "moved" and row["edited"]
    assert row["status_label"] == ("Moved from Integration of legally residing migrants to Migration, mobility "
                                   "and development, changed")
    assert (row["number"], row["old_number"], row["new_number"]) == ("5.1 → 6.2", "5.1", "6.2")
    assert row["area_title"] == "Migration, mobility and development"
    assert row["old_area_title"] == "Integration of legally residing migrants"
    removed = change_row(changes([priority("x", "a", "2.1"), priority("x", "b", "2.2")],
                                 [priority("x", "a", "2.1")])["AM/x/b"])
    assert (removed["status_label"], removed["number"], removed["new_title"]) == ("Removed", "2.2 → –", "")


def test_a_retitled_section_names_its_former_title_in_the_catalogues_language() -> None:
    change = changes([priority("x", "a", "2.1", title="Borders")],
                     [priority("x", "a", "2.1", content="edited", title="Border management")])["AM/x/a"]
    row = change_row(change)
    assert row["status_label"] == "Changed (new title)"
    assert row["title"] == "Border management (formerly: Borders)"
    assert change_row(change, catalogue("ru"))["status_label"] == "Изменён (новое название)"


def test_a_language_versions_row_prints_its_own_titles_or_says_one_is_untranslated() -> None:
    labels = catalogue("en")
    retitled = changes([priority("x", "a", "2.1", title="Borders")],
                       [priority("x", "a", "2.1", content="edited", title="Border management")])["AM/x/a"]
    row = change_row(retitled, labels)
    titles_in_language(row, retitled, {"AM/x/a": "Управление границами"}, {"AM/x/a": "Границы"}, labels)
    assert (row["title"], row["old_title"], row["new_title"]) == (
        "Управление границами (formerly: Границы)", "Границы", "Управление границами")
    removed = changes([priority("x", "a", "2.1"), priority("x", "b", "2.2", title="Visas")],
                      [priority("x", "a", "2.1")])["AM/x/b"]
    row = change_row(removed, labels)
    titles_in_language(row, removed, {}, {}, labels)
    assert row["title"] == row["old_title"] == "Visas [title not translated]"
