"""The configuration in ``config/``: the framework, the PI definition library, targets and history.

Performance officers edit these files, so every problem is reported as one ConfigError naming the
file, the entry and the field, and saying what is wrong. Everything is loaded once into frozen
objects (``Config``) and stages are handed the parts they use.

Files:
- ``framework.yaml``: council, tolerance, status scheme, directorates, objectives (and their aims),
  committees, return deadlines, the council's own words for these (``terms``) and its PI types.
- ``pis.yaml``: the PI definition library.
- ``targets.csv``: one row per PI and financial year (annual target, quarterly profile, rationale).
- ``history.csv``: actuals of earlier quarters (``period`` like 2025-26-Q2; annual PIs use their due quarter).
- ``actions.yaml`` and ``action_history.csv`` (optional): the actions library and earlier updates
  (``plan.py``); a council without them reports PIs only.

Welsh and English: ``languages`` says which languages the council publishes in, in reading order
(``[cy, en]``: Welsh first). Every text that reaches a reader may carry its Welsh form beside it, in
the same field name with ``_cy`` added (``name_cy``, ``title_cy``, ``labels_cy``); a missing Welsh form
falls back to the English (``i18n.in_language``) and ``pmf check-config`` lists it (``welsh.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from pmf_pipeline.config.plan import DEFAULT_ACTION_KINDS, Action, ActionHistory, ActionKind, ActionScheme
from pmf_pipeline.config.spellings import fraction, uk_date
from pmf_pipeline.errors import UsageError
from pmf_pipeline.i18n.languages import ENGLISH, language_list
from pmf_pipeline.periods import FinancialYear, Period

CONFIG_FILES = ("framework.yaml", "pis.yaml", "targets.csv", "history.csv")
OPTIONAL_FILES = ("actions.yaml", "action_history.csv")  # a council that tracks no actions has neither
ALL_CONFIG_FILES = CONFIG_FILES + OPTIONAL_FILES
# A council's corrections to the catalogue (i18n.catalogue): kept with a period's frozen configuration too,
# so that a period's Welsh packs do not change after it is frozen.
TRANSLATION_FILES = ("translations/cy.po",)
FROZEN_FILES = ALL_CONFIG_FILES + TRANSLATION_FILES

# A list of language codes in reading order (``[cy, en]``), each one pmf knows (i18n.languages).
Languages = Annotated[tuple[str, ...], BeforeValidator(language_list)]

# Written as spreadsheet users write them (see spellings.py): 10%, 10 % or 0.10; 24/07/2026 or 2026-07-24.
Fraction = Annotated[Decimal, BeforeValidator(fraction)]
UKDate = Annotated[dt.date, BeforeValidator(uk_date)]


class Unit(Enum):
    percentage = "percentage"
    number = "number"
    days = "days"
    currency = "currency"
    ratio = "ratio"
    rate_per_1000 = "rate_per_1000"
    narrative = "narrative"


class Polarity(Enum):
    higher = "higher"
    lower = "lower"
    none = "none"


class Frequency(Enum):
    quarterly = "quarterly"
    half_yearly = "half_yearly"
    annual = "annual"


UNIT_LABELS = {
    Unit.percentage: "%",
    Unit.number: "Number",
    Unit.days: "Days",
    Unit.currency: "£",
    Unit.ratio: "Ratio",
    Unit.rate_per_1000: "Rate per 1,000",
    Unit.narrative: "Narrative",
}
POLARITY_LABELS = {Polarity.higher: "Higher is better", Polarity.lower: "Lower is better", Polarity.none: "Context only"}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class Service(_Model):
    code: str
    name: str
    name_cy: str = ""


class Directorate(_Model):
    code: str = Field(pattern=r"^[A-Za-z0-9_]+$")
    name: str
    name_cy: str = ""
    services: tuple[Service, ...] = ()
    # How its returns come: one workbook for the directorate, or one per service (``pmf generate
    # --by-service``); the return tracker expects, and chases, one return per service when by_service.
    returns: Literal["by_directorate", "by_service"] = "by_directorate"
    # The language(s) of its updater workbooks, when not the council's (``Framework.workbook_languages_for``).
    workbook_languages: Languages | None = None


class Aim(_Model):
    code: str
    title: str
    title_cy: str = ""


class Objective(_Model):
    code: str
    title: str
    title_cy: str = ""
    aims: tuple[Aim, ...] = ()


class Remit(_Model):
    objectives: tuple[str, ...] = ()
    directorates: tuple[str, ...] = ()
    pis: tuple[str, ...] = ()


class Committee(_Model):
    code: str = Field(pattern=r"^[A-Za-z0-9_]+$")
    name: str
    name_cy: str = ""
    remit: Remit = Remit()

    def covers(self, item: Any) -> bool:
        """Whether a PI or action is in this committee's remit: assigned to it, or of a directorate or
        objective the remit names (a remit's ``pis`` list names PIs alone: ``Config.committee_pis``)."""
        r = self.remit
        return self.code in item.committees or item.directorate in r.directorates or (item.objective is not None and item.objective in r.objectives)


class Term(_Model):
    """What the council calls something, in the singular and plural, as a sentence writes it (lower case
    unless it is a name: "wellbeing objective", "Council Plan priority"). The plural defaults to the
    singular and an "s"; a plain string in framework.yaml gives the singular alone."""

    singular: str = Field(min_length=1)
    plural: str = ""
    # Welsh forms: written in full, as Welsh plurals are rarely the singular and a letter (amcan, amcanion).
    singular_cy: str = ""
    plural_cy: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = {"singular": v}
        if isinstance(v, dict) and isinstance(v.get("singular"), str) and not v.get("plural"):
            v = {**v, "plural": v["singular"] + "s"}
        return v

    @property
    def heading(self) -> str:
        """The singular at the start of a heading: "Wellbeing objective", "Council Plan priority"."""
        return self.singular[:1].upper() + self.singular[1:]

    @property
    def plural_heading(self) -> str:
        return self.plural[:1].upper() + self.plural[1:]


class Terms(_Model):
    """The council's own words for its objectives, their aims and its committees (``terms:``)."""

    # The defaults' Welsh forms are the glossary's (docs/glossary.md), not yet checked by a Welsh speaker.
    objective: Term = Term(singular="wellbeing objective", singular_cy="amcan llesiant", plural_cy="amcanion llesiant")
    aim: Term = Term(singular="aim", singular_cy="nod", plural_cy="nodau")
    committee: Term = Term(singular="scrutiny committee", singular_cy="pwyllgor craffu", plural_cy="pwyllgorau craffu")


class PIType(_Model):
    """A kind of PI the council reports (``pi_types:``): ``short`` is shown beside each PI in workbooks
    and packs; ``name`` and ``description`` explain it in a pack's "How to read this report"."""

    code: str = Field(pattern=r"^[A-Za-z0-9_]+$")
    short: str = Field(min_length=1)
    name: str = Field(min_length=1)
    description: str = ""
    short_cy: str = ""
    name_cy: str = ""
    description_cy: str = ""


# The Welsh frameworks' four types: the default when framework.yaml has no ``pi_types:``. Their Welsh
# forms are the glossary's (docs/glossary.md), not yet checked by a Welsh speaker; the short forms stay
# as the national data sets print them (PAM, SSM).
DEFAULT_PI_TYPES = (
    PIType(
        code="pam",
        short="PAM",
        name="Public Accountability Measure",
        description="Reported by every council in Wales, so that councils can be compared.",
        short_cy="PAM",
        name_cy="Mesur Atebolrwydd Cyhoeddus",
        description_cy="Mae pob cyngor yng Nghymru yn adrodd arno, fel y gellir cymharu cynghorau.",
    ),
    PIType(
        code="social_services",
        short="SSM",
        name="Social Services measure",
        description="Set nationally for social services in Wales.",
        short_cy="SSM",
        name_cy="mesur Gwasanaethau Cymdeithasol",
        description_cy="Wedi'i osod yn genedlaethol ar gyfer gwasanaethau cymdeithasol yng Nghymru.",
    ),
    PIType(
        code="national",
        short="National",
        name="national indicator",
        description="Set nationally and reported by councils.",
        short_cy="Cenedlaethol",
        name_cy="dangosydd cenedlaethol",
        description_cy="Wedi'i osod yn genedlaethol, a chynghorau'n adrodd arno.",
    ),
    PIType(
        code="local",
        short="Local",
        name="local measure",
        description="Chosen by the council to follow its own priorities.",
        short_cy="Lleol",
        name_cy="mesur lleol",
        description_cy="Wedi'i ddewis gan y cyngor i ddilyn ei flaenoriaethau ei hun.",
    ),
)


class StatusScheme(Enum):
    three_level = "three_level"
    bridgend = "bridgend"
    havering = "havering"


class Framework(_Model):
    council: str
    council_cy: str = ""
    # The languages the council publishes its packs in, in reading order: [en], [cy] or [cy, en] (Welsh read first).
    languages: Languages = (ENGLISH,)
    # The language(s) of updater workbooks, unless a directorate says otherwise (its ``workbook_languages``);
    # None: English when the council publishes in English, else its first language (``workbook_languages_for``).
    workbook_languages: Languages | None = None
    financial_year_start_month: Literal[4] = 4
    tolerance: Fraction = Field(default=Decimal("0.10"), ge=0, lt=1)
    status_scheme: StatusScheme = StatusScheme.three_level
    labels: dict[str, str] = {}
    labels_cy: dict[str, str] = {}  # Welsh labels of the status scheme's ratings, by code, as ``labels``
    swing_warning: Fraction = Field(default=Decimal("0.25"), gt=0)
    deadline_days_after_quarter_end: int = Field(default=21, ge=0, le=120)
    deadlines: dict[str, UKDate] = {}
    directorates: tuple[Directorate, ...]
    objectives: tuple[Objective, ...]
    committees: tuple[Committee, ...]
    sheet_password: str | None = None
    # Above this many PIs the corporate overview pack leaves out the per-PI detail tables: every PI is
    # still shown in detail in its directorate's pack and its scrutiny committee's pack. 0 means never.
    overview_detail_limit: int = Field(default=300, ge=0)
    terms: Terms = Terms()
    pi_types: tuple[PIType, ...] = Field(default=DEFAULT_PI_TYPES, min_length=1)
    # How actions are rated (``rules.actions``): expected_progress (computed, as Camms), brayg (Bridgend's
    # self-assessed Blue/Green/Yellow/Amber/Red) or rag (self-assessed Green/Amber/Red).
    action_scheme: ActionScheme = ActionScheme.expected_progress
    action_kinds: tuple[ActionKind, ...] = Field(default=DEFAULT_ACTION_KINDS, min_length=1)
    # Times in packs are shown in this IANA time zone ("Data as at 24 July 2026 10:00 BST"); stored times stay UTC.
    timezone: str = "Europe/London"
    # How a reader asks for a pack in another format (an email address, a phone number, a web page), given in the
    # accessibility statement written beside the packs; without it the statement says "[contact]" for the council to replace.
    contact: str | None = None

    @model_validator(mode="after")
    def _workbook_languages_published(self) -> Framework:
        where = [("workbook_languages", self.workbook_languages)] + [
            (f"directorate {d.code}, workbook_languages", d.workbook_languages) for d in self.directorates
        ]
        for field, langs in where:
            extra = [c for c in langs or () if c not in self.languages]
            if extra:
                raise ValueError(
                    f"{field}: {', '.join(extra)} is not among the council's languages ({', '.join(self.languages)}); "
                    f"add it to languages: or take it out of workbook_languages"
                )
        return self

    def workbook_languages_for(self, directorate: Directorate) -> tuple[str, ...]:
        """The language(s) of a directorate's updater workbooks: its own ``workbook_languages``, else the
        council's, else English when the council publishes in English (as most Welsh councils send most
        services, even a council that publishes Welsh first), else the council's first language."""
        if directorate.workbook_languages:
            return directorate.workbook_languages
        if self.workbook_languages:
            return self.workbook_languages
        return (ENGLISH,) if ENGLISH in self.languages else self.languages[:1]

    def labels_in(self, lang: str) -> dict[str, str]:
        """The labels the council gives its status scheme's ratings in ``lang`` (the rest are the catalogue's)."""
        return self.labels_cy if lang == "cy" else self.labels

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        from zoneinfo import ZoneInfo

        try:
            ZoneInfo(v)
        except (KeyError, ValueError, OSError):  # not found is a KeyError; a malformed name a ValueError
            raise ValueError(f"'{v}' is not a time zone; write one like Europe/London") from None
        return v

    @field_validator("pi_types")
    @classmethod
    def _distinct_types(cls, v: tuple[PIType, ...]) -> tuple[PIType, ...]:
        codes = [t.code for t in v]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"PI type code {', '.join(twice)} is listed twice; give each type once")
        return v

    @field_validator("deadlines")
    @classmethod
    def _periods(cls, v: dict[str, dt.date]) -> dict[str, dt.date]:
        for key in v:
            try:
                Period.parse(key)
            except UsageError as e:
                raise ValueError(str(e)) from None
        return v

    def deadline(self, period: Period) -> dt.date:
        if str(period) in self.deadlines:
            return self.deadlines[str(period)]
        return period.end_date + dt.timedelta(days=self.deadline_days_after_quarter_end)

    def directorate(self, code: str) -> Directorate:
        for d in self.directorates:
            if d.code == code:
                return d
        raise KeyError(code)

    def action_kind(self, code: str) -> ActionKind:
        for k in self.action_kinds:
            if k.code == code:
                return k
        raise KeyError(code)

    def pi_type(self, code: str) -> PIType:
        """The council's PI type with this code (PIs are checked against the list on loading)."""
        for t in self.pi_types:
            if t.code == code:
                return t
        raise KeyError(code)


class Calculation(_Model):
    numerator: str
    denominator: str
    multiplier: Decimal = Decimal(1)


class Benchmark(_Model):
    label: str
    value: Decimal


class PI(_Model):
    ref: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9/_.\-]*$")
    title: str
    definition: str
    title_cy: str = ""
    definition_cy: str = ""
    type: str  # a code from the framework's pi_types, checked on loading
    directorate: str
    service: str | None = None
    owner: str
    objective: str | None = None
    aim: str | None = None
    committees: tuple[str, ...] = ()
    unit: Unit
    polarity: Polarity
    decimals: int = Field(default=0, ge=0, le=4)
    frequency: Frequency = Frequency.quarterly
    due_quarter: int = Field(default=4, ge=1, le=4)
    cumulative: bool = False
    calculation: Calculation | None = None
    valid_range: tuple[Decimal | None, Decimal | None] = (None, None)
    tolerance: Fraction | None = Field(default=None, ge=0, lt=1)
    evidence_required: bool = False
    benchmark: Benchmark | None = None
    new: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> PI:
        lo, hi = self.valid_range
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"valid_range runs from {lo} down to {hi}; write the lower bound first")
        if self.unit is Unit.percentage:
            if (lo is not None and lo < -100) or (hi is not None and hi > 100):
                raise ValueError(f"a percentage's valid_range must lie within -100 to 100, not {lo} to {hi}")
        if self.unit is Unit.narrative:
            if self.polarity is not Polarity.none:
                raise ValueError("a narrative PI has no polarity: set polarity: none")
            if self.calculation is not None:
                raise ValueError("a narrative PI cannot have a calculation")
        return self

    @property
    def narrative(self) -> bool:
        return self.unit is Unit.narrative

    @property
    def rated(self) -> bool:
        """Whether a status is ever given (context and narrative PIs are not rated)."""
        return self.polarity is not Polarity.none and not self.narrative

    def due_in(self, period: Period) -> bool:
        if self.frequency is Frequency.quarterly:
            return True
        if self.frequency is Frequency.half_yearly:
            return period.quarter in (2, 4)
        return period.quarter == self.due_quarter

    @property
    def maximum(self) -> Decimal | None:
        """The best value possible, where the valid range gives one (for 'maintained at maximum')."""
        lo, hi = self.valid_range
        if self.polarity is Polarity.higher:
            return hi
        if self.polarity is Polarity.lower:
            return lo
        return None


# Targets and history are rows of CSV files that config_files.py parses and checks field by field;
# plain frozen dataclasses, not pydantic models, because a large council has thousands of them and
# pydantic would only repeat those checks (a fifth of loading a 1,000-PI configuration).
@dataclass(frozen=True, slots=True)
class Target:
    pi_ref: str
    year: FinancialYear
    annual: Decimal | None
    profile: tuple[Decimal | None, Decimal | None, Decimal | None, Decimal | None] = (None, None, None, None)
    rationale: str = ""


@dataclass(frozen=True, slots=True)
class HistoryValue:
    pi_ref: str
    period: Period
    actual: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    text: str | None = None


class Config(_Model):
    """Everything in config/, checked for consistency."""

    framework: Framework
    pis: dict[str, PI]
    targets: dict[tuple[str, FinancialYear], Target]
    history: dict[tuple[str, Period], HistoryValue]
    hashes: dict[str, str] = {}
    actions: dict[str, Action] = {}
    action_history: dict[tuple[str, Period], ActionHistory] = {}
    _cache: dict[Any, Any] = PrivateAttr(default_factory=dict)  # derived views (return specs), computed once per configuration
    _folder: str = PrivateAttr(default="")  # where it was loaded from ('' if built in code): its translations/ are there

    @property
    def folder(self) -> str:
        """The folder the configuration was loaded from, whose ``translations/`` correct the catalogue ('' for none)."""
        return self._folder

    def cached(self, key: Any, make: Any) -> Any:
        """A value derived from this (immutable) configuration, computed once."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def pis_for(self, directorate: str, period: Period, service: str | None = None) -> list[PI]:
        """The PIs a directorate's return asks for in this period, in library order."""
        return [pi for pi in self.pis.values() if pi.directorate == directorate and pi.due_in(period) and (service is None or pi.service == service)]

    def actions_for(self, directorate: str, period: Period, service: str | None = None) -> list[Action]:
        """The actions a directorate's (or service's) return asks an update of in this period, in library order."""
        return [a for a in self.actions.values() if a.directorate == directorate and a.due_update(period) and (service is None or a.service == service)]

    def committee_actions(self, committee: Committee) -> list[Action]:
        return [a for a in self.actions.values() if committee.covers(a)]

    def target_for(self, pi: PI, period: Period) -> Decimal | None:
        """This quarter's target: the profiled target if there is one, else the cumulative share or the annual."""
        t = self.targets.get((pi.ref, period.year))
        if t is None:
            return None
        profiled = t.profile[period.quarter - 1]
        if profiled is not None:
            return profiled
        if t.annual is not None and pi.cumulative and pi.frequency is Frequency.quarterly:
            # A cumulative PI with no profile is assumed to accrue evenly through the year.
            return (t.annual * period.quarter / 4).quantize(Decimal(1).scaleb(-pi.decimals))
        return t.annual

    def annual_target(self, pi: PI, year: FinancialYear) -> Decimal | None:
        t = self.targets.get((pi.ref, year))
        return t.annual if t else None

    def tolerance_for(self, pi: PI) -> Decimal:
        return pi.tolerance if pi.tolerance is not None else self.framework.tolerance

    def committee_pis(self, committee: Committee) -> list[PI]:
        return [pi for pi in self.pis.values() if committee.covers(pi) or pi.ref in committee.remit.pis]
