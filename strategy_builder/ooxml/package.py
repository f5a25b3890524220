"""A .docx as a package of parts: read within limits, its XML parsed safely within a tag budget, its
relationships resolved, and written again as a byte-reproducible zip.

The archive is checked from its zip directory before anything is inflated
(:mod:`strategy_builder.ooxml.zip_archive`). XML parts are inflated when the package is opened (they are
small and bounded in total); every other member (images, embedded files) stays compressed in the archive
and is inflated only when asked for, or streamed from archive to archive when a package is written, so
that a document with several huge images never sits in memory.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Container, Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import IO

from lxml import etree

from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.files import RefusedFile, read_limited
from strategy_builder.ooxml.namespaces import PKG_REL, REL_OFFICE_DOCUMENT, STRICT_NAMESPACES
from strategy_builder.ooxml.parser import Selection, XmlRefused, count_tags, parse_selected, parse_xml
from strategy_builder.ooxml.zip_archive import (
    DEFAULT_LIMITS, FIXED_ZIP_TIME, ZipLimits, bounded_stream, checked_members, copy_compressed, inflate,
    is_xml_member, open_zip,
)


class Parts(MutableMapping[str, bytes]):
    """Part name -> bytes, in archive order. XML parts are held; other members stay compressed in their
    archive until read (each read inflates them again) or streamed by :func:`write_zip`."""

    def __init__(self, entries: Mapping[str, bytes] | None = None, *, archive: zipfile.ZipFile | None = None,
                 source: str = "<memory>") -> None:
        self._entries: dict[str, bytes | zipfile.ZipInfo] = dict(entries or {})
        self._archive = archive
        self.source = source

    def add_member(self, info: zipfile.ZipInfo) -> None:
        """Make ``info`` of this store's archive a part, inflated only when read."""
        self._entries[info.filename] = info

    def __getitem__(self, name: str) -> bytes:
        entry = self._entries[name]
        if isinstance(entry, bytes):
            return entry
        assert self._archive is not None
        return inflate(self._archive, entry, self.source)

    def __setitem__(self, name: str, data: bytes) -> None:
        self._entries[name] = data

    def __delitem__(self, name: str) -> None:
        del self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def is_held(self, name: str) -> bool:
        """Whether the part's bytes are in memory (rather than compressed in the archive)."""
        return isinstance(self._entries[name], bytes)

    def held(self) -> dict[str, bytes]:
        """The parts whose bytes are in memory (the XML parts and any part set since)."""
        return {name: entry for name, entry in self._entries.items() if isinstance(entry, bytes)}

    def member(self, name: str) -> tuple[zipfile.ZipFile, zipfile.ZipInfo] | None:
        """The archive and entry of a part that is not held, or ``None`` for a held part."""
        entry = self._entries[name]
        if isinstance(entry, bytes) or self._archive is None:
            return None
        return self._archive, entry

    def unchanged_member(self, name: str) -> tuple[zipfile.ZipFile, zipfile.ZipInfo] | None:
        """The archive and entry of a held part whose bytes are still those of the archive's member of the
        same name (same size and CRC-32), or ``None``: a writer may copy that member compressed as it is."""
        entry = self._entries[name]
        if not isinstance(entry, bytes) or self._archive is None:
            return None
        try:
            info = self._archive.getinfo(name)
        except KeyError:
            return None
        if info.file_size != len(entry) or info.CRC != zlib.crc32(entry):
            return None
        return self._archive, info

    def size(self, name: str) -> int:
        entry = self._entries[name]
        return len(entry) if isinstance(entry, bytes) else entry.file_size

    def open(self, name: str) -> IO[bytes]:
        """A stream of the part's bytes; a member of the archive is inflated as it is read."""
        entry = self._entries[name]
        if isinstance(entry, bytes):
            return io.BytesIO(entry)
        assert self._archive is not None
        return bounded_stream(self._archive, entry, self.source)

    def copy(self) -> Parts:
        """A store with the same parts; members not held stay in (and share) the archive."""
        copied = Parts(source=self.source, archive=self._archive)
        copied._entries = dict(self._entries)
        return copied


class DocxPackage:
    """The parts of a .docx in archive order, with safe XML access."""

    def __init__(self, parts: Mapping[str, bytes] | Parts, *, source: str = "<memory>",
                 limits: ZipLimits = DEFAULT_LIMITS) -> None:
        self.parts = parts if isinstance(parts, Parts) else Parts(parts, source=source)
        self.source = source
        self.limits = limits
        self._xml_cache: dict[str, tuple[bytes | None, etree._Element]] = {}
        """Part name -> (the held bytes it was parsed from, or None for an archive member; its tree)."""
        self._tags_parsed = 0
        self._prepaid: set[str] = set()
        """Parts counted by :meth:`charge` and not parsed since: their next parse is paid for."""
        self.strict = False
        """Whether a part read so far is in Strict OOXML (it is read in the Transitional vocabulary)."""
        self._relations: dict[str, tuple[etree._Element, dict[str, tuple[str, str]]]] = {}
        """Part name -> (the parsed relationships part, the relationships :func:`related_parts` read from it)."""

    # ----------------------------------------------------------------- reading

    @classmethod
    def open(cls, path: Path | str, limits: ZipLimits = DEFAULT_LIMITS) -> DocxPackage:
        """Read a .docx from disk within ``limits``; raises :class:`UntrustedDocumentError` naming the file.

        A folder, FIFO or device is refused before it is opened for reading.
        """
        path = Path(path)
        try:
            data = read_limited(path, limits.max_file_bytes)
        except RefusedFile as refused:
            raise UntrustedDocumentError(path, refused.reason, hint=refused.hint) from refused
        except OSError as error:
            raise UntrustedDocumentError(path, f"cannot read the file ({error.strerror})") from error
        return cls.from_bytes(data, source=str(path), limits=limits)

    @classmethod
    def from_bytes(cls, data: bytes, *, source: str = "<memory>", limits: ZipLimits = DEFAULT_LIMITS,
                   known: Mapping[str, bytes] | None = None) -> DocxPackage:
        """Read a .docx held in memory within ``limits``.

        ``known`` holds XML parts already inflated from these same bytes (the template cache), which are
        then not inflated again.
        """
        if len(data) > limits.max_file_bytes:
            raise UntrustedDocumentError(source, f"the file is {len(data):,} bytes; the limit is "
                                                 f"{limits.max_file_bytes:,}")
        archive = open_zip(data, source)
        parts = Parts(archive=archive, source=source)
        for info in checked_members(archive, limits, source):
            name = info.filename
            if not is_xml_member(name):
                parts.add_member(info)
            elif known is not None and name in known:
                parts[name] = known[name]
            else:
                parts[name] = inflate(archive, info, source)
        package = cls(parts, source=source, limits=limits)
        package.main_part_name()  # fail early when there is no document part
        return package

    def parse(self, name: str, *, only: Selection | None = None) -> etree._Element:
        """Part ``name`` parsed afresh (not cached: the caller owns and may change the tree), within the
        package's tag budget; raises :class:`UntrustedDocumentError` if it is missing or refused.

        With ``only``, just the elements it selects are parsed, when the part's bytes allow it
        (:func:`~strategy_builder.ooxml.parser.parse_selected`). The part counts against the budget in full,
        and its next parse (a reader that needs all of it) is not counted again: the budget sees the part
        once, as when it is parsed once and the tree kept.
        """
        prepaid = name in self._prepaid
        self._prepaid.discard(name)
        data, tags = self._charge(name, check=not prepaid)
        try:
            if only is None:
                root = parse_xml(data, part=name, max_elements=self.limits.max_xml_tags, tags=tags)
            else:
                root = parse_selected(data, only, part=name, max_elements=self.limits.max_xml_tags, tags=tags)
        except XmlRefused as error:
            raise UntrustedDocumentError(self.source, str(error)) from error
        self._tags_parsed += 0 if prepaid else tags
        if only is not None:
            self._prepaid.add(name)
        return root

    def _charge(self, name: str, *, check: bool = True) -> tuple[bytes, int]:
        """Part ``name`` as it is parsed (Strict OOXML in the Transitional vocabulary) and its tags, checked
        against the package's tag budget; raises :class:`UntrustedDocumentError`."""
        if name not in self.parts:
            raise UntrustedDocumentError(self.source, f"part {name} is missing")
        data = self.parts[name]
        if b"purl.oclc.org/ooxml/" in data:
            data = transitional(data)
            self.strict = True
        tags = count_tags(data)
        if check and self._tags_parsed + tags > self.limits.max_xml_tags:
            raise UntrustedDocumentError(
                self.source, f"the document's XML parts hold more than {self.limits.max_xml_tags:,} tags "
                             f"(reached in {name})")
        return data, tags

    def charge(self, name: str) -> None:
        """Count part ``name`` against the package's tag budget as parsing it counts it, for a reader that
        answers for the part's bytes without parsing them (it parsed the same bytes in another package);
        raises :class:`UntrustedDocumentError` as :meth:`parse` would. The next parse of the part is
        then not counted again, so that the budget sees each part as often as before."""
        _, tags = self._charge(name)
        self._tags_parsed += tags
        self._prepaid.add(name)

    def xml(self, name: str) -> etree._Element:
        """The parsed root of part ``name`` (cached); raises :class:`UntrustedDocumentError` if it is bad.

        The cache follows the part: once new bytes are set for ``name``, the next call parses those.
        """
        source = self.parts[name] if name in self.parts and self.parts.is_held(name) else None
        cached = self._xml_cache.get(name)
        if cached is not None and cached[0] is source:
            return cached[1]
        root = self.parse(name)
        self._xml_cache[name] = (source, root)
        return root

    def has(self, name: str) -> bool:
        return name in self.parts

    def main_part_name(self) -> str:
        """The name of the main document part (``word/document.xml`` in nearly every file)."""
        if "_rels/.rels" not in self.parts:
            if "word/document.xml" in self.parts:
                return "word/document.xml"
            raise UntrustedDocumentError(self.source, "not a Word document (no package relationships)")
        target = office_document_target(self.xml("_rels/.rels"), self.parts)
        if target is not None:
            return target
        if "word/document.xml" in self.parts:
            return "word/document.xml"
        raise UntrustedDocumentError(self.source, "not a Word document (no main document part)")

    def related_parts(self, part_name: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, part name) for the internal relationships of ``part_name``."""
        return related_parts(self, part_name)

    def part_of_type(self, rel_suffix: str, owner: str | None = None) -> list[str]:
        """Names of parts the owner (default: main document) relates to with a type ending in ``rel_suffix``."""
        owner = owner or self.main_part_name()
        return [name for _, (kind, name) in sorted(self.related_parts(owner).items())
                if kind.endswith(rel_suffix) and name in self.parts]

    # ----------------------------------------------------------------- writing

    def to_bytes(self) -> bytes:
        """The package as a byte-reproducible zip: fixed timestamps, content types first, stable order."""
        return write_zip(self.parts)


def office_document_target(package_rels: etree._Element, members: Container[str]) -> str | None:
    """The main part that a package's relationships (``_rels/.rels``) name, if ``members`` holds it: the target
    of the officeDocument relationship (Transitional or Strict type); the same for Word and Excel files."""
    for rel in package_rels.iter(f"{{{PKG_REL}}}Relationship"):
        rel_type = rel.get("Type", "")
        if rel_type == REL_OFFICE_DOCUMENT or rel_type.endswith("/officeDocument"):
            target = rel.get("Target", "").lstrip("/")
            if target in members:
                return target
    return None


def related_parts(package: DocxPackage, part_name: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, part name) for the internal relationships of ``part_name``."""
    folder, base = posixpath.split(part_name)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name not in package.parts:
        return {}
    root = package.xml(rels_name)
    # Remembered per parsed relationships part (a new part's bytes parse anew): reading a document asks
    # for the main part's relationships several times (notes, headers, settings, comments, styles).
    cached = package._relations.get(part_name)
    if cached is not None and cached[0] is root:
        return dict(cached[1])
    result = {}
    for rel in root.iter(f"{{{PKG_REL}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        result[rel.get("Id", "")] = (rel.get("Type", ""), resolved)
    package._relations[part_name] = (root, result)
    return dict(result)


def transitional(data: bytes) -> bytes:
    """An XML part of a Strict OOXML document in the Transitional namespaces (the same elements)."""
    for strict, transitional_name in STRICT_NAMESPACES:
        data = data.replace(strict, transitional_name)
    return data


def strict(data: bytes) -> bytes:
    """An XML part written in the Transitional namespaces, for a Strict OOXML document."""
    for strict_name, transitional_name in STRICT_NAMESPACES:
        data = data.replace(transitional_name, strict_name)
    return data


def write_zip(parts: Mapping[str, bytes], compresslevel: int = 6, *, reuse: bool = False) -> bytes:
    """A deterministic zip of ``parts``: ``[Content_Types].xml`` first, the rest in the given order.

    ``compresslevel`` is zlib's (1 fastest, 9 smallest); the same level always gives the same bytes.
    Members of a :class:`Parts` store that are not held (images, embedded files) are copied from their
    archive as they are compressed there, in chunks: never inflated, never compressed again. With
    ``reuse``, so are the held parts whose bytes are still the archive's (:meth:`Parts.unchanged_member`):
    a redline changes a few parts of a document and copies the rest (styles alone are 350 KB to compress).
    """
    names = list(parts)
    if "[Content_Types].xml" in names:
        names.remove("[Content_Types].xml")
        names.insert(0, "[Content_Types].xml")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            if isinstance(parts, Parts) and (member := parts.member(name) or (
                    parts.unchanged_member(name) if reuse else None)) is not None:
                copy_compressed(*member, archive, info, where=parts.source)
            else:
                archive.writestr(info, parts[name], compress_type=zipfile.ZIP_DEFLATED,
                                 compresslevel=compresslevel)
    return buffer.getvalue()


__all__ = ["DocxPackage", "Parts", "office_document_target", "related_parts", "strict", "transitional", "write_zip"]
