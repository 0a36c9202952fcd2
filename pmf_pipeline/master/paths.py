"""The data folder's layout: the one module that knows where everything under ``DATA/`` lives.

::

    DATA/
      master.sqlite                      the master dataset (``master.store``)
      .pmf.lock                          held by the run using the folder
      .pmf.lock.json                     which run holds it (process id, start time), for the message to a second run
      archive/PERIOD/DIRECTORATE/SHA.ext every return as received, byte for byte, read-only
      periods/PERIOD/config/             the configuration frozen with the period
      periods/PERIOD/history/N/config/   a configuration set aside when the period was reopened
      periods/PERIOD/earlier.csv         the earlier figures its workbooks were generated with
      periods/PERIOD/manifest.json       what the period's runs used and published
      periods/PERIOD/sheet_password.txt  the password protecting the period's workbooks (when not configured)
      reports/PERIOD/validation/         findings workbooks, one per return
      reports/PERIOD/audit/              audit reports and samples

Every other module asks here for a path; none joins folder names of its own. Paths recorded in
the master dataset and the manifest are relative to the data folder (``relative``), so an auditor
gets the same answer from any working folder, and the data folder can be moved or copied whole.
"""

from __future__ import annotations

from pathlib import Path

from pmf_pipeline.periods import Period

DB_NAME = "master.sqlite"
LOCK_NAME = ".pmf.lock"
LOCK_HOLDER_NAME = ".pmf.lock.json"
UNIDENTIFIED = "_unidentified"


def database(data_dir: str | Path) -> Path:
    return Path(data_dir) / DB_NAME


def lock_file(data_dir: str | Path) -> Path:
    return Path(data_dir) / LOCK_NAME


def lock_holder_file(data_dir: str | Path) -> Path:
    """Who holds the lock, kept beside it: on Windows a locked file cannot be read by another process."""
    return Path(data_dir) / LOCK_HOLDER_NAME


def archive_root(data_dir: str | Path) -> Path:
    return Path(data_dir) / "archive"


def archive_folder(data_dir: str | Path, period: Period, directorate: str | None) -> Path:
    """Where the originals of a period's returns from one directorate are kept (unidentified files apart)."""
    return archive_root(data_dir) / str(period) / (directorate or UNIDENTIFIED)


def period_dir(data_dir: str | Path, period: Period) -> Path:
    return Path(data_dir) / "periods" / str(period)


def frozen_config_dir(data_dir: str | Path, period: Period) -> Path:
    return period_dir(data_dir, period) / "config"


def kept_config_dir(data_dir: str | Path, period: Period, n: int) -> Path:
    """Where the configuration frozen with a period is kept when the period is reopened (the n-th time)."""
    return period_dir(data_dir, period) / "history" / str(n) / "config"


def earlier_figures(data_dir: str | Path, period: Period) -> Path:
    """The earlier figures frozen with a period (``master.earlier``): what its workbooks showed and were checked against."""
    return period_dir(data_dir, period) / "earlier.csv"


def manifest_path(data_dir: str | Path, period: Period) -> Path:
    return period_dir(data_dir, period) / "manifest.json"


def sheet_password_file(data_dir: str | Path, period: Period) -> Path:
    """Where the password protecting a period's updater workbooks is kept, when framework.yaml sets none."""
    return period_dir(data_dir, period) / "sheet_password.txt"


def validation_reports(data_dir: str | Path, period: Period) -> Path:
    return Path(data_dir) / "reports" / str(period) / "validation"


def audit_reports(data_dir: str | Path, period: Period | None) -> Path:
    return Path(data_dir) / "reports" / (str(period) if period else "archive") / "audit"


def audit_report_stem(period: Period | None) -> str:
    """The file name (without extension) of an audit report: of a period, or of a folder of archived returns."""
    return f"audit_{period or 'archive'}"


def relative(data_dir: str | Path, path: str | Path) -> str:
    """A path as recorded: relative to the data folder when inside it (with '/'), else absolute."""
    p, root = Path(path).resolve(), Path(data_dir).resolve()
    try:
        return p.relative_to(root).as_posix()
    except ValueError:
        return str(p)


def resolve(data_dir: str | Path, recorded: str) -> Path:
    """A recorded path back to a real one, whatever the working folder."""
    p = Path(recorded)
    return p if p.is_absolute() else Path(data_dir) / p
