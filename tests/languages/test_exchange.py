"""Export for translators and import back: XLIFF 2.1 and xlsx round trips, fingerprints, notes, stale units,
errors that write nothing, and translation files changed only where the import says."""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from conftest import copy_sample
from strategy_builder.errors import EnvironmentProblem, InputProblems
from strategy_builder.languages.exchange import export_translations, import_translations
from strategy_builder.languages.loading import load_project_with_translations
from strategy_builder.models.translations import fingerprint

X = "{urn:oasis:names:tc:xliff:document:2.0}"
M = "{urn:oasis:names:tc:xliff:metadata:2.0}"
STALE_KEY = "areas.legal_migration.priorities[foreign-worker-quota-system].title"
KZ_RU = "inputs/translations/ru/KZ.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "p", as_shipped=True)


def _unit(tree: etree._ElementTree, key: str) -> etree._Element:
    return next(u for u in tree.iter(f"{X}unit") if u.get("name") == key)


def _state(project: Path, subject: str, key: str) -> tuple[str, str | None, str | None]:
    loaded = load_project_with_translations(project).project
    assert loaded is not None
    status = loaded.translations.of("ru", subject)
    assert status is not None
    item = status.by_key()[key]
    return item.state, item.entry.text if item.entry else None, item.entry.note if item.entry else None


def test_export_edit_import_round_trips_through_xliff_without_losing_notes_or_fingerprints(project: Path,
                                                                                          tmp_path: Path) -> None:
    exported = tmp_path / "ru.xlf"
    result = export_translations(project, "ru", exported, only={"missing", "stale"})
    assert result.counts == {"stale": 1}
    tree = etree.parse(str(exported))
    root = tree.getroot()
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.1", "en", "ru")
    unit = _unit(tree, STALE_KEY)
    notes = {n.get("category"): n.text for n in unit.iter(f"{X}note")}
    assert notes["location"] == "KZ 4.1 Quota system for foreign workers"
    assert notes["previous-translation"] == "Система квот на иностранную рабочую силу"
    assert unit.find(f".//{X}source").text == "Quota system for foreign workers"
    assert unit.find(f".//{X}target") is None  # a stale translation is a note, never a target to accept as is
    meta = {m.get("type"): m.text for m in unit.iter(f"{M}meta")}
    assert meta["source-fingerprint"] == fingerprint("Quota system for foreign workers")

    # The translator translates and adds a note, as a CAT tool writes it.
    segment = unit.find(f"{X}segment")
    target = etree.SubElement(segment, f"{X}target")
    target.text = "Система квот для иностранных работников"
    segment.set("state", "translated")
    etree.SubElement(unit.find(f"{X}notes"), f"{X}note", category="translator").text = "«работники», не «сила»"
    tree.write(str(exported), xml_declaration=True, encoding="UTF-8")
    before = (project / KZ_RU).read_text(encoding="utf-8")

    imported = import_translations(project, exported)
    assert (imported.counts["updated"], imported.files) == (1, [KZ_RU])
    assert _state(project, "KZ", STALE_KEY) == ("translated", "Система квот для иностранных работников",
                                                "«работники», не «сила»")
    after = (project / KZ_RU).read_text(encoding="utf-8")
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert len(changed) == 3  # the entry's source and text lines, and its note: nothing else of the file
    [backup] = imported.backups  # named as every backup of the tool: the file, when, its suffix
    assert backup.parent == project / "inputs/translations/ru/.backups"
    assert re.fullmatch(r"KZ\.\d{8}-\d{6}(-\d+)?\.yaml", backup.name)
    assert backup.read_text(encoding="utf-8") == before

    again = etree.parse(str(export_translations(project, "ru", tmp_path / "again.xlf").path))
    unit = _unit(again, STALE_KEY)
    assert {n.get("category"): n.text for n in unit.iter(f"{X}note")}["translator"] == "«работники», не «сила»"
    assert unit.find(f".//{X}target").text == "Система квот для иностранных работников"
    assert {m.get("type"): m.text for m in unit.iter(f"{M}meta")}["source-fingerprint"] == \
        fingerprint("Quota system for foreign workers")


def test_a_unit_made_from_an_older_source_is_imported_stale(project: Path, tmp_path: Path) -> None:
    exported = export_translations(project, "ru", tmp_path / "ru.xlf", partners={"KZ"}).path
    key = "areas.illegal_migration.priorities[irregular-employment].title"
    source = project / "inputs/partners/KZ.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "title: Reducing irregular employment of foreign workers", "title: Reducing irregular employment"),
        encoding="utf-8")
    tree = etree.parse(str(exported))
    _unit(tree, key).find(f".//{X}target").text = "Сокращение нерегулярной занятости иностранцев"
    tree.write(str(exported), xml_declaration=True, encoding="UTF-8")
    result = import_translations(project, exported)
    assert result.counts["stale"] == 1
    assert [f.code for f in result.warnings] == ["import.stale"]
    assert _state(project, "KZ", key)[:2] == ("stale", "Сокращение нерегулярной занятости иностранцев")


def test_an_import_with_errors_writes_nothing(project: Path, tmp_path: Path) -> None:
    exported = export_translations(project, "ru", tmp_path / "ru.xlf", partners={"KZ"}).path
    tree = etree.parse(str(exported))
    situation = _unit(tree, "situation")
    situation.find(f".//{X}target").text = "Один абзац вместо двух."  # drops a paragraph: numbers would differ
    title = _unit(tree, STALE_KEY)
    title.find(f".//{X}source").text = "Quota system (edited in the CAT tool)"
    etree.SubElement(title.find(f"{X}segment"), f"{X}target").text = "Система квот"
    tree.write(str(exported), xml_declaration=True, encoding="UTF-8")
    before = {p: p.read_bytes() for p in (project / "inputs/translations").rglob("*.yaml")}
    with pytest.raises(InputProblems) as refused:
        import_translations(project, exported)
    assert sorted(f.code for f in refused.value.findings) == ["import.invalid-text", "import.source-edited"]
    assert all(f.location.line for f in refused.value.findings)
    assert {p: p.read_bytes() for p in (project / "inputs/translations").rglob("*.yaml")} == before


def test_export_of_a_partner_without_that_language_version_is_refused_naming_those_with_one(
        project: Path, tmp_path: Path) -> None:
    """A slip (XX) or a partner without a Russian version (AM) would export strategy.yaml's texts alone."""
    for partners in ({"XX"}, {"AM", "KZ"}):
        with pytest.raises(EnvironmentProblem) as refused:
            export_translations(project, "ru", tmp_path / "ru.xlf", partners=partners)
        assert refused.value.exit_code == 2 and (refused.value.hint or "").endswith("BY, KZ, UZ")
        assert sorted(partners - {"KZ"})[0] in refused.value.message
    assert not (tmp_path / "ru.xlf").exists()
    assert export_translations(project, "ru", tmp_path / "ru.xlf", partners={"KZ"}).counts


def test_a_value_in_the_file_twice_with_two_translations_is_refused_at_both_places(project: Path,
                                                                                  tmp_path: Path) -> None:
    """A row copied in the workbook and translated again: the last one would win, silently."""
    import openpyxl

    exported = export_translations(project, "ru", tmp_path / "ru.xlsx").path
    workbook = openpyxl.load_workbook(exported)
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    copy = [cell.value for cell in sheet[2]]
    sheet.append(copy)  # the same row again: harmless
    copy[header.index("Translation")] = "Иная стратегия"
    sheet.append(copy)
    workbook.save(exported)
    before = {p: p.read_bytes() for p in (project / "inputs/translations").rglob("*.yaml")}
    with pytest.raises(InputProblems) as refused:
        import_translations(project, exported)
    [finding] = refused.value.findings
    assert finding.code == "import.duplicate" and finding.location.line == sheet.max_row
    assert finding.message.endswith(f"than at {exported}:2")
    assert {p: p.read_bytes() for p in (project / "inputs/translations").rglob("*.yaml")} == before


def test_a_translation_the_spreadsheet_stored_as_a_number_or_date_is_refused_not_imported(
        project: Path, tmp_path: Path) -> None:
    """Excel and LibreOffice turn what is typed into a General cell into a number ('около 9,5' stays text, but
    '9,5' becomes 9.5 and '15%' 0.15) or a date ('1.05'): imported as its str(), the Russian draft would print
    '9.5' or '2010-05-01 00:00:00'. The export formats the Translation and Note cells as Text, so that typing
    keeps text; a cell that is not text all the same is refused at its row, with every other error."""
    import datetime as dt

    import openpyxl

    exported = export_translations(project, "ru", tmp_path / "ru.xlsx").path
    workbook = openpyxl.load_workbook(exported)
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    column = header.index("Translation") + 1
    assert {sheet.cell(row, column).number_format for row in range(2, sheet.max_row + 1)} == {"@"}
    sheet.cell(2, column).value = 0.15
    sheet.cell(3, column).value = dt.datetime(2010, 5, 1)
    workbook.save(exported)
    before = {p: p.read_bytes() for p in (project / "inputs/translations").rglob("*.yaml")}
    with pytest.raises(InputProblems) as refused:
        import_translations(project, exported)
    assert [(f.code, f.location.line) for f in refused.value.findings] == [("import.not-text", 2),
                                                                           ("import.not-text", 3)]
    assert "a number (0.15)" in refused.value.findings.items[0].message
    assert {p: p.read_bytes() for p in (project / "inputs/translations").rglob("*.yaml")} == before


def test_a_password_protected_workbook_is_named_as_such(project: Path, tmp_path: Path) -> None:
    returned = tmp_path / "ru-returned.xlsx"  # what Excel saves with a password: a compound file, no zip
    returned.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(InputProblems) as refused:
        import_translations(project, returned)
    [finding] = refused.value.findings
    assert finding.code == "xlsx.invalid" and "password-protected" in finding.message and finding.hint


def _run_with_file_size_limit(project: Path, limit: int, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI as a process that may write no file past ``limit`` bytes (RLIMIT_FSIZE: such a write fails with
    EFBIG, as on a full disk, and Python ignores the signal that would end the process), without root."""
    environment = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    environment.pop("STRATEGY_BUILDER_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "strategy_builder", *args, "--project", str(project)],
                          capture_output=True, text=True, timeout=120, env=environment,
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)))


def test_every_import_keeps_a_backup_of_its_own(project: Path, tmp_path: Path) -> None:
    """Two imports, two backups: the second does not replace the first, which held the only copy of the file
    as the team had it before the first import."""
    exported = export_translations(project, "ru", tmp_path / "ru.xlf", only={"missing", "stale"}).path
    tree = etree.parse(str(exported))
    segment = _unit(tree, STALE_KEY).find(f"{X}segment")
    target = etree.SubElement(segment, f"{X}target")
    originals = []
    for wording in ("Система квот для иностранных работников", "Система квот для иностранных трудящихся"):
        originals.append((project / KZ_RU).read_bytes())
        target.text = wording
        tree.write(str(exported), xml_declaration=True, encoding="UTF-8")
        assert import_translations(project, exported).counts["updated"] == 1
    backups = sorted((project / "inputs/translations/ru/.backups").iterdir(), key=lambda p: p.stat().st_mtime_ns)
    assert [p.read_bytes() for p in backups] == originals
    assert all(re.fullmatch(r"KZ\.\d{8}-\d{6}(-\d+)?\.yaml", p.name) for p in backups)


def test_an_import_that_cannot_write_every_file_changes_none_and_leaves_no_half_written_backup(
        project: Path, tmp_path: Path) -> None:
    exported = export_translations(project, "ru", tmp_path / "ru.xlf").path
    tree = etree.parse(str(exported))
    for subject in ("UZ", "strategy"):  # written in this order; the second cannot be kept in full
        unit = next(tree.getroot().iterfind(f"{X}file[@id='{subject}']/{X}unit"))
        target = unit.find(f".//{X}target")
        target.text = "Изменено: " + target.text
    tree.write(str(exported), xml_declaration=True, encoding="UTF-8")
    translations = project / "inputs/translations/ru"
    with (translations / "strategy.yaml").open("a", encoding="utf-8") as notes:  # the team's notes: a big file
        notes.writelines(f"# note {n}: checked against the ministry's glossary of 2009\n" for n in range(300))
    limit = 12_000
    assert (translations / "UZ.yaml").stat().st_size < limit < (translations / "strategy.yaml").stat().st_size
    before = {p: p.read_bytes() for p in translations.rglob("*")}

    done = _run_with_file_size_limit(project, limit, "translate", "import", str(exported))

    assert done.returncode == 2, done.stderr
    assert "strategy.yaml" in done.stderr and ".tmp" not in done.stderr and "Traceback" not in done.stderr
    assert {p: p.read_bytes() for p in translations.glob("*.yaml")} == {
        p: data for p, data in before.items() if p.parent == translations}  # nothing imported
    for backup in (translations / ".backups").glob("*"):  # whole copies (NAME.STAMP.yaml), or none
        assert backup.read_bytes() == before[translations / f"{backup.name.split('.')[0]}.yaml"], backup.name
    assert not [p for p in translations.rglob("*") if ".tmp" in p.name]


def test_xlsx_round_trip_for_translators_without_a_cat_tool(project: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = export_translations(project, "ru", tmp_path / "ru.xlsx", only={"stale"}).path
    workbook = load_workbook(path)
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    row = [cell.value for cell in sheet[2]]
    assert row[header.index("Key")] == STALE_KEY
    assert row[header.index("Previous translation")] == "Система квот на иностранную рабочую силу"
    sheet.cell(2, header.index("Translation") + 1, "Система квот для иностранных работников")
    workbook.save(path)
    result = import_translations(project, path)
    assert result.counts["updated"] == 1
    assert _state(project, "KZ", STALE_KEY)[:2] == ("translated", "Система квот для иностранных работников")


def test_export_is_deterministic_and_importing_it_unchanged_changes_nothing(project: Path, tmp_path: Path) -> None:
    first = export_translations(project, "ru", tmp_path / "a.xlf").path.read_bytes()
    second = export_translations(project, "ru", tmp_path / "b.xlf").path.read_bytes()
    assert first == second
    before = {p: p.read_bytes() for p in (project / "inputs/translations").rglob("*.yaml")}
    result = import_translations(project, tmp_path / "a.xlf")
    assert (result.counts["new"], result.counts["updated"], result.files) == (0, 0, [])
    assert {p: p.read_bytes() for p in (project / "inputs/translations").rglob("*.yaml")} == before


def test_an_export_over_a_translators_file_keeps_it_and_one_open_in_an_office_program_is_refused(
        project: Path, tmp_path: Path) -> None:
    """``translate export --out ru.xlsx`` again, over the file a translator had filled and not returned yet,
    replaced the translations with no copy; with the file open in LibreOffice it was replaced as well (what
    the translator saves next would overwrite the export, or the export what they typed)."""
    import openpyxl

    out = tmp_path / "ru.xlsx"
    assert export_translations(project, "ru", out).backup is None
    workbook = openpyxl.load_workbook(out)
    sheet = workbook.active
    column = [cell.value for cell in sheet[1]].index("Translation") + 1
    sheet.cell(row=2, column=column).value = "перевод переводчика"
    workbook.save(out)
    typed = out.read_bytes()
    lock = tmp_path / ".~lock.ru.xlsx#"
    lock.write_text(",lena,desk-7,03.12.2026 09:40,file:///home/lena/.config/libreoffice/4;", encoding="utf-8")
    with pytest.raises(EnvironmentProblem, match="open in LibreOffice by lena") as refused:
        export_translations(project, "ru", out)
    assert refused.value.exit_code == 2 and str(lock) in (refused.value.hint or "") and out.read_bytes() == typed
    lock.unlink()
    result = export_translations(project, "ru", out)
    assert result.backup is not None and result.backup.parent == tmp_path / ".backups"
    assert result.backup.read_bytes() == typed and out.read_bytes() != typed
    assert export_translations(project, "ru", out).backup is None  # the same bytes again: nothing to keep


def test_align_and_diff_of_the_language_versions_of_two_drafts(project: Path,
                                                                                  tmp_path: Path) -> None:
    from strategy_builder.drafts.builder import BuildOptions, build
    from strategy_builder.languages.align import align, alignment_html

    assert build(project, BuildOptions(jobs=1)).kind == "draft"
    first = align(project, 1, "ru")
    with pytest.raises(EnvironmentProblem) as slip:  # no version in that language: exit 2, naming those there are
        align(project, 1, "rus")
    assert slip.value.exit_code == 2 and slip.value.hint == "its language versions: ru"
    kz = next(d for d in first.documents if d.code == "KZ")
    assert {s.id: s.state for s in kz.sections}["KZ/legal_migration/foreign-worker-quota-system"] == "pending"
    assert all(s.state in ("new", "pending") for d in first.documents for s in d.sections)  # nothing to compare
    source = project / "inputs/partners/KZ.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("Kazakhstan wishes to combine inspections",
                                                                 "Kazakhstan intends to combine inspections"),
                      encoding="utf-8")
    assert build(project, BuildOptions(jobs=1)).kind == "draft"
    second = align(project, 2, "ru")
    states = {(d.code, s.id): s.state for d in second.documents for s in d.sections}
    assert states["KZ", "KZ/illegal_migration/irregular-employment"] == "behind"
    assert states["KZ", "KZ/legal_migration/foreign-worker-quota-system"] == "pending"
    assert {key for key, state in states.items() if state not in ("in step",)} == {
        ("KZ", "KZ/illegal_migration/irregular-employment"), ("KZ", "KZ/legal_migration/foreign-worker-quota-system")}
    page = alignment_html(second)
    assert "Kazakhstan intends to combine inspections" in page
    assert "Казахстан стремится сочетать проверки работодателей" in page  # the translation it did not follow
    payload = second.to_json()
    assert payload["previous_draft"] == 1 and [d["in_step"] for d in payload["documents"]] == [True, False, True]
    from strategy_builder.review.compare import compare

    comparison = compare("1", "2", project, "ru")
    assert comparison.new.label == "draft 002 (ru)"
    assert {p.code: p.status for p in comparison.partners} == {"BY": "unchanged", "KZ": "changed", "UZ": "unchanged"}
    assert all("/ru/" in str(p.new_file) for p in comparison.partners)


def test_an_import_keeps_the_abbreviation_a_translation_of_a_full_name_gives(project: Path, tmp_path: Path) -> None:
    """The sample's Russian "European Union" gives its abbreviation (ЕС): retranslated through XLIFF, it keeps it."""
    exported = export_translations(project, "ru", tmp_path / "ru.xlf").path
    tree = etree.parse(str(exported))
    _unit(tree, "abbreviations.EU").find(f".//{X}target").text = "Европейский Союз"
    tree.write(str(exported), xml_declaration=True, encoding="UTF-8")
    assert import_translations(project, exported).counts["updated"] == 1
    loaded = load_project_with_translations(project).project
    assert loaded is not None
    strategy = loaded.translations.of("ru", "strategy")
    assert strategy is not None
    entry = strategy.by_key()["abbreviations.EU"].entry
    assert entry is not None and (entry.text, entry.abbreviation) == ("Европейский Союз", "ЕС")
    assert strategy.abbreviation_forms() == {"УВКБ ООН": "UNHCR", "ЕС": "EU"}


def test_the_xlsx_export_takes_no_date_from_the_clock(project: Path, tmp_path: Path) -> None:
    """Exported twice, at any time, the workbook has the same bytes: its zip entries and its core properties
    are dated from the inputs (the issue date), never by the clock openpyxl reads when it saves."""
    import zipfile

    import yaml

    issued = str(yaml.safe_load((project / "inputs/strategy.yaml").read_text(encoding="utf-8"))
                 ["consultation"]["issued"])
    path = export_translations(project, "ru", tmp_path / "ru.xlsx").path
    with zipfile.ZipFile(path) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode("utf-8")
    for tag in ("created", "modified"):
        assert f"<dcterms:{tag} " in core and f">{issued}T00:00:00Z</dcterms:{tag}>" in core, core
