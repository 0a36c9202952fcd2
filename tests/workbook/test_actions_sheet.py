"""The Actions sheet of the updater workbook: read back with openpyxl, recalculated and typed into by a real LibreOffice."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest

from pmf_pipeline.returns.validate import validate_bytes
from pmf_pipeline.rules.actions import PROGRESS_LOOKS, progress_rating
from pmf_pipeline.workbook import action_layout as al
from pmf_pipeline.workbook.fill import ActionEntry, fill_return
from pmf_pipeline.workbook.generate import generate
from pmf_pipeline.workbook.spec import build_spec
from tests.conftest import PERIOD, ROOT, need_program
from tests.returns.test_action_checks import SOUND, WHO
from tests.returns.test_validate import full
from tests.workbook.action_fixture import actions_config

LO_TYPE = ROOT / "tests" / "tools" / "lo_type.py"


@pytest.fixture(scope="module")
def act_config(tmp_path_factory):
    return actions_config(tmp_path_factory.mktemp("actcfg"))


@pytest.fixture(scope="module")
def ss_blank(act_config, tmp_path_factory):
    out = tmp_path_factory.mktemp("actout")
    return generate(act_config, PERIOD, out, directorates=["SS"], generated_at=dt.datetime(2026, 9, 30, 9))[0].path


def test_the_actions_sheet_follows_the_return_and_is_laid_out_as_the_layout_says(ss_blank, act_config):
    wb = openpyxl.load_workbook(ss_blank)
    assert wb.sheetnames == ["Instructions", "Return", "Actions", "_pmf_metadata"]
    ws = wb[al.ACTIONS_SHEET]
    header = [c.value for c in ws[al.HEADER_ROW]]
    assert header == list(al.LABELS)
    for label in ("Action ref", "Status", "% complete", "Rating", "Commentary"):
        assert label in header
    assert [ws.cell(row=al.row_of(i), column=1).value for i in range(5)] == ["SS.1", "SS.2", "SS.3", "SS.4", "SS.5"]
    assert ws.cell(row=al.row_of(5), column=1).value is None  # SS.9 starts in January: not due an update
    r = al.row_of(3)  # SS.4
    assert ws[al.cell("kind", r)].value == "Corporate plan commitment"
    assert ws[al.cell("start", r)].value == dt.datetime(2026, 4, 1) and ws[al.cell("start", r)].number_format == "dd/mm/yyyy"
    assert ws[al.cell("due", r)].value == dt.datetime(2027, 3, 31)
    assert ws[al.cell("milestones", r)].value == "Triage pilot live (due 30/06/2026)\nPilot evaluated (due 31/12/2026)"
    assert ws[al.cell("expected", r)].value == 50
    assert (ws[al.cell("last_status", r)].value, ws[al.cell("last_percent", r)].value, ws[al.cell("last_commentary", r)].value) == (
        "In progress",
        20,
        "Pilot live.",
    )
    # inputs unlocked and pale yellow, everything else locked; % complete in General format (so 45% typed keeps its format)
    for c in al.COLUMNS:
        cell = ws[al.cell(c.key, r)]
        assert cell.protection.locked is (not c.input), c.key
        if c.input:
            assert cell.fill.fgColor.rgb.endswith("FFF9E5"), c.key
    assert ws[al.cell("percent", r)].number_format == "General"
    assert ws[al.cell("completed_on", r)].number_format == "dd/mm/yyyy"
    assert ws.protection.sheet and ws.protection.password
    # printed landscape on A4, header row and Action ref/Title on every page
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize in (9, "9")
    assert ws.print_title_rows == "$5:$5" and ws.print_title_cols == "$A:$B"
    meta = {row[0].value: row[1].value for row in wb["_pmf_metadata"].iter_rows()}
    spec = build_spec(act_config, PERIOD, "SS")
    assert meta["fingerprint"] == spec.fingerprint
    assert meta["actions"] == '[["SS.1", "%s"], ["SS.2", "%s"], ["SS.3", "%s"], ["SS.4", "%s"], ["SS.5", "%s"]]' % tuple(a.fingerprint for a in spec.actions)
    instructions = "\n".join(str(c.value or "") for c in wb["Instructions"]["A"])
    assert "The Actions sheet: progress on actions and commitments" in instructions
    assert "5 actions are due an update this quarter" in instructions


def test_drop_down_lists_and_rules_of_the_inputs(ss_blank):
    ws = openpyxl.load_workbook(ss_blank)[al.ACTIONS_SHEET]
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    col = al.col_letter
    status = rules[f"{col('status')}6:{col('status')}10"]
    assert (status.type, status.formula1) == ("list", '"Not started,In progress,Completed,Deferred,Ongoing,Cancelled"')
    rating = rules[f"{col('rating')}6:{col('rating')}10"]
    assert (rating.type, rating.formula1) == ("list", '"Blue: complete,Green: as planned,Yellow: minor issues,Amber: issues,Red: significant issues"')
    percent = rules[f"{col('percent')}6:{col('percent')}10"]
    assert (percent.type, percent.operator or "between", percent.formula1, percent.formula2) == ("decimal", "between", "0", "100")  # between is the default
    for key in ("revised_due", "completed_on"):
        assert rules[f"{col(key)}6:{col(key)}10"].type == "date"
    commentary = rules[f"{col('commentary')}6:{col('commentary')}10"]
    assert (commentary.type, commentary.formula1) == ("textLength", "4000")


def test_a_council_that_tracks_actions_keeps_a_directorate_without_any_free_of_the_sheet(act_config, tmp_path):
    g = generate(act_config, PERIOD, tmp_path, directorates=["ENV"])[0]
    assert g.actions == 0 and openpyxl.load_workbook(g.path).sheetnames == ["Instructions", "Return", "_pmf_metadata"]


# SS.1 expects 50% (182 of 364 days), so 45% is exactly 90% of expected progress and 35% exactly 70%
LIVE_ENTRIES = {
    "SS.1": ActionEntry("In progress", 45, "Green: as planned", commentary="On plan."),
    "SS.2": ActionEntry("In progress", 80, "Amber: issues"),  # overdue, amber, no commentary
    "SS.3": ActionEntry("Completed", 90),  # completed, below 100% and without a date
    "SS.4": ActionEntry("In progress", 34.9, "Red: significant issues", commentary="Behind."),
    "SS.5": ActionEntry("Deferred"),
}
LIVE_EXPECTED = {
    "SS.1": ("✔ On track", ""),
    "SS.2": ("▲ Needs monitoring", "Commentary required"),
    "SS.3": ("★ Complete", "Completed needs 100% and a completion date"),
    "SS.4": ("✖ Off track", ""),
    "SS.5": ("○ Not rated", ""),
}


def _recalculated(soffice, src, tmp_path):
    out = tmp_path / "lo"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--calc", "--convert-to", "xlsx", "--outdir", str(out), str(src)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return openpyxl.load_workbook(out / src.name, data_only=True)[al.ACTIONS_SHEET]


def test_libreoffice_recalculates_live_progress_and_checks_as_the_rules_on_the_boundaries(ss_blank, act_config, tmp_path):
    soffice = need_program("soffice")
    filled = fill_return(ss_blank, {}, tmp_path / "filled.xlsx", actions=LIVE_ENTRIES)
    ws = _recalculated(soffice, filled, tmp_path)
    spec = build_spec(act_config, PERIOD, "SS")
    for pos, a in enumerate(spec.actions):
        r = al.row_of(pos)
        got = (ws[al.cell("progress", r)].value or "", ws[al.cell("check", r)].value or "")
        assert got == LIVE_EXPECTED[a.action.ref], a.action.ref
        entry = LIVE_ENTRIES[a.action.ref]
        rule = progress_rating(entry.status.lower(), Decimal(str(entry.percent)) if entry.percent is not None else None, a.action.start, a.action.due, a.as_at)
        assert got[0].endswith(PROGRESS_LOOKS[rule].label), (a.action.ref, rule)


@pytest.mark.parametrize("percent, live", [(44.9, "▲ Needs monitoring"), (35, "▲ Needs monitoring"), (34.99, "✖ Off track")])
def test_live_progress_either_side_of_the_boundaries(ss_blank, tmp_path, percent, live):
    soffice = need_program("soffice")
    filled = fill_return(ss_blank, {}, tmp_path / "filled.xlsx", actions={"SS.1": ActionEntry("In progress", percent)})
    assert _recalculated(soffice, filled, tmp_path)[al.cell("progress", 6)].value == live


def _system_python_with_uno() -> str:
    need_program("soffice")
    system_python = shutil.which("python3", path="/usr/bin")
    probe = subprocess.run([system_python or "python3", "-c", "import uno"], capture_output=True)
    if system_python is None or probe.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice's Python bridge (python3-uno) is required in CI (.ci/run installs it)")
        pytest.skip("python3-uno not installed")
    return system_python


def test_an_action_update_typed_in_libreoffice_ingests_as_meant(ss_blank, act_config, tmp_path):
    """Status chosen, % typed as 45%, dates typed as dates, commentary: read back exactly as the updater meant."""
    python = _system_python_with_uno()
    others = {k: v for k, v in SOUND.items() if k not in ("SS.1", "SS.2")}
    filled = fill_return(ss_blank, full(act_config, "SS"), tmp_path / "filled.xlsx", actions=others)
    typed = {
        "K6": "In progress",
        "L6": "45%",
        "M6": "Green: as planned",
        "O6": "30/11/2026",
        "Q6": "Contracts awarded; mobilisation under way.",
        "R6": WHO,
        "K7": "Completed",
        "L7": "100",
        "M7": "Blue: complete",
        "P7": "28/08/2026",
        "Q7": "Published on 28 August.",
        "R7": WHO,
    }
    out = tmp_path / "typed.xlsx"
    args = [f"{al.ACTIONS_SHEET}!{cell}={text}" for cell, text in typed.items()]
    subprocess.run([python, str(LO_TYPE), str(filled), str(out), str(tmp_path / "profile"), *args], check=True, timeout=240)
    ws = openpyxl.load_workbook(out, data_only=True)[al.ACTIONS_SHEET]
    assert ws["L6"].value == pytest.approx(0.45) and "%" in ws["L6"].number_format  # stored as the spreadsheet stores 45%
    assert ws["O6"].value == dt.datetime(2026, 11, 30) and ws["P7"].value == dt.datetime(2026, 8, 28)  # real dates
    assert ws["N6"].value == "✔ On track"  # the live column read 45% as 45
    result = validate_bytes(out.read_bytes(), out.name, act_config, PERIOD)
    assert [(f.code, f.pi_ref, f.message) for f in result.findings] == []
    got = {a.action_ref: a for a in result.actions}
    assert (got["SS.1"].status, got["SS.1"].percent_complete, got["SS.1"].typed, got["SS.1"].revised_due) == ("in progress", Decimal(45), "45%", "2026-11-30")
    assert (got["SS.2"].status, got["SS.2"].percent_complete, got["SS.2"].completed_on, got["SS.2"].rating) == ("completed", Decimal(100), "2026-08-28", "blue")


def test_a_directorate_with_actions_but_no_pis_due_still_gets_a_workbook(tmp_path):
    """CR's PIs removed from the library: its return asks for its one action only, and validates."""
    import yaml

    from pmf_pipeline.config import load_config
    from tests.workbook.action_fixture import actions_config_dir

    folder = actions_config_dir(tmp_path)
    pis = yaml.safe_load((folder / "pis.yaml").read_text(encoding="utf-8"))
    gone = {p["ref"] for p in pis if p["directorate"] == "CR"}
    (folder / "pis.yaml").write_text(yaml.safe_dump([p for p in pis if p["ref"] not in gone], allow_unicode=True), encoding="utf-8")
    for name in ("targets.csv", "history.csv"):
        lines = (folder / name).read_text(encoding="utf-8").splitlines(keepends=True)
        (folder / name).write_text("".join(line for line in lines if line.split(",")[0] not in gone), encoding="utf-8")
    config = load_config(folder)
    g = generate(config, PERIOD, tmp_path / "out", directorates=["CR"])[0]
    assert (g.pis, g.actions) == (0, 1)
    path = fill_return(g.path, {}, tmp_path / "r.xlsx", actions={"CR.1": ActionEntry("In progress", 50, "Green", commentary="On plan.", updated_by=WHO)})
    result = validate_bytes(path.read_bytes(), path.name, config, PERIOD)
    assert result.outcome == "accepted" and result.findings == [] and result.values == []
    assert [(a.action_ref, a.percent_complete) for a in result.actions] == [("CR.1", Decimal(50))]


def test_the_actions_sheet_prints_landscape_three_pages_across_with_headings_on_every_page(ss_blank, tmp_path):
    from tests.workbook.test_print import _carlito_fonts_conf, pages, to_pdf

    filled = fill_return(ss_blank, {}, tmp_path / "ss.xlsx", actions=SOUND)
    got = [p for p in pages(to_pdf(filled, tmp_path / "pdf", _carlito_fonts_conf(tmp_path))) if "Action ref" in p[2]]
    assert len(got) == 3, [t[:200] for _, _, t in got]
    for n, (w, h, text) in enumerate(got):
        assert (round(w), round(h)) == (842, 595), n
        assert "Social Services, Quarter 2 2026-27 (July to September 2026): actions" in text and "Return by Friday 23 October 2026" in text
        assert all(ref in text for ref in ("SS.1", "SS.5")) and "Title" in text
        across = (
            ("Kind", "Milestones") if n == 0 else ("Last quarter", "Status", "Rating", "Progress (live)") if n == 1 else ("Commentary", "Updated by", "Check")
        )
        assert all(label in text for label in across), (n, text[:400])
