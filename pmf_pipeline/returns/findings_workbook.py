"""A workbook per return that the coordinator can email back to the updater: each finding beside its PI."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from pmf_pipeline.config.models import Config
from pmf_pipeline.returns.findings import ReturnResult
from pmf_pipeline.rules.text import put

if TYPE_CHECKING:
    from pmf_pipeline.returns.ingest import FileOutcome

_FILL = {"error": "F4B6B0", "warning": "FFE08A"}


def write_validation_report(result: ReturnResult, config: Config, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    who = result.directorate or "unidentified"
    name = Path(result.file).stem
    path = out_dir / f"{result.period or 'unknown'}_{who}_{name}_findings.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "Findings"
    titles = {ref: pi.title for ref, pi in config.pis.items()}
    ws.append([f"Checks on {Path(result.file).name}"])
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
            put(c, value)
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


def write_findings_workbooks(outcomes: Iterable[FileOutcome], config: Config, out_dir: Path) -> list[Path]:
    """A findings workbook for each return newly received (accepted or rejected), for the coordinator to
    send back; a file received before (a duplicate) already has its own. ``pmf ingest`` and ``pmf quarter``
    both write them here, so the two give the coordinator the same thing."""
    return [write_validation_report(o.result, config, out_dir) for o in outcomes if o.status != "duplicate"]
