"""The return tracker: for each directorate, whether its return is in, late, rejected or accepted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pmf_pipeline.config.models import Config
from pmf_pipeline.master.store import Store, Submission
from pmf_pipeline.periods import Period


@dataclass(frozen=True)
class ReturnState:
    directorate: str
    name: str
    state: str  # missing | overdue | rejected | accepted
    late: bool
    errors: int
    warnings: int
    file: str | None
    saved_at: str | None
    submissions: int

    @property
    def summary(self) -> str:
        if self.state in ("missing", "overdue"):
            return "not received" + (" (past the deadline)" if self.state == "overdue" else "")
        if self.state == "rejected":
            return "rejected: the file could not be taken; see its findings"
        words = f"accepted, {self.errors} error{'s' * (self.errors != 1)}, {self.warnings} warning{'s' * (self.warnings != 1)}"
        return words + (" (late)" if self.late else "")


def _date(stamp: str | None) -> dt.date | None:
    if not stamp:
        return None
    try:
        return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def return_states(config: Config, store: Store, period: Period, today: dt.date | None = None) -> list[ReturnState]:
    """One line per directorate. 'Late' compares the date the workbook was last saved (or, failing that,
    received) with the deadline."""
    today = today or dt.date.today()
    deadline = config.framework.deadline(period)
    subs = store.submissions(str(period))
    out = []
    for d in config.framework.directorates:
        if not config.pis_for(d.code, period):
            continue
        mine: list[Submission] = [s for s in subs if s.directorate == d.code]
        accepted = [s for s in mine if s.outcome == "accepted" and s.superseded_by is None]
        rejected = [s for s in subs if s.outcome == "rejected" and s.directorate == d.code]
        if accepted:
            s = accepted[-1]
            when = _date(s.saved_at) or _date(s.received_at)
            out.append(ReturnState(d.code, d.name, "accepted", bool(when and when > deadline), s.errors, s.warnings, s.file_name, s.saved_at, len(mine)))
        elif rejected:
            s = rejected[-1]
            out.append(ReturnState(d.code, d.name, "rejected", False, s.errors, s.warnings, s.file_name, s.saved_at, len(mine)))
        else:
            out.append(ReturnState(d.code, d.name, "overdue" if today > deadline else "missing", today > deadline, 0, 0, None, None, 0))
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


def tracker(config_dir: str | Path, data_dir: str | Path, period: Period, config: Config | None = None, today: dt.date | None = None) -> Tracker:
    """The tracker of ``period`` from the master dataset, with the period's own configuration."""
    from pmf_pipeline.config.frozen import config_for_period

    config = config or config_for_period(config_dir, data_dir, period)
    store = Store(data_dir)
    try:
        return Tracker(period, config.framework.deadline(period), return_states(config, store, period, today), unidentified(store, period))
    finally:
        store.close()
