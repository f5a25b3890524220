"""YAML traps (issue 2, section 3): every construct that could change meaning is refused with its location.

Each trap is a textual mutation of a copy of the shipped sample. It is checked three ways:

- in-process through the real CLI entry point (``strategy_builder.cli.main``) with ``--format json``, asserting
  the exact finding (file, line, column, field, code, severity, message, hint) and the exit code;
- in-process in text format, asserting ``file:line:column``, the field and the message for people;
- as a real process (``run_cli``) for one trap of each kind (two at a time), asserting exit 1, ``file:line`` in
  the output and no traceback (how fast that is lives in ``benchmarks/``, never in a test).

The in-process checks run with libyaml's parser (when PyYAML has it) and with the pure-Python one, so that a
machine without libyaml reads inputs exactly alike. What is asserted is what the program promises (its code, field
and location); a location is exact wherever strategy-builder itself computes it, and bounded where it depends on
how far a parser reads ahead (nesting too deep).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import copy_sample, require_tool, run_cli
from strategy_builder.cli import main
from strategy_builder.inputs import yamlsource
from strategy_builder.inputs.loading import load_project

AM = "inputs/partners/AM.yaml"
STRATEGY = "inputs/strategy.yaml"
HEADER = (
    b"# yaml-language-server: $schema=../../schemas/partner.schema.json\n"
    b"# ILLUSTRATIVE SAMPLE: this content was written to demonstrate strategy-builder. It is not the position of\n"
    b"# any government, ministry or organisation.\n"
)
LIMIT = yamlsource.MAX_FILE_BYTES
DEPTH = yamlsource.MAX_DEPTH


# --------------------------------------------------------------------------- helpers


def replace(old: str | bytes, new: str | bytes) -> Callable[[bytes], bytes]:
    """A mutation replacing the first occurrence of ``old`` (which must be present) by ``new``."""
    old_b = old.encode() if isinstance(old, str) else old
    new_b = new.encode() if isinstance(new, str) else new

    def mutate(data: bytes) -> bytes:
        assert old_b in data, f"{old_b!r} is not in the sample any more; update the trap"
        return data.replace(old_b, new_b, 1)

    return mutate


def position(data: bytes, needle: str | bytes, offset: int = 0, *, last: bool = False) -> tuple[int, int]:
    """1-based line and character column of ``needle`` in ``data`` (a BOM and CRs are not counted)."""
    needle_b = needle.encode() if isinstance(needle, str) else needle
    data = data.removeprefix(b"\xef\xbb\xbf")
    index = (data.rindex(needle_b) if last else data.index(needle_b)) + offset
    before = data[:index].replace(b"\r\n", b"\n")
    line_start = before.rfind(b"\n") + 1
    return before.count(b"\n") + 1, len(before[line_start:].decode("utf-8")) + 1


@dataclass(frozen=True)
class Trap:
    """A mutation of one sample file and the one finding it must produce."""

    id: str
    file: str
    mutate: Callable[[bytes], bytes]
    at: Callable[[bytes], tuple[int, int]]
    field: str
    code: str
    message: str
    """The exact message, or a regular expression when it starts with ``^``."""
    hint: str | None
    """A text the hint must contain (``None``: the finding has no hint)."""


def build(trap: Trap, project: Path) -> bytes:
    """Apply ``trap`` to the sample copy ``project``; returns the mutated bytes."""
    target = project / trap.file
    data = trap.mutate(target.read_bytes())
    target.write_bytes(data)
    return data


def check_in_process(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``strategy-builder ARGS`` through the real entry point, in this process; returns (code, stdout, stderr)."""
    with pytest.raises(SystemExit) as done:
        main(list(args))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return int(done.value.code or 0), captured.out, captured.err


def matches(expected: str, actual: str) -> bool:
    return re.fullmatch(expected, actual) is not None if expected.startswith("^") else expected == actual


def use_parser(name: str, monkeypatch: pytest.MonkeyPatch) -> str:
    if name == "libyaml":
        require_tool(getattr(yaml, "__with_libyaml__", False), "PyYAML built with libyaml")
        monkeypatch.setattr(yamlsource, "_LOADER", yaml.CSafeLoader)
    else:
        monkeypatch.setattr(yamlsource, "_LOADER", yaml.SafeLoader)
    return name


@pytest.fixture(params=["libyaml", "pure-python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test with libyaml's event parser (when available) and with PyYAML's pure-Python one."""
    return use_parser(request.param, monkeypatch)


@pytest.fixture
def libyaml(monkeypatch: pytest.MonkeyPatch) -> str:
    """The parser used when PyYAML has libyaml (the pure-Python one otherwise)."""
    return use_parser("libyaml" if getattr(yaml, "__with_libyaml__", False) else "pure-python", monkeypatch)


def lean(project: Path) -> Path:
    """Keep only Armenia among the partners: the pure-Python parser reads twelve files in 0.1 s."""
    for path in (project / "inputs" / "partners").glob("*.yaml"):
        if path.name != "AM.yaml":
            path.unlink()
    return project


# --------------------------------------------------------------------------- the traps

_PYTHON_TAG = 'official_name: !!python/object/apply:os.system ["echo pwned-by-yaml"]'
_DEEP_FLOW = "official_name: " + "[" * 10_000 + "]" * 10_000
_DEEP_FLOW_MAPPINGS = "official_name: " + "{a: " * 10_000 + "x" + "}" * 10_000
_DEEP_BLOCK = "official_name:\n" + "".join("  " * (i + 1) + "k:\n" for i in range(40)) + "  " * 41 + "x\n"
_DEEP_COMPACT = "official_name:\n  " + "- " * 10_000 + "x\n"
_PAD = b"#" + b"x" * LIMIT + b"\n"
_WORD = "character U+000B (vertical tab, Word's manual line break when pasted) cannot be stored in a Word document"
_PASTE_HINT = "it often comes from pasting out of Word"
_ESCAPE_HINT = "remove the escape sequence"
_ENCODING_HINT = "save the file as UTF-8"
_SITUATION = "expert mission of spring 2010"

TRAPS: list[Trap] = [
    # duplicate keys: reported at the second key
    Trap("duplicate-key", AM, replace("official_name: Republic of Armenia\n",
                                      "official_name: Republic of Armenia\nname: Armenia again\n"),
         lambda d: position(d, "name: Armenia again"), "name", "yaml.duplicate-key",
         "duplicate key 'name' (first written on line 5)", "YAML would silently keep only the last one"),
    Trap("duplicate-key-nested", STRATEGY, replace("  round: 1\n", "  round: 1\n  round: 2\n"),
         lambda d: position(d, "round: 2"), "consultation.round", "yaml.duplicate-key",
         "^duplicate key 'round' \\(first written on line \\d+\\)$", "merge or rename them"),
    Trap("duplicate-key-flow", AM, replace("timeline: {start: 2010-09, end: 2010-12}",
                                           "timeline: {start: 2010-09, start: 2010-10, end: 2010-12}"),
         lambda d: position(d, "start: 2010-10"),
         "areas.illegal_migration.priorities[0].actions[0].timeline.start", "yaml.duplicate-key",
         "^duplicate key 'start' \\(first written on line \\d+\\)$", "merge or rename them"),
    Trap("duplicate-key-quoted", AM, replace("\nname: Armenia\n", '\nname: Armenia\n"name": Armenia\n'),
         lambda d: position(d, '"name"'), "name", "yaml.duplicate-key",
         "duplicate key 'name' (first written on line 5)", "merge or rename them"),
    # anchors, aliases, merge keys
    Trap("anchor", AM, replace("\nname: Armenia\n", "\nname: &n Armenia\n"), lambda d: position(d, "&n"),
         "name", "yaml.anchor", "anchor '&n' is not allowed", "anchors and aliases are not supported"),
    Trap("anchor-on-mapping", AM, replace("key_figures:\n", "key_figures: &figures\n"),
         lambda d: position(d, "&figures"), "key_figures", "yaml.anchor", "anchor '&figures' is not allowed",
         "anchors and aliases are not supported"),
    Trap("alias", AM, replace("official_name: Republic of Armenia", "official_name: *name"),
         lambda d: position(d, "*name"), "official_name", "yaml.alias", "alias '*name' is not allowed",
         "write the value out in full"),
    Trap("alias-in-list", AM, replace("lead: [HU]", "lead: [*leader]"), lambda d: position(d, "*leader"),
         "areas.illegal_migration.priorities[0].actions[0].lead[0]", "yaml.alias",
         "alias '*leader' is not allowed", "write the value out in full"),
    Trap("merge-key", AM, replace("official_name: Republic of Armenia\n",
                                  "official_name: Republic of Armenia\n<<: {situation: merged}\n"),
         lambda d: position(d, "<<"), "<<", "yaml.merge-key", "merge keys ('<<') are not allowed",
         "write the merged fields out in full"),
    # explicit tags, standard and custom
    Trap("tag-python-object", AM, replace("official_name: Republic of Armenia", _PYTHON_TAG),
         lambda d: position(d, "!!python"), "official_name", "yaml.tag",
         "explicit tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed", "remove the tag"),
    Trap("tag-str", AM, replace("value: about 3.2", "value: !!str 010"), lambda d: position(d, "!!str"),
         "key_figures[0].value", "yaml.tag", "explicit tag 'tag:yaml.org,2002:str' is not allowed",
         "values are read as text"),
    Trap("tag-custom", AM, replace("\nname: Armenia\n", "\nname: !custom Armenia\n"),
         lambda d: position(d, "!custom"), "name", "yaml.tag", "explicit tag '!custom' is not allowed",
         "remove the tag"),
    Trap("tag-non-specific", AM, replace("\nname: Armenia\n", "\nname: ! Armenia\n"),
         lambda d: position(d, "! Armenia"), "name", "yaml.tag", "explicit tag '!' is not allowed", "remove the tag"),
    Trap("tag-on-mapping", AM, replace("\nareas:\n", "\nareas: !!map\n"), lambda d: position(d, "!!map"),
         "areas", "yaml.tag", "explicit tag 'tag:yaml.org,2002:map' is not allowed", "remove the tag"),
    Trap("tag-on-key", AM, replace("\nname: Armenia\n", "\n!!str name: Armenia\n"),
         lambda d: position(d, "!!str name"), "name", "yaml.tag",
         "explicit tag 'tag:yaml.org,2002:str' is not allowed", "remove the tag"),
    # several documents, top level, empty files
    Trap("several-documents", AM, lambda d: d + b"---\ncode: AM\n", lambda d: position(d, "---", last=True),
         "", "yaml.multiple-documents", "the file holds more than one YAML document (a second '---' starts another)",
         "keep one document per file"),
    Trap("several-documents-strategy", STRATEGY, lambda d: d + b"---\n", lambda d: position(d, "---", last=True),
         "", "yaml.multiple-documents", "the file holds more than one YAML document (a second '---' starts another)",
         "remove the second '---'"),
    Trap("top-level-list", AM, lambda d: HEADER + b"- code: AM\n- name: Armenia\n", lambda d: (4, 1), "",
         "yaml.top-level", "the top level of the file must be a mapping of fields, but it is a list",
         "start the file with 'key: value' lines"),
    Trap("top-level-scalar", AM, lambda d: HEADER + b"Armenia\n", lambda d: (4, 1), "", "yaml.top-level",
         "the top level of the file must be a mapping of fields, but it is a single value",
         "start the file with 'key: value' lines"),
    Trap("top-level-list-strategy", STRATEGY, lambda d: b"[series, states]\n", lambda d: (1, 1), "",
         "yaml.top-level", "the top level of the file must be a mapping of fields, but it is a list", "key: value"),
    Trap("empty-file", AM, lambda d: b"", lambda d: (1, 1), "", "yaml.empty",
         "the file is empty (it holds no fields, at most comments)", "new-partner CODE"),
    Trap("whitespace-only", AM, lambda d: b"  \n\n    \n", lambda d: (1, 1), "", "yaml.empty",
         "the file is empty (it holds no fields, at most comments)", "docs/inputs.md"),
    Trap("comment-only", STRATEGY, lambda d: HEADER, lambda d: (1, 1), "", "yaml.empty",
         "the file is empty (it holds no fields, at most comments)", "docs/inputs.md"),
    Trap("bom-only", AM, lambda d: b"\xef\xbb\xbf", lambda d: (1, 1), "", "yaml.empty",
         "the file is empty (it holds no fields, at most comments)", "docs/inputs.md"),
    # not UTF-8: located at the bad byte
    Trap("latin-1", AM, replace(_SITUATION, (_SITUATION + " (caf\u00e9)").encode("latin-1")),
         lambda d: position(d, b"\xe9"), "", "file.encoding", "the file is not UTF-8 (byte 0xE9 cannot be decoded)",
         _ENCODING_HINT),
    Trap("latin-1-strategy", STRATEGY, replace("Ministry of Justice", "Minist\u00e8re de la Justice".encode("latin-1")),
         lambda d: position(d, b"\xe8"), "", "file.encoding", "the file is not UTF-8 (byte 0xE8 cannot be decoded)",
         _ENCODING_HINT),
    Trap("lone-surrogate-bytes", AM, replace(_SITUATION, _SITUATION.encode() + b" \xed\xa0\x80"),
         lambda d: position(d, b"\xed\xa0\x80"), "", "file.encoding",
         "the file is not UTF-8 (byte 0xED cannot be decoded)", _ENCODING_HINT),
    Trap("utf-16", AM, lambda d: d.decode("utf-8").encode("utf-16"), lambda d: (1, 1), "", "file.encoding",
         "the file is not UTF-8 (byte 0xFF cannot be decoded)", _ENCODING_HINT),
    Trap("truncated-utf-8", AM, lambda d: d + b"# caf\xc3", lambda d: position(d, b"\xc3"), "", "file.encoding",
         "the file is not UTF-8 (byte 0xC3 cannot be decoded)", _ENCODING_HINT),
    # tabs
    Trap("tab-indentation", AM, replace("\n  readmission_return:", "\n\treadmission_return:"),
         lambda d: position(d, "\treadmission_return"), "", "yaml.tab-indentation",
         "a tab is used for indentation; YAML allows only spaces", "replace the tab with spaces"),
    Trap("tab-after-spaces", STRATEGY, replace("\n  round: 1", "\n  \tround: 1"), lambda d: position(d, "\tround"),
         "", "yaml.tab-indentation", "a tab is used for indentation; YAML allows only spaces", "spaces"),
    # nesting deeper than the limit: no RecursionError, the first level too deep is named
    Trap("deep-flow-sequences", AM, replace("official_name: Republic of Armenia", _DEEP_FLOW),
         lambda d: position(d, "official_name: ", len("official_name: ") + DEPTH - 1),
         "official_name" + "[0]" * (DEPTH - 1), "yaml.too-deep", f"nesting deeper than {DEPTH} levels",
         "check the indentation"),
    Trap("deep-flow-mappings", AM, replace("official_name: Republic of Armenia", _DEEP_FLOW_MAPPINGS),
         lambda d: position(d, "official_name: ", len("official_name: ") + 4 * (DEPTH - 1)),
         "official_name" + ".a" * (DEPTH - 1), "yaml.too-deep", f"nesting deeper than {DEPTH} levels",
         "check the indentation"),
    Trap("deep-block-mappings", AM, replace("official_name: Republic of Armenia\n", _DEEP_BLOCK),
         lambda d: position(d, "\n" + "  " * DEPTH + "k:", 1 + 2 * DEPTH),
         "official_name" + ".k" * (DEPTH - 1), "yaml.too-deep", f"nesting deeper than {DEPTH} levels",
         "check the indentation"),
    Trap("deep-compact-sequences", AM, replace("official_name: Republic of Armenia\n", _DEEP_COMPACT),
         lambda d: position(d, "official_name:\n  ", len("official_name:\n  ") + 2 * (DEPTH - 1)),
         "official_name" + "[0]" * (DEPTH - 1), "yaml.too-deep",
         f"nesting deeper than {DEPTH} levels", "check the indentation"),
    # larger than the limit: located where the limit is passed, without reading the rest
    Trap("too-large", AM, lambda d: d + _PAD, lambda d: position(d, _PAD, LIMIT - (len(d) - len(_PAD))),
         "", "file.too-large", rf"^the file is [0-9,]+ bytes; the limit is {LIMIT:,} \(1 MiB, passed at line \d+\)$",
         "remove pasted material"),
    # characters a .docx cannot hold: rejected, not normalised
    Trap("vertical-tab", AM, replace(_SITUATION, _SITUATION + " \x0b"), lambda d: position(d, "\x0b"), "",
         "text.forbidden-character", _WORD, _PASTE_HINT),
    Trap("nul", AM, replace(_SITUATION, _SITUATION + " \x00"), lambda d: position(d, "\x00"), "",
         "text.forbidden-character", "character U+0000 (NUL) cannot be stored in a Word document", _PASTE_HINT),
    Trap("unit-separator", STRATEGY, replace("Migration Partnership Strategy", "Migration\x1fPartnership Strategy"),
         lambda d: position(d, "\x1f"), "", "text.forbidden-character",
         "character U+001F cannot be stored in a Word document", _PASTE_HINT),
    Trap("form-feed", AM, replace(_SITUATION, _SITUATION + "\x0c"), lambda d: position(d, "\x0c"), "",
         "text.forbidden-character", "character U+000C (form feed, Word's page break when pasted) cannot be stored "
         "in a Word document", _PASTE_HINT),
    Trap("non-character", AM, replace("\nname: Armenia\n", "\nname: Armenia\ufffe\n"),
         lambda d: position(d, "\ufffe"), "", "text.forbidden-character",
         "character U+FFFE cannot be stored in a Word document", _PASTE_HINT),
    Trap("section-marker", AM, replace("\nname: Armenia\n", "\nname: Arm\ue000enia\n"),
         lambda d: position(d, "\ue000"), "", "text.forbidden-character",
         "character U+E000 (reserved by strategy-builder for section markers) cannot be stored in a Word document",
         _PASTE_HINT),
    Trap("value-marker", AM, replace("\nname: Armenia\n", "\nname: Arm\ue003enia\n"),
         lambda d: position(d, "\ue003"), "", "text.forbidden-character",
         "character U+E003 (reserved by strategy-builder for value markers) cannot be stored in a Word document",
         _PASTE_HINT),
    Trap("escaped-vertical-tab", AM, replace("official_name: Republic of Armenia",
                                             'official_name: "Republic\\vof Armenia"'),
         lambda d: position(d, '"Republic'), "official_name", "text.forbidden-character",
         "character U+000B (vertical tab, Word's manual line break when pasted) (written as an escape) cannot be "
         "stored in a Word document", _ESCAPE_HINT),
    Trap("escaped-nul", AM, replace("\nname: Armenia\n", '\nname: "Armenia\\0"\n'), lambda d: position(d, '"Arm'),
         "name", "text.forbidden-character",
         "character U+0000 (NUL) (written as an escape) cannot be stored in a Word document", _ESCAPE_HINT),
    Trap("escaped-control", AM, replace("\nname: Armenia\n", '\nname: "Armenia\\x1f"\n'),
         lambda d: position(d, '"Arm'), "name", "text.forbidden-character",
         "character U+001F (written as an escape) cannot be stored in a Word document", _ESCAPE_HINT),
    Trap("escaped-in-key", AM, replace("\nname: Armenia\n", '\n"na\\vme": Armenia\n'), lambda d: position(d, '"na'),
         "na\x0bme", "text.forbidden-character",
         "character U+000B (vertical tab, Word's manual line break when pasted) (written as an escape) cannot be "
         "stored in a Word document", _ESCAPE_HINT),
    # PyYAML's pure-Python scanner let chr()'s error out for these (an internal error, exit 3); libyaml refuses them
    Trap("escape-past-unicode", AM, replace("\nname: Armenia\n", '\nname: "Armenia\\U00110000"\n'),
         lambda d: position(d, "\\U0011"), "name", "yaml.syntax",
         "YAML syntax error: the escape '\\U00110000' names no character", "at most 10FFFF"),
    Trap("escape-past-a-c-int", AM, replace("\nname: Armenia\n", '\nname: "Armenia\\UFFFFFFFF"\n'),
         lambda d: position(d, "\\UFFFF"), "name", "yaml.syntax",
         "YAML syntax error: the escape '\\UFFFFFFFF' names no character", "at most 10FFFF"),
    Trap("delete-character", AM, replace("\nname: Armenia\n", "\nname: Armenia\x7f\n"),
         lambda d: position(d, "\x7f"), "", "text.forbidden-character",
         "character U+007F (a control character) is not allowed in a YAML file", "delete it"),
    Trap("c1-control", AM, replace("\nname: Armenia\n", "\nname: Armenia\x80\n"), lambda d: position(d, "\x80"),
         "", "text.forbidden-character", "character U+0080 (a control character) is not allowed in a YAML file",
         "delete it"),
    # a BOM and CRLF endings do not move the reported location
    Trap("crlf-and-bom-duplicate-key", AM,
         lambda d: b"\xef\xbb\xbf" + replace("official_name: Republic of Armenia\n",
                                              "official_name: Republic of Armenia\nname: again\n")(d)
         .replace(b"\n", b"\r\n"),
         lambda d: (7, 1), "name", "yaml.duplicate-key", "duplicate key 'name' (first written on line 5)",
         "merge or rename them"),
    Trap("syntax-error", AM, replace("\nname: Armenia\n", "\nname: Armenia: again\n"), lambda d: (5, 14), "",
         "yaml.syntax", "^YAML syntax error: mapping values are not allowed (here|in this context)$",
         "check the indentation and quoting"),
]


def _trap_ids() -> list[str]:
    return [trap.id for trap in TRAPS]


def test_trap_ids_are_unique() -> None:
    assert len(set(_trap_ids())) == len(TRAPS)


@pytest.mark.parametrize("trap", TRAPS, ids=_trap_ids())
def test_trap_is_reported_with_its_location(trap: Trap, sample_project: Path, parser: str,
                           capsys: pytest.CaptureFixture[str]) -> None:
    if parser == "pure-python":
        lean(sample_project)
    data = build(trap, sample_project)
    line, column = trap.at(data)
    code, out, _ = check_in_process(capsys, "check", "--format", "json", str(sample_project))
    assert code == 1
    payload = json.loads(out)
    assert payload["errors"] >= 1
    assert set(payload) == {"errors", "warnings", "findings"}
    found = [f for f in payload["findings"] if f["file"] == trap.file and f["code"] == trap.code]
    assert len(found) == 1, payload["findings"]
    finding = found[0]
    assert_located(trap, (finding["line"], finding["column"]), (line, column))
    assert finding["field"] == trap.field
    assert finding["severity"] == "error"
    assert matches(trap.message, finding["message"]), finding["message"]
    if trap.hint is None:
        assert finding["hint"] is None
    else:
        assert trap.hint in finding["hint"]
    # A file that cannot be read is reported once: no schema noise about the same file.
    assert [f["code"] for f in payload["findings"] if f["file"] == trap.file] == [trap.code]
    if parser == "libyaml":
        assert_text_report(trap, sample_project, (finding["line"], finding["column"]), capsys)


def assert_located(trap: Trap, reported: tuple[int, int], expected: tuple[int, int]) -> None:
    """The finding is where the trap says; nesting too deep is on the line of the first level too deep, at or
    before that level (how far ahead a parser reads before it reports is its own business)."""
    if trap.code == "yaml.too-deep":
        assert reported[0] == expected[0] and 1 <= reported[1] <= expected[1], (trap.id, reported, expected)
    else:
        assert reported == expected, (trap.id, reported, expected)


def assert_text_report(trap: Trap, project: Path, where: tuple[int, int],
                       capsys: pytest.CaptureFixture[str]) -> None:
    """The report for people: ``file:line:column  error  field``, the message and the code."""
    line, column = where
    code, out, _ = check_in_process(capsys, "check", str(project))
    assert code == 1
    first = next(row for row in out.splitlines() if row.startswith(f"{trap.file}:{line}:{column}  error"))
    if trap.field:
        assert first.endswith(re.sub("[\x00-\x1f]", "", trap.field))
    body = out[out.index(first):]
    if not trap.message.startswith("^"):
        assert trap.message in body
    assert f"({trap.code})" in body
    assert "1 error(s)" in out


REAL_PROCESS = ["duplicate-key", "anchor", "merge-key", "tag-python-object", "several-documents", "empty-file",
                "latin-1", "tab-indentation", "deep-flow-sequences", "too-large", "escaped-vertical-tab"]
"""One trap of each kind as a real process (about 0.4 s each); every trap runs through ``main`` above."""


def test_one_trap_of_each_kind_in_a_real_process_exits_1_with_its_location(tmp_path: Path) -> None:
    """The issue's own check: each mutated copy exits 1 with file:line and no traceback."""
    jobs = []
    for trap in (t for t in TRAPS if t.id in REAL_PROCESS):
        project = copy_sample(tmp_path / trap.id)
        data = build(trap, project)
        jobs.append((trap, project, trap.at(data)))

    def run(job: tuple[Trap, Path, tuple[int, int]]) -> tuple[Trap, tuple[int, int],
                                                               subprocess.CompletedProcess[str]]:
        trap, project, where = job
        return trap, where, run_cli("check", str(project), timeout=120)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, jobs))
    for trap, (line, column), result in results:
        assert result.returncode == 1, (trap.id, result.stdout, result.stderr)
        where = f"{trap.file}:{line}:" if trap.code == "yaml.too-deep" else f"{trap.file}:{line}:{column}"
        assert where in result.stdout, (trap.id, result.stdout)
        assert f"({trap.code})" in result.stdout, (trap.id, result.stdout)
        assert "Traceback" not in result.stderr + result.stdout, trap.id
    python_tag = next(r for t, _, r in results if t.id == "tag-python-object")
    assert "pwned-by-yaml" not in python_tag.stdout.replace("echo pwned-by-yaml", "")


# --------------------------------------------------------------------------- accepted: BOM, CRLF, markers


ACCEPTED: dict[str, Callable[[bytes], bytes]] = {
    "bom": lambda d: b"\xef\xbb\xbf" + d,
    "crlf": lambda d: d.replace(b"\n", b"\r\n"),
    "bom-and-crlf": lambda d: b"\xef\xbb\xbf" + d.replace(b"\n", b"\r\n"),
    "cr-only": lambda d: d.replace(b"\n", b"\r"),
    "explicit-document-markers": lambda d: b"---\n" + d + b"...\n",
    "no-final-newline": lambda d: d.rstrip(b"\n"),
}


@pytest.mark.parametrize("name", list(ACCEPTED))
@pytest.mark.parametrize("file", [AM, STRATEGY])
def test_bom_and_line_endings_are_accepted_in_process(name: str, file: str, sample_project: Path,
                                                      libyaml: str) -> None:
    target = sample_project / file
    original = load_project(sample_project)
    target.write_bytes(ACCEPTED[name](target.read_bytes()))
    result = load_project(sample_project)
    assert not result.findings.items, [f.to_json() for f in result.findings]
    assert result.project is not None and original.project is not None
    # The same data is read: the BOM and the line endings change nothing.
    assert result.project.strategy == original.project.strategy
    assert [p.model for p in result.project.partners] == [p.model for p in original.project.partners]


@pytest.mark.parametrize("name", list(ACCEPTED))
def test_pure_python_parser_accepts_the_same_forms(name: str, sample_project: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    use_parser("pure-python", monkeypatch)
    lean(sample_project)
    before = load_project(sample_project, only={"AM"})
    for file in (AM, STRATEGY):
        target = sample_project / file
        target.write_bytes(ACCEPTED[name](target.read_bytes()))
    after = load_project(sample_project, only={"AM"})
    assert not after.findings.items, [f.to_json() for f in after.findings]
    assert after.project is not None and before.project is not None
    assert after.project.strategy == before.project.strategy
    assert after.project.partners[0].model == before.project.partners[0].model


@pytest.mark.parametrize("file", [AM, STRATEGY])
def test_bom_and_crlf_pass_in_a_real_process(file: str, sample_project: Path) -> None:
    target = sample_project / file
    target.write_bytes(ACCEPTED["bom-and-crlf"](target.read_bytes()))
    result = run_cli("check", "--strict", str(sample_project))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "inputs are valid: 12 partner(s)" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_file_of_exactly_the_size_limit_is_read(sample_project: Path) -> None:
    target = sample_project / AM
    data = target.read_bytes()
    padding = LIMIT - len(data) - 2
    target.write_bytes(data + b"#" + b"x" * padding + b"\n")
    assert target.stat().st_size == LIMIT
    result = load_project(sample_project)
    assert not result.findings.items


# --------------------------------------------------------------------------- scalars stay the text written


TEXT_VALUES = ["010", "1.10", "yes", "on", "NO", "off", "2010-06-01", "0x1F", "1e3", ".inf", "0o17", "12:30",
               "true", "Null-island", "-1"]


@pytest.mark.parametrize("value", TEXT_VALUES)
def test_scalars_where_text_is_expected_stay_text(value: str, sample_project: Path, libyaml: str) -> None:
    target = sample_project / AM
    text = target.read_text(encoding="utf-8")
    text = text.replace("value: about 3.2", f"value: {value}", 1)
    text = text.replace("title: Towards integrated border management", f"title: {value}", 1)
    text = text.replace("official_name: Republic of Armenia", f"official_name: {value}", 1)
    target.write_text(text, encoding="utf-8")
    result = load_project(sample_project)
    assert not result.findings.items, [f.to_json() for f in result.findings]
    assert result.project is not None
    armenia = next(p.model for p in result.project.partners if p.code == "AM")
    assert armenia.key_figures[0].value == value
    assert armenia.official_name == value
    assert armenia.areas.illegal_migration.priorities[0].title == value


def test_no_in_a_lead_list_is_norway(sample_project: Path, parser: str) -> None:
    target = sample_project / AM
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("lead: [HU]", "lead: [NO, HU]", 1)
                      .replace("lead: [PL]\n", "lead:\n              - NO\n", 1), encoding="utf-8")
    result = load_project(sample_project)
    assert not result.findings.items, [f.to_json() for f in result.findings]
    assert result.project is not None
    armenia = next(p.model for p in result.project.partners if p.code == "AM")
    actions = armenia.areas.illegal_migration.priorities[0].actions
    assert actions[0].lead == ["NO", "HU"]
    assert actions[1].lead == ["NO"]
    assert result.project.strategy.state("NO") is not None
    assert result.project.strategy.state("NO").name == "Norway"  # type: ignore[union-attr]


def test_a_number_field_reads_010_as_ten_not_octal_eight(sample_project: Path, parser: str) -> None:
    target = sample_project / STRATEGY
    target.write_text(target.read_text(encoding="utf-8").replace("round: 1\n", "round: 010\n"), encoding="utf-8")
    result = load_project(sample_project)
    assert result.project is not None
    assert result.project.strategy.consultation.round == 10


@pytest.mark.parametrize("written", ["null", "~", "", "Null", "NULL"])
def test_plain_null_is_an_empty_value(written: str, sample_project: Path, libyaml: str) -> None:
    target = sample_project / AM
    target.write_text(target.read_text(encoding="utf-8").replace("\nname: Armenia\n", f"\nname: {written}\n"),
                      encoding="utf-8")
    result = load_project(sample_project)
    [finding] = result.findings.errors
    assert finding.code == "schema.string_type"
    assert finding.message == "expected text, found nothing (an empty value)"
    assert (finding.location.line, finding.location.field_path) == (5, "name")


def test_quoted_null_is_text(sample_project: Path, parser: str) -> None:
    target = sample_project / AM
    target.write_text(target.read_text(encoding="utf-8").replace("\nname: Armenia\n", '\nname: "null"\n'),
                      encoding="utf-8")
    result = load_project(sample_project)
    assert result.project is not None
    assert next(p for p in result.project.partners if p.code == "AM").model.name == "null"


# --------------------------------------------------------------------------- alias bomb: never expanded

_BOMB = b"".join([
    b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n',
    *(b"%s: &%s [%s]\n" % (chr(98 + i).encode(), chr(98 + i).encode(),
                           b",".join([b"*" + chr(97 + i).encode()] * 9)) for i in range(8)),
    b"j: [*i,*i,*i,*i,*i,*i,*i,*i,*i]\n",
])

_MEMORY_PROBE = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from strategy_builder.inputs.loading import load_project
result = load_project(Path(sys.argv[1]))
finding = result.findings.errors[0]
# VmHWM is this program's own peak; ru_maxrss would include the forking pytest process's size on Linux.
peak_kib = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
                if line.startswith("VmHWM:"))
print(finding.code, finding.location.render(), peak_kib)
"""


def test_alias_bomb_is_refused_at_its_first_anchor(sample_project: Path, parser: str) -> None:
    (sample_project / AM).write_bytes(HEADER + _BOMB)
    result = load_project(sample_project)
    [finding] = result.findings.errors
    assert (finding.code, finding.location.render(), finding.location.field_path) == (
        "yaml.anchor", f"{AM}:4:4", "a")


def test_alias_bomb_uses_modest_memory_in_a_real_process(sample_project: Path) -> None:
    (sample_project / AM).write_bytes(HEADER + _BOMB)
    probe = subprocess.run([sys.executable, "-c", _MEMORY_PROBE, str(sample_project)], capture_output=True,
                           text=True, timeout=60)
    assert probe.returncode == 0, probe.stderr
    code, where, max_rss_kib = probe.stdout.split()
    assert (code, where) == ("yaml.anchor", f"{AM}:4:4")
    assert int(max_rss_kib) < 300 * 1024  # the whole interpreter with pydantic, far below the 1 GiB cap
    cli = run_cli("check", str(sample_project))
    assert cli.returncode == 1
    assert f"{AM}:4:4" in cli.stdout
    assert "Traceback" not in cli.stderr


def test_an_escaped_lone_surrogate_is_refused_where_it_is_written(sample_project: Path, parser: str) -> None:
    """The character check refuses the decoded '\\ud800' where it is written, with and without libyaml."""
    target = sample_project / AM
    target.write_text(target.read_text(encoding="utf-8").replace("\nname: Armenia\n", '\nname: "Armenia \\ud800"\n'),
                      encoding="utf-8")
    result = load_project(sample_project)
    [finding] = result.findings.errors
    assert finding.code == "text.forbidden-character"
    assert (finding.location.line, finding.location.column, finding.location.field_path) == (5, 7, "name")
    assert finding.message.startswith("character U+D800 (a lone surrogate, half of a broken character)")
    json.dumps(finding.to_json(), ensure_ascii=False).encode("utf-8")  # printable: no surrogate in the message


def test_deep_nesting_never_raises_recursion_error(sample_project: Path, parser: str) -> None:
    # 100,000 unclosed brackets: the parser streams, the composer stops at the limit.
    (sample_project / AM).write_bytes(HEADER + b"code: " + b"[" * 100_000)
    result = load_project(sample_project)
    [finding] = result.findings.errors
    assert finding.code == "yaml.too-deep"
    assert finding.location.field_path == "code" + "[0]" * (DEPTH - 1)
    assert finding.location.line == 4 and finding.location.column <= len("code: ") + DEPTH


def test_many_stray_keys_are_reported_briefly(sample_project: Path) -> None:
    """A file under the size limit with 60,000 unknown keys: a few findings and a count of the rest."""
    (sample_project / AM).write_bytes((sample_project / AM).read_bytes()
                                      + b"".join(b"stray%d: x\n" % i for i in range(60_000)))
    result = load_project(sample_project)
    errors = [f for f in result.findings.errors if f.location.file == AM]
    assert len(errors) == 51
    listed = [f for f in errors if f.code == "schema.unknown-field"]
    assert len(listed) == 50
    assert listed[0].message == "unknown field 'stray0'"
    assert listed[0].hint is not None and "allowed fields here" in listed[0].hint
    [summary] = [f for f in errors if f.code == "findings.too-many"]
    assert summary.message == "59950 more problem(s) in this file from here on are not listed (only the first 50 are)"
    assert summary.location.line is not None
