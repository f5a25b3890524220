"""The wording every view of the matrix shares: area short titles, status names, cell summaries, sources.

Views format numbers that :mod:`strategy_builder.regional.matrix` computed; they never count. Keeping the
words here keeps the spreadsheet, the page, the Markdown and the overview document saying the same.
"""

from __future__ import annotations

from strategy_builder.regional.matrix import ActionEntry, MatrixCell, PriorityEntry, RegionalMatrix

AREA_SHORT: dict[str, str] = {
    "illegal_migration": "Illegal migration",
    "readmission_return": "Readmission and return",
    "legal_migration": "Legal migration",
    "integration": "Integration",
    "migration_development": "Migration and development",
}
"""Short area titles for column headers and chart legends (the full titles head the chapters)."""

STATUS_TITLES: dict[str, str] = {"agreed": "Agreed", "proposed": "Proposed", "bracketed": "Bracketed",
                                 "withdrawn": "Withdrawn"}
STATUS_LETTERS: dict[str, str] = {"agreed": "A", "proposed": "P", "bracketed": "B", "withdrawn": "W"}
GAP = "gap"
"""The word that marks a partner × area without a live priority, in every view (never colour alone)."""

LEGEND = ("A agreed, P proposed, B bracketed, W withdrawn (priorities by status); actions and lead states count "
          "live priorities only (not withdrawn); gap: no live priority in the area.")
TIMELINE_RULE = ("An action counts in every quarter its timeline touches (2010-09 – 2011-Q1 counts in 2010-Q3 "
                 "to 2011-Q1); actions without a timeline are listed apart.")


def plural(number: int, word: str, many: str | None = None) -> str:
    """``1 action``, ``3 actions``, ``0 gaps``; ``many`` for irregular plurals (``priorities``)."""
    return f"{number} {word}" if number == 1 else f"{number} {many or word + 's'}"


def total_summary(counts: dict[str, int], actions: int, gaps: int) -> str:
    """``7 A · 7 P · 1 B · 34 actions · 2 gaps``: a row or column total."""
    return f"{status_counts(counts)} · {plural(actions, 'action')} · {plural(gaps, GAP)}"


def status_counts(counts: dict[str, int]) -> str:
    """``2 A · 1 P`` (zero counts left out); ``none`` when every count is zero."""
    parts = [f"{counts[s]} {STATUS_LETTERS[s]}" for s in STATUS_LETTERS if counts.get(s)]
    return " · ".join(parts) or "none"


def cell_summary(cell: MatrixCell) -> str:
    """One line for a partner × area: statuses, actions, lead states, or the gap mark."""
    statuses = status_counts(cell.counts)
    if cell.gap:
        return GAP if statuses == "none" else f"{GAP} ({statuses})"
    text = f"{statuses} · {plural(cell.actions, 'action')}"
    if cell.leads:
        text += " · " + ", ".join(cell.leads)
    return text


def source_line(matrix: RegionalMatrix, issued: str | None = None) -> str:
    """Where the numbers come from and which draft's section numbers are quoted; ``issued`` is the issue
    date as the text around it writes dates (ISO ``2011-01-17`` when not given)."""
    source = matrix.source
    origin = (f"the inputs of draft {source.draft:03d}" if source.kind == "draft" and source.draft is not None
              else "the current inputs")
    if source.numbers_from_draft is not None:
        numbers = f"section numbers are those of draft {source.numbers_from_draft:03d}"
    else:
        numbers = "section numbers are those the next draft will have (the inputs changed since the last draft)"
    return f"From {origin} (consultation round {source.consultation_round}, {issued or source.issued}); {numbers}."


def where(file: str, line: int | None) -> str:
    """``inputs/partners/AM.yaml:62``."""
    return f"{file}:{line}" if line is not None else file


def priority_line(priority: PriorityEntry) -> str:
    """``2.1 Towards integrated border management (agreed) — AM/illegal_migration/... — AM.yaml:62``."""
    return (f"{priority.number} {priority.title} ({priority.status}) — {priority.section_id} — "
            f"{where(priority.file, priority.line)}")


def action_line(action: ActionEntry, *, width: int = 90) -> str:
    """``AM 2.1.a Expert workshop on ... (lead HU; 2010-09 – 2010-12) — AM/illegal_migration/... — AM.yaml:80``:
    the action, its priority's section ID and its YAML line."""
    text = action.text if len(action.text) <= width else action.text[:width - 1].rstrip() + "…"
    timeline = "no timeline" if action.start is None else (
        action.start if action.start == action.end else f"{action.start} – {action.end}")
    lead = ", ".join(action.leads) or "no lead"
    return (f"{action.partner} {action.number} {text} (lead {lead}; {timeline}) — {action.priority} — "
            f"{where(action.file, action.line)}")
