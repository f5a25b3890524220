"""``strategy-builder propose``: reviewers' tracked changes in returned drafts, proposed as YAML edits."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape

import strategy_builder as library
from strategy_builder.cli import cli
from strategy_builder.cli.comments import _split_arguments
from strategy_builder.cli.options import format_option, verbosity_options
from strategy_builder.cli.output import findings_payload, print_json, render_findings, stderr_console, stdout_console
from strategy_builder.errors import ExitCode

if TYPE_CHECKING:
    from strategy_builder.review.proposal_results import NeedsPerson, Proposals
    from strategy_builder.review.proposal_writing import AppliedProposals

EPILOG = """Examples:

    strategy-builder propose returns/AM_003_*.docx

    strategy-builder propose returns/AM_003_MFA.docx --author "A. Petrosyan" --patch am.patch

    strategy-builder propose returns/*.docx --apply && strategy-builder build
"""


@cli.command(epilog=EPILOG)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--project", "project", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder [default: found upward from the current folder]. A folder given among FILES "
                   "is taken as the project folder too.")
@click.option("--apply", "apply", is_flag=True,
              help="Write the proposals into the YAML files (only the bytes of the edited values change; the "
                   "previous files are kept in build/.returns/NNN/), then check the inputs.")
@click.option("--author", default=None, help="Only the changes of this reviewer (as the file names them).")
@click.option("--ministry", default=None, help="The returning ministry for every FILE [default: from each file "
                                               "name], as in 'comments'.")
@click.option("--register", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The comment register whose dispositions count: a change the team rejected or partly accepted "
                   "there is kept out [default: review.register of strategy.yaml].")
@click.option("--patch", "patch", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the proposals as a unified diff of the YAML files to this file.")
@format_option("text", "json")
@verbosity_options
def propose(files: tuple[Path, ...], project: Path | None, apply: bool, author: str | None, ministry: str | None,
            register: Path | None, patch: Path | None, output_format: str) -> int:
    """Propose every tracked change of returned drafts (FILE.docx...) as a new value of the YAML input it
    was printed from.

    Each insertion, deletion or replacement inside text the draft printed from one YAML value (a paragraph
    of the situation, a priority's title, a paragraph or bullet of its rationale, an action, a key figure)
    becomes that value with the changes accepted, shown as a unified diff. Changes in text the template
    wrote, across two values, in numbers, in a table's structure, moved or inserted paragraphs,
    formatting, values edited since the draft was built and conflicting returns are listed as "needs a
    person" and never applied. A change whose row the comment register marks rejected or partly accepted is
    kept out. Applying the same return twice changes nothing the second time.
    Exit codes: 0 done, 1 some file could not be read or the inputs have errors after --apply, 2 usage or
    environment error, 3 internal error.
    """
    paths, project_dir = _split_arguments(files, project)
    outcome = library.propose_returns(paths, project_dir, author=author, ministry=ministry, apply=apply,
                                      patch=patch, register=register)
    result, applied = outcome.proposals, outcome.applied
    findings = outcome.check.findings if outcome.check is not None else None
    if output_format == "json":
        payload = result.as_json()
        payload["applied"] = ({"files": applied.files, "backup": str(applied.backup) if applied.backup else None}
                              if applied is not None else None)
        payload["check"] = findings_payload(findings) if findings is not None else None
        print_json(payload)
    else:
        _print_text(result, applied, patch)
        if findings is not None:
            render_findings(findings, stdout_console(), summary_ok="check: the inputs are valid")
    if result.failed or (findings is not None and findings.has_errors()):
        return ExitCode.INPUT_PROBLEMS
    return ExitCode.OK


def _where(item: NeedsPerson) -> str:
    if item.file:
        return f"{item.file}:{item.line}" if item.line else f"{item.file} {item.path}"
    return ""


def _print_text(result: Proposals, applied: AppliedProposals | None, patch: Path | None) -> None:
    console = stdout_console()
    for returned in result.files:
        console.print(f"[bold]{escape(str(returned.path))}[/bold]  partner {escape(returned.partner or '?')}, "
                      f"draft {escape(returned.draft or '?')}, ministry {escape(returned.ministry)}")
    for note in result.notes:
        console.print(f"  [yellow]note:[/yellow] {escape(note)}")
    for proposal in result.proposals:
        who = ", ".join(dict.fromkeys(f"{c.author} ({c.returned_file})" for c in proposal.changes))
        rows = ", ".join(proposal.row_ids)
        state = "[green]proposed[/green]" if proposal.status == "proposed" else "[dim]already applied[/dim]"
        console.print(f"{state} {escape(proposal.file)}:{proposal.line} {escape(proposal.section_id)} "
                      f"[dim]{escape('.'.join(map(str, proposal.path)))}[/dim]")
        console.print(f"    by {escape(who)}; rows {escape(rows)}")
    for item in result.needs_person:
        where = _where(item)
        console.print(f"[yellow]needs a person[/yellow]{escape(' ' + where if where else '')}: "
                      f"{escape(item.message)}")
        for change in item.changes:
            where = change.section_id or f"near \"{change.heading}\""
            console.print(f"    {escape(change.row_id)} {escape(change.kind)} by {escape(change.author)} in "
                          f"{escape(change.returned_file)}, {escape(where)}: {escape(change.text[:120])}")
        if item.reason == "edited-since":
            for alternative in item.alternatives[:1]:
                console.print(f"    [dim]proposed text:[/dim] {escape(alternative[:300])}")
    for kept in result.kept_out:
        change = kept.change
        where = change.section_id or f"near \"{change.heading}\""
        console.print(f"[dim]kept out ({escape(kept.disposition)} in {escape(result.register)}):[/dim] "
                      f"{escape(change.row_id)} {escape(change.kind)} by {escape(change.author)} in "
                      f"{escape(change.returned_file)}, {escape(where)}: {escape(change.text[:120])}")
    text = result.patch()
    if text:
        console.print(escape(text), end="", highlight=False, soft_wrap=True)
    errors = stderr_console()
    for failure in result.failed:
        errors.print(f"[bold red]error:[/bold red] {escape(str(failure.path))}: {escape(failure.reason)}")
    pending = len(result.pending)
    summary = (f"{pending} proposal(s), {len(result.proposals) - pending} already applied, "
               f"{len(result.needs_person)} change group(s) need a person")
    if result.kept_out:
        summary += f", {len(result.kept_out)} change(s) kept out by the register"
    if patch is not None:
        summary += f"; patch written to {patch}"
    if applied is not None:
        summary += (f"; written: {', '.join(applied.files)} (previous files in {applied.backup})" if applied.files
                    else "; nothing to write")
    console.print(escape(summary))
