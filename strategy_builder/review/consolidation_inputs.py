"""The returns given to ``consolidate``: opened, checked to answer one partner's draft, each with its ministry.

Every file that cannot be merged is refused with a finding naming it, all of them in one run: unreadable,
not a draft made by strategy-builder, itself a consolidation, another partner's, draft's or language
version's return, or a second file of one ministry. A return's ministry comes from ``--ministry FILE=NAME``,
else its file name, else its most frequent author.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from strategy_builder.errors import Finding, Findings, InputProblems, Location, UntrustedDocumentError
from strategy_builder.files import name_text
from strategy_builder.ooxml.annotations import read_annotations
from strategy_builder.ooxml.edits import ReviewedBody
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.stamps import read_consolidation, read_stamps
from strategy_builder.review.returns import RETURN_LIMITS, ministry_from_file_name


@dataclass(slots=True, eq=False)
class OpenedReturn:
    """One return given to ``consolidate``, in the order given (``index``), with what is learnt of it."""

    index: int
    path: Path
    package: DocxPackage
    ministry: str = ""
    body: ReviewedBody | None = None
    mapping: dict[int, tuple[int, list[int] | None]] = field(default_factory=dict)
    """Original paragraph of the return -> (base paragraph, offset map or ``None`` when the texts are equal)."""


def open_returns(paths: list[Path]) -> list[OpenedReturn]:
    findings = Findings()
    opened = []
    for index, path in enumerate(paths):
        try:
            opened.append(OpenedReturn(index, path, DocxPackage.open(path, RETURN_LIMITS)))
        except UntrustedDocumentError as error:
            findings.add(Finding(Location(str(path)), "consolidate.unreadable", error.reason))
    if findings.has_errors():
        raise InputProblems(findings)
    return opened


def check_same_draft(returns: list[OpenedReturn]) -> tuple[str, str, str]:
    """The partner, draft and language version every return answers; refuses mixed or unstamped files,
    naming each."""
    findings = Findings()
    stamps = [(r, read_stamps(r.package).stamps) for r in returns]
    for returned, stamp in stamps:
        if not stamp.made_by_strategy_builder:
            findings.add(Finding(Location(str(returned.path)), "consolidate.not-a-draft",
                                 "the file does not say which partner and draft it answers (it carries no "
                                 "strategy-builder stamps)",
                                 hint="consolidate returns of a draft built by strategy-builder, as the ministry sent "
                                      "them back"))
        elif read_consolidation(returned.package) is not None:
            findings.add(Finding(Location(str(returned.path)), "consolidate.already-consolidated",
                                 "the file is itself a consolidation of returns",
                                 hint="consolidate the ministries' own returns together"))
    known = [(r, s) for r, s in stamps if s.made_by_strategy_builder]
    if known:
        first, reference = known[0]
        for returned, stamp in known[1:]:
            if stamp.partner != reference.partner:
                findings.add(Finding(Location(str(returned.path)), "consolidate.other-partner",
                                     f"the file answers partner {stamp.partner}'s draft, {first.path.name} answers "
                                     f"partner {reference.partner}'s",
                                     hint="consolidate the returns of one partner at a time"))
            elif stamp.draft != reference.draft:
                findings.add(Finding(Location(str(returned.path)), "consolidate.other-draft",
                                     f"the file answers draft {stamp.draft}, {first.path.name} answers draft "
                                     f"{reference.draft}",
                                     hint="consolidate returns of the same draft; compare drafts with 'diff'"))
            elif stamp.language != reference.language:
                findings.add(Finding(Location(str(returned.path)), "consolidate.other-language",
                                     f"the file is the {stamp.language or 'source-language'} version, "
                                     f"{first.path.name} the {reference.language or 'source-language'} one",
                                     hint="consolidate the returns of one language version at a time"))
    if findings.has_errors():
        raise InputProblems(findings)
    return known[0][1].partner, known[0][1].draft, known[0][1].language


def name_ministries(returns: list[OpenedReturn], named: dict[str, str]) -> None:
    """Each return's ministry: ``--ministry FILE=NAME``, else the file name, else its most frequent author."""
    findings = Findings()
    for returned in returns:
        given = named.get(str(returned.path)) or named.get(returned.path.name) or named.get(returned.path.stem)
        stamps = read_stamps(returned.package).stamps
        from_name = ministry_from_file_name(returned.path, stamps.partner, stamps.draft)
        bare = " ".join(name_text(returned.path.stem).replace("_", " ").split())
        if given:
            returned.ministry = given.strip()
        elif from_name != bare or not _authors(returned.package):
            returned.ministry = from_name
        else:
            returned.ministry = _authors(returned.package).most_common(1)[0][0]
    seen: dict[str, OpenedReturn] = {}
    for returned in returns:
        key = returned.ministry.casefold()
        if key in seen:
            findings.add(Finding(Location(str(returned.path)), "consolidate.same-ministry",
                                 f"{seen[key].path.name} and {returned.path.name} are both from "
                                 f"'{returned.ministry}'",
                                 hint="name each file's ministry with --ministry FILE=NAME"))
        seen[key] = returned
    names = {name for r in returns for name in (str(r.path), r.path.name, r.path.stem)}
    for file, ministry in named.items():
        if file not in names:  # a slip in FILE would leave the return to its file name's ministry, silently
            findings.add(Finding(Location(file), "consolidate.ministry-file",
                                 f"--ministry {file}={ministry} names no returned file",
                                 hint="the returned files: " + ", ".join(r.path.name for r in returns)))
    if findings.has_errors():
        raise InputProblems(findings)


def _authors(package: DocxPackage) -> Counter[str]:
    annotations = read_annotations(package)
    return Counter(a for a in [c.author for c in annotations.comments] + [c.author for c in annotations.changes] if a)


__all__ = ["OpenedReturn", "check_same_draft", "name_ministries", "open_returns"]
