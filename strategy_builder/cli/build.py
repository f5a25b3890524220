"""``strategy-builder build``: validate, then write a new draft (or the preview) with a progress bar."""

from __future__ import annotations

from pathlib import Path
import json
import sys
import time
from typing import TYPE_CHECKING, Any, Literal

import click

import strategy_builder as library
from strategy_builder.cli import cli
from strategy_builder.cli.options import format_option, project_argument, verbosity_options
from strategy_builder.cli.output import (
    detail, error_payload, escape, findings_payload, note, plain_stdout, print_json, print_table, render_error,
    render_findings, stderr_console,
)
from strategy_builder.errors import ExitCode, InputProblems, TemplateProblem

if TYPE_CHECKING:
    from strategy_builder.drafts.build_types import BuildOptions, BuildResult
    from strategy_builder.drafts.watch import WatchEvent


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _payload(result: BuildResult, root: Path) -> dict[str, Any]:
    def rel(path: Path) -> str:
        return _relative(path, root)

    return {
        "result": result.kind,
        "draft": result.draft,
        "previous_draft": result.previous,
        "directory": rel(result.directory),
        "seconds": round(result.seconds, 3),
        "partners": [{"code": p.code, "name": p.name, "path": rel(p.path), "sections": p.sections,
                      "words": p.words, "rendered": p.rendered, "pages": p.pages,
                      "pdf": rel(p.pdf) if p.pdf else None, "language": p.language or None,
                      "pending": p.pending} for p in result.partners],
        "layout": result.layout.model_dump() if result.layout else None,
        "warnings": [f.to_json() for f in result.warnings.sorted()],
        "cleaned_leftovers": [rel(p) for p in result.cleaned],
        "register": str(result.register) if result.register else None,
        "template": str(result.template) if result.packaged_template or result.template is None
        else rel(result.template),
        "packaged_template": result.packaged_template,
    }


@cli.command(epilog="Examples:\n\n    strategy-builder build\n\n"
                    "    strategy-builder build --preview --partner AM --project path/to/project\n\n"
                    "    strategy-builder build --preview --watch")
@project_argument
@click.option("--force", is_flag=True, help="Write a new draft even if nothing changed since the last one.")
@click.option("--preview", is_flag=True,
              help="Write to build/preview/ (overwritable) and re-render only partners that changed.")
@click.option("--partner", "partners", multiple=True, metavar="CODE",
              help="With --preview: only this partner (repeatable).")
@click.option("--template", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Use this .docx template instead of build.template from inputs/strategy.yaml.")
@click.option("--jobs", type=click.IntRange(min=0), default=0, show_default=True,
              help="Worker processes (0: one per CPU core).")
@click.option("--wait", "wait_seconds", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="Seconds to wait for another build of the same project to finish.")
@click.option("--strict", is_flag=True, help="Refuse to build when there are policy warnings.")
@click.option("--redlines/--no-redlines", default=None,
              help="Write redlines/<CODE>.docx against the previous draft (default: build.redlines).")
@click.option("--html-report/--no-html-report", default=None,
              help="Write diff.html against the previous draft (default: build.html_report).")
@click.option("--pdf/--no-pdf", default=None,
              help="Also write <CODE>.pdf beside each .docx, with LibreOffice (default: build.pdf).")
@click.option("--allow-untranslated/--no-allow-untranslated", default=None,
              help="Circulate language versions with missing or stale translations, printing the source text "
                   "marked 'translation pending' (default: build.allow_untranslated).")
@click.option("--watch", is_flag=True,
              help="With --preview: keep running, and rebuild the preview of each partner file as it is saved "
                   "(all partners when strategy.yaml or the template is saved); Ctrl-C stops.")
@format_option("text", "json")
@verbosity_options
def build_command(project_dir: Path, force: bool, preview: bool, partners: tuple[str, ...], template: Path | None,
                  jobs: int, wait_seconds: float, strict: bool, redlines: bool | None, html_report: bool | None,
                  pdf: bool | None, allow_untranslated: bool | None, watch: bool, output_format: str) -> int:
    """Build a new draft build/drafts/NNN/ with one <CODE>.docx per partner and a manifest.json.

    Inputs are validated first (as 'check' does); nothing is written when they have errors. When neither
    the inputs nor the template changed since the last draft, no draft is created (use --force).
    A draft folder appears only when complete; earlier drafts are never modified. With --redlines or
    --html-report (or build.redlines / build.html_report in inputs/strategy.yaml) the draft also holds
    redlines/<CODE>.docx and diff.html against the previous draft.

    A draft is laid out by LibreOffice, when it is installed, so that its contents shows page numbers;
    with --pdf (or build.pdf) the draft also holds <CODE>.pdf, and LibreOffice is required.

    Languages declared in inputs/strategy.yaml get their own documents, <language>/<CODE>.docx, with the
    same section IDs and numbers; a draft refuses missing or stale translations unless --allow-untranslated.

    With --preview --watch the command keeps running and rebuilds the preview of each partner file as it
    is saved, printing what it wrote or the problems it found; Ctrl-C stops it (no file is left
    half-written).
    """
    options = library.BuildOptions(force=force, preview=preview, partners=frozenset(p.upper() for p in partners),
                                   template=template, jobs=jobs, wait_seconds=wait_seconds, strict=strict,
                                   redlines=redlines, html_report=html_report, pdf=pdf,
                                   allow_untranslated=allow_untranslated)
    if watch:
        return _watch(project_dir, options, output_format)
    if output_format == "json":
        result = library.build(project_dir, options)
        print_json(_payload(result, project_dir))
        return ExitCode.OK
    if not sys.stderr.isatty():  # a progress bar is for a person at a terminal, not for a log
        result = library.build(project_dir, options)
        _show(result, project_dir)
        return ExitCode.OK
    with _ProgressBar() as bar:
        result = library.build(project_dir, options, bar.advance)
    _show(result, project_dir)
    return ExitCode.OK


build_command.name = "build"


class _ProgressBar:
    """rich's progress bar, shown from the moment the build counts two documents or more, or takes one of its
    long steps (LibreOffice, the reports, the register): a preview of one partner imports no rich."""

    LONG_STEPS = frozenset({"laying out the contents", "writing PDFs", "comparing with the previous draft",
                            "refreshing the register"})

    def __init__(self) -> None:
        self._bar: Any = None
        self._task: Any = None

    def advance(self, message: str, done: int, total: int) -> None:
        if self._bar is None:
            if total < 2 and message not in self.LONG_STEPS:
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(TextColumn("[bold blue]{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=stderr_console(), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("starting", total=None)
        self._bar.update(self._task, description=message, completed=done, total=total or None)

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def _watch(project_dir: Path, options: BuildOptions, output_format: str) -> int:
    """Run the watcher until Ctrl-C, one report per rebuild (with --format json, one JSON document per line)."""
    if not options.preview:
        raise click.UsageError("--watch rebuilds the preview (drafts are written one at a time): add --preview")
    # A watcher is stopped by Ctrl-C or SIGTERM (its terminal closing): watch_previews ends a rebuild the same
    # way for both.
    if output_format != "json":
        note("[dim]watching the inputs and the template; Ctrl-C stops[/dim]")

    def report(event: WatchEvent) -> None:
        if output_format == "json":
            print(json.dumps(_event_payload(event, project_dir), ensure_ascii=False, default=str), flush=True)
            return
        _show_event(event, project_dir)

    try:
        library.watch_previews(project_dir, options, report)
    except KeyboardInterrupt:
        if output_format != "json":
            note("stopped watching")
    return ExitCode.OK


def _event_payload(event: WatchEvent, root: Path) -> dict[str, Any]:
    payload: dict[str, Any] = {"changed": list(event.changed), "seconds": round(event.seconds, 3)}
    if event.result is not None:
        payload["build"] = _payload(event.result, root)
    if isinstance(event.problem, (InputProblems, TemplateProblem)):
        payload["problems"] = findings_payload(event.problem.findings)
    elif event.problem is not None:
        payload["error"] = error_payload(event.problem)["error"]
    return payload


def _show_event(event: WatchEvent, root: Path) -> None:
    console = plain_stdout()
    when = time.strftime("%H:%M:%S")
    changed = ", ".join(event.changed) or "start"
    if isinstance(event.problem, (InputProblems, TemplateProblem)):
        console.print(f"[dim]{when}[/dim] {escape(changed)}: [red]not rebuilt[/red]")
        render_findings(event.problem.findings, console)
    elif event.problem is not None:
        console.print(f"[dim]{when}[/dim] {escape(changed)}: [red]not rebuilt[/red]")
        render_error(event.problem, console)
    elif event.result is not None:
        written = [p for p in event.result.partners if p.rendered]
        if event.result.warnings.items:
            render_findings(event.result.warnings, console)
        files = ", ".join(_relative(p.path, root) for p in written) or "nothing (unchanged)"
        console.print(f"[dim]{when}[/dim] {escape(changed)}: [green]wrote[/green] {escape(files)} "
                      f"in {event.seconds:.2f} s")


def _show(result: BuildResult, root: Path) -> None:
    console = plain_stdout()
    if result.packaged_template:
        note("[yellow]no templates/ folder:[/yellow] built with the default template shipped with "
             f"strategy-builder; to adapt it, copy {escape(str(result.template))} to templates/strategy.docx "
             "(or point build.template in inputs/strategy.yaml at your own)")
    elif result.template is not None:
        detail(f"template: {result.template}")
    if result.warnings.items:
        render_findings(result.warnings, console)
    for path in result.cleaned:
        console.print(f"[dim]removed leftovers of an interrupted build: {path}[/dim]")
    if result.register is not None:
        console.print(f"register {escape(str(result.register))} refreshed with draft {result.draft:03d}")
    if result.kind == "unchanged":
        console.print(f"[green]Nothing changed[/green] since draft {result.draft:03d} (inputs and template are "
                      "identical); no draft written. Use --force to write one anyway.")
        return
    with_pages = any(p.pages for p in result.partners)
    columns: list[tuple[str, Literal["left", "right"]]] = [("Partner", "left"), ("Sections", "right"),
                                                            ("Words", "right")]
    columns += [("Pages", "right")] if with_pages else []
    columns += [("File", "left")]
    rows = []
    for partner in result.partners:
        path = partner.path
        try:
            shown = escape(path.resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            shown = escape(str(path))
        if result.kind == "preview" and not partner.rendered:
            shown += " [dim](unchanged)[/dim]"
        if partner.pdf is not None:
            shown += " + .pdf"
        if partner.pending:
            shown += f" [yellow]({partner.pending} pending)[/yellow]"
        pages = [str(partner.pages or "")] if with_pages else []
        rows.append([escape(f"{partner.code} {partner.name}"), str(partner.sections), f"{partner.words:,}", *pages,
                     shown])
    print_table(console, columns, rows)
    rendered = sum(1 for p in result.partners if p.rendered)
    if result.kind == "preview":
        console.print(f"[green]Preview updated[/green] in {result.directory}: {rendered} rendered, "
                      f"{len(result.partners) - rendered} unchanged, {result.seconds:.2f} s")
    else:
        since = f" (previous: draft {result.previous:03d})" if result.previous else ""
        console.print(f"[green]Draft {result.draft:03d} written[/green] to {result.directory}{since}: "
                      f"{rendered} document(s) in {result.seconds:.2f} s")
        if result.layout is not None:
            if result.layout.contents_pages:
                console.print(f"[dim]Contents paged by {result.layout.engine}.[/dim]")
            else:
                console.print(f"[dim]Contents without page numbers ({result.layout.note}).[/dim]")
