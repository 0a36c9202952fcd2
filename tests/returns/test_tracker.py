"""The return tracker knows what it expects: one line per directorate or per service, not yet due before
the deadline, a chase list after it, and late judged on the first return, not on a correction."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner

from pmf_pipeline.cli import main
from pmf_pipeline.config import load_config
from pmf_pipeline.returns.ingest import ingest
from pmf_pipeline.returns.tracker import tracker
from pmf_pipeline.workbook.fill import fill_return
from pmf_pipeline.workbook.generate import generate
from tests.conftest import CONFIG, PERIOD
from tests.returns.test_validate import full

AFTER = dt.date(2026, 11, 2)  # the deadline for 2026-27 Q2 is 23 October 2026
BEFORE = dt.date(2026, 10, 1)


def by_service(config_dir, setting: bool = True):
    """The sample council with Social Services sending one return per service."""
    fw = config_dir / "framework.yaml"
    if setting:
        fw.write_text(fw.read_text().replace("  name: Social Services\n", "  name: Social Services\n  returns: by_service\n", 1))
    config = load_config(config_dir)
    made = generate(config, PERIOD, config_dir.parent / "outbox", by_service=True, directorates=["SS"], generated_at=dt.datetime(2026, 9, 30, 9))
    return config, {g.service: g.path for g in made}


def test_returns_by_service_are_tracked_and_chased_per_service(config_dir, tmp_path):
    config, blanks = by_service(config_dir)
    data = tmp_path / "data"
    adults = fill_return(blanks["ADS"], full(config, "SS"), tmp_path / "ads.xlsx", saved_at=dt.datetime(2026, 10, 20, 9))
    ingest(config_dir, data, PERIOD, [adults])
    board = tracker(config_dir, data, PERIOD, today=AFTER)
    ss = {s.label: s for s in board.states if s.directorate == "SS"}
    assert list(ss) == ["SS-ADS", "SS-CYP"]
    assert ss["SS-ADS"].state == "accepted" and ss["SS-ADS"].name == "Social Services: Adult Services"
    assert ss["SS-CYP"].state == "overdue" and ss["SS-CYP"].summary == "missing (overdue: the deadline was 23 October 2026)"
    assert [s.label for s in board.chase] == ["LS", "SS-CYP", "ENV", "PLC", "CR"]
    r = CliRunner().invoke(main, ["--config", str(config_dir), "--data", str(data), "returns", "--period", str(PERIOD)])
    assert r.exit_code == 1
    assert "  SS-CYP  Social Services: Children and Young People Services missing (overdue: the deadline was 23 October 2026)\n" in r.output
    assert (
        "To chase (past the deadline, not received): LS Learning and Skills; SS-CYP Social Services: Children and Young People Services; "
        "ENV Environment and Housing; PLC Place; CR Corporate Resources\n"
    ) in r.output


def test_service_returns_are_tracked_per_service_even_when_not_configured(config_dir, tmp_path):
    config, blanks = by_service(config_dir, setting=False)
    data = tmp_path / "data"
    ingest(config_dir, data, PERIOD, [fill_return(blanks["CYP"], full(config, "SS"), tmp_path / "cyp.xlsx")])
    ss = [s for s in tracker(config_dir, data, PERIOD, today=AFTER).states if s.directorate == "SS"]
    assert [(s.label, s.state) for s in ss] == [("SS-ADS", "overdue"), ("SS-CYP", "accepted")]  # one service's return is not the directorate's


def test_a_correction_after_the_deadline_does_not_make_an_on_time_return_late(blank, config, tmp_path):
    data = tmp_path / "data"
    first = fill_return(blank("SS"), full(config, "SS"), tmp_path / "ss.xlsx", saved_at=dt.datetime(2026, 10, 20, 9))
    corrected = fill_return(blank("SS"), full(config, "SS", **{"SSM/026": dict(actual=200)}), tmp_path / "ss2.xlsx", saved_at=dt.datetime(2026, 11, 2, 9))
    ingest(CONFIG, data, PERIOD, [first])
    ingest(CONFIG, data, PERIOD, [corrected])
    (ss,) = [s for s in tracker(CONFIG, data, PERIOD, today=AFTER).states if s.directorate == "SS"]
    assert ss.state == "accepted" and not ss.late and ss.file and ss.file.endswith("ss2.xlsx")
    assert ss.summary == "accepted, 11 PIs, 7 actions, 0 errors, 0 warnings; first return saved 20 October (on time); current return saved 2 November"


def test_a_first_return_saved_after_the_deadline_is_late(blank, config, tmp_path):
    data = tmp_path / "data"
    ingest(CONFIG, data, PERIOD, [fill_return(blank("SS"), full(config, "SS"), tmp_path / "ss.xlsx", saved_at=dt.datetime(2026, 10, 24, 9))])
    (ss,) = [s for s in tracker(CONFIG, data, PERIOD, today=AFTER).states if s.directorate == "SS"]
    received = dt.datetime.now(dt.timezone.utc)
    assert ss.late and ss.summary == f"accepted, 11 PIs, 7 actions, 0 errors, 0 warnings; received {received.day} {received:%B}, saved 24 October (late)"


def test_before_the_deadline_a_return_not_in_is_not_yet_due(config_dir, tmp_path):
    data = tmp_path / "data"
    board = tracker(CONFIG, data, PERIOD, today=BEFORE)
    assert {s.state for s in board.states} == {"missing"} and not board.chase and not board.has_problems
    assert board.states[0].summary == "not yet due (deadline 23 October 2026)"
    fw = config_dir / "framework.yaml"
    fw.write_text(fw.read_text().replace("2026-27-Q2: '2026-10-23'", "2026-27-Q2: '2099-10-23'"))
    r = CliRunner().invoke(main, ["--config", str(config_dir), "--data", str(data), "returns", "--period", str(PERIOD)])
    assert r.exit_code == 0, r.output
    assert "  LS      Learning and Skills              not yet due (deadline 23 October 2099)\n" in r.output and "To chase" not in r.output


def test_each_return_counts_its_pis_and_its_actions_where_the_council_tracks_actions(tmp_path):
    from decimal import Decimal

    from pmf_pipeline.master.store import Store
    from pmf_pipeline.periods import Period
    from pmf_pipeline.returns.findings import ActionRecord, ReturnResult, ValueRecord
    from tests.small_council import write_council

    q2 = Period.parse("2026-27-Q2")
    values = [ValueRecord("ENV/001", Decimal("61.5")), ValueRecord("ENV/002", Decimal(9)), ValueRecord("ENV/003", Decimal(120))]
    actions = [ActionRecord("ENV/A01", "in progress", Decimal(70), "green"), ActionRecord("ENV/A02", None, carried=True)]
    lines = {}
    for tracks in (True, False):
        config, data = write_council(tmp_path / f"config{tracks}", actions=tracks), tmp_path / f"data{tracks}"
        store = Store(data)
        result = ReturnResult(
            "env.xlsx", "a" * 64, 1, "accepted", str(q2), "ENV", saved_at="2026-10-20T09:00:00Z", values=values, actions=actions if tracks else []
        )
        store.record(result, str(q2), "archive/env.xlsx", "2026-10-20T10:00:00+00:00")
        store.close()
        [line] = tracker(config, data, q2, today=AFTER).states
        lines[tracks] = line
    assert (lines[True].pis, lines[True].actions, lines[True].counts) == (3, 2, "3 PIs, 2 actions")
    assert lines[True].summary == "accepted, 3 PIs, 2 actions, 0 errors, 0 warnings; received 20 October, saved 20 October (on time)"
    assert (lines[False].actions, lines[False].counts) == (None, "3 PIs")
    assert lines[False].summary == "accepted, 0 errors, 0 warnings; received 20 October, saved 20 October (on time)"  # as before actions
