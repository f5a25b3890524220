"""Reading and checking translation files, and the declared languages of ``strategy.yaml``.

Every problem becomes a finding with the file, line and column where it is written:

- a declared language CLDR does not know, or one strategy-builder has no label catalogue for;
- a translation file that is not YAML, an entry without ``text`` or ``source``, a key that names no
  translatable field (``translation.unknown-field``, with "did you mean");
- a translation whose text does not fit the field (a title over 300 characters, a line break in a title);
- a translation whose paragraphs and bullets differ from the source's (the paragraph numbers of the
  language versions would differ: ``translation.structure``);
- warnings: a translation of a value that no longer exists (``translation.orphaned``), a file or a folder
  for a partner or a language that is not declared, and, with the *source's* file and line, every value
  that is missing or stale in a declared language version.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from strategy_builder import cldr
from strategy_builder.errors import Finding, Location, Severity
from strategy_builder.inputs.diagnostics import MAX_FINDINGS_PER_FILE
from strategy_builder.inputs.yamlsource import parse_yaml, read_source
from strategy_builder.languages.apply import translated_partner, translated_strategy
from strategy_builder.layout import YAML_SUFFIXES, ProjectLayout
from strategy_builder.models.abbreviations import full_names, used_in_partner, used_in_strategy
from strategy_builder.models.inputs import LanguageVersion, StrategyFile
from strategy_builder.models.project import Project, SourcedPartner
from strategy_builder.models.prose import parse_prose
from strategy_builder.models.source_map import YamlDocument
from strategy_builder.models.translations import (
    FINGERPRINT_PATTERN, STRATEGY_SUBJECT, SourceValue, SubjectTranslation, TranslationEntry, Translations,
    abbreviated_code, is_translatable_key, partner_values, strategy_values, structure, value_statuses,
)
from strategy_builder.render.labels import languages as catalogue_languages

ENTRY_FIELDS = ("source", "text", "note", "abbreviation")
ABBREVIATION_LENGTH = 30


@dataclass(slots=True)
class TranslationFile:
    """A translation file as read: its entries by key (``None`` entries: the file could not be read)."""

    path: Path
    display_name: str
    document: YamlDocument | None
    entries: dict[str, TranslationEntry] = field(default_factory=dict)


def language_label(language: str) -> str:
    """``Russian (ru)``: how messages name a language."""
    return f"{cldr.language_name(language)} ({language})"


def declared_language_findings(strategy: StrategyFile, document: YamlDocument) -> tuple[set[str], list[Finding]]:
    """The declared languages that can be printed, and a finding for each that cannot."""
    findings: list[Finding] = []
    usable: set[str] = set()
    partners = set(strategy.partner_codes)
    available = catalogue_languages()
    seen: set[str] = set()
    for index, entry in enumerate(strategy.languages):
        code = entry if isinstance(entry, str) else entry.code
        field = ("languages", index) if isinstance(entry, str) else ("languages", index, "code")
        if code in seen:
            findings.append(Finding(document.location(field), "languages.duplicate",
                                    f"the language {code} is declared twice"))
            continue
        seen.add(code)
        if index == 0 and isinstance(entry, LanguageVersion):
            findings.append(Finding(document.location(field), "languages.source-partners",
                                    f"{code} is the source language (the first): every partner's draft is in it",
                                    hint=f"write it as a plain code: languages: [{code}, ...]"))
            continue
        # A language with a catalogue is one CLDR knows; only the others need CLDR's data to tell why not.
        if code not in available and not cldr.is_known_language(code):
            findings.append(Finding(document.location(field), "languages.unknown",
                                    f"'{code}' is not a language CLDR knows",
                                    hint="write an ISO 639 code in lowercase, e.g. en, ru, kk"))
            continue
        if code not in available:
            findings.append(Finding(
                document.location(field), "languages.no-catalogue",
                f"strategy-builder has no label catalogue for {language_label(code)}: its drafts cannot be printed",
                hint=f"languages with a catalogue: {', '.join(available)} (strategy_builder/render/labels.py)"))
            continue
        if isinstance(entry, LanguageVersion):
            for p_index, partner in enumerate(entry.partners):
                if partner not in partners:
                    findings.append(Finding(
                        document.location(("languages", index, "partners", p_index)), "languages.not-a-partner",
                        f"{partner} is not a partner state (role: partner under 'states')",
                        hint=difflib.get_close_matches(partner, sorted(partners), 1) and
                        f"did you mean {difflib.get_close_matches(partner, sorted(partners), 1)[0]}?" or None))
        usable.add(code)
    return usable, findings


_READ: dict[tuple[Path, str], tuple[bytes, TranslationFile, list[Finding]]] = {}
"""The translation files this process read, by path, with their bytes and what reading them gave: a watcher
(``build --preview --watch``) reads every translation file again on each save, and parses one again only
when its bytes changed (reading is a function of the bytes, the path and the name)."""
_READ_KEPT = 256


def read_translation_file(path: Path, display_name: str) -> tuple[TranslationFile, list[Finding]]:
    """Read one translation file with the strict YAML reader; every malformed entry is a finding."""
    raw, problems = read_source(path, display_name)
    if raw is None:
        return TranslationFile(path, display_name, None), problems
    known = _READ.get((path, display_name))
    if known is not None and known[0] == raw:
        return known[1], list(known[2])
    file, findings = _parse_translation_file(raw, path, display_name)
    if len(_READ) >= _READ_KEPT:
        _READ.clear()
    _READ[path, display_name] = (raw, file, findings)
    return file, list(findings)


def _parse_translation_file(raw: bytes, path: Path, display_name: str) -> tuple[TranslationFile, list[Finding]]:
    document, problems = parse_yaml(raw, path, display_name)
    if document is None:
        return TranslationFile(path, display_name, None), problems
    result = TranslationFile(path, display_name, document)
    findings: list[Finding] = []
    for key, value in document.data.items():
        where = document.location((key,), prefer_key=True)
        if not isinstance(value, dict):
            findings.append(Finding(where, "translation.entry",
                                    f"the translation of {key} must be a mapping with 'source' and 'text'",
                                    hint="write it as  key:\\n  source: <fingerprint>\\n  text: <translation>"))
            continue
        unknown = [name for name in value if name not in ENTRY_FIELDS]
        for name in unknown:
            close = difflib.get_close_matches(str(name), ENTRY_FIELDS, 1)
            findings.append(Finding(document.location((key, name), prefer_key=True), "schema.unknown-field",
                                    f"unknown field '{name}' in a translation entry",
                                    hint=f"did you mean {close[0]}?" if close else "an entry has 'source' and 'text'"))
        text, source = value.get("text"), value.get("source")
        ok = True
        if not isinstance(text, str) or not text.strip():
            findings.append(Finding(document.location((key, "text") if "text" in value else (key,)),
                                    "translation.no-text", f"the translation of {key} has no text",
                                    hint="write the translated text under 'text', or remove the entry"))
            ok = False
        if not isinstance(source, str) or FINGERPRINT_PATTERN.match(source) is None:
            findings.append(Finding(document.location((key, "source") if "source" in value else (key,)),
                                    "translation.no-fingerprint",
                                    f"the translation of {key} needs 'source': the 12-digit fingerprint of the "
                                    "source text it translates",
                                    hint="'strategy-builder translate status --format json' shows each value's "
                                         "fingerprint; 'translate import' records it for you"))
            ok = False
        if ok:
            assert isinstance(text, str) and isinstance(source, str)
            line, column = document.source_map.locate((key,), prefer_key=True) or (None, None)
            text_position = document.source_map.locate((key, "text"))
            note = value.get("note")
            if note is not None and not isinstance(note, str):
                findings.append(Finding(document.location((key, "note")), "translation.note",
                                        f"the note of {key} must be a text"))
                note = None
            abbreviation = value.get("abbreviation")
            if abbreviation is not None and (not isinstance(abbreviation, str) or not _is_form(abbreviation)):
                findings.append(Finding(document.location((key, "abbreviation")), "translation.abbreviation",
                                        f"the abbreviation of {key} must be one line of at most "
                                        f"{ABBREVIATION_LENGTH} characters, starting and ending with a letter or "
                                        "digit", hint="write it as the texts print it, e.g. 'abbreviation: ЕС'"))
                abbreviation = None
            result.entries[key] = TranslationEntry(key, text.strip(), source, line, column,
                                                   text_position[0] if text_position else None,
                                                   note.strip() if note else None, abbreviation)
    return result, findings


def _is_form(text: str) -> bool:
    return (0 < len(text) <= ABBREVIATION_LENGTH and "\n" not in text and text[0].isalnum()
            and text[-1].isalnum())


def _entry_findings(file: TranslationFile, values: list[SourceValue], subject: str,
                    source_name: str) -> list[Finding]:
    """Keys that are no translatable field or name a value that no longer exists; texts that do not fit;
    abbreviations given where no full name is translated, or twice."""
    assert file.document is not None
    document = file.document
    by_key = {value.key: value for value in values}
    findings: list[Finding] = []
    forms: dict[str, str] = {}
    for key, entry in file.entries.items():
        where = document.location((key,), prefer_key=True)
        if entry.abbreviation is not None:
            form_where = document.location((key, "abbreviation"))
            if subject != STRATEGY_SUBJECT or abbreviated_code(key) is None:
                findings.append(Finding(form_where, "translation.abbreviation",
                                        f"{key} is not a full name: only the translation of an abbreviation's "
                                        "(abbreviations.<CODE>) or a stakeholder's name (stakeholders[<CODE>].name) "
                                        "in inputs/translations/<language>/strategy.yaml gives an abbreviation"))
            elif entry.abbreviation in forms:
                findings.append(Finding(form_where, "translation.abbreviation",
                                        f"{entry.abbreviation} is already the abbreviation of "
                                        f"{forms[entry.abbreviation]}: a text using it could not be explained",
                                        hint="give each full name its own abbreviation"))
            else:
                forms[entry.abbreviation] = key
        value = by_key.get(key)
        if value is None:
            close = difflib.get_close_matches(key, list(by_key), 1, 0.75)
            if not is_translatable_key(key, subject):
                findings.append(Finding(where, "translation.unknown-field",
                                        f"'{key}' is not a translatable field of {source_name}",
                                        hint=f"did you mean {close[0]}?" if close else
                                        "keys are field paths of the source, with priority ids and state or "
                                        "stakeholder codes in brackets (docs/languages.md)"))
            else:
                findings.append(Finding(where, "translation.orphaned",
                                        f"{key} translates a value that no longer exists in {source_name}",
                                        Severity.WARNING,
                                        hint=f"did you mean {close[0]}?" if close else
                                        "remove the entry (or restore the value in the source)"))
            continue
        text_where = document.location((key, "text"))
        if not value.prose and ("\n" in entry.text or len(entry.text) > value.max_length):
            findings.append(Finding(text_where, "translation.invalid-text",
                                    f"the translation of {key} must be one line of at most {value.max_length} "
                                    "characters", hint="shorten it; titles and names have no line breaks"))
        elif len(entry.text) > value.max_length:
            findings.append(Finding(text_where, "translation.invalid-text",
                                    f"the translation of {key} is longer than {value.max_length} characters"))
        if value.prose and entry.source == value.fingerprint and structure(entry.text) != structure(value.text):
            findings.append(Finding(text_where, "translation.structure",
                                    f"the translation of {key} has {_shape(entry.text)} where the source has "
                                    f"{_shape(value.text)}: the paragraph numbers of the language versions would "
                                    "differ", hint="keep one paragraph per paragraph and one bullet per bullet, in "
                                                   "the source's order (blank lines end paragraphs; '- ' starts a "
                                                   "bullet)"))
    return findings


def _shape(text: str) -> str:
    blocks = parse_prose(text)
    paragraphs = sum(1 for b in blocks if b.kind == "paragraph")
    bullets = len(blocks) - paragraphs
    return f"{paragraphs} paragraph(s) and {bullets} bullet(s)"


def _pending_findings(status: SubjectTranslation, source: YamlDocument) -> list[Finding]:
    """Missing and stale values of one declared language version, at the source's file and line."""
    # Named by their code: a language's name would cost CLDR's data on every check and preview.
    name = status.language
    if not status.file_exists:
        return [Finding(Location(status.translation_file), "translation.missing-file",
                        f"no {name} translation of {status.source_file} ({len(status.values)} value(s) to translate)",
                        Severity.WARNING,
                        hint=f"strategy-builder translate export --lang {status.language} --out FILE, then "
                             "translate import FILE")]
    findings = []
    for item in status.values:
        where = source.location(item.value.path)
        if item.state == "missing":
            findings.append(Finding(where, "translation.missing", f"no {name} translation of this value",
                                    Severity.WARNING, hint=f"add {item.value.key} to {status.translation_file} "
                                                           f"(translate export --lang {status.language} --only "
                                                           "missing)"))
        elif item.state == "stale":
            assert item.entry is not None
            findings.append(Finding(
                where, "translation.stale",
                f"the {name} translation of this value is stale: the text changed since it was translated "
                f"({status.translation_file}:{item.entry.line})", Severity.WARNING,
                hint=f"update the translation (translate export --lang {status.language} --only stale), then "
                     "translate import records the new fingerprint"))
    return _capped(findings)


def _capped(found: list[Finding]) -> list[Finding]:
    if len(found) <= MAX_FINDINGS_PER_FILE:
        return found
    kept, dropped = found[:MAX_FINDINGS_PER_FILE], found[MAX_FINDINGS_PER_FILE:]
    return [*kept, Finding(dropped[0].location, "findings.too-many",
                           f"{len(dropped)} more untranslated value(s) are not listed", Severity.WARNING,
                           hint="'strategy-builder translate status' counts them all")]


def load_translations(project: Project, *, selection: frozenset[str] | None = None,
                      every_partner: bool = True) -> tuple[Translations, list[Finding]]:
    """Every declared language version of ``project``, and every finding about languages and translations.

    ``selection`` (a preview of some partners): the language versions of those partners alone, with the
    translation of ``strategy.yaml`` into the languages they are printed in (the rest concerns no document
    being made). ``every_partner``: ``project`` holds every partner of the project, so that a translation
    file of a partner it does not hold is one no version reads."""
    strategy, strategy_document = project.strategy, project.strategy_document
    layout = ProjectLayout.of(project.root)
    usable, findings = declared_language_findings(strategy, strategy_document)
    translations = Translations(strategy.source_language)
    partners = {p.code: p for p in project.partners}
    declared: dict[str, frozenset[str]] = dict(strategy.language_versions())
    for language, codes in declared.items():
        versions = sorted(code for code in codes if code in partners and (selection is None or code in selection))
        if language not in usable or (selection is not None and not versions):
            continue
        subjects: list[tuple[str, list[SourceValue], YamlDocument]] = [
            (STRATEGY_SUBJECT, strategy_values(strategy), strategy_document)]
        subjects += [(code, partner_values(partners[code].model), partners[code].document) for code in versions]
        documents: dict[str, YamlDocument] = {}
        for subject, values, source in subjects:
            path = layout.translation_file(language, subject)
            display = layout.display_name(path)
            entries: dict[str, TranslationEntry] = {}
            sha256 = None
            if path.is_file():
                file, problems = read_translation_file(path, display)
                findings.extend(problems)
                if file.document is not None:
                    findings.extend(_capped(_entry_findings(file, values, subject, source.display_name)))
                    sha256 = file.document.sha256
                    documents[subject] = file.document
                entries = file.entries
            status = SubjectTranslation(language, subject, source.display_name, display, path.is_file(),
                                        list(value_statuses(values, entries)), sha256)
            translations.subjects[language, subject] = status
            findings.extend(_pending_findings(status, source))
        findings.extend(_abbreviation_findings(project, translations, language, documents))
    findings.extend(_undeclared_files(layout, declared, partners if every_partner else None))
    return translations, findings


def _abbreviation_findings(project: Project, translations: Translations, language: str,
                           documents: dict[str, YamlDocument]) -> list[Finding]:
    """A warning for each abbreviation a language version's translated texts use without a full name in the
    language: its list of abbreviations could not explain it (those of the source's texts, printed pending,
    are reported at the source). The texts are read as the version's drafts print them."""
    strategy_translation = translations.of(language, STRATEGY_SUBJECT)
    forms = strategy_translation.abbreviation_forms() if strategy_translation else {}
    names = full_names(project.strategy)
    strategy_file = (strategy_translation.translation_file if strategy_translation is not None
                     else f"inputs/translations/{language}/{STRATEGY_SUBJECT}.yaml")
    used = [(STRATEGY_SUBJECT, used_in_strategy(translated_strategy(project.strategy, strategy_translation,
                                                                    mark=False), forms=forms, any_script=True))]
    # What the source's texts use without a full name is reported at the source (check's policy), once.
    in_source = {STRATEGY_SUBJECT: set(used_in_strategy(project.strategy))}
    partners = {p.code: p for p in project.partners}
    for code in translations.partners(language):
        translation = translations.of(language, code)
        if code in partners and translation is not None and code in documents:
            model = translated_partner(partners[code], translation, mark=False).model
            used.append((code, used_in_partner(model, forms=forms, any_script=True)))
            in_source[code] = set(used_in_partner(partners[code].model))
    findings = []
    for subject, found in used:
        status, document = translations.of(language, subject), documents.get(subject)
        if status is None or document is None:
            continue
        by_path = {item.value.path: item for item in status.values}
        for token, path in found.items():
            item = by_path.get(path)
            code = forms.get(token, token)
            if code in names or code in in_source.get(subject, ()) or item is None or item.state != "translated":
                continue
            hint = (f"add it to 'abbreviations' in inputs/strategy.yaml ('{token}: <full name>') and translate it"
                    if token.isascii() else
                    f"in {strategy_file}, give the translation of its full name the line 'abbreviation: {token}' "
                    "(under abbreviations.<CODE> or stakeholders[<CODE>].name; a code the source's texts do not "
                    "use may be added to 'abbreviations' in inputs/strategy.yaml)")
            findings.append(Finding(document.location((item.value.key, "text")), "abbreviation.undefined",
                                    f"the abbreviation {token} is used in the {language} version but has no full "
                                    f"name in {language}", Severity.WARNING, hint=hint))
    return _capped(findings)


def _undeclared_files(layout: ProjectLayout, declared: dict[str, frozenset[str]],
                      partners: dict[str, SourcedPartner] | None) -> list[Finding]:
    """Translation folders and files that no declared language version reads: said, never ignored silently.
    ``partners``: those of the project (``None`` when only some were read: a file of a declared partner is then
    taken as used)."""
    folder = layout.translations_dir
    if not folder.is_dir():
        return []
    findings = []
    for language_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        language = language_dir.name
        if language not in declared:
            findings.append(Finding(Location(layout.display_name(language_dir) + "/"),
                                    "translation.language-not-declared",
                                    f"translations into '{language}' are not used: the language is not declared",
                                    Severity.WARNING,
                                    hint=f"declare it in inputs/strategy.yaml: languages: [en, {language}]"))
            continue
        for path in sorted(language_dir.iterdir()):
            if path.suffix in YAML_SUFFIXES and path.suffix != ".yaml":  # a translation is read as <name>.yaml
                read = path.with_suffix(".yaml")
                hint = (f"{read.name} is the one read: move what {path.name} adds into it, then remove {path.name}"
                        if read.exists() else f"rename it {read.name}")
                findings.append(Finding(Location(layout.display_name(path)), "translation.not-read",
                                        f"{path.name} is not read: translation files are named <name>.yaml",
                                        Severity.WARNING, hint=hint))
                continue
            if path.suffix != ".yaml" or path.stem == STRATEGY_SUBJECT:
                continue
            if path.stem not in declared[language] or (partners is not None and path.stem not in partners):
                findings.append(Finding(Location(layout.display_name(path)), "translation.orphaned-file",
                                        f"{path.name} is not used: {path.stem} has no '{language}' version",
                                        Severity.WARNING,
                                        hint=f"add {path.stem} to the partners of {language} under 'languages' in "
                                             "inputs/strategy.yaml, or remove the file"))
    return findings
