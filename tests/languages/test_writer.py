"""The writer of translation files edits an imported entry's values in place with the YAML editor: comments and
layout inside the entry stay, every other byte of the file too; an entry that cannot take the new text in its
style is written anew, and a new entry goes where the source's order puts it."""

from __future__ import annotations

import yaml

from strategy_builder.languages.writer import EntryUpdate, updated_file_text

FILE = """\
# Russian translation of inputs/partners/KZ.yaml (header kept)
official_name:
  source: ea4c590325ad
  # checked with the MFA's protocol department, 2026-11-02
  text: 'Республика Казахстан'
situation:
  source: 117a5475a5cd
  text: |-
    Казахстан стал основной страной назначения в Центральной Азии.

    Правительство применяет систему квот.
  note: keep the term "оралманы"   # the translator's own remark

# comments between entries stay
authorities[0].name:
  source: 4473a32e59dd
  text: Миграционная полиция
"""


def test_an_updated_entry_keeps_its_comments_and_style_and_nothing_else_changes() -> None:
    updates = [EntryUpdate("official_name", "0123456789ab", "Республика Казахстан (официально)"),
               EntryUpdate("situation", "fedcba987654",
                           "Казахстан – основная страна назначения в Центральной Азии.\n\n"
                           "Правительство применяет систему квот.",
                           prose=True, note='keep the term "оралманы"')]
    new = updated_file_text(FILE, updates, ["official_name", "situation", "authorities[0].name"])
    expected = (FILE.replace("ea4c590325ad", "0123456789ab")
                .replace("'Республика Казахстан'", "'Республика Казахстан (официально)'")
                .replace("117a5475a5cd", "fedcba987654")
                .replace("Казахстан стал основной страной назначения", "Казахстан – основная страна назначения"))
    assert new == expected
    data = yaml.safe_load(new)
    assert data["official_name"]["text"] == "Республика Казахстан (официально)"
    assert data["situation"]["note"] == 'keep the term "оралманы"'


def test_a_text_of_several_lines_in_a_one_line_entry_rewrites_that_entry_only() -> None:
    update = EntryUpdate("authorities[0].name", "4473a32e59dd", "Миграционная полиция\n\nМВД")
    new = updated_file_text(FILE, [update], ["official_name", "situation", "authorities[0].name"])
    head = FILE[:FILE.index("authorities[0].name:")]
    assert new.startswith(head)
    assert yaml.safe_load(new)["authorities[0].name"]["text"] == "Миграционная полиция\n\nМВД"


def test_a_new_entry_goes_where_the_source_order_puts_it() -> None:
    update = EntryUpdate("name", "aaaaaaaaaaaa", "Казахстан")
    new = updated_file_text(FILE, [update], ["official_name", "name", "situation", "authorities[0].name"])
    assert new == FILE.replace("situation:\n", "name:\n  source: aaaaaaaaaaaa\n  text: Казахстан\nsituation:\n", 1)


def test_an_imported_full_name_keeps_the_languages_abbreviation() -> None:
    text = ("abbreviations.EU:\n  source: 6bb098163f4e\n  text: Европейский союз\n  abbreviation: ЕС  # as the "
            "texts write it\n")
    update = EntryUpdate("abbreviations.EU", "0123456789ab", "Европейский Союз", abbreviation="ЕС")
    new = updated_file_text(text, [update], ["abbreviations.EU"])
    assert new == text.replace("6bb098163f4e", "0123456789ab").replace("союз", "Союз")
    fresh = updated_file_text("", [update], ["abbreviations.EU"])
    assert yaml.safe_load(fresh)["abbreviations.EU"] == {"source": "0123456789ab", "text": "Европейский Союз",
                                                        "abbreviation": "ЕС"}
