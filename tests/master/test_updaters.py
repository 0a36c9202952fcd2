"""Who is recorded as having updated and verified each figure: from the return's 'Updated by' and
'Verified by' cells, through the master dataset, to the export and the audit sample. Audit traces a
figure to a person through these; the packs for committees do not name staff."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from click.testing import CliRunner

from pmf_pipeline.audit.sample import draw, write_sample_workbook
from pmf_pipeline.cli import main
from pmf_pipeline.master.results import period_results
from pmf_pipeline.master.store import Store
from pmf_pipeline.returns.ingest import ingest
from pmf_pipeline.workbook.fill import fill_return
from tests.conftest import CONFIG, PERIOD
from tests.returns.test_validate import full


@pytest.fixture
def data(blank, config, tmp_path):
    """SS's return with distinct names on two PIs, then corrected names on a resubmission of one."""
    first = fill_return(
        blank("SS"),
        full(
            config,
            "SS",
            **{
                "SSM/026": dict(updated_by="  Ann Updater ", verified_by="Vic Verifier"),  # spaces round a name are trimmed, nothing else
                "SSM/027": dict(updated_by="Ann Updater", verified_by=""),
                "PAM/025": dict(updated_by=1234, verified_by="O'Brien-Jones, Ffion"),  # a staff number typed as a number stays as typed
            },
        ),
        tmp_path / "ss.xlsx",
    )
    ingest(CONFIG, tmp_path / "data", PERIOD, [first])
    return tmp_path / "data"


EXPECTED = {
    "SSM/026": ("Ann Updater", "Vic Verifier"),
    "SSM/027": ("Ann Updater", ""),
    "PAM/025": ("1234", "O'Brien-Jones, Ffion"),
    "SSM/019": ("A. Updater", "A. Owner"),
}


def test_the_master_dataset_records_both_names(data):
    store = Store(data)
    try:
        values = store.values(str(PERIOD))
        assert {ref: (values[ref]["updated_by"], values[ref]["verified_by"]) for ref in EXPECTED} == EXPECTED
    finally:
        store.close()


def test_results_and_export_carry_both_names(data, config, tmp_path):
    store = Store(data)
    try:
        results = {r.pi.ref: r for r in period_results(config, store, PERIOD)}
    finally:
        store.close()
    assert {ref: (results[ref].updated_by, results[ref].verified_by) for ref in EXPECTED} == EXPECTED
    out = tmp_path / "e.csv"
    r = CliRunner().invoke(main, ["--data", str(data), "export", "--period", str(PERIOD), "--out", str(out)])
    assert r.exit_code == 0, r.output
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = {row["pi_ref"]: row for row in csv.DictReader(f)}
    assert {ref: (rows[ref]["updated_by"], rows[ref]["verified_by"]) for ref in EXPECTED} == EXPECTED
    assert (rows["CPM/072"]["updated_by"], rows["CPM/072"]["verified_by"]) == ("", "")  # CR sent no return: nobody is named


def test_a_resubmission_replaces_the_names(blank, config, tmp_path, data):
    again = fill_return(blank("SS"), full(config, "SS", **{"SSM/026": dict(updated_by="Bea Second", verified_by="Vic Verifier")}), tmp_path / "ss2.xlsx")
    ingest(CONFIG, data, PERIOD, [again])
    store = Store(data)
    try:
        v = store.values(str(PERIOD))["SSM/026"]
        assert (v["updated_by"], v["verified_by"]) == ("Bea Second", "Vic Verifier")
    finally:
        store.close()


def test_the_audit_sample_names_who_updated_and_verified(data, config, tmp_path):
    store = Store(data)
    try:
        results = [r for r in period_results(config, store, PERIOD) if r.pi.ref in EXPECTED]
        sample = draw(results, store, len(results), seed=1)
    finally:
        store.close()
    book = write_sample_workbook(sample, tmp_path / "s.xlsx", "t", 1)
    ws = openpyxl.load_workbook(book).active
    header = [c.value for c in ws[4]]
    u, v = header.index("Updated by"), header.index("Verified by")
    got = {row[0]: (row[u] or "", row[v] or "") for row in ws.iter_rows(min_row=5, values_only=True)}
    assert got == EXPECTED
