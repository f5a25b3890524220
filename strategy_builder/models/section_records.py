"""The tracked sections of a partner's strategy, with stable IDs and hashes of what each one says."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from strategy_builder.models.areas import AREA_TITLES
from strategy_builder.models.inputs import StrategyFile
from strategy_builder.models.section_changes import SectionFacts, draft_section_facts

if TYPE_CHECKING:  # project.py imports the translations, which name sections by these IDs
    from strategy_builder.models.project import SourcedPartner

SectionKind = Literal["situation", "area", "priority", "key_figures"]


class SectionRecord(NamedTuple):
    """One tracked section: its ID (``AM/legal_migration/seasonal-work``), where it came from, what it says."""

    id: str
    kind: SectionKind
    title: str
    number: str
    area: str | None
    priority: str | None
    content_hash: str
    source_file: str
    source_line: int | None
    source_path: str
    responds_to: tuple[str, ...] = ()
    """Register row IDs the section's entries answer (``responds_to`` of the priority and its actions, of the
    area, of the key figures; ``situation_responds_to``). Not part of ``content_hash``: recording which
    comment an edit answers does not change what the section says."""

    def facts(self) -> SectionFacts:
        """What the classification of changes compares (:mod:`strategy_builder.models.section_changes`)."""
        return draft_section_facts(self.id, self.kind, self.title, self.number, self.content_hash)


_NOT_CONTENT: Any = {"responds_to": True, "actions": {"__all__": {"responds_to"}}}
"""Fields of a priority that are not what it says (see :attr:`SectionRecord.responds_to`)."""


def stable_hash(value: Any) -> str:
    """sha256 of a canonical JSON rendering: independent of dict order and of the machine."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def situation_id(code: str) -> str:
    return f"{code}/situation"


def area_id(code: str, area: str) -> str:
    return f"{code}/{area}"


def priority_id(code: str, area: str, priority: str) -> str:
    return f"{code}/{area}/{priority}"


def key_figures_id(code: str) -> str:
    return f"{code}/key-figures"


def action_number(priority_number: str, index: int) -> str:
    """The printed number of a priority's ``index``-th action (1-based): ``3.2.a`` ... ``3.2.z``, then ``3.2.27``."""
    return f"{priority_number}.{chr(ord('a') + index - 1) if index <= 26 else index}"


def _names(codes: list[str], lookup: dict[str, str]) -> list[str]:
    return [lookup.get(code, code) for code in codes]


def partner_sections(partner: SourcedPartner, strategy: StrategyFile) -> list[SectionRecord]:
    """Every tracked section of one partner's draft, in document order.

    Numbers: chapter 1 is the situation, chapters 2-6 the five areas, priorities ``3.2``; the key figures
    are Annex A.
    """
    model = partner.model
    code = model.code
    source = partner.document.display_name
    states = {s.code: s.name for s in strategy.states}
    stakeholders = {s.code: s.name for s in strategy.stakeholders}
    records: list[SectionRecord] = []

    def add(section_id: str, kind: SectionKind, title: str, number: str, area: str | None,
            priority: str | None, content: Any, path: tuple[str | int, ...], responds_to: list[str]) -> None:
        records.append(SectionRecord(section_id, kind, title, number, area, priority, stable_hash(content),
                                     source, partner.line_of(path), ".".join(str(p) for p in path),
                                     tuple(dict.fromkeys(responds_to))))

    add(situation_id(code), "situation", "Migration situation", "1", None, None,
        {"name": model.name, "official_name": model.official_name, "situation": model.situation,
         "authorities": [a.model_dump() for a in model.authorities]}, ("situation",),
        list(model.situation_responds_to))
    for area_index, (area_key, area) in enumerate(model.areas.items(), start=2):
        # What the area's own chapter text says: its title and, without priorities, why there are none.
        # Its priorities are sections of their own (their order, additions and removals are theirs).
        add(area_id(code, area_key), "area", AREA_TITLES[area_key], str(area_index), area_key, None,
            {"title": AREA_TITLES[area_key], "has_priorities": bool(area.priorities),
             "reason": None if area.priorities else area.no_priorities_reason}, ("areas", area_key),
            list(area.responds_to))
        for priority_index, priority in enumerate(area.priorities, start=1):
            content = priority.model_dump(mode="json", exclude=_NOT_CONTENT)
            content["resolved"] = [
                {"lead": _names(a.lead, states), "stakeholders": _names(a.stakeholders, stakeholders)}
                for a in priority.actions]
            add(priority_id(code, area_key, priority.id), "priority", priority.title,
                f"{area_index}.{priority_index}", area_key, priority.id, content,
                ("areas", area_key, "priorities", priority_index - 1),
                [*priority.responds_to, *(row for a in priority.actions for row in a.responds_to)])
    add(key_figures_id(code), "key_figures", "Key figures", "A", None, None,
        [f.model_dump(mode="json", exclude={"responds_to"}) for f in model.key_figures], ("key_figures",),
        [row for f in model.key_figures for row in f.responds_to])
    return records
