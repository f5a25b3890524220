"""Every limit of strategy_builder/limits.py holds: docs/security.md shows the code's values, and for each
limit a file exactly at the limit is read while one just past it is refused with a message naming it.

The large files (members of 128 MiB, registers of 64 MiB) are built once per module from one compressed
block copied from zip to zip; the whole module costs about 20 s on two busy cores.
"""

from __future__ import annotations

import importlib
import os
import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from jinja2 import StrictUndefined

from strategy_builder import limits as L
from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.files import RefusedFile, read_limited
from strategy_builder.inputs.loading import load_project
from strategy_builder.inputs.yamlsource import read_yaml
from strategy_builder.models.manifest import Manifest, ManifestPartner, ManifestSection
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.zip_archive import copy_compressed
from strategy_builder.render.sandbox import BoundedSandbox, SandboxLimitError, render_bounded
from strategy_builder.review.register import RegisterRefused, RegisterRow, update_register
from strategy_builder.review.returns import ManifestIndex, read_return
from strategy_builder.review.section_listing import read_document_sections

from conftest import copy_sample

REPO = Path(__file__).resolve().parent.parent
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                 b'2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
DOCUMENT = b'<w:document xmlns:w="' + W.encode() + b'"><w:body>%s</w:body></w:document>'


def _docx(path: Path, parts: dict[str, bytes], *, stored: bool = False) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": RELS,
                           "word/document.xml": DOCUMENT % b"<w:p/>", **parts}.items():
            archive.writestr(name, data)
    return path


LETTERS = bytes(65 + n % 26 for n in range(256))


def _letters(size: int, seed: int = 0) -> bytes:
    """``size`` random capital letters (they do not compress much)."""
    return random.Random(seed).randbytes(size).translate(LETTERS)


def _sparse(size: int, seed: int = 0) -> bytes:
    """``size`` bytes that deflate about 45:1 (under the 200:1 ratio limit)."""
    rng = random.Random(seed)
    data = bytearray(size)
    for index in range(0, size, 180):
        data[index] = rng.randrange(1, 256)
    return bytes(data)


class Blocks:
    """Compressed members of 128 MiB, made once and copied (still compressed) into each test's zip."""

    def __init__(self, folder: Path) -> None:
        self.source = folder / "blocks.zip"
        with zipfile.ZipFile(self.source, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            block = _sparse(L.MiB)
            for name, size in (("member", L.ZIP_MEMBER_BYTES), ("return", L.RETURN_MEMBER_BYTES)):
                info = zipfile.ZipInfo(name)
                info.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(info, "w") as stream:
                    for _ in range(size // L.MiB):
                        stream.write(block)

    def add(self, archive: zipfile.ZipFile, kind: str, name: str) -> None:
        with zipfile.ZipFile(self.source) as source:
            copy_compressed(source, source.getinfo(kind), archive, zipfile.ZipInfo(name), where=str(self.source))


@pytest.fixture(scope="module")
def blocks(tmp_path_factory: pytest.TempPathFactory) -> Blocks:
    return Blocks(tmp_path_factory.mktemp("blocks"))


def _claim(path: Path, member: str, size: int, *, compressed: int | None = None) -> None:
    """Rewrite the central directory so that ``member`` claims ``size`` bytes (and ``compressed``)."""
    import struct

    raw = bytearray(path.read_bytes())
    position = raw.find(b"PK\x01\x02")
    while position != -1:
        length = struct.unpack_from("<H", raw, position + 28)[0]
        if bytes(raw[position + 46:position + 46 + length]).decode() == member:
            struct.pack_into("<I", raw, position + 24, size)
            if compressed is not None:
                struct.pack_into("<I", raw, position + 20, compressed)
        position = raw.find(b"PK\x01\x02", position + 4)
    path.write_bytes(bytes(raw))


Case = Callable[[Path, int, Blocks], Callable[[], object]]
"""(folder, 0 at the limit or 1 past it, blocks) -> the read that must pass (0) or be refused (1)."""
CASES: dict[str, tuple[Case, str]] = {}


def case(name: str, phrase: str) -> Callable[[Case], Case]:
    def register(function: Case) -> Case:
        CASES[name] = (function, phrase)
        return function
    return register


def _yaml_findings(project: Path) -> list[str]:
    return [f"{f.location.file} {f.code} {f.message}" for f in load_project(project).findings.errors]


@case("YAML file", "the limit is 1,048,576")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    path = folder / "partner.yaml"
    text = b"code: AM\n# "
    path.write_bytes(text + b"x" * (L.YAML_FILE_BYTES - len(text) - 1) + b"\n" + b"#" * over)

    def read() -> object:
        document, problems = read_yaml(path, "partner.yaml")
        if problems:
            raise AssertionError(f"partner.yaml: {problems[0].message}")
        return document
    return read


@case("YAML nesting", "nesting deeper than 32")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    path = folder / "deep.yaml"
    depth = L.YAML_DEPTH - 1 + over  # the top-level mapping is the first level
    path.write_text("a:" + "".join("\n" + "  " * level + "k:" for level in range(1, depth)) + " x\n")

    def read() -> object:
        document, problems = read_yaml(path, "deep.yaml")
        if problems:
            raise AssertionError(f"deep.yaml: {problems[0].message}")
        return document
    return read


@case("findings per file", "more problem(s) in this file")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    project = copy_sample(folder / "project")
    partner = project / "inputs" / "partners" / "AM.yaml"
    stray = "".join(f"stray_{n}: x\n" for n in range(L.FINDINGS_PER_FILE + over))
    partner.write_text(partner.read_text() + stray)

    def read() -> object:
        found = [f for f in load_project(project).findings if f.location.file.endswith("AM.yaml")]
        assert len(found) == L.FINDINGS_PER_FILE + over
        if over:
            raise AssertionError(f"inputs/partners/AM.yaml: {found[0].message}")
        return found
    return read


@case("logo image", "the limit is 8,388,608")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    project = copy_sample(folder / "project")
    (project / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(L.LOGO_BYTES - 8 + over))
    strategy = project / "inputs" / "strategy.yaml"
    strategy.write_text(strategy.read_text().replace("series:\n", "series:\n  logo: logo.png\n", 1))

    def read() -> object:
        found = [f for f in load_project(project).findings if f.code.startswith("series.logo")]
        if found:
            raise AssertionError(f"inputs/strategy.yaml: {found[0].message}")
        return found
    return read


@case("Word file", "the limit is 67,108,864")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    path = _docx(folder / "big.docx", {"word/media/padding.bin": b""}, stored=True)
    padding = L.DOCX_FILE_BYTES - path.stat().st_size + over
    _docx(path, {"word/media/padding.bin": bytes(padding)}, stored=True)
    assert path.stat().st_size == L.DOCX_FILE_BYTES + over
    return lambda: read_document_sections(path)


@case("zip members", "the limit is 4,000")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    path = _docx(folder / "members.docx", {f"word/media/{n}.bin": b"" for n in range(L.ZIP_MEMBERS - 3 + over)})
    return lambda: read_document_sections(path)


@case("one zip member, inflated", "would inflate to")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    path = folder / "member.docx"
    _docx(path, {})
    with zipfile.ZipFile(path, "a") as archive:
        blocks.add(archive, "member", "word/media/image.png")
    if over:
        _claim(path, "word/media/image.png", L.ZIP_MEMBER_BYTES + 1)
    return lambda: DocxPackage.open(path)


@case("all zip members, inflated", "the parts would inflate to")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    path = folder / "members.docx"
    _docx(path, {})
    with zipfile.ZipFile(path, "a") as archive:
        for number in range(4):
            blocks.add(archive, "member", f"word/media/image{number}.png")
    with zipfile.ZipFile(path) as archive:
        small = sum(i.file_size for i in archive.infolist() if not i.filename.startswith("word/media"))
    _claim(path, "word/media/image0.png", L.ZIP_MEMBER_BYTES - small + over)  # 512 MiB in all (+1)
    return lambda: DocxPackage.open(path)


@case("one member of a returned file, inflated", "would inflate to")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    path = folder / "return.docx"
    _docx(path, {})
    with zipfile.ZipFile(path, "a") as archive:
        blocks.add(archive, "return", "word/media/image.png")
    if over:
        _claim(path, "word/media/image.png", L.RETURN_MEMBER_BYTES + 1)
    return lambda: read_return(path, folder)


@case("all members of a returned file, inflated", "the parts would inflate to")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    path = folder / "return.docx"
    _docx(path, {})
    with zipfile.ZipFile(path, "a") as archive:
        for number in range(4):
            blocks.add(archive, "return", f"word/media/image{number}.png")
    with zipfile.ZipFile(path) as archive:
        small = sum(i.file_size for i in archive.infolist() if not i.filename.startswith("word/media"))
    _claim(path, "word/media/image0.png", L.RETURN_MEMBER_BYTES - small + over)
    return lambda: read_return(path, folder)


@case("compression ratio", "compression ratio above 200:1")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    path = _docx(folder / "ratio.docx", {"word/media/image.png": _sparse(4 * L.MiB)})
    with zipfile.ZipFile(path) as archive:
        compressed = archive.getinfo("word/media/image.png").compress_size
    _claim(path, "word/media/image.png", L.ZIP_RATIO * compressed + over)
    return lambda: DocxPackage.open(path)


@case("XML part", "the limit for this kind of part is 16,777,216")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    paragraph = b"<w:p><w:r><w:t>%s</w:t></w:r></w:p>"  # libxml2 refuses a text node over 10 MB
    count, rest = divmod(L.XML_PART_BYTES - len(DOCUMENT % b"") + over, 1000)
    text = _letters(count * 1000)
    body = b"".join(paragraph % text[n: n + 1000 - len(paragraph % b"")] for n in range(0, count * 1000, 1000))
    document = DOCUMENT % (body + b"x" * rest)
    assert len(document) == L.XML_PART_BYTES + over
    path = _docx(folder / "part.docx", {"word/document.xml": document})
    return lambda: read_document_sections(path)


@case("all XML parts, inflated", "the XML parts would inflate to")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    small = _docx(folder / "small.docx", {})
    with zipfile.ZipFile(small) as archive:
        others = sum(i.file_size for i in archive.infolist())
    size, rest = divmod(L.XML_TOTAL_BYTES - others, 4)
    text = _sparse(size).replace(b"\0", b"a").translate(bytes(range(256)).replace(b"<", b"b").replace(b"&", b"c"))

    def item(length: int) -> bytes:
        return b"<x>" + text[: length - 7] + b"</x>"
    items = {f"customXml/item{n}.xml": item(size + (rest + over if n == 0 else 0)) for n in range(4)}
    path = _docx(folder / "xml.docx", items)
    return lambda: DocxPackage.open(path)


@case("relationship part", "the limit for this kind of part is 1,048,576")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    comment = b"<!-- " + b"r" * (L.RELS_PART_BYTES - len(RELS) - 9 + over) + b" -->"
    path = _docx(folder / "rels.docx", {"_rels/.rels": RELS.replace(b"<Relationships", comment + b"<Relationships")})
    return lambda: read_document_sections(path)


@case("XML tags per document", "hold more than 250,000 tags")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    base = RELS.count(b"<") + (DOCUMENT % b"").count(b"<")
    path = _docx(folder / "tags.docx", {"word/document.xml": DOCUMENT % (b"<w:p/>" * (L.XML_TAGS - base + over))},
                 stored=True)  # deflated, 250,000 empty paragraphs would pass the compression ratio
    return lambda: read_document_sections(path)


def _comments_docx(path: Path, count: int, quoted: str = "", changed: str = "") -> Path:
    comment = '<w:comment w:id="{}" w:author="A"><w:p><w:r><w:t>c</w:t></w:r></w:p></w:comment>'
    comments = (f'<w:comments xmlns:w="{W}">' + "".join(comment.format(n) for n in range(count))
                + "</w:comments>").encode()
    body = (f'<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>{quoted}</w:t></w:r><w:commentRangeEnd w:id="0"/>'
            f'<w:r><w:commentReference w:id="0"/></w:r></w:p>'
            f'<w:p><w:ins w:id="9" w:author="B" w:date="2024-01-01T00:00:00Z"><w:r><w:t>{changed}</w:t></w:r>'
            "</w:ins></w:p>").encode()
    rels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            b'2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/comments" Target="comments.xml"/></Relationships>')
    return _docx(path, {"word/document.xml": DOCUMENT % body, "word/comments.xml": comments,
                        "word/_rels/document.xml.rels": rels})


@case("comments per file", "comments; the limit is 20,000")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    path = _comments_docx(folder / "comments.docx", L.COMMENTS + over, quoted="q")
    return lambda: read_return(path, folder)


@case("commented text kept per comment", "cut to the limit")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    path = _comments_docx(folder / "quoted.docx", 1, quoted="q" * (L.QUOTED_CHARS + over))

    def read() -> object:
        [item] = [i for i in read_return(path, folder).items if i.kind == "comment"]
        assert len(item.quoted) == L.QUOTED_CHARS
        if over:
            raise AssertionError(f"{path}: the quoted text was cut to the limit")
        return item
    return read


@case("changed text kept per tracked change", "cut to the limit")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    path = _comments_docx(folder / "changed.docx", 1, quoted="q", changed="c" * (L.CHANGE_CHARS + over))

    def read() -> object:
        [item] = [i for i in read_return(path, folder).items if i.kind == "insertion"]
        assert len(item.text) == L.CHANGE_CHARS
        if over:
            raise AssertionError(f"{path}: the changed text was cut to the limit")
        return item
    return read


def _render(source: str) -> Callable[[], object]:
    environment = BoundedSandbox(undefined=StrictUndefined, autoescape=True)

    def render() -> object:
        try:
            return render_bounded(environment.from_string(source), {})
        except SandboxLimitError as error:
            raise SandboxLimitError(f"template.docx: {error}") from error
    return render


@case("range() length", "range() of 100,001 items")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    (folder / "template.docx").touch()
    return _render(f"{{{{ range({L.SANDBOX_RANGE + over})|length }}}}")


@case("range() items per document", "the items of all range() calls")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    (folder / "template.docx").touch()
    calls = L.SANDBOX_RANGE_BUDGET // L.SANDBOX_RANGE - 1  # the loop's own range counts too
    rest = L.SANDBOX_RANGE_BUDGET - calls - calls * L.SANDBOX_RANGE
    return _render(f"{{% for i in range({calls}) %}}{{{{ range({L.SANDBOX_RANGE})|length }}}}{{% endfor %}}"
                   f"{{{{ range({rest})|length }}}}{{{{ range({over})|length }}}}")


@case("one template value", "a repeated text or list exceeds")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    (folder / "template.docx").touch()
    return _render(f"{{{{ ('x' * {L.SANDBOX_VALUE_BYTES + over})|length }}}}")


@case("rendered part", "the rendered part exceeds")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    (folder / "template.docx").touch()
    pieces = L.SANDBOX_OUTPUT_BYTES // L.SANDBOX_VALUE_BYTES
    return _render(f"{{% for i in range({pieces}) %}}{{{{ 'x' * {L.SANDBOX_VALUE_BYTES} }}}}{{% endfor %}}"
                   f"{{{{ 'y' * {over} }}}}")


@case("register file", "the limit is 67,108,864")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    path = folder / "register.csv"
    header = b"ID,Disposition,Note\r\n"
    line = b",," + b"n" * 1021 + b"\r\n"  # rows of the team's, without an ID
    count, rest = divmod(L.REGISTER_FILE_BYTES - len(header), len(line))
    path.write_bytes(header + line * count + b",," + b"n" * (rest - 4 + over) + b"\r\n")
    assert path.stat().st_size == L.REGISTER_FILE_BYTES + over
    return lambda: update_register(path, [RegisterRow(id="C-1")])


@case("register sheet, inflated", "the limit for this kind of part is 134,217,728")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    path = folder / "register.xlsx"
    update_register(path, [RegisterRow(id="C-1")])
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    if over:  # the directory's claim is what is checked, before anything is inflated
        _claim(path, "xl/worksheets/sheet1.xml", L.REGISTER_PART_BYTES + 1)
        return lambda: update_register(path, [RegisterRow(id="C-2")])
    filler = _sparse(L.REGISTER_PART_BYTES - len(sheet) - 7).replace(b"\0", b"a").translate(
        bytes(range(256)).replace(b"-", b"b").replace(b"<", b"c").replace(b"&", b"d"))
    padded = sheet.replace(b"</worksheet>", b"<!--" + filler + b"--></worksheet>")
    assert len(padded) == L.REGISTER_PART_BYTES
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for info, data in members:
            archive.writestr(info.filename, padded if info.filename == "xl/worksheets/sheet1.xml" else data)
    return lambda: update_register(path, [RegisterRow(id="C-2")])


@case("all members of a register, inflated", "the parts would inflate to")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    path = folder / "register.xlsx"
    update_register(path, [RegisterRow(id="C-1")])
    with zipfile.ZipFile(path, "a") as archive:
        for number in range(4):
            blocks.add(archive, "member", f"xl/media/image{number}.png")
    with zipfile.ZipFile(path) as archive:
        small = sum(i.file_size for i in archive.infolist() if not i.filename.startswith("xl/media"))
    _claim(path, "xl/media/image0.png", L.ZIP_MEMBER_BYTES - small + over)
    return lambda: update_register(path, [RegisterRow(id="C-2")])


@case("register rows", "more than 200,000 rows")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    path = folder / "register.csv"
    path.write_bytes(b"ID,Disposition,Note\r\n"
                     + b"".join(b"C-%07d,,\r\n" % n for n in range(L.REGISTER_ROWS - 1 + over)))
    return lambda: update_register(path, [RegisterRow(id="C-new")])


@case("translation exchange file", "the limit is 33,554,432")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    from strategy_builder.languages.exchange import import_translations

    project = copy_sample(folder / "p")
    path = folder / "returned.xlf"
    head = (b'<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" '
            b'version="2.1" srcLang="en" trgLang="ru">')
    tail = b"</xliff>\n"
    padding = L.TRANSLATION_EXCHANGE_BYTES - len(head) - len(tail) + over
    comment = b"<!--" + b"x" * 993 + b"-->\n"  # 1,001 bytes: libxml2 refuses one text node of over 10 MB
    path.write_bytes(head + comment * (padding // len(comment)) + b" " * (padding % len(comment)) + tail)
    return lambda: import_translations(project, path)


@case("manifest file", "no manifest for draft 001")
def _(folder: Path, over: int, blocks: Blocks) -> Callable[[], object]:
    manifest = folder / "build" / "drafts" / "001" / "manifest.json"
    manifest.parent.mkdir(parents=True)
    section = ManifestSection(id="AM/situation", kind="situation", number="1", title="Situation", bookmark="sb_1",
                              content_hash="0", source_file="inputs/partners/AM.yaml", source_line=9,
                              source_path="situation", status="added")
    data = Manifest(tool_version="0", draft=1, previous_draft=None, fingerprint="0", template_file="t.docx",
                    template_sha256="0", strategy_file="inputs/strategy.yaml", strategy_sha256="0",
                    consultation_round=1, issued="2010-11-15", partners=[ManifestPartner(
                        code="AM", name="Armenia", file="AM.docx", docx_sha256="0", input_file="AM.yaml",
                        input_sha256="0", words=1, sections=[section])]).model_dump_json().encode()
    manifest.write_bytes(data + b" " * (L.JSON_FILE_BYTES - len(data) + over))

    def read() -> object:
        sections = ManifestIndex(folder).sections("001")
        if sections is None:
            raise AssertionError(f"{manifest}: no manifest for draft 001 (not read)")
        return sections
    return read


REFUSALS = (UntrustedDocumentError, RefusedFile, RegisterRefused, SandboxLimitError, AssertionError)


def test_docs_security_shows_every_limit_with_the_codes_value() -> None:
    """The table of docs/security.md is the code's table, row for row: name, value, what it applies to, why.

    The code's table is made again here (a reload of the module), so that the test covers the code that
    makes it, not only the table made when the package was first imported."""
    text = (REPO / "docs" / "security.md").read_text(encoding="utf-8")
    section = text.split("\n## Limits\n", 1)[1].split("\n#", 1)[0]  # the one table of limits
    rows = re.findall(r"^\| ([^|]+?) \| ([^|]+?) \| ([^|]+?) \| ([^|]+?) \|$", section, re.MULTILINE)
    table = {row[0]: row for row in rows if row[0] not in ("limit", "---")}
    made = importlib.reload(L).LIMITS
    assert all(name == limit.name for name, limit in made.items())
    assert table == {limit.name: (limit.name, limit.display(), limit.applies_to, limit.why) for limit in made.values()}


@pytest.mark.parametrize(("value", "unit", "shown"), [
    (64 * L.MiB, "bytes", "64 MiB"), (512 * L.KiB, "bytes", "512 KiB"), (1500, "bytes", "1,500 bytes"),
    (4000, "count", "4,000"), (200, "ratio", "200:1"), (32, "levels", "32 levels"),
    (2000, "characters", "2,000 characters")])
def test_a_limit_is_shown_in_its_unit(value: int, unit: L.Unit, shown: str) -> None:
    assert L.Limit("x", value, unit, "anything", "a reason").display() == shown


def test_other_docs_agree_with_the_table_of_limits() -> None:
    for path in sorted((REPO / "docs").glob("*.md")) + [REPO / "README.md"]:
        for name, value in re.findall(r"^\| ([^|]+?) \| ([^|]+?) \|", path.read_text(encoding="utf-8"), re.MULTILINE):
            if name in L.LIMITS:
                assert value.startswith(L.LIMITS[name].display()), f"{path.name}: {name} is {value}"


def test_every_limit_has_a_hostile_case() -> None:
    assert set(CASES) == set(L.LIMITS)


@pytest.mark.parametrize("over", [0, 1], ids=["at-the-limit", "past-the-limit"])
@pytest.mark.parametrize("name", sorted(L.LIMITS))
def test_a_file_at_the_limit_is_read_and_one_past_it_is_refused(tmp_path: Path, blocks: Blocks, name: str,
                                                                 over: int) -> None:
    build, phrase = CASES[name]
    read = build(tmp_path, over, blocks)
    if not over:
        read()
        return
    with pytest.raises(REFUSALS) as refused:
        read()
    message = str(refused.value)
    assert phrase in message, message
    assert str(tmp_path) in message or re.search(r"\w+\.(yaml|docx|xlsx|csv|json)", message), message


def test_a_limit_holds_for_streams_of_unknown_size(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    for path in (Path("/dev/zero"), fifo, tmp_path):
        with pytest.raises(RefusedFile, match="not a regular file"):
            read_limited(path, 10)
    link = tmp_path / "zero.docx"
    link.symlink_to("/dev/zero")
    with pytest.raises(UntrustedDocumentError, match="it is a device, not a regular file"):
        DocxPackage.open(link)
    growing = tmp_path / "growing.bin"
    growing.write_bytes(b"x" * 20)
    with pytest.raises(RefusedFile, match="limit"):
        read_limited(growing, 10)
    assert read_limited(growing, 20) == b"x" * 20
