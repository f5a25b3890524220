"""Pydantic models of the input files: ``inputs/strategy.yaml`` and ``inputs/partners/<CODE>.yaml``."""

from __future__ import annotations

import datetime as dt
import enum
import re
import warnings
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from strategy_builder.models.areas import AREA_KEYS
from strategy_builder.models.defaults import empty_dict, empty_list
from strategy_builder.models.period import PeriodPoint

StateCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
"""An ISO 3166-1 alpha-2 code in capitals (``AM``, ``NO``)."""

StakeholderCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9 .&-]{0,39}$")]
"""A short stakeholder code as declared in strategy.yaml (``IOM``, ``EU Delegation``)."""

RowId = Annotated[str, StringConstraints(pattern=r"^[A-Z]{1,3}-[0-9A-Z]{4,20}$")]
"""The ID of a row of the comment register (``T-1A2B3C4D5E`` for a tracked change, ``C-...`` for a comment)."""

RESPONDS_TO_HELP = ("IDs of rows of the comment register (review.register in strategy.yaml) that this entry "
                    "answers; the next draft's changes table cites them")

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=48)]
"""A stable identifier: lowercase letters and digits separated by single hyphens."""

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
"""A one-line text (titles, names)."""

Prose = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
"""A long text in the prose syntax of :mod:`strategy_builder.models.prose`."""


def _date_as_written(value: object) -> object:
    # pydantic would also read 1289779200 (seconds since 1970) as 2010-11-15, and 0 as 1970-01-01.
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value) is None:
        raise PydanticCustomError("date_parsing", "Input should be a date written as YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_date_as_written)]
"""A calendar date written as ``YYYY-MM-DD`` and nothing else."""

class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --------------------------------------------------------------------------- strategy.yaml


class StateRole(str, enum.Enum):
    PARTNER = "partner"
    LEADING = "leading"
    PARTICIPATING = "participating"


class State(_Model):
    """A participating state of the BMP process."""

    code: StateCode
    name: Line
    role: StateRole = StateRole.PARTICIPATING
    institution: Line | None = Field(None, description="Lead institution, e.g. the Ministry of the Interior")


class Stakeholder(_Model):
    """An organisation met on missions or involved in actions (IOM, UNHCR, ...)."""

    code: StakeholderCode
    name: Line


class Period(_Model):
    """A span of time written as years, months, quarters or halves (``2010``, ``2010-06``, ``2011-Q2``, ``2011-H1``)."""

    start: PeriodPoint
    end: PeriodPoint

    @field_validator("end")
    @classmethod
    def _end_not_before_start(cls, end: PeriodPoint, info) -> PeriodPoint:  # type: ignore[no-untyped-def]
        start = info.data.get("start")
        if start is not None and end.last_month < start.first_month:
            raise ValueError(f"the end ({end}) is before the start ({start})")
        return end


AbbreviationCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Za-z0-9&.-]{1,19}$")]
"""An abbreviation as printed (``IBM``, ``EU``): a capital letter, then letters, digits, ``&``, ``.``, ``-``."""

ImagePath = Annotated[str, StringConstraints(pattern=r"^.+\.([Pp][Nn][Gg]|[Jj][Pp][Ee]?[Gg])$", max_length=300)]
"""A PNG or JPEG file, relative to the project folder."""


class Series(_Model):
    """The strategy series: its title and the period it covers."""

    title: Line
    subtitle: Line | None = None
    period: Period
    disclaimer: Prose | None = Field(None, description="Printed on the cover of every draft (e.g. 'illustrative')")
    classification: Line | None = Field(
        None, description="Classification line printed on the cover and in the header, e.g. 'Draft for "
                          "consultation - not for publication'")
    logo: ImagePath | None = Field(
        None, description="A PNG or JPEG printed at the top of the cover, relative to the project folder")


class DraftingTeam(_Model):
    """Who drafts the documents; becomes the author of every draft and redline."""

    name: Line
    organisation: Line | None = None
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None


class Consultation(_Model):
    """The current consultation round; its dates go on the cover of every draft."""

    round: Annotated[int, Field(ge=1, le=99)]
    issued: IsoDate = Field(description="Date printed on the drafts of this round")
    deadline: IsoDate = Field(description="Date by which ministries return their comments")
    recipients: list[Line] = Field(
        default_factory=empty_list, description="Distribution list of this round, printed in every draft")
    reply_letter: Prose | None = Field(
        None, description="A paragraph of the drafting team's own, printed in every reply to a ministry in this "
                          "round ('strategy-builder reply'), after the standard opening")

    @field_validator("deadline")
    @classmethod
    def _deadline_after_issue(cls, deadline: dt.date, info) -> dt.date:  # type: ignore[no-untyped-def]
        issued = info.data.get("issued")
        if issued is not None and deadline < issued:
            raise ValueError(f"the deadline ({deadline}) is before the issue date ({issued})")
        return deadline


class BuildSettings(_Model):
    """Options of ``strategy-builder build`` that a team sets once."""

    template: Annotated[str, StringConstraints(min_length=1)] = "templates/strategy.docx"
    redlines: bool = Field(False, description="Also write redlines against the previous draft")
    html_report: bool = Field(False, description="Also write an HTML diff report against the previous draft")
    pdf: bool = Field(False, description="Also write <CODE>.pdf beside every .docx (needs LibreOffice)")
    allow_untranslated: bool = Field(
        False, description="Circulate language versions with missing or stale translations, printing the "
                           "source text marked 'translation pending' (as build --allow-untranslated)")


LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
"""A language as ISO 639 writes it, in lowercase (``en``, ``ru``, ``kk``)."""


class LanguageVersion(_Model):
    """A language version printed for some partners only: ``{code: ru, partners: [AM, BY]}``."""

    code: LanguageCode
    partners: Annotated[list[StateCode], Field(min_length=1)] = Field(
        description="The partner states whose strategy is also printed in this language")


with warnings.catch_warnings():
    # ``register`` is the name the team writes; pydantic notes that it shadows ABCMeta.register of the class,
    # which no code calls on these models.
    warnings.filterwarnings("ignore", message='Field name "register"', category=UserWarning)

    class ReviewSettings(_Model):
        """Where the team keeps the comment register of returned drafts."""

        register: Annotated[str, StringConstraints(min_length=1)] | None = Field(
            None, description="The comment register (.xlsx, .csv, .html or .json), relative to the project "
                              "folder: 'check' validates responds_to against it, 'build' refreshes it when it "
                              "publishes a draft")


class StrategyFile(_Model):
    """``inputs/strategy.yaml``: process-level settings shared by every partner's draft."""

    series: Series
    states: Annotated[list[State], Field(min_length=1)]
    stakeholders: Annotated[list[Stakeholder], Field(min_length=1)]
    drafting_team: DraftingTeam
    consultation: Consultation
    introduction: Prose | None = Field(
        None, description="The introduction of every draft: the BMP mandate, the expert missions, the consultation")
    abbreviations: dict[AbbreviationCode, Line] = Field(
        default_factory=empty_dict, description="Full names of abbreviations used in the texts (IBM: integrated "
                                                "border management); stakeholder and state codes have theirs already",
        json_schema_extra={"additionalProperties": False})
    languages: list[LanguageCode | LanguageVersion] = Field(
        default_factory=empty_list,
        description="The languages of the drafts, the source language first (en); each other language is a "
                    "translated version of every partner's draft, or of the partners it names "
                    "({code: ru, partners: [AM, BY]}); translations live in inputs/translations/<language>/")
    build: BuildSettings = BuildSettings()
    review: ReviewSettings = ReviewSettings()

    @property
    def source_language(self) -> str:
        """The language the inputs are written in: the first of ``languages`` (``en`` when none is declared)."""
        first = self.languages[0] if self.languages else "en"
        return first if isinstance(first, str) else first.code

    def language_versions(self) -> list[tuple[str, frozenset[str]]]:
        """(language, partner codes) of every declared language but the source, in declaration order."""
        partners = frozenset(self.partner_codes)
        versions = []
        for entry in self.languages[1:]:
            if isinstance(entry, str):
                versions.append((entry, partners))
            else:
                versions.append((entry.code, frozenset(entry.partners) & partners))
        return versions

    def state(self, code: str) -> State | None:
        return next((s for s in self.states if s.code == code), None)

    def stakeholder(self, code: str) -> Stakeholder | None:
        return next((s for s in self.stakeholders if s.code == code), None)

    @property
    def partner_codes(self) -> list[str]:
        return [s.code for s in self.states if s.role is StateRole.PARTNER]


# --------------------------------------------------------------------------- partners/<CODE>.yaml


class Status(str, enum.Enum):
    """Where a priority stands in the negotiation."""

    PROPOSED = "proposed"
    AGREED = "agreed"
    BRACKETED = "bracketed"
    WITHDRAWN = "withdrawn"


class ImpactLevel(str, enum.Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class ReferenceKind(str, enum.Enum):
    MAPPING = "mapping"
    BEST_PRACTICE = "best_practice"
    PROFILE = "profile"
    OTHER = "other"


class Authority(_Model):
    """A national authority of the partner state."""

    name: Line
    role: Line | None = None


class KeyFigure(_Model):
    """One figure of the annex (label, value, unit, year, source)."""

    label: Line
    value: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    unit: Line | None = None
    year: Annotated[int, Field(ge=1990, le=2100)]
    source: Line
    responds_to: list[RowId] = Field(default_factory=empty_list, description=RESPONDS_TO_HELP)


class Action(_Model):
    """A concrete, operational action: what, who leads, who takes part, when."""

    text: Prose
    lead: list[StateCode] = Field(default_factory=empty_list, description="Lead states (participating states)")
    stakeholders: list[StakeholderCode] = Field(default_factory=empty_list)
    timeline: Period | None = None
    responds_to: list[RowId] = Field(default_factory=empty_list, description=RESPONDS_TO_HELP)


class ExpectedImpact(_Model):
    """The assessment of a priority's expected impact on migration policy."""

    level: ImpactLevel
    text: Prose


class Reference(_Model):
    """A mapping, best practice or profile a priority is based on."""

    kind: ReferenceKind
    title: Line
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None


class Priority(_Model):
    """One priority of a partner in one area; its ``id`` becomes a tracked section ID."""

    id: Slug
    title: Line
    responds_to: list[RowId] = Field(default_factory=empty_list, description=RESPONDS_TO_HELP)
    status: Status = Status.PROPOSED
    rationale: Prose = Field(description="The partner's own statement of why this matters")
    cooperation: Prose | None = Field(None, description="How it prepares future joint cooperation")
    actions: list[Action] = Field(default_factory=empty_list)
    expected_impact: ExpectedImpact | None = None
    references: list[Reference] = Field(default_factory=empty_list)


class Area(_Model):
    """A partner's priorities in one area of the Joint Declaration."""

    priorities: list[Priority] = Field(default_factory=empty_list)
    no_priorities_reason: Prose | None = Field(None, description="Required when there are no priorities")
    responds_to: list[RowId] = Field(default_factory=empty_list, description=RESPONDS_TO_HELP)


class Areas(_Model):
    """All five areas; every key must be present."""

    illegal_migration: Area
    readmission_return: Area
    legal_migration: Area
    integration: Area
    migration_development: Area

    def items(self) -> list[tuple[str, Area]]:
        return [(key, getattr(self, key)) for key in AREA_KEYS]


class PartnerFile(_Model):
    """``inputs/partners/<CODE>.yaml``: one partner state's situation and priorities."""

    code: StateCode
    name: Line
    official_name: Line | None = None
    summary: Prose | None = Field(
        None, description="The executive summary; when absent the draft prints an overview of the priorities")
    authorities: list[Authority] = Field(default_factory=empty_list)
    situation: Prose = Field(description="A short objective description of the migration situation")
    situation_responds_to: list[RowId] = Field(
        default_factory=empty_list, description="IDs of rows of the comment register that the situation (with "
                                                "the names and authorities) answers; the next draft's changes table "
                                                "cites them")
    key_figures: list[KeyFigure] = Field(default_factory=empty_list)
    areas: Areas


SLUG_HELP = "lowercase letters and digits separated by single hyphens, e.g. 'seasonal-work'"


def suggest_slug(text: str) -> str:
    """A valid slug close to ``text`` (for hints)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:48].rstrip("-") or "priority"
