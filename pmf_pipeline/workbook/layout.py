"""The updater workbook's layout: the one place that knows sheet names, columns, rows and metadata.

The generator writes through it and the reader reads through it; nothing else names a cell.

Sheets: ``Instructions`` (first, active), ``Return`` (the data-entry table) and a very hidden
``_pmf_metadata`` sheet of key/value pairs that identifies the return. The data-entry table's
header row is row 5; PIs follow from row 6 in library order. Header labels are stable: ``PI ref``,
``Actual``, ``Numerator``, ``Denominator`` and ``Comment`` in particular, so any tool can find them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.utils import get_column_letter

from pmf_pipeline.workbook.words import BOTH, N_, Words

INSTRUCTIONS_SHEET = "Instructions"
RETURN_SHEET = "Return"
META_SHEET = "_pmf_metadata"
TITLE_ROW = 1
SUBTITLE_ROW = 2
HEADER_ROW = 5
FIRST_ROW = 6
META_KEYS = ("tool", "template_version", "council", "period", "directorate", "service", "generated_at", "fingerprint", "rows")
LANGUAGE_KEY = "languages"  # written only for a workbook not in English alone: "cy" or "cy,en" (reading order)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: float
    input: bool = False
    locked_content: bool = False  # pre-populated, part of the fingerprint


COLUMNS: tuple[Column, ...] = (
    Column("ref", N_("PI ref"), 11, locked_content=True),
    Column("title", N_("Title"), 38, locked_content=True),
    Column("definition", N_("Definition"), 50, locked_content=True),
    Column("type", N_("Type"), 9, locked_content=True),
    Column("unit", N_("Unit"), 10, locked_content=True),
    Column("polarity", N_("Polarity"), 12, locked_content=True),
    Column("annual_target", N_("Annual target"), 11, locked_content=True),
    Column("target", N_("Target this quarter"), 11, locked_content=True),
    Column("earlier", N_("Earlier this year"), 14, locked_content=True),
    Column("last_year", N_("Same quarter last year"), 12, locked_content=True),
    Column("numerator", N_("Numerator"), 12, input=True),
    Column("denominator", N_("Denominator"), 12, input=True),
    Column("actual", N_("Actual"), 22, input=True),  # wide enough for a narrative PI's few sentences
    Column("status", N_("Status (live)"), 18),
    Column("comment", N_("Comment"), 45, input=True),
    Column("evidence", N_("Evidence ref"), 16, input=True),
    Column("updated_by", N_("Updated by"), 16, input=True),
    Column("verified_by", N_("Verified by"), 16, input=True),
    Column("check", N_("Check"), 22),
)
BY_KEY = {c.key: c for c in COLUMNS}
LABELS = tuple(c.label for c in COLUMNS)


def labels_in(languages: tuple[str, ...]) -> tuple[str, ...]:
    """The Return sheet's column headings in a workbook's language(s): ``Gwirioneddol / Actual``."""
    w = Words(languages)
    return tuple(w.heading(label) for label in LABELS)


@functools.cache
def label_sets(languages: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The headings a reader accepts, those of the workbook's language(s) first: then English, Welsh, both."""
    out: list[tuple[str, ...]] = []
    for langs in (languages, ("en",), ("cy",), BOTH):
        labels = labels_in(langs)
        if labels not in out:
            out.append(labels)
    return tuple(out)


LOCKED_KEYS = tuple(c.key for c in COLUMNS if c.locked_content)

# Printing the Return sheet: 19 columns squeezed onto one page width print at about 4 pt, so each
# band of PIs prints on three landscape pages, side by side: what the PI is; the figures (target
# beside actual and status); the comment and who vouches for it. PI ref and Title print at the left
# of every page and the header row at the top, so every page says which PI each line is.
PRINT_REPEATED = ("ref", "title")
PRINT_PAGES: tuple[tuple[str, ...], ...] = (
    ("definition", "type", "unit", "polarity"),
    ("annual_target", "target", "earlier", "last_year", "numerator", "denominator", "actual", "status"),
    ("comment", "evidence", "updated_by", "verified_by", "check"),
)


_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}
_LETTER = {c.key: get_column_letter(i + 1) for i, c in enumerate(COLUMNS)}


def col_index(key: str) -> int:
    """Zero-based column position of a layout column."""
    return _INDEX[key]


def col_letter(key: str) -> str:
    return _LETTER[key]


def width_pixels(key: str) -> int:
    """A column's width on screen and paper, in pixels at 96 dpi, as Excel and XlsxWriter convert it (7 per character, plus 5)."""
    return int(BY_KEY[key].width * 7 + 0.5) + 5


def cell(key: str, row: int) -> str:
    """The A1 address of a layout column in a worksheet row (1-based)."""
    return f"{_LETTER[key]}{row}"


def row_of(position: int) -> int:
    """The worksheet row of the n-th PI (0-based) in the return."""
    return FIRST_ROW + position


# ---------------------------------------------------------------- live formulas


def _num(d: Decimal) -> str:
    """A decimal as an exact spreadsheet literal (no binary rounding happens in the comparison)."""
    return format(d.normalize(), "f")


def typed_value(row: int, percent: bool) -> str:
    """The Actual as the updater sees it: a cell showing 51.2% (typed with a % sign, stored as 0.512)
    counts as 51.2 for a percentage PI, as the pipeline reads it. CELL("format") gives "P1", "P2"...
    for a percent-formatted cell in Excel and LibreOffice alike."""
    a = cell("actual", row)
    return f'IF(LEFT(CELL("format",{a}),1)="P",{a}*100,{a})' if percent else a


def input_rule(row: int, lo: Decimal | None, hi: Decimal | None, no_data_words: tuple[str, ...]) -> str:
    """The Actual cell's data validation: a number in range, or one of the words for 'no figure'.

    The instructions say "leave the cell blank or type n/a"; the rule must accept what they offer.
    FIND (not SEARCH) so that no typed character acts as a wildcard.
    """
    a = cell("actual", row)
    bounds = [f"{a}>={_num(lo)}" if lo is not None else "", f"{a}<={_num(hi)}" if hi is not None else ""]
    number = f"AND(ISNUMBER({a}),{','.join(b for b in bounds if b)})" if any(bounds) else f"ISNUMBER({a})"
    words = "|" + "|".join(no_data_words) + "|"
    return f'=OR({number},ISNUMBER(FIND("|"&LOWER(TRIM({a}))&"|","{words}")))'


def status_formula(row: int, decimals: int, better: int, met: Decimal, tolerance: Decimal, labels: dict[str, str], percent: bool = False) -> str:
    """The live status: the pipeline's rule with its thresholds precomputed exactly in decimal.

    Spreadsheet arithmetic is binary floating point (90*0.9 is not 81 there), so the workbook never
    computes a threshold: it compares the value, rounded to the reported decimal places, with
    literals the pipeline computed.
    """
    a = cell("actual", row)
    op = ">=" if better > 0 else "<="
    rounded = f"ROUND({typed_value(row, percent)},{decimals})"
    if met == 0 or tolerance == met:
        inner = f'IF({rounded}{op}{_num(met)},"{labels["met"]}","{labels["off_target"]}")'
    else:
        inner = f'IF({rounded}{op}{_num(met)},"{labels["met"]}",IF({rounded}{op}{_num(tolerance)},"{labels["within_tolerance"]}","{labels["off_target"]}"))'
    return f'=IF({a}="","",IF(NOT(ISNUMBER({a})),"{labels["check_value"]}",{inner}))'


def calculated_actual_formula(row: int, multiplier: Decimal) -> str:
    n, d = cell("numerator", row), cell("denominator", row)
    times = "" if multiplier == 1 else f"*{_num(multiplier)}"
    return f'=IF(AND(ISNUMBER({n}),ISNUMBER({d})),IF({d}=0,"",{n}/{d}{times}),"")'


FRACTION_WARNING = "Type 85 for 85%"
CHECK_WORDS = {"comment": "Comment required", "evidence": "Evidence ref required", "fraction": FRACTION_WARNING}


def check_words(languages: tuple[str, ...]) -> dict[str, str]:
    """The live Check column's words in a workbook's language(s)."""
    w = Words(languages)
    return {
        "comment": w.heading(N_("Comment required")),
        "evidence": w.heading(N_("Evidence ref required")),
        "fraction": w.heading(N_("Type 85 for 85%")),
    }


def check_formula(
    row: int,
    decimals: int,
    off_label: str,
    worse_than: Decimal | None,
    better: int,
    evidence: bool,
    percent: bool = False,
    fraction_check: bool = False,
    words: dict[str, str] = CHECK_WORDS,
) -> str:
    """'Comment required' when off target or 10% or more worse than last year; 'Evidence ref required';
    and, for a percentage PI whose target is 5 or more, a warning when a fraction such as 0.85 is typed
    without a % sign (it would be read as 0.85%)."""
    a, c, s, e = cell("actual", row), cell("comment", row), cell("status", row), cell("evidence", row)
    needs = [f'{s}="{off_label}"']
    if worse_than is not None:
        op = "<=" if better > 0 else ">="
        needs.append(f"IF(ISNUMBER({a}),ROUND({typed_value(row, percent)},{decimals}){op}{_num(worse_than)},FALSE)")
    cond = needs[0] if len(needs) == 1 else f"OR({','.join(needs)})"
    comment = f'IF(AND({cond},LEN(TRIM({c}))=0),"{words["comment"]}","")'
    if fraction_check:
        fraction = f'IF(AND(ISNUMBER({a}),LEFT(CELL("format",{a}),1)<>"P",{a}>0,{a}<1),"{words["fraction"]}","")'
        comment = f'TRIM({fraction}&" "&{comment})'
    if not evidence:
        return f"={comment}"
    ev = f'IF(AND(LEN({a}&"")>0,LEN(TRIM({e}))=0),"{words["evidence"]}","")'
    return f'=TRIM({comment}&" "&{ev})'
