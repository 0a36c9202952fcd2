"""The master dataset: a SQLite file in the data folder, its schema kept in code as named migrations.

Every figure traces back to one cell of one archived return (``submissions.archive_path``,
``pi_values.sheet``/``cell``). Decimal values are stored as text, exactly. A return is consolidated
in one transaction, so the dataset is always either before or after it. One run at a time holds
the data folder's lock; a second is refused with a message naming the first.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from pmf_pipeline.errors import DatasetError, LockedError
from pmf_pipeline.master import ledger, paths
from pmf_pipeline.periods import Period
from pmf_pipeline.returns.findings import ReturnResult
from pmf_pipeline.rules.writing import disk_full, is_disk_full

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_submissions_values_history",
        """
        CREATE TABLE submissions (
            id INTEGER PRIMARY KEY,
            period TEXT NOT NULL,
            directorate TEXT,
            service TEXT,
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            archive_path TEXT NOT NULL,
            received_at TEXT NOT NULL,
            saved_at TEXT,
            generated_at TEXT,
            template_version TEXT,
            outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
            errors INTEGER NOT NULL,
            warnings INTEGER NOT NULL,
            supersedes INTEGER REFERENCES submissions(id),
            superseded_by INTEGER REFERENCES submissions(id),
            UNIQUE (period, sha256)
        );
        CREATE TABLE findings (
            submission_id INTEGER NOT NULL REFERENCES submissions(id),
            code TEXT NOT NULL, severity TEXT NOT NULL, sheet TEXT, cell TEXT, pi_ref TEXT, message TEXT NOT NULL
        );
        CREATE TABLE pi_values (
            id INTEGER PRIMARY KEY,
            period TEXT NOT NULL,
            pi_ref TEXT NOT NULL,
            submission_id INTEGER REFERENCES submissions(id),
            source TEXT NOT NULL CHECK (source IN ('return', 'history')),
            actual TEXT, text TEXT, numerator TEXT, denominator TEXT,
            comment TEXT, evidence TEXT, updated_by TEXT, verified_by TEXT,
            sheet TEXT, cell TEXT, typed TEXT, normalisation TEXT,
            has_error INTEGER NOT NULL DEFAULT 0,
            current INTEGER NOT NULL DEFAULT 1
        );
        CREATE UNIQUE INDEX one_current_value ON pi_values (period, pi_ref) WHERE current = 1;
        CREATE INDEX values_by_submission ON pi_values (submission_id);
        CREATE INDEX findings_by_submission ON findings (submission_id);
        """,
    ),
    (
        # Which return is current is decided by the return (``returns.current``): each submission keeps
        # the sentence ingest gave it (what it replaced, or why it was kept on record and not used), and
        # every choice the team makes by hand (``pmf returns --use``) is an event, only ever added to.
        "0002_current_return_notices_and_use_events",
        """
        ALTER TABLE submissions ADD COLUMN notice TEXT;
        CREATE TABLE submission_events (
            id INTEGER PRIMARY KEY,
            period TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('use')),
            submission_id INTEGER NOT NULL REFERENCES submissions(id),
            replaced_id INTEGER REFERENCES submissions(id),
            made_by TEXT NOT NULL,
            made_at TEXT NOT NULL,
            reason TEXT NOT NULL
        );
        CREATE INDEX events_by_period ON submission_events (period);
        """,
    ),
    (
        "0003_period_lifecycle",
        """
        CREATE TABLE period_events (
            id INTEGER PRIMARY KEY,
            period TEXT NOT NULL,
            event TEXT NOT NULL CHECK (event IN ('frozen', 'closed', 'reopened')),
            at TEXT NOT NULL,
            by TEXT NOT NULL,
            reason TEXT,
            config_path TEXT,
            config_sha256 TEXT,
            last_submission INTEGER
        );
        CREATE INDEX period_events_by_period ON period_events (period, id);
        """,
    ),
    (
        # Every row the tool writes, and every change it makes in place, is also an entry of an
        # append-only, hash-chained ledger (``master.ledger``), written in the same transaction;
        # ``ledger_heads`` keeps, per period, the chain's head and the period's archived files.
        # Rows already there when this migration runs get a "baseline" entry each.
        "0004_ledger",
        """
        CREATE TABLE ledger (
            seq INTEGER PRIMARY KEY,
            period TEXT,
            tbl TEXT NOT NULL,
            row_id INTEGER NOT NULL,
            action TEXT NOT NULL,
            body TEXT NOT NULL,
            prev TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX ledger_by_row ON ledger (tbl, row_id);
        CREATE TABLE ledger_heads (
            period TEXT PRIMARY KEY,
            seq INTEGER NOT NULL,
            hash TEXT NOT NULL,
            files TEXT NOT NULL
        );
        """,
    ),
    (
        # Each action's update per quarter (``master.action_results``), beside pi_values and with the same
        # supersession: one current row per (period, action_ref). % complete is exact text, as figures are.
        "0005_action_updates",
        """
        CREATE TABLE action_updates (
            id INTEGER PRIMARY KEY,
            period TEXT NOT NULL,
            action_ref TEXT NOT NULL,
            submission_id INTEGER REFERENCES submissions(id),
            source TEXT NOT NULL CHECK (source IN ('return', 'history')),
            status TEXT, percent_complete TEXT, rating TEXT NOT NULL DEFAULT '',
            revised_due TEXT, completed_on TEXT, commentary TEXT NOT NULL DEFAULT '', updated_by TEXT NOT NULL DEFAULT '',
            sheet TEXT, cell TEXT, typed TEXT,
            has_error INTEGER NOT NULL DEFAULT 0,
            carried INTEGER NOT NULL DEFAULT 0,
            current INTEGER NOT NULL DEFAULT 1
        );
        CREATE UNIQUE INDEX one_current_action_update ON action_updates (period, action_ref) WHERE current = 1;
        CREATE INDEX action_updates_by_submission ON action_updates (submission_id);
        CREATE INDEX action_updates_by_ref ON action_updates (action_ref, period);
        """,
    ),
]


def _dec(v: Decimal | None) -> str | None:
    return None if v is None else format(v.normalize(), "f") if v == v.to_integral_value() else format(v, "f")


_FIGURE = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")  # exactly what ``_dec`` writes


class MalformedValue(DatasetError):
    """A figure in the master dataset is not a number the tool wrote (it was changed behind its back)."""


def to_decimal(v: str | None, row: sqlite3.Row | None = None, column: str = "actual") -> Decimal | None:
    """A figure as stored (text, exactly as ``_dec`` wrote it); anything else, such as 'Infinity',
    'NaN' or '12abc' written into the file behind the tool's back, is a MalformedValue naming the
    table, row, PI, period and value (give ``row``, a ``pi_values`` row, to name them)."""
    if v is None or v == "":
        return None
    if isinstance(v, str) and _FIGURE.match(v):
        return Decimal(v)
    keys = row.keys() if row is not None else []
    where = ""
    if "pi_ref" in keys:
        where += f" for {row['pi_ref']}"  # type: ignore[index]
    if "period" in keys:
        where += f" in {row['period']}"  # type: ignore[index]
    shown = str(v)
    shown = shown if len(shown) <= 40 else shown[:40] + "…"
    at = f"pi_values row {row['id']}, {column}" if "id" in keys else f"pi_values, {column}"  # type: ignore[index]
    raise MalformedValue(
        f"the master dataset holds {shown!r}{where}, which is not a number ({at}). It was changed outside pmf: "
        "restore the master dataset from a backup, or run 'pmf audit' to see what else differs"
    )


@dataclass(frozen=True)
class Submission:
    id: int
    period: str
    directorate: str | None
    file_name: str
    sha256: str
    archive_path: str
    received_at: str
    saved_at: str | None
    outcome: str
    errors: int
    warnings: int
    superseded_by: int | None
    supersedes: int | None
    service: str | None = None
    notice: str | None = None  # what ingest said: what this return replaced, or why it is kept on record and not used

    @property
    def current(self) -> bool:
        """The accepted return whose figures are used (one per directorate, or per service)."""
        return self.outcome == "accepted" and self.superseded_by is None


@dataclass(frozen=True)
class UseEvent:
    """The team made an earlier submission current again by hand (``pmf returns --use``)."""

    id: int
    period: str
    submission_id: int
    replaced_id: int | None
    made_by: str
    made_at: str
    reason: str


class Store:
    """The master dataset of one data folder."""

    def __init__(self, data_dir: str | Path):
        self.data_dir = Path(data_dir)
        self.path = paths.database(self.data_dir)
        self._actuals: dict[str, dict[str, Decimal | None]] = {}
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA synchronous = FULL")
            self._migrate()
        except sqlite3.Error as e:
            if is_disk_full(e):
                raise disk_full(self.data_dir) from None
            raise DatasetError(
                f"the master dataset {self.path} cannot be opened or written ({e}). Check the data folder is writable and has free space."
            ) from None
        except OSError as e:
            if is_disk_full(e):
                raise disk_full(self.data_dir) from None
            raise DatasetError(f"the data folder {self.data_dir} cannot be used ({e.strerror}). Check it exists, is writable and has free space.") from None

    def close(self) -> None:
        self.db.close()

    def _migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = {r[0] for r in self.db.execute("SELECT name FROM schema_migrations")}
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            with self.transaction():
                for statement in filter(str.strip, sql.split(";")):
                    self.db.execute(statement)
                if name == "0004_ledger":
                    self._ledger_write(_Mark(None, dict.fromkeys(self._tables(), 0), {}), "baseline")
                self.db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, _now()))

    def _tables(self) -> tuple[str, ...]:
        """The ledgered tables this dataset has yet (a migration adds a table after the ledger's baseline)."""
        have = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return tuple(t for t in ledger.TABLES if t in have)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing. A full disk is one clear DiskFullError: SQLite has already rolled back by then
        (so a second ROLLBACK would only mask it with 'cannot rollback')."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except (sqlite3.Error, OSError) as e:
            if self.db.in_transaction:
                try:
                    self.db.execute("ROLLBACK")
                except sqlite3.Error:  # pragma: no cover - SQLite rolls back itself on a failed write
                    pass
            if is_disk_full(e):
                raise disk_full(self.data_dir) from None
            if isinstance(e, sqlite3.OperationalError) and "disk I/O error" in str(e):
                raise DatasetError(
                    f"the master dataset {self.path} could not be written (disk I/O error): check the disk holding it has free space "
                    "and is working, then run the command again (nothing half-written was kept)"
                ) from None
            raise

    # ------------------------------------------------------------ history

    def load_history(self, history: dict[tuple[str, Period], Any]) -> int:
        """Load config/history.csv values as the record of earlier periods (not for periods with returns)."""
        have = {(r[0], r[1]) for r in self.db.execute("SELECT period, pi_ref FROM pi_values WHERE current = 1")}
        rows = [(str(p), ref, _dec(h.actual), h.text, _dec(h.numerator), _dec(h.denominator)) for (ref, p), h in history.items() if (str(p), ref) not in have]
        if rows:
            self._actuals.clear()
            with self.transaction():
                mark = self._ledger_mark(None)
                self.db.executemany(
                    "INSERT INTO pi_values (period, pi_ref, source, actual, text, numerator, denominator) VALUES (?, ?, 'history', ?, ?, ?, ?)", rows
                )
                self._ledger_write(mark)
        return len(rows)

    def load_action_history(self, history: dict[tuple[str, Period], Any]) -> int:
        """Load config/action_history.csv updates as the record of earlier quarters (not for an action
        and period with an update already): source 'history', as ``load_history`` does for figures."""
        have = {(r[0], r[1]) for r in self.db.execute("SELECT period, action_ref FROM action_updates WHERE current = 1")}
        rows = [
            (str(p), ref, None if h.status is None else h.status.value, _dec(h.percent_complete), h.rating or "", h.commentary or "")
            for (ref, p), h in history.items()
            if (str(p), ref) not in have
        ]
        if rows:
            with self.transaction():
                mark = self._ledger_mark(None)
                self.db.executemany(
                    "INSERT INTO action_updates (period, action_ref, source, status, percent_complete, rating, commentary) VALUES (?, ?, 'history', ?, ?, ?, ?)",
                    rows,
                )
                self._ledger_write(mark)
        return len(rows)

    # ------------------------------------------------------------ submissions

    def find_submission(self, period: str, sha: str) -> Submission | None:
        row = self.db.execute("SELECT * FROM submissions WHERE period = ? AND sha256 = ?", (period, sha)).fetchone()
        return _submission(row) if row else None

    def current_submission(self, period: str, directorate: str | None, service: str | None) -> Submission | None:
        """The accepted return of a directorate (or one service of it) whose figures are used, if any."""
        row = self.db.execute(
            "SELECT * FROM submissions WHERE period = ? AND directorate = ? AND COALESCE(service, '') = ? AND outcome = 'accepted' "
            "AND superseded_by IS NULL ORDER BY id DESC LIMIT 1",
            (period, directorate, service or ""),
        ).fetchone()
        return _submission(row) if row else None

    def record(
        self,
        result: ReturnResult,
        period: str,
        archive_path: str,
        received_at: str,
        current: bool = True,
        notice: Callable[[int], str] | None = None,
    ) -> Submission:
        """Consolidate one return, all or nothing: the submission, its findings, its values and its action updates.

        An accepted return with ``current`` replaces the directorate's (or service's) current return;
        without it, it is kept on record, marked as replaced by the current return, its figures not
        used. ``notice(id)`` is the sentence explaining which (it may name the new submission's id).
        """
        self._actuals.pop(period, None)  # this period's figures are about to change
        with self.transaction():
            mark = self._ledger_mark(period)
            prior = self.current_submission(period, result.directorate, result.service) if result.outcome == "accepted" else None
            if not current and prior is None:
                current = True  # nothing else to use
            cur = self.db.execute(
                "INSERT INTO submissions (period, directorate, service, file_name, sha256, size, archive_path, received_at, saved_at, generated_at, "
                "template_version, outcome, errors, warnings, supersedes, superseded_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    period,
                    result.directorate,
                    result.service,
                    result.file,
                    result.sha256,
                    result.size,
                    archive_path,
                    received_at,
                    result.saved_at,
                    result.generated_at,
                    result.template_version,
                    result.outcome,
                    len(result.errors),
                    len(result.warnings),
                    prior.id if prior and current else None,
                    prior.id if prior and not current else None,
                ),
            )
            sid = cur.lastrowid
            assert sid is not None
            if notice is not None:
                self.db.execute("UPDATE submissions SET notice = ? WHERE id = ?", (notice(sid), sid))
            self.db.executemany(
                "INSERT INTO findings VALUES (?,?,?,?,?,?,?)",
                [(sid, f.code, f.severity, f.sheet, f.cell, f.pi_ref, f.message) for f in result.findings],
            )
            if result.outcome == "accepted":
                if prior and current:
                    self.db.execute("UPDATE submissions SET superseded_by = ? WHERE id = ?", (sid, prior.id))
                refs = [v.pi_ref for v in result.values]
                if current:
                    self.db.execute(
                        f"UPDATE pi_values SET current = 0 WHERE period = ? AND current = 1 AND pi_ref IN ({','.join('?' * len(refs))})",
                        (period, *refs),
                    )
                self.db.executemany(
                    "INSERT INTO pi_values (period, pi_ref, submission_id, source, actual, text, numerator, denominator, comment, evidence, "
                    "updated_by, verified_by, sheet, cell, typed, normalisation, has_error, current) VALUES (?,?,?,'return',?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    [
                        (
                            period,
                            v.pi_ref,
                            sid,
                            _dec(v.actual),
                            v.text,
                            _dec(v.numerator),
                            _dec(v.denominator),
                            v.comment,
                            v.evidence,
                            v.updated_by,
                            v.verified_by,
                            v.sheet,
                            v.cell,
                            v.typed,
                            v.normalisation,
                            int(v.has_error),
                            int(current),
                        )
                        for v in result.values
                    ],
                )
                self._record_actions(result, period, sid, current)
            self._ledger_write(mark)
        got = self.db.execute("SELECT * FROM submissions WHERE id = ?", (sid,)).fetchone()
        return _submission(got)

    def _record_actions(self, result: ReturnResult, period: str, sid: int, current: bool) -> None:
        """A return's action updates, with the same supersession as its figures (inside ``record``'s transaction)."""
        if not result.actions:
            return
        refs = [a.action_ref for a in result.actions]
        if current:
            self.db.execute(
                f"UPDATE action_updates SET current = 0 WHERE period = ? AND current = 1 AND action_ref IN ({','.join('?' * len(refs))})",
                (period, *refs),
            )
        self.db.executemany(
            "INSERT INTO action_updates (period, action_ref, submission_id, source, status, percent_complete, rating, revised_due, completed_on, "
            "commentary, updated_by, sheet, cell, typed, has_error, carried, current) VALUES (?,?,?,'return',?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    period,
                    a.action_ref,
                    sid,
                    a.status,
                    _dec(a.percent_complete),
                    a.rating,
                    a.revised_due,
                    a.completed_on,
                    a.commentary,
                    a.updated_by,
                    a.sheet,
                    a.cell,
                    a.typed,
                    int(a.has_error),
                    int(a.carried),
                    int(current),
                )
                for a in result.actions
            ],
        )

    def submission(self, submission_id: int) -> Submission | None:
        row = self.db.execute("SELECT * FROM submissions WHERE id = ?", (submission_id,)).fetchone()
        return _submission(row) if row else None

    def use_submission(self, period: str, submission_id: int, made_by: str, reason: str, made_at: str | None = None) -> Submission | None:
        """Make an accepted submission current again, in one transaction: its figures become the ones
        used, the return it displaces is marked as replaced by it, and the choice is recorded as an
        event (who, when, why). Returns the submission it displaced (None if there was none)."""
        self._actuals.pop(period, None)
        with self.transaction():
            mark = self._ledger_mark(period)
            target = self.submission(submission_id)
            assert target is not None and target.outcome == "accepted" and target.period == period
            was = self.current_submission(period, target.directorate, target.service)
            if was is not None:
                self.db.execute("UPDATE submissions SET superseded_by = ? WHERE id = ?", (target.id, was.id))
                self.db.execute("UPDATE pi_values SET current = 0 WHERE submission_id = ? AND current = 1", (was.id,))
                self.db.execute("UPDATE action_updates SET current = 0 WHERE submission_id = ? AND current = 1", (was.id,))
            self.db.execute("UPDATE submissions SET superseded_by = NULL WHERE id = ?", (target.id,))
            self.db.execute(
                "UPDATE pi_values SET current = 0 WHERE period = ? AND current = 1 AND pi_ref IN (SELECT pi_ref FROM pi_values WHERE submission_id = ?)",
                (period, target.id),
            )
            self.db.execute("UPDATE pi_values SET current = 1 WHERE submission_id = ?", (target.id,))
            self.db.execute(
                "UPDATE action_updates SET current = 0 WHERE period = ? AND current = 1 "
                "AND action_ref IN (SELECT action_ref FROM action_updates WHERE submission_id = ?)",
                (period, target.id),
            )
            self.db.execute("UPDATE action_updates SET current = 1 WHERE submission_id = ?", (target.id,))
            self.db.execute(
                "INSERT INTO submission_events (period, action, submission_id, replaced_id, made_by, made_at, reason) VALUES (?, 'use', ?, ?, ?, ?, ?)",
                (period, target.id, was.id if was else None, made_by, made_at or _now(), reason),
            )
            self._ledger_write(mark)
        return was

    def use_events(self, period: str) -> list[UseEvent]:
        """Every time the team made a submission of the period current by hand, oldest first."""
        rows = self.db.execute("SELECT * FROM submission_events WHERE period = ? AND action = 'use' ORDER BY id", (period,))
        return [UseEvent(**{k: r[k] for k in UseEvent.__dataclass_fields__}) for r in rows]

    def submissions(self, period: str) -> list[Submission]:
        return [_submission(r) for r in self.db.execute("SELECT * FROM submissions WHERE period = ? ORDER BY id", (period,))]

    def findings(self, submission_id: int) -> list[sqlite3.Row]:
        return list(self.db.execute("SELECT * FROM findings WHERE submission_id = ? ORDER BY rowid", (submission_id,)))

    def values(self, period: str) -> dict[str, sqlite3.Row]:
        """The current value of each PI in a period."""
        return {r["pi_ref"]: r for r in self.db.execute("SELECT * FROM pi_values WHERE period = ? AND current = 1", (period,))}

    def actual(self, ref: str, period: Period) -> Decimal | None:
        """The current, sound figure of a PI in a period (None if none); a period's figures are read once."""
        key = str(period)
        if key not in self._actuals:
            rows = self.db.execute("SELECT id, period, pi_ref, actual FROM pi_values WHERE period = ? AND current = 1 AND has_error = 0", (key,))
            self._actuals[key] = {r["pi_ref"]: to_decimal(r["actual"], r) for r in rows}
        return self._actuals[key].get(ref)

    def submission_files(self, period: str) -> dict[int, tuple[str, str]]:
        """Each submission of a period: id -> (file name as received, archive path)."""
        return {r[0]: (r[1], r[2]) for r in self.db.execute("SELECT id, file_name, archive_path FROM submissions WHERE period = ?", (period,))}

    def submission_by_hash(self, sha: str) -> Submission | None:
        """The first submission of these exact bytes, in any period."""
        row = self.db.execute("SELECT * FROM submissions WHERE sha256 = ? ORDER BY id LIMIT 1", (sha,)).fetchone()
        return _submission(row) if row else None

    def submission_values(self, submission_id: int) -> dict[str, sqlite3.Row]:
        """The figures a submission brought, by PI reference."""
        return {r["pi_ref"]: r for r in self.db.execute("SELECT * FROM pi_values WHERE submission_id = ?", (submission_id,))}

    def history_values(self, period: str) -> list[sqlite3.Row]:
        """The figures of a period that came from no return (loaded from the configuration's history)."""
        return list(self.db.execute("SELECT * FROM pi_values WHERE period = ? AND submission_id IS NULL", (period,)))

    def action_updates(self, period: str) -> dict[str, sqlite3.Row]:
        """The current update of each action in a period."""
        return {r["action_ref"]: r for r in self.db.execute("SELECT * FROM action_updates WHERE period = ? AND current = 1", (period,))}

    def action_updates_of(self, refs: Iterable[str]) -> dict[str, list[sqlite3.Row]]:
        """Every current update of each action named, in any period (unsorted: periods sort as ``Period``)."""
        out: dict[str, list[sqlite3.Row]] = {}
        rows = self.db.execute(
            "SELECT * FROM action_updates WHERE current = 1 AND action_ref IN (SELECT value FROM json_each(?)) ORDER BY id", (json.dumps(sorted(set(refs))),)
        )
        for r in rows:
            out.setdefault(r["action_ref"], []).append(r)
        return out

    def submission_action_updates(self, submission_id: int) -> dict[str, sqlite3.Row]:
        """The action updates a submission brought, by action reference."""
        return {r["action_ref"]: r for r in self.db.execute("SELECT * FROM action_updates WHERE submission_id = ?", (submission_id,))}

    def action_counts(self, period: str) -> dict[int, tuple[int, int]]:
        """Each submission of a period: id -> (figures, action updates) it brought."""
        rows = self.db.execute(
            "SELECT s.id, (SELECT COUNT(*) FROM pi_values v WHERE v.submission_id = s.id), "
            "(SELECT COUNT(*) FROM action_updates a WHERE a.submission_id = s.id) FROM submissions s WHERE s.period = ?",
            (period,),
        )
        return {r[0]: (r[1], r[2]) for r in rows}

    def pis_with_finding(self, period: str, code: str) -> set[str]:
        """The PIs of a period with a finding of this code on any of its submissions."""
        rows = self.db.execute("SELECT f.pi_ref FROM findings f JOIN submissions s ON s.id = f.submission_id WHERE s.period = ? AND f.code = ?", (period, code))
        return {r[0] for r in rows}

    def latest_accepted(self, period: str) -> dict[str, str]:
        """When each directorate's latest accepted return for the period was received."""
        rows = self.db.execute(
            "SELECT directorate, MAX(received_at) FROM submissions WHERE period = ? AND outcome = 'accepted' GROUP BY directorate", (period,)
        )
        return {d: when for d, when in rows if d and when}

    # ------------------------------------------------------------ period lifecycle

    def add_period_event(
        self,
        period: str,
        event: str,
        at: str,
        by: str,
        reason: str | None = None,
        config_path: str | None = None,
        config_sha256: dict[str, str] | None = None,
        last_submission: int | None = None,
    ) -> PeriodEvent:
        """Record one step of a period's lifecycle (the record is append-only)."""
        with self.transaction():
            mark = self._ledger_mark(None)
            self.db.execute(
                "INSERT INTO period_events (period, event, at, by, reason, config_path, config_sha256, last_submission) VALUES (?,?,?,?,?,?,?,?)",
                (period, event, at, by, reason, config_path, None if config_sha256 is None else json.dumps(config_sha256, sort_keys=True), last_submission),
            )
            self._ledger_write(mark)
        return self.period_events(period)[-1]

    def period_events(self, period: str) -> list[PeriodEvent]:
        """A period's lifecycle, oldest first."""
        rows = self.db.execute("SELECT * FROM period_events WHERE period = ? ORDER BY id", (period,))
        return [PeriodEvent(**{**dict(r), "config_sha256": json.loads(r["config_sha256"]) if r["config_sha256"] else None}) for r in rows]

    def last_submission_id(self, period: str) -> int:
        """The id of the period's latest submission (0 if none): what came before a reopening or a publication."""
        return int(self.db.execute("SELECT COALESCE(MAX(id), 0) FROM submissions WHERE period = ?", (period,)).fetchone()[0])

    # ------------------------------------------------------------ ledger (``master.ledger``)

    def _ledger_mark(self, period: str | None) -> _Mark:
        """Where each table ends, and the period's in-place flags, before a write."""
        ends = {t: int(self.db.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {t}").fetchone()[0]) for t in ledger.TABLES}
        return _Mark(period, ends, self._flags(period) if period else {})

    def _flags(self, period: str) -> dict[ledger.Key, Any]:
        flags: dict[ledger.Key, Any] = {
            ("submissions", r[0]): r[1] for r in self.db.execute("SELECT id, superseded_by FROM submissions WHERE period = ?", (period,))
        }
        flags.update({("pi_values", r[0]): r[1] for r in self.db.execute("SELECT id, current FROM pi_values WHERE period = ?", (period,))})
        flags.update({("action_updates", r[0]): r[1] for r in self.db.execute("SELECT id, current FROM action_updates WHERE period = ?", (period,))})
        return flags

    def _ledger_write(self, mark: _Mark, action: str = "recorded") -> None:
        """Append an entry for every row written since ``mark`` and every flag changed in place (inside the caller's transaction)."""
        todo: list[tuple[str, int, ledger.Row, str]] = []
        if mark.period:
            for (table, rowid), was in self._flags(mark.period).items():
                if (table, rowid) in mark.flags and mark.flags[(table, rowid)] != was:
                    made_current = was is None if table == "submissions" else was == 1
                    todo += [(table, rowid, row, "made current" if made_current else "superseded") for row in self._rows(table, "rowid = ?", (rowid,))]
        for table, end in mark.ends.items():
            todo += [(table, row.pop("_rowid"), row, action) for row in self._rows(table, "rowid > ?", (end,))]
        if not todo:
            return
        last = self.db.execute("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (last[0], last[1]) if last else (0, ledger.GENESIS)
        periods: dict[int, str] = {}
        touched = set()
        for table, rowid, row, act in todo:
            row.pop("_rowid", None)
            if table == "findings":
                sid = row["submission_id"]
                if sid not in periods:
                    periods[sid] = self.db.execute("SELECT period FROM submissions WHERE id = ?", (sid,)).fetchone()[0]
                period = periods[sid]
            else:
                period = row["period"]
            seq += 1
            e = ledger.make_entry(seq, period, table, rowid, act, row, prev)
            self.db.execute("INSERT INTO ledger VALUES (?,?,?,?,?,?,?,?)", (e.seq, e.period, e.table, e.row_id, e.action, e.body, e.prev, e.hash))
            prev = e.hash
            touched.add(period)
        for period in touched:
            files = [
                {"path": r[0], "sha256": r[1]} for r in self.db.execute("SELECT archive_path, sha256 FROM submissions WHERE period = ? ORDER BY id", (period,))
            ]
            self.db.execute(
                "INSERT INTO ledger_heads VALUES (?,?,?,?) ON CONFLICT (period) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, files = excluded.files",
                (period, seq, prev, ledger.canonical(files)),
            )

    def _rows(self, table: str, where: str, params: tuple[Any, ...]) -> list[ledger.Row]:
        return [dict(r) for r in self.db.execute(f"SELECT rowid AS _rowid, * FROM {table} WHERE {where} ORDER BY rowid", params)]

    def ledger_entries(self) -> list[ledger.Entry]:
        """Every entry of the ledger, oldest first."""
        return [ledger.Entry(*r) for r in self.db.execute("SELECT seq, period, tbl, row_id, action, body, prev, hash FROM ledger ORDER BY seq")]

    def ledger_head(self, period: str | None = None) -> dict[str, Any] | None:
        """The head of the chain (seq, hash): as it stands, or as kept for a period with its archived files."""
        if period is None:
            row = self.db.execute("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
            return {"seq": row[0], "hash": row[1]} if row else None
        row = self.db.execute("SELECT seq, hash, files FROM ledger_heads WHERE period = ?", (period,)).fetchone()
        return {"seq": row[0], "hash": row[1], "files": row[2]} if row else None

    def rows_now(self, table: str, period: str, rowids: Iterable[int] = (), submission_ids: Iterable[int] = ()) -> dict[int, ledger.Row]:
        """Rows of a ledgered table as they now stand, by rowid: the period's (for findings, those of the
        submissions named) and the rows named, wherever they are now."""
        assert table in ledger.TABLES
        ids, subs = sorted(set(rowids)), sorted(set(submission_ids))
        where = ["submission_id IN (SELECT value FROM json_each(?))" if table == "findings" else "period = ?"]
        params: list[Any] = [json.dumps(subs) if table == "findings" else period]
        if ids:
            where.append("rowid IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(ids))
        return {r.pop("_rowid"): r for r in self._rows(table, " OR ".join(where), tuple(params))}

    def snapshot(self) -> list[tuple]:
        """Every row of every table, for tests and audit comparisons."""
        out = []
        for table in ("submissions", "findings", "pi_values", "action_updates", "submission_events"):
            out += [(table, *tuple(r)) for r in self.db.execute(f"SELECT * FROM {table} ORDER BY rowid")]
        return out


@dataclass(frozen=True)
class _Mark:
    """Where the tables ended before a write, and the period's flags then (``Store._ledger_mark``)."""

    period: str | None
    ends: dict[str, int]
    flags: dict[ledger.Key, Any]


@dataclass(frozen=True)
class PeriodEvent:
    """One step in a period's lifecycle (``master.lifecycle``): its configuration frozen, the period
    closed, or reopened. ``config_path`` and ``config_sha256`` name a configuration (the one frozen,
    or the one set aside on reopening) and its files' hashes; ``last_submission`` is, on reopening,
    the last submission validated with the configuration set aside."""

    id: int
    period: str
    event: str  # frozen | closed | reopened
    at: str
    by: str
    reason: str | None
    config_path: str | None
    config_sha256: dict[str, str] | None
    last_submission: int | None


def _submission(row: sqlite3.Row) -> Submission:
    return Submission(**{k: row[k] for k in Submission.__dataclass_fields__})


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


@contextmanager
def data_lock(data_dir: str | Path) -> Iterator[None]:
    """Hold the data folder for one run; refuse a second run with a message naming the first.

    The lock is the operating system's (flock on Linux and macOS, msvcrt on Windows, through
    filelock), so it goes when the run's process ends, however it ends: a killed run never leaves
    the folder locked. Which run holds it is written beside the lock, because on Windows a locked
    file cannot be read by anyone else.
    """
    folder = Path(data_dir)
    lock = FileLock(paths.lock_file(folder), timeout=0)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except Timeout:
        raise LockedError(f"another pmf run is using {folder} ({_holder(folder)}). Wait for it to finish, then run this command again.") from None
    except OSError as e:
        raise _unusable(folder, e) from None
    holder = paths.lock_holder_file(folder)
    try:
        try:
            holder.write_text(json.dumps({"pid": os.getpid(), "started": _now()}), encoding="utf-8")
        except OSError as e:
            raise _unusable(folder, e) from None
        yield
    finally:
        try:
            holder.unlink(missing_ok=True)
        except OSError:
            pass  # only the message to a second run would be stale; the lock itself is released below
        lock.release()


def _unusable(folder: Path, e: OSError) -> DatasetError:
    """The data folder cannot be locked: a full disk says so as every other write does."""
    if is_disk_full(e):
        return disk_full(folder)
    return DatasetError(f"the data folder {folder} cannot be used ({e.strerror}). Check it exists, is writable and has free space.")


def _holder(folder: Path) -> str:
    """The run holding the folder, in words: its process id and when it started, if it has said."""
    try:
        about = json.loads(paths.lock_holder_file(folder).read_text(encoding="utf-8"))
        return f"process {int(about['pid'])}, started {about['started']}"
    except (OSError, ValueError, TypeError, KeyError):
        return "another process"
