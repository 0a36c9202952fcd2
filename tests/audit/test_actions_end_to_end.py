"""Actions end to end through real workbooks: generated with last quarter's updates, filled as an
updater would, ingested, exported and audited; a status changed in SQLite is named by the audit."""

from __future__ import annotations

import sqlite3

from pmf_pipeline.audit.reproduce import audit_period
from pmf_pipeline.config import load_config
from pmf_pipeline.master.action_results import period_action_results
from pmf_pipeline.master.store import Store
from pmf_pipeline.periods import Period
from tests.small_council import run_quarter, write_council

Q1, Q2 = Period.parse("2026-27-Q1"), Period.parse("2026-27-Q2")


def test_a_quarter_of_actions_through_real_workbooks_audits_clean_and_a_tampered_status_is_named(tmp_path):
    config_dir = write_council(tmp_path / "config", actions=True)
    data = tmp_path / "data"
    q1 = run_quarter(config_dir, data, tmp_path, str(Q1), (60.1, 10, 140))
    assert [a.action_ref for a in q1.result.actions] == ["ENV/A01", "ENV/A02", "ENV/A04"]
    q2 = run_quarter(config_dir, data, tmp_path, str(Q2), (61.0, 9, 150))
    config = load_config(config_dir)
    store = Store(data)
    try:
        results = {r.action.ref: r for r in period_action_results(config, store, Q2)}
        assert set(results) == {"ENV/A01", "ENV/A02", "ENV/A04"}
        assert all(r.update is not None and r.update.source == "return" for r in results.values())
        assert [str(u.period) for u in results["ENV/A01"].history] == ["2025-26-Q1", "2025-26-Q2", "2025-26-Q3", "2025-26-Q4", "2026-27-Q1"]
    finally:
        store.close()
    clean = audit_period(config_dir, data, Q2)
    assert clean.discrepancies == [] and clean.actions_checked == clean.actions_reproduced == len(q2.result.actions) == 3
    assert clean.action_ratings_checked == 3
    db = sqlite3.connect(data / "master.sqlite")
    db.execute("UPDATE action_updates SET status = 'cancelled' WHERE action_ref = 'ENV/A04' AND period = ? AND current = 1", (str(Q2),))
    db.commit()
    db.close()
    found = {(d.kind, d.what) for d in audit_period(config_dir, data, Q2).discrepancies}
    name = q2.filled.name
    cell = next(a.cell for a in q2.result.actions if a.action_ref == "ENV/A04")
    assert ("action_differs", f"{name} Actions!{cell} (action ENV/A04)") in found
    assert ("action_rating_differs", "action ENV/A04") in found
    assert any(kind == "record_changed" and "action ENV/A04" in what for kind, what in found)
