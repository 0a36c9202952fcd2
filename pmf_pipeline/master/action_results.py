"""Each action's result in a period: its current update, rated on the council's scale (``rules.actions``).

What the packs, the export and the audit show of actions. The update is the action's current one in
the period (from the current accepted return, with the same supersession as figures); an action with
none, or whose row the updater left blank because it was closed (``ActionRecord.carried``), keeps
its latest earlier update if that closed it (completed or cancelled), and is otherwise *no update*.
"Earlier" is any earlier quarter, across years: an action carried into a new year's plan keeps its
reference, so its history runs on. Updates come from the master dataset, and, for quarters it does
not hold, from ``config/action_history.csv``.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pmf_pipeline.config.models import Config
from pmf_pipeline.config.plan import Action, ActionHistory, ActionStatus
from pmf_pipeline.master import paths
from pmf_pipeline.master.store import Store, data_lock, to_decimal
from pmf_pipeline.periods import Period
from pmf_pipeline.rules.actions import CANCELLED, COMPLETED, Rated, rate_action

CLOSED = (COMPLETED, CANCELLED)  # an action so reported keeps that update while its row is left blank


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
    updated_by: str = ""
    file: str = ""  # the return's file name as received ('' from history)
    sheet: str = ""
    cell: str = ""  # the Status cell
    carried: bool = False  # the row was left blank: the action's last (closing) update stands

    @property
    def closed(self) -> bool:
        return self.status in CLOSED

    @property
    def where(self) -> str:
        """'file, sheet!cell' of the update, or 'history'."""
        if self.source == "history":
            return "history"
        return f"{self.file}, {self.sheet}!{self.cell}" if self.cell else self.file


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
    # The update this quarter had an error that says it is unsound (a status not on the list, a % that is
    # not one, completed without its date...): held back as a figure with an error is, so the action is
    # reported as having no update until the service corrects it; ``held`` is that update.
    held: ActionUpdate | None = None

    @property
    def awaiting_correction(self) -> bool:
        return self.held is not None

    @property
    def exception(self) -> bool:
        return self.rated.exception

    @property
    def commentary_awaited(self) -> bool:
        return self.rated.needs_commentary and not (self.update and self.update.commentary)


# ------------------------------------------------------------------ reading the updates


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def update_from_row(row: sqlite3.Row, files: Mapping[int, str]) -> ActionUpdate:
    """An ``action_updates`` row as an ActionUpdate (``files``: submission id -> file name)."""
    sid = row["submission_id"]
    return ActionUpdate(
        period=Period.parse(row["period"]),
        status=row["status"],
        percent_complete=to_decimal(row["percent_complete"], row, "percent_complete"),
        rating=row["rating"] or "",
        commentary=row["commentary"] or "",
        revised_due=_date(row["revised_due"]),
        completed_on=_date(row["completed_on"]),
        source=row["source"],
        has_error=bool(row["has_error"]),
        updated_by=row["updated_by"] or "",
        file=files.get(sid, "") if sid is not None else "",
        sheet=row["sheet"] or "",
        cell=row["cell"] or "",
        carried=bool(row["carried"]),
    )


def update_from_history(h: ActionHistory) -> ActionUpdate:
    return ActionUpdate(
        period=h.period,
        status=None if h.status is None else h.status.value,
        percent_complete=h.percent_complete,
        rating=h.rating,
        commentary=h.commentary,
        source="history",
    )


def action_updates(config: Config, store: Store, refs: Iterable[str] | None = None) -> dict[str, dict[Period, ActionUpdate]]:
    """Every action's updates by quarter: the master dataset's current ones, and the configuration's
    history for quarters the dataset does not hold."""
    refs = list(config.actions) if refs is None else list(refs)
    rows = store.action_updates_of(refs)
    files: dict[int, str] = {}
    for period in sorted({r["period"] for rs in rows.values() for r in rs}):
        files.update({sid: name for sid, (name, _) in store.submission_files(period).items()})
    out: dict[str, dict[Period, ActionUpdate]] = {ref: {} for ref in refs}
    for ref, rs in rows.items():
        for r in rs:
            u = update_from_row(r, files)
            out[ref][u.period] = u
    for (ref, period), h in config.action_history.items():
        if ref in out and period not in out[ref]:
            out[ref][period] = update_from_history(h)
    return out


def _standing(updates: Mapping[Period, ActionUpdate], period: Period) -> tuple[ActionUpdate | None, bool]:
    """The update that stands for ``period``: (update, carried from an earlier quarter)."""
    now = updates.get(period)
    if now is not None and not now.carried:
        return now, False
    # no update, or a blank row that kept the last one (the reader copies its status and % from the
    # workbook's "last quarter" columns): the closing update itself stands, with its date and rating
    earlier = [updates[p] for p in sorted(updates) if p < period and updates[p].status is not None]
    if earlier and earlier[-1].closed:
        return earlier[-1], True
    return now, False


# ------------------------------------------------------------------ results


def action_result(config: Config, action: Action, updates: Mapping[Period, ActionUpdate], period: Period) -> ActionResult:
    """One action's result in ``period`` from its updates by quarter (see the module docstring)."""
    update, carried = _standing(updates, period)
    held = None
    if update is not None and update.has_error and not carried:
        held, update = update, None  # unsound: never rated, never an achievement (see ActionResult.held)
    history = tuple(updates[p] for p in sorted(updates) if p < period)
    rated = rate_action(
        config.framework.action_scheme.value,
        update.status if update else None,
        update.percent_complete if update else None,
        update.rating if update else "",
        action.start,
        action.due,
        period.end_date,
    )
    before = [u for u in history if u.status is not None]
    completed_now = bool(update and not carried and update.status == COMPLETED and not (before and before[-1].status == COMPLETED))
    try:
        kind_name = config.framework.action_kind(action.kind).name
    except KeyError:
        kind_name = action.kind
    return ActionResult(
        action=action,
        period=period,
        update=update,
        rated=rated,
        kind_name=kind_name,
        carried_over=action.carried_over(period),
        completed_this_quarter=completed_now,
        history=history,
        held=held,
    )


def period_action_results(config: Config, store: Store, period: Period) -> list[ActionResult]:
    """The result of every action due an update in ``period``, in library order."""
    due = [a for a in config.actions.values() if a.due_update(period)]
    updates = action_updates(config, store, [a.ref for a in due])
    return [action_result(config, a, updates[a.ref], period) for a in due]


def last_updates(config: Config, store: Store, period: Period) -> dict[str, ActionUpdate]:
    """Each action's update of the quarter before ``period`` (for the workbook's "last quarter"
    columns): the master dataset's, else the configuration's history. A row left blank then because
    the action was closed shows the closing update it kept. Actions with none are left out."""
    previous = period.previous()
    out: dict[str, ActionUpdate] = {}
    for ref, updates in action_updates(config, store).items():
        if previous not in updates:
            continue
        kept, _ = _standing(updates, previous)
        if kept is not None:
            out[ref] = kept
    return out


def as_history(ref: str, update: ActionUpdate) -> ActionHistory:
    """An update in the shape the workbook's "last quarter" columns take (``workbook.action_spec.LastActions``)."""
    return ActionHistory(
        action_ref=ref,
        period=update.period,
        status=ActionStatus(update.status) if update.status else None,
        percent_complete=update.percent_complete,
        rating=update.rating,
        commentary=update.commentary,
    )


def last_actions(config: Config, store: Store, period: Period) -> dict[str, ActionHistory]:
    """``last_updates`` as the workbook's generator takes them: action ref -> ActionHistory."""
    return {ref: as_history(ref, u) for ref, u in last_updates(config, store, period).items()}


def last_actions_for_workbooks(data_dir: str | Path, config: Config, period: Period) -> dict[str, ActionHistory]:
    """The "last quarter" updates a period's workbooks show (``pmf generate``): the master dataset's,
    where the data folder has one, else the configuration's history. Shown only, never part of a
    return's fingerprint, so they are read afresh each time rather than frozen."""
    if not config.actions:
        return {}
    with data_lock(data_dir):
        if not paths.database(data_dir).exists():
            return {ref: h for (ref, p), h in config.action_history.items() if p == period.previous()}
        store = Store(data_dir)
        try:
            return last_actions(config, store, period)
        finally:
            store.close()
