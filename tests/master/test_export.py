"""The export in the committee's words: figures with units, statuses as the packs say them, no inbox
paths, and an open-data export without staff names."""

from __future__ import annotations

import csv
import shutil

import openpyxl
import pytest
from click.testing import CliRunner

from pmf_pipeline.cli import main
from pmf_pipeline.master.export import COLUMNS, NOT_PUBLISHED, _source, export_period
from pmf_pipeline.returns.ingest import ingest
from pmf_pipeline.workbook.fill import fill_return
from tests.conftest import CONFIG, PERIOD, ROOT
from tests.returns.test_validate import full


@pytest.fixture(scope="module")
def data(tmp_path_factory, config, blank_returns):
    """The sample returns, and a Corporate Resources return from deep in a coordinator's own folders."""
    d = tmp_path_factory.mktemp("data")
    inbox = tmp_path_factory.mktemp("in") / "Users" / "jsmith" / "Inbox"
    inbox.mkdir(parents=True)
    ingest(CONFIG, d, PERIOD, sorted((ROOT / "sample_workbooks").glob("*.xlsx")))
    path = inbox / "CR return.xlsx"
    shutil.copy(blank_returns["CR"], path)
    fill_return(path, full(config, "CR", **{"CPM/073": dict(actual=25, comment="Two posts vacant.\nBoth filled in September.")}))
    ingest(CONFIG, d, PERIOD, [path])
    return d


def _read(path):
    with path.open(encoding="utf-8-sig", newline="") as f:
        return {r["pi_ref"]: r for r in csv.DictReader(f)}


@pytest.fixture(scope="module")
def exported(data, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "export.csv"
    export_period(CONFIG, data, PERIOD, out)
    return _read(out)


def test_figures_have_their_unit_and_the_pis_decimal_places(exported):
    r = exported["CPM/073"]  # days, one decimal place, lower is better
    assert (r["actual"], r["target"], r["actual_value"], r["target_value"]) == ("25.0 days", "18.0 days", "25.0", "18.0")
    assert exported["CPM/074"]["target"] == "£576,000" and exported["CPM/074"]["target_value"] == "576000"
    assert exported["PAM/044"]["target"] == "8.0 per 1,000"
    assert exported["CPM/079"]["target"] == "60.0%" and exported["CPM/079"]["target_value"] == "60.0"
    assert exported["CPM/081"]["actual"] and exported["CPM/081"]["actual_value"] == ""  # a narrative's account, no number
    for r in exported.values():  # a target and an actual always have the same number of decimal places
        if r["target_value"] and r["actual_value"]:
            assert len(r["target_value"].partition(".")[2]) == len(r["actual_value"].partition(".")[2]), r["pi_ref"]


def test_status_trend_and_rating_are_the_packs_words_with_the_codes_beside(exported):
    r = exported["CPM/073"]
    assert (r["status"], r["trend"], r["rating"]) == ("Off target", "Declined significantly", "Off target")
    assert (r["status_code"], r["trend_code"], r["rating_code"]) == ("off_target", "declined_significantly", "off_target")
    assert {r["status"] for r in exported.values()} <= {"Met", "Within tolerance", "Off target", "Not rated", "No data"}
    assert "Within tolerance" in {r["status"] for r in exported.values()}
    assert r["comment"] == "Two posts vacant.\nBoth filled in September."  # line breaks kept in the cell


def test_source_is_the_file_name_and_cell_without_local_folders(exported):
    src = exported["CPM/073"]["source"]
    assert src.startswith("CR return.xlsx, Return!") and "jsmith" not in src and "/" not in src
    assert all("/" not in r["source"] and "\\" not in r["source"] for r in exported.values())


@pytest.mark.parametrize(
    "stored, shown",
    [
        ("C:\\Users\\jsmith\\Inbox\\CR return.xlsx, Return!F12", "CR return.xlsx, Return!F12"),
        ("/home/coord/inbox/2026-27-Q2_CR_return.xlsx, Return!F9", "2026-27-Q2_CR_return.xlsx, Return!F9"),
        ("\\\\fileserver\\perf\\Q2, late\\SS.xlsx, Return!G7", "SS.xlsx, Return!G7"),  # a comma in a folder name
        ("history", "history"),
        ("", ""),
    ],
)
def test_source_folders_are_removed_whatever_the_system(stored, shown):
    assert _source(stored) == shown


def test_the_export_follows_the_schemes_rating_labels(config_dir, data, tmp_path):
    fw = config_dir / "framework.yaml"
    fw.write_text(
        fw.read_text().replace("status_scheme: three_level", "status_scheme: bridgend\nlabels:\n  unsatisfactory: Unsatisfactory (needs urgent improvement)")
    )
    d = tmp_path / "data"
    ingest(config_dir, d, PERIOD, sorted((ROOT / "sample_workbooks").glob("*.xlsx")))
    out = tmp_path / "e.csv"
    export_period(config_dir, d, PERIOD, out)
    ratings = {(r["rating_code"], r["rating"]) for r in _read(out).values()}
    assert ("unsatisfactory", "Unsatisfactory (needs urgent improvement)") in ratings and ("good", "Good") in ratings


def test_open_data_leaves_out_staff_names_evidence_and_source_files(data, tmp_path):
    out = tmp_path / "open.csv"
    r = CliRunner().invoke(main, ["--data", str(data), "export", "--period", str(PERIOD), "--out", str(out), "--open-data"])
    assert r.exit_code == 0, r.output
    assert r.output.strip().endswith("(open data: no names, evidence or source files)")
    text = out.read_text(encoding="utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert header == [c for c in COLUMNS if c not in NOT_PUBLISHED]
    assert set(NOT_PUBLISHED) == {"updated_by", "verified_by", "evidence", "source"}
    for secret in ("A. Updater", "A. Owner", "WP/1", "jsmith", ".xlsx"):
        assert secret not in text, secret
    assert _read(out)["CPM/073"]["status"] == "Off target"
    full_export = tmp_path / "full.csv"
    CliRunner().invoke(main, ["--data", str(data), "export", "--period", str(PERIOD), "--out", str(full_export)])
    assert "A. Updater" in full_export.read_text(encoding="utf-8-sig")  # the team's own export keeps them


def test_xlsx_shows_words_and_keeps_numbers_as_numbers(data, tmp_path):
    for open_data in (False, True):
        out = tmp_path / f"e{open_data}.xlsx"
        export_period(CONFIG, data, PERIOD, out, "xlsx", open_data=open_data)
        ws = openpyxl.load_workbook(out)["Master"]
        header = [c.value for c in ws[2]]
        assert header[13] == "comment"  # column N, wherever the optional columns go
        row = next(r for r in ws.iter_rows(min_row=3) if r[header.index("pi_ref")].value == "CPM/073")
        cell = {h: c for h, c in zip(header, row, strict=True)}
        assert (cell["status"].value, cell["trend"].value) == ("✖ Off target", "⇊ Declined significantly")
        assert cell["actual"].value == "25.0 days" and cell["actual"].data_type == "s"
        assert cell["actual_value"].value == 25.0 and cell["actual_value"].number_format == '#,##0.0" days"'
        assert ("updated_by" in header) is not open_data
