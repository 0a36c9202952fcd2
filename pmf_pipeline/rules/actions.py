"""The rules that rate actions and commitments, on the council's scale (framework.yaml ``action_scheme``).

**Expected progress** (as Camms rates actions), judged at the quarter's end (``as_at``):

- expected % complete is the elapsed fraction of the plan's start date to its due date, times 100
  (0 on or before the start date, 100 on or after the due date);
- performance is % complete ÷ expected % × 100: 90 or more is *on track*, 70 up to 90 *needs
  monitoring*, under 70 *off track*;
- completed is *complete*; an action not started on or before its start date is *not yet due*
  (as is one in progress before its start date: nothing is expected of it yet, so *on track*);
- deferred, ongoing and cancelled are *not rated*; no status given is *no update*.

The due date judged against is the plan's (``actions.yaml``): an updater's revised due date is a
request, shown beside it; the council accepts it by changing ``due`` in the library. An action is
*overdue* when the quarter ends after its due date and it is not started or in progress.

**Self-assessed ratings.** ``brayg`` (Bridgend): Blue (complete), Green (as planned), Yellow (minor
issues), Amber (issues), Red (significant issues). ``rag`` (Vale style): Green, Amber, Red. Under
``expected_progress`` the updater may still give their own Green / Amber / Red; the computed rating
is the one reported. Under ``brayg`` and ``rag`` the updater's rating is reported (a completed action
is Complete), and the expected-progress rating is shown beside it where the two disagree, so the
challenge "is the rating fair, given the evidence?" can be seen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pmf_pipeline.rules.status import Look

COMPLETE, ON_TRACK, MONITOR, OFF_TRACK, NOT_YET_DUE, NOT_RATED, NO_UPDATE = (
    "complete",
    "on_track",
    "monitor",
    "off_track",
    "not_yet_due",
    "not_rated",
    "no_update",
)
PROGRESS = (COMPLETE, ON_TRACK, MONITOR, OFF_TRACK, NOT_YET_DUE, NOT_RATED, NO_UPDATE)
ON_TRACK_FROM, MONITOR_FROM = Decimal(90), Decimal(70)
HUNDRED = Decimal(100)

# Status words (the values of config.plan.ActionStatus), repeated here so the rules need no configuration.
NOT_STARTED, IN_PROGRESS, COMPLETED, DEFERRED, ONGOING, CANCELLED = "not started", "in progress", "completed", "deferred", "ongoing", "cancelled"
UNRATED_STATUSES = (DEFERRED, ONGOING, CANCELLED)
OPEN_STATUSES = (NOT_STARTED, IN_PROGRESS)  # the ones that can be overdue

PROGRESS_LOOKS = {
    COMPLETE: Look(COMPLETE, "Complete", "★", "#bcd7f5"),
    ON_TRACK: Look(ON_TRACK, "On track", "✔", "#b7e1b0"),
    MONITOR: Look(MONITOR, "Needs monitoring", "▲", "#ffe08a"),
    OFF_TRACK: Look(OFF_TRACK, "Off track", "✖", "#f4b6b0"),
    NOT_YET_DUE: Look(NOT_YET_DUE, "Not yet due", "◌", "#ffffff"),
    NOT_RATED: Look(NOT_RATED, "Not rated", "○", "#e4e4e4"),
    NO_UPDATE: Look(NO_UPDATE, "No update", "–", "#ffffff"),
}

# The self-assessed scales: code -> look. The order is from best to worst.
SELF_LOOKS: dict[str, dict[str, Look]] = {
    "brayg": {
        "blue": Look("blue", "Blue: complete", "★", "#bcd7f5"),
        "green": Look("green", "Green: as planned", "✔", "#b7e1b0"),
        "yellow": Look("yellow", "Yellow: minor issues", "◆", "#fff3a6"),
        "amber": Look("amber", "Amber: issues", "▲", "#ffd08a"),
        "red": Look("red", "Red: significant issues", "✖", "#f4b6b0"),
    },
    "rag": {
        "green": Look("green", "Green", "✔", "#b7e1b0"),
        "amber": Look("amber", "Amber", "▲", "#ffe08a"),
        "red": Look("red", "Red", "✖", "#f4b6b0"),
    },
}
SELF_LOOKS["expected_progress"] = SELF_LOOKS["rag"]  # the updater's own view, beside the computed rating

# Where each rating sits on one line from best to worst, to compare a self-assessment with expected progress.
_RANK = {COMPLETE: 0, "blue": 0, ON_TRACK: 1, "green": 1, "yellow": 1.5, MONITOR: 2, "amber": 2, OFF_TRACK: 3, "red": 3}
NEEDS_COMMENTARY = ("amber", "red", MONITOR, OFF_TRACK)  # with overdue: commentary required


def self_scale(scheme: str) -> dict[str, Look]:
    return SELF_LOOKS[scheme]


def choice_text(look: Look) -> str:
    """How a rating is offered in the workbook's drop-down list: "Green: as planned"."""
    return look.label


def parse_self_rating(scheme: str, text: object) -> str | None:
    """The rating code an updater chose or typed ("Green", "green: as planned", "G", "As planned");
    '' for a blank cell, None for a word not on the scale."""
    raw = "" if text is None else str(text).strip()
    if not raw:
        return ""
    key = " ".join(raw.replace("–", ":").replace("-", ":").split()).casefold()
    for code, look in SELF_LOOKS[scheme].items():
        words = look.label.casefold()
        colour = words.split(":")[0].strip()
        rest = words.split(":", 1)[1].strip() if ":" in words else ""
        if key in (code, words, colour, rest, code[0]) or key.replace(" ", "") == words.replace(" ", ""):
            return code
    return None


def expected_percent(start: dt.date, due: dt.date, as_at: dt.date) -> Decimal:
    """The % complete expected of an action at ``as_at``: the elapsed share of start to due, 0 to 100."""
    if as_at <= start:
        return Decimal(0)
    if as_at >= due:
        return HUNDRED
    return Decimal((as_at - start).days) * HUNDRED / Decimal((due - start).days)


def progress_rating(status: str | None, percent: Decimal | None, start: dt.date, due: dt.date, as_at: dt.date) -> str:
    """The expected-progress rating (see the module docstring)."""
    if status is None:
        return NO_UPDATE
    if status == COMPLETED:
        return COMPLETE
    if status in UNRATED_STATUSES:
        return NOT_RATED
    expected = expected_percent(start, due, as_at)
    if expected == 0:
        return NOT_YET_DUE if status == NOT_STARTED else ON_TRACK
    done = Decimal(0) if status == NOT_STARTED or percent is None else percent
    performance = done * HUNDRED / expected
    if performance >= ON_TRACK_FROM:
        return ON_TRACK
    if performance >= MONITOR_FROM:
        return MONITOR
    return OFF_TRACK


def performance(percent: Decimal | None, expected: Decimal) -> Decimal | None:
    """% complete as a share of the expected %, for showing beside the rating (None when nothing is expected yet)."""
    if expected == 0 or percent is None:
        return None
    return percent * HUNDRED / expected


def is_overdue(status: str | None, due: dt.date, as_at: dt.date) -> bool:
    return as_at > due and (status is None or status in OPEN_STATUSES)


def disagree(self_rating: str, progress: str) -> bool:
    """Whether a self-assessed rating and the expected-progress rating are a step or more apart."""
    if not self_rating or self_rating not in _RANK or progress not in _RANK:
        return False
    return abs(_RANK[self_rating] - _RANK[progress]) >= 1


@dataclass(frozen=True)
class Rated:
    """An action's rating in a quarter: the rating reported, and what it rests on."""

    rating: str  # the code reported (a PROGRESS code, or under brayg/rag the self-assessed one)
    look: Look
    progress: str  # the expected-progress rating
    self_rating: str  # '' when none was given
    expected: Decimal  # expected % complete at the quarter's end
    overdue: bool
    disagrees: bool

    @property
    def exception(self) -> bool:
        """Red, off track or overdue: listed among the exceptions with its commentary."""
        return self.rating in (OFF_TRACK, "red") or self.overdue

    @property
    def needs_commentary(self) -> bool:
        return self.overdue or self.rating in NEEDS_COMMENTARY or self.self_rating in NEEDS_COMMENTARY


def rate_action(scheme: str, status: str | None, percent: Decimal | None, self_rating: str, start: dt.date, due: dt.date, as_at: dt.date) -> Rated:
    """Rate one action's update at ``as_at`` (the quarter's end) on the council's scheme."""
    progress = progress_rating(status, percent, start, due, as_at)
    expected = expected_percent(start, due, as_at)
    overdue = is_overdue(status, due, as_at)
    if scheme == "expected_progress" or progress in (NOT_RATED, NO_UPDATE):
        rating, look = progress, PROGRESS_LOOKS[progress]
    elif progress == COMPLETE:
        rating = "blue" if scheme == "brayg" else COMPLETE
        look = SELF_LOOKS["brayg"]["blue"] if scheme == "brayg" else PROGRESS_LOOKS[COMPLETE]
    elif self_rating and self_rating in SELF_LOOKS[scheme]:
        rating, look = self_rating, SELF_LOOKS[scheme][self_rating]
    else:
        rating, look = NO_UPDATE, PROGRESS_LOOKS[NO_UPDATE]  # no self-assessment given: nothing to report
    return Rated(rating, look, progress, self_rating, expected, overdue, disagree(self_rating, progress))


def scheme_looks(scheme: str) -> dict[str, Look]:
    """Every rating a scheme reports, best first, for counts and keys."""
    if scheme == "expected_progress":
        return dict(PROGRESS_LOOKS)
    looks: dict[str, Look] = {}
    if scheme == "rag":
        looks[COMPLETE] = PROGRESS_LOOKS[COMPLETE]
    looks.update(SELF_LOOKS[scheme])
    looks[NOT_RATED] = PROGRESS_LOOKS[NOT_RATED]
    looks[NO_UPDATE] = PROGRESS_LOOKS[NO_UPDATE]
    return looks
