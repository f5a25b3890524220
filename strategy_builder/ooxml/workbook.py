"""An .xlsx workbook (SpreadsheetML package) opened within limits: its sheets, shared strings, styles and
members, and written again with some members replaced and every other one copied as it is.

The archive's members are checked from the zip directory (:func:`~strategy_builder.ooxml.zip_archive.checked_members`);
the shared strings are read with a streaming parser; a member that is not replaced is copied compressed, never
inflated. A worksheet's rows are read by :mod:`strategy_builder.ooxml.worksheet` and edited by
:mod:`strategy_builder.ooxml.sheet_edits`; the Excel tables on a sheet by :mod:`strategy_builder.ooxml.sheet_tables`.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from lxml import etree

from strategy_builder.digits import whole_number
from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.limits import REGISTER_FILE_BYTES, REGISTER_PART_BYTES, REGISTER_TOTAL_BYTES
from strategy_builder.ooxml.namespaces import PKG_REL
from strategy_builder.ooxml.package import office_document_target
from strategy_builder.ooxml.parser import XmlRefused, parse_xml
from strategy_builder.ooxml.sheet_cells import SML, string_item
from strategy_builder.ooxml.zip_archive import ZipLimits, checked_members, copy_compressed, inflate, open_zip

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_S = f"{{{SML}}}"

REGISTER_LIMITS = ZipLimits(max_file_bytes=REGISTER_FILE_BYTES, max_member_bytes=REGISTER_PART_BYTES,
                            max_total_bytes=REGISTER_TOTAL_BYTES, max_xml_part_bytes=REGISTER_PART_BYTES,
                            max_xml_total_bytes=REGISTER_TOTAL_BYTES)
"""Zip limits of a register: its sheet and shared strings are streamed, so they may be larger than the
XML parts of a document."""

TRUE = ("1", "true")
"""How SpreadsheetML spells a true boolean attribute."""
SECURE_PARSING: dict[str, Any] = dict(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                                      dtd_validation=False)
"""lxml's settings for the parts of a workbook nobody vouches for: no entities, no network, no DTD."""
_DATE_CODE = re.compile(r"[ymdhs]", re.IGNORECASE)
"""A custom number format with any of these letters (outside quotes and brackets) shows a date or time."""


class SpreadsheetRefused(UntrustedDocumentError):
    """An .xlsx that cannot be read or edited safely; names the file (and the part) and the reason."""


class Workbook:
    """An .xlsx opened within :data:`REGISTER_LIMITS`: its sheets, shared strings and members."""

    def __init__(self, data: bytes, source: str, limits: ZipLimits = REGISTER_LIMITS) -> None:
        self.source = source
        if len(data) > limits.max_file_bytes:
            raise SpreadsheetRefused(source, f"the file is {len(data):,} bytes; the limit is "
                                             f"{limits.max_file_bytes:,}")
        self.archive = open_zip(data, source, "spreadsheet (.xlsx)")
        self.members = {info.filename: info for info in checked_members(self.archive, limits, source)}
        workbook_part = self._main_part()
        self.sheets = self._sheets(workbook_part)
        if not self.sheets:
            raise SpreadsheetRefused(source, "the workbook has no worksheet")
        self.shared_strings_part = self._related(workbook_part, "/sharedStrings")
        self._shared: list[str] | None = None
        self._wrapping: frozenset[str] | None = None

    # ------------------------------------------------------------------ structure

    def _xml(self, name: str) -> etree._Element:
        if name not in self.members:
            raise SpreadsheetRefused(self.source, f"part {name} is missing")
        try:
            return parse_xml(inflate(self.archive, self.members[name], self.source), part=name)
        except XmlRefused as error:
            raise SpreadsheetRefused(self.source, str(error)) from error

    def _main_part(self) -> str:
        if "_rels/.rels" in self.members:
            target = office_document_target(self._xml("_rels/.rels"), self.members)
            if target is not None:
                return target
        if "xl/workbook.xml" in self.members:
            return "xl/workbook.xml"
        raise SpreadsheetRefused(self.source, "not a spreadsheet (no workbook part)")

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        folder, _, base = part.rpartition("/")
        rels = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
        if rels not in self.members:
            return {}
        result = {}
        for rel in self._xml(rels).iter(f"{{{PKG_REL}}}Relationship"):
            target = rel.get("Target", "")
            resolved = target.lstrip("/") if target.startswith("/") else _join(folder, target)
            result[rel.get("Id", "")] = (rel.get("Type", ""), resolved)
        return result

    def _related(self, part: str, type_suffix: str) -> str | None:
        for kind, target in self._relationships(part).values():
            if kind.endswith(type_suffix) and target in self.members:
                return target
        return None

    def _sheets(self, workbook_part: str) -> list[tuple[str, str]]:
        relationships = self._relationships(workbook_part)
        sheets = []
        for sheet in self._xml(workbook_part).iter(f"{_S}sheet"):
            kind, target = relationships.get(sheet.get(f"{{{REL_NS}}}id", ""), ("", ""))
            if kind.endswith("/worksheet") and target in self.members:
                sheets.append((sheet.get("name", ""), target))
        return sheets

    def sheet_part(self, preferred_name: str) -> tuple[str, str]:
        """(name, part) of the sheet called ``preferred_name`` (any case), else of the first sheet."""
        for name, part in self.sheets:
            if name.casefold() == preferred_name.casefold():
                return name, part
        return self.sheets[0]

    # ------------------------------------------------------------------ reading

    def shared_strings(self) -> list[str]:
        """The shared strings table, read with a streaming parser (phonetic runs left out)."""
        if self._shared is None:
            self._shared = []
            if self.shared_strings_part is not None:
                data = inflate(self.archive, self.members[self.shared_strings_part], self.source)
                refuse_declarations(data, self.source, self.shared_strings_part)
                for _, item in _iterparse(data, f"{_S}si", self.source, self.shared_strings_part):
                    self._shared.append(string_item(item))
                    item.clear()
        return self._shared

    def date_styles(self) -> set[str]:
        """The cell style indices (``s`` of a cell) whose number format shows a date or a time."""
        styles = self._related(self._main_part(), "/styles")
        if styles is None:
            return set()
        root = self._xml(styles)
        custom = {f.get("numFmtId", ""): f.get("formatCode", "") for f in root.iter(f"{_S}numFmt")}
        cell_formats = root.find(f"{_S}cellXfs")
        found = set()
        for index, xf in enumerate(cell_formats if cell_formats is not None else []):
            number_format = xf.get("numFmtId", "0")
            if (code := whole_number(number_format)) is not None and (14 <= code <= 22 or 45 <= code <= 47):
                found.add(str(index))
            elif number_format in custom and _DATE_CODE.search(re.sub(r'"[^"]*"|\[[^]]*]', "", custom[number_format])):
                found.add(str(index))
        return found

    def wrapping_styles(self) -> frozenset[str]:
        """The cell style indices (``s`` of a cell) whose alignment wraps text."""
        if self._wrapping is None:
            styles = self._related(self._main_part(), "/styles")
            cell_formats = self._xml(styles).find(f"{_S}cellXfs") if styles is not None else None
            self._wrapping = frozenset(
                str(index) for index, xf in enumerate(cell_formats if cell_formats is not None else [])
                if (alignment := xf.find(f"{_S}alignment")) is not None
                and alignment.get("wrapText", "0").lower() in TRUE)
        return self._wrapping

    def table_parts(self, sheet_part: str) -> list[tuple[str, bytes]]:
        """(part, XML) of each table of the sheet ``sheet_part`` (:mod:`strategy_builder.ooxml.sheet_tables`)."""
        found = []
        for kind, target in self._relationships(sheet_part).values():
            if kind.endswith("/table") and target in self.members:
                data = inflate(self.archive, self.members[target], self.source)
                refuse_declarations(data, self.source, target)
                found.append((target, data))
        return found

    def sheet_data(self, part: str) -> bytes:
        """The XML of the worksheet ``part``, inflated and checked for declarations
        (:class:`~strategy_builder.ooxml.worksheet.Sheet` reads it)."""
        data = inflate(self.archive, self.members[part], self.source)
        refuse_declarations(data, self.source, part)
        return data

    def write(self, target: IO[bytes], replaced: dict[str, Iterator[bytes | memoryview]]) -> None:
        """Write the workbook to ``target``: members in ``replaced`` from their chunks, every other member
        copied as it is, compressed (never inflated)."""
        with zipfile.ZipFile(target, "w", allowZip64=True) as out:
            for info in self.archive.infolist():
                copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                copy.compress_type = info.compress_type if info.compress_type in (
                    zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) else zipfile.ZIP_DEFLATED
                copy.external_attr, copy.create_system, copy.comment = (info.external_attr, info.create_system,
                                                                        info.comment)
                if info.is_dir():
                    out.writestr(copy, b"")
                    continue
                if info.filename in replaced:
                    with out.open(copy, "w", force_zip64=True) as stream:
                        for chunk in replaced[info.filename]:
                            stream.write(chunk)
                    continue
                copy_compressed(self.archive, info, out, copy, where=self.source)


def _join(folder: str, target: str) -> str:
    parts = (folder.split("/") if folder else []) + target.split("/")
    result: list[str] = []
    for part in parts:
        if part == "..":
            if result:
                result.pop()
        elif part not in ("", "."):
            result.append(part)
    return "/".join(result)


def refuse_declarations(data: bytes, source: str, part: str) -> None:
    """A DOCTYPE or entity declaration (forbidden in OOXML) anywhere, or an encoding other than UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00", b"<\x00", b"\x00<")):
        raise SpreadsheetRefused(source, f"{part}: only UTF-8 XML parts are read")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise SpreadsheetRefused(source, f"{part}: a DOCTYPE or entity declaration is not allowed in OOXML")


def _iterparse(data: bytes, tag: str, source: str, part: str) -> Iterator[tuple[str, etree._Element]]:
    try:
        yield from etree.iterparse(io.BytesIO(data), events=("end",), tag=tag, **SECURE_PARSING)
    except etree.XMLSyntaxError as error:
        raise SpreadsheetRefused(source, f"{part}: not well-formed XML ({error.msg})") from error


__all__ = ["REGISTER_LIMITS", "REL_NS", "SECURE_PARSING", "SpreadsheetRefused", "TRUE", "Workbook",
           "refuse_declarations"]
