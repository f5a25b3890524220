"""How the sections of two drafts compare: the one classification that every view of a change shows.

The "Changes since draft N-1" table inside a new draft, the statuses in its manifest, ``diff`` (every
format) and the redlines all take a section's status from :func:`classify_sections`, so that they
cannot disagree. A section is

- ``added`` or ``removed``;
- ``moved``: it changed area (a priority whose ID changed area but kept its key), or its order among
  the sections of its area changed (the fewest sections that must have moved: a longest increasing
  subsequence keeps the others in place; two neighbours that swapped both moved). ``edited`` says
  whether its content changed too;
- ``changed``: its content changed (``fingerprint``), whatever happened to its number;
- ``renumbered``: only its number changed, because sections before it were added, removed or moved
  (``2.3 → 2.2``);
- ``unchanged``.

What "content" means is the caller's: a build compares the hash of each section's input data, a
comparison of two documents the section's words without its own number.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal, NamedTuple

from strategy_builder.models.areas import AREA_TITLES

ChangeStatus = Literal["added", "removed", "moved", "renumbered", "changed", "unchanged"]
CHANGE_STATUSES: tuple[ChangeStatus, ...] = ("added", "removed", "moved", "renumbered", "changed", "unchanged")


class SectionFacts(NamedTuple):
    """What the classification needs to know about one section of one side."""

    id: str
    title: str
    number: str | None
    fingerprint: str
    """What the section says, without its own number (equal fingerprints: the same content)."""
    parent: str | None = None
    """Sections with the same parent are siblings; moves are found in the order of siblings."""
    match_key: str | None = None
    """Two sections with different IDs but the same ``match_key`` are one section that moved (a
    priority keeps its key when it changes area, and with it its identity)."""
    area: str | None = None
    """The area the section is in (shown with moves); ``None`` for sections outside the areas."""
    kind: str = ""


class SectionChange(NamedTuple):
    """One section compared: its status and both sides' facts (``old`` is ``None`` when added)."""

    status: ChangeStatus
    old: SectionFacts | None
    new: SectionFacts | None
    edited: bool = False
    """Its content changed (always true for ``changed``; for ``moved``: moved and edited)."""

    @property
    def id(self) -> str:
        """The section's ID on the new side (the old one when it was removed)."""
        side = self.new or self.old
        assert side is not None
        return side.id

    @property
    def old_id(self) -> str | None:
        return self.old.id if self.old is not None else None

    @property
    def old_number(self) -> str | None:
        return self.old.number if self.old is not None else None

    @property
    def new_number(self) -> str | None:
        return self.new.number if self.new is not None else None

    @property
    def number_changed(self) -> bool:
        return self.old is not None and self.new is not None and self.old.number != self.new.number

    @property
    def title(self) -> str:
        side = self.new or self.old
        assert side is not None
        return side.title

    @property
    def retitled(self) -> bool:
        return self.old is not None and self.new is not None and self.old.title != self.new.title

    @property
    def area_changed(self) -> bool:
        return self.old is not None and self.new is not None and self.old.area != self.new.area

    @property
    def number_text(self) -> str:
        """``2.3 → 2.2`` when the number changed, ``2.2 → –`` when removed, else the number."""
        if self.new is None:
            return f"{self.old_number or '–'} → –"
        if self.number_changed:
            return f"{self.old_number or '–'} → {self.new_number or '–'}"
        return self.new_number or ""


def longest_in_order(keys_in_old_order: list[str], new_index: Mapping[str, int]) -> set[str]:
    """The largest set of keys whose relative order is the same on both sides (longest increasing
    subsequence of their new positions, taken in old order)."""
    tails: list[int] = []
    tail_at: list[int] = []
    parent: list[int] = []
    for index, key in enumerate(keys_in_old_order):
        value = new_index[key]
        slot = bisect.bisect_left(tails, value)
        if slot == len(tails):
            tails.append(value)
            tail_at.append(index)
        else:
            tails[slot] = value
            tail_at[slot] = index
        parent.append(tail_at[slot - 1] if slot else -1)
    chain: set[str] = set()
    cursor = tail_at[-1] if tail_at else -1
    while cursor != -1:
        chain.add(keys_in_old_order[cursor])
        cursor = parent[cursor]
    return chain


def moved_keys(keys_in_old_order: list[str], new_index: Mapping[str, int]) -> set[str]:
    """The fewest keys that must have moved for the old order to become the new one.

    A longest increasing subsequence stays in place; of two neighbours that swapped, it keeps one, but a
    reader sees both move, so both are reported.
    """
    staying = longest_in_order(keys_in_old_order, new_index)
    moved = set(keys_in_old_order) - staying
    old_index = {key: i for i, key in enumerate(keys_in_old_order)}

    def inverted_with(key: str) -> list[str]:
        return [other for other in keys_in_old_order if other != key
                and (old_index[other] < old_index[key]) != (new_index[other] < new_index[key])]

    for key in list(moved):
        partners = inverted_with(key)
        if len(partners) == 1 and partners[0] not in moved and inverted_with(partners[0]) == [key]:
            moved.add(partners[0])
    return moved


def match_sections(old: Sequence[SectionFacts], new: Sequence[SectionFacts],
                   pairs: Mapping[str, str] | None = None) -> dict[str, str]:
    """Old ID -> new ID of the sections that are the same on both sides.

    By ID first; then the caller's ``pairs`` (e.g. a retitled heading matched by its words); then a
    section whose ``match_key`` is found exactly once among the unmatched ones of the other side.
    """
    new_ids = {f.id for f in new}
    matched = {f.id: f.id for f in old if f.id in new_ids}
    taken = set(matched.values())
    for old_id, new_id in (pairs or {}).items():
        if old_id not in matched and new_id in new_ids and new_id not in taken:
            matched[old_id] = new_id
            taken.add(new_id)
    by_key: dict[str, list[str]] = {}
    for facts in new:
        if facts.match_key and facts.id not in taken:
            by_key.setdefault(facts.match_key, []).append(facts.id)
    old_by_key: dict[str, list[str]] = {}
    for facts in old:
        if facts.match_key and facts.id not in matched:
            old_by_key.setdefault(facts.match_key, []).append(facts.id)
    for key, old_ids in old_by_key.items():
        candidates = by_key.get(key, [])
        if len(old_ids) == 1 and len(candidates) == 1:
            matched[old_ids[0]] = candidates[0]
    return matched


def classify_sections(old: Sequence[SectionFacts], new: Sequence[SectionFacts], *,
                      pairs: Mapping[str, str] | None = None) -> list[SectionChange]:
    """Every section of both sides, classified, in the new document's order; a removed section follows
    the section it followed on the old side."""
    matched = match_sections(old, new, pairs)
    old_by_id = {f.id: f for f in old}
    new_position = {f.id: i for i, f in enumerate(new)}
    moved: set[str] = set()
    siblings: dict[str | None, list[str]] = {}
    for facts in old:
        target = matched.get(facts.id)
        if target is None:
            continue
        new_facts = new[new_position[target]]
        if facts.parent != new_facts.parent:
            moved.add(target)
        else:
            siblings.setdefault(facts.parent, []).append(target)
    for keys in siblings.values():
        moved |= moved_keys(keys, new_position)
    old_of_new = {target: source for source, target in matched.items()}
    placed: list[tuple[tuple[int, int, int], SectionChange]] = []
    for index, facts in enumerate(new):
        source = old_of_new.get(facts.id)
        if source is None:
            placed.append(((index, 0, 0), SectionChange("added", None, facts)))
            continue
        before = old_by_id[source]
        edited = before.fingerprint != facts.fingerprint
        status: ChangeStatus
        if facts.id in moved:
            status = "moved"
        elif edited:
            status = "changed"
        elif before.number != facts.number:
            status = "renumbered"
        else:
            status = "unchanged"
        placed.append(((index, 0, 0), SectionChange(status, before, facts, edited)))
    anchor = -1
    for index, facts in enumerate(old):
        target = matched.get(facts.id)
        if target is not None:
            anchor = max(anchor, new_position[target])
            continue
        placed.append(((anchor, 1, index), SectionChange("removed", facts, None)))
    placed.sort(key=lambda item: item[0])
    return [change for _, change in placed]


def draft_section_facts(section_id: str, kind: str, title: str, number: str | None,
                        fingerprint: str) -> SectionFacts:
    """The facts of a tracked section of a draft or overview, from its ID (``AM/legal_migration/seasonal-work``).

    A priority's siblings are the priorities of its area, and its key (the ID's last part) follows it
    into another area; every other section is a sibling of the partner's chapters.
    """
    parts = section_id.split("/")
    parent = parts[1] if len(parts) == 3 else None
    area = parts[1] if len(parts) >= 2 and parts[1] in AREA_TITLES else None
    match_key = f"{parts[0]}/{parts[2]}" if kind == "priority" and len(parts) == 3 else None
    return SectionFacts(section_id, title, number, fingerprint, parent, match_key, area, kind)


def count_statuses(changes: Iterable[SectionChange]) -> dict[ChangeStatus, int]:
    """How many sections have each status (every status present, in the documented order)."""
    counts: dict[ChangeStatus, int] = dict.fromkeys(CHANGE_STATUSES, 0)
    for change in changes:
        counts[change.status] += 1
    return counts


def summary_text(counts: Mapping[ChangeStatus, int]) -> str:
    """``1 added, 2 renumbered, 1 changed``: the statuses other than unchanged that occur."""
    return ", ".join(f"{n} {status}" for status, n in counts.items() if n and status != "unchanged")


__all__ = ["CHANGE_STATUSES", "ChangeStatus", "SectionChange", "SectionFacts", "classify_sections", "count_statuses",
           "draft_section_facts", "longest_in_order", "match_sections", "moved_keys", "summary_text"]
