"""The .docx container: reading untrusted zips within limits, and writing byte-reproducible ones."""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.ooxml.namespaces import PKG_REL, REL_OFFICE_DOCUMENT
from strategy_builder.ooxml.parser import MAX_XML_PART_BYTES, XmlRefused, parse_xml

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """Bounds for reading a .docx nobody vouches for; documented in docs/security.md."""

    max_file_bytes: int = 64 * 1024 * 1024
    max_members: int = 4000
    max_member_bytes: int = 128 * 1024 * 1024
    max_total_bytes: int = 512 * 1024 * 1024
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 1024 * 1024
    """Members smaller than this are never refused for their ratio (tiny parts compress oddly)."""
    max_xml_part_bytes: int = MAX_XML_PART_BYTES
    max_rels_part_bytes: int = 1024 * 1024


DEFAULT_LIMITS = ZipLimits()


class DocxPackage:
    """The parts of a .docx as bytes, in archive order, with safe XML access."""

    def __init__(self, parts: dict[str, bytes], *, source: str = "<memory>") -> None:
        self.parts = parts
        self.source = source
        self._xml_cache: dict[str, etree._Element] = {}

    # ----------------------------------------------------------------- reading

    @classmethod
    def open(cls, path: Path | str, limits: ZipLimits = DEFAULT_LIMITS) -> DocxPackage:
        """Read a .docx from disk within ``limits``; raises :class:`UntrustedDocumentError` naming the file."""
        path = Path(path)
        try:
            size = path.stat().st_size
        except OSError as error:
            raise UntrustedDocumentError(path, f"cannot read the file ({error.strerror})") from error
        if size > limits.max_file_bytes:
            raise UntrustedDocumentError(path, f"the file is {size:,} bytes; the limit is {limits.max_file_bytes:,}")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise UntrustedDocumentError(path, f"cannot read the file ({error.strerror})") from error
        return cls.from_bytes(data, source=str(path), limits=limits)

    @classmethod
    def from_bytes(cls, data: bytes, *, source: str = "<memory>",
                   limits: ZipLimits = DEFAULT_LIMITS) -> DocxPackage:
        """Read a .docx held in memory within ``limits``."""
        if len(data) > limits.max_file_bytes:
            raise UntrustedDocumentError(source, f"the file is {len(data):,} bytes; the limit is "
                                                 f"{limits.max_file_bytes:,}")
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
            raise UntrustedDocumentError(source, "not a Word document (.docx is a zip archive; this is not one)",
                                         hint="save it from Word or LibreOffice as 'Word Document (.docx)'") from error
        with archive:
            infos = archive.infolist()
            if len(infos) > limits.max_members:
                raise UntrustedDocumentError(source, f"the archive has {len(infos):,} members; the limit is "
                                                     f"{limits.max_members:,}")
            claimed_total = 0
            for info in infos:
                claimed_total += info.file_size
                lowered = info.filename.lower()
                part_limit = limits.max_rels_part_bytes if lowered.endswith(".rels") else limits.max_xml_part_bytes
                if lowered.endswith((".xml", ".rels")) and info.file_size > part_limit:
                    raise UntrustedDocumentError(source, f"part {info.filename} would be {info.file_size:,} bytes; "
                                                         f"the limit for this kind of part is {part_limit:,}")
                if info.file_size > limits.max_member_bytes:
                    raise UntrustedDocumentError(
                        source, f"part {info.filename} would inflate to "
                                f"{info.file_size:,} bytes (limit {limits.max_member_bytes:,})")
                if (info.file_size > limits.ratio_floor_bytes
                        and info.file_size > limits.max_ratio * max(info.compress_size, 1)):
                    raise UntrustedDocumentError(source, f"part {info.filename} has a compression ratio above "
                                                         f"{limits.max_ratio:.0f}:1 (a zip bomb?)")
            if claimed_total > limits.max_total_bytes:
                raise UntrustedDocumentError(source, f"the parts would inflate to {claimed_total:,} bytes "
                                                     f"(limit {limits.max_total_bytes:,})")
            parts: dict[str, bytes] = {}
            total = 0
            for info in infos:
                if info.is_dir():
                    continue
                name = info.filename
                if name.startswith("/") or ".." in name.split("/") or "\\" in name:
                    raise UntrustedDocumentError(source, f"suspicious part name {name!r}")
                if name in parts:
                    raise UntrustedDocumentError(source, f"part {name} appears twice in the archive")
                try:
                    with archive.open(info) as handle:
                        # Read one byte past the claim: the directory may lie about sizes.
                        blob = handle.read(info.file_size + 1)
                except (zipfile.BadZipFile, zlib.error, OSError, NotImplementedError, RuntimeError) as error:
                    raise UntrustedDocumentError(source, f"part {name} cannot be decompressed ({error})") from error
                if len(blob) > info.file_size:
                    raise UntrustedDocumentError(source, f"part {name} is larger than the archive says")
                total += len(blob)
                if total > limits.max_total_bytes:
                    raise UntrustedDocumentError(source, "the parts inflate beyond the size limit")
                parts[name] = blob
        package = cls(parts, source=source)
        package.main_part_name()  # fail early when there is no document part
        return package

    def xml(self, name: str) -> etree._Element:
        """The parsed root of part ``name`` (cached); raises :class:`UntrustedDocumentError` if it is bad."""
        if name not in self._xml_cache:
            if name not in self.parts:
                raise UntrustedDocumentError(self.source, f"part {name} is missing")
            try:
                self._xml_cache[name] = parse_xml(self.parts[name], part=name)
            except XmlRefused as error:
                raise UntrustedDocumentError(self.source, str(error)) from error
        return self._xml_cache[name]

    def has(self, name: str) -> bool:
        return name in self.parts

    def main_part_name(self) -> str:
        """The name of the main document part (``word/document.xml`` in nearly every file)."""
        if "_rels/.rels" not in self.parts:
            if "word/document.xml" in self.parts:
                return "word/document.xml"
            raise UntrustedDocumentError(self.source, "not a Word document (no package relationships)")
        rels = self.xml("_rels/.rels")
        for rel in rels.iter(f"{{{PKG_REL}}}Relationship"):
            rel_type = rel.get("Type", "")
            if rel_type == REL_OFFICE_DOCUMENT or rel_type.endswith("/officeDocument"):
                target = rel.get("Target", "").lstrip("/")
                if target in self.parts:
                    return target
        if "word/document.xml" in self.parts:
            return "word/document.xml"
        raise UntrustedDocumentError(self.source, "not a Word document (no main document part)")

    def related_parts(self, part_name: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, part name) for the internal relationships of ``part_name``."""
        folder, base = posixpath.split(part_name)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if rels_name not in self.parts:
            return {}
        result = {}
        for rel in self.xml(rels_name).iter(f"{{{PKG_REL}}}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(folder, target))
            result[rel.get("Id", "")] = (rel.get("Type", ""), resolved)
        return result

    def part_of_type(self, rel_suffix: str, owner: str | None = None) -> list[str]:
        """Names of parts the owner (default: main document) relates to with a type ending in ``rel_suffix``."""
        owner = owner or self.main_part_name()
        return [name for _, (kind, name) in sorted(self.related_parts(owner).items())
                if kind.endswith(rel_suffix) and name in self.parts]

    # ----------------------------------------------------------------- writing

    def to_bytes(self) -> bytes:
        """The package as a byte-reproducible zip: fixed timestamps, content types first, stable order."""
        return write_zip(self.parts)


def write_zip(parts: dict[str, bytes], compresslevel: int = 6) -> bytes:
    """A deterministic zip of ``parts``: ``[Content_Types].xml`` first, the rest in the given order.

    ``compresslevel`` is zlib's (1 fastest, 9 smallest); the same level always gives the same bytes."""
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
            archive.writestr(info, parts[name], compress_type=zipfile.ZIP_DEFLATED,
                              compresslevel=compresslevel)
    return buffer.getvalue()


__all__ = ["DEFAULT_LIMITS", "DocxPackage", "ZipLimits", "write_zip"]
