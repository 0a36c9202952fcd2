"""Each PI's result for a period: value, target, status, trend and rating, from the master dataset.

This is what exports and packs are built from. A figure that is unsound (not a number, out of
range, inconsistent with its numerator and denominator, from altered template content) is held
back ('awaiting correction') and rated as no data, so an unchecked figure never reaches a committee
as if it were sound. A figure whose only fault is a missing comment or evidence reference is rated
and shown: its exception says the commentary is awaited, and the coordinator chases it.

The trend compares with the same quarter last year as the period's updaters were shown it and
validation judged it (``master.earlier``: frozen with the period); the eight-quarter history
behind the charts shows earlier quarters as they stand now.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pmf_pipeline.config.models import PI, Config
from pmf_pipeline.master.earlier import earlier_for, master_lookup
from pmf_pipeline.master.store import Store, to_decimal
from pmf_pipeline.periods import Period
from pmf_pipeline.rules.status import NO_DATA, as_reported, rate, scheme_rating, trend


@dataclass(frozen=True)
class PIResult:
    pi: PI
    period: Period
    target: Decimal | None
    annual_target: Decimal | None
    actual: Decimal | None
    text: str | None
    status: str
    trend: str
    rating: str
    previous_year_actual: Decimal | None
    comment: str
    evidence: str
    updated_by: str
    verified_by: str
    awaiting_correction: bool
    source: str  # 'file, sheet!cell' of the figure, or 'history'
    normalisation: str | None
    history: tuple[tuple[Period, Decimal | None], ...]  # the last eight quarters, oldest first

    @property
    def shown(self) -> str:
        if self.actual is None:
            return self.text or ""
        return f"{as_reported(self.actual, self.pi.decimals):,}"

    @property
    def exception(self) -> bool:
        return self.status == "off_target" or self.trend == "declined_significantly"

    @property
    def commentary_awaited(self) -> bool:
        """An exception the service has not yet explained."""
        return self.exception and not self.comment


def period_results(config: Config, store: Store, period: Period) -> list[PIResult]:
    """The result of every PI due in ``period``, in library order."""
    values = store.values(str(period))
    files = {sid: name for sid, (name, _) in store.submission_files(str(period)).items()}
    scheme = config.framework.status_scheme.value
    compared = earlier_for(config, period, store=store)
    earlier = master_lookup(store, config)
    out = []
    for pi in config.pis.values():
        if not pi.due_in(period):
            continue
        row = values.get(pi.ref)
        actual = to_decimal(row["actual"], row) if row else None
        awaiting = bool(row and row["has_error"])
        used = None if awaiting else actual
        target = config.target_for(pi, period)
        ly = compared(pi.ref, period.same_quarter_last_year())
        status = rate(used, target, pi.polarity.value, pi.decimals, config.tolerance_for(pi), pi.narrative)
        if pi.narrative and not (row and row["text"]):
            status = NO_DATA
        tr = trend(used, ly, pi.polarity.value, pi.decimals, pi.maximum)
        at_max = used is not None and pi.maximum is not None and as_reported(used, pi.decimals) == pi.maximum
        hist = tuple((p, actual if p == period else earlier(pi.ref, p)) for p in period.last_n(8))
        if row and row["source"] == "return":
            source = f"{files.get(row['submission_id'], '?')}, {row['sheet']}!{row['cell']}"
        else:
            source = "history" if row else ""
        out.append(
            PIResult(
                pi=pi,
                period=period,
                target=target,
                annual_target=config.annual_target(pi, period.year),
                actual=actual,
                text=row["text"] if row else None,
                status=status,
                trend=tr,
                rating=scheme_rating(scheme, status, tr, at_max),
                previous_year_actual=ly,
                comment=(row["comment"] or "") if row else "",
                evidence=(row["evidence"] or "") if row else "",
                updated_by=(row["updated_by"] or "") if row else "",
                verified_by=(row["verified_by"] or "") if row else "",
                awaiting_correction=awaiting,
                source=source,
                normalisation=row["normalisation"] if row else None,
                history=hist,
            )
        )
    return out
