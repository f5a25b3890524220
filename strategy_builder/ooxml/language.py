"""The language of a document: the tag on its styles and settings, and runs printed in another language.

Word and LibreOffice choose spelling, hyphenation and some typography by the language of the text: a
Russian version of a draft says ``ru-RU`` on its default run properties and every style that names a
language, and on the theme-font language of its settings. A value printed in the source language (its
translation is pending) starts with :data:`~strategy_builder.ooxml.markers.PENDING_MARKER`: the run is
given the "translation pending" label, a highlight and the source language's tag.
"""

from __future__ import annotations

from lxml import etree

from strategy_builder.errors import UntrustedDocumentError

from strategy_builder.ooxml.markers import PENDING_MARKER
from strategy_builder.ooxml.namespaces import HIGHLIGHT, LANG, R, RPR, T, THEME_FONT_LANG, VAL, qn
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.parser import XmlRefused, parse_xml, serialize
from strategy_builder.ooxml.properties import settings_part

STYLES_PART = "word/styles.xml"


class LanguagePartError(ValueError):
    """A part that carries the document's language cannot be read; names the part."""

    def __init__(self, part: str, message: str) -> None:
        super().__init__(f"{part}: {message}")
        self.part = part
        self.message = message

# CT_RPr children that follow w:highlight, and w:lang's successors (ECMA-376 Part 1, 17.3.2.28): Word
# rejects run properties out of order.
_AFTER_HIGHLIGHT = ("u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
                    "eastAsianLayout", "specVanish", "oMath")
_AFTER_LANG = ("eastAsianLayout", "specVanish", "oMath")


def _insert_before(rpr: etree._Element, element: etree._Element, successors: tuple[str, ...]) -> None:
    names = {qn(f"w:{name}") for name in successors}
    following = next((child for child in rpr if child.tag in names), None)
    if following is None:
        rpr.append(element)
    else:
        following.addprevious(element)


def _set_lang(rpr: etree._Element, tag: str) -> None:
    lang = rpr.find(LANG)
    if lang is None:
        lang = etree.Element(LANG)
        _insert_before(rpr, lang, _AFTER_LANG)
    lang.set(VAL, tag)


def set_document_language(package: DocxPackage, tag: str) -> None:
    """Tag the document's styles (default run properties and every style naming a language) and its
    settings' theme-font language with ``tag`` (``ru-RU``); East Asian and complex-script tags are kept."""
    for name, tag_name in ((STYLES_PART, LANG), (settings_part(package), THEME_FONT_LANG)):
        if name is None or not package.has(name):
            continue
        try:
            root = parse_xml(package.parts[name], part=name)
        except XmlRefused as error:
            raise LanguagePartError(name, str(error)) from error
        for element in root.iter(tag_name):
            element.set(VAL, tag)
        package.parts[name] = serialize(root)


def default_language(package: DocxPackage) -> str:
    """The language tag of the document's default run properties (``en-GB``), or ``""``."""
    if not package.has(STYLES_PART):
        return ""
    try:
        styles = package.xml(STYLES_PART)
    except (XmlRefused, UntrustedDocumentError):
        return ""  # a broken part: every document made from it is refused when it is verified
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{RPR}/{LANG}")
    return defaults.get(VAL, "") if defaults is not None else ""


def mark_pending(root: etree._Element, label: str, source_tag: str) -> int:
    """Replace each pending marker of a rendered part with ``label`` and a space, highlight its run and tag
    the run with the source language; returns how many runs were marked."""
    marked = 0
    for text in list(root.iter(T)):
        if PENDING_MARKER not in (text.text or ""):
            continue
        text.text = (text.text or "").replace(PENDING_MARKER, f"{label} ")
        run = text.getparent()
        if run is None or run.tag != R:
            continue
        rpr = run.find(RPR)
        if rpr is None:
            rpr = etree.Element(RPR)
            run.insert(0, rpr)
        if rpr.find(HIGHLIGHT) is None:
            highlight = etree.Element(HIGHLIGHT)
            highlight.set(VAL, "yellow")
            _insert_before(rpr, highlight, _AFTER_HIGHLIGHT)
        _set_lang(rpr, source_tag)
        marked += 1
    return marked


__all__ = ["LanguagePartError", "default_language", "mark_pending", "set_document_language"]
