"""Commands for returns coming in: validate, ingest, and the return tracker."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pmf_pipeline.cli.app import Settings, _period, friendly, main, period_option, print_outcome, print_result, print_skipped, progress
from pmf_pipeline.master.paths import validation_reports
from pmf_pipeline.periods import Period
from pmf_pipeline.rules.text import terminal_text

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
    print_skipped(files.skipped)
    checked = bad = 0
    with progress(len(files), "Checking returns") as bar:
        for r in validate_files(config, period, files, settings.data_dir):
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
    from pmf_pipeline.returns.findings_workbook import complete_findings_workbooks, write_findings_workbooks
    from pmf_pipeline.returns.ingest import collect_files
    from pmf_pipeline.returns.ingest import ingest as run

    files = collect_files(paths, exclude=((settings.data_dir, "data folder"),))
    print_skipped(files.skipped)
    with progress(len(files), "Reading returns") as bar:
        summary = run(settings.config_dir, settings.data_dir, period, files, on_file=lambda o: bar.update(1))
    config = summary.config
    folder = report_dir or validation_reports(settings.data_dir, period)
    for o in summary.outcomes:
        print_outcome(o)
    write_findings_workbooks(summary.outcomes, config, folder)
    complete_findings_workbooks(config, settings.data_dir, str(period), folder)  # those a stopped run did not write
    new = len(summary.outcomes) - summary.count("duplicate")
    if not summary.changed:
        click.echo(f"Nothing changed: all {len(summary.outcomes)} file(s) had already been received for {period}.")
    else:
        click.echo(
            f"Ingested {new} new file(s) for {period}: {summary.count('accepted')} accepted, {summary.count('rejected')} rejected, "
            f"{summary.count('duplicate')} already received. Findings workbooks: {folder}/"
        )
    return (1 if summary.has_errors else 0), config


def _print_tracker(settings: Settings, period: Period, config: Config | None = None) -> bool:
    """Print the return tracker and the chase list; True if a return is overdue, rejected or has errors."""
    from pmf_pipeline.returns.tracker import tracker

    board = tracker(settings.config_dir, settings.data_dir, period, config)
    click.echo(f"Returns for {period} (deadline {board.deadline.day} {board.deadline:%B %Y}):")
    for s in board.states:
        where = f"  [#{s.submission_id} {Path(s.file).name}]" if s.file else ""
        click.echo(f"  {s.label:7} {s.name:32} {terminal_text(s.summary + where)}")
    for sub in board.unidentified:
        click.echo(f"  {'?':7} {terminal_text(Path(sub.file_name).name):32} rejected: not identifiable as any directorate's return  [#{sub.id}]")
    if board.chase:
        click.echo("To chase (past the deadline, not received): " + "; ".join(f"{s.label} {s.name}" for s in board.chase))
    return board.has_problems


@main.command("returns")
@period_option
@click.option("--history", is_flag=True, help="List every submission of the period: received, saved, outcome, current or replaced, and every --use.")
@click.option("--use", "use", metavar="SUBMISSION", default=None, help="Make this submission current again: its number (#), file name or SHA-256 start.")
@click.option("--reason", default=None, help="Why (with --use); recorded in the master dataset.")
@click.option("--by", "by", default=None, help="Who made the choice (with --use; default: your login name).")
@click.pass_obj
@friendly
def returns_cmd(settings: Settings, period: Period, history: bool, use: str | None, reason: str | None, by: str | None) -> None:
    """The return tracker: which returns are in, late, rejected, accepted with errors, or not yet due.

    With --history, every submission and which one is current; with --use, make an earlier
    submission current again (say why with --reason; it is recorded with who and when).
    """
    from pmf_pipeline.errors import UsageError

    if use is not None:
        from pmf_pipeline.returns.current import described, use_submission

        if reason is None:
            raise UsageError('say why with --reason, e.g. --reason "the resubmission was sent by mistake"')
        done = use_submission(settings.data_dir, period, use, reason, by)
        name = f"#{done.used.id} ({terminal_text(Path(done.used.file_name).name)})"
        if not done.changed:
            click.echo(f"Submission {name} is already current; nothing changed.")
        else:
            click.echo(f"Submission {name} is now current" + (f", in place of {described(done.replaced)} (#{done.replaced.id})." if done.replaced else "."))
    elif reason is not None or by is not None:
        raise UsageError("--reason and --by go with --use SUBMISSION")
    if history:
        _print_history(settings, period)
        return
    problems = _print_tracker(settings, period)
    sys.exit(1 if problems and use is None else 0)  # with --use, the status says the choice was recorded


def _print_history(settings: Settings, period: Period) -> None:
    from pmf_pipeline.returns.current import history, parse_time

    def when(stamp: str | None) -> str:
        t = parse_time(stamp)
        return f"{t:%d %b %Y %H:%M}" if t else "unknown"

    past = history(settings.data_dir, period)
    click.echo(f"Submissions for {period}:")
    if not past.returns and not past.unidentified:
        click.echo("  none yet")
    for who, subs in [*past.returns.items(), *([("?", past.unidentified)] if past.unidentified else [])]:
        click.echo(f"  {who}")
        for s in subs:
            counts = f"{s.errors} error{'s' * (s.errors != 1)}, {s.warnings} warning{'s' * (s.warnings != 1)}"
            outcome = f"accepted, {counts}" if s.outcome == "accepted" else "rejected"
            click.echo(
                f"    #{s.id:<4} {terminal_text(Path(s.file_name).name)}: received {when(s.received_at)}, saved {when(s.saved_at)}; {outcome}; {past.standing(s)}"
            )
            if s.notice:
                click.echo(f"          {terminal_text(s.notice)}")
    for e in past.events:
        in_place = f" in place of #{e.replaced_id}" if e.replaced_id else ""
        click.echo(f"  Made current by hand: #{e.submission_id}{in_place}, by {terminal_text(e.made_by)} on {when(e.made_at)}: {terminal_text(e.reason)}")


@main.command()
@period_option
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default=None, help="Default: from the file's extension.")
@click.option("--out", "out", type=click.Path(path_type=Path), required=True, help="The file to write.")
@click.option(
    "--open-data",
    is_flag=True,
    help="For publishing: leave out who updated and verified each figure, evidence references and source files (what the packs do not show).",
)
@click.option("--actions", "actions", is_flag=True, help="Export the actions and commitments instead: one row per action, with its update and rating.")
@click.pass_obj
@friendly
def export(settings: Settings, period: Period, fmt: str | None, out: Path, open_data: bool, actions: bool) -> None:
    """Export the master dataset for a period, one row per PI, with status and trend in the packs' words."""

    from pmf_pipeline.master.export import export_period
    from pmf_pipeline.master.export_actions import export_period_actions

    fmt = fmt or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
    written = (export_period_actions if actions else export_period)(settings.config_dir, settings.data_dir, period, out, fmt, open_data)
    what = "actions" if actions else "PIs"
    left_out = " (open data: no names or source files)" if actions else " (open data: no names, evidence or source files)"
    click.echo(f"Wrote {written} {what} for {period} to {out}" + (left_out if open_data else ""))
