import datetime as dt

import pytest

from pmf_pipeline.errors import UsageError
from pmf_pipeline.periods import FinancialYear, Period


def test_parse_and_print():
    p = Period.parse("2026-27-Q2")
    assert str(p) == "2026-27-Q2"
    assert p.start_date == dt.date(2026, 7, 1) and p.end_date == dt.date(2026, 9, 30)
    assert p.label == "Quarter 2 2026-27 (July to September 2026)"


@pytest.mark.parametrize("text", ["2026-28-Q2", "2026-27-Q5", "Q2", "2026/27", ""])
def test_bad_periods_say_how_to_write_one(text):
    with pytest.raises(UsageError, match="2026-27"):
        Period.parse(text)


def test_quarter_four_runs_into_the_next_calendar_year():
    q4 = Period.parse("2026-27-Q4")
    assert (q4.start_date, q4.end_date) == (dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    assert q4.next() == Period.parse("2027-28-Q1")


def test_same_quarter_last_year_and_neighbours():
    p = Period.parse("2026-27-Q1")
    assert p.same_quarter_last_year() == Period.parse("2025-26-Q1")
    assert p.previous() == Period.parse("2025-26-Q4")
    assert Period.parse("2026-27-Q3").earlier_in_year() == [Period.parse("2026-27-Q1"), Period.parse("2026-27-Q2")]
    assert [str(x) for x in Period.parse("2026-27-Q2").last_n(3)] == ["2025-26-Q4", "2026-27-Q1", "2026-27-Q2"]


def test_financial_year():
    assert str(FinancialYear.parse("2026-27")) == "2026-27"
    assert [str(q) for q in FinancialYear(2026).quarters][-1] == "2026-27-Q4"


def test_cumulative_profile_and_linear_default(config):
    pi = config.pis["PAM/043"]  # cumulative with a profile in targets.csv
    t = config.targets[("PAM/043", FinancialYear(2026))]
    assert config.target_for(pi, Period.parse("2026-27-Q2")) == t.profile[1]
    assert config.target_for(pi, Period.parse("2026-27-Q4")) == t.profile[3]
    snapshot = config.pis["PAM/028"]
    assert config.target_for(snapshot, Period.parse("2026-27-Q2")) == config.annual_target(snapshot, FinancialYear(2026))
