"""Export a period of the master dataset as CSV or xlsx, one row per PI, in the committee's words.

The columns a reader reads say what the packs say: figures with their unit and the PI's decimal
places ("51.2%", "£250,000", "4.6 days"), status, trend and rating as the packs' words ("Within
tolerance", "Declined significantly", the scheme's labels). For machines, the same figures as plain
numbers (``*_value``) and the codes (``*_code``) follow at the end, so the first columns stay where
spreadsheets and scripts expect them. ``source`` names the return's file (no local folders) and the
cell: "2026-27-Q2_CR_Corporate_Resources_return.xlsx, Return!F12".

``open_data=True`` (``pmf export --open-data``) leaves out what the published packs do not show: who
updated and verified each figure, evidence references and source files, which may name staff.

No text, from a return or the configuration, can run as a formula in an export: in CSV a text cell
that begins with ``=``, ``+``, ``-``, ``@``, tab or carriage return is prefixed with an apostrophe
(the OWASP advice for CSV injection); in xlsx every text cell is written as a string, never a
formula. Numbers are not text: the figures are written as numbers in both, a negative one too.
Typed text is cleaned for display on the way out (``rules.text.display_text``). Both files are
written whole or not at all (``rules.writing.replacing``).
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path, PureWindowsPath
from typing import Any

from pmf_pipeline.master.results import PIResult
from pmf_pipeline.periods import Period
from pmf_pipeline.rules.status import STATUS_LOOKS, TREND_LOOKS, Look, as_reported, rating_looks
from pmf_pipeline.rules.text import csv_safe, is_plain_number, put
from pmf_pipeline.rules.units import excel_format, figure
from pmf_pipeline.rules.writing import replacing

COLUMNS = (
    "period",
    "directorate",
    "pi_ref",
    "title",
    "type",
    "unit",
    "polarity",
    "target",
    "actual",
    "status",
    "trend",
    "rating",
    "previous_year_actual",
    "comment",
    "evidence",
    "updated_by",
    "verified_by",
    "awaiting_correction",
    "source",
    "status_code",
    "trend_code",
    "rating_code",
    "target_value",
    "actual_value",
    "previous_year_value",
)
# Left out of an open-data export: names of staff, and internal references that may hold them.
NOT_PUBLISHED = ("evidence", "updated_by", "verified_by", "source")
VALUES = ("target_value", "actual_value", "previous_year_value")


def columns(open_data: bool = False) -> tuple[str, ...]:
    return tuple(c for c in COLUMNS if not (open_data and c in NOT_PUBLISHED))


NUMERIC = frozenset(VALUES)  # the figures as plain numbers: written unguarded in CSV, as numbers in xlsx (a negative one too)


def _d(v: Decimal | None) -> str:
    return "" if v is None else format(v, "f")


def _value(v: Decimal | None, decimals: int) -> str:
    """A figure as a plain number at the PI's decimal places ("2.10", not "2.1" beside "2.60")."""
    return _d(None if v is None else as_reported(v, decimals))


def _source(source: str) -> str:
    """'file, sheet!cell' with the file's folders removed (a coordinator's inbox path is nobody else's business)."""
    where, sep, cell = source.rpartition(", ")
    if not sep:
        return source  # "history", or nothing
    return f"{PureWindowsPath(where).name}, {cell}"  # PureWindowsPath splits on both \\ and /


def rows(results: list[PIResult], ratings: dict[str, Look] | None = None, open_data: bool = False) -> list[dict[str, object]]:
    """One dict per PI; ``ratings`` are the scheme's looks with the framework's labels (default: three levels)."""
    looks = ratings or STATUS_LOOKS
    out = []
    for r in results:
        pi = r.pi
        row: dict[str, object] = {
            "period": str(r.period),
            "directorate": pi.directorate,
            "pi_ref": pi.ref,
            "title": pi.title,
            "type": pi.type,
            "unit": pi.unit.value,
            "polarity": pi.polarity.value,
            "target": "" if r.target is None else figure(r.target, pi.unit, pi.decimals),
            "actual": (r.text or "") if pi.narrative else ("" if r.actual is None else figure(r.actual, pi.unit, pi.decimals)),
            "status": STATUS_LOOKS[r.status].label,
            "trend": TREND_LOOKS[r.trend].label,
            "rating": looks[r.rating].label if r.rating in looks else r.rating,
            "previous_year_actual": "" if r.previous_year_actual is None else figure(r.previous_year_actual, pi.unit, pi.decimals),
            "comment": r.comment,
            "evidence": r.evidence,
            "updated_by": r.updated_by,
            "verified_by": r.verified_by,
            "awaiting_correction": "yes" if r.awaiting_correction else "",
            "source": _source(r.source),
            "status_code": r.status,
            "trend_code": r.trend,
            "rating_code": r.rating,
            "target_value": _value(r.target, pi.decimals),
            "actual_value": "" if pi.narrative else _value(r.actual, pi.decimals),
            "previous_year_value": _value(r.previous_year_actual, pi.decimals),
        }
        out.append({k: row[k] for k in columns(open_data)})
    return out


def export_csv(results: list[PIResult], out: Path, ratings: dict[str, Look] | None = None, open_data: bool = False) -> None:
    with replacing(out) as tmp, tmp.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.DictWriter(f, columns(open_data))
        w.writeheader()
        for row in rows(results, ratings, open_data):
            w.writerow({k: csv_safe(v, number=k in NUMERIC) for k, v in row.items()})


def export_xlsx(results: list[PIResult], out: Path, title: str, ratings: dict[str, Look] | None = None, open_data: bool = False) -> None:
    """The master workbook the team is used to: one sheet, filters, frozen header, statuses coloured and labelled.

    The ``*_value`` columns hold numbers, shown with the PI's unit and decimals (``units.excel_format``)."""
    from openpyxl.styles import PatternFill

    cols = columns(open_data)
    wb, ws = new_sheet("Master", title, cols)
    for result, r in zip(results, rows(results, ratings, open_data), strict=True):
        row_n = ws.max_row + 1
        for col, k in enumerate(cols, start=1):
            v = r[k]
            cell = ws.cell(row=row_n, column=col)
            if k in VALUES and v not in ("", None) and is_plain_number(v):
                cell.value = _number(v)
                cell.number_format = excel_format(result.pi.unit, result.pi.decimals)
            else:
                put(cell, v)  # text stays text, whatever it begins with
        status_cell = ws.cell(row=row_n, column=cols.index("status") + 1)
        look = STATUS_LOOKS.get(result.status)
        if look:
            put(status_cell, f"{look.symbol} {look.label}")
            status_cell.fill = PatternFill("solid", fgColor=look.colour.lstrip("#"))
        trend_cell = ws.cell(row=row_n, column=cols.index("trend") + 1)
        tl = TREND_LOOKS.get(result.trend)
        if tl:
            put(trend_cell, f"{tl.symbol} {tl.label}")
    finish_sheet(wb, ws, cols, ("title", "comment"), out)


def new_sheet(name: str, title: str, cols: tuple[str, ...]) -> tuple[Any, Any]:
    """A workbook of one sheet: the title in A1, then the header row (white on dark blue)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = name
    put(ws["A1"], title)  # the council's name is text, whatever it begins with
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(list(cols))
    for c in ws[2]:
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor="1F3864")
    return wb, ws


def finish_sheet(wb: Any, ws: Any, cols: tuple[str, ...], wide: tuple[str, str], out: Path) -> None:
    """Column widths (``wide``: the title column, then the long-text one), wrapping in those two, the
    header and first columns frozen, filters; the file written whole or not at all."""
    from openpyxl.styles import Alignment

    widths = {wide[0]: 50, wide[1]: 60, "source": 40}
    for i, k in enumerate(cols, start=1):
        ws.column_dimensions[ws.cell(row=2, column=i).column_letter].width = widths.get(k, 14)
    for row in ws.iter_rows(min_row=3):
        for c in row:
            c.alignment = Alignment(vertical="top", wrap_text=cols[c.column - 1] in wide)
    ws.freeze_panes = "D3"
    ws.auto_filter.ref = f"A2:{ws.cell(row=2, column=len(cols)).column_letter}{ws.max_row}"
    with replacing(out) as tmp:
        wb.save(tmp)


def _number(v: object) -> int | float:
    """A figure as an xlsx number (whole numbers as integers)."""
    d = Decimal(str(v))
    return int(d) if d == d.to_integral_value() else float(d)


def export_period(config_dir: str | Path, data_dir: str | Path, period: Period, out: Path, fmt: str = "csv", open_data: bool = False) -> int:
    """Write the period's results to ``out`` (csv or xlsx) with the period's own configuration; the number of PIs.

    ``open_data`` leaves out the columns the published packs do not show (``NOT_PUBLISHED``)."""
    from pmf_pipeline.config.frozen import config_for_period
    from pmf_pipeline.master.results import period_results
    from pmf_pipeline.master.store import Store

    config = config_for_period(config_dir, data_dir, period)
    store = Store(data_dir)
    try:
        results = period_results(config, store, period)
    finally:
        store.close()
    ratings = rating_looks(config.framework.status_scheme.value, config.framework.labels)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        export_csv(results, out, ratings, open_data)
    else:
        export_xlsx(results, out, f"{config.framework.council}: performance indicators, {period.label}", ratings, open_data)
    return len(results)
