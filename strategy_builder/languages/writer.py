"""Writing translation files: new entries and updated ones, everything else of the file kept byte for byte.

``translate import`` changes only the entries it carries: each one is written as

    <key>:
      source: <fingerprint>
      text: <translation>      (a literal block, ``|-``, for several lines or long texts)

(and ``abbreviation``, ``note`` when it has them). An entry that exists already keeps its lines: its
``source``, ``text``, ``abbreviation`` and ``note`` values are changed in
place by the byte-preserving YAML editor (:mod:`strategy_builder.inputs.yaml_edit`, the one home for
editing YAML), so comments and layout inside the entry stay. Only an entry the editor cannot change in
place (other keys than these, a text of several lines where a one-line style was written) is written anew
from its key's line to the last line of its value. Every other line of the file (the header, comments
between entries, entries not imported, their layout) stays as it was. A new entry goes before the first
entry that comes after it in the source's order, or at the end. The previous file is copied to the
project's backup folder first and the new files of one import replace the old ones together
(:func:`strategy_builder.languages.exchange.import_translations`).

Each entry is edited on its own lines (a small YAML document), so that an import of many entries costs
one read of each entry, not one read of the whole file per entry.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import yaml

from strategy_builder.inputs.yaml_edit import EditRefused, YamlEditor
from strategy_builder.models.prose import parse_prose

_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n]*$")
_NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})
_LONG = 100
_WIDTH = 100


class EntryUpdate(NamedTuple):
    """One translation to write: the key, the fingerprint of the source it translates, the text."""

    key: str
    source: str
    text: str
    prose: bool = False
    """A long text in the prose syntax: written as a block, wrapped (paragraphs and bullets kept)."""
    note: str | None = None
    """The translator's note, written as ``note``."""
    abbreviation: str | None = None
    """The language's abbreviation of a full name, written as ``abbreviation`` (kept through an import)."""


def _scalar(text: str) -> str:
    """A one-line text as YAML: plain when that reads back as the same text, double-quoted otherwise."""
    plain = (_PLAIN.match(text) is not None and ": " not in text and " #" not in text
             and not text.endswith((":", " ")) and text not in _NULL_WORDS)
    return text if plain else json.dumps(text, ensure_ascii=False)


def _wrapped(text: str) -> str:
    """A prose text with its paragraphs and bullets wrapped at about 100 characters; the prose syntax reads
    it back as the same blocks (lines of a paragraph are joined; an indented line continues a bullet)."""
    lines: list[str] = []
    previous = ""
    for index, block in enumerate(parse_prose(text)):
        if index and not (block.kind == "bullet" and previous == "bullet"):
            lines.append("")
        if block.kind == "bullet":
            lines.extend(textwrap.wrap(block.text, _WIDTH, initial_indent="- ", subsequent_indent="  ",
                                       break_long_words=False, break_on_hyphens=False))
        else:
            lines.extend(textwrap.wrap(block.text, _WIDTH, break_long_words=False, break_on_hyphens=False))
        previous = block.kind
    return "\n".join(lines)


def _field(name: str, text: str) -> list[str]:
    if "\n" in text or len(text) > _LONG or text != text.strip():
        return [f"  {name}: |-", *(f"    {line}" if line else "" for line in text.split("\n"))]
    return [f"  {name}: {_scalar(text)}"]


def _fields(update: EntryUpdate) -> dict[str, str]:
    """The values of an entry: ``source``, ``text`` (wrapped, for prose), ``abbreviation`` and ``note`` (when
    there is one)."""
    text = update.text.replace("\r\n", "\n")
    fields = {"source": update.source, "text": _wrapped(text) if update.prose else text}
    if update.abbreviation:
        fields["abbreviation"] = update.abbreviation
    if update.note:
        fields["note"] = update.note.replace("\r\n", "\n")
    return fields


def entry_text(update: EntryUpdate) -> str:
    """The lines of one entry, ending with a newline."""
    fields = _fields(update)
    lines = [f"{update.key}:", f"  source: {fields['source']}"]
    lines += _field("text", fields["text"])
    if "abbreviation" in fields:
        lines += _field("abbreviation", fields["abbreviation"])
    if "note" in fields:
        lines += _field("note", fields["note"])
    return "\n".join(lines) + "\n"


def _edited_in_place(entry_lines: list[str], update: EntryUpdate) -> list[str] | None:
    """The existing entry's own lines with its values changed by the YAML editor (comments and layout inside
    the entry kept), or ``None`` when the entry cannot take the new values in place."""
    fields = _fields(update)
    try:
        editor = YamlEditor(("\n".join(entry_lines) + "\n").encode("utf-8"), f"translation entry {update.key}")
        keys = editor.keys((update.key,))
        if keys is None or set(keys) != set(fields):
            return None
        if any("\n" in value and editor.style((update.key, name)) != "|" for name, value in fields.items()):
            return None  # a block of several lines where a one-line style was written: the entry is written anew
        for name in ("text", "abbreviation", "note", "source"):
            if name in fields:
                editor.set_value((update.key, name), fields[name])
    except EditRefused:
        return None
    return editor.result().decode("utf-8").rstrip("\n").split("\n")


def new_file_text(header: str, updates: Sequence[EntryUpdate]) -> str:
    """A whole new translation file: the header (comment lines) and the entries in the order given."""
    return header + "".join(entry_text(update) for update in updates)


def _spans(text: str) -> dict[str, tuple[int, int]]:
    """Top-level key -> (first line, line after the last line of its value), 0-based."""
    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(root, yaml.MappingNode):
        return {}
    lines = text.split("\n")
    spans = {}
    for key_node, value_node in root.value:
        start = key_node.start_mark.line
        end = value_node.end_mark.line + (1 if value_node.end_mark.column else 0)
        # The value's end lies at the next key: give back the blank lines and unindented comments before it.
        while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
            end -= 1
        spans[str(key_node.value)] = (start, end)
    return spans


def updated_file_text(text: str, updates: Sequence[EntryUpdate], order: Sequence[str]) -> str:
    """``text`` with each update replacing its entry or inserted where the source's ``order`` puts it."""
    spans = _spans(text)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
        trailing_newline = True
    else:
        trailing_newline = not lines
    position = {key: index for index, key in enumerate(order)}
    replacements: dict[int, tuple[int, list[str]]] = {}  # first line -> (end line, new lines)
    insertions: dict[int, list[str]] = {}  # line -> new lines to insert before it
    for update in updates:
        new_lines = entry_text(update).rstrip("\n").split("\n")
        if update.key in spans:
            start, end = spans[update.key]
            replacements[start] = (end, _edited_in_place(lines[start:end], update) or new_lines)
            continue
        rank = position.get(update.key, len(position))
        following = sorted((spans[key][0] for key in spans if position.get(key, len(position)) > rank))
        insertions.setdefault(following[0] if following else len(lines), []).extend(new_lines)
    result: list[str] = []
    index = 0
    while index <= len(lines):
        if index in insertions:
            result.extend(insertions[index])
        if index == len(lines):
            break
        if index in replacements:
            end, new_lines = replacements[index]
            result.extend(new_lines)
            index = end
            continue
        result.append(lines[index])
        index += 1
    return "\n".join(result) + ("\n" if trailing_newline or result else "")


def translation_file_text(path: Path, header: str, updates: Sequence[EntryUpdate], order: Sequence[str]) -> str:
    """The new text of the translation file ``path`` (created, or updated as the module says); nothing is
    written: the caller replaces the files of one import together, after keeping their backups."""
    if path.is_file():
        return updated_file_text(path.read_text(encoding="utf-8-sig"), updates, order)
    ranked = sorted(updates, key=lambda u: {key: i for i, key in enumerate(order)}.get(u.key, len(order)))
    return new_file_text(header, ranked)


__all__ = ["EntryUpdate", "entry_text", "new_file_text", "translation_file_text", "updated_file_text"]
