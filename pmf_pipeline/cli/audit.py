"""The audit command: re-run validation on archived returns and check a period reproduces."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pmf_pipeline.cli.app import Settings, _period, friendly, main
from pmf_pipeline.master.paths import audit_report_stem, audit_reports
from pmf_pipeline.periods import Period
from pmf_pipeline.rules.text import terminal_text

if TYPE_CHECKING:
    pass


@main.command()
@click.argument("archive_dir", required=False, type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--period", "period", default=None, callback=lambda c, p, v: _period(v) if v else None, help="Audit this period's run.")
@click.option("--sample", "sample", type=click.IntRange(1), default=None, help="Draw N PIs, by risk, for checking against working papers.")
@click.option("--seed", type=int, default=None, help="The seed of the sample (printed when not given); the same seed draws the same PIs.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None, help="Where to write the audit report (default DATA/reports/PERIOD/audit).")
@click.pass_obj
@friendly
def audit(settings: Settings, archive_dir: Path | None, period: Period | None, sample: int | None, seed: int | None, out_dir: Path | None) -> None:
    """Re-run validation on archived returns and check that a period reproduces (exit 0 only if it does)."""
    import secrets

    from pmf_pipeline.audit.report import write_audit_report
    from pmf_pipeline.audit.reproduce import audit_folder, audit_period
    from pmf_pipeline.config.frozen import config_for_period
    from pmf_pipeline.errors import UsageError

    if (archive_dir is None) == (period is None):
        raise UsageError("give either --period P (audit a period's run) or ARCHIVE_DIR (a folder of archived returns)")
    if sample is not None and period is None:
        raise UsageError("--sample needs --period")
    config = config_for_period(settings.config_dir, settings.data_dir, period) if period else settings.config()
    report = (
        audit_period(settings.config_dir, settings.data_dir, period)
        if period
        else audit_folder(settings.config_dir, settings.data_dir, archive_dir or Path("."))
    )
    folder = out_dir or audit_reports(settings.data_dir, period)
    html, xlsx = write_audit_report(report, config.framework.council, folder, audit_report_stem(period))
    click.echo(
        f"Audit of {report.period}: {report.files_checked} files, {report.figures_reproduced} of {report.figures_checked} figures reproduced, "
        + (f"{report.actions_reproduced} of {report.actions_checked} action updates reproduced, " if report.actions_checked else "")
        + f"{report.statuses_checked} statuses and {report.packs_checked} packs checked."
    )
    for line in report.configurations if len(report.configurations) > 1 else []:
        click.echo(f"  {terminal_text(line)}")
    for note in report.notes:
        click.echo(f"  NOTE  {terminal_text(note)}")
    for d in report.discrepancies:
        click.echo(f"  DISCREPANCY  {d.kind}: {terminal_text(d.what)}: {terminal_text(d.detail)}")
    click.echo(("Everything reproduces." if report.clean else f"{len(report.discrepancies)} discrepancies.") + f" Report: {html} and {xlsx.name}")
    if sample is not None and period is not None:
        from pmf_pipeline.audit.sample import draw_for_period, write_sample_workbook

        seed = seed if seed is not None else secrets.randbelow(10**6)
        picked = draw_for_period(config, settings.data_dir, period, sample, seed)
        path = write_sample_workbook(
            picked, folder / f"audit_sample_{period}_seed{seed}.xlsx", f"{config.framework.council}: audit sample, {period.label}", seed
        )
        click.echo(f"Sample of {len(picked)} PIs drawn by risk with seed {seed} (use --seed {seed} to draw it again): {path}")
        for s in picked:
            click.echo(f"  {s.result.pi.ref:9} {', '.join(s.reasons) or 'random draw (no particular risk)'}")
    sys.exit(0 if report.clean else 1)
