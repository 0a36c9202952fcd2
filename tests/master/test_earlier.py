"""Earlier figures: one rule for where they come from, and frozen with the period."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pmf_pipeline.config import load_config
from pmf_pipeline.errors import DatasetError
from pmf_pipeline.master import paths
from pmf_pipeline.master.earlier import compared_periods, earlier_for, figures_for_workbooks, quarters_without_figures
from pmf_pipeline.periods import Period
from pmf_pipeline.returns.ingest import ingest, validate_files
from pmf_pipeline.workbook.generate import generate
from tests.small_council import HISTORY, run_quarter, write_council

Q1, Q2, Q3 = (Period.parse(f"2026-27-Q{q}") for q in (1, 2, 3))


def test_the_quarters_a_period_is_compared_with() -> None:
    assert [str(p) for p in compared_periods(Q3)] == ["2025-26-Q3", "2026-27-Q1", "2026-27-Q2"]
    assert [str(p) for p in compared_periods(Period.parse("2027-28-Q1"))] == ["2026-27-Q1", "2026-27-Q4"]


def test_a_quarter_with_returns_gives_its_sound_figures_and_history_only_the_quarters_before(tmp_path: Path) -> None:
    # history.csv also holds a figure for 2026-27 Q1, the tool's first quarter: the returns win
    config_dir = write_council(tmp_path / "config", HISTORY + "ENV/001,2026-27-Q1,55.0,,\nENV/002,2026-27-Q1,30,,\n")
    data = tmp_path / "data"
    q = run_quarter(config_dir, data, tmp_path, "2026-27-Q1", (80.0, "about 10", 145))  # ENV/002 fails a check
    assert [f.code for f in q.result.errors] == ["not_a_number"]
    earlier = earlier_for(load_config(config_dir), Q2, data)
    assert earlier("ENV/001", Q1) == Decimal("80")
    assert earlier("ENV/002", Q1) is None  # had an error: no figure, and not history's 30 either
    assert earlier("ENV/001", Period.parse("2025-26-Q2")) == Decimal("79.0")  # before the tool: history.csv
    assert not paths.earlier_figures(data, Q2).exists()  # earlier_for writes nothing
    assert quarters_without_figures(earlier) == []
    assert quarters_without_figures(earlier_for(load_config(config_dir), Period.parse("2027-28-Q1"), data)) == [Period.parse("2026-27-Q4")]


def test_frozen_when_the_workbooks_are_generated_and_a_pi_added_later_is_added(tmp_path: Path) -> None:
    config_dir = write_council(tmp_path / "config")
    data = tmp_path / "data"
    figures_for_workbooks(data, load_config(config_dir), Q2)
    frozen = paths.earlier_figures(data, Q2)
    assert frozen.read_text(encoding="utf-8") == (
        "pi_ref,period,actual,source\n"
        "ENV/001,2025-26-Q2,79.0,history\nENV/002,2025-26-Q2,11,history\nENV/003,2025-26-Q2,150,history\n"
        "ENV/001,2026-27-Q1,,history\nENV/002,2026-27-Q1,,history\nENV/003,2026-27-Q1,,history\n"
    )
    assert not paths.database(data).exists()  # no master dataset is made for it
    pis = config_dir / "pis.yaml"
    pis.write_text(pis.read_text() + "- {ref: ENV/004, title: Bins missed, definition: Per 100000 collections., type: local, directorate: ENV,"
                   " owner: Head of Waste, unit: number, polarity: lower}\n")  # fmt: skip
    (config_dir / "history.csv").write_text(HISTORY.replace("ENV/001,2025-26-Q2,79.0", "ENV/001,2025-26-Q2,99.0") + "ENV/004,2025-26-Q2,40,,\n")
    again = figures_for_workbooks(data, load_config(config_dir), Q2)
    assert again("ENV/001", Period.parse("2025-26-Q2")) == Decimal("79.0")  # frozen rows never change
    assert frozen.read_text(encoding="utf-8").endswith("ENV/003,2026-27-Q1,,history\nENV/004,2025-26-Q2,40,history\nENV/004,2026-27-Q1,,history\n")


def test_a_damaged_frozen_file_is_named_with_what_to_do(tmp_path: Path) -> None:
    config = load_config(write_council(tmp_path / "config"))
    data = tmp_path / "data"
    figures_for_workbooks(data, config, Q2)
    frozen = paths.earlier_figures(data, Q2)
    frozen.write_text(frozen.read_text().replace("79.0", "seventy-nine"))
    with pytest.raises(DatasetError) as e:
        earlier_for(config, Q2, data)
    assert str(e.value) == (
        f"{frozen} line 2: actual 'seventy-nine' is not a number. This file records the earlier figures the period's workbooks were "
        "generated with: restore it from a backup (or, if no return for the period is in yet, delete it and generate the workbooks again)."
    )


def test_validate_checks_a_return_against_the_figures_it_was_generated_with(tmp_path: Path) -> None:
    """A Q2 workbook shows Q1's consolidated figures; 'pmf validate' with the data folder accepts it."""
    config_dir = write_council(tmp_path / "config")
    data = tmp_path / "data"
    run_quarter(config_dir, data, tmp_path, "2026-27-Q1", (80.0, 10, 145))
    config = load_config(config_dir)
    made = generate(config, Q2, tmp_path / "q2", earlier=figures_for_workbooks(data, config, Q2))[0].path
    for period in (Q2, None):
        [checked] = validate_files(config, period, [made], data)
        assert checked.outcome == "accepted" and "outdated_template" not in {f.code for f in checked.findings}, period
    [without] = validate_files(config, Q2, [made])  # without the data folder: history only, which this workbook did not show
    assert [f.code for f in without.findings] == ["outdated_template"]


def test_a_data_folder_that_cannot_be_written_is_a_message(tmp_path: Path) -> None:
    config = load_config(write_council(tmp_path / "config"))
    data = tmp_path / "data"
    paths.period_dir(data, Q2).mkdir(parents=True)
    paths.earlier_figures(data, Q2).with_name("earlier.csv.tmp").mkdir()  # in the way of the file being written
    with pytest.raises(
        DatasetError, match=r"the earlier figures of 2026-27-Q2 could not be written to .*earlier.csv \(.+\)\. Check the data folder is writable"
    ):
        figures_for_workbooks(data, config, Q2)


def test_a_run_whose_files_are_all_rejected_freezes_nothing(tmp_path: Path) -> None:
    """A return ingested under the wrong --period is rejected, and leaves that period's earlier figures unfrozen."""
    config_dir = write_council(tmp_path / "config")
    data = tmp_path / "data"
    q1 = run_quarter(config_dir, data, tmp_path, "2026-27-Q1", (80.0, 10, 145))
    assert paths.earlier_figures(data, Q1).exists()  # frozen with its first accepted return
    [outcome] = ingest(config_dir, data, Q3, [q1.filled]).outcomes
    assert outcome.status == "rejected" and not paths.earlier_figures(data, Q3).exists()
