"""A workbook per return that the coordinator can email back to the updater: each finding beside its PI."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from pmf_pipeline.config.models import Config
from pmf_pipeline.returns.findings import ReturnResult
from pmf_pipeline.rules.text import put, safe_name

_FILL = {"error": "F4B6B0", "warning": "FFE08A"}


NAME_PART = 80  # characters of a return's name kept in its findings workbook's name


def report_name(result: ReturnResult) -> str:
    """The findings workbook's file name: always safe and short enough for any file system, whatever
    the return's name or metadata held. Its readable parts are cut to letters, digits, '-' and '_'
    (at most 80 characters of the return's name); a short hash of the whole name keeps two returns
    whose names read alike apart."""
    stem = Path(result.file).stem
    tag = hashlib.sha256(f"{result.file}\0{result.directorate}".encode("utf-8", "surrogatepass")).hexdigest()[:8]
    who = _part(result.directorate or "unidentified", 20) or "unidentified"
    period = _part(result.period or "unknown", 20) or "unknown"
    return f"{period}_{who}_{_part(stem, NAME_PART) or 'return'}_{tag}_findings.xlsx"


def _part(text: str, most: int) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")[:most].rstrip("-")


def write_validation_report(result: ReturnResult, config: Config, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / report_name(result)
    wb = Workbook()
    ws = wb.active
    ws.title = "Findings"
    titles = {ref: pi.title for ref, pi in config.pis.items()}
    ws.append([f"Checks on {safe_name(Path(result.file).name)}"])
    ws["A1"].font = Font(bold=True, size=14)
    verdict = (
        "rejected: it could not be taken" if result.outcome == "rejected" else f"accepted with {len(result.errors)} errors and {len(result.warnings)} warnings"
    )
    ws.append([f"The return was {verdict}. Errors must be corrected and the return sent again; warnings are for checking."])
    ws.append([])
    ws.append(["Severity", "PI ref", "PI title", "Sheet", "Cell", "What to do", "Rule"])
    for c in ws[4]:
        c.font = Font(bold=True)
    order = {ref: i for i, ref in enumerate(config.pis)}
    for f in sorted(result.findings, key=lambda f: (order.get(f.pi_ref or "", -1), f.severity != "error")):
        row = ws.max_row + 1
        for col, value in enumerate(
            [f.severity.upper(), f.pi_ref or "", titles.get(f.pi_ref or "", ""), f.sheet or "", f.cell or "", f.message, f.rule], start=1
        ):
            c = ws.cell(row=row, column=col)
            put(c, safe_name(value))  # outside text quoted in a message cannot break the workbook
            c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=row, column=1).fill = PatternFill("solid", fgColor=_FILL.get(f.severity, "FFFFFF"))
    if not result.findings:
        ws.append(["", "", "", "", "", "No problems found.", ""])
    for letter, width in zip("ABCDEFG", (10, 10, 40, 10, 8, 80, 40), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A5"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.save(path)
    return path
