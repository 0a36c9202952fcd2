"""Every column of the actions export (``pmf export --actions``), in CSV and xlsx: the list, the order,
and the exact value of each, from a quarter recorded in a real master dataset.

2026-27 Q2 of the small council: ENV/A01 (carried over from 2025-26) updated in the Q2 return;
ENV/A02 completed in Q1, its Q2 row left blank, so its completed update stands; ENV/A04 with no update.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from pmf_pipeline.cli import main
from pmf_pipeline.master.export_actions import ACTION_COLUMNS
from pmf_pipeline.master.store import Store
from pmf_pipeline.periods import Period
from pmf_pipeline.returns.findings import ActionRecord, ReturnResult
from tests.small_council import write_council

Q1, Q2 = Period.parse("2026-27-Q1"), Period.parse("2026-27-Q2")

PINNED_COLUMNS = (
    "period",
    "action_ref",
    "title",
    "kind",
    "directorate",
    "service",
    "owner",
    "objective",
    "aim",
    "status",
    "percent_complete",
    "rating_label",
    "self_rating_label",
    "progress",
    "expected_percent",
    "overdue",
    "exception",
    "start_date",
    "due_date",
    "revised_due",
    "completed_on",
    "commentary",
    "updated_by",
    "carried_over",
    "completed_this_quarter",
    "update_period",
    "source",
    "kind_code",
    "status_code",
    "rating",
    "self_rating",
    "progress_code",
)

# column -> (CSV text, xlsx cell value) for ENV/A01, the first row
EXPECTED = {
    "period": ("2026-27-Q2", "2026-27-Q2"),
    "action_ref": ("ENV/A01", "ENV/A01"),
    "title": ("Roll out food waste collections to flats", "Roll out food waste collections to flats"),
    "kind": ("Service plan action", "Service plan action"),
    "directorate": ("ENV", "ENV"),
    "service": ("", None),
    "owner": ("Head of Waste", "Head of Waste"),
    "objective": ("WO1", "WO1"),
    "aim": ("", None),
    "status": ("In progress", "In progress"),
    "percent_complete": ("70", 70),
    "rating_label": ("Green: as planned", "✔ Green: as planned"),
    "self_rating_label": ("Green: as planned", "Green: as planned"),
    "progress": ("On track", "On track"),  # 547 of 729 days: 75.0% expected; 70% is 93% of it
    "expected_percent": ("75.0", 75),
    "overdue": ("", None),
    "exception": ("", None),
    "start_date": ("2025-04-01", dt.datetime(2025, 4, 1)),
    "due_date": ("2027-03-31", dt.datetime(2027, 3, 31)),
    "revised_due": ("2027-06-30", dt.datetime(2027, 6, 30)),
    "completed_on": ("", None),
    "commentary": ("=Porthcawl flats next; Maesteg in the new year", "=Porthcawl flats next; Maesteg in the new year"),
    "updated_by": ("Siân Morgan", "Siân Morgan"),
    "carried_over": ("yes", "yes"),
    "completed_this_quarter": ("", None),
    "update_period": ("2026-27-Q2", "2026-27-Q2"),
    "source": ("q2.xlsx, Actions!E8", "q2.xlsx, Actions!E8"),
    "kind_code": ("service_plan", "service_plan"),
    "status_code": ("in progress", "in progress"),
    "rating": ("green", "green"),
    "self_rating": ("green", "green"),
    "progress_code": ("on_track", "on_track"),
}
EXPECTED["commentary"] = ("'=Porthcawl flats next; Maesteg in the new year", "=Porthcawl flats next; Maesteg in the new year")  # never a formula

# ENV/A02 (completed in Q1, its row left blank in Q2) and ENV/A04 (no update): the columns that differ
EXPECTED_CLOSED = {
    "status": ("Completed", "Completed"),
    "percent_complete": ("100", 100),
    "rating_label": ("Blue: complete", "★ Blue: complete"),
    "progress": ("Complete", "Complete"),
    "expected_percent": ("100.0", 100),
    "completed_on": ("2026-06-12", dt.datetime(2026, 6, 12)),
    "carried_over": ("", None),
    "completed_this_quarter": ("", None),
    "update_period": ("2026-27-Q1", "2026-27-Q1"),
    "source": ("q1.xlsx, Actions!E9", "q1.xlsx, Actions!E9"),
    "rating": ("blue", "blue"),
}
EXPECTED_NONE = {
    "kind": ("Corporate plan commitment", "Corporate plan commitment"),
    "status": ("", None),
    "percent_complete": ("", None),
    "rating_label": ("No update", "– No update"),
    "self_rating_label": ("", None),
    "progress": ("No update", "No update"),
    "expected_percent": ("50.0", 50),
    "commentary": ("", None),
    "updated_by": ("", None),
    "update_period": ("", None),
    "source": ("", None),
    "status_code": ("", None),
    "rating": ("no_update", "no_update"),
    "progress_code": ("no_update", "no_update"),
}


def send(store, period, name, *actions):
    result = ReturnResult(name, name.encode().hex().ljust(64, "0")[:64], 1, "accepted", str(period), "ENV", actions=list(actions))
    store.record(result, str(period), f"archive/{period}/{name}", "2026-10-20T10:00:00+00:00")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    root = tmp_path_factory.mktemp("actions_export")
    config = write_council(root / "config", actions=True)
    data = root / "data"
    store = Store(data)
    try:
        send(store, Q1, "q1.xlsx", ActionRecord("ENV/A02", "completed", Decimal(100), "blue", completed_on="2026-06-12", sheet="Actions", cell="E9"))
        send(
            store,
            Q2,
            "C:\\Users\\perf\\inbox\\q2.xlsx",
            ActionRecord(
                "ENV/A01",
                "in progress",
                Decimal(70),
                "green",
                revised_due="2027-06-30",
                commentary="=Porthcawl flats next; Maesteg in the new year",
                updated_by="Siân Morgan",
                sheet="Actions",
                cell="E8",
            ),
            ActionRecord("ENV/A02", None, sheet="Actions", cell="E9", carried=True),
        )
    finally:
        store.close()
    runner = CliRunner()
    out = {}
    for ext in ("csv", "xlsx"):
        r = runner.invoke(main, ["--config", str(config), "--data", str(data), "export", "--period", str(Q2), "--actions", "--out", str(root / f"a.{ext}")])
        assert r.exit_code == 0, r.output
        assert r.output == f"Wrote 3 actions for 2026-27-Q2 to {root / f'a.{ext}'}\n"
        out[ext] = root / f"a.{ext}"
    with out["csv"].open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    ws = openpyxl.load_workbook(out["xlsx"])["Actions"]
    sheet = [list(r) for r in ws.iter_rows(values_only=True)]
    return table, sheet


def test_the_column_list_and_order_are_pinned(exported):
    table, sheet = exported
    assert ACTION_COLUMNS == PINNED_COLUMNS
    assert tuple(table[0]) == PINNED_COLUMNS and tuple(sheet[1]) == PINNED_COLUMNS
    assert sheet[0][0] == "Llanfair Test Council: actions and commitments, Quarter 2 2026-27 (July to September 2026)"
    assert [r[1] for r in table[1:]] == ["ENV/A01", "ENV/A02", "ENV/A04"]  # library order; ENV/A03 starts in Q3
    assert len(sheet) == 5


def test_every_column_is_pinned_here():
    assert set(EXPECTED) == set(PINNED_COLUMNS)


@pytest.mark.parametrize("column", PINNED_COLUMNS)
def test_each_column_in_csv(exported, column):
    table, _ = exported
    assert table[1][PINNED_COLUMNS.index(column)] == EXPECTED[column][0]


@pytest.mark.parametrize("column", PINNED_COLUMNS)
def test_each_column_in_xlsx(exported, column):
    _, sheet = exported
    assert sheet[2][PINNED_COLUMNS.index(column)] == EXPECTED[column][1]


@pytest.mark.parametrize("column", sorted(EXPECTED_CLOSED))
def test_a_closed_action_keeps_its_update(exported, column):
    table, sheet = exported
    i = PINNED_COLUMNS.index(column)
    assert (table[2][i], sheet[3][i]) == EXPECTED_CLOSED[column]


@pytest.mark.parametrize("column", sorted(EXPECTED_NONE))
def test_an_action_with_no_update(exported, column):
    table, sheet = exported
    i = PINNED_COLUMNS.index(column)
    assert (table[3][i], sheet[4][i]) == EXPECTED_NONE[column]


def test_open_data_leaves_out_names_and_files(tmp_path):
    config = write_council(tmp_path / "config", actions=True)
    out = tmp_path / "open.csv"
    r = CliRunner().invoke(
        main, ["--config", str(config), "--data", str(tmp_path / "data"), "export", "--period", str(Q2), "--actions", "--open-data", "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    assert r.output == f"Wrote 3 actions for 2026-27-Q2 to {out} (open data: no names or source files)\n"
    with out.open(encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    assert [c for c in PINNED_COLUMNS if c not in header] == ["updated_by", "source"]
