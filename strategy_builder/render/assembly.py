"""Assemble one partner's .docx: render the template, turn markers into bookmarks, stamp, package, verify."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any

import jinja2
from lxml import etree

from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.ooxml.package import DocxPackage, write_zip
from strategy_builder.ooxml.parser import XmlRefused, parse_xml, serialize
from strategy_builder.ooxml.properties import (
    CoreProperties, enable_field_update_on_open, enable_track_changes, write_core_properties,
    write_custom_properties,
)
from strategy_builder.ooxml.drawings import renumber_drawing_ids
from strategy_builder.ooxml.bookmarks import MarkerError, apply_section_markers, bookmark_names
from strategy_builder.ooxml.text import visible_text
from strategy_builder.render.engine import CompiledTemplate
from strategy_builder.ooxml.markers import OPEN, STAMP_PREFIX



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


@dataclass(frozen=True, slots=True)
class DocumentStamp:
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


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    """The bytes of a finished .docx and what was checked in it."""

    partner: str
    data: bytes
    sha256: str
    sections: tuple[str, ...]
    """IDs of the tracked sections verified to be in the document."""
    words: int


_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def render_document(template: CompiledTemplate, context: dict[str, Any], stamp: DocumentStamp,
                    expected_sections: list[str], *, circulated: bool = True) -> RenderedDocument:
    """Render, post-process and verify one partner's document.

    ``expected_sections`` are the section IDs the document must carry; a template that loses one is an
    error (it would break tracking in every later step). A ``circulated`` document (every draft) is
    compressed at zlib's default level, then read back and every XML part parsed strictly
    (:func:`verify_document`). A preview, which never leaves the machine, is compressed for speed and the
    same section check runs on the document tree in memory, whose rendered parts were parsed strictly
    when they were assembled.
    """
    partner = stamp.partner
    try:
        rendered, properties = template.render(context)
    except jinja2.TemplateError as error:
        part = getattr(error, "part_name", "template")
        raise DocumentAssemblyError(partner, part, f"{type(error).__name__}: {error}") from error

    parts = dict(template.package.parts)
    roots: dict[str, etree._Element] = {}
    for name, xml in rendered.items():
        try:
            roots[name] = parse_xml(xml.encode("utf-8"), part=name)
        except XmlRefused as error:
            raise DocumentAssemblyError(partner, name, f"rendered XML is broken: {error}") from error
    main = template.main_part
    try:
        names = apply_section_markers(roots[main]) if main in roots else {}
    except MarkerError as error:
        raise DocumentAssemblyError(partner, main, f"section markers: {error}") from error
    for name, root in roots.items():
        if name != main and any(OPEN in (t or "") for t in root.itertext()):
            raise DocumentAssemblyError(partner, name, "section markers are only allowed in the document body")
        data = serialize(root)
        if name == main:
            data = renumber_drawing_ids(data)
        parts[name] = data

    package = DocxPackage(parts, source=f"{partner}.docx")
    custom = {f"{STAMP_PREFIX}version": stamp.tool_version, f"{STAMP_PREFIX}draft": stamp.draft_label,
              f"{STAMP_PREFIX}partner": partner, f"{STAMP_PREFIX}inputs_sha256": stamp.inputs_sha256,
              f"{STAMP_PREFIX}template_sha256": stamp.template_sha256}
    custom.update(names)
    write_custom_properties(package, custom)
    write_core_properties(package, CoreProperties(
        title=properties.get("title") or stamp.title, subject=properties.get("subject") or stamp.subject,
        author=stamp.author, version=stamp.draft_label,
        keywords=properties.get("keywords") or f"BMP; Migration Partnership Strategy; {partner}",
        description=properties.get("description") or f"Draft {stamp.draft_label} generated by strategy-builder "
                                                      f"{stamp.tool_version}",
        date=stamp.date))
    enable_track_changes(package)
    enable_field_update_on_open(package)
    data = write_zip(package.parts, compresslevel=6 if circulated else 1)
    if circulated:
        return verify_document(partner, data, expected_sections)
    document = roots[main] if main in roots else parse_xml(parts[main], part=main)  # a template without tags
    return _inspected(partner, data, main, document, names, expected_sections)


def verify_document(partner: str, data: bytes, expected_sections: list[str]) -> RenderedDocument:
    """Re-read a finished .docx strictly: every XML part parses, every expected section is present."""
    from strategy_builder.ooxml.properties import read_custom_properties

    try:
        package = DocxPackage.from_bytes(data, source=f"{partner}.docx")
    except Exception as error:  # noqa: BLE001 - any failure here means the document is unusable
        raise DocumentAssemblyError(partner, "package", str(error)) from error
    for name in package.parts:
        if name.endswith((".xml", ".rels")):
            try:
                package.xml(name)  # parsed strictly, once: the checks below reuse the tree
            except UntrustedDocumentError as error:
                raise DocumentAssemblyError(partner, name, error.reason) from error
    names = {k: v for k, v in read_custom_properties(package).items() if k.startswith("sb_")}
    main = package.main_part_name()
    return _inspected(partner, data, main, package.xml(main), names, expected_sections)


def _inspected(partner: str, data: bytes, main: str, document: etree._Element, names: dict[str, str],
               expected_sections: list[str]) -> RenderedDocument:
    """The finished document, once every expected section is found among its bookmarks (``names``:
    bookmark name -> section ID, as stamped in the custom properties)."""
    bookmarks = bookmark_names(document)
    present = {section_id for name, section_id in names.items() if name in bookmarks}
    missing = [sid for sid in expected_sections if sid not in present]
    if missing:
        raise DocumentAssemblyError(partner, main,
                                    f"the template dropped tracked section(s): {', '.join(missing[:5])}"
                                    + (" ..." if len(missing) > 5 else "")
                                    + "; every section needs its {{ ...begin }} and {{ ...end }} markers")
    words = len(_WORD.findall(visible_text(document)))
    sections = tuple(sid for sid in expected_sections if sid in present)
    return RenderedDocument(partner, data, hashlib.sha256(data).hexdigest(), sections, words)


__all__ = ["DocumentAssemblyError", "DocumentStamp", "RenderedDocument", "render_document", "verify_document",
           "serialize"]
