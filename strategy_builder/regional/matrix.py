"""The partnership matrix: every partner's priorities and actions counted once, as typed data.

Three views of one computation:

- **partners × areas**: per cell the priorities by status, the actions and lead states of the live
  (not withdrawn) priorities, and whether the cell is a *gap* (no live priority);
- **lead states × partners × areas**: how many live actions each state leads where;
- **timeline**: per area, partner and quarter, the live actions whose timeline touches that quarter.

Every number any view or the overview document shows is a field of :class:`RegionalMatrix`, computed
here; views only look numbers up. Each counted priority and action keeps its section ID, printed number
and YAML ``file:line``, so that every cell can name what it counts.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from strategy_builder.models.areas import AREA_KEYS, AREA_TITLES
from strategy_builder.models.inputs import Period, StateRole
from strategy_builder.models.project import Project
from strategy_builder.models.section_records import action_number, partner_sections

MATRIX_SCHEMA_VERSION = 1
"""Version of the matrix's JSON form (``schema_version``); bumped when a field changes meaning or goes."""

STATUSES: tuple[str, ...] = ("agreed", "proposed", "bracketed", "withdrawn")
"""Priority statuses in the order every view shows them."""

LIVE_STATUSES = frozenset({"agreed", "proposed", "bracketed"})
"""Statuses whose priorities count for actions, lead states, the timeline and gaps."""


@dataclass(frozen=True, slots=True)
class MatrixSource:
    """Where the matrix came from."""

    kind: Literal["inputs", "draft"]
    """``inputs``: the project's current input files; ``draft``: the inputs snapshot of a published draft."""
    draft: int | None
    """The draft whose snapshot was read (``kind == "draft"``)."""
    numbers_from_draft: int | None
    """The draft whose section numbers the matrix quotes: the draft read, or the latest draft when the
    current inputs are exactly the ones it was built from; ``None``: the numbers the next draft will have."""
    inputs_sha256: str
    """sha256 over the strategy file and every partner file (equal means the same inputs)."""
    series_title: str
    period: str
    consultation_round: int
    issued: str


@dataclass(frozen=True, slots=True)
class PartnerInfo:
    """A partner state as the matrix lists it."""

    code: str
    name: str
    file: str
    """Its input file, relative to the project folder."""


@dataclass(frozen=True, slots=True)
class AreaInfo:
    """One of the five areas of the Joint Declaration."""

    key: str
    title: str
    chapter: str
    """Its chapter number in every partner's draft (``2`` to ``6``)."""


@dataclass(frozen=True, slots=True)
class StateInfo:
    """A state that leads actions (or is declared a leading state)."""

    code: str
    name: str
    role: str
    """``leading``, ``partner``, ``participating``, or ``undeclared`` (an ISO code not in strategy.yaml)."""


@dataclass(frozen=True, slots=True)
class PriorityEntry:
    """One priority of one partner: what a cell counts."""

    section_id: str
    partner: str
    area: str
    key: str
    title: str
    status: str
    number: str
    """Its number in the partner's draft (``3.2``)."""
    file: str
    line: int | None
    actions: tuple[str, ...]
    """IDs of its actions, in file order."""
    leads: tuple[str, ...]
    """Lead states of its actions, sorted."""


@dataclass(frozen=True, slots=True)
class ActionEntry:
    """One action of a priority."""

    id: str
    """``<priority section ID>/<n>`` with ``n`` its 1-based place in the priority."""
    priority: str
    """The section ID of its priority."""
    partner: str
    area: str
    number: str
    """Its number in the partner's draft (``3.2.a``)."""
    text: str
    leads: tuple[str, ...]
    stakeholders: tuple[str, ...]
    start: str | None
    end: str | None
    quarters: tuple[str, ...]
    """Every quarter (``2010-Q3``) its timeline touches; empty without a timeline."""
    live: bool
    """Its priority is not withdrawn (only live actions are counted)."""
    file: str
    line: int | None


@dataclass(frozen=True, slots=True)
class MatrixCell:
    """One partner in one area."""

    partner: str
    area: str
    section_id: str
    """The area's section ID in the partner's draft (``AM/legal_migration``)."""
    counts: dict[str, int]
    """Priorities by status (every status in :data:`STATUSES`, zeros included)."""
    priorities: tuple[str, ...]
    """Section IDs of every priority counted, in file order."""
    actions: int
    """Actions of the live priorities."""
    leads: tuple[str, ...]
    """States leading the live priorities' actions, sorted."""
    gap: bool
    """No live priority in this area."""
    gap_reason: str | None
    """The partner's ``no_priorities_reason``, when the area has no priorities at all."""
    file: str
    line: int | None


@dataclass(frozen=True, slots=True)
class LeadCell:
    """The live actions one state leads for one partner in one area (only non-empty cells are listed)."""

    lead: str
    partner: str
    area: str
    actions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TimelineCell:
    """The live actions of one partner in one area whose timeline touches one quarter (non-empty only)."""

    area: str
    partner: str
    quarter: str
    actions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AreaTotal:
    """One area over all partners."""

    area: str
    counts: dict[str, int]
    actions: int
    gaps: int
    """Partners without a live priority in the area."""
    partners_with_priorities: int
    leads: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PartnerTotal:
    """One partner over the five areas."""

    partner: str
    counts: dict[str, int]
    actions: int
    gaps: int
    """Areas without a live priority."""


@dataclass(frozen=True, slots=True)
class LeadTotal:
    """One lead state: its live actions per area and in all (over every partner)."""

    lead: str
    by_area: dict[str, int]
    actions: int
    partners: int
    """Partners for which it leads at least one action."""


@dataclass(frozen=True, slots=True)
class QuarterTotal:
    """One quarter: live actions touching it, per area and in all (over every partner)."""

    quarter: str
    by_area: dict[str, int]
    actions: int


@dataclass(frozen=True)
class RegionalMatrix:
    """The whole regional picture, computed once by :func:`compute_matrix`."""

    schema_version: int
    source: MatrixSource
    statuses: tuple[str, ...]
    areas: tuple[AreaInfo, ...]
    partners: tuple[PartnerInfo, ...]
    lead_states: tuple[StateInfo, ...]
    quarters: tuple[str, ...]
    """Every quarter from the first to the last that the series period or an action touches."""
    priorities: tuple[PriorityEntry, ...]
    actions: tuple[ActionEntry, ...]
    cells: tuple[MatrixCell, ...]
    """Every partner × area, partner-major in the order of :attr:`partners` and :attr:`areas`."""
    leads: tuple[LeadCell, ...]
    timeline: tuple[TimelineCell, ...]
    undated_actions: tuple[str, ...]
    """Live actions without a timeline (they appear in no quarter)."""
    area_totals: tuple[AreaTotal, ...]
    partner_totals: tuple[PartnerTotal, ...]
    lead_totals: tuple[LeadTotal, ...]
    quarter_totals: tuple[QuarterTotal, ...]
    totals: dict[str, int]
    """Over everything: priorities by status, plus ``actions`` (live) and ``gaps``."""

    # Lookups for the views (not part of the JSON form).

    @functools.cached_property
    def _cells(self) -> dict[tuple[str, str], MatrixCell]:
        return {(c.partner, c.area): c for c in self.cells}

    @functools.cached_property
    def _priorities(self) -> dict[str, PriorityEntry]:
        return {p.section_id: p for p in self.priorities}

    @functools.cached_property
    def _actions(self) -> dict[str, ActionEntry]:
        return {a.id: a for a in self.actions}

    @functools.cached_property
    def _leads(self) -> dict[tuple[str, str, str], LeadCell]:
        return {(c.lead, c.partner, c.area): c for c in self.leads}

    @functools.cached_property
    def _timeline(self) -> dict[tuple[str, str, str], TimelineCell]:
        return {(c.area, c.partner, c.quarter): c for c in self.timeline}

    def cell(self, partner: str, area: str) -> MatrixCell:
        """The cell of ``partner`` in ``area`` (every pair has one)."""
        return self._cells[partner, area]

    def priority(self, section_id: str) -> PriorityEntry:
        return self._priorities[section_id]

    def action(self, action_id: str) -> ActionEntry:
        return self._actions[action_id]

    def lead_cell(self, lead: str, partner: str, area: str) -> LeadCell | None:
        """The actions ``lead`` leads for ``partner`` in ``area``; ``None`` when there are none."""
        return self._leads.get((lead, partner, area))

    def timeline_cell(self, area: str, partner: str, quarter: str) -> TimelineCell | None:
        """The actions of ``partner`` in ``area`` touching ``quarter``; ``None`` when there are none."""
        return self._timeline.get((area, partner, quarter))

    def partner_name(self, code: str) -> str:
        return next((p.name for p in self.partners if p.code == code), code)

    def state_name(self, code: str) -> str:
        return next((s.name for s in self.lead_states if s.code == code), code)


# ---------------------------------------------------------------------------------------------- computing


def quarter_label(month_index: int) -> str:
    """``2010-Q3`` for a month counted from year 0 (see :class:`~strategy_builder.models.period.PeriodPoint`)."""
    return f"{month_index // 12}-Q{month_index % 12 // 3 + 1}"


def _quarter_span(first_month: int, last_month: int) -> tuple[str, ...]:
    return tuple(quarter_label(q * 3) for q in range(first_month // 3, last_month // 3 + 1))


def _period_text(period: Period) -> str:
    return period.start.text if period.start.text == period.end.text else f"{period.start} – {period.end}"


def _zero_counts() -> dict[str, int]:
    return dict.fromkeys(STATUSES, 0)


def _sorted_states(codes: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(codes)))


def compute_matrix(project: Project, *, draft: int | None = None,
                   numbers_from_draft: int | None = None) -> RegionalMatrix:
    """Count every partner's priorities and actions of ``project`` (its inputs, or a draft's snapshot).

    ``draft`` is the draft whose inputs snapshot ``project`` was read from (``None``: the current inputs);
    ``numbers_from_draft`` the draft whose section numbers the printed numbers are (see
    :class:`MatrixSource`).
    """
    from strategy_builder.models.section_records import stable_hash

    strategy = project.strategy
    areas = tuple(AreaInfo(key, AREA_TITLES[key], str(index)) for index, key in enumerate(AREA_KEYS, start=2))
    partners: list[PartnerInfo] = []
    priorities: list[PriorityEntry] = []
    actions: list[ActionEntry] = []
    cells: list[MatrixCell] = []
    lead_actions: dict[tuple[str, str, str], list[str]] = {}
    quarter_actions: dict[tuple[str, str, str], list[str]] = {}
    undated: list[str] = []
    months: list[int] = [strategy.series.period.start.first_month, strategy.series.period.end.last_month]

    for sourced in project.partners:
        model = sourced.model
        code = model.code
        file = sourced.document.display_name
        partners.append(PartnerInfo(code, model.name, file))
        records = {r.id: r for r in partner_sections(sourced, strategy)}
        for area_key, area in model.areas.items():
            area_record = records[f"{code}/{area_key}"]
            counts = _zero_counts()
            ids: list[str] = []
            cell_actions = 0
            cell_leads: set[str] = set()
            for p_index, priority in enumerate(area.priorities):
                record = records[f"{code}/{area_key}/{priority.id}"]
                status = priority.status.value
                live = status in LIVE_STATUSES
                counts[status] += 1
                ids.append(record.id)
                action_ids: list[str] = []
                priority_leads: set[str] = set()
                for a_index, action in enumerate(priority.actions, start=1):
                    action_id = f"{record.id}/{a_index}"
                    action_ids.append(action_id)
                    priority_leads.update(action.lead)
                    quarters: tuple[str, ...] = ()
                    if action.timeline is not None:
                        first, last = action.timeline.start.first_month, action.timeline.end.last_month
                        quarters = _quarter_span(first, last)
                        if live:
                            months.extend((first, last))
                    actions.append(ActionEntry(
                        action_id, record.id, code, area_key, action_number(record.number, a_index),
                        " ".join(action.text.split()), tuple(action.lead), tuple(action.stakeholders),
                        action.timeline.start.text if action.timeline else None,
                        action.timeline.end.text if action.timeline else None, quarters, live, file,
                        sourced.line_of(("areas", area_key, "priorities", p_index, "actions", a_index - 1))))
                    if not live:
                        continue
                    cell_actions += 1
                    cell_leads.update(action.lead)
                    for lead in dict.fromkeys(action.lead):
                        lead_actions.setdefault((lead, code, area_key), []).append(action_id)
                    for quarter in quarters:
                        quarter_actions.setdefault((area_key, code, quarter), []).append(action_id)
                    if not quarters:
                        undated.append(action_id)
                priorities.append(PriorityEntry(
                    record.id, code, area_key, priority.id, priority.title, status, record.number, file,
                    record.source_line, tuple(action_ids), _sorted_states(priority_leads)))
            gap = not any(counts[s] for s in LIVE_STATUSES)
            cells.append(MatrixCell(
                code, area_key, area_record.id, counts, tuple(ids), cell_actions, _sorted_states(cell_leads), gap,
                " ".join(area.no_priorities_reason.split()) if not area.priorities and area.no_priorities_reason
                else None, file, area_record.source_line))

    quarters = _quarter_span(min(months), max(months))
    partner_codes = [p.code for p in partners]
    lead_states = _lead_states(project, {lead for lead, _, _ in lead_actions})
    leads = tuple(LeadCell(lead.code, partner, area.key, tuple(lead_actions[lead.code, partner, area.key]))
                  for lead in lead_states for partner in partner_codes for area in areas
                  if (lead.code, partner, area.key) in lead_actions)
    timeline = tuple(TimelineCell(area.key, partner, quarter, tuple(quarter_actions[area.key, partner, quarter]))
                     for area in areas for partner in partner_codes for quarter in quarters
                     if (area.key, partner, quarter) in quarter_actions)

    area_totals = tuple(_area_total(area.key, [c for c in cells if c.area == area.key]) for area in areas)
    partner_totals = tuple(_partner_total(code, [c for c in cells if c.partner == code]) for code in partner_codes)
    lead_totals = tuple(_lead_total(lead.code, [c for c in leads if c.lead == lead.code]) for lead in lead_states)
    quarter_totals = tuple(QuarterTotal(
        quarter, {area.key: sum(len(c.actions) for c in timeline if c.area == area.key and c.quarter == quarter)
                  for area in areas},
        len({a for c in timeline if c.quarter == quarter for a in c.actions})) for quarter in quarters)
    totals = _zero_counts()
    for cell in cells:
        for status, number in cell.counts.items():
            totals[status] += number
    totals["actions"] = sum(c.actions for c in cells)
    totals["gaps"] = sum(1 for c in cells if c.gap)

    source = MatrixSource(
        "draft" if draft is not None else "inputs", draft, numbers_from_draft,
        stable_hash({"strategy": project.strategy_document.sha256,
                     "partners": {p.code: p.document.sha256 for p in project.partners}}),
        strategy.series.title, _period_text(strategy.series.period), strategy.consultation.round,
        strategy.consultation.issued.isoformat())
    return RegionalMatrix(
        MATRIX_SCHEMA_VERSION, source, STATUSES, areas, tuple(partners), lead_states, quarters, tuple(priorities),
        tuple(actions), tuple(cells), leads, timeline, tuple(undated), area_totals, partner_totals, lead_totals,
        quarter_totals, totals)


def _lead_states(project: Project, leading_actions: set[str]) -> tuple[StateInfo, ...]:
    """Declared leading states (even without actions), then every other state that leads an action."""
    strategy = project.strategy
    declared = {s.code: s for s in strategy.states}
    ordered = [s.code for s in strategy.states if s.role is StateRole.LEADING]
    ordered += [s.code for s in strategy.states if s.code in leading_actions and s.code not in ordered]
    ordered += sorted(code for code in leading_actions if code not in declared)
    return tuple(StateInfo(code, declared[code].name, declared[code].role.value) if code in declared
                 else StateInfo(code, code, "undeclared") for code in ordered)


def _area_total(area: str, cells: list[MatrixCell]) -> AreaTotal:
    counts = {status: sum(c.counts[status] for c in cells) for status in STATUSES}
    return AreaTotal(area, counts, sum(c.actions for c in cells), sum(1 for c in cells if c.gap),
                     sum(1 for c in cells if not c.gap), _sorted_states(lead for c in cells for lead in c.leads))


def _partner_total(partner: str, cells: list[MatrixCell]) -> PartnerTotal:
    counts = {status: sum(c.counts[status] for c in cells) for status in STATUSES}
    return PartnerTotal(partner, counts, sum(c.actions for c in cells), sum(1 for c in cells if c.gap))


def _lead_total(lead: str, cells: list[LeadCell]) -> LeadTotal:
    by_area = {area: sum(len(c.actions) for c in cells if c.area == area) for area in AREA_KEYS}
    return LeadTotal(lead, by_area, sum(by_area.values()), len({c.partner for c in cells}))


__all__ = ["ActionEntry", "AreaInfo", "AreaTotal", "LeadCell", "LeadTotal", "MATRIX_SCHEMA_VERSION", "MatrixCell",
           "MatrixSource", "PartnerInfo", "PartnerTotal", "PriorityEntry", "QuarterTotal", "RegionalMatrix",
           "STATUSES", "StateInfo", "TimelineCell", "compute_matrix", "quarter_label"]
