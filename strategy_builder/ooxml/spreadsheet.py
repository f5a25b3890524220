"""SpreadsheetML (.xlsx) read and edited in place, row by row, for the comment register.

A register is a team's working file: sheets, columns, formulas (with or without a cached value), styles,
filters, widths, comments, data validation, images and everything else in it must survive an import.
So the workbook is never loaded into an object model and saved again. Instead:

- the archive's members are checked from the zip directory (:func:`~strategy_builder.ooxml.package.checked_members`);
- the shared strings are read with a streaming parser, and the register sheet's rows are read in order,
  by content: every ``<row>`` element is read, whatever the sheet's ``<dimension>`` claims;
- when the sheet is written, every row the edit does not touch is copied byte for byte; a touched row is
  re-serialised with only its named cells changed (formulas are never written); new rows are inserted
  after the last row with content; ``<dimension>``, the auto-filter and a data validation list that
  covered the table are extended to the new rows (an Excel table over them grows with
  :mod:`strategy_builder.ooxml.sheet_tables`); a new row, and an edited row whose height nobody set by
  hand, is made tall enough for its wrapped text (:mod:`strategy_builder.ooxml.workbook_look` says why);
- every other member of the archive is copied as it is (streamed, never inflated whole).

New text is written as inline strings (``t="inlineStr"``), so the shared-strings part is never rewritten.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from lxml import etree

from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.limits import REGISTER_FILE_BYTES, REGISTER_PART_BYTES, REGISTER_TOTAL_BYTES
from strategy_builder.ooxml.namespaces import PKG_REL, REL_OFFICE_DOCUMENT, XML
from strategy_builder.ooxml.package import ZipLimits, checked_members, copy_compressed, inflate, open_zip
from strategy_builder.ooxml.parser import XmlRefused, parse_xml
from strategy_builder.ooxml.workbook_look import DEFAULT_COLUMN_WIDTH, row_points, wrapped_lines

SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_S = f"{{{SML}}}"
ROW, CELL, VALUE, FORMULA, INLINE, TEXT, RUN, PHONETIC = (f"{_S}{n}" for n in ("row", "c", "v", "f", "is", "t", "r",
                                                                                "rPh"))
XML_SPACE = f"{{{XML}}}space"

REGISTER_LIMITS = ZipLimits(max_file_bytes=REGISTER_FILE_BYTES, max_member_bytes=REGISTER_PART_BYTES,
                            max_total_bytes=REGISTER_TOTAL_BYTES, max_xml_part_bytes=REGISTER_PART_BYTES,
                            max_xml_total_bytes=REGISTER_TOTAL_BYTES)
"""Zip limits of a register: its sheet and shared strings are streamed, so they may be larger than the
XML parts of a document."""

MAX_CELL_CHARS = 32_767
"""Excel's own limit for the text of a cell; longer text is cut when written."""

_TRUE = ("1", "true")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_REF = re.compile(r"^([A-Za-z]{1,3})(\d+)$")
_SECURE: dict[str, Any] = dict(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                               dtd_validation=False)
_ROW_PARSER = etree.XMLParser(**_SECURE)
# A value (<v>) or text (<t>) element with text in it, or a formula (<f>): a row with content.
_CONTENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:(?:v|t)(?:\s[^>]*)?>[^<]|f[\s/>])")
_MERGE_CELL = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\sref=["']([^"']*)["']""")
_ROW_NUMBER = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?row\b[^>]*?\sr=["'](\d+)["']""")


class SpreadsheetRefused(UntrustedDocumentError):
    """An .xlsx that cannot be read or edited safely; names the file (and the part) and the reason."""


def column_index(letters: str) -> int:
    """``A`` -> 0, ``AB`` -> 27."""
    number = 0
    for character in letters.upper():
        number = number * 26 + ord(character) - 64
    return number - 1


def column_letters(index: int) -> str:
    """0 -> ``A``, 27 -> ``AB``."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass(frozen=True, slots=True)
class SheetCell:
    """A cell as read: its text (a formula's cached value, or ``""`` without one), and its style index."""

    column: int
    text: str
    formula: bool
    style: str | None


class SheetRow:
    """One ``<row>`` of the sheet, in document order (``index`` counts every row element).

    Its cells are parsed when first asked for, and only those asked for are turned into text: a
    register of 100,000 rows is mostly read for one or two cells per row.
    """

    __slots__ = ("_cells", "_elements", "_sheet", "data", "index", "number")

    def __init__(self, sheet: Sheet, index: int, number: int, data: bytes) -> None:
        self._sheet, self.index, self.number, self.data = sheet, index, number, data
        self._elements: dict[int, etree._Element] | None = None
        self._cells: dict[int, SheetCell] = {}

    def _parsed(self) -> dict[int, etree._Element]:
        if self._elements is None:
            row = self._sheet.parse_row(self.data)
            self._elements = {}
            column = -1
            for cell in row:
                if cell.tag == CELL:
                    column = _cell_column(cell, column)
                    self._elements[column] = cell
        return self._elements

    def cell(self, column: int) -> SheetCell | None:
        """The cell in ``column`` (0-based), or ``None`` when the row has none there."""
        if column not in self._cells:
            element = self._parsed().get(column)
            if element is None:
                return None
            self._cells[column] = _cell(element, column, self._sheet.workbook.shared_strings())
        return self._cells[column]

    @property
    def columns(self) -> list[int]:
        """The columns (0-based) that have a cell element, in order."""
        return list(self._parsed())

    @property
    def cells(self) -> tuple[SheetCell, ...]:
        return tuple(cell for column in self._parsed() if (cell := self.cell(column)) is not None)

    @property
    def has_content(self) -> bool:
        """Whether a cell of the row holds a value or a formula (found in the bytes, without parsing)."""
        return _CONTENT.search(self.data) is not None


@dataclass(frozen=True, slots=True)
class NewCell:
    """A cell the tool writes: text (an inline string) or a number, with an optional style index."""

    text: str
    number: bool = False
    style: str | None = None


@dataclass(slots=True)
class SheetEdit:
    """What to change in a sheet: cells of existing rows (by row index), and rows to append."""

    cells: dict[int, dict[int, NewCell]] = field(default_factory=dict)
    appended: list[dict[int, NewCell]] = field(default_factory=list)
    validation_column: int | None = None
    """A column whose list validation should cover the appended rows."""


@dataclass(frozen=True, slots=True)
class MergedRange:
    """Cells a person merged into one (``<mergeCell ref="B2:C3"/>``): only the first (top left) shows its
    value, across the whole range. Columns are 0-based, rows numbered as in the sheet."""

    ref: str
    first_column: int
    first_row: int
    last_column: int
    last_row: int

    def covers(self, column: int, row: int) -> bool:
        """Whether the cell in ``column`` (0-based) of row ``row`` is part of the range."""
        return self.first_column <= column <= self.last_column and self.first_row <= row <= self.last_row


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    number: int


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
            for rel in self._xml("_rels/.rels").iter(f"{{{PKG_REL}}}Relationship"):
                if rel.get("Type") == REL_OFFICE_DOCUMENT or rel.get("Type", "").endswith("/officeDocument"):
                    target = rel.get("Target", "").lstrip("/")
                    if target in self.members:
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
                _refuse_declarations(data, self.source, self.shared_strings_part)
                for _, item in _iterparse(data, f"{_S}si", self.source, self.shared_strings_part):
                    self._shared.append(_string_item(item))
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
            if number_format.isdigit() and (14 <= int(number_format) <= 22 or 45 <= int(number_format) <= 47):
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
                and alignment.get("wrapText", "0").lower() in _TRUE)
        return self._wrapping

    def table_parts(self, sheet_part: str) -> list[tuple[str, bytes]]:
        """(part, XML) of each table of the sheet ``sheet_part`` (:mod:`strategy_builder.ooxml.sheet_tables`)."""
        found = []
        for kind, target in self._relationships(sheet_part).values():
            if kind.endswith("/table") and target in self.members:
                data = inflate(self.archive, self.members[target], self.source)
                _refuse_declarations(data, self.source, target)
                found.append((target, data))
        return found

    def sheet(self, part: str) -> Sheet:
        data = inflate(self.archive, self.members[part], self.source)
        _refuse_declarations(data, self.source, part)
        return Sheet(self, part, data)

    # ------------------------------------------------------------------ writing

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


def _refuse_declarations(data: bytes, source: str, part: str) -> None:
    """A DOCTYPE or entity declaration (forbidden in OOXML) anywhere, or an encoding other than UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00", b"<\x00", b"\x00<")):
        raise SpreadsheetRefused(source, f"{part}: only UTF-8 XML parts are read")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise SpreadsheetRefused(source, f"{part}: a DOCTYPE or entity declaration is not allowed in OOXML")


def _iterparse(data: bytes, tag: str, source: str, part: str) -> Iterator[tuple[str, etree._Element]]:
    try:
        yield from etree.iterparse(io.BytesIO(data), events=("end",), tag=tag, **_SECURE)
    except etree.XMLSyntaxError as error:
        raise SpreadsheetRefused(source, f"{part}: not well-formed XML ({error.msg})") from error


def _string_item(item: etree._Element) -> str:
    """The text of a shared string or inline string (``<t>`` directly or in rich-text runs; phonetic
    runs left out)."""
    pieces: list[str] = []
    for child in item:
        if child.tag == TEXT:
            return child.text or ""
        if child.tag == RUN:
            pieces.extend(t.text or "" for t in child if t.tag == TEXT)
    return "".join(pieces)


class Sheet:
    """One worksheet's XML, its rows found by content, and how to write it back with edits."""

    def __init__(self, workbook: Workbook, part: str, data: bytes) -> None:
        self.workbook = workbook
        self.part = part
        self.data = data
        match = re.search(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData(?=[\s/>])[^>]*?(/?)>", data)
        if match is None:
            raise SpreadsheetRefused(workbook.source, f"{part}: the sheet has no cell data")
        self.prefix = match.group(1)
        self.data_start = match.end()
        self.empty = match.group(2) == b"/"
        self.sheet_data_tag = (match.start(), match.end())
        self.spans: list[_Span] = []
        self.data_end = self.data_start
        self.namespaces = _root_namespaces(data, workbook.source, part)
        self._widths: tuple[dict[int, float], float] | None = None

    def merged_ranges(self) -> list[MergedRange]:
        """The merged cells of the sheet (``<mergeCells>``, after the cell data)."""
        closing = self.data.rfind(b"</" + self.prefix + b"sheetData>")
        after = self.sheet_data_tag[1] if self.empty or closing < 0 else closing
        ranges = []
        for match in _MERGE_CELL.finditer(self.data, after):
            ref = match.group(1).decode("ascii", "replace")
            first, _, last = ref.partition(":")
            start, end = _REF.match(first), _REF.match(last or first)
            if start is not None and end is not None:
                ranges.append(MergedRange(ref, column_index(start.group(1)), int(start.group(2)),
                                          column_index(end.group(1)), int(end.group(2))))
        return ranges

    def column_width(self, column: int) -> float:
        """The width of ``column`` (0-based) in characters: its ``<col>``, else the sheet's default width."""
        if self._widths is None:
            head = self.data[: self.sheet_data_tag[0]]
            default = DEFAULT_COLUMN_WIDTH
            found = re.search(rb"<(?:[A-Za-z_][\w.-]*:)?sheetFormatPr\b[^>]*>", head)
            if found is not None and (value := re.search(rb'\sdefaultColWidth="([\d.]+)"', found.group(0))):
                default = _number(value.group(1), default)
            widths: dict[int, float] = {}
            for element in re.finditer(rb"<(?:[A-Za-z_][\w.-]*:)?col\b[^>]*>", head):
                attributes: dict[bytes, bytes] = dict(re.findall(rb'\s(min|max|width)="([\d.]+)"', element.group(0)))
                if b"width" in attributes and b"min" in attributes:
                    first = int(_number(attributes[b"min"], 1))
                    last = min(int(_number(attributes.get(b"max", attributes[b"min"]), first)), first + 16_384)
                    for index in range(first - 1, last):
                        widths[index] = _number(attributes[b"width"], default)
            self._widths = (widths, default)
        widths, default = self._widths
        return widths.get(column, default)

    def _lines(self, cells: Iterator[tuple[int, str, str | None]]) -> int:
        """The lines of the tallest wrapped cell among ``cells`` (column, text, style)."""
        wrapping = self.workbook.wrapping_styles()
        return max((wrapped_lines(text, self.column_width(column)) for column, text, style in cells
                    if style in wrapping and text), default=1)

    def rows(self) -> Iterator[SheetRow]:
        """Every ``<row>`` in document order; cells are read when asked for (shared strings resolved)."""
        self.spans = []
        previous_number = 0
        for index, span in enumerate(self._spans()):
            head = self.data[span.start: min(span.end, span.start + 200)]
            match = _ROW_NUMBER.search(head)
            number = int(match.group(1)) if match else previous_number + 1
            previous_number = number
            self.spans.append(_Span(span.start, span.end, number))
            yield SheetRow(self, index, number, self.data[span.start: span.end])

    def parse_row(self, data: bytes) -> etree._Element:
        """One ``<row>`` element parsed on its own (with the namespaces of the sheet)."""
        try:
            return etree.fromstring(b"<wrap " + self.namespaces + b">" + data + b"</wrap>",
                                    parser=_ROW_PARSER)[0]
        except (etree.XMLSyntaxError, IndexError) as error:
            raise SpreadsheetRefused(self.workbook.source, f"{self.part}: a row is not well-formed XML") from error

    def _spans(self) -> Iterator[_Span]:
        if self.empty:
            self.data_end = self.sheet_data_tag[0]
            return
        prefix = re.escape(self.prefix)
        token = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<(/?)" + prefix + rb"(row|sheetData)(?=[\s/>])[^>]*?(/?)>",
                           re.S)
        start: int | None = None
        for match in token.finditer(self.data, self.data_start):
            closing, name, empty = match.group(1), match.group(2), match.group(3)
            if name is None:
                continue  # a comment or CDATA section
            if name == b"sheetData" and closing:
                self.data_end = match.start()
                return
            if name != b"row":
                continue
            if not closing and empty:
                yield _Span(match.start(), match.end(), 0)
            elif not closing:
                start = match.start()
            elif start is not None:
                yield _Span(start, match.end(), 0)
                start = None
        raise SpreadsheetRefused(self.workbook.source, f"{self.part}: the sheet data is not closed")

    # ------------------------------------------------------------------ writing

    def edited(self, edit: SheetEdit, last_content_row: int) -> Iterator[bytes | memoryview]:
        """The sheet's XML with ``edit`` applied, in chunks (untouched rows are slices of the original).

        Appended rows are numbered from ``last_content_row + 1``; an existing row element with such a
        number (an empty, formatted row) receives the new cells, keeping its attributes.
        """
        view = memoryview(self.data)
        appended = {last_content_row + offset: cells for offset, cells in enumerate(edit.appended, start=1)}
        last_new_row = last_content_row + len(edit.appended)
        numbers = {span.number for span in self.spans}
        new_rows = [(number, cells) for number, cells in sorted(appended.items()) if number not in numbers]
        last_row = max([last_new_row, *numbers])
        yield self._edited_head(view[: self.sheet_data_tag[0]].tobytes(), last_row, self._width(edit))
        if self.empty:
            yield b"<" + self.prefix + b"sheetData>"
            position = end = 0
        else:
            yield view[self.sheet_data_tag[0]: self.data_start]
            position, end = self.data_start, self.data_end
        for index, span in enumerate(self.spans):
            while new_rows and new_rows[0][0] < span.number:  # rows stay in the order of their numbers
                yield view[position: span.start]
                position = span.start
                yield self._new_row(*new_rows.pop(0))
            changes = {**edit.cells.get(index, {}), **appended.get(span.number, {})}
            if changes:
                yield view[position: span.start]
                yield self._edited_row(self.data[span.start: span.end], changes, span.number)
                position = span.end
        yield view[position:end]
        for number, cells in new_rows:
            yield self._new_row(number, cells)
        if self.empty:
            yield b"</" + self.prefix + b"sheetData>"
            tail = view[self.sheet_data_tag[1]:].tobytes()
        else:
            tail = view[self.data_end:].tobytes()
        yield self._edited_tail(tail, last_content_row, last_new_row, edit.validation_column)

    def _width(self, edit: SheetEdit) -> int:
        columns = [column for cells in edit.cells.values() for column in cells]
        columns += [column for cells in edit.appended for column in cells]
        return max(columns, default=0) + 1

    def _edited_head(self, head: bytes, last_row: int, used_columns: int) -> bytes:
        def extend(match: re.Match[bytes]) -> bytes:
            ref = match.group(2).decode("ascii", "replace")
            first, _, last = ref.partition(":")
            end = _REF.match(last or first)
            if end is None:
                return match.group(0)
            columns = max(column_index(end.group(1)) + 1, used_columns)
            rows = max(int(end.group(2)), last_row)
            start = first if last else "A1"
            return match.group(1) + f"{start}:{column_letters(columns - 1)}{rows}".encode() + match.group(3)

        return re.sub(rb'(<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref=")([^"]*)(")', extend, head, count=1)

    def _edited_tail(self, tail: bytes, last_content_row: int, last_row: int, validation_column: int | None) -> bytes:
        def extend_ref(ref: str, column: int | None = None) -> str:
            ranges = []
            for item in ref.split():
                first, _, last = item.partition(":")
                end = _REF.match(last)
                start = _REF.match(first)
                if (end and start and last_content_row <= int(end.group(2)) < last_row
                        and (column is None or column_index(start.group(1)) <= column <= column_index(end.group(1)))):
                    item = f"{first}:{end.group(1)}{last_row}"
                ranges.append(item)
            return " ".join(ranges)

        def filter_ref(match: re.Match[bytes]) -> bytes:
            return match.group(1) + extend_ref(match.group(2).decode("ascii", "replace")).encode() + match.group(3)

        tail = re.sub(rb'(<(?:[A-Za-z_][\w.-]*:)?autoFilter\b[^>]*?\sref=")([^"]*)(")', filter_ref, tail, count=1)
        if validation_column is not None:
            def validation(match: re.Match[bytes]) -> bytes:
                element = match.group(0)
                if b'type="list"' not in element:
                    return element
                return re.sub(rb'(\ssqref=")([^"]*)(")', lambda m: m.group(1) + extend_ref(
                    m.group(2).decode("ascii", "replace"), validation_column).encode() + m.group(3), element,
                    count=1)

            tail = re.sub(rb"<(?:[A-Za-z_][\w.-]*:)?dataValidation\b[^>]*>", validation, tail)
        return tail

    def _edited_row(self, original: bytes, changes: dict[int, NewCell], number: int) -> bytes:
        row = self.parse_row(original)
        root = row.getparent()
        assert root is not None
        existing: dict[int, etree._Element] = {}
        column = -1
        for cell in row.iter(CELL):
            column = _cell_column(cell, column)
            existing[column] = cell
        for index, new in sorted(changes.items()):
            found = existing.get(index)
            if found is not None:
                cell = found
            else:
                cell = etree.SubElement(row, CELL)  # created in the row: it takes the row's namespace prefix
                cell.set("r", f"{column_letters(index)}{number}")
                following = [i for i in existing if i > index]
                if following:
                    existing[min(following)].addprevious(cell)  # cells stay in column order
                existing[index] = cell
                if new.style is not None:
                    cell.set("s", new.style)
            _fill(cell, new)
        if "spans" in row.attrib:
            del row.attrib["spans"]  # an optional hint that may no longer be right
        self._fit_height(row, existing)
        serialised = etree.tostring(root, encoding="utf-8")
        opening = serialised.index(b">") + 1
        return serialised[opening: serialised.rindex(b"</wrap>")]

    def _fit_height(self, row: etree._Element, cells: dict[int, etree._Element]) -> None:
        """Raise an edited row's height to fit its wrapped text (LibreOffice does not fit rows when it opens
        a file; see :mod:`strategy_builder.ooxml.workbook_look`), unless someone set the height by hand."""
        if row.get("customHeight", "0").lower() in _TRUE:
            return
        strings = self.workbook.shared_strings()
        lines = self._lines((column, _cell(cell, column, strings).text, cell.get("s"))
                            for column, cell in cells.items() if cell.get("t") in ("s", "inlineStr", "str"))
        height = row_points(lines)
        if height is not None and height > _number((row.get("ht") or "0").encode(), 0):
            row.set("ht", f"{height:g}")

    def _new_row(self, number: int, cells: dict[int, NewCell]) -> bytes:
        p = self.prefix.decode("ascii")
        height = row_points(self._lines((column, cell.text, cell.style) for column, cell in cells.items()
                                        if not cell.number))
        out = [f'<{p}row r="{number}"' + (f' ht="{height:g}"' if height is not None else "") + ">"]
        for index, cell in sorted(cells.items()):
            reference = f"{column_letters(index)}{number}"
            style = f' s="{cell.style}"' if cell.style is not None else ""
            if cell.number:
                out.append(f'<{p}c r="{reference}"{style}><{p}v>{_escape(cell.text)}</{p}v></{p}c>')
            else:
                out.append(f'<{p}c r="{reference}"{style} t="inlineStr"><{p}is><{p}t xml:space="preserve">'
                           f"{_escape(_clean(cell.text))}</{p}t></{p}is></{p}c>")
        out.append(f"</{p}row>")
        return "".join(out).encode("utf-8")


def _root_namespaces(data: bytes, source: str, part: str) -> bytes:
    """The namespace declarations of the worksheet's root element, to parse a row on its own."""
    match = re.search(rb"<(?!\?|!)[^>]*>", data)
    if match is None:
        raise SpreadsheetRefused(source, f"{part}: no root element")
    declarations = re.findall(rb'xmlns(?::[\w.-]+)?="[^"]*"', match.group(0))
    return b" ".join(declarations)


_COLUMNS: dict[str, int] = {}


def _cell_column(cell: etree._Element, previous: int) -> int:
    reference = cell.get("r")
    if not reference:
        return previous + 1
    letters = reference.rstrip("0123456789")
    column = _COLUMNS.get(letters)
    if column is None:
        if not _REF.match(reference):
            return previous + 1
        column = _COLUMNS.setdefault(letters, column_index(letters))
    return column


def _cell(cell: etree._Element, column: int, strings: list[str]) -> SheetCell:
    formula = False
    value: str | None = None
    inline: etree._Element | None = None
    for child in cell:  # children by tag, rather than three searches per cell
        tag = child.tag
        if tag == VALUE:
            value = child.text
        elif tag == FORMULA:
            formula = True
        elif tag == INLINE:
            inline = child
    kind = cell.get("t")
    if kind == "inlineStr":
        text = _string_item(inline) if inline is not None else ""
    elif value is None:
        text = ""
    elif kind == "s":
        try:
            text = strings[int(value)]
        except (ValueError, IndexError):
            text = ""
    else:
        text = value
    return SheetCell(column, text, formula, cell.get("s"))


_DATE_CODE = re.compile(r"[ymdhs]", re.IGNORECASE)
"""A custom number format with any of these letters (outside quotes and brackets) shows a date or time."""


def _number(text: bytes, default: float) -> float:
    try:
        value = float(text)
    except ValueError:
        return default
    return value if math.isfinite(value) and value >= 0 else default


def _clean(text: str) -> str:
    return _ILLEGAL.sub("", text)[:MAX_CELL_CHARS]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fill(cell: etree._Element, new: NewCell) -> None:
    for child in list(cell):
        cell.remove(child)
    if new.number:
        if "t" in cell.attrib:
            del cell.attrib["t"]
        etree.SubElement(cell, VALUE).text = new.text
        return
    cell.set("t", "inlineStr")
    inline = etree.SubElement(cell, INLINE)
    text = etree.SubElement(inline, TEXT)
    text.text = _clean(new.text)
    text.set(XML_SPACE, "preserve")


__all__ = ["MAX_CELL_CHARS", "MergedRange", "NewCell", "REGISTER_LIMITS", "SML", "Sheet", "SheetCell", "SheetEdit",
           "SheetRow", "SpreadsheetRefused", "Workbook", "column_index", "column_letters"]
