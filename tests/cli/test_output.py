"""The one place findings and errors are shown (cli/output.py): rich text for people, JSON for machines."""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from strategy_builder.cli import output
from strategy_builder.cli.output import ReaderGuard
from strategy_builder.errors import EnvironmentProblem, ExitCode, Finding, Findings, Location, Severity

WARNING = Finding(Location("inputs/partners/AM.yaml", 12, 5, "areas.integration"), "policy.empty-area",
                  "the area has no priorities", Severity.WARNING, hint="add a priority or say why it is empty")
ERROR = Finding(Location("inputs/partners/AM.yaml", 3, 7, "partner.name"), "schema.type",
                "[not] a string", hint="write the name as text")


def _console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=200, color_system=None, highlight=False), buffer


def test_findings_are_shown_in_file_order_with_place_field_code_and_hint() -> None:
    console, buffer = _console()
    output.render_findings(Findings([WARNING, ERROR]), console)
    lines = buffer.getvalue().splitlines()
    assert lines[0].startswith("inputs/partners/AM.yaml:3:7") and "error" in lines[0] and "partner.name" in lines[0]
    assert lines[1].strip() == "[not] a string  (schema.type)"  # markup in a message is text, not style
    assert lines[2].strip() == "hint: write the name as text"
    assert lines[3].startswith("inputs/partners/AM.yaml:12:5") and "warning" in lines[3]
    assert lines[-1] == "1 error(s), 1 warning(s)"


def test_without_findings_only_the_summary_is_shown() -> None:
    console, buffer = _console()
    output.render_findings(Findings([]), console, summary_ok="inputs are valid")
    assert buffer.getvalue() == "inputs are valid\n"


def test_the_json_forms_count_and_list_everything(capsys: pytest.CaptureFixture[str]) -> None:
    payload = output.findings_payload(Findings([WARNING, ERROR]))
    assert (payload["errors"], payload["warnings"]) == (1, 1)
    assert [f["code"] for f in payload["findings"]] == ["schema.type", "policy.empty-area"]
    output.print_json(payload)
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(payload))
    problem = EnvironmentProblem("the disk is full", hint="free some space")
    assert output.error_payload(problem) == {"error": {
        "type": "EnvironmentProblem", "message": "the disk is full", "hint": "free some space",
        "exit_code": int(ExitCode.USAGE_OR_ENVIRONMENT)}}


def test_quiet_hides_notes_and_verbose_shows_details(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        output.set_verbosity(-1)
        output.note("wrote a file")
        output.detail("template: x")
        assert capsys.readouterr().err == "" and output.is_quiet()
        output.set_verbosity(1)
        output.note("wrote a file")
        output.detail("template: [x]")
        assert capsys.readouterr().err.splitlines() == ["wrote a file", "template: [x]"]
    finally:
        output.set_verbosity(0)


def test_a_file_name_that_is_not_utf8_prints_under_a_strict_utf8_locale(built_sample: Path, tmp_path: Path) -> None:
    """Python opens stdout strict under a locale such as en_US.UTF-8 (PYTHONIOENCODING=utf-8:strict stands in
    for it): a name unpacked from a Windows zip (Minist\\xe8re) printed as text or JSON was an internal error."""
    named = Path(os.fsdecode(bytes(tmp_path) + b"/AM_001_Minist\xe8re.docx"))
    shutil.copy(built_sample / "build/drafts/001/AM.docx", named)
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "NO_COLOR": "1"}
    environment.pop("PYTHONUTF8", None)
    for args in (["sections", str(named), "--format", "json"], ["comments", str(named)]):
        done = subprocess.run([sys.executable, "-m", "strategy_builder", *args, "--project", str(built_sample)]
                              if args[0] == "comments" else [sys.executable, "-m", "strategy_builder", *args],
                              capture_output=True, timeout=120, env=environment)
        assert done.returncode == 0, (args, done.stderr)
        assert b"internal error" not in done.stderr
    payload = json.loads(subprocess.run([sys.executable, "-m", "strategy_builder", "sections", str(named), "--format",
                                         "json"], capture_output=True, timeout=120, env=environment).stdout)
    assert Path(payload["file"]) == named  # the JSON escapes give the name back, to open the file


def _stream_of(fd: int) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BufferedWriter(io.FileIO(fd, "w", closefd=False), buffer_size=16), encoding="utf-8")


def test_a_guarded_stream_whose_reader_has_gone_drops_the_rest_of_the_output() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader went (| head, done)
    duplicate = os.dup(write_end)  # what the stream writes to: pointed at the null device by the guard
    try:
        guarded = ReaderGuard.around(_stream_of(duplicate), "standard output")
        for _ in range(100):
            guarded.write("a line longer than the sixteen bytes of the buffer\n")  # no error
        guarded.flush()
        guarded.buffer.write(b"bytes too\n")
        guarded.buffer.flush()
        assert os.path.samestat(os.fstat(duplicate), os.stat(os.devnull))
    finally:
        os.close(duplicate)
        os.close(write_end)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full, a file every write to fails")
def test_a_guarded_stream_that_cannot_be_written_raises_the_error_naming_the_stream() -> None:
    fd = os.open("/dev/full", os.O_WRONLY)
    try:
        guarded = ReaderGuard.around(_stream_of(fd), "standard output")
        with pytest.raises(OSError) as raised:
            guarded.write("x" * 100)
            guarded.flush()
        assert raised.value.errno == errno.ENOSPC and raised.value.filename == "standard output"
        with pytest.raises(OSError) as raised:
            guarded.buffer.write(b"x" * 100)
            guarded.buffer.flush()
        assert raised.value.filename == "standard output"
    finally:
        os.close(fd)


def test_a_stream_without_a_file_descriptor_is_left_as_it_is() -> None:
    captured = io.StringIO()
    assert ReaderGuard.around(captured, "standard output") is captured
    guarded = ReaderGuard.around(_stream_of(os.open(os.devnull, os.O_WRONLY)), "standard output")
    try:
        assert ReaderGuard.around(guarded, "standard output") is guarded  # never twice
        assert guarded.encoding == "utf-8"  # the rest is the stream's own
    finally:
        os.close(guarded.fileno())
