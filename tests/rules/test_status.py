"""The status and trend rules at and around every boundary, and their properties."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmf_pipeline.rules.status import (
    DECLINED,
    DECLINED_SIG,
    IMPROVED,
    MAINTAINED,
    MET,
    NO_COMPARISON,
    NO_DATA,
    NOT_RATED,
    OFF,
    WITHIN,
    rate,
    scheme_rating,
    trend,
)

T = D("0.10")


@pytest.mark.parametrize(
    "actual, target, polarity, decimals, expected",
    [
        ("90", "90", "higher", 0, MET),
        ("81", "90", "higher", 0, WITHIN),  # exactly on the boundary: binary floats get this wrong
        ("80.9", "90", "higher", 1, OFF),
        ("80.95", "90", "higher", 1, WITHIN),  # rounds to 81.0 as reported
        ("80.94", "90", "higher", 1, OFF),
        ("95", "90", "higher", 0, MET),
        ("10", "10", "lower", 0, MET),
        ("11", "10", "lower", 0, WITHIN),
        ("11.1", "10", "lower", 1, OFF),
        ("3.3", "3", "lower", 2, WITHIN),
        ("9.9", "9", "lower", 1, WITHIN),
        ("0", "0", "higher", 0, MET),
        ("-0.1", "0", "higher", 1, OFF),  # T = 0: no band
        ("0.1", "0", "lower", 1, OFF),
        ("-10", "-10", "higher", 0, MET),
        ("-11", "-10", "higher", 0, WITHIN),  # |T| makes the band work for negative targets
        ("-11.1", "-10", "higher", 1, OFF),
        ("-9", "-10", "lower", 0, WITHIN),
    ],
)
def test_rule_boundaries(actual, target, polarity, decimals, expected):
    assert rate(D(actual), D(target), polarity, decimals, T) == expected


def test_not_rated_and_no_data():
    assert rate(None, D(90), "higher", 0, T) == NO_DATA
    assert rate(D(5), None, "higher", 0, T) == NOT_RATED
    assert rate(D(5), D(5), "none", 0, T) == NOT_RATED
    assert rate(None, None, "none", 0, T, narrative=True) == NOT_RATED


def test_own_tolerance():
    assert rate(D("85.5"), D(90), "higher", 1, D("0.05")) == WITHIN
    assert rate(D("85.4"), D(90), "higher", 1, D("0.05")) == OFF
    assert rate(D("77"), D(90), "higher", 0, D("0.15")) == WITHIN  # Newport's 15%


@pytest.mark.parametrize(
    "actual, last, polarity, expected",
    [
        ("90", "80", "higher", IMPROVED),
        ("80", "80", "higher", MAINTAINED),
        ("80.04", "80", "higher", MAINTAINED),  # equal at reported precision (1 dp)
        ("73", "80", "higher", DECLINED),
        ("72", "80", "higher", DECLINED_SIG),  # exactly 10% worse
        ("8", "10", "lower", IMPROVED),
        ("10.9", "10", "lower", DECLINED),
        ("11", "10", "lower", DECLINED_SIG),
    ],
)
def test_trend(actual, last, polarity, expected):
    assert trend(D(actual), D(last), polarity, 1) == expected


def test_trend_without_comparison():
    assert trend(None, D(1), "higher", 0) == NO_COMPARISON
    assert trend(D(1), None, "higher", 0) == NO_COMPARISON
    assert trend(D(1), D(2), "none", 0) == NO_COMPARISON


def test_schemes():
    assert scheme_rating("three_level", OFF, IMPROVED) == OFF
    assert scheme_rating("bridgend", MET, IMPROVED) == "excellent"
    assert scheme_rating("bridgend", MET, DECLINED) == "good"
    assert scheme_rating("bridgend", MET, MAINTAINED, at_maximum=True) == "excellent"
    assert scheme_rating("bridgend", WITHIN, IMPROVED) == "adequate"
    assert scheme_rating("bridgend", OFF, IMPROVED) == "unsatisfactory"
    assert scheme_rating("havering", WITHIN, DECLINED_SIG) == "green"
    assert scheme_rating("havering", OFF, MAINTAINED) == "amber"
    assert scheme_rating("havering", OFF, DECLINED) == "red"
    assert scheme_rating("havering", NO_DATA, DECLINED) == NO_DATA


ORDER = {OFF: 0, WITHIN: 1, MET: 2}
numbers = st.decimals(min_value=-10000, max_value=10000, places=2, allow_nan=False, allow_infinity=False)


@given(a=numbers, b=numbers, target=numbers, polarity=st.sampled_from(["higher", "lower"]))
def test_rule_is_monotone_in_the_actual(a, b, target, polarity):
    low, high = sorted((a, b))
    if polarity == "lower":
        low, high = high, low  # 'better' runs the other way
    assert ORDER[rate(low, target, polarity, 2, T)] <= ORDER[rate(high, target, polarity, 2, T)]


@given(a=numbers, target=numbers, polarity=st.sampled_from(["higher", "lower"]))
def test_rule_agrees_with_its_statement(a, target, polarity):
    s = rate(a, target, polarity, 2, T)
    band = abs(target) * T
    better = a >= target if polarity == "higher" else a <= target
    within = a >= target - band if polarity == "higher" else a <= target + band
    if better:
        assert s == MET
    elif within and target != 0:
        assert s == WITHIN
    else:
        assert s == OFF
