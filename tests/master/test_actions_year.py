"""Actions through a year in the master dataset: their updates beside the figures, with the same
supersession, carried over from last year's plan with their history, and closed actions kept.

Returns are recorded as ingest records them (``Store.record``), with their ActionRecords written by
hand, so these tests pin the master dataset apart from the workbook that carries the updates.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from pmf_pipeline.audit.chain import check_record
from pmf_pipeline.config import load_config
from pmf_pipeline.config.plan import ActionHistory, ActionStatus
from pmf_pipeline.master.action_results import ActionUpdate, last_actions, last_updates, period_action_results
from pmf_pipeline.master.store import MIGRATIONS, Store
from pmf_pipeline.periods import Period
from pmf_pipeline.returns.findings import ActionRecord, ReturnResult
from tests.small_council import write_council

Q4_LAST, Q1, Q2, Q3 = (Period.parse(p) for p in ("2025-26-Q4", "2026-27-Q1", "2026-27-Q2", "2026-27-Q3"))


@pytest.fixture
def council(tmp_path):
    return load_config(write_council(tmp_path / "config", actions=True))


@pytest.fixture
def store(tmp_path, council):
    s = Store(tmp_path / "data")
    s.load_action_history(council.action_history)
    yield s
    s.close()


def update(ref, status, pct=None, rating="", **kw) -> ActionRecord:
    row = {"ENV/A01": 8, "ENV/A02": 9, "ENV/A03": 10, "ENV/A04": 11}[ref]
    return ActionRecord(ref, status, None if pct is None else Decimal(pct), rating, updated_by="A. Jones", sheet="Actions", cell=f"E{row}", **kw)


def send(store, period, name, *actions, current=True, received="2026-07-20T10:00:00+00:00"):
    """Record an accepted ENV return for ``period`` carrying ``actions`` (as ingest would)."""
    result = ReturnResult(name, name.encode().hex().ljust(64, "0")[:64], 1, "accepted", str(period), "ENV", actions=list(actions))
    return store.record(result, str(period), f"archive/{period}/{name}", received, current=current)


def results(council, store, period):
    return {r.action.ref: r for r in period_action_results(council, store, period)}


def test_a_carried_over_action_keeps_its_reference_and_its_history_into_the_next_year(council, store):
    send(store, Q1, "q1.xlsx", update("ENV/A01", "in progress", "55", "green", commentary="Flats in Bridgend town done"), update("ENV/A04", "not started"))
    got = results(council, store, Q1)
    assert list(got) == ["ENV/A01", "ENV/A02", "ENV/A04"]  # library order; ENV/A03 starts in Q3
    a01 = got["ENV/A01"]
    assert a01.carried_over and not got["ENV/A04"].carried_over
    assert a01.kind_name == "Service plan action" and got["ENV/A04"].kind_name == "Corporate plan commitment"
    assert [(str(u.period), u.status, u.percent_complete, u.rating, u.source) for u in a01.history] == [
        ("2025-26-Q1", "in progress", Decimal(10), "green", "history"),
        ("2025-26-Q2", "in progress", Decimal(20), "green", "history"),
        ("2025-26-Q3", "in progress", Decimal(30), "yellow", "history"),
        ("2025-26-Q4", "in progress", Decimal(40), "amber", "history"),
    ]
    assert a01.update == ActionUpdate(
        Q1,
        "in progress",
        Decimal(55),
        "green",
        "Flats in Bridgend town done",
        source="return",
        updated_by="A. Jones",
        file="q1.xlsx",
        sheet="Actions",
        cell="E8",
    )
    # 455 of 729 days gone: 62.4% expected, so 55% is 88% of it: the updater's Green is reported, "needs monitoring" shown beside it
    assert (a01.rated.rating, a01.rated.progress, a01.rated.expected, a01.rated.disagrees) == ("green", "monitor", Decimal(455) * 100 / Decimal(729), True)
    assert got["ENV/A02"].update is None and got["ENV/A02"].rated.rating == "no_update"
    assert got["ENV/A04"].rated.rating == "no_update"  # not started, no self-assessment: nothing to report under brayg
    send(store, Q2, "q2.xlsx", update("ENV/A01", "in progress", "70", "green"))
    q2 = results(council, store, Q2)["ENV/A01"]
    assert [str(u.period) for u in q2.history] == ["2025-26-Q1", "2025-26-Q2", "2025-26-Q3", "2025-26-Q4", "2026-27-Q1"]
    assert q2.history[-1].percent_complete == Decimal(55)


def test_an_action_completed_in_q1_with_a_blank_q2_row_keeps_its_completed_update(council, store):
    send(store, Q1, "q1.xlsx", update("ENV/A02", "completed", "100", "blue", completed_on="2026-06-12"))
    q1 = results(council, store, Q1)["ENV/A02"]
    assert q1.completed_this_quarter and q1.rated.rating == "blue" and q1.update is not None and q1.update.completed_on.isoformat() == "2026-06-12"
    send(store, Q2, "q2.xlsx", update("ENV/A02", None, carried=True), update("ENV/A01", "in progress", "60", "green"))
    q2 = results(council, store, Q2)["ENV/A02"]
    assert q2.update is not None and q2.update.period == Q1 and q2.update.status == "completed"
    assert q2.rated.rating == "blue" and not q2.completed_this_quarter and not q2.exception
    assert last_updates(council, store, Q3)["ENV/A02"].period == Q1  # next quarter's workbook shows the completed update
    q3 = results(council, store, Q3)["ENV/A02"]  # no return at all yet: the completed update still stands
    assert q3.update is not None and q3.update.period == Q1 and q3.rated.rating == "blue" and not q3.rated.overdue
    assert [str(u.period) for u in q3.history] == ["2026-27-Q1", "2026-27-Q2"] and q3.history[-1].carried


def test_a_blank_row_read_with_last_quarters_status_keeps_the_closing_update_itself(council, store):
    """The workbook's reader copies a blank row's status and % from the "last quarter" columns: the Q1
    update, with its completion date and rating, is what stands."""
    send(store, Q1, "q1.xlsx", update("ENV/A02", "completed", "100", "blue", completed_on="2026-06-12"))
    send(store, Q2, "q2.xlsx", update("ENV/A02", "completed", "100", carried=True))
    q2 = results(council, store, Q2)["ENV/A02"]
    assert q2.update is not None and (q2.update.period, q2.update.rating, str(q2.update.completed_on)) == (Q1, "blue", "2026-06-12")
    assert q2.rated.rating == "blue" and not q2.completed_this_quarter
    assert last_actions(council, store, Q3)["ENV/A02"] == ActionHistory("ENV/A02", Q1, ActionStatus.completed, Decimal(100), "blue", "")


def test_a_closed_action_with_no_row_at_all_keeps_its_update_and_an_open_one_is_no_update(council, store):
    send(store, Q1, "q1.xlsx", update("ENV/A02", "cancelled", None, "", commentary="Vans leased instead"), update("ENV/A04", "in progress", "20", "yellow"))
    send(store, Q2, "q2.xlsx", update("ENV/A01", "in progress", "60", "green"))
    q2 = results(council, store, Q2)
    assert q2["ENV/A02"].update is not None and q2["ENV/A02"].update.status == "cancelled" and q2["ENV/A02"].rated.rating == "not_rated"
    assert q2["ENV/A04"].update is None and q2["ENV/A04"].rated.rating == "no_update"  # in progress in Q1: not carried


def test_a_replacement_supersedes_action_updates_and_use_brings_them_back(tmp_path, council, store):
    first = send(store, Q1, "first.xlsx", update("ENV/A01", "in progress", "50", "green"), update("ENV/A04", "in progress", "25", "green"))
    second = send(store, Q1, "second.xlsx", update("ENV/A01", "in progress", "45.5", "amber"), received="2026-07-21T10:00:00+00:00")
    now = store.action_updates(str(Q1))
    first_a01, second_a01 = store.submission_action_updates(first.id)["ENV/A01"]["id"], now["ENV/A01"]["id"]
    assert (now["ENV/A01"]["submission_id"], now["ENV/A01"]["percent_complete"], now["ENV/A01"]["rating"]) == (second.id, "45.5", "amber")
    # as with figures, an action the replacement leaves out keeps the first return's update
    assert now["ENV/A04"]["submission_id"] == first.id
    assert {ref: r["current"] for ref, r in store.submission_action_updates(first.id).items()} == {"ENV/A01": 0, "ENV/A04": 1}
    store.use_submission(str(Q1), first.id, "Performance team", "the correction was sent by mistake")
    now = store.action_updates(str(Q1))
    assert {ref: (r["submission_id"], r["percent_complete"]) for ref, r in now.items()} == {"ENV/A01": (first.id, "50"), "ENV/A04": (first.id, "25")}
    assert results(council, store, Q1)["ENV/A01"].update.rating == "green"
    kept = send(store, Q1, "kept.xlsx", update("ENV/A01", "completed", "100", "blue"), current=False, received="2026-07-22T10:00:00+00:00")
    assert store.action_updates(str(Q1))["ENV/A01"]["submission_id"] == first.id  # kept on record, not used
    assert [r["current"] for r in store.submission_action_updates(kept.id).values()] == [0]
    assert check_record(store, tmp_path / "data", Q1, None) == []  # every write and every supersession is in the ledger
    superseded = [e for e in store.ledger_entries() if e.table == "action_updates" and e.action == "superseded"]
    made_current = [e for e in store.ledger_entries() if e.table == "action_updates" and e.action == "made current"]
    assert [(e.row_id, e.action) for e in superseded + made_current] == [(first_a01, "superseded"), (second_a01, "superseded"), (first_a01, "made current")]


def test_an_action_update_changed_behind_the_tools_back_is_named(tmp_path, council, store):
    send(store, Q1, "q1.xlsx", update("ENV/A01", "in progress", "55", "green"))
    db = sqlite3.connect(tmp_path / "data" / "master.sqlite")
    db.execute("UPDATE action_updates SET status = 'completed' WHERE action_ref = 'ENV/A01' AND period = ?", (str(Q1),))
    db.commit()
    db.close()
    [found] = check_record(store, tmp_path / "data", Q1, None)
    assert found == (
        "record_changed",
        "action ENV/A01's update (action_updates row 5) of submission 1 (ENV return q1.xlsx)",
        "status changed from in progress to completed",
    )
    history = check_record(store, tmp_path / "data", Q4_LAST, None)
    assert history == []


def test_the_history_is_loaded_once_and_not_over_a_return(council, store):
    assert store.load_action_history(council.action_history) == 0
    assert {(ref, r["source"], r["percent_complete"]) for ref, r in store.action_updates(str(Q4_LAST)).items()} == {("ENV/A01", "history", "40")}
    assert last_updates(council, store, Q1) == {
        "ENV/A01": ActionUpdate(Q4_LAST, "in progress", Decimal(40), "amber", "Half the flats to do next year", source="history")
    }


def test_a_dataset_from_before_actions_migrates_and_its_ledger_still_holds(tmp_path, council):
    data = tmp_path / "old"
    store = Store(data)
    send(store, Q1, "q1.xlsx")
    store.close()
    db = sqlite3.connect(data / "master.sqlite")  # as the version before actions left it
    db.executescript("DROP TABLE action_updates; DELETE FROM schema_migrations WHERE name = '0005_action_updates';")
    db.commit()
    db.close()
    store = Store(data)
    try:
        assert {r[0] for r in store.db.execute("SELECT name FROM schema_migrations")} == {m[0] for m in MIGRATIONS}
        assert store.load_action_history(council.action_history) == 4
        send(store, Q1, "q1b.xlsx", update("ENV/A01", "in progress", "55", "green"))
        assert check_record(store, data, Q1, None) == [] and check_record(store, data, Q4_LAST, None) == []
    finally:
        store.close()


def test_a_dataset_from_before_the_ledger_gets_its_baseline_and_then_action_updates(tmp_path, council):
    data = tmp_path / "older"
    data.mkdir()
    old = sqlite3.connect(data / "master.sqlite")  # the first migration only
    old.executescript(MIGRATIONS[0][1] + "; CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL);")
    old.execute("INSERT INTO schema_migrations VALUES (?, '2026-10-01T00:00:00+00:00')", (MIGRATIONS[0][0],))
    old.commit()
    old.close()
    store = Store(data)
    try:
        send(store, Q1, "q1.xlsx", update("ENV/A01", "in progress", "55", "green"))
        assert check_record(store, data, Q1, None) == []
    finally:
        store.close()


def test_an_earlier_quarters_update_behind_this_quarters_results_changed_is_named(tmp_path, council, store):
    send(store, Q1, "q1.xlsx", update("ENV/A02", "completed", "100", "blue", completed_on="2026-06-12"))
    send(store, Q2, "q2.xlsx", update("ENV/A02", None, carried=True))
    assert check_record(store, tmp_path / "data", Q2, None) == []
    db = sqlite3.connect(tmp_path / "data" / "master.sqlite")
    db.execute("UPDATE action_updates SET completed_on = '2026-09-30' WHERE action_ref = 'ENV/A02' AND period = ?", (str(Q1),))
    db.execute("UPDATE action_updates SET rating = 'red' WHERE action_ref = 'ENV/A01' AND period = '2025-26-Q2'")
    db.commit()
    db.close()
    assert check_record(store, tmp_path / "data", Q2, None) == [
        ("earlier_action_changed", "action ENV/A01", "its 2025-26-Q2 update behind this quarter's result changed: rating changed from green to red"),
        (
            "earlier_action_changed",
            "action ENV/A02",
            "its 2026-27-Q1 update behind this quarter's result changed: completed_on changed from 2026-06-12 to 2026-09-30",
        ),
    ]
