"""Document properties and settings: core properties, custom properties, Track Changes."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from lxml import etree

from strategy_builder.ooxml.namespaces import (
    CP, CT, CT_CORE_PROPERTIES, CT_CUSTOM_PROPERTIES, CUSTOM, DC, DCTERMS, PKG_REL, REL_CORE_PROPERTIES,
    REL_CUSTOM_PROPERTIES, TRACK_REVISIONS, UPDATE_FIELDS, VAL, VT, XSI,
)
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.parser import parse_xml, serialize

CUSTOM_PART = "docProps/custom.xml"
CORE_PART = "docProps/core.xml"
CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

# CT_Settings children that precede w:trackRevisions (ECMA-376 Part 1, 17.15.1.78): Word rejects a
# settings part whose children are out of order.
_BEFORE_TRACK_REVISIONS = (
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts", "embedSystemFonts",
    "saveSubsetFonts", "saveFormsData", "mirrorMargins", "alignBordersAndEdges", "bordersDoNotSurroundHeader",
    "bordersDoNotSurroundFooter", "gutterAtTop", "hideSpellingErrors", "hideGrammaticalErrors",
    "activeWritingStyle", "proofState", "formsDesign", "attachedTemplate", "linkStyles",
    "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge", "revisionView",
)


def _ensure_relationship(package: DocxPackage, rel_type: str, target: str) -> None:
    rels = parse_xml(package.parts["_rels/.rels"], part="_rels/.rels")
    for rel in rels.iter(f"{{{PKG_REL}}}Relationship"):
        if rel.get("Type") == rel_type:
            return
    existing = {rel.get("Id") for rel in rels.iter(f"{{{PKG_REL}}}Relationship")}
    number = 1
    while f"rId{number}" in existing:
        number += 1
    etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", Id=f"rId{number}", Type=rel_type, Target=target)
    package.parts["_rels/.rels"] = serialize(rels)


def _ensure_override(package: DocxPackage, part_name: str, content_type: str) -> None:
    types = parse_xml(package.parts["[Content_Types].xml"], part="[Content_Types].xml")
    for override in types.iter(f"{{{CT}}}Override"):
        if override.get("PartName") == "/" + part_name:
            return
    etree.SubElement(types, f"{{{CT}}}Override", PartName="/" + part_name, ContentType=content_type)
    package.parts["[Content_Types].xml"] = serialize(types)


def read_custom_properties(package: DocxPackage) -> dict[str, str]:
    """Name -> text value of every custom document property (non-text values as their text)."""
    if not package.has(CUSTOM_PART):
        return {}
    root = package.xml(CUSTOM_PART)
    result = {}
    for prop in root.iter(f"{{{CUSTOM}}}property"):
        value = next(iter(prop), None)
        result[prop.get("name", "")] = (value.text or "") if value is not None else ""
    return result


def write_custom_properties(package: DocxPackage, values: dict[str, str]) -> None:
    """Set text custom properties (existing ones with other names are kept), in sorted order."""
    current: dict[str, etree._Element] = {}
    if package.has(CUSTOM_PART):
        root = parse_xml(package.parts[CUSTOM_PART], part=CUSTOM_PART)
        for prop in root.iter(f"{{{CUSTOM}}}property"):
            current[prop.get("name", "")] = prop
    # lxml-stubs type nsmap keys as str only; lxml takes the None key as the default namespace.
    root = etree.Element(f"{{{CUSTOM}}}Properties", nsmap={None: CUSTOM, "vt": VT})  # type: ignore[dict-item]
    merged: dict[str, etree._Element | str] = dict(current)
    merged.update(values)
    for pid, name in enumerate(sorted(merged), start=2):
        value = merged[name]
        prop = etree.SubElement(root, f"{{{CUSTOM}}}property", fmtid=CUSTOM_FMTID, pid=str(pid), name=name)
        if isinstance(value, str):
            etree.SubElement(prop, f"{{{VT}}}lpwstr").text = value
        else:
            for child in value:
                prop.append(child)
    package.parts[CUSTOM_PART] = serialize(root)
    _ensure_override(package, CUSTOM_PART, CT_CUSTOM_PROPERTIES)
    _ensure_relationship(package, REL_CUSTOM_PROPERTIES, CUSTOM_PART)


def read_core_texts(package: DocxPackage) -> dict[str, str]:
    """Local name -> text of every core property (``title``, ``subject``, ``creator``...); ``{}`` if none."""
    if not package.has(CORE_PART):
        return {}
    return {etree.QName(element).localname: element.text or ""
            for element in package.xml(CORE_PART) if isinstance(element.tag, str)}


class CoreProperties(NamedTuple):
    """The core properties strategy-builder sets on every draft."""

    title: str
    subject: str
    author: str
    version: str
    keywords: str
    description: str
    date: dt.date
    language: str = ""
    """``dc:language`` (``ru-RU``), written only when given: a language version says its language."""


def write_core_properties(package: DocxPackage, props: CoreProperties) -> None:
    """Replace ``docProps/core.xml``; dates come from the inputs so that builds are reproducible."""
    nsmap = {"cp": CP, "dc": DC, "dcterms": DCTERMS, "dcmitype": "http://purl.org/dc/dcmitype/", "xsi": XSI}
    root = etree.Element(f"{{{CP}}}coreProperties", nsmap=nsmap)
    stamp = f"{props.date.isoformat()}T00:00:00Z"
    for tag, text in ((f"{{{DC}}}title", props.title), (f"{{{DC}}}subject", props.subject),
                      (f"{{{DC}}}creator", props.author), (f"{{{CP}}}keywords", props.keywords),
                      (f"{{{DC}}}description", props.description), (f"{{{CP}}}lastModifiedBy", props.author),
                      (f"{{{CP}}}revision", "1"), (f"{{{CP}}}version", props.version)):
        etree.SubElement(root, tag).text = text
    if props.language:
        etree.SubElement(root, f"{{{DC}}}language").text = props.language
    for tag in ("created", "modified"):
        element = etree.SubElement(root, f"{{{DCTERMS}}}{tag}")
        element.set(f"{{{XSI}}}type", "dcterms:W3CDTF")
        element.text = stamp
    package.parts[CORE_PART] = serialize(root)
    _ensure_override(package, CORE_PART, CT_CORE_PROPERTIES)
    _ensure_relationship(package, REL_CORE_PROPERTIES, CORE_PART)


def settings_part(package: DocxPackage) -> str | None:
    """The name of the settings part of the main document, if any."""
    names = package.part_of_type("/settings")
    return names[0] if names else None


def enable_track_changes(package: DocxPackage) -> None:
    """Switch Track Changes on, so that every edit a ministry makes is recorded."""
    name = settings_part(package)
    if name is None:
        raise ValueError("the template has no settings part (word/settings.xml)")
    root = parse_xml(package.parts[name], part=name)
    if root.find(TRACK_REVISIONS) is None:
        element = etree.Element(TRACK_REVISIONS)
        position = 0
        for index, child in enumerate(root):
            if isinstance(child.tag, str) and etree.QName(child).localname in _BEFORE_TRACK_REVISIONS:
                position = index + 1
        root.insert(position, element)
    package.parts[name] = serialize(root)


# CT_Settings children that follow w:updateFields; it is inserted before the first of them.
_AFTER_UPDATE_FIELDS = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
                        "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
                        "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
                        "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
                        "decimalSymbol", "listSeparator")


def enable_field_update_on_open(package: DocxPackage) -> None:
    """Ask Word to refresh fields (table of contents, page references) when the draft is opened.

    Set on drafts rather than in the template, so that opening the template itself does not replace
    its templated table of contents with literal headings.
    """
    name = settings_part(package)
    if name is None:
        return
    root = parse_xml(package.parts[name], part=name)
    if root.find(UPDATE_FIELDS) is None:
        element = etree.Element(UPDATE_FIELDS)
        element.set(VAL, "true")
        successor = next((child for child in root if isinstance(child.tag, str)
                          and etree.QName(child).localname in _AFTER_UPDATE_FIELDS), None)
        if successor is not None:
            successor.addprevious(element)
        else:
            root.append(element)
        package.parts[name] = serialize(root)


def track_changes_enabled(package: DocxPackage) -> bool:
    """Whether the document records changes (``w:trackRevisions`` in settings, not set to false)."""
    name = settings_part(package)
    if name is None:
        return False
    element = package.xml(name).find(TRACK_REVISIONS)
    return element is not None and element.get(VAL, "true") not in ("false", "0", "off")
