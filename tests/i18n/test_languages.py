"""Languages as configuration: which the council publishes in, its workbooks' languages, Welsh forms and check-config's list."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pmf_pipeline.cli import main
from pmf_pipeline.config import load_config
from pmf_pipeline.config.models import Framework, Term
from pmf_pipeline.config.welsh import gap_lines, welsh_gaps
from pmf_pipeline.errors import ConfigError
from pmf_pipeline.i18n import in_language
from tests.small_council import write_council


def _council(tmp_path: Path, settings: str = "", replace: tuple[str, str] = ("", "")) -> Path:
    folder = write_council(tmp_path / "config")
    fw = folder / "framework.yaml"
    text = fw.read_text(encoding="utf-8").replace(*replace) if replace[0] else fw.read_text(encoding="utf-8")
    fw.write_text(text + settings, encoding="utf-8")
    return folder


def test_english_by_default(tmp_path):
    fw = load_config(_council(tmp_path)).framework
    assert fw.languages == ("en",)
    assert fw.workbook_languages_for(fw.directorates[0]) == ("en",)


def test_a_bilingual_council_reads_welsh_first_and_sends_english_workbooks_unless_told(tmp_path):
    fw = load_config(_council(tmp_path, "languages: [cy, en]\n")).framework
    assert fw.languages == ("cy", "en")
    assert fw.workbook_languages_for(fw.directorates[0]) == ("en",)
    fw = load_config(
        _council(tmp_path / "2", "languages: [cy, en]\n", ("  name: Environment\n", "  name: Environment\n  workbook_languages: [cy, en]\n"))
    ).framework
    assert fw.workbook_languages_for(fw.directorates[0]) == ("cy", "en")
    fw = load_config(_council(tmp_path / "3", "languages: [cy]\n")).framework
    assert fw.workbook_languages_for(fw.directorates[0]) == ("cy",)  # a council publishing Welsh alone


@pytest.mark.parametrize(
    "setting, expected",
    [
        ("languages: [cym, en]", "field 'languages': 'cym' is not a language code pmf knows; did you mean 'cy'? the codes are en (English), cy (Cymraeg)"),
        ("languages: [English]", "field 'languages': 'English' is not a language code pmf knows; did you mean 'en'?"),
        ("languages: [fr]", "field 'languages': 'fr' is not a language code pmf knows; the codes are en (English), cy (Cymraeg)"),
        ("languages: [cy, cy]", "field 'languages': language cy is listed twice; give each language once"),
        ("languages: []", "field 'languages': expected a list of language codes, such as [en] or [cy, en] (the first is read first)"),
        (
            "workbook_languages: [cy]",
            "workbook_languages: cy is not among the council's languages (en); add it to languages: or take it out of workbook_languages",
        ),
    ],
)
def test_a_wrong_language_is_named_with_the_nearest(tmp_path, setting, expected):
    folder = _council(tmp_path, setting + "\n")
    with pytest.raises(ConfigError) as e:
        load_config(folder)
    assert expected in str(e.value)
    result = CliRunner().invoke(main, ["--config", str(folder), "check-config"])
    assert result.exit_code == 2 and expected in result.output, result.output


def test_in_language_falls_back_to_the_english():
    term = Term(singular="wellbeing objective", singular_cy="amcan llesiant")
    assert in_language(term, "singular", "cy") == "amcan llesiant"
    assert in_language(term, "singular", "en") == "wellbeing objective"
    assert in_language(term, "plural", "cy") == "wellbeing objectives"  # no Welsh form written: the English
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        in_language(term, "singular", "fr")


def test_defaults_carry_the_glossarys_welsh():
    fw = Framework(council="C", directorates=(), objectives=(), committees=())
    assert (fw.terms.objective.singular_cy, fw.terms.committee.plural_cy) == ("amcan llesiant", "pwyllgorau craffu")
    assert all(t.name_cy and t.short_cy and t.description_cy for t in fw.pi_types)
    assert all(k.name_cy for k in fw.action_kinds)


WELSH = """\
council_cy: Cyngor Prawf Llanfair
languages: [cy, en]
labels: {met: On target}
labels_cy: {}
"""


def test_check_config_lists_the_texts_without_a_welsh_form(tmp_path):
    folder = _council(tmp_path, WELSH, ("  name: Environment\n", "  name: Environment\n  name_cy: Amgylchedd\n"))
    result = CliRunner().invoke(main, ["--config", str(folder), "check-config", "--year", "2026-27"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2:] == [
        "Welsh: 9 texts have no Welsh form yet, so Welsh packs and workbooks show them in English (add each field named here beside its English):",
        "  council, terms and types (1): labels_cy met",
        "  objectives and aims (1): WO1 title_cy",
        "  committees (1): PLACE name_cy",
        "  PIs (6): ENV/001 title_cy, ENV/001 definition_cy, ENV/002 title_cy, ENV/002 definition_cy, ENV/003 title_cy and 1 more",
    ]


def test_check_config_says_nothing_of_welsh_for_an_english_council(tmp_path):
    result = CliRunner().invoke(main, ["--config", str(_council(tmp_path)), "check-config", "--year", "2026-27"])
    assert result.exit_code == 0 and "Welsh" not in result.output, result.output


def test_a_council_with_every_welsh_form(tmp_path):
    folder = _council(tmp_path, "languages: [cy, en]\ncouncil_cy: Cyngor Prawf Llanfair\n")
    config = load_config(folder)
    fw = config.framework
    complete = fw.model_copy(
        update={
            "directorates": tuple(d.model_copy(update={"name_cy": "Amgylchedd"}) for d in fw.directorates),
            "objectives": tuple(o.model_copy(update={"title_cy": "Lleoedd glân a gwyrdd"}) for o in fw.objectives),
            "committees": tuple(c.model_copy(update={"name_cy": "Pwyllgor Craffu Lle"}) for c in fw.committees),
        }
    )
    pis = {ref: pi.model_copy(update={"title_cy": "Teitl", "definition_cy": "Diffiniad"}) for ref, pi in config.pis.items()}
    gaps = welsh_gaps(config.model_copy(update={"framework": complete, "pis": pis}))
    assert gaps.total == 0
    assert gap_lines(gaps) == ["Welsh: every text a reader sees has its Welsh form."]
