"""Figures with their unit and the PI's decimal places; times in the council's time zone."""

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmf_pipeline.config.models import Unit
from pmf_pipeline.rules.status import as_reported
from pmf_pipeline.rules.units import NO_FIGURE, figure, local_time, number, time_text


@pytest.mark.parametrize(
    "value, unit, decimals, shown",
    [
        ("51.2", Unit.percentage, 1, "51.2%"),
        ("51.25", Unit.percentage, 1, "51.3%"),  # half away from zero, as the status rule rounds
        ("0.5", Unit.percentage, 1, "0.5%"),
        ("100", Unit.percentage, 0, "100%"),
        ("250000", Unit.currency, 0, "£250,000"),
        ("1033920.4", Unit.currency, 0, "£1,033,920"),
        ("1234.5", Unit.currency, 2, "£1,234.50"),
        ("-5000", Unit.currency, 0, "-£5,000"),
        ("4.6", Unit.days, 1, "4.6 days"),
        ("1", Unit.days, 0, "1 day"),
        ("1", Unit.days, 1, "1.0 days"),
        ("235", Unit.days, 0, "235 days"),
        ("12.3", Unit.rate_per_1000, 1, "12.3 per 1,000"),
        ("3883", Unit.rate_per_1000, 0, "3,883 per 1,000"),
        ("0.5", Unit.ratio, 2, "0.50"),
        ("2.6", Unit.ratio, 2, "2.60"),
        ("1168", Unit.number, 0, "1,168"),
        ("1234567.89", Unit.number, 1, "1,234,567.9"),
        ("-12", Unit.number, 0, "-12"),
        ("-0.01", Unit.number, 1, "0.0"),  # never "-0.0"
        ("2.1", Unit.number, 2, "2.10"),  # a target typed with fewer places gets the PI's: "2.60 against 2.10"
    ],
)
def test_each_unit_is_written_with_its_decimal_places(value, unit, decimals, shown):
    assert figure(D(value), unit, decimals) == shown
    assert figure(D(value), unit.value, decimals) == shown  # the code from a record does as well as the enum


def test_no_figure_is_a_dash():
    assert figure(None, Unit.percentage, 1) == NO_FIGURE == "–"


@given(st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, places=4), st.integers(min_value=0, max_value=4))
def test_the_figure_shown_is_the_figure_rated(value, decimals):
    """Whatever the value, the printed number read back is ``as_reported`` (what the status rule compares)."""
    text = number(value, decimals)
    back = D(text.replace(",", ""))
    assert back == as_reported(value, decimals)
    assert len(text.rpartition(".")[2]) == decimals if decimals else "." not in text


def test_a_summer_time_is_shown_in_british_summer_time():
    assert time_text(dt.datetime(2026, 7, 24, 9, 0, tzinfo=dt.timezone.utc)) == "24 July 2026 10:00 BST"
    assert time_text("2026-07-24T09:00:00+00:00") == "24 July 2026 10:00 BST"
    assert time_text("2026-07-24T09:00:00") == "24 July 2026 10:00 BST"  # a stored time without a zone is UTC


def test_a_winter_time_is_shown_in_greenwich_mean_time():
    assert time_text(dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.timezone.utc)) == "1 November 2026 09:00 GMT"


def test_the_hour_the_clocks_go_forward():
    # 29 March 2026: 01:00 UTC is 02:00 BST; a minute before is 00:59 GMT
    assert time_text("2026-03-29T00:59:00+00:00") == "29 March 2026 00:59 GMT"
    assert time_text("2026-03-29T01:00:00+00:00") == "29 March 2026 02:00 BST"


def test_another_time_zone():
    assert time_text("2026-07-24T09:00:00+00:00", "Europe/Dublin") == "24 July 2026 10:00 IST"
    assert local_time("2026-07-24T09:00:00Z", "UTC").hour == 9


@pytest.mark.parametrize(
    "unit, decimals, fmt",
    [
        (Unit.percentage, 1, '#,##0.0"%"'),  # quoted: 51.2 is stored, not 0.512
        (Unit.currency, 0, '"£"#,##0'),
        (Unit.days, 1, '#,##0.0" days"'),
        (Unit.rate_per_1000, 2, '#,##0.00" per 1,000"'),
        (Unit.ratio, 2, "#,##0.00"),
        (Unit.number, 0, "#,##0"),
    ],
)
def test_excel_shows_a_stored_number_as_the_packs_write_it(unit, decimals, fmt):
    from pmf_pipeline.rules.units import excel_format

    assert excel_format(unit, decimals) == fmt
