"""The single place that parses XML: no entity resolution, no network, no huge trees, no DOCTYPE."""

from __future__ import annotations

from lxml import etree

from strategy_builder.ooxml.namespaces import NSMAP

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    huge_tree=False,
    load_dtd=False,
    dtd_validation=False,
    remove_blank_text=False,
    recover=False,
)


class XmlRefused(ValueError):
    """The XML is malformed or uses constructs OOXML forbids (DOCTYPE, entities)."""


def parse_xml(data: bytes | str, *, part: str = "") -> etree._Element:
    """Parse one XML part strictly; raises :class:`XmlRefused` naming the part on any problem."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    # OOXML forbids DTDs; refusing them up front also refuses every entity trick.
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise XmlRefused(f"{part or 'XML'}: a DOCTYPE or entity declaration is not allowed in OOXML")
    try:
        return etree.fromstring(raw, parser=_PARSER)
    except etree.XMLSyntaxError as error:
        raise XmlRefused(f"{part or 'XML'}: not well-formed XML ({error.msg}, line {error.lineno})") from error


def serialize(element: etree._Element) -> bytes:
    """An element as a standalone UTF-8 XML part, as Word writes them."""
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


def qn(tag: str) -> str:
    """``w:p`` -> ``{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p``."""
    prefix, local = tag.split(":")
    return f"{{{NSMAP[prefix]}}}{local}"
