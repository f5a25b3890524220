"""Language versions of the drafts: same draft number, section IDs and numbering; every label in the language;
pending values marked and recorded; refused for circulation unless allowed; byte-identical builds; returned
comments mapped as on the source.

One build of the shipped sample (without the LibreOffice layout pass) is shared by the module; the one
LibreOffice test converts the three Russian drafts in one call.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from docx import Document
import pytest

from conftest import copy_sample, require_tool
from fixtures.comments.ministry import Remark, annotate
from strategy_builder import cldr
from strategy_builder.drafts.builder import BuildOptions, build
from strategy_builder.errors import InputProblems
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.text import visible_text
from strategy_builder.render.labels import ENGLISH, template_labels
from strategy_builder.review.register import rows_from_returns
from strategy_builder.review.returns import read_return
from strategy_builder.review.section_listing import read_document_sections

PENDING_LABEL = "[перевод готовится]"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_sample(tmp_path_factory.mktemp("languages") / "p", as_shipped=True)
    result = build(project, BuildOptions(jobs=1))
    assert result.kind == "draft"
    return project


def _text(path: Path) -> str:
    package = DocxPackage.open(path)
    return visible_text(package.xml(package.main_part_name()))


def test_each_declared_partner_has_a_russian_draft_with_the_same_sections(sample: Path) -> None:
    draft = sample / "build/drafts/001"
    for code in ("BY", "KZ", "UZ"):
        english = read_document_sections(draft / f"{code}.docx")
        russian = read_document_sections(draft / f"ru/{code}.docx")
        assert [s.section_id for s in russian.sections] == [s.section_id for s in english.sections]
        assert [s.bookmark for s in russian.sections] == [s.bookmark for s in english.sections]
        assert (russian.stamps.partner, russian.stamps.draft, russian.stamps.language) == (code, "001", "ru")
        assert english.stamps.language == ""
    assert not (draft / "ru/AM.docx").exists()  # the sample declares Russian for three partners only
    manifest = json.loads((draft / "manifest.json").read_text(encoding="utf-8"))
    versions = {(d["language"], d["code"]): d for d in manifest["language_versions"]}
    assert set(versions) == {("ru", "BY"), ("ru", "KZ"), ("ru", "UZ")}
    kz = versions["ru", "KZ"]
    assert [(p["key"], p["state"], p["source_line"]) for p in kz["pending"]] == [
        ("areas.legal_migration.priorities[foreign-worker-quota-system].title", "stale", 59)]
    english_sections = [s["id"] for s in next(p for p in manifest["partners"] if p["code"] == "KZ")["sections"]]
    assert [s["id"] for s in kz["sections"]] == ["KZ/front-matter", *english_sections]


def test_the_russian_draft_is_tagged_russian_and_prints_russian_numbers_dates_and_labels(sample: Path) -> None:
    path = sample / "build/drafts/001/ru/BY.docx"
    package = DocxPackage.open(path)
    assert b'w:val="ru-RU"' in package.parts["word/styles.xml"] and b"en-GB" not in package.parts["word/styles.xml"]
    assert b"<dc:language>ru-RU</dc:language>" in package.parts["docProps/core.xml"]
    # The author is the drafting team as the cover names it, in Russian (Word's and a PDF reader's Author).
    team = "Рабочая группа по подготовке стратегий BMP".encode()
    assert b"<dc:creator>" + team + b"</dc:creator>" in package.parts["docProps/core.xml"]
    text = _text(path)
    assert "15\u00a0ноября\u00a02010\u00a0г." in text  # CLDR's long date (never split across lines)
    assert cldr.month_interval((2010, 10), (2011, 1), "ru") in text  # CLDR's months of a timeline
    assert "окт.\u00a02010\u00a0г." in text
    assert "I\u00a0полугодие\u00a02011\u00a0г." in text  # a half-year (CLDR has none: the catalogue's)
    assert "Предотвращение незаконной миграции и борьба с ней" in text
    # The same citable numbers as the English draft: chapters, priorities, paragraphs, actions.
    for number in ("2.1", "2.1.1", "2.1.a", "2.1.b", "3.1"):
        assert number in text.split(), number


def test_no_english_label_is_left_in_a_fully_translated_draft(sample: Path) -> None:
    """Every label of the catalogue a template prints: none of the English ones is in the Russian draft."""
    text = " ".join(_text(sample / "build/drafts/001/ru/BY.docx").split())
    labels = [re.sub(r"\{[^}]*\}", "\x00", value) for value in template_labels(ENGLISH).values()]
    pieces = {piece.strip() for label in labels for piece in label.split("\x00")}
    left = sorted(p for p in pieces if len(p) >= 4 and re.search(r"[A-Za-z]{3}", p) and p in text)
    assert left == []
    assert PENDING_LABEL not in text


def test_a_pending_value_is_printed_in_english_marked_and_highlighted(sample: Path) -> None:
    package = DocxPackage.open(sample / "build/drafts/001/ru/KZ.docx")
    xml = package.parts["word/document.xml"].decode("utf-8")
    assert f"{PENDING_LABEL} Quota system for foreign workers" in visible_text(package.xml("word/document.xml"))
    run = re.search(r"<w:r>(?:(?!</w:r>).)*" + re.escape(PENDING_LABEL) + r"(?:(?!</w:r>).)*</w:r>", xml)
    assert run is not None and '<w:highlight w:val="yellow"/>' in run.group(0) and 'w:val="en-GB"' in run.group(0)
    assert "\ue000" not in xml and "\ue000" not in package.parts["docProps/core.xml"].decode("utf-8")


def test_the_english_drafts_are_those_of_a_project_without_languages(sample: Path, tmp_path: Path) -> None:
    plain = copy_sample(tmp_path / "plain", as_shipped=True)
    strategy = plain / "inputs/strategy.yaml"
    strategy.write_text(re.sub(r"\nlanguages: .*\n", "\n", strategy.read_text(encoding="utf-8")), encoding="utf-8")
    shutil.rmtree(plain / "inputs/translations")
    assert build(plain, BuildOptions(jobs=1)).kind == "draft"
    for docx in sorted((plain / "build/drafts/001").glob("*.docx")):
        ours, theirs = DocxPackage.open(docx).parts, DocxPackage.open(sample / "build/drafts/001" / docx.name).parts
        # Every part but the custom properties, which carry the hash of strategy.yaml (it differs by a line).
        assert set(ours) == set(theirs)
        assert [name for name in ours if ours[name] != theirs[name]] == ["docProps/custom.xml"], docx.name
    assert "language_versions" not in (plain / "build/drafts/001/manifest.json").read_text(encoding="utf-8")


def test_builds_are_byte_identical(sample: Path, tmp_path: Path) -> None:
    again = copy_sample(tmp_path / "again", as_shipped=True)
    assert build(again, BuildOptions(jobs=2)).kind == "draft"
    first, second = sample / "build/drafts/001", again / "build/drafts/001"
    for name in ("ru/BY.docx", "ru/KZ.docx", "ru/UZ.docx", "BY.docx", "manifest.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_a_circulated_draft_refuses_a_stale_translation_and_a_preview_marks_it(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p", as_shipped=True)
    strategy = project / "inputs/strategy.yaml"
    strategy.write_text(strategy.read_text(encoding="utf-8").replace("allow_untranslated: true",
                                                                     "allow_untranslated: false"), encoding="utf-8")
    with pytest.raises(InputProblems) as refused:
        build(project, BuildOptions(jobs=1))
    [error] = refused.value.findings.errors
    assert (error.code, error.location.file, error.location.line) == ("translation.stale", "inputs/partners/KZ.yaml",
                                                                      59)
    assert not (project / "build/drafts/001").exists()
    assert build(project, BuildOptions(jobs=1, preview=True)).kind == "preview"
    assert PENDING_LABEL in _text(project / "build/preview/ru/KZ.docx")
    allowed = build(project, BuildOptions(jobs=1, allow_untranslated=True))
    assert [p.pending for p in allowed.partners if p.language == "ru"] == [0, 1, 0]


def test_a_comment_on_the_russian_draft_lands_on_the_same_register_fields(sample: Path, tmp_path: Path) -> None:
    draft = sample / "build/drafts/001"
    returned = tmp_path / "returned"
    returned.mkdir()
    english = returned / "BY_001_Ministry of Internal Affairs.docx"
    russian = returned / "BY_001_МВД.docx"
    english.write_bytes(annotate((draft / "BY.docx").read_bytes(), [
        Remark("Belarus wishes to improve the detection", "Please add the eastern border.", "Ministry")]))
    russian.write_bytes(annotate((draft / "ru/BY.docx").read_bytes(), [
        Remark("Беларусь стремится выявлять", "Просим добавить восточную границу.", "Министерство")]))
    rows = rows_from_returns([read_return(english, sample), read_return(russian, sample)])
    assert len(rows) == 2
    fields = ("partner", "draft", "section", "number", "area", "priority", "yaml_file", "yaml_line", "yaml_path")
    on_english, on_russian = ({name: getattr(row, name) for name in fields} for row in rows)
    assert on_russian == on_english
    assert on_english["section"] == "BY/illegal_migration/transit-migration-detection"
    assert on_english["yaml_line"] and on_english["yaml_file"] == "inputs/partners/BY.yaml"


@pytest.mark.libreoffice
def test_russian_drafts_open_in_libreoffice_with_cyrillic_text_in_carlito(sample: Path, tmp_path: Path) -> None:
    """LibreOffice lays the Russian drafts out with the template's fonts: no glyph falls back to another font."""
    from pypdf import PdfReader

    from strategy_builder.office.libreoffice import convert_to_pdf, find_libreoffice

    require_tool(find_libreoffice() is not None, "LibreOffice (soffice)")
    sources = [sample / f"build/drafts/001/ru/{code}.docx" for code in ("BY", "KZ", "UZ")]
    for pdf in convert_to_pdf(sources, tmp_path / "pdf"):
        reader = PdfReader(str(pdf))
        text = " ".join(page.extract_text() for page in reader.pages)
        assert "Содержание" in text and "Миграционная ситуация" in text
        assert len(re.findall("[а-яА-ЯёЁ]", text)) > 1000
        fonts = set()
        for page in reader.pages:
            for font in (page.get("/Resources") or {}).get("/Font", {}).values():
                fonts.add(str(font.get_object().get("/BaseFont")).split("+")[-1])
        assert fonts and all(name.startswith("/Carlito") or name.startswith("Carlito") for name in fonts), fonts


def _changes_rows(path: Path) -> list[list[str]]:
    """The rows of a draft's changes table (the table headed by the catalogue's column "Change")."""
    document = Document(str(path))
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and rows[0][2:3] in (["Изменение"], ["Change"]):
            return rows[1:]
    raise AssertionError(f"no changes table in {path}")


def _second_draft_without_a_priority(sample: Path, target: Path) -> Path:
    """A copy of the built sample whose draft 002 removes Belarus's priority 3.1 and retitles its 5.1."""
    project = target / "p"
    shutil.copytree(sample, project)
    partner = project / "inputs/partners/BY.yaml"
    text = partner.read_text(encoding="utf-8")
    start, end = text.index("  readmission_return:"), text.index("  legal_migration:")
    text = (text[:start] + "  readmission_return:\n    priorities: []\n    no_priorities_reason: |\n"
            "      Return is discussed in the readmission dialogue.\n" + text[end:])
    partner.write_text(text.replace("title: Quality of the asylum procedure", "title: Quality of asylum procedures"),
                       encoding="utf-8")
    return project


def test_the_russian_changes_table_names_removed_and_retitled_sections_in_russian(sample: Path,
                                                                                   tmp_path: Path) -> None:
    project = _second_draft_without_a_priority(sample, tmp_path)
    assert build(project, BuildOptions(jobs=1)).kind == "draft"
    rows = _changes_rows(project / "build/drafts/002/ru/BY.docx")
    # The previous draft's Russian titles, from the translations it recorded.
    assert ["3.1 → –", "Возвращение нерегулярных мигрантов в страны происхождения", "Удалён", ""] in rows
    assert ["5.1", f"{PENDING_LABEL} Quality of asylum procedures (прежнее название: Качество процедуры "
            "предоставления убежища)", "Изменён (новое название)", ""] in rows
    english = _changes_rows(project / "build/drafts/002/BY.docx")
    assert ["3.1 → –", "Return of irregular migrants to their countries of origin", "Removed", ""] in english


def test_a_removed_section_without_a_russian_title_is_said_to_be_untranslated(sample: Path, tmp_path: Path) -> None:
    project = _second_draft_without_a_priority(sample, tmp_path)
    key = "areas.readmission_return.priorities[return-to-countries-of-origin].title:\n"
    for file in (project / "inputs/translations/ru/BY.yaml",
                 project / "build/drafts/001/inputs/translations/ru/BY.yaml"):
        text = file.read_text(encoding="utf-8")
        start = text.index(key)
        file.write_text(text[:start] + text[text.index("\n", text.index("  text:", start)) + 1:], encoding="utf-8")
    assert build(project, BuildOptions(jobs=1)).kind == "draft"
    rows = _changes_rows(project / "build/drafts/002/ru/BY.docx")
    assert ["3.1 → –", "Return of irregular migrants to their countries of origin [название не переведено]",
            "Удалён", ""] in rows


def _abbreviations(path: Path) -> list[list[str]]:
    """The rows of a draft's list of abbreviations (the table headed "Сокращение" or "Abbreviation")."""
    for table in Document(str(path)).tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and rows[0][0] in ("Сокращение", "Abbreviation"):
            return rows[1:]
    raise AssertionError(f"no list of abbreviations in {path}")


def test_the_russian_list_of_abbreviations_explains_the_abbreviations_of_the_russian_text(sample: Path) -> None:
    """The Russian text of Belarus writes ЕС and УВКБ ООН (declared by the translations of their full names),
    its actions table the stakeholders' codes: each is listed with its Russian full name, and EU, which the
    Russian text does not use, is not."""
    unhcr = "Управление Верховного комиссара Организации Объединённых Наций по делам беженцев"
    assert _abbreviations(sample / "build/drafts/001/ru/BY.docx") == [
        ["ЕС", "Европейский союз"], ["УВКБ ООН", unhcr],
        ["BMP", "Построение миграционных партнёрств"],
        ["ICMPD", "Международный центр по развитию миграционной политики"],
        ["IOM", "Международная организация по миграции"], ["UNHCR", unhcr]]
    assert [code for code, _ in _abbreviations(sample / "build/drafts/001/BY.docx")] == [
        "BMP", "EU", "ICMPD", "IOM", "UNHCR"]


def test_a_preview_of_some_partners_reads_the_translations_of_those_alone(tmp_path: Path) -> None:
    """What the watcher rebuilds on every save: a preview of AM (no Russian version) reads no Russian
    translation, and one of KZ reads KZ's and strategy.yaml's, not BY's (here broken). A draft for
    circulation reads them all, and stops at the broken one."""
    project = copy_sample(tmp_path / "project")
    (project / "inputs" / "translations" / "ru" / "BY.yaml").write_text("entries: [unclosed\n", encoding="utf-8")
    english = build(project, BuildOptions(preview=True, jobs=1, partners=frozenset({"AM"})))
    assert [(outcome.code, outcome.language) for outcome in english.partners] == [("AM", "")]
    russian = build(project, BuildOptions(preview=True, jobs=1, partners=frozenset({"KZ"})))
    assert sorted((outcome.code, outcome.language) for outcome in russian.partners) == [("KZ", ""), ("KZ", "ru")]
    with pytest.raises(InputProblems) as stopped:
        build(project, BuildOptions(jobs=1))
    assert any(finding.location.file == "inputs/translations/ru/BY.yaml" for finding in stopped.value.findings)
