"""pmf audit gives the same answer however the period was run (pmf quarter; pmf ingest then pmf report;
pmf ingest alone), from any working folder, across publications, reopenings and late returns."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from pmf_pipeline.cli import main
from pmf_pipeline.config import load_config
from pmf_pipeline.workbook.fill import fill_return
from pmf_pipeline.workbook.samples import sample_entries
from tests.conftest import PERIOD, ROOT

SAMPLES = ROOT / "sample_workbooks"
WHEN = ("--generated-at", "2026-11-01T09:00:00")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def council(tmp_path, config_dir, monkeypatch):
    """A performance officer's folder, worked in with relative paths (config, data, packs), as the README shows."""
    work = tmp_path / "work"
    work.mkdir()
    shutil.move(config_dir, work / "config")
    monkeypatch.chdir(work)
    return work


def ingest(*paths):
    return run("ingest", "--period", PERIOD, *paths)


def audit_elsewhere(work, monkeypatch, where):
    """pmf audit run from another folder, naming the council's folders absolutely."""
    where.mkdir(exist_ok=True)
    monkeypatch.chdir(where)
    return run("--config", work / "config", "--data", work / "data", "audit", "--period", PERIOD)


@pytest.mark.parametrize("way", ["quarter", "ingest then report", "ingest alone"])
def test_an_untouched_period_audits_clean_however_it_was_run_and_from_any_folder(council, monkeypatch, tmp_path, way):
    if way == "quarter":
        assert run("quarter", "--period", PERIOD, "--inbox", SAMPLES, "--out", "packs", "--no-pdf", *WHEN).exit_code == 1
    else:
        assert ingest(SAMPLES).exit_code == 1  # the samples' deliberate errors
        if way == "ingest then report":
            r = run("report", "--period", PERIOD, "--out", "packs", "--no-pdf", *WHEN)
            assert r.exit_code == 0 and "Recorded in" in r.output, r.output
    r = audit_elsewhere(council, monkeypatch, tmp_path / "elsewhere")
    assert r.exit_code == 0, r.output
    assert "57 of 57 figures reproduced" in r.output and "Everything reproduces" in r.output
    if way == "ingest alone":
        assert "0 packs checked" in r.output and "NOTE  No packs were published for 2026-27-Q2" in r.output
    else:
        assert "22 packs checked" in r.output and "published pack" not in r.output


@pytest.mark.parametrize("way", ["quarter", "ingest then report"])
def test_a_changed_pack_or_figure_is_named(council, monkeypatch, tmp_path, way):
    if way == "quarter":
        run("quarter", "--period", PERIOD, "--inbox", SAMPLES, "--out", "packs", "--no-pdf", *WHEN)
    else:
        ingest(SAMPLES)
        run("report", "--period", PERIOD, "--out", "packs", "--no-pdf", *WHEN)
    page = next((council / "packs").glob("*social-services-directorate.html"))
    page.write_text(page.read_text().replace("Off target", "Met"))
    r = audit_elsewhere(council, monkeypatch, tmp_path / "elsewhere")
    assert r.exit_code == 1 and f"pack_changed: {page.name}" in r.output, r.output
    db = sqlite3.connect(council / "data" / "master.sqlite")
    db.execute("UPDATE pi_values SET actual = '99' WHERE pi_ref = 'CPM/072' AND current = 1")
    db.commit()
    db.close()
    r = audit_elsewhere(council, monkeypatch, tmp_path / "elsewhere")
    assert r.exit_code == 1 and "value_differs" in r.output and "CPM/072" in r.output and "master 99" in r.output


def test_every_publication_is_kept_and_checked(council, monkeypatch, tmp_path):
    """October's packs went to committee; November's re-run does not erase them from the record."""
    late = next(SAMPLES.glob("*_PLC_*.xlsx"))
    assert ingest(*(f for f in sorted(SAMPLES.glob("*.xlsx")) if f != late)).exit_code == 1
    assert run("report", "--period", PERIOD, "--out", "packs-october", "--no-pdf", "--generated-at", "2026-10-30T09:00:00").exit_code == 0
    assert run("report", "--period", PERIOD, "--out", "packs", "--no-pdf", "--generated-at", "2026-10-30T09:00:00").exit_code == 0
    # a late return, and the packs published again into the same folder
    ingest(late)
    assert run("report", "--period", PERIOD, "--out", "packs", "--no-pdf", "--generated-at", "2026-11-20T09:00:00").exit_code == 0
    r = audit_elsewhere(council, monkeypatch, tmp_path / "elsewhere")
    assert r.exit_code == 0, r.output
    assert "NOTE  3 publications are recorded" in r.output
    assert "was changed" not in r.output  # October's packs in packs/ were replaced by November's: no discrepancy
    # October's own copy is still checked against what was published
    page = next((council / "packs-october").glob("*place-directorate.html"))
    page.write_text(page.read_text() + "<!-- edited -->")
    r = audit_elsewhere(council, monkeypatch, tmp_path / "elsewhere")
    assert r.exit_code == 1 and f"pack_changed: {page.name}: the pack published on" in r.output, r.output
    # a missing file of an earlier publication is no discrepancy; of the latest, it is
    page.unlink()
    assert audit_elsewhere(council, monkeypatch, tmp_path / "elsewhere").exit_code == 0
    latest = next((council / "packs").glob("*place-directorate.html"))
    latest.unlink()
    r = audit_elsewhere(council, monkeypatch, tmp_path / "elsewhere")
    assert r.exit_code == 1 and f"pack_changed: {latest.name}: the published pack" in r.output and "is missing" in r.output


def test_a_return_received_after_the_last_publication_is_said_to_be_so(council, monkeypatch, tmp_path):
    late = next(SAMPLES.glob("*_PLC_*.xlsx"))
    inbox = council / "inbox"
    inbox.mkdir()
    for f in SAMPLES.glob("*.xlsx"):
        if f != late:
            shutil.copy(f, inbox)
    run("quarter", "--period", PERIOD, "--inbox", inbox, "--out", "packs", "--no-pdf", *WHEN)
    ingest(late)
    r = audit_elsewhere(council, monkeypatch, tmp_path / "elsewhere")
    assert r.exit_code == 0, r.output
    day = dt.datetime.now(dt.timezone.utc)
    assert f"NOTE  {late.name}: received after the last publication on {day.day} {day:%B %Y}: not in the published packs." in r.output
    assert "archive_changed" not in r.output and "status_differs" not in r.output


def test_a_target_corrected_mid_quarter_audits_clean_with_both_configurations(council, monkeypatch, tmp_path):
    """Ingest, reopen, correct a target in config/targets.csv, regenerate the directorate's workbook,
    fill it in, ingest it, publish: the audit re-runs each return with the configuration it was judged with."""
    assert ingest(SAMPLES).exit_code == 1
    assert run("report", "--period", PERIOD, "--out", "packs", "--no-pdf", *WHEN).exit_code == 0
    r = run("reopen", "--period", PERIOD, "--reason", "PAM/028 target corrected by the Head of Service", "--by", "jsmith")
    assert r.exit_code == 0, r.output
    targets = council / "config" / "targets.csv"
    targets.write_text(targets.read_text().replace("PAM/028,2026-27,90.0", "PAM/028,2026-27,85.0"))
    r = run("generate", "--period", PERIOD, "--directorate", "SS", "--out", "outbox")
    assert r.exit_code == 0 and "Using the configuration frozen" not in r.output, r.output
    config = load_config(council / "config")
    [blank] = (council / "outbox").glob("*.xlsx")
    corrected = fill_return(blank, sample_entries(config, PERIOD, "SS"), council / "corrected.xlsx")
    r = ingest(corrected)
    assert r.exit_code == 0 and "1 accepted" in r.output, r.output
    assert run("report", "--period", PERIOD, "--out", "packs", "--no-pdf", "--generated-at", "2026-11-20T09:00:00").exit_code == 0
    assert "PAM/028,2026-27,85.0" in (council / "data" / "periods" / str(PERIOD) / "config" / "targets.csv").read_text()

    r = audit_elsewhere(council, monkeypatch, tmp_path / "elsewhere")
    assert r.exit_code == 0, r.output
    assert "  Configuration 1: frozen on" in r.output and "set aside when the period was reopened on" in r.output
    assert "(PAM/028 target corrected by the Head of Service); kept in" in r.output and "used for 5 returns as received." in r.output
    assert "  Configuration 2: frozen on" in r.output and "in force" in r.output and "used for 1 return as received." in r.output
    html = (council / "data" / "reports" / str(PERIOD) / "audit" / f"audit_{PERIOD}.html").read_text()
    assert "Configuration 1:" in html and "Configuration 2:" in html
    # the configuration set aside is checked too
    kept = council / "data" / "periods" / str(PERIOD) / "history" / "1" / "config" / "targets.csv"
    kept.write_text(kept.read_text().replace("PAM/028,2026-27,90.0", "PAM/028,2026-27,70.0"))
    r = audit_elsewhere(council, monkeypatch, tmp_path / "elsewhere")
    assert r.exit_code == 1 and "config_changed: configuration targets.csv" in r.output and "history" in r.output, r.output


def test_a_manifest_written_before_publications_were_kept_still_audits(council, monkeypatch, tmp_path):
    """A period run by an earlier version: one run in the manifest, pack paths relative to where it ran."""
    import json

    run("quarter", "--period", PERIOD, "--inbox", SAMPLES, "--out", "packs", "--no-pdf", *WHEN)
    path = council / "data" / "periods" / str(PERIOD) / "manifest.json"
    latest = json.loads(path.read_text())["publications"][-1]
    for rec in latest["packs"]:
        rec["html"] = "packs/" + rec["html"].rsplit("/", 1)[-1]
    old = {k: v for k, v in latest.items() if k not in ("command", "by", "recorded_at", "last_submission")}
    path.write_text(json.dumps({"period": str(PERIOD), **old}))
    r = run("audit", "--period", PERIOD)
    assert r.exit_code == 0 and "22 packs checked" in r.output, r.output


def test_the_audit_lists_when_the_period_was_closed(council, monkeypatch, tmp_path):
    ingest(SAMPLES)
    run("report", "--period", PERIOD, "--out", "packs", "--no-pdf", *WHEN)
    run("close", "--period", PERIOD, "--reason", "packs went to committee", "--by", "jsmith")
    r = audit_elsewhere(council, monkeypatch, tmp_path / "elsewhere")
    day = dt.datetime.now(dt.timezone.utc)
    assert r.exit_code == 0 and f"NOTE  Closed on {day.day} {day:%B %Y} by jsmith (packs went to committee)." in r.output, r.output
    monkeypatch.chdir(council)
    assert run("reopen", "--period", PERIOD, "--reason", "late return from Place", "--by", "akhan").exit_code == 0
    r = audit_elsewhere(council, monkeypatch, tmp_path / "elsewhere")
    assert r.exit_code == 0 and f"NOTE  Reopened on {day.day} {day:%B %Y} by akhan (late return from Place)." in r.output, r.output
