"""What a pack shows of actions and commitments, beside its PIs (built from ``ActionResult``s, tested apart
from the rendering).

A pack's actions are those of its scope: every action (the overview), a committee's (its remit, as
``Config.committee_actions`` says) or a directorate's own. The pack shows:

- counts by status and by the scheme's ratings (``rules.actions.scheme_looks``), with numbers and
  whole percentages of the group's actions, for the whole pack and per objective, per committee (the
  overview) and per directorate (not in a directorate's own pack);
- beside the PI heat map, a row per aim (or objective, as the PI heat map) with two cells: its PIs by
  status and its actions by rating. **All actions linked to the aim or objective are counted, not only
  the corporate plan commitments**: service plan actions and regulator recommendations linked to an
  objective are part of delivering it, and the cells then add up to the counts by objective above;
- exceptions (red, off track or overdue), with their commentary and any revised due date;
- the actions completed this quarter, among the achievements;
- every action in detail, grouped by objective (not in the overview, which stays a summary).

A pack with no actions has ``actions=None`` and its HTML is exactly that of a council that tracks none.
Fixed words (headings, sentences) are in ``templates/_actions.html``; here are only the data and the
labels of statuses and ratings (as ``rules.status`` holds the PIs').
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pmf_pipeline.config.models import Config
from pmf_pipeline.config.plan import ActionStatus
from pmf_pipeline.master.action_results import ActionResult
from pmf_pipeline.master.results import PIResult
from pmf_pipeline.rules.actions import NO_UPDATE, NOT_RATED, NOT_YET_DUE, OPEN_STATUSES, PROGRESS_LOOKS, SELF_LOOKS, scheme_looks
from pmf_pipeline.rules.status import Look
from pmf_pipeline.rules.units import NO_FIGURE, number

# An action's status, as the updater gave it: a symbol and words (no colour: the rating carries the judgement).
STATUS_SYMBOLS = {
    ActionStatus.not_started: "○",
    ActionStatus.in_progress: "◑",
    ActionStatus.completed: "●",
    ActionStatus.deferred: "»",
    ActionStatus.ongoing: "↻",
    ActionStatus.cancelled: "⊘",
}
ACTION_STATUS_LOOKS: dict[str | None, Look] = {s.value: Look(s.name, s.label, STATUS_SYMBOLS[s], "#ffffff") for s in ActionStatus}
ACTION_STATUS_LOOKS[None] = Look(NO_UPDATE, "No update", "–", "#ffffff")
_ALWAYS_SHOWN = ("not started", "in progress", "completed")  # status columns shown even at 0; the others when used


@dataclass(frozen=True)
class Count:
    look: Look
    n: int
    percent: str  # of the group's actions, whole: "20%"


@dataclass(frozen=True)
class ActionSummary:
    """Counts of one group's actions (the pack's, an objective's, a committee's, a directorate's).
    ``name`` is '' for the actions linked to no objective (the template says so in the council's words)."""

    name: str
    total: int
    by_status: tuple[Count, ...]
    by_rating: tuple[Count, ...]


@dataclass(frozen=True)
class Breakdown:
    """The counts of one way of grouping: ``by`` is objective | committee | directorate."""

    by: str
    groups: tuple[ActionSummary, ...]


@dataclass(frozen=True)
class Cell:
    """A heat map cell: counts by look, best first (only those above 0), and the worst rated look (its colour)."""

    counts: tuple[tuple[Look, int], ...]
    worst: Look | None


@dataclass(frozen=True)
class HeatRow:
    name: str
    pis: Cell  # by PI status (the pack's rating scheme)
    actions: Cell  # by action rating


@dataclass(frozen=True)
class ActionRow:
    """One action as a pack shows it; dates are written as a reader reads them ("31 March 2027")."""

    ref: str
    title: str
    kind: str
    directorate: str
    owner: str
    status: Look
    percent: str  # "45%", "–" for none
    expected: str  # "50%" while the action is open, else ''
    rating: Look
    progress: Look | None  # the expected-progress rating, shown beside a self-assessment it disagrees with
    overdue: bool
    start: str
    due: str
    revised_due: str
    completed_on: str
    milestones: tuple[tuple[str, str], ...]  # (title, due)
    carried_over: bool
    years: tuple[str, ...]  # the financial years whose plans hold the action
    commentary: str
    commentary_awaited: bool
    awaiting_correction: bool = False  # the service's update had an error: held back until corrected


@dataclass(frozen=True)
class ActionGroup:
    name: str  # "WO1: ..."; '' for the actions linked to no objective
    rows: tuple[ActionRow, ...]


@dataclass(frozen=True)
class Actions:
    """Everything a pack shows of its actions (see the module docstring)."""

    scheme: str  # expected_progress | brayg | rag
    summary: ActionSummary
    status_columns: tuple[Look, ...]
    rating_columns: tuple[Look, ...]
    breakdowns: tuple[Breakdown, ...]
    heat_rows: tuple[HeatRow, ...]
    heat_by_aim: bool
    exceptions: tuple[ActionRow, ...]
    achievements: tuple[ActionRow, ...]
    groups: tuple[ActionGroup, ...]  # the detail; () in the overview
    rating_looks: tuple[Look, ...]  # every rating of the scheme, best first, for the key
    progress_looks: tuple[Look, ...]  # the expected-progress ratings, for the key under brayg and rag
    status_looks: tuple[Look, ...]
    styles: tuple[Look, ...]  # looks whose colour the PI part of the pack does not already style

    @property
    def total(self) -> int:
        return self.summary.total


def date_text(d: object) -> str:
    """A date as a reader reads it: "31 March 2027" ('' for none)."""
    if d is None:
        return ""
    return f"{d.day} {d:%B %Y}"  # type: ignore[attr-defined]


def percent_text(value: Decimal | None) -> str:
    return NO_FIGURE if value is None else f"{number(value, 0)}%"


def share(n: int, total: int) -> str:
    """n as a whole percentage of total, rounded half up: "20%"."""
    if not total:
        return "0%"
    return f"{(Decimal(n) * 100 / Decimal(total)).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def make_action_row(r: ActionResult, scheme: str, directorates: dict[str, str]) -> ActionRow:
    a, u, rated = r.action, r.update, r.rated
    status = u.status if u else None
    open_ = status is None or status in OPEN_STATUSES
    disagrees = rated.disagrees and scheme != "expected_progress"
    return ActionRow(
        ref=a.ref,
        title=a.title,
        kind=r.kind_name,
        directorate=directorates.get(a.directorate, a.directorate),
        owner=a.owner,
        status=ACTION_STATUS_LOOKS[status],
        percent=percent_text(u.percent_complete if u else None),
        expected=percent_text(rated.expected) if open_ and u is not None else "",
        rating=rated.look,
        progress=PROGRESS_LOOKS[rated.progress] if disagrees else None,
        overdue=rated.overdue,
        start=date_text(a.start),
        due=date_text(a.due),
        revised_due=date_text(u.revised_due if u else None),
        completed_on=date_text(u.completed_on if u else None),
        milestones=tuple((m.title, date_text(m.due)) for m in a.milestones),
        carried_over=r.carried_over,
        years=a.years,
        commentary=u.commentary if u else "",
        commentary_awaited=r.commentary_awaited,
        awaiting_correction=r.awaiting_correction,
    )


def _summary(name: str, results: Sequence[ActionResult], statuses: Sequence[str | None], ratings: Sequence[str], looks: dict[str, Look]) -> ActionSummary:
    by_status = Counter(r.update.status if r.update else None for r in results)
    by_rating = Counter(r.rated.rating for r in results)
    n = len(results)
    return ActionSummary(
        name,
        n,
        tuple(Count(ACTION_STATUS_LOOKS[s], by_status.get(s, 0), share(by_status.get(s, 0), n)) for s in statuses),
        tuple(Count(looks[c], by_rating.get(c, 0), share(by_rating.get(c, 0), n)) for c in ratings),
    )


def _cell(codes: Iterable[str], looks: dict[str, Look], unrated: tuple[str, ...]) -> Cell:
    c = Counter(codes)
    order = list(looks)
    counts = tuple((looks[code], c[code]) for code in order if c.get(code))
    rated = [code for code in order if c.get(code) and code not in unrated]
    return Cell(counts, looks[max(rated, key=order.index)] if rated else None)


def _heat_rows(
    config: Config, pis: Sequence[PIResult], actions: Sequence[ActionResult], pi_looks: dict[str, Look], looks: dict[str, Look]
) -> tuple[list[HeatRow], bool]:
    """A row per aim (per objective where the council's objectives have no aims, as the PI heat map) with
    PIs or actions in the pack; with aims, the actions linked to an objective but to none of its aims have
    a row of the objective's. An aim with PIs and no actions shows "–" for its actions: nothing is left out."""
    fw = config.framework
    by_aim = any(o.aims for o in fw.objectives)
    lines: list[tuple[str, list[PIResult], list[ActionResult]]] = []
    for o in fw.objectives:
        if by_aim:
            for aim in o.aims:
                lines.append((f"{aim.code} {aim.title}", [r for r in pis if r.pi.aim == aim.code], [r for r in actions if r.action.aim == aim.code]))
            loose = [r for r in actions if r.action.objective == o.code and r.action.aim not in {a.code for a in o.aims}]
            if loose:
                lines.append((f"{o.code} {o.title}", [], loose))
        else:
            lines.append((f"{o.code} {o.title}", [r for r in pis if r.pi.objective == o.code], [r for r in actions if r.action.objective == o.code]))
    rows = [
        HeatRow(
            name,
            _cell((r.rating for r in p), pi_looks, ("not_rated", "no_data")),
            _cell((r.rated.rating for r in a), looks, (NOT_YET_DUE, NOT_RATED, NO_UPDATE)),
        )
        for name, p, a in lines
        if p or a
    ]
    return rows, by_aim


def build_actions(kind: str, results: Sequence[ActionResult], pis: Sequence[PIResult], config: Config, pi_looks: dict[str, Look]) -> Actions | None:
    """What a pack of ``kind`` shows of ``results`` (its actions) beside ``pis`` (its PI results); None for no actions."""
    if not results:
        return None
    fw = config.framework
    scheme = fw.action_scheme.value
    looks = scheme_looks(scheme)
    directorates = {d.code: d.name for d in fw.directorates}
    used = {r.update.status if r.update else None for r in results}
    statuses = [s for s in (*(st.value for st in ActionStatus), None) if s in _ALWAYS_SHOWN or s in used]
    ratings_used = {r.rated.rating for r in results}
    ratings = [c for c in looks if c not in (NOT_RATED, NO_UPDATE) or c in ratings_used]

    def summary(name: str, mine: Sequence[ActionResult]) -> ActionSummary:
        return _summary(name, mine, statuses, ratings, looks)

    breakdowns = []
    objs = [summary(f"{o.code}: {o.title}", [r for r in results if r.action.objective == o.code]) for o in fw.objectives]
    unlinked = [r for r in results if r.action.objective not in {o.code for o in fw.objectives}]
    groups_obj = [s for s in objs if s.total] + ([summary("", unlinked)] if unlinked else [])
    breakdowns.append(Breakdown("objective", tuple(groups_obj)))
    if kind == "overview":
        mine_by_c = [(c, {a.ref for a in config.committee_actions(c)}) for c in fw.committees]
        comms = [summary(c.name, [r for r in results if r.action.ref in refs]) for c, refs in mine_by_c]
        breakdowns.append(Breakdown("committee", tuple(s for s in comms if s.total)))
    if kind != "directorate":
        dirs = [summary(d.name, [r for r in results if r.action.directorate == d.code]) for d in fw.directorates]
        breakdowns.append(Breakdown("directorate", tuple(s for s in dirs if s.total)))
    heat, by_aim = _heat_rows(config, pis, results, pi_looks, looks) if kind != "directorate" else ([], False)
    rows = {r.action.ref: make_action_row(r, scheme, directorates) for r in results}
    detail: list[ActionGroup] = []
    if kind != "overview":
        for o in fw.objectives:
            mine = tuple(rows[r.action.ref] for r in results if r.action.objective == o.code)
            if mine:
                detail.append(ActionGroup(f"{o.code}: {o.title}", mine))
        if unlinked:
            detail.append(ActionGroup("", tuple(rows[r.action.ref] for r in unlinked)))
    progress = tuple(PROGRESS_LOOKS.values()) if scheme != "expected_progress" else ()
    pi_colours = {look.css_class for look in pi_looks.values()}
    extra: dict[str, Look] = {}
    for look in (*looks.values(), *progress, *SELF_LOOKS[scheme].values()):
        if look.css_class not in pi_colours:
            extra.setdefault(look.css_class, look)
    return Actions(
        scheme=scheme,
        summary=summary("", results),
        status_columns=tuple(ACTION_STATUS_LOOKS[s] for s in statuses),
        rating_columns=tuple(looks[c] for c in ratings),
        breakdowns=tuple(b for b in breakdowns if b.groups),
        heat_rows=tuple(heat),
        heat_by_aim=by_aim,
        exceptions=tuple(rows[r.action.ref] for r in results if r.exception),
        achievements=tuple(rows[r.action.ref] for r in results if r.completed_this_quarter),
        groups=tuple(detail),
        rating_looks=tuple(looks.values()),
        progress_looks=progress,
        status_looks=tuple(ACTION_STATUS_LOOKS.values()),
        styles=tuple(extra.values()),
    )
