"""The audit of actions: each re-validated action update against the master dataset, and the ratings.

``compare_actions`` sets every field of each re-validated ``ActionRecord`` beside the action update
stored for its return (``action_updates``), naming the action, the file and the Status cell, and
names any update the master dataset holds for the return that no row of it supports.
``compare_ratings`` rates the period's actions twice, from the stored updates and from the
re-validated ones (``master.action_results``), and names each action whose rating, expected-progress
rating, overdue flag or standing update differs. Which return is current is the record's own
business (``audit.chain`` checks it): the re-validated updates are taken from the returns the
stored ones came from.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from decimal import Decimal

from pmf_pipeline.config.models import Config
from pmf_pipeline.master.action_results import ActionResult, ActionUpdate, action_result, action_updates, period_action_results
from pmf_pipeline.master.store import MalformedValue, Store, to_decimal
from pmf_pipeline.periods import Period
from pmf_pipeline.returns.findings import ActionRecord

Add = Callable[[str, str, str], None]  # AuditReport.add(kind, what, detail)

TEXT_FIELDS = ("status", "rating", "revised_due", "completed_on", "commentary", "updated_by", "sheet", "cell", "typed")
FLAGS = ("has_error", "carried")


def _stored_percent(row: sqlite3.Row) -> Decimal | None | str:
    try:
        return to_decimal(row["percent_complete"], row, "percent_complete")
    except MalformedValue:
        return str(row["percent_complete"])  # never equal to a Decimal: shown as it stands


def _differences(a: ActionRecord, row: sqlite3.Row) -> list[str]:
    diffs = []
    stored = _stored_percent(row)
    if a.percent_complete != stored:
        diffs.append(f"percent_complete: archive {_shown(a.percent_complete)}, master {_shown(stored)}")
    for key in TEXT_FIELDS:
        mine, theirs = getattr(a, key), row[key]
        if (mine or "") != (theirs or ""):
            diffs.append(f"{key}: archive {_shown(mine)}, master {_shown(theirs)}")
    for key in FLAGS:
        if bool(getattr(a, key)) != bool(row[key]):
            diffs.append(f"{key}: archive {'yes' if getattr(a, key) else 'no'}, master {'yes' if row[key] else 'no'}")
    return diffs


def _shown(v: object) -> str:
    if v is None or v == "":
        return "nothing"
    text = str(v)
    return text if len(text) <= 60 else text[:57] + "..."


def compare_actions(add: Add, records: list[ActionRecord], store: Store, submission_id: int, name: str) -> tuple[int, int]:
    """Every re-validated update of one return against the stored ones: (checked, reproduced)."""
    rows = store.submission_action_updates(submission_id)
    checked = reproduced = 0
    for a in records:
        checked += 1
        where = f"{name} {a.sheet}!{a.cell} (action {a.action_ref})" if a.cell else f"{name} (action {a.action_ref})"
        row = rows.pop(a.action_ref, None)
        if row is None:
            add("action_missing", where, "the archived return holds this action's update but the master dataset does not")
            continue
        diffs = _differences(a, row)
        if diffs:
            add("action_differs", where, "; ".join(diffs))
        else:
            reproduced += 1
    for ref, row in rows.items():
        add(
            "action_unsupported",
            f"action {ref} in the master dataset",
            f"no row of the archived return {name} supports its update (master: {_shown(row['status'])})",
        )
    return checked, reproduced


def _as_update(a: ActionRecord, period: Period, stored: ActionUpdate | None) -> ActionUpdate:
    import datetime as dt

    def day(text: str | None) -> dt.date | None:
        try:
            return dt.date.fromisoformat(text) if text else None
        except ValueError:
            return None

    return ActionUpdate(
        period=period,
        status=a.status,
        percent_complete=a.percent_complete,
        rating=a.rating,
        commentary=a.commentary,
        revised_due=day(a.revised_due),
        completed_on=day(a.completed_on),
        source="return",
        has_error=a.has_error,
        updated_by=a.updated_by,
        file=stored.file if stored else "",
        sheet=a.sheet,
        cell=a.cell,
        carried=a.carried,
    )


def _key(r: ActionResult) -> tuple[object, ...]:
    u = r.update
    return (r.rated.rating, r.rated.progress, r.rated.overdue, None if u is None else (str(u.period), u.status, u.percent_complete, u.rating))


def compare_ratings(add: Add, config: Config, store: Store, period: Period, revalidated: Mapping[int, list[ActionRecord]]) -> int:
    """Rate the period's actions from the stored updates and from the re-validated ones (``revalidated``:
    submission id -> its records); name each that differs. The number of actions rated."""
    try:
        stored = period_action_results(config, store, period)
    except MalformedValue:
        return 0  # named by compare_actions already
    current = {ref: row["submission_id"] for ref, row in store.action_updates(str(period)).items() if row["submission_id"] is not None}
    updates = action_updates(config, store, [r.action.ref for r in stored])
    for ref, sid in current.items():
        if ref not in updates:
            continue
        mine = {a.action_ref: a for a in revalidated.get(sid, [])}
        if ref in mine:
            updates[ref][period] = _as_update(mine[ref], period, updates[ref].get(period))
        else:
            updates[ref].pop(period, None)  # the archived return does not support it
    for r in stored:
        again = action_result(config, r.action, updates[r.action.ref], period)
        if _key(again) != _key(r):
            add(
                "action_rating_differs",
                f"action {r.action.ref}",
                f"rated {again.rated.rating} ({again.rated.progress}) from the archived returns; {r.rated.rating} ({r.rated.progress}) from the master dataset"
                + (f" (its update from {r.update.file})" if r.update and r.update.file else ""),
            )
    return len(stored)


def check_history_updates(add: Add, config: Config, store: Store, period: Period) -> None:
    """Action updates of the period that came from no return must be exactly ``action_history.csv``'s."""
    for ref, row in store.action_updates(str(period)).items():
        if row["submission_id"] is not None:
            continue
        h = config.action_history.get((ref, period))
        want = None if h is None else (None if h.status is None else h.status.value, h.percent_complete, h.rating, h.commentary)
        have = (row["status"], _stored_percent(row), row["rating"] or "", row["commentary"] or "")
        if want != have:
            add(
                "action_unsupported",
                f"action {ref} in the master dataset",
                f"no archived return and no action history entry supports its update (master: {_shown(row['status'])})",
            )
