"""Whether a new draft would go out under the previous draft's consultation round and dates.

A draft whose content changed is a new text for the ministries; if its cover still gives the round, issue date
and deadline of the draft before it, the two cannot be told apart by their covers and the ministries answer the
wrong one. ``build`` and ``check`` both ask :func:`round_not_advanced`, so they report the one same fact.
"""

from __future__ import annotations

import hashlib

from strategy_builder.drafts.fingerprint import draft_fingerprint
from strategy_builder.errors import Finding, Location, Severity
from strategy_builder.files import RefusedFile, read_limited
from strategy_builder.layout import MANIFEST_FILE, ProjectLayout
from strategy_builder.limits import DOCX_FILE_BYTES
from strategy_builder.models.manifest import Manifest
from strategy_builder.models.project import Project

ROUND_UNCHANGED = "round.unchanged"
"""The code of the finding (a warning; an error with ``--strict``)."""
PREVIOUS_UNREADABLE = "draft.previous-unreadable"
"""The code of the warning that the latest draft's manifest cannot be read, so nothing was compared with it."""


def round_not_advanced(project: Project, previous_number: int | None, previous: Manifest | None,
                       fingerprint: str, number: int | None = None) -> Finding | None:
    """The warning that the draft made from ``project`` (fingerprint ``fingerprint``; draft ``number``, or the
    next draft when ``None``) has the round, issue date and deadline of the previous draft although its
    content changed; ``None`` when there is no previous draft, nothing changed, or the round or a date did.
    When the previous draft's manifest cannot be read, the warning says that nothing was compared with it:
    neither its round nor its sections (the new draft's changes table starts afresh)."""
    if previous_number is not None and previous is None:
        manifest = ProjectLayout.of(project.root).draft_dir(previous_number) / MANIFEST_FILE
        which = f"draft {number:03d}" if number is not None else "the next draft"
        return Finding(
            Location(str(manifest)), PREVIOUS_UNREADABLE,
            f"the manifest of draft {previous_number:03d} cannot be read, so {which} is not compared with it: "
            "its changes table lists no changes since that draft and its round and dates are not checked",
            Severity.WARNING,
            hint=f"restore {MANIFEST_FILE} of draft {previous_number:03d} from a copy (the build writes it once "
                 "and never changes it)")
    if previous is None or previous_number is None or previous.fingerprint == fingerprint:
        return None
    consultation = project.strategy.consultation
    issued, deadline = consultation.issued.isoformat(), consultation.deadline.isoformat()
    # Drafts made before the deadline was recorded have none: their round and issue date decide.
    if (previous.consultation_round, previous.issued) != (consultation.round, issued) or \
            previous.deadline not in (None, deadline):
        return None
    which = f"draft {number:03d}" if number is not None else "the next draft"
    verb = "has" if number is not None else "would have"
    return Finding(
        project.strategy_document.location(("consultation", "round")), ROUND_UNCHANGED,
        f"{which} {verb} the consultation round and dates of draft {previous_number:03d} (round "
        f"{consultation.round}, issued {issued}, comments by {deadline}) although its content changed",
        Severity.WARNING,
        hint="to circulate it in a new round, run 'strategy-builder new-round --issued DATE --deadline DATE' "
             "before building; a correction within the round may keep them")


def next_draft_round_finding(project: Project) -> Finding | None:
    """:func:`round_not_advanced` for the next draft of ``project`` (for ``check``). A template that cannot
    be read is left to ``build`` to report; without it there is no next draft to compare."""
    latest = ProjectLayout.of(project.root).latest()
    if latest is None:
        return None
    previous_number, previous = latest
    try:
        template = read_limited(project.template_path, DOCX_FILE_BYTES, what="template")
    except (OSError, RefusedFile):
        return None
    fingerprint = draft_fingerprint(project, hashlib.sha256(template).hexdigest())
    return round_not_advanced(project, previous_number, previous, fingerprint)


__all__ = ["PREVIOUS_UNREADABLE", "ROUND_UNCHANGED", "next_draft_round_finding", "round_not_advanced"]
