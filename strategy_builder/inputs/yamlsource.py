"""Strict YAML reading: one plain mapping per file, every scalar kept as text, every node's position recorded.

PyYAML's own constructors guess types (``NO`` -> False, ``010`` -> 8, ``2010-06-01`` -> date), keep the
last of duplicate keys and expand aliases. Here the parser's events are composed by hand instead, so that:

- every scalar stays the exact text the drafter wrote (pydantic converts where a field wants a number);
- plain ``null``, ``~`` and empty values are ``None``;
- duplicate keys, anchors, aliases, merge keys, explicit tags, several documents, deep nesting, tabs,
  non-UTF-8 bytes, characters that cannot live in a .docx and oversized files are findings with a location.

The event composer (:class:`_Composer`) is the reference. When libyaml is available and a conservative scan of
the text shows it cannot hold an anchor, an alias or a tag, libyaml's own (Cython) composer builds the node
tree instead and :mod:`strategy_builder.inputs.yaml_nodes` walks it into the same data and the same
positions; anything it cannot judge exactly as the event composer would (every refusal, a second document,
an empty file, any error) sends the file back to the event composer, whose finding is the one reported.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)

from strategy_builder.errors import Finding, Location
from strategy_builder.files import RefusedFile, environment_problem, read_prefix
from strategy_builder.inputs.yaml_nodes import FORBIDDEN_CHARACTER as _FORBIDDEN_CHARACTER
from strategy_builder.inputs.yaml_nodes import NULL_WORDS as _NULL_WORDS
from strategy_builder.inputs.yaml_nodes import compose_nodes as _compose_nodes
from strategy_builder.inputs.yaml_pieces import compose_remembered, remembering
from strategy_builder.limits import YAML_DEPTH, YAML_FILE_BYTES
from strategy_builder.models.source_map import FieldPath, SourceMap, YamlDocument, format_path

MAX_FILE_BYTES = YAML_FILE_BYTES
"""Largest input file accepted (see :mod:`strategy_builder.limits`): a rich partner file is about 20 KiB."""

MAX_DEPTH = YAML_DEPTH
"""Deepest nesting accepted; the input model needs seven levels."""



_CHARACTER_NAMES = {
    "\x00": "U+0000 (NUL)",
    "\x0b": "U+000B (vertical tab, Word's manual line break when pasted)",
    "\x0c": "U+000C (form feed, Word's page break when pasted)",
}


class _Refusal(Exception):
    """Raised inside the composer to stop at the first structural problem of a file."""

    def __init__(self, code: str, message: str, mark: Any, hint: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.mark = mark
        self.hint = hint


# libyaml's parser (when PyYAML was built with it) produces the same events with the same marks, ten
# times faster than the pure-Python one; only its events (and its node tree, see inputs/yaml_nodes.py) are used,
# never its constructors. A file it refuses is read again by the pure-Python parser (see parse_yaml).
_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ESCAPE_DIGITS = {"x": 2, "u": 4, "U": 8}
"""The hexadecimal digits after each escape that names a character by its code (YAML 1.1, 5.7)."""


def _is_plain(event: ScalarEvent) -> bool:
    """Whether a scalar was written unquoted: PyYAML marks that with style None, libyaml with ''."""
    return not event.style


def _position(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def _line_column(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


class _Composer:
    """Turns PyYAML parser events into plain data, refusing every construct that could change meaning."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.source_map = SourceMap()
        self.path: FieldPath = ()
        """The field being composed, so that a refusal can name it."""

    def next_event(self) -> Any:
        return self.loader.get_event()

    def compose_document(self) -> Any:
        event = self.next_event()
        assert isinstance(event, StreamStartEvent)
        event = self.next_event()
        if isinstance(event, StreamEndEvent):
            # Reported at 1:1: the end of the stream may lie past the last line of a blank or comment-only file.
            raise _Refusal("yaml.empty", "the file is empty (it holds no fields, at most comments)",
                           yaml.Mark("", 0, 0, 0, "", 0),
                           "write the fields of the file (see docs/inputs.md); for a partner file, "
                           "'strategy-builder new-partner CODE' writes a skeleton")
        assert isinstance(event, DocumentStartEvent)
        root_event = self.next_event()
        data = self.compose_node(root_event, (), depth=1)
        self.path = ()
        end = self.next_event()
        assert isinstance(end, DocumentEndEvent)
        following = self.next_event()
        if not isinstance(following, StreamEndEvent):
            raise _Refusal("yaml.multiple-documents",
                           "the file holds more than one YAML document (a second '---' starts another)",
                           following.start_mark, "keep one document per file; remove the second '---'")
        return data

    def compose_node(self, event: Any, path: FieldPath, depth: int) -> Any:
        self.path = path
        if depth > MAX_DEPTH:
            raise _Refusal("yaml.too-deep", f"nesting deeper than {MAX_DEPTH} levels", event.start_mark,
                           "the input model needs far fewer levels; check the indentation")
        if isinstance(event, AliasEvent):
            raise _Refusal("yaml.alias", f"alias '*{event.anchor}' is not allowed", event.start_mark,
                           "write the value out in full; anchors and aliases are not supported")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Refusal("yaml.anchor", f"anchor '&{anchor}' is not allowed", event.start_mark,
                           "write each value out in full; anchors and aliases are not supported")
        mark = event.start_mark
        self.source_map.values[path] = (mark.line + 1, mark.column + 1)  # _position, inlined (every node)
        if isinstance(event, ScalarEvent):
            if event.tag is not None:
                self._refuse_explicit_tag(event)
            if event.style == '"':
                self._refuse_forbidden_characters(event)
            if not event.style and event.value in _NULL_WORDS:  # _is_plain
                return None
            return event.value
        if isinstance(event, SequenceStartEvent):
            self._refuse_explicit_tag(event)
            items: list[Any] = []
            while True:
                child = self.next_event()
                if isinstance(child, SequenceEndEvent):
                    return items
                items.append(self.compose_node(child, (*path, len(items)), depth + 1))
        if isinstance(event, MappingStartEvent):
            self._refuse_explicit_tag(event)
            mapping: dict[str, Any] = {}
            while True:
                key_event = self.next_event()
                if isinstance(key_event, MappingEndEvent):
                    return mapping
                key = self._compose_key(key_event, path, mapping)
                value_event = self.next_event()
                mapping[key] = self.compose_node(value_event, (*path, key), depth + 1)
        raise _Refusal("yaml.unexpected", f"unexpected YAML construct ({type(event).__name__})",
                       event.start_mark)

    def _compose_key(self, event: Any, path: FieldPath, mapping: dict[str, Any]) -> str:
        if not isinstance(event, ScalarEvent):
            self.path = path
            raise _Refusal("yaml.complex-key", "a mapping key must be a plain word, not a list or mapping",
                           event.start_mark)
        self.path = (*path, event.value)
        if event.anchor is not None:
            raise _Refusal("yaml.anchor", f"anchor '&{event.anchor}' is not allowed", event.start_mark)
        self._refuse_explicit_tag(event)
        self._refuse_forbidden_characters(event)
        key = event.value
        if key == "<<" and _is_plain(event):
            raise _Refusal("yaml.merge-key", "merge keys ('<<') are not allowed", event.start_mark,
                           "write the merged fields out in full")
        if key in mapping:
            first_line, _ = self.source_map.keys[(*path, key)]
            raise _Refusal("yaml.duplicate-key",
                           f"duplicate key '{key}' (first written on line {first_line})",
                           event.start_mark, "YAML would silently keep only the last one; merge or rename them")
        self.source_map.keys[(*path, key)] = _position(event.start_mark)
        return key

    @staticmethod
    def _refuse_forbidden_characters(event: Any) -> None:
        # The raw text was checked before parsing; this catches characters written as escapes in
        # double-quoted scalars ("\\v", "\\0", "\\x1f", "\\ud800"), which only exist after parsing (a scalar
        # of any other style holds only characters of the raw text).
        if event.style != '"':
            return
        match = _FORBIDDEN_CHARACTER.search(event.value)
        if match is not None:
            raise _Refusal("text.forbidden-character",
                           f"character {_character_name(match.group())} (written as an escape) cannot be stored "
                           "in a Word document", event.start_mark,
                           "remove the escape sequence; write a new line or a blank line instead")

    @staticmethod
    def _refuse_explicit_tag(event: Any) -> None:
        # The parser leaves ``tag`` as None unless the file wrote one ('!!str', '!custom', '!').
        if event.tag is not None:
            raise _Refusal("yaml.tag", f"explicit tag '{event.tag}' is not allowed", event.start_mark,
                           "remove the tag; values are read as text and checked against the input model")


def _decode(raw: bytes, display_name: str) -> tuple[str | None, Finding | None]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        prefix = raw[: error.start].decode("utf-8", errors="replace")
        line, column = _line_column(prefix, len(prefix))
        return None, Finding(
            Location(display_name, line, column), "file.encoding",
            f"the file is not UTF-8 (byte 0x{raw[error.start]:02X} cannot be decoded)",
            hint="save the file as UTF-8 (in most editors: 'Save with encoding' -> UTF-8)")
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def _character_name(character: str) -> str:
    if character in ("\ue000", "\ue001"):
        return f"U+{ord(character):04X} (reserved by strategy-builder for section markers)"
    if character in ("\ue002", "\ue003"):
        return f"U+{ord(character):04X} (reserved by strategy-builder for value markers)"
    if "\ud800" <= character <= "\udfff":
        return f"U+{ord(character):04X} (a lone surrogate, half of a broken character)"
    return _CHARACTER_NAMES.get(character, f"U+{ord(character):04X}")


# Characters YAML itself refuses (DEL and the C1 controls but NEL); PyYAML reports them at the start of the
# file and libyaml without a position, so they are found here first.
_YAML_FORBIDDEN_CHARACTER = re.compile("[\x7f-\x84\x86-\x9f]")


def _control_character_finding(text: str, display_name: str, index: int) -> Finding:
    line, column = _line_column(text, index)
    return Finding(Location(display_name, line, column), "text.forbidden-character",
                   f"character U+{ord(text[index]):04X} (a control character) is not allowed in a YAML file",
                   hint="delete it; it often comes from pasting out of another program")


def _check_characters(text: str, display_name: str) -> Finding | None:
    match = _FORBIDDEN_CHARACTER.search(text)
    control = _YAML_FORBIDDEN_CHARACTER.search(text)
    if control is not None and (match is None or control.start() < match.start()):
        return _control_character_finding(text, display_name, control.start())
    if match is None:
        return None
    line, column = _line_column(text, match.start())
    name = _character_name(match.group())
    return Finding(
        Location(display_name, line, column), "text.forbidden-character",
        f"character {name} cannot be stored in a Word document",
        hint="delete it or replace it with a space or a new line; it often comes from pasting out of Word")


_TAB_IN_INDENTATION = re.compile(r"^[ \t]*\t", re.MULTILINE)
"""The start of a line whose indentation (its leading spaces and tabs) holds a tab."""


def _check_tabs(text: str, display_name: str) -> Finding | None:
    match = _TAB_IN_INDENTATION.search(text)  # the first such line: one search, not a loop over the lines
    if match is None:
        return None
    start = match.start()
    return Finding(
        Location(display_name, text.count("\n", 0, start) + 1, text.index("\t", start) - start + 1),
        "yaml.tab-indentation", "a tab is used for indentation; YAML allows only spaces",
        hint="replace the tab with spaces (two per level is the convention here)")


def _only_printable_lines(text: str) -> bool:
    """Whether ``text`` holds nothing but printable characters and line feeds: then it holds no tab and none
    of the characters the two checks above look for, all of them control, private-use, surrogate or
    non-characters, none printable (tested, character by character). One pass in C over the text instead
    of three regular-expression searches: 0.08 ms instead of 0.8 for a 20 KB partner file, which every
    watcher's rebuild and every check of an edited file reads. A text with a no-break space or a carriage
    return is not printable this way and takes the searches."""
    return text.replace("\n", "").isprintable()


def read_source(path: Path, display_name: str) -> tuple[bytes | None, list[Finding]]:
    """The bytes of an input file, or ``None`` and a finding when it cannot be read, is not a regular file
    (a folder, a FIFO, a device: refused before reading) or is too large."""
    try:
        raw = read_prefix(path, MAX_FILE_BYTES + 1)  # never more than the limit in memory
    except RefusedFile as refused:
        return None, [Finding(Location(display_name), "file.not-regular", refused.reason,
                              hint="an input must be an ordinary YAML file; move or delete this entry")]
    except OSError as error:
        problem = environment_problem(error, display_name, "read")
        return None, [Finding(Location(display_name), "file.unreadable", problem.message, hint=problem.hint)]
    if len(raw) > MAX_FILE_BYTES:
        try:
            size = path.stat().st_size
        except OSError:
            size = len(raw)
        line = raw.count(b"\n", 0, MAX_FILE_BYTES) + 1
        column = MAX_FILE_BYTES - (raw.rfind(b"\n", 0, MAX_FILE_BYTES) + 1) + 1
        return None, [Finding(Location(display_name, line, column), "file.too-large",
                              f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} "
                              f"(1 MiB, passed at line {line})",
                              hint="a rich partner file is about 20 KB: remove pasted material or images "
                                   "encoded as text")]
    return raw, []


def read_yaml(path: Path, display_name: str) -> tuple[YamlDocument | None, list[Finding]]:
    """Read one YAML file whose top level must be a mapping.

    Returns the document, or ``None`` and the findings that prevented reading it. Never raises for
    anything the file contains.
    """
    raw, problems = read_source(path, display_name)
    if raw is None:
        return None, problems
    return parse_yaml(raw, path, display_name)


def parse_yaml(raw: bytes, path: Path, display_name: str) -> tuple[YamlDocument | None, list[Finding]]:
    """:func:`read_yaml` on bytes already read from ``path`` (at most :data:`MAX_FILE_BYTES`)."""
    # The node tree only with libyaml's parser: when a test (or a machine) uses the pure-Python one, every file
    # is read by it alone.
    return parse_yaml_with(raw, path, display_name, "events" if _LOADER is yaml.SafeLoader else "nodes")


Composer = Literal["nodes", "events"]
"""How :func:`parse_yaml_with` composes: ``"events"`` with :class:`_Composer` only (the reference), ``"nodes"``
from libyaml's node tree where :func:`_compose_nodes` can (in a watcher's process, piece by piece with the pieces
remembered: :mod:`strategy_builder.inputs.yaml_pieces`), with :class:`_Composer` for every other file."""


def parse_yaml_with(raw: bytes, path: Path, display_name: str,
                    composer: Composer) -> tuple[YamlDocument | None, list[Finding]]:
    """:func:`parse_yaml` with the composer chosen; both give equal documents and equal findings (which
    tests/inputs/test_yamlsource_nodes.py checks), ``"nodes"`` faster on a valid file."""
    text, problem = _decode(raw, display_name)
    if problem is not None or text is None:
        return None, [problem] if problem else []
    if not _only_printable_lines(text):
        for check in (_check_characters, _check_tabs):
            problem = check(text, display_name)
            if problem is not None:
                return None, [problem]

    composed = None if composer != "nodes" else compose_remembered(text) if remembering() else _compose_nodes(text)
    if composed is not None:
        data, source_map = composed
        return _document(raw, path, display_name, data, source_map)
    outcome = _compose(text, display_name, _LOADER)
    if isinstance(outcome, list) and _LOADER is not yaml.SafeLoader:
        # libyaml refused the file. Its verdicts differ between releases (the libyaml of PyYAML 6.0.4 stops
        # at a nesting limit of its own while it scans ahead, before the composer reaches ours), so the
        # pure-Python parser, alike in every release, reads the file again and its finding is the one
        # reported: a faulty file is reported alike with and without libyaml, and valid files, the common
        # case, keep libyaml's speed.
        outcome = _compose(text, display_name, yaml.SafeLoader)
    if isinstance(outcome, list):
        return None, outcome
    data, event_composer = outcome
    return _document(raw, path, display_name, data, event_composer.source_map)


def _document(raw: bytes, path: Path, display_name: str, data: Any,
              source_map: SourceMap) -> tuple[YamlDocument | None, list[Finding]]:
    """The document of composed ``data``, or the finding that its top level is not a mapping."""
    if not isinstance(data, dict):
        kind = "empty" if data is None else ("a list" if isinstance(data, list) else "a single value")
        line, column = source_map.values.get((), (1, 1))
        return None, [Finding(Location(display_name, line, column), "yaml.top-level",
                              f"the top level of the file must be a mapping of fields, but it is {kind}",
                              hint="start the file with 'key: value' lines, e.g. 'code: AM'")]
    digest = hashlib.sha256(raw).hexdigest()
    return YamlDocument(path, display_name, data, source_map, digest, raw), []


def _compose(text: str, display_name: str, loader_class: type) -> tuple[Any, _Composer] | list[Finding]:
    """The data of ``text`` composed from ``loader_class``'s events and the composer that read it, or the
    finding that stopped it."""
    try:
        loader = loader_class(text)
    except yaml.reader.ReaderError as error:  # a character the checks above do not know of
        return [_control_character_finding(text, display_name, min(error.position, len(text) - 1))]
    composer = _Composer(loader)
    line: int | None
    column: int | None
    try:
        return composer.compose_document(), composer
    except _Refusal as refusal:
        line, column = _position(refusal.mark)
        return [Finding(Location(display_name, line, column, format_path(composer.path)), refusal.code,
                        refusal.message, hint=refusal.hint)]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = _position(mark) if mark is not None else (None, None)
        message = error.problem or str(error)
        if error.context:
            message = f"{message} ({error.context})"
        return [Finding(Location(display_name, line, column), "yaml.syntax", f"YAML syntax error: {message}",
                        hint=(_indentation_hint(text, line) if line is not None else None)
                        or "check the indentation and quoting around this position")]
    except yaml.reader.ReaderError as error:  # libyaml reports unreadable characters while parsing
        return [_control_character_finding(text, display_name, min(error.position, len(text) - 1))]
    except yaml.YAMLError as error:
        return [Finding(Location(display_name, 1, 1), "yaml.syntax", f"YAML error: {error}")]
    except (OverflowError, ValueError):
        # PyYAML's pure-Python scanner makes the character of a "\x", "\u" or "\U" escape with chr() and lets
        # its error out for a code past U+10FFFF (libyaml refuses it; this parser reads the file again, above).
        # It stops on the escape's first hexadecimal digit; anywhere else the error is not the file's.
        index = loader.get_mark().index
        if index < 2 or text[index - 2] != "\\" or text[index - 1] not in "xuU":
            raise
        line, column = _position(loader.get_mark())
        return [Finding(Location(display_name, line, column - 2, format_path(composer.path)), "yaml.syntax",
                        f"YAML syntax error: the escape '{text[index - 2:index + _ESCAPE_DIGITS[text[index - 1]]]}' "
                        "names no character", hint="a character's code is at most 10FFFF ('\\U0010FFFF'); to keep "
                        "a backslash as text, write it twice ('\\\\') or put the value in single quotes")]
    finally:
        loader.dispose()


def _indentation(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _key_column(line: str) -> int:
    """0-based column where the content of a line starts after its list dashes (``  - id: x`` -> 4)."""
    column = _indentation(line)
    while line[column:column + 2] == "- ":
        column += 2
        while line[column:column + 1] == " ":
            column += 1
    return column


def _indentation_hint(text: str, line_number: int) -> str | None:
    """For a syntax error on a line indented differently from the line before it (a sibling field): the
    column expected, and the line with a caret under where it starts. ``None`` when that is not the case."""
    lines = text.split("\n")
    if not 1 <= line_number <= len(lines):
        return None
    offending = lines[line_number - 1]
    if not offending.strip() or offending.lstrip().startswith("#"):
        return None
    before = next((n for n in range(line_number - 1, 0, -1)
                   if lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#")), None)
    if before is None:
        return None
    previous = lines[before - 1]
    expected, indent = _key_column(previous), _indentation(offending)
    opens_block = previous.rstrip().endswith(":") or previous.rstrip().endswith("|") \
        or previous.rstrip().endswith(">")
    if indent == expected or (opens_block and indent > expected) or ":" not in previous:
        return None
    field = previous[expected:].split(":", 1)[0].strip()
    width = len(str(line_number))
    return (f"line {line_number} starts at column {indent + 1}, but the field before it, '{field}' on line "
            f"{before}, starts at column {expected + 1}: indent it to column {expected + 1} if it belongs beside "
            f"it\n{line_number} | {offending}\n{' ' * width} | {' ' * indent}^")
