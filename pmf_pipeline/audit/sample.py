"""The PIs internal audit should check against working papers, picked by risk, reproducibly.

Risk weights (added up; every PI has at least 1): a Public Accountability Measure 3; off target 3;
a large swing warning 2; a value that was normalised from what was typed, or held back for
correction, 2; a PI new this year 2. PIs are drawn without replacement with probability in
proportion to their weight, from a seeded generator: the same seed gives the same sample.
The workbook it writes replaces the per-PI certification sheet.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from pmf_pipeline.config.models import Config
from pmf_pipeline.master.results import PIResult
from pmf_pipeline.master.store import Store
from pmf_pipeline.periods import Period
from pmf_pipeline.rules.text import put
from pmf_pipeline.rules.writing import replacing

CONCLUSIONS = ("Agreed to working papers", "Agreed, minor issues", "Not agreed: amend", "Qualified: no working papers")


@dataclass(frozen=True)
class Sampled:
    result: PIResult
    weight: int
    reasons: tuple[str, ...]
    file: str
    sheet: str
    cell: str
    numerator: str
    denominator: str


def risk(r: PIResult, swings: set[str]) -> tuple[int, tuple[str, ...]]:
    reasons = []
    weight = 1
    for cond, w, why in (
        (r.pi.type == "pam", 3, "Public Accountability Measure"),
        (r.status == "off_target", 3, "off target"),
        (r.pi.ref in swings, 2, "large change flagged"),
        (bool(r.normalisation and "worked out" not in r.normalisation), 2, "value normalised from what was typed"),
        (r.awaiting_correction, 2, "held back for correction"),
        (r.pi.new, 2, "new PI"),
    ):
        if cond:
            weight += w
            reasons.append(why)
    return weight, tuple(reasons)


def draw(results: list[PIResult], store: Store, n: int, seed: int) -> list[Sampled]:
    period = str(results[0].period) if results else ""
    swings = store.pis_with_finding(period, "suspicious_swing")
    values = store.values(period)
    files = {sid: archive for sid, (_, archive) in store.submission_files(period).items()}
    pool = [(r, *risk(r, swings)) for r in results if r.pi.ref in values and values[r.pi.ref]["source"] == "return"]
    rng = random.Random(seed)
    picked: list[Sampled] = []
    while pool and len(picked) < n:
        total = sum(w for _, w, _ in pool)
        x = rng.uniform(0, total)
        for i, (r, w, why) in enumerate(pool):
            x -= w
            if x <= 0 or i == len(pool) - 1:
                v = values[r.pi.ref]
                picked.append(
                    Sampled(r, w, why, files.get(v["submission_id"], ""), v["sheet"] or "", v["cell"] or "", v["numerator"] or "", v["denominator"] or "")
                )
                pool.pop(i)
                break
    return picked


def write_sample_workbook(sample: list[Sampled], out: Path, title: str, seed: int) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Audit sample"
    put(ws["A1"], title)  # the council's name is text, whatever it begins with
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"Drawn by risk with seed {seed}: 'pmf audit --sample {len(sample)} --seed {seed}' draws the same PIs again."])
    ws.append([])
    header = [
        "PI ref",
        "Title",
        "Why sampled",
        "Archived file",
        "Sheet",
        "Cell",
        "Actual",
        "Numerator",
        "Denominator",
        "Evidence ref",
        "Updated by",
        "Verified by",
        "Auditor's conclusion",
        "Auditor's notes",
        "Auditor",
        "Date checked",
    ]
    ws.append(header)
    for c in ws[4]:
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor="1F3864")
        c.alignment = Alignment(wrap_text=True)
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(CONCLUSIONS) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Choose a conclusion",
        error="Pick one of the listed conclusions.",
    )
    ws.add_data_validation(dv)
    for s in sample:
        r = s.result
        row = ws.max_row + 1
        values = [
            r.pi.ref,
            r.pi.title,
            "; ".join(s.reasons) or "random draw (no particular risk)",
            s.file,
            s.sheet,
            s.cell,
            r.shown,
            s.numerator,
            s.denominator,
            r.evidence,
            r.updated_by,
            r.verified_by,
            None,
            None,
            None,
            None,
        ]
        for col, value in enumerate(values, start=1):
            c = ws.cell(row=row, column=col)
            put(c, value)
            c.alignment = Alignment(wrap_text=True, vertical="top")
        for letter in "MNOP":
            ws[f"{letter}{row}"].protection = Protection(locked=False)
            ws[f"{letter}{row}"].fill = PatternFill("solid", fgColor="FFF9E5")
        dv.add(f"M{row}")
    for letter, w in zip("ABCDEFGHIJKLMNOP", (10, 40, 26, 40, 8, 6, 10, 11, 11, 18, 14, 14, 24, 40, 14, 12), strict=True):
        ws.column_dimensions[letter].width = w
    ws.freeze_panes = "C5"
    ws.protection.sheet = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out.parent.mkdir(parents=True, exist_ok=True)
    with replacing(out) as tmp:
        wb.save(tmp)
    return out


def draw_for_period(config: Config, data_dir: str | Path, period: Period, n: int, seed: int) -> list[Sampled]:
    """Draw ``n`` PIs of a period from its master dataset, by risk, with ``seed``."""
    from pmf_pipeline.master.results import period_results

    store = Store(data_dir)
    try:
        return draw(period_results(config, store, period), store, n, seed)
    finally:
        store.close()
