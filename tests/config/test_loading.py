import re

import pytest
from click.testing import CliRunner

from pmf_pipeline.cli import main
from pmf_pipeline.config import load_config
from pmf_pipeline.errors import ConfigError


def test_sample_council_is_complete(config):
    fw = config.framework
    assert (len(fw.directorates), len(fw.objectives), len(fw.committees)) == (5, 4, 5)
    assert len(config.pis) >= 60
    kinds = {(p.unit.value, p.polarity.value, p.frequency.value, p.cumulative, p.calculation is not None) for p in config.pis.values()}
    units = {k[0] for k in kinds}
    assert {"percentage", "number", "days", "currency", "narrative"} <= units
    assert any(p.frequency.value == "annual" for p in config.pis.values())
    assert any(p.polarity.value == "none" and not p.narrative for p in config.pis.values())
    assert any(p.cumulative for p in config.pis.values())
    years = {str(p.year) for (_, p) in config.history}
    assert {"2024-25", "2025-26"} <= years


def _edit(config_dir, name, old, new, count=1):
    p = config_dir / name
    text = p.read_text()
    assert old in text, old
    p.write_text(text.replace(old, new, count))


@pytest.mark.parametrize(
    "name, old, new, expected",
    [
        ("pis.yaml", "  title: Percentage of pupil attendance in primary schools\n", "", r"pis.yaml, PI 1 \(PAM/007\), field 'title': this field is required"),
        ("pis.yaml", "directorate: LS", "directorate: EDU", r"PI 1 \(PAM/007\), field 'directorate': unknown directorate 'EDU'"),
        ("pis.yaml", "- ref: PAM/008", "- ref: PAM/007", r"PI 2 \(PAM/007\): reference PAM/007 is defined twice"),
        ("targets.csv", "PAM/007,2024-25", "PAM/999,2024-25", r"targets.csv, line 2, field 'pi_ref': a target for 'PAM/999', which is not in pis.yaml"),
        (
            "pis.yaml",
            "  valid_range:\n  - 0\n  - 100\n",
            "  valid_range:\n  - 0\n  - 1000\n",
            r"PI 1 \(PAM/007\): a percentage's valid_range must lie within -100 to 100, not 0 to 1000",
        ),
        ("pis.yaml", "\n  unit: percentage", "\n  unit: percent", r"field 'unit': Input should be 'percentage'"),
        ("framework.yaml", "tolerance: 0.1", "tolerance: ten", r"framework.yaml, field 'tolerance'"),
        ("framework.yaml", "council: Cwm", "counsil: Cwm", r"framework.yaml, field 'counsil': this field is not recognised"),
    ],
)
def test_bad_configuration_is_named_and_exits_2(config_dir, name, old, new, expected):
    _edit(config_dir, name, old, new)
    with pytest.raises(ConfigError) as e:
        load_config(config_dir)
    assert re.search(expected, str(e.value)), str(e.value)
    result = CliRunner().invoke(main, ["--config", str(config_dir), "check-config"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert re.search(expected, result.output)


def test_broken_yaml_gives_line_number(config_dir):
    (config_dir / "framework.yaml").write_text("council: x\n  bad: [\n")
    with pytest.raises(ConfigError, match=r"framework.yaml: line \d+"):
        load_config(config_dir)


def test_missing_file(config_dir):
    (config_dir / "history.csv").unlink()
    with pytest.raises(ConfigError, match="history.csv: file not found"):
        load_config(config_dir)


def test_target_outside_valid_range(config_dir):
    _edit(config_dir, "targets.csv", "PAM/007,2024-25,", "PAM/007,2024-25,150", 1)
    with pytest.raises(ConfigError, match="outside the PI's valid range"):
        load_config(config_dir)


def test_check_config_ok():
    result = CliRunner().invoke(main, ["check-config"])
    assert result.exit_code == 0, result.output
    assert "No problems found" in result.output
