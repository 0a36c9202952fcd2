"""The sample returns' action updates, filled in as updaters would (``workbook.samples``).

Every action due an update gets a realistic one, drawn with a fixed seed: % complete near the
expected % at the quarter's end (never below last quarter's), a rating on the council's scale that
fits it, commentary on every update and an explanation on amber, red and overdue ones; an action
past its due date is completed or given a revised due date. Actions last reported completed or
cancelled are left blank (their last update stands). Six deliberate mistakes are planted, each on
the first action in library order that suits it, for validation to catch:

- completed without a completion date; a completion date after the return was saved;
- % complete lower than last quarter's; rated Green while well behind expected progress;
- rated Red with no commentary; a status typed that is not on the list.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from decimal import Decimal

from pmf_pipeline.config.models import Config
from pmf_pipeline.config.plan import Action, ActionStatus
from pmf_pipeline.periods import Period
from pmf_pipeline.rules.actions import SELF_LOOKS, expected_percent
from pmf_pipeline.workbook.fill import ActionEntry

ON_PLAN = "Delivered as planned this quarter; the next steps are scheduled and resourced."
BEHIND = "Behind the plan because key staff were redeployed over the summer; a recovery plan is agreed and the position will be reviewed next quarter."
LATE = "Not finished by the due date: supplier delays held up the final stage. A revised date is proposed and the work is being prioritised."
DONE = "Completed; the outcome has been reported to the service's management team."
MISTAKES = ("completed_no_date", "completion_future", "percent_fell", "green_behind", "red_no_commentary", "status_unknown")


def _rating(scheme: str, code: str) -> str:
    looks = SELF_LOOKS[scheme]
    return looks[code].label if code in looks else looks["amber"].label


def sample_action_entry(action: Action, config: Config, period: Period, updater: str, rng: random.Random, on_time: bool = False) -> ActionEntry | None:
    """One action's realistic update; None where a blank row is right (last reported completed or cancelled).
    ``on_time``: an action past its due date was completed (none is overdue)."""
    scheme = config.framework.action_scheme.value
    last = config.action_history.get((action.ref, period.previous()))
    if last is not None and last.status in (ActionStatus.completed, ActionStatus.cancelled):
        return None
    end = period.end_date
    expected = expected_percent(action.start, action.due, end)
    floor = last.percent_complete if last is not None and last.percent_complete is not None else Decimal(0)
    if expected >= 100:
        if rng.random() < 0.7 or on_time:
            done_on = max(action.start, min(action.due, end) - dt.timedelta(days=rng.randint(0, 20)))
            return ActionEntry(
                "Completed", 100, SELF_LOOKS[scheme].get("blue", SELF_LOOKS[scheme]["green"]).label, completed_on=done_on, commentary=DONE, updated_by=updater
            )
        pct = max(floor, Decimal(rng.randint(72, 88)))  # needs monitoring against 100% expected: amber fits
        revised = end + dt.timedelta(days=rng.choice((31, 61, 92)))
        rating = _rating(scheme, "amber") if pct < 90 else fitting(scheme, pct, expected)[0]
        return ActionEntry("In progress", int(pct), rating, revised_due=revised, commentary=LATE, updated_by=updater)
    factor = Decimal(str(round(rng.uniform(0.75, 1.2), 2)))
    pct = min(Decimal(99), max(floor, (expected * factor).quantize(Decimal(1))))
    rating, text = fitting(scheme, pct, expected)
    return ActionEntry("In progress", int(pct), rating, commentary=text, updated_by=updater)


def fitting(scheme: str, pct: Decimal, expected: Decimal) -> tuple[str, str]:
    """The rating an honest updater gives for ``pct`` against ``expected``, and a commentary that goes with it."""
    performance = pct * 100 / expected if expected else Decimal(100)
    if performance >= 90:
        return _rating(scheme, "green"), ON_PLAN
    if performance >= 70:
        return _rating(scheme, "yellow" if scheme == "brayg" else "amber"), BEHIND
    return _rating(scheme, "red"), BEHIND


def sample_action_updates(
    config: Config, period: Period, updaters: dict[str, str], seed: int = 2026, clean: tuple[str, ...] = ()
) -> dict[str, dict[str, ActionEntry]]:
    """Every directorate's action updates (directorate -> action ref -> entry), with the mistakes planted
    outside the ``clean`` directorates."""
    out: dict[str, dict[str, ActionEntry]] = {}
    for d in config.framework.directorates:
        rng = random.Random(f"{seed}-actions-{d.code}")
        entries = {}
        for a in config.actions_for(d.code, period):
            e = sample_action_entry(a, config, period, updaters.get(d.code, "A. Updater"), rng, on_time=d.code in clean)
            if e is not None:
                entries[a.ref] = e
        out[d.code] = entries
    _plant(config, period, {d: e for d, e in out.items() if d not in clean})
    return out


def _plant(config: Config, period: Period, updates: dict[str, dict[str, ActionEntry]]) -> None:
    scheme = config.framework.action_scheme.value
    end = period.end_date
    saved_by = config.framework.deadline(period) + dt.timedelta(days=4)  # after any sample return was saved
    used: set[str] = set()
    todo = list(MISTAKES)
    for entries in updates.values():
        for ref, e in entries.items():
            if not todo or ref in used:
                continue
            a = config.actions[ref]
            last = config.action_history.get((ref, period.previous()))
            expected = expected_percent(a.start, a.due, end)
            floor = last.percent_complete or Decimal(0) if last is not None else Decimal(0)
            for mistake in list(todo):
                new = None
                if mistake in ("completed_no_date", "completion_future") and e.status == "Completed":
                    new = replace(e, completed_on="") if mistake == "completed_no_date" else replace(e, completed_on=saved_by + dt.timedelta(days=21))
                elif mistake == "percent_fell" and e.status == "In progress" and last is not None and (last.percent_complete or 0) >= 10:
                    pct = (last.percent_complete or Decimal(0)) - 5
                    rating, text = fitting(scheme, pct, expected)
                    new = replace(e, percent=int(pct), rating=rating, commentary=text)
                elif (
                    mistake == "green_behind"
                    and e.status == "In progress"
                    and expected >= 40
                    and (last is None or (last.percent_complete or 0) <= expected / 2)
                ):
                    new = replace(e, percent=int((expected / 2).quantize(Decimal(1))), rating=SELF_LOOKS[scheme]["green"].label, commentary=ON_PLAN)
                elif mistake == "red_no_commentary" and e.status == "In progress" and expected >= 20 and expected * Decimal("0.6") >= floor:
                    new = replace(e, percent=int((expected * Decimal("0.6")).quantize(Decimal(1))), rating=SELF_LOOKS[scheme]["red"].label, commentary="")
                elif mistake == "status_unknown" and e.status == "In progress":
                    new = replace(e, status="Nearly there")
                if new is not None:
                    entries[ref] = new
                    used.add(ref)
                    todo.remove(mistake)
                    break
