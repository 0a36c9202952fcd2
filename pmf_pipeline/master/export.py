"""Export a period of the master dataset as CSV or xlsx, one row per PI.

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
from pathlib import Path

from pmf_pipeline.master.results import PIResult
from pmf_pipeline.periods import Period
from pmf_pipeline.rules.status import STATUS_LOOKS, TREND_LOOKS, as_reported
from pmf_pipeline.rules.text import csv_safe, is_plain_number, put
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
)

NUMERIC = frozenset({"target", "actual", "previous_year_actual"})  # written as numbers wherever they hold one


def _d(v: Decimal | None) -> str:
    return "" if v is None else format(v, "f")


def rows(results: list[PIResult]) -> list[dict[str, object]]:
    return [
        {
            "period": str(r.period),
            "directorate": r.pi.directorate,
            "pi_ref": r.pi.ref,
            "title": r.pi.title,
            "type": r.pi.type,
            "unit": r.pi.unit.value,
            "polarity": r.pi.polarity.value,
            "target": _d(r.target),
            "actual": r.text if r.pi.narrative else _d(None if r.actual is None else as_reported(r.actual, r.pi.decimals)),
            "status": r.status,
            "trend": r.trend,
            "rating": r.rating,
            "previous_year_actual": _d(None if r.previous_year_actual is None else as_reported(r.previous_year_actual, r.pi.decimals)),
            "comment": r.comment,
            "evidence": r.evidence,
            "updated_by": r.updated_by,
            "verified_by": r.verified_by,
            "awaiting_correction": "yes" if r.awaiting_correction else "",
            "source": r.source,
        }
        for r in results
    ]


def export_csv(results: list[PIResult], out: Path) -> None:
    with replacing(out) as tmp, tmp.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.DictWriter(f, COLUMNS)
        w.writeheader()
        for row in rows(results):
            w.writerow({k: csv_safe(v, number=k in NUMERIC) for k, v in row.items()})


def export_xlsx(results: list[PIResult], out: Path, title: str) -> None:
    """The master workbook the team is used to: one sheet, filters, frozen header, statuses coloured and labelled."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "Master"
    put(ws["A1"], title)  # the council's name is text, whatever it begins with
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(list(COLUMNS))
    for c in ws[2]:
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor="1F3864")
    for r in rows(results):
        values = [_number(r[k]) if k in NUMERIC and is_plain_number(r[k]) else r[k] for k in COLUMNS]
        row_n = ws.max_row + 1
        for col, value in enumerate(values, start=1):
            put(ws.cell(row=row_n, column=col), value)  # text stays text, whatever it begins with
        status_cell = ws.cell(row=ws.max_row, column=COLUMNS.index("status") + 1)
        look = STATUS_LOOKS.get(str(r["status"]))
        if look:
            put(status_cell, f"{look.symbol} {r['status']}")
            status_cell.fill = PatternFill("solid", fgColor=look.colour.lstrip("#"))
        trend_cell = ws.cell(row=ws.max_row, column=COLUMNS.index("trend") + 1)
        tl = TREND_LOOKS.get(str(r["trend"]))
        if tl:
            put(trend_cell, f"{tl.symbol} {r['trend']}")
    widths = {"title": 50, "comment": 60, "source": 40}
    for i, k in enumerate(COLUMNS, start=1):
        ws.column_dimensions[ws.cell(row=2, column=i).column_letter].width = widths.get(k, 14)
    for row in ws.iter_rows(min_row=3):
        for c in row:
            c.alignment = Alignment(vertical="top", wrap_text=c.column_letter in ("D", "N"))
    ws.freeze_panes = "D3"
    ws.auto_filter.ref = f"A2:{ws.cell(row=2, column=len(COLUMNS)).column_letter}{ws.max_row}"
    with replacing(out) as tmp:
        wb.save(tmp)


def _number(v: object) -> int | float:
    """A figure as an xlsx number (whole numbers as integers)."""
    d = Decimal(str(v))
    return int(d) if d == d.to_integral_value() else float(d)


def export_period(config_dir: str | Path, data_dir: str | Path, period: Period, out: Path, fmt: str = "csv") -> int:
    """Write the period's results to ``out`` (csv or xlsx) with the period's own configuration; the number of PIs."""
    from pmf_pipeline.config.frozen import config_for_period
    from pmf_pipeline.master.results import period_results
    from pmf_pipeline.master.store import Store

    config = config_for_period(config_dir, data_dir, period)
    store = Store(data_dir)
    try:
        results = period_results(config, store, period)
    finally:
        store.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        export_csv(results, out)
    else:
        export_xlsx(results, out, f"{config.framework.council}: performance indicators, {period.label}")
    return len(results)
