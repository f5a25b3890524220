"""What a paragraph holds besides its text, as a reader sees it: text boxes, footnotes and endnotes, pictures and
equations, which a diff compares; and charts, SmartArt, embedded objects and other drawings, which it does not
compare but lists by name when they differ.

Every object is read where the paragraph is read (:func:`strategy_builder.ooxml.blocks.read_blocks` with an
:class:`ObjectReader`), so an object belongs to the paragraph, and through it to the section, that holds it.
A picture is its image part's bytes (a digest), its alt text and its size; an equation is its linear text
(:mod:`strategy_builder.ooxml.math`); a text box and a note are blocks again. An object that Word writes twice
(``mc:AlternateContent``: a DrawingML choice and a VML fallback) is read once, from the choice.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, Literal, NamedTuple, Union

from lxml import etree

from strategy_builder.ooxml.math import linear_text
from strategy_builder.ooxml.namespaces import (
    A_BLIP, A_GRAPHIC_DATA, ALT_CHUNK, DRAWING, ENDNOTE_REFERENCE, FOOTNOTE_REFERENCE, ID, MC_FALLBACK, OBJECT,
    OMATH, OMATH_PARA, P, PICT, R_EMBED, R_ID, R_LINK, TXBX_CONTENT, V_IMAGEDATA, WP_DOC_PR, WP_EXTENT, qn,
)
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.records import Record

if TYPE_CHECKING:
    from strategy_builder.ooxml.blocks import Block

URI_PICTURE = "http://schemas.openxmlformats.org/drawingml/2006/picture"
URI_CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
URI_DIAGRAM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
SIZE_TOLERANCE_EMU = 3600
"""Sizes are compared to 0.1 mm: LibreOffice stores lengths in 1/100 mm and rounds EMUs on a round trip."""
_INTERESTING = (DRAWING, PICT, OBJECT, OMATH, OMATH_PARA, FOOTNOTE_REFERENCE, ENDNOTE_REFERENCE)


def _digest(*parts: str | bytes) -> str:
    import hashlib  # here: most documents hold no object, and loading OpenSSL's hashes costs 3 ms

    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode("utf-8") if isinstance(part, str) else part)
        hasher.update(b"\0")
    return hasher.hexdigest()[:20]


def part_digest(package: DocxPackage, name: str) -> str:
    """The identity of a part's bytes (an image, an embedded file): its CRC-32 and size, which the archive
    records, so that a picture is compared without inflating it."""
    found = package.parts.member(name)
    if found is not None:
        info = found[1]
        return f"{info.CRC:08x}-{info.file_size}"
    data = package.parts[name]
    return f"{zlib.crc32(data) & 0xFFFFFFFF:08x}-{len(data)}"


def blocks_fingerprint(blocks: list[Block]) -> str:
    """What a reader sees in ``blocks``: their texts and the fingerprints of their objects."""
    from strategy_builder.ooxml.blocks import Paragraph, iter_paragraphs

    pieces: list[str] = []
    for paragraph in iter_paragraphs(blocks):
        assert isinstance(paragraph, Paragraph)
        pieces.append(" ".join(paragraph.text.split()))
        pieces.extend(o.fingerprint for o in paragraph.objects if o.compared)
    return _digest(*pieces)


class TextBox(Record):
    """A text box (or a shape with text): its content as blocks."""

    __slots__ = ("blocks", "element")
    _hidden = ("element",)

    blocks: list[Block]
    element: etree._Element
    """The ``w:txbxContent``."""

    def __init__(self, blocks: list[Block], element: etree._Element) -> None:
        self.blocks = blocks
        self.element = element
    kind: ClassVar[str] = "text box"
    compared: ClassVar[bool] = True

    @property
    def fingerprint(self) -> str:
        return "box:" + blocks_fingerprint(self.blocks)


class NoteReference(Record):
    """A footnote or endnote reference and the note's content."""

    __slots__ = ("kind", "note_id", "blocks", "element", "number", "note")
    _hidden = ("element", "note")

    kind: Literal["footnote", "endnote"]
    note_id: str
    blocks: list[Block]
    element: etree._Element
    """The ``w:footnoteReference`` or ``w:endnoteReference``."""
    number: int
    """The note's number as a reader sees it: its place among the references of its kind in the document."""
    note: etree._Element | None
    """The ``w:footnote`` or ``w:endnote`` (in a copy of its part with every change accepted)."""

    def __init__(self, kind: Literal["footnote", "endnote"], note_id: str, blocks: list[Block], element: etree._Element,
                 number: int = 0, note: etree._Element | None = None) -> None:
        self.kind = kind
        self.note_id = note_id
        self.blocks = blocks
        self.element = element
        self.number = number
        self.note = note
    compared: ClassVar[bool] = True

    @property
    def fingerprint(self) -> str:
        return f"{self.kind}:" + blocks_fingerprint(self.blocks)


class Picture(Record):
    """A picture: the digest of its image, its alt text and its size in EMU."""

    __slots__ = ("digest", "description", "size", "element", "part")
    _hidden = ("element",)

    digest: str
    description: str
    size: tuple[int, int] | None
    element: etree._Element
    """The ``w:drawing`` or ``w:pict``."""
    part: str | None
    """The image part in the package (``None`` for a linked image)."""

    def __init__(self, digest: str, description: str, size: tuple[int, int] | None, element: etree._Element,
                 part: str | None = None) -> None:
        self.digest = digest
        self.description = description
        self.size = size
        self.element = element
        self.part = part
    kind: ClassVar[str] = "picture"
    compared: ClassVar[bool] = True

    @property
    def fingerprint(self) -> str:
        size = "" if self.size is None else "x".join(str(round(n / SIZE_TOLERANCE_EMU)) for n in self.size)
        return f"picture:{self.digest}:{size}:{' '.join(self.description.split())}"

    def describe(self) -> str:
        """``picture 12.0 × 8.0 cm, “Map of routes”`` for reports."""
        text = "picture"
        if self.size is not None:
            text += f" {self.size[0] / 360000:.1f} × {self.size[1] / 360000:.1f} cm"
        if self.description.strip():
            text += f", “{' '.join(self.description.split())}”"
        return text + f" [{self.digest[:8]}]"


class Equation(Record):
    """An equation (Office Math) as linear text."""

    __slots__ = ("text", "element")
    _hidden = ("element",)

    text: str
    element: etree._Element

    def __init__(self, text: str, element: etree._Element) -> None:
        self.text = text
        self.element = element
    kind: ClassVar[str] = "equation"
    compared: ClassVar[bool] = True

    @property
    def fingerprint(self) -> str:
        return "equation:" + self.text


class Opaque(Record):
    """Something a reader sees that the diff does not compare: a chart, a SmartArt diagram, an embedded object,
    a drawing shape, an embedded document. ``fingerprint`` tells whether two of them differ."""

    __slots__ = ("kind", "fingerprint", "element")
    _hidden = ("element",)

    kind: str
    fingerprint: str
    element: etree._Element

    def __init__(self, kind: str, fingerprint: str, element: etree._Element) -> None:
        self.kind = kind
        self.fingerprint = fingerprint
        self.element = element
    compared: ClassVar[bool] = False


InlineObject = Union[TextBox, NoteReference, Picture, Equation, Opaque]


class Note(NamedTuple):
    """The content of a footnote or endnote, read once per note."""

    element: etree._Element
    blocks: list[Block]


class NoteIndex:
    """The footnotes and endnotes of a document, each read into blocks when first referenced."""

    def __init__(self, parts: dict[str, tuple[str, etree._Element]], read: Callable[[str, etree._Element], list[Block]]
                 ) -> None:
        self._roots = parts
        """``footnote``/``endnote`` -> (part name, root with every change accepted)."""
        self._read = read
        self._notes: dict[tuple[str, str], Note | None] = {}

    def part(self, kind: str) -> tuple[str, etree._Element] | None:
        return self._roots.get(kind)

    def note(self, kind: str, note_id: str) -> Note | None:
        key = (kind, note_id)
        if key not in self._notes:
            self._notes[key] = None
            found = self._roots.get(kind)
            if found is not None:
                part, root = found
                tag = qn(f"w:{kind}")
                element = next((n for n in root.iter(tag) if n.get(ID) == note_id), None)
                if element is not None:
                    self._notes[key] = Note(element, self._read(part, element))
        return self._notes[key]


class ObjectReader:
    """Reads the objects of the paragraphs of one part (body, header, footer, notes) of a package."""

    def __init__(self, package: DocxPackage, part: str, notes: NoteIndex | None,
                 read_blocks: Callable[[etree._Element, ObjectReader], list[Block]]) -> None:
        self.package = package
        self.part = part
        self.notes = notes
        self._read_blocks = read_blocks
        self._relations: dict[str, tuple[str, str]] | None = None
        self._numbers = {"footnote": 0, "endnote": 0}

    def _target(self, relation: str | None) -> str | None:
        if not relation:
            return None
        if self._relations is None:
            self._relations = self.package.related_parts(self.part)
        found = self._relations.get(relation)
        return found[1] if found is not None else None

    def _part_digest(self, relation: str | None) -> tuple[str, str | None]:
        name = self._target(relation)
        if name is None or name not in self.package.parts:
            return _digest("missing", relation or ""), None
        return part_digest(self.package, name), name

    def block_object(self, element: etree._Element) -> InlineObject | None:
        """An embedded document (``w:altChunk``) between paragraphs, which a reader sees as content."""
        if element.tag != ALT_CHUNK:
            return None
        digest, _ = self._part_digest(element.get(R_ID))
        return Opaque("embedded document", digest, element)

    def any_in(self, container: etree._Element) -> bool:
        """Whether an object could be under ``container`` (a body, a cell, a text box)."""
        return next(container.iter(*_INTERESTING), None) is not None

    def __call__(self, paragraph: etree._Element) -> tuple[InlineObject, ...]:
        if next(paragraph.iter(*_INTERESTING), None) is None:
            return ()
        found: list[InlineObject] = []
        self._walk(paragraph, found)
        return tuple(found)

    # ---------------------------------------------------------------------------------------- walking

    def _walk(self, node: etree._Element, found: list[InlineObject]) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in (MC_FALLBACK, P):
                continue  # the fallback repeats the choice; a nested paragraph is a text box's own
            if tag == TXBX_CONTENT:
                found.append(TextBox(self._read_blocks(child, self), child))
            elif tag in (FOOTNOTE_REFERENCE, ENDNOTE_REFERENCE):
                kind: Literal["footnote", "endnote"] = "footnote" if tag == FOOTNOTE_REFERENCE else "endnote"
                note_id = child.get(ID, "")
                note = self.notes.note(kind, note_id) if self.notes is not None else None
                self._numbers[kind] += 1
                found.append(NoteReference(kind, note_id, note.blocks if note else [], child, self._numbers[kind],
                                           note.element if note else None))
            elif tag in (OMATH, OMATH_PARA):
                found.append(Equation(linear_text(child), child))
            elif tag == DRAWING:
                self._drawing(child, found)
            elif tag == PICT:
                self._vml(child, found)
            elif tag == OBJECT:
                embedded = next((e.get(R_ID) for e in child.iter() if e.get(R_ID) is not None), None)
                digest, _ = self._part_digest(embedded)
                found.append(Opaque("embedded object", digest, child))
            else:
                self._walk(child, found)

    def _drawing(self, drawing: etree._Element, found: list[InlineObject]) -> None:
        data = next(drawing.iter(A_GRAPHIC_DATA), None)
        uri = data.get("uri", "") if data is not None else ""
        size = _extent(drawing)
        properties = next(drawing.iter(WP_DOC_PR), None)
        description = " ".join(filter(None, (properties.get("descr"), properties.get("title")))) \
            if properties is not None else ""
        if uri == URI_PICTURE:
            blip = next(drawing.iter(A_BLIP), None)
            relation = blip.get(R_EMBED) or blip.get(R_LINK) if blip is not None else None
            digest, part = self._part_digest(relation)
            found.append(Picture(digest, description, size, drawing, part))
            return
        if uri == URI_CHART:
            found.append(Opaque("chart", self._texts_digest(data), drawing))
            return
        if uri == URI_DIAGRAM:
            found.append(Opaque("SmartArt diagram", self._texts_digest(data), drawing))
            return
        before = len(found)
        self._walk(drawing, found)  # shapes, groups and canvases: their text boxes and pictures
        if len(found) == before:
            shape = " ".join(sorted({e.get("prst", "") for e in drawing.iter() if e.get("prst")}))
            found.append(Opaque("drawing", _digest(uri, shape, str(size)), drawing))

    def _vml(self, pict: etree._Element, found: list[InlineObject]) -> None:
        image = next(pict.iter(V_IMAGEDATA), None)
        if image is not None:
            relation = image.get(R_ID) or image.get(qn("r:pict"))
            digest, part = self._part_digest(relation)
            found.append(Picture(digest, image.get(qn("o:title"), ""), None, pict, part))
            return
        before = len(found)
        self._walk(pict, found)
        if len(found) == before:
            found.append(Opaque("drawing", _digest(etree.tostring(pict, method="c14n")), pict))

    def _texts_digest(self, data: etree._Element | None) -> str:
        """A chart or diagram by the texts and numbers of the parts it points to (not their formatting)."""
        if data is None:
            return _digest("none")
        pieces: list[str] = []
        for element in data.iter():
            for name, value in element.attrib.items():
                if str(name).startswith("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"):
                    target = self._target(str(value))
                    if target is not None and target in self.package.parts:
                        pieces.extend(_part_texts(self.package, target))
        return _digest(*pieces)


def _part_texts(package: DocxPackage, name: str) -> list[str]:
    """What a chart or diagram shows: its values and texts (``c:v``, ``a:t``) and its kinds of plot, not its
    formulas, number formats or axis ids, which an application rewrites when it saves a file."""
    try:
        root = package.xml(name)
    except Exception:  # noqa: BLE001 - an unreadable part: compare its bytes
        return [part_digest(package, name)]
    pieces = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        if local in ("v", "t") and (element.text or "").strip():
            pieces.append(element.text.strip())  # type: ignore[union-attr]
        elif local.endswith("Chart") and local != "chart":
            pieces.append(local)
    return pieces


def _extent(drawing: etree._Element) -> tuple[int, int] | None:
    extent = next(drawing.iter(WP_EXTENT), None)
    if extent is None:
        return None
    try:
        return int(extent.get("cx", "0")), int(extent.get("cy", "0"))
    except ValueError:
        return None


__all__ = ["Equation", "InlineObject", "Note", "NoteIndex", "NoteReference", "ObjectReader", "Opaque", "Picture",
           "TextBox", "blocks_fingerprint", "part_digest"]
