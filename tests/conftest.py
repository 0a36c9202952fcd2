"""Shared fixtures: the sample configuration, generated returns in tmp_path, and helpers to fill them."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from pmf_pipeline.config import load_config
from pmf_pipeline.periods import Period
from pmf_pipeline.workbook.generate import generate

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config"
PERIOD = Period.parse("2026-27-Q2")
SHARED = ROOT.parent / "shared"


def need_program(name: str) -> str | None:
    """A real program for a test; skipped without it locally, but never skipped in CI."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is required in CI (the .ci/run script installs it)")
        pytest.skip(f"{name} not installed")
    return path


@pytest.fixture(scope="session")
def config():
    return load_config(CONFIG)


@pytest.fixture
def config_dir(tmp_path):
    """A writable copy of the sample configuration."""
    d = tmp_path / "config"
    shutil.copytree(CONFIG, d)
    return d


@pytest.fixture(scope="session")
def blank_returns(config, tmp_path_factory):
    out = tmp_path_factory.mktemp("outbox")
    generated = generate(config, PERIOD, out, generated_at=dt.datetime(2026, 9, 30, 9, 0))
    return {g.directorate: g.path for g in generated}


@pytest.fixture
def blank(blank_returns, tmp_path):
    """A fresh copy of a directorate's blank return: blank('SS')."""

    def make(directorate: str) -> Path:
        p = tmp_path / blank_returns[directorate].name
        shutil.copy(blank_returns[directorate], p)
        return p

    return make
