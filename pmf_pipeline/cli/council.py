"""Commands that set up a council and its quarter: check-config, generate."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pmf_pipeline.cli.app import Settings, friendly, main, period_option, progress
from pmf_pipeline.periods import FinancialYear, Period

if TYPE_CHECKING:
    from pmf_pipeline.config.coverage import TargetCoverage


def _year(value: str | None) -> FinancialYear | None:
    from pmf_pipeline.errors import PmfError

    try:
        return FinancialYear.parse(value) if value else None
    except PmfError as e:
        raise click.BadParameter(str(e)) from None


def _print_coverage(coverage: TargetCoverage) -> None:
    """Warnings only: a PI without a target is reported 'Not rated', which is allowed but rarely meant."""
    click.echo(coverage.summary)
    for gap in coverage.gaps:
        click.echo(f"  warning  {gap.message}")


@main.command("check-config")
@click.option(
    "--year",
    default=None,
    callback=lambda c, p, v: _year(v),
    help="Check targets cover this financial year, e.g. 2027-28 (default: the current year, and the next once it has targets).",
)
@click.pass_obj
@friendly
def check_config(settings: Settings, year: FinancialYear | None) -> None:
    """Check the configuration folder and say what it holds, which rated PIs lack a target, and (for a
    council publishing in Welsh) which texts have no Welsh form yet."""
    from pmf_pipeline.config import welsh
    from pmf_pipeline.config.coverage import target_coverage, years_to_check

    config = settings.config()
    fw = config.framework
    terms = fw.terms
    click.echo(
        f"{settings.config_dir}: {fw.council}: {_count(len(config.pis), 'PI', 'PIs')}, {_count(len(fw.directorates), 'directorate', 'directorates')}, "
        f"{_count(len(fw.objectives), terms.objective.singular, terms.objective.plural)}, {_count(len(fw.committees), terms.committee.singular, terms.committee.plural)}, "
        f"{_count(len(config.targets), 'target', 'targets')}, {_count(len(config.history), 'historical value', 'historical values')}. No problems found."
    )
    for y in [year] if year else years_to_check(config, dt.date.today()):
        _print_coverage(target_coverage(config, y))
    if welsh.publishes_welsh(config):  # a to-do list for the translation service, not an error: exit 0
        for line in welsh.gap_lines(welsh.welsh_gaps(config)):
            click.echo(line)


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


@main.command()
@period_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder for the workbooks.")
@click.option("--by-service", is_flag=True, help="One workbook per service instead of per directorate.")
@click.option("--directorate", "directorates", multiple=True, help="Only this directorate (repeatable).")
@click.option(
    "--generated-at",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]),
    default=None,
    help="Fix the generation time written into the workbooks (for reproducible files).",
)
@click.pass_obj
@friendly
def generate(settings: Settings, period: Period, out_dir: Path, by_service: bool, directorates: tuple[str, ...], generated_at: dt.datetime | None) -> None:
    """Write the pre-populated updater workbooks for a period.

    The earlier figures they show (earlier this year, same quarter last year) are frozen with the
    period in the data folder the first time, and the frozen ones are used after that.
    """
    from pmf_pipeline.config.coverage import target_coverage
    from pmf_pipeline.master.action_results import last_actions_for_workbooks
    from pmf_pipeline.master.earlier import figures_for_workbooks, quarters_without_figures
    from pmf_pipeline.master.paths import earlier_figures
    from pmf_pipeline.workbook.generate import generate as run
    from pmf_pipeline.workbook.generate import specs_for
    from pmf_pipeline.workbook.protection import sheet_password

    config = _generate_config(settings, period)
    unknown = [d for d in directorates if d not in {x.code for x in config.framework.directorates}]
    if unknown:
        raise click.BadParameter(f"unknown directorate {', '.join(unknown)}", param_hint="--directorate")
    frozen = earlier_figures(settings.data_dir, period)
    was_frozen = frozen.exists()
    earlier = figures_for_workbooks(settings.data_dir, config, period)
    total = len(specs_for(config, period, by_service, list(directorates) or None, earlier))
    lock = sheet_password(config, settings.data_dir, period)
    with progress(total, "Writing workbooks") as bar:
        done = run(
            config,
            period,
            out_dir,
            by_service,
            list(directorates) or None,
            generated_at,
            on_progress=lambda g: bar.update(1),
            earlier=earlier,
            password=lock.password,
            last_actions=last_actions_for_workbooks(settings.data_dir, config, period),
        )
    actions = sum(g.actions for g in done)
    asked = f"{sum(g.pis for g in done)} PIs" + (f", {actions} actions" if actions else "")
    click.echo(f"Wrote {len(done)} workbooks ({asked}, {len({g.directorate for g in done})} directorates) for {period} to {out_dir}/")
    click.echo(lock.sentence)
    if was_frozen:
        click.echo(f"Earlier figures: as frozen with {period} in {frozen} (to take them afresh before any return is in, delete that file).")
    else:
        click.echo(f"Earlier figures: frozen with {period} in {frozen}; the returns will be checked against them.")
    for p in quarters_without_figures(earlier):
        click.echo(
            f"  warning  no PI has a figure for {p.short_label} (no return received, none in history.csv), so the workbooks show none. "
            f"If its returns are still to come, ingest them first, then delete {frozen} and generate again."
        )
    _print_coverage(target_coverage(config, period.year))


def _generate_config(settings: Settings, period: Period):  # type: ignore[no-untyped-def]
    """The configuration frozen with the period once it has one, so regenerated workbooks match what
    returns are validated against; else config/ as it stands."""
    from pmf_pipeline.config.frozen import config_differences, config_for_period, is_frozen
    from pmf_pipeline.master.lifecycle import reopen_command
    from pmf_pipeline.master.paths import frozen_config_dir

    if not is_frozen(settings.data_dir, period):
        return settings.config()
    click.echo(f"Using the configuration frozen with {period} ({frozen_config_dir(settings.data_dir, period)}), which its returns are checked against.")
    changed = config_differences(settings.config_dir, settings.data_dir, period)
    if changed:
        click.echo(
            f"{settings.config_dir} differs from it ({', '.join(changed)}): those differences are not used for {period}. "
            f"To use them, reopen the period first: {reopen_command(period)}"
        )
    return config_for_period(settings.config_dir, settings.data_dir, period)
