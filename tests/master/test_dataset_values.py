"""Figures in the master dataset: a negative one exported as a number; a malformed one named, never a crash.

The master dataset is edited behind the tool's back with sqlite3, as someone with write access to
the data folder could.
"""

from __future__ import annotations

import csv
import sqlite3

import openpyxl
import pytest
from click.testing import CliRunner

from pmf_pipeline.cli import main
from pmf_pipeline.returns.ingest import ingest
from tests.conftest import CONFIG, PERIOD, ROOT

CR = ROOT / "sample_workbooks" / "2026-27-Q2_CR_Corporate_Resources_return.xlsx"


@pytest.fixture
def data(tmp_path):
    data = tmp_path / "data"
    ingest(CONFIG, data, PERIOD, [CR])
    return data


def _set_actual(data, ref, value):
    db = sqlite3.connect(data / "master.sqlite")
    (row,) = db.execute("SELECT id FROM pi_values WHERE pi_ref = ? AND period = ? AND current = 1", (ref, str(PERIOD))).fetchone()
    db.execute("UPDATE pi_values SET actual = ? WHERE id = ?", (value, row))
    db.commit()
    db.close()
    return row


def test_a_negative_figure_is_a_number_in_csv_and_xlsx(data, tmp_path):
    _set_actual(data, "CPM/072", "-5")
    out = tmp_path / "e.csv"
    r = CliRunner().invoke(main, ["--data", str(data), "export", "--period", str(PERIOD), "--out", str(out)])
    assert r.exit_code == 0, r.output
    rows = {row["pi_ref"]: row for row in csv.DictReader(out.open(encoding="utf-8-sig"))}
    assert rows["CPM/072"]["actual"] == "-5.0"  # as reported (one decimal place), not '-5.0: a spreadsheet reads a number
    assert all(not row[k].startswith("'") for row in rows.values() for k in ("target", "actual", "previous_year_actual"))
    x = tmp_path / "e.xlsx"
    r = CliRunner().invoke(main, ["--data", str(data), "export", "--period", str(PERIOD), "--out", str(x), "--format", "xlsx"])
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(x)["Master"]
    header = [c.value for c in ws[2]]
    row = next(r for r in ws.iter_rows(min_row=3) if r[header.index("pi_ref")].value == "CPM/072")
    assert row[header.index("actual")].value == -5 and row[header.index("actual")].data_type == "n"


@pytest.mark.parametrize("bad", ["Infinity", "NaN", "12abc"])
def test_a_malformed_figure_is_named_by_report_export_and_audit(data, tmp_path, bad):
    row = _set_actual(data, "CPM/072", bad)
    said = f"the master dataset holds '{bad}' for CPM/072 in {PERIOD}, which is not a number (pi_values row {row}, actual)"
    for args in (
        ["report", "--period", str(PERIOD), "--out", str(tmp_path / "packs"), "--no-pdf"],
        ["export", "--period", str(PERIOD), "--out", str(tmp_path / "e.csv")],
    ):
        r = CliRunner().invoke(main, ["--data", str(data), *args])
        assert r.exit_code == 2, r.output
        assert said in r.output and "Traceback" not in r.output and "unexpected" not in r.output
    assert not (tmp_path / "e.csv").exists() and not list(tmp_path.rglob("*.html"))  # nothing written
    r = CliRunner().invoke(main, ["--data", str(data), "audit", "--period", str(PERIOD), "--out", str(tmp_path / "audit")])
    assert r.exit_code == 1, r.output
    assert f"DISCREPANCY  value_malformed: master dataset: {said}" in r.output
    assert "value_differs" in r.output  # the archived return says otherwise


def test_a_malformed_figure_in_an_earlier_quarter_is_named_too(data, tmp_path):
    db = sqlite3.connect(data / "master.sqlite")
    db.execute("UPDATE pi_values SET actual = 'Infinity' WHERE source = 'history' AND pi_ref = 'CPM/072' AND period = '2025-26-Q2'")
    db.commit()
    db.close()
    r = CliRunner().invoke(main, ["--data", str(data), "export", "--period", str(PERIOD), "--out", str(tmp_path / "e.csv")])
    assert r.exit_code == 2 and "holds 'Infinity' for CPM/072 in 2025-26-Q2, which is not a number" in r.output, r.output
