"""Hostile "returned drafts": each gives a clear error naming the file, fast and in bounded memory, while
the rest of the batch is still processed and the exit code says that some files failed."""

from __future__ import annotations

import functools
import json
import resource
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import run_cli
from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.ooxml.parser import MAX_XML_ELEMENTS as MAX_XML_TAGS
from strategy_builder.review.returns import read_return
from fixtures.archives import zip_members

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 b'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def _document(body: bytes) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="' + W.encode() + b'"><w:body>' + body + \
        b"</w:body></w:document>"


def _docx(document: bytes, method: int = zipfile.ZIP_DEFLATED, **extra: bytes) -> bytes:
    return zip_members({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": RELS, "word/document.xml": document,
                        **extra}, method)


def _lie_about_size(data: bytes, member: str, size: int) -> bytes:
    """The archive with ``member``'s uncompressed size in the central directory replaced by ``size``."""
    raw = bytearray(data)
    position = raw.find(b"PK\x01\x02")
    while position != -1:
        name_length = struct.unpack_from("<H", raw, position + 28)[0]
        name = bytes(raw[position + 46:position + 46 + name_length]).decode()
        if name == member:
            struct.pack_into("<I", raw, position + 24, size)
        position = raw.find(b"PK\x01\x02", position + 4)
    return bytes(raw)


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
          + b"".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9))
          + b']><w:document xmlns:w="' + W.encode() + b'"><w:body><w:p><w:r><w:t>&j;</w:t></w:r></w:p>'
            b"</w:body></w:document>")


@functools.cache
def hostile_files() -> dict[str, tuple[bytes, str]]:
    """File name -> (content, a phrase the error must contain); made once per test process (compressing the
    bombs takes about half a second)."""
    plain = _docx(_document(b"<w:p><w:r><w:t>fine</w:t></w:r></w:p>"))
    deep = _document(b"<w:p>" + b"<w:r>" * 50_000 + b"</w:r>" * 50_000 + b"</w:p>")
    many = _document(b"<w:p/>" * (MAX_XML_TAGS + 10))
    return {
        "bomb.docx": (_docx(_document(b"<w:p><w:r><w:t>" + b" " * 15_000_000 + b"</w:t></w:r></w:p>")),
                      "compression ratio"),
        "media-bomb.docx": (_docx(_document(b""), **{"word/media/image1.png": bytes(120_000_000)}),
                            "would inflate"),
        "xml-too-large.docx": (_docx(_document(b"<w:p><w:r><w:t>" + bytes(range(65, 91)) * 700_000
                                               + b"</w:t></w:r></w:p>")), "limit for this kind of part"),
        "huge-claim.docx": (_lie_about_size(plain, "word/document.xml", 3_900_000_000), "would"),
        "laughs.docx": (_docx(LAUGHS), "DOCTYPE"),
        "laughs-utf16.docx": (_docx(LAUGHS.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-16"?>')
                                    .decode().encode("utf-16")), "DOCTYPE"),
        "not-a-zip.docx": (b"%PDF-1.7 this is not a zip archive" * 100, "not a Word document"),
        "empty.docx": (b"", "not a Word document"),
        "no-document.docx": (zip_members({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": RELS}),
                             "not a Word document"),
        "traversal.docx": (zip_members({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": RELS,
                                        "word/document.xml": _document(b""), "../../etc/evil.xml": b"<x/>"}),
                           "suspicious part name"),
        "deep.docx": (_docx(deep), "not well-formed"),
        "many-elements.docx": (_docx(many, zipfile.ZIP_STORED), "tags"),
        "broken-xml.docx": (_docx(b"<w:document xmlns:w='" + W.encode() + b"'><w:body><w:p>"), "not well-formed"),
    }


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, (data, _) in hostile_files().items():
        (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize("name", sorted(hostile_files()))
def test_each_hostile_file_gives_a_clear_error(hostile_dir: Path, name: str) -> None:
    with pytest.raises(UntrustedDocumentError) as caught:
        read_return(hostile_dir / name, hostile_dir)
    assert name in str(caught.value) and hostile_files()[name][1] in caught.value.reason


def _limit_memory() -> None:  # pragma: no cover - runs in the child process
    limit = 1536 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_batch_goes_on_past_hostile_files_in_bounded_memory(hostile_dir: Path, tmp_path: Path) -> None:
    good = tmp_path / "Ministry of Health.docx"
    good.write_bytes(zip_members({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": RELS,
                                  "word/document.xml": _document(
                                      b'<w:p><w:ins w:id="1" w:author="Dr. Aram" w:date="2024-01-01T00:00:00Z"><w:r>'
                                      b"<w:t>new text</w:t></w:r></w:ins></w:p>")}))
    files = [str(hostile_dir / name) for name in sorted(hostile_files())] + [str(good)]
    # The whole batch in one process limited to 1.5 GB of address space: nothing may inflate.
    result = subprocess.run([sys.executable, "-m", "strategy_builder", "comments", *files, "--project",
                             str(tmp_path), "--format", "json"], capture_output=True, text=True, timeout=120,
                            preexec_fn=_limit_memory)
    assert result.returncode == 1, result.stdout + result.stderr
    payload = json.loads(result.stdout)
    assert {Path(f["file"]).name for f in payload["failed"]} == set(hostile_files())
    assert [f["items"][0]["remark"] for f in payload["files"]] == ["new text"]
    assert payload["files"][0]["items"][0]["author"] == "Dr. Aram"


def test_text_output_names_each_failed_file(hostile_dir: Path) -> None:
    result = run_cli("comments", str(hostile_dir / "laughs.docx"), str(hostile_dir / "not-a-zip.docx"),
                     "--project", str(hostile_dir))
    assert result.returncode == 1
    assert "laughs.docx" in result.stderr and "not-a-zip.docx" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_file_is_a_failed_file_not_a_crash(tmp_path: Path) -> None:
    result = run_cli("comments", str(tmp_path / "absent.docx"), "--project", str(tmp_path))
    assert result.returncode == 1 and "absent.docx" in result.stderr
