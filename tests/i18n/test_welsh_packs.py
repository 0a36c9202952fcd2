"""Welsh and English packs (issue 16): each pack in each of the council's languages, the Welsh with no
English fixed text and the English with no Welsh, each with its own ``lang``, the overviews linking to
each other, and the updaters' commentary as typed in both."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from pmf_pipeline.config import load_config
from pmf_pipeline.config.frozen import config_differences, config_for_period, freeze_config
from pmf_pipeline.errors import ConfigError
from pmf_pipeline.i18n.catalogue import package_catalogue
from pmf_pipeline.packs.build import period_packs
from pmf_pipeline.packs.content import build_packs
from pmf_pipeline.packs.render import pack_key, render_html
from pmf_pipeline.returns.ingest import ingest
from tests.conftest import CONFIG, PERIOD, ROOT
from tests.i18n.fixed_text import config_texts, fixed_texts, typed_texts

WHEN = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.timezone.utc)


def _pattern(message: str) -> re.Pattern[str]:
    """A catalogue message as fixed_texts shows it: each placeholder may have been cut to '…' or be fixed text."""
    parts = re.split(r"%\([a-z_]+\)s", message.replace("%%", "%"))
    return re.compile("(?:.*)".join(re.escape(p.strip()) for p in parts).strip())


@pytest.fixture(scope="module")
def catalogue():
    with package_catalogue("cy").open("rb") as f:
        return [m for m in read_po(f, locale="cy") if m.id]


@pytest.fixture(scope="module")
def packs(config, tmp_path_factory):
    assert config.framework.languages == ("cy", "en")  # the sample council publishes in Welsh first
    data = tmp_path_factory.mktemp("data")
    ingest(CONFIG, data, PERIOD, sorted((ROOT / "sample_workbooks").glob("*.xlsx")))
    return period_packs(config, data, PERIOD, WHEN, WHEN.date())


def _texts(catalogue, welsh: bool) -> list[str]:
    out = []
    for m in catalogue:
        for text in (m.string if isinstance(m.string, tuple) else (m.string,)) if welsh else (m.id if isinstance(m.id, tuple) else (m.id,)):
            out.append(text)
    return out


def _pieces(messages: list[str]) -> set[str]:
    """The words of each message around its placeholders ("Of %(total)s PIs:" gives "Of" and "PIs:"), to cut from a page."""
    out = set()
    for m in messages:
        for piece in re.split(r"%\([a-z_]+\)s", m.replace("%%", "%")):
            piece = piece.strip(" ;,:.()")  # a piece is cut as whole words: no punctuation at its ends
            if any(c.isalpha() for c in piece):
                out |= {piece, piece.lower()}  # a label is lower-cased in a sentence ("3 oddi ar y targed")
    return out


def _data(config, pack) -> set[str]:
    """What a pack prints that is not fixed text: the configuration, the commentary, the pack's words for
    objectives and aims (in its language), and its period and times (dates, written for the language)."""
    terms = [getattr(pack.terms, k) for k in ("objective", "aim", "committee")]
    words = {w for t in terms for w in (t.singular, t.plural, t.heading, t.plural_heading)}
    kinds = {k.name_cy.lower() for k in config.framework.action_kinds} | {
        k.name.lower() for k in config.framework.action_kinds
    }  # "(argymhelliad rheoleiddiwr, ...)"
    return config_texts(config) | typed_texts(pack) | words | kinds | {pack.period_label, pack.generated_at, pack.data_as_at}


def test_each_pack_in_each_language(packs):
    welsh = [p for p in packs if p.lang == "cy"]
    english = [p for p in packs if p.lang == "en"]
    assert len(welsh) == len(english) > 5
    assert [p.kind for p in welsh] == [p.kind for p in english]
    assert packs[0].lang == "cy"  # Welsh read first
    assert welsh[0].title == "Trosolwg perfformiad corfforaethol" and welsh[0].council == "Cyngor Bwrdeistref Sirol Cwm Derwen"
    assert all(p.slug.endswith(".cy") for p in welsh) and not any("." in p.slug for p in english)
    assert len({p.slug for p in packs}) == len(packs)
    assert english[0].slug == "corporate-performance-overview"  # an English pack keeps its file name
    assert {pack_key(p) for p in welsh}.isdisjoint(pack_key(p) for p in english)


def assert_welsh(config, packs, catalogue) -> int:
    """Every Welsh pack of ``packs`` has no English fixed text; the most fixed texts one of them has."""
    welsh_messages = _texts(catalogue, welsh=True)
    english_messages = {m.replace("%%", "%") for m in _texts(catalogue, welsh=False)} - set(welsh_messages)
    data = config_texts(config)
    seen = 0
    for pack in (p for p in packs if p.lang == "cy"):
        html = render_html(pack)
        assert '<html lang="cy">' in html
        found = fixed_texts(html, data | typed_texts(pack))
        seen = max(seen, len(found))
        english = [t for t in found if t in english_messages]
        assert not english, (pack.slug, english)
        # Cut every Welsh message of the catalogue (its words around its placeholders) as well as the data:
        # nothing with a letter is left, so every fixed text of the page is the catalogue's Welsh.
        # (a quarter's short label, "Ch2 2026-27", is the message "Ch%(quarter)s %(year)s": its letters touch the number)
        pieces = _pieces(welsh_messages)
        left = fixed_texts(re.sub(r"\bCh(?=\d)", "", html), _data(config, pack) | pieces)
        # fixed_texts keeps one-letter texts (it cannot tell a word from a unit): Welsh "a" ("and") between two names
        small = {p for p in pieces if len(p) == 1}
        left = [t for t in left if not set(re.findall(r"\w+", t.replace("…", " "))) <= small]
        assert not left, (pack.slug, left)
    return seen


def test_welsh_packs_have_no_english_fixed_text(config, packs, catalogue):
    assert assert_welsh(config, packs, catalogue) > 50


@pytest.mark.parametrize("scheme", ["brayg", "expected_progress", "rag"])
def test_welsh_packs_with_actions_have_no_english_fixed_text(config, catalogue, scheme):
    from tests.packs.test_actions_packs import action_results, council

    with_actions = council(config, scheme)
    packs = build_packs(with_actions, PERIOD, [], [], {}, WHEN, action_results(scheme))
    welsh = [p for p in packs if p.lang == "cy"]
    assert welsh and welsh[0].actions
    assert any(p.actions.groups for p in welsh) and any(p.actions.exceptions for p in welsh)
    assert assert_welsh(with_actions, packs, catalogue) > 40


def test_english_packs_have_no_welsh_fixed_text(config, packs, catalogue):
    welsh_only = {m.replace("%%", "%") for m in _texts(catalogue, welsh=True)} - {m.replace("%%", "%") for m in _texts(catalogue, welsh=False)}
    data = config_texts(config)
    for pack in (p for p in packs if p.lang == "en"):
        html = render_html(pack)
        assert '<html lang="en-GB">' in html
        found = fixed_texts(html, data | typed_texts(pack))
        assert not [t for t in found if t in welsh_only], pack.slug


def test_the_overviews_link_to_each_other(packs):
    cy, en = (next(p for p in packs if p.kind == "overview" and p.lang == lang) for lang in ("cy", "en"))
    assert cy.other_language == (("en", f"{en.period}_{en.slug}.html"),)
    assert en.other_language == (("cy", f"{cy.period}_{cy.slug}.html"),)
    html = render_html(cy)
    cover = html[html.index('<header class="cover">') : html.index("</header>")]
    assert f'<a href="{en.period}_{en.slug}.html" hreflang="en" lang="en-GB">English</a>' in cover
    assert 'hreflang="cy" lang="cy">Cymraeg</a>' in render_html(en)


def test_commentary_is_shown_as_typed_in_both_languages(packs):
    cy, en = (next(p for p in packs if p.kind == "overview" and p.lang == lang) for lang in ("cy", "en"))
    typed = typed_texts(en)
    assert typed and typed == typed_texts(cy)
    html = render_html(cy)
    comment = next(r.comment for r in cy.exceptions if r.comment)
    assert comment.split("\n")[0].replace("'", "&#39;").replace("&", "&amp;")[:30] in html or comment.split("\n")[0][:30] in html


def test_welsh_dates_figures_and_names(packs):
    cy = next(p for p in packs if p.kind == "overview" and p.lang == "cy")
    assert cy.period_label == "Chwarter 2 2026-27 (Gorffennaf – Medi 2026)"
    assert "Tachwedd 2026" in cy.generated_at
    assert any(s.name.startswith("Gwasanaethau Cymdeithasol") for s in cy.by_directorate)
    assert all(look.label != "Off target" for look in cy.scheme_looks)
    lines = dict(cy.return_lines)
    assert lines and all(not summary.startswith(("accepted", "missing", "not yet due")) for summary in lines.values())


def test_a_councils_correction_changes_the_welsh_packs_key_not_the_english(config, packs, tmp_path):
    cy, en = (next(p for p in packs if p.kind == "overview" and p.lang == lang) for lang in ("cy", "en"))
    (tmp_path / "translations").mkdir()
    (tmp_path / "translations" / "cy.po").write_text('msgid "Overall status"\nmsgstr "Y statws cyffredinol"\n', encoding="utf-8")
    corrected = dataclasses.replace(cy, config_dir=str(tmp_path))
    assert pack_key(corrected) != pack_key(cy)
    assert "<h2>Y statws cyffredinol</h2>" in render_html(corrected)
    assert pack_key(dataclasses.replace(en, config_dir=str(tmp_path))) == pack_key(en)


def test_the_councils_translations_are_frozen_with_the_period(config_dir, tmp_path):
    (config_dir / "translations").mkdir()
    (config_dir / "translations" / "cy.po").write_text('msgid "Overall status"\nmsgstr "Y statws cyffredinol"\n', encoding="utf-8")
    data = tmp_path / "data"
    hashes = freeze_config(config_dir, data, PERIOD)
    assert "translations/cy.po" in hashes
    (config_dir / "translations" / "cy.po").write_text('msgid "Overall status"\nmsgstr "Statws"\n', encoding="utf-8")
    assert config_differences(config_dir, data, PERIOD) == ["translations/cy.po"]
    frozen = config_for_period(config_dir, data, PERIOD)
    assert (Path(frozen.folder) / "translations" / "cy.po").read_text(encoding="utf-8").endswith('"Y statws cyffredinol"\n')


def test_two_welsh_packs_that_would_share_a_file_are_refused(config_dir):
    fw = config_dir / "framework.yaml"
    fw.write_text(fw.read_text().replace("name_cy: Pwyllgor Craffu Dysgu a Diwylliant", "name_cy: Pwyllgor Craffu Cartrefi a Chymunedau Diogel"))
    with pytest.raises(ConfigError, match=r"committee HSCSC in Welsh: its pack would be written to the same file as committee LCSC in Welsh's"):
        load_config(config_dir)
