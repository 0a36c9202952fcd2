"""pmf quarter tells the coordinator what pmf ingest tells them: each finding, each replacement, a
findings workbook per return; and it exits 1 only for what is wrong, not for what is not yet due."""

from __future__ import annotations

import datetime as dt

import openpyxl
from click.testing import CliRunner

from pmf_pipeline.cli import main
from pmf_pipeline.workbook.fill import fill_return
from tests.conftest import PERIOD, ROOT
from tests.returns.test_validate import full

SAMPLES = ROOT / "sample_workbooks"
WHEN = ["--generated-at", "2026-11-01T09:00:00"]

# The sample's deliberate mistakes, as pmf ingest prints them (each return's PI findings come first, then its actions').
SAMPLE_FINDINGS = [
    "  OK        2026-27-Q2_CR_Corporate_Resources_return.xlsx (CR): 0 errors, 3 warnings\n"
    "      warning  sheet Return, cell R10, CPM/072: CPM/072 does not say who verified it: the PI owner's name goes in 'Verified by'.\n",
    "  ERRORS    2026-27-Q2_PLC_Place_return.xlsx (PLC): 1 error, 1 warning\n"
    "      error    sheet Return, cell K7, PAM/019: the numerator of PAM/019 (31) is larger than its denominator (24), "
    "which is impossible for this percentage; check which is which.\n",
    "  ERRORS    2026-27-Q2_SS_Social_Services_return.xlsx (SS): 5 errors, 3 warnings\n"
    "      error    sheet Return, cell P7, PAM/028: PAM/028 needs a working-papers reference in the Evidence ref column, so audit can trace the figure.\n"
    "      error    sheet Return, cell O10, SSM/019: SSM/019 is off target (61.0 against 80.0): please add a comment saying why, and what is being done.\n"
    "      warning  sheet Return, cell M10, SSM/019: SSM/019 moved from 84.4 (last quarter) to 61.0, a change of 28%. "
    "Please check the figure and explain the change in the Comment.\n",
]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def quarter(config_dir, data, inbox, *more):
    return run("--config", config_dir, "--data", data, "quarter", "--period", PERIOD, "--inbox", inbox, "--out", data.parent / "packs", "--no-pdf", *more)


def test_quarter_prints_each_finding_like_ingest_and_writes_the_findings_workbooks(tmp_path, config_dir):
    data = tmp_path / "data"
    r = quarter(config_dir, data, SAMPLES, *WHEN)
    assert r.exit_code == 1, r.output  # the sample's deliberate errors
    for lines in SAMPLE_FINDINGS:
        assert lines in r.output, r.output
    folder = data / "reports" / str(PERIOD) / "validation"
    assert (
        f"In: 5 accepted, 0 missing past the deadline, 0 not yet due, 0 rejected; new findings: 7 errors, 9 warnings. Findings workbooks: {folder}/\n"
        in r.output
    )
    # the same lines as pmf ingest, and the same findings workbooks
    ingested = run("--config", config_dir, "--data", tmp_path / "other", "ingest", "--period", PERIOD, SAMPLES)
    assert all(lines in ingested.output for lines in SAMPLE_FINDINGS)
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in (tmp_path / "other" / "reports" / str(PERIOD) / "validation").iterdir())
    assert len(list(folder.iterdir())) == 5
    ws = openpyxl.load_workbook(next(folder.glob("*_SS_*findings.xlsx")))["Findings"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    assert [
        "ERROR",
        "SSM/019",
        "Percentage of reviews of care and support plans for adults carried out within agreed timescales",
        "Return",
        "O10",
        "SSM/019 is off target (61.0 against 80.0): please add a comment saying why, and what is being done.",
        "Off-target PIs, and PIs 10% or more worse than last year, need a comment",
    ] in rows, rows
    # a second run reads nothing new: no findings to print, no workbook written again
    stamp = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    again = quarter(config_dir, data, SAMPLES)
    assert again.exit_code == 1 and "      error " not in again.output and "Findings workbooks" not in again.output
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamp


def test_quiet_gives_the_counts_only(tmp_path, config_dir):
    r = quarter(config_dir, tmp_path / "data", SAMPLES, *WHEN, "--quiet")
    assert r.exit_code == 1
    assert "  ERRORS    2026-27-Q2_SS_Social_Services_return.xlsx (SS): 5 errors, 3 warnings\n" in r.output
    assert "SSM/019 is off target" not in r.output and "      warning " not in r.output
    assert len(list((tmp_path / "data" / "reports" / str(PERIOD) / "validation").iterdir())) == 5  # still written


def test_returns_not_yet_due_are_not_errors_but_missing_past_the_deadline_are(tmp_path, config_dir, blank, config):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    fill_return(blank("CR"), full(config, "CR"), inbox / "cr.xlsx", saved_at=dt.datetime(2026, 10, 1, 9, 0))
    before = quarter(config_dir, tmp_path / "data", inbox, "--generated-at", "2026-10-02T09:00:00")
    assert before.exit_code == 0, before.output
    assert "In: 1 accepted, 0 missing past the deadline, 4 not yet due, 0 rejected" in before.output
    assert "not yet due (deadline 23 October 2026)" in before.output
    after = quarter(config_dir, tmp_path / "data2", inbox, "--generated-at", "2026-11-01T09:00:00")
    assert after.exit_code == 1, after.output
    assert "In: 1 accepted, 4 missing past the deadline, 0 not yet due, 0 rejected" in after.output


def test_quarter_prints_the_replacement_notice(tmp_path, config_dir, blank, config):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    fill_return(blank("CR"), full(config, "CR"), inbox / "return.xlsx", saved_at=dt.datetime(2026, 10, 1, 9, 0))
    fill_return(blank("CR"), full(config, "CR", **{"CPM/072": dict(numerator=951)}), inbox / "return (1).xlsx", saved_at=dt.datetime(2026, 10, 2, 9, 0))
    r = quarter(config_dir, tmp_path / "data", inbox, "--generated-at", "2026-10-03T09:00:00")
    assert "  OK        return (1).xlsx (CR): 0 errors, 0 warnings\n      current: replaces the CR return received " in r.output, r.output
    assert "(saved 1 October): 1 figure changed\n" in r.output
