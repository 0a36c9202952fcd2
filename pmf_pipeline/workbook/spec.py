"""What a return asks for: the PIs due from a directorate in a period, with their pre-populated values.

The generator writes a ``ReturnSpec`` into a workbook; ingestion rebuilds the same spec from the
configuration recorded for the period and compares it with what came back, so the locked content
of a return can be checked value by value and by fingerprint. The earlier figures it shows (earlier
this year, same quarter last year) are handed in (``master.earlier``: frozen with the period, so
the spec a workbook was generated from can be rebuilt however earlier quarters change later).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from pmf_pipeline.config.models import PI, POLARITY_LABELS, UNIT_LABELS, Config, Terms
from pmf_pipeline.i18n import in_language
from pmf_pipeline.master.earlier import EarlierFigures, from_history
from pmf_pipeline.periods import Period
from pmf_pipeline.rules.status import Thresholds, as_reported, thresholds
from pmf_pipeline.workbook.action_spec import ActionSpec, LastActions, action_specs, actions_fingerprint
from pmf_pipeline.workbook.cells import canonical
from pmf_pipeline.workbook.words import ENGLISH_ONLY, N_, Words, long_day

# The words of the pre-filled Unit and Polarity columns, marked for the catalogue (``models`` holds the English).
_UNIT_WORDS = (N_("Number"), N_("Days"), N_("Ratio"), N_("Rate per 1,000"), N_("Narrative"))
_POLARITY_WORDS = (N_("Higher is better"), N_("Lower is better"), N_("Context only"))

TEMPLATE_VERSION = 1
__all__ = ["TEMPLATE_VERSION", "ReturnSpec", "RowSpec", "build_spec", "canonical"]


@dataclass(frozen=True)
class RowSpec:
    """One PI's row in a return: the locked, pre-populated values and what the live status needs."""

    pi: PI
    annual_target: Decimal | None
    target: Decimal | None
    earlier: str
    last_year: Decimal | None
    tolerance: Decimal
    type_short: str  # the council's label for the PI's type ("PAM", "Local"): locked content, so in the fingerprint
    last_quarter: Decimal | None = None  # for validation's swing check; not shown, not in the fingerprint
    type_obj: object = None  # the PI type, for its Welsh short form
    languages: tuple[str, ...] = ENGLISH_ONLY  # the workbook's language(s): its locked text is written in them

    @property
    def words(self) -> Words:
        return Words(self.languages)

    @cached_property
    def locked(self) -> dict[str, object]:
        """The pre-populated values, keyed by layout column, as written to the workbook."""
        pi = self.pi
        w = self.words
        english = w.english_only
        return {
            "ref": pi.ref,
            "title": pi.title if english else w.config(pi, "title"),
            "definition": self.definition_text,
            "type": self.type_short if english or self.type_obj is None else w.config_inline(self.type_obj, "short"),
            "unit": UNIT_LABELS[pi.unit] if english else w.heading(UNIT_LABELS[pi.unit]),
            "polarity": POLARITY_LABELS[pi.polarity] if english else w.heading(POLARITY_LABELS[pi.polarity]),
            "annual_target": self.annual_target,
            "target": self.target,
            "earlier": self.earlier,
            "last_year": self.last_year,
        }

    @cached_property
    def canonical_locked(self) -> dict[str, str]:
        return {k: canonical(v) for k, v in self.locked.items()}

    @cached_property
    def raw_locked(self) -> dict[str, object]:
        """The locked values as a reader gets them back (numbers as floats, blanks as ''): a fast first comparison."""
        return {k: "" if v is None else float(v) if isinstance(v, Decimal) else v for k, v in self.locked.items()}

    @property
    def definition_text(self) -> str:
        pi = self.pi
        if self.words.english_only:
            text = pi.definition
            if pi.calculation:
                text += f"\nNumerator: {pi.calculation.numerator}.\nDenominator: {pi.calculation.denominator}."
            if pi.cumulative:
                text += "\nReport the year-to-date figure."
            return text
        parts = []  # each language's definition in full, Welsh first
        for lang in self.languages:
            text = in_language(pi, "definition", lang)
            if pi.calculation:
                text += "\n" + self.words.one(lang, N_("Numerator: %(what)s."), what=pi.calculation.numerator)
                text += "\n" + self.words.one(lang, N_("Denominator: %(what)s."), what=pi.calculation.denominator)
            if pi.cumulative:
                text += "\n" + self.words.one(lang, N_("Report the year-to-date figure."))
            if text not in parts:
                parts.append(text)
        return "\n\n".join(parts)

    @cached_property
    def fingerprint(self) -> str:
        blob = json.dumps(list(self.canonical_locked.values()), ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]

    @cached_property
    def bands(self) -> Thresholds | None:
        if not self.pi.rated or self.target is None:
            return None
        return thresholds(self.target, self.pi.polarity.value, self.tolerance)

    @property
    def significant_decline_below(self) -> Decimal | None:
        """The reported value past which the PI is 10% or more worse than last year."""
        if not self.pi.rated or self.last_year is None or self.last_year == 0:
            return None
        ly = as_reported(self.last_year, self.pi.decimals)
        better = 1 if self.pi.polarity.value == "higher" else -1
        return ly - better * abs(ly) * Decimal("0.10")


@dataclass(frozen=True)
class ReturnSpec:
    council: str
    period: Period
    directorate: str
    directorate_name: str
    service: str | None
    service_name: str | None
    deadline: str
    rows: tuple[RowSpec, ...]
    terms: Terms = Terms()  # the council's words, for the instructions (not part of the fingerprint)
    actions: tuple[ActionSpec, ...] = ()  # the actions due an update (the Actions sheet), in library order
    action_scheme: str = "expected_progress"
    languages: tuple[str, ...] = ENGLISH_ONLY  # the workbook's language(s), in reading order (metadata ``languages``)
    council_text: str = ""  # the council's name in the workbook's language(s) ("" for English: ``council``)
    name_text: str = ""  # the directorate's (and service's) name in the workbook's language(s)
    deadline_day: dt.date | None = None

    @property
    def words(self) -> Words:
        return Words(self.languages)

    def deadline_in(self, lang: str) -> str:
        return self.deadline if lang == "en" or self.deadline_day is None else long_day(self.deadline_day, lang)

    @cached_property
    def fingerprint(self) -> str:
        blob = "|".join(f"{r.pi.ref}:{r.fingerprint}" for r in self.rows) + actions_fingerprint(self.actions)
        head = f"{TEMPLATE_VERSION}|{self.period}|{self.directorate}|{self.service or ''}|"
        return hashlib.sha256((head + blob).encode("utf-8")).hexdigest()

    @property
    def name(self) -> str:
        return self.directorate_name + (f" – {self.service_name}" if self.service_name else "")

    @property
    def shown_name(self) -> str:
        """The directorate's (and service's) name as the workbook writes it."""
        return self.name_text or self.name

    @property
    def shown_council(self) -> str:
        return self.council_text or self.council


def _fmt(value: Decimal | None, decimals: int) -> str:
    return "" if value is None else f"{as_reported(value, decimals):,}"


def build_spec(
    config: Config,
    period: Period,
    directorate: str,
    service: str | None = None,
    earlier: EarlierFigures | None = None,
    last_actions: LastActions | None = None,
    languages: tuple[str, ...] | None = None,
) -> ReturnSpec:
    """The return a directorate (or one of its services) is asked for in ``period`` (computed once per configuration
    and earlier figures).

    ``earlier`` are the period's earlier figures (``master.earlier.earlier_for``); without them, the
    configuration's history only, as for a council with no master dataset yet. ``last_actions`` are
    the actions' updates of the quarter before, shown on the Actions sheet (by action ref); without
    them, ``action_history.csv``'s. They are shown only, never in the fingerprint. ``languages``: the
    workbook's language(s) (default: the directorate's, ``Framework.workbook_languages_for``); the
    locked text is written in them, so a Welsh workbook's fingerprint is that of its Welsh text.
    """
    if languages is None:
        languages = config.framework.workbook_languages_for(config.framework.directorate(directorate))
    figures = earlier if earlier is not None else from_history(config, period)
    if figures.period != period:
        raise ValueError(f"earlier figures of {figures.period} given for a return of {period}")
    last_key = None if last_actions is None else tuple(sorted(last_actions.items(), key=lambda kv: kv[0]))
    return config.cached(  # type: ignore[no-any-return]
        ("spec", period, directorate, service, figures.key, last_key, languages),
        lambda: _build_spec(config, period, directorate, service, figures, last_actions, languages),
    )


def _build_spec(
    config: Config,
    period: Period,
    directorate: str,
    service: str | None,
    figures: EarlierFigures,
    last_actions: LastActions | None = None,
    languages: tuple[str, ...] = ENGLISH_ONLY,
) -> ReturnSpec:
    fw = config.framework
    d = fw.directorate(directorate)
    rows = []
    for pi in config.pis_for(directorate, period, service):
        earlier = []
        for p in period.earlier_in_year():
            v = figures(pi.ref, p)
            if v is not None:
                earlier.append(f"Q{p.quarter}: {_fmt(v, pi.decimals)}")
        rows.append(
            RowSpec(
                pi=pi,
                annual_target=config.annual_target(pi, period.year),
                target=config.target_for(pi, period),
                earlier="; ".join(earlier),
                last_year=figures(pi.ref, period.same_quarter_last_year()),
                tolerance=config.tolerance_for(pi),
                type_short=fw.pi_type(pi.type).short,
                last_quarter=figures(pi.ref, period.previous()),
                type_obj=fw.pi_type(pi.type),
                languages=languages,
            )
        )
    service_name = None
    w = Words(languages)
    name_text = "" if w.english_only else w.config_inline(d, "name")
    if service:
        service_name = next((s.name for s in d.services if s.code == service), service)
        if not w.english_only:
            s_obj = next((s for s in d.services if s.code == service), None)
            name_text += " – " + (w.config_inline(s_obj, "name") if s_obj is not None else service)
    return ReturnSpec(
        council=fw.council,
        period=period,
        directorate=d.code,
        directorate_name=d.name,
        service=service,
        service_name=service_name,
        deadline=f"{fw.deadline(period):%A %d %B %Y}",
        rows=tuple(rows),
        terms=fw.terms,
        actions=action_specs(config, period, directorate, service, last_actions, languages),
        action_scheme=fw.action_scheme.value,
        languages=languages,
        council_text="" if w.english_only else w.config_inline(fw, "council"),
        name_text=name_text,
        deadline_day=fw.deadline(period),
    )
