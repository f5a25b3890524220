"""The template context of one partner's draft: plain JSON-able data, documented in docs/templates.md.

Every word the context generates (statuses, dates, timelines, the overview of the executive summary, the
notes on withdrawn priorities) comes from the label catalogue (:mod:`strategy_builder.render.labels`),
which the template also reads as ``labels``: dates and timelines through :mod:`strategy_builder.render.dates`,
the rows of the changes table through :mod:`strategy_builder.render.changes_table`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from strategy_builder import __version__
from strategy_builder.models.abbreviations import draft_abbreviations
from strategy_builder.models.inputs import Priority, StrategyFile
from strategy_builder.models.project import SourcedPartner
from strategy_builder.models.provenance import ValueKind, ValueLog
from strategy_builder.models.prose import parse_prose
from strategy_builder.models.section_changes import SectionChange, count_statuses
from strategy_builder.models.section_records import SectionRecord, action_number, partner_sections
from strategy_builder.ooxml.markers import (
    LOGO_MARKER, anchor_marker, anchor_name, begin_marker, bookmark_name, end_marker, mark_value,
    strip_value_markers,
)
from strategy_builder.render.changes_table import change_row, titles_in_language
from strategy_builder.render.dates import long_date, period_text
from strategy_builder.render.labels import LabelValue, catalogue, fill, join_list, plural, template_labels

ANCHORS = ("summary", "introduction", "action_plan", "abbreviations", "changes")
"""Headings in the contents that are not tracked sections; each gets a hidden bookmark (``_Toc_summary``)."""

ACTION_PLAN_LETTER, ABBREVIATIONS_LETTER = "B", "C"
"""Annex A is the key figures (a tracked section); the action plan and the abbreviations follow it."""


class DraftRecord(NamedTuple):
    """An earlier draft, as its manifest records it (for the version table)."""

    number: int
    issued: dt.date
    round: int


@dataclass(frozen=True, slots=True)
class DraftStamp:
    """Which draft is being rendered: its number (``None`` for a preview), the previous draft's, the
    section changes against it, the earlier drafts of this partner and when priorities were withdrawn."""

    number: int | None
    previous: int | None = None
    changes: tuple[SectionChange, ...] = field(default_factory=tuple)
    history: tuple[DraftRecord, ...] = field(default_factory=tuple)
    """Earlier drafts that included this partner, oldest first."""
    withdrawn_in: tuple[tuple[str, int], ...] = field(default_factory=tuple)
    """(section ID, draft number) of withdrawn priorities whose withdrawal an earlier draft already showed."""
    answers: tuple[tuple[str, tuple[str, ...]], ...] = field(default_factory=tuple)
    """(section ID, register rows) the section answers that the previous draft did not cite yet."""

    @property
    def label(self) -> str:
        return f"{self.number:03d}" if self.number is not None else "PREVIEW"


@dataclass(frozen=True, slots=True)
class Pages:
    """Page numbers of the headings in the contents, from a layout pass; or what to print without one.

    ``numbers`` maps bookmark names (``sb_...``, ``_Toc_summary``) to pages. Without numbers every entry
    prints ``placeholder`` (``""``: no number, as in a draft that LibreOffice did not lay out).
    """

    numbers: dict[str, int] = field(default_factory=dict)
    placeholder: str = ""
    breaks: frozenset[str] = frozenset()
    """Section bookmarks whose headings start a new page: those LibreOffice left at the end of a page."""

    def of(self, anchor: str) -> str:
        number = self.numbers.get(anchor)
        return str(number) if number is not None else self.placeholder


NO_PAGES = Pages()


@dataclass(frozen=True, slots=True)
class VersionFacts:
    """What a language version prints in its language besides its translated models."""

    old_titles: Mapping[str, str] = field(default_factory=dict)
    """The titles in its language of the previous draft's sections that the changes table names, by ID (a
    removed section, the old title of a retitled one); one missing is printed in the source language and
    said to be untranslated."""
    abbreviation_forms: Mapping[str, str] = field(default_factory=dict)
    """The abbreviations its translations declare, each with the source's code it stands for (``ЕС`` ->
    ``EU``): its list of abbreviations is made from its own texts
    (:func:`~strategy_builder.models.abbreviations.draft_abbreviations`)."""


class _Values:
    """Marks the texts of one partner's context with their provenance (see :mod:`strategy_builder.models.provenance`).

    Without a log, texts stay as they are.
    """

    def __init__(self, log: ValueLog | None, partner: SourcedPartner) -> None:
        self.log = log
        self.partner = partner

    def mark(self, text: str, section: str, path: tuple[str | int, ...], kind: ValueKind = "line",
             block: int = 0) -> str:
        if self.log is None or not text:
            return text
        index = self.log.add(section, path, self.partner.line_of(path), kind, text, block)
        return mark_value(index, text)


def _blocks(text: str | None, number_prefix: str | None = None,
            counter: list[int] | None = None, values: _Values | None = None, section: str = "",
            path: tuple[str | int, ...] = ()) -> list[dict[str, Any]]:
    """Prose as paragraphs and bullet items; paragraphs get citable numbers when ``number_prefix`` is set.

    With ``values``, each block's text is marked as block N of the scalar at ``path``."""
    if not text:
        return []
    blocks = []
    for position, block in enumerate(parse_prose(text)):
        number = ""
        if number_prefix is not None and counter is not None and block.kind == "paragraph":
            counter[0] += 1
            number = f"{number_prefix}.{counter[0]}"
        printed = values.mark(block.text, section, path, "block", position) if values is not None else block.text
        blocks.append({"kind": block.kind, "bullet": block.kind == "bullet", "text": printed, "number": number})
    return blocks


def _section(record: SectionRecord, pages: Pages) -> dict[str, Any]:
    anchor = bookmark_name(record.id)
    return {"id": record.id, "begin": begin_marker(record.id), "end": end_marker(record.id),
            "number": record.number, "title": record.title, "anchor": anchor, "page": pages.of(anchor)}


def _priority(priority: Priority, record: SectionRecord, strategy: StrategyFile, labels: dict[str, LabelValue],
              pages: Pages, withdrawn_in: str, language: str, values: _Values,
              path: tuple[str | int, ...]) -> dict[str, Any]:
    states = {s.code: s.name for s in strategy.states}
    stakeholders = {s.code: s.name for s in strategy.stakeholders}
    counter = [0]
    section = record.id
    rationale = _blocks(priority.rationale, record.number, counter, values, section, (*path, "rationale"))
    cooperation = _blocks(priority.cooperation, record.number, counter, values, section, (*path, "cooperation"))
    impact = None
    if priority.expected_impact is not None:
        level = priority.expected_impact.level.value
        impact = {"level": level, "level_label": fill(labels, f"impact_{level}"),
                  "title": fill(labels, "expected_impact", level=fill(labels, f"impact_{level}")),
                  "blocks": _blocks(priority.expected_impact.text, record.number, counter, values, section,
                                    (*path, "expected_impact", "text"))}
    undetermined, dash = fill(labels, "to_be_determined"), fill(labels, "none_dash")
    actions = []
    for index, action in enumerate(priority.actions, start=1):
        actions.append({
            "number": action_number(record.number, index),
            "text": values.mark(" ".join(b.text for b in parse_prose(action.text)), section,
                                (*path, "actions", index - 1, "text"), "joined"),
            "lead": ", ".join(action.lead) or undetermined,
            "lead_names": ", ".join(states.get(c, c) for c in action.lead) or undetermined,
            "stakeholders": ", ".join(action.stakeholders) or dash,
            "stakeholder_names": ", ".join(stakeholders.get(c, c) for c in action.stakeholders) or dash,
            "timeline": period_text(action.timeline, labels, language),
        })
    status = priority.status.value
    return {
        **_section(record, pages),
        # The record's title is the source's; a language version prints its own.
        "title": values.mark(priority.title, section, (*path, "title")),
        "key": priority.id,
        "status": status,
        "status_label": fill(labels, f"status_{status}"),
        "status_line": fill(labels, "status_line", status=fill(labels, f"status_{status}")),
        "is_bracketed": status == "bracketed",
        "is_withdrawn": status == "withdrawn",
        "withdrawn_in": withdrawn_in,
        "withdrawn_note": fill(labels, "withdrawn_note", draft=withdrawn_in) if status == "withdrawn" else "",
        "rationale": rationale,
        "cooperation": cooperation,
        "actions": actions,
        "impact": impact,
        "references": [{"kind": r.kind.value, "kind_label": fill(labels, f"reference_{r.kind.value}"),
                        "title": values.mark(r.title, section, (*path, "references", index, "title")),
                        "url": r.url or ""} for index, r in enumerate(priority.references)],
    }


def _overview(partner: SourcedPartner, areas: list[dict[str, Any]], labels: dict[str, LabelValue],
              language: str) -> str:
    """The generated executive summary: how many priorities per area and where they stand. Facts only."""
    model = partner.model
    active = [p for area in areas for p in area["priorities"] if not p["is_withdrawn"]]
    withdrawn = sum(1 for area in areas for p in area["priorities"] if p["is_withdrawn"])
    if not active:
        sentences = [fill(labels, "overview_no_priorities", partner=model.name) + "."]
    else:
        per_area = []
        for area in areas:
            count = sum(1 for p in area["priorities"] if not p["is_withdrawn"])
            per_area.append(fill(labels, "overview_area", count=count, area=area["title"]) if count
                            else fill(labels, "overview_area_none", area=area["title"]))
        sentences = [plural(labels, "overview_priorities", len(active), language, partner=model.name) + ": "
                     + str(labels["overview_join"]).join(per_area) + "."]
        statuses = Counter(p["status"] for p in active)
        parts = [plural(labels, f"overview_status_{status}", statuses[status], language)
                 for status in ("agreed", "proposed", "bracketed") if statuses[status]]
        sentences.append(fill(labels, "overview_statuses", list=join_list(labels, parts)))
    if withdrawn:
        sentences.append(plural(labels, "overview_withdrawn", withdrawn, language))
    actions = sum(len(p["actions"]) for p in active)
    if actions:
        sentences.append(plural(labels, "overview_actions", actions, language, annex=ACTION_PLAN_LETTER))
    return " ".join(sentences)


def _versions(stamp: DraftStamp, issued: dt.date, round_number: int,
              labels: dict[str, LabelValue], language: str) -> list[dict[str, Any]]:
    rows = [{"label": f"{record.number:03d}", "date": long_date(record.issued, labels, language),
             "round": record.round,
             "status": fill(labels, "version_superseded")} for record in stamp.history]
    rows.append({"label": stamp.label if stamp.number is not None else fill(labels, "footer_preview"),
                 "date": long_date(issued, labels, language), "round": round_number,
                 "status": fill(labels, "version_current" if stamp.number is not None else "version_preview")})
    return rows


def build_context(partner: SourcedPartner, strategy: StrategyFile, stamp: DraftStamp,
                  records: list[SectionRecord] | None = None, values: ValueLog | None = None, *,
                  pages: Pages = NO_PAGES, language: str = "en",
                  version: VersionFacts | None = None) -> dict[str, Any]:
    """The complete template context of one partner's draft (see docs/templates.md).

    ``pages`` are the page numbers of the contents (from the layout pass), if known. ``language`` chooses
    the label catalogue and the dates; a language version passes its translated ``partner`` and
    ``strategy`` with the source's ``records`` (section IDs and numbers are the source's), and what else it
    prints in its language (:class:`VersionFacts`).
    With ``values``, every text printed from one YAML scalar is wrapped in invisible value markers and
    recorded in the log, which the build writes as the draft's table of values (see
    :mod:`strategy_builder.models.provenance`); the assembly turns the markers into bookmarks.
    """
    labels = catalogue(language)
    model = partner.model
    marks = _Values(values, partner)
    records = records if records is not None else partner_sections(partner, strategy)
    by_id = {r.id: r for r in records}
    code = model.code
    series, consultation, team = strategy.series, strategy.consultation, strategy.drafting_team
    draft_title = (fill(labels, "preview_title") if stamp.number is None
                   else fill(labels, "draft_title", label=stamp.label))
    withdrawn_in = dict(stamp.withdrawn_in)
    this_draft = stamp.label if stamp.number is not None else fill(labels, "footer_preview")

    areas = []
    for area_key, area in model.areas.items():
        record = by_id[f"{code}/{area_key}"]
        reason = [] if area.priorities else _blocks(area.no_priorities_reason, record.number, [0], marks, record.id,
                                                    ("areas", area_key, "no_priorities_reason"))
        areas.append({
            **_section(record, pages),
            "key": area_key,
            "title": fill(labels, f"area_{area_key}"),
            # A reason for having no priorities is stale once there are some (check warns about it).
            "no_priorities_reason": reason,
            "no_priorities_text": (" ".join(b["text"] for b in reason) if reason else
                                   fill(labels, "no_priority") if not area.priorities else ""),
            "priorities": [
                _priority(p, by_id[f"{code}/{area_key}/{p.id}"], strategy, labels, pages,
                          (f"{withdrawn_in[pid]:03d}" if (pid := f"{code}/{area_key}/{p.id}") in withdrawn_in
                           else this_draft), language, marks, ("areas", area_key, "priorities", position))
                for position, p in enumerate(area.priorities)],
        })
    situation_record = by_id[f"{code}/situation"]
    figures_record = by_id[f"{code}/key-figures"]
    situation_title, figures_title = fill(labels, "title_situation"), fill(labels, "title_key_figures")
    # Titles as this document prints them: a language version's own (the source's for removed sections).
    printed_titles = {situation_record.id: situation_title, figures_record.id: figures_title,
                      **{area["id"]: area["title"] for area in areas},
                      **{p["id"]: p["title"] for area in areas for p in area["priorities"]}}
    answers = dict(stamp.answers)
    listed = [c for c in stamp.changes if c.status != "unchanged"]
    changed = [{**change_row(c, labels), "responds_to": list(answers.get(c.id, ())),
                "responds_to_text": "\n".join(answers.get(c.id, ()))} for c in listed]
    for change, row in zip(listed, changed, strict=True):
        if version is not None:
            titles_in_language(row, change, printed_titles, version.old_titles, labels)
        elif row["section_id"] in printed_titles and row["title"] == row["new_title"]:
            row["title"] = row["new_title"] = strip_value_markers(printed_titles[row["section_id"]])
    counts = count_statuses(stamp.changes)
    previous_label = f"{stamp.previous:03d}" if stamp.previous else ""
    summary_text = (fill(labels, "changes_summary_first") if stamp.previous is None else
                    ", ".join(fill(labels, f"count_{status}", n=n) for status, n in counts.items()
                              if n and status != "unchanged")
                    or fill(labels, "changes_summary_empty"))

    summary_blocks = _blocks(model.summary, values=marks, path=("summary",)) or [
        {"kind": "paragraph", "bullet": False, "number": "", "text": _overview(partner, areas, labels, language)}]
    introduction = _blocks(strategy.introduction)
    action_plan = [{"number": chapter["number"], "title": chapter["title"],
                    "actions": [a for p in chapter["priorities"] if not p["is_withdrawn"] for a in p["actions"]]}
                   for chapter in areas]
    action_plan = [group for group in action_plan if group["actions"]]
    abbreviations = [{"code": c, "name": n} for c, n in draft_abbreviations(
        model, strategy, version.abbreviation_forms if version is not None else None)]
    titles = {
        "summary": fill(labels, "executive_summary"),
        "introduction": fill(labels, "introduction"),
        "key_figures": fill(labels, "annex", letter=figures_record.number, title=figures_title),
        "action_plan": fill(labels, "annex", letter=ACTION_PLAN_LETTER, title=fill(labels, "action_plan")),
        "abbreviations": fill(labels, "annex", letter=ABBREVIATIONS_LETTER, title=fill(labels, "abbreviations")),
        "changes": (fill(labels, "changes_since", previous=previous_label) if stamp.previous is not None
                    else fill(labels, "record_of_changes")),
    }

    def entry(level: int, number: str, title: str, anchor: str) -> dict[str, Any]:
        return {"level": level, "number": number, "title": title, "anchor": anchor, "page": pages.of(anchor)}

    contents = [entry(1, "", titles["summary"], anchor_name("summary"))]
    if introduction:
        contents.append(entry(1, "", titles["introduction"], anchor_name("introduction")))
    contents.append(entry(1, situation_record.number, situation_title, bookmark_name(situation_record.id)))
    for chapter in areas:
        contents.append(entry(1, chapter["number"], chapter["title"], chapter["anchor"]))
        for p in chapter["priorities"]:
            title = f"[{p['title']}]" if p["is_bracketed"] else p["title"]
            contents.append({**entry(2, p["number"], title, p["anchor"]), "is_withdrawn": p["is_withdrawn"]})
    contents.append(entry(1, "", titles["key_figures"], bookmark_name(figures_record.id)))
    contents.append(entry(1, "", titles["action_plan"], anchor_name("action_plan")))
    contents.append(entry(1, "", titles["abbreviations"], anchor_name("abbreviations")))
    contents.append(entry(1, "", titles["changes"], anchor_name("changes")))
    for item in contents:
        item.setdefault("is_withdrawn", False)

    email = f" ({team.email})" if team.email else ""
    return {
        "tool": {"name": "strategy-builder", "version": __version__},
        "labels": template_labels(labels),
        "series": {"title": series.title, "subtitle": series.subtitle or "",
                   "period": period_text(series.period, labels, language),
                   "classification": series.classification or "",
                   "logo": LOGO_MARKER if series.logo else "",
                   "disclaimer": _blocks(series.disclaimer)},
        "draft": {
            "number": stamp.number, "label": stamp.label, "title": draft_title,
            "is_preview": stamp.number is None, "previous": stamp.previous,
            "previous_label": previous_label,
            "date": long_date(consultation.issued, labels, language), "date_iso": consultation.issued.isoformat(),
            "footer": (fill(labels, "footer_preview") if stamp.number is None
                       else fill(labels, "footer_draft", label=stamp.label)),
        },
        "consultation": {"round": consultation.round, "issued": long_date(consultation.issued, labels, language),
                         "deadline": long_date(consultation.deadline, labels, language),
                         "deadline_iso": consultation.deadline.isoformat(),
                         "round_label": fill(labels, "cover_round", round=consultation.round),
                         "issued_label": fill(labels, "cover_issued",
                                              date=long_date(consultation.issued, labels, language)),
                         "deadline_label": fill(labels, "cover_deadline",
                                                date=long_date(consultation.deadline, labels, language)),
                         "recipients": list(consultation.recipients),
                         "distribution_caption": fill(labels, "distribution_caption", round=consultation.round),
                         "comments_to": fill(labels, "comments_to", team=team.name, email=email,
                                             date=long_date(consultation.deadline, labels, language))},
        "drafting_team": {"name": team.name, "organisation": team.organisation or "", "email": team.email or "",
                          "prepared_by": fill(labels, "prepared_by", team=team.name)},
        "partner": {
            "code": code, "name": model.name, "official_name": model.official_name or model.name,
            "authorities": [{"name": marks.mark(a.name, situation_record.id, ("authorities", index, "name")),
                             "role": marks.mark(a.role or "", situation_record.id, ("authorities", index, "role"))}
                            for index, a in enumerate(model.authorities)],
        },
        "versions": _versions(stamp, consultation.issued, consultation.round, labels, language),
        "anchors": {key: anchor_marker(anchor_name(key)) for key in ANCHORS},
        "titles": titles,
        "contents": contents,
        "summary": {"blocks": summary_blocks, "is_generated": not model.summary},
        "introduction": introduction,
        "situation": {**_section(situation_record, pages), "title": situation_title,
                      "blocks": _blocks(model.situation, situation_record.number, [0], marks, situation_record.id,
                                        ("situation",))},
        "areas": areas,
        "action_plan": action_plan,
        "abbreviations": abbreviations,
        "key_figures": {**_section(figures_record, pages), "title": figures_title,
                        "caption": fill(labels, "key_figures_caption", letter=figures_record.number,
                                        partner=model.name),
                        "rows": [{"label": marks.mark(f.label, figures_record.id, ("key_figures", index, "label")),
                                  "value": marks.mark(f.value, figures_record.id, ("key_figures", index, "value")),
                                  "unit": marks.mark(f.unit or "", figures_record.id, ("key_figures", index, "unit")),
                                  "year": f.year,
                                  "source": marks.mark(f.source, figures_record.id,
                                                       ("key_figures", index, "source"))}
                                 for index, f in enumerate(model.key_figures)]},
        "changes": {
            "has_previous": stamp.previous is not None,
            "previous_label": previous_label,
            "rows": changed,
            "counts": counts,
            "summary": summary_text,
            "sentence": (fill(labels, "changes_first") if stamp.previous is None else
                         fill(labels, "changes_compared", previous=previous_label, summary=summary_text)
                         if changed else fill(labels, "changes_none", previous=previous_label)),
        },
    }



def without_value_marks(value: Any) -> Any:
    """A context (or any part of one) with the invisible value markers removed: for people to read."""
    if isinstance(value, str):
        return strip_value_markers(value)
    if isinstance(value, dict):
        return {key: without_value_marks(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_value_marks(item) for item in value]
    return value
