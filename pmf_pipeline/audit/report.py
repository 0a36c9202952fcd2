"""The audit report, as HTML and xlsx, summary first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from pmf_pipeline.audit.reproduce import AuditReport
from pmf_pipeline.packs.render import environment
from pmf_pipeline.rules.text import put
from pmf_pipeline.rules.writing import replacing, write_text


def write_audit_report(report: AuditReport, council: str, out_dir: Path, stem: str) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    html = environment().get_template("audit.html").render(report=report, council=council, when=dt.date.today().strftime("%d %B %Y"))
    html_path = out_dir / f"{stem}.html"
    write_text(html_path, html)  # whole or not at all, as is the workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    summary: tuple[list[object], ...] = (
        [f"{council}: audit of {report.period}"],
        ["Files checked", report.files_checked],
        ["Figures checked", report.figures_checked],
        ["Figures reproduced", report.figures_reproduced],
        ["Statuses checked", report.statuses_checked],
        ["Packs checked", report.packs_checked],
        ["Discrepancies", len(report.discrepancies)],
        ["Conclusion", "Everything reproduces" if report.clean else "Discrepancies found: see the next sheet"],
    )
    for n, row in enumerate(summary, start=1):
        for col, value in enumerate(row, start=1):
            put(ws.cell(row=n, column=col), value)  # the council's name is text, whatever it begins with
    for line in report.configurations + report.notes:  # file names come from senders: typed as text
        put(ws.cell(row=ws.max_row + 1, column=2), line)
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 24
    d = wb.create_sheet("Discrepancies")
    d.append(["Kind", "What", "Detail"])
    for i, x in enumerate(report.discrepancies, start=2):
        for col, value in enumerate((x.kind, x.what, x.detail), start=1):
            put(d.cell(row=i, column=col), value)
    for letter, w in zip("ABC", (22, 50, 90), strict=True):
        d.column_dimensions[letter].width = w
    xlsx_path = out_dir / f"{stem}.xlsx"
    with replacing(xlsx_path) as tmp:
        wb.save(tmp)
    return html_path, xlsx_path
