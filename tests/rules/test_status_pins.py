"""Edges of the status rules that mutation testing (``make mutants``) showed no test noticed.

Each pins something a reader sees: how a figure is rounded before it is rated and printed, a
target of exactly 1, a decline against last year's figure of 1, and a scheme's labels.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from pmf_pipeline.rules.status import DECLINED, DECLINED_SIG, MET, OFF, WITHIN, Look, as_reported, rate, rating_looks, scheme_rating, trend


@pytest.mark.parametrize(
    "value, decimals, shown",
    [
        ("84.25", 1, "84.3"),  # half up (banker's rounding would give 84.2)
        ("84.35", 1, "84.4"),
        ("2.5", 0, "3"),
        ("-2.5", 0, "-3"),  # half away from zero
        ("0.125", 2, "0.13"),
        ("1.00000005", 7, "1.0000001"),  # more places than are pre-computed
        ("7", 2, "7.00"),
    ],
)
def test_figures_are_rounded_half_away_from_zero_to_their_places(value, decimals, shown):
    assert str(as_reported(D(value), decimals)) == shown


def test_the_rounding_decides_the_status():
    """80.95 is printed 81.0 (one place) and so meets a target of 81."""
    assert rate(D("80.95"), D("81"), "higher", 1, D("0.1")) == MET
    assert rate(D("80.94"), D("81"), "higher", 1, D("0.1")) == WITHIN


@pytest.mark.parametrize("actual, expected", [("1", MET), ("0.9", WITHIN), ("0.89", OFF)])
def test_a_target_of_exactly_one_has_a_tolerance_band(actual, expected):
    assert rate(D(actual), D("1"), "higher", 2, D("0.1")) == expected


@pytest.mark.parametrize("actual, expected", [("0.95", DECLINED), ("0.9", DECLINED_SIG)])
def test_decline_against_last_years_figure_of_one(actual, expected):
    assert trend(D(actual), D("1"), "higher", 2) == expected


def test_an_unknown_scheme_is_named():
    with pytest.raises(ValueError, match="^unknown status scheme 'traffic_lights'$"):
        scheme_rating("traffic_lights", MET, DECLINED)


def test_a_scheme_can_relabel_its_ratings_but_keeps_their_symbols_and_colours():
    looks = rating_looks("havering", {"amber": "Some concern", "nonsense": "ignored"})
    assert list(looks) == ["green", "amber", "red", "not_rated", "no_data"]
    assert looks["amber"] == Look("amber", "Some concern", "▲", "#ffe08a", "#111111")
    assert looks["green"].label == "Green" and "nonsense" not in looks
    assert [x.label for x in rating_looks("bridgend").values()] == ["Excellent", "Good", "Adequate", "Unsatisfactory", "Not rated", "No data"]
    assert rating_looks("three_level") == rating_looks("three_level", None)
