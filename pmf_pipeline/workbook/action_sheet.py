"""Write the updater workbook's Actions sheet (``generate`` calls it when the return asks for actions).

Everything it names comes from ``action_layout``. Pre-filled columns are locked; the inputs (Status,
% complete, Rating, the two dates, Commentary, Updated by) are unlocked and pale yellow, each with
a drop-down list or a rule. % complete keeps the General format, so that ``45%`` typed in Excel or
LibreOffice is stored with a percent format the reader recognises (read as 45). The Progress (live)
and Check columns work out, as the updater types, the expected-progress rating and what needs
commentary, with classic functions only.
"""

from __future__ import annotations

from typing import Any

from pmf_pipeline.rules.actions import SELF_LOOKS
from pmf_pipeline.workbook import action_layout as al
from pmf_pipeline.workbook.action_spec import ActionSpec
from pmf_pipeline.workbook.spec import ReturnSpec

NEEDS_WORDS = ("Amber", "Red")  # the start of the self-assessed ratings that need commentary, on every scale
PRINT_MARGIN = 0.4  # inches
INPUT_LINES = 4  # room to see a few sentences of commentary as typed (a row written with a height does not grow)


def print_scale() -> int:
    """The Actions sheet's print scale (%): the widest of ``action_layout.PRINT_PAGES``, with Action ref and
    Title, fills an A4 landscape page in Calibri with a little to spare (as the Return sheet's)."""
    printable = (11.69 - 2 * PRINT_MARGIN) * 96
    widest = max(sum(al.width_pixels(k) for k in al.PRINT_REPEATED + page) for page in al.PRINT_PAGES)
    return min(100, int(printable / widest * 70))  # room for a wider font standing in for Calibri: the pages are few


def actions_instructions(spec: ReturnSpec) -> list[tuple[str, bool]]:
    """The Instructions sheet's section on the Actions sheet: (text, is a heading); none without actions."""
    if not spec.actions:
        return []
    ratings = ", ".join(look.label for look in SELF_LOOKS[spec.action_scheme].values())
    return [
        ("", False),
        ("The Actions sheet: progress on actions and commitments", True),
        (f"{len(spec.actions)} actions are due an update this quarter. For each, in the pale yellow cells:", False),
        ("1. Status: choose from the list (Not started, In progress, Completed, Deferred, Ongoing, Cancelled).", False),
        ("2. % complete: a number from 0 to 100 (45 or 45% both work). Rating: your own assessment, from the list: " + ratings + ".", False),
        ("3. Completion date for a completed action (it must be 100%); a revised due date if the action will be late, with the reason.", False),
        (
            "4. Commentary: what was done this quarter. Required when the action is rated amber or red, is behind the expected % complete, "
            "or is past its due date. The Check column says what is still needed as you type.",
            False,
        ),
        ("An action last reported completed or cancelled can be left blank: its last update stands.", False),
    ]


def write_actions_sheet(ws: Any, spec: ReturnSpec, f: Any, password: str | None, input_fill: str) -> None:
    ws.write_string(0, 0, f"{spec.council}: {spec.name}, {spec.period.label}: actions and commitments", f.title)
    ws.write_string(1, 0, f"Return by {spec.deadline}. Fill in the pale yellow cells only; see the Instructions sheet.")
    for i, column in enumerate(al.COLUMNS):
        ws.write_string(al.HEADER_ROW - 1, i, column.label, f.header)
        ws.set_column(i, i, column.width)
    ws.set_row(al.HEADER_ROW - 1, 45)
    for pos, a in enumerate(spec.actions):
        _write_row(ws, al.row_of(pos), a, spec, f, input_fill)
    first, last = al.FIRST_ROW - 1, al.row_of(len(spec.actions) - 1) - 1
    col = al.col_index
    ratings = [look.label for look in SELF_LOOKS[spec.action_scheme].values()]
    rules: list[tuple[str, dict[str, Any]]] = [
        ("status", {"validate": "list", "source": list(al.STATUS_CHOICES), "input_title": "Status", "input_message": "Choose from the list.",
                    "error_title": "Not on the list", "error_message": "Choose a status from the list: " + ", ".join(al.STATUS_CHOICES) + "."}),
        ("percent", {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100, "input_title": "% complete",
                     "input_message": "How far through the action is, from 0 to 100 (45 or 45%).", "error_title": "Not a % complete",
                     "error_message": "Type a number from 0 to 100, such as 45 (or 45%)."}),
        ("rating", {"validate": "list", "source": ratings, "input_title": "Rating", "input_message": "Your own assessment: choose from the list.",
                    "error_title": "Not on the list", "error_message": "Choose a rating from the list."}),
        ("commentary", {"validate": "length", "criteria": "<=", "value": 4000, "input_title": "Commentary",
                        "input_message": "What was done this quarter; if behind, why, and what is being done.",
                        "error_title": "Too long", "error_message": "Please keep commentary under 4,000 characters."}),
    ]  # fmt: skip
    for key, title in (("revised_due", "Revised due date"), ("completed_on", "Completion date")):
        rules.append(
            (key, {"validate": "date", "criteria": "between", "minimum": _dt(2000), "maximum": _dt(2100), "input_title": title,
                   "input_message": "A date, such as 24/07/2026.", "error_title": "Not a date", "error_message": "Type a date, such as 24/07/2026."})
        )  # fmt: skip
    for key, rule in rules:
        ws.data_validation(first, col(key), last, col(key), {"ignore_blank": True, **rule})
    progress_ref = f"${al.col_letter('progress')}{al.FIRST_ROW}"
    for code, fill in (("complete", "#BCD7F5"), ("on_track", "#B7E1B0"), ("monitor", "#FFE08A"), ("off_track", "#F4B6B0")):
        label = al.LIVE[code]
        fmt = f.wb.add_format({"bg_color": fill, "bold": True})
        ws.conditional_format(
            first, col("progress"), last, col("progress"), {"type": "formula", "criteria": f'=LEFT({progress_ref},{len(label)})="{label}"', "format": fmt}
        )
    ws.conditional_format(
        first, col("check"), last, col("check"), {"type": "formula", "criteria": f"=LEN(${al.col_letter('check')}{al.FIRST_ROW})>0", "format": f.cf_check}
    )
    ws.freeze_panes(al.FIRST_ROW - 1, col("kind"))
    ws.print_area(al.HEADER_ROW - 1, 0, last, len(al.COLUMNS) - 1)
    ws.set_landscape()
    ws.set_paper(9)
    ws.set_margins(left=PRINT_MARGIN, right=PRINT_MARGIN, top=0.75, bottom=0.6)
    ws.set_print_scale(print_scale())
    ws.repeat_rows(al.HEADER_ROW - 1)
    ws.repeat_columns(col(al.PRINT_REPEATED[0]), col(al.PRINT_REPEATED[-1]))
    ws.set_v_pagebreaks([col(page[0]) for page in al.PRINT_PAGES[1:]])
    ws.print_across()
    title = f"{spec.council}: {spec.name}, {spec.period.label}: actions".replace("&", "&&")[:180]
    ws.set_header(f"&L{title}&RReturn by {spec.deadline}")
    ws.set_footer("&CPage &P of &N")
    ws.protect(password, {"format_columns": True, "format_rows": True})


def _dt(year: int) -> Any:
    import datetime as dt

    return dt.date(year, 1, 1)


def _write_row(ws: Any, r: int, a: ActionSpec, spec: ReturnSpec, f: Any, input_fill: str) -> None:
    x = r - 1
    col = al.col_index
    lines = max(INPUT_LINES, len(a.action.milestones), -(-len(a.action.title) // 34), -(-len(str(a.shown["last_commentary"] or "")) // 32))
    ws.set_row(x, min(15.0 * lines + 3, 409.0))
    for key, value in {**a.locked, **a.shown}.items():
        c = col(key)
        if value is None or value == "":
            ws.write_blank(x, c, None, f.get())
        elif key in al.DATE_KEYS:
            ws.write_datetime(x, c, value, f.get(al.DATE_FORMAT))
        elif isinstance(value, str):
            ws.write_string(x, c, value, f.get())
        else:
            ws.write_number(x, c, float(str(value)), f.get("0"))
    unlocked = f.get(unlocked=True, fill=input_fill)
    dates = f.get(al.DATE_FORMAT, unlocked=True, fill=input_fill)
    for key in ("status", "percent", "rating", "commentary", "updated_by"):
        ws.write_blank(x, col(key), None, unlocked)  # % complete stays General: a typed 45% keeps its percent format
    for key in ("revised_due", "completed_on"):
        ws.write_blank(x, col(key), None, dates)
    elapsed, span = a.elapsed_span
    ws.write_formula(x, col("progress"), al.progress_formula(r, elapsed, span), f.get(), "")
    ws.write_formula(x, col("check"), al.check_formula(r, NEEDS_WORDS, a.overdue_at_end), f.get(), "")
