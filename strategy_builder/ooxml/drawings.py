"""Drawings in a rendered document: ids that template loops duplicate, and the logo placed on the cover."""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import NamedTuple

from lxml import etree

from strategy_builder.ooxml.namespaces import CT, PKG_REL, REL, W
from strategy_builder.ooxml.parser import parse_xml, serialize

_DOCPR_ID = re.compile(rb'(<wp:docPr\b[^>]*?\bid=")(\d+)(")')


def renumber_drawing_ids(document_xml: bytes) -> bytes:
    """Give every ``wp:docPr`` a unique id, in document order: a loop repeating a picture repeats its id,
    and Word refuses a document with duplicate drawing ids."""
    counter = iter(range(1, 10_000_000))
    return _DOCPR_ID.sub(lambda m: m.group(1) + str(next(counter)).encode() + m.group(3), document_xml)


# --------------------------------------------------------------------------- a picture in place of a marker

_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
_REL_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_EMU_PER_CM = 360_000


class Picture(NamedTuple):
    """An image file to place in a document: its bytes and the box it must fit in (centimetres)."""

    data: bytes
    max_width_cm: float = 8.0
    max_height_cm: float = 2.4


def picture_size(data: bytes) -> tuple[str, str, int, int]:
    """(file extension, content type, width, height in pixels at 96 dpi-equivalent) of a PNG or JPEG.

    Raises ``ValueError`` for other or damaged files.
    """
    from docx.image.exceptions import UnrecognizedImageError
    from docx.image.image import Image

    try:
        image = Image.from_blob(data)
    except (UnrecognizedImageError, Exception) as error:  # noqa: B014 - python-docx raises several kinds
        raise ValueError(f"not a readable PNG or JPEG image ({type(error).__name__})") from error
    if image.content_type not in ("image/png", "image/jpeg"):
        raise ValueError(f"a {image.content_type} image; use PNG or JPEG")
    # Physical size from the resolution the file states (72 dpi when it states none).
    width = round(image.px_width * 96 / (image.horz_dpi or 72))
    height = round(image.px_height * 96 / (image.vert_dpi or 72))
    return image.ext, image.content_type, max(width, 1), max(height, 1)


def place_picture(parts: MutableMapping[str, bytes], main: str, document: etree._Element, marker: str,
                  picture: Picture) -> bool:
    """Replace the run whose text is ``marker`` with ``picture`` (inline, scaled into its box) and add the
    image part, its relationship and content type to ``parts``. Returns False when no run holds the marker."""
    target = next((t for t in document.iter(f"{{{W}}}t") if t.text == marker), None)
    if target is None:
        return False
    run = target.getparent()
    assert run is not None
    ext, content_type, width_px, height_px = picture_size(picture.data)
    scale = min(picture.max_width_cm * _EMU_PER_CM / (width_px * 9525),
                picture.max_height_cm * _EMU_PER_CM / (height_px * 9525), 1.0)
    cx, cy = round(width_px * 9525 * scale), round(height_px * 9525 * scale)

    folder = main.rsplit("/", 1)[0] if "/" in main else ""
    media = f"{folder}/media/logo.{ext}" if folder else f"media/logo.{ext}"
    parts[media] = picture.data
    rels_name = f"{folder}/_rels/{main.rsplit('/', 1)[-1]}.rels" if folder else f"_rels/{main}.rels"
    rels = parse_xml(parts[rels_name], part=rels_name)
    existing = {rel.get("Id") for rel in rels}
    number = 1
    while f"rIdLogo{number}" in existing:
        number += 1
    rel_id = f"rIdLogo{number}"
    etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", Id=rel_id, Type=_REL_IMAGE,
                     Target=media[len(folder) + 1:] if folder else media)
    parts[rels_name] = serialize(rels)
    types = parse_xml(parts["[Content_Types].xml"], part="[Content_Types].xml")
    if not any(d.get("Extension", "").lower() == ext for d in types.iter(f"{{{CT}}}Default")):
        default = etree.Element(f"{{{CT}}}Default", Extension=ext, ContentType=content_type)
        types.insert(0, default)
        parts["[Content_Types].xml"] = serialize(types)

    for child in list(run):
        if child.tag != f"{{{W}}}rPr":
            run.remove(child)
    drawing = _INLINE.format(w=W, wp=_WP, a=_A, pic=_PIC, r=REL, cx=cx, cy=cy, ext=ext, rel=rel_id)
    run.append(parse_xml(drawing.encode("utf-8"), part="logo drawing"))
    return True


# An inline picture as Word writes one (the usual prefixes, declared where Word declares them).
_INLINE = (
    '<w:drawing xmlns:w="{w}" xmlns:wp="{wp}"><wp:inline distT="0" distB="0" distL="0" distR="0">'
    '<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="1" name="Logo" descr="Logo"/>'
    '<a:graphic xmlns:a="{a}"><a:graphicData uri="{pic}"><pic:pic xmlns:pic="{pic}">'
    '<pic:nvPicPr><pic:cNvPr id="0" name="logo.{ext}"/><pic:cNvPicPr/></pic:nvPicPr>'
    '<pic:blipFill><a:blip xmlns:r="{r}" r:embed="{rel}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
    '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
    '</wp:inline></w:drawing>'
)
