"""pmf quarter end to end, and pmf audit catching each kind of tampering."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat

import openpyxl
import pytest
from click.testing import CliRunner

from pmf_pipeline.cli import main
from tests.conftest import PERIOD, ROOT

SAMPLES = ROOT / "sample_workbooks"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def quarter_run(tmp_path, config_dir):
    data, packs = tmp_path / "data", tmp_path / "packs"
    base = ["--config", config_dir, "--data", data]
    r = run(*base, "quarter", "--period", PERIOD, "--inbox", SAMPLES, "--out", packs, "--no-pdf", "--generated-at", "2026-11-01T09:00:00")
    assert r.exit_code == 1, r.output  # the sample's deliberate errors
    assert "Packs: 11 written" in r.output and "Statuses:" in r.output
    return base, data, packs, config_dir


def audit(base):
    return run(*base, "audit", "--period", PERIOD)


def test_second_quarter_run_changes_nothing_and_says_so(quarter_run):
    base, data, packs, _ = quarter_run
    before = {p.name: p.read_bytes() for p in packs.iterdir()}
    manifest = (data / "periods" / str(PERIOD) / "manifest.json").read_bytes()
    r = run(*base, "quarter", "--period", PERIOD, "--inbox", SAMPLES, "--out", packs, "--no-pdf")
    assert "Nothing changed since the last run" in r.output, r.output
    assert {p.name: p.read_bytes() for p in packs.iterdir()} == before
    assert (data / "periods" / str(PERIOD) / "manifest.json").read_bytes() == manifest


def test_untouched_period_audits_clean_even_after_the_configuration_moved_on(quarter_run):
    base, data, packs, config_dir = quarter_run
    targets = config_dir / "targets.csv"
    targets.write_text(targets.read_text().replace("PAM/028,2026-27,90.0", "PAM/028,2026-27,50.0"))
    r = audit(base)
    assert r.exit_code == 0, r.output
    assert "Everything reproduces" in r.output and "57 of 57 figures reproduced" in r.output
    assert (data / "reports" / str(PERIOD) / "audit" / f"audit_{PERIOD}.html").exists()


def _writable(p):
    os.chmod(p, os.stat(p).st_mode | stat.S_IWUSR)


def test_audit_catches_a_changed_archive_file(quarter_run):
    base, data, *_ = quarter_run
    archived = next((data / "archive" / str(PERIOD) / "SS").glob("*.xlsx"))
    _writable(archived)
    archived.write_bytes(archived.read_bytes() + b"\0")
    r = audit(base)
    assert r.exit_code == 1 and "archive_changed" in r.output and "Social_Services" in r.output


def test_audit_catches_a_missing_archive_file(quarter_run):
    base, data, *_ = quarter_run
    archived = next((data / "archive" / str(PERIOD) / "PLC").glob("*.xlsx"))
    archived.unlink()
    r = audit(base)
    assert r.exit_code == 1 and "archive_missing" in r.output and "Place" in r.output


def test_audit_catches_a_value_changed_in_the_master_dataset(quarter_run):
    base, data, *_ = quarter_run
    db = sqlite3.connect(data / "master.sqlite")
    db.execute("UPDATE pi_values SET actual = '99' WHERE pi_ref = 'CPM/072' AND current = 1")
    db.commit()
    db.close()
    r = audit(base)
    assert r.exit_code == 1
    assert "value_differs" in r.output and "CPM/072" in r.output and "master 99" in r.output
    assert "status_differs" in r.output or "pack_not_reproduced" in r.output


def test_audit_catches_a_figure_the_archive_does_not_support(quarter_run):
    base, data, *_ = quarter_run
    db = sqlite3.connect(data / "master.sqlite")
    sid = db.execute("SELECT id FROM submissions WHERE directorate = 'ENV'").fetchone()[0]
    db.execute("INSERT INTO pi_values (period, pi_ref, submission_id, source, actual) VALUES (?, 'PAM/020', ?, 'return', '3.0')", (str(PERIOD), sid))
    db.execute("INSERT INTO pi_values (period, pi_ref, source, actual) VALUES (?, 'PAM/021', 'history', '4.0')", (str(PERIOD),))
    db.commit()
    db.close()
    r = audit(base)
    assert r.exit_code == 1
    assert "value_unsupported: PAM/020 in the master dataset" in r.output and "value_unsupported: PAM/021" in r.output


def test_audit_catches_configuration_changed_after_the_period_was_closed(quarter_run):
    base, data, *_ = quarter_run
    frozen = data / "periods" / str(PERIOD) / "config" / "targets.csv"
    frozen.write_text(frozen.read_text().replace("PAM/028,2026-27,90.0", "PAM/028,2026-27,80.0"))
    r = audit(base)
    assert r.exit_code == 1 and "config_changed" in r.output and "targets.csv" in r.output


def test_audit_catches_a_changed_pack(quarter_run):
    base, data, packs, _ = quarter_run
    page = next(packs.glob("*social-services-directorate.html"))
    page.write_text(page.read_text().replace("Off target", "Met"))
    r = audit(base)
    assert r.exit_code == 1 and "pack_changed" in r.output and page.name in r.output


def test_audit_of_an_archive_folder(quarter_run, tmp_path):
    base, data, *_ = quarter_run
    copy = tmp_path / "audit_copy"
    shutil.copytree(data / "archive" / str(PERIOD), copy)
    r = run(*base, "audit", copy)
    assert r.exit_code == 0, r.output
    wb = openpyxl.Workbook()
    wb.save(copy / "stranger.xlsx")
    r = run(*base, "audit", copy)
    assert r.exit_code == 1 and "not_in_master" in r.output and "stranger.xlsx" in r.output


def test_audit_sample_is_reproducible_and_risk_led(quarter_run):
    base, data, *_ = quarter_run
    a = run(*base, "audit", "--period", PERIOD, "--sample", 6, "--seed", 7)
    b = run(*base, "audit", "--period", PERIOD, "--sample", 6, "--seed", 7)
    assert a.exit_code == 0, a.output

    def pick(out):
        return [line.split()[0] for line in out.splitlines() if line.startswith("  ") and "/" in line.split()[0]]

    assert pick(a.output) == pick(b.output) and len(pick(a.output)) == 6
    book = data / "reports" / str(PERIOD) / "audit" / f"audit_sample_{PERIOD}_seed7.xlsx"
    ws = openpyxl.load_workbook(book)["Audit sample"]
    header = [c.value for c in ws[4]]
    assert {"Archived file", "Sheet", "Cell", "Numerator", "Denominator", "Evidence ref", "Updated by", "Verified by", "Auditor's conclusion"} <= set(header)
    assert ws.max_row == 4 + 6
    c = run(*base, "audit", "--period", PERIOD, "--sample", 6)
    assert "seed" in c.output  # a seed is always printed


def test_audit_usage_errors(quarter_run):
    base, *_ = quarter_run
    r = run(*base, "audit")
    assert r.exit_code == 2 and "either --period" in r.output


def test_a_late_return_re_renders_only_the_packs_it_changes(tmp_path, config_dir):
    """A quarter run without Place's return, then again once it arrives: only the overview, Place's pack and
    the committee packs covering Place are written again; the rest keep their files and 'Prepared' time."""
    import json

    inbox, data, packs = tmp_path / "inbox", tmp_path / "data", tmp_path / "packs"
    inbox.mkdir()
    late = next(SAMPLES.glob("*_PLC_*.xlsx"))
    for f in SAMPLES.glob("*.xlsx"):
        if f != late:
            shutil.copy(f, inbox / f.name)
    base = ["--config", config_dir, "--data", data]
    first = run(*base, "quarter", "--period", PERIOD, "--inbox", inbox, "--out", packs, "--no-pdf", "--generated-at", "2026-10-30T09:00:00")
    assert "Packs: 11 written" in first.output, first.output
    manifest_path = data / "periods" / str(PERIOD) / "manifest.json"
    before = {p["slug"]: p for p in json.loads(manifest_path.read_text())["publications"][-1]["packs"]}
    files_before = {p.name: p.read_bytes() for p in packs.iterdir()}

    shutil.copy(late, inbox / late.name)
    second = run(*base, "quarter", "--period", PERIOD, "--inbox", inbox, "--out", packs, "--no-pdf", "--generated-at", "2026-10-31T09:00:00")
    after = {p["slug"]: p for p in json.loads(manifest_path.read_text())["publications"][-1]["packs"]}
    changed = {slug for slug in after if after[slug]["generated_at"] != before[slug]["generated_at"]}

    from pmf_pipeline.config import load_config
    from pmf_pipeline.packs.content import slug

    config = load_config(config_dir)
    covering = {
        slug(c.name)
        for c in config.framework.committees
        if any(pi.directorate == "PLC" for pi in config.committee_pis(c)) or any(a.directorate == "PLC" for a in config.committee_actions(c))
    }
    assert changed == {"corporate-performance-overview", "place-directorate"} | covering, changed
    assert len(changed) < len(after)  # some packs really were kept
    assert f"Packs: {len(changed)} written" in second.output and f"{len(after) - len(changed)} unchanged since the last run and kept" in second.output
    for s, rec in after.items():
        name = os.path.basename(rec["html"])
        if s in changed:
            assert (packs / name).read_bytes() != files_before[name]
            assert "31 October 2026" in (packs / name).read_text()  # prepared by this run
        else:
            assert (packs / name).read_bytes() == files_before[name] and rec == before[s]
    # and the period still audits clean: every kept pack is reproduced at the time it was prepared
    r = audit(base)
    assert r.exit_code == 0, r.output
    assert "Everything reproduces" in r.output


def test_validate_checks_a_closed_period_against_its_own_configuration(quarter_run):
    """After the targets move on, re-checking the period's returns with --period gives the answer they had."""
    base, data, packs, config_dir = quarter_run
    sample = next(SAMPLES.glob("*_SS_*.xlsx"))
    then = run(*base, "validate", "--period", PERIOD, "--quiet", sample)
    targets = config_dir / "targets.csv"
    targets.write_text(targets.read_text().replace("PAM/028,2026-27,90.0", "PAM/028,2026-27,50.0"))
    now = run(*base, "validate", "--period", PERIOD, "--quiet", sample)
    assert "frozen with" in now.output and now.exit_code == then.exit_code
    assert now.output.splitlines()[-2:] == then.output.splitlines()[-2:], now.output
    assert "outdated" not in now.output
    # without --period the current configuration is used, and this return no longer matches it
    current = run(*base, "validate", "--quiet", sample)
    assert "REJECTED" in current.output and "different version of the PI library or targets" in current.output, current.output


def test_restyled_packs_are_rendered_again_though_no_return_is_new(quarter_run, tmp_path, monkeypatch):
    """A change to the templates (a council restyling its packs) is not 'nothing changed'."""
    from pmf_pipeline.packs import render

    base, data, packs, _ = quarter_run
    again = ["quarter", "--period", PERIOD, "--inbox", SAMPLES, "--out", packs, "--no-pdf"]
    assert "Nothing changed" in run(*base, *again).output
    styled = tmp_path / "templates"
    shutil.copytree(render.TEMPLATES, styled)
    (styled / "pack.css").write_text((styled / "pack.css").read_text().replace("--brand: #1f3864", "--brand: #5b2c6f"))
    monkeypatch.setattr(render, "TEMPLATES", styled)
    render.renderer_digest.cache_clear()
    try:
        r = run(*base, *again)
    finally:
        render.renderer_digest.cache_clear()
    assert "Nothing changed" not in r.output and "Packs: 11 written" in r.output, r.output
    assert "#5b2c6f" in next(packs.glob("*overview.html")).read_text()
