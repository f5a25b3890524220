"""The label catalogue: every word a draft prints that does not come from the inputs, in one place.

The default template prints no English of its own: it reads ``labels.<key>`` from the template context
(``{{ labels.contents }}``), and the context builds its generated sentences (the overview of the
executive summary, the withdrawn note, dates, timelines, statuses) from the same catalogue. A language
version of the drafts is therefore one more catalogue with the same keys, and nothing else.

Entries with ``{name}`` fields are Python format strings filled by :func:`fill`. Entries that depend on
a count are dictionaries of plural forms: English has ``one`` and ``other``; every other language has
the forms CLDR gives it (Russian: ``one``, ``few``, ``many``, ``other``), chosen by CLDR's plural rules.

Months, dates, quarters and years are the house style of the English catalogue (``Sep 2010``); every
other language takes them from CLDR (:mod:`strategy_builder.cldr`), so its catalogue has no such keys
(:data:`CLDR_KEYS`). CLDR has no half-years: ``half_point`` is in every catalogue (with ``{half}``, 1 or 2,
and ``{half_roman}``, I or II).
"""

from __future__ import annotations

from typing import Any

from strategy_builder import cldr

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
    "column_answers": "Answers",
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
    "change_moved_from": "Moved from {area} to {new_area}",
    "change_and_edited": ", changed",
    "change_renumbered": "Renumbered",
    "change_changed": "Changed",
    "change_retitled": "Changed (new title)",
    "change_formerly": "{title} (formerly: {old})",
    "change_title_untranslated": "{title} [title not translated]",
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
    # ---- language versions: a value whose translation is missing or stale, printed in the source language
    "translation_pending": "[translation pending]",
    # ---- the document's properties (File > Properties), unless the template sets its own
    "properties_keywords": "BMP; Migration Partnership Strategy; {partner}",
    "properties_description": "Draft {label} generated by strategy-builder {version}",
}
"""English, the language of the default template."""

CLDR_KEYS = frozenset({"months", "months_short", "long_date", "month_point", "quarter_point"})
"""Keys of the English catalogue that every other language takes from CLDR instead."""

_NB = "\u00a0"

RUSSIAN: dict[str, LabelValue] = {
    # ---- cover, header and footer
    "draft_title": "Проект {label} для замечаний министерств",
    "preview_title": "Предварительная версия \u2013 не для рассылки",
    "cover_round": "Раунд консультаций №\u00a0{round}",
    "cover_issued": "Дата выпуска: {date}",
    "cover_deadline": "Замечания до {date}",
    "prepared_by": "Подготовлено: {team}",
    "footer_draft": "Проект {label}",
    "footer_preview": "Предварительная версия \u2013 не для рассылки",
    "page": "Стр.",
    "page_of": "из",
    # ---- document control
    "document_control": "Сведения о документе",
    "versions_caption": "Проекты настоящей стратегии",
    "version_draft": "Проект",
    "version_date": "Дата выпуска",
    "version_round": "Раунд",
    "version_status": "Статус",
    "version_current": "Текущий проект, для замечаний министерств",
    "version_preview": "Предварительная версия, не рассылалась",
    "version_superseded": "Заменён",
    "distribution": "Рассылка",
    "distribution_caption": "Раунд консультаций №\u00a0{round}: настоящий проект направляется",
    "comments_to": "Замечания просьба направлять до {date}: {team}{email}.",
    # ---- contents and front matter
    "contents": "Содержание",
    "executive_summary": "Резюме",
    "introduction": "Введение",
    # ---- chapters (the titles of the areas of the Joint Declaration)
    "title_situation": "Миграционная ситуация",
    "title_key_figures": "Основные показатели",
    "area_illegal_migration": "Предотвращение незаконной миграции и борьба с ней",
    "area_readmission_return": "Реадмиссия, добровольное возвращение и устойчивая реинтеграция",
    "area_legal_migration": "Законная миграция с особым акцентом на трудовую миграцию",
    "area_integration": "Интеграция законно проживающих мигрантов",
    "area_migration_development": "Миграция, мобильность и развитие",
    "national_authorities": "Национальные органы власти",
    "authority": "Орган",
    "authority_role": "Функции",
    "rationale": "Обоснование",
    "cooperation": "Будущее совместное сотрудничество",
    "actions": "Мероприятия",
    "expected_impact": "Ожидаемое воздействие: {level}",
    "based_on": "Источники",
    "status_line": "Статус: {status}",
    "no_action": "По данному приоритету мероприятия не предлагаются.",
    "no_priority": "В данной области приоритеты не предлагаются.",
    "bracketed_label": "В квадратных скобках \u2013 на стадии согласования",
    "bracketed_note": "Формулировка данного приоритета согласована не всеми партнёрами. Министерствам предлагается "
                      "представить замечания по тексту в квадратных скобках.",
    "withdrawn_label": "Исключён",
    "withdrawn_note": "Исключён в проекте {draft}. Больше не входит в предлагаемую стратегию; заголовок сохранён, "
                      "чтобы не менялась нумерация остальных приоритетов.",
    # ---- tables
    "column_number": "№",
    "column_action": "Мероприятие",
    "column_lead": "Ведущие государства",
    "column_stakeholders": "Участники",
    "column_timeline": "Сроки",
    "column_indicator": "Показатель",
    "column_value": "Значение",
    "column_unit": "Ед. изм.",
    "column_year": "Год",
    "column_source": "Источник",
    "column_section": "Раздел",
    "column_change": "Изменение",
    "column_answers": "Ответ на замечания",
    "column_abbreviation": "Сокращение",
    "column_full_name": "Полное наименование",
    # ---- annexes
    "annex": "Приложение {letter} \u2013 {title}",
    "key_figures_caption": "Таблица {letter}.1 \u2013 Основные показатели: {partner}",
    "no_key_figures": "Основные показатели не представлены.",
    "action_plan": "Сводный план действий",
    "action_plan_intro": "Все мероприятия по приоритетам настоящего проекта, сгруппированные по областям Совместной "
                         "декларации. Исключённые приоритеты и их мероприятия не включены.",
    "action_plan_empty": "В настоящем проекте мероприятия не предлагаются.",
    "abbreviations": "Сокращения",
    "abbreviations_empty": "В настоящем проекте сокращения не используются.",
    "changes_since": "Изменения по сравнению с проектом {previous}",
    "record_of_changes": "Перечень изменений",
    "changes_compared": "По сравнению с проектом {previous}: {summary}.",
    "changes_none": "По сравнению с проектом {previous} ни один раздел не изменился.",
    "changes_first": "Это первый проект стратегии: все разделы новые.",
    # ---- values
    "to_be_determined": "подлежит определению",
    "none_dash": "\u2013",
    "status_proposed": "Предложен",
    "status_agreed": "Согласован",
    "status_bracketed": "В квадратных скобках",
    "status_withdrawn": "Исключён",
    "impact_high": "Высокое",
    "impact_medium": "Среднее",
    "impact_low": "Низкое",
    "reference_mapping": "Обзор",
    "reference_best_practice": "Передовая практика",
    "reference_profile": "Миграционный профиль",
    "reference_other": "Источник",
    "change_added": "Новый",
    "change_changed": "Изменён",
    "change_moved": "Перемещён",
    "change_renumbered": "Перенумерован",
    "change_moved_from": "Перемещён из области \u00ab{area}\u00bb в область \u00ab{new_area}\u00bb",
    "change_moved_within": "Перемещён в пределах своей области",
    "change_and_edited": ", изменён",
    "change_retitled": "Изменён (новое название)",
    "change_formerly": "{title} (прежнее название: {old})",
    "change_title_untranslated": "{title} [название не переведено]",
    "change_unchanged": "Без изменений",
    "change_removed": "Удалён",
    "changes_summary_first": "первый проект: все разделы новые",
    "changes_summary_empty": "разделов нет",
    # "новых: 2" agrees with every number, where "2 новых" would need plural forms of "раздел".
    "count_added": "новых: {n}",
    "count_moved": "перемещённых: {n}",
    "count_renumbered": "перенумерованных: {n}",
    "count_changed": "изменённых: {n}",
    "count_unchanged": "без изменений: {n}",
    "count_removed": "удалённых: {n}",
    # "I полугодие 2011 г.", as Russian official texts write halves: "1-е" could break after its hyphen, and
    # the template's font has no non-breaking hyphen.
    "half_point": f"{{half_roman}}{_NB}полугодие{_NB}{{year}}{_NB}г.",
    "period": "{start} \u2013 {end}",
    # ---- the generated overview (executive summary without a summary in the partner file). Country names
    # are not declined: each sentence names the partner before a colon, in the nominative.
    "overview_priorities": {
        "one": "{partner}: в настоящем проекте изложен {n} приоритет в пяти областях Совместной декларации",
        "few": "{partner}: в настоящем проекте изложены {n} приоритета в пяти областях Совместной декларации",
        "many": "{partner}: в настоящем проекте изложено {n} приоритетов в пяти областях Совместной декларации",
        "other": "{partner}: в настоящем проекте изложено {n} приоритета в пяти областях Совместной декларации"},
    "overview_no_priorities": "{partner}: в настоящем проекте приоритеты не изложены",
    "overview_area": "в области \u00ab{area}\u00bb \u2013 {count}",
    "overview_area_none": "в области \u00ab{area}\u00bb \u2013 нет",
    "overview_join": "; ",
    "overview_statuses": "Из них {list}.",
    "overview_status_agreed": {"one": "{n} согласован", "few": "{n} согласованы", "many": "{n} согласовано",
                               "other": "{n} согласовано"},
    "overview_status_proposed": {"one": "{n} предложен", "few": "{n} предложены", "many": "{n} предложено",
                                 "other": "{n} предложено"},
    "overview_status_bracketed": {"one": "{n} ещё обсуждается (в квадратных скобках)",
                                  "few": "{n} ещё обсуждаются (в квадратных скобках)",
                                  "many": "{n} ещё обсуждаются (в квадратных скобках)",
                                  "other": "{n} ещё обсуждаются (в квадратных скобках)"},
    "overview_withdrawn": {"one": "Ещё {n} приоритет исключён и сохранён только для справки.",
                           "few": "Ещё {n} приоритета исключены и сохранены только для справки.",
                           "many": "Ещё {n} приоритетов исключены и сохранены только для справки.",
                           "other": "Ещё {n} приоритета исключены и сохранены только для справки."},
    "overview_actions": {"one": "В проекте предлагается {n} мероприятие, включённое в сводный план действий "
                                "(приложение {annex}).",
                         "few": "В проекте предлагаются {n} мероприятия, включённые в сводный план действий "
                                "(приложение {annex}).",
                         "many": "В проекте предлагается {n} мероприятий, включённых в сводный план действий "
                                 "(приложение {annex}).",
                         "other": "В проекте предлагается {n} мероприятия, включённых в сводный план действий "
                                  "(приложение {annex})."},
    "list_and": " и ",
    "list_comma": ", ",
    "number_none": "нет",
    "translation_pending": "[перевод готовится]",
    "properties_keywords": "BMP; Стратегия миграционного партнёрства; {partner}",
    "properties_description": "Проект {label} создан программой strategy-builder {version}",
}
"""Russian: the labels of the Russian language version (dates, months and quarters from CLDR)."""

CATALOGUES: dict[str, dict[str, LabelValue]] = {"en": ENGLISH, "ru": RUSSIAN}


def catalogue(language: str = "en") -> dict[str, LabelValue]:
    """The labels of ``language`` (``KeyError`` for a language without a catalogue)."""
    return CATALOGUES[language]


def languages() -> tuple[str, ...]:
    """The languages a draft can be printed in: those with a catalogue."""
    return tuple(sorted(CATALOGUES))


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


def plural(labels: dict[str, LabelValue], key: str, n: int, language: str = "en", **values: Any) -> str:
    """The plural form of label ``key`` for the count ``n`` in ``language``, filled (``{n}`` is the count).

    English has two forms (one for 1); other languages choose by CLDR's plural rules."""
    forms = labels[key]
    if not isinstance(forms, dict):
        raise TypeError(f"label {key} has no plural forms")
    if language == "en":
        form = forms["one"] if n == 1 else forms["other"]
    else:
        form = forms.get(cldr.plural_category(language, n), forms["other"])
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
