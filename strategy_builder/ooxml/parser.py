"""The single place that parses XML: no entity resolution, no network, no huge trees, no DOCTYPE."""

from __future__ import annotations

from lxml import etree

from strategy_builder.limits import XML_PART_BYTES, XML_TAGS

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    huge_tree=False,
    load_dtd=False,
    dtd_validation=False,
    remove_blank_text=False,
    recover=False,
)


MAX_XML_PART_BYTES = XML_PART_BYTES
"""Largest XML part parsed (see :mod:`strategy_builder.limits`)."""

MAX_XML_ELEMENTS = XML_TAGS
"""Most tags (counted as ``<``) in one XML part; bounds parse time and memory whatever a file claims."""

# Byte-order marks and first bytes by which XML announces UTF-16/32 (XML 1.0, Appendix F).
_WIDE_ENCODINGS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                   (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
                   (b"<\x00?\x00", "utf-16-le"), (b"\x00<\x00?", "utf-16-be"))


class XmlRefused(ValueError):
    """The XML is malformed or uses constructs OOXML forbids (DOCTYPE, entities), or is too large."""


class XmlTooLarge(XmlRefused):
    """The part is larger than a document strategy-builder reads may have (bytes or tags)."""


def count_tags(data: bytes | str) -> int:
    """The tags of an XML part, counted as ``<`` (also right for UTF-16, where it is one byte of two)."""
    return data.count(b"<") if isinstance(data, bytes) else data.count("<")


def _declarations_text(raw: bytes) -> str | bytes:
    """The part as text in which ``<!DOCTYPE`` can be searched, whatever its encoding."""
    for mark, codec in _WIDE_ENCODINGS:
        if raw.startswith(mark):
            return raw.decode(codec, errors="ignore")
    return raw


def parse_xml(data: bytes | str, *, part: str = "", max_elements: int = MAX_XML_ELEMENTS,
              tags: int | None = None) -> etree._Element:
    """Parse one XML part strictly; raises :class:`XmlRefused` naming the part on any problem.

    Refused before parsing: parts over :data:`MAX_XML_PART_BYTES` or ``max_elements``, and any DOCTYPE or
    entity declaration (OOXML forbids DTDs), also in UTF-16/32 parts where a byte search would miss it.
    ``tags`` is :func:`count_tags` of ``data`` when the caller counted them already (a package does, for
    its budget): counting is a pass over the whole part.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    name = part or "XML"
    if len(raw) > MAX_XML_PART_BYTES:
        raise XmlTooLarge(f"{name}: the part is {len(raw):,} bytes; the limit is {MAX_XML_PART_BYTES:,}")
    if (count_tags(raw) if tags is None else tags) > max_elements:
        raise XmlTooLarge(f"{name}: the part has more than {max_elements:,} tags")
    text = _declarations_text(raw)
    if isinstance(text, str):
        if "<!DOCTYPE" in text or "<!ENTITY" in text:
            raise XmlRefused(f"{name}: a DOCTYPE or entity declaration is not allowed in OOXML")
    elif b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise XmlRefused(f"{name}: a DOCTYPE or entity declaration is not allowed in OOXML")
    try:
        root = etree.fromstring(raw, parser=_PARSER)
    except etree.XMLSyntaxError as error:
        raise XmlRefused(f"{name}: not well-formed XML ({error.msg}, line {error.lineno})") from error
    if root.getroottree().docinfo.doctype:  # type: ignore[union-attr]  # lxml-stubs lack DocInfo.doctype
        # Any other encoding trick that smuggled a DTD past the text search ends here.
        raise XmlRefused(f"{name}: a DOCTYPE is not allowed in OOXML")
    return root


def serialize(element: etree._Element) -> bytes:
    """An element as a standalone UTF-8 XML part, as Word writes them."""
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)
