"""Validation findings are data: each one a frozen record with a stable code, written for the updater."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

ERROR, WARNING = "error", "warning"

# code -> the rule, in words (shown in reports beside the message)
RULES = {
    "unreadable": "The file must be a readable .xlsx return",
    "not_a_return": "The file must be a return generated for this framework",
    "wrong_council": "The return must be for this council",
    "wrong_period": "The return must be for the period being collected",
    "wrong_directorate": "The return must be for a known directorate",
    "unknown_template": "The return must come from a template this tool knows",
    "outdated_template": "The return must be the one issued for this period",
    "duplicate": "A return already received is not taken twice",
    "header_altered": "The columns of the return must not be changed",
    "rows_changed": "Rows must not be added, deleted or duplicated",
    "rows_reordered": "Rows should stay in the order sent (figures are still matched by PI reference)",
    "columns_inserted": "Columns should not be inserted (figures are still matched by column heading)",
    "sheets_changed": "Sheets should not be added, renamed or removed (only the Return sheet is read)",
    "not_due": "A PI is reported only in the quarter it is due",
    "locked_altered": "Pre-filled cells (references, titles, definitions, targets) must not be changed",
    "value_missing": "Every PI due must have a value, or an explanation",
    "not_a_number": "Values must be numbers",
    "excel_error": "Cells must not hold spreadsheet errors",
    "out_of_range": "Values must lie within the PI's valid range",
    "calculation_incomplete": "Calculated PIs need both numerator and denominator",
    "denominator_zero": "A denominator cannot be zero",
    "numerator_exceeds_denominator": "A numerator cannot exceed its denominator for this PI",
    "actual_disagrees": "A typed Actual must agree with its numerator and denominator",
    "percent_as_fraction": "Percentages are typed as 85, not 0.85",
    "comment_required": "Off-target PIs, and PIs 10% or more worse than last year, need a comment",
    "evidence_missing": "PIs that require evidence need a working-papers reference",
    "suspicious_swing": "Large changes against last quarter or last year are checked",
    "cumulative_fell": "A year-to-date figure should not fall from last quarter",
    "updater_missing": "Each figure records who updated it",
    "verifier_missing": "Each figure records who verified it",
    "text_too_long": "Free text is kept under 4,000 characters (the workbook's own limit); the archive keeps all of it",
    # Actions (the Actions sheet); altered rows, columns and pre-filled cells there have the codes above.
    "action_update_missing": "Every action due an update has a status",
    "action_status_unknown": "An action's status is one of the list",
    "action_rating_unknown": "An action's rating is one on the council's scale",
    "action_percent_invalid": "% complete is a number from 0 to 100",
    "action_date_invalid": "Revised due and completion dates are dates",
    "action_completed_incomplete": "A completed action is 100% complete and has a completion date",
    "action_completion_future": "A completion date cannot be after the return was saved",
    "action_percent_fell": "% complete should not fall from last quarter",
    "action_overdue": "An action past its due date and not complete is reported as overdue",
    "action_rating_inconsistent": "A self-assessed rating should agree with progress against the expected % complete",
    "action_commentary_required": "Actions rated amber or red, and overdue actions, need commentary",
}


# Errors the coordinator chases the service for, which say nothing against the figure itself: a figure
# whose only errors are these is rated and shown (its exception listed with "commentary awaited"),
# never held back, so a missing comment can never hide an off-target PI from a committee.
CHASE_ONLY = frozenset({"comment_required", "evidence_missing", "action_commentary_required"})


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    file: str = ""
    sheet: str | None = None
    cell: str | None = None
    pi_ref: str | None = None  # the PI's reference, or on the Actions sheet the action's

    @property
    def rule(self) -> str:
        return RULES.get(self.code, self.code)

    def where(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.cell:
            parts.append(f"cell {self.cell}")
        if self.pi_ref:
            parts.append(self.pi_ref)
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class ValueRecord:
    """One PI's figure as consolidated: the value used, what was typed, and where it came from."""

    pi_ref: str
    actual: Decimal | None
    text: str | None = None  # narrative PIs
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    comment: str = ""
    evidence: str = ""
    updated_by: str = ""
    verified_by: str = ""
    sheet: str = ""
    cell: str = ""
    typed: str = ""
    normalisation: str | None = None
    has_error: bool = False


@dataclass(frozen=True)
class ActionRecord:
    """One action's update as consolidated: what the updater said, and where (``sheet``/``cell``: its Status cell).

    ``status`` is an ``ActionStatus`` value ('in progress') or None for no update; ``rating`` the
    self-assessed rating's code ('' for none); dates are ISO dates. ``carried`` marks an action last
    reported completed or cancelled whose row was left blank: its last update stands.
    """

    action_ref: str
    status: str | None
    percent_complete: Decimal | None = None
    rating: str = ""
    revised_due: str | None = None
    completed_on: str | None = None
    commentary: str = ""
    updated_by: str = ""
    sheet: str = ""
    cell: str = ""
    typed: str = ""  # the % complete as typed, where it was read from a percent cell or text
    has_error: bool = False
    carried: bool = False


@dataclass
class ReturnResult:
    """The outcome of reading and validating one file."""

    file: str
    sha256: str
    size: int = 0
    outcome: str = "rejected"  # accepted | rejected | duplicate
    period: str | None = None
    directorate: str | None = None
    service: str | None = None
    template_version: str | None = None
    generated_at: str | None = None
    saved_at: str | None = None
    findings: list[Finding] = field(default_factory=list)
    values: list[ValueRecord] = field(default_factory=list)
    actions: list[ActionRecord] = field(default_factory=list)
    languages: tuple[str, ...] = ()  # the return's language(s), as its metadata records them (when it was read)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def ok(self) -> bool:
        return self.outcome != "rejected" and not self.errors
