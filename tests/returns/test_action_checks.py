"""The Actions sheet validated: real workbooks generated, filled as an updater would, read back and checked.

The configuration is the sample council's with the small actions library of
``tests/workbook/action_fixture.py`` (BRAYG ratings). Quarter end 30/09/2026; saved 20/10/2026.
"""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal

import openpyxl
import pytest

from pmf_pipeline.config import load_config
from pmf_pipeline.returns.validate import validate_bytes
from pmf_pipeline.workbook import action_layout as al
from pmf_pipeline.workbook.fill import ActionEntry, fill_return
from pmf_pipeline.workbook.generate import generate
from pmf_pipeline.workbook.spec import build_spec
from tests.conftest import CONFIG, PERIOD
from tests.returns.test_validate import full
from tests.workbook.action_fixture import actions_config, actions_config_dir

SAVED = dt.datetime(2026, 10, 20, 16, 30)
WHO = "Siân Morgan"
SOUND = {
    "SS.1": ActionEntry("In progress", 50, "Green: as planned", commentary="Tender evaluated; contracts awarded in October.", updated_by=WHO),
    "SS.2": ActionEntry("Completed", 100, "Blue: complete", completed_on=dt.date(2026, 8, 28), commentary="Published on 28 August.", updated_by=WHO),
    # SS.3 was completed last quarter: left blank, its update stands
    "SS.4": ActionEntry("In progress", 45, "Green", commentary="Triage pilot running; evaluation planned.", updated_by=WHO),
    "SS.5": ActionEntry("In progress", 10, "Green: as planned", commentary="Review group set up.", updated_by=WHO),
}
ROW = {"SS.1": 6, "SS.2": 7, "SS.3": 8, "SS.4": 9, "SS.5": 10}


@pytest.fixture(scope="module")
def act_config(tmp_path_factory):
    return actions_config(tmp_path_factory.mktemp("actcfg"))


@pytest.fixture(scope="module")
def act_blank(act_config, tmp_path_factory):
    out = tmp_path_factory.mktemp("actout")
    return {g.directorate: g.path for g in generate(act_config, PERIOD, out, directorates=["SS", "CR"], generated_at=dt.datetime(2026, 9, 30, 9))}


def returned(config, blank_path, tmp_path, actions=None, edit=None, saved_at=SAVED):
    """SS's return, PIs on target and actions soundly updated except for ``actions`` (by ref); ``edit(ws, wb)`` alters the Actions sheet."""
    src = tmp_path / "blank.xlsx"
    shutil.copy(blank_path, src)
    path = fill_return(src, full(config, "SS"), tmp_path / "r.xlsx", actions={**SOUND, **(actions or {})})
    if edit:
        wb = openpyxl.load_workbook(path)
        edit(wb[al.ACTIONS_SHEET], wb)
        wb.save(path)
    if saved_at:
        from pmf_pipeline.workbook.fill import _set_saved_at

        _set_saved_at(path, saved_at)
    return validate_bytes(path.read_bytes(), path.name, config, PERIOD)


def action_findings(result):
    return [(f.code, f.severity, f.cell, f.pi_ref) for f in result.findings if f.sheet == al.ACTIONS_SHEET or f.code.startswith("action_")]


def test_a_sound_update_has_no_findings_and_records_every_action(act_config, act_blank, tmp_path):
    r = returned(act_config, act_blank["SS"], tmp_path)
    assert r.outcome == "accepted" and r.findings == [], [f.message for f in r.findings]
    got = {a.action_ref: a for a in r.actions}
    assert list(got) == ["SS.1", "SS.2", "SS.3", "SS.4", "SS.5"]
    assert (got["SS.1"].status, got["SS.1"].percent_complete, got["SS.1"].rating, got["SS.1"].cell) == ("in progress", Decimal(50), "green", "K6")
    assert (got["SS.2"].status, got["SS.2"].completed_on, got["SS.2"].rating) == ("completed", "2026-08-28", "blue")
    assert got["SS.4"].rating == "green" and got["SS.4"].updated_by == WHO
    # completed last quarter and left blank: the last update stands, with no finding
    carried = got["SS.3"]
    assert (carried.carried, carried.status, carried.percent_complete, carried.commentary, carried.has_error) == (
        True,
        "completed",
        Decimal(100),
        "Opened on 20 June.",
        False,
    )
    assert not any(a.has_error for a in r.actions)


def test_a_blank_row_of_an_action_in_progress_is_an_update_missing(act_config, act_blank, tmp_path):
    r = returned(act_config, act_blank["SS"], tmp_path, {"SS.1": ActionEntry()})
    assert action_findings(r) == [("action_update_missing", "error", "K6", "SS.1")]
    record = next(a for a in r.actions if a.action_ref == "SS.1")
    assert record.status is None and record.has_error and not record.carried


def test_percent_typed_with_a_percent_format_is_read_as_shown(act_config, act_blank, tmp_path):
    def typed_45_percent(ws, wb):
        c = ws[al.cell("percent", ROW["SS.4"])]
        c.value, c.number_format = 0.45, "0%"  # what Excel and LibreOffice store for 45% typed

    r = returned(act_config, act_blank["SS"], tmp_path, edit=typed_45_percent)
    ss4 = next(a for a in r.actions if a.action_ref == "SS.4")
    assert (ss4.percent_complete, ss4.typed) == (Decimal(45), "45%")
    assert action_findings(r) == []


@pytest.mark.parametrize("typed", ["28/08/2026", "2026-08-28", " 28/08/2026 "])
def test_dates_typed_as_text_are_read_as_uk_dates(act_config, act_blank, tmp_path, typed):
    change = {"SS.2": ActionEntry("Completed", 100, "Blue: complete", completed_on=typed, commentary="Published.", updated_by=WHO)}
    r = returned(act_config, act_blank["SS"], tmp_path, change)
    assert action_findings(r) == []
    assert next(a for a in r.actions if a.action_ref == "SS.2").completed_on == "2026-08-28"


def test_status_and_rating_are_forgiving_of_how_they_are_typed(act_config, act_blank, tmp_path):
    change = {"SS.1": ActionEntry("in-progress", "50%", "green", commentary="ok", updated_by=WHO)}
    r = returned(act_config, act_blank["SS"], tmp_path, change)
    ss1 = next(a for a in r.actions if a.action_ref == "SS.1")
    assert (ss1.status, ss1.percent_complete, ss1.rating) == ("in progress", Decimal(50), "green")
    assert action_findings(r) == []


def test_an_unsound_update_is_flagged_but_a_missing_commentary_only_chased(act_config, act_blank, tmp_path):
    r = returned(
        act_config, act_blank["SS"], tmp_path, {"SS.5": ActionEntry("In progress", 2, "Red", commentary="", updated_by=WHO), "SS.4": ActionEntry(percent=120)}
    )
    by = {a.action_ref: a for a in r.actions}
    assert [f.code for f in r.findings if f.pi_ref == "SS.5"] == ["action_commentary_required"]
    assert not by["SS.5"].has_error  # chase-only: never holds the update back
    assert by["SS.4"].has_error and by["SS.4"].percent_complete is None


def test_an_overdue_action_with_a_revised_date_is_still_overdue_and_says_so(act_config, act_blank, tmp_path):
    change = {"SS.2": ActionEntry("In progress", 80, "Amber: issues", revised_due=dt.date(2026, 11, 30), commentary="Awaiting sign-off.", updated_by=WHO)}
    r = returned(act_config, act_blank["SS"], tmp_path, change)
    assert action_findings(r) == [("action_overdue", "warning", "O7", "SS.2")]
    assert r.findings[0].message == (
        "SS.2 was due on 31/08/2026 and is not complete, so it is reported as overdue: the revised due date 30/11/2026 is shown "
        "beside the planned one. Say in the Commentary why it is late and what is being done."
    )
    assert next(a for a in r.actions if a.action_ref == "SS.2").revised_due == "2026-11-30"


def test_without_a_saved_date_the_future_is_after_the_deadline(act_config, act_blank, tmp_path):
    change = {"SS.2": ActionEntry("Completed", 100, "Blue", completed_on=dt.date(2026, 10, 22), commentary="Done.", updated_by=WHO)}
    r = returned(act_config, act_blank["SS"], tmp_path, change, saved_at=dt.datetime(2026, 10, 21, 9))
    assert [f.code for f in r.findings] == ["action_completion_future"]


# ------------------------------------------------------------------ the sheet altered


def _delete_sheet(ws, wb):
    del wb[al.ACTIONS_SHEET]


def _rename_header(ws, wb):
    ws[al.cell("commentary", al.HEADER_ROW)] = "Notes"


def _insert_column(ws, wb):
    at = al.col_index("status") + 1
    ws.insert_cols(at)
    ws.cell(row=al.HEADER_ROW, column=at).value = "My notes"


def _delete_row(ws, wb):
    ws.delete_rows(al.FIRST_ROW)


def _swap_rows(ws, wb):
    for col in range(1, len(al.COLUMNS) + 1):
        x, y = ws.cell(row=6, column=col), ws.cell(row=7, column=col)
        x.value, y.value = y.value, x.value


def _duplicate_row(ws, wb):
    for col in range(1, len(al.COLUMNS) + 1):
        ws.cell(row=12, column=col).value = ws.cell(row=6, column=col).value


def _add_row(ws, wb):
    ws["A12"], ws["K12"] = "SS.99", "In progress"


def _change_due(ws, wb):
    ws[al.cell("due", 6)] = dt.datetime(2027, 6, 30)


@pytest.mark.parametrize(
    "edit, expected",
    [
        (_delete_sheet, [("sheets_changed", "error", None, None)]),
        (_rename_header, [("header_altered", "error", "A5", None)]),
        (_insert_column, [("columns_inserted", "warning", "K5", None)]),
        (_delete_row, [("rows_changed", "error", None, "SS.1")]),
        (_swap_rows, [("rows_reordered", "warning", None, None)]),
        (_duplicate_row, [("rows_changed", "error", "A12", "SS.1")]),
        (_add_row, [("rows_changed", "error", "A12", "SS.99")]),
        (_change_due, [("locked_altered", "error", "E6", "SS.1")]),
    ],
)
def test_an_altered_actions_sheet_is_reported_as_for_pis(act_config, act_blank, tmp_path, edit, expected):
    r = returned(act_config, act_blank["SS"], tmp_path, edit=edit)
    found = [(f.code, f.severity, f.cell, f.pi_ref) for f in r.findings]
    assert found == expected, [f.message for f in r.findings]
    if edit in (_delete_sheet, _rename_header, _delete_row, _duplicate_row):  # an update that cannot be read is held back
        assert any(a.has_error for a in r.actions)


def test_the_messages_of_an_altered_sheet(act_config, act_blank, tmp_path):
    r = returned(act_config, act_blank["SS"], tmp_path, edit=_delete_sheet)
    assert r.findings[0].message == (
        "the 'Actions' sheet was renamed or deleted, so no action updates could be read (SS.1, SS.2, SS.3, SS.4, SS.5). "
        "Please put the updates on the 'Actions' sheet of the workbook as sent."
    )
    assert [a.action_ref for a in r.actions] == ["SS.1", "SS.2", "SS.3", "SS.4", "SS.5"] and all(a.has_error for a in r.actions)
    r = returned(act_config, act_blank["SS"], tmp_path, edit=_change_due)
    assert r.findings[0].message == (
        "the pre-filled 'Due' of action SS.1 was changed from '2027-03-31' to '2027-06-30'. The pre-filled columns must stay as sent; "
        "put the original back (the update was still read)."
    )


def test_last_quarters_update_is_shown_but_not_fingerprinted(act_config, tmp_path):
    spec = build_spec(act_config, PERIOD, "SS")
    other = build_spec(act_config, PERIOD, "SS", last_actions={})
    assert spec.fingerprint == other.fingerprint
    assert spec.actions[0].shown["last_percent"] == Decimal(40) and other.actions[0].shown["last_percent"] is None


def test_an_updated_plan_makes_the_return_outdated(tmp_path):
    """The plan's dates are locked content: a due date changed in actions.yaml after issue makes the return outdated."""
    folder = actions_config_dir(tmp_path)
    config = load_config(folder)
    blank = generate(config, PERIOD, tmp_path / "out", directorates=["SS"])[0].path
    path = fill_return(blank, full(config, "SS"), tmp_path / "r.xlsx", actions=SOUND)
    text = (folder / "actions.yaml").read_text()
    (folder / "actions.yaml").write_text(text.replace("due: 31/08/2026", "due: 30/09/2026"))
    r = validate_bytes(path.read_bytes(), path.name, load_config(folder), PERIOD)
    assert [f.code for f in r.findings] == ["outdated_template"]
    assert "its actions' plan (titles, dates or milestones) differs from the one now in force for this period" in r.findings[0].message
    (folder / "actions.yaml").write_text(text.replace("start: 01/09/2026", "start: 01/01/2027"))  # SS.5 no longer due
    r = validate_bytes(path.read_bytes(), path.name, load_config(folder), PERIOD)
    assert "its list of actions differs from the one in force for this period" in r.findings[0].message


# The return fingerprints of the sample council before actions existed (the committed sample workbooks of
# commit 805643b carry them): a council with no actions.yaml must keep them exactly.
NO_ACTIONS_FINGERPRINTS = {
    "CR": "a3c3463d24b1500420b0639ce3320191112cc09e5d0237f0db3d0af8dc2fb846",
    "ENV": "3af7d7f20bd0040bd5d5151d084db324872d2864edfef1f2b16114153fc17d87",
    "LS": "b85f30cc3c1447461a417481c23809780868be9a231cfcd416b10a9689b7720f",
    "PLC": "440508ffd1b814763bc260108034b7f2f67f37764422880d35c2c27fd3ddfd16",
    "SS": "510f062ff347b52c5c5b46ce498f6bd3948a056833d958068f938a80bab3de3b",
}


def test_a_council_without_actions_keeps_its_workbooks_and_fingerprints(tmp_path):
    folder = tmp_path / "config"
    shutil.copytree(CONFIG, folder)
    for name in ("actions.yaml", "action_history.csv"):
        (folder / name).unlink(missing_ok=True)
    config = load_config(folder)
    made = generate(config, PERIOD, tmp_path / "out", generated_at=dt.datetime(2026, 9, 30, 9))
    for g in made:
        wb = openpyxl.load_workbook(g.path)
        assert wb.sheetnames == ["Instructions", "Return", "_pmf_metadata"]
        meta = {row[0].value: row[1].value for row in wb["_pmf_metadata"].iter_rows()}
        assert "actions" not in meta
        assert meta["fingerprint"] == NO_ACTIONS_FINGERPRINTS[g.directorate]
        assert g.actions == 0


def test_a_far_stray_cell_on_the_actions_sheet_is_read_bounded(act_config, act_blank, tmp_path):
    def stray(ws, wb):
        ws["XFD1048576"] = "x"

    r = returned(act_config, act_blank["SS"], tmp_path, edit=stray)
    assert r.findings == [] and len(r.actions) == 5


def test_a_return_filled_without_saying_what_of_the_actions_gets_sound_updates(act_config, act_blank, tmp_path):
    """fill_return's default, for the many tests about PIs: every action soundly updated from what the sheet shows."""
    path = fill_return(act_blank["SS"], full(act_config, "SS"), tmp_path / "r.xlsx")
    r = validate_bytes(path.read_bytes(), path.name, act_config, PERIOD)
    assert r.findings == [] and [(a.action_ref, a.status, a.carried) for a in r.actions] == [
        ("SS.1", "in progress", False),
        ("SS.2", "completed", False),
        ("SS.3", "completed", True),
        ("SS.4", "in progress", False),
        ("SS.5", "in progress", False),
    ]
    path = fill_return(act_blank["SS"], full(act_config, "SS"), tmp_path / "blank.xlsx", actions={})
    r = validate_bytes(path.read_bytes(), path.name, act_config, PERIOD)
    assert [(f.code, f.pi_ref) for f in r.findings] == [("action_update_missing", ref) for ref in ("SS.1", "SS.2", "SS.4", "SS.5")]
