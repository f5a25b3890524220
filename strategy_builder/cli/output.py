"""The one place findings and errors are shown: rich text for people, JSON for machines."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from strategy_builder.errors import Findings, Severity, StrategyBuilderError

if TYPE_CHECKING:
    from rich.console import Console


def escape(text: str) -> str:
    """``text`` with rich's markup characters escaped (rich is imported when something is printed)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)

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
    """A status line for people (on stderr), left out with ``--quiet``; ``message`` is rich markup."""
    if not is_quiet():
        stderr_console().print(message)


def detail(message: str) -> None:
    """A detail shown only with ``--verbose`` (on stderr); ``message`` is plain text."""
    if _verbosity > 0:
        stderr_console().print(f"[dim]{escape(message)}[/dim]")


def print_json(payload: Any) -> None:
    """Machine-readable output on stdout, one JSON document."""
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def findings_payload(findings: Findings) -> dict[str, Any]:
    """The documented JSON form of a set of findings."""
    ordered = findings.sorted()
    return {
        "errors": sum(1 for f in ordered if f.severity is Severity.ERROR),
        "warnings": sum(1 for f in ordered if f.severity is Severity.WARNING),
        "findings": [f.to_json() for f in ordered],
    }


def render_findings(findings: Findings, console: Console, *, summary_ok: str | None = None) -> None:
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


def render_error(error: StrategyBuilderError, console: Console) -> None:
    """An error that stopped a command, without a traceback."""
    console.print(f"[bold red]error:[/bold red] {escape(error.message)}")
    if error.hint:
        console.print(f"  [cyan]hint:[/cyan] {escape(error.hint)}")


def error_payload(error: StrategyBuilderError) -> dict[str, Any]:
    """The JSON form of an error that stopped a command."""
    return {"error": {"type": type(error).__name__, "message": error.message, "hint": error.hint,
                      "exit_code": int(error.exit_code)}}
