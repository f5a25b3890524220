"""The single place that parses XML: no entity resolution, no network, no huge trees, no DOCTYPE."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

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
    _check_size(raw, name, max_elements, tags)
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


def _check_size(raw: bytes, name: str, max_elements: int, tags: int | None) -> None:
    if len(raw) > MAX_XML_PART_BYTES:
        raise XmlTooLarge(f"{name}: the part is {len(raw):,} bytes; the limit is {MAX_XML_PART_BYTES:,}")
    if (count_tags(raw) if tags is None else tags) > max_elements:
        raise XmlTooLarge(f"{name}: the part has more than {max_elements:,} tags")


class Selection(NamedTuple):
    """Which elements of a part a reader needs (:func:`parse_selected`): those named ``{namespace}local``,
    except the ones whose start tag ``skip`` recognises."""

    namespace: str
    local: str
    skip: Callable[[dict[bytes, bytes]], bool]
    """Given an element's attributes in its own namespace (local name -> value as written, character
    references not replaced), whether the reader certainly does not need it. When unsure, keep it."""


_PROLOGUE = re.compile(rb"(?:<\?xml\s[^>]*\?>)?\s*")
_ATTRIBUTES = rb"((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)"
_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.\-]*):)?([A-Za-z_][\w.\-]*)" + _ATTRIBUTES + rb"\s*>")
_ATTRIBUTE = re.compile(rb"([^\s=/>]+)\s*=\s*(\"[^\"]*\"|'[^']*')")
_NOT_UTF8 = re.compile(rb"<\?xml\s[^>]*encoding\s*=\s*[\"'](?!utf-8[\"'])", re.IGNORECASE)
_TAG_END = re.compile(rb"\s*>")


def select_elements(data: bytes, selection: Selection) -> bytes | None:
    """The part ``data`` cut down to its root start tag and the elements ``selection`` names and does not
    skip, in their order, as a part of its own; ``None`` when the bytes are not in the plain form this
    reads, and the whole part must be parsed.

    The plain form: UTF-8, no ``<!`` (DOCTYPE, comments, CDATA) and no processing instruction after the
    prologue, the namespace declared once, on the root, with a prefix declared nowhere else, and every
    selected element's start tag well formed, its end found and no selected element inside another. An
    element taken out of a deeper level becomes a child of the root: read the result with ``iter``, which
    finds the elements wherever they are, and it answers as the whole part would.
    """
    namespace = selection.namespace.encode()
    if b"<!" in data or data.count(namespace) != 1 or _NOT_UTF8.match(data):
        return None
    prologue = _PROLOGUE.match(data)
    root = _ROOT.match(data, prologue.end()) if prologue is not None else None
    if root is None or data.find(b"<?", root.end()) >= 0:
        return None
    prefix = next((name[6:] for name, value in _ATTRIBUTE.findall(root.group(3))
                   if name.startswith(b"xmlns:") and value[1:-1] == namespace), None)
    if prefix is None or data.count(b"xmlns:" + prefix + b"=") != 1:
        return None
    start = b"<" + prefix + b":" + selection.local.encode()
    opening = re.compile(re.escape(start) + _ATTRIBUTES + rb"\s*(/?)>")
    closing = b"</" + prefix + b":" + selection.local.encode()
    own = prefix + b":"
    pieces = [data[:root.end()]]
    position = root.end()
    while (found := data.find(start, position)) >= 0:
        tag = opening.match(data, found)
        if tag is None:
            if data[found + len(start):found + len(start) + 1] in (b"", b" ", b"\t", b"\r", b"\n", b"/", b">"):
                return None  # the element's start tag, in a form this does not read
            position = found + len(start)  # another name that begins with this one
            continue
        end = tag.end()
        if not tag.group(2):
            close = data.find(closing, end)
            finish = _TAG_END.match(data, close + len(closing)) if close >= 0 else None
            if finish is None or data.find(start, end, close) >= 0:
                return None  # no end, or one element inside another
            end = finish.end()
        attributes = {name[len(own):]: value[1:-1] for name, value in _ATTRIBUTE.findall(tag.group(1))
                      if name.startswith(own)}
        if not selection.skip(attributes):
            pieces.append(data[found:end])
        position = end
    pieces.append(b"</" + (root.group(1) + b":" if root.group(1) else b"") + root.group(2) + b">")
    return b"".join(pieces)


def parse_selected(data: bytes, selection: Selection, *, part: str = "", max_elements: int = MAX_XML_ELEMENTS,
                   tags: int | None = None) -> etree._Element:
    """The elements of ``data`` that ``selection`` keeps, parsed (:func:`select_elements`); the whole part
    when it is not in the form that selection reads, or when the selection is refused (so that the verdict
    and its message are the whole part's). The part's size and tags are checked as :func:`parse_xml`
    checks them. The part's other elements are not parsed: what is wrong only there is not refused.

    For a part that is large for what a reader needs of it, as a styles part for its heading styles (350 KB
    in python-docx's default template, nine tenths of it table styles and latent style exceptions, slower to
    parse than a 25,000-word text).
    """
    name = part or "XML"
    _check_size(data, name, max_elements, tags)
    selected = select_elements(data, selection)
    if selected is not None:
        try:
            return parse_xml(selected, part=part, max_elements=max_elements)
        except XmlRefused:
            pass
    return parse_xml(data, part=part, max_elements=max_elements, tags=tags)


def serialize(element: etree._Element) -> bytes:
    """An element as a standalone UTF-8 XML part, as Word writes them."""
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)
