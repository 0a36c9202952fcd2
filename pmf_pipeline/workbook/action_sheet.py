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
from pmf_pipeline.workbook.words import N_, Words, header_height, period_label

# The self-assessed ratings' words (rules.actions), marked for the catalogue.
_RATINGS = (
    N_("Blue: complete"),
    N_("Green: as planned"),
    N_("Yellow: minor issues"),
    N_("Amber: issues"),
    N_("Red: significant issues"),
    N_("Green"),
    N_("Amber"),
    N_("Red"),
)


def rating_choices(scheme: str, languages: tuple[str, ...]) -> list[str]:
    """The Rating list as a workbook in ``languages`` offers it (``Gwyrdd: fel y cynlluniwyd / Green: as planned``)."""
    w = Words(languages)
    return [look.label if w.english_only else w.heading(look.label) for look in SELF_LOOKS[scheme].values()]


def needs_words(languages: tuple[str, ...]) -> tuple[str, ...]:
    """The start of the ratings that need commentary, in the workbook's first language and in English."""
    if languages == ("en",):
        return NEEDS_WORDS
    first = Words(languages).one(languages[0], "Amber"), Words(languages).one(languages[0], "Red")
    return tuple(dict.fromkeys(first + NEEDS_WORDS))


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
    w = spec.words

    def ratings(lang: str) -> str:
        return ", ".join(look.label if lang == "en" else w.one(lang, look.label) for look in SELF_LOOKS[spec.action_scheme].values())

    def para(message: str, **values: Any) -> list[tuple[str, bool]]:
        return [(text, False) for text in w.paragraphs(message, **values)]

    return [
        ("", False),
        (w.heading(N_("The Actions sheet: progress on actions and commitments")), True),
        *para(N_("%(count)s actions are due an update this quarter. For each, in the pale yellow cells:"), count=len(spec.actions)),
        *para(N_("1. Status: choose from the list (Not started, In progress, Completed, Deferred, Ongoing, Cancelled).")),
        *para(N_("2. %% complete: a number from 0 to 100 (45 or 45%% both work). Rating: your own assessment, from the list: %(ratings)s."), ratings=ratings),
        *para(N_("3. Completion date for a completed action (it must be 100%%); a revised due date if the action will be late, with the reason.")),
        *para(
            N_(
                "4. Commentary: what was done this quarter. Required when the action is rated amber or red, is behind the expected %% complete, "
                "or is past its due date. The Check column says what is still needed as you type."
            )
        ),
        *para(N_("An action last reported completed or cancelled can be left blank: its last update stands.")),
    ]


def write_actions_sheet(ws: Any, spec: ReturnSpec, f: Any, password: str | None, input_fill: str) -> None:
    w = spec.words
    ws.write_string(0, 0, _title(spec, N_("%(title)s: actions and commitments")), f.title)
    ws.write_string(1, 0, w.heading(N_("Return by %(deadline)s. Fill in the pale yellow cells only; see the Instructions sheet."), deadline=spec.deadline_in))
    for i, (column, label) in enumerate(zip(al.COLUMNS, al.labels_in(spec.languages), strict=True)):
        ws.write_string(al.HEADER_ROW - 1, i, label, f.header)
        ws.set_column(i, i, column.width)
    labels = al.labels_in(spec.languages)
    ws.set_row(al.HEADER_ROW - 1, 45 if w.english_only else header_height(labels, tuple(c.width for c in al.COLUMNS), 45))
    for pos, a in enumerate(spec.actions):
        _write_row(ws, al.row_of(pos), a, spec, f, input_fill)
    first, last = al.FIRST_ROW - 1, al.row_of(len(spec.actions) - 1) - 1
    col = al.col_index
    ratings = rating_choices(spec.action_scheme, spec.languages)
    statuses = [al.sheet_words(spec.languages).status[c] for c in al.STATUS_CHOICES]
    h, ln = w.heading, w.lines
    status_error = "\n".join(
        w.one(lang, N_("Choose a status from the list: %(choices)s."), choices=", ".join(statuses if lang != "en" or w.english_only else al.STATUS_CHOICES))
        for lang in w.languages
    )
    rules: list[tuple[str, dict[str, Any]]] = [
        ("status", {"validate": "list", "source": statuses, "input_title": h(N_("Status"))[:32], "input_message": ln(N_("Choose from the list."))[:255],
                    "error_title": h(N_("Not on the list"))[:32], "error_message": status_error[:255]}),
        ("percent", {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100, "input_title": h(N_("% complete"))[:32],
                     "input_message": ln(N_("How far through the action is, from 0 to 100 (45 or 45%).")), "error_title": h(N_("Not a % complete"))[:32],
                     "error_message": ln(N_("Type a number from 0 to 100, such as 45 (or 45%)."))[:255]}),
        ("rating", {"validate": "list", "source": ratings, "input_title": h(N_("Rating"))[:32], "input_message": ln(N_("Your own assessment: choose from the list."))[:255],
                    "error_title": h(N_("Not on the list"))[:32], "error_message": ln(N_("Choose a rating from the list."))[:255]}),
        ("commentary", {"validate": "length", "criteria": "<=", "value": 4000, "input_title": h(N_("Commentary"))[:32],
                        "input_message": ln(N_("What was done this quarter; if behind, why, and what is being done."))[:255],
                        "error_title": h(N_("Too long"))[:32], "error_message": ln(N_("Please keep commentary under 4,000 characters."))[:255]}),
    ]  # fmt: skip
    for key, title in (("revised_due", h(N_("Revised due date"))), ("completed_on", h(N_("Completion date")))):
        rules.append(
            (key, {"validate": "date", "criteria": "between", "minimum": _dt(2000), "maximum": _dt(2100), "input_title": title[:32],
                   "input_message": ln(N_("A date, such as 24/07/2026."))[:255], "error_title": h(N_("Not a date"))[:32], "error_message": ln(N_("Type a date, such as 24/07/2026."))[:255]})
        )  # fmt: skip
    for key, rule in rules:
        ws.data_validation(first, col(key), last, col(key), {"ignore_blank": True, **rule})
    progress_ref = f"${al.col_letter('progress')}{al.FIRST_ROW}"
    for code, fill in (("complete", "#BCD7F5"), ("on_track", "#B7E1B0"), ("monitor", "#FFE08A"), ("off_track", "#F4B6B0")):
        label = al.sheet_words(spec.languages).live[code]
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
    ws.set_margins(left=PRINT_MARGIN, right=PRINT_MARGIN, top=0.75 if spec.languages == ("en",) else 1.0, bottom=0.6)
    ws.set_print_scale(print_scale())
    ws.repeat_rows(al.HEADER_ROW - 1)
    ws.repeat_columns(col(al.PRINT_REPEATED[0]), col(al.PRINT_REPEATED[-1]))
    ws.set_v_pagebreaks([col(page[0]) for page in al.PRINT_PAGES[1:]])
    ws.print_across()
    right = w.heading(N_("Return by %(deadline)s"), deadline=spec.deadline_in).replace("&", "&&")
    title = _title(spec, N_("%(title)s: actions")).replace("&", "&&")[: min(180, 250 - len(right))]
    if not w.english_only:  # longer: the council, the name and the period each on a line, each language's deadline on its own
        title, right = title.replace(": ", ":\n", 1).replace(", ", ",\n", 1), right.replace(" / ", "\n")
    ws.set_header(f"&L{title}&R{right}")
    ws.set_footer("&C" + w.heading(N_("Page %(page)s of %(pages)s"), page="&P", pages="&N"))
    ws.protect(password, {"format_columns": True, "format_rows": True})


def _title(spec: ReturnSpec, message: str) -> str:
    """``Council: Directorate, Quarter 2 2026-27 (July to September 2026): actions``, in each language."""
    w = spec.words
    if w.english_only:
        return message % {"title": f"{spec.council}: {spec.name}, {spec.period.label}"}
    head = f"{spec.shown_council}: {spec.shown_name}, "
    return head + " / ".join(dict.fromkeys(w.one(lang, message, title=period_label(spec.period, lang)) for lang in w.languages))


def _dt(year: int) -> Any:
    import datetime as dt

    return dt.date(year, 1, 1)


def _write_row(ws: Any, r: int, a: ActionSpec, spec: ReturnSpec, f: Any, input_fill: str) -> None:
    x = r - 1
    col = al.col_index
    lines = max(INPUT_LINES, len(a.action.milestones), -(-len(a.action.title) // 34), -(-len(str(a.shown["last_commentary"] or "")) // 32))
    if spec.languages != ("en",):  # Welsh, or both languages: longer titles, kinds and milestones, wrapped
        texts = (str(a.locked["title"]), str(a.locked["kind"]), str(a.locked["milestones"]))
        lines = max(lines, *(sum(-(-len(part) // 28) for part in t.split("\n")) for t in texts))
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
    words = al.sheet_words(spec.languages)
    ws.write_formula(x, col("progress"), al.progress_formula(r, elapsed, span, words), f.get(), "")
    ws.write_formula(x, col("check"), al.check_formula(r, needs_words(spec.languages), a.overdue_at_end, words), f.get(), "")
