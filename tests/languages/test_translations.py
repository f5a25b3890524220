"""Translations as inputs: keys, fingerprints, staleness, and every problem of a translation file as a finding."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import copy_sample
from strategy_builder.cldr import plural_categories
from strategy_builder.languages.loading import load_project_with_translations
from strategy_builder.models.translations import fingerprint, partner_values
from strategy_builder.render.labels import CLDR_KEYS, ENGLISH, RUSSIAN, template_labels

KZ = "inputs/partners/KZ.yaml"
KZ_RU = "inputs/translations/ru/KZ.yaml"
STRATEGY_RU = "inputs/translations/ru/strategy.yaml"


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "p", as_shipped=True)


def _edit(project: Path, file: str, old: str, new: str) -> None:
    path = project / file
    text = path.read_text(encoding="utf-8")
    assert old in text, (file, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _states(project: Path, language: str = "ru") -> dict[tuple[str, str], str]:
    loaded = load_project_with_translations(project)
    assert loaded.project is not None, [f.to_json() for f in loaded.findings.errors]
    return {(subject, status.value.key): status.state
            for (lang, subject), translation in loaded.project.translations.subjects.items() if lang == language
            for status in translation.values}


def test_the_sample_has_one_stale_value_and_nothing_missing(shipped: Path) -> None:
    states = _states(shipped)
    assert {key for key, state in states.items() if state != "translated" and state != "cldr"} == {
        ("KZ", "areas.legal_migration.priorities[foreign-worker-quota-system].title")}
    assert states["KZ", "areas.legal_migration.priorities[foreign-worker-quota-system].title"] == "stale"
    assert states["BY", "name"] == "cldr"  # country names come from CLDR unless translated


def test_a_source_edit_makes_exactly_that_value_stale(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    before = _states(project)
    assert "stale" not in before.values()
    _edit(project, KZ, "of employers with simpler legal procedures.",
          "of employers with simpler and faster legal procedures.")
    after = _states(project)
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {("KZ", "areas.illegal_migration.priorities[irregular-employment].rationale")}
    assert after["KZ", "areas.illegal_migration.priorities[irregular-employment].rationale"] == "stale"


def test_rewrapping_a_source_text_changes_nothing(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    _edit(project, KZ, "many of them without authorisation.", "many of them\n  without  authorisation.")
    assert "stale" not in _states(project).values()


def test_keys_use_ids_not_positions_so_reordering_priorities_keeps_translations(tmp_path: Path) -> None:
    """Two priorities of one area swap places: their translations follow them (keys name the priority id)."""
    project = copy_sample(tmp_path / "p")
    loaded = load_project_with_translations(project).project
    assert loaded is not None
    keys = {v.key for v in partner_values(loaded.partner("KZ").model)}
    assert "areas.integration.priorities[oralman-integration].title" in keys
    assert all("priorities[" not in k or not k.split("priorities[")[1][0].isdigit() for k in keys)


def test_fingerprint_covers_paragraphs_not_line_breaks() -> None:
    assert fingerprint("One.\nTwo.") == fingerprint("One. Two.")
    assert fingerprint("One.\n\nTwo.") != fingerprint("One. Two.")
    assert fingerprint("- a\n- b") != fingerprint("a b")


def test_every_problem_of_a_translation_file_is_a_finding_with_its_position(shipped: Path) -> None:
    path = shipped / KZ_RU
    text = path.read_text(encoding="utf-8")
    text += ("areas.legal_migration.priorities[foreign-worker-quota-system].status:\n  source: 0123456789ab\n"
             "  text: Согласован\n"
             "areas.legal_migration.priorities[no-such-priority].title:\n  source: 0123456789ab\n  text: Нет\n"
             "official_nam:\n  source: 0123456789ab\n  text: Республика\n")
    bad_fingerprint = text.replace("key_figures[0].source:\n  source: df512194ec7d",
                                   "key_figures[0].source:\n  source: 12345")
    path.write_text(bad_fingerprint, encoding="utf-8")
    situation = "situation:\n  source: 117a5475a5cd\n  text: |-\n"
    assert situation in text
    _edit(shipped, KZ_RU, "\n\n    Правительство применяет", "\n    Правительство применяет")  # one paragraph, not two
    (shipped / "inputs/translations/kk").mkdir()
    (shipped / "inputs/translations/kk/KZ.yaml").write_text("name:\n  source: 0123456789ab\n  text: Қазақстан\n",
                                                            encoding="utf-8")
    loaded = load_project_with_translations(shipped)
    found = {(f.code, f.location.file, f.location.line) for f in loaded.findings}
    lines = (shipped / KZ_RU).read_text(encoding="utf-8").split("\n")

    def line_of(key: str) -> int:
        return lines.index(f"{key}:") + 1

    assert ("translation.unknown-field", KZ_RU,
            line_of("areas.legal_migration.priorities[foreign-worker-quota-system].status")) in found
    assert ("translation.orphaned", KZ_RU, line_of("areas.legal_migration.priorities[no-such-priority].title")) \
        in found
    assert ("translation.unknown-field", KZ_RU, line_of("official_nam")) in found
    assert ("translation.no-fingerprint", KZ_RU, line_of("key_figures[0].source") + 1) in found
    assert ("translation.structure", KZ_RU, line_of("situation") + 2) in found
    assert any(code == "translation.language-not-declared" for code, _, _ in found)
    assert ("translation.stale", KZ, 59) in found
    assert loaded.project is None  # errors: the project is not built
    hint = next(f.hint for f in loaded.findings
                if f.code == "translation.unknown-field" and "official_nam" in f.message)
    assert hint == "did you mean official_name?"


def test_declared_languages_are_checked(shipped: Path) -> None:
    _edit(shipped, "inputs/strategy.yaml", "languages: [en, {code: ru, partners: [BY, KZ, UZ]}]",
          "languages: [en, {code: ru, partners: [BY, KZ, XX]}, fr, xx]")
    found = {(f.code, f.location.line) for f in load_project_with_translations(shipped).findings}
    codes = {code for code, _ in found}
    assert {"languages.not-a-partner", "languages.no-catalogue", "languages.unknown"} <= codes


def test_the_russian_catalogue_has_every_key_but_the_cldr_ones_and_cldr_plural_forms() -> None:
    # The reply letters of a consultation round ('strategy-builder reply') are written in English for now.
    replies = {key for key in ENGLISH if key.startswith("reply_")}
    assert set(RUSSIAN) == set(ENGLISH) - CLDR_KEYS - replies
    forms = plural_categories("ru")
    for key, value in RUSSIAN.items():
        if isinstance(value, dict):
            assert set(value) == forms, key
    # Every label a template prints is translated: none is left as the English text.
    english = template_labels(ENGLISH)
    untranslated = [key for key, text in template_labels(RUSSIAN).items()
                    if text == english[key] and any(c.isalpha() for c in re.sub(r"\{[^}]*\}", "", text))]
    assert untranslated == []


def test_an_abbreviation_the_russian_text_uses_without_a_russian_full_name_is_a_finding(shipped: Path) -> None:
    """The sample's Russian texts write ЕС and УВКБ ООН, which its translations of "European Union" and of
    UNHCR's name declare; without the declaration, check says where the Russian text uses the abbreviation."""
    assert not [f for f in load_project_with_translations(shipped).findings if f.code.startswith("abbreviation")]
    _edit(shipped, STRATEGY_RU, "  abbreviation: ЕС\n", "")
    # An abbreviation nobody declares:
    _edit(shipped, "inputs/translations/ru/BY.yaml", "ежегодно поступает", "ежегодно, по данным МВФ, поступает")
    loaded = load_project_with_translations(shipped)
    assert loaded.project is not None  # warnings, as for the source's abbreviations
    lines = (shipped / "inputs/translations/ru/BY.yaml").read_text(encoding="utf-8").split("\n")
    found = sorted((f.message.split()[2], f.location.file, f.location.line) for f in loaded.findings
                   if f.code == "abbreviation.undefined")
    rationale = lines.index("areas.illegal_migration.priorities[transit-migration-detection].rationale:") + 3
    assert ("ЕС", "inputs/translations/ru/BY.yaml", rationale) in found
    assert [token for token, _, _ in found] == ["ЕС", "МВФ"]
    hint = next(f.hint for f in loaded.findings if f.code == "abbreviation.undefined" and "ЕС" in f.message)
    assert hint is not None and "'abbreviation: ЕС'" in hint and STRATEGY_RU in hint


def test_an_abbreviation_is_given_only_by_a_full_name_and_only_once(shipped: Path) -> None:
    _edit(shipped, STRATEGY_RU, "  text: Датский совет по делам беженцев\n",
          "  text: Датский совет по делам беженцев\n  abbreviation: ЕС\n")
    _edit(shipped, STRATEGY_RU, "  text: Стратегия миграционного партнёрства\n",
          "  text: Стратегия миграционного партнёрства\n  abbreviation: СМП\n")
    _edit(shipped, STRATEGY_RU, "  abbreviation: УВКБ ООН\n", "  abbreviation: \" УВКБ ООН\"\n")
    loaded = load_project_with_translations(shipped)
    assert loaded.project is None
    lines = (shipped / STRATEGY_RU).read_text(encoding="utf-8").split("\n")
    found = sorted((f.code, f.location.line) for f in loaded.findings.errors)
    assert found == sorted([("translation.abbreviation", lines.index("  abbreviation: ЕС", lines.index(
        "abbreviations.EU:")) + 1), ("translation.abbreviation", lines.index("  abbreviation: СМП") + 1),
        ("translation.abbreviation", lines.index('  abbreviation: " УВКБ ООН"') + 1)])


def test_an_abbreviation_without_a_full_name_in_both_texts_is_reported_once_at_the_source(shipped: Path) -> None:
    """A code the source's text uses without a full name, kept as it is in the Russian text, is one problem
    (check reports it at the source): not a second finding at the translation."""
    from conftest import refresh_translation
    from strategy_builder.drafts.checking import check_project

    key = "areas.illegal_migration.priorities[transit-migration-detection].rationale"
    _edit(shipped, "inputs/partners/BY.yaml", "the exchange of information", "the exchange of XYZ information")
    _edit(shipped, "inputs/translations/ru/BY.yaml", "улучшить обмен информацией", "улучшить обмен информацией XYZ")
    refresh_translation(shipped, "inputs/translations/ru/BY.yaml", key)
    loaded = load_project_with_translations(shipped)
    assert loaded.project is not None
    status = loaded.project.translations.of("ru", "BY")
    assert status is not None and status.by_key()[key].state == "translated"
    found = [(f.location.file, f.message) for f in check_project(shipped).findings
             if f.code == "abbreviation.undefined" and "XYZ" in f.message]
    assert [file for file, _ in found] == ["inputs/partners/BY.yaml"], found
