"""Commands that publish: report (the packs) and quarter (everything for a quarter in one go)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pmf_pipeline.cli.app import Settings, _count, friendly, main, period_option, print_outcome, print_skipped, progress
from pmf_pipeline.master.paths import manifest_path
from pmf_pipeline.periods import Period
from pmf_pipeline.rules.text import terminal_text

if TYPE_CHECKING:
    pass


@main.command()
@period_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder for the packs.")
@click.option("--no-pdf", is_flag=True, help="HTML only (quicker).")
@click.option(
    "--generated-at", type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]), default=None, help="Fix the time printed as 'prepared', for byte-identical packs."
)
@click.pass_obj
@friendly
def report(settings: Settings, period: Period, out_dir: Path, no_pdf: bool, generated_at: dt.datetime | None) -> None:
    """Render the quarter's packs: corporate overview, one per scrutiny committee, one per directorate."""
    rendered = _report(settings, period, out_dir, not no_pdf, generated_at)
    click.echo(
        f"Wrote {len(rendered)} packs for {period} to {out_dir}/ ({sum(r.pages for r in rendered)} PDF pages). "
        f"Recorded in {manifest_path(settings.data_dir, period)} for the audit."
    )
    from pmf_pipeline.config.frozen import config_for_period

    click.echo(_statements_note(config_for_period(settings.config_dir, settings.data_dir, period).framework.contact))


def _statements_note(contact: str | None) -> str:
    """Where the accessibility statements are (``packs.statement``), and what to do before publishing them."""
    from pmf_pipeline.packs.statement import CONTACT_MARKER, STATEMENTS

    names = " and ".join(s.file_name for s in STATEMENTS)
    todo = "" if contact else f" They say {CONTACT_MARKER} where a reader asks for another format: set contact: in framework.yaml."
    return f"Accessibility statements beside the packs: {names}.{todo}"


def _report(settings: Settings, period: Period, out_dir: Path, pdf: bool, generated_at: dt.datetime | None):  # type: ignore[no-untyped-def]
    from pmf_pipeline.config.frozen import config_for_period
    from pmf_pipeline.quarter import publish_packs

    if generated_at is not None and generated_at.tzinfo is None:
        generated_at = generated_at.replace(tzinfo=dt.timezone.utc)
    config = config_for_period(settings.config_dir, settings.data_dir, period)
    total = len(config.framework.directorates) + len(config.framework.committees) + 1
    with progress(total, "Rendering packs") as bar:
        rendered = publish_packs(settings.config_dir, settings.data_dir, period, out_dir, pdf, generated_at, on_pack=lambda r: bar.update(1))
    for r in rendered:
        click.echo(f"  {r.title}: {r.html.name}" + (f", {r.pdf.name} ({r.pages} pages)" if r.pdf else ""))
    return rendered


@main.command()
@period_option
@click.option("--inbox", type=click.Path(path_type=Path, exists=True, file_okay=False), required=True, help="Folder of returned workbooks.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder for the packs.")
@click.option("--no-pdf", is_flag=True, help="HTML packs only (quicker).")
@click.option(
    "--generated-at", type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]), default=None, help="Fix the time printed as 'prepared', for byte-identical packs."
)
@click.option(
    "--report-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Where to write a findings workbook per return (default DATA/reports/PERIOD/validation).",
)
@click.option("--quiet", is_flag=True, help="One line per file with its counts, without the findings.")
@click.pass_obj
@friendly
def quarter(
    settings: Settings, period: Period, inbox: Path, out_dir: Path, no_pdf: bool, generated_at: dt.datetime | None, report_dir: Path | None, quiet: bool
) -> None:
    """Ingest the inbox, validate, consolidate, rate and render every pack, in one go.

    Each new return's findings are printed (file, sheet, cell, PI) as by ``pmf ingest``, and written
    to a findings workbook to send back to the updater. Exit status 1 when a return is rejected, has
    errors, or is missing past the deadline; a return not yet due is not an error.
    """
    from pmf_pipeline.quarter import run_quarter

    if generated_at is not None and generated_at.tzinfo is None:
        generated_at = generated_at.replace(tzinfo=dt.timezone.utc)
    bars: list[Any] = []

    def rendering(todo: int, kept: int) -> None:
        bars[0].render_finish()
        bars.append(progress(todo, f"Rendering {todo} packs ({kept} unchanged)").__enter__())

    with progress(len(list(inbox.rglob("*"))), "Reading returns") as bar:
        bars.append(bar)
        try:
            summary = run_quarter(
                settings.config_dir,
                settings.data_dir,
                period,
                inbox,
                out_dir,
                pdf=not no_pdf,
                generated_at=generated_at,
                on_file=lambda o: bar.update(1),
                on_pack=lambda r: bars[-1].update(1),
                on_render=rendering,
                report_dir=report_dir,
            )
        finally:
            for b in bars[1:]:
                b.__exit__(None, None, None)
    ing = summary.ingest
    print_skipped(ing.skipped)
    for o in ing.outcomes:
        if o.status != "duplicate":
            print_outcome(o, verbose=not quiet)
    click.echo(f"Returns for {period}:")
    for s in summary.states:
        click.echo(f"  {s.directorate:6} {s.name:32} {terminal_text(s.summary)}")
    n_err = sum(len(o.result.errors) for o in ing.outcomes if o.status != "duplicate")
    n_warn = sum(len(o.result.warnings) for o in ing.outcomes if o.status != "duplicate")
    overdue, not_due = (sum(1 for s in summary.states if s.state == state) for state in ("overdue", "missing"))
    click.echo(
        f"In: {sum(1 for s in summary.states if s.state == 'accepted')} accepted, {overdue} missing past the deadline, {not_due} not yet due, "
        f"{sum(1 for s in summary.states if s.state == 'rejected')} rejected; new findings: {_count(n_err, 'error')}, {_count(n_warn, 'warning')}."
        + (f" Findings workbooks: {summary.report_dir}/" if summary.findings_workbooks else "")
    )
    click.echo("Statuses: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(summary.statuses.items())))
    if not summary.changed:
        click.echo(f"Nothing changed since the last run: no new returns, and the {len(summary.packs)} packs in {out_dir}/ are up to date.")
    else:
        kept = len(summary.packs) - summary.rerendered
        click.echo(
            f"Packs: {summary.rerendered} written to {out_dir}/"
            + (f", {kept} unchanged since the last run and kept" if kept else "")
            + f" ({sum(p['pages'] for p in summary.packs)} PDF pages in all). Manifest: {manifest_path(settings.data_dir, period)}"
        )
        click.echo(_statements_note(ing.config.framework.contact))
    sys.exit(1 if summary.has_problems else 0)
