"""The councils ``pmf init`` writes: the starter passes the checks at once, speaks no Welsh framework's
words, has targets for this financial year; the packaged sample is the repository's config/."""

from __future__ import annotations

import datetime as dt

import pytest

from pmf_pipeline.config import load_config
from pmf_pipeline.config.models import ALL_CONFIG_FILES
from pmf_pipeline.config.starter import current_period, start_council
from pmf_pipeline.errors import UsageError
from pmf_pipeline.periods import Period
from pmf_pipeline.workbook.generate import generate
from tests.conftest import CONFIG

WELSH = ("wellbeing", "Wellbeing", "scrutiny committee", "PAM", "SSM", "Welsh", "Wales", "Social Services")


@pytest.mark.parametrize(
    "today, period",
    [
        (dt.date(2026, 4, 1), "2026-27-Q1"),
        (dt.date(2026, 9, 30), "2026-27-Q2"),
        (dt.date(2026, 12, 31), "2026-27-Q3"),
        (dt.date(2027, 1, 1), "2026-27-Q4"),
        (dt.date(2027, 3, 31), "2026-27-Q4"),
    ],
)
def test_the_current_quarter_starts_the_year_in_april(today, period):
    assert str(current_period(today)) == period


def test_the_starter_passes_the_checks_with_targets_for_this_year(tmp_path):
    started = start_council(tmp_path / "mine", today=dt.date(2027, 2, 14))
    assert started.config_dir == tmp_path / "mine" / "config" and str(started.period) == "2026-27-Q4"
    assert [f.name for f in started.files] == [*ALL_CONFIG_FILES, "README.txt"]
    config = load_config(started.config_dir)
    fw = config.framework
    assert (len(fw.directorates), len(fw.directorates[0].services), len(fw.objectives), len(fw.committees)) == (1, 1, 1, 1)
    assert (fw.terms.objective.plural, fw.terms.aim.singular, fw.terms.committee.plural) == (
        "Council Plan priorities",
        "outcome",
        "Overview and Scrutiny Committees",
    )
    assert [t.code for t in fw.pi_types] == ["single_data_list", "local"]
    kinds = {(pi.unit.value, pi.polarity.value, pi.calculation is not None) for pi in config.pis.values()}
    assert kinds == {
        ("percentage", "higher", True),
        ("number", "lower", False),
        ("days", "lower", False),
        ("currency", "higher", False),
        ("narrative", "none", False),
    }
    assert {str(year) for _, year in config.targets} == {"2026-27"}
    assert config.history == {}
    for f in started.files:
        text = f.read_text(encoding="utf-8")
        assert not [w for w in WELSH if w in text], f.name
    # and it generates at once
    done = generate(config, started.period, tmp_path / "outbox")
    assert [(g.directorate, g.pis) for g in done] == [("PLACE", 5)]


def test_the_starters_year_turns_in_april(tmp_path):
    start_council(tmp_path / "a", today=dt.date(2027, 3, 31))
    start_council(tmp_path / "b", today=dt.date(2027, 4, 1))
    assert {str(y) for _, y in load_config(tmp_path / "a" / "config").targets} == {"2026-27"}
    assert {str(y) for _, y in load_config(tmp_path / "b" / "config").targets} == {"2027-28"}


def test_the_packaged_sample_is_the_repositorys_config_byte_for_byte(tmp_path):
    """If this fails, config/ changed: copy it into the package with `cp config/* pmf_pipeline/config/councils/sample/`."""
    started = start_council(tmp_path, sample=True)
    assert [f.name for f in started.files] == list(ALL_CONFIG_FILES)  # with the actions library and its history
    for name in ALL_CONFIG_FILES:
        assert (started.config_dir / name).read_bytes() == (CONFIG / name).read_bytes(), name


def test_an_empty_config_folder_is_used_and_a_full_one_refused(tmp_path):
    (tmp_path / "config").mkdir()
    start_council(tmp_path, today=dt.date(2026, 11, 23))
    before = (tmp_path / "config" / "pis.yaml").read_bytes()
    with pytest.raises(UsageError) as e:
        start_council(tmp_path, sample=True)
    assert str(e.value) == (
        f"{tmp_path / 'config'} already exists and holds files; pmf init never overwrites a configuration. "
        f"Choose a new folder (pmf init NEWFOLDER), or move {tmp_path / 'config'} aside first."
    )
    assert (tmp_path / "config" / "pis.yaml").read_bytes() == before


def test_a_file_called_config_is_refused(tmp_path):
    (tmp_path / "config").write_text("not a folder")
    with pytest.raises(UsageError, match="already exists"):
        start_council(tmp_path)
    assert (tmp_path / "config").read_text() == "not a folder"


def test_the_starters_period_is_a_period(tmp_path):
    assert isinstance(start_council(tmp_path, today=dt.date(2026, 7, 1)).period, Period)
