"""Fill a generated return as an updater would: used for the sample returns, tests and benchmarks.

It opens the workbook that ``pmf generate`` wrote and types into the input cells only, through the
layout module, so a filled return is exactly what comes back from a real updater's Excel (less the
cached formula results, which Excel or LibreOffice add on saving).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl

from pmf_pipeline.periods import Period
from pmf_pipeline.rules.text import put
from pmf_pipeline.workbook import action_layout, layout


@dataclass(frozen=True)
class Entry:
    """What an updater types for one PI. Any field left None is left as it is."""

    actual: object = None
    numerator: object = None
    denominator: object = None
    comment: str | None = None
    evidence: str | None = None
    updated_by: str | None = None
    verified_by: str | None = None


@dataclass(frozen=True)
class ActionEntry:
    """What an updater types for one action on the Actions sheet. Any field left None is left as it is.

    ``status`` and ``rating`` as chosen from the lists ('In progress', 'Green: as planned') or typed;
    ``percent`` a number (45) or text; dates as ``datetime.date`` (a real date cell) or text as typed."""

    status: str | None = None
    percent: object = None
    rating: str | None = None
    revised_due: object = None
    completed_on: object = None
    commentary: str | None = None
    updated_by: str | None = None


ACTION_INPUTS = ("status", "percent", "rating", "revised_due", "completed_on", "commentary", "updated_by")


def fill_return(
    path: str | Path,
    entries: dict[str, Entry],
    out: str | Path | None = None,
    saved_at: dt.datetime | None = None,
    actions: dict[str, ActionEntry] | None = None,
) -> Path:
    """Type ``entries`` (by PI reference) into the return at ``path``, and ``actions`` (by action reference)
    into its Actions sheet; save to ``out`` (default: in place).

    Without ``actions``, every action on the sheet is given a sound update, as a diligent updater
    would from what the sheet shows (``sound_updates``); ``actions={}`` leaves them all blank, and
    a dict types those given only. ``saved_at`` sets the time the workbook records as last saved
    (as Excel does on saving).
    """
    wb = openpyxl.load_workbook(path)
    if action_layout.ACTIONS_SHEET in wb.sheetnames:
        ws_actions = wb[action_layout.ACTIONS_SHEET]
        _fill_actions(ws_actions, sound_updates(ws_actions, _quarter_end(wb)) if actions is None else actions)
    ws = wb[layout.RETURN_SHEET]
    ref_col = layout.col_index("ref") + 1
    row = layout.FIRST_ROW
    while ws.cell(row=row, column=ref_col).value:
        ref = ws.cell(row=row, column=ref_col).value
        entry = entries.get(ref)
        if entry is not None:
            for key in ("numerator", "denominator", "actual", "comment", "evidence", "updated_by", "verified_by"):
                value = getattr(entry, key)
                if value is not None:
                    put(ws[layout.cell(key, row)], value)  # as typed, never a formula
        row += 1
    target = Path(out) if out else Path(path)
    wb.save(target)
    if saved_at is not None:
        _set_saved_at(target, saved_at)
    return target


def _fill_actions(ws: Any, actions: dict[str, ActionEntry]) -> None:
    ref_col = action_layout.col_index("ref") + 1
    row = action_layout.FIRST_ROW
    while ws.cell(row=row, column=ref_col).value:
        entry = actions.get(ws.cell(row=row, column=ref_col).value)
        if entry is not None:
            for key in ACTION_INPUTS:
                value = getattr(entry, key)
                if value is not None:
                    target = ws[action_layout.cell(key, row)]
                    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                        value = dt.datetime.combine(value, dt.time(0))
                    put(target, value)
                    if isinstance(value, dt.datetime):
                        target.number_format = action_layout.DATE_FORMAT
        row += 1


def _quarter_end(wb: Any) -> dt.date:
    meta = {row[0].value: row[1].value for row in wb[layout.META_SHEET].iter_rows(max_col=2) if row[0].value}
    return Period.parse(str(meta["period"])).end_date


def sound_updates(ws: Any, quarter_end: dt.date) -> dict[str, ActionEntry]:
    """A sound update of every action on an Actions sheet, from what it shows: on track (at least the
    expected % and last quarter's), rated as planned, with commentary; an action due by the quarter's
    end completed on its due date; one last reported completed or cancelled left blank."""
    ratings = _list_choices(ws, "rating")
    best = ratings[0] if ratings else "Green"
    green = next((r for r in ratings if r.casefold().startswith(("green", "gwyrdd"))), best)
    # the statuses as the workbook lists them (in its language), in ActionStatus order
    listed = _list_choices(ws, "status")
    status = dict(zip(action_layout.STATUS_CHOICES, listed, strict=True)) if len(listed) == len(action_layout.STATUS_CHOICES) else {}
    completed, in_progress = status.get("Completed", "Completed"), status.get("In progress", "In progress")
    out: dict[str, ActionEntry] = {}
    row = action_layout.FIRST_ROW
    while ref := ws[action_layout.cell("ref", row)].value:
        value = {k: ws[action_layout.cell(k, row)].value for k in ("last_status", "last_percent", "expected", "due")}
        row += 1
        if value["last_status"] in ("Completed", "Cancelled", completed, status.get("Cancelled")):
            continue
        due = value["due"].date() if isinstance(value["due"], dt.datetime) else value["due"]
        if isinstance(due, dt.date) and due <= quarter_end:
            out[ref] = ActionEntry(completed, 100, best, completed_on=due, commentary="Completed as planned.", updated_by="A. Updater")
            continue
        pct = max(math.ceil(float(value["expected"] or 0)), math.ceil(float(value["last_percent"] or 0)))
        out[ref] = ActionEntry(in_progress, min(pct, 100), green, commentary="On plan this quarter.", updated_by="A. Updater")
    return out


def _list_choices(ws: Any, key: str) -> list[str]:
    """A column's drop-down list (Rating, Status), as the workbook offers it."""
    letter = action_layout.col_letter(key)
    for dv in ws.data_validations.dataValidation:
        if dv.type == "list" and str(dv.sqref).startswith(letter):
            return [x for x in (dv.formula1 or "").strip('"').split(",") if x]
    return []


def _set_saved_at(path: Path, when: dt.datetime) -> None:
    """openpyxl stamps 'now' as the last-saved time; put the time the updater saved it instead."""
    with zipfile.ZipFile(path) as zf:
        parts = [(info, zf.read(info)) for info in zf.infolist()]
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, blob in parts:
            if info.filename == "docProps/core.xml":
                blob = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", blob)
            zf.writestr(info, blob)
