"""The models a build reads from the sample project: section records with stable IDs, numbers and hashes
(section_records.py), the abbreviations a draft prints (abbreviations.py), a project and its partners with the
line of each field (project.py), the table of printed values (provenance.py), the source values a translator
sees (translations.py) and the manifest of replies (replies.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from conftest import copy_sample
from strategy_builder.inputs.loading import load_project
from strategy_builder.models.abbreviations import abbreviations_in, draft_abbreviations, full_names, used_in_partner
from strategy_builder.models.project import Project
from strategy_builder.models.provenance import ValueLog, ValueTable, values_json
from strategy_builder.models.replies import RepliesManifest
from strategy_builder.models.section_records import action_number, partner_sections, stable_hash
from strategy_builder.models.translations import (
    SourceValue, SubjectTranslation, TranslationEntry, abbreviated_code, fingerprint, is_translatable_key, normalised,
    partner_values, structure, value_statuses,
)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    loaded = load_project(copy_sample(tmp_path_factory.mktemp("models") / "project"))
    assert loaded.project is not None
    return loaded.project


def test_sections_are_numbered_in_document_order_with_the_line_they_come_from(project: Project) -> None:
    armenia = project.partner("AM")
    assert armenia is not None and project.partner("XX") is None
    records = partner_sections(armenia, project.strategy)
    assert records[0].id == "AM/situation" and records[0].number == "1"
    assert records[-1].id == "AM/key-figures" and records[-1].number == "A"
    areas = [r for r in records if r.kind == "area"]
    assert [r.number for r in areas] == ["2", "3", "4", "5", "6"]
    priorities = [r for r in records if r.kind == "priority"]
    area_number = {r.area: r.number for r in areas}
    assert priorities and all(r.number.startswith(f"{area_number[r.area]}.") for r in priorities)
    lines = (project.root / "inputs/partners/AM.yaml").read_text(encoding="utf-8").split("\n")
    first = priorities[0]
    assert first.source_file.endswith("AM.yaml") and f"id: {first.priority}" in lines[first.source_line - 1] + \
        lines[first.source_line]
    assert len({r.id for r in records}) == len(records)
    assert partner_sections(armenia, project.strategy) == records  # the same inputs, the same records


@given(st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=5))
def test_a_stable_hash_ignores_the_order_of_keys(value: dict[str, object]) -> None:
    assert stable_hash(value) == stable_hash(dict(reversed(list(value.items()))))


def test_action_numbers_run_a_to_z_then_on_in_digits() -> None:
    assert [action_number("3.2", i) for i in (1, 2, 26, 27)] == ["3.2.a", "3.2.b", "3.2.z", "3.2.27"]


def test_abbreviations_are_capital_words_but_not_roman_numerals() -> None:
    assert abbreviations_in("The IOM and UNHCR (not Phase II) support the EU and R&D; IOM again, CIS2.") == [
        "IOM", "UNHCR", "EU", "R&D", "CIS2"]
    assert abbreviations_in(None) == [] and abbreviations_in("no capitals here") == []


_PLAIN_ABBREVIATION = re.compile(r"(?<![\w&.-])([A-Z][A-Z&]*[A-Z][0-9]*)(?![\w&-])")
_ROMAN_NUMERAL = re.compile("[IVXLCDM]+")


@settings(max_examples=300)
@given(st.text(alphabet="AIVXBCEUNHRZ&.-_ aé1Ж9\nx", max_size=30))
@example("EU, .EU, x.EU, -EU, &EU, _EU, 9EU, éEU, ЖEU; EU- EU& EU9x")
def test_abbreviations_are_found_where_a_look_behind_before_the_first_capital_finds_them(text: str) -> None:
    """The pattern checks what comes before a word after its first capital (for speed): the same words."""
    found = (m.group(1) for m in _PLAIN_ABBREVIATION.finditer(text))
    expected = list(dict.fromkeys(word for word in found if not _ROMAN_NUMERAL.fullmatch(word)))
    assert abbreviations_in(text) == expected


def test_a_language_version_reads_capitals_of_any_script_and_the_abbreviations_it_declares() -> None:
    text = "Члены ЕС и УВКБ ООН (этап II), IOM, I-Map, R&D и ООН; ЕС"
    assert abbreviations_in(text) == ["IOM", "R&D"]  # the source language's rule: A-Z only
    assert abbreviations_in(text, ["УВКБ ООН"], any_script=True) == ["ЕС", "УВКБ ООН", "IOM", "R&D", "ООН"]
    assert abbreviations_in(text, any_script=True) == ["ЕС", "УВКБ", "ООН", "IOM", "R&D"]
    assert abbreviations_in("Европейский союз", any_script=True) == []


def test_a_language_versions_list_explains_its_own_abbreviations_in_its_language(project: Project) -> None:
    """Each abbreviation of the translated texts, a declared one with the full name of the code it stands
    for; one without a full name is left out (check reports it); the language's own script first."""
    belarus = project.partner("BY")
    assert belarus is not None
    situation = "Беларусь (ЕС, УВКБ ООН, МВФ) и ICMPD."
    model = belarus.model.model_copy(update={"situation": situation})
    strategy = project.strategy.model_copy(update={"abbreviations": {
        **project.strategy.abbreviations, "EU": "Европейский союз"}})
    rows = draft_abbreviations(model, strategy, {"ЕС": "EU", "УВКБ ООН": "UNHCR"})
    codes = [code for code, _ in rows]
    assert codes[:2] == ["ЕС", "УВКБ ООН"] and "МВФ" not in codes and "ICMPD" in codes
    assert dict(rows)["ЕС"] == "Европейский союз"
    assert dict(rows)["УВКБ ООН"] == full_names(strategy)["UNHCR"]
    assert codes[2:] == sorted(codes[2:], key=str.casefold) and all(code.isascii() for code in codes[2:])


def test_a_translation_of_a_full_name_declares_the_languages_abbreviation() -> None:
    assert abbreviated_code("abbreviations.EU") == "EU"
    assert abbreviated_code("stakeholders[EU Delegation].name") == "EU Delegation"
    assert abbreviated_code("states[CZ].name") is None and abbreviated_code("series.title") is None
    values = [SourceValue("abbreviations.EU", ("abbreviations", "EU"), "European Union", False, 300, None),
              SourceValue("series.title", ("series", "title"), "Strategy", False, 300, None)]
    entries = {"abbreviations.EU": TranslationEntry("abbreviations.EU", "Европейский союз", "000000000000",
                                                    abbreviation="ЕС"),
               "series.title": TranslationEntry("series.title", "Стратегия", fingerprint("Strategy"),
                                                abbreviation="С")}
    translation = SubjectTranslation("ru", "strategy", "inputs/strategy.yaml", "ru.yaml", True,
                                     list(value_statuses(values, entries)))
    assert translation.abbreviation_forms() == {"ЕС": "EU"}  # a stale entry's too; never a non-name's


def test_a_draft_prints_the_abbreviations_it_uses_with_their_full_names(project: Project) -> None:
    armenia = project.partner("AM")
    assert armenia is not None
    names = full_names(project.strategy)
    printed = draft_abbreviations(armenia.model, project.strategy)
    assert printed == sorted(printed, key=lambda pair: pair[0].casefold())
    assert all(names[code] == name for code, name in printed)
    used = used_in_partner(armenia.model)
    assert {code for code, _ in printed} <= set(used) | set(names)
    assert all(path[0] in ("official_name", "summary", "authorities", "situation", "key_figures", "areas")
               for path in used.values())


def test_the_value_table_numbers_values_and_writes_one_per_line() -> None:
    log = ValueLog("AM", "inputs/partners/AM.yaml")
    first = log.add("AM/situation", ("situation",), 12, "block", "Armenia is …", block=0)
    second = log.add("AM/situation", ("name",), 3, "line", "Armenia")
    assert (first, second) == (1, 2)
    data = values_json(log.table())
    assert data.count(b"\n") == 4  # head, two values, closing
    table = ValueTable.model_validate(json.loads(data))
    assert table.by_index()[2].text == "Armenia" and table.by_index()[1].path == ["situation"]


def test_translation_fingerprints_follow_the_printed_text() -> None:
    text = "First paragraph.\n\n- a bullet\n- another"
    assert normalised(text) == text and structure(text) == ("paragraph", "bullet", "bullet")
    assert fingerprint(text) == fingerprint("First   paragraph.\n\n\n- a bullet\n- another")
    assert fingerprint(text) != fingerprint("First paragraph.\n\n- a bullet")
    assert len(fingerprint(text)) == 12


def test_source_values_and_their_states(project: Project) -> None:
    armenia = project.partner("AM")
    assert armenia is not None
    values = partner_values(armenia.model)
    keys = [value.key for value in values]
    assert len(keys) == len(set(keys)) and all(is_translatable_key(key, "AM") for key in keys)
    assert not is_translatable_key("code", "AM")
    value = next(v for v in values if v.prose)
    entries = {value.key: TranslationEntry(value.key, "Перевод", value.fingerprint)}
    [status] = list(value_statuses([value], entries))
    assert (status.state, status.printed("ru"), status.pending) == ("translated", "Перевод", False)
    [stale] = list(value_statuses([value], {value.key: TranslationEntry(value.key, "Старый", "0" * 12)}))
    assert (stale.state, stale.printed("ru"), stale.pending) == ("stale", "Старый", True)
    country = SourceValue("states[AM].name", ("states", 0, "name"), "Armenia", False, 300, None, territory="AM")
    [named] = list(value_statuses([country], {}))
    assert named.state == "cldr" and named.printed("ru") == "Армения"


def test_a_replies_manifest_refuses_unknown_fields() -> None:
    manifest = {"tool_version": "1", "number": 1, "to_draft": 2, "issued": "2010-12-01", "consultation_round": 1,
                "register_file": "review/register.xlsx", "register_sha256": "0" * 64, "fingerprint": "f",
                "ministries": [], "replies": []}
    assert RepliesManifest.model_validate(manifest).series == "replies"
    with pytest.raises(ValidationError):
        RepliesManifest.model_validate({**manifest, "surprise": 1})


def test_the_project_uses_its_own_template_unless_it_has_none(project: Project, tmp_path: Path) -> None:
    assert not project.uses_packaged_template and project.template_path == (
        project.root / "templates/strategy.docx").resolve()


def test_a_language_versions_list_is_in_the_order_of_its_alphabet(project: Project) -> None:
    """Ё is filed with Е, as Russian dictionaries file it (ЕЖ, ЁЖ, ЕЗ), not after Я as the order of code
    points has it."""
    belarus = project.partner("BY")
    assert belarus is not None
    model = belarus.model.model_copy(update={"situation": "ЯЯ, ЕЗ, ЁЖ, ЕЖ и ЖА."})
    names = {"YY": "я", "EZ": "ез", "YOZH": "ёж", "EZH": "еж", "ZHA": "жа"}
    strategy = project.strategy.model_copy(update={"abbreviations": {**project.strategy.abbreviations, **names}})
    forms = {"ЯЯ": "YY", "ЕЗ": "EZ", "ЁЖ": "YOZH", "ЕЖ": "EZH", "ЖА": "ZHA"}
    codes = [code for code, _ in draft_abbreviations(model, strategy, forms)]
    assert codes[:5] == ["ЕЖ", "ЁЖ", "ЕЗ", "ЖА", "ЯЯ"]
