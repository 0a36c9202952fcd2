"""The fixed text of an updater workbook in its language(s): English, Welsh, or both with Welsh first.

A directorate's workbooks are in ``Framework.workbook_languages_for(directorate)``: ``("en",)``,
``("cy",)`` or ``("cy", "en")``. ``Words`` gives each fixed text for them, through the catalogue:

- ``heading``: one line, the languages joined in reading order, ``Gwirioneddol / Actual``;
- ``paragraphs``: a sentence of the instructions, one paragraph per language (Welsh, then English);
- ``config``: a configuration text (``in_language``), in a bilingual workbook both forms on two lines
  (Welsh first) when the Welsh is written.

Messages are marked with ``N_`` where they are written so that ``make catalogues`` finds them;
placeholders (``%(name)s``) are filled per language (a value may be a function of the language,
for a date or a period written in it). An English-only workbook is exactly the English messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from babel.dates import format_date

from pmf_pipeline.i18n import in_language, translations
from pmf_pipeline.i18n.formatting import babel_locale, month_name
from pmf_pipeline.periods import Period

ENGLISH_ONLY = ("en",)
BOTH = ("cy", "en")
SEPARATOR = " / "


def N_(message: str) -> str:
    """Marks ``message`` for the catalogue; it is translated where it is written (``Words``)."""
    return message


def gettext(lang: str) -> Callable[[str], str]:
    return translations(lang).gettext


def fill(text: str, lang: str, values: dict[str, Any]) -> str:
    """A message with its placeholders filled (a value may be a function of the language). A message
    with placeholders writes a percent sign as ``%%``; one without is taken as written ("%", "85%")."""
    if not values and "%%" not in text:
        return text
    return text % {k: (v(lang) if callable(v) else v) for k, v in values.items()}


@dataclass(frozen=True)
class Words:
    """The fixed text of a workbook in ``languages`` (reading order)."""

    languages: tuple[str, ...] = ENGLISH_ONLY

    @property
    def first(self) -> str:
        return self.languages[0]

    @property
    def english_only(self) -> bool:
        return self.languages == ENGLISH_ONLY

    def one(self, lang: str, message: str, **values: Any) -> str:
        """``message`` in ``lang``, its placeholders filled."""
        return fill(gettext(lang)(message), lang, values)

    def each(self, message: str, **values: Any) -> list[str]:
        """``message`` in each language, in reading order (once when the translations are the same)."""
        out: list[str] = []
        for lang in self.languages:
            text = self.one(lang, message, **values)
            if text not in out:
                out.append(text)
        return out

    def heading(self, message: str, **values: Any) -> str:
        """``Gwirioneddol / Actual``: one line, Welsh first."""
        return SEPARATOR.join(self.each(message, **values))

    def paragraphs(self, message: str, **values: Any) -> list[str]:
        """A sentence of the instructions: one paragraph per language, Welsh first."""
        return self.each(message, **values)

    def lines(self, message: str, **values: Any) -> str:
        """Both languages in one cell, on separate lines (a prompt or a pre-filled cell)."""
        return "\n".join(self.each(message, **values))

    def config(self, obj: object, field: str) -> str:
        """A configuration text in the workbook's language(s): both forms on two lines, Welsh first."""
        texts: list[str] = []
        for lang in self.languages:
            t = in_language(obj, field, lang)
            if t not in texts:
                texts.append(t)
        return "\n".join(texts)

    def config_inline(self, obj: object, field: str) -> str:
        """As ``config``, on one line (``Gwasanaethau Cymdeithasol / Social Services``) for titles and file headers."""
        return self.config(obj, field).replace("\n", SEPARATOR)


def long_day(day: dt.date, lang: str) -> str:
    """The deadline as the instructions write it: ``Friday 16 October 2026``, ``Dydd Gwener 16 Hydref 2026``."""
    if lang == "en":
        return f"{day:%A %d %B %Y}"  # as English workbooks always wrote it
    return format_date(day, format="EEEE d MMMM y", locale=babel_locale(lang))


def period_label(period: Period, lang: str) -> str:
    """``Quarter 2 2026-27 (July to September 2026)`` in the language."""
    if lang == "en":
        return period.label
    return fill(
        gettext(lang)(N_("Quarter %(quarter)s %(year)s (%(first)s to %(last)s %(calendar_year)s)")),
        lang,
        {
            "quarter": period.quarter,
            "year": period.year,
            "first": month_name(period.start_date.month, lang),
            "last": month_name(period.end_date.month, lang),
            "calendar_year": period.end_date.year,
        },
    )


def header_height(labels: tuple[str, ...], widths: tuple[float, ...], at_least: float) -> float:
    """Points for a header row showing every (bold, wrapped) heading whole: Welsh and bilingual headings
    are longer than the English the row's height was chosen for."""
    lines = max(-(-len(label) // max(4, int(width * 0.9))) + label.count(" / ") for label, width in zip(labels, widths, strict=True))
    return max(at_least, 15.0 * lines + 4)
