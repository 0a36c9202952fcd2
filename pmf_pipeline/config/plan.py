"""The actions library (``config/actions.yaml``): service plan actions, commitments and the like.

A council's quarterly report is two halves: its PIs, and progress on what it committed to do.
Each entry of ``actions.yaml`` is one action or commitment, with a reference that stays the same
across years: an unfinished action is carried into the next year's plan by adding that year to its
``years`` (and, if it slipped, a later ``due``), so it keeps its reference and its history.

- ``kind``: a code from framework.yaml's ``action_kinds`` (default: ``commitment``, ``service_plan``,
  ``regulator``; see ``DEFAULT_ACTION_KINDS``).
- ``start`` and ``due``: dates as spreadsheet users write them (24/07/2026 or 2026-07-24).
- ``milestones``: optional, each with its own title and due date.
- ``years``: the financial years whose plan the action belongs to (``2026-27``).

Updates of earlier quarters before the tool was used are ``config/action_history.csv`` (one row
per action and quarter: ``action_ref, period, status, percent_complete, rating, commentary``).
An action is due an update in a quarter when its plan includes the quarter's financial year and it
has started by the quarter's end (``Action.due_update``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from pmf_pipeline.config.spellings import uk_date
from pmf_pipeline.errors import UsageError
from pmf_pipeline.periods import FinancialYear, Period

UKDate = Annotated[dt.date, BeforeValidator(uk_date)]


class ActionStatus(Enum):
    """What an updater says of an action: the words of the ``Status`` column, as the workbook lists them."""

    not_started = "not started"
    in_progress = "in progress"
    completed = "completed"
    deferred = "deferred"
    ongoing = "ongoing"
    cancelled = "cancelled"

    @property
    def label(self) -> str:
        return self.value[:1].upper() + self.value[1:]

    @classmethod
    def from_text(cls, text: str) -> ActionStatus | None:
        """The status an updater typed or chose, forgiving case, spacing, hyphens and 'complete'."""
        key = " ".join(str(text).replace("-", " ").replace("_", " ").split()).casefold()
        key = {"complete": "completed", "not yet started": "not started", "in hand": "in progress", "canceled": "cancelled"}.get(key, key)
        for s in cls:
            if s.value == key:
                return s
        return None


class ActionScheme(Enum):
    """How actions are rated (framework.yaml ``action_scheme``; see ``rules.actions``)."""

    expected_progress = "expected_progress"
    brayg = "brayg"
    rag = "rag"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class ActionKind(_Model):
    """A kind of action the council tracks (``action_kinds:``): ``name`` is shown in workbooks and packs."""

    code: str = Field(pattern=r"^[A-Za-z0-9_]+$")
    name: str = Field(min_length=1)
    name_cy: str = ""  # its Welsh form (framework.yaml ``languages``)


# The Welsh forms are the glossary's (docs/glossary.md), not yet checked by a Welsh speaker.
DEFAULT_ACTION_KINDS = (
    ActionKind(code="commitment", name="Corporate plan commitment", name_cy="Ymrwymiad y cynllun corfforaethol"),
    ActionKind(code="service_plan", name="Service plan action", name_cy="Cam gweithredu'r cynllun gwasanaeth"),
    ActionKind(code="regulator", name="Regulator recommendation", name_cy="Argymhelliad rheoleiddiwr"),
)


class Milestone(_Model):
    title: str = Field(min_length=1)
    title_cy: str = ""
    due: UKDate


REF_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.\-]*$")


class Action(_Model):
    ref: str = Field(max_length=40)
    title: str = Field(min_length=1)
    description: str = ""
    title_cy: str = ""
    description_cy: str = ""
    kind: str  # a code from the framework's action_kinds, checked on loading
    directorate: str
    service: str | None = None
    owner: str
    objective: str | None = None
    aim: str | None = None
    committees: tuple[str, ...] = ()
    start: UKDate
    due: UKDate
    milestones: tuple[Milestone, ...] = ()
    years: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _one_year(cls, v: Any) -> Any:
        """``years: 2026-27`` is one year; a year typed as a number (2026) is judged as the text it reads."""
        if isinstance(v, dict):
            years = v.get("years")
            if isinstance(years, (str, int)) and not isinstance(years, bool):
                v = {**v, "years": [str(years)]}
            elif isinstance(years, list):
                v = {**v, "years": [str(y) if isinstance(y, int) and not isinstance(y, bool) else y for y in years]}
        return v

    @field_validator("ref")
    @classmethod
    def _ref(cls, v: str) -> str:
        if not REF_PATTERN.match(v):
            raise ValueError(f"'{v}' cannot be used: an action's reference uses only letters, digits and / _ . - (no spaces), starting with a letter or digit")
        return v

    @field_validator("years")
    @classmethod
    def _years(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for y in v:
            try:
                FinancialYear.parse(y)
            except UsageError:
                if re.fullmatch(r"(19|20)\d\d", y.strip()):
                    start = int(y)
                    raise ValueError(
                        f"'{y}' is a calendar year; write the financial year, like {start}-{(start + 1) % 100:02d} (April {start} to March {start + 1})"
                    ) from None
                raise ValueError(f"'{y}' is not a financial year; write it like 2026-27") from None
        twice = sorted({y for y in v if v.count(y) > 1})
        if twice:
            raise ValueError(f"{', '.join(twice)} is listed twice; give each year once")
        return v

    @model_validator(mode="after")
    def _dates(self) -> Action:
        if self.due < self.start:
            raise ValueError(
                f"the due date {self.due:%d/%m/%Y} is before the start date {self.start:%d/%m/%Y}; an action is due on or after the day it starts: correct the start or the due date"
            )
        return self

    @property
    def plan_years(self) -> tuple[FinancialYear, ...]:
        return tuple(FinancialYear.parse(y) for y in self.years)

    def due_update(self, period: Period) -> bool:
        """Whether the quarter's return asks for an update: the quarter's year is in the action's plan
        and the action has started by the quarter's end."""
        return period.year in self.plan_years and self.start <= period.end_date

    def carried_over(self, period: Period) -> bool:
        """Whether the action was in an earlier year's plan too (carried into this year's)."""
        return any(y < period.year for y in self.plan_years) and period.year in self.plan_years


@dataclass(frozen=True, slots=True)
class ActionHistory:
    """One update of an action in a quarter before the tool was used (``action_history.csv``)."""

    action_ref: str
    period: Period
    status: ActionStatus | None
    percent_complete: Decimal | None
    rating: str = ""
    commentary: str = ""
