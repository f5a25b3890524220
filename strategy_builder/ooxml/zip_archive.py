"""Zip archives nobody vouches for, read within limits, and members copied between archives as they are.

Every .docx (and the .xlsx of a register) is checked from its zip directory before anything is inflated:
member count, names, the size each member claims (XML parts, relationship parts, media) and in total, and
compression ratios (see :mod:`strategy_builder.limits`). A member is inflated at most one byte past the size
the directory claims (directories can lie); a member that is not needed whole (an image) is streamed from
archive to archive compressed as it is (:func:`copy_compressed`), never inflated. The packages built on
these archives are :mod:`strategy_builder.ooxml.package` (.docx) and :mod:`strategy_builder.ooxml.workbook`
(.xlsx).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import IO, NamedTuple

from strategy_builder import limits as L
from strategy_builder.errors import UntrustedDocumentError

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""The timestamp of every member the tool writes: the same parts give the same bytes."""
COPY_CHUNK = 1024 * 1024


class ZipLimits(NamedTuple):
    """Bounds for reading a zip nobody vouches for; the defaults are those of :mod:`strategy_builder.limits`."""

    max_file_bytes: int = L.DOCX_FILE_BYTES
    max_members: int = L.ZIP_MEMBERS
    max_member_bytes: int = L.ZIP_MEMBER_BYTES
    max_total_bytes: int = L.ZIP_TOTAL_BYTES
    max_ratio: float = L.ZIP_RATIO
    ratio_floor_bytes: int = L.ZIP_RATIO_FLOOR_BYTES
    """Members smaller than this are never refused for their ratio (tiny parts compress oddly)."""
    max_xml_part_bytes: int = L.XML_PART_BYTES
    max_rels_part_bytes: int = L.RELS_PART_BYTES
    max_xml_total_bytes: int = L.XML_TOTAL_BYTES
    max_xml_tags: int = L.XML_TAGS
    """Tags parsed from all XML parts of one package together (a parsed tag costs memory)."""


DEFAULT_LIMITS = ZipLimits()
RETURN_LIMITS = ZipLimits(max_member_bytes=L.RETURN_MEMBER_BYTES, max_total_bytes=L.RETURN_TOTAL_BYTES)
"""Zip limits for returned files: as for any .docx, with smaller inflated totals (a return is text)."""


def is_xml_member(name: str) -> bool:
    """Whether a member is an XML part, inflated when the package is opened (media are not)."""
    return name.lower().endswith((".xml", ".rels", ".vml"))


def checked_members(archive: zipfile.ZipFile, limits: ZipLimits, source: str) -> list[zipfile.ZipInfo]:
    """The file members of ``archive`` after checking its directory against ``limits``, before inflating
    anything; raises :class:`UntrustedDocumentError` naming ``source``."""
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise UntrustedDocumentError(source, f"the archive has {len(infos):,} members; the limit is "
                                             f"{limits.max_members:,}")
    claimed_total = 0
    xml_total = 0
    names: set[str] = set()
    members = []
    for info in infos:
        name = info.filename
        if name.startswith("/") or ".." in name.split("/") or "\\" in name:
            raise UntrustedDocumentError(source, f"suspicious part name {name!r}")
        if name in names:
            raise UntrustedDocumentError(source, f"part {name} appears twice in the archive")
        names.add(name)
        claimed_total += info.file_size
        lowered = name.lower()
        if is_xml_member(lowered):
            part_limit = limits.max_rels_part_bytes if lowered.endswith(".rels") else limits.max_xml_part_bytes
            if info.file_size > part_limit:
                raise UntrustedDocumentError(source, f"part {name} would be {info.file_size:,} bytes; "
                                                     f"the limit for this kind of part is {part_limit:,}")
            xml_total += info.file_size
        if info.file_size > limits.max_member_bytes:
            raise UntrustedDocumentError(source, f"part {name} would inflate to {info.file_size:,} bytes "
                                                 f"(limit {limits.max_member_bytes:,})")
        if (info.file_size > limits.ratio_floor_bytes
                and info.file_size > limits.max_ratio * max(info.compress_size, 1)):
            raise UntrustedDocumentError(source, f"part {name} has a compression ratio above "
                                                 f"{limits.max_ratio:.0f}:1 (a zip bomb?)")
        if not info.is_dir():
            members.append(info)
    if claimed_total > limits.max_total_bytes:
        raise UntrustedDocumentError(source, f"the parts would inflate to {claimed_total:,} bytes "
                                             f"(limit {limits.max_total_bytes:,})")
    if xml_total > limits.max_xml_total_bytes:
        raise UntrustedDocumentError(source, f"the XML parts would inflate to {xml_total:,} bytes "
                                             f"(limit {limits.max_xml_total_bytes:,})")
    return members


OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The first bytes of a compound file: what Word and Excel write for a password-protected (encrypted)
document, and for the old binary formats (.doc, .xls)."""


def open_zip(data: bytes, source: str, what: str = "Word document (.docx)") -> zipfile.ZipFile:
    """``data`` as a zip archive; raises :class:`UntrustedDocumentError` when it is not one."""
    if data.startswith(OLE_SIGNATURE):  # "not a zip archive" would send a ministry's protected file back blind
        raise UntrustedDocumentError(source, f"not a {what}: it is a password-protected (encrypted) Office file, "
                                             "or one in the old binary format (.doc, .xls)",
                                     hint="remove its password (File > Info > Protect > Encrypt with Password, "
                                          "emptied) or save it as .docx/.xlsx, then give it again")
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise UntrustedDocumentError(source, f"not a {what}: it is not a zip archive",
                                     hint="save it again from Word, Excel or LibreOffice in the OOXML format "
                                          "(.docx, .xlsx)") from error


class _BoundedReader(io.RawIOBase):
    """A member's stream that fails once it yields more than the directory claimed."""

    def __init__(self, stream: IO[bytes], claimed: int, source: str, name: str) -> None:
        self._stream, self._left, self._source, self._name = stream, claimed, source, name

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        """At most ``size`` bytes (all that is left, and the byte past it, when negative), as the member's
        stream gives them: no buffer to fill and copy out again (a part is read whole, at once)."""
        try:
            chunk = self._stream.read(self._left + 1 if size < 0 else min(size, self._left + 1))
        except (zipfile.BadZipFile, zlib.error, OSError, NotImplementedError, RuntimeError, EOFError) as error:
            raise UntrustedDocumentError(self._source, f"part {self._name} cannot be decompressed ({error})") \
                from error
        if len(chunk) > self._left:
            raise UntrustedDocumentError(self._source, f"part {self._name} is larger than the archive says")
        self._left -= len(chunk)
        return chunk

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self._stream.close()
        super().close()


def bounded_stream(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: str) -> IO[bytes]:
    """A buffered stream of one member's bytes, inflated as it is read, that fails once it yields more than the
    directory claimed."""
    return io.BufferedReader(_BoundedReader(archive.open(info), info.file_size, source, info.filename))


def inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: str) -> bytes:
    """One member's bytes, read at most one byte past its claimed size (directories can lie)."""
    with _BoundedReader(archive.open(info), info.file_size, source, info.filename) as stream:
        # One read of the claimed size (and the byte past it) inflates an honest member whole; reading
        # in the stream's default 8 KiB pieces took half again as long for a 350 KB styles part.
        pieces = [stream.read(info.file_size + 1)]
        while more := stream.read(COPY_CHUNK):
            pieces.append(more)
        return b"".join(pieces)


_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"


def copy_compressed(source: zipfile.ZipFile, entry: zipfile.ZipInfo, target: zipfile.ZipFile,
                    info: zipfile.ZipInfo, *, where: str) -> None:
    """Append ``entry`` of ``source`` to ``target`` as ``info``, copying its compressed bytes as they are;
    ``where`` names the file ``source`` was read from, in errors (the archive itself is read from memory).

    ``zipfile`` has no public way to do this; what it does when it writes an entry is done here (the
    local header, the data, the directory entry), so that an image of 127 MiB costs neither inflating
    nor deflating. The bytes are the member's, so a document is still reproduced byte for byte.
    """
    assert source.fp is not None and target.fp is not None
    source.fp.seek(entry.header_offset)
    header = source.fp.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != _LOCAL_SIGNATURE:
        raise UntrustedDocumentError(where, f"part {entry.filename} has a broken local header")
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    source.fp.seek(entry.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    info.compress_type = entry.compress_type
    info.CRC, info.compress_size, info.file_size = entry.CRC, entry.compress_size, entry.file_size
    info.flag_bits = entry.flag_bits & ~0x08 & 0xFFFF  # sizes go in the local header, not a descriptor
    zip64 = entry.file_size > zipfile.ZIP64_LIMIT or entry.compress_size > zipfile.ZIP64_LIMIT
    target._writecheck(info)  # type: ignore[attr-defined]
    info.header_offset = target.fp.tell()
    target.fp.write(info.FileHeader(zip64))
    left = entry.compress_size
    while left:
        chunk = source.fp.read(min(COPY_CHUNK, left))
        if not chunk:
            raise UntrustedDocumentError(where, f"part {entry.filename} is cut short")
        target.fp.write(chunk)
        left -= len(chunk)
    target.filelist.append(info)
    target.NameToInfo[info.filename] = info
    target.start_dir = target.fp.tell()  # type: ignore[attr-defined]
    target._didModify = True  # type: ignore[attr-defined]


__all__ = ["COPY_CHUNK", "DEFAULT_LIMITS", "FIXED_ZIP_TIME", "OLE_SIGNATURE", "RETURN_LIMITS", "ZipLimits",
           "bounded_stream", "checked_members", "copy_compressed", "inflate", "is_xml_member", "open_zip"]
