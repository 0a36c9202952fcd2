"""The return tracker: one line per return the team expects, and whether it is in, late, rejected or not yet due.

A directorate sends one return, or one per service when its framework entry says
``returns: by_service`` (or when returns for its services have arrived anyway: the tracker then
follows what is being sent). A service's line is also answered by a whole-directorate return.

Late or on time is judged on the FIRST accepted return of each line: a correction the team asked
for after the deadline does not make an on-time directorate late. Both dates are shown when they
differ ("first return saved 20 October (on time); current return saved 2 November"). Before the
deadline, a return not yet in is 'not yet due', not a problem.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pmf_pipeline.config.models import Config, Directorate
from pmf_pipeline.master.store import Store, Submission
from pmf_pipeline.periods import Period
from pmf_pipeline.returns.current import day, label, parse_time


@dataclass(frozen=True)
class ReturnState:
    """One expected return: a directorate's, or one service's."""

    directorate: str
    name: str  # the directorate's name, or 'Directorate: Service'
    state: str  # missing (not yet due) | overdue (missing, past the deadline) | rejected | accepted
    late: bool
    errors: int
    warnings: int
    file: str | None  # the current (or last rejected) return's file name as received
    saved_at: str | None  # when the current return was saved
    submissions: int
    service: str | None = None
    deadline: dt.date | None = None
    received_at: str | None = None  # when the current return was received
    first_saved_at: str | None = None  # when the first accepted return was saved (or received): what 'late' is judged on
    first_is_current: bool = True
    submission_id: int | None = None
    pis: int = 0  # figures the current return brought
    actions: int | None = None  # action updates it brought; None when the return is asked for none (and brought none)

    @property
    def counts(self) -> str:
        """'12 PIs, 9 actions' (the PIs alone when the return is asked for no actions)."""
        pis = f"{self.pis} PI{'s' * (self.pis != 1)}"
        return pis if self.actions is None else f"{pis}, {self.actions} action{'s' * (self.actions != 1)}"

    @property
    def label(self) -> str:
        return label(self.directorate, self.service)

    @property
    def summary(self) -> str:
        deadline = f"{day(self.deadline, year=True)}" if self.deadline else "the deadline"
        if self.state == "missing":
            return f"not yet due (deadline {deadline})"
        if self.state == "overdue":
            return f"missing (overdue: the deadline was {deadline})"
        received = parse_time(self.received_at)
        if self.state == "rejected":
            return "rejected: the file could not be taken; see its findings" + (f" (received {day(received)})" if received else "")
        counts = f"{self.counts}, " if self.actions is not None else ""  # councils that track no actions read as before
        words = f"accepted, {counts}{self.errors} error{'s' * (self.errors != 1)}, {self.warnings} warning{'s' * (self.warnings != 1)}; "
        timing = "late" if self.late else "on time"
        saved, first = parse_time(self.saved_at), parse_time(self.first_saved_at)
        if self.first_is_current:
            when = f"received {day(received)}" if received else ""
            return words + ", ".join(x for x in (when, f"saved {day(saved)}" if saved else "") if x) + f" ({timing})"
        now = f"current return saved {day(saved)}" if saved else f"current return received {day(received)}" if received else "current return"
        return words + (f"first return saved {day(first)} ({timing}); " if first else f"first return ({timing}); ") + now


def _expected(config: Config, d: Directorate, period: Period, subs: list[Submission]) -> list[tuple[str | None, str]]:
    """The returns expected from a directorate this period: (service code or None, name to show)."""
    if not config.pis_for(d.code, period):
        return []
    by_service = d.returns == "by_service" or any(s.service for s in subs if s.directorate == d.code)
    lines: list[tuple[str | None, str]] = [(s.code, f"{d.name}: {s.name}") for s in d.services if config.pis_for(d.code, period, s.code)] if by_service else []
    return lines or [(None, d.name)]


def _state(
    d: Directorate,
    service: str | None,
    name: str,
    subs: list[Submission],
    deadline: dt.date,
    today: dt.date,
    counts: dict[int, tuple[int, int]] | None = None,
    asks_actions: bool = False,
) -> ReturnState:
    mine = [s for s in subs if s.directorate == d.code and (s.service == service or s.service is None)]
    accepted = [s for s in mine if s.outcome == "accepted"]
    current = [s for s in accepted if s.current]
    rejected = [s for s in mine if s.outcome == "rejected"]
    if current:
        now, first = current[-1], accepted[0]
        first_when = first.saved_at or first.received_at
        when = parse_time(first_when)
        pis, actions = (counts or {}).get(now.id, (0, 0))
        return ReturnState(
            d.code,
            name,
            "accepted",
            bool(when and when.date() > deadline),
            now.errors,
            now.warnings,
            now.file_name,
            now.saved_at,
            len(mine),
            service,
            deadline,
            now.received_at,
            first_when,
            first.id == now.id,
            now.id,
            pis,
            actions if asks_actions or actions else None,
        )
    if rejected:
        s = rejected[-1]
        return ReturnState(
            d.code, name, "rejected", False, s.errors, s.warnings, s.file_name, s.saved_at, len(mine), service, deadline, s.received_at, None, True, s.id
        )
    return ReturnState(d.code, name, "overdue" if today > deadline else "missing", today > deadline, 0, 0, None, None, 0, service, deadline)


def return_states(config: Config, store: Store, period: Period, today: dt.date | None = None) -> list[ReturnState]:
    """One line per expected return (per directorate, or per service), in framework order."""
    today = today or dt.date.today()
    deadline = config.framework.deadline(period)
    subs = store.submissions(str(period))  # oldest first
    counts = store.action_counts(str(period))
    out = []
    for d in config.framework.directorates:
        for service, name in _expected(config, d, period, subs):
            asks = bool(config.actions_for(d.code, period, service))
            out.append(_state(d, service, name, subs, deadline, today, counts, asks))
    return out


def unidentified(store: Store, period: Period) -> list[Submission]:
    """Rejected files that could not be tied to a directorate."""
    return [s for s in store.submissions(str(period)) if s.outcome == "rejected" and not s.directorate]


@dataclass(frozen=True)
class Tracker:
    """The return tracker of a period as the team reads it: the deadline, each expected return, and stray files."""

    period: Period
    deadline: dt.date
    states: list[ReturnState]
    unidentified: list[Submission]

    @property
    def chase(self) -> list[ReturnState]:
        """The returns not received and past the deadline: each directorate, or each service, to chase."""
        return [s for s in self.states if s.state == "overdue"]

    @property
    def has_problems(self) -> bool:
        """A return overdue, rejected, or accepted with errors (not one merely not yet due)."""
        return any(s.state in ("overdue", "rejected") or s.errors for s in self.states)


def tracker(config_dir: str | Path, data_dir: str | Path, period: Period, config: Config | None = None, today: dt.date | None = None) -> Tracker:
    """The tracker of ``period`` from the master dataset, with the period's own configuration."""
    from pmf_pipeline.config.frozen import config_for_period

    config = config or config_for_period(config_dir, data_dir, period)
    store = Store(data_dir)
    try:
        return Tracker(period, config.framework.deadline(period), return_states(config, store, period, today), unidentified(store, period))
    finally:
        store.close()
