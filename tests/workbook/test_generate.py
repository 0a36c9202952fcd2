"""The updater workbooks: read back with openpyxl, and recalculated by a real spreadsheet program."""

import json
import subprocess
from decimal import Decimal

import openpyxl
from click.testing import CliRunner

from pmf_pipeline.cli import main
from pmf_pipeline.rules.status import rate
from pmf_pipeline.workbook import layout
from pmf_pipeline.workbook.fill import Entry, fill_return
from pmf_pipeline.workbook.spec import build_spec
from tests.conftest import PERIOD, need_program


def test_one_workbook_per_directorate_named_for_the_coordinator(blank_returns, config):
    assert set(blank_returns) == {d.code for d in config.framework.directorates}
    assert blank_returns["SS"].name == "2026-27-Q2_SS_Social_Services_return.xlsx"


def test_layout_protection_validation_and_metadata(blank_returns, config):
    wb = openpyxl.load_workbook(blank_returns["SS"])
    assert wb.sheetnames[0] == layout.INSTRUCTIONS_SHEET and wb.active.title == layout.INSTRUCTIONS_SHEET
    instructions = " ".join(str(c.value) for c in wb[layout.INSTRUCTIONS_SHEET]["A"] if c.value)
    assert "Quarter 2 2026-27" in instructions and "Friday 23 October 2026" in instructions and "off target" in instructions.lower()
    ws = wb[layout.RETURN_SHEET]
    header = [c.value for c in ws[layout.HEADER_ROW]]
    for label in ("PI ref", "Actual", "Numerator", "Denominator", "Comment"):
        assert label in header
    assert all(wb[name].protection.sheet for name in wb.sheetnames)  # every sheet protected; structure lock: see generate.py
    spec = build_spec(config, PERIOD, "SS")
    for pos, row in enumerate(spec.rows):
        r = layout.row_of(pos)
        assert ws[layout.cell("ref", r)].value == row.pi.ref
        for key in layout.LOCKED_KEYS:
            assert ws[layout.cell(key, r)].protection.locked, (row.pi.ref, key)
        assert not ws[layout.cell("actual", r)].protection.locked
        assert not ws[layout.cell("comment", r)].protection.locked
        assert ws[layout.cell("numerator", r)].protection.locked == (row.pi.calculation is None)
        assert ws[layout.cell("evidence", r)].protection.locked == (not row.pi.evidence_required)
    dvs = {str(a): dv for dv in ws.data_validations.dataValidation for a in dv.sqref.ranges}
    pam028 = layout.row_of([r.pi.ref for r in spec.rows].index("PAM/028"))
    dv = dvs[layout.cell("actual", pam028)]
    a = layout.cell("actual", pam028)
    words = "|n/a|na|n.a.|n/k|tbc|tba|tbd|-|–|—|--|no data|not available|awaiting data|nd|?|"
    # a number in the PI's range, or a word the instructions offer for 'no figure' (FIND: no wildcards)
    assert (dv.type, dv.formula1) == (
        "custom",
        f'OR(AND(ISNUMBER({a}),{a}>=0,{a}<=100),ISNUMBER(FIND("|"&LOWER(TRIM({a}))&"|","{"|" + "|".join(sorted(words.strip("|").split("|"))) + "|"}")))',
    )
    assert "PAM/028" in dv.error and dv.showErrorMessage
    # every PI's Comment cell is under the 4,000-character rule (one rule over the column's PI rows)
    comment_rules = [dv for dv in ws.data_validations.dataValidation if dv.type == "textLength" and dv.promptTitle == "Comment"]
    covered = {c for dv in comment_rules for rng in dv.sqref.ranges for row in ws[rng.coord] for c in (row if isinstance(row, tuple) else (row,))}
    assert {ws[layout.cell("comment", layout.row_of(pos))] for pos in range(len(spec.rows))} <= covered
    assert not any(c.row < layout.FIRST_ROW or c.row > layout.row_of(len(spec.rows) - 1) for c in covered)
    meta = {r[0].value: r[1].value for r in wb[layout.META_SHEET].iter_rows()}
    assert wb[layout.META_SHEET].sheet_state == "veryHidden"
    assert meta["period"] == "2026-27-Q2" and meta["directorate"] == "SS" and meta["fingerprint"] == spec.fingerprint
    assert [ref for ref, _ in json.loads(meta["rows"])] == [r.pi.ref for r in spec.rows]
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$5:$5"


def test_live_status_formulas_for_both_polarities(blank_returns, config):
    ws = openpyxl.load_workbook(blank_returns["SS"])[layout.RETURN_SHEET]
    spec = build_spec(config, PERIOD, "SS")
    refs = [r.pi.ref for r in spec.rows]
    higher = ws[layout.cell("status", layout.row_of(refs.index("PAM/028")))].value
    lower = ws[layout.cell("status", layout.row_of(refs.index("PAM/029")))].value
    assert ">=90," in higher and ">=81," in higher  # 90 - 9, computed exactly, never 90*0.9 in the sheet
    assert "<=9," in lower and "<=9.9," in lower
    assert "Off target" in higher and "Within tolerance" in higher


def test_annual_pis_only_when_due(config):
    q2 = {r.pi.ref for r in build_spec(config, PERIOD, "ENV").rows}
    q4 = {r.pi.ref for r in build_spec(config, PERIOD.next().next(), "ENV").rows}
    assert "PAM/020" not in q2 and "PAM/020" in q4


def test_by_service(tmp_path):
    result = CliRunner().invoke(
        main, ["--data", str(tmp_path / "data"), "generate", "--period", "2026-27-Q2", "--out", str(tmp_path / "out"), "--by-service", "--directorate", "SS"]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [
        "2026-27-Q2_SS-ADS_Social_Services_-_Adult_Services_return.xlsx",
        "2026-27-Q2_SS-CYP_Social_Services_-_Children_and_Young_People_Services_return.xlsx",
    ]
    assert "Wrote 2 workbooks" in result.output


def test_generate_command_summary(tmp_path):
    result = CliRunner().invoke(main, ["--data", str(tmp_path / "data"), "generate", "--period", "2026-27-Q2", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Wrote 5 workbooks (57 PIs, 46 actions, 5 directorates) for 2026-27-Q2" in result.output


def test_bad_period_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["--data", str(tmp_path / "data"), "generate", "--period", "2026-Q2", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "2026-27" in result.output


BOUNDARY_ENTRIES = {
    "PAM/028": Entry(numerator=81, denominator=100),  # 81 against 90: within tolerance, exactly on the line
    "PAM/029": Entry(numerator=99, denominator=1000),  # 9.9 against 9, lower is better: within
    "PAM/025": Entry(numerator=331, denominator=100),  # 3.31 against 3.0: off
    "SSM/018": Entry(numerator=855, denominator=1000),  # 85.5 against 95: within (boundary)
    "SSM/019": Entry(numerator=719, denominator=1000),  # 71.9 against 80: off
    "SSM/026": Entry(actual=264.4),  # rounds to 264 against 240 (+24): within
    "SSM/027": Entry(actual=259),  # just under the band
    "SSM/020": Entry(actual="n/a"),
}


def test_libreoffice_opens_recalculates_and_agrees_on_the_boundary(blank, config, tmp_path):
    soffice = need_program("soffice")
    filled = fill_return(blank("SS"), BOUNDARY_ENTRIES, tmp_path / "filled.xlsx")
    out = tmp_path / "lo"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--calc", "--convert-to", "xlsx", "--outdir", str(out), str(filled)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    ws = openpyxl.load_workbook(out / "filled.xlsx", data_only=True)[layout.RETURN_SHEET]
    spec = build_spec(config, PERIOD, "SS")
    labels = {"met": "Met", "within_tolerance": "Within tolerance", "off_target": "Off target"}
    checked = 0
    for pos, row in enumerate(spec.rows):
        r = layout.row_of(pos)
        entry = BOUNDARY_ENTRIES.get(row.pi.ref)
        live = ws[layout.cell("status", r)].value
        if entry is None or row.bands is None:
            continue
        if entry.actual == "n/a":
            assert live and "Check" in live
            continue
        value = Decimal(entry.numerator) / Decimal(entry.denominator) * 100 if entry.numerator is not None else Decimal(str(entry.actual))
        if row.pi.calculation and row.pi.calculation.multiplier == 1:
            value = Decimal(entry.numerator) / Decimal(entry.denominator)
        expected = rate(value, row.target, row.pi.polarity.value, row.pi.decimals, row.tolerance)
        assert live.endswith(labels[expected]), (row.pi.ref, value, live, expected)
        if expected == "off_target":
            assert "Comment required" in (ws[layout.cell("check", r)].value or "")
        checked += 1
    assert checked >= 6


def test_pre_filled_text_that_looks_like_a_formula_stays_text_and_round_trips(config_dir, tmp_path):
    from pmf_pipeline.config import load_config
    from pmf_pipeline.returns.validate import validate_bytes
    from pmf_pipeline.workbook.generate import generate

    pis = config_dir / "pis.yaml"
    pis.write_text(
        pis.read_text().replace("title: Percentage of child assessments completed in time", "title: '=Percentage of child assessments completed in time'")
    )
    config = load_config(config_dir)
    path = generate(config, PERIOD, tmp_path, directorates=["SS"])[0].path
    ws = openpyxl.load_workbook(path)[layout.RETURN_SHEET]
    cell = next(c for c in ws["B"] if c.value and str(c.value).startswith("=Percentage"))
    assert cell.data_type == "s" and cell.value == "=Percentage of child assessments completed in time"
    result = validate_bytes(path.read_bytes(), path.name, config, PERIOD)
    assert not [f for f in result.findings if f.code == "locked_altered"]
