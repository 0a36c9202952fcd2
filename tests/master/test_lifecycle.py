"""A period's lifecycle through the commands a performance officer runs: freeze on the first accepted
return, close, a refused return, a late return for a closed quarter, reopen, and generate."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from pmf_pipeline.cli import main
from pmf_pipeline.master.lifecycle import long_date
from pmf_pipeline.master.store import Store
from pmf_pipeline.periods import Period
from pmf_pipeline.workbook.fill import fill_return
from tests.conftest import PERIOD, ROOT
from tests.returns.test_validate import full

SAMPLES = ROOT / "sample_workbooks"
Q3 = Period.parse("2026-27-Q3")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def events(data, period=PERIOD):
    s = Store(data)
    try:
        return s.period_events(str(period))
    finally:
        s.close()


def submissions(data, period=PERIOD):
    s = Store(data)
    try:
        return s.submissions(str(period))
    finally:
        s.close()


def archived(data):
    return sorted(p.name for p in (data / "archive").rglob("*") if p.is_file())


@pytest.fixture
def ingested(tmp_path, config_dir):
    """The sample quarter ingested with 'pmf ingest' (the samples' deliberate errors give exit 1)."""
    data = tmp_path / "data"
    base = ["--config", config_dir, "--data", data]
    r = run(*base, "ingest", "--period", PERIOD, SAMPLES)
    assert r.exit_code == 1 and "5 accepted" in r.output, r.output
    return base, data, config_dir


def test_the_configuration_freezes_on_the_first_accepted_return_not_before(tmp_path, config_dir, config, blank):
    data = tmp_path / "data"
    base = ["--config", config_dir, "--data", data]
    q2_return = fill_return(blank("SS"), full(config, "SS"))
    # a Q2 return sent with the wrong --period: rejected, and Q3 is not frozen by the mistake
    r = run(*base, "ingest", "--period", Q3, q2_return)
    assert r.exit_code == 1 and "REJECTED" in r.output and "not Q3 2026-27" in r.output, r.output
    assert not (data / "periods" / str(Q3) / "config").exists()
    assert events(data, Q3) == []
    # an unreadable file freezes nothing either
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    assert run(*base, "ingest", "--period", PERIOD, junk).exit_code == 1
    assert not (data / "periods" / str(PERIOD) / "config").exists()
    # the first accepted return freezes the configuration it was validated with, and says who did it
    r = run(*base, "ingest", "--period", PERIOD, q2_return)
    assert r.exit_code == 0, r.output
    assert (data / "periods" / str(PERIOD) / "config" / "targets.csv").read_bytes() == (config_dir / "targets.csv").read_bytes()
    [frozen] = events(data)
    assert frozen.event == "frozen" and frozen.by and frozen.config_path == f"periods/{PERIOD}/config"
    assert set(frozen.config_sha256 or {}) == {"framework.yaml", "pis.yaml", "targets.csv", "history.csv", "actions.yaml", "action_history.csv"}


def test_a_closed_period_refuses_returns_with_the_reopen_command_and_archives_nothing(ingested, config, blank):
    base, data, _ = ingested
    r = run(*base, "close", "--period", PERIOD, "--reason", "packs went to committee", "--by", "jsmith")
    assert r.exit_code == 0, r.output
    closed = events(data)[-1]
    assert (closed.event, closed.by, closed.reason) == ("closed", "jsmith", "packs went to committee")
    when = long_date(closed.at)
    assert r.output.startswith(f"2026-27-Q2 was closed on {when} by jsmith (packs went to committee). Returns for it are refused until it is reopened")

    before, subs = archived(data), len(submissions(data))
    corrected = fill_return(blank("SS"), full(config, "SS"))
    r = run(*base, "ingest", "--period", PERIOD, corrected)
    assert r.exit_code == 1
    assert r.output == (
        f"pmf: 2026-27-Q2 was closed on {when} by jsmith (packs went to committee). To take this return, reopen it first: "
        f'pmf reopen --period 2026-27-Q2 --reason "...". Nothing was taken: {corrected.name} is still where it was.\n'
    )
    assert archived(data) == before and len(submissions(data)) == subs and corrected.exists()
    # pmf quarter refuses it the same way
    inbox = corrected.parent / "inbox"
    inbox.mkdir()
    shutil.copy(corrected, inbox)
    r = run(*base, "quarter", "--period", PERIOD, "--inbox", inbox, "--out", data.parent / "packs", "--no-pdf")
    assert r.exit_code == 1 and "was closed on" in r.output and "pmf reopen --period 2026-27-Q2" in r.output
    # files already received are no change, so re-running on the same inbox is not refused
    r = run(*base, "ingest", "--period", PERIOD, SAMPLES)
    assert r.exit_code == 0 and "Nothing changed" in r.output, r.output


def test_close_is_refused_without_accepted_returns_and_when_already_closed(tmp_path, config_dir, ingested):
    base, data, _ = ingested
    r = run(*base, "close", "--period", Q3)
    assert r.exit_code == 2
    assert "2026-27-Q3 has no accepted returns, so there is nothing to close" in r.output
    assert run(*base, "close", "--period", PERIOD, "--by", "jsmith").exit_code == 0
    r = run(*base, "close", "--period", PERIOD)
    assert r.exit_code == 2 and "It is already closed" in r.output and "pmf reopen --period 2026-27-Q2" in r.output


def test_a_late_return_for_a_closed_quarter_is_explained_not_redirected(ingested, config, blank):
    base, data, _ = ingested
    run(*base, "close", "--period", PERIOD, "--reason", "packs went to committee", "--by", "jsmith")
    when = long_date(events(data)[-1].at)
    late = fill_return(blank("PLC"), full(config, "PLC"))
    r = run(*base, "ingest", "--period", Q3, late)
    assert r.exit_code == 1
    assert (
        f"this is the return for Q2 2026-27, not Q3 2026-27. 2026-27-Q2 was closed on {when} by jsmith (packs went to committee). "
        "Its packs have gone out without this return. To take it late, reopen that quarter "
        '(pmf reopen --period 2026-27-Q2 --reason "..."), ingest it with --period 2026-27-Q2 and report again: the figures and packs '
        "for Q2 2026-27 will change, and the published ones are kept for audit. Otherwise leave Q2 2026-27 as published."
    ) in r.output, r.output
    assert not (data / "periods" / str(Q3) / "config").exists()


def test_reopen_needs_a_reason_and_records_who_when_and_why(ingested, config, blank):
    base, data, config_dir = ingested
    run(*base, "close", "--period", PERIOD, "--reason", "packs went to committee", "--by", "jsmith")
    r = run(*base, "reopen", "--period", PERIOD)
    assert r.exit_code == 2 and "Missing option '--reason'" in r.output
    r = run(*base, "reopen", "--period", PERIOD, "--reason", "   ")
    assert r.exit_code == 2 and "say why the period is reopened" in r.output

    frozen = (data / "periods" / str(PERIOD) / "config" / "targets.csv").read_bytes()
    subs = submissions(data)
    r = run(*base, "reopen", "--period", PERIOD, "--reason", "late return from Place", "--by", "akhan")
    assert r.exit_code == 0, r.output
    reopened = events(data)[-1]
    assert (reopened.event, reopened.by, reopened.reason) == ("reopened", "akhan", "late return from Place")
    assert reopened.config_path == f"periods/{PERIOD}/history/1/config" and reopened.last_submission == subs[-1].id
    assert r.output.startswith(f"Reopened 2026-27-Q2 on {long_date(reopened.at)} by akhan (late return from Place). Returns for it are taken again.")
    # the earlier frozen configuration is kept for the audit, and the returns and figures as they were
    assert (data / reopened.config_path / "targets.csv").read_bytes() == frozen
    assert not (data / "periods" / str(PERIOD) / "config").exists()
    assert submissions(data) == subs
    # returns are taken again; the next accepted one freezes config/ anew
    r = run(*base, "ingest", "--period", PERIOD, fill_return(blank("PLC"), full(config, "PLC")))
    assert r.exit_code == 0, r.output
    assert [e.event for e in events(data)] == ["frozen", "closed", "reopened", "frozen"]
    # an open period with nothing frozen has nothing to reopen
    r = run(*base, "reopen", "--period", Q3, "--reason", "x")
    assert r.exit_code == 2 and "there is nothing to reopen" in r.output


def test_generate_for_a_frozen_period_uses_its_configuration_and_says_so(ingested, tmp_path):
    base, data, config_dir = ingested
    r = run(*base, "generate", "--period", PERIOD, "--directorate", "SS", "--out", tmp_path / "out1", "--generated-at", "2026-09-30")
    assert r.exit_code == 0, r.output
    assert (
        r.output.splitlines()[0]
        == f"Using the configuration frozen with {PERIOD} ({data / 'periods' / str(PERIOD) / 'config'}), which its returns are checked against."
    )
    targets = config_dir / "targets.csv"
    targets.write_text(targets.read_text().replace("PAM/028,2026-27,90.0", "PAM/028,2026-27,80.0"))
    r = run(*base, "generate", "--period", PERIOD, "--directorate", "SS", "--out", tmp_path / "out2", "--generated-at", "2026-09-30")
    assert r.exit_code == 0, r.output
    assert (
        f"{config_dir} differs from it (targets.csv): those differences are not used for {PERIOD}. "
        f'To use them, reopen the period first: pmf reopen --period {PERIOD} --reason "..."'
    ) in r.output
    # the regenerated workbook is the one its returns are checked against: the same bytes as before
    a, b = next((tmp_path / "out1").glob("*.xlsx")), next((tmp_path / "out2").glob("*.xlsx"))
    assert a.read_bytes() == b.read_bytes()
