"""The one place findings and errors are shown: rich text for people, JSON for machines."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape

from strategy_builder.errors import Findings, Severity, StrategyBuilderError

_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow"}


def stdout_console() -> Console:
    """The console for reports (stdout); no colour when stdout is not a terminal."""
    return Console(highlight=False, soft_wrap=True, emoji=False)


def stderr_console() -> Console:
    """The console for progress and error messages (stderr)."""
    return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


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
