"""make bench must not rot: its synthetic council is a valid configuration that generates returns."""

import sys

from pmf_pipeline.config import load_config
from pmf_pipeline.workbook.generate import generate
from tests.conftest import PERIOD, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from synth import make_config  # noqa: E402


def test_synthetic_council_loads_and_generates(tmp_path):
    config = load_config(make_config(tmp_path / "config", directorates=3, pis_per_directorate=7))
    assert len(config.pis) == 21 and len(config.framework.directorates) == 3
    made = generate(config, PERIOD, tmp_path / "out")
    assert len(made) == 3 and all(g.pis > 0 for g in made)
