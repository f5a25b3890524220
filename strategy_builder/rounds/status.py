"""``status``: where the current consultation round stands.

The round is the one ``strategy.yaml`` names (``consultation``). Its drafts are the published drafts whose
manifest records that round; the returns are the register's rows on those drafts. A ministry is *awaited*
for a partner when it returned comments on an earlier draft of that partner but not yet on this round's;
once the deadline has passed, a partner without any return and every awaited ministry are overdue. Every
number comes from the manifests and the register; without a register the returns are reported as unknown,
never as none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from strategy_builder.digits import whole_number
from strategy_builder.errors import EnvironmentProblem
from strategy_builder.layout import MANIFEST_FILE, ProjectLayout, require_project
from strategy_builder.models.manifest import Manifest
from strategy_builder.review.register import RegisterRow, normalise_disposition, open_in_office, read_register
from strategy_builder.rounds.replies import REGISTER_NAMES, find_register, load_strategy


class MinistryReturn(NamedTuple):
    """One ministry's rows on one partner's drafts of the round."""

    ministry: str
    rows: int
    open: int
    drafts: tuple[int, ...]


class PartnerRound(NamedTuple):
    """One partner in the round: the draft that went out, who returned it, what is open and overdue."""

    code: str
    name: str
    drafts: tuple[int, ...]
    """This round's drafts that include the partner (the last one is the one out for comment)."""
    returned: tuple[MinistryReturn, ...]
    awaited: tuple[str, ...]
    """Ministries that commented on an earlier round's draft of the partner and not yet on this round's."""
    open: int
    """Open rows on this round's drafts."""
    open_earlier: int
    """Open rows on earlier drafts of the partner (still to be answered)."""
    overdue: tuple[str, ...]
    """After the deadline: the awaited ministries, or ``(no return)`` when nobody returned the draft."""


@dataclass(slots=True)
class RoundStatus:
    """The state of the current round (see the module docstring)."""

    round: int
    issued: dt.date
    deadline: dt.date
    today: dt.date
    drafts: list[int]
    partners: list[PartnerRound] = field(default_factory=list)
    register: Path | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def days_left(self) -> int:
        """Days until the deadline (negative: days overdue)."""
        return (self.deadline - self.today).days

    def payload(self) -> dict[str, object]:
        """The documented JSON form (``status --format json``)."""
        return {
            "round": self.round, "issued": self.issued.isoformat(), "deadline": self.deadline.isoformat(),
            "today": self.today.isoformat(), "days_left": self.days_left, "drafts": self.drafts,
            "register": str(self.register) if self.register else None, "returns_known": self.register is not None,
            "notes": self.notes,
            "partners": [{"code": p.code, "name": p.name, "drafts": list(p.drafts),
                          "draft": p.drafts[-1] if p.drafts else None,
                          "returned": [{"ministry": m.ministry, "rows": m.rows, "open": m.open,
                                        "drafts": list(m.drafts)} for m in p.returned],
                          "awaited": list(p.awaited), "open": p.open, "open_earlier": p.open_earlier,
                          "overdue": list(p.overdue)} for p in self.partners],
        }


def _round_drafts(layout: ProjectLayout, round_number: int) -> tuple[list[int], dict[int, Manifest], dict[int, str]]:
    manifests, unreadable = layout.published_manifests()
    return [n for n, m in manifests.items() if m.consultation_round == round_number], manifests, unreadable


def round_status(project_dir: Path, *, register: Path | None = None, today: dt.date | None = None) -> RoundStatus:
    """The state of the round ``strategy.yaml`` names; ``today`` defaults to the clock's date."""
    require_project(project_dir)  # "not a project" is exit 2, as for every command, not a missing strategy.yaml
    layout = ProjectLayout.of(project_dir)
    strategy = load_strategy(layout.root)
    consultation = strategy.consultation
    this_round, manifests, unreadable = _round_drafts(layout, consultation.round)
    status = RoundStatus(consultation.round, consultation.issued, consultation.deadline, today or dt.date.today(),
                         this_round)
    rows: list[RegisterRow] = []
    named = strategy.review.register
    try:
        status.register = find_register(layout.root, register, named)
    except EnvironmentProblem:
        if register is not None:
            raise
        if named:
            status.notes.append(f"the register {named} that strategy.yaml names (review.register) does not exist: "
                                "returns are unknown")
        else:
            found = [name for name in REGISTER_NAMES if (layout.root / name).is_file()]
            what = (f"{len(found)} registers ({', '.join(found)})" if found
                    else f"no register ({', '.join(REGISTER_NAMES)})")
            status.notes.append(f"{what} in the project: returns are unknown; name one with --register or as "
                                "review.register in inputs/strategy.yaml")
    else:
        # A register that is there but cannot be read (open in Excel, damaged) stops the command: counted as
        # empty, every ministry would show as not returned, and every partner as overdue.
        rows = read_register(status.register)
        status.notes.extend(rows.notes)  # a Disposition no spreadsheet computed, read as open
        if (lock := open_in_office(status.register)) is not None:
            status.notes.append(f"the register is open in {lock.describe()}: what is not saved there is not "
                                "counted")
    for number, reason in unreadable.items():  # not taken for no draft: "no draft built yet" would be wrong
        status.notes.append(f"the manifest of draft {number:03d} cannot be read ({reason}): that draft is not "
                            f"counted; restore {layout.display_name(layout.draft_dir(number) / MANIFEST_FILE)} "
                            "from a copy")
    if not this_round:
        status.notes.append(f"no draft of round {consultation.round} has been built yet" if not unreadable else
                            f"no draft of round {consultation.round} with a readable manifest")
    overdue = status.register is not None and status.days_left < 0
    present = {path.stem for path in layout.partner_files()}
    present |= {p.code for n in this_round for p in manifests[n].partners}
    for code in (c for c in strategy.partner_codes if c in present):
        state = strategy.state(code)
        drafts = tuple(n for n in this_round if manifests[n].partner(code) is not None)
        earlier = {n for n, m in manifests.items() if n not in this_round and m.partner(code) is not None}
        own = [r for r in rows if r.partner == code and whole_number(r.draft) is not None]
        current = [r for r in own if whole_number(r.draft) in drafts]
        returned: dict[str, list[RegisterRow]] = {}
        names: dict[str, str] = {}
        for row in current:
            returned.setdefault(row.ministry.casefold(), []).append(row)
            names.setdefault(row.ministry.casefold(), row.ministry)
        before = {r.ministry.casefold(): r.ministry for r in own if int(r.draft) in earlier and r.ministry}
        awaited = tuple(sorted(name for key, name in before.items() if key not in returned)) if drafts else ()
        late: tuple[str, ...] = ()
        if overdue and drafts:
            late = awaited if returned else (awaited or ("(no return)",))
        status.partners.append(PartnerRound(
            code, state.name if state else code, drafts,
            tuple(MinistryReturn(names[key], len(group), sum(normalise_disposition(r.disposition) == "open"
                                                             for r in group),
                                 tuple(sorted({int(r.draft) for r in group})))
                  for key, group in sorted(returned.items())),
            awaited, sum(normalise_disposition(r.disposition) == "open" for r in current),
            sum(normalise_disposition(r.disposition) == "open" for r in own if int(r.draft) not in drafts), late))
    counted = {p.code for p in status.partners}
    for why, ids in (("their Draft cell is not a draft number", [r.id for r in rows if whole_number(r.draft) is None]),
                     ("their partner is none of this project's",
                      [r.id for r in rows if whole_number(r.draft) is not None and r.partner not in counted])):
        if ids:  # counted nowhere: said, so that a typed-over cell does not make a return vanish
            shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
            status.notes.append(f"{len(ids)} row(s) of the register are not counted: {why} ({shown})")
    return status


__all__ = ["MinistryReturn", "PartnerRound", "RoundStatus", "round_status"]
