"""The audit of actions: every field of each re-validated action update against the stored one, and the
ratings reproduced from both; a status changed in SQLite behind the tool's back is named.

The re-validated records are the ones ingest recorded (what re-reading the archived return gives
when nothing changed), so these tests hold apart from the workbook's Actions sheet.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from pmf_pipeline.audit.actions import check_history_updates, compare_actions, compare_ratings
from pmf_pipeline.audit.report import KINDS
from pmf_pipeline.config import load_config
from pmf_pipeline.master.store import Store
from pmf_pipeline.periods import Period
from pmf_pipeline.returns.findings import ActionRecord, ReturnResult
from tests.small_council import write_council

Q1, Q2 = Period.parse("2026-27-Q1"), Period.parse("2026-27-Q2")
Q1_ACTIONS = [ActionRecord("ENV/A02", "completed", Decimal(100), "blue", completed_on="2026-06-12", sheet="Actions", cell="E9")]
Q2_ACTIONS = [
    ActionRecord(
        "ENV/A01",
        "in progress",
        Decimal("70.5"),
        "green",
        revised_due="2027-06-30",
        commentary="Porthcawl next",
        updated_by="Siân Morgan",
        sheet="Actions",
        cell="E8",
        typed="70.5%",
    ),
    ActionRecord("ENV/A02", None, sheet="Actions", cell="E9", carried=True),
    ActionRecord("ENV/A04", "not started", None, "", sheet="Actions", cell="E11", has_error=True),
]


class Found(list):
    def add(self, kind: str, what: str, detail: str) -> None:
        assert kind in KINDS
        self.append((kind, what, detail))


@pytest.fixture
def recorded(tmp_path):
    config = load_config(write_council(tmp_path / "config", actions=True))
    data = tmp_path / "data"
    store = Store(data)
    store.load_action_history(config.action_history)
    ids = {}
    for period, name, actions in ((Q1, "q1.xlsx", Q1_ACTIONS), (Q2, "q2.xlsx", Q2_ACTIONS)):
        result = ReturnResult(name, name.encode().hex().ljust(64, "0")[:64], 1, "accepted", str(period), "ENV", actions=actions)
        ids[period] = store.record(result, str(period), f"archive/{period}/{name}", "2026-10-20T10:00:00+00:00").id
    yield config, store, data, ids
    store.close()


def tamper(data, sql, *params):
    db = sqlite3.connect(data / "master.sqlite")
    db.execute(sql, params)
    db.commit()
    db.close()


def test_unchanged_action_updates_and_their_ratings_reproduce(recorded):
    config, store, _, ids = recorded
    found = Found()
    assert compare_actions(found.add, Q2_ACTIONS, store, ids[Q2], "q2.xlsx") == (3, 3)
    assert compare_ratings(found.add, config, store, Q2, {ids[Q2]: Q2_ACTIONS}) == 3
    check_history_updates(found.add, config, store, Period.parse("2025-26-Q4"))
    assert found == []


def test_a_status_changed_behind_the_tools_back_is_named_with_its_action(recorded):
    config, store, data, ids = recorded
    tamper(data, "UPDATE action_updates SET status = 'completed', percent_complete = '100' WHERE action_ref = 'ENV/A01' AND period = ?", str(Q2))
    found = Found()
    assert compare_actions(found.add, Q2_ACTIONS, store, ids[Q2], "q2.xlsx") == (3, 2)
    compare_ratings(found.add, config, store, Q2, {ids[Q2]: Q2_ACTIONS})
    assert found == [
        ("action_differs", "q2.xlsx Actions!E8 (action ENV/A01)", "percent_complete: archive 70.5, master 100; status: archive in progress, master completed"),
        (
            "action_rating_differs",
            "action ENV/A01",
            "rated green (on_track) from the archived returns; blue (complete) from the master dataset (its update from q2.xlsx)",
        ),
    ]


@pytest.mark.parametrize(
    ("column", "value", "said"),
    [
        ("rating", "red", "rating: archive green, master red"),
        ("revised_due", None, "revised_due: archive 2027-06-30, master nothing"),
        ("completed_on", "2026-09-01", "completed_on: archive nothing, master 2026-09-01"),
        ("commentary", "All done", "commentary: archive Porthcawl next, master All done"),
        ("updated_by", "Someone else", "updated_by: archive Siân Morgan, master Someone else"),
        ("sheet", "Return", "sheet: archive Actions, master Return"),
        ("cell", "E9", "cell: archive E8, master E9"),
        ("typed", "70", "typed: archive 70.5%, master 70"),
        ("has_error", 1, "has_error: archive no, master yes"),
        ("carried", 1, "carried: archive no, master yes"),
        ("percent_complete", "Infinity", "percent_complete: archive 70.5, master Infinity"),
    ],
)
def test_every_field_is_compared(recorded, column, value, said):
    _, store, data, ids = recorded
    tamper(data, f"UPDATE action_updates SET {column} = ? WHERE action_ref = 'ENV/A01' AND period = ?", value, str(Q2))
    found = Found()
    compare_actions(found.add, Q2_ACTIONS, store, ids[Q2], "q2.xlsx")
    assert found == [("action_differs", "q2.xlsx Actions!E8 (action ENV/A01)", said)]


def test_an_update_no_row_supports_and_a_row_not_stored_are_named(recorded):
    _, store, data, ids = recorded
    tamper(data, "UPDATE action_updates SET action_ref = 'ENV/A03' WHERE action_ref = 'ENV/A04' AND period = ?", str(Q2))
    found = Found()
    compare_actions(found.add, Q2_ACTIONS, store, ids[Q2], "q2.xlsx")
    assert found == [
        ("action_missing", "q2.xlsx Actions!E11 (action ENV/A04)", "the archived return holds this action's update but the master dataset does not"),
        ("action_unsupported", "action ENV/A03 in the master dataset", "no row of the archived return q2.xlsx supports its update (master: not started)"),
    ]


def test_a_history_update_changed_is_named(recorded):
    config, store, data, _ = recorded
    tamper(data, "UPDATE action_updates SET percent_complete = '45' WHERE action_ref = 'ENV/A01' AND period = '2025-26-Q4'")
    found = Found()
    check_history_updates(found.add, config, store, Period.parse("2025-26-Q4"))
    assert found == [
        (
            "action_unsupported",
            "action ENV/A01 in the master dataset",
            "no archived return and no action history entry supports its update (master: in progress)",
        )
    ]
