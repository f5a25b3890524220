"""The template context of one partner's draft: plain JSON-able data, documented in docs/templates.md."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from strategy_builder import __version__
from strategy_builder.models.inputs import AREA_TITLES, Period, Priority, StrategyFile
from strategy_builder.models.project import SourcedPartner
from strategy_builder.models.prose import parse_prose
from strategy_builder.models.section_records import SectionRecord, action_number, partner_sections
from strategy_builder.ooxml.markers import begin_marker, end_marker

ChangeStatus = Literal["new", "changed", "unchanged", "removed"]


@dataclass(frozen=True, slots=True)
class SectionChange:
    """How a section compares with the previous draft."""

    section_id: str
    number: str
    title: str
    status: ChangeStatus


@dataclass(frozen=True, slots=True)
class DraftStamp:
    """Which draft is being rendered: its number (``None`` for a preview) and the previous draft's."""

    number: int | None
    previous: int | None = None
    changes: tuple[SectionChange, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return f"{self.number:03d}" if self.number is not None else "PREVIEW"


STATUS_LABELS = {"proposed": "Proposed", "agreed": "Agreed", "bracketed": "Bracketed", "withdrawn": "Withdrawn"}
IMPACT_LABELS = {"high": "High", "medium": "Medium", "low": "Low"}
REFERENCE_LABELS = {"mapping": "Mapping", "best_practice": "Best practice", "profile": "Migration profile",
                    "other": "Reference"}
CHANGE_LABELS = {"new": "New", "changed": "Changed", "unchanged": "Unchanged", "removed": "Removed"}


def long_date(day: dt.date) -> str:
    """``15 November 2010``: the date style of the drafts, independent of the machine's locale."""
    months = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")
    return f"{day.day} {months[day.month - 1]} {day.year}"


def _period(period: Period | None) -> str:
    if period is None:
        return "to be determined"
    if period.start.text == period.end.text:
        return period.start.text
    return f"{period.start} – {period.end}"


def _blocks(text: str | None, number_prefix: str | None = None,
            counter: list[int] | None = None) -> list[dict[str, Any]]:
    """Prose as paragraphs and bullet items; paragraphs get citable numbers when ``number_prefix`` is set."""
    if not text:
        return []
    blocks = []
    for block in parse_prose(text):
        number = ""
        if number_prefix is not None and counter is not None and block.kind == "paragraph":
            counter[0] += 1
            number = f"{number_prefix}.{counter[0]}"
        blocks.append({"kind": block.kind, "bullet": block.kind == "bullet", "text": block.text, "number": number})
    return blocks


def _section(record: SectionRecord) -> dict[str, Any]:
    return {"id": record.id, "begin": begin_marker(record.id), "end": end_marker(record.id),
            "number": record.number, "title": record.title}


def _priority(priority: Priority, record: SectionRecord, strategy: StrategyFile) -> dict[str, Any]:
    states = {s.code: s.name for s in strategy.states}
    stakeholders = {s.code: s.name for s in strategy.stakeholders}
    counter = [0]
    rationale = _blocks(priority.rationale, record.number, counter)
    cooperation = _blocks(priority.cooperation, record.number, counter)
    impact = None
    if priority.expected_impact is not None:
        impact = {"level": priority.expected_impact.level.value,
                  "level_label": IMPACT_LABELS[priority.expected_impact.level.value],
                  "blocks": _blocks(priority.expected_impact.text, record.number, counter)}
    actions = []
    for index, action in enumerate(priority.actions, start=1):
        actions.append({
            "number": action_number(record.number, index),
            "text": " ".join(b.text for b in parse_prose(action.text)),
            "lead": ", ".join(action.lead) or "to be determined",
            "lead_names": ", ".join(states.get(c, c) for c in action.lead) or "to be determined",
            "stakeholders": ", ".join(action.stakeholders) or "–",
            "stakeholder_names": ", ".join(stakeholders.get(c, c) for c in action.stakeholders) or "–",
            "timeline": _period(action.timeline),
        })
    status = priority.status.value
    return {
        **_section(record),
        "key": priority.id,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "is_bracketed": status == "bracketed",
        "is_withdrawn": status == "withdrawn",
        "rationale": rationale,
        "cooperation": cooperation,
        "actions": actions,
        "impact": impact,
        "references": [{"kind": r.kind.value, "kind_label": REFERENCE_LABELS[r.kind.value], "title": r.title,
                        "url": r.url or ""} for r in priority.references],
    }


def build_context(partner: SourcedPartner, strategy: StrategyFile, stamp: DraftStamp,
                  records: list[SectionRecord] | None = None) -> dict[str, Any]:
    """The complete template context of one partner's draft (see docs/templates.md)."""
    model = partner.model
    records = records if records is not None else partner_sections(partner, strategy)
    by_id = {r.id: r for r in records}
    code = model.code
    series, consultation, team = strategy.series, strategy.consultation, strategy.drafting_team
    draft_title = ("Preview – not for circulation" if stamp.number is None
                   else f"Draft {stamp.label} for ministerial comment")

    areas = []
    for area_key, area in model.areas.items():
        record = by_id[f"{code}/{area_key}"]
        areas.append({
            **_section(record),
            "key": area_key,
            "title": AREA_TITLES[area_key],
            # A reason for having no priorities is stale once there are some (check warns about it).
            "no_priorities_reason": [] if area.priorities else _blocks(area.no_priorities_reason, record.number,
                                                                       [0]),
            "priorities": [_priority(p, by_id[f"{code}/{area_key}/{p.id}"], strategy) for p in area.priorities],
        })
    situation_record = by_id[f"{code}/situation"]
    figures_record = by_id[f"{code}/key-figures"]
    changes = [{"section_id": c.section_id, "number": c.number, "title": c.title, "status": c.status,
                "status_label": CHANGE_LABELS[c.status]} for c in stamp.changes]
    changed = [c for c in changes if c["status"] != "unchanged"]
    counts = {status: sum(1 for c in changes if c["status"] == status) for status in CHANGE_LABELS}
    return {
        "tool": {"name": "strategy-builder", "version": __version__},
        "series": {"title": series.title, "subtitle": series.subtitle or "", "period": _period(series.period),
                   "disclaimer": _blocks(series.disclaimer)},
        "draft": {
            "number": stamp.number, "label": stamp.label, "title": draft_title,
            "is_preview": stamp.number is None, "previous": stamp.previous,
            "previous_label": f"{stamp.previous:03d}" if stamp.previous else "",
            "date": long_date(consultation.issued), "date_iso": consultation.issued.isoformat(),
        },
        "consultation": {"round": consultation.round, "issued": long_date(consultation.issued),
                         "deadline": long_date(consultation.deadline),
                         "deadline_iso": consultation.deadline.isoformat()},
        "drafting_team": {"name": team.name, "organisation": team.organisation or "", "email": team.email or ""},
        "partner": {
            "code": code, "name": model.name, "official_name": model.official_name or model.name,
            "authorities": [{"name": a.name, "role": a.role or ""} for a in model.authorities],
        },
        "situation": {**_section(situation_record),
                      "blocks": _blocks(model.situation, situation_record.number, [0])},
        "areas": areas,
        "key_figures": {**_section(figures_record),
                        "rows": [{"label": f.label, "value": f.value, "unit": f.unit or "", "year": f.year,
                                  "source": f.source} for f in model.key_figures]},
        "changes": {
            "has_previous": stamp.previous is not None,
            "previous_label": f"{stamp.previous:03d}" if stamp.previous else "",
            "rows": changed,
            "counts": counts,
            "summary": ("first draft: every section is new" if stamp.previous is None else
                        ", ".join(f"{n} {status}" for status, n in counts.items() if n) or "no sections"),
        },
    }
