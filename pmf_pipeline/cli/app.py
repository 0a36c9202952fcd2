"""The ``pmf`` command group and what every command shares: settings, friendly errors, progress, --period.

Exit status: 0 done; 1 the data has errors (a rejected file, an error finding, an audit
discrepancy); 2 a usage or configuration error. A traceback only with ``--debug``.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pmf_pipeline import __version__
from pmf_pipeline.errors import PmfError
from pmf_pipeline.periods import Period
from pmf_pipeline.rules.text import terminal_text

if TYPE_CHECKING:
    pass


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
            click.echo(f"pmf: {terminal_text(e)}", err=True)
            sys.exit(e.exit_code)
        except OSError as e:
            if settings and settings.debug:
                raise
            from pmf_pipeline.rules.writing import is_disk_full

            if not is_disk_full(e):
                _unexpected(e)
            where = Path(e.filename).parent if e.filename else "the data folder"
            click.echo(f"pmf: no space left on the disk holding {where}; free some space and run the command again.", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("pmf: interrupted; nothing half-written was kept. Run the command again to finish.", err=True)
            sys.exit(130)
        except Exception as e:  # noqa: BLE001 - the last line of defence for a person at a terminal
            if settings and settings.debug:
                raise
            _unexpected(e)

    return wrapper


def _unexpected(e: BaseException) -> None:
    click.echo(
        f"pmf: stopped by an unexpected problem ({type(e).__name__}: {terminal_text(e)}). Nothing was half-written. "
        "Run again with --debug for the details and report it.",
        err=True,
    )
    sys.exit(1)


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


def print_result(result, verbose: bool = True) -> None:  # type: ignore[no-untyped-def]
    """One line per file, then (verbose) each finding with its sheet, cell and PI."""
    name = terminal_text(Path(result.file).name)  # typed by someone else: never a control code on our terminal
    if result.outcome == "rejected":
        click.echo(f"  REJECTED  {name}: {terminal_text(result.findings[0].message) if result.findings else ''}")
        return
    who = terminal_text(result.directorate or "?")
    click.echo(
        f"  {'OK' if not result.errors else 'ERRORS':8}  {name} ({who}): {_count(len(result.errors), 'error')}, {_count(len(result.warnings), 'warning')}"
    )
    if verbose:
        for f in result.findings:
            where = ", ".join(x for x in (f.sheet and f"sheet {f.sheet}", f.cell and f"cell {f.cell}", f.pi_ref) if x)
            click.echo(f"      {f.severity:7}  {terminal_text(where)}: {terminal_text(f.message)}")


def print_skipped(skipped: list[tuple[str, str]]) -> None:
    """One line for each thing in an inbox that was passed over, and why."""
    for name, why in skipped:
        click.echo(f"  SKIPPED   {terminal_text(name)}: {why}.")


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def print_outcome(outcome, verbose: bool = True) -> None:  # type: ignore[no-untyped-def]
    """What became of one received file (``returns.ingest.FileOutcome``): the same lines for ``pmf ingest``
    and ``pmf quarter``: already received, or its result and findings (``print_result``), then (verbose)
    whether it replaced an earlier return or is kept on record and not used."""
    if outcome.status == "duplicate":
        click.echo(f"  SAME      {terminal_text(Path(outcome.result.file).name)}: {terminal_text(outcome.result.findings[0].message)}")
        return
    print_result(outcome.result, verbose)
    if verbose and outcome.notice:
        click.echo(f"      {'current' if outcome.current else 'not used'}: {terminal_text(outcome.notice)}")
