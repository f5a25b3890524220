"""``align``: for a draft, section by section, whether its language versions are in step with the source.

Everything comes from what the drafts recorded (``language_versions`` of the manifests, and the inputs
snapshot of the draft folder), never from today's inputs: the answer about draft 3 does not change when
the YAML moves on. Per section of each language version:

- **in step**: every value of the section was printed translated from the source text of that draft
  (no value pending);
- **source changed**: the section's translatable source text differs from the previous draft's;
- **translation changed**: what the version printed for the section differs from the previous draft's;
- **behind**: the source changed and the translation did not, the case a lawyer-linguist is looking for.

A draft without a previous draft, or a section or document the previous draft did not have, has nothing
to compare: it says so (``new``) rather than "unchanged".
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

from strategy_builder.errors import EnvironmentProblem
from strategy_builder.languages.loading import load_project_with_translations
from strategy_builder.languages.records import FRONT_MATTER_SUFFIX, section_statuses
from strategy_builder.layout import ProjectLayout, read_published_manifest
from strategy_builder.models.manifest import Manifest, ManifestLanguageDocument
from strategy_builder.models.translations import STRATEGY_SUBJECT, normalised

SectionState = Literal["in step", "pending", "behind", "new"]


class AlignedValue(NamedTuple):
    """One value of a section: its key, the source text and what the version printed, and its state."""

    key: str
    source: str
    printed: str
    state: str


@dataclass(frozen=True, slots=True)
class AlignedSection:
    """One section of one language version of draft N, compared with the same section of draft N-1."""

    id: str
    number: str
    title: str
    values: int
    pending: int
    source_changed: bool | None
    """``None``: nothing to compare with (first draft, or the section is new)."""
    translation_changed: bool | None
    texts: list[AlignedValue] = field(default_factory=list)

    @property
    def in_step(self) -> bool:
        return self.pending == 0

    @property
    def behind(self) -> bool:
        return bool(self.source_changed) and self.translation_changed is False

    @property
    def state(self) -> SectionState:
        if self.behind:
            return "behind"
        if not self.in_step:
            return "pending"
        if self.source_changed is None:
            return "new"
        return "in step"


@dataclass(slots=True)
class AlignedDocument:
    code: str
    language: str
    file: str
    sections: list[AlignedSection] = field(default_factory=list)


@dataclass(slots=True)
class Alignment:
    """The language versions of one draft, section by section."""

    draft: int
    previous: int | None
    documents: list[AlignedDocument] = field(default_factory=list)
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"draft": self.draft, "previous_draft": self.previous, "note": self.note,
                "documents": [{"code": d.code, "language": d.language, "file": d.file,
                               "in_step": all(s.in_step and not s.behind for s in d.sections),
                               "sections": [{"id": s.id, "number": s.number, "title": s.title, "state": s.state,
                                             "values": s.values, "pending": s.pending,
                                             "source_changed": s.source_changed,
                                             "translation_changed": s.translation_changed,
                                             "texts": [{"key": t.key, "state": t.state, "source": t.source,
                                                        "translation": t.printed} for t in s.texts]}
                                            for s in d.sections]}
                              for d in self.documents]}


def _previous_sections(previous: Manifest | None, document: ManifestLanguageDocument) -> dict[str, Any] | None:
    if previous is None:
        return None
    before = previous.language_document(document.code, document.language)
    return None if before is None else {s.id: s for s in before.sections}


def align(root: Path, number: int, language: str | None = None) -> Alignment:
    """The alignment of draft ``number``'s language versions (of ``language`` only, when given)."""
    layout = ProjectLayout.of(root)
    folder = layout.draft_dir(number)
    manifest = read_published_manifest(folder)  # one that cannot be read is said so, never "no draft"
    if manifest is None:
        raise EnvironmentProblem(f"there is no draft {number:03d} (no {folder}/manifest.json)",
                                 hint="'strategy-builder build' writes drafts; give the number of one of them")
    # The previous draft's unreadable manifest is said too: read as none, every section was "new".
    previous = read_published_manifest(layout.draft_dir(manifest.previous_draft)) if manifest.previous_draft else None
    result = Alignment(number, manifest.previous_draft)
    versions = [d for d in manifest.language_versions if language is None or d.language == language]
    if language is not None and not versions:  # a slip (--lang rus) is no answer "nothing to align"
        held = sorted({d.language for d in manifest.language_versions})
        raise EnvironmentProblem(f"draft {number:03d} has no '{language}' version",
                                 hint=f"its language versions: {', '.join(held)}" if held else
                                 "declare languages in inputs/strategy.yaml and build a new draft")
    if not versions:
        result.note = (f"draft {number:03d} has no language version" + (f" in {language}" if language else "")
                       + ": declare languages in inputs/strategy.yaml and build a new draft")
        return result
    snapshot = load_project_with_translations(folder).project  # the inputs the draft was built from
    titles = {s.id: (s.number, s.title) for p in manifest.partners for s in p.sections}
    for document in versions:
        aligned = AlignedDocument(document.code, document.language, document.file)
        before = _previous_sections(previous, document)
        texts = _texts(snapshot, document) if snapshot is not None else {}
        for section in document.sections:
            old = before.get(section.id) if before is not None else None
            number_, title = titles.get(section.id, ("", "Front matter" if section.id.endswith(FRONT_MATTER_SUFFIX)
                                                     else section.id))
            aligned.sections.append(AlignedSection(
                section.id, number_, title, section.values, section.pending,
                None if old is None else old.source_hash != section.source_hash,
                None if old is None else old.translation_hash != section.translation_hash,
                texts.get(section.id, [])))
        result.documents.append(aligned)
    if snapshot is None:
        result.note = f"the inputs snapshot of draft {number:03d} cannot be read: texts are not shown"
    return result


def _texts(snapshot: Any, document: ManifestLanguageDocument) -> dict[str, list[AlignedValue]]:
    translations = snapshot.translations
    translation = translations.of(document.language, document.code)
    if translation is None:
        return {}
    grouped = section_statuses(document.code, translation, translations.of(document.language, STRATEGY_SUBJECT))
    return {section: [AlignedValue(s.value.key, normalised(s.value.text), normalised(s.printed(document.language)),
                                   s.state) for s in statuses]
            for section, statuses in grouped.items()}


_STYLE = """
body { font-family: Calibri, Carlito, sans-serif; margin: 2em; color: #1a1a1a; }
h1 { color: #1f3864; } h2 { color: #2e5496; border-bottom: 1px solid #2e5496; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5em; }
td, th { border: 1px solid #a6a6a6; padding: 4px 8px; vertical-align: top; text-align: left; }
th { background: #dce3ef; } .key { color: #595959; font-size: 85%; }
.behind { background: #fde2e1; } .pending { background: #fff2cc; } .new { background: #eef3fb; }
.state { font-weight: bold; white-space: nowrap; } p { margin: 0 0 0.4em 0; }
summary { cursor: pointer; color: #2e5496; margin-bottom: 0.5em; }
"""


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(part)}</p>" for part in text.split("\n") if part.strip())


def alignment_html(result: Alignment) -> str:
    """A page for people: each document's sections with their state, and the source and the translation
    side by side, value by value."""
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>Language versions of draft {result.draft:03d}</title><style>{_STYLE}</style></head><body>",
           f"<h1>Language versions of draft {result.draft:03d}</h1>",
           f"<p>Compared with draft {result.previous:03d}.</p>" if result.previous else
           "<p>The first draft: there is no previous draft to compare with.</p>"]
    if result.note:
        out.append(f"<p><em>{html.escape(result.note)}</em></p>")
    for document in result.documents:
        out.append(f"<h2>{html.escape(document.code)} – {html.escape(document.language)} "
                   f"({html.escape(document.file)})</h2>")
        # First the sections at a glance; then the texts, open when something is not in step.
        out.append("<table><tr><th>No.</th><th>Section</th><th>State</th><th>Source changed</th>"
                   "<th>Translation changed</th><th>Pending</th></tr>")
        for section in document.sections:
            changed = ["–" if value is None else "yes" if value else "no"
                       for value in (section.source_changed, section.translation_changed)]
            out.append(f'<tr class="{section.state.replace(" ", "-")}"><td>{html.escape(section.number)}</td>'
                       f"<td>{html.escape(section.title)}</td><td class=\"state\">{html.escape(section.state)}</td>"
                       f"<td>{changed[0]}</td><td>{changed[1]}</td><td>{section.pending or ''}</td></tr>")
        out.append("</table>")
        attention = any(section.state in ("behind", "pending") for section in document.sections)
        out.append(f"<details{' open' if attention else ''}><summary>Source and translation, value by value"
                   "</summary>")
        out.append('<table><tr><th>No.</th><th>Section</th><th>State</th><th>Source</th>'
                   f'<th lang="{html.escape(document.language)}">Translation</th></tr>')
        for section in document.sections:
            rows = section.texts or [AlignedValue("", "", "", "")]
            css = section.state.replace(" ", "-")
            for index, text in enumerate(rows):
                head = (f'<td rowspan="{len(rows)}">{html.escape(section.number)}</td>'
                        f'<td rowspan="{len(rows)}">{html.escape(section.title)}<div class="key">'
                        f'{html.escape(section.id)}</div></td><td rowspan="{len(rows)}" class="state">'
                        f'{html.escape(section.state)}</td>') if index == 0 else ""
                value_css = " pending" if text.state in ("missing", "stale") else ""
                out.append(f'<tr class="{css}">{head}<td class="{value_css}"><div class="key">'
                           f'{html.escape(text.key)}</div>{_paragraphs(text.source)}</td>'
                           f'<td class="{value_css}" lang="{html.escape(document.language)}">'
                           f'{_paragraphs(text.printed)}'
                           + (f'<div class="key">{html.escape(text.state)}</div>' if value_css else "")
                           + "</td></tr>")
        out.append("</table></details>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


__all__ = ["AlignedDocument", "AlignedSection", "Alignment", "align", "alignment_html"]
