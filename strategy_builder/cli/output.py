"""The one place findings and errors are shown: console markup for people, JSON for machines.

Text for people is written in rich's console markup (``[bold red]error:[/bold red]``, text put in with
:func:`escape`). Commands that draw tables, panels or progress bars print it with rich
(:func:`stdout_console`, :func:`stderr_console`); findings, errors, notes, the summary of a build and the
diff's terminal report print it with :class:`PlainConsole` (:mod:`strategy_builder.markup`), which reads
the same markup without importing rich: rich costs a one-partner preview about a tenth of its time, to
print a few lines (docs/architecture.md, "Start-up").
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, TextIO, cast

from strategy_builder.errors import Findings, Severity, StrategyBuilderError
from strategy_builder.markup import PlainConsole, Printer, cell_width, escape

if TYPE_CHECKING:
    from rich.console import Console


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def prepare_streams(*, own_process: bool = False) -> None:
    """Let stdout and stderr print any file name. A name that is not UTF-8 (made on a system with another
    encoding) reaches Python as lone surrogates, which a strict UTF-8 stream (the one Python opens under
    a locale such as en_US.UTF-8) refuses: printing the name would end the command in an internal error.
    They are written back as the bytes they stand for, as ``ls`` prints the name; on a stream in another
    encoding, what it cannot show becomes ``?``.

    ``own_process`` (the command is the process's, not a library call): both streams also outlive their
    reader (:class:`ReaderGuard`)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        encoding = (getattr(stream, "encoding", None) or "").replace("-", "").replace("_", "").lower()
        if reconfigure is not None and getattr(stream, "errors", "strict") == "strict":
            reconfigure(errors="surrogateescape" if encoding == "utf8" else "replace")
    if own_process:
        sys.stdout = ReaderGuard.around(sys.stdout, "standard output")
        sys.stderr = ReaderGuard.around(sys.stderr, "standard error")


class ReaderGuard:
    """A standard stream whose reader may go before the command ends (``strategy-builder diff A B | head``).

    Writing to a pipe nobody reads any more fails with a broken pipe. Raised inside a command, that error
    would stop it half-way (a build unpublished, a register not written) with a status that says nothing of
    its outcome: ``diff --exit-code`` would end with 1, "the documents differ", whether they do or not.
    Here the first broken pipe points the stream's file descriptor at the null device instead: the rest of
    the output is dropped, the command runs to its end and exits with its own status. Any other error of a
    write (a full disk) is raised as before, naming the stream (``cannot use standard output: the disk is
    full``). Everything but writing is the stream's own."""

    def __init__(self, stream: TextIO, name: str) -> None:
        self._stream = stream
        self.name = name
        """What errors of a write call the stream (``standard output``)."""

    @classmethod
    def around(cls, stream: TextIO, name: str) -> TextIO:
        """``stream`` guarded, when it is a stream of a file descriptor (not already guarded); ``name`` is what
        errors of a write call it."""
        if isinstance(stream, ReaderGuard):
            return stream
        try:
            stream.fileno()
        except (AttributeError, OSError, ValueError):  # a capture, a StringIO: no pipe to lose
            return stream
        return cast("TextIO", cls(stream, name))

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._reader_gone()
            return len(text)
        except OSError as error:
            self.name_in(error)
            raise

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._reader_gone()
            self._stream.flush()  # what the stream still held, to the null device
        except OSError as error:
            self.name_in(error)
            raise

    def name_in(self, error: OSError) -> None:
        """Let ``error`` name this stream, as an error of a file names the file (a stream has no name)."""
        if error.filename is None:
            error.filename = self.name

    @property
    def buffer(self) -> BinaryIO:
        return cast("BinaryIO", _BinaryGuard(self._stream.buffer, self))

    def _reader_gone(self) -> None:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, self._stream.fileno())
        finally:
            os.close(null)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _BinaryGuard:
    """The binary buffer under a :class:`ReaderGuard` (``matrix`` writes bytes), guarded alike."""

    def __init__(self, buffer: BinaryIO, guard: ReaderGuard) -> None:
        self._buffer = buffer
        self._guard = guard

    def write(self, data: bytes) -> int:
        try:
            return self._buffer.write(data)
        except BrokenPipeError:
            self._guard._reader_gone()
            return len(data)
        except OSError as error:
            self._guard.name_in(error)
            raise

    def flush(self) -> None:
        try:
            self._buffer.flush()
        except BrokenPipeError:
            self._guard._reader_gone()
            self._buffer.flush()
        except OSError as error:
            self._guard.name_in(error)
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._buffer, name)


def plain_stdout() -> PlainConsole:
    """A :class:`PlainConsole` for reports (stdout)."""
    return PlainConsole(sys.stdout)


def plain_stderr() -> PlainConsole:
    """A :class:`PlainConsole` for notes and errors (stderr)."""
    return PlainConsole(sys.stderr)


def print_table(console: PlainConsole, columns: Sequence[tuple[str, Literal["left", "right"]]],
                rows: Sequence[Sequence[str]]) -> None:
    """A table drawn as rich draws its default one (a heavy box around the header row): a header and one
    line per row, each cell console markup, each column as wide as its widest cell."""
    plain = PlainConsole(console.stream, colour=False)
    header = [f"[bold]{escape(name)}[/bold]" for name, _ in columns]
    table = [header, *rows]
    widths = [max(cell_width(plain.render(row[index])) for row in table) for index in range(len(columns))]

    def line(cells: Sequence[str], bar: str) -> str:
        padded = []
        for cell, width, (_, justify) in zip(cells, widths, columns, strict=True):
            gap = " " * (width - cell_width(plain.render(cell)))
            text = console.render(cell)
            padded.append(f" {gap}{text} " if justify == "right" else f" {text}{gap} ")
        return bar + bar.join(padded) + bar

    def rule(left: str, fill: str, middle: str, right: str) -> str:
        return left + middle.join(fill * (width + 2) for width in widths) + right

    lines = [rule("┏", "━", "┳", "┓"), line(header, "┃"), rule("┡", "━", "╇", "┩"),
             *(line(row, "│") for row in rows), rule("└", "─", "┴", "┘")]
    console.stream.write("\n".join(lines) + "\n")
    console.stream.flush()

_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow"}


_UNBOUNDED_WIDTH = 1_000_000
"""The width a report gets when it goes to a file or a pipe: nothing (section IDs, long diff lines) is cut."""

_verbosity = 0


def set_verbosity(level: int) -> None:
    """-1 or less: ``--quiet``; 0: normal; 1 or more: ``--verbose`` (set by the shared options)."""
    global _verbosity
    _verbosity = level


def verbosity() -> int:
    return _verbosity


def is_quiet() -> bool:
    return _verbosity < 0


def _width(stream: object) -> int | None:
    """The terminal's width for a terminal, no limit for a file or a pipe."""
    isatty = getattr(stream, "isatty", None)
    return None if isatty is not None and isatty() else _UNBOUNDED_WIDTH


def stdout_console() -> Console:
    """The console for reports (stdout); no colour and no width limit when stdout is not a terminal."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True, emoji=False, width=_width(sys.stdout))


def stderr_console() -> Console:
    """The console for progress and error messages (stderr)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False, width=_width(sys.stderr))


def note(message: str) -> None:
    """A status line for people (on stderr), left out with ``--quiet``; ``message`` is console markup."""
    if not is_quiet():
        plain_stderr().print(message)


def detail(message: str) -> None:
    """A detail shown only with ``--verbose`` (on stderr); ``message`` is plain text."""
    if _verbosity > 0:
        plain_stderr().print(f"[dim]{escape(message)}[/dim]")


def print_json(payload: Any) -> None:
    """Machine-readable output on stdout, one JSON document."""
    import json  # here: only --format json prints JSON (the module costs a command 1 ms to load)

    text = json.dumps(payload, indent=2, ensure_ascii=False, default=str)
    # A file name that is not UTF-8 holds lone surrogates: written as JSON escapes (\udce8), the document
    # stays valid UTF-8 and a reader gets the name back (os.fsencode) to open the file.
    text = _LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def findings_payload(findings: Findings) -> dict[str, Any]:
    """The documented JSON form of a set of findings."""
    ordered = findings.sorted()
    return {
        "errors": sum(1 for f in ordered if f.severity is Severity.ERROR),
        "warnings": sum(1 for f in ordered if f.severity is Severity.WARNING),
        "findings": [f.to_json() for f in ordered],
    }


def render_findings(findings: Findings, console: Printer, *, summary_ok: str | None = None) -> None:
    """Findings for people: ``file:line:col  severity  field`` then the message and the hint."""
    for finding in findings.sorted():
        style = _SEVERITY_STYLE[finding.severity]
        where = escape(finding.location.render())
        field = f"  [dim]{escape(finding.location.field_path)}[/dim]" if finding.location.field_path else ""
        console.print(f"[bold]{where}[/bold]  [{style}]{finding.severity.value}[/{style}]{field}")
        console.print(f"  {escape(finding.message)}  [dim]({finding.code})[/dim]")
        if finding.hint:
            console.print(f"  [cyan]hint:[/cyan] {escape(finding.hint)}")
    errors, warnings = len(findings.errors), len(findings.warnings)
    if errors or warnings:
        colour = "red" if errors else "yellow"
        console.print(f"[{colour}]{errors} error(s), {warnings} warning(s)[/{colour}]")
    elif summary_ok:
        console.print(f"[green]{escape(summary_ok)}[/green]")


def render_error(error: StrategyBuilderError, console: Printer) -> None:
    """An error that stopped a command, without a traceback."""
    console.print(f"[bold red]error:[/bold red] {escape(error.message)}")
    if error.hint:
        console.print(f"  [cyan]hint:[/cyan] {escape(error.hint)}")


def error_payload(error: StrategyBuilderError) -> dict[str, Any]:
    """The JSON form of an error that stopped a command."""
    return {"error": {"type": type(error).__name__, "message": error.message, "hint": error.hint,
                      "exit_code": int(error.exit_code)}}
