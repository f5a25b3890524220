"""Assemble one partner's .docx: render the template, turn markers into bookmarks, stamp, package, verify."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, NamedTuple

import jinja2

from strategy_builder.ooxml.markers import strip_value_markers
from strategy_builder.ooxml.properties import CoreProperties
from strategy_builder.ooxml.rendered import (
    DocxContents, MainPartMemo, PartProblem, finish_docx, read_docx_contents,
)
from strategy_builder.ooxml.drawings import Picture
from strategy_builder.ooxml.markers import LOGO_MARKER, strip_pending
from strategy_builder.ooxml.stamps import DraftStamps
from strategy_builder.render.engine import CompiledTemplate


class DocumentAssemblyError(Exception):
    """A partner's document could not be produced; names the partner and the part."""

    def __init__(self, partner: str, part: str, message: str) -> None:
        super().__init__(f"{partner}: {part}: {message}")
        self.partner = partner
        self.part = part
        self.message = message

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # Raised in worker processes: must cross the process boundary with its three fields.
        return (type(self), (self.partner, self.part, self.message))


class DocumentStamp(NamedTuple):
    """What is stamped into a draft's properties."""

    partner: str
    draft_label: str
    tool_version: str
    inputs_sha256: str
    template_sha256: str
    author: str
    title: str
    subject: str
    date: dt.date
    keywords: str
    description: str
    """Both in the document's language (the catalogue's ``properties_keywords``, ``properties_description``)."""
    update_fields: bool = True
    """Ask Word to update the fields when the draft is opened: only when the contents has no page numbers
    (no layout pass), so that Word fills them in."""
    logo: bytes | None = None
    """The picture that replaces the logo marker on the cover (a PNG or JPEG), if any."""
    language: str = ""
    """A language version's language (``ru``), stamped into the document; ``""`` in the source language."""
    language_tag: str = ""
    """Its tag for the styles and properties (``ru-RU``)."""
    pending: tuple[str, str] | None = None
    """(label, source language tag) for values printed untranslated; see :func:`ooxml.language.mark_pending`."""
    page_breaks: frozenset[str] = frozenset()
    """Section bookmarks whose headings start a new page (the layout pass's, see ``drafts/layout_pass.py``)."""


class RenderedDocument(NamedTuple):
    """The bytes of a finished .docx and what was checked in it."""

    partner: str
    data: bytes
    sha256: str
    sections: tuple[str, ...]
    """IDs of the tracked sections verified to be in the document."""
    words: int




def render_document(template: CompiledTemplate, context: dict[str, Any], stamp: DocumentStamp,
                    expected_sections: list[str], *, circulated: bool = True,
                    memo: MainPartMemo | None = None) -> RenderedDocument:
    """Render, post-process and verify one partner's document.

    ``expected_sections`` are the section IDs the document must carry; a template that loses one is an
    error (it would break tracking in every later step). Every part the document's assembly renders or
    stamps is parsed strictly as it is made, the parts copied unchanged from the template were parsed once
    when it was compiled, and the sections are checked on the document tree in memory (what
    :func:`verify_document`, reading the file back, would find: tested). A ``circulated`` document (every
    draft) is compressed at zlib's default level, a preview, which never leaves the machine, for speed.
    ``memo``: what the last assembly of the same document made (a watcher keeps it), see
    :func:`strategy_builder.ooxml.rendered.finish_docx`.
    """
    partner = stamp.partner
    try:
        rendered, properties = template.render(context)
    except jinja2.TemplateError as error:
        part = getattr(error, "part_name", "template")
        raise DocumentAssemblyError(partner, part, f"{type(error).__name__}: {error}") from error
    # Document properties hold no bookmarks: a value printed there keeps no provenance.
    properties = {name: strip_value_markers(text) for name, text in properties.items()}

    try:
        contents = finish_docx(
            template.package.parts, rendered, template.main_part,
            stamps=DraftStamps(partner=partner, draft=stamp.draft_label, version=stamp.tool_version,
                               inputs_sha256=stamp.inputs_sha256, template_sha256=stamp.template_sha256,
                               language=stamp.language),
            core=CoreProperties(
                title=strip_pending(properties.get("title") or stamp.title),
                subject=strip_pending(properties.get("subject") or stamp.subject),
                author=stamp.author, version=stamp.draft_label,
                keywords=properties.get("keywords") or stamp.keywords,
                description=strip_pending(properties.get("description") or stamp.description),
                date=stamp.date, language=stamp.language_tag),
            compresslevel=6 if circulated else 1, update_fields=stamp.update_fields, keep_short_tables=True,
            keep_lead_ins=True,
            picture=(LOGO_MARKER, Picture(stamp.logo)) if stamp.logo is not None else None,
            language=stamp.language_tag, pending=stamp.pending, breaks_before=stamp.page_breaks, memo=memo)
    except PartProblem as problem:
        raise DocumentAssemblyError(partner, problem.part, problem.message) from problem
    return _inspected(partner, contents, expected_sections)


def verify_document(partner: str, data: bytes, expected_sections: list[str]) -> RenderedDocument:
    """Re-read a finished .docx strictly: every XML part parses, every expected section is present."""
    try:
        contents = read_docx_contents(data, f"{partner}.docx")
    except PartProblem as problem:
        raise DocumentAssemblyError(partner, problem.part, problem.message) from problem
    return _inspected(partner, contents, expected_sections)


def _inspected(partner: str, contents: DocxContents, expected_sections: list[str]) -> RenderedDocument:
    """The finished document, once every expected section is found among its bookmarks."""
    present = {section_id for name, section_id in contents.section_names.items() if name in contents.bookmarks}
    missing = [sid for sid in expected_sections if sid not in present]
    if missing:
        raise DocumentAssemblyError(partner, contents.main_part,
                                    f"the template dropped tracked section(s): {', '.join(missing[:5])}"
                                    + (" ..." if len(missing) > 5 else "")
                                    + "; every section needs its {{ ...begin }} and {{ ...end }} markers")
    words = contents.words
    sections = tuple(sid for sid in expected_sections if sid in present)
    return RenderedDocument(partner, contents.data, hashlib.sha256(contents.data).hexdigest(), sections, words)


__all__ = ["DocumentAssemblyError", "DocumentStamp", "RenderedDocument", "render_document", "verify_document"]
