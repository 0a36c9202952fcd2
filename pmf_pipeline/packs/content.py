"""What each pack holds, built from the period's results and tested apart from the rendering.

Packs: the corporate overview (every PI), one per committee (its remit), and one per directorate.
Each holds an overall status summary, achievements (met and improved), exceptions (off target or
declined significantly, with their commentary), the detail grouped by objective, and data
completeness. Objectives, aims and committees are named in the council's own words (``Terms``), and
each pack explains the PI types its PIs use.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pmf_pipeline.config.models import UNIT_LABELS, Config, PIType, Term, Terms
from pmf_pipeline.i18n import in_language, month_name, translations
from pmf_pipeline.i18n.formatting import babel_locale
from pmf_pipeline.i18n.languages import ENGLISH
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
    # The pack's language and where its council's corrections to the catalogue are (``config_dir``), and the
    # file of the same pack in the other language ('' for none). Left out of the repr, so an English pack of a
    # council that publishes only in English has the key it always had; ``render.pack_key`` adds them itself.
    lang: str = field(default=ENGLISH, repr=False)
    config_dir: str = field(default="", repr=False)
    other_language: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # (code, file name) of the same pack in another language
    return_lines: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # (name, summary) of ``returns``, in the pack's language


Gettext = Callable[[str], str]


def _same(message: str) -> str:
    return message


NARRATIVE_BELOW = "See below"  # a narrative PI's Actual cell: its account is the row under its title


def make_row(r: PIResult, looks: dict[str, Look], directorates: dict[str, str], types: dict[str, str], lang: str = ENGLISH, _: Gettext = _same) -> Row:
    """``types`` maps each PI type's code to the label shown beside the PI (its ``short``); ``lang`` and
    ``_`` (its gettext) write the row in a Welsh pack's words."""
    pi = r.pi
    english = lang == ENGLISH

    def shown(v: Decimal | None) -> str:
        if english:
            return figure(v, pi.unit, pi.decimals)
        return figure(v, pi.unit, pi.decimals, babel_locale(lang), _)

    bench = f"{pi.benchmark.label}: {shown(pi.benchmark.value)}" if pi.benchmark else ""
    text = (r.text or "") if pi.narrative else ""
    return Row(
        ref=pi.ref,
        title=in_language(pi, "title", lang),
        type=types.get(pi.type, pi.type),
        unit=_(UNIT_LABELS[pi.unit]),
        directorate=directorates.get(pi.directorate, pi.directorate),
        target=shown(r.target),
        actual=(_(NARRATIVE_BELOW) if text else NO_FIGURE) if pi.narrative else shown(r.actual),
        last_year=shown(r.previous_year_actual),
        status=translated(STATUS_LOOKS[r.status], _),
        trend=translated(TREND_LOOKS[r.trend], _),
        rating=looks[r.rating],
        comment=r.comment,
        chart=(
            trend_chart(r.history, r.target, pi.decimals, pi.unit.value)
            if english
            else trend_chart(r.history, r.target, pi.decimals, pi.unit.value, babel_locale(lang), _)
        )
        if not pi.narrative
        else "",
        benchmark=bench,
        awaiting_correction=r.awaiting_correction,
        narrative=pi.narrative,
        narrative_text=text,
    )


def _summary(name: str, results: list[PIResult], looks: dict[str, Look]) -> Summary:
    c = Counter(r.rating for r in results)
    return Summary(name, tuple((look, c.get(code, 0)) for code, look in looks.items()), len(results))


def _heatmap(config: Config, results: list[PIResult], looks: dict[str, Look], lang: str = ENGLISH, _: Gettext = _same) -> HeatMap:
    """Aims by directorate; objectives by directorate where no objective of the council has aims."""
    fw = config.framework
    dirs = [d for d in fw.directorates if any(r.pi.directorate == d.code for r in results)]
    order = list(looks)
    terms = terms_in(fw.terms, lang)
    obj, aim_term = terms.objective, terms.aim
    by_aim = any(o.aims for o in fw.objectives)
    if by_aim:
        lines = [(f"{aim.code} {in_language(aim, 'title', lang)}", [r for r in results if r.pi.aim == aim.code]) for o in fw.objectives for aim in o.aims]
    else:
        lines = [(f"{o.code} {in_language(o, 'title', lang)}", [r for r in results if r.pi.objective == o.code]) for o in fw.objectives]
    # English puts "a"/"an" before the objective; Welsh has no indefinite article
    an_objective = _a(obj.singular) if lang == ENGLISH else obj.singular
    names = [in_language(d, "name", lang) for d in dirs]
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
            tuple(names),
            tuple(rows),
            caption=_("%(objective)s %(aims)s by directorate")
            % {"objective": obj.heading, "aims": aim_term.plural, "objectives": obj.plural, "aims_heading": aim_term.plural_heading},
            row_heading=aim_term.heading,
            note=_("Each cell counts the PIs of %(objective)s's %(aim)s (row) in a directorate (column), by status.")
            % {"objective": an_objective, "aim": aim_term.singular},
        )
    return HeatMap(
        tuple(names),
        tuple(rows),
        caption=_("%(objectives)s by directorate") % {"objectives": obj.plural_heading},
        row_heading=obj.heading,
        note=_("Each cell counts the PIs of %(objective)s (row) in a directorate (column), by status.") % {"objective": an_objective},
    )


def translated(look: Look, _: Gettext) -> Look:
    """A status, trend or rating with its label in the pack's language (the catalogue's)."""
    label = _(look.label)
    return look if label == look.label else dataclasses.replace(look, label=label)


def terms_in(terms: Terms, lang: str) -> Terms:
    """The council's words for objectives, aims and committees in ``lang`` (their Welsh forms, else the English)."""
    if lang == ENGLISH:
        return terms

    def one(t: Term) -> Term:
        return Term(singular=in_language(t, "singular", lang), plural=in_language(t, "plural", lang))

    return Terms(objective=one(terms.objective), aim=one(terms.aim), committee=one(terms.committee))


def pack_looks(config: Config, lang: str, _: Gettext) -> dict[str, Look]:
    """The status scheme's looks in ``lang``: the council's own labels (``labels_cy`` for Welsh), else the catalogue's.
    A rating the council renamed in English without a Welsh label keeps its English name (check-config lists it)."""
    fw = config.framework
    looks = rating_looks(fw.status_scheme.value, fw.labels)
    if lang == ENGLISH:
        return looks
    own = fw.labels_in(lang)
    return {
        code: dataclasses.replace(look, label=own[code]) if code in own else look if code in fw.labels else translated(look, _) for code, look in looks.items()
    }


def period_label(period: Period, lang: str, _: Gettext) -> str:
    """``Period.label`` in the pack's language: "Chwarter 2 2026-27 (Gorffennaf – Medi 2026)"."""
    if lang == ENGLISH:
        return period.label
    first, last = period.start_date, period.end_date
    return _("Quarter %(quarter)s %(year)s (%(first)s to %(last)s %(end_year)s)") % {
        "quarter": period.quarter,
        "year": period.year,
        "first": month_name(first.month, lang),
        "last": month_name(last.month, lang),
        "end_year": last.year,
    }


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
    lang: str = ENGLISH,
    config_dir: str | Path | None = None,
) -> Pack:
    """One pack of ``results`` and ``actions`` in ``lang`` (its fixed text from the catalogue, with the
    council's corrections in ``config_dir``); ``made`` holds rows already made for other packs of the
    same language (a PI's row is the same in each)."""
    fw = config.framework
    _ = gettext_for(lang, config_dir)
    looks = pack_looks(config, lang, _)
    directorates = {d.code: in_language(d, "name", lang) for d in fw.directorates}
    types = {t.code: in_language(t, "short", lang) for t in fw.pi_types}
    rows = {} if made is None else made
    for r in results:
        if r.pi.ref not in rows:
            rows[r.pi.ref] = make_row(r, looks, directorates, types, lang, _)
    groups = []
    for o in fw.objectives:
        mine = tuple(rows[r.pi.ref] for r in results if r.pi.objective == o.code)
        if mine:
            groups.append(Group(f"{o.code}: {in_language(o, 'title', lang)}", mine))
    orphan = tuple(rows[r.pi.ref] for r in results if r.pi.objective is None)
    if orphan:
        groups.append(Group(_("Other measures"), orphan))
    by_dir = [
        _summary(directorates[d], [r for r in results if r.pi.directorate == d], looks) for d in directorates if any(r.pi.directorate == d for r in results)
    ]
    by_obj = [
        _summary(f"{o.code}: {in_language(o, 'title', lang)}", [r for r in results if r.pi.objective == o.code], looks)
        for o in fw.objectives
        if any(r.pi.objective == o.code for r in results)
    ]
    involved = {r.pi.directorate for r in results}
    latest = max((received[d] for d in involved if d in received), default=None)
    limit = fw.overview_detail_limit
    detail_elsewhere = kind == "overview" and limit > 0 and len(results) > limit
    locale = babel_locale(lang)
    returns = tuple(s for s in states if s.directorate in involved)
    return Pack(
        slug=pack_slug(title, lang),
        kind=kind,
        title=title,
        council=in_language(fw, "council", lang),
        period=str(period),
        period_label=period_label(period, lang, _),
        data_as_at=time_text(latest, fw.timezone, locale) if latest else _("no returns received"),
        generated_at=time_text(generated_at, fw.timezone, locale),
        scheme_looks=tuple(looks.values()),
        trend_looks=tuple(translated(t, _) for t in TREND_LOOKS.values()),
        summary=_summary(_("All PIs"), results, looks),
        by_objective=tuple(by_obj),
        by_directorate=tuple(by_dir if kind != "directorate" else []),
        heatmap=_heatmap(config, results, looks, lang, _) if kind != "directorate" else None,
        achievements=tuple(rows[r.pi.ref] for r in results if r.status == "met" and r.trend == "improved"),
        exceptions=tuple(rows[r.pi.ref] for r in results if r.exception),
        groups=() if detail_elsewhere else tuple(groups),
        detail_limit=limit if detail_elsewhere else 0,
        returns=returns,
        no_data=tuple(rows[r.pi.ref] for r in results if r.status == "no_data" and not r.awaiting_correction),
        awaiting=tuple(rows[r.pi.ref] for r in results if r.awaiting_correction),
        remit=remit,
        terms=terms_in(fw.terms, lang),
        pi_types=tuple(type_in(t, lang) for t in fw.pi_types if any(r.pi.type == t.code for r in results)),
        actions=build_actions(kind, actions, results, config, looks, lang, _),
        lang=lang,
        config_dir=str(config_dir) if config_dir is not None else "",
        return_lines=tuple((return_name(config, s, lang), s.summary_in(_, lang) if lang != ENGLISH else s.summary) for s in returns),
    )


def gettext_for(lang: str, config_dir: str | Path | None = None) -> Gettext:
    """The gettext of the catalogue for ``lang`` with the council's corrections; English: the message itself."""
    if lang == ENGLISH:
        return _same
    return translations(lang, config_dir).gettext


def pack_slug(title: str, lang: str) -> str:
    """The pack's file name (without period): English packs as they always were; a pack in another language is
    named from its own title with the language after a dot ("trosolwg-perfformiad-corfforaethol.cy"), so it can
    never take an English pack's file."""
    return slug(title) if lang == ENGLISH else f"{slug(title)}.{lang}"


def type_in(t: PIType, lang: str) -> PIType:
    """A PI type's texts in ``lang``."""
    if lang == ENGLISH:
        return t
    return t.model_copy(update={f: in_language(t, f, lang) for f in ("short", "name", "description")})


def return_name(config: Config, state: ReturnState, lang: str) -> str:
    """A return's line in the data completeness table: its directorate's name (and service's) in ``lang``."""
    if lang == ENGLISH:
        return state.name
    d = next((d for d in config.framework.directorates if d.code == state.directorate), None)
    if d is None:
        return state.name
    s = next((s for s in d.services if s.code == state.service), None)
    return f"{in_language(d, 'name', lang)}: {in_language(s, 'name', lang)}" if s is not None else in_language(d, "name", lang)


def build_packs(
    config: Config,
    period: Period,
    results: list[PIResult],
    states: list[ReturnState],
    received: dict[str, str],
    generated_at: dt.datetime,
    actions: Sequence[ActionResult] = (),
    config_dir: str | Path | None = None,
) -> list[Pack]:
    """The corporate overview, a pack per committee, and a pack per directorate, each with its actions
    (the overview all, a committee those of its remit, a directorate its own), in each language the
    council publishes in (``languages``, in reading order: the Welsh packs first for ``[cy, en]``). Each
    overview links to the overviews in the other languages.

    ``received`` gives, per directorate, when its latest accepted return was taken in (ISO); each
    pack's 'data as at' is the latest of its own directorates', so a pack whose data did not change
    is the same pack (and ``pmf quarter`` need not render it again).
    """
    fw = config.framework
    if config_dir is None:
        config_dir = config.folder or None  # the council's corrections to the catalogue, frozen with a period's configuration
    by_lang = {lang: _packs_in(lang, config, period, results, states, received, generated_at, actions, config_dir) for lang in fw.languages}
    if len(by_lang) > 1:  # each overview links to the others
        overviews = {lang: packs[0] for lang, packs in by_lang.items()}
        for lang, packs in by_lang.items():
            others = tuple((o, f"{p.period}_{p.slug}.html") for o, p in overviews.items() if o != lang)
            packs[0] = dataclasses.replace(packs[0], other_language=others)
    return [p for packs in by_lang.values() for p in packs]


def _packs_in(
    lang: str,
    config: Config,
    period: Period,
    results: list[PIResult],
    states: list[ReturnState],
    received: dict[str, str],
    generated_at: dt.datetime,
    actions: Sequence[ActionResult],
    config_dir: str | Path | None,
) -> list[Pack]:
    fw = config.framework
    _ = gettext_for(lang, config_dir)
    made: dict[str, Row] = {}

    def pack(kind: str, title: str, mine: list[PIResult], acts: Sequence[ActionResult], remit: str = "") -> Pack:
        return build_pack(kind, title, mine, config, period, states, received, generated_at, remit, made=made, actions=acts, lang=lang, config_dir=config_dir)

    packs = [pack("overview", _(OVERVIEW_TITLE), results, actions)]
    for c in fw.committees:
        refs = {pi.ref for pi in config.committee_pis(c)}
        mine = [r for r in results if r.pi.ref in refs]
        action_refs = {a.ref for a in config.committee_actions(c)}
        acts = [a for a in actions if a.action.ref in action_refs]
        packs.append(pack("committee", in_language(c, "name", lang), mine, acts, _remit_text(config, c, lang, _)))
    for d in fw.directorates:
        mine = [r for r in results if r.pi.directorate == d.code]
        acts = [a for a in actions if a.action.directorate == d.code]
        if mine or acts:
            title = directorate_title(d.name) if lang == ENGLISH else directorate_title(in_language(d, "name", lang), _)
            packs.append(pack("directorate", title, mine, acts))
    return packs


def _remit_text(config: Config, committee, lang: str = ENGLISH, _: Gettext = _same) -> str:  # type: ignore[no-untyped-def]
    r = committee.remit
    names = {d.code: in_language(d, "name", lang) for d in config.framework.directorates}
    objs = {o.code: in_language(o, "title", lang) for o in config.framework.objectives}
    parts = []
    if r.directorates:
        listed = ", ".join(names[d] for d in r.directorates)
        parts.append((_("directorates %(names)s") if len(r.directorates) > 1 else _("directorate %(names)s")) % {"names": listed})
    if r.objectives:
        term = terms_in(config.framework.terms, lang).objective
        listed = "; ".join(f"{o} ({objs[o]})" for o in r.objectives)
        parts.append(f"{term.plural if len(r.objectives) > 1 else term.singular} {listed}")
    parts.append(_("and the PIs the PI library assigns to this committee"))
    return _("This pack covers %(parts)s.") % {"parts": ", ".join(parts)}
