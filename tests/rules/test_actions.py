"""The expected-progress rule and the self-assessed scales, at their boundaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pmf_pipeline.rules import actions as A

START, DUE = dt.date(2026, 4, 1), dt.date(2027, 3, 31)  # 364 days
D = Decimal


def at_day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def test_expected_percent_is_the_elapsed_share_of_start_to_due():
    assert A.expected_percent(START, DUE, START) == 0
    assert A.expected_percent(START, DUE, START - dt.timedelta(days=5)) == 0
    assert A.expected_percent(START, DUE, at_day(182)) == 50
    assert A.expected_percent(START, DUE, at_day(91)) == 25
    assert A.expected_percent(START, DUE, DUE) == 100
    assert A.expected_percent(START, DUE, DUE + dt.timedelta(days=40)) == 100


@pytest.mark.parametrize(
    "percent, rating",
    [
        (D(50), A.ON_TRACK),  # 100% of expected
        (D(45), A.ON_TRACK),  # exactly 90: on track
        (D("44.99"), A.MONITOR),  # just under 90
        (D(35), A.MONITOR),  # exactly 70: needs monitoring
        (D("34.99"), A.OFF_TRACK),  # just under 70
        (D(0), A.OFF_TRACK),
        (D(100), A.ON_TRACK),
    ],
)
def test_performance_bands_at_90_and_70_exactly(percent, rating):
    as_at = at_day(182)  # expected 50%
    assert A.progress_rating(A.IN_PROGRESS, percent, START, DUE, as_at) == rating


def test_completed_not_yet_due_and_unrated_statuses():
    q2 = at_day(182)
    assert A.progress_rating(A.COMPLETED, D(60), START, DUE, q2) == A.COMPLETE
    assert A.progress_rating(A.NOT_STARTED, None, q2, DUE, q2) == A.NOT_YET_DUE  # on its start date, nothing expected yet
    assert A.progress_rating(A.NOT_STARTED, None, at_day(200), DUE, q2) == A.NOT_YET_DUE  # before its start date
    assert A.progress_rating(A.IN_PROGRESS, D(5), at_day(200), DUE, q2) == A.ON_TRACK  # started early
    assert A.progress_rating(A.NOT_STARTED, None, START, DUE, q2) == A.OFF_TRACK  # should have started
    for status in (A.DEFERRED, A.ONGOING, A.CANCELLED):
        assert A.progress_rating(status, D(10), START, DUE, q2) == A.NOT_RATED
    assert A.progress_rating(None, None, START, DUE, q2) == A.NO_UPDATE


def test_at_the_due_date_everything_is_expected():
    assert A.progress_rating(A.IN_PROGRESS, D(90), START, DUE, DUE) == A.ON_TRACK
    assert A.progress_rating(A.IN_PROGRESS, D(89), START, DUE, DUE) == A.MONITOR
    assert not A.is_overdue(A.IN_PROGRESS, DUE, DUE)  # due today is not overdue
    assert A.is_overdue(A.IN_PROGRESS, DUE, DUE + dt.timedelta(days=1))
    assert A.is_overdue(A.NOT_STARTED, DUE, DUE + dt.timedelta(days=1))
    for status in (A.COMPLETED, A.DEFERRED, A.ONGOING, A.CANCELLED):
        assert not A.is_overdue(status, DUE, DUE + dt.timedelta(days=1))


def test_self_ratings_are_read_as_updaters_type_them():
    assert A.parse_self_rating("brayg", "Green: as planned") == "green"
    assert A.parse_self_rating("brayg", " green ") == "green"
    assert A.parse_self_rating("brayg", "As planned") == "green"
    assert A.parse_self_rating("brayg", "Amber – issues") == "amber"
    assert A.parse_self_rating("brayg", "B") == "blue"
    assert A.parse_self_rating("rag", "RED") == "red"
    assert A.parse_self_rating("rag", "") == ""
    assert A.parse_self_rating("rag", None) == ""
    assert A.parse_self_rating("rag", "Blue") is None
    assert A.parse_self_rating("brayg", "purple") is None


def test_schemes_report_their_own_scale_and_show_disagreement():
    q2 = at_day(182)
    computed = A.rate_action("expected_progress", A.IN_PROGRESS, D(20), "green", START, DUE, q2)
    assert (computed.rating, computed.progress, computed.disagrees) == (A.OFF_TRACK, A.OFF_TRACK, True)
    assert computed.exception and computed.needs_commentary
    brayg = A.rate_action("brayg", A.IN_PROGRESS, D(20), "green", START, DUE, q2)
    assert (brayg.rating, brayg.look.label, brayg.progress, brayg.disagrees) == ("green", "Green: as planned", A.OFF_TRACK, True)
    assert not brayg.exception  # the council's own rating is reported; the disagreement is shown beside it
    fair = A.rate_action("brayg", A.IN_PROGRESS, D(48), "yellow", START, DUE, q2)
    assert (fair.rating, fair.disagrees) == ("yellow", False)
    done = A.rate_action("brayg", A.COMPLETED, D(100), "", START, DUE, q2)
    assert done.rating == "blue"
    rag_done = A.rate_action("rag", A.COMPLETED, D(100), "green", START, DUE, q2)
    assert rag_done.rating == A.COMPLETE
    red = A.rate_action("rag", A.IN_PROGRESS, D(48), "red", START, DUE, q2)
    assert red.exception and red.needs_commentary and red.disagrees
    late = A.rate_action("rag", A.IN_PROGRESS, D(95), "green", START, DUE, DUE + dt.timedelta(days=30))
    assert late.overdue and late.exception and late.needs_commentary


def test_scheme_looks_never_by_colour_alone():
    for scheme in ("expected_progress", "brayg", "rag"):
        looks = A.scheme_looks(scheme)
        assert len({look.symbol for look in looks.values()}) == len(looks)
        assert all(look.label and look.symbol for look in looks.values())
