"""The warning thresholds, at and just past their edges: a large swing, a percentage typed as a
fraction, a year-to-date figure that fell. SSM/026 was 225 last quarter and 254 a year ago."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pmf_pipeline.config import load_config
from pmf_pipeline.returns.validate import validate_bytes
from pmf_pipeline.workbook.fill import fill_return
from tests.conftest import PERIOD
from tests.returns.test_validate import check, full


def codes_for(result, ref):
    return [(f.code, f.severity) for f in result.findings if f.pi_ref == ref and f.code in ("suspicious_swing", "percent_as_fraction", "cumulative_fell")]


@pytest.mark.parametrize(
    "actual, swing",
    [
        (281.25, False),  # exactly 25% above last quarter (225): not a swing
        (281.26, True),  # just over 25%
        (168.76, False),  # 24.996% below last quarter, and 33.6% below last year: compared with last quarter first, so...
    ],
)
def test_swing_is_more_than_25_percent_not_25_exactly(blank, config, tmp_path, actual, swing):
    r = check(blank, config, "SS", tmp_path, **{"SSM/026": dict(actual=actual)})
    got = codes_for(r, "SSM/026")
    if actual == 168.76:
        # ...last year is still compared when last quarter is no swing: 168.76 against 254 is one
        assert got == [("suspicious_swing", "warning")]
        assert "moved from 254 (the same quarter last year) to 169, a change of 34%" in next(f.message for f in r.findings if f.code == "suspicious_swing")
    else:
        assert got == ([("suspicious_swing", "warning")] if swing else [])


def test_the_swing_threshold_comes_from_the_framework(blank, config_dir, tmp_path):
    text = (config_dir / "framework.yaml").read_text().replace("swing_warning: 0.25", "swing_warning: 0.30")
    (config_dir / "framework.yaml").write_text(text)
    cfg = load_config(config_dir)
    assert cfg.framework.swing_warning == Decimal("0.30")
    path = fill_return(blank("SS"), full(cfg, "SS", **{"SSM/026": dict(actual=281.26)}), tmp_path / "r.xlsx")
    assert codes_for(validate_bytes(path.read_bytes(), path.name, cfg, PERIOD), "SSM/026") == []
    path = fill_return(blank("SS"), full(cfg, "SS", **{"SSM/026": dict(actual=292.51)}), tmp_path / "r2.xlsx")  # 30.004% over
    assert codes_for(validate_bytes(path.read_bytes(), path.name, cfg, PERIOD), "SSM/026") == [("suspicious_swing", "warning")]


@pytest.mark.parametrize(
    "ref, actual, message",
    [
        ("CPM/079", 0.6, "CPM/079 is 0.6: if you meant 60%, type 60."),
        ("CPM/079", 0.855, "CPM/079 is 0.855: if you meant 85.5%, type 85.5."),
        ("CPM/079", 0.01, "CPM/079 is 0.01: if you meant 1%, type 1."),
        ("CPM/079", 1, None),  # 1% is a plausible percentage: only values strictly between 0 and 1
        ("CPM/079", 0, None),
        ("CPM/079", 1.5, None),
        ("CPM/040", 0.5, None),  # its target is 2.50%: below 5, a figure under 1 is plausible
    ],
)
def test_percent_as_fraction(blank, config, tmp_path, ref, actual, message):
    d = "CR" if ref == "CPM/079" else "ENV"
    r = check(blank, config, d, tmp_path, **{ref: dict(actual=actual)})
    hits = [f.message for f in r.findings if f.code == "percent_as_fraction"]
    assert hits == ([message] if message else [])
    if message:
        assert next(f.severity for f in r.findings if f.code == "percent_as_fraction") == "warning"


@pytest.mark.parametrize("actual, fell", [(234394, True), (234395, False), (234396, False)])  # last quarter's year-to-date: 234395
def test_cumulative_fell_only_when_lower_than_last_quarter(blank, config, tmp_path, actual, fell):
    r = check(blank, config, "CR", tmp_path, **{"CPM/074": dict(actual=actual, comment="Refunds")})
    assert (("cumulative_fell", "warning") in codes_for(r, "CPM/074")) is fell


def test_a_cumulative_pi_is_not_compared_with_last_quarter_for_a_swing(blank, config, tmp_path):
    """Year-to-date figures grow through the year: only the same quarter last year is a fair comparison."""
    r = check(blank, config, "CR", tmp_path, **{"CPM/074": dict(actual=534129 * 1.25, comment="Refunds")})  # 2.8x last quarter, +25% on last year
    assert codes_for(r, "CPM/074") == []
