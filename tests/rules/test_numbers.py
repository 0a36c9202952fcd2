from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmf_pipeline.rules.numbers import parse_number


@pytest.mark.parametrize(
    "typed, percentage, value, note",
    [
        ("85%", True, "85", "% sign removed"),
        ("1,234", False, "1234", "thousands separators removed"),
        ("£1,200", False, "1200", "currency sign removed; thousands separators removed"),
        (" 12 ", False, "12", "spaces removed"),
        ("\u00a012\u00a0", False, "12", "spaces removed"),
        ("12", False, "12", "number stored as text"),
        ("(12)", False, "-12", "(brackets) read as negative"),
        (90.0, False, "90", None),
        (81.25, False, "81.25", None),
    ],
)
def test_what_people_type(typed, percentage, value, note):
    p = parse_number(typed, percentage)
    assert p.value == Decimal(value) and p.problem is None
    if note:
        assert note in p.note
    else:
        assert p.note is None


@pytest.mark.parametrize("typed", ["n/a", "N/A", "TBC", "-", "", None, "   ", "\u00a0", "no data"])
def test_no_data_is_missing_never_zero(typed):
    p = parse_number(typed)
    assert p.missing and p.value is None and p.problem is None


@pytest.mark.parametrize("typed", ["12abc", "1,23", "85%", "True", True])
def test_not_numbers(typed):
    p = parse_number(typed, percentage=False)
    assert p.value is None and p.problem and not p.missing


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False))
def test_grouped_text_round_trips(d):
    assert parse_number(f"{d:,}").value == d
    assert parse_number(f" {d} ").value == d


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_numbers_from_the_cell_are_taken_as_shown(f):
    assert parse_number(f).value == Decimal(repr(f)) or parse_number(f).value == Decimal(int(f))
