"""Reading and writing XLIFF 2.1 documents (OASIS XLIFF Version 2.1, core and the Metadata module)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from lxml import etree

XLIFF_NAMESPACE = "urn:oasis:names:tc:xliff:document:2.0"
"""The namespace of XLIFF 2.0 and 2.1 (2.1 says ``version="2.1"``)."""
MDA_NAMESPACE = "urn:oasis:names:tc:xliff:metadata:2.0"
XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
VERSION = "2.1"
METADATA_CATEGORY = "strategy-builder"

_X = f"{{{XLIFF_NAMESPACE}}}"
_M = f"{{{MDA_NAMESPACE}}}"
_SPACE = f"{{{XML_NAMESPACE}}}space"


class XliffError(ValueError):
    """A file that is not XLIFF 2 as strategy-builder reads it; ``line`` is where the problem is (or None)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message if line is None else f"line {line}: {message}")
        self.message = message
        self.line = line


class XliffNote(NamedTuple):
    """A ``<note>``: its category (``location``, ``context``, ...; ``""`` for none) and text."""

    category: str
    text: str


@dataclass(slots=True)
class XliffUnit:
    """One ``<unit>`` with one segment."""

    id: str
    name: str
    source: str
    target: str | None = None
    state: str = "initial"
    """``initial``, ``translated``, ``reviewed`` or ``final`` (XLIFF 2's segment states)."""
    notes: list[XliffNote] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    """The ``mda:meta`` of the strategy-builder metadata group, by type."""
    line: int | None = None
    """Where the unit starts in the file that was read."""


@dataclass(slots=True)
class XliffFile:
    """One ``<file>``: a source file's units."""

    id: str
    original: str
    units: list[XliffUnit] = field(default_factory=list)
    notes: list[XliffNote] = field(default_factory=list)
    line: int | None = None


@dataclass(slots=True)
class XliffDocument:
    """An XLIFF document: the languages and the files."""

    source_language: str
    target_language: str
    files: list[XliffFile] = field(default_factory=list)


def _notes(parent: etree._Element, notes: list[XliffNote]) -> None:
    if not notes:
        return
    element = etree.SubElement(parent, f"{_X}notes")
    for note in notes:
        child = etree.SubElement(element, f"{_X}note")
        if note.category:
            child.set("category", note.category)
        child.text = note.text


def write_xliff(document: XliffDocument) -> bytes:
    """The document as XLIFF 2.1 bytes (UTF-8, indented, deterministic)."""
    root = etree.Element(f"{_X}xliff", nsmap={None: XLIFF_NAMESPACE, "mda": MDA_NAMESPACE})  # type: ignore[dict-item]
    root.set("version", VERSION)
    root.set("srcLang", document.source_language)
    root.set("trgLang", document.target_language)
    for file in document.files:
        file_element = etree.SubElement(root, f"{_X}file", id=file.id, original=file.original)
        _notes(file_element, file.notes)
        for unit in file.units:
            unit_element = etree.SubElement(file_element, f"{_X}unit", id=unit.id, name=unit.name)
            if unit.metadata:
                metadata = etree.SubElement(unit_element, f"{_M}metadata")
                group = etree.SubElement(metadata, f"{_M}metaGroup", category=METADATA_CATEGORY)
                for kind, value in sorted(unit.metadata.items()):
                    etree.SubElement(group, f"{_M}meta", type=kind).text = value
            _notes(unit_element, unit.notes)
            segment = etree.SubElement(unit_element, f"{_X}segment", state=unit.state)
            source = etree.SubElement(segment, f"{_X}source")
            source.set(_SPACE, "preserve")
            source.text = unit.source
            if unit.target is not None:
                target = etree.SubElement(segment, f"{_X}target")
                target.set(_SPACE, "preserve")
                target.text = unit.target
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def _parser() -> etree.XMLParser:
    # The same hardening as ooxml/parser.py: no DTD, no entities, no network, no huge trees.
    return etree.XMLParser(resolve_entities=False, no_network=True, dtd_validation=False, load_dtd=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def _line(element: etree._Element) -> int | None:
    line = element.sourceline
    return line if isinstance(line, int) else None


def _text(element: etree._Element | None) -> str:
    """The text of ``<source>`` or ``<target>``: inline codes (``<ph>``, ``<pc>``...) keep their text."""
    if element is None:
        return ""
    return "".join(str(piece) for piece in element.itertext())


def _read_notes(parent: etree._Element) -> list[XliffNote]:
    notes = parent.find(f"{_X}notes")
    if notes is None:
        return []
    return [XliffNote(note.get("category", ""), _text(note)) for note in notes.iter(f"{_X}note")]


def read_xliff(data: bytes) -> XliffDocument:
    """Parse XLIFF 2.x bytes; raises :class:`XliffError` (with a line) for anything that is not."""
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        raise XliffError("a DOCTYPE or entity declaration: XLIFF needs none, and they are refused")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise XliffError(f"not well-formed XML: {error.msg}", error.lineno) from error
    if root.tag != f"{_X}xliff":
        raise XliffError(f"the root element is {etree.QName(root).localname!r}, not an XLIFF 2 <xliff> "
                         f"(namespace {XLIFF_NAMESPACE})", _line(root))
    version = root.get("version", "")
    if not version.startswith("2."):
        raise XliffError(f"XLIFF version {version or '(none)'}: strategy-builder reads XLIFF 2.0 and 2.1",
                         _line(root))
    document = XliffDocument(root.get("srcLang", ""), root.get("trgLang", ""))
    for file_element in root.iter(f"{_X}file"):
        file = XliffFile(file_element.get("id", ""), file_element.get("original", ""),
                         notes=_read_notes(file_element), line=_line(file_element))
        for unit_element in file_element.iter(f"{_X}unit"):
            segments = unit_element.findall(f"{_X}segment")
            if len(segments) != 1:
                raise XliffError(f"unit {unit_element.get('id')!r} has {len(segments)} segments; strategy-builder "
                                 "writes one per unit and reads one (join split segments in your tool)",
                                 _line(unit_element))
            segment = segments[0]
            target = segment.find(f"{_X}target")
            metadata = {}
            for group in unit_element.iter(f"{_M}metaGroup"):
                if group.get("category") == METADATA_CATEGORY:
                    metadata.update({meta.get("type", ""): _text(meta) for meta in group.iter(f"{_M}meta")})
            file.units.append(XliffUnit(
                unit_element.get("id", ""), unit_element.get("name", ""), _text(segment.find(f"{_X}source")),
                _text(target) if target is not None else None, segment.get("state", "initial"),
                _read_notes(unit_element), metadata, _line(unit_element)))
        document.files.append(file)
    return document
