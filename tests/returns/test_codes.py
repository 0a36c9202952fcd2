"""Every finding code in ``findings.RULES``, produced on a real workbook and pinned exactly.

Each case makes one mistake an updater (or a file) can make and asserts the finding it gives: code,
severity, sheet, cell, PI and message. Updaters read these messages in the findings workbook and
act on them, so the words are pinned too. ``test_every_code_in_rules_has_a_case`` fails when a code
is added to RULES without a case here, or a case names a code RULES no longer has.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
import pytest

from pmf_pipeline.returns.findings import RULES, Finding, ReturnResult
from pmf_pipeline.returns.ingest import ingest
from pmf_pipeline.returns.validate import validate_bytes
from pmf_pipeline.workbook import layout
from pmf_pipeline.workbook.fill import ActionEntry, fill_return
from pmf_pipeline.workbook.generate import generate
from tests.conftest import CONFIG, PERIOD
from tests.returns.test_validate import check, full


def with_meta(path, **changes):
    """Change the hidden identification of a return, as a hand-edited or foreign workbook would have it."""
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.META_SHEET]
    for row in ws.iter_rows(min_row=1, max_row=len(layout.META_KEYS)):
        if row[0].value in changes:
            row[1].value = changes[row[0].value]
    wb.save(path)
    return validate(path)


def validate(path, config=None):
    from pmf_pipeline.config import load_config

    return validate_bytes(path.read_bytes(), path.name, config or load_config(CONFIG), PERIOD)


def filled(blank, config, tmp_path, directorate="SS"):
    return fill_return(blank(directorate), full(config, directorate), tmp_path / "r.xlsx")


def with_cached_error(blank, config, tmp_path):
    """A #DIV/0! in PAM/028's Actual, stored as Excel and LibreOffice store a cached error."""
    path = filled(blank, config, tmp_path)
    with zipfile.ZipFile(path) as zf:
        parts = [(i, zf.read(i)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w") as zf:
        for info, blob in parts:
            if info.filename == "xl/worksheets/sheet2.xml":
                blob, n = re.subn(rb'<c r="M7"([^>]*)>.*?</c>', rb'<c r="M7" t="e"><f>K7/L7</f><v>#DIV/0!</v></c>', blob, flags=re.S)
                assert n == 1
            zf.writestr(info, blob)
    return validate(path, config)


def twice(blank, config, tmp_path):
    path = filled(blank, config, tmp_path)
    ingest(CONFIG, tmp_path / "data", PERIOD, [path])
    summary = ingest(CONFIG, tmp_path / "data", PERIOD, [path])
    return summary.outcomes[0].result


def header_renamed(ws, wb):
    ws[layout.cell("comment", layout.HEADER_ROW)] = "Notes"


def column_inserted(ws, wb):
    at = layout.col_index("actual") + 1
    ws.insert_cols(at)
    ws.cell(row=layout.HEADER_ROW, column=at).value = "Notes"


def first_rows_swapped(ws, wb):
    a, b = layout.FIRST_ROW, layout.FIRST_ROW + 1
    for col in range(1, len(layout.COLUMNS) + 1):
        x, y = ws.cell(row=a, column=col), ws.cell(row=b, column=col)
        x.value, y.value = y.value, x.value


def sheet_added(ws, wb):
    wb.create_sheet("Workings")["A1"] = 1


def first_row_deleted(ws, wb):
    ws.delete_rows(layout.FIRST_ROW)


def not_due_row(ws, wb):
    ws["A30"] = "PAM/020"  # an annual PI, due in Q4
    ws["M30"] = 4


def target_changed(ws, wb):
    ws["H6"] = 1


@dataclass(frozen=True)
class Case:
    make: Callable[..., ReturnResult]  # (blank, config, tmp_path) -> the result
    severity: str
    sheet: str | None
    cell: str | None
    pi_ref: str | None
    message: str  # exact, or a regular expression when it starts with ^


def row(ref, **change):
    """A return of SS, CR or ENV filled in cleanly except for ``change`` to PI ``ref``."""
    directorate = {"SSM": "SS", "PAM/02": "SS", "CPM/07": "CR", "PAM/01": "ENV"}
    d = next(v for k, v in directorate.items() if ref.startswith(k))
    return lambda blank, config, tmp_path: check(blank, config, d, tmp_path, **{ref: change})


def edited(edit, directorate="SS"):
    return lambda blank, config, tmp_path: check(blank, config, directorate, tmp_path, edit=edit)


def meta(**changes):
    return lambda blank, config, tmp_path: with_meta(filled(blank, config, tmp_path), **changes)


def other_period(blank, config, tmp_path):
    return validate(generate(config, PERIOD.next(), tmp_path, directorates=["SS"])[0].path, config)


def other_targets(blank, config, tmp_path):
    from pmf_pipeline.config import load_config

    path = filled(blank, config, tmp_path)
    changed = tmp_path / "config"
    import shutil

    shutil.copytree(CONFIG, changed)
    text = (changed / "targets.csv").read_text().replace("PAM/028,2026-27,90.0", "PAM/028,2026-27,92.0")
    (changed / "targets.csv").write_text(text)
    return validate(path, load_config(changed))


def empty(blank, config, tmp_path):
    return validate_bytes(b"", "empty.xlsx", config, PERIOD)


def action(**updates):
    """SS's return with the fixture's actions (tests/workbook/action_fixture.py), soundly updated except ``updates`` (by action ref)."""

    def make(blank, config, tmp_path):
        from tests.returns.test_action_checks import returned
        from tests.workbook.action_fixture import actions_config

        cfg = actions_config(tmp_path)
        out = generate(cfg, PERIOD, tmp_path / "out", directorates=["SS"])[0].path
        return returned(cfg, out, tmp_path, {ref: ActionEntry(**kw) for ref, kw in updates.items()})

    return make


META = layout.META_SHEET
ACTIONS = "Actions"
CASES: dict[str, Case] = {
    "unreadable": Case(
        empty,
        "error",
        None,
        None,
        None,
        "the file is empty (0 bytes). Please ask the sender to open the return they were sent and save it as an Excel Workbook (.xlsx).",
    ),
    "not_a_return": Case(
        meta(tool="Budget tool"),
        "error",
        META,
        None,
        None,
        "this workbook was not produced by pmf-pipeline; please send the return workbook you were sent.",
    ),
    "wrong_council": Case(
        meta(council="Another Council"),
        "error",
        META,
        None,
        None,
        "this return is for 'Another Council', not Cwm Derwen County Borough Council.",
    ),
    "wrong_period": Case(
        other_period,
        "error",
        META,
        None,
        None,
        "this is the return for Q3 2026-27, not Q2 2026-27. If it is a late return for Q3 2026-27, ingest it with --period 2026-27-Q3.",
    ),
    "wrong_directorate": Case(
        meta(directorate="XX"),
        "error",
        META,
        None,
        None,
        "this return is for directorate 'XX', which is not in the framework (CR, ENV, LS, PLC, SS).",
    ),
    "unknown_template": Case(
        meta(template_version=2),
        "error",
        META,
        None,
        None,
        "the return's template (version 2.0) is not one this tool knows; please send the return workbook issued for this period.",
    ),
    "outdated_template": Case(
        other_targets,
        "error",
        META,
        None,
        None,
        "this return was generated on 2026-09-30 from a different version of the PI library or targets: its targets or definitions differ "
        "from those now in force for this period. Please copy the figures into the workbook issued for Q2 2026-27.",
    ),
    "duplicate": Case(twice, "warning", None, None, None, r"^already received on \d{4}-\d\d-\d\d \d\d:\d\d \(as r\.xlsx\); nothing changed\.$"),
    "header_altered": Case(
        edited(header_renamed),
        "error",
        "Return",
        "A5",
        None,
        "the column headings of the Return sheet have been changed: 'Comment' is missing, renamed or repeated, so the figures cannot be matched "
        "to their columns. Please put the figures into the workbook as sent.",
    ),
    "columns_inserted": Case(
        edited(column_inserted),
        "warning",
        "Return",
        "M5",
        None,
        "column M (headed 'Notes') was inserted; every figure was still matched by its column heading and nothing in it was read. "
        "Please leave the columns as sent next time.",
    ),
    "rows_reordered": Case(
        edited(first_rows_swapped),
        "warning",
        "Return",
        None,
        None,
        "the rows have been re-ordered or sorted; every figure was still read from its own PI's row, so nothing needs doing for this return. "
        "Please keep the order as sent next time.",
    ),
    "sheets_changed": Case(
        edited(sheet_added),
        "warning",
        "Workings",
        None,
        None,
        "the workbook has a sheet 'Workings' that the return was not sent with; nothing on it was read. "
        "If it holds figures or comments for this return, put them on the Return sheet.",
    ),
    "rows_changed": Case(
        edited(first_row_deleted),
        "error",
        "Return",
        None,
        "PAM/025",
        "the row for PAM/025 was deleted: every PI sent must come back. Please use the workbook as sent.",
    ),
    "not_due": Case(
        edited(not_due_row),
        "error",
        "Return",
        "A30",
        "PAM/020",
        "PAM/020 is reported in Q4, not in Q2 2026-27: remove this row and report it in the Q4 return.",
    ),
    "locked_altered": Case(
        edited(target_changed),
        "error",
        "Return",
        "H6",
        "PAM/025",
        "the pre-filled 'Target this quarter' of PAM/025 was changed from '3' to '1'. The pre-filled columns must stay as sent; "
        "put the original back (the figures were still read).",
    ),
    "value_missing": Case(
        row("SSM/026", actual=None, comment=""),
        "error",
        "Return",
        "M13",
        "SSM/026",
        "SSM/026 has no figure. Type this quarter's figure, or type n/a and say why in the Comment.",
    ),
    "not_a_number": Case(
        row("SSM/026", actual="about 240"),
        "error",
        "Return",
        "M13",
        "SSM/026",
        "the Actual of SSM/026 is not a number: 'about 240' is not a number. Type the figure as a plain number.",
    ),
    "excel_error": Case(
        with_cached_error,
        "error",
        "Return",
        "M7",
        "PAM/028",
        "the Actual of PAM/028 shows the spreadsheet error #DIV/0!; check the figures it is worked out from (a zero denominator gives #DIV/0!).",
    ),
    "out_of_range": Case(
        row("SSM/026", actual=99999),
        "error",
        "Return",
        "M13",
        "SSM/026",
        "SSM/026 is 99999, outside its valid range of 0 to 3650. Check the figure.",
    ),
    "calculation_incomplete": Case(
        row("PAM/028", numerator=5, denominator=""),
        "error",
        "Return",
        "L7",
        "PAM/028",
        "PAM/028 has a numerator but no denominator: type both.",
    ),
    "denominator_zero": Case(
        row("PAM/028", numerator=5, denominator=0),
        "error",
        "Return",
        "L7",
        "PAM/028",
        "the denominator of PAM/028 is 0, so no figure can be worked out. If there were none this quarter, leave both blank or type n/a, and say so in the Comment.",
    ),
    "numerator_exceeds_denominator": Case(
        row("PAM/028", numerator=1200, denominator=1000),
        "error",
        "Return",
        "K7",
        "PAM/028",
        "the numerator of PAM/028 (1,200) is larger than its denominator (1,000), which is impossible for this percentage; check which is which.",
    ),
    "actual_disagrees": Case(
        row("PAM/028", actual=50),
        "error",
        "Return",
        "M7",
        "PAM/028",
        "the Actual of PAM/028 (50) disagrees with its numerator and denominator, which give 90.0. Clear the Actual cell (it is worked out for you) or correct the figures.",
    ),
    "percent_as_fraction": Case(
        row("CPM/079", actual=0.6),
        "warning",
        "Return",
        "M17",
        "CPM/079",
        "CPM/079 is 0.6: if you meant 60%, type 60.",  # not 60.0: the hint reads as the updater should type it,
    ),
    "comment_required": Case(
        row("SSM/019", numerator=500, denominator=1000, comment=""),
        "error",
        "Return",
        "O10",
        "SSM/019",
        "SSM/019 is off target (50.0 against 80.0): please add a comment saying why, and what is being done.",
    ),
    "evidence_missing": Case(
        row("PAM/028", evidence=""),
        "error",
        "Return",
        "P7",
        "PAM/028",
        "PAM/028 needs a working-papers reference in the Evidence ref column, so audit can trace the figure.",
    ),
    "suspicious_swing": Case(
        row("SSM/026", actual=281.26),
        "warning",
        "Return",
        "M13",
        "SSM/026",
        "SSM/026 moved from 225 (last quarter) to 281, a change of 25%. Please check the figure and explain the change in the Comment.",
    ),
    "cumulative_fell": Case(
        row("CPM/074", actual=234394),
        "warning",
        "Return",
        "M12",
        "CPM/074",
        "CPM/074 is a year-to-date figure but is lower (234394) than last quarter's (234395). Check that this is the year-to-date total.",
    ),
    "updater_missing": Case(
        row("SSM/026", updated_by=""),
        "warning",
        "Return",
        "Q13",
        "SSM/026",
        "SSM/026 does not say who updated it: type a name in 'Updated by'.",
    ),
    "verifier_missing": Case(
        row("SSM/026", verified_by=""),
        "warning",
        "Return",
        "R13",
        "SSM/026",
        "SSM/026 does not say who verified it: the PI owner's name goes in 'Verified by'.",
    ),
    "text_too_long": Case(
        row("SSM/026", comment="x" * 4001),
        "warning",
        "Return",
        "O13",
        "SSM/026",
        "the Comment of SSM/026 is 4,001 characters long; only the first 4,000 are kept and shown in the packs. Please shorten it and send the return again.",
    ),
    # The Actions sheet (SS.1: 50% expected, last 40%; SS.2: due 31/08/2026; saved 20/10/2026)
    "action_update_missing": Case(
        action(**{"SS.1": {}}),
        "error",
        ACTIONS,
        "K6",
        "SS.1",
        "SS.1 has no Status this quarter: choose one from the list, and give its % complete and commentary.",
    ),
    "action_status_unknown": Case(
        action(**{"SS.1": dict(status="Nearly there", percent=50, rating="Green", commentary="ok")}),
        "error",
        ACTIONS,
        "K6",
        "SS.1",
        "the Status of SS.1 is 'Nearly there', which is not on the list: choose one of Not started, In progress, Completed, Deferred, Ongoing, Cancelled.",
    ),
    "action_rating_unknown": Case(
        action(**{"SS.1": dict(status="In progress", percent=50, rating="Purple", commentary="ok")}),
        "error",
        ACTIONS,
        "M6",
        "SS.1",
        "the Rating of SS.1 is 'Purple', which is not on the council's scale: choose one of Blue: complete, Green: as planned, Yellow: minor issues, "
        "Amber: issues, Red: significant issues.",
    ),
    "action_percent_invalid": Case(
        action(**{"SS.1": dict(status="In progress", percent="about half", rating="Green", commentary="ok")}),
        "error",
        ACTIONS,
        "L6",
        "SS.1",
        "the % complete of SS.1 is not a number: 'about half' is not a number. Type a number from 0 to 100, such as 45.",
    ),
    "action_date_invalid": Case(
        action(**{"SS.1": dict(status="In progress", percent=50, rating="Green", revised_due="next spring", commentary="ok")}),
        "error",
        ACTIONS,
        "O6",
        "SS.1",
        "the Revised due date of SS.1: 'next spring' is not a date; write the date as DD/MM/YYYY or YYYY-MM-DD, e.g. 24/07/2026 or 2026-07-24.",
    ),
    "action_completed_incomplete": Case(
        action(**{"SS.2": dict(status="Completed", percent=100, rating="Blue", commentary="Published.")}),
        "error",
        ACTIONS,
        "P7",
        "SS.2",
        "SS.2 is marked Completed but has no completion date: a completed action is 100% complete, with the date it was completed. "
        "Type both, or choose another status.",
    ),
    "action_completion_future": Case(
        action(**{"SS.2": dict(status="Completed", percent=100, rating="Blue", completed_on=dt.date(2026, 11, 2), commentary="Published.")}),
        "error",
        ACTIONS,
        "P7",
        "SS.2",
        "the Completion date of SS.2 is 02/11/2026, after the return was saved (20/10/2026). Type the date it was completed; "
        "if it is not finished yet, choose In progress and give a revised due date instead.",
    ),
    "action_percent_fell": Case(
        action(**{"SS.1": dict(status="In progress", percent=35, rating="Red", commentary="Procurement restarted.")}),
        "warning",
        ACTIONS,
        "L6",
        "SS.1",
        "SS.1 is 35% complete, lower than last quarter's 40%. Check the figure; if the action was re-planned, say so in the Commentary.",
    ),
    "action_overdue": Case(
        action(**{"SS.2": dict(status="In progress", percent=80, rating="Amber", commentary="Awaiting sign-off.")}),
        "warning",
        ACTIONS,
        "O7",
        "SS.2",
        "SS.2 was due on 31/08/2026 and is not complete, so it is reported as overdue: type a revised due date, and say in the Commentary "
        "why it is late and what is being done.",
    ),
    "action_rating_inconsistent": Case(
        action(**{"SS.1": dict(status="In progress", percent=41, rating="Green: as planned", commentary="ok")}),
        "warning",
        ACTIONS,
        "M6",
        "SS.1",
        "SS.1 is rated Green: as planned but is 41% complete against 50% expected by the end of the quarter (needs monitoring on expected progress). "
        "Check the rating, or explain it in the Commentary.",
    ),
    "action_commentary_required": Case(
        action(**{"SS.1": dict(status="In progress", percent=45, rating="Amber: issues", commentary="")}),
        "error",
        ACTIONS,
        "Q6",
        "SS.1",
        "SS.1 is rated Amber: issues: please add commentary saying why, and what is being done.",
    ),
}


def test_every_code_in_rules_has_a_case():
    assert set(CASES) == set(RULES), f"codes without a case: {sorted(set(RULES) - set(CASES))}; cases without a code: {sorted(set(CASES) - set(RULES))}"


def _the(result: ReturnResult, code: str) -> Finding:
    hits = [f for f in result.findings if f.code == code]
    assert len(hits) == 1, [(f.code, f.pi_ref, f.message) for f in result.findings]
    return hits[0]


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_code_is_produced_where_and_as_pinned(blank, config, tmp_path, code):
    case = CASES[code]
    f = _the(case.make(blank, config, tmp_path), code)
    assert (f.code, f.severity, f.sheet, f.cell, f.pi_ref) == (code, case.severity, case.sheet, case.cell, case.pi_ref)
    if case.message.startswith("^"):
        assert re.match(case.message, f.message), f.message
    else:
        assert f.message == case.message
    assert f.rule == RULES[code]
