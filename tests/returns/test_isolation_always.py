"""One bad return never stops the quarter: in ingest, validate, quarter and audit, whatever one
file holds or does is that file's finding or rejection, named, and the other returns go on."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pmf_pipeline.audit.reproduce import audit_period
from pmf_pipeline.cli import main
from pmf_pipeline.master.store import Store
from pmf_pipeline.returns import isolation
from pmf_pipeline.returns.findings import ReturnResult
from pmf_pipeline.returns.ingest import _consolidate_one, ingest
from pmf_pipeline.workbook import layout
from tests.conftest import CONFIG, PERIOD, ROOT

SAMPLES = ROOT / "sample_workbooks"
SS = SAMPLES / "2026-27-Q2_SS_Social_Services_return.xlsx"
GOOD = sorted(p for p in SAMPLES.glob("*.xlsx") if p != SS)
EXTREMES = (1e30, "12345678901234567890123456789", "1e999999999")


def _edit(dest: Path, change) -> Path:
    wb = openpyxl.load_workbook(SS)
    change(wb)
    wb.save(dest)
    return dest


def extreme_return(dest: Path) -> Path:
    """The Social Services return with 1e30 (a number), a 29-digit number typed as text and 1e999999999 as text."""

    def change(wb):
        ws = wb[layout.RETURN_SHEET]
        col = layout.col_index("actual") + 1
        rows = [r for r in range(layout.FIRST_ROW, ws.max_row + 1) if ws.cell(r, 1).value]
        for r, value in zip(rows, EXTREMES, strict=False):
            ws.cell(r, col).value = value

    return _edit(dest, change)


def malformed_metadata(dest: Path, **values: str) -> Path:
    def change(wb):
        for row in wb[layout.META_SHEET].iter_rows():
            if row[0].value in values:
                row[1].value = values[row[0].value]

    return _edit(dest, change)


@pytest.fixture
def inbox(tmp_path):
    box = tmp_path / "inbox"
    box.mkdir()
    for p in GOOD:
        shutil.copy(p, box / p.name)
    extreme_return(box / "SS_extreme.xlsx")
    malformed_metadata(box / "SS_version.xlsx", template_version="1e999999999")
    # a fingerprint that does not match has the rows JSON read, to say why: nested past the parser's stack, or the wrong shape
    malformed_metadata(box / "SS_rows.xlsx", fingerprint="x", rows="[" * 5000 + "]" * 5000)
    malformed_metadata(box / "SS_fingerprint.xlsx", fingerprint="x", rows='[[1, 2, 3], {"a": []}, [[[]], 0]]')
    return box


def _lines(output: str) -> dict[str, str]:
    out = {}
    for line in output.splitlines():
        for name in ("SS_extreme", "SS_version", "SS_rows", "SS_fingerprint", *(p.name for p in GOOD)):
            if f" {name}" in line and name not in out:
                out[name] = line
    return out


def _assert_each_named(output: str) -> None:
    assert "unexpected problem" not in output and "Traceback" not in output, output
    lines = _lines(output)
    assert lines["SS_extreme"].split()[0] == "ERRORS", output
    for name in ("SS_version", "SS_rows", "SS_fingerprint"):
        assert lines[name].split()[0] == "REJECTED", output
    assert "not one this tool knows" in lines["SS_version"]
    for p in GOOD:
        assert lines[p.name].split()[0] in ("OK", "ERRORS"), output  # read and checked (the Place sample has one error)


@pytest.mark.parametrize("command", ["validate", "ingest", "quarter"])
def test_an_extreme_or_malformed_return_is_named_and_the_others_go_on(tmp_path, inbox, command):
    data = tmp_path / "data"
    args = {
        "validate": ["validate", "--period", str(PERIOD), str(inbox)],
        "ingest": ["ingest", "--period", str(PERIOD), str(inbox)],
        "quarter": ["quarter", "--period", str(PERIOD), "--inbox", str(inbox), "--out", str(tmp_path / "packs"), "--no-pdf"],
    }[command]
    result = CliRunner().invoke(main, ["--config", str(CONFIG), "--data", str(data), *args])
    assert result.exit_code == 1, result.output
    _assert_each_named(result.output)
    if command == "validate":
        assert "is not a plausible figure" in result.output
        for typed in ("1e+30", "12345678901234567890123456789", "1e999999999"):
            assert f"'{typed}' is not a plausible figure" in result.output
    else:
        s = Store(data)
        subs = {Path(x.file_name).name: x for x in s.submissions(str(PERIOD))}
        s.close()
        assert {p.name for p in GOOD} <= set(subs)
        assert subs["SS_extreme.xlsx"].outcome == "accepted" and subs["SS_extreme.xlsx"].errors >= 3  # its extreme figures are held back
        assert subs["SS_version.xlsx"].outcome == "rejected"
        again = CliRunner().invoke(main, ["--config", str(CONFIG), "--data", str(data), *args])  # a re-run is no worse
        assert "unexpected problem" not in again.output and again.exit_code in (0, 1), again.output


_REAL_READ = isolation._read


def failing_read(data, file):
    """A reader with a bug that one file brings out (as a malformed metadata value did)."""
    if "Social_Services" in file:
        raise RecursionError("maximum recursion depth exceeded")
    return _REAL_READ(data, file)


def hungry_read(data, file):
    """A reader that asks for far more memory than any return needs, on one file."""
    if "Social_Services" in file:
        bytearray(8 * 1024**3)
    return _REAL_READ(data, file)


def slow_read(data, file):
    if "Social_Services" in file:
        time.sleep(60)
    return _REAL_READ(data, file)


def test_any_exception_in_the_worker_rejects_that_file_by_name(monkeypatch, config):
    monkeypatch.setattr(isolation, "_read", failing_read)
    files = sorted(SAMPLES.glob("*.xlsx"))
    out = list(isolation.validate_isolated([(f.read_bytes(), str(f)) for f in files], isolation.Checks(config, PERIOD), workers=2))
    assert [Path(r.file).name for r in out] == [f.name for f in files]
    for f, r in zip(files, out, strict=True):
        if f == SS:
            assert r.outcome == "rejected" and r.sha256
            assert r.findings[0].message.startswith("the file could not be checked (RecursionError: maximum recursion depth exceeded); it was not used.")
        else:
            assert r.outcome == "accepted"


def test_recording_one_return_that_fails_rejects_it_alone(tmp_path, config):
    """A result the master dataset cannot take (here a size past SQLite's integers) is that file's rejection."""
    data = tmp_path / "data"
    ingest(CONFIG, data, PERIOD, GOOD[:1])
    store = Store(data)
    try:
        bad = ReturnResult(file="huge.xlsx", sha256="ab" * 32, size=2**70)
        outcome = _consolidate_one(store, data, PERIOD, Path("huge.xlsx"), bad, data / "kept.xlsx")
        assert outcome.status == "rejected" and outcome.result.file == "huge.xlsx"
        assert outcome.result.findings[0].message.startswith("the file could not be checked (OverflowError")
        assert store.find_submission(str(PERIOD), "ab" * 32) is None  # nothing half-recorded
    finally:
        store.close()


@pytest.mark.parametrize("reader", [hungry_read, slow_read])
def test_audit_revalidates_under_ingests_limits(tmp_path, monkeypatch, reader):
    """An archived return that exhausts memory or time in revalidation is a discrepancy, not the audit's end."""
    data = tmp_path / "data"
    ingest(CONFIG, data, PERIOD, sorted(SAMPLES.glob("*.xlsx")))
    monkeypatch.setattr(isolation, "_read", reader)
    monkeypatch.setattr(isolation, "TIME_LIMIT", 5.0)  # the audit's limit, lowered for the test
    start = time.monotonic()
    report = audit_period(CONFIG, data, PERIOD)
    assert time.monotonic() - start < 60
    assert report.files_checked == 5
    differ = [d for d in report.discrepancies if d.kind == "findings_differ"]
    assert [d.what for d in differ] == [SS.name] and "validation now gives rejected" in differ[0].detail
    assert all(SS.name in d.what + d.detail for d in report.discrepancies)  # its figures are now unsupported; nothing else
    assert report.figures_reproduced > 0  # the other returns were checked as usual
