"""The ``pmf`` command: options in, one library call, a summary out, and the exit status.

Exit status: 0 done; 1 the data has errors (a rejected file, an error finding, an audit
discrepancy); 2 a usage or configuration error. A traceback only with ``--debug``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pmf_pipeline import __version__
from pmf_pipeline.errors import PmfError
from pmf_pipeline.master.paths import audit_report_stem, audit_reports, manifest_path, validation_reports
from pmf_pipeline.periods import Period

if TYPE_CHECKING:
    from pmf_pipeline.config.models import Config


class Settings:
    def __init__(self, config_dir: Path, data_dir: Path, debug: bool):
        self.config_dir = config_dir
        self.data_dir = data_dir
        self.debug = debug

    def config(self):  # type: ignore[no-untyped-def]
        from pmf_pipeline.config.loading import load_config

        return load_config(self.config_dir)


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into one line and an exit status; a traceback only with --debug."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        settings = click.get_current_context().find_object(Settings)
        try:
            return fn(*args, **kwargs)
        except PmfError as e:
            if settings and settings.debug:
                raise
            click.echo(f"pmf: {e}", err=True)
            sys.exit(e.exit_code)
        except KeyboardInterrupt:
            click.echo("pmf: interrupted; nothing half-written was kept. Run the command again to finish.", err=True)
            sys.exit(130)
        except Exception as e:  # noqa: BLE001 - the last line of defence for a person at a terminal
            if settings and settings.debug:
                raise
            click.echo(
                f"pmf: stopped by an unexpected problem ({type(e).__name__}: {e}). Nothing was half-written. "
                "Run again with --debug for the details and report it.",
                err=True,
            )
            sys.exit(1)

    return wrapper


def progress(length: int, label: str):  # type: ignore[no-untyped-def]
    """A progress bar on a terminal; silent when output goes to a file or CI log."""
    return click.progressbar(length=length, label=label, file=sys.stderr if sys.stderr.isatty() else open(os.devnull, "w"))


def period_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--period", "period", required=True, callback=lambda c, p, v: _period(v), help="The quarter, e.g. 2026-27-Q2 (financial year, then Q1 to Q4)."
    )(fn)


def _period(value: str) -> Period:
    try:
        return Period.parse(value)
    except PmfError as e:
        raise click.BadParameter(str(e)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pmf")
@click.option(
    "--config",
    "config_dir",
    type=click.Path(path_type=Path),
    default=lambda: os.environ.get("PMF_CONFIG", "config"),
    show_default="config/ or $PMF_CONFIG",
    help="The configuration folder.",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    default=lambda: os.environ.get("PMF_DATA", "data"),
    show_default="data/ or $PMF_DATA",
    help="The data folder: master dataset, archive, reports.",
)
@click.option("--debug", is_flag=True, help="Show the full traceback of an unexpected problem.")
@click.pass_context
def main(ctx: click.Context, config_dir: Path, data_dir: Path, debug: bool) -> None:
    """pmf: a council's quarterly performance cycle, from updater workbooks to scrutiny packs."""
    ctx.obj = Settings(config_dir, data_dir, debug)


@main.command("check-config")
@click.pass_obj
@friendly
def check_config(settings: Settings) -> None:
    """Check the configuration folder and say what it holds."""
    config = settings.config()
    fw = config.framework
    click.echo(
        f"{settings.config_dir}: {fw.council}: {len(config.pis)} PIs, {len(fw.directorates)} directorates, "
        f"{len(fw.objectives)} wellbeing objectives, {len(fw.committees)} scrutiny committees, "
        f"{len(config.targets)} targets, {len(config.history)} historical values. No problems found."
    )


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
    """Write the pre-populated updater workbooks for a period."""
    from pmf_pipeline.workbook.generate import generate as run
    from pmf_pipeline.workbook.generate import specs_for

    config = settings.config()
    unknown = [d for d in directorates if d not in {x.code for x in config.framework.directorates}]
    if unknown:
        raise click.BadParameter(f"unknown directorate {', '.join(unknown)}", param_hint="--directorate")
    total = len(specs_for(config, period, by_service, list(directorates) or None))
    with progress(total, "Writing workbooks") as bar:
        done = run(config, period, out_dir, by_service, list(directorates) or None, generated_at, on_progress=lambda g: bar.update(1))
    click.echo(f"Wrote {len(done)} workbooks ({sum(g.pis for g in done)} PIs, {len({g.directorate for g in done})} directorates) for {period} to {out_dir}/")


# ---------------------------------------------------------------- returns in


def _print_result(result, verbose: bool = True) -> None:  # type: ignore[no-untyped-def]
    name = Path(result.file).name
    if result.outcome == "rejected":
        click.echo(f"  REJECTED  {name}: {result.findings[0].message if result.findings else ''}")
        return
    who = result.directorate or "?"
    click.echo(f"  {'OK' if not result.errors else 'ERRORS':8}  {name} ({who}): {len(result.errors)} errors, {len(result.warnings)} warnings")
    if verbose:
        for f in result.findings:
            where = ", ".join(x for x in (f.sheet and f"sheet {f.sheet}", f.cell and f"cell {f.cell}", f.pi_ref) if x)
            click.echo(f"      {f.severity:7}  {where}: {f.message}")


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
            _print_result(r, not quiet)
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
        _print_result(o.result)
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
    from pmf_pipeline.config.frozen import config_for_period
    from pmf_pipeline.master.store import Store
    from pmf_pipeline.returns.tracker import return_states, unidentified

    config = config or config_for_period(settings.config_dir, settings.data_dir, period)
    store = Store(settings.data_dir)
    try:
        states = return_states(config, store, period)
        stray = unidentified(store, period)
    finally:
        store.close()
    click.echo(f"Returns for {period} (deadline {config.framework.deadline(period):%d %B %Y}):")
    for s in states:
        click.echo(f"  {s.directorate:6} {s.name:32} {s.summary}" + (f"  [{Path(s.file).name}]" if s.file else ""))
    for sub in stray:
        click.echo(f"  {'?':6} {Path(sub.file_name).name:32} rejected: not identifiable as any directorate's return")
    return states


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
    from pmf_pipeline.config.frozen import config_for_period
    from pmf_pipeline.master.export import export_csv, export_xlsx
    from pmf_pipeline.master.results import period_results
    from pmf_pipeline.master.store import Store

    fmt = fmt or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
    config = config_for_period(settings.config_dir, settings.data_dir, period)
    store = Store(settings.data_dir)
    try:
        results = period_results(config, store, period)
    finally:
        store.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        export_csv(results, out)
    else:
        export_xlsx(results, out, f"{config.framework.council}: performance indicators, {period.label}")
    click.echo(f"Wrote {len(results)} PIs for {period} to {out}")


# ---------------------------------------------------------------- packs


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
    click.echo(f"Wrote {len(rendered)} packs for {period} to {out_dir}/ ({sum(r.pages for r in rendered)} PDF pages)")


def _report(settings: Settings, period: Period, out_dir: Path, pdf: bool, generated_at: dt.datetime | None):  # type: ignore[no-untyped-def]
    from pmf_pipeline.config.frozen import config_for_period
    from pmf_pipeline.packs.build import period_packs
    from pmf_pipeline.packs.render import render_packs

    config = config_for_period(settings.config_dir, settings.data_dir, period)
    if generated_at is not None and generated_at.tzinfo is None:
        generated_at = generated_at.replace(tzinfo=dt.timezone.utc)
    packs = period_packs(config, settings.data_dir, period, generated_at, generated_at.date() if generated_at else None)
    with progress(len(packs), "Rendering packs") as bar:
        rendered = render_packs(packs, out_dir, pdf=pdf, on_progress=lambda r: bar.update(1))
    for r in rendered:
        click.echo(f"  {r.title}: {r.html.name}" + (f", {r.pdf.name} ({r.pages} pages)" if r.pdf else ""))
    return rendered


# ---------------------------------------------------------------- the whole quarter, and audit


@main.command()
@period_option
@click.option("--inbox", type=click.Path(path_type=Path, exists=True, file_okay=False), required=True, help="Folder of returned workbooks.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder for the packs.")
@click.option("--no-pdf", is_flag=True, help="HTML packs only (quicker).")
@click.option(
    "--generated-at", type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]), default=None, help="Fix the time printed as 'prepared', for byte-identical packs."
)
@click.pass_obj
@friendly
def quarter(settings: Settings, period: Period, inbox: Path, out_dir: Path, no_pdf: bool, generated_at: dt.datetime | None) -> None:
    """Ingest the inbox, validate, consolidate, rate and render every pack, in one go."""
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
            )
        finally:
            for b in bars[1:]:
                b.__exit__(None, None, None)
    ing = summary.ingest
    for o in ing.outcomes:
        if o.status != "duplicate":
            _print_result(o.result, verbose=False)
    click.echo(f"Returns for {period}:")
    for s in summary.states:
        click.echo(f"  {s.directorate:6} {s.name:32} {s.summary}")
    n_err = sum(len(o.result.errors) for o in ing.outcomes if o.status != "duplicate")
    n_warn = sum(len(o.result.warnings) for o in ing.outcomes if o.status != "duplicate")
    missing = sum(1 for s in summary.states if s.state in ("missing", "overdue"))
    click.echo(
        f"In: {sum(1 for s in summary.states if s.state == 'accepted')} accepted, {missing} missing, "
        f"{sum(1 for s in summary.states if s.state == 'rejected')} rejected; new findings: {n_err} errors, {n_warn} warnings."
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
    has_errors = any(s.state != "accepted" or s.errors for s in summary.states)
    sys.exit(1 if has_errors else 0)


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
        f"{report.statuses_checked} statuses and {report.packs_checked} packs checked."
    )
    for d in report.discrepancies:
        click.echo(f"  DISCREPANCY  {d.kind}: {d.what}: {d.detail}")
    click.echo(("Everything reproduces." if report.clean else f"{len(report.discrepancies)} discrepancies.") + f" Report: {html} and {xlsx.name}")
    if sample is not None and period is not None:
        from pmf_pipeline.audit.sample import draw, write_sample_workbook
        from pmf_pipeline.master.results import period_results
        from pmf_pipeline.master.store import Store

        seed = seed if seed is not None else secrets.randbelow(10**6)
        store = Store(settings.data_dir)
        try:
            picked = draw(period_results(config, store, period), store, sample, seed)
        finally:
            store.close()
        path = write_sample_workbook(
            picked, folder / f"audit_sample_{period}_seed{seed}.xlsx", f"{config.framework.council}: audit sample, {period.label}", seed
        )
        click.echo(f"Sample of {len(picked)} PIs drawn by risk with seed {seed} (use --seed {seed} to draw it again): {path}")
        for s in picked:
            click.echo(f"  {s.result.pi.ref:9} {', '.join(s.reasons) or 'random draw (no particular risk)'}")
    sys.exit(0 if report.clean else 1)
