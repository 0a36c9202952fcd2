"""Write the pre-populated updater workbooks that go out each quarter (``pmf generate``).

Workbooks are written with XlsxWriter (fast, write-only; about 10x quicker than openpyxl for
these files), through the layout module. Only input cells are unlocked and every sheet is
protected with a password (``workbook.protection``); the identification sheet is very hidden
(Excel's menus cannot unhide it). XlsxWriter cannot lock the workbook's structure; adding or
renaming sheets is caught when the return comes back instead.

Both sheets print on A4: the Instructions portrait, one page wide, each row as tall as its wrapped
text; the Return landscape, each band of PIs on three pages side by side (``layout.PRINT_PAGES``)
at a scale that keeps the text readable, with PI ref, Title and the header row on every page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from pmf_pipeline import __version__
from pmf_pipeline.config.models import Config, Unit
from pmf_pipeline.master.earlier import EarlierFigures
from pmf_pipeline.periods import Period
from pmf_pipeline.rules.numbers import NO_DATA_WORDS, WELSH_NO_DATA_WORDS
from pmf_pipeline.workbook import action_layout, layout
from pmf_pipeline.workbook.action_sheet import write_actions_sheet
from pmf_pipeline.workbook.action_spec import LastActions
from pmf_pipeline.workbook.instructions import live_labels, write_instructions
from pmf_pipeline.workbook.protection import new_password
from pmf_pipeline.workbook.spec import TEMPLATE_VERSION, ReturnSpec, RowSpec, build_spec
from pmf_pipeline.workbook.words import N_, SEPARATOR, Words, header_height, period_label

NO_DATA_OFFERED = tuple(sorted(NO_DATA_WORDS))  # every spelling of 'no figure' the reader accepts, accepted as typed too
# A Welsh or bilingual workbook's: the shorter Welsh words too (the reader takes them all; a data
# validation formula must stay within Excel's 255 characters, whatever the row and the PI's range).
NO_DATA_OFFERED_CY = tuple(sorted(NO_DATA_WORDS | {w for w in WELSH_NO_DATA_WORDS if len(w) <= 12}))
_NUMBER_FORMATS = {0: "#,##0", 1: "#,##0.0", 2: "#,##0.00", 3: "#,##0.000", 4: "#,##0.0000"}


@dataclass(frozen=True)
class Generated:
    path: Path
    directorate: str
    service: str | None
    pis: int
    actions: int = 0


def workbook_name(spec: ReturnSpec) -> str:
    """A file name a coordinator recognises: period, directorate (and service), 'return'."""
    who = spec.directorate_name + (f" - {spec.service_name}" if spec.service_name else "")
    safe = re.sub(r"[^A-Za-z0-9 ,&()-]+", "", who).strip().replace(" ", "_")
    return f"{spec.period}_{spec.directorate}{'-' + spec.service if spec.service else ''}_{safe}_return.xlsx"


def specs_for(
    config: Config,
    period: Period,
    by_service: bool = False,
    directorates: list[str] | None = None,
    earlier: EarlierFigures | None = None,
    last_actions: LastActions | None = None,
) -> list[ReturnSpec]:
    """The returns asked for: every directorate (or service) with PIs or actions due."""
    out = []
    for d in config.framework.directorates:
        if directorates and d.code not in directorates:
            continue
        for service in [s.code for s in d.services] if by_service else [None]:
            spec = build_spec(config, period, d.code, service, earlier, last_actions)
            if spec.rows or spec.actions:
                out.append(spec)
    return out


def generate(
    config: Config,
    period: Period,
    out_dir: str | Path,
    by_service: bool = False,
    directorates: list[str] | None = None,
    generated_at: dt.datetime | None = None,
    on_progress: Callable[[Generated], None] | None = None,
    earlier: EarlierFigures | None = None,
    password: str | None = None,
    last_actions: LastActions | None = None,
) -> list[Generated]:
    """Write one updater workbook per directorate (or per service) for ``period`` into ``out_dir``.

    ``earlier`` are the figures shown as earlier this year and the same quarter last year: those
    frozen with the period (``master.earlier.figures_for_workbooks``); without them, the
    configuration's history only.

    Sheets are protected with ``password`` (``protection.sheet_password`` gives the one the team
    keeps), else framework.yaml's ``sheet_password``, else a random one nobody keeps.

    ``last_actions`` are the actions' updates of the quarter before (by action ref), shown on the
    Actions sheet; without them, those of ``action_history.csv``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    when = generated_at or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    password = password or config.framework.sheet_password or new_password()
    done = []
    for spec in specs_for(config, period, by_service, directorates, earlier, last_actions):
        path = out / workbook_name(spec)
        write_workbook(spec, path, when, password)
        g = Generated(path, spec.directorate, spec.service, len(spec.rows), len(spec.actions))
        done.append(g)
        if on_progress:
            on_progress(g)
    return done


class _Formats:
    """The workbook's cell formats, made once."""

    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"text_wrap": True, "valign": "top", "border": 1, "border_color": "#999999"}
        self.wb = wb
        self.base = base
        self.cache: dict[tuple[Any, ...], Any] = {}
        self.header = wb.add_format({**base, "bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3864", "valign": "vcenter"})
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.cf_fill = {
            k: wb.add_format({"bg_color": c, "bold": True}) for k, c in (("off_target", "#F4B6B0"), ("within_tolerance", "#FFE08A"), ("met", "#B7E1B0"))
        }
        self.cf_check = wb.add_format({"bg_color": "#F4B6B0", "bold": True, "font_color": "#9C0006"})

    def get(self, number_format: str | None = None, unlocked: bool = False, fill: str | None = None) -> Any:
        key = (number_format, unlocked, fill)
        if key not in self.cache:
            props: dict[str, Any] = dict(self.base)
            if number_format:
                props["num_format"] = number_format
            if unlocked:
                props["locked"] = False
            if fill:
                props["bg_color"] = fill
            self.cache[key] = self.wb.add_format(props)
        return self.cache[key]


INPUT_FILL, NA_FILL = "#FFF9E5", "#D9D9D9"


class _ClassicFormulas(Worksheet):  # type: ignore[misc]
    """A worksheet whose formulas use only classic functions (IF, ROUND, ISNUMBER, AND, OR, LEN, TRIM, LEFT).

    XlsxWriter runs about 30 regular expressions over every formula to prefix dynamic-array
    functions with _xlfn; none can occur in ours, and skipping them makes generation about a
    quarter faster. tests/test_generate.py reads the formulas back and recalculates them in LibreOffice.
    """

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        return formula[1:] if formula.startswith("=") else formula


def write_workbook(spec: ReturnSpec, path: Path, generated_at: dt.datetime, password: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False, "in_memory": True})
    naive = generated_at.replace(tzinfo=None)
    wb.set_properties({"title": f"{spec.name}: {spec.period.label}", "company": spec.council, "created": naive})
    formats = _Formats(wb)
    write_instructions(wb.add_worksheet(layout.INSTRUCTIONS_SHEET), spec, wb, password)
    _return_sheet(wb.add_worksheet(layout.RETURN_SHEET, worksheet_class=_ClassicFormulas), spec, formats, password)
    if spec.actions:
        write_actions_sheet(wb.add_worksheet(action_layout.ACTIONS_SHEET, worksheet_class=_ClassicFormulas), spec, formats, password, INPUT_FILL)
    _metadata(wb.add_worksheet(layout.META_SHEET), spec, generated_at, password)
    wb.worksheets()[0].activate()
    wb.close()
    tmp.replace(path)


def _return_sheet(ws: Any, spec: ReturnSpec, f: _Formats, password: str | None) -> None:
    w = spec.words
    ws.write_string(layout.TITLE_ROW - 1, 0, _title(spec), f.title)
    subtitle = w.heading(N_("Return by %(deadline)s. Fill in the pale yellow cells only; see the Instructions sheet."), deadline=spec.deadline_in)
    ws.write_string(layout.SUBTITLE_ROW - 1, 0, subtitle)
    for i, (col, label) in enumerate(zip(layout.COLUMNS, layout.labels_in(spec.languages), strict=True)):
        ws.write_string(layout.HEADER_ROW - 1, i, label, f.header)
        ws.set_column(i, i, col.width)
    labels = layout.labels_in(spec.languages)
    ws.set_row(layout.HEADER_ROW - 1, 32 if w.english_only else header_height(labels, tuple(c.width for c in layout.COLUMNS), 32))
    for pos, row_spec in enumerate(spec.rows):
        _write_row(ws, layout.row_of(pos), row_spec, f, w)
    if spec.rows:
        first, last = layout.FIRST_ROW - 1, layout.row_of(len(spec.rows) - 1) - 1
        comment_col = layout.col_index("comment")
        ws.data_validation(  # the same rule for every row's Comment: one rule over the column, not one per cell
            first,
            comment_col,
            last,
            comment_col,
            {
                "validate": "length",
                "criteria": "<=",
                "value": 4000,
                "ignore_blank": True,
                "input_title": w.heading(N_("Comment"))[:32],
                "input_message": w.lines(N_("Why the figure is what it is, and what is being done if it is off target."))[:255],
                "error_title": w.heading(N_("Too long"))[:32],
                "error_message": w.lines(N_("Please keep comments under 4,000 characters."))[:255],
            },
        )
        status_col, check_col = layout.col_index("status"), layout.col_index("check")
        status_ref = f"${layout.col_letter('status')}{layout.FIRST_ROW}"
        live = live_labels(spec.languages)
        for key in ("off_target", "within_tolerance", "met"):
            label = live[key]
            ws.conditional_format(
                first, status_col, last, status_col, {"type": "formula", "criteria": f'=LEFT({status_ref},{len(label)})="{label}"', "format": f.cf_fill[key]}
            )
        ws.conditional_format(
            first, check_col, last, check_col, {"type": "formula", "criteria": f"=LEN(${layout.col_letter('check')}{layout.FIRST_ROW})>0", "format": f.cf_check}
        )
    ws.freeze_panes(layout.FIRST_ROW - 1, layout.col_index("definition"))
    _print_return(ws, spec)
    ws.protect(password, {"format_columns": True, "format_rows": True})


A4_LONG_SIDE, PRINT_MARGIN = 11.69, 0.4  # inches


def print_scale() -> int:
    """The Return sheet's print scale (%): the widest of ``layout.PRINT_PAGES``, with PI ref and Title,
    fills an A4 landscape page in Calibri, with a little to spare. (Where a wider font stands in for
    Calibri, a page's last columns move to a page of their own: nothing is cut or shrunk further.)"""
    printable = (A4_LONG_SIDE - 2 * PRINT_MARGIN) * 96
    widest = max(sum(layout.width_pixels(k) for k in layout.PRINT_REPEATED + page) for page in layout.PRINT_PAGES)
    return min(100, int(printable / widest * 92))


def _print_return(ws: Any, spec: ReturnSpec) -> None:
    """Landscape A4, three pages across per band of PIs, printed band by band (not all the first pages,
    then all the second), from the header row down: the title and deadline are in each page's header."""
    ws.print_area(layout.HEADER_ROW - 1, 0, layout.row_of(max(len(spec.rows), 1) - 1) - 1, len(layout.COLUMNS) - 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=PRINT_MARGIN, right=PRINT_MARGIN, top=0.75 if spec.languages == ("en",) else 1.0, bottom=0.6)
    ws.set_print_scale(print_scale())
    ws.repeat_rows(layout.HEADER_ROW - 1)
    ws.repeat_columns(layout.col_index(layout.PRINT_REPEATED[0]), layout.col_index(layout.PRINT_REPEATED[-1]))
    ws.set_v_pagebreaks([layout.col_index(page[0]) for page in layout.PRINT_PAGES[1:]])
    ws.print_across()
    w = spec.words
    right = w.heading(N_("Return by %(deadline)s"), deadline=spec.deadline_in).replace("&", "&&")
    title = _title(spec).replace("&", "&&")[: min(180, 250 - len(right))]  # Excel's limit is 255 characters in all
    if not w.english_only:  # longer: the council, the name and the period each on a line, each language's deadline on its own
        title, right = title.replace(": ", ":\n", 1).replace(", ", ",\n", 1), right.replace(" / ", "\n")
    ws.set_header(f"&L{title}&R{right}")
    ws.set_footer("&C" + w.heading(N_("Page %(page)s of %(pages)s"), page="&P", pages="&N"))


def _title(spec: ReturnSpec) -> str:
    """``Council: Directorate, Quarter 2 2026-27 (July to September 2026)``, the period in each language."""
    period = SEPARATOR.join(dict.fromkeys(period_label(spec.period, lang) for lang in spec.languages))
    return f"{spec.shown_council}: {spec.shown_name}, {period}"


def _write_row(ws: Any, r: int, row: RowSpec, f: _Formats, w: Words) -> None:
    """One PI's row; ``r`` is the 1-based worksheet row."""
    pi = row.pi
    x = r - 1
    number = _NUMBER_FORMATS[pi.decimals]
    ws.set_row(x, _row_height(row))
    for key, value in row.locked.items():
        c = layout.col_index(key)
        if value is None:
            ws.write_blank(x, c, None, f.get())
        elif isinstance(value, str):
            ws.write_string(x, c, value, f.get())
        else:
            ws.write_number(x, c, float(str(value)), f.get(number))
    lo, hi = pi.valid_range
    in_range = w.one("en", N_("between %(lo)s and %(hi)s"), lo=lo, hi=hi) if (lo is not None and hi is not None) else w.one("en", N_("a number"))
    col = layout.col_index
    # A percentage typed by hand keeps the General format, so that '51.2%' typed in Excel or LibreOffice is
    # stored with a percent format the reader recognises (a fixed number format hides it in LibreOffice).
    typed_pct = pi.unit is Unit.percentage and not pi.calculation
    actual_fmt = f.get(None if typed_pct else "£#,##0" if pi.unit is Unit.currency else number, unlocked=True, fill=INPUT_FILL)
    if pi.narrative:
        ws.write_blank(x, col("actual"), None, f.get(unlocked=True, fill=INPUT_FILL))
        ws.data_validation(
            x,
            col("actual"),
            x,
            col("actual"),
            {
                "validate": "length",
                "criteria": "<=",
                "value": 4000,
                "input_title": w.heading(N_("Progress this quarter"))[:32],
                "input_message": w.lines(N_("Describe progress in a few sentences."))[:255],
                "error_title": w.heading(N_("Too long"))[:32],
                "error_message": w.lines(N_("Please keep this under 4,000 characters."))[:255],
            },
        )
    else:
        prompt, error = _actual_prompts(row, w, lo, hi, in_range)
        offered = NO_DATA_OFFERED if w.english_only else NO_DATA_OFFERED_CY
        ws.data_validation(x, col("actual"), x, col("actual"), {
            "validate": "custom", "value": layout.input_rule(r, lo, hi, offered), "ignore_blank": True,
            "input_title": pi.ref[:32], "input_message": prompt[:255], "error_title": w.heading(N_("Not a number in range"))[:32],
            "error_message": error[:255],
        })  # fmt: skip
        if pi.calculation:
            ws.write_formula(x, col("actual"), layout.calculated_actual_formula(r, pi.calculation.multiplier), actual_fmt, "")
            for key, what in (("numerator", pi.calculation.numerator), ("denominator", pi.calculation.denominator)):
                ws.write_blank(x, col(key), None, f.get(unlocked=True, fill=INPUT_FILL))
                ws.data_validation(x, col(key), x, col(key), {
                    "validate": "decimal", "criteria": ">=", "value": 0, "ignore_blank": True, "input_title": _part_title(key, w)[:32],
                    "input_message": what[:255], "error_title": w.heading(N_("Not a number"))[:32], "error_message": _part_error(key, what, w)[:255],
                })  # fmt: skip
        else:
            ws.write_blank(x, col("actual"), None, actual_fmt)
    if not pi.calculation:
        for key in ("numerator", "denominator"):
            ws.write_blank(x, col(key), None, f.get(fill=NA_FILL))
    ws.write_blank(x, col("evidence"), None, f.get(unlocked=pi.evidence_required, fill=INPUT_FILL if pi.evidence_required else NA_FILL))
    for key in ("comment", "updated_by", "verified_by"):
        ws.write_blank(x, col(key), None, f.get(unlocked=True, fill=INPUT_FILL))
    bands = row.bands
    if bands is not None:
        ws.write_formula(
            x,
            col("status"),
            layout.status_formula(r, pi.decimals, bands.better, bands.met, bands.tolerance, live_labels(w.languages), percent=typed_pct),
            f.get(),
            "",
        )
    else:
        if pi.narrative:
            why = w.heading(N_("Not rated (narrative)"))
        elif not pi.rated:
            why = w.heading(N_("Not rated (context)"))
        else:
            why = w.heading(N_("Not rated (no target)"))
        ws.write_string(x, col("status"), why, f.get())
    if pi.rated or pi.evidence_required:
        better = 1 if pi.polarity.value == "higher" else -1
        fraction = typed_pct and row.target is not None and row.target >= 5
        formula = layout.check_formula(
            r,
            pi.decimals,
            live_labels(w.languages)["off_target"],
            row.significant_decline_below,
            better,
            pi.evidence_required,
            percent=typed_pct,
            fraction_check=fraction,
            words=layout.CHECK_WORDS if w.english_only else layout.check_words(w.languages),
        )
        ws.write_formula(x, col("check"), formula, f.get(), "")
    else:
        ws.write_blank(x, col("check"), None, f.get())


def _actual_prompts(row: RowSpec, w: Words, lo: object, hi: object, in_range_en: str) -> tuple[str, str]:
    """The Actual cell's prompt and error message, in each language (Welsh first)."""
    pi = row.pi
    prompts, errors = [], []
    for lang in w.languages:
        if lang == "en":  # as English workbooks always wrote it
            target_text = f" Target this quarter: {row.target:,}." if row.target is not None else ""
            prompt = f"{pi.polarity.value.capitalize()} is better.{target_text}" if pi.rated else "Context only: no target."
        elif pi.rated:
            better = w.one(lang, N_("Higher is better.") if pi.polarity.value == "higher" else N_("Lower is better."))
            target = "" if row.target is None else " " + w.one(lang, N_("Target this quarter: %(target)s."), target=f"{row.target:,}")
            prompt = better + target
        else:
            prompt = w.one(lang, N_("Context only: no target."))
        if lang == "en":
            in_range = in_range_en
        elif lo is not None and hi is not None:
            in_range = w.one(lang, N_("between %(lo)s and %(hi)s"), lo=lo, hi=hi)
        else:
            in_range = w.one(lang, N_("a number"))
        error = w.one(
            lang,
            N_("Type a number %(range)s for %(ref)s (no £ sign needed), or n/a if there is no figure yet (and say why in the Comment)."),
            range=in_range,
            ref=pi.ref,
        )
        prompts.append(prompt)
        errors.append(error)
    return "\n".join(prompts), "\n".join(errors)


def _part_title(key: str, w: Words) -> str:
    return w.heading(N_("Numerator")) if key == "numerator" else w.heading(N_("Denominator"))


def _part_error(key: str, what: str, w: Words) -> str:
    if key == "numerator":
        return w.lines(N_("Type the numerator as a number (0 or more): %(what)s"), what=what)
    return w.lines(N_("Type the denominator as a number (0 or more): %(what)s"), what=what)


NARRATIVE_LINES = 12  # a narrative PI's Actual is a few sentences of progress: about 300 characters, wrapped


def _row_height(row: RowSpec) -> float:
    """Points for a row tall enough to show its wrapped pre-filled text (spreadsheets do not fit rows written this way)."""
    lines = NARRATIVE_LINES if row.pi.narrative else 1
    for key in ("title", "definition", "earlier"):
        text = str(row.locked[key] or "")
        per_line = max(8, int(layout.BY_KEY[key].width * 1.1))  # characters per line at the default font, roughly
        lines = max(lines, sum(max(1, -(-len(part) // per_line)) for part in text.split("\n")))
    return min(15.0 * lines + 3, 409.0)


def _metadata(ws: Any, spec: ReturnSpec, generated_at: dt.datetime, password: str) -> None:
    values: dict[str, object] = {
        "tool": f"pmf-pipeline {__version__}",
        "template_version": TEMPLATE_VERSION,
        "council": spec.council,
        "period": str(spec.period),
        "directorate": spec.directorate,
        "service": spec.service or "",
        "generated_at": generated_at.isoformat(),
        "fingerprint": spec.fingerprint,
        "rows": json.dumps([[r.pi.ref, r.fingerprint] for r in spec.rows]),
    }
    keys: tuple[str, ...] = layout.META_KEYS
    if spec.languages != ("en",):  # only then, so an English workbook is exactly the one it always was
        values[layout.LANGUAGE_KEY] = ",".join(spec.languages)
        keys += (layout.LANGUAGE_KEY,)
    if spec.actions:  # only then, so a council without actions keeps exactly the workbook it had
        values["actions"] = json.dumps([[a.action.ref, a.fingerprint] for a in spec.actions])
        keys += action_layout.META_KEYS
    for i, key in enumerate(keys):
        ws.write_string(i, 0, key)
        value = values[key]
        if isinstance(value, str):
            ws.write_string(i, 1, value)
        else:
            ws.write_number(i, 1, float(value))  # type: ignore[arg-type]
    ws.very_hidden()
    ws.protect(password)
