"""A configuration folder for a new council, written by ``pmf init``.

Two councils ship inside the package (package data, found through ``importlib.resources``, so an
installed wheel has them wherever it runs):

- ``councils/starter/``: a short, commented framework in neutral English-council words (one
  directorate with one service, one Council Plan priority, one committee, two PI types and five example
  PIs of different kinds, three example actions), with targets and actions for the current financial
  year and an empty history. It passes
  ``pmf check-config`` and ``pmf generate`` as written, so a performance officer can change it a line
  at a time and check as they go.
- ``councils/sample/``: a copy of the repository's ``config/``, the sample council the README's
  ``make quarter`` runs (a test keeps the two byte for byte the same).

Nothing is ever overwritten: a ``config`` folder that already holds files is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pmf_pipeline.config.models import ALL_CONFIG_FILES
from pmf_pipeline.errors import UsageError
from pmf_pipeline.periods import FIRST_MONTH, FinancialYear, Period

NOTE = "README.txt"  # the starter's note on what each file holds (CSV files cannot carry comments)
YEAR_MARK = "{year}"  # in the starter's targets.csv and actions.yaml: replaced by the current financial year
DATED = ("targets.csv", "actions.yaml")  # the starter's files written for the current financial year


def year_marks(year: FinancialYear) -> dict[str, str]:
    """The marks of the starter's dated files and what each becomes: the year, its first day, the end of
    its second quarter and its last day (as a spreadsheet user writes a date)."""
    return {
        YEAR_MARK: str(year),
        "{year_start}": f"01/04/{year.start}",
        "{year_mid}": f"30/09/{year.start}",
        "{year_end}": f"31/03/{year.start + 1}",
    }


@dataclass(frozen=True)
class Started:
    """What ``start_council`` wrote: the configuration folder, its files, and the quarter to generate first."""

    config_dir: Path
    files: tuple[Path, ...]
    period: Period


def current_period(today: dt.date) -> Period:
    """The quarter ``today`` falls in (the financial year starts in April)."""
    months = (today.month - FIRST_MONTH) % 12
    start = today.year if today.month >= FIRST_MONTH else today.year - 1
    return Period(FinancialYear(start), months // 3 + 1)


def start_council(folder: str | Path, sample: bool = False, today: dt.date | None = None) -> Started:
    """Write ``folder/config/``: the starter council, or with ``sample`` the sample council.

    The starter's targets are for the financial year of ``today`` (default: the real today). Raise
    UsageError, writing nothing, if ``folder/config`` already exists and is not an empty folder.
    """
    config_dir = Path(folder) / "config"
    if config_dir.exists() and not (config_dir.is_dir() and not any(config_dir.iterdir())):
        raise UsageError(
            f"{config_dir} already exists and holds files; pmf init never overwrites a configuration. "
            f"Choose a new folder (pmf init NEWFOLDER), or move {config_dir} aside first."
        )
    period = current_period(today or dt.date.today())
    source = resources.files("pmf_pipeline.config") / "councils" / ("sample" if sample else "starter")
    present = tuple(n for n in ALL_CONFIG_FILES if (source / n).is_file())  # actions.yaml and its history are optional
    names = present if sample else (*present, NOTE)
    try:
        config_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name in names:
            data = (source / name).read_bytes()
            if not sample and name in DATED:
                for mark, text in year_marks(period.year).items():
                    data = data.replace(mark.encode(), text.encode())
            (config_dir / name).write_bytes(data)
            written.append(config_dir / name)
    except OSError as e:
        raise UsageError(f"{config_dir}: could not write the configuration ({e.strerror or e}); check the folder can be written to") from None
    return Started(config_dir, tuple(written), period)
