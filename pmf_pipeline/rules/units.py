"""Figures and times as a reader sees them: the one place that writes a PI's figure with its unit.

Every figure shown to a reader (packs, exports, charts' text) is written here, with the PI's unit
and exactly its decimal places, rounded as the status rule rounds (half away from zero, see
``status.as_reported``), so the figure printed is the figure rated:

==============  ==================  ==================
unit            decimals            shown
==============  ==================  ==================
percentage      1                   51.2%
currency        0                   £250,000
days            1                   4.6 days (1 day)
rate_per_1000   1                   12.3 per 1,000
ratio           2                   0.50
number          0                   1,168
==============  ==================  ==================

A ratio is written as the number alone: its PI's title says what it is a ratio of, and "0.50:1"
would claim more than the configuration says. Times are stored in UTC and shown in the council's
time zone (``timezone:`` in framework.yaml), with the zone's abbreviation: "24 July 2026 10:00 BST".

Numbers are laid out by Babel for the locale (en_GB; a Welsh pack would pass ``cy``). Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.numbers import format_currency, format_decimal

from pmf_pipeline.rules.status import as_reported

LOCALE = "en_GB"
DEFAULT_TIMEZONE = "Europe/London"
NO_FIGURE = "–"  # an en dash: no figure (no data, no target, no comparison)


def number(value: Decimal, decimals: int, locale: str = LOCALE) -> str:
    """The value rounded to ``decimals`` places, with the locale's thousands separators: "1,234.5"."""
    shown = as_reported(value, decimals)
    if shown == 0:
        shown = abs(shown)  # never "-0.0"
    return format_decimal(shown, format="#,##0" + ("." + "0" * decimals if decimals else ""), locale=locale)


def figure(value: Decimal | None, unit: object, decimals: int, locale: str = LOCALE, gettext: Callable[[str], str] | None = None) -> str:
    """A PI's figure with its unit and its decimal places; ``NO_FIGURE`` when there is none.

    ``unit`` is a ``config.models.Unit`` or its value ("percentage", "currency", ...). The unit's words
    ("days", "per") are fixed text: ``gettext`` (a Welsh pack's) translates them; without it, English.
    """
    if value is None:
        return NO_FIGURE
    kind = getattr(unit, "value", unit)
    if kind == "currency":
        shown = as_reported(value, decimals)
        if shown == 0:
            shown = abs(shown)
        pattern = "¤#,##0" + ("." + "0" * decimals if decimals else "")
        return format_currency(shown, "GBP", format=pattern, locale=locale, currency_digits=False)
    text = number(value, decimals, locale)
    if kind == "percentage":
        return f"{text}%"
    if kind == "days":
        if gettext is not None:
            return (gettext("%(figure)s day") if text == "1" else gettext("%(figure)s days")) % {"figure": text}
        return f"{text} {'day' if text == '1' else 'days'}"
    if kind == "rate_per_1000":
        if gettext is not None:
            return gettext("%(figure)s per %(base)s") % {"figure": text, "base": number(Decimal(1000), 0, locale)}
        return f"{text} per {number(Decimal(1000), 0, locale)}"
    return text  # number, ratio


def excel_format(unit: object, decimals: int) -> str:
    """The Excel number format that shows a stored figure as ``figure`` writes it (the cell keeps the number).

    The % is quoted: a percentage is stored as 51.2, not 0.512, and an unquoted % would multiply by 100.
    """
    digits = "#,##0" + ("." + "0" * decimals if decimals else "")
    kind = getattr(unit, "value", unit)
    if kind == "currency":
        return f'"£"{digits}'
    if kind == "percentage":
        return f'{digits}"%"'
    if kind == "days":
        return f'{digits}" days"'
    if kind == "rate_per_1000":
        return f'{digits}" per 1,000"'
    return digits


def local_time(when: dt.datetime | str, timezone: str = DEFAULT_TIMEZONE) -> dt.datetime:
    """A stored time (aware, or ISO text; naive means UTC) in the council's time zone."""
    if isinstance(when, str):
        when = dt.datetime.fromisoformat(when.strip().replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(ZoneInfo(timezone))


def time_text(when: dt.datetime | str, timezone: str = DEFAULT_TIMEZONE, locale: str = LOCALE) -> str:
    """A stored time as a reader reads it, in the council's time zone: "24 July 2026 10:00 BST"
    (the month in the locale's words: "24 Gorffennaf 2026 10:00 BST")."""
    t = local_time(when, timezone)
    if locale != LOCALE:
        from babel.dates import format_date

        return f"{format_date(t.date(), format='d MMMM y', locale=locale)} {t:%H:%M} {t.tzname()}"
    return f"{t.day} {t:%B %Y %H:%M} {t.tzname()}"
