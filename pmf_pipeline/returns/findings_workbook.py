"""A workbook per return that the coordinator can email back to the updater: each finding beside its PI.

Each workbook is written whole or not at all (``rules.writing.replacing``); every text in it goes through
``rules.text.put`` (never a formula, control characters made visible). A run interrupted before it
wrote them all leaves returns with none: ``complete_findings_workbooks`` writes those from the
master dataset's record of each return's findings.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from pmf_pipeline.config.models import Config
from pmf_pipeline.i18n import in_language, translations
from pmf_pipeline.returns.findings import Finding, ReturnResult
from pmf_pipeline.rules.text import put
from pmf_pipeline.rules.writing import replacing

if TYPE_CHECKING:
    from pmf_pipeline.returns.ingest import FileOutcome

_FILL = {"error": "F4B6B0", "warning": "FFE08A"}


NAME_PART = 80  # characters of a return's name kept in its findings workbook's name


def report_path(result: ReturnResult, out_dir: Path) -> Path:
    """Where the findings workbook of a return is written: a name always safe and short enough for any file system, whatever
    the return's name or metadata held. Its readable parts are cut to letters, digits, '-' and '_'
    (at most 80 characters of the return's name); a short hash of the whole name keeps two returns
    whose names read alike apart."""
    stem = Path(result.file).stem
    tag = hashlib.sha256(f"{result.file}\0{result.directorate}".encode("utf-8", "surrogatepass")).hexdigest()[:8]
    who = _part(result.directorate or "unidentified", 20) or "unidentified"
    period = _part(result.period or "unknown", 20) or "unknown"
    return out_dir / f"{period}_{who}_{_part(stem, NAME_PART) or 'return'}_{tag}_findings.xlsx"


def _part(text: str, most: int) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")[:most].rstrip("-")


def write_validation_report(result: ReturnResult, config: Config, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = report_path(result, out_dir)
    wb = Workbook()
    ws = wb.active
    ws.title = "Findings"
    lang = findings_language(result, config)
    _ = translations(lang).gettext
    titles = {ref: in_language(pi, "title", lang) for ref, pi in config.pis.items()}
    put(ws["A1"], _("Checks on %(file)s") % {"file": Path(result.file).name})
    ws["A1"].font = Font(bold=True, size=14)
    if result.outcome == "rejected":
        verdict = _("The return was rejected: it could not be taken. Errors must be corrected and the return sent again; warnings are for checking.")
    else:
        verdict = _(
            "The return was accepted with %(errors)s errors and %(warnings)s warnings. Errors must be corrected and the return sent again; "
            "warnings are for checking."
        ) % {"errors": len(result.errors), "warnings": len(result.warnings)}
    ws.append([verdict])
    ws.append([])
    ws.append([_("Severity"), _("PI ref"), _("PI title"), _("Sheet"), _("Cell"), _("What to do"), _("Rule")])
    for c in ws[4]:
        c.font = Font(bold=True)
    order = {ref: i for i, ref in enumerate(config.pis)}
    for f in sorted(result.findings, key=lambda f: (order.get(f.pi_ref or "", -1), f.severity != "error")):
        row = ws.max_row + 1
        for col, value in enumerate(
            [
                (_("ERROR") if f.severity == "error" else _("WARNING")) if lang != "en" else f.severity.upper(),
                f.pi_ref or "",
                titles.get(f.pi_ref or "", ""),
                f.sheet or "",
                f.cell or "",
                f.message,
                f.rule,
            ],
            start=1,
        ):
            c = ws.cell(row=row, column=col)
            put(c, value)
            c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=row, column=1).fill = PatternFill("solid", fgColor=_FILL.get(f.severity, "FFFFFF"))
    if not result.findings:
        ws.append(["", "", "", "", "", _("No problems found."), ""])
    for letter, width in zip("ABCDEFG", (10, 10, 40, 10, 8, 80, 40), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A5"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    with replacing(path) as tmp:
        wb.save(tmp)
    return path


def findings_language(result: ReturnResult, config: Config) -> str:
    """The language the updater reads the findings in: the return's (first) language, as validation
    recorded it; for findings rebuilt from the master dataset, the directorate's workbooks' (the
    configuration is frozen with the period); English when the return named no known directorate."""
    if result.languages:
        return result.languages[0]
    fw = config.framework
    d = next((d for d in fw.directorates if d.code == result.directorate), None)
    return fw.workbook_languages_for(d)[0] if d is not None else "en"


def complete_findings_workbooks(config: Config, data_dir: str | Path, period: str, out_dir: Path) -> list[Path]:
    """Write the findings workbook of every return of the period that has none in ``out_dir``
    (a run stopped after consolidating it but before writing its workbook), from the findings the
    master dataset recorded with it. The workbooks written."""
    from pmf_pipeline.master.store import Store

    store = Store(data_dir)
    try:
        missing = []
        for sub in store.submissions(period):
            result = ReturnResult(sub.file_name, sub.sha256, outcome=sub.outcome, period=sub.period, directorate=sub.directorate, service=sub.service)
            unread = ReturnResult(sub.file_name, sub.sha256)  # a return rejected before its period was read
            if not report_path(result, out_dir).exists() and not (sub.outcome == "rejected" and report_path(unread, out_dir).exists()):
                result.findings = [
                    Finding(f["code"], f["severity"], f["message"], sub.file_name, f["sheet"], f["cell"], f["pi_ref"]) for f in store.findings(sub.id)
                ]
                missing.append(result)
    finally:
        store.close()
    return [write_validation_report(result, config, out_dir) for result in missing]


def write_findings_workbooks(outcomes: Iterable[FileOutcome], config: Config, out_dir: Path) -> list[Path]:
    """A findings workbook for each return newly received (accepted or rejected), for the coordinator to
    send back; a file received before (a duplicate) already has its own. ``pmf ingest`` and ``pmf quarter``
    both write them here, so the two give the coordinator the same thing."""
    return [write_validation_report(o.result, config, out_dir) for o in outcomes if o.status != "duplicate"]
