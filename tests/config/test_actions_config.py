"""The actions library (actions.yaml) and its history (action_history.csv): the sample council's actions,
and every mistake a performance officer can make in them named, with what to write instead, in one run."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from click.testing import CliRunner

from pmf_pipeline.cli import main
from pmf_pipeline.config import load_config
from pmf_pipeline.config.plan import ActionScheme, ActionStatus
from pmf_pipeline.config.starter import start_council
from pmf_pipeline.errors import ConfigError
from pmf_pipeline.periods import Period
from tests.conftest import PERIOD

PYDANTIC_WORDS = ("valid tuple", "valid decimal", "Input should", "Value error", "model_type", "dict_type", "pydantic", "Traceback")
Q1 = Period.parse("2026-27-Q1")


def _edit(config_dir, name, old, new, count=1):
    p = config_dir / name
    text = p.read_text(encoding="utf-8")
    assert old in text, old
    p.write_text(text.replace(old, new, count), encoding="utf-8")


def _problem(config_dir) -> str:
    with pytest.raises(ConfigError) as e:
        load_config(config_dir)
    message = str(e.value)
    assert not any(w in message for w in PYDANTIC_WORDS), message
    return message


# --- The sample council ---------------------------------------------------------------------------------


def test_the_sample_council_rates_its_actions_on_brayg(config):
    assert config.framework.action_scheme is ActionScheme.brayg
    assert len(config.actions) >= 45
    assert {a.kind for a in config.actions.values()} == {"commitment", "service_plan", "regulator"}
    assert {a.directorate for a in config.actions.values()} == {"LS", "SS", "ENV", "PLC", "CR"}
    assert all(
        a.owner.startswith(("Head of", "Highways", "Regeneration", "Development", "Leisure", "Library", "Youth", "Customer")) for a in config.actions.values()
    )
    assert sum(1 for a in config.actions.values() if a.milestones) >= 10


def test_every_objective_has_commitments_beside_its_pis(config):
    for objective in config.framework.objectives:
        commitments = [a.ref for a in config.actions.values() if a.objective == objective.code and a.kind == "commitment"]
        pis = [p.ref for p in config.pis.values() if p.objective == objective.code]
        assert commitments and pis, objective.code


def test_the_q2_sample_leaves_out_the_actions_not_yet_started_and_last_years_finished_one(config):
    due = {a.ref for d in config.framework.directorates for a in config.actions_for(d.code, PERIOD)}
    assert set(config.actions) - due == {"SP-LIB-02", "SP-ADS-02", "SP-REG-02", "SP-WST-03"}
    assert all(config.actions[r].start > PERIOD.end_date for r in ("SP-LIB-02", "SP-ADS-02", "SP-REG-02"))
    assert config.actions["SP-WST-03"].years == ("2025-26",)
    assert config.action_history[("SP-WST-03", Period.parse("2025-26-Q3"))].status is ActionStatus.completed
    # started in Q2, so no update last quarter, and asked for one now
    assert "SP-HSG-03" in due and ("SP-HSG-03", Q1) not in config.action_history


def test_the_q2_sample_has_actions_carried_over_from_last_year_with_their_history(config):
    carried = [a.ref for a in config.actions.values() if a.carried_over(PERIOD)]
    assert len(carried) >= 6
    for ref in carried:
        assert config.actions[ref].start.year == 2025, ref
        for q in ("2025-26-Q3", "2025-26-Q4", "2026-27-Q1"):
            assert (ref, Period.parse(q)) in config.action_history, (ref, q)


def test_the_q2_sample_has_every_state_to_report(config):
    end = PERIOD.end_date
    last = {ref: h for (ref, p), h in config.action_history.items() if p == Q1}
    due = [a for d in config.framework.directorates for a in config.actions_for(d.code, PERIOD)]
    open_ = [a.ref for a in due if a.ref in last and last[a.ref].status is ActionStatus.in_progress]
    # overdue at the quarter's end unless completed in it
    assert {a.ref for a in due if a.due < end and a.ref in open_} == {"SP-ADS-01", "SP-WST-02", "SP-CS-01", "SP-SCH-02", "SP-LSR-01"}
    assert {r for r, h in last.items() if h.status is ActionStatus.completed} == {"SP-LIB-01", "SP-CYP-03", "SP-HWY-02", "SP-FIN-01", "SP-HR-02"}
    assert {r for r, h in last.items() if h.status is ActionStatus.cancelled} == {"SP-HSG-02"}
    assert {r for r, h in last.items() if h.status is ActionStatus.ongoing} == {"C-WO2-02", "SP-CYP-02", "C-WO1-03"}
    assert {h.rating for h in config.action_history.values()} == {"blue", "green", "yellow", "amber", "red", ""}
    assert len(last) >= 0.8 * len(due)  # most show "last quarter"


# --- Optional files -----------------------------------------------------------------------------------------


def test_a_council_without_actions_loads_with_none(config_dir):
    (config_dir / "actions.yaml").unlink()
    (config_dir / "action_history.csv").unlink()
    config = load_config(config_dir)
    assert config.actions == {} and config.action_history == {}
    assert config.actions_for("LS", PERIOD) == []
    assert set(config.hashes) == {"framework.yaml", "pis.yaml", "targets.csv", "history.csv"}


def test_an_empty_actions_library_and_no_history_load(config_dir):
    (config_dir / "actions.yaml").write_text("# none yet\n", encoding="utf-8")
    (config_dir / "action_history.csv").unlink()
    assert load_config(config_dir).actions == {}


def test_history_without_its_actions_library_names_the_first_rows(config_dir):
    (config_dir / "actions.yaml").unlink()
    message = _problem(config_dir)
    assert message.splitlines()[1] == (
        f"{config_dir / 'action_history.csv'}, line 2, field 'action_ref': an update for 'SP-SCH-01', which is not in actions.yaml; "
        "add the action to actions.yaml, or remove the row"
    )


# --- Mistakes in actions.yaml -------------------------------------------------------------------------------

A1 = "actions.yaml, action 1 (C-WO2-01)"


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("  owner: Head of Standards and Provision\n  objective: WO2\n  aim: WO2.1\n  start: 01/04/2026", "  ower: Head of Standards and Provision\n  objective: WO2\n  aim: WO2.1\n  start: 01/04/2026",
         f"{A1}, field 'ower': not a setting pmf knows; did you mean 'owner'?"),
        ("  directorate: LS\n", "  directorate: LSS\n", f"{A1}, field 'directorate': unknown directorate 'LSS'; did you mean 'SS'? known: CR, ENV, LS, PLC, SS"),
        ("  service: SCH\n", "  service: SHC\n", f"{A1}, field 'service': 'SHC' is not a service of LS; did you mean 'SCH'? known: LIB, SCH, YTH"),
        ("  objective: WO2\n", "  objective: WO5\n", f"{A1}, field 'objective': unknown wellbeing objective 'WO5'; did you mean 'WO4'? known: WO1, WO2, WO3, WO4"),
        ("  aim: WO2.1\n", "  aim: WO2.5\n", f"{A1}, field 'aim': 'WO2.5' is not an aim of objective WO2; did you mean 'WO2.2'? known: WO2.1, WO2.2"),
        ("  aim: WO2.1\n", "  aim: WO3.1\n", f"{A1}, field 'aim': 'WO3.1' is an aim of objective WO3, not WO2; change the objective to WO3, or the aim"),
        ("  objective: WO2\n  aim: WO2.1\n", "  aim: WO2.1\n", f"{A1}, field 'aim': an aim needs its objective; add 'objective: WO2'"),
        ("  committees: [HSCSC]\n", "  committees: [HSCC]\n",
         "actions.yaml, action 25 (C-WO3-03), field 'committees': unknown scrutiny committee 'HSCC'; did you mean 'HSCSC'? known: CPRSC, ERSC, HLSC, HSCSC, LCSC"),
        ("  kind: commitment\n", "  kind: commitmnet\n",
         f"{A1}, field 'kind': unknown kind of action 'commitmnet'; did you mean 'commitment'? known: commitment, regulator, service_plan (the action_kinds of framework.yaml)"),
        ("  start: 01/04/2026\n  due: 31/03/2027\n", "  start: 01/04/2027\n  due: 31/03/2027\n",
         f"{A1}: the due date 31/03/2027 is before the start date 01/04/2027; an action is due on or after the day it starts: correct the start or the due date"),
        ("  years: [2026-27]\n", "  years: [2026]\n", f"{A1}, field 'years': '2026' is a calendar year; write the financial year, like 2026-27 (April 2026 to March 2027)"),
        ("  years: [2026-27]\n", "  years: [2026-28]\n", f"{A1}, field 'years': '2026-28' is not a financial year; write it like 2026-27"),
        ("  years: [2026-27]\n", "  years: [2026-27, 2026-27]\n", f"{A1}, field 'years': 2026-27 is listed twice; give each year once"),
        ("  years: [2026-27]\n", "  years: []\n", f"{A1}, field 'years': expected a list of codes, one '- ' line each"),
        ("    due: 30/09/2026\n", "    due: 30/09/2025\n",
         f"{A1}, milestone 'Attendance officers in place in every secondary school': due 30/09/2025, before the action starts (01/04/2026)"),
        ("    due: 31/01/2027\n", "    due: 31/05/2027\n",
         f"{A1}, milestone 'Family engagement programme running in all clusters': due 31/05/2027, after the action itself is due (31/03/2027); move the milestone, or the action's due date"),
        ("  - title: Attendance officers", "  - titel: Attendance officers", f"{A1}, milestone 1, field 'titel': not a setting pmf knows; did you mean 'title'?"),
        ("  start: 01/04/2026\n", "", f"{A1}, field 'start': this field is required but missing; add a line 'start: ...'"),
        ("  start: 01/04/2026\n", "  start: 04/24/2026\n",
         f"{A1}, field 'start': '04/24/2026' puts the month first, but dates are day first: write the date as 24/04/2026 or 2026-04-24"),
        ("  start: 01/04/2026\n", "  start: 31/02/2026\n",
         f"{A1}, field 'start': '31/02/2026' is not a date: February 2026 has no day 31; write the date as DD/MM/YYYY or YYYY-MM-DD, e.g. 24/07/2026 or 2026-07-24"),
        ("- ref: C-WO2-01\n", "- ref: C WO2 01\n",
         "actions.yaml, action 1 (C WO2 01), field 'ref': 'C WO2 01' cannot be used: an action's reference uses only letters, digits and / _ . - (no spaces), starting with a letter or digit"),
    ],
)  # fmt: skip
def test_a_mistake_in_the_library_is_named_with_what_to_write(config_dir, old, new, expected):
    _edit(config_dir, "actions.yaml", old, new)
    assert _problem(config_dir) == f"{config_dir}/{expected}"


def test_a_reference_used_twice_says_how_to_carry_an_action_into_a_new_year(config_dir):
    _edit(config_dir, "actions.yaml", "- ref: SP-LIB-02\n", "- ref: SP-LIB-01\n")
    assert _problem(config_dir) == (
        f"{config_dir}/actions.yaml, action 6 (SP-LIB-01): reference SP-LIB-01 is already used by action 5; each action appears once. "
        "To carry an unfinished action into a new year, add the year to the years of action 5 (years: [2026-27, 2027-28]) and keep its ref; "
        "give a new action a new ref"
    )


def test_the_library_is_checked_in_the_check_config_command(config_dir):
    _edit(config_dir, "actions.yaml", "  kind: commitment\n", "  kind: commitmnet\n")
    result = CliRunner().invoke(main, ["--config", str(config_dir), "check-config"])
    assert result.exit_code == 2, result.output
    assert f"{config_dir}/{A1}, field 'kind': unknown kind of action 'commitmnet'; did you mean 'commitment'?" in result.output


def test_an_action_kind_of_the_councils_own(config_dir):
    _edit(config_dir, "framework.yaml", "action_scheme: brayg\n", "action_scheme: brayg\naction_kinds:\n- code: pledge\n  name: Manifesto pledge\n")
    _edit(config_dir, "actions.yaml", "  kind: commitment\n", "  kind: pledge\n")
    message = _problem(config_dir)  # action 1 is a pledge now; the others' kinds are not the council's
    assert message.splitlines()[1] == (
        f"{config_dir}/actions.yaml, action 2 (SP-SCH-01), field 'kind': unknown kind of action 'service_plan'; known: pledge (the action_kinds of framework.yaml)"
    )
    assert "action 1 (" not in message


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("24/07/2026", dt.date(2026, 7, 24)),
        ("'2026-07-24'", dt.date(2026, 7, 24)),
        ("2026-07-24", dt.date(2026, 7, 24)),
        ("5/7/2026", dt.date(2026, 7, 5)),
        ("24 July 2026", dt.date(2026, 7, 24)),
    ],
)
def test_dates_as_a_spreadsheet_user_writes_them(config_dir, typed, expected):
    _edit(config_dir, "actions.yaml", "  due: 31/12/2026\n  milestones:\n  - title: All primary", f"  due: {typed}\n  milestones:\n  - title: All primary")
    _edit(config_dir, "actions.yaml", "    due: 31/12/2026\n  years: [2025-26, 2026-27]", f"    due: {typed}\n  years: [2025-26, 2026-27]")
    action = load_config(config_dir).actions["SP-SCH-01"]
    assert action.due == expected and action.milestones[-1].due == expected


def test_one_year_needs_no_list(config_dir):
    _edit(config_dir, "actions.yaml", "  years: [2026-27]\n", "  years: 2026-27\n")
    assert load_config(config_dir).actions["C-WO2-01"].years == ("2026-27",)


# --- Mistakes in action_history.csv ---------------------------------------------------------------------

H = "action_history.csv, line 2"


@pytest.mark.parametrize(
    "new, expected",
    [
        ("SP-SCH-1,2025-26-Q3,in progress,30,green", f"{H}, field 'action_ref': an update for 'SP-SCH-1', which is not in actions.yaml; did you mean 'SP-SCH-01'?"),
        ("SP-SCH-01,2025-26-Q3,in progres,30,green",
         f"{H} (SP-SCH-01), field 'status': 'in progres' is not a status; write one of not started, in progress, completed, deferred, ongoing, cancelled"),
        ("SP-SCH-01,2025-26-Q3,in progress,130,green", f"{H} (SP-SCH-01), field 'percent_complete': 130 is not between 0 and 100; write the % complete, 0 to 100"),
        ("SP-SCH-01,2025-26-Q3,in progress,-5,green", f"{H} (SP-SCH-01), field 'percent_complete': -5 is not between 0 and 100; write the % complete, 0 to 100"),
        ("SP-SCH-01,2025-26-Q3,in progress,lots,green",
         f"{H} (SP-SCH-01), field 'percent_complete': 'lots' is not a number; write a number (e.g. 1200, 1,200 or 52.5), or n/a for no figure"),
        ("SP-SCH-01,2025-26-Q3,completed,60,blue",
         f"{H} (SP-SCH-01), field 'percent_complete': 60, but the status is completed; write 100, or the status the action had then"),
        ("SP-SCH-01,2025-26-Q3,in progress,30,purple",
         f"{H} (SP-SCH-01), field 'rating': 'purple' is not a rating of the brayg scheme (framework.yaml action_scheme); write one of blue, green, yellow, amber, red, or leave it blank"),
        ("SP-SCH-01,2025-26-Q5,in progress,30,green", f"{H}, field 'period': '2025-26-Q5' is not a period; write it like 2026-27-Q2 (financial year, then quarter Q1 to Q4)"),
        ("SP-SCH-01,2024-25-Q4,in progress,30,green",
         f"{H} (SP-SCH-01), field 'period': an update for 2024-25-Q4, but SP-SCH-01's years in actions.yaml are 2025-26, 2026-27; "
         "if it was in the 2024-25 plan, add 2024-25 to its years, or correct the period"),
        ("SP-SCH-01,2025-26-Q1,in progress,30,green",
         f"{H} (SP-SCH-01), field 'period': an update for 2025-26-Q1, which ended 30/06/2025, before SP-SCH-01 starts (01/09/2025); correct the period, or the start date in actions.yaml"),
    ],
)  # fmt: skip
def test_a_mistake_in_the_history_is_named_with_what_to_write(config_dir, new, expected):
    _edit(config_dir, "action_history.csv", "SP-SCH-01,2025-26-Q3,in progress,30,green", new)
    assert _problem(config_dir) == f"{config_dir}/{expected}"


def test_a_second_row_for_the_same_quarter(config_dir):
    _edit(config_dir, "action_history.csv", "SP-SCH-01,2025-26-Q4", "SP-SCH-01,2025-26-Q3")
    assert _problem(config_dir) == f"{config_dir}/action_history.csv, line 3: a second row for SP-SCH-01 in 2025-26-Q3; keep one row per action and period"


def test_a_misspelt_column(config_dir):
    _edit(config_dir, "action_history.csv", "action_ref,period", "actionref,period")
    assert f"{config_dir}/action_history.csv, column 'actionref': not a column pmf knows; did you mean 'action_ref'?" in _problem(config_dir)


@pytest.mark.parametrize(
    "typed, pct, rating",
    [
        ("45%,Green", Decimal(45), "green"),
        ("45 %,green: as planned", Decimal(45), "green"),
        ("45,Amber: issues", Decimal(45), "amber"),
        ("45,Y", Decimal(45), "yellow"),
        ("n/a,", None, ""),
        (",RED", None, "red"),
    ],
)
def test_history_as_typed_in_excel(config_dir, typed, pct, rating):
    _edit(config_dir, "action_history.csv", "SP-SCH-01,2025-26-Q3,in progress,30,green", f"SP-SCH-01,2025-26-Q3,In Progress,{typed}")
    h = load_config(config_dir).action_history[("SP-SCH-01", Period.parse("2025-26-Q3"))]
    assert (h.status, h.percent_complete, h.rating) == (ActionStatus.in_progress, pct, rating)


def test_history_ratings_follow_the_councils_scheme(config_dir):
    _edit(config_dir, "framework.yaml", "action_scheme: brayg\n", "action_scheme: rag\n")
    message = _problem(config_dir)  # blue and yellow are not on the Green/Amber/Red scale
    assert message.splitlines()[1] == (
        f"{config_dir}/action_history.csv, line 3 (SP-SCH-01), field 'rating': 'yellow' is not a rating of the rag scheme "
        "(framework.yaml action_scheme); write one of green, amber, red, or leave it blank"
    )
    _edit(config_dir, "framework.yaml", "action_scheme: rag\n", "action_scheme: expected_progress\n")
    path = config_dir / "action_history.csv"
    path.write_text("action_ref,period,status,percent_complete,rating,commentary\nSP-SCH-01,2025-26-Q3,in progress,30,On track,\n", encoding="utf-8")
    assert load_config(config_dir).action_history[("SP-SCH-01", Period.parse("2025-26-Q3"))].rating == "on_track"


def test_the_history_of_a_broken_action_is_not_judged_without_it(config_dir):
    _edit(config_dir, "actions.yaml", "- ref: SP-SCH-01\n  title: Complete", "- ref: SP-SCH-01\n  titel: Complete")
    message = _problem(config_dir)
    assert message == f"{config_dir}/actions.yaml, action 2 (SP-SCH-01), field 'titel': not a setting pmf knows; did you mean 'title'?"


# --- All mistakes in one run ----------------------------------------------------------------------------


def test_every_mistake_in_the_actions_reported_in_one_run(config_dir):
    _edit(config_dir, "actions.yaml", "  kind: commitment\n", "  kind: comitment\n")
    _edit(config_dir, "actions.yaml", "  start: 01/09/2025\n  due: 31/12/2026\n", "  start: 01/09/2025\n  due: 31/12/2024\n")
    _edit(
        config_dir,
        "actions.yaml",
        "Progress report to Estyn\n    due: 31/03/2027\n  years: [2025-26, 2026-27]",
        "Progress report to Estyn\n    due: 31/03/2027\n  years: [2025-26, 2026]",
    )
    _edit(config_dir, "actions.yaml", "  committees: [HSCSC]\n", "  committees: [HSCS]\n")
    _edit(config_dir, "actions.yaml", "- ref: SP-LIB-02\n", "- ref: SP-LIB-01\n")
    _edit(config_dir, "action_history.csv", "SP-YTH-01,2026-27-Q1,in progress,25,", "SP-YTH-01,2026-27-Q1,in hand,25%,")
    _edit(config_dir, "action_history.csv", "C-WO3-01,2026-27-Q1,in progress,20,", "C-WO3-01,2026-27-Q1,in progress,200,")
    _edit(config_dir, "action_history.csv", "SP-CYP-01,2026-27-Q1,in progress,20,amber", "SP-CYP-01,2026-27-Q1,on hold,20,amber")
    _edit(config_dir, "action_history.csv", "SP-WST-01,2026-27-Q1", "SP-WST-1,2026-27-Q1")
    _edit(config_dir, "framework.yaml", "tolerance: 0.1", "tolerence: 10%")
    a, h = config_dir / "actions.yaml", config_dir / "action_history.csv"
    expected = [
        "9 problems in the configuration; fix them all, then run pmf check-config again:",
        f"{config_dir / 'framework.yaml'}, field 'tolerence': not a setting pmf knows; did you mean 'tolerance'?",
        f"{a}, action 1 (C-WO2-01), field 'kind': unknown kind of action 'comitment'; did you mean 'commitment'? known: commitment, regulator, service_plan (the action_kinds of framework.yaml)",
        f"{a}, action 2 (SP-SCH-01): the due date 31/12/2024 is before the start date 01/09/2025; an action is due on or after the day it starts: correct the start or the due date",
        f"{a}, action 3 (REG-EST-01), field 'years': '2026' is a calendar year; write the financial year, like 2026-27 (April 2026 to March 2027)",
        f"{a}, action 6 (SP-LIB-01): reference SP-LIB-01 is already used by action 5; each action appears once. To carry an unfinished action into a new year, "
        "add the year to the years of action 5 (years: [2026-27, 2027-28]) and keep its ref; give a new action a new ref",
        f"{a}, action 25 (C-WO3-03), field 'committees': unknown scrutiny committee 'HSCS'; did you mean 'HSCSC'? known: CPRSC, ERSC, HLSC, HSCSC, LCSC",
        f"{h}, line 14 (C-WO3-01), field 'percent_complete': 200 is not between 0 and 100; write the % complete, 0 to 100",
        f"{h}, line 21 (SP-CYP-01), field 'status': 'on hold' is not a status; write one of not started, in progress, completed, deferred, ongoing, cancelled",
        f"{h}, line 28, field 'action_ref': an update for 'SP-WST-1', which is not in actions.yaml; did you mean 'SP-WST-01'?",
    ]
    message = _problem(config_dir)
    assert message.splitlines() == expected, message
    result = CliRunner().invoke(main, ["--config", str(config_dir), "check-config"])
    assert result.exit_code == 2, result.output
    for line in expected:
        assert line in result.output


# --- pmf init ---------------------------------------------------------------------------------------------


def test_the_starter_writes_actions_for_this_year_that_its_first_workbooks_ask_for(tmp_path):
    started = start_council(tmp_path / "mine", today=dt.date(2027, 2, 14))
    names = [f.name for f in started.files]
    assert names[-3:] == ["actions.yaml", "action_history.csv", "README.txt"]
    assert (started.config_dir / "action_history.csv").read_text(encoding="utf-8") == "action_ref,period,status,percent_complete,rating,commentary\n"
    config = load_config(started.config_dir)
    assert config.framework.action_scheme is ActionScheme.expected_progress
    assert {r: (a.kind, a.start, a.due, a.years) for r, a in config.actions.items()} == {
        "A01": ("commitment", dt.date(2026, 4, 1), dt.date(2027, 3, 31), ("2026-27",)),
        "A02": ("service_plan", dt.date(2026, 4, 1), dt.date(2026, 9, 30), ("2026-27",)),
        "A03": ("regulator", dt.date(2026, 4, 1), dt.date(2027, 3, 31), ("2026-27",)),
    }
    assert [a.ref for a in config.actions_for("PLACE", started.period)] == ["A01", "A02", "A03"]
    assert [m.due for m in config.actions["A01"].milestones] == [dt.date(2026, 9, 30), dt.date(2027, 3, 31)]
    note = (started.config_dir / "README.txt").read_text(encoding="utf-8")
    assert "actions.yaml" in note and "action_history.csv" in note and "add the year to its years" in note
    assert not re.search(r"\{year", (started.config_dir / "actions.yaml").read_text(encoding="utf-8"))


def test_init_writes_the_actions_files_of_both_councils(tmp_path):
    runner = CliRunner()
    for args, folder in ((["init", str(tmp_path / "a")], tmp_path / "a"), (["init", str(tmp_path / "b"), "--sample"], tmp_path / "b")):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        assert "  actions.yaml\n  action_history.csv\n" in result.output
        assert (folder / "config" / "actions.yaml").is_file() and (folder / "config" / "action_history.csv").is_file()
        assert load_config(folder / "config").actions
