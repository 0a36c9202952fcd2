"""A percentage typed as '51.2%' is read as 51.2, in returns saved by LibreOffice and by Excel.

Typing 51.2% makes a spreadsheet store 0.512 with a percent number format. The reader reads the
format from the workbook's styles, so the figure that reaches the master dataset, the export and
the packs is the one the updater saw. The workbook's own live status and checks do the same, and
warn when a fraction is typed without a % sign.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from pmf_pipeline.master.export import export_period
from pmf_pipeline.master.store import Store
from pmf_pipeline.returns.ingest import ingest
from pmf_pipeline.returns.validate import validate_bytes
from pmf_pipeline.workbook import layout
from pmf_pipeline.workbook.fill import fill_return
from pmf_pipeline.workbook.spec import build_spec
from tests.conftest import CONFIG, PERIOD, ROOT, need_program
from tests.returns.test_validate import full

LO_TYPE = ROOT / "tests" / "tools" / "lo_type.py"


def _row(config, directorate: str, ref: str) -> int:
    return layout.row_of([r.pi.ref for r in build_spec(config, PERIOD, directorate).rows].index(ref))


def lo_type(src: Path, out: Path, profile: Path, typed: dict[str, str]) -> Path:
    """Type each text into its cell of the Return sheet with a real LibreOffice, and save as xlsx."""
    need_program("soffice")
    system_python = shutil.which("python3", path="/usr/bin")
    probe = subprocess.run([system_python or "python3", "-c", "import uno"], capture_output=True)
    if system_python is None or probe.returncode != 0:
        import os

        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice's Python bridge (python3-uno) is required in CI (.ci/run installs it)")
        pytest.skip("python3-uno not installed")
    args = [f"{layout.RETURN_SHEET}!{cell}={text}" for cell, text in typed.items()]
    subprocess.run([system_python, str(LO_TYPE), str(src), str(out), str(profile), *args], check=True, timeout=180)
    return out


def test_percentages_typed_in_libreoffice_are_read_as_typed(config, blank, tmp_path):
    r79 = _row(config, "CR", "CPM/079")  # a percentage typed by hand: target 60, higher is better
    filled = fill_return(blank("CR"), full(config, "CR"), tmp_path / "filled.xlsx")
    typed = lo_type(filled, tmp_path / "typed.xlsx", tmp_path / "profile", {layout.cell("actual", r79): "61.5%"})
    # LibreOffice stored the number with a percent format, and worked out the live status from what it shows
    ws = openpyxl.load_workbook(typed, data_only=True)[layout.RETURN_SHEET]
    assert ws[layout.cell("actual", r79)].value == pytest.approx(0.615)
    assert "%" in ws[layout.cell("actual", r79)].number_format
    assert ws[layout.cell("status", r79)].value == "✔ Met"  # 61.5 against 60, not 0.615
    assert ws[layout.cell("check", r79)].value in ("", None)

    result = validate_bytes(typed.read_bytes(), "typed.xlsx", config, PERIOD)
    v79 = next(v for v in result.values if v.pi_ref == "CPM/079")
    assert (str(v79.actual), v79.typed, v79.normalisation) == ("61.5", "61.5%", "typed as 61.5% (stored by the spreadsheet as 0.615)")
    assert not [f for f in result.findings if f.pi_ref == "CPM/079"]


def test_a_fraction_typed_without_a_percent_sign_is_flagged_as_the_updater_types(config, blank, tmp_path):
    r40 = _row(config, "LS", "PAM/040")  # target 100%
    filled = fill_return(blank("LS"), full(config, "LS"), tmp_path / "filled.xlsx")
    typed = lo_type(filled, tmp_path / "typed.xlsx", tmp_path / "profile", {layout.cell("actual", r40): "0.85", layout.cell("comment", r40): "Checked."})
    ws = openpyxl.load_workbook(typed, data_only=True)[layout.RETURN_SHEET]
    assert ws[layout.cell("check", r40)].value == "Type 85 for 85%"  # 0.85 would be read as 0.85%
    result = validate_bytes(typed.read_bytes(), "typed.xlsx", config, PERIOD)
    assert [(f.code, f.severity, f.cell) for f in result.findings if f.pi_ref == "PAM/040"] == [
        ("percent_as_fraction", "warning", layout.cell("actual", r40)),
        ("suspicious_swing", "warning", layout.cell("actual", r40)),
    ]


def test_a_percent_formatted_number_saved_by_excel_reaches_the_export_as_the_percentage(config, blank, tmp_path):
    r79 = _row(config, "CR", "CPM/079")
    path = fill_return(blank("CR"), full(config, "CR"), tmp_path / "CR.xlsx")
    wb = openpyxl.load_workbook(path)
    cell = wb[layout.RETURN_SHEET][layout.cell("actual", r79)]
    cell.value, cell.number_format = 0.512, "0.0%"  # what Excel stores when 51.2% is typed
    wb.save(path)
    data = tmp_path / "data"
    ingest(CONFIG, data, PERIOD, [path])
    store = Store(data)
    try:
        row = store.values(str(PERIOD))["CPM/079"]
        assert (row["actual"], row["typed"], row["normalisation"]) == ("51.2", "51.2%", "typed as 51.2% (stored by the spreadsheet as 0.512)")
    finally:
        store.close()
    out = tmp_path / "export.csv"
    export_period(CONFIG, data, PERIOD, out)
    exported = {r["pi_ref"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert (exported["CPM/079"]["actual"], exported["CPM/079"]["actual_value"]) == ("51.2%", "51.2")


def test_a_percent_format_on_a_pi_that_is_not_a_percentage_is_refused(config, blank, tmp_path):
    r = _row(config, "CR", "CPM/073")  # days
    path = fill_return(blank("CR"), full(config, "CR"), tmp_path / "CR.xlsx")
    wb = openpyxl.load_workbook(path)
    cell = wb[layout.RETURN_SHEET][layout.cell("actual", r)]
    cell.value, cell.number_format = 0.18, "0%"
    wb.save(path)
    result = validate_bytes(path.read_bytes(), "CR.xlsx", config, PERIOD)
    (f,) = [f for f in result.findings if f.pi_ref == "CPM/073" and f.code == "not_a_number"]
    assert (
        f.message
        == "the Actual of CPM/073 is not a number: '18%' has a % sign but this PI is not a percentage; type the number alone. Type the figure as a plain number."
    )
