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
from dataclasses import dataclass
from pathlib import Path

from strategy_builder.drafts.checking import CheckResult, check_project
from strategy_builder.files import environment_errors, replace_file
from strategy_builder.review.proposal_results import Proposals
from strategy_builder.review.proposal_writing import AppliedProposals, apply_proposals
from strategy_builder.review.proposals import propose


@dataclass(frozen=True, slots=True)
class ProposeResult:
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
                    ministry: str | None = None, apply: bool = False, patch: Path | None = None) -> ProposeResult:
    """Propose the tracked changes of the returned drafts ``paths`` (only ``author``'s, when given) as YAML
    edits; write them as a unified diff to ``patch``; with ``apply``, write them into the inputs and check
    the inputs afterwards. Raises :class:`~strategy_builder.errors.EnvironmentProblem` for a file that
    cannot be written (the patch, an input, the backup folder)."""
    proposals = propose(paths, project_dir, author=author, ministry=ministry)
    if patch is not None:
        with environment_errors(patch, "write the patch to"):
            replace_file(patch, proposals.patch().encode("utf-8"))
    if not apply:
        return ProposeResult(proposals, None, None, patch)
    applied = apply_proposals(proposals, project_dir)
    return ProposeResult(proposals, applied, check_project(project_dir), patch)


__all__ = ["ProposeResult", "propose_returns"]
