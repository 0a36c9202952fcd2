"""A period's lifecycle: open, frozen with its first accepted return, closed, reopened.

- **Open**: returns are taken. Until one is accepted, ``config/`` is used as it stands.
- **Frozen**: the first accepted return keeps a copy of the configuration with the period
  (``config.frozen``); the period is validated, rated, generated and audited with that copy.
- **Closed** (``pmf close``), once the packs have gone to committee: returns for the period are
  refused before anything is read or archived (the files stay where they are), with a message that
  names the reopen command; a late return sent for a later quarter is explained in the same words.
- **Reopened** (``pmf reopen``, a reason required): the frozen configuration is set aside under
  ``periods/PERIOD/history/N/config/`` with the hashes it was frozen with and the last submission
  validated with it, so the audit can re-run those returns as they were judged. Returns, figures
  and every publication in the manifest are kept as they are (the master dataset is append-only).
  The next accepted return freezes ``config/`` as it then stands: this is how a target is corrected
  mid-quarter.

Every step is a row of ``period_events`` in the master dataset: who, when, why.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pmf_pipeline.config.frozen import config_hashes, freeze_config, is_frozen, read_config_files, set_aside
from pmf_pipeline.config.loading import load_config
from pmf_pipeline.errors import PeriodClosed, UsageError
from pmf_pipeline.master import paths
from pmf_pipeline.master.store import PeriodEvent, Store, data_lock
from pmf_pipeline.periods import Period
from pmf_pipeline.returns.findings import ReturnResult

REASON = '--reason "..."'


def who() -> str:
    """The login name of the person running the command (``--by`` overrides it)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name in some services and containers
        return "unknown"


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def long_date(stamp: str) -> str:
    """'2026-10-12T09:00:00+00:00' as '12 October 2026' (portable: no %-d)."""
    d = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return f"{d.day} {d:%B %Y}"


def reopen_command(period: Period | str) -> str:
    return f"pmf reopen --period {period} {REASON}"


@dataclass(frozen=True)
class PeriodState:
    period: Period
    events: list[PeriodEvent]
    frozen: bool

    @property
    def closed(self) -> PeriodEvent | None:
        """The close event in force, if the period is closed."""
        steps = [e for e in self.events if e.event in ("closed", "reopened")]
        return steps[-1] if steps and steps[-1].event == "closed" else None


def period_state(store: Store, data_dir: str | Path, period: Period) -> PeriodState:
    return PeriodState(period, store.period_events(str(period)), is_frozen(data_dir, period))


def closed_sentence(period: Period | str, event: PeriodEvent) -> str:
    """'2026-27-Q1 was closed on 12 October 2026 by jsmith (packs went to committee).'"""
    why = f" ({event.reason})" if event.reason else ""
    return f"{period} was closed on {long_date(event.at)} by {event.by}{why}."


def closed_message(period: Period, event: PeriodEvent, files: Sequence[Path]) -> str:
    what = "this return" if len(files) == 1 else f"these {len(files)} returns"
    where = f"{Path(files[0]).name} is still where it was" if len(files) == 1 else "the files are still where they were"
    return f"{closed_sentence(period, event)} To take {what}, reopen it first: {reopen_command(period)}. Nothing was taken: {where}."


def close_period(data_dir: str | Path, period: Period, reason: str | None = None, by: str | None = None) -> PeriodEvent:
    """Close a period whose packs have gone to committee: from now on its returns are refused."""
    with data_lock(data_dir):
        store = Store(data_dir)
        try:
            state = period_state(store, data_dir, period)
            if state.closed:
                raise UsageError(f"{closed_sentence(period, state.closed)} It is already closed; to take returns again: {reopen_command(period)}")
            if not any(s.outcome == "accepted" for s in store.submissions(str(period))):
                raise UsageError(f"{period} has no accepted returns, so there is nothing to close. Close a quarter once its packs have gone to committee.")
            return store.add_period_event(str(period), "closed", now(), by or who(), reason or None)
        finally:
            store.close()


def reopen_period(data_dir: str | Path, period: Period, reason: str, by: str | None = None) -> PeriodEvent:
    """Reopen a period: returns are taken again, and its frozen configuration is set aside for audit."""
    if not reason.strip():
        raise UsageError('say why the period is reopened: --reason "..." (for example "late return from Social Services")')
    with data_lock(data_dir):
        store = Store(data_dir)
        try:
            state = period_state(store, data_dir, period)
            if not state.frozen and not state.closed:
                raise UsageError(
                    f"{period} is open and nothing is frozen for it yet (config/ is used as it stands until a return is accepted): there is nothing to reopen."
                )
            kept_path, hashes = None, None
            if state.frozen:
                frozen = [e for e in state.events if e.event == "frozen"]
                hashes = frozen[-1].config_sha256 if frozen else config_hashes(paths.frozen_config_dir(data_dir, period))
                n = 1 + sum(1 for e in state.events if e.event == "reopened" and e.config_path)
                while paths.kept_config_dir(data_dir, period, n).exists():
                    n += 1
                kept = paths.kept_config_dir(data_dir, period, n)
                set_aside(data_dir, period, kept)
                kept_path = paths.relative(data_dir, kept)
            try:
                return store.add_period_event(
                    str(period), "reopened", now(), by or who(), reason.strip(), kept_path, hashes, store.last_submission_id(str(period))
                )
            except BaseException:
                if kept_path:  # put it back: the period stays as it was
                    paths.resolve(data_dir, kept_path).replace(paths.frozen_config_dir(data_dir, period))
                raise
        finally:
            store.close()


class Intake:
    """What ingest asks of the lifecycle: the configuration to validate with, the refusal of returns for
    a closed period, and the freeze on the first accepted return."""

    def __init__(self, config_dir: str | Path, data_dir: str | Path, period: Period, by: str | None = None):
        self.config_dir, self.data_dir, self.period, self.by = Path(config_dir), Path(data_dir), period, by
        self.frozen = is_frozen(data_dir, period)
        if self.frozen:
            self.files: dict[str, bytes] | None = None
            self.config = load_config(paths.frozen_config_dir(data_dir, period))
        else:
            self.files = read_config_files(config_dir)  # what is frozen is what this run validated with
            self.config = load_config(config_dir)

    def refuse_if_closed(self, store: Store, files: Sequence[Path]) -> None:
        """Refuse, before anything is archived, files for a closed period (files already received are no change)."""
        closed = period_state(store, self.data_dir, self.period).closed
        if closed is None:
            return
        new = [p for p in files if not _already_received(store, self.period, p)]
        if new:
            raise PeriodClosed(closed_message(self.period, closed, new))

    def receive(self, store: Store, result: ReturnResult) -> None:
        """Before a validated return is consolidated: freeze on the first accepted one; explain a late one."""
        if result.outcome == "accepted" and not self.frozen:
            hashes = freeze_config(self.config_dir, self.data_dir, self.period, self.files)
            folder = paths.relative(self.data_dir, paths.frozen_config_dir(self.data_dir, self.period))
            store.add_period_event(str(self.period), "frozen", now(), self.by or who(), "first accepted return", folder, hashes)
            self.frozen = True
        explain_late_return(store, self.data_dir, result)


def explain_late_return(store: Store, data_dir: str | Path, result: ReturnResult) -> None:
    """A return for another quarter that is closed: say so, and what reopening it would do, instead of
    simply suggesting --period (the choice is the team's)."""
    if not result.period:
        return
    for i, f in enumerate(result.findings):
        if f.code != "wrong_period":
            continue
        its = Period.parse(result.period)
        closed = period_state(store, data_dir, its).closed
        if closed is None:
            return
        head = f.message.split(". ", 1)[0]
        result.findings[i] = replace(
            f,
            message=f"{head}. {closed_sentence(its, closed)} Its packs have gone out without this return. To take it late, "
            f"reopen that quarter ({reopen_command(its)}), ingest it with --period {its} and report again: the figures and packs "
            f"for {its.short_label} will change, and the published ones are kept for audit. Otherwise leave {its.short_label} as published.",
        )
        return


def _already_received(store: Store, period: Period, path: Path) -> bool:
    try:
        sha = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return False
    return store.find_submission(str(period), sha) is not None


@dataclass(frozen=True)
class ConfigEra:
    """One configuration a period's returns were validated with, and which submissions it judged."""

    number: int
    folder: Path | None  # None: nothing frozen (config/ as it stands would be used)
    frozen: PeriodEvent | None
    reopened: PeriodEvent | None  # the reopening that set it aside, if it was
    after: int  # it judged the submissions with after < id <= until
    until: int | None

    def covers(self, submission_id: int) -> bool:
        return submission_id > self.after and (self.until is None or submission_id <= self.until)


def configurations(store: Store, data_dir: str | Path, period: Period) -> list[ConfigEra]:
    """Every configuration of the period in order, the one in force last."""
    eras: list[ConfigEra] = []
    frozen: PeriodEvent | None = None
    after = 0
    for e in store.period_events(str(period)):
        if e.event == "frozen":
            frozen = e
        elif e.event == "reopened" and e.config_path:
            eras.append(ConfigEra(len(eras) + 1, paths.resolve(data_dir, e.config_path), frozen, e, after, e.last_submission))
            frozen, after = None, e.last_submission or after
    folder = paths.frozen_config_dir(data_dir, period) if is_frozen(data_dir, period) else None
    eras.append(ConfigEra(len(eras) + 1, folder, frozen, None, after, None))
    return eras
