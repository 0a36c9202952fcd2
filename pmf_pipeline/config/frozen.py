"""The configuration in force for a period is kept with the period.

When the first return of a period is accepted, the files of ``config/`` (as they were read for
that run) are copied to ``DATA/periods/PERIOD/config/``; from then on that period is validated,
rated, generated and audited with its own copy, so a later change to a definition or a target does
not change how a past quarter is judged. A run whose files are all rejected freezes nothing.

To correct a target mid-quarter, reopen the period (``pmf reopen``, ``master.lifecycle``): its
copy is set aside under ``periods/PERIOD/history/N/config/`` for the audit, and the next accepted
return freezes ``config/`` as it then stands.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from pmf_pipeline.config.loading import load_config
from pmf_pipeline.config.models import FROZEN_FILES, Config
from pmf_pipeline.master.paths import frozen_config_dir
from pmf_pipeline.periods import Period


def is_frozen(data_dir: str | Path, period: Period) -> bool:
    """Whether the period has its own copy of the configuration."""
    return (frozen_config_dir(data_dir, period) / "pis.yaml").exists()


def config_for_period(config_dir: str | Path, data_dir: str | Path, period: Period) -> Config:
    """The period's own configuration if it has one, else the current one."""
    if is_frozen(data_dir, period):
        return load_config(frozen_config_dir(data_dir, period))
    return load_config(config_dir)


def read_config_files(config_dir: str | Path) -> dict[str, bytes]:
    """The bytes of the configuration files, read once, so what is frozen is exactly what was used."""
    return {name: (Path(config_dir) / name).read_bytes() for name in FROZEN_FILES if (Path(config_dir) / name).exists()}


def config_hashes(folder: str | Path) -> dict[str, str]:
    """SHA-256 of each configuration file in a folder."""
    return {name: hashlib.sha256((Path(folder) / name).read_bytes()).hexdigest() for name in FROZEN_FILES if (Path(folder) / name).exists()}


def freeze_config(config_dir: str | Path, data_dir: str | Path, period: Period, files: dict[str, bytes] | None = None) -> dict[str, str]:
    """Keep a copy of the configuration with the period (once); return the hashes of the period's copy.

    ``files`` are the configuration files as read when the run started (``read_config_files``);
    without them, ``config_dir`` is read and checked now.
    """
    frozen = frozen_config_dir(data_dir, period)
    if not is_frozen(data_dir, period):
        if files is None:
            load_config(config_dir)  # check before keeping it
            files = read_config_files(config_dir)
        tmp = frozen.with_name("config.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for name, blob in files.items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)  # translations/cy.po
            (tmp / name).write_bytes(blob)
        tmp.replace(frozen)
    return config_hashes(frozen)


def config_differences(config_dir: str | Path, data_dir: str | Path, period: Period) -> list[str]:
    """The configuration files that differ between ``config_dir`` and the copy frozen with the period."""
    if not is_frozen(data_dir, period):
        return []
    now, kept = config_hashes(config_dir), config_hashes(frozen_config_dir(data_dir, period))
    return sorted(name for name in set(now) | set(kept) if now.get(name) != kept.get(name))


def set_aside(data_dir: str | Path, period: Period, kept: Path) -> None:
    """Move the period's frozen configuration to ``kept`` (on reopening); the period is then unfrozen."""
    kept.parent.mkdir(parents=True, exist_ok=True)
    frozen_config_dir(data_dir, period).replace(kept)
