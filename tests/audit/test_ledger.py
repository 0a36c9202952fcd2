"""The ledger: every change made to the record behind the tool's back is named by pmf audit (real SQLite
edited with the sqlite3 module, real archive files deleted and added), and the chain survives a year of
normal operations."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pmf_pipeline.audit.report import KINDS
from pmf_pipeline.cli import main
from pmf_pipeline.config import load_config
from pmf_pipeline.master.ledger import GENESIS, TABLES, replay, walk
from pmf_pipeline.master.store import Store
from pmf_pipeline.workbook.fill import fill_return
from tests.conftest import CONFIG, PERIOD, ROOT
from tests.returns.test_validate import full

SAMPLES = ROOT / "sample_workbooks"
WHEN = ("--generated-at", "2026-11-01T09:00:00")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def recorded(tmp_path_factory, blank_returns):
    """A quarter run with a rejected file in the inbox, then a corrected Social Services return and the
    packs published again: a period with a current, a superseded and a rejected submission."""
    work = tmp_path_factory.mktemp("ledger")
    shutil.copytree(CONFIG, work / "config")
    inbox = work / "inbox"
    shutil.copytree(SAMPLES, inbox)
    (inbox / "notes.xlsx").write_text("not a workbook")
    base = ["--config", work / "config", "--data", work / "data"]
    r = run(*base, "quarter", "--period", PERIOD, "--inbox", inbox, "--out", work / "packs", "--no-pdf", *WHEN)
    assert r.exit_code == 1 and "REJECTED  notes.xlsx" in r.output, r.output
    config = load_config(work / "config")
    entries = full(config, "SS", **{"SSM/026": dict(actual=200)})
    corrected = fill_return(blank_returns["SS"], entries, work / "ss_corrected.xlsx", saved_at=dt.datetime(2026, 10, 25, 9, 0))
    r = run(*base, "ingest", "--period", PERIOD, corrected)
    assert "1 accepted" in r.output, r.output
    r = run(*base, "report", "--period", PERIOD, "--out", work / "packs", "--no-pdf", "--generated-at", "2026-11-02T09:00:00")
    assert r.exit_code == 0, r.output
    return work


@pytest.fixture
def period(recorded, tmp_path):
    """A copy of the recorded period to tamper with: (data folder, audit)."""
    work = tmp_path / "work"
    shutil.copytree(recorded, work, symlinks=True)
    data = work / "data"

    def audit():
        return run("--config", work / "config", "--data", data, "audit", "--period", PERIOD)

    return data, audit


def tamper(data, *statements):
    db = sqlite3.connect(data / "master.sqlite")
    for sql, *params in statements:
        db.execute(sql, *params)
    db.commit()
    db.close()


def one(data, sql, *params):
    db = sqlite3.connect(data / "master.sqlite")
    try:
        return db.execute(sql, params).fetchone()
    finally:
        db.close()


def lines(output, kind):
    return [line.split("DISCREPANCY  ", 1)[1] for line in output.splitlines() if f"DISCREPANCY  {kind}:" in line]


def ss(data, superseded):
    """The Social Services submission that is (or is not) superseded: (id, file name)."""
    cond = "IS NOT NULL" if superseded else "IS NULL"
    return one(data, f"SELECT id, file_name FROM submissions WHERE directorate = 'SS' AND superseded_by {cond}")


def test_an_untouched_period_audits_clean(period):
    data, audit = period
    r = audit()
    assert r.exit_code == 0, r.output
    assert "Everything reproduces" in r.output


def test_deleted_findings_are_named(period):
    data, audit = period
    sid, _ = ss(data, superseded=True)
    rows = [r[0] for r in sqlite3.connect(data / "master.sqlite").execute("SELECT rowid FROM findings WHERE submission_id = ? ORDER BY rowid", (sid,))]
    assert len(rows) >= 2
    tamper(data, ("DELETE FROM findings WHERE submission_id = ?", (sid,)))
    r = audit()
    assert r.exit_code == 1
    which = ", ".join(map(str, rows[:-1])) + f" and {rows[-1]}"
    assert lines(r.output, "record_deleted") == [
        f"record_deleted: findings rows {which} of submission {sid} (SS return 2026-27-Q2_SS_Social_Services_return.xlsx): deleted from the master dataset"
    ]


def test_an_error_turned_into_a_warning_is_named(period):
    data, audit = period
    sid, _ = ss(data, superseded=True)
    rowid = one(data, "SELECT rowid FROM findings WHERE severity = 'error' AND submission_id = ? ORDER BY rowid LIMIT 1", sid)[0]
    tamper(data, ("UPDATE findings SET severity = 'warning' WHERE rowid = ?", (rowid,)))
    r = audit()
    assert r.exit_code == 1
    assert lines(r.output, "record_changed") == [
        f"record_changed: findings row {rowid} of submission {sid} (SS return 2026-27-Q2_SS_Social_Services_return.xlsx): severity changed from error to warning"
    ]


def test_a_deleted_rejected_submission_is_named(period):
    data, audit = period
    sid, path = one(data, "SELECT id, archive_path FROM submissions WHERE outcome = 'rejected'")
    tamper(data, ("DELETE FROM findings WHERE submission_id = ?", (sid,)), ("DELETE FROM submissions WHERE id = ?", (sid,)))
    r = audit()
    assert r.exit_code == 1
    assert lines(r.output, "record_deleted") == [f"record_deleted: submission {sid} (rejected return notes.xlsx): it and its 1 finding were deleted"]
    assert (data / path).exists() and not lines(r.output, "archive_unexpected")  # its original was received: the ledger says so


def test_a_deleted_superseded_submission_and_its_figures_are_named(period):
    """The correction history erased: the first Social Services return, its figures and findings, gone."""
    data, audit = period
    sid, name = ss(data, superseded=True)
    name = Path(name).name
    figures = one(data, "SELECT COUNT(*) FROM pi_values WHERE submission_id = ?", sid)[0]
    findings = one(data, "SELECT COUNT(*) FROM findings WHERE submission_id = ?", sid)[0]
    now, _ = ss(data, superseded=False)
    tamper(
        data,
        ("DELETE FROM pi_values WHERE submission_id = ?", (sid,)),
        ("DELETE FROM findings WHERE submission_id = ?", (sid,)),
        ("UPDATE submissions SET supersedes = NULL WHERE id = ?", (now,)),
        ("DELETE FROM submissions WHERE id = ?", (sid,)),
    )
    r = audit()
    assert r.exit_code == 1
    assert f"record_deleted: submission {sid} (superseded SS return {name}): it and its {figures} figures and {findings} findings were deleted" in r.output
    assert f"submission {now} (current SS return ss_corrected.xlsx): supersedes changed from {sid} to nothing" in r.output


@pytest.mark.parametrize(
    ("column", "value", "said"),
    [
        ("file_name", "'other.xlsx'", "file_name changed from {old} to other.xlsx"),
        ("received_at", "'2026-10-01T09:00:00+00:00'", "received_at changed from {old} to 2026-10-01T09:00:00+00:00"),
    ],
)
def test_a_changed_file_name_or_received_time_is_named(period, column, value, said):
    data, audit = period
    sid, old = one(data, f"SELECT id, {column} FROM submissions WHERE directorate = 'PLC'")
    tamper(data, (f"UPDATE submissions SET {column} = {value} WHERE id = ?", (sid,)))
    r = audit()
    assert r.exit_code == 1
    assert lines(r.output, "record_changed") == [
        f"record_changed: submission {sid} (current PLC return 2026-27-Q2_PLC_Place_return.xlsx): {said.format(old=old)}"
    ]


@pytest.mark.parametrize(("column", "value"), [("normalisation", "'typed as 0.85, read as 85%'"), ("cell", "'H99'")])
def test_a_changed_normalisation_or_cell_is_named(period, column, value):
    data, audit = period
    rowid, ref, sid, old = one(
        data, f"SELECT id, pi_ref, submission_id, {column} FROM pi_values WHERE submission_id IS NOT NULL AND current = 1 ORDER BY id LIMIT 1"
    )
    d, name = one(data, "SELECT directorate, file_name FROM submissions WHERE id = ?", sid)
    name = Path(name).name
    tamper(data, (f"UPDATE pi_values SET {column} = {value} WHERE id = ?", (rowid,)))
    r = audit()
    assert r.exit_code == 1
    old = "nothing" if old is None else old
    new = value.strip("'")
    assert lines(r.output, "record_changed") == [
        f"record_changed: figure {ref} (pi_values row {rowid}) of submission {sid} ({d} return {name}): {column} changed from {old} to {new}"
    ]


def test_a_stray_file_in_the_archive_is_named(period):
    data, audit = period
    stray = data / "archive" / str(PERIOD) / "SS" / "abc.xlsx"
    stray.write_bytes(b"PK\x03\x04 planted")
    r = audit()
    assert r.exit_code == 1
    assert lines(r.output, "archive_unexpected") == [f"archive_unexpected: archive/{PERIOD}/SS/abc.xlsx: a file not received by the tool is in the archive"]
    # the report says what the kind means, in the workbook and the page
    folder = data / "reports" / str(PERIOD) / "audit"
    sheet = openpyxl.load_workbook(folder / f"audit_{PERIOD}.xlsx")["Discrepancies"]
    assert [c.value for c in sheet[2]] == [
        "archive_unexpected",
        f"archive/{PERIOD}/SS/abc.xlsx",
        "a file not received by the tool is in the archive",
        KINDS["archive_unexpected"],
    ]
    page = html.unescape((folder / f"audit_{PERIOD}.html").read_text())
    assert f"<dt>archive_unexpected</dt><dd>{KINDS['archive_unexpected']}</dd>" in page


def test_an_original_archived_by_an_interrupted_run_is_told_apart(period):
    """Archived before it was recorded, then the run stopped: named as such, with what to do."""
    data, audit = period
    blob = (SAMPLES / "2026-27-Q2_LS_Learning_and_Skills_return.xlsx").read_bytes() + b"\0"  # bytes never received
    sha = hashlib.sha256(blob).hexdigest()
    (data / "archive" / str(PERIOD) / "LS" / f"{sha}.xlsx").write_bytes(blob)  # named by its hash, as ingest names them
    r = audit()
    assert r.exit_code == 1
    assert lines(r.output, "archive_unexpected") == [
        f"archive_unexpected: archive/{PERIOD}/LS/{sha}.xlsx: archived by a run that stopped before recording it (ingest the return again), or put there by hand"
    ]


def test_a_deleted_archive_file_is_named(period):
    data, audit = period
    path = one(data, "SELECT archive_path FROM submissions WHERE directorate = 'ENV'")[0]
    (data / path).unlink()
    r = audit()
    assert r.exit_code == 1
    assert f"archive_missing: 2026-27-Q2_ENV_Environment_and_Housing_return.xlsx: the archived original {path} is missing" in r.output


def test_a_changed_last_year_figure_names_the_pi(period):
    """Not only 'pack not reproduced': the PI and the earlier figure behind its trend are named."""
    data, audit = period
    last_year = PERIOD.same_quarter_last_year()
    old = one(data, "SELECT actual FROM pi_values WHERE period = ? AND pi_ref = 'PAM/007' AND current = 1", str(last_year))[0]
    tamper(data, ("UPDATE pi_values SET actual = '71' WHERE period = ? AND pi_ref = 'PAM/007'", (str(last_year),)))
    r = audit()
    assert r.exit_code == 1
    assert lines(r.output, "earlier_figure_changed") == [
        f"earlier_figure_changed: PAM/007: the {last_year} figure behind this quarter's trend changed from {old} to 71"
    ]


def test_an_edited_or_truncated_ledger_breaks_the_chain(period):
    data, audit = period
    seq = one(data, "SELECT seq FROM ledger WHERE tbl = 'findings' ORDER BY seq LIMIT 1")[0]
    tamper(data, ("UPDATE ledger SET body = replace(body, '\"error\"', '\"warning\"') WHERE seq = ?", (seq,)))
    r = audit()
    assert r.exit_code == 1
    assert f"ledger_broken: ledger: ledger entry {seq} (findings row" in r.output and "was edited: its contents no longer match its hash" in r.output
    last = one(data, "SELECT MAX(seq) FROM ledger")[0]
    tamper(data, ("UPDATE ledger SET body = replace(body, '\"warning\"', '\"error\"') WHERE seq = ?", (seq,)), ("DELETE FROM ledger WHERE seq = ?", (last,)))
    r = audit()
    assert r.exit_code == 1
    day = dt.datetime.now(dt.timezone.utc)
    assert lines(r.output, "ledger_broken") == [
        f"ledger_broken: ledger: the chain was cut short or rewritten: entry {last}, the head kept for this period, is gone",
        f"ledger_broken: ledger: the chain was cut short or rewritten: entry {last}, the head recorded by the publication on {day.day} {day:%B %Y}, is gone",
    ]
    assert len(lines(r.output, "record_added")) == 1  # the row whose entry went with it


def test_the_chain_survives_a_year_of_operations_and_audits_clean(tmp_path, blank_returns):
    """Ingest, a correction, pmf returns --use, close, reopen, a late return, publish: clean; the chain holds."""
    shutil.copytree(CONFIG, tmp_path / "config")
    base = ["--config", tmp_path / "config", "--data", tmp_path / "data"]
    late = next(SAMPLES.glob("*_PLC_*.xlsx"))
    assert run(*base, "ingest", "--period", PERIOD, *(f for f in sorted(SAMPLES.glob("*.xlsx")) if f != late)).exit_code == 1
    config = load_config(tmp_path / "config")
    corrected = fill_return(blank_returns["SS"], full(config, "SS"), tmp_path / "ss2.xlsx", saved_at=dt.datetime(2026, 10, 25, 9, 0))
    assert "1 accepted" in run(*base, "ingest", "--period", PERIOD, corrected).output
    r = run(
        *base,
        "returns",
        "--period",
        PERIOD,
        "--use",
        "2026-27-Q2_SS_Social_Services_return.xlsx",
        "--reason",
        "the correction was sent by mistake",
        "--by",
        "jsmith",
    )
    assert r.exit_code == 0, r.output
    assert run(*base, "report", "--period", PERIOD, "--out", tmp_path / "packs", "--no-pdf", *WHEN).exit_code == 0
    assert run(*base, "close", "--period", PERIOD, "--reason", "packs went to committee", "--by", "jsmith").exit_code == 0
    assert run(*base, "reopen", "--period", PERIOD, "--reason", "late return from Place", "--by", "akhan").exit_code == 0
    assert run(*base, "ingest", "--period", PERIOD, late).exit_code == 1  # its deliberate error
    assert run(*base, "report", "--period", PERIOD, "--out", tmp_path / "packs", "--no-pdf", "--generated-at", "2026-11-20T09:00:00").exit_code == 0
    r = run(*base, "audit", "--period", PERIOD)
    assert r.exit_code == 0, r.output
    store = Store(tmp_path / "data")
    try:
        entries = store.ledger_entries()
        subs = {s.id: s for s in store.submissions(str(PERIOD))}
    finally:
        store.close()
    assert entries[0].prev == GENESIS and not walk(entries)
    actions = {(e.table, e.action) for e in entries}
    assert {("submissions", "made current"), ("submissions", "superseded"), ("pi_values", "made current"), ("pi_values", "superseded")} <= actions
    assert {("submission_events", "recorded"), ("period_events", "recorded")} <= actions
    state = replay(entries)
    assert {r["event"] for (t, _), (_, r) in state.items() if t == "period_events"} == {"frozen", "closed", "reopened"}
    assert all(state[("submissions", i)][1]["superseded_by"] == s.superseded_by for i, s in subs.items())
    # the head, and the archive's files with their hashes, are in the last publication too
    publication = json.loads((tmp_path / "data" / "periods" / str(PERIOD) / "manifest.json").read_text())["publications"][-1]
    assert publication["ledger_head"] == {"seq": entries[-1].seq, "hash": entries[-1].hash}
    archived = {f["path"]: f["sha256"] for f in publication["archived_files"]}
    assert archived == {s.archive_path: s.sha256 for s in subs.values()}


def test_a_master_dataset_from_before_the_ledger_gets_a_baseline(tmp_path):
    """Rows written before the ledger existed are covered from the migration on: clean, then tampering caught."""
    shutil.copytree(CONFIG, tmp_path / "config")
    data = tmp_path / "data"
    base = ["--config", tmp_path / "config", "--data", data]
    assert run(*base, "ingest", "--period", PERIOD, SAMPLES).exit_code == 1
    tamper(data, ("DROP TABLE ledger",), ("DROP TABLE ledger_heads",), ("DELETE FROM schema_migrations WHERE name = '0004_ledger'",))
    rows = sum(one(data, f"SELECT COUNT(*) FROM {t}")[0] for t in TABLES)  # action_updates too: the sample's action history
    r = run(*base, "audit", "--period", PERIOD)
    assert r.exit_code == 0, r.output
    assert one(data, "SELECT COUNT(*), MIN(action), MAX(action) FROM ledger") == (rows, "baseline", "baseline")
    tamper(data, ("UPDATE pi_values SET cell = 'Z1' WHERE pi_ref = 'CPM/072' AND current = 1",))
    r = run(*base, "audit", "--period", PERIOD)
    assert r.exit_code == 1 and "record_changed: figure CPM/072" in r.output and "cell changed from" in r.output, r.output


def test_an_unreadable_ledger_is_a_discrepancy_not_a_crash(period):
    data, audit = period
    tamper(data, ("UPDATE ledger SET hash = 'x' WHERE seq = 3",), ("UPDATE ledger SET body = 'not json' WHERE seq = 4",))
    r = audit()
    assert r.exit_code == 1 and "Traceback" not in r.output
    broken = lines(r.output, "ledger_broken")
    assert any("ledger entry 3 (" in b and "was edited" in b for b in broken) and any("ledger entry 4 (" in b for b in broken), r.output
