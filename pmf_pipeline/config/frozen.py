"""The configuration in force for a period is kept with the period.

At the first ingest of a period, the files of ``config/`` are copied to
``DATA/periods/PERIOD/config/``; from then on that period is validated, rated and audited with its
own copy, so a later change to a definition or a target does not change how a past quarter is
judged. To re-open a period under new definitions, delete its copy deliberately.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pmf_pipeline.config.loading import load_config
from pmf_pipeline.config.models import CONFIG_FILES, Config
from pmf_pipeline.master.paths import frozen_config_dir
from pmf_pipeline.periods import Period


def config_for_period(config_dir: str | Path, data_dir: str | Path, period: Period) -> Config:
    """The period's own configuration if it has one, else the current one."""
    frozen = frozen_config_dir(data_dir, period)
    if (frozen / "pis.yaml").exists():
        return load_config(frozen)
    return load_config(config_dir)


def freeze_config(config_dir: str | Path, data_dir: str | Path, period: Period) -> Config:
    """Keep a copy of the configuration with the period (once), and return the period's configuration."""
    frozen = frozen_config_dir(data_dir, period)
    if not (frozen / "pis.yaml").exists():
        config = load_config(config_dir)  # check before keeping it
        tmp = frozen.with_name("config.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for name in CONFIG_FILES:
            shutil.copy2(Path(config_dir) / name, tmp / name)
        tmp.replace(frozen)
        return config
    return load_config(frozen)
