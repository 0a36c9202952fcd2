"""`pmf init` end to end: a new council's folder, checked, generated, filled as an updater would, and
run through the quarter, in its own words and with none of the Welsh frameworks'."""

from __future__ import annotations

import datetime as dt

import openpyxl
from click.testing import CliRunner

from pmf_pipeline.cli import main
from pmf_pipeline.config.models import ALL_CONFIG_FILES
from pmf_pipeline.config.starter import current_period
from pmf_pipeline.workbook.fill import Entry, fill_return
from tests.conftest import CONFIG

WELSH = ("wellbeing", "Wellbeing", "scrutiny committee", "PAM", "SSM", "Welsh", "Wales", "Social Services")
SIGNED = dict(updated_by="A. Updater", verified_by="A. Owner")


def _cells(path):
    wb = openpyxl.load_workbook(path)
    return [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def test_init_then_the_whole_quarter_in_the_councils_words(tmp_path):
    runner = CliRunner()
    folder = tmp_path / "mycouncil"
    period = current_period(dt.date.today())
    result = runner.invoke(main, ["init", str(folder)])
    assert result.exit_code == 0, result.output
    config = folder / "config"
    assert result.output.splitlines() == [
        f"Wrote a starter council to {config}/:",
        "  framework.yaml",
        "  pis.yaml",
        "  targets.csv",
        "  history.csv",
        "  actions.yaml",
        "  action_history.csv",
        "  README.txt",
        f"Edit the lines marked CHANGE in {config / 'framework.yaml'} and {config / 'pis.yaml'} first ({config / 'README.txt'} explains the CSV files).",
        "Then run:",
        f"  pmf --config {config} check-config",
        f"  pmf --config {config} --data {folder / 'data'} generate --period {period} --out {folder / 'outbox'}",
        f"  pmf --config {config} --data {folder / 'data'} quarter --period {period} --inbox {folder / 'inbox'} --out {folder / 'packs'}"
        "   (once the returns are back in the inbox folder)",
    ]

    result = runner.invoke(main, ["--config", str(config), "check-config"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"{config}: Anytown Borough Council: 5 PIs, 1 directorate, 1 Council Plan priority, 1 Overview and Scrutiny Committee, "
        "4 targets, 0 historical values. No problems found.\n"
        f"Targets for {period.year}: all 4 rated PIs have a target for every quarter they are due.\n"
    )

    result = runner.invoke(
        main, ["--config", str(config), "--data", str(folder / "data"), "generate", "--period", str(period), "--out", str(folder / "outbox")]
    )
    assert result.exit_code == 0, result.output
    (workbook,) = sorted((folder / "outbox").glob("*.xlsx"))
    cells = _cells(workbook)
    assert not [(w, c) for c in cells for w in WELSH if w in c]
    assert any("the reports to Overview and Scrutiny Committees and Cabinet" in c for c in cells)
    assert cells.count("SDL") == 1 and cells.count("Local") == 4

    (folder / "inbox").mkdir()
    fill_return(
        workbook,
        {
            "PL01": Entry(numerator=540, denominator=1000, comment="Garden waste season.", evidence="WP/PL01", **SIGNED),
            "PL02": Entry(actual=280, comment="Fewer crews off sick.", **SIGNED),
            "PL03": Entry(actual=3.5, comment="Two large clearances took a week each; a second crew starts in the new year.", **SIGNED),
            "PL04": Entry(actual=260000, comment="New contracts with two supermarkets.", **SIGNED),
            "PL05": Entry(actual="Planning permission granted; building starts in the spring.", **SIGNED),
        },
        folder / "inbox" / workbook.name,
    )
    result = runner.invoke(
        main,
        [
            "--config",
            str(config),
            "--data",
            str(folder / "data"),
            "quarter",
            "--period",
            str(period),
            "--inbox",
            str(folder / "inbox"),
            "--out",
            str(folder / "packs"),
            "--no-pdf",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Statuses: met 3, not rated 1, off target 1" in result.output

    pages = {p.name: p.read_text(encoding="utf-8") for p in (folder / "packs").glob(f"{period}_*.html")}
    assert len(pages) == 3, sorted(pages)  # the overview, the committee's and the directorate's
    assert "Anytown Borough Council" in (folder / "packs" / "accessibility-statement.html").read_text(encoding="utf-8")  # and the statement beside them
    for name, html in pages.items():
        assert not [w for w in WELSH if w in html], name
        assert "Council Plan priority" in html and "<strong>SDL</strong>, Single Data List." in html and "<strong>Local</strong>, local measure." in html, name
    overview = next(html for name, html in pages.items() if "overview" in name)
    assert '<caption class="on-screen">Council Plan priorities by directorate</caption>' in overview
    assert '<caption class="on-screen">By Council Plan priority</caption>' in overview and '<th scope="col">Council Plan priority</th>' in overview
    committee = next(html for name, html in pages.items() if "overview-and-scrutiny" in name)
    assert "This pack covers directorate Place" in committee


def test_init_never_overwrites_a_configuration(tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "framework.yaml").write_text("council: Ours\n")
    result = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output == (
        f"pmf: {tmp_path / 'config'} already exists and holds files; pmf init never overwrites a configuration. "
        f"Choose a new folder (pmf init NEWFOLDER), or move {tmp_path / 'config'} aside first.\n"
    )
    assert (tmp_path / "config" / "framework.yaml").read_text() == "council: Ours\n"


def test_init_sample_writes_the_sample_council(tmp_path):
    result = CliRunner().invoke(main, ["init", str(tmp_path / "sample"), "--sample"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote the sample council to {tmp_path / 'sample' / 'config'}/:\n  framework.yaml\n")
    assert "CHANGE" not in result.output
    for name in ALL_CONFIG_FILES:  # the actions library and its history too
        assert (tmp_path / "sample" / "config" / name).read_bytes() == (CONFIG / name).read_bytes()
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "sample" / "config"), "check-config"])
    assert result.exit_code == 0 and "64 PIs, 5 directorates, 4 wellbeing objectives, 5 scrutiny committees" in result.output
