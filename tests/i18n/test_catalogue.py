"""The Welsh catalogue: read from .po at run time, unchecked translations used, a council's corrections over it."""

from __future__ import annotations

import io
import os

import pytest
from babel.messages.pofile import read_po, write_po

from pmf_pipeline.errors import ConfigError
from pmf_pipeline.i18n import UNCHECKED, translations
from pmf_pipeline.i18n.catalogue import LOCALE_DIR, package_catalogue, unchecked
from pmf_pipeline.i18n.seeds import SEEDS

PO = package_catalogue("cy")


def _po(entries: str) -> str:
    return 'msgid ""\nmsgstr ""\n"Language: cy\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + entries


def test_welsh_messages_are_translated():
    cy = translations("cy")
    assert cy.gettext("Off target") == "Oddi ar y targed"
    assert cy.gettext("Within tolerance") == "O fewn y goddefiant"
    assert cy.gettext("How to read this report") == "Sut i ddarllen yr adroddiad hwn"
    assert cy.gettext("A message no catalogue has") == "A message no catalogue has"  # falls back to the English


def test_english_is_the_message_itself():
    assert translations("en").gettext("Off target") == "Off target"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="pmf knows en, cy"):
        translations("fr")


def test_every_seed_has_a_welsh_translation_marked_unchecked():
    catalogue = read_po(PO.open("rb"), locale="cy")
    for message in SEEDS:
        entry = catalogue[message]
        assert entry is not None and entry.string, message
        assert UNCHECKED in entry.flags and not entry.fuzzy, message
    assert set(unchecked("cy")) >= set(SEEDS)


def test_template_and_catalogue_are_in_step():
    """`make catalogues` keeps pmf.po's messages those of pmf.pot (and pmf.pot those the code marks)."""
    pot = {m.id for m in read_po((LOCALE_DIR / "pmf.pot").open("rb")) if m.id}
    po = {m.id for m in read_po(PO.open("rb"), locale="cy") if m.id}
    assert pot == po
    assert pot >= set(SEEDS)


def test_babel_keeps_the_unchecked_flag_and_uses_the_translation():
    """The flag survives Babel's reading and writing (pybabel update), and unlike fuzzy does not stop its use."""
    text = _po('#, unchecked\nmsgid "Met"\nmsgstr "Wedi\'i gyrraedd"\n')
    catalogue = read_po(io.StringIO(text), locale="cy")
    out = io.BytesIO()
    write_po(out, catalogue)
    assert '#, unchecked\nmsgid "Met"' in out.getvalue().decode()
    assert UNCHECKED in read_po(io.BytesIO(out.getvalue()), locale="cy")["Met"].flags
    assert translations("cy").gettext("Met") == "Wedi'i gyrraedd"


def test_a_council_corrects_a_term(tmp_path):
    (tmp_path / "translations").mkdir()
    (tmp_path / "translations" / "cy.po").write_text(
        _po(
            'msgid "Off target"\nmsgstr "Heb gyrraedd y targed"\n\n'
            '#, fuzzy\nmsgid "Met"\nmsgstr "Wedi cyrraedd"\n\n'  # fuzzy: not used, the package's stays
            'msgid "Improved"\nmsgstr ""\n'  # untranslated: the package's stays
        ),
        encoding="utf-8",
    )
    cy = translations("cy", tmp_path)
    assert cy.gettext("Off target") == "Heb gyrraedd y targed"
    assert cy.gettext("Met") == "Wedi'i gyrraedd"
    assert cy.gettext("Improved") == "Wedi gwella"
    assert cy.gettext("Within tolerance") == "O fewn y goddefiant"
    assert "Off target" not in unchecked("cy", tmp_path)  # the council's own translation is checked by it
    assert translations("cy").gettext("Off target") == "Oddi ar y targed"  # other councils keep the package's


def test_a_corrected_file_is_read_again(tmp_path):
    po = tmp_path / "translations" / "cy.po"
    po.parent.mkdir()
    po.write_text(_po('msgid "Trend"\nmsgstr "Tueddiad"\n'), encoding="utf-8")
    assert translations("cy", tmp_path).gettext("Trend") == "Tueddiad"
    po.write_text(_po('msgid "Trend"\nmsgstr "Y duedd"\n'), encoding="utf-8")
    stat = po.stat()
    os.utime(po, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert translations("cy", tmp_path).gettext("Trend") == "Y duedd"


def test_a_council_without_corrections_uses_the_package(tmp_path):
    assert translations("cy", tmp_path).gettext("Trend") == "Tuedd"


def test_an_unreadable_council_catalogue_is_named(tmp_path):
    po = tmp_path / "translations" / "cy.po"
    po.parent.mkdir()
    po.write_text('msgid "Trend"\nmsgstr "Tuedd"\nTrend = Tueddiad\n', encoding="utf-8")  # not a PO line
    with pytest.raises(ConfigError, match=r"translations/cy.po: not a readable gettext catalogue"):
        translations("cy", tmp_path)
