"""Targets checked before they are needed: rated PIs that would be 'Not rated' for want of a target."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pmf_pipeline.config import load_config
from pmf_pipeline.config.coverage import TargetGap, target_coverage, years_to_check
from pmf_pipeline.periods import FinancialYear
from tests.small_council import write_council

Y2027 = FinancialYear(2027)


def test_a_pi_with_targets_for_part_of_the_year_is_named_with_the_quarters_left_unrated(tmp_path: Path) -> None:
    config = load_config(write_council(tmp_path / "config"))
    coverage = target_coverage(config, Y2027)
    assert coverage.summary == "Targets for 2027-28: 1 of 2 rated PIs lacks a target for some quarter it is due (add it to targets.csv):"
    assert [g.message for g in coverage.gaps] == ["ENV/002 has targets for Q1–Q2 of 2027-28 only; Q3, Q4 would be 'Not rated'."]
    assert target_coverage(config, FinancialYear(2026)).summary == "Targets for 2026-27: all 2 rated PIs have a target for every quarter they are due."
    none = target_coverage(config, FinancialYear(2028))
    assert [g.message for g in none.gaps] == [
        "ENV/001 has no target for 2028-29; Q1, Q2, Q3, Q4 would be 'Not rated'.",
        "ENV/002 has no target for 2028-29; Q1, Q2, Q3, Q4 would be 'Not rated'.",
    ]
    assert none.summary.startswith("Targets for 2028-29: 2 of 2 rated PIs lack a target for some quarter they are due")


def test_only_the_quarters_a_pi_is_due_count() -> None:
    assert TargetGap("PAM/020", Y2027, (4,), ()).message == "PAM/020 has no target for 2027-28; Q4 would be 'Not rated'."
    assert TargetGap("SSM/001", Y2027, (2, 4), (2,)).message == "SSM/001 has a target for Q2 of 2027-28 only; Q4 would be 'Not rated'."
    assert TargetGap("X/1", Y2027, (1, 2, 3, 4), (1, 3)).message == "X/1 has targets for Q1, Q3 of 2027-28 only; Q2, Q4 would be 'Not rated'."


def test_the_sample_councils_annual_pis_are_checked_in_their_due_quarter_only(config) -> None:  # type: ignore[no-untyped-def]
    assert target_coverage(config, FinancialYear(2026)).gaps == ()


def test_the_next_year_is_checked_once_it_has_targets(tmp_path: Path) -> None:
    config = load_config(write_council(tmp_path / "config"))
    assert years_to_check(config, dt.date(2027, 3, 31)) == [FinancialYear(2026), Y2027]
    assert years_to_check(config, dt.date(2027, 4, 1)) == [Y2027]  # nothing set for 2028-29 yet
