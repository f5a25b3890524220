"""Exchanging translations with translators: export what needs translating, import what comes back.

Two formats, chosen by the file's suffix:

- **XLIFF 2.1** (``.xlf``, ``.xliff``), the exchange format of CAT tools: one ``<file>`` per source file,
  one ``<unit>`` per value (its key in ``name``), the source text, the current translation as target
  when there is one, notes with the section number and title, what the field is, the previous
  translation of a stale value and the translator's own note, and the fingerprint of the source text in
  the Metadata module;
- **xlsx** for translators without a CAT tool: one row per value, the same columns.

Import updates only the values it carries (see :mod:`strategy_builder.languages.writer`) and records, for
each, the fingerprint of the source text the unit shows: a unit made from an older source text is
imported *stale*, so ``check`` and ``build`` go on saying so instead of taking it as current. A unit whose
source text was edited in the file, a translation that does not fit its field or drops a paragraph, a
language or partner that is not declared: errors, and then nothing is written.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from strategy_builder.errors import (
    EnvironmentProblem, Finding, Findings, InputProblems, Location, Severity, UntrustedDocumentError,
)
from strategy_builder.files import environment_errors, read_limited, replace_files
from strategy_builder.layout import require_project
from strategy_builder.languages.loading import load_project_with_translations
from strategy_builder.languages.writer import EntryUpdate, translation_file_text
from strategy_builder.layout import BACKUPS_DIR, ProjectLayout, keep_previous, refuse_output, write_atomic
from strategy_builder.limits import TRANSLATION_EXCHANGE_BYTES
from strategy_builder.models.project import Project
from strategy_builder.models.section_records import SectionRecord, partner_sections
from strategy_builder.models.translations import (
    STRATEGY_SUBJECT, SourceValue, SubjectTranslation, ValueState, fingerprint, normalised, structure,
)
from strategy_builder.ooxml.workbook_look import bold_font, fit_rows, print_setup, reproducible_xlsx
from strategy_builder.xliff import XliffDocument, XliffError, XliffFile, XliffNote, XliffUnit, read_xliff, write_xliff

XLIFF_SUFFIXES = (".xlf", ".xliff")
XLSX_SUFFIX = ".xlsx"
STATES = ("missing", "stale", "translated")
"""What ``--only`` selects; country names CLDR translates count as translated."""

OUR_NOTES = ("location", "context", "previous-translation")
"""Note categories export writes from the project; any other note is the translator's and is kept."""
TRANSLATOR_NOTE = "translator"
FINGERPRINT_META = "source-fingerprint"
KEY_META = "key"

_FIELD_CONTEXT = {
    "name": "the partner's short name (cover, headings, tables)",
    "official_name": "the partner's official name (cover)",
    "summary": "the executive summary: paragraphs",
    "situation": "the migration situation, chapter 1: numbered paragraphs",
    "role": "the role of a national authority (a table cell)",
    "label": "a key figure's label (a table cell)",
    "value": "a key figure's value as written, e.g. 'about 3.2' (a table cell, 40 characters at most)",
    "unit": "a key figure's unit (a table cell)",
    "source": "the source of a key figure (a table cell)",
    "no_priorities_reason": "why an area has no priority: paragraphs",
    "title": "a title (a heading or a table cell: one line)",
    "rationale": "the rationale of a priority: numbered paragraphs",
    "cooperation": "how the priority prepares future joint cooperation: numbered paragraphs",
    "text": "an action, or the expected impact: one paragraph or a few",
    "institution": "the lead institution of a leading state",
    "organisation": "the drafting team's organisation (cover)",
    "introduction": "the introduction of every draft: paragraphs",
    "disclaimer": "the disclaimer on the cover",
    "classification": "the classification line (cover, every page's header)",
    "subtitle": "the subtitle of the series (cover)",
}
_PROSE_RULE = ("keep one paragraph per paragraph and one bullet per bullet, in the same order (a blank line "
               "ends a paragraph; '- ' starts a bullet): the paragraph numbers of the versions must match")


class ExportedValue(NamedTuple):
    """One value to translate, with everything a translator sees."""

    subject: str
    translation_file: str
    value: SourceValue
    state: ValueState
    current: str | None
    """The translation of a value that is translated (also stale), or ``None``."""
    location: str
    context: str
    note: str | None


def _records(project: Project, subject: str) -> dict[str, SectionRecord]:
    partner = project.partner(subject)
    return {} if partner is None else {r.id: r for r in partner_sections(partner, project.strategy)}


def _location(subject: str, value: SourceValue, records: dict[str, SectionRecord]) -> str:
    if subject == STRATEGY_SUBJECT:
        return "strategy.yaml: printed in every partner's draft"
    record = records.get(value.section_id or "")
    if record is None:
        return f"{subject}: executive summary" if value.key == "summary" else f"{subject}: front matter"
    where = f"{subject} {record.number} {record.title}"
    if ".actions[" in value.key:
        index = int(value.key.split(".actions[")[1].split("]")[0])
        where += f", action {record.number}.{chr(ord('a') + index) if index < 26 else index + 1}"
    return where


def _context(value: SourceValue) -> str:
    last = value.key.rsplit(".", 1)[-1].split("[")[0]
    if value.key.startswith("consultation.recipients"):
        text = "a recipient of the draft (distribution list)"
    elif value.key.startswith("abbreviations."):
        text = f"the full name of the abbreviation {value.key.split('.', 1)[1]} (the abbreviations annex)"
    elif value.key.startswith("stakeholders["):
        text = "the full name of an organisation (tables, abbreviations annex)"
    elif value.key.startswith("states["):
        text = "the name of a state" if last == "name" else _FIELD_CONTEXT.get(last, last)
    else:
        text = _FIELD_CONTEXT.get(last, last.replace("_", " "))
    if value.prose:
        text += f"; {_PROSE_RULE}"
    else:
        text += f"; one line, {value.max_length} characters at most"
    return text


def exported_values(project: Project, language: str, only: set[str] | None = None,
                    partners: set[str] | None = None) -> list[ExportedValue]:
    """The values of ``language`` to export, in file order: ``only`` selects states (missing, stale,
    translated), ``partners`` narrows the partners (strategy.yaml's texts are always offered)."""
    if language not in project.translations.languages:
        declared = ", ".join(project.translations.languages) or "none"
        raise EnvironmentProblem(f"'{language}' is not a declared language version (declared: {declared})",
                                 hint="declare it under 'languages' in inputs/strategy.yaml")
    versions = sorted(subject for lang, subject in project.translations.subjects
                      if lang == language and subject != STRATEGY_SUBJECT)
    unknown = sorted((partners or set()) - set(versions))
    if unknown:  # a typing slip would export strategy.yaml's texts alone, and say nothing of it
        raise EnvironmentProblem(f"--partner {', '.join(unknown)}: no {language} version of "
                                 f"{'this partner' if len(unknown) == 1 else 'these partners'} in this project",
                                 hint=f"partners with a {language} version: {', '.join(versions) or 'none'}")
    result = []
    for (lang, subject), status in sorted(project.translations.subjects.items(),
                                          key=lambda item: (item[0][1] != STRATEGY_SUBJECT, item[0])):
        if lang != language or (partners is not None and subject != STRATEGY_SUBJECT and subject not in partners):
            continue
        records = _records(project, subject)
        for item in status.values:
            state: ValueState = "translated" if item.state == "cldr" else item.state
            if only is not None and state not in only:
                continue
            current = item.entry.text if item.entry is not None else (
                item.printed(language) if item.state == "cldr" else None)
            if current is not None and item.value.prose:
                current = normalised(current)  # as the draft prints it, without the YAML file's line wrapping
            result.append(ExportedValue(subject, status.translation_file, item.value, state, current,
                                        _location(subject, item.value, records), _context(item.value),
                                        item.entry.note if item.entry is not None else None))
    return result


@dataclass(slots=True)
class ExportResult:
    path: Path
    language: str
    counts: dict[str, int] = field(default_factory=dict)
    backup: Path | None = None
    """The copy kept of the file ``path`` held before (a translator may have typed into it), if it differed."""


def export_translations(root: Path, language: str, out: Path, *, only: set[str] | None = None,
                        partners: set[str] | None = None) -> ExportResult:
    """Write the values of ``language`` to ``out`` (XLIFF 2.1 or xlsx, by its suffix); an ``out`` inside a
    published folder or ``inputs/``, or open in an office program, is refused (exit 2) before anything is
    read. A file ``out`` replaced is kept in ``.backups/`` beside it first (translations typed into it and not
    imported yet would be lost), unless it holds the same bytes."""
    refuse_output(out, "the export")
    project = _project(root)
    suffix = out.suffix.lower()
    if suffix not in (*XLIFF_SUFFIXES, XLSX_SUFFIX):
        raise EnvironmentProblem(f"{out.name}: export writes XLIFF (.xlf, .xliff) or Excel (.xlsx)",
                                 hint="name the file .xlf for a CAT tool, .xlsx for a spreadsheet")
    values = exported_values(project, language, only, partners)
    source = project.translations.source_language
    data = _xliff(values, source, language) if suffix in XLIFF_SUFFIXES else _xlsx(values, source, language,
                                                                                  project)
    with environment_errors(out.parent / BACKUPS_DIR, "keep a copy of the previous export in"):
        backup = keep_previous(out, unless=data)
    write_atomic(out, data)
    return ExportResult(out, language, dict(Counter(v.state for v in values)), backup)


def _xliff(values: list[ExportedValue], source: str, language: str) -> bytes:
    document = XliffDocument(source, language)
    files: dict[str, XliffFile] = {}
    for number, item in enumerate(values, start=1):
        file = files.get(item.subject)
        if file is None:
            file = files[item.subject] = XliffFile(item.subject, item.translation_file)
            document.files.append(file)
        notes = [XliffNote("location", item.location), XliffNote("context", item.context)]
        if item.state == "stale" and item.current is not None:
            notes.append(XliffNote("previous-translation", item.current))
        if item.note:
            notes.append(XliffNote(TRANSLATOR_NOTE, item.note))
        target = item.current if item.state == "translated" else None
        file.units.append(XliffUnit(
            f"u{number}", item.value.key, normalised(item.value.text), target,
            "translated" if target is not None else "initial", notes,
            {FINGERPRINT_META: item.value.fingerprint, KEY_META: item.value.key}))
    return write_xliff(document)


XLSX_COLUMNS = ("Partner", "Key", "Where", "What", "Source text", "Translation", "Previous translation", "Note",
                "Fingerprint", "State")
"""The columns of the xlsx export; import reads them by their header, in any order."""


def _xlsx(values: list[ExportedValue], source: str, language: str, project: Project) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{source}-{language}"
    sheet.append(list(XLSX_COLUMNS))
    for cell in sheet[1]:
        cell.font = bold_font()
        cell.fill = PatternFill("solid", fgColor="DCE3EF")
    for item in values:
        sheet.append([item.subject, item.value.key, item.location, item.context, normalised(item.value.text),
                      item.current if item.state == "translated" else "",
                      item.current if item.state == "stale" else "", item.note or "", item.value.fingerprint,
                      item.state])
    widths = {"A": 10, "B": 30, "C": 30, "D": 30, "E": 60, "F": 60, "G": 40, "H": 30, "I": 14, "J": 11}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for cell in (row[XLSX_COLUMNS.index("Translation")], row[XLSX_COLUMNS.index("Note")]):
            cell.number_format = "@"  # Text: what the translator types stays text ('15%' is no 0.15)
    sheet.freeze_panes = "F2"
    sheet.auto_filter.ref = sheet.dimensions
    fit_rows(sheet)
    print_setup(sheet, header_rows=1, title_columns="B:B", title=f"Translations {source} -> {language}")
    issued = project.strategy.consultation.issued
    workbook.properties.title = f"Translations {source} -> {language}"
    return reproducible_xlsx(workbook, dt.datetime(issued.year, issued.month, issued.day))


# --------------------------------------------------------------------------- import


class ImportedUnit(NamedTuple):
    """One translated value as an exchange file returns it."""

    subject: str
    key: str
    source: str
    target: str
    fingerprint: str | None
    """The fingerprint the file says its source text has (``None`` when a tool dropped it)."""
    note: str | None
    where: Location
    stored_as: str | None = None
    """What a spreadsheet stored instead of the text typed (``a number (0.15)``), or ``None``."""


@dataclass(slots=True)
class ImportResult:
    path: Path
    language: str
    counts: Counter[str] = field(default_factory=Counter)
    """``new``, ``updated``, ``unchanged``, ``stale`` (imported from an older source), ``empty`` (no target)."""
    files: list[str] = field(default_factory=list)
    warnings: Findings = field(default_factory=Findings)
    backups: list[Path] = field(default_factory=list)
    """The translation files as they were before the import, one backup each (``.backups/NAME.STAMP.yaml``)."""


def _project(root: Path) -> Project:
    require_project(root)
    loaded = load_project_with_translations(root)
    if loaded.project is None:
        raise InputProblems(loaded.findings)
    return loaded.project


def _from_xliff(data: bytes, name: str) -> tuple[str, list[ImportedUnit], int]:
    try:
        document = read_xliff(data)
    except XliffError as error:
        raise InputProblems(Findings([Finding(Location(name, error.line), "xliff.invalid", error.message)])) from error
    units, empty = [], 0
    for file in document.files:
        for unit in file.units:
            if not (unit.target or "").strip():
                empty += 1
                continue
            note = "\n\n".join(n.text for n in unit.notes if n.category not in OUR_NOTES and n.text.strip()) or None
            units.append(ImportedUnit(file.id, unit.metadata.get(KEY_META) or unit.name, unit.source,
                                      unit.target or "", unit.metadata.get(FINGERPRINT_META), note,
                                      Location(name, unit.line, None, unit.name)))
    return document.target_language, units, empty


def _from_xlsx(data: bytes, name: str) -> tuple[str, list[ImportedUnit], int]:
    from openpyxl import load_workbook

    from strategy_builder.ooxml.zip_archive import open_zip

    try:  # what is no zip at all (a password-protected workbook, an old .xls) is said as for every Office file
        open_zip(data, name, "workbook (.xlsx)").close()
    except UntrustedDocumentError as error:
        raise InputProblems(Findings([Finding(Location(name), "xlsx.invalid", error.reason,
                                              hint=error.hint)])) from error
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a file that is no workbook
        raise InputProblems(Findings([Finding(Location(name), "xlsx.invalid",
                                              f"not a workbook strategy-builder can read: {error}")])) from error
    sheet = workbook.worksheets[0]
    language = sheet.title.split("-", 1)[1] if "-" in sheet.title else ""
    rows = sheet.iter_rows(values_only=True)
    header = [str(cell or "").strip() for cell in next(rows, ())]
    missing = [column for column in ("Partner", "Key", "Source text", "Translation") if column not in header]
    if missing:
        raise InputProblems(Findings([Finding(Location(name, 1), "xlsx.columns",
                                              f"the first sheet has no column {', '.join(missing)}",
                                              hint="import the workbook 'translate export --out FILE.xlsx' wrote")]))
    index = {column: header.index(column) for column in header if column}
    units, empty = [], 0
    for number, row in enumerate(rows, start=2):
        def cell(column: str, row: tuple[object, ...] = row) -> str:
            position = index.get(column)
            value = row[position] if position is not None and position < len(row) else None
            return "" if value is None else str(value)

        if not cell("Key").strip():
            continue
        if not cell("Translation").strip():
            empty += 1
            continue
        typed = row[index["Translation"]]  # there: the cell is not empty
        units.append(ImportedUnit(cell("Partner").strip(), cell("Key").strip(), cell("Source text"),
                                  cell("Translation"), cell("Fingerprint").strip() or None,
                                  cell("Note").strip() or None, Location(name, number, None, cell("Key")),
                                  None if isinstance(typed, str) else _stored_as(typed)))
    return language, units, empty


def _stored_as(value: object) -> str:
    """What a spreadsheet stored for a cell that is not text: Excel and LibreOffice turn a typed '15%' into
    the number 0.15, '2,5' into 2.5 (in a comma-decimal locale), '1.05' into a date."""
    if isinstance(value, bool):
        return f"a truth value ({value})"
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return f"a date or time ({value})"
    return f"a number ({value})"


def import_translations(root: Path, path: Path) -> ImportResult:
    """Import the translations of an exchange file into ``inputs/translations/``; see the module."""
    suffix = path.suffix.lower()
    if suffix not in (*XLIFF_SUFFIXES, XLSX_SUFFIX):
        raise EnvironmentProblem(f"{path.name}: import reads XLIFF (.xlf, .xliff) or Excel (.xlsx)")
    project = _project(root)
    data = read_limited(path, TRANSLATION_EXCHANGE_BYTES, what="translation file")
    language, units, empty = (_from_xliff if suffix in XLIFF_SUFFIXES else _from_xlsx)(data, str(path))
    result = ImportResult(path, language)
    result.counts["empty"] = empty
    errors: list[Finding] = []
    if language not in project.translations.languages:
        declared = ", ".join(project.translations.languages) or "none"
        raise InputProblems(Findings([Finding(Location(str(path)), "import.language",
                                              f"the file translates into '{language or '?'}', which is not a "
                                              f"declared language version (declared: {declared})")]))
    updates: dict[str, list[EntryUpdate]] = {}
    first: dict[tuple[str, str], ImportedUnit] = {}
    for unit in units:
        earlier = first.setdefault((unit.subject, unit.key), unit)
        if earlier is not unit:  # a row or unit copied in the file: the last would win, silently
            if earlier.target.strip() != unit.target.strip() or earlier.fingerprint != unit.fingerprint:
                errors.append(Finding(unit.where, "import.duplicate",
                                      f"{unit.key} of {unit.subject} is in the file twice, with another translation "
                                      f"than at {earlier.where.render()}",
                                      hint="keep the one translation that is meant and delete the other"))
            continue
        status = project.translations.of(language, unit.subject)
        if status is None:
            errors.append(Finding(unit.where, "import.subject",
                                  f"'{unit.subject}' has no {language} version in this project"))
            continue
        item = status.by_key().get(unit.key)
        if item is None:
            result.warnings.add(Finding(unit.where, "import.orphaned",
                                        f"{unit.key} no longer exists in {status.source_file}: not imported",
                                        Severity.WARNING))
            continue
        made_from = fingerprint(unit.source)
        if unit.fingerprint is not None and unit.fingerprint != made_from:
            errors.append(Finding(unit.where, "import.source-edited",
                                  f"the source text of {unit.key} was changed in the file (its fingerprint "
                                  f"{unit.fingerprint} no longer matches): the translation cannot be dated",
                                  hint="translate the source text as exported; change the English in the YAML"))
            continue
        if unit.stored_as is not None:
            errors.append(Finding(unit.where, "import.not-text",
                                  f"{unit.key}: the workbook stores the translation as {unit.stored_as}, not as the "
                                  "text typed (a spreadsheet turns '15%' into 0.15 and '2,5' into 2.5)",
                                  hint="format the cell as Text, type the translation again and save"))
            continue
        text = unit.target.replace("\r\n", "\n").strip()
        problem = _fit(item.value, text, unit.source)
        if problem:
            errors.append(Finding(unit.where, "import.invalid-text", f"{unit.key}: {problem}"))
            continue
        if made_from != item.value.fingerprint:
            result.counts["stale"] += 1
            result.warnings.add(Finding(unit.where, "import.stale",
                                        f"{unit.key} was translated from an older source text: imported, and "
                                        "stale until translated again", Severity.WARNING))
        old = item.entry
        note = unit.note if unit.note is not None else (old.note if old is not None else None)
        same = old is not None and (normalised(old.text) if item.value.prose else old.text) == text
        if (same and old is not None and (old.source, old.note) == (made_from, note)) or (
                old is None and item.state == "cldr" and text == item.printed(language) and not note):
            result.counts["unchanged"] += 1  # also a country name as CLDR gives it: nothing to record
            continue
        result.counts["updated" if old is not None else "new"] += 1
        updates.setdefault(unit.subject, []).append(EntryUpdate(unit.key, made_from, text, item.value.prose, note,
                                                                old.abbreviation if old is not None else None))
    if errors:
        raise InputProblems(Findings(errors))
    layout = ProjectLayout.of(project.root)
    contents: dict[Path, bytes] = {}
    for subject, entries in sorted(updates.items()):
        status = project.translations.of(language, subject)
        assert status is not None
        target = layout.translation_file(language, subject)
        with environment_errors(target, "read"):
            text = translation_file_text(target, _header(status), entries, [s.value.key for s in status.values])
        contents[target] = text.encode("utf-8")
        result.files.append(status.translation_file)
    result.backups = _write_translation_files(contents)
    return result


def _write_translation_files(contents: dict[Path, bytes]) -> list[Path]:
    """Keep each existing file in ``.backups/`` beside it (a backup of its own per import, named and cleaned up
    as every backup: :func:`~strategy_builder.layout.keep_previous`), then replace all of them together: a
    failure (a full disk, a refused folder) leaves every translation file as it was, and every earlier backup.
    Returns the backups made."""
    backups = []
    for target in contents:
        with environment_errors(target.parent / BACKUPS_DIR, f"keep a backup of {target.name} in"):
            backup = keep_previous(target)
        if backup is not None:
            backups.append(backup)
    with environment_errors(next(iter(contents), Path(".")), "write"):  # the error names the file it concerns
        for folder in {target.parent for target in contents}:
            folder.mkdir(parents=True, exist_ok=True)
        replace_files(contents)
    return backups


def _fit(value: SourceValue, text: str, source: str) -> str | None:
    """Why ``text`` cannot translate ``value`` (``None`` when it can)."""
    if not value.prose and "\n" in text:
        return "a one-line field: the translation has a line break"
    if len(text) > value.max_length:
        return f"longer than {value.max_length} characters"
    if value.prose and structure(text) != structure(source):
        return ("the translation's paragraphs and bullets differ from the source's: " + _PROSE_RULE)
    return None


def _header(status: SubjectTranslation) -> str:
    return (f"# {status.language} translation of {status.source_file}: each entry is the translation key, 'source' "
            "(the fingerprint of\n# the source text it was translated from) and 'text'. See docs/languages.md.\n")


__all__ = ["ExportResult", "ImportResult", "export_translations", "exported_values", "import_translations"]
