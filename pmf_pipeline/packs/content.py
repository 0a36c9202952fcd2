"""What each pack holds, built from the period's results and tested apart from the rendering.

Packs: the corporate overview (every PI), one per committee (its remit), and one per directorate.
Each holds an overall status summary, achievements (met and improved), exceptions (off target or
declined significantly, with their commentary), the detail grouped by objective, and data
completeness. Objectives, aims and committees are named in the council's own words (``Terms``), and
each pack explains the PI types its PIs use.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from pmf_pipeline.config.models import UNIT_LABELS, Config, PIType, Terms
from pmf_pipeline.master.action_results import ActionResult
from pmf_pipeline.master.results import PIResult
from pmf_pipeline.packs.action_content import Actions, build_actions
from pmf_pipeline.packs.charts import trend_chart
from pmf_pipeline.periods import Period
from pmf_pipeline.returns.tracker import ReturnState
from pmf_pipeline.rules.names import OVERVIEW_TITLE, directorate_title, slug
from pmf_pipeline.rules.status import STATUS_LOOKS, TREND_LOOKS, Look, rating_looks
from pmf_pipeline.rules.units import NO_FIGURE, figure, time_text


@dataclass(frozen=True)
class Row:
    """One PI as a pack shows it.

    ``target``, ``actual`` and ``last_year`` are written with the PI's unit and decimal places
    ("51.2%", "£250,000", "4.6 days"; "–" for none). A narrative PI's account is ``narrative_text``,
    shown across the table under its title; its ``actual`` only points to it. ``comment`` and
    ``narrative_text`` keep the updater's line breaks (the templates turn them into ``<br>``).
    """

    ref: str
    title: str
    type: str
    unit: str
    directorate: str
    target: str
    actual: str
    last_year: str
    status: Look
    trend: Look
    rating: Look
    comment: str
    chart: str  # inline SVG, built here from numbers only
    benchmark: str
    awaiting_correction: bool
    narrative: bool
    narrative_text: str = ""


@dataclass(frozen=True)
class Summary:
    """Counts by rating for one group (an objective, a directorate, or the whole pack)."""

    name: str
    counts: tuple[tuple[Look, int], ...]
    total: int


@dataclass(frozen=True)
class HeatCell:
    counts: tuple[tuple[Look, int], ...]
    worst: Look | None


@dataclass(frozen=True)
class HeatMap:
    """Counts by status: a row per aim (or, where the council's objectives have no aims, per objective),
    a column per directorate; ``caption``, ``row_heading`` and ``note`` say which, in the council's words."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[HeatCell, ...]], ...]
    caption: str = ""
    row_heading: str = ""
    note: str = ""


@dataclass(frozen=True)
class Group:
    name: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Pack:
    slug: str
    kind: str  # overview | committee | directorate
    title: str
    council: str
    period: str
    period_label: str
    data_as_at: str  # when the latest return in this pack was received, in the council's time zone: "24 July 2026 10:00 BST"
    generated_at: str  # when the pack was prepared, likewise
    scheme_looks: tuple[Look, ...]
    trend_looks: tuple[Look, ...]
    summary: Summary
    by_objective: tuple[Summary, ...]
    by_directorate: tuple[Summary, ...]
    heatmap: HeatMap | None
    achievements: tuple[Row, ...]
    exceptions: tuple[Row, ...]
    groups: tuple[Group, ...]
    returns: tuple[ReturnState, ...]
    no_data: tuple[Row, ...]
    awaiting: tuple[Row, ...]
    remit: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    detail_limit: int = 0  # set on a large council's overview, whose per-PI detail is left to the other packs
    terms: Terms = Terms()  # what the council calls its objectives, aims and committees
    pi_types: tuple[PIType, ...] = ()  # the PI types this pack's PIs use, in the council's order, for "How to read this report"
    actions: Actions | None = None  # the pack's actions and commitments (``action_content``); None: the council tracks none here


NARRATIVE_BELOW = "See below"  # a narrative PI's Actual cell: its account is the row under its title


def make_row(r: PIResult, looks: dict[str, Look], directorates: dict[str, str], types: dict[str, str]) -> Row:
    """``types`` maps each PI type's code to the label shown beside the PI (its ``short``)."""
    pi = r.pi

    def shown(v: Decimal | None) -> str:
        return figure(v, pi.unit, pi.decimals)

    bench = f"{pi.benchmark.label}: {shown(pi.benchmark.value)}" if pi.benchmark else ""
    text = (r.text or "") if pi.narrative else ""
    return Row(
        ref=pi.ref,
        title=pi.title,
        type=types.get(pi.type, pi.type),
        unit=UNIT_LABELS[pi.unit],
        directorate=directorates.get(pi.directorate, pi.directorate),
        target=shown(r.target),
        actual=(NARRATIVE_BELOW if text else NO_FIGURE) if pi.narrative else shown(r.actual),
        last_year=shown(r.previous_year_actual),
        status=STATUS_LOOKS[r.status],
        trend=TREND_LOOKS[r.trend],
        rating=looks[r.rating],
        comment=r.comment,
        chart=trend_chart(r.history, r.target, pi.decimals, pi.unit.value) if not pi.narrative else "",
        benchmark=bench,
        awaiting_correction=r.awaiting_correction,
        narrative=pi.narrative,
        narrative_text=text,
    )


def _summary(name: str, results: list[PIResult], looks: dict[str, Look]) -> Summary:
    c = Counter(r.rating for r in results)
    return Summary(name, tuple((look, c.get(code, 0)) for code, look in looks.items()), len(results))


def _heatmap(config: Config, results: list[PIResult], looks: dict[str, Look]) -> HeatMap:
    """Aims by directorate; objectives by directorate where no objective of the council has aims."""
    fw = config.framework
    dirs = [d for d in fw.directorates if any(r.pi.directorate == d.code for r in results)]
    order = list(looks)
    obj, aim_term = fw.terms.objective, fw.terms.aim
    by_aim = any(o.aims for o in fw.objectives)
    if by_aim:
        lines = [(f"{aim.code} {aim.title}", [r for r in results if r.pi.aim == aim.code]) for o in fw.objectives for aim in o.aims]
    else:
        lines = [(f"{o.code} {o.title}", [r for r in results if r.pi.objective == o.code]) for o in fw.objectives]
    rows = []
    for name, mine in lines:
        if not mine:
            continue
        cells = []
        for d in dirs:
            c = Counter(r.rating for r in mine if r.pi.directorate == d.code)
            counts = tuple((looks[code], c[code]) for code in order if c.get(code))
            rated = [code for code in order[: len(order) - 2] if c.get(code)]  # the last two are not rated / no data
            worst = looks[max(rated, key=order.index)] if rated else None
            cells.append(HeatCell(counts, worst))
        rows.append((name, tuple(cells)))
    if by_aim:
        return HeatMap(
            tuple(d.name for d in dirs),
            tuple(rows),
            caption=f"{obj.heading} {aim_term.plural} by directorate",
            row_heading=aim_term.heading,
            note=f"Each cell counts the PIs of {_a(obj.singular)}'s {aim_term.singular} (row) in a directorate (column), by status.",
        )
    return HeatMap(
        tuple(d.name for d in dirs),
        tuple(rows),
        caption=f"{obj.plural_heading} by directorate",
        row_heading=obj.heading,
        note=f"Each cell counts the PIs of {_a(obj.singular)} (row) in a directorate (column), by status.",
    )


def _a(noun: str) -> str:
    """The noun with its indefinite article: "a wellbeing objective", "an outcome"."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def build_pack(
    kind: str,
    title: str,
    results: list[PIResult],
    config: Config,
    period: Period,
    states: list[ReturnState],
    received: dict[str, str],
    generated_at: dt.datetime,
    remit: str = "",
    made: dict[str, Row] | None = None,
    actions: Sequence[ActionResult] = (),
) -> Pack:
    """One pack of ``results`` and ``actions``; ``made`` holds rows already made for other packs (a PI's row is the same in each)."""
    fw = config.framework
    looks = rating_looks(fw.status_scheme.value, fw.labels)
    directorates = {d.code: d.name for d in fw.directorates}
    types = {t.code: t.short for t in fw.pi_types}
    rows = {} if made is None else made
    for r in results:
        if r.pi.ref not in rows:
            rows[r.pi.ref] = make_row(r, looks, directorates, types)
    groups = []
    for o in fw.objectives:
        mine = tuple(rows[r.pi.ref] for r in results if r.pi.objective == o.code)
        if mine:
            groups.append(Group(f"{o.code}: {o.title}", mine))
    orphan = tuple(rows[r.pi.ref] for r in results if r.pi.objective is None)
    if orphan:
        groups.append(Group("Other measures", orphan))
    by_dir = [
        _summary(directorates[d], [r for r in results if r.pi.directorate == d], looks) for d in directorates if any(r.pi.directorate == d for r in results)
    ]
    by_obj = [
        _summary(f"{o.code}: {o.title}", [r for r in results if r.pi.objective == o.code], looks)
        for o in fw.objectives
        if any(r.pi.objective == o.code for r in results)
    ]
    involved = {r.pi.directorate for r in results}
    latest = max((received[d] for d in involved if d in received), default=None)
    limit = fw.overview_detail_limit
    detail_elsewhere = kind == "overview" and limit > 0 and len(results) > limit
    return Pack(
        slug=slug(title),
        kind=kind,
        title=title,
        council=fw.council,
        period=str(period),
        period_label=period.label,
        data_as_at=time_text(latest, fw.timezone) if latest else "no returns received",
        generated_at=time_text(generated_at, fw.timezone),
        scheme_looks=tuple(looks.values()),
        trend_looks=tuple(TREND_LOOKS.values()),
        summary=_summary("All PIs", results, looks),
        by_objective=tuple(by_obj),
        by_directorate=tuple(by_dir if kind != "directorate" else []),
        heatmap=_heatmap(config, results, looks) if kind != "directorate" else None,
        achievements=tuple(rows[r.pi.ref] for r in results if r.status == "met" and r.trend == "improved"),
        exceptions=tuple(rows[r.pi.ref] for r in results if r.exception),
        groups=() if detail_elsewhere else tuple(groups),
        detail_limit=limit if detail_elsewhere else 0,
        returns=tuple(s for s in states if s.directorate in involved),
        no_data=tuple(rows[r.pi.ref] for r in results if r.status == "no_data" and not r.awaiting_correction),
        awaiting=tuple(rows[r.pi.ref] for r in results if r.awaiting_correction),
        remit=remit,
        terms=fw.terms,
        pi_types=tuple(t for t in fw.pi_types if any(r.pi.type == t.code for r in results)),
        actions=build_actions(kind, actions, results, config, looks),
    )


def build_packs(
    config: Config,
    period: Period,
    results: list[PIResult],
    states: list[ReturnState],
    received: dict[str, str],
    generated_at: dt.datetime,
    actions: Sequence[ActionResult] = (),
) -> list[Pack]:
    """The corporate overview, a pack per committee, and a pack per directorate, each with its actions
    (the overview all, a committee those of its remit, a directorate its own).

    ``received`` gives, per directorate, when its latest accepted return was taken in (ISO); each
    pack's 'data as at' is the latest of its own directorates', so a pack whose data did not change
    is the same pack (and ``pmf quarter`` need not render it again).
    """
    fw = config.framework
    made: dict[str, Row] = {}
    packs = [build_pack("overview", OVERVIEW_TITLE, results, config, period, states, received, generated_at, made=made, actions=actions)]
    for c in fw.committees:
        refs = {pi.ref for pi in config.committee_pis(c)}
        mine = [r for r in results if r.pi.ref in refs]
        action_refs = {a.ref for a in config.committee_actions(c)}
        acts = [a for a in actions if a.action.ref in action_refs]
        remit = _remit_text(config, c)
        packs.append(build_pack("committee", c.name, mine, config, period, states, received, generated_at, remit, made=made, actions=acts))
    for d in fw.directorates:
        mine = [r for r in results if r.pi.directorate == d.code]
        acts = [a for a in actions if a.action.directorate == d.code]
        if mine or acts:
            title = directorate_title(d.name)
            packs.append(build_pack("directorate", title, mine, config, period, states, received, generated_at, made=made, actions=acts))
    return packs


def _remit_text(config: Config, committee) -> str:  # type: ignore[no-untyped-def]
    r = committee.remit
    names = {d.code: d.name for d in config.framework.directorates}
    objs = {o.code: o.title for o in config.framework.objectives}
    parts = []
    if r.directorates:
        parts.append("directorate" + ("s " if len(r.directorates) > 1 else " ") + ", ".join(names[d] for d in r.directorates))
    if r.objectives:
        term = config.framework.terms.objective
        parts.append((term.plural if len(r.objectives) > 1 else term.singular) + " " + "; ".join(f"{o} ({objs[o]})" for o in r.objectives))
    parts.append("and the PIs the PI library assigns to this committee")
    return "This pack covers " + ", ".join(parts) + "."
