"""What ``consolidate`` wrote and found: each return merged, the clashes between ministries, and what a
return holds that could not be merged (named, never dropped silently); ``consolidate --format json`` prints
:meth:`ConsolidationResult.payload`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple


class ReturnSummary(NamedTuple):
    """One return that went into the merged file."""

    path: Path
    ministry: str
    comments: int
    changes: int
    """Tracked changes as written into the merged file (pieces of text, paragraph marks, rows)."""
    dropped: int
    """Changes not applied because another ministry's change to the same words came first."""


class Clash(NamedTuple):
    """Two or more ministries changed the same words: the first one's change is kept."""

    section_id: str | None
    heading: str
    original: str
    """The words as circulated (with some context)."""
    kept_ministry: str
    kept_wording: str
    other_ministries: tuple[str, ...]
    other_wordings: tuple[str, ...]
    same: bool
    """Every ministry proposed the same wording (a duplicate, not a disagreement)."""


class Difference(NamedTuple):
    """Something a return holds that could not be merged as a tracked change (named, never dropped silently)."""

    ministry: str
    what: str
    where: str


@dataclass(slots=True)
class ConsolidationResult:
    """What ``consolidate`` wrote and found."""

    output: Path
    partner: str
    draft: str
    base: str
    """Where the circulated draft came from: its path in the project, or the first return with its changes rejected."""
    returns: list[ReturnSummary] = field(default_factory=list)
    clashes: list[Clash] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)

    def payload(self) -> dict[str, object]:
        """The documented JSON form (``consolidate --format json``)."""
        return {
            "output": str(self.output), "partner": self.partner, "draft": self.draft, "base": self.base,
            "returns": [{"file": str(r.path), "ministry": r.ministry, "comments": r.comments, "changes": r.changes,
                         "not_applied": r.dropped} for r in self.returns],
            "conflicts": [{"section": c.section_id, "heading": c.heading, "original": c.original,
                           "kept": {"ministry": c.kept_ministry, "wording": c.kept_wording},
                           "others": [{"ministry": m, "wording": w}
                                      for m, w in zip(c.other_ministries, c.other_wordings, strict=True)],
                           "same_wording": c.same} for c in self.clashes],
            "not_merged": [{"ministry": d.ministry, "what": d.what, "where": d.where} for d in self.differences],
        }


__all__ = ["Clash", "ConsolidationResult", "Difference", "ReturnSummary"]
