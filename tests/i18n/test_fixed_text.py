"""The fixed-text finder phase 2 will use on Welsh packs, shown on today's English overview pack."""

from __future__ import annotations

import datetime as dt

import pytest

from pmf_pipeline.packs.build import period_packs
from pmf_pipeline.packs.render import render_html
from pmf_pipeline.returns.ingest import ingest
from tests.conftest import CONFIG, PERIOD, ROOT, english
from tests.i18n.fixed_text import GAP, config_texts, fixed_texts, text_nodes, typed_texts

WHEN = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def overview(config, tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    ingest(CONFIG, data, PERIOD, sorted((ROOT / "sample_workbooks").glob("*.xlsx")))
    pack = english(period_packs(config, data, PERIOD, WHEN, WHEN.date()))[0]
    assert pack.kind == "overview"
    return pack


def test_finds_the_fixed_text_of_the_overview(config, overview):
    html = render_html(overview)
    found = fixed_texts(html, config_texts(config) | typed_texts(overview))
    # Headings, labels and sentences of the templates and of packs/content.py (about 80 today)...
    for text in ("Overall status", "How to read this report", "Off target", "Commentary awaited from the service.", "Of … PIs:", "By …"):
        assert text in found, text
    assert len(found) > 50
    # ...and nothing of the configuration's or the updaters': the council, PI titles, commentary.
    typed = typed_texts(overview)
    assert typed, "the sample returns carry commentary"
    for text in found:
        assert config.framework.council not in text and not any(t in text for t in typed if len(t) > 20), text
    assert not any(pi.title in text for pi in config.pis.values() for text in found)
    assert all(any(c.isalpha() for c in t.replace(GAP, "")) for t in found)  # no bare numbers or dates


def test_figures_dates_and_symbols_are_not_text():
    html = '<p>51.2% on 31 Mawrth 2027</p><p title="Heb ei raddio">✔ Met</p><p>£1,250 · 2026-27-Q2</p><style>p { color: red }</style>'
    assert text_nodes(html) == ["51.2% on 31 Mawrth 2027", "Heb ei raddio", "✔ Met", "£1,250 · 2026-27-Q2"]
    assert fixed_texts(html, ["Heb ei raddio"]) == ["… on …", "Met"]


def test_data_is_cut_as_whole_words():
    assert fixed_texts("<p>Each aim: claim the aim</p>", ["aim"]) == ["Each …: claim the …"]
