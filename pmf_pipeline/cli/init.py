"""The command that starts a council: init."""

from __future__ import annotations

from pathlib import Path

import click

from pmf_pipeline.cli.app import friendly, main


def _shown(path: Path) -> str:
    """A path as a person would type it in a shell (quoted when it holds a space)."""
    text = str(path)
    return f'"{text}"' if " " in text else text


@main.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--sample", is_flag=True, help="Write the sample council (the one `make quarter` runs) instead of the short starter.")
@friendly
def init(folder: Path, sample: bool) -> None:
    """Start a council: write FOLDER/config/ with a short, commented framework to make your own.

    The starter has one directorate, one Council Plan priority, one committee and five example PIs, with
    targets for this financial year; it passes check-config and generate as it is. An existing
    FOLDER/config that holds files is never overwritten.
    """
    from pmf_pipeline.config.starter import start_council

    started = start_council(folder, sample=sample)
    what = "the sample council" if sample else "a starter council"
    click.echo(f"Wrote {what} to {started.config_dir}/:")
    for f in started.files:
        click.echo(f"  {f.name}")
    config, period = _shown(started.config_dir), started.period
    if not sample:
        click.echo(
            f"Edit the lines marked CHANGE in {started.config_dir / 'framework.yaml'} and {started.config_dir / 'pis.yaml'} first ({started.config_dir / 'README.txt'} explains the CSV files)."
        )
    click.echo("Then run:")
    click.echo(f"  pmf --config {config} check-config")
    click.echo(f"  pmf --config {config} --data {_shown(folder / 'data')} generate --period {period} --out {_shown(folder / 'outbox')}")
    click.echo(
        f"  pmf --config {config} --data {_shown(folder / 'data')} quarter --period {period} --inbox {_shown(folder / 'inbox')} --out {_shown(folder / 'packs')}"
        "   (once the returns are back in the inbox folder)"
    )
