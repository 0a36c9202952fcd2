"""When a return counts as late, and what the tracker says about each directorate.

The deadline for 2026-27-Q2 is 23 October 2026 (framework.yaml). A return is late when the day it
was last saved (as the workbook records it), or failing that the day it was received, is after the
deadline: saved on the deadline day is on time, the day after is late.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import pytest

from pmf_pipeline.master.store import Store
from pmf_pipeline.returns.ingest import ingest
from pmf_pipeline.returns.tracker import return_states, unidentified
from pmf_pipeline.returns.validate import validate_bytes
from pmf_pipeline.workbook.fill import fill_return
from tests.conftest import CONFIG, PERIOD
from tests.returns.test_validate import full

DEADLINE = dt.date(2026, 10, 23)


def states(data, config, today=None):
    store = Store(data)
    try:
        return {s.directorate: s for s in return_states(config, store, PERIOD, today)}
    finally:
        store.close()


def test_the_sample_deadline(config):
    assert config.framework.deadline(PERIOD) == DEADLINE


@pytest.mark.parametrize(
    "saved, late",
    [
        (dt.datetime(2026, 10, 22, 16, 30), False),
        (dt.datetime(2026, 10, 23, 0, 0), False),
        (dt.datetime(2026, 10, 23, 23, 59, 59), False),  # on the deadline day: not late
        (dt.datetime(2026, 10, 24, 0, 0), True),  # the day after: late
        (dt.datetime(2026, 11, 30, 9, 0), True),
    ],
)
def test_late_is_saved_after_the_deadline_day(blank, config, tmp_path, saved, late):
    path = fill_return(blank("SS"), full(config, "SS"), tmp_path / "ss.xlsx", saved_at=saved)
    ingest(CONFIG, tmp_path / "data", PERIOD, [path])
    s = states(tmp_path / "data", config)["SS"]
    assert (s.name, s.state, s.late, s.saved_at) == ("Social Services", "accepted", late, saved.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert s.summary.startswith("accepted, 11 PIs, 7 actions, 0 errors, 0 warnings; received ")  # received: the day the test runs
    assert s.summary.endswith(f", saved {saved.day} {saved:%B} ({'late' if late else 'on time'})")


def _without_saved_time(path):
    """A workbook whose properties do not say when it was saved (some programs leave it out)."""
    with zipfile.ZipFile(path) as zf:
        parts = [(i, zf.read(i)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, blob in parts:
            if info.filename == "docProps/core.xml":
                blob = re.sub(rb"<dcterms:modified[^>]*>[^<]*</dcterms:modified>", b"", blob)
            zf.writestr(info, blob)
    return path


@pytest.mark.parametrize("received, late", [("2026-10-23T23:59:00+00:00", False), ("2026-10-24T08:00:00+00:00", True)])
def test_without_a_saved_time_the_received_day_counts(blank, config, tmp_path, received, late):
    path = _without_saved_time(fill_return(blank("SS"), full(config, "SS"), tmp_path / "ss.xlsx"))
    result = validate_bytes(path.read_bytes(), path.name, config, PERIOD)
    assert result.saved_at is None and result.outcome == "accepted"
    store = Store(tmp_path / "data")
    try:
        store.record(result, str(PERIOD), "archive/ss.xlsx", received)  # the received time is the one thing ingest takes from the clock
    finally:
        store.close()
    s = states(tmp_path / "data", config)["SS"]
    assert (s.state, s.late, s.saved_at) == ("accepted", late, None)


def test_a_saved_time_wins_over_the_received_time(blank, config, tmp_path):
    """Saved on time, received (say, from a mail queue) after the deadline: not late."""
    path = fill_return(blank("SS"), full(config, "SS"), tmp_path / "ss.xlsx", saved_at=dt.datetime(2026, 10, 23, 17, 0))
    result = validate_bytes(path.read_bytes(), path.name, config, PERIOD)
    store = Store(tmp_path / "data")
    store.record(result, str(PERIOD), "archive/ss.xlsx", "2026-10-30T09:00:00+00:00")
    store.close()
    assert states(tmp_path / "data", config)["SS"].late is False


def test_a_late_correction_does_not_make_an_on_time_return_late(blank, config, tmp_path):
    """Late is judged on the first accepted return: a correction sent after the deadline (often at the
    team's request) does not make an on-time directorate late, and both dates are shown."""
    on_time = fill_return(blank("SS"), full(config, "SS"), tmp_path / "a.xlsx", saved_at=dt.datetime(2026, 10, 20, 9, 0))
    later = fill_return(blank("SS"), full(config, "SS", **{"SSM/026": dict(actual=230)}), tmp_path / "b.xlsx", saved_at=dt.datetime(2026, 10, 26, 9, 0))
    ingest(CONFIG, tmp_path / "data", PERIOD, [on_time])
    assert states(tmp_path / "data", config)["SS"].late is False
    ingest(CONFIG, tmp_path / "data", PERIOD, [later])
    s = states(tmp_path / "data", config)["SS"]
    assert (s.late, s.file, s.submissions) == (False, str(later), 2)
    assert s.summary == "accepted, 11 PIs, 7 actions, 0 errors, 0 warnings; first return saved 20 October (on time); current return saved 26 October"


@pytest.mark.parametrize(
    "today, state, late, summary",
    [
        (dt.date(2026, 10, 23), "missing", False, "not yet due (deadline 23 October 2026)"),  # on the deadline day it is not yet overdue
        (dt.date(2026, 10, 24), "overdue", True, "missing (overdue: the deadline was 23 October 2026)"),
    ],
)
def test_a_missing_return_is_overdue_the_day_after_the_deadline(config, tmp_path, today, state, late, summary):
    s = states(tmp_path / "data", config, today)
    assert list(s) == ["LS", "SS", "ENV", "PLC", "CR"]  # framework order
    assert {(x.state, x.late, x.summary, x.errors, x.warnings, x.file, x.saved_at, x.submissions) for x in s.values()} == {
        (state, late, summary, 0, 0, None, None, 0)
    }
    assert [x.name for x in s.values()] == ["Learning and Skills", "Social Services", "Environment and Housing", "Place", "Corporate Resources"]


def test_a_directorate_with_nothing_due_is_left_out_and_the_rest_still_listed(config_dir, tmp_path):
    from pmf_pipeline.config import load_config

    path = config_dir / "framework.yaml"
    path.write_text(path.read_text().replace("directorates:\n", "directorates:\n- code: CE\n  name: Chief Executive's\n", 1))
    cfg = load_config(config_dir)
    assert cfg.framework.directorates[0].code == "CE" and not cfg.pis_for("CE", PERIOD)
    assert list(states(tmp_path / "data", cfg, DEADLINE)) == ["LS", "SS", "ENV", "PLC", "CR"]


def test_rejected_and_unidentified_files(blank, config, tmp_path):
    other = tmp_path / "other.xlsx"
    other.write_bytes(b"not a workbook")
    wrong = fill_return(blank("SS"), full(config, "SS"), tmp_path / "ss.xlsx")
    import openpyxl

    wb = openpyxl.load_workbook(wrong)
    wb["Return"]["E5"] = "Units"  # a renamed column heading: identified as SS's, but rejected
    wb.save(wrong)
    ingest(CONFIG, tmp_path / "data", PERIOD, [other, wrong])
    s = states(tmp_path / "data", config, DEADLINE)
    ss = s.pop("SS")
    assert (ss.name, ss.state, ss.late, ss.errors, ss.warnings, ss.file, ss.saved_at, ss.submissions) == (
        "Social Services",
        "rejected",
        False,
        1,
        0,
        str(wrong),
        ss.saved_at,  # the time openpyxl stamped on saving: today's
        1,
    )
    assert ss.saved_at and ss.summary.startswith("rejected: the file could not be taken; see its findings (received ")
    assert {x.state for x in s.values()} == {"missing"}  # the unidentified file is no directorate's
    store = Store(tmp_path / "data")
    try:
        assert [x.file_name for x in unidentified(store, PERIOD)] == [str(other)]
    finally:
        store.close()


def test_counts_are_spelt_in_the_singular_and_plural(config):
    from pmf_pipeline.returns.tracker import ReturnState

    def summary(errors, warnings, late=False):
        return ReturnState("SS", "Social Services", "accepted", late, errors, warnings, "f", "2026-10-20T09:00:00Z", 1).summary

    assert summary(1, 1) == "accepted, 1 error, 1 warning; saved 20 October (on time)"
    assert summary(0, 2, late=True) == "accepted, 0 errors, 2 warnings; saved 20 October (late)"
