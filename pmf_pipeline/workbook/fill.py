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
from decimal import Decimal
from pathlib import Path

import openpyxl

from pmf_pipeline.rules.actions import SELF_LOOKS
from pmf_pipeline.rules.text import put
from pmf_pipeline.workbook import action_layout, layout
from pmf_pipeline.workbook.spec import ReturnSpec


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

    ``saved_at`` sets the time the workbook records as last saved (as Excel does on saving).
    """
    wb = openpyxl.load_workbook(path)
    if actions:
        _fill_actions(wb[action_layout.ACTIONS_SHEET], actions)
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


def _fill_actions(ws: object, actions: dict[str, ActionEntry]) -> None:
    ref_col = action_layout.col_index("ref") + 1
    row = action_layout.FIRST_ROW
    while ws.cell(row=row, column=ref_col).value:  # type: ignore[attr-defined]
        entry = actions.get(ws.cell(row=row, column=ref_col).value)  # type: ignore[attr-defined]
        if entry is not None:
            for key in ACTION_INPUTS:
                value = getattr(entry, key)
                if value is not None:
                    target = ws[action_layout.cell(key, row)]  # type: ignore[index]
                    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                        value = dt.datetime.combine(value, dt.time(0))
                    put(target, value)
                    if isinstance(value, dt.datetime):
                        target.number_format = action_layout.DATE_FORMAT
        row += 1


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


def sound_action_updates(spec: ReturnSpec, updated_by: str = "A. Updater") -> dict[str, ActionEntry]:
    """A sound update of every action a return asks for (on track, with commentary), for tests and benchmarks.

    An action whose plan is past its due date is completed on its due date; one last reported
    completed or cancelled is left blank (its last update stands)."""
    out: dict[str, ActionEntry] = {}
    for a in spec.actions:
        if a.shown["last_status"] in ("Completed", "Cancelled"):
            continue
        best = next(iter(SELF_LOOKS[spec.action_scheme].values())).label
        green = SELF_LOOKS[spec.action_scheme]["green"].label
        if a.expected >= 100:
            out[a.action.ref] = ActionEntry("Completed", 100, best, completed_on=a.action.due, commentary="Completed as planned.", updated_by=updated_by)
            continue
        last = a.shown["last_percent"]
        pct = max(math.ceil(a.expected), int(last) if isinstance(last, Decimal) else 0)
        out[a.action.ref] = ActionEntry("In progress", pct, green, commentary="On plan this quarter.", updated_by=updated_by)
    return out
