"""The Actions sheet's layout: the one place that knows its name, columns, rows and live formulas.

The sheet follows the ``Return`` sheet and is written only when the return asks for action
updates (``Config.actions_for``): a council that tracks no actions gets exactly the workbook it
always did. Header row and first data row are the Return sheet's (rows 5 and 6). Header labels
are stable, ``Action ref``, ``Status``, ``% complete``, ``Rating`` and ``Commentary`` in particular.

Pre-filled columns are of two kinds: the plan (reference, title, kind, dates, milestones, expected
% complete), checked when the return comes back and part of its fingerprint; and last quarter's
update (status, % complete, commentary), shown for reference only: correcting an earlier quarter
must never make issued workbooks outdated, so validation compares with the values printed.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from pmf_pipeline.config.plan import ActionStatus
from pmf_pipeline.rules.actions import MONITOR_FROM, ON_TRACK_FROM, PROGRESS_LOOKS
from pmf_pipeline.workbook.words import BOTH, N_, Words

ACTIONS_SHEET = "Actions"
HEADER_ROW = 5
FIRST_ROW = 6
META_KEYS = ("actions",)  # written only when the return asks for actions: [[ref, fingerprint], ...]
DATE_FORMAT = "dd/mm/yyyy"
STATUS_CHOICES = tuple(s.label for s in ActionStatus)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: float
    input: bool = False
    locked_content: bool = False  # the plan: checked on return and part of the fingerprint
    shown: bool = False  # last quarter's update: for reference, not checked, not in the fingerprint


COLUMNS: tuple[Column, ...] = (
    Column("ref", N_("Action ref"), 11, locked_content=True),
    Column("title", N_("Title"), 36, locked_content=True),
    Column("kind", N_("Kind"), 16, locked_content=True),
    Column("start", N_("Start"), 11, locked_content=True),
    Column("due", N_("Due"), 11, locked_content=True),
    Column("milestones", N_("Milestones"), 30, locked_content=True),
    Column("expected", N_("Expected % complete at quarter end"), 12, locked_content=True),
    Column("last_status", N_("Last quarter's status"), 12, shown=True),
    Column("last_percent", N_("Last quarter's % complete"), 11, shown=True),
    Column("last_commentary", N_("Last quarter's commentary"), 30, shown=True),
    Column("status", N_("Status"), 14, input=True),
    Column("percent", N_("% complete"), 10, input=True),
    Column("rating", N_("Rating"), 20, input=True),
    Column("progress", N_("Progress (live)"), 18),
    Column("revised_due", N_("Revised due date"), 12, input=True),
    Column("completed_on", N_("Completion date"), 12, input=True),
    Column("commentary", N_("Commentary"), 45, input=True),
    Column("updated_by", N_("Updated by"), 16, input=True),
    Column("check", N_("Check"), 24),
)
BY_KEY = {c.key: c for c in COLUMNS}
KEYS = tuple(c.key for c in COLUMNS)
LABELS = tuple(c.label for c in COLUMNS)
LOCKED_KEYS = tuple(c.key for c in COLUMNS if c.locked_content)
SHOWN_KEYS = tuple(c.key for c in COLUMNS if c.shown)
DATE_KEYS = ("start", "due", "revised_due", "completed_on")
# Printed like the Return sheet: Action ref and Title at the left of every page, the header row at the
# top, and the other columns in three landscape pages side by side: the plan; last quarter beside this
# quarter's status, % complete and rating; the dates, commentary and check.
PRINT_REPEATED = ("ref", "title")
PRINT_PAGES: tuple[tuple[str, ...], ...] = (
    ("kind", "start", "due", "milestones", "expected"),
    ("last_status", "last_percent", "last_commentary", "status", "percent", "rating", "progress"),
    ("revised_due", "completed_on", "commentary", "updated_by", "check"),
)

_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}
_LETTER = {c.key: get_column_letter(i + 1) for i, c in enumerate(COLUMNS)}
LETTERS = dict(_LETTER)

LIVE = {code: f"{PROGRESS_LOOKS[code].symbol} {PROGRESS_LOOKS[code].label}" for code in PROGRESS_LOOKS}
CHECK_VALUE = "? Check % complete"
COMMENTARY_REQUIRED = "Commentary required"
COMPLETED_NEEDS = "Completed needs 100% and a completion date"
# The words of the live columns and the statuses, marked for the catalogue (the progress labels are rules.actions').
_WORDS = (N_("Check % complete"), N_("Commentary required"), N_("Completed needs 100% and a completion date"))
_PROGRESS = (N_("Complete"), N_("On track"), N_("Needs monitoring"), N_("Off track"), N_("Not yet due"), N_("Not rated"), N_("No update"))


@dataclass(frozen=True)
class SheetWords:
    """The Actions sheet's words in a workbook's language(s): statuses as listed, live progress and checks."""

    status: dict[str, str]  # English label ('Not started') -> as the list shows it
    live: dict[str, str]
    check_value: str
    commentary_required: str
    completed_needs: str


ENGLISH_WORDS = SheetWords({c: c for c in STATUS_CHOICES}, LIVE, CHECK_VALUE, COMMENTARY_REQUIRED, COMPLETED_NEEDS)


@functools.cache
def sheet_words(languages: tuple[str, ...]) -> SheetWords:
    if languages == ("en",):
        return ENGLISH_WORDS
    w = Words(languages)
    return SheetWords(
        {c: w.heading(c) for c in STATUS_CHOICES},
        {code: f"{PROGRESS_LOOKS[code].symbol} {w.heading(PROGRESS_LOOKS[code].label)}" for code in PROGRESS_LOOKS},
        "? " + w.heading(CHECK_VALUE[2:]),
        w.heading(COMMENTARY_REQUIRED),
        w.heading(COMPLETED_NEEDS),
    )


@functools.cache
def labels_in(languages: tuple[str, ...]) -> tuple[str, ...]:
    """The Actions sheet's column headings in a workbook's language(s)."""
    w = Words(languages)
    return tuple(w.heading(label) for label in LABELS)


@functools.cache
def label_sets(languages: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The headings a reader accepts, the workbook's language(s) first, then English, Welsh, both."""
    out: list[tuple[str, ...]] = []
    for langs in (languages, ("en",), ("cy",), BOTH):
        if labels_in(langs) not in out:
            out.append(labels_in(langs))
    return tuple(out)


def col_index(key: str) -> int:
    """Zero-based column position of an Actions column."""
    return _INDEX[key]


def col_letter(key: str) -> str:
    return _LETTER[key]


def width_pixels(key: str) -> int:
    """A column's width in pixels at 96 dpi, as Excel converts it (7 per character, plus 5)."""
    return int(BY_KEY[key].width * 7 + 0.5) + 5


def cell(key: str, row: int) -> str:
    return f"{_LETTER[key]}{row}"


def row_of(position: int) -> int:
    """The worksheet row of the n-th action (0-based)."""
    return FIRST_ROW + position


def date_text(d: dt.date) -> str:
    return f"{d:%d/%m/%Y}"


# ---------------------------------------------------------------- live formulas


def percent_typed(row: int) -> str:
    """% complete as the updater sees it: 45% typed (0.45 in a percent format) counts as 45. Rounded to
    6 places so that 0.45*100 (45.00000000000001 in binary) compares as 45."""
    p = cell("percent", row)
    return f'ROUND(IF(LEFT(CELL("format",{p}),1)="P",{p}*100,{p}),6)'


def _is(status_cell: str, *labels: str) -> str:
    tests = [f'{status_cell}="{label}"' for label in labels]
    return tests[0] if len(tests) == 1 else f"OR({','.join(tests)})"


def progress_formula(row: int, elapsed: int, span: int, words: SheetWords = ENGLISH_WORDS) -> str:
    """The expected-progress rating (``rules.actions.progress_rating``) as the updater types.

    Expected % is ``elapsed / span`` of the plan (days, capped to the plan); performance is
    done / expected x 100, so "90 or more" is ``done * span >= 90 * elapsed``: integers precomputed
    here, so the spreadsheet's binary arithmetic never meets a repeating decimal.
    """
    s, p = cell("status", row), cell("percent", row)
    st, live = words.status, words.live
    done = f"IF({_is(s, st['Not started'])},0,IF(ISNUMBER({p}),{percent_typed(row)},0))"
    if elapsed == 0:
        judged = f'IF({_is(s, st["Not started"])},"{live["not_yet_due"]}","{live["on_track"]}")'
    else:
        on, monitor = int(ON_TRACK_FROM) * elapsed, int(MONITOR_FROM) * elapsed
        judged = f'IF({done}*{span}>={on},"{live["on_track"]}",IF({done}*{span}>={monitor},"{live["monitor"]}","{live["off_track"]}"))'
    open_ = _is(s, st["Not started"], st["In progress"])
    return (
        f'=IF(LEN(TRIM({s}))=0,"",IF({_is(s, st["Completed"])},"{live["complete"]}",'
        f'IF({_is(s, st["Deferred"], st["Ongoing"], st["Cancelled"])},"{live["not_rated"]}",'
        f'IF(NOT({open_}),"",IF(AND(LEN({p}&"")>0,NOT(ISNUMBER({p}))),"{words.check_value}",{judged})))))'
    )


def check_formula(row: int, needs_words: tuple[str, ...], overdue_at_end: bool, words: SheetWords = ENGLISH_WORDS) -> str:
    """'Commentary required' when the rating given (or the live progress) is amber or red, or the
    action is overdue, and the Commentary is blank; 'Completed needs 100% and a completion date'."""
    s, p, r, c, d, g = (cell(k, row) for k in ("status", "percent", "rating", "commentary", "completed_on", "progress"))
    needs = [f'LEFT({r},{len(w)})="{w}"' for w in needs_words]
    st = words.status
    needs += [f'{g}="{words.live["monitor"]}"', f'{g}="{words.live["off_track"]}"']
    if overdue_at_end:
        needs.append(_is(s, st["Not started"], st["In progress"]))
    commentary = f'IF(AND(OR({",".join(needs)}),LEN(TRIM({c}))=0),"{words.commentary_required}","")'
    completed = f'IF(AND({_is(s, st["Completed"])},OR(NOT(ISNUMBER({p})),{percent_typed(row)}<>100,LEN({d}&"")=0)),"{words.completed_needs}","")'
    return f'=TRIM({commentary}&" "&{completed})'
