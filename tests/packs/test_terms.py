"""Packs in the council's own words: its terms for objectives, aims and committees, the PI types its PIs
use, and a heat map of objectives by directorate where the objectives have no aims."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml

from pmf_pipeline.config import load_config
from pmf_pipeline.master.results import period_results
from pmf_pipeline.master.store import Store
from pmf_pipeline.packs.content import build_packs
from pmf_pipeline.packs.render import environment, render_html
from tests.conftest import PERIOD, english

WHEN = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.timezone.utc)


def _packs(config, tmp_path):
    """The period's packs with no returns in yet: every PI in, as no data."""
    store = Store(tmp_path / "data")
    try:
        results = period_results(config, store, PERIOD)
    finally:
        store.close()
    return results, english(build_packs(config, PERIOD, results, [], {}, WHEN))


@pytest.fixture(scope="module")
def sample(config, tmp_path_factory):
    return _packs(config, tmp_path_factory.mktemp("sample"))


def _without_aims(config_dir):
    fw_path, pis_path = config_dir / "framework.yaml", config_dir / "pis.yaml"
    fw = yaml.safe_load(fw_path.read_text(encoding="utf-8"))
    for o in fw["objectives"]:
        o.pop("aims", None)
    fw_path.write_text(yaml.safe_dump(fw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    for path in (pis_path, config_dir / "actions.yaml"):  # PIs and actions name aims too
        path.write_text(re.sub(r"(?m)^  aim: .*\n", "", path.read_text(encoding="utf-8")), encoding="utf-8")


def _key(html):
    """The PI types 'How to read this report' explains."""
    section = html[html.index('<section id="key">') :]
    return re.findall(r"<li><strong>([^<]+)</strong>, ", section[: section.index("</section>")])


def test_with_aims_the_heat_map_shows_aims_by_directorate_as_before(config, sample):
    results, packs = sample
    heat = packs[0].heatmap
    assert (heat.caption, heat.row_heading) == ("Wellbeing objective aims by directorate", "Aim")
    assert heat.note == "Each cell counts the PIs of a wellbeing objective's aim (row) in a directorate (column), by status."
    aims = [f"{a.code} {a.title}" for o in config.framework.objectives for a in o.aims if any(r.pi.aim == a.code for r in results)]
    assert [name for name, _ in heat.rows] == aims and len(aims) > 4
    html = render_html(packs[0], environment(strict=True))
    assert (
        '<caption class="on-screen">Wellbeing objective aims by directorate</caption>' in html
        and '<caption class="on-screen">By wellbeing objective</caption>' in html
    )
    assert '<th scope="col">Wellbeing objective</th>' in html and '<th scope="col">Aim</th>' in html


def test_without_aims_the_heat_map_shows_objectives_by_directorate(config_dir, tmp_path):
    _without_aims(config_dir)
    config = load_config(config_dir)
    assert not any(o.aims for o in config.framework.objectives)
    results, packs = _packs(config, tmp_path)
    heat = packs[0].heatmap
    assert (heat.caption, heat.row_heading) == ("Wellbeing objectives by directorate", "Wellbeing objective")
    assert heat.note == "Each cell counts the PIs of a wellbeing objective (row) in a directorate (column), by status."
    assert [name for name, _ in heat.rows] == [f"{o.code} {o.title}" for o in config.framework.objectives]
    for (_, cells), o in zip(heat.rows, config.framework.objectives, strict=True):
        for cell, d in zip(cells, config.framework.directorates, strict=True):
            assert sum(n for _, n in cell.counts) == sum(1 for r in results if r.pi.objective == o.code and r.pi.directorate == d.code)
    assert sum(n for _, cells in heat.rows for cell in cells for _, n in cell.counts) == sum(1 for r in results if r.pi.objective)
    html = render_html(packs[0], environment(strict=True))
    assert '<caption class="on-screen">Wellbeing objectives by directorate</caption>' in html and '<th scope="col">Wellbeing objective</th>' in html


def test_packs_use_the_councils_terms(config_dir, tmp_path):
    fw = config_dir / "framework.yaml"
    fw.write_text(
        fw.read_text(encoding="utf-8") + "terms:\n  objective: {singular: corporate priority, plural: corporate priorities}\n"
        "  aim: outcome\n  committee: overview and scrutiny panel\n",
        encoding="utf-8",
    )
    _, packs = _packs(load_config(config_dir), tmp_path)
    overview = render_html(packs[0], environment(strict=True))
    assert '<caption class="on-screen">Corporate priority outcomes by directorate</caption>' in overview and '<th scope="col">Outcome</th>' in overview
    assert '<caption class="on-screen">By corporate priority</caption>' in overview and '<th scope="col">Corporate priority</th>' in overview
    assert packs[0].heatmap.note == "Each cell counts the PIs of a corporate priority's outcome (row) in a directorate (column), by status."
    environment_pack = next(p for p in packs if p.title.startswith("Environment and Regeneration"))
    assert environment_pack.remit == (
        "This pack covers directorate Place, corporate priority WO4 (To respect, enhance and enjoy our environment), "
        "and the PIs the PI library assigns to this committee."
    )
    for p in packs:
        html = render_html(p, environment(strict=True))
        assert not re.search(r"(?i)wellbeing objective|scrutiny committee\b", html.replace(p.title, "")), p.title


@pytest.mark.parametrize("directorate", ["LS", "SS", "CR"])
def test_how_to_read_explains_only_the_types_the_packs_pis_use(config, sample, directorate):
    results, packs = sample
    name = config.framework.directorate(directorate).name
    pack = next(p for p in packs if p.title == f"{name} directorate")
    used = {r.pi.type for r in results if r.pi.directorate == directorate}
    expected = [t.short for t in config.framework.pi_types if t.code in used]
    assert [t.short for t in pack.pi_types] == expected
    assert _key(render_html(pack, environment(strict=True))) == expected
    assert _key(render_html(packs[0], environment(strict=True))) == [t.short for t in config.framework.pi_types if any(r.pi.type == t.code for r in results)]


def test_some_pack_explains_fewer_types_than_the_council_has(config, sample):
    _, packs = sample
    assert any(0 < len(p.pi_types) < len(config.framework.pi_types) for p in packs)
