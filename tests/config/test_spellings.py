import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmf_pipeline.config.spellings import fraction, uk_date


@given(st.dates(min_value=dt.date(1900, 1, 1)))
def test_a_real_date_reads_back_written_either_way(day):
    assert uk_date(day.strftime("%d/%m/%Y")) == day
    assert uk_date(day.isoformat()) == day
    assert uk_date(day) == day


@given(st.one_of(st.text(max_size=20), st.integers(), st.floats(), st.booleans(), st.none()))
def test_anything_typed_as_a_date_is_a_date_or_says_what_to_write(typed):
    try:
        assert isinstance(uk_date(typed), dt.date)
    except ValueError as e:
        assert "write" in str(e)


@pytest.mark.parametrize("typed, expected", [("10%", "0.10"), ("12.5 %", "0.125"), ("0.10", "0.10"), (0.1, "0.1"), (0, "0"), ("0%", "0.00"), (None, None)])
def test_fractions(typed, expected):
    assert fraction(typed) == (Decimal(expected) if expected is not None else None)
