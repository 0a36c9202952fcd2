"""Dates, month names, numbers and percentages in English (en_GB) and Welsh (cy)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pmf_pipeline.i18n import long_date, month_name, number, percent
from pmf_pipeline.i18n.formatting import babel_locale

WELSH_MONTHS = ["Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr"]


def test_long_dates():
    assert long_date(dt.date(2027, 3, 31)) == "31 March 2027"
    assert long_date(dt.date(2027, 3, 31), "cy") == "31 Mawrth 2027"
    assert long_date(dt.date(2026, 7, 4), "cy") == "4 Gorffennaf 2026"  # no leading zero


def test_month_names():
    assert [month_name(m, "cy") for m in range(1, 13)] == WELSH_MONTHS
    assert month_name(9) == "September"


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_numbers_and_percentages(lang):
    assert number(Decimal("1234.5"), 1, lang) == "1,234.5"
    assert number(Decimal("1234.45"), 1, lang) == "1,234.5"  # half away from zero, as the status rule rounds
    assert number(Decimal("-0.01"), 1, lang) == "0.0"
    assert percent(Decimal("51.23"), 1, lang) == "51.2%"


def test_unknown_language():
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        babel_locale("fr")
