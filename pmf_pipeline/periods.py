"""Financial years and quarters.

A period is written ``2026-27-Q2``: the financial year that starts in April 2026, second quarter
(July to September). Quarters are numbered from the start of the financial year.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from pmf_pipeline.errors import UsageError

_PERIOD = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{2})\s*[- ]?\s*Q([1-4])\s*$", re.IGNORECASE)
_YEAR = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{2})\s*$")

FIRST_MONTH = 4  # April: the UK local-government financial year


def _check_year(start: int, short_end: int, text: str) -> None:
    if (start + 1) % 100 != short_end:
        raise UsageError(f"'{text}' is not a financial year: after {start} comes {(start + 1) % 100:02d}, e.g. {start}-{(start + 1) % 100:02d}")


@dataclass(frozen=True, order=True)
class FinancialYear:
    """A financial year, April to March, named by its first calendar year (2026 is 2026-27)."""

    start: int

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        m = _YEAR.match(str(text))
        if not m:
            raise UsageError(f"'{text}' is not a financial year; write it like 2026-27")
        start, end = int(m.group(1)), int(m.group(2))
        _check_year(start, end, text)
        return cls(start)

    def __str__(self) -> str:
        return f"{self.start}-{(self.start + 1) % 100:02d}"

    def quarter(self, q: int) -> Period:
        return Period(self, q)

    @property
    def quarters(self) -> list[Period]:
        return [Period(self, q) for q in (1, 2, 3, 4)]

    def previous(self) -> FinancialYear:
        return FinancialYear(self.start - 1)


@dataclass(frozen=True, order=True)
class Period:
    """One quarter of a financial year."""

    year: FinancialYear
    quarter: int

    @classmethod
    def parse(cls, text: str) -> Period:
        return _parse_period(str(text))

    @classmethod
    def _parse(cls, text: str) -> Period:
        m = _PERIOD.match(str(text))
        if not m:
            raise UsageError(f"'{text}' is not a period; write it like 2026-27-Q2 (financial year, then quarter Q1 to Q4)")
        start, end, q = int(m.group(1)), int(m.group(2)), int(m.group(3))
        _check_year(start, end, text)
        return cls(FinancialYear(start), q)

    def __str__(self) -> str:
        return _period_text(self.year.start, self.quarter)

    @property
    def label(self) -> str:
        """How a reader sees it: ``Quarter 2 2026-27 (July to September 2026)``."""
        first = self.start_date
        last = self.end_date
        return f"Quarter {self.quarter} {self.year} ({first:%B} to {last:%B %Y})"

    @property
    def short_label(self) -> str:
        return f"Q{self.quarter} {self.year}"

    @property
    def start_date(self) -> dt.date:
        month0 = FIRST_MONTH - 1 + 3 * (self.quarter - 1)
        return dt.date(self.year.start + month0 // 12, month0 % 12 + 1, 1)

    @property
    def end_date(self) -> dt.date:
        return self.next().start_date - dt.timedelta(days=1)

    def next(self) -> Period:
        if self.quarter == 4:
            return Period(FinancialYear(self.year.start + 1), 1)
        return Period(self.year, self.quarter + 1)

    def previous(self) -> Period:
        return _previous(self.year.start, self.quarter)

    def same_quarter_last_year(self) -> Period:
        return _period(self.year.start - 1, self.quarter)

    def earlier_in_year(self) -> list[Period]:
        """The quarters of this financial year before this one."""
        return [Period(self.year, q) for q in range(1, self.quarter)]

    def last_n(self, n: int) -> list[Period]:
        """This quarter and the n-1 before it, oldest first."""
        out = [self]
        while len(out) < n:
            out.append(out[-1].previous())
        return out[::-1]


@functools.lru_cache(maxsize=4096)
def _parse_period(text: str) -> Period:
    """Periods are parsed thousands of times when history loads; each spelling is parsed once."""
    return Period._parse(text)


@functools.lru_cache(maxsize=4096)
def _period(start: int, quarter: int) -> Period:
    """Periods are compared with the one before, and the same quarter last year, for every PI of every
    return: each is made once."""
    return Period(FinancialYear(start), quarter)


@functools.lru_cache(maxsize=4096)
def _previous(start: int, quarter: int) -> Period:
    return _period(start - 1, 4) if quarter == 1 else _period(start, quarter - 1)


@functools.lru_cache(maxsize=4096)
def _period_text(start: int, quarter: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}-Q{quarter}"
