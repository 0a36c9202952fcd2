"""check-config and generate: what a performance officer sees."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pmf_pipeline.cli import main
from pmf_pipeline.master import paths
from pmf_pipeline.periods import Period
from tests.small_council import write_council


def test_check_config_lists_rated_pis_without_a_target_as_warnings(tmp_path: Path) -> None:
    config_dir = write_council(tmp_path / "config")
    result = CliRunner().invoke(main, ["--config", str(config_dir), "check-config", "--year", "2027-28"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        "Targets for 2027-28: 1 of 2 rated PIs lacks a target for some quarter it is due (add it to targets.csv):",
        "  warning  ENV/002 has targets for Q1–Q2 of 2027-28 only; Q3, Q4 would be 'Not rated'.",
    ]
    default = CliRunner().invoke(main, ["--config", str(config_dir), "check-config"])
    assert default.exit_code == 0 and "No problems found." in default.output and "Targets for " in default.output, default.output


def test_check_config_year_must_be_a_financial_year(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--config", str(write_council(tmp_path / "config")), "check-config", "--year", "2027"])
    assert result.exit_code == 2 and "write it like 2026-27" in result.output


def test_generate_freezes_the_earlier_figures_and_warns_of_missing_targets(tmp_path: Path) -> None:
    config_dir, data, out = write_council(tmp_path / "config"), tmp_path / "data", tmp_path / "out"
    frozen = paths.earlier_figures(data, Period.parse("2027-28-Q1"))
    args = ["--config", str(config_dir), "--data", str(data), "generate", "--period", "2027-28-Q1", "--out", str(out)]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == [
        f"Wrote 1 workbooks (3 PIs, 1 directorates) for 2027-28-Q1 to {out}/",
        f"Sheets are protected with the password kept in {paths.sheet_password_file(data, Period.parse('2027-28-Q1'))} (made now for this quarter): "
        "use it to unlock a return when helping an updater.",
        f"Earlier figures: frozen with 2027-28-Q1 in {frozen}; the returns will be checked against them.",
        *(
            f"  warning  no PI has a figure for {q} (no return received, none in history.csv), so the workbooks show none. "
            f"If its returns are still to come, ingest them first, then delete {frozen} and generate again."
            for q in ("Q1 2026-27", "Q4 2026-27")  # this council's history stops at 2025-26
        ),
        "Targets for 2027-28: 1 of 2 rated PIs lacks a target for some quarter it is due (add it to targets.csv):",
        "  warning  ENV/002 has targets for Q1–Q2 of 2027-28 only; Q3, Q4 would be 'Not rated'.",
    ]
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, again.output
    assert "no PI has a figure for Q4 2026-27" in again.output  # still true of the frozen figures
    assert again.output.splitlines()[2] == (
        f"Earlier figures: as frozen with 2027-28-Q1 in {frozen} (to take them afresh before any return is in, delete that file)."
    )
