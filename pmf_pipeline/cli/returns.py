"""Commands for returns coming in: validate, ingest, and the return tracker."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pmf_pipeline.cli.app import Settings, _period, friendly, main, period_option, print_result, progress
from pmf_pipeline.master.paths import validation_reports
from pmf_pipeline.periods import Period

if TYPE_CHECKING:
    from pmf_pipeline.config.models import Config


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--period",
    "period",
    default=None,
    callback=lambda c, p, v: _period(v) if v else None,
    help="Expect returns for this quarter, and check them against the configuration frozen with it once it has returns "
    "(default: any period, against the current configuration).",
)
@click.option("--quiet", is_flag=True, help="One line per file, without the findings.")
@click.pass_obj
@friendly
def validate(settings: Settings, paths: tuple[Path, ...], period: Period | None, quiet: bool) -> None:
    """Check returns without touching the master dataset (for coordinators, and for audit).

    With --period, a period that already has returns is checked against its own frozen copy of the
    configuration, so re-checking a closed quarter's returns after targets have moved on gives the
    answer it gave then.
    """
    from pmf_pipeline.config.frozen import config_for_period
    from pmf_pipeline.master.paths import frozen_config_dir
    from pmf_pipeline.returns.ingest import collect_files, validate_files

    if period is not None and (frozen_config_dir(settings.data_dir, period) / "pis.yaml").exists():
        config = config_for_period(settings.config_dir, settings.data_dir, period)
        click.echo(f"Checking against the configuration frozen with {period} ({frozen_config_dir(settings.data_dir, period)}).")
    else:
        config = settings.config()
    files = collect_files(list(paths))
    checked = bad = 0
    with progress(len(files), "Checking returns") as bar:
        for r in validate_files(config, period, files):
            bar.update(1)
            print_result(r, not quiet)
            checked += 1
            bad += not r.ok
    click.echo(f"Checked {checked} file(s): {checked - bad} without errors, {bad} with errors or rejected.")
    sys.exit(1 if bad else 0)


@main.command()
@period_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--report-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Where to write a findings workbook per return (default DATA/reports/PERIOD/validation).",
)
@click.pass_obj
@friendly
def ingest(settings: Settings, period: Period, paths: tuple[Path, ...], report_dir: Path | None) -> None:
    """Archive, validate and consolidate returned workbooks (files, or folders such as an inbox)."""
    code, config = _ingest(settings, period, list(paths), report_dir)
    _print_tracker(settings, period, config)
    sys.exit(code)


def _ingest(settings: Settings, period: Period, paths: list[Path], report_dir: Path | None) -> tuple[int, Config]:
    from pmf_pipeline.returns.findings_workbook import write_validation_report
    from pmf_pipeline.returns.ingest import collect_files
    from pmf_pipeline.returns.ingest import ingest as run

    files = collect_files(paths)
    with progress(len(files), "Reading returns") as bar:
        summary = run(settings.config_dir, settings.data_dir, period, files, on_file=lambda o: bar.update(1))
    config = summary.config
    folder = report_dir or validation_reports(settings.data_dir, period)
    for o in summary.outcomes:
        if o.status == "duplicate":
            click.echo(f"  SAME      {Path(o.result.file).name}: {o.result.findings[0].message}")
            continue
        print_result(o.result)
        write_validation_report(o.result, config, folder)
    new = len(summary.outcomes) - summary.count("duplicate")
    if not summary.changed:
        click.echo(f"Nothing changed: all {len(summary.outcomes)} file(s) had already been received for {period}.")
    else:
        click.echo(
            f"Ingested {new} new file(s) for {period}: {summary.count('accepted')} accepted, {summary.count('rejected')} rejected, "
            f"{summary.count('duplicate')} already received. Findings workbooks: {folder}/"
        )
    return (1 if summary.has_errors else 0), config


def _print_tracker(settings: Settings, period: Period, config: Config | None = None) -> list:  # type: ignore[type-arg]
    from pmf_pipeline.returns.tracker import tracker

    board = tracker(settings.config_dir, settings.data_dir, period, config)
    click.echo(f"Returns for {period} (deadline {board.deadline:%d %B %Y}):")
    for s in board.states:
        click.echo(f"  {s.directorate:6} {s.name:32} {s.summary}" + (f"  [{Path(s.file).name}]" if s.file else ""))
    for sub in board.unidentified:
        click.echo(f"  {'?':6} {Path(sub.file_name).name:32} rejected: not identifiable as any directorate's return")
    return board.states


@main.command("returns")
@period_option
@click.pass_obj
@friendly
def returns_cmd(settings: Settings, period: Period) -> None:
    """The return tracker: which returns are in, late, rejected, or accepted with errors."""
    states = _print_tracker(settings, period)
    sys.exit(1 if any(s.state != "accepted" or s.errors for s in states) else 0)


@main.command()
@period_option
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default=None, help="Default: from the file's extension.")
@click.option("--out", "out", type=click.Path(path_type=Path), required=True, help="The file to write.")
@click.pass_obj
@friendly
def export(settings: Settings, period: Period, fmt: str | None, out: Path) -> None:
    """Export the master dataset for a period, one row per PI, with status and trend."""

    from pmf_pipeline.master.export import export_period

    written = export_period(settings.config_dir, settings.data_dir, period, out, fmt or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv"))
    click.echo(f"Wrote {written} PIs for {period} to {out}")
