"""The packs' Jinja environment in a language: English untouched, Welsh from the catalogue."""

from __future__ import annotations

import jinja2

from pmf_pipeline.packs.render import TEMPLATES, environment


def test_english_environment_renders_templates_as_before():
    """The i18n extension adds nothing to a template that does not use it: the same bytes as an environment without it."""
    env = environment(strict=True)
    plain = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=env.finalize,
    )
    plain.filters.update(env.filters)
    source = '{% from "_macros.html" import badge %}<p>{{ x }}</p>\n{% if y %}\n  <b>{{ y | typed }}</b>\n{% endif %}\n'
    assert env.from_string(source).render(x="a < b", y="ŵ\nline") == plain.from_string(source).render(x="a < b", y="ŵ\nline")


def test_messages_in_each_language():
    source = '<h2>{{ _("Off target") }}</h2><p>{{ _("Of %(n)s PIs", n=n) }}</p>'
    assert environment().from_string(source).render(n=3) == "<h2>Off target</h2><p>Of 3 PIs</p>"
    assert environment(lang="cy").from_string(source).render(n=3) == "<h2>Oddi ar y targed</h2><p>Of 3 PIs</p>"  # untranslated: English


def test_placeholders_are_escaped():
    out = environment(lang="cy").from_string('{{ _("Data as at") }} {{ _("%(when)s", when=w) }}').render(w="<b>")
    assert out == "Data fel yr oedd ar &lt;b&gt;"


def test_a_councils_correction_reaches_the_pack(tmp_path):
    (tmp_path / "translations").mkdir()
    (tmp_path / "translations" / "cy.po").write_text('msgid "Off target"\nmsgstr "Heb gyrraedd y targed"\n', encoding="utf-8")
    assert environment(lang="cy", config_dir=tmp_path).from_string('{{ _("Off target") }}').render() == "Heb gyrraedd y targed"
