"""Commands that close and reopen a period: close, reopen."""

from __future__ import annotations

import click

from pmf_pipeline.cli.app import Settings, friendly, main, period_option
from pmf_pipeline.periods import Period


@main.command()
@period_option
@click.option("--reason", default=None, help='Why, for the record (e.g. "packs went to committee").')
@click.option("--by", "by", default=None, help="Who is closing it (default: your login name).")
@click.pass_obj
@friendly
def close(settings: Settings, period: Period, reason: str | None, by: str | None) -> None:
    """Close a quarter once its packs have gone to committee: its returns are then refused."""
    from pmf_pipeline.master.lifecycle import close_period, closed_sentence, reopen_command
    from pmf_pipeline.master.manifest import latest_publication

    event = close_period(settings.data_dir, period, reason, by)
    click.echo(f"{closed_sentence(period, event)} Returns for it are refused until it is reopened: {reopen_command(period)}")
    if latest_publication(settings.data_dir, period) is None:
        click.echo(f"Note: no packs are recorded as published for {period}; run 'pmf report' if they should be.")


@main.command()
@period_option
@click.option("--reason", required=True, help='Why it is reopened, for the record (e.g. "late return from Social Services").')
@click.option("--by", "by", default=None, help="Who is reopening it (default: your login name).")
@click.pass_obj
@friendly
def reopen(settings: Settings, period: Period, reason: str, by: str | None) -> None:
    """Reopen a quarter to take a late return or correct a target; what it was is kept for the audit."""
    from pmf_pipeline.master.lifecycle import long_date, reopen_period
    from pmf_pipeline.master.paths import resolve

    event = reopen_period(settings.data_dir, period, reason, by)
    click.echo(f"Reopened {period} on {long_date(event.at)} by {event.by} ({event.reason}). Returns for it are taken again.")
    if event.config_path:
        click.echo(
            f"The configuration frozen with it is kept for the audit in {resolve(settings.data_dir, event.config_path)}; the next accepted return "
            f"freezes {settings.config_dir} as it then stands (and 'pmf generate' uses it until then). Returns, figures and published packs are kept."
        )
