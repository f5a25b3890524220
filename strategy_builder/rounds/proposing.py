"""From ministries' returns to the next draft's inputs: the library behind ``strategy-builder propose``.

:func:`propose_returns` reads returned drafts and proposes each reviewer's wording change as a new value of
the YAML input it was printed from (:func:`strategy_builder.review.proposals.propose`); on request it writes
the proposals as a unified diff, applies them (:func:`strategy_builder.review.proposal_writing.apply_proposals`:
only the bytes of the edited values change, the previous files are kept in ``build/.returns/NNN/``) and then
checks the inputs as ``check`` does (:func:`strategy_builder.drafts.checking.check_project`). It lives with
the consultation rounds because it joins the reading of returns to the drafts that answer them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from strategy_builder.drafts.checking import CheckResult, check_project
from strategy_builder.errors import EnvironmentProblem, InputProblems
from strategy_builder.files import environment_errors, replace_file
from strategy_builder.layout import ProjectLayout, refuse_output
from strategy_builder.review.register import normalise_disposition, open_in_office, read_register
from strategy_builder.review.proposal_results import Proposals
from strategy_builder.review.proposal_writing import AppliedProposals, apply_proposals
from strategy_builder.review.proposals import propose


class ProposeResult(NamedTuple):
    """What :func:`propose_returns` found and did."""

    proposals: Proposals
    """Every proposal, what needs a person, the files read and those that could not be."""
    applied: AppliedProposals | None
    """With ``apply``: the files written and where their previous content is kept."""
    check: CheckResult | None
    """With ``apply``: the check of the inputs as they are now."""
    patch: Path | None
    """Where the unified diff was written, if asked."""


def propose_returns(paths: Iterable[Path], project_dir: Path, *, author: str | None = None,
                    ministry: str | None = None, apply: bool = False, patch: Path | None = None,
                    register: Path | None = None) -> ProposeResult:
    """Propose the tracked changes of the returned drafts ``paths`` (only ``author``'s, when given) as YAML
    edits; write them as a unified diff to ``patch``; with ``apply``, write them into the inputs and check
    the inputs afterwards.

    The comment register (``register``, else the one strategy.yaml names as ``review.register``) is read
    for the team's dispositions: a change whose row is rejected or partly accepted is kept out, never
    proposed nor applied. Raises :class:`~strategy_builder.errors.EnvironmentProblem` for a register that
    cannot be read and for a file that cannot be written (the patch, an input, the backup folder), and, before
    anything is read, for a ``patch`` inside a published folder or ``inputs/``."""
    if patch is not None:
        refuse_output(patch, "the patch")
    notes: list[str] = []
    consulted = _register(project_dir, register, notes)
    dispositions: dict[str, str] | None = None
    if consulted is not None:
        rows = read_register(consulted)
        notes.extend(rows.notes)  # a Disposition no spreadsheet computed reads as open: its change is proposed
        dispositions = {row.id: normalise_disposition(row.disposition) for row in rows}
    proposals = propose(paths, project_dir, author=author, ministry=ministry, dispositions=dispositions)
    proposals.notes[:0] = notes
    if consulted is not None:
        proposals.register = ProjectLayout.of(project_dir).display_name(consulted)
    if patch is not None:
        with environment_errors(patch, "write the patch to"):
            replace_file(patch, proposals.patch().encode("utf-8"))
    if not apply:
        return ProposeResult(proposals, None, None, patch)
    applied = apply_proposals(proposals, project_dir)
    return ProposeResult(proposals, applied, check_project(project_dir), patch)


def _register(project_dir: Path, register: Path | None, notes: list[str]) -> Path | None:
    """The register whose dispositions count: ``register`` (which must exist), else ``review.register`` of
    strategy.yaml when it exists; a note says why none is read, or that one is open in an office program."""
    from strategy_builder.rounds.replies import load_strategy

    if register is not None:
        if not register.is_file():
            raise EnvironmentProblem(f"the register {register} does not exist",
                                     hint="give the register that 'comments --register' keeps")
        found = register
    else:
        try:
            named = load_strategy(project_dir).review.register
        except InputProblems:
            notes.append("inputs/strategy.yaml has errors: the register it names was not read; every change is "
                         "proposed whatever its disposition")
            return None
        if not named:
            return None  # no register: no disposition to honour
        found = project_dir / named
        if not found.is_file():
            notes.append(f"the register {named} (review.register) does not exist yet: every change is proposed "
                         "whatever its disposition")
            return None
    if (lock := open_in_office(found)) is not None:
        notes.append(f"the register is open in {lock.describe()}: dispositions not saved there are not seen")
    return found


__all__ = ["ProposeResult", "propose_returns"]
