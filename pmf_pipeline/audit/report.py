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

KINDS = {
    "archive_changed": "an archived original no longer has the hash recorded when it was received",
    "archive_missing": "an archived original is gone from the archive",
    "archive_unexpected": "a file is in the period's archive that the tool never received",
    "value_missing": "the archived return holds a figure the master dataset does not",
    "value_differs": "a figure in the master dataset differs from its cell in the archived return",
    "value_unsupported": "a figure in the master dataset that no archived return or history entry supports",
    "findings_differ": "validation of the archived return now gives another outcome or number of errors",
    "status_differs": "a PI's status or trend differs from the one published",
    "config_changed": "the configuration kept with the period was changed or no longer loads",
    "pack_changed": "a published pack's file was changed or is missing",
    "pack_not_reproduced": "re-rendering from the master dataset does not give the published pack",
    "not_in_master": "a file in the folder audited was never received into the master dataset",
    "ledger_broken": "the ledger's hash chain does not hold: an entry was edited or removed, or the chain cut short",
    "record_changed": "a row of the master dataset differs from what the tool wrote (columns named, old and new)",
    "record_deleted": "a row the tool wrote is gone (a submission is named with its figures and findings)",
    "record_added": "a row is in the master dataset without a ledger entry: the tool did not write it",
    "earlier_figure_changed": "an earlier period's figure behind this quarter's trend or history changed",
    "action_missing": "the archived return holds an action's update the master dataset does not",
    "action_differs": "an action's update in the master dataset differs from its row in the archived return (fields named)",
    "action_unsupported": "an action's update in the master dataset that no archived return or action history entry supports",
    "earlier_action_changed": "an earlier quarter's action update behind this quarter's action results changed",
    "action_rating_differs": "an action's rating from the archived returns differs from its rating from the master dataset",
}  # what each ``Discrepancy.kind`` means, as the report explains it


def write_audit_report(report: AuditReport, council: str, out_dir: Path, stem: str) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    html = environment().get_template("audit.html").render(report=report, council=council, kinds=KINDS, when=dt.date.today().strftime("%d %B %Y"))
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
        *(
            [["Action updates checked", report.actions_checked], ["Action updates reproduced", report.actions_reproduced]]
            if report.actions_checked or report.action_ratings_checked
            else []
        ),
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
    d.append(["Kind", "What", "Detail", "What the kind means"])
    for i, x in enumerate(report.discrepancies, start=2):
        for col, value in enumerate((x.kind, x.what, x.detail, KINDS.get(x.kind, "")), start=1):
            put(d.cell(row=i, column=col), value)
    for letter, w in zip("ABCD", (22, 50, 90, 60), strict=True):
        d.column_dimensions[letter].width = w
    xlsx_path = out_dir / f"{stem}.xlsx"
    with replacing(xlsx_path) as tmp:
        wb.save(tmp)
    return html_path, xlsx_path
