"""The label catalogue: every word a draft prints that does not come from the inputs, in one place.

The default template prints no English of its own: it reads ``labels.<key>`` from the template context
(``{{ labels.contents }}``), and the context builds its generated sentences (the overview of the
executive summary, the withdrawn note, dates, timelines, statuses) from the same catalogue. A language
version of the drafts is therefore one more catalogue with the same keys, and nothing else.

Entries with ``{name}`` fields are Python format strings filled by :func:`fill`. Entries that depend on
a count are dictionaries of plural forms (``one``, ``other``; a language needing more forms adds them
and a rule in :func:`plural`).
"""

from __future__ import annotations

from typing import Any

LabelValue = str | dict[str, str] | tuple[str, ...]

ENGLISH: dict[str, LabelValue] = {
    # ---- cover, header and footer
    "draft_title": "Draft {label} for ministerial comment",
    "preview_title": "Preview \u2013 not for circulation",
    "cover_round": "Consultation round {round}",
    "cover_issued": "Issued {date}",
    "cover_deadline": "Comments by {date}",
    "prepared_by": "Prepared by {team}",
    "footer_draft": "Draft {label}",
    "footer_preview": "Preview \u2013 not for circulation",
    "page": "Page",
    "page_of": "of",
    # ---- document control
    "document_control": "Document control",
    "versions_caption": "Drafts of this strategy",
    "version_draft": "Draft",
    "version_date": "Issued",
    "version_round": "Round",
    "version_status": "Status",
    "version_current": "Current draft, for ministerial comment",
    "version_preview": "Preview, not circulated",
    "version_superseded": "Superseded",
    "distribution": "Distribution",
    "distribution_caption": "Consultation round {round}: this draft is sent to",
    "comments_to": "Comments to {team}{email} by {date}.",
    # ---- contents and front matter
    "contents": "Contents",
    "executive_summary": "Executive summary",
    "introduction": "Introduction",
    # ---- chapters (the titles of the areas are those of the Joint Declaration)
    "title_situation": "Migration situation",
    "title_key_figures": "Key figures",
    "area_illegal_migration": "Preventing and fighting illegal migration",
    "area_readmission_return": "Readmission, voluntary return and sustainable reintegration",
    "area_legal_migration": "Legal migration with a special emphasis on labour migration",
    "area_integration": "Integration of legally residing migrants",
    "area_migration_development": "Migration, mobility and development",
    "national_authorities": "National authorities",
    "authority": "Authority",
    "authority_role": "Role",
    "rationale": "Rationale",
    "cooperation": "Future joint cooperation",
    "actions": "Actions",
    "expected_impact": "Expected impact: {level}",
    "based_on": "Based on",
    "status_line": "Status: {status}",
    "no_action": "No action is proposed for this priority.",
    "no_priority": "No priority is proposed in this area.",
    "bracketed_label": "Bracketed \u2013 under negotiation",
    "bracketed_note": "The wording of this priority is not agreed by all partners. Ministries are invited to "
                      "comment on the text in square brackets.",
    "withdrawn_label": "Withdrawn",
    "withdrawn_note": "Withdrawn in draft {draft}. No longer part of the proposed strategy; the heading is kept so "
                      "that the numbers of the other priorities do not change.",
    # ---- tables
    "column_number": "No.",
    "column_action": "Action",
    "column_lead": "Lead states",
    "column_stakeholders": "Stakeholders",
    "column_timeline": "Timeline",
    "column_indicator": "Indicator",
    "column_value": "Value",
    "column_unit": "Unit",
    "column_year": "Year",
    "column_source": "Source",
    "column_section": "Section",
    "column_change": "Change",
    "column_abbreviation": "Abbreviation",
    "column_full_name": "Full name",
    # ---- annexes
    "annex": "Annex {letter} \u2013 {title}",
    "key_figures_caption": "Table {letter}.1 \u2013 Key figures: {partner}",
    "no_key_figures": "No key figures have been provided.",
    "action_plan": "Consolidated action plan",
    "action_plan_intro": "Every action of the priorities in this draft, by area of the Joint Declaration. Withdrawn "
                         "priorities and their actions are not included.",
    "action_plan_empty": "No action is proposed in this draft.",
    "abbreviations": "Abbreviations",
    "abbreviations_empty": "No abbreviations are used in this draft.",
    "changes_since": "Changes since draft {previous}",
    "record_of_changes": "Record of changes",
    "changes_compared": "Compared with draft {previous}: {summary}.",
    "changes_none": "No section has changed since draft {previous}.",
    "changes_first": "This is the first draft of the strategy: every section is new.",
    # ---- values
    "to_be_determined": "to be determined",
    "none_dash": "\u2013",
    "status_proposed": "Proposed",
    "status_agreed": "Agreed",
    "status_bracketed": "Bracketed",
    "status_withdrawn": "Withdrawn",
    "impact_high": "High",
    "impact_medium": "Medium",
    "impact_low": "Low",
    "reference_mapping": "Mapping",
    "reference_best_practice": "Best practice",
    "reference_profile": "Migration profile",
    "reference_other": "Reference",
    "change_added": "New",
    "change_removed": "Removed",
    "change_moved": "Moved",
    "change_moved_within": "Moved within its area",
    "change_moved_from": "Moved from {area}",
    "change_and_edited": ", changed",
    "change_renumbered": "Renumbered",
    "change_changed": "Changed",
    "change_retitled": "Changed (new title)",
    "change_formerly": "{title} (formerly: {old})",
    "change_unchanged": "Unchanged",
    "changes_summary_first": "first draft: every section is new",
    "changes_summary_empty": "no sections",
    "count_added": "{n} added",
    "count_removed": "{n} removed",
    "count_moved": "{n} moved",
    "count_renumbered": "{n} renumbered",
    "count_changed": "{n} changed",
    "count_unchanged": "{n} unchanged",
    "months": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December"),
    "months_short": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "long_date": "{day} {month} {year}",
    "month_point": "{month}\u00a0{year}",
    "quarter_point": "Q{quarter}\u00a0{year}",
    "half_point": "H{half}\u00a0{year}",
    "period": "{start} \u2013 {end}",
    # ---- the generated overview (executive summary without a summary in the partner file)
    "overview_priorities": {"one": "This draft sets out {n} priority of {partner} in the five areas of the Joint "
                                   "Declaration",
                            "other": "This draft sets out {n} priorities of {partner} in the five areas of the "
                                     "Joint Declaration"},
    "overview_no_priorities": "This draft sets out no priority of {partner}",
    "overview_area": "{count} in \u201c{area}\u201d",
    "overview_area_none": "none in \u201c{area}\u201d",
    "overview_join": "; ",
    "overview_statuses": "Of these, {list}.",
    "overview_status_agreed": {"one": "{n} is agreed", "other": "{n} are agreed"},
    "overview_status_proposed": {"one": "{n} is proposed", "other": "{n} are proposed"},
    "overview_status_bracketed": {"one": "{n} is still under negotiation (bracketed)",
                                  "other": "{n} are still under negotiation (bracketed)"},
    "overview_withdrawn": {"one": "{n} further priority has been withdrawn and is kept only for the record.",
                           "other": "{n} further priorities have been withdrawn and are kept only for the record."},
    "overview_actions": {"one": "The draft proposes {n} action, listed in the consolidated action plan (Annex "
                                "{annex}).",
                         "other": "The draft proposes {n} actions, listed in the consolidated action plan (Annex "
                                  "{annex})."},
    "list_and": " and ",
    "list_comma": ", ",
    "number_none": "none",
    # ---- replies to ministries ('strategy-builder reply')
    "reply_title": "Response to comments",
    "reply_subtitle": "{series} \u2013 {partner}",
    "reply_to": "To",
    "reply_from": "From",
    "reply_date": "Date",
    "reply_subject": "Subject",
    "reply_consultation": "Consultation",
    "reply_subject_text": "Your comments on {drafts} of the strategy for {partner}",
    "reply_round_text": "Round {round}: comments on draft {draft} are invited by {deadline}",
    "reply_drafts": {"one": "draft {list}", "other": "drafts {list}"},
    "reply_opening": "Thank you for the comments of the {ministry} on {drafts} of the {series} for {partner}. The "
                     "table below lists each of them with the drafting team\u2019s response and the place where "
                     "it is addressed in draft {draft}, issued on {issued}.",
    "reply_redline": "The enclosed redline shows every change between draft {old}, the version you commented on, "
                     "and draft {draft}.",
    "reply_closing": "We would welcome your comments on draft {draft} by {deadline}.",
    "reply_regards": "Yours sincerely,",
    "reply_summary": "Of your {items}: {list}.",
    "reply_items": {"one": "{n} comment or proposed change", "other": "{n} comments and proposed changes"},
    "reply_count_open": "{n} under consideration",
    "reply_count_accepted": "{n} accepted",
    "reply_count_partly accepted": "{n} partly accepted",
    "reply_count_rejected": "{n} not accepted",
    "reply_count_other": "{n} {disposition}",
    "reply_table_caption": "Your comments and proposed changes, and our response",
    "reply_column_number": "No.",
    "reply_column_section": "Section in draft {draft}",
    "reply_column_item": "Your comment or proposed change",
    "reply_column_response": "Our response",
    "reply_column_addressed": "In draft {draft}",
    "reply_kind_comment": "Comment",
    "reply_kind_reply": "Reply",
    "reply_kind_insertion": "Proposed insertion",
    "reply_kind_deletion": "Proposed deletion",
    "reply_kind_move-from": "Proposed move (from here)",
    "reply_kind_move-to": "Proposed move (to here)",
    "reply_kind_formatting": "Formatting change",
    "reply_on": "On \u201c{quoted}\u201d:",
    "reply_by": "{author}, {date}",
    "reply_in_reply_to": "in reply to no. {number}",
    "reply_disposition_open": "Under consideration",
    "reply_disposition_accepted": "Accepted",
    "reply_disposition_rejected": "Not accepted",
    "reply_disposition_partly accepted": "Partly accepted",
    "reply_addressed_changed": "{number} {title} (revised)",
    "reply_addressed_unchanged": "{number} {title} (unchanged)",
    "reply_addressed_renumbered": "{number} {title} (renumbered, unchanged)",
    "reply_addressed_moved": "{number} {title} (moved)",
    "reply_addressed_moved_edited": "{number} {title} (moved and revised)",
    "reply_addressed_removed": "Section removed",
    "reply_addressed_outside": "Outside the numbered sections",
    "reply_section_outside": "\u2013 ({heading})",
    "reply_header": "{series} \u2013 {partner} \u00b7 Response to the {ministry}",
}
"""English, the language of the default template."""

CATALOGUES: dict[str, dict[str, LabelValue]] = {"en": ENGLISH}


def catalogue(language: str = "en") -> dict[str, LabelValue]:
    """The labels of ``language`` (``KeyError`` for a language without a catalogue)."""
    return CATALOGUES[language]


def fill(labels: dict[str, LabelValue], key: str, **values: Any) -> str:
    """The label ``key`` with its ``{fields}`` filled."""
    text = labels[key]
    if not isinstance(text, str):
        raise TypeError(f"label {key} is not a single text")
    return text.format(**values)


def texts(labels: dict[str, LabelValue], key: str) -> tuple[str, ...]:
    """A label that is a list of texts (the month names)."""
    value = labels[key]
    if not isinstance(value, tuple):
        raise TypeError(f"label {key} is not a list of texts")
    return value


def plural(labels: dict[str, LabelValue], key: str, n: int, **values: Any) -> str:
    """The plural form of label ``key`` for the count ``n``, filled (``{n}`` is the count)."""
    forms = labels[key]
    if not isinstance(forms, dict):
        raise TypeError(f"label {key} has no plural forms")
    form = forms["one"] if n == 1 else forms["other"]
    return form.format(n=n, **values)


def join_list(labels: dict[str, LabelValue], items: list[str]) -> str:
    """``a, b and c`` in the catalogue's language."""
    comma, conjunction = str(labels["list_comma"]), str(labels["list_and"])
    if len(items) <= 1:
        return "".join(items)
    return comma.join(items[:-1]) + conjunction + items[-1]


def template_labels(labels: dict[str, LabelValue]) -> dict[str, str]:
    """The labels a template reads as ``labels.<key>``: the single texts (lists and plural forms are for
    the context's generated sentences)."""
    return {key: value for key, value in labels.items() if isinstance(value, str)}
