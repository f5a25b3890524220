"""strategy_builder/ooxml/zip_archive.py: a zip nobody vouches for is checked from its directory against each
limit before anything is inflated (at the limit it is read, one past it is refused naming the file, the part
and the limit); names that could leave the folder, a part twice, what is not a zip and a password-protected
Office file are refused with what to do. Archives here are made with zipfile, and the limits are small so that
every case is a few bytes."""

from __future__ import annotations

import io
import zipfile

import pytest

from fixtures.archives import SMALL_LIMITS as LIMITS, claim_sizes, noise as _noise, stored_zip as _zip
from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.zip_archive import ZipLimits, checked_members, open_zip



def _check(members: dict[str, bytes], compression: int = zipfile.ZIP_STORED,
           limits: ZipLimits = LIMITS) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(_zip(members, compression))) as archive:
        return [info.filename for info in checked_members(archive, limits, "returned.docx")]


def _refused(members: dict[str, bytes], compression: int = zipfile.ZIP_STORED,
             limits: ZipLimits = LIMITS) -> str:
    with pytest.raises(UntrustedDocumentError) as refused:
        _check(members, compression, limits)
    assert refused.value.path == "returned.docx" and str(refused.value).startswith("returned.docx: ")
    return refused.value.reason


# (members at the limit, the same one past it, the reason of the refusal)
CASES = {
    "members": ({f"m{n}.bin": b"" for n in range(4)}, {f"m{n}.bin": b"" for n in range(5)},
                "the archive has 5 members; the limit is 4"),
    "XML part": ({"word/document.xml": _noise(300)}, {"word/document.xml": _noise(301)},
                 "part word/document.xml would be 301 bytes; the limit for this kind of part is 300"),
    "XML part, name in capitals": ({"word/Footer1.XML": _noise(300)}, {"word/Footer1.XML": _noise(301)},
                                   "part word/Footer1.XML would be 301 bytes; the limit for this kind of part "
                                   "is 300"),
    "VML part": ({"word/drawing.vml": _noise(300)}, {"word/drawing.vml": _noise(301)},
                 "part word/drawing.vml would be 301 bytes; the limit for this kind of part is 300"),
    "relationship part": ({"_rels/.rels": _noise(200)}, {"_rels/.rels": _noise(201)},
                          "part _rels/.rels would be 201 bytes; the limit for this kind of part is 200"),
    "relationship part, in capitals": ({"word/_rels/x.RELS": _noise(200)}, {"word/_rels/x.RELS": _noise(201)},
                                       "part word/_rels/x.RELS would be 201 bytes; the limit for this kind of "
                                       "part is 200"),
    "member": ({"word/media/image1.png": _noise(1000)}, {"word/media/image1.png": _noise(1001)},
               "part word/media/image1.png would inflate to 1,001 bytes (limit 1,000)"),
    "all members": ({"a.bin": _noise(1000), "b.bin": _noise(1000), "c.bin": _noise(500)},
                    {"a.bin": _noise(1000), "b.bin": _noise(1000), "c.bin": _noise(501)},
                    "the parts would inflate to 2,501 bytes (limit 2,500)"),
    "all XML parts": ({"a.xml": _noise(250), "b.xml": _noise(250)}, {"a.xml": _noise(250), "b.xml": _noise(251)},
                      "the XML parts would inflate to 501 bytes (limit 500)"),
    "ratio floor": ({"zeros.bin": bytes(100)}, {"zeros.bin": bytes(101)},
                    "part zeros.bin has a compression ratio above 10:1 (a zip bomb?)"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_zip_at_each_limit_is_read_and_one_past_it_is_refused(name: str) -> None:
    at_limit, past_it, reason = CASES[name]
    compression = zipfile.ZIP_DEFLATED if name == "ratio floor" else zipfile.ZIP_STORED
    assert _check(at_limit, compression) == list(at_limit)
    assert _refused(past_it, compression) == reason


def test_the_ratio_is_refused_only_above_the_limit() -> None:
    data = bytes(5000)
    with zipfile.ZipFile(io.BytesIO(_zip({"zeros.bin": data}, zipfile.ZIP_DEFLATED))) as archive:
        ratio = len(data) / archive.getinfo("zeros.bin").compress_size
    limits = ZipLimits(max_ratio=ratio, ratio_floor_bytes=100)
    assert _check({"zeros.bin": data}, zipfile.ZIP_DEFLATED, limits) == ["zeros.bin"]
    refusal = _refused({"zeros.bin": data}, zipfile.ZIP_DEFLATED, ZipLimits(max_ratio=ratio - 0.01,
                                                                             ratio_floor_bytes=100))
    assert refusal.startswith("part zeros.bin has a compression ratio above")


@pytest.mark.parametrize("name", ["/word/document.xml", "word/../../etc/passwd", "..", "word\\document.xml"])
def test_a_part_name_that_could_leave_the_folder_is_refused(name: str) -> None:
    assert _refused({name: b"<a/>"}) == f"suspicious part name {name!r}"


def test_dots_inside_a_name_are_not_a_way_out() -> None:
    assert _check({"word/a..b.xml": b"<a/>", "word/..b": b""}) == ["word/a..b.xml", "word/..b"]


def test_a_part_twice_in_the_archive_is_refused() -> None:
    buffer = io.BytesIO()
    with pytest.warns(UserWarning), zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", b"<a/>")
        archive.writestr("word/document.xml", b"<b/>")
    with pytest.raises(UntrustedDocumentError) as refused, zipfile.ZipFile(buffer) as reread:
        checked_members(reread, LIMITS, "returned.docx")
    assert refused.value.reason == "part word/document.xml appears twice in the archive"
    assert refused.value.path == "returned.docx"


def test_a_member_claiming_no_compressed_bytes_is_measured_as_one() -> None:
    data = claim_sizes(_zip({"zeros.bin": bytes(15)}, zipfile.ZIP_DEFLATED), "zeros.bin", compressed=0)
    with zipfile.ZipFile(io.BytesIO(data)) as archive, pytest.raises(UntrustedDocumentError) as refused:
        checked_members(archive, ZipLimits(max_ratio=10, ratio_floor_bytes=5), "returned.docx")
    assert refused.value.reason.startswith("part zeros.bin has a compression ratio above 10:1")


def test_folders_are_not_parts() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.mkdir("word")
        archive.writestr("word/document.xml", b"<a/>")
    with zipfile.ZipFile(buffer) as reread:
        assert [i.filename for i in checked_members(reread, LIMITS, "x.docx")] == ["word/document.xml"]


def test_what_is_not_a_zip_is_refused_with_what_to_do() -> None:
    with pytest.raises(UntrustedDocumentError) as refused:
        open_zip(b"PK but not a zip", "register.xlsx", "register (.xlsx)")
    assert refused.value.reason == "not a register (.xlsx): it is not a zip archive"
    assert refused.value.path == "register.xlsx" and refused.value.hint and "save it again" in refused.value.hint
    with pytest.raises(UntrustedDocumentError) as default:
        DocxPackage.from_bytes(b"not a zip", source="returned.docx")
    assert default.value.reason == "not a Word document (.docx): it is not a zip archive"


def test_a_password_protected_or_binary_office_file_is_named_as_such() -> None:
    """Word and Excel save an encrypted document (and the old .doc, .xls) as a compound file: "not a zip
    archive" alone would send a ministry's protected return back without saying why."""
    compound = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # the header every compound file starts with
    with pytest.raises(UntrustedDocumentError) as refused:
        DocxPackage.from_bytes(compound, source="AM_003_MFA.docx")
    assert "password-protected (encrypted)" in refused.value.reason and "old binary format" in refused.value.reason
    assert refused.value.hint and "password" in refused.value.hint
