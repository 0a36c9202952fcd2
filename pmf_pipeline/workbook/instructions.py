"""The Instructions sheet of an updater workbook, in its language(s), and the live Status column's words.

Each sentence is a message of the catalogue; a bilingual workbook gives each heading as
``Welsh / English`` and each instruction as a Welsh paragraph, then its English (``words.Words``).
The sheet prints on one A4 portrait page wide, each row as tall as its wrapped text.
"""

from __future__ import annotations

from typing import Any

import xlsxwriter

from pmf_pipeline.i18n import in_language
from pmf_pipeline.rules.status import STATUS_LOOKS
from pmf_pipeline.workbook.action_sheet import actions_instructions
from pmf_pipeline.workbook.spec import ReturnSpec
from pmf_pipeline.workbook.words import N_, Words, period_label

LIVE_LABELS = {
    "met": f"{STATUS_LOOKS['met'].symbol} Met",
    "within_tolerance": f"{STATUS_LOOKS['within_tolerance'].symbol} Within tolerance",
    "off_target": f"{STATUS_LOOKS['off_target'].symbol} Off target",
    "check_value": "? Check the value",
}


def live_labels(languages: tuple[str, ...]) -> dict[str, str]:
    """The live Status column's words in a workbook's language(s): ``✔ Wedi'i gyrraedd / Met``."""
    if languages == ("en",):
        return LIVE_LABELS
    w = Words(languages)
    words = {"met": N_("Met"), "within_tolerance": N_("Within tolerance"), "off_target": N_("Off target"), "check_value": N_("Check the value")}
    return {key: f"{STATUS_LOOKS[key].symbol if key != 'check_value' else '?'} {w.heading(message)}" for key, message in words.items()}


# Characters: a comfortable line of text that fits an A4 portrait page at full size, in Calibri and in
# a font a third wider that LibreOffice uses where Calibri is not installed (a column wider than the
# page is cut, and LibreOffice ignores 'fit to page' in .xlsx files).
INSTRUCTIONS_WIDTH = 72


def write_instructions(ws: Any, spec: ReturnSpec, wb: xlsxwriter.Workbook, password: str) -> None:
    ws.hide_gridlines(2)
    ws.set_column(0, 0, INSTRUCTIONS_WIDTH, wb.add_format({"text_wrap": True, "valign": "top"}))
    tol = sorted({f"{r.tolerance * 100:g}%" for r in spec.rows})
    h1 = wb.add_format({"bold": True, "font_size": 16, "text_wrap": True})
    h2 = wb.add_format({"bold": True, "font_size": 14, "text_wrap": True})
    h3 = wb.add_format({"bold": True, "font_size": 12, "text_wrap": True})
    deadline = wb.add_format({"bold": True, "font_size": 12, "font_color": "#9C0006", "text_wrap": True})
    plain = wb.add_format({"text_wrap": True, "valign": "top"})
    w, live = spec.words, live_labels(spec.languages)
    name, n = spec.shown_name, len(spec.rows)

    def head(message: str, fmt: Any, **values: Any) -> list[tuple[str, Any]]:
        return [(w.heading(message, **values), fmt)]

    def para(message: str, fmt: Any = plain, **values: Any) -> list[tuple[str, Any]]:
        return [(text, fmt) for text in w.paragraphs(message, **values)]

    gap: list[tuple[str, Any]] = [("", plain)]
    lines: list[tuple[str, Any]] = [
        (spec.shown_council, h1),
        *head(N_("Quarterly performance return: %(name)s"), h2, name=name),
        *para(N_("Period: %(period)s"), period=lambda lang: period_label(spec.period, lang)),
        *para(N_("Please return by: %(deadline)s"), deadline, deadline=spec.deadline_in),
        *gap,
        *head(N_("Who this is for"), h3),
        *(
            para(
                N_("The updaters of %(name)s, and the PI owners who verify their figures (%(count)s PIs and %(actions)s actions are due this period)."),
                name=name,
                count=n,
                actions=len(spec.actions),
            )
            if spec.actions
            else para(N_("The updaters of %(name)s, and the PI owners who verify their figures (%(count)s PIs are due this period)."), name=name, count=n)
        ),
        *gap,
        *head(N_("What to fill in (on the 'Return' sheet, in the pale yellow cells)"), h3),
        *para(N_("1. Actual: this quarter's figure, as a plain number (85 for 85%%; no units needed). Cumulative PIs are reported year to date.")),
        *para(N_("2. Numerator and Denominator: where the PI is calculated, type these two instead; the Actual is then worked out for you.")),
        *para(N_("3. Comment: what the figure means. Required for every PI shown as off target or 10%% or more worse than last year.")),
        *para(N_("4. Evidence ref: the working-papers reference (where the PI asks for one), so audit can trace the figure.")),
        *para(N_("5. Updated by and Verified by: the updater's and the PI owner's names.")),
        *para(N_("If you have no figure yet, leave the cell blank or type n/a and say why in the Comment. Never type 0 for 'no data'.")),
        *gap,
        *head(N_("What happens to off-target PIs"), h3),
        *para(
            N_(
                "The Status column shows, as you type, how the PI will be reported: %(met)s (on or better than target), "
                "%(within)s (within %(tolerances)s of target) or %(off)s."
            ),
            met=live["met"],
            within=live["within_tolerance"],
            off=live["off_target"],
            tolerances=", ".join(tol),
        ),
        *para(
            N_("Off-target PIs appear as exceptions in the reports to %(committees)s and Cabinet, with your comment: say why, and what is being done."),
            committees=lambda lang: in_language(spec.terms.committee, "plural", lang),
        ),
        *gap,
        *head(N_("Please do not"), h3),
        *para(N_("Add, delete or reorder rows, or change the pre-filled columns: the return is checked against what was sent and would be rejected.")),
        *para(N_("Save it in another format (keep .xlsx), or rename it. Email it back to the corporate performance team.")),
        *[(text, h3 if heading else plain) for text, heading in actions_instructions(spec)],  # none without actions
    ]
    for i, (text, fmt) in enumerate(lines):
        ws.write_string(i, 0, text, fmt)
        if text:
            ws.set_row(i, _text_height(text, fmt.font_size, INSTRUCTIONS_WIDTH))
    ws.print_area(0, 0, len(lines) - 1, 0)
    ws.set_portrait()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.6, right=0.6, top=0.6, bottom=0.6)
    ws.fit_to_pages(1, 0)  # a safety net for Excel: the column is sized to fit already
    ws.protect(password)


def _text_height(text: str, size: float, width: float) -> float:
    """Points for a row showing ``text`` wrapped in a column ``width`` characters wide, at ``size`` points.

    Spreadsheets do not size rows written this way, and text cut at the foot of a row is lost on
    paper. Reckoned generously (a character as wide as a digit), since the font used differs: Calibri
    in Excel, a wider stand-in where Calibri is not installed.
    """
    per_line = max(8, int(width * 1.05 * 11 / size))
    words, lines, used = text.split(), 1, 0
    for w in words:  # wrapped at spaces, as the spreadsheet does
        if used and used + 1 + len(w) > per_line:
            lines, used = lines + 1, 0
        used += len(w) + (1 if used else 0)
    return round(lines * size * 1.4 + 4, 1)
