"""What the audit compares: each field of a figure, a status, a pack, changed behind the tool's back.

Internal audit relies on ``audit_period`` reporting any difference between the archived returns and
what the master dataset and the packs say. Each test changes one thing with plain SQL or a file
edit, as someone bypassing ``pmf`` would, and pins the discrepancy that names it.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from pmf_pipeline.audit.reproduce import Discrepancy, audit_period
from pmf_pipeline.quarter import run_quarter
from tests.conftest import CONFIG, PERIOD, ROOT

SAMPLES = ROOT / "sample_workbooks"
CR = "2026-27-Q2_CR_Corporate_Resources_return.xlsx"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The sample quarter run once (HTML packs only); each test audits its own copy of the data folder."""
    base = tmp_path_factory.mktemp("published")
    run_quarter(CONFIG, base / "data", PERIOD, SAMPLES, base / "packs", pdf=False, generated_at=dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.timezone.utc))
    assert audit_period(CONFIG, base / "data", PERIOD).clean
    return base


@pytest.fixture
def data(published, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(published / "data", copy)
    return copy


def tamper(data, sql, *params):
    db = sqlite3.connect(data / "master.sqlite")
    n = db.execute(sql, params).rowcount
    db.commit()
    db.close()
    assert n == 1


def found(data) -> list[tuple[str, str, str]]:
    return [(d.kind, d.what, d.detail) for d in audit_period(CONFIG, data, PERIOD).discrepancies]


# PI, field, the value put behind the tool's back, the discrepancy's detail. CPM/072 is worked out
# from numerator and denominator (row 10 of Corporate Resources); CPM/081 is a narrative PI (row 19).
FIELDS = [
    ("CPM/072", "M10", "numerator", "1", "numerator: archive 770, master 1"),
    ("CPM/072", "M10", "denominator", "9999", "denominator: archive 894, master 9999"),
    ("CPM/072", "M10", "comment", "All fine.", "comment differs"),
    ("CPM/072", "M10", "evidence", "WP/forged", "evidence differs"),
    ("CPM/072", "M10", "updated_by", "Someone Else", "updated_by differs"),
    ("CPM/072", "M10", "verified_by", "Tomos Williams", "verified_by differs"),  # the archive says nobody verified it
    ("CPM/081", "M19", "text", "Everything delivered.", "text differs"),
]


@pytest.mark.parametrize("ref, cell, field, value, detail", FIELDS, ids=[f[2] for f in FIELDS])
def test_each_compared_field_changed_in_the_master_dataset_is_named(data, ref, cell, field, value, detail):
    tamper(data, f"UPDATE pi_values SET {field} = ? WHERE pi_ref = ? AND current = 1 AND period = '2026-27-Q2'", value, ref)
    got = found(data)
    assert ("value_differs", f"{CR} {cell} ({ref})", detail) in got  # against the archived return
    assert [d for d in got if d[0] == "record_changed" and field in d[2]]  # and against the ledger


def test_a_changed_actual_is_named_and_its_status_and_packs_with_it(data):
    tamper(data, "UPDATE pi_values SET actual = '40' WHERE pi_ref = 'CPM/072' AND current = 1 AND period = '2026-27-Q2'")
    got = found(data)
    assert ("value_differs", f"{CR} M10 (CPM/072)", "actual: archive 86.12975391498881431767337808, master 40") in got
    assert ("status_differs", "CPM/072", "now off_target/declined_significantly; published within_tolerance/declined") in got
    # the ledger sees the row change too
    assert {k for k, _, _ in got} == {"record_changed", "value_differs", "status_differs", "pack_not_reproduced"}


def test_every_changed_field_is_listed_in_one_discrepancy(data):
    tamper(data, "UPDATE pi_values SET comment = 'x', updated_by = 'y', numerator = '2' WHERE pi_ref = 'CPM/072' AND current = 1 AND period = '2026-27-Q2'")
    got = [d for d in found(data) if d[0] == "value_differs"]
    assert got == [("value_differs", f"{CR} M10 (CPM/072)", "numerator: archive 770, master 2; comment differs; updated_by differs")]


def test_a_figure_held_back_behind_the_tools_back_changes_its_status(data):
    """The error flag is not a field of the figure; clearing or setting it shows as the published status changing."""
    tamper(data, "UPDATE pi_values SET has_error = 1 WHERE pi_ref = 'CPM/072' AND current = 1 AND period = '2026-27-Q2'")
    got = found(data)
    assert ("status_differs", "CPM/072", "now no_data/no_comparison; published within_tolerance/declined") in got
    assert not [d for d in got if d[0] == "value_differs"]


def test_a_published_status_changed_in_the_manifest(data):
    path = data / "periods" / str(PERIOD) / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["publications"][-1]["statuses"]["CPM/072"]["status"] = "met"  # the latest publication
    path.write_text(json.dumps(manifest))
    assert found(data) == [("status_differs", "CPM/072", "now within_tolerance/declined; published met/declined")]


def test_a_changed_pack_and_a_missing_pack(data):
    manifest = json.loads((data / "periods" / str(PERIOD) / "manifest.json").read_text())
    published = manifest["publications"][-1]["packs"]  # the latest publication
    pages = sorted(rec["html"] for rec in published)
    # the manifest names the packs where they were written; point this copy at its own copies
    own = data.parent / "packs"
    shutil.copytree(Path(pages[0]).parent, own)
    for rec in published:
        rec["html"] = str(own / Path(rec["html"]).name)
    (data / "periods" / str(PERIOD) / "manifest.json").write_text(json.dumps(manifest))
    changed, gone = own / Path(pages[0]).name, own / Path(pages[1]).name
    changed.write_text(changed.read_text().replace("Off target", "Met"))
    gone.unlink()
    from pmf_pipeline.master.lifecycle import long_date

    latest = manifest["publications"][-1]
    when = long_date(latest.get("recorded_at") or latest["generated_at"])  # the day the publication was recorded
    assert sorted(found(data)) == sorted(
        [
            ("pack_changed", changed.name, f"the pack published on {when} was changed after it was written"),
            ("pack_changed", gone.name, f"the published pack {gone} is missing"),
        ]
    )


def test_discrepancies_are_data(data):
    tamper(data, "UPDATE pi_values SET evidence = 'WP/x' WHERE pi_ref = 'CPM/072' AND current = 1 AND period = '2026-27-Q2'")
    found_ = audit_period(CONFIG, data, PERIOD).discrepancies
    assert all(isinstance(d, Discrepancy) for d in found_)
    assert {d.kind for d in found_} == {"record_changed", "value_differs"}
