"""The one classification of section changes: added, removed, moved, renumbered, changed, unchanged."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from strategy_builder.models.section_changes import (
    SectionFacts, classify_sections, count_statuses, draft_section_facts, moved_keys, summary_text,
)


def priority(area: str, key: str, number: str, content: str = "", title: str | None = None) -> SectionFacts:
    return draft_section_facts(f"AM/{area}/{key}", "priority", title or key, number, content or key)


def statuses(old: list[SectionFacts], new: list[SectionFacts]) -> dict[str, tuple[str, str | None, str | None]]:
    return {c.id: (c.status, c.old_number, c.new_number) for c in classify_sections(old, new)}


def test_moves_are_the_fewest_sections_and_both_of_a_swap() -> None:
    keys = ["a", "b", "c", "d", "e"]

    def moved(new_order: list[str]) -> set[str]:
        return moved_keys(keys, {k: i for i, k in enumerate(new_order)})

    assert moved(["a", "c", "b", "d", "e"]) == {"b", "c"}  # a swap: both moved
    assert moved(["b", "c", "d", "e", "a"]) == {"a"}  # one section moved to the end
    assert moved(keys) == set()


def test_a_deletion_renumbers_the_sections_after_it_without_changing_them() -> None:
    old = [priority("x", "a", "2.1"), priority("x", "b", "2.2"), priority("x", "c", "2.3")]
    new = [priority("x", "a", "2.1"), priority("x", "c", "2.2")]
    assert statuses(old, new) == {"AM/x/a": ("unchanged", "2.1", "2.1"), "AM/x/b": ("removed", "2.2", None),
                                  "AM/x/c": ("renumbered", "2.3", "2.2")}
    removed = next(c for c in classify_sections(old, new) if c.status == "removed")
    assert removed.number_text == "2.2 → –", "a removed section never shows its old number bare"


def test_a_move_across_areas_keeps_the_section_and_shows_both_places() -> None:
    old = [priority("integration", "p", "5.1"), priority("integration", "q", "5.2"),
           priority("migration_development", "r", "6.1")]
    new = [priority("integration", "q", "5.1"), priority("migration_development", "r", "6.1"),
           priority("migration_development", "p", "6.2")]
    changes = {c.id: c for c in classify_sections(old, new)}
    moved = changes["AM/migration_development/p"]
    assert moved.status == "moved" and moved.old_id == "AM/integration/p" and not moved.edited
    assert (moved.old.area, moved.new.area) == ("integration", "migration_development")  # type: ignore[union-attr]
    assert moved.number_text == "5.1 → 6.2"
    assert changes["AM/integration/q"].status == "renumbered"
    assert "AM/integration/p" not in changes, "a moved section is not also removed"


def test_changed_wins_over_renumbered_and_moved_records_an_edit() -> None:
    old = [priority("x", "a", "2.1"), priority("x", "b", "2.2"), priority("x", "c", "2.3")]
    new = [priority("x", "c", "2.1", content="c edited"), priority("x", "a", "2.2"),
           priority("x", "b", "2.3", content="b edited")]
    changes = {c.id: c for c in classify_sections(old, new)}
    assert changes["AM/x/c"].status == "moved" and changes["AM/x/c"].edited
    assert changes["AM/x/b"].status == "changed" and changes["AM/x/b"].number_text == "2.2 → 2.3"
    assert changes["AM/x/a"].status == "renumbered"


def test_order_removed_sections_follow_their_old_neighbour_and_counts() -> None:
    old = [priority("x", "a", "2.1"), priority("x", "b", "2.2"), priority("x", "c", "2.3")]
    new = [priority("x", "new", "2.1"), priority("x", "a", "2.2"), priority("x", "c", "2.3")]
    changes = classify_sections(old, new)
    assert [c.id.rsplit("/", 1)[1] for c in changes] == ["new", "a", "b", "c"]
    counts = count_statuses(changes)
    assert counts["added"] == counts["removed"] == counts["renumbered"] == 1 and counts["unchanged"] == 1
    assert summary_text(counts) == "1 added, 1 removed, 1 renumbered"


KEYS = st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=8)


@settings(max_examples=200, deadline=None)
@given(KEYS, KEYS, st.sets(st.sampled_from("abcdefgh")))
def test_every_section_is_classified_once_and_statuses_follow_the_facts(old_keys, new_keys, edited) -> None:
    old = [priority("x", k, f"2.{i}", content=k) for i, k in enumerate(old_keys, 1)]
    new = [priority("x", k, f"2.{i}", content=k + ("!" if k in edited else "")) for i, k in enumerate(new_keys, 1)]
    changes = classify_sections(old, new)
    assert sorted(c.id for c in changes) == sorted(set(f"AM/x/{k}" for k in old_keys + new_keys))
    new_order = [c.id for c in changes if c.new is not None]
    assert new_order == [f.id for f in new], "the new document's order"
    for change in changes:
        key = change.id.rsplit("/", 1)[1]
        if change.status == "renumbered":
            assert change.old_number != change.new_number and key not in edited
        if change.status == "unchanged":
            assert change.old_number == change.new_number and key not in edited
        if change.status == "changed":
            assert key in edited
    common = [k for k in old_keys if k in new_keys]
    moved = {c.id.rsplit("/", 1)[1] for c in changes if c.status == "moved"}
    kept = [k for k in common if k not in moved]
    assert kept == [k for k in new_keys if k in kept], "what did not move kept its order"
