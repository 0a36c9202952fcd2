"""Settings written the way spreadsheet users write them: percentages and UK dates.

Pure functions for the models' validators. Each returns the value meant, or raises ValueError with a
message saying what to write instead; the loader puts the file, entry and field in front of it.

- A fraction (``tolerance``, ``swing_warning``) may be written ``10%``, ``10 %`` or ``0.10``. A bare
  ``10`` could mean 10% or 1000%, so it is refused: "write 10% or 0.10".
- A date may be written the UK way, day first (``24/07/2026``, also with ``-`` or ``.``), as
  ``2026-07-24``, or as ``24 July 2026``. A date that does not exist, or reads month first
  (``07/24/2026``), or lacks its year, is refused with the date to write.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from pmf_pipeline.rules.numbers import parse_number

DATE_ADVICE = "write the date as DD/MM/YYYY or YYYY-MM-DD, e.g. 24/07/2026 or 2026-07-24"
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december")

_DMY = re.compile(r"^(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NAMED = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?(?:\s+(\d{4}))?$")


class DateError(ValueError):
    """A date that cannot be read: the English reason as the message, and its ``kind`` and ``values``
    so a finding can say the same in the updater's language (``returns.action_checks``)."""

    def __init__(self, message: str, kind: str, **values: Any) -> None:
        super().__init__(message)
        self.kind, self.values = kind, values


def percent_text(value: Decimal) -> str:
    """A fraction as a percentage for messages: 0.125 is '12.5%'."""
    text = format(value.scaleb(2), "f")
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def fraction(raw: Any) -> Any:
    """``10%``, ``10 %`` or ``0.10`` as Decimal('0.10'); None (the line left blank) stays None."""
    if raw is None or isinstance(raw, Decimal):
        return raw
    parsed = parse_number(raw, percentage=True)
    if parsed.problem or parsed.value is None:
        raise ValueError(f"'{parsed.typed.strip()}' is not a percentage; write it like 10% or 0.10")
    if parsed.note and "% sign removed" in parsed.note:
        return parsed.value.scaleb(-2)
    if abs(parsed.value) >= 1:
        n = parsed.value
        raise ValueError(f"a bare {n} could mean {n}% or {percent_text(n)}; write {n}% or {n.scaleb(-2)}")
    return parsed.value


def _made(year: int, month: int, day: int, typed: str) -> dt.date:
    if not 1 <= month <= 12:
        raise DateError(f"'{typed}' is not a date: there is no month {month}; {DATE_ADVICE}", "no_month", typed=typed, month=month)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateError(
            f"'{typed}' is not a date: {MONTHS[month - 1].title()} {year} has no day {day}; {DATE_ADVICE}",
            "no_day",
            typed=typed,
            year=year,
            month=month,
            day=day,
        ) from None


def uk_date(raw: Any) -> dt.date:
    """A date as a UK spreadsheet user writes it (see the module docstring)."""
    if isinstance(raw, dt.datetime):
        if raw.time() != dt.time(0):
            raise DateError(f"'{raw}' has a time of day; {DATE_ADVICE}", "time", typed=str(raw))
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if raw is None:
        raise DateError(f"no date given; {DATE_ADVICE}", "not_a_date", typed="")
    typed = str(raw).strip()
    if isinstance(raw, (bool, int, float)) or not typed:
        raise DateError(f"'{typed}' is not a date; {DATE_ADVICE}", "not_a_date", typed=typed)
    if m := _ISO.match(typed):
        return _made(int(m.group(1)), int(m.group(2)), int(m.group(3)), typed)
    if m := _DMY.match(typed):
        day, month, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if len(m.group(4)) == 2:
            full = (f"{day:02d}/{month:02d}/20{year:02d}", f"20{year:02d}-{month:02d}-{day:02d}")
            raise DateError(f"'{typed}': write the year in full, as {full[0]} or {full[1]}", "short_year", typed=typed, dmy=full[0], iso=full[1])
        if month > 12 and 1 <= day <= 12:
            try:
                meant = dt.date(year, day, month)
            except ValueError:
                pass
            else:
                dmy, iso = f"{meant:%d/%m/%Y}", meant.isoformat()
                raise DateError(
                    f"'{typed}' puts the month first, but dates are day first: write the date as {dmy} or {iso}", "month_first", typed=typed, dmy=dmy, iso=iso
                )
        return _made(year, month, day, typed)
    if m := _NAMED.match(typed):
        name = m.group(2).lower()
        month = next((i + 1 for i, full in enumerate(MONTHS) if len(name) >= 3 and full.startswith(name)), 0)
        if month and m.group(3):
            return _made(int(m.group(3)), month, int(m.group(1)), typed)
        if month:
            raise DateError(f"'{typed}' has no year; {DATE_ADVICE}", "no_year", typed=typed)
    raise DateError(f"'{typed}' is not a date; {DATE_ADVICE}", "not_a_date", typed=typed)
