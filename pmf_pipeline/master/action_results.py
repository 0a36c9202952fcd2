"""Each action's result in a period: its current update, rated on the council's scale (``rules.actions``).

What the packs, the export and the audit show of actions. The update is the action's current one in
the period (from the current accepted return, with the same supersession as figures); an action with
none keeps its last update of earlier in the year if that closed it (completed or cancelled), and is
otherwise *no update*.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pmf_pipeline.config.plan import Action
from pmf_pipeline.periods import Period
from pmf_pipeline.rules.actions import Rated


@dataclass(frozen=True)
class ActionUpdate:
    """An action's update in one quarter, as the master dataset holds it."""

    period: Period
    status: str | None  # an ActionStatus value, or None
    percent_complete: Decimal | None
    rating: str  # self-assessed code, '' for none
    commentary: str = ""
    revised_due: dt.date | None = None
    completed_on: dt.date | None = None
    source: str = "return"  # return | history
    has_error: bool = False


@dataclass(frozen=True)
class ActionResult:
    action: Action
    period: Period
    update: ActionUpdate | None  # None: no update this quarter (rated no_update)
    rated: Rated
    kind_name: str  # the council's name of the action's kind ("Service plan action")
    carried_over: bool  # in an earlier year's plan too
    completed_this_quarter: bool  # completed, with a completion date in this quarter (or first reported completed now)
    history: tuple[ActionUpdate, ...] = ()  # earlier quarters' updates, oldest first (across years: the reference stays)

    @property
    def exception(self) -> bool:
        return self.rated.exception

    @property
    def commentary_awaited(self) -> bool:
        return self.rated.needs_commentary and not (self.update and self.update.commentary)
