"""Packs report actions and commitments beside the PIs: counts, the side-by-side heat map, exceptions,
achievements, the detail and the key; and a council that tracks no actions gets the same packs as before.

The action results are made here as the master stage makes them (rated by ``rules.actions.rate_action``),
from a small library of actions in the sample council's directorates, objectives and aims, rated ``brayg``.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

import pytest

from pmf_pipeline.config.plan import Action, ActionScheme, Milestone
from pmf_pipeline.master.action_results import ActionResult, ActionUpdate
from pmf_pipeline.master.results import period_results
from pmf_pipeline.master.store import Store
from pmf_pipeline.packs.content import build_packs
from pmf_pipeline.packs.render import TEMPLATES, environment, render_html, render_pdf
from pmf_pipeline.rules.actions import rate_action
from pmf_pipeline.rules.names import directorate_title
from tests.conftest import PERIOD, need_program

WHEN = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.timezone.utc)
D = dt.date
RED_NOTE = "Contractor went into administration in July.\nA new contractor starts on 5 October <b>as planned</b>."


def _action(ref, title, kind, directorate, objective, aim, start, due, years=("2026-27",), milestones=(), owner="Head of Service"):
    return Action(
        ref=ref,
        title=title,
        kind=kind,
        directorate=directorate,
        owner=owner,
        objective=objective,
        aim=aim,
        start=start,
        due=due,
        years=years,
        milestones=tuple(Milestone(title=t, due=d) for t, d in milestones),
    )


ACTIONS = (
    _action(
        "ENV-A1", "Collect food waste from every block of flats", "commitment", "ENV", "WO4", "WO4.1", D(2026, 4, 1), D(2027, 3, 31), owner="Head of Waste"
    ),
    _action("ENV-A2", "Install 40 electric vehicle charge points", "commitment", "ENV", "WO4", "WO4.3", D(2026, 4, 1), D(2027, 3, 31)),
    _action(
        "ENV-A3",
        "Resurface the A4067 through Ystalyfera",
        "service_plan",
        "ENV",
        "WO4",
        "WO4.2",
        D(2025, 4, 1),
        D(2026, 6, 30),
        years=("2025-26", "2026-27"),
        milestones=(("Contract awarded", D(2025, 10, 31)), ("Works complete", D(2026, 6, 30))),
        owner="Head of Highways",
    ),
    _action("ENV-A4", "Act on Audit Wales's waste review recommendation 2", "regulator", "ENV", "WO4", "WO4.1", D(2026, 4, 1), D(2026, 9, 30)),
    _action("SS-A1", "Open two extra care schemes", "commitment", "SS", "WO3", "WO3.1", D(2026, 4, 1), D(2028, 3, 31)),
    _action(
        "SS-A2",
        "Review day services with the people who use them",
        "service_plan",
        "SS",
        "WO3",
        "WO3.1",
        D(2026, 1, 1),
        D(2026, 8, 31),
        years=("2025-26", "2026-27"),
    ),
    _action("CR-A1", "Replace the finance system", "service_plan", "CR", None, None, D(2026, 4, 1), D(2027, 3, 31)),
    _action("LS-A1", "Build a Welsh-medium primary school in Pontardawe", "commitment", "LS", "WO2", "WO2.1", D(2026, 4, 1), D(2029, 3, 31)),
    _action("PLC-A1", "Adopt the replacement local development plan", "commitment", "PLC", "WO2", "WO2.2", D(2026, 4, 1), D(2027, 12, 31)),
)
KINDS = {"commitment": "Corporate plan commitment", "service_plan": "Service plan action", "regulator": "Regulator recommendation"}

# ref: (status, % complete, self-assessed rating, commentary, revised due date, completed on); None: no update
UPDATES = {
    "ENV-A1": ("in progress", 45, "green", "Flats in Neath and Port Talbot done.", None, None),
    "ENV-A2": ("in progress", 20, "green", "", None, None),  # 20% against 50% expected: off track by progress, green by the service
    "ENV-A3": ("in progress", 80, "red", RED_NOTE, D(2026, 12, 31), None),  # overdue, red, carried over
    "ENV-A4": ("completed", 100, "", "Recommendation implemented.", None, D(2026, 9, 15)),
    "SS-A1": ("in progress", 25, "amber", "", None, None),
    "SS-A2": ("not started", None, "red", "", None, None),  # overdue, commentary missing
    "CR-A1": ("in progress", 50, "yellow", "Data migration slipped a month.", None, None),
    "LS-A1": ("deferred", None, "", "Deferred until Welsh Government funding is confirmed.", None, None),
    "PLC-A1": None,
}


def action_results(scheme: str = "brayg") -> list[ActionResult]:
    """Each action's result in the quarter, rated as the master stage rates it."""
    out = []
    for a in ACTIONS:
        u = UPDATES[a.ref]
        update = None
        if u is not None:
            status, pct, rating, note, revised, done = u
            update = ActionUpdate(PERIOD, status, None if pct is None else Decimal(pct), rating, note, revised, done)
        rated = rate_action(
            scheme,
            update.status if update else None,
            update.percent_complete if update else None,
            update.rating if update else "",
            a.start,
            a.due,
            PERIOD.end_date,
        )
        done_now = bool(update and update.completed_on and PERIOD.start_date <= update.completed_on <= PERIOD.end_date)
        out.append(ActionResult(a, PERIOD, update, rated, KINDS[a.kind], a.carried_over(PERIOD), done_now))
    return out


def council(config, scheme: str = "brayg"):
    fw = config.framework.model_copy(update={"action_scheme": ActionScheme(scheme)})
    return config.model_copy(update={"framework": fw, "actions": {a.ref: a for a in ACTIONS}})


@pytest.fixture(scope="module")
def pi_results(config, tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("data"))
    try:
        return period_results(config, store, PERIOD)
    finally:
        store.close()


@pytest.fixture(scope="module")
def packs(config, pi_results):
    return build_packs(council(config), PERIOD, pi_results, [], {}, WHEN, action_results())


def _pack(packs, start, kind="directorate"):
    return next(p for p in packs if p.title.startswith(start) and p.kind == kind)


def _section(html, ident):
    s = html[html.index(f'id="{ident}"') :]
    return s[: s.index("</section>")]


class Cells(HTMLParser):
    """The text of each table row's cells, by table caption."""

    def __init__(self):
        super().__init__()
        self.tables, self.caption, self.row, self.cell, self.in_caption = {}, None, None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "caption":
            self.in_caption, self.caption = True, ""
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append(" / ")

    def handle_endtag(self, tag):
        if tag == "caption":
            self.in_caption = False
            self.tables[self.caption] = []
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.caption].append(self.row)
            self.row = None

    def handle_data(self, d):
        if self.in_caption:
            self.caption += d
        elif self.cell is not None:
            self.cell.append(d)


def tables(html):
    p = Cells()
    p.feed(html)
    return p.tables


# ---------------------------------------------------------------- counts


def test_counts_by_status_and_rating_with_numbers_and_percentages(packs):
    a = packs[0].actions
    assert a.total == 9
    assert [(c.look.label, c.n, c.percent) for c in a.summary.by_status] == [
        ("Not started", 1, "11%"),
        ("In progress", 5, "56%"),
        ("Completed", 1, "11%"),
        ("Deferred", 1, "11%"),
        ("No update", 1, "11%"),
    ]
    assert [(c.look.label, c.n, c.percent) for c in a.summary.by_rating] == [
        ("Blue: complete", 1, "11%"),
        ("Green: as planned", 2, "22%"),
        ("Yellow: minor issues", 1, "11%"),
        ("Amber: issues", 1, "11%"),
        ("Red: significant issues", 2, "22%"),
        ("Not rated", 1, "11%"),
        ("No update", 1, "11%"),
    ]
    assert [b.by for b in a.breakdowns] == ["objective", "committee", "directorate"]
    html = render_html(packs[0], environment(strict=True))
    section = _section(html, "actions")
    assert "9 actions: 1 not started (11%), 5 in progress (56%), 1 completed (11%), 1 deferred (11%), 1 no update (11%)." in section
    by_status = tables(html)["Actions by status"]
    assert by_status[0] == ["Actions", "○ Not started", "◑ In progress", "● Completed", "» Deferred", "– No update", "Total"]
    assert by_status[1] == ["All actions in this pack", "1 (11%)", "5 (56%)", "1 (11%)", "1 (11%)", "1 (11%)", "9"]
    assert by_status[2] == ["By wellbeing objective"]
    assert ["WO4: To respect, enhance and enjoy our environment", "0 (0%)", "3 (75%)", "1 (25%)", "0 (0%)", "0 (0%)", "4"] in by_status
    assert ["Not linked to a wellbeing objective", "0 (0%)", "1 (100%)", "0 (0%)", "0 (0%)", "0 (0%)", "1"] in by_status
    assert ["By scrutiny committee"] in by_status
    # ERSC's remit: objective WO4 and directorate PLC
    assert ["Environment and Regeneration Scrutiny Committee", "0 (0%)", "3 (60%)", "1 (20%)", "0 (0%)", "1 (20%)", "5"] in by_status
    by_rating = tables(html)["Actions by rating"]
    assert by_rating[1] == ["All actions in this pack", "1 (11%)", "2 (22%)", "1 (11%)", "1 (11%)", "2 (22%)", "1 (11%)", "1 (11%)", "9"]
    assert ["Social Services", "0 (0%)", "0 (0%)", "0 (0%)", "1 (50%)", "1 (50%)", "0 (0%)", "0 (0%)", "2"] in by_rating


def test_a_directorate_pack_counts_its_own_actions_by_objective_only(packs):
    env = _pack(packs, "Environment")
    assert env.actions.total == 4 and [b.by for b in env.actions.breakdowns] == ["objective"]
    assert env.actions.heat_rows == ()


# ---------------------------------------------------------------- heat map


def test_the_heat_map_shows_each_aims_pis_by_status_beside_its_actions_by_rating(packs):
    overview = packs[0]
    rows = {r.name: r for r in overview.actions.heat_rows}
    assert [name for name in rows if rows[name].actions.counts] == [
        "WO2.1 Raise standards and attendance in our schools",
        "WO2.2 Support people into work and a thriving local economy",
        "WO3.1 Help people live independently and safely",
        "WO4.1 Reduce waste and increase recycling",
        "WO4.2 Keep our streets, roads and places clean and safe",
        "WO4.3 Respond to the climate and nature emergency",
    ]
    waste = rows["WO4.1 Reduce waste and increase recycling"]
    assert [(look.label, n) for look, n in waste.actions.counts] == [("Blue: complete", 1), ("Green: as planned", 1)]
    assert waste.actions.worst.code == "green"
    assert [look.code for look, _ in waste.pis.counts] == ["no_data"] and waste.pis.worst is None  # no returns in: every PI no data
    html = render_html(overview, environment(strict=True))
    heat = tables(html)["PIs and actions by aim"]
    assert heat[0] == ["Aim", "PIs by status", "Actions by rating"]
    # every aim with PIs is a row, as in the PI heat map: those with no actions say so
    assert [r[0] for r in heat[1:]] == [name for name, _ in overview.heatmap.rows] == list(rows)
    heat = {r[0]: r[1:] for r in heat[1:]}
    n_pis = sum(1 for r in overview_pis(overview) if r == "WO4.1")
    assert heat["WO4.1 Reduce waste and increase recycling"] == [f"– {n_pis} no data", "★ 1 blue: complete / ✔ 1 green: as planned"]
    assert heat["WO3.1 Help people live independently and safely"][1] == "▲ 1 amber: issues / ✖ 1 red: significant issues"
    assert heat["WO2.1 Raise standards and attendance in our schools"][1] == "○ 1 not rated"
    assert heat["WO3.3 Encourage healthy and active lifestyles"][1] == "–"


def overview_pis(overview):
    """The aim of each PI in the pack, from the PI heat map's row names and counts."""
    out = []
    for name, cells in overview.heatmap.rows:
        for cell in cells:
            for _, n in cell.counts:
                out += [name.split()[0]] * n
    return out


# ---------------------------------------------------------------- exceptions, achievements


def test_exceptions_list_red_and_overdue_actions_with_commentary_and_revised_date(packs):
    overview = packs[0]
    assert [r.ref for r in overview.actions.exceptions] == ["ENV-A3", "SS-A2"]
    html = render_html(overview, environment(strict=True))
    section = _section(html, "exceptions")
    assert section.index("No PI is off target") < section.index('<h3 id="action-exceptions">Actions off track or overdue</h3>')
    rows = tables(html)["Actions off track or overdue, with commentary"]
    assert rows[0] == ["Action", "Title", "Status", "% complete", "Rating", "Due", "Commentary"]
    assert rows[1] == [
        "ENV-A3 / Service plan action",
        "Resurface the A4067 through Ystalyfera / Environment and Housing · Head of Highways",
        "◑ In progress",
        "80% / (expected 100%)",
        "✖ Red: significant issues / Expected progress: ▲ Needs monitoring",  # 80% of the expected: a step apart from red
        "30 June 2026 / Overdue / Revised due date asked for: 31 December 2026",
        "Contractor went into administration in July. / A new contractor starts on 5 October <b>as planned</b>.",
    ]
    assert "&lt;b&gt;as planned&lt;/b&gt;" in section
    assert rows[2][0] == "SS-A2 / Service plan action" and rows[2][-1] == "Commentary awaited from the service."
    assert rows[2][3] == "– / (expected 100%)" and rows[2][5] == "31 August 2026 / Overdue"


def test_actions_completed_this_quarter_are_among_the_achievements(packs):
    html = render_html(packs[0], environment(strict=True))
    section = _section(html, "achievements")
    items = [" ".join(unescape(re.sub(r"<[^>]+>", "", li)).split()) for li in re.findall(r'<li class="achievement">(.*?)</li>', section, re.S)]
    assert items == [
        "ENV-A4 Act on Audit Wales's waste review recommendation 2 (regulator recommendation, Environment and Housing): completed on 15 September 2026."
    ]
    assert "Actions completed this quarter:" in section


# ---------------------------------------------------------------- detail


def test_the_detail_shows_every_cell_of_an_action(packs):
    env = _pack(packs, "Environment")
    assert [g.name for g in env.actions.groups] == ["WO4: To respect, enhance and enjoy our environment"]
    html = render_html(env, environment(strict=True))
    rows = tables(html)["Actions: WO4: To respect, enhance and enjoy our environment"]
    assert rows[0] == ["Action", "Title", "Status", "% complete", "Rating", "Start", "Due"]
    i = next(i for i, r in enumerate(rows) if r[0] == "ENV-A3 / Service plan action")
    assert rows[i] == [
        "ENV-A3 / Service plan action",
        "Resurface the A4067 through Ystalyfera / Owner: Head of Highways · Environment and Housing / Carried over from an earlier year (in the plans of 2025-26 and 2026-27).",
        "◑ In progress",
        "80% / (expected 100%)",
        "✖ Red: significant issues / Expected progress: ▲ Needs monitoring",  # 80% of the expected: a step apart from red
        "1 April 2025",
        "30 June 2026 / Overdue / Revised due date asked for: 31 December 2026",
    ]
    assert rows[i + 1] == ["", "Milestones: Contract awarded (due 31 October 2025); Works complete (due 30 June 2026)."]
    assert rows[i + 2] == ["", "Commentary: Contractor went into administration in July. / A new contractor starts on 5 October <b>as planned</b>."]
    a1 = next(r for r in rows if r[0].startswith("ENV-A1"))
    assert a1[1:4] == ["Collect food waste from every block of flats / Owner: Head of Waste · Environment and Housing", "◑ In progress", "45% / (expected 50%)"]
    a4 = next(r for r in rows if r[0].startswith("ENV-A4"))
    assert a4[2:5] == ["● Completed / on 15 September 2026", "100%", "★ Blue: complete"]


def test_a_brayg_rating_shows_the_expected_progress_rating_beside_it_where_they_disagree(packs):
    env = _pack(packs, "Environment")
    rows = {r.ref: r for g in env.actions.groups for r in g.rows}
    assert (rows["ENV-A2"].rating.code, rows["ENV-A2"].progress.code) == ("green", "off_track")
    assert rows["ENV-A1"].progress is None  # green and on track agree
    cells = tables(render_html(env))["Actions: WO4: To respect, enhance and enjoy our environment"]
    a2 = next(r for r in cells if r[0].startswith("ENV-A2"))
    assert a2[3:5] == ["20% / (expected 50%)", "✔ Green: as planned / Expected progress: ✖ Off track"]


def test_the_overview_stays_a_summary_and_committee_packs_have_the_detail(packs):
    assert packs[0].actions.groups == ()
    assert 'id="action-detail"' not in render_html(packs[0])
    ersc = _pack(packs, "Environment and Regeneration", "committee")
    assert [r.ref for g in ersc.actions.groups for r in g.rows] == ["PLC-A1", "ENV-A1", "ENV-A2", "ENV-A3", "ENV-A4"]
    html = render_html(ersc)
    assert 'id="action-detail"' in html and '<li><a href="#action-detail">Actions in detail</a></li>' in html


def test_the_key_explains_the_councils_action_ratings(config, pi_results, packs):
    key = _section(render_html(packs[0]), "key")
    assert "Each action's rating is the service's own assessment (blue, green, yellow, amber or red); a completed action is blue." in key
    assert "that expected-progress rating is shown beside it, so that you can ask whether the service's rating is fair." in key
    computed = build_packs(council(config, "expected_progress"), PERIOD, pi_results, [], {}, WHEN, action_results("expected_progress"))
    key = _section(render_html(computed[0]), "key")
    assert "on track when its % complete is 90% or more of the expected %" in key and "Expected-progress ratings, shown beside" not in key
    assert computed[0].actions.exceptions[0].progress is None  # nothing is shown beside a computed rating


# ---------------------------------------------------------------- a council with no actions


ACTION_LINES = re.compile(r"^.*(\{% if pack\.actions %\}.*\{% endif %\}|\{% import \"_actions\.html\" as actions %\})\n", re.M)


def test_a_council_without_actions_gets_the_same_packs_as_before(config, pi_results):
    """Every pack.html line about actions is only for a pack with actions (and pack.css's actions part too):
    the packs of a council with none are those of the templates without those lines."""
    packs = build_packs(config.model_copy(update={"actions": {}}), PERIOD, pi_results, [], {}, WHEN)
    assert all(p.actions is None for p in packs)
    env = environment(strict=True)
    source = (TEMPLATES / "pack.html").read_text(encoding="utf-8")
    assert len(ACTION_LINES.findall(source)) == 11
    css = (TEMPLATES / "pack.css").read_text(encoding="utf-8")
    before_css = css[: css.index("{% if pack.actions %}\n/* Actions */")]
    without = jinja_without(env, ACTION_LINES.sub("", source), before_css)
    for p in packs:
        assert render_html(p, env) == without.render(pack=p)


def jinja_without(env, source, css):
    """pack.html without its action lines, and pack.css without its actions part."""
    import jinja2

    e = env.overlay(loader=jinja2.ChoiceLoader([jinja2.DictLoader({"pack.css": css}), env.loader]))
    return e.from_string(source)


# ---------------------------------------------------------------- the PDF


def test_the_pdf_carries_the_action_sections(tmp_path, packs):
    pdftotext = need_program("pdftotext")
    env = _pack(packs, "Environment and Regeneration", "committee")
    pdf = tmp_path / "ersc.pdf"
    pages = render_pdf(render_html(env), pdf)
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert pages >= 3
    for words in (
        "Progress on actions",
        "5 actions: 3 in progress (60%), 1 completed (20%), 1 no update (20%).",
        "Actions by status",
        "PIs and actions by aim",
        "Actions off track or overdue",
        "Revised due date asked",  # a narrow cell: the words wrap
        "Actions in detail",
        "Carried over from an earlier year",
        "Off track",
        "Milestones: Contract awarded (due 31 October 2025); Works complete (due 30 June 2026).",
    ):
        assert words in flat, words
    assert "Contractor went into administration in July." in flat


def test_the_action_tables_read_in_a_browser_at_a_phones_width_and_a_desktops(packs, tmp_path):
    """Every badge of the action tables stays in its cell, none touches the commentary, no cell overflows:
    on a phone the tables scroll sideways in their wrapper rather than squeeze."""
    from tests.packs.browser import layout_problems

    chromium = need_program("chromium")
    chosen = [packs[0], _pack(packs, "Environment and Regeneration", "committee")]
    rows = "table.action-exceptions tbody tr, table.action-detail tbody tr, table.action-counts tbody tr, table.action-heat tbody tr"
    found = layout_problems(chromium, {p.slug: render_html(p) for p in chosen}, (390, 1280), tmp_path, rows)
    for (slug, width), got in found.items():
        assert "error" not in got, (slug, width, got)
        assert got["width"] == width and got["badges"] > 3, (slug, width, got)
    assert {key: got["problems"][:3] for key, got in found.items() if got["problems"]} == {}


# ---------------------------------------------------------------- the sample council's own actions


CYCLE = (("in progress", 40, "green"), ("in progress", 10, "amber"), ("completed", 100, ""), ("not started", None, "red"), ("deferred", None, ""), None)


def sample_results(config) -> list[ActionResult]:
    """An update for each of the sample council's actions due one this quarter, in turn from ``CYCLE``."""
    scheme = config.framework.action_scheme.value
    kinds = {k.code: k.name for k in config.framework.action_kinds}
    out = []
    for i, a in enumerate(x for x in config.actions.values() if x.due_update(PERIOD)):
        u = CYCLE[i % len(CYCLE)]
        update = None if u is None else ActionUpdate(PERIOD, u[0], None if u[1] is None else Decimal(u[1]), u[2], "" if i % 4 else f"Update {i}.")
        rated = rate_action(scheme, u and u[0], u and update.percent_complete, u[2] if u else "", a.start, a.due, PERIOD.end_date)
        out.append(ActionResult(a, PERIOD, update, rated, kinds[a.kind], a.carried_over(PERIOD), bool(u and u[0] == "completed")))
    return out


def test_the_sample_councils_actions_make_whole_packs(config, pi_results):
    """The sample library (brayg): every action due an update is counted in the overview, detailed in its
    directorate's pack, and every exception is listed; each pack renders with no undefined name."""
    assert config.framework.action_scheme is ActionScheme.brayg
    results = sample_results(config)
    assert len(results) >= 40
    packs = build_packs(config, PERIOD, pi_results, [], {}, WHEN, results)
    overview = packs[0]
    assert (
        overview.actions.total == len(results) == sum(c.n for c in overview.actions.summary.by_rating) == sum(c.n for c in overview.actions.summary.by_status)
    )
    assert {r.ref for r in overview.actions.exceptions} == {r.action.ref for r in results if r.exception} != set()
    assert {r.ref for r in overview.actions.achievements} == {r.action.ref for r in results if r.completed_this_quarter} != set()
    env = environment(strict=True)
    titles = {directorate_title(d.name): d.code for d in config.framework.directorates}
    for p in packs:
        html = render_html(p, env)
        if p.kind == "directorate":
            mine = {r.action.ref for r in results if r.action.directorate == titles[p.title]}
            assert {r.ref for g in p.actions.groups for r in g.rows} == mine != set()
            assert all(f'<th scope="row">{ref}<br>' in html for ref in mine)
