"""Typed text with control characters, bidi overrides and formulas, through every output; numbers as numbers.

The hostile characters are typed the way a workbook stores them (``_x001B_`` escapes), so they reach
the tool exactly as they would from Excel.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import sqlite3
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pmf_pipeline.cli import main
from pmf_pipeline.config import load_config
from pmf_pipeline.workbook.fill import fill_return
from pmf_pipeline.workbook.generate import generate
from tests.conftest import CONFIG, PERIOD
from tests.returns.test_validate import full

COUNCIL = '=HYPERLINK("http://evil.example","Cwm Derwen")'
TYPED = "Late_x001B_[2K_x0007_ paid \u202e1234\u202c invoices"  # as stored in the workbook (controls escaped, bidi raw)
CLEAN = "Late␛[2K␇ paid 1234 invoices"  # as every output shows it
NAME = "cr\x1b[2K\x07\u202e1234.xlsx"  # a file name is typed text too
NAME_CLEAN = "cr␛[2K␇1234.xlsx"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A council whose name is a formula, and a CR return with hostile text in a comment, a name and evidence."""
    root = tmp_path_factory.mktemp("typed")
    config_dir = root / "config"
    shutil.copytree(CONFIG, config_dir)
    fw = config_dir / "framework.yaml"
    fw.write_text(fw.read_text().replace("council: Cwm Derwen County Borough Council", f"council: '{COUNCIL}'"))
    config = load_config(config_dir)
    blank = {g.directorate: g.path for g in generate(config, PERIOD, root / "outbox", generated_at=dt.datetime(2026, 9, 30, 9))}
    inbox = root / "inbox"
    inbox.mkdir()
    entries = full(config, "CR", **{"CPM/072": dict(comment=TYPED, updated_by="A. Jones_x001B_]0;pwned_x0007_", evidence="WP/\u202e987")})
    _type_raw(fill_return(blank["CR"], entries, inbox / NAME))
    data = root / "data"
    r = CliRunner().invoke(main, ["--config", str(config_dir), "--data", str(data), "ingest", "--period", str(PERIOD), str(inbox)])
    assert r.exit_code in (0, 1), r.output
    return config_dir, data, r.output


def _type_raw(path: Path) -> Path:
    """Put the bidi overrides back as typed (the test helper that fills returns cleans text as every writer does)."""
    wb = openpyxl.load_workbook(path)
    for row in wb["Return"].iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value in ("Late_x001B_[2K_x0007_ paid 1234 invoices", "WP/987"):
                c.value = c.value.replace("1234", "\u202e1234\u202c").replace("WP/987", "WP/\u202e987")
    wb.save(path)
    return path


def _cli(run, *args):
    config_dir, data, _ = run
    return CliRunner().invoke(main, ["--config", str(config_dir), "--data", str(data), *args])


def test_the_master_dataset_keeps_what_was_typed(run):
    _, data, _ = run
    db = sqlite3.connect(data / "master.sqlite")
    comment = db.execute("SELECT comment FROM pi_values WHERE pi_ref = 'CPM/072' AND period = ? AND current = 1", (str(PERIOD),)).fetchone()[0]
    assert comment == "Late\x1b[2K\x07 paid \u202e1234\u202c invoices"


def test_xlsx_export_shows_clean_text_and_the_council_name_as_text(run, tmp_path):
    out = tmp_path / "e.xlsx"
    r = _cli(run, "export", "--period", str(PERIOD), "--out", str(out), "--format", "xlsx")
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(out)["Master"]
    assert ws["A1"].data_type == "s" and ws["A1"].value.startswith(COUNCIL)
    row = next(row for row in ws.iter_rows(min_row=3) if row[2].value == "CPM/072")
    by = {ws.cell(row=2, column=c.column).value: c for c in row}
    assert by["comment"].value == CLEAN
    assert by["updated_by"].value == "A. Jones␛]0;pwned␇" and by["evidence"].value == "WP/987"
    assert by["actual"].data_type == "n" and by["target"].data_type == "n"


def test_csv_export_shows_clean_text(run, tmp_path):
    out = tmp_path / "e.csv"
    r = _cli(run, "export", "--period", str(PERIOD), "--out", str(out))
    assert r.exit_code == 0, r.output
    rows = {row["pi_ref"]: row for row in csv.DictReader(out.open(encoding="utf-8-sig"))}
    assert rows["CPM/072"]["comment"] == CLEAN


def test_findings_workbook_names_the_file_cleanly(run):
    _, data, _ = run
    [book] = (data / "reports" / str(PERIOD) / "validation").glob("*findings.xlsx")
    assert openpyxl.load_workbook(book)["Findings"]["A1"].value == f"Checks on {NAME_CLEAN}"


def test_audit_report_and_sample_show_clean_text_and_the_council_name_as_text(run, tmp_path):
    r = _cli(run, "audit", "--period", str(PERIOD), "--sample", "40", "--seed", "1", "--out", str(tmp_path))
    assert r.exit_code == 0, r.output
    summary = openpyxl.load_workbook(next(p for p in tmp_path.glob("*.xlsx") if not p.name.startswith("audit_sample")))["Summary"]
    assert summary["A1"].data_type == "s" and summary["A1"].value.startswith(COUNCIL)
    sample = openpyxl.load_workbook(next(tmp_path.glob("audit_sample_*.xlsx"))).active
    assert sample["A1"].data_type == "s" and sample["A1"].value.startswith(COUNCIL)
    row = next(row for row in sample.iter_rows() if row[0].value == "CPM/072")
    assert "A. Jones␛]0;pwned␇" in [c.value for c in row] and "WP/987" in [c.value for c in row]


def test_html_pack_shows_the_comment_clean_and_isolated(run, tmp_path):
    r = _cli(run, "report", "--period", str(PERIOD), "--out", str(tmp_path), "--no-pdf")
    assert r.exit_code == 0, r.output
    page = (tmp_path / f"{PERIOD}_corporate-resources-directorate.html").read_text(encoding="utf-8")
    assert "\x1b" not in page and "\u202e" not in page and "\x07" not in page
    assert CLEAN in _bdi_texts(page)


def _bdi_texts(page: str) -> list[str]:
    """The text of every <bdi> in a page, read by a parser."""

    class Bdi(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.depth, self.found = 0, []

        def handle_starttag(self, tag, attrs):
            if tag == "bdi":
                self.depth += 1
                self.found.append("")

        def handle_endtag(self, tag):
            if tag == "bdi":
                self.depth -= 1

        def handle_data(self, data):
            if self.depth:
                self.found[-1] += data

    parser = Bdi()
    parser.feed(page)
    return parser.found


def test_an_escape_in_a_file_name_cannot_fake_a_line_on_the_terminal(tmp_path, blank, config):
    fake = "x.xlsx\r  OK        fake.xlsx (CR): 0 errors, 0 warnings\n  OK        forged.xlsx (SS): 0 errors, 0 warnings\x1b[1A\x1b[2K"
    path = fill_return(blank("CR"), full(config, "CR", **{"CPM/072": dict(actual="12_x001B_[1A_x001B_[2K")}), tmp_path / fake)
    r = CliRunner().invoke(main, ["--data", str(tmp_path / "data"), "ingest", "--period", str(PERIOD), str(path)])
    assert r.exit_code == 1, r.output  # the actual is not a number
    assert "\x1b" not in r.output and "\r" not in r.output
    assert not [line for line in r.output.splitlines() if line.lstrip().startswith("OK")]


def test_a_one_megabyte_comment_is_a_finding_and_the_pack_stays_normal(tmp_path, blank, config):
    from pmf_pipeline.config.frozen import config_for_period
    from pmf_pipeline.packs.build import period_packs
    from pmf_pipeline.packs.render import render_html, render_pdf

    path = fill_return(blank("CR"), full(config, "CR", **{"CPM/072": dict(comment="Word " * 200_000)}), tmp_path / "cr.xlsx")
    data = tmp_path / "data"
    r = CliRunner().invoke(main, ["--data", str(data), "ingest", "--period", str(PERIOD), str(path)])
    assert r.exit_code == 0, r.output
    assert re.search(r"warning  sheet Return, cell \w+, CPM/072: the Comment of CPM/072 is [0-9,]{6,} characters long; only the first 4,000 are kept", r.output)
    db = sqlite3.connect(data / "master.sqlite")  # and were a megabyte to reach the master dataset some other way,
    db.execute("UPDATE pi_values SET comment = ? WHERE pi_ref = 'CPM/072' AND current = 1", ("Word " * 200_000,))  # the pack is still bounded
    db.commit()
    db.close()
    when = dt.datetime(2026, 10, 15, tzinfo=dt.timezone.utc)
    pack = next(
        p for p in period_packs(config_for_period(CONFIG, data, PERIOD), data, PERIOD, when, when.date()) if p.slug == "corporate-resources-directorate"
    )
    page = render_html(pack)
    assert len(page) < 200_000
    assert render_pdf(page, tmp_path / "cr.pdf") < 15
