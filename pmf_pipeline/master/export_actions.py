"""Export a period's actions and commitments as CSV or xlsx (``pmf export --actions``), one row per action.

The same habits as the PI export (``master.export``): words a reader reads first (status, rating and
the expected-progress rating as the packs say them), then the codes and plain numbers for machines;
``source`` names the return's file without its folders, and the Status cell ("q1.xlsx, Actions!E8"),
or "history". ``update_period`` is the quarter the update was given in: an earlier one when a closed
action's row was left blank and its last update stands. Dates are ISO dates in CSV and date cells in
xlsx. No text can run as a formula; both files are written whole or not at all. ``open_data`` leaves
out who updated each action and the source file.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

from pmf_pipeline.config.plan import ActionStatus
from pmf_pipeline.master.action_results import ActionResult
from pmf_pipeline.master.export import _number, _source, finish_sheet, new_sheet
from pmf_pipeline.periods import Period
from pmf_pipeline.rules.actions import PROGRESS_LOOKS, SELF_LOOKS
from pmf_pipeline.rules.status import Look
from pmf_pipeline.rules.text import csv_safe, is_plain_number, put
from pmf_pipeline.rules.writing import replacing

ACTION_COLUMNS = (
    "period",
    "action_ref",
    "title",
    "kind",
    "directorate",
    "service",
    "owner",
    "objective",
    "aim",
    "status",
    "percent_complete",
    "rating_label",
    "self_rating_label",
    "progress",
    "expected_percent",
    "overdue",
    "exception",
    "start_date",
    "due_date",
    "revised_due",
    "completed_on",
    "commentary",
    "updated_by",
    "carried_over",
    "completed_this_quarter",
    "update_period",
    "source",
    "kind_code",
    "status_code",
    "rating",
    "self_rating",
    "progress_code",
)
NOT_PUBLISHED = ("updated_by", "source")
NUMERIC = frozenset(("percent_complete", "expected_percent"))
DATES = frozenset(("start_date", "due_date", "revised_due", "completed_on"))


def action_columns(open_data: bool = False) -> tuple[str, ...]:
    return tuple(c for c in ACTION_COLUMNS if not (open_data and c in NOT_PUBLISHED))


def _pct(v: Decimal | None, places: int | None = None) -> str:
    if v is None:
        return ""
    if places is not None:
        v = v.quantize(Decimal(1).scaleb(-places))
    return format(v, "f")


def _iso(d: dt.date | None) -> str:
    return "" if d is None else d.isoformat()


def _yes(flag: bool) -> str:
    return "yes" if flag else ""


def _label(code: str, scheme: str) -> str:
    look: Look | None = SELF_LOOKS.get(scheme, {}).get(code) or PROGRESS_LOOKS.get(code)
    return look.label if look else code


def action_rows(results: list[ActionResult], scheme: str, open_data: bool = False) -> list[dict[str, object]]:
    """One dict per action (``scheme``: the framework's action_scheme, for the self-assessed ratings' words)."""
    out = []
    for r in results:
        a, u, rated = r.action, r.update, r.rated
        status = ActionStatus(u.status) if u and u.status else None
        row: dict[str, object] = {
            "period": str(r.period),
            "action_ref": a.ref,
            "title": a.title,
            "kind": r.kind_name,
            "directorate": a.directorate,
            "service": a.service or "",
            "owner": a.owner,
            "objective": a.objective or "",
            "aim": a.aim or "",
            "status": status.label if status else "",
            "percent_complete": _pct(u.percent_complete if u else None),
            "rating_label": rated.look.label,
            "self_rating_label": _label(rated.self_rating, scheme) if rated.self_rating else "",
            "progress": PROGRESS_LOOKS[rated.progress].label,
            "expected_percent": _pct(rated.expected, 1),
            "overdue": _yes(rated.overdue),
            "exception": _yes(rated.exception),
            "start_date": _iso(a.start),
            "due_date": _iso(a.due),
            "revised_due": _iso(u.revised_due if u else None),
            "completed_on": _iso(u.completed_on if u else None),
            "commentary": u.commentary if u else "",
            "updated_by": u.updated_by if u else "",
            "carried_over": _yes(r.carried_over),
            "completed_this_quarter": _yes(r.completed_this_quarter),
            "update_period": str(u.period) if u else "",
            "source": _source(u.where) if u else "",
            "kind_code": a.kind,
            "status_code": u.status or "" if u else "",
            "rating": rated.rating,
            "self_rating": rated.self_rating,
            "progress_code": rated.progress,
        }
        out.append({k: row[k] for k in action_columns(open_data)})
    return out


def export_actions_csv(results: list[ActionResult], out: Path, scheme: str, open_data: bool = False) -> None:
    with replacing(out) as tmp, tmp.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.DictWriter(f, action_columns(open_data))
        w.writeheader()
        for row in action_rows(results, scheme, open_data):
            w.writerow({k: csv_safe(v, number=k in NUMERIC) for k, v in row.items()})


def export_actions_xlsx(results: list[ActionResult], out: Path, title: str, scheme: str, open_data: bool = False) -> None:
    """One sheet, "Actions": filters, frozen header, the reported rating coloured; numbers and dates as such."""
    from openpyxl.styles import PatternFill

    cols = action_columns(open_data)
    wb, ws = new_sheet("Actions", title, cols)
    for result, r in zip(results, action_rows(results, scheme, open_data), strict=True):
        row_n = ws.max_row + 1
        for col, k in enumerate(cols, start=1):
            v = r[k]
            cell = ws.cell(row=row_n, column=col)
            if k in NUMERIC and v not in ("", None) and is_plain_number(v):
                cell.value = _number(v)
                cell.number_format = '0.0"%"' if k == "expected_percent" else '0"%"' if float(cell.value) == int(cell.value) else '0.0#"%"'
            elif k in DATES and v:
                cell.value = dt.date.fromisoformat(str(v))
                cell.number_format = "dd/mm/yyyy"
            else:
                put(cell, v)
        rating_cell = ws.cell(row=row_n, column=cols.index("rating_label") + 1)
        look = result.rated.look
        put(rating_cell, f"{look.symbol} {look.label}")
        rating_cell.fill = PatternFill("solid", fgColor=look.colour.lstrip("#"))
    finish_sheet(wb, ws, cols, ("title", "commentary"), out)


def export_period_actions(config_dir: str | Path, data_dir: str | Path, period: Period, out: Path, fmt: str = "csv", open_data: bool = False) -> int:
    """Write the period's actions to ``out`` (csv or xlsx) with the period's own configuration; the number of actions."""
    from pmf_pipeline.config.frozen import config_for_period
    from pmf_pipeline.master.action_results import period_action_results
    from pmf_pipeline.master.store import Store

    config = config_for_period(config_dir, data_dir, period)
    store = Store(data_dir)
    try:
        results = period_action_results(config, store, period)
    finally:
        store.close()
    scheme = config.framework.action_scheme.value
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        export_actions_csv(results, out, scheme, open_data)
    else:
        export_actions_xlsx(results, out, f"{config.framework.council}: actions and commitments, {period.label}", scheme, open_data)
    return len(results)
