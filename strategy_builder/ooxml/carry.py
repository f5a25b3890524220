"""The parts a redline writes: copies of the new document's XML parts, and old content carried into them.

A redline is the new package with revisions marked in its stories (the main document, footnotes and
endnotes, headers and footers). Deleted content comes from the old package, so what it points to must come
too: a deleted picture brings its image part (under a new name, with a new relationship), a deleted
footnote or endnote reference brings its note (under a new id, its content marked deleted). What cannot be
carried (charts, embedded objects, comment anchors, bookmarks) is left out of the copy; those are not
compared by the diff either.
"""

from __future__ import annotations

import copy
import posixpath
from collections.abc import Callable
from typing import cast

from lxml import etree

from strategy_builder.digits import signed_whole_number
from strategy_builder.ooxml.namespaces import (
    A_BLIP, ANCHOR, CT, DEL, DEL_INSTR_TEXT, DEL_TEXT, DRAWING, ENDNOTE, ENDNOTE_REFERENCE, FOOTNOTE,
    FOOTNOTE_REFERENCE, HYPERLINK, ID, INSTR_TEXT, OBJECT, PICT, PKG_REL, R_EMBED, R_ID, R_LINK, REL, RPR,
    TC, V_IMAGEDATA, WP_DOC_PR, W, P, R, T, qn,
)
from strategy_builder.ooxml.package import DocxPackage, strict, write_zip
from strategy_builder.ooxml.parser import parse_xml, serialize
from strategy_builder.ooxml.runs import merge_wrappers, own_runs
from strategy_builder.ooxml.tree import add_mark_properties, detach, unwrap

Revision = Callable[[str], etree._Element]
REL_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_STRIP = tuple(qn(f"w:{n}") for n in (
    "bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd", "commentReference", "permStart",
    "permEnd", "proofErr", "sectPr", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart",
    "moveToRangeEnd"))
_PARAGRAPH_IDS = (qn("w14:paraId"), qn("w14:textId"))
_REL_PREFIX = f"{{{REL}}}"
_IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
                "bmp": "image/bmp", "tif": "image/tiff", "tiff": "image/tiff", "emf": "image/x-emf",
                "wmf": "image/x-wmf", "svg": "image/svg+xml"}
MAPPED = (P, qn("w:tbl"), qn("w:tr"), TC, qn("w:txbxContent"), FOOTNOTE, ENDNOTE, DRAWING, PICT,
          qn("m:oMath"), qn("m:oMathPara"), FOOTNOTE_REFERENCE, ENDNOTE_REFERENCE)
"""The elements a redline plan names (through the blocks and objects read from them)."""
_ALL_IDS = etree.XPath("//@w:id", namespaces={"w": W}, smart_strings=False)
"""Every ``w:id`` value of a part, as plain strings: compiled once, and without lxml's "smart strings" (each
value an object that remembers its element), which took half the time of the search."""


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


class RedlineParts:
    """The new package being redlined: copies of its stories, and what comes over from the old package.

    ``mapping`` maps every element of the new document's accepted parts that a plan can name (paragraphs,
    tables, rows, cells, text boxes, notes, drawings, equations, note references) to its copy here.
    """

    def __init__(self, package: DocxPackage, roots: dict[str, etree._Element],
                 old_package: DocxPackage | None = None, old_roots: dict[str, etree._Element] | None = None) -> None:
        self.package = package
        self.roots = {name: copy.deepcopy(root) for name, root in roots.items()}
        self.mapping: dict[etree._Element, etree._Element] = {}
        for name, root in roots.items():
            self.mapping.update(zip(root.iter(*MAPPED), self.roots[name].iter(*MAPPED), strict=True))
        self._part_of_root = {id(root): name for name, root in self.roots.items()}
        self.old_package = old_package
        self.old_roots = old_roots or {}
        self._old_part_of_root = {id(root): name for name, root in self.old_roots.items()}
        self.added: dict[str, bytes] = {}
        self._rels: dict[str, etree._Element] = {}
        self._content_types: etree._Element | None = None
        self._carried_images: dict[tuple[str, str], str] = {}
        self._counter = 0
        self._notes: dict[str, str] = {}
        """``footnote``/``endnote`` -> the new package's notes part (when it has one)."""
        main = package.main_part_name()
        for kind, suffix in (("footnote", "/footnotes"), ("endnote", "/endnotes")):
            names = package.part_of_type(suffix, main)
            if names and names[0] in self.roots:
                self._notes[kind] = names[0]

    # ------------------------------------------------------------------------------------ where things are

    def part_of(self, element: etree._Element) -> str:
        """The part of the new package an element (of a copy here) belongs to."""
        return self._part_of_root[id(element.getroottree().getroot())]

    def _old_part_of(self, element: etree._Element) -> str | None:
        return self._old_part_of_root.get(id(element.getroottree().getroot()))

    def first_free_id(self) -> int:
        """One more than every ``w:id`` in the parts: revision ids are unique over the whole document."""
        highest = 0
        for root in self.roots.values():
            for value in cast(list[str], _ALL_IDS(root)):
                number = signed_whole_number(value)
                if number is not None:
                    highest = max(highest, number)
        return highest + 1

    # ------------------------------------------------------------------------------------ carrying over

    def carry(self, element: etree._Element, target: etree._Element | str, revision: Revision) -> etree._Element:
        """A copy of old ``element`` fit for the part of ``target`` (a copy here, where it will be inserted).

        Bookmarks, comment anchors and revision ranges are dropped; hyperlinks keep their text; a picture
        keeps its image (carried over); a note reference keeps its note (carried over, content deleted);
        charts, embedded objects and other drawings that point into the old package are dropped.
        """
        clone = copy.deepcopy(element)
        source = self._old_part_of(element)
        into = target if isinstance(target, str) else self.part_of(target)
        for item in list(clone.iter(*_STRIP)):
            detach(item)
        for link in list(clone.iter(HYPERLINK)):
            if link.get(R_ID) is not None or link.get(ANCHOR) is not None:
                unwrap(link)
        for sdt_id in list(clone.iter(ID)):  # the w:id element of a content control
            detach(sdt_id)
        for node in clone.iter():
            for attribute in _PARAGRAPH_IDS:
                node.attrib.pop(attribute, "")
        for drawing in list(clone.iter(DRAWING, PICT, OBJECT)):
            if not self._carry_drawing(drawing, source, into):
                detach(drawing)
        for reference in list(clone.iter(FOOTNOTE_REFERENCE, ENDNOTE_REFERENCE)):
            kind = "footnote" if reference.tag == FOOTNOTE_REFERENCE else "endnote"
            new_id = self._carry_note(kind, reference.get(ID, ""), revision)
            if new_id is None:
                detach(reference)
            else:
                reference.set(ID, new_id)
        return clone

    def _carry_drawing(self, drawing: etree._Element, source: str | None, into: str) -> bool:
        """Carry a picture's image over (``True``); anything else pointing into the old package: ``False``."""
        for properties in drawing.iter(WP_DOC_PR):
            self._counter += 1
            properties.set("id", str(900000 + self._counter))  # drawing ids are unique in a document
        references = [(element, name) for element in drawing.iter() for name in element.attrib
                      if str(name).startswith(_REL_PREFIX)]
        if not references:
            return True  # a text box or a shape: nothing outside the part
        if source is None or self.old_package is None:
            return False
        for element, name in references:
            if element.tag not in (A_BLIP, V_IMAGEDATA) or name not in (R_EMBED, R_LINK, R_ID, qn("r:pict")):
                return False
            relations = self.old_package.related_parts(source)
            found = relations.get(element.get(name, ""))
            if found is None or found[1] not in self.old_package.parts:
                return False
            element.set(name, self._carry_image(found[1], into))
        return True

    def _carry_image(self, old_part: str, into: str) -> str:
        """The relationship id, in part ``into``, of a copy of the old package's image ``old_part``."""
        key = (old_part, into)
        if key not in self._carried_images:
            assert self.old_package is not None
            extension = posixpath.splitext(old_part)[1].lstrip(".").lower() or "bin"
            self._counter += 1
            name = f"word/media/redline{self._counter}.{extension}"
            while name in self.package.parts or name in self.added:
                self._counter += 1
                name = f"word/media/redline{self._counter}.{extension}"
            self.added[name] = self.old_package.parts[old_part]
            self._ensure_default(extension, _IMAGE_TYPES.get(extension, "application/octet-stream"))
            self._carried_images[key] = self.relate(into, name, REL_IMAGE)
        return self._carried_images[key]

    def _carry_note(self, kind: str, old_id: str, revision: Revision) -> str | None:
        """Copy the old document's note ``old_id`` into the new notes part, its content marked deleted."""
        if self.old_package is None:
            return None
        part = self._notes.get(kind) or self._new_notes_part(kind)
        old_parts = self.old_package.part_of_type(f"/{kind}s", self.old_package.main_part_name())
        old_root = self.old_roots.get(old_parts[0]) if old_parts else None
        tag = FOOTNOTE if kind == "footnote" else ENDNOTE
        note = next((n for n in old_root.iter(tag) if n.get(ID) == old_id), None) if old_root is not None else None
        if note is None:
            return None
        root = self.roots[part]
        new_id = str(max([number for n in root.iter(tag) if (number := signed_whole_number(n.get(ID, ""))) is not None]
                         + [0]) + 1)
        clone = self.carry(note, root, revision)
        clone.set(ID, new_id)
        mark_deleted(clone, revision)
        root.append(clone)
        return new_id

    def _new_notes_part(self, kind: str) -> str:
        """A footnotes (or endnotes) part for a new document that has none, with Word's two separators."""
        name = self.new_part_name(f"word/{kind}s", ".xml")
        root = parse_xml((f'<w:{kind}s xmlns:w="{W}"><w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/>'
                          f'</w:r></w:p></w:{kind}><w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r>'
                          f'<w:continuationSeparator/></w:r></w:p></w:{kind}></w:{kind}s>').encode(), part=name)
        self.add_part(name, root, f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}s+xml",
                      f"{REL}/{kind}s")
        self._notes[kind] = name
        return name

    def add_part(self, name: str, root: etree._Element, content_type: str, rel_type: str) -> str:
        """A new XML part related from the main document; returns the relationship's id."""
        self.roots[name] = root
        self._part_of_root[id(root)] = name
        self._ensure_override(name, content_type)
        return self.relate(self.package.main_part_name(), name, rel_type)

    def new_part_name(self, stem: str, suffix: str) -> str:
        """``stem`` + a number + ``suffix``, free in the package."""
        number = 1
        while f"{stem}{number}{suffix}" in self.package.parts or f"{stem}{number}{suffix}" in self.roots \
                or f"{stem}{number}{suffix}" in self.added:
            number += 1
        return f"{stem}{number}{suffix}"

    # ------------------------------------------------------------------------------------ package plumbing

    def relate(self, source: str, target: str, rel_type: str) -> str:
        """A new relationship from part ``source`` to part ``target``; returns its id."""
        rels_name = _rels_name(source)
        if rels_name not in self._rels:
            if rels_name in self.package.parts:
                self._rels[rels_name] = copy.deepcopy(self.package.xml(rels_name))
            else:
                self._rels[rels_name] = parse_xml(f'<Relationships xmlns="{PKG_REL}"/>'.encode(), part=rels_name)
        rels = self._rels[rels_name]
        taken = {r.get("Id") for r in rels}
        number = 1
        while f"rIdRedline{number}" in taken:
            number += 1
        relation = etree.SubElement(rels, f"{{{PKG_REL}}}Relationship")
        relation.set("Id", f"rIdRedline{number}")
        relation.set("Type", rel_type)
        relation.set("Target", posixpath.relpath(target, posixpath.dirname(source)))
        return f"rIdRedline{number}"

    def _types(self) -> etree._Element:
        if self._content_types is None:
            self._content_types = copy.deepcopy(parse_xml(self.package.parts["[Content_Types].xml"],
                                                          part="[Content_Types].xml"))
        return self._content_types

    def _ensure_override(self, name: str, content_type: str) -> None:
        override = etree.SubElement(self._types(), f"{{{CT}}}Override")
        override.set("PartName", "/" + name)
        override.set("ContentType", content_type)

    def _ensure_default(self, extension: str, content_type: str) -> None:
        self._types()
        assert self._content_types is not None
        defaults = {d.get("Extension", "").lower() for d in self._content_types.iter(f"{{{CT}}}Default")}
        if extension not in defaults:
            default = etree.Element(f"{{{CT}}}Default")
            default.set("Extension", extension)
            default.set("ContentType", content_type)
            self._content_types.insert(0, default)

    def to_bytes(self) -> bytes:
        """The redlined package, as deterministic .docx bytes."""
        parts = self.package.parts.copy()  # media stay in the archive: streamed when written
        written = {name: serialize(root) for name, root in self.roots.items()}
        written.update((name, serialize(rels)) for name, rels in self._rels.items())
        if self._content_types is not None:
            written["[Content_Types].xml"] = serialize(self._content_types)
        for name, data in written.items():
            # A Strict document was read in the Transitional vocabulary; what is written goes back to Strict.
            parts[name] = strict(data) if self.package.strict else data
        parts.update(self.added)
        return write_zip(parts, reuse=True)  # the parts the redline leaves alone are copied as they are


# ---------------------------------------------------------------------------------------------- helpers


def wrap_element(element: etree._Element, tag: str, revision: Revision) -> etree._Element:
    """Wrap ``element`` (a run, or an equation) in a revision element; deleted text becomes ``w:delText``."""
    if tag == DEL:
        for text in element.iter(T, INSTR_TEXT):
            text.tag = DEL_TEXT if text.tag == T else DEL_INSTR_TEXT
    wrapper = revision(tag)
    element.addprevious(wrapper)
    wrapper.append(element)
    return wrapper


def mark_deleted(container: etree._Element, revision: Revision, tag: str = DEL) -> None:
    """Mark every paragraph of a container (a note) deleted or inserted, runs and paragraph marks; the last
    paragraph mark stays, as Word keeps it."""
    paragraphs = [p for p in container.iter(P) if (parent := p.getparent()) is container
                  or (parent is not None and parent.tag == TC)]
    for index, paragraph in enumerate(paragraphs):
        for run in own_runs(paragraph):
            wrap_element(run, tag, revision)
        merge_wrappers(paragraph)
        if index < len(paragraphs) - 1:
            add_mark_properties(paragraph).insert(0, revision(tag))


def isolate(element: etree._Element) -> etree._Element:
    """The run that holds ``element`` (a drawing, a note reference) and nothing else a reader sees: when the
    run holds text too, ``element`` moves into a run of its own, right after it, with the same formatting."""
    run = element
    while run is not None and run.tag != R:
        run = run.getparent()  # type: ignore[assignment]
    if run is None:
        return element
    holder = element
    while holder.getparent() is not run:
        holder = holder.getparent()  # type: ignore[assignment]
    others = [c for c in run if c is not holder and c.tag != RPR]
    if not others:
        return run
    alone = etree.Element(R)
    properties = run.find(RPR)
    if properties is not None:
        alone.append(copy.deepcopy(properties))
    run.addnext(alone)
    alone.append(holder)
    return alone


__all__ = ["MAPPED", "RedlineParts", "isolate", "mark_deleted", "wrap_element"]
