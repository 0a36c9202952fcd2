"""Dates, month names, numbers and percentages as a reader of the language writes them (Babel).

English is laid out as in Britain (``en_GB``): "31 March 2027", "1,234.5", "51.2%". Welsh uses Babel's
``cy`` locale: "31 Mawrth 2027", month names Ionawr ... Rhagfyr, the same digits and separators.
A PI's figure with its unit stays ``rules.units.figure`` (it takes a Babel locale: pass ``babel_locale(lang)``).
Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date, get_month_names

from pmf_pipeline.i18n.languages import LANGUAGES
from pmf_pipeline.rules import units

LOCALES = {"en": "en_GB", "cy": "cy"}


def babel_locale(lang: str) -> str:
    """The Babel locale a pack or workbook in ``lang`` is laid out in."""
    try:
        return LOCALES[lang]
    except KeyError:
        raise ValueError(f"unknown language {lang!r}; pmf knows {', '.join(LANGUAGES)}") from None


def long_date(day: dt.date, lang: str = "en") -> str:
    """ "31 March 2027", "31 Mawrth 2027": the day without a leading zero, the month in words."""
    return format_date(day, format="d MMMM y", locale=babel_locale(lang))


def month_name(month: int, lang: str = "en") -> str:
    """The month's name as it stands alone ("March", "Mawrth"), for ranges like "July to September"."""
    return str(get_month_names("wide", context="stand-alone", locale=babel_locale(lang))[month])


def number(value: Decimal, decimals: int, lang: str = "en") -> str:
    """The value to ``decimals`` places, rounded as the status rule rounds, with thousands separators."""
    return units.number(value, decimals, babel_locale(lang))


def percent(value: Decimal, decimals: int, lang: str = "en") -> str:
    """A percentage stored as the updater sees it (51.2, not 0.512): "51.2%" in both languages."""
    return f"{number(value, decimals, lang)}%"
