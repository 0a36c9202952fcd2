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


def english(packs):
    """The English packs of a list: the sample council publishes in Welsh and English (``languages: [cy, en]``,
    Welsh first); most tests read its English packs, tests/i18n/test_welsh_packs.py its Welsh ones."""
    return [p for p in packs if p.lang == "en"]


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


# Folders that tools write in the repository by design (all in .gitignore): not the tests' doing.
_TOOL_FOLDERS = {".git", ".venv", "node_modules", ".pytest_cache", ".hypothesis", "__pycache__", ".mypy_cache", ".ruff_cache"}


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``folder`` (tool folders left out), with its modification time and size."""
    seen: dict[str, tuple[int, int]] = {}
    for here, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in _TOOL_FOLDERS and not d.endswith(".egg-info")]
        for name in dirs:
            seen[os.path.relpath(os.path.join(here, name), folder) + os.sep] = (0, 0)
        for name in files:
            path = os.path.join(here, name)
            try:
                st = os.stat(path)
            except OSError:  # gone while we looked
                continue
            seen[os.path.relpath(path, folder)] = (st.st_mtime_ns, st.st_size)
    return seen


def _changes(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> list[str]:
    return sorted(
        [f"new {p}" for p in after.keys() - before.keys()]
        + [f"removed {p}" for p in before.keys() - after.keys()]
        + [f"changed {p}" for p in before.keys() & after.keys() if before[p] != after[p]]
    )


@pytest.fixture(scope="session", autouse=True)
def _no_writes_outside_temporary_folders(tmp_path_factory):
    """Tests write only in their temporary folders: not in the repository, not in the user's home.

    For the session HOME, USERPROFILE and XDG_CACHE_HOME point at a temporary folder, so nothing a
    test runs can leave state in the real home that a later run (or a real quarter) would read; and
    at the end nothing of pmf's may be in that folder (a cache there would be a hidden input). The
    repository must be as it was: a test that wrote ``data/`` or ``build/`` in it fails the session
    here, naming what it wrote. (The real ``~/.cache/pmf-pipeline`` is not watched: on a shared
    machine other checkouts' tests, of code from before its cache was removed, write there.)
    """
    before = _listing(ROOT)
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        for var in ("HOME", "USERPROFILE"):  # USERPROFILE: the home folder on Windows
            mp.setenv(var, str(home))
        mp.setenv("XDG_CACHE_HOME", str(home / ".cache"))
        yield
    problems = [f"the repository: {change}" for change in _changes(before, _listing(ROOT))]
    problems += [f"the home folder: new {p}" for p in sorted(home.rglob("*")) if "pmf" in p.name.lower()]
    if problems:
        pytest.fail(
            "tests wrote outside their temporary folders (use tmp_path):\n  "
            + "\n  ".join(problems[:30])
            + (f"\n  (and {len(problems) - 30} more)" if len(problems) > 30 else "")
            + "\n(a file you edited yourself while the tests ran shows here too: then run them again)",
            pytrace=False,
        )
