"""Targets checked before they are needed: which rated PIs would be 'Not rated' for want of a target.

A rated PI gets a status in a quarter only if it has a target for it (the quarter's profiled target
in ``targets.csv``, or the annual target). ``target_coverage`` lists, for a financial year, each rated
PI lacking one in a quarter it is due, so the performance team can add the targets before the
workbooks go out, rather than find 'Not rated' in a Cabinet pack. ``pmf check-config`` checks the
current year (and the next, once it has targets); ``pmf generate`` checks the year of its period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pmf_pipeline.config.models import Config
from pmf_pipeline.periods import FIRST_MONTH, FinancialYear


@dataclass(frozen=True)
class TargetGap:
    """A rated PI without a target in some of the quarters of ``year`` it is due."""

    ref: str
    year: FinancialYear
    due: tuple[int, ...]  # the quarters it is reported in
    covered: tuple[int, ...]  # those with a target

    @property
    def missing(self) -> tuple[int, ...]:
        return tuple(q for q in self.due if q not in self.covered)

    @property
    def message(self) -> str:
        """``PAM/012 has targets for Q1–Q2 of 2027-28 only; Q3, Q4 would be 'Not rated'.``"""
        would = f"{', '.join(f'Q{q}' for q in self.missing)} would be 'Not rated'"
        if not self.covered:
            return f"{self.ref} has no target for {self.year}; {would}."
        which = "a target" if len(self.covered) == 1 else "targets"
        return f"{self.ref} has {which} for {_quarters(self.covered)} of {self.year} only; {would}."


@dataclass(frozen=True)
class TargetCoverage:
    """How far a year's targets cover the rated PIs."""

    year: FinancialYear
    rated: int  # rated PIs in the library
    gaps: tuple[TargetGap, ...]

    @property
    def summary(self) -> str:
        if not self.gaps:
            return f"Targets for {self.year}: all {self.rated} rated PIs have a target for every quarter they are due."
        n = len(self.gaps)
        return (
            f"Targets for {self.year}: {n} of {self.rated} rated PIs {'lacks' if n == 1 else 'lack'} a target for "
            f"some quarter {'it is' if n == 1 else 'they are'} due (add {'it' if n == 1 else 'them'} to targets.csv):"
        )


def _quarters(qs: tuple[int, ...]) -> str:
    """Q1–Q2 for a run of quarters, Q1, Q3 for quarters apart."""
    runs: list[list[int]] = []
    for q in qs:
        if runs and q == runs[-1][-1] + 1:
            runs[-1].append(q)
        else:
            runs.append([q])
    return ", ".join(f"Q{r[0]}" if len(r) == 1 else f"Q{r[0]}–Q{r[-1]}" for r in runs)


def target_coverage(config: Config, year: FinancialYear) -> TargetCoverage:
    """Each rated PI without a target in a quarter of ``year`` it is due, in library order."""
    gaps = []
    rated = [pi for pi in config.pis.values() if pi.rated]
    for pi in rated:
        due = tuple(p.quarter for p in year.quarters if pi.due_in(p))
        covered = tuple(p.quarter for p in year.quarters if pi.due_in(p) and config.target_for(pi, p) is not None)
        if covered != due:
            gaps.append(TargetGap(pi.ref, year, due, covered))
    return TargetCoverage(year, len(rated), tuple(gaps))


def financial_year_of(day: dt.date) -> FinancialYear:
    return FinancialYear(day.year if day.month >= FIRST_MONTH else day.year - 1)


def years_to_check(config: Config, today: dt.date) -> list[FinancialYear]:
    """The current financial year, and the next one too once any target has been set for it."""
    this = financial_year_of(today)
    following = FinancialYear(this.start + 1)
    return [this, following] if any(year == following for _, year in config.targets) else [this]
