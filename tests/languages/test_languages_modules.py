"""Modules of languages/ on their own, on the sample as shipped (its Russian versions hold one stale value,
inputs/translations/ru/KZ.yaml): where each version stands (status.py), the translated models with pending
values marked (apply.py), translation files read strictly (files.py), and what a draft records of a
language version (records.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import STALE_SAMPLE_TRANSLATION, copy_sample
from strategy_builder.languages.apply import marked, translated_partner, translated_strategy
from strategy_builder.languages.files import language_label, read_translation_file
from strategy_builder.languages.records import (
    front_matter_id, language_entry, previous_titles, section_statuses, translated_sections,
)
from strategy_builder.languages.status import TranslationStatus, translation_status
from strategy_builder.models.section_changes import SectionChange, SectionFacts
from strategy_builder.models.section_records import partner_sections
from strategy_builder.models.translations import fingerprint
from strategy_builder.ooxml.markers import PENDING_MARKER

STALE_FILE, STALE_KEY = STALE_SAMPLE_TRANSLATION


@pytest.fixture(scope="module")
def status(tmp_path_factory: pytest.TempPathFactory) -> TranslationStatus:
    return translation_status(copy_sample(tmp_path_factory.mktemp("languages") / "project", as_shipped=True))


def test_the_status_counts_each_version_and_places_the_stale_value(status: TranslationStatus) -> None:
    kazakhstan = status.translations.of("ru", "KZ")
    assert kazakhstan is not None and status.translations.languages == ["ru"]
    counts = kazakhstan.counts()
    assert (counts["stale"], counts["missing"]) == (1, 0) and counts["translated"] == counts["total"] - 1
    [stale] = kazakhstan.pending
    assert stale.value.key == STALE_KEY
    place = status.source_location(kazakhstan, stale.value)
    assert place.startswith("inputs/partners/KZ.yaml:")
    line = int(place.rsplit(":", 1)[1])
    source = (status.project.root / "inputs/partners/KZ.yaml").read_text(encoding="utf-8").split("\n")
    assert stale.value.text.split()[0] in source[line - 1]
    assert not status.problems.has_errors() and status.findings  # the stale value is a finding, not a problem
    payload = status.to_json()
    assert payload["source_language"] == "en" and payload["languages"][0]["language"] == "ru"


def test_a_translated_partner_prints_translations_and_marks_what_is_pending(status: TranslationStatus) -> None:
    partner = status.project.partner("KZ")
    translation = status.translations.of("ru", "KZ")
    assert partner is not None and translation is not None
    russian = translated_partner(partner, translation)
    assert russian.code == "KZ" and russian.document is partner.document  # lines stay the source's
    assert russian.model.name != partner.model.name  # translated
    [stale] = translation.pending
    values = {s.value.key: s for s in translation.values}
    unmarked = translated_partner(partner, translation, mark=False)
    path = stale.value.path

    def at(model: object, where: tuple[object, ...]) -> object:
        for part in where:
            model = model[part] if isinstance(part, int) else getattr(model, str(part))  # type: ignore[index]
        return model

    assert at(russian.model, path) == marked(stale.value.text, stale.value.prose)
    assert at(unmarked.model, path) == stale.value.text
    assert len(values) == len(translation.values)
    strategy = translated_strategy(status.project.strategy, status.translations.of("ru", "strategy"))
    assert strategy.series.title != status.project.strategy.series.title


def test_marking_puts_the_marker_before_each_paragraph_and_bullet() -> None:
    assert marked("A line", prose=False) == PENDING_MARKER + "A line"
    assert marked("First.\n\n- one\n- two", prose=True) == (
        f"{PENDING_MARKER}First.\n\n- {PENDING_MARKER}one\n- {PENDING_MARKER}two")


def test_a_translation_file_is_read_strictly_with_every_problem_placed(tmp_path: Path) -> None:
    path = tmp_path / "AM.yaml"
    path.write_text("name:\n  source: 0123456789ab\n  text: Армения\n"
                    "summary: just text\n"
                    "official_name:\n  sourse: 0123456789ab\n  text: Республика Армения\n"
                    "situation:\n  source: nothex\n  text: ''\n", encoding="utf-8")
    read, findings = read_translation_file(path, "inputs/translations/ru/AM.yaml")
    assert read.document is not None and read.entries["name"].text == "Армения"
    where = {(f.code, f.location.line) for f in findings}
    assert ("translation.entry", 4) in where and ("schema.unknown-field", 6) in where
    assert any(f.code == "translation.no-text" and f.location.line == 10 for f in findings)
    assert all(f.location.file == "inputs/translations/ru/AM.yaml" for f in findings)
    assert language_label("ru") == "Russian (ru)"


def test_a_draft_records_each_sections_hashes_and_what_was_pending(status: TranslationStatus) -> None:
    partner = status.project.partner("KZ")
    translation = status.translations.of("ru", "KZ")
    strategy = status.translations.of("ru", "strategy")
    assert partner is not None and translation is not None
    records = partner_sections(partner, status.project.strategy)
    grouped = section_statuses("KZ", translation, strategy)
    assert front_matter_id("KZ") in grouped and set(grouped) <= {front_matter_id("KZ"), *(r.id for r in records)}
    sections = translated_sections("KZ", records, translation, strategy)
    assert [s.id for s in sections] == [front_matter_id("KZ"), *(r.id for r in records)]
    assert sum(s.pending for s in sections) == 1
    assert sum(s.values for s in sections) == len(translation.values) + (len(strategy.values) if strategy else 0)
    entry = language_entry(partner, records, "ru", "ru/KZ.docx", "0" * 64, 1000, translation, strategy)
    [pending] = entry.pending
    assert (pending.key, pending.state, pending.source_file) == (STALE_KEY, "stale", "inputs/partners/KZ.yaml")
    assert pending.source_line == partner.line_of(translation.pending[0].value.path)


def test_a_preview_of_some_partners_reads_only_the_languages_they_are_printed_in(tmp_path: Path) -> None:
    """A preview of partners without a Russian version does not read the Russian translation of strategy.yaml
    (here broken): it concerns no document the preview makes. One of a partner that has one reads it."""
    from strategy_builder.languages.loading import load_project_with_translations

    project = copy_sample(tmp_path / "project")
    (project / "inputs" / "translations" / "ru" / "strategy.yaml").write_text("entries: [unclosed\n",
                                                                              encoding="utf-8")
    english_only = load_project_with_translations(project, only={"AM", "MD"})
    assert english_only.project is not None and not english_only.findings.has_errors()
    assert {language for language, _ in english_only.project.translations.subjects} <= {"en"}
    with_russian = load_project_with_translations(project, only={"KZ"})
    assert with_russian.project is None
    assert "translation.orphaned-file" not in [f.code for f in with_russian.findings]  # BY's, UZ's are used
    assert any(finding.location.file.endswith("strategy.yaml") and "translations" in finding.location.file
               for finding in with_russian.findings.errors)
    everyone = load_project_with_translations(project)
    assert everyone.project is None and everyone.findings.has_errors()


def test_a_translation_file_of_a_partner_without_that_language_is_said_to_be_unused(tmp_path: Path) -> None:
    from strategy_builder.languages.loading import load_project_with_translations

    project = copy_sample(tmp_path / "project")
    russian = project / "inputs" / "translations" / "ru"
    (russian / "AM.yaml").write_bytes((russian / "KZ.yaml").read_bytes())  # AM has no Russian version
    for only in (None, {"AM"}, {"KZ"}):
        findings = load_project_with_translations(project, only=only).findings
        orphaned = [f.location.file for f in findings if f.code == "translation.orphaned-file"]
        assert orphaned == ["inputs/translations/ru/AM.yaml"], only


def test_a_translation_file_ending_in_yml_is_said_to_be_unread(tmp_path: Path) -> None:
    """Only ``<name>.yaml`` is read in a translation folder: a ``.yml`` file is named, with what to do, for a
    partner, for strategy.yaml, and beside the ``.yaml`` file that is read."""
    from strategy_builder.languages.loading import load_project_with_translations

    project = copy_sample(tmp_path / "project")
    russian = project / "inputs" / "translations" / "ru"
    (russian / "BY.yaml").rename(russian / "BY.yml")
    (russian / "KZ.yml").write_bytes((russian / "KZ.yaml").read_bytes())
    (russian / "strategy.yaml").rename(russian / "strategy.yml")
    findings = load_project_with_translations(project).findings
    unread = {f.location.file: f.hint for f in findings if f.code == "translation.not-read"}
    assert set(unread) == {f"inputs/translations/ru/{name}.yml" for name in ("BY", "KZ", "strategy")}
    assert "BY.yaml" in unread["inputs/translations/ru/BY.yml"]
    assert "KZ.yaml" in unread["inputs/translations/ru/KZ.yml"] and "remove" in unread["inputs/translations/ru/KZ.yml"]
    missing = [f.location.file for f in findings if f.code == "translation.missing-file"]
    assert "inputs/translations/ru/BY.yaml" in missing  # what the version lacks is said too


def test_the_previous_drafts_titles_are_found_in_the_translations_it_recorded(tmp_path: Path) -> None:
    """A removed or retitled section's old title in the language: from the previous draft's snapshot of the
    translations, else today's file; only a translation of exactly the old source title counts."""
    def entry(key: str, title: str, text: str) -> str:
        return f"{key}:\n  source: {fingerprint(title)}\n  text: {text}\n"

    def facts(section_id: str, title: str) -> SectionFacts:
        return SectionFacts(section_id, title, "2.1", "f")

    removed = SectionChange("removed", facts("BY/integration/a", "Old A"), None)
    retitled = SectionChange("changed", facts("BY/integration/b", "Old B"), facts("BY/integration/b", "New B"), True)
    unknown = SectionChange("removed", facts("BY/integration/c", "Old C"), None)
    chapter = SectionChange("removed", facts("BY/integration", "Integration"), None)
    recorded = tmp_path / "build/drafts/001/inputs/translations/ru/BY.yaml"
    recorded.parent.mkdir(parents=True)
    recorded.write_text(entry("areas.integration.priorities[a].title", "Old A", "Старое А")
                        + entry("areas.integration.priorities[c].title", "Other C", "Другое В"), encoding="utf-8")
    today = tmp_path / "inputs/translations/ru/BY.yaml"
    today.parent.mkdir(parents=True)
    today.write_text(entry("areas.integration.priorities[a].title", "Old A", "Новое А")
                     + entry("areas.integration.priorities[b].title", "Old B", "Старое Б"), encoding="utf-8")
    changes = [removed, retitled, unknown, chapter]
    assert previous_titles(tmp_path, 1, "ru", "BY", changes) == {
        "BY/integration/a": "Старое А", "BY/integration/b": "Старое Б"}
    assert previous_titles(tmp_path, None, "ru", "BY", changes) == {
        "BY/integration/a": "Новое А", "BY/integration/b": "Старое Б"}


def test_align_says_that_a_drafts_manifest_cannot_be_read(sample_drafts: tuple[Path, Path], tmp_path: Path) -> None:
    """With draft 001's manifest damaged, ``align 2`` compared draft 002 with nothing (every section "new");
    with draft 002's, it said there was no draft 002. Both refuse (exit 2), naming the manifest."""
    import shutil

    import pytest

    from strategy_builder.errors import EnvironmentProblem
    from strategy_builder.languages.align import align

    for draft in ("001", "002"):
        project = Path(shutil.copytree(sample_drafts[1].parent.parent.parent, tmp_path / draft, symlinks=True))
        (project / "build" / "drafts" / draft / "manifest.json").write_text("{broken", encoding="utf-8")
        with pytest.raises(EnvironmentProblem, match=f"the manifest of drafts/{draft} cannot be read") as refused:
            align(project, 2, "ru")
        assert refused.value.exit_code == 2
