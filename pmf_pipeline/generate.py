"""Write the pre-populated updater workbooks that go out each quarter (``pmf generate``)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from . import __version__, layout
from .config import Config, Unit
from .periods import Period
from .safety import put
from .spec import TEMPLATE_VERSION, ReturnSpec, RowSpec, build_spec
from .status import STATUS_LOOKS

LIVE_LABELS = {
    "met": f"{STATUS_LOOKS['met'].symbol} Met",
    "within_tolerance": f"{STATUS_LOOKS['within_tolerance'].symbol} Within tolerance",
    "off_target": f"{STATUS_LOOKS['off_target'].symbol} Off target",
    "check_value": "? Check the value",
}
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="1F3864")
_INPUT_FILL = PatternFill("solid", fgColor="FFF9E5")
_NA_FILL = PatternFill("solid", fgColor="D9D9D9")
_WRAP = Alignment(wrap_text=True, vertical="top")
_NUMBER_FORMATS = {0: "#,##0", 1: "#,##0.0", 2: "#,##0.00", 3: "#,##0.000", 4: "#,##0.0000"}


@dataclass(frozen=True)
class Generated:
    path: Path
    directorate: str
    service: str | None
    pis: int


def workbook_name(spec: ReturnSpec) -> str:
    """A file name a coordinator recognises: period, directorate (and service), 'return'."""
    who = spec.directorate_name + (f" - {spec.service_name}" if spec.service_name else "")
    safe = re.sub(r"[^A-Za-z0-9 ,&()-]+", "", who).strip().replace(" ", "_")
    return f"{spec.period}_{spec.directorate}{'-' + spec.service if spec.service else ''}_{safe}_return.xlsx"


def specs_for(config: Config, period: Period, by_service: bool = False, directorates: list[str] | None = None) -> list[ReturnSpec]:
    out = []
    for d in config.framework.directorates:
        if directorates and d.code not in directorates:
            continue
        if by_service:
            for s in d.services:
                spec = build_spec(config, period, d.code, s.code)
                if spec.rows:
                    out.append(spec)
        else:
            spec = build_spec(config, period, d.code)
            if spec.rows:
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
) -> list[Generated]:
    """Write one updater workbook per directorate (or per service) for ``period`` into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    when = generated_at or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    done = []
    for spec in specs_for(config, period, by_service, directorates):
        path = out / workbook_name(spec)
        write_workbook(spec, path, when, config.framework.sheet_password)
        g = Generated(path, spec.directorate, spec.service, len(spec.rows))
        done.append(g)
        if on_progress:
            on_progress(g)
    return done


def write_workbook(spec: ReturnSpec, path: Path, generated_at: dt.datetime, password: str | None = None) -> None:
    wb = Workbook()
    _instructions(wb.active, spec)
    ws = wb.create_sheet(layout.RETURN_SHEET)
    _return_sheet(ws, spec, password)
    _metadata(wb.create_sheet(layout.META_SHEET), spec, generated_at)
    wb.active = 0
    wb.security = WorkbookProtection(lockStructure=True)
    tmp = path.with_suffix(".tmp")
    wb.save(tmp)
    tmp.replace(path)


def _instructions(ws, spec: ReturnSpec) -> None:  # type: ignore[no-untyped-def]
    ws.title = layout.INSTRUCTIONS_SHEET
    ws.sheet_view.showGridLines = False
    ws.column_dimensions["A"].width = 110
    tol = sorted({f"{r.tolerance * 100:g}%" for r in spec.rows})
    lines: list[tuple[str, Font | None]] = [
        (f"{spec.council}", Font(bold=True, size=16)),
        (f"Quarterly performance return: {spec.name}", Font(bold=True, size=14)),
        (f"Period: {spec.period.label}", Font(size=12)),
        (f"Please return by: {spec.deadline}", Font(bold=True, size=12, color="9C0006")),
        ("", None),
        ("Who this is for", Font(bold=True, size=12)),
        (f"The updaters of {spec.name}, and the PI owners who verify their figures ({len(spec.rows)} PIs are due this period).", None),
        ("", None),
        ("What to fill in (on the 'Return' sheet, in the pale yellow cells)", Font(bold=True, size=12)),
        ("1. Actual: this quarter's figure, as a plain number (85 for 85%; no units needed). Cumulative PIs are reported year to date.", None),
        ("2. Numerator and Denominator: where the PI is calculated, type these two instead; the Actual is then worked out for you.", None),
        ("3. Comment: what the figure means. Required for every PI shown as off target or 10% or more worse than last year.", None),
        ("4. Evidence ref: the working-papers reference (where the PI asks for one), so audit can trace the figure.", None),
        ("5. Updated by and Verified by: the updater's and the PI owner's names.", None),
        ("If you have no figure yet, leave the cell blank or type n/a and say why in the Comment. Never type 0 for 'no data'.", None),
        ("", None),
        ("What happens to off-target PIs", Font(bold=True, size=12)),
        (
            f"The Status column shows, as you type, how the PI will be reported: {LIVE_LABELS['met']} (on or better than target), "
            f"{LIVE_LABELS['within_tolerance']} (within {', '.join(tol)} of target) or {LIVE_LABELS['off_target']}.",
            None,
        ),
        ("Off-target PIs appear as exceptions in the reports to scrutiny committees and Cabinet, with your comment: say why, and what is being done.", None),
        ("", None),
        ("Please do not", Font(bold=True, size=12)),
        ("Add, delete or reorder rows, or change the pre-filled columns: the return is checked against what was sent and would be rejected.", None),
        ("Save it in another format (keep .xlsx), or rename it. Email it back to the corporate performance team.", None),
    ]
    for i, (text, font) in enumerate(lines, start=1):
        c = ws.cell(row=i, column=1, value=text)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        if font:
            c.font = font
    ws.protection.sheet = True


def _return_sheet(ws, spec: ReturnSpec, password: str | None) -> None:  # type: ignore[no-untyped-def]
    ws.cell(row=layout.TITLE_ROW, column=1, value=f"{spec.council}: {spec.name}, {spec.period.label}").font = Font(bold=True, size=14)
    ws.cell(row=layout.SUBTITLE_ROW, column=1, value=f"Return by {spec.deadline}. Fill in the pale yellow cells only; see the Instructions sheet.")
    for i, col in enumerate(layout.COLUMNS, start=1):
        c = ws.cell(row=layout.HEADER_ROW, column=i, value=col.label)
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = _HEADER_FILL
        c.alignment = Alignment(wrap_text=True, vertical="center")
        c.border = _BORDER
        ws.column_dimensions[c.column_letter].width = col.width
    ws.row_dimensions[layout.HEADER_ROW].height = 32
    validations: dict[tuple, DataValidation] = {}
    for pos, row_spec in enumerate(spec.rows):
        _write_row(ws, layout.row_of(pos), row_spec, validations)
    for dv in validations.values():
        ws.add_data_validation(dv)
    last = layout.row_of(len(spec.rows) - 1)
    status_range = f"{layout.col_letter('status')}{layout.FIRST_ROW}:{layout.col_letter('status')}{last}"
    first_status = layout.cell("status", layout.FIRST_ROW)
    for label, colour in (("off_target", "F4B6B0"), ("within_tolerance", "FFE08A"), ("met", "B7E1B0")):
        ws.conditional_formatting.add(
            status_range,
            FormulaRule(
                formula=[f'LEFT({first_status},{len(LIVE_LABELS[label])})="{LIVE_LABELS[label]}"'],
                fill=PatternFill("solid", bgColor=colour),
                font=Font(bold=True),
            ),
        )
    check_range = f"{layout.col_letter('check')}{layout.FIRST_ROW}:{layout.col_letter('check')}{last}"
    ws.conditional_formatting.add(
        check_range,
        FormulaRule(
            formula=[f"LEN({layout.cell('check', layout.FIRST_ROW)})>0"], fill=PatternFill("solid", bgColor="F4B6B0"), font=Font(bold=True, color="9C0006")
        ),
    )
    ws.freeze_panes = layout.cell("definition", layout.FIRST_ROW)
    ws.print_title_rows = f"{layout.HEADER_ROW}:{layout.HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.oddFooter.center.text = "Page &P of &N"
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # updaters may widen columns and rows
    ws.protection.formatRows = False
    if password:
        ws.protection.password = password


def _validation(store: dict[tuple, DataValidation], key: tuple, **kwargs) -> DataValidation:  # type: ignore[no-untyped-def]
    dv = store.get(key)
    if dv is None:
        dv = DataValidation(allow_blank=True, showErrorMessage=True, showInputMessage=True, **kwargs)
        store[key] = dv
    return dv


def _write_row(ws, r: int, row: RowSpec, validations: dict[tuple, DataValidation]) -> None:  # type: ignore[no-untyped-def]
    pi = row.pi
    fmt = _NUMBER_FORMATS[pi.decimals]
    for key, value in row.locked.items():
        c = ws[layout.cell(key, r)]
        put(c, value)
        c.alignment = _WRAP
        if key in ("annual_target", "target", "last_year"):
            c.number_format = fmt
    for col in layout.COLUMNS:
        c = ws[layout.cell(col.key, r)]
        c.border = _BORDER
        if not c.alignment.wrap_text:
            c.alignment = _WRAP
    lo, hi = pi.valid_range
    lo_s = format(lo, "f") if lo is not None else "-1E+15"
    hi_s = format(hi, "f") if hi is not None else "1E+15"
    in_range = f"between {lo_s} and {hi_s}" if (lo is not None or hi is not None) else "a number"
    inputs: list[str | None] = ["comment", "evidence" if pi.evidence_required else None, "updated_by", "verified_by"]
    if pi.narrative:
        inputs.append("actual")
        dv = _validation(
            validations,
            ("narrative",),
            type="textLength",
            operator="lessThanOrEqual",
            formula1="4000",
            promptTitle="Progress this quarter",
            prompt="Describe progress in a few sentences.",
            errorTitle="Too long",
            error="Please keep this under 4,000 characters.",
        )
        dv.add(layout.cell("actual", r))
    else:
        inputs.append("actual")
        target_text = f" Target this quarter: {row.target:,}." if row.target is not None else ""
        dv = _validation(
            validations,
            ("actual", lo_s, hi_s, pi.ref),
            type="decimal",
            operator="between",
            formula1=lo_s,
            formula2=hi_s,
            promptTitle=pi.ref[:32],
            prompt=f"{pi.polarity.value.capitalize()} is better.{target_text}"[:255] if pi.rated else "Context only: no target.",
            errorTitle="Not a number in range",
            error=f"Type a number {in_range} for {pi.ref} (no % or £ sign needed). Leave blank if there is no figure yet."[:255],
        )
        dv.add(layout.cell("actual", r))
        ws[layout.cell("actual", r)].number_format = fmt
        if pi.calculation:
            inputs += ["numerator", "denominator"]
            ws[layout.cell("actual", r)].value = layout.calculated_actual_formula(r, pi.calculation.multiplier)
            for key, what in (("numerator", pi.calculation.numerator), ("denominator", pi.calculation.denominator)):
                ndv = _validation(
                    validations,
                    (key, what),
                    type="decimal",
                    operator="greaterThanOrEqual",
                    formula1="0",
                    promptTitle=key.capitalize(),
                    prompt=what[:255],
                    errorTitle="Not a number",
                    error=f"Type the {key} as a number (0 or more): {what}"[:255],
                )
                ndv.add(layout.cell(key, r))
    for key in ("numerator", "denominator"):
        if key not in inputs:
            ws[layout.cell(key, r)].fill = _NA_FILL
    if not pi.evidence_required:
        ws[layout.cell("evidence", r)].fill = _NA_FILL
    for unlocked in filter(None, inputs):
        c = ws[layout.cell(unlocked, r)]
        c.protection = Protection(locked=False)
        c.fill = _INPUT_FILL
    for key in ("comment",):
        dv = _validation(
            validations,
            ("comment",),
            type="textLength",
            operator="lessThanOrEqual",
            formula1="4000",
            promptTitle="Comment",
            prompt="Why the figure is what it is, and what is being done if it is off target.",
            errorTitle="Too long",
            error="Please keep comments under 4,000 characters.",
        )
        dv.add(layout.cell(key, r))
    bands = row.bands
    if bands is not None:
        ws[layout.cell("status", r)].value = layout.status_formula(r, pi.decimals, bands.better, bands.met, bands.tolerance, LIVE_LABELS)
    elif pi.narrative:
        ws[layout.cell("status", r)].value = "Not rated (narrative)"
    elif not pi.rated:
        ws[layout.cell("status", r)].value = "Not rated (context)"
    else:
        ws[layout.cell("status", r)].value = "Not rated (no target)"
    if pi.rated or pi.evidence_required:
        better = 1 if pi.polarity.value == "higher" else -1
        ws[layout.cell("check", r)].value = layout.check_formula(
            r, pi.decimals, LIVE_LABELS["off_target"], row.significant_decline_below, better, pi.evidence_required
        )
    if pi.unit is Unit.currency:
        ws[layout.cell("actual", r)].number_format = "£#,##0"


def _metadata(ws, spec: ReturnSpec, generated_at: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    values = {
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
    for i, key in enumerate(layout.META_KEYS, start=1):
        ws.cell(row=i, column=1, value=key)
        ws.cell(row=i, column=2, value=values[key])
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


def iter_rows(spec: ReturnSpec) -> Iterator[tuple[int, RowSpec]]:
    """Worksheet row and spec of each PI, in order."""
    for pos, r in enumerate(spec.rows):
        yield layout.row_of(pos), r
