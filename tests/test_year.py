"""A council run through a year with the tool: Q1 to Q4 of 2026-27, then Q1 of 2027-28.

Its history.csv stops at 2025-26 (the years before the tool), so every earlier figure from
2026-27 on must come from the returns the tool itself consolidated: in the workbook's context
columns, in its live 'Comment required' check, in validation's comment rule and in the packs' trend.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from pmf_pipeline.config import load_config
from pmf_pipeline.master import paths
from pmf_pipeline.master.earlier import figures_for_workbooks
from pmf_pipeline.master.results import PIResult, period_results
from pmf_pipeline.master.store import Store
from pmf_pipeline.periods import Period
from pmf_pipeline.returns.ingest import ingest
from pmf_pipeline.rules.status import DECLINED_SIG
from pmf_pipeline.workbook import layout
from pmf_pipeline.workbook.fill import Entry, fill_return
from pmf_pipeline.workbook.generate import generate
from tests.conftest import need_program
from tests.small_council import NAMES, ROWS, Quarter, run_quarter, write_council

# What the Environment directorate reports each quarter: recycling % (ENV/001), days to clear
# fly-tipping (ENV/002) and fly-tipping reports (ENV/003, context only).
FIGURES = {
    "2026-27-Q1": (80.0, 10, 145),
    "2026-27-Q2": (82.5, 11, 150),
    "2026-27-Q3": (84.0, 9, 135),
    "2026-27-Q4": (85.0, 10, 125),
    "2027-28-Q1": (70.0, 10, 140),  # recycling 12.5% worse than 80.0 a year before, and no comment
}


@dataclass
class Year:
    config_dir: Path
    data: Path
    quarters: dict[str, Quarter]


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Year:
    root = tmp_path_factory.mktemp("year")
    config_dir = write_council(root / "config")
    data = root / "data"
    quarters = {text: run_quarter(config_dir, data, root, text, figures) for text, figures in FIGURES.items()}
    return Year(config_dir, data, quarters)


def _cells(workbook: Path, key: str) -> dict[str, object]:
    ws = openpyxl.load_workbook(workbook)[layout.RETURN_SHEET]
    return {ref: ws[layout.cell(key, row)].value for ref, row in ROWS.items()}


def test_earlier_this_year_carries_the_consolidated_figures_of_the_earlier_quarters(year: Year) -> None:
    shown = {text: _cells(q.workbook, "earlier") for text, q in year.quarters.items()}
    assert shown["2026-27-Q1"] == {"ENV/001": "", "ENV/002": "", "ENV/003": ""}
    assert shown["2026-27-Q2"] == {"ENV/001": "Q1: 80.0", "ENV/002": "Q1: 10", "ENV/003": "Q1: 145"}
    assert shown["2026-27-Q3"] == {"ENV/001": "Q1: 80.0; Q2: 82.5", "ENV/002": "Q1: 10; Q2: 11", "ENV/003": "Q1: 145; Q2: 150"}
    assert shown["2026-27-Q4"] == {"ENV/001": "Q1: 80.0; Q2: 82.5; Q3: 84.0", "ENV/002": "Q1: 10; Q2: 11; Q3: 9", "ENV/003": "Q1: 145; Q2: 150; Q3: 135"}
    assert shown["2027-28-Q1"] == {"ENV/001": "", "ENV/002": "", "ENV/003": ""}


def test_same_quarter_last_year_comes_from_history_before_the_tool_and_from_the_returns_after(year: Year) -> None:
    assert _cells(year.quarters["2026-27-Q1"].workbook, "last_year") == {"ENV/001": 78, "ENV/002": 12, "ENV/003": 140}  # history.csv
    assert _cells(year.quarters["2027-28-Q1"].workbook, "last_year") == {"ENV/001": 80, "ENV/002": 10, "ENV/003": 145}  # 2026-27 Q1's return


def test_a_pi_much_worse_than_last_year_without_a_comment_must_have_one(year: Year) -> None:
    result = year.quarters["2027-28-Q1"].result
    found = [(f.code, f.pi_ref, f.cell, f.message) for f in result.findings if f.severity == "error"]
    assert found == [
        (
            "comment_required",
            "ENV/001",
            layout.cell("comment", ROWS["ENV/001"]),
            "ENV/001 is 10% or more worse than last year (70.0 against 80.0): please add a comment saying why, and what is being done.",
        )
    ]
    for text in list(FIGURES)[:-1]:  # no quarter before it needed a comment
        assert not year.quarters[text].result.errors, text


def test_the_live_check_in_the_workbook_uses_last_years_consolidated_figure(year: Year) -> None:
    check = _cells(year.quarters["2027-28-Q1"].workbook, "check")
    assert "1)<=72,FALSE)" in str(check["ENV/001"])  # rounded to 1 place, against 80.0 less 10%: computed by the pipeline, exactly
    assert "0)>=11,FALSE)" in str(check["ENV/002"])  # lower is better: 10 plus 10%
    assert check["ENV/003"] is None  # context only: never checked


def _results(year: Year, text: str) -> dict[str, PIResult]:
    period = Period.parse(text)
    config = load_config(paths.frozen_config_dir(year.data, period))
    store = Store(year.data)
    try:
        return {r.pi.ref: r for r in period_results(config, store, period)}
    finally:
        store.close()


def test_the_packs_trend_agrees_with_validation(year: Year) -> None:
    """Validation asked for a comment because ENV/001 declined by 10% or more; the packs say it declined, and await the comment."""
    awaited = _results(year, "2027-28-Q1")["ENV/001"]
    assert (awaited.trend, awaited.previous_year_actual, awaited.commentary_awaited) == (DECLINED_SIG, Decimal("80"), True)
    run_quarter(year.config_dir, year.data, year.data.parent / "resent", "2027-28-Q1", FIGURES["2027-28-Q1"], {"ENV/001": "Contamination rejected two loads."})
    r = _results(year, "2027-28-Q1")["ENV/001"]
    assert (r.trend, r.previous_year_actual, r.status, r.comment) == (DECLINED_SIG, Decimal("80"), "within_tolerance", "Contamination rejected two loads.")
    assert not r.commentary_awaited
    assert [v for _, v in r.history[-5:]] == [Decimal("80"), Decimal("82.5"), Decimal("84"), Decimal("85"), Decimal("70")]
    assert _results(year, "2026-27-Q2")["ENV/001"].previous_year_actual == Decimal("79")  # before the tool: history.csv


def test_a_correction_to_an_earlier_quarter_does_not_outdate_issued_workbooks(year: Year, tmp_path: Path) -> None:
    """Q2 2027-28's workbooks go out; Q1 is then corrected; the Q2 return still comes in, checked as issued."""
    data = tmp_path / "data"
    config_dir = write_council(tmp_path / "config")
    run_quarter(config_dir, data, tmp_path, "2027-28-Q1", FIGURES["2027-28-Q1"])
    config = load_config(config_dir)
    q2 = Period.parse("2027-28-Q2")
    made = generate(config, q2, tmp_path / "outbox", earlier=figures_for_workbooks(data, config, q2))[0].path
    frozen = paths.earlier_figures(data, q2).read_text(encoding="utf-8")
    # the Q1 return is corrected after the Q2 workbooks went out
    corrected = run_quarter(config_dir, data, tmp_path / "corrected", "2027-28-Q1", (72.5, 10, 140), {"ENV/001": "Corrected tonnage."})
    assert not corrected.result.errors
    assert paths.earlier_figures(data, q2).read_text(encoding="utf-8") == frozen
    filled = fill_return(made, {ref: Entry(actual=v, **NAMES) for ref, v in zip(ROWS, (74.0, 10, 130), strict=True)}, tmp_path / "q2.xlsx")
    [outcome] = ingest(config_dir, data, q2, [filled]).outcomes
    assert outcome.status == "accepted" and [f.code for f in outcome.result.findings] == []
    assert _cells(made, "earlier")["ENV/001"] == "Q1: 70.0"
    again = generate(config, q2, tmp_path / "again", earlier=figures_for_workbooks(data, config, q2))[0].path
    assert _cells(again, "earlier")["ENV/001"] == "Q1: 70.0"  # generating again uses the frozen figures


def test_libreoffice_shows_comment_required_for_the_pi_much_worse_than_last_year(year: Year, tmp_path: Path) -> None:
    soffice = need_program("soffice")
    filled = year.quarters["2027-28-Q1"].filled
    out = tmp_path / "lo"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--calc", "--convert-to", "xlsx", "--outdir", str(out), str(filled)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    ws = openpyxl.load_workbook(out / filled.name, data_only=True)[layout.RETURN_SHEET]
    assert ws[layout.cell("check", ROWS["ENV/001"])].value == "Comment required"
    assert not ws[layout.cell("check", ROWS["ENV/002"])].value  # 10 days, as last year
    assert ws[layout.cell("status", ROWS["ENV/001"])].value.endswith("Within tolerance")
