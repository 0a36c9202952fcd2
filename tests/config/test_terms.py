"""The council's own words (``terms:``) and PI types (``pi_types:``) in framework.yaml."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pmf_pipeline.cli import main
from pmf_pipeline.config import load_config
from pmf_pipeline.config.models import Term, Terms
from pmf_pipeline.errors import ConfigError


def _append(config_dir, text):
    p = config_dir / "framework.yaml"
    p.write_text(p.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_the_defaults_are_the_welsh_frameworks_words_and_types(config):
    fw = config.framework
    assert fw.terms == Terms()
    assert (fw.terms.objective.singular, fw.terms.objective.plural, fw.terms.objective.heading) == (
        "wellbeing objective",
        "wellbeing objectives",
        "Wellbeing objective",
    )
    assert (fw.terms.aim.plural, fw.terms.committee.plural) == ("aims", "scrutiny committees")
    assert [(t.code, t.short, t.name) for t in fw.pi_types] == [
        ("pam", "PAM", "Public Accountability Measure"),
        ("social_services", "SSM", "Social Services measure"),
        ("national", "National", "national indicator"),
        ("local", "Local", "local measure"),
    ]


def test_a_term_is_a_word_or_a_singular_and_plural():
    assert Term.model_validate("corporate priority") == Term(singular="corporate priority", plural="corporate prioritys")
    assert Term.model_validate({"singular": "Council Plan priority", "plural": "Council Plan priorities"}).plural_heading == "Council Plan priorities"
    assert Term.model_validate("outcome").heading == "Outcome"
    assert Term.model_validate("overview and scrutiny panel").plural_heading == "Overview and scrutiny panels"  # only the first letter changes


def test_check_config_speaks_the_councils_words(config_dir):
    _append(config_dir, "terms:\n  objective: {singular: corporate priority, plural: corporate priorities}\n  committee: overview and scrutiny panel\n")
    result = CliRunner().invoke(main, ["--config", str(config_dir), "check-config"])
    assert result.exit_code == 0, result.output
    assert "4 corporate priorities, 5 overview and scrutiny panels," in result.output


def test_an_unknown_pi_type_is_refused_with_the_known_list(config_dir):
    _append(config_dir, "pi_types:\n- {code: single_data_list, short: SDL, name: Single Data List}\n- {code: local, short: Local, name: local measure}\n")
    with pytest.raises(ConfigError) as e:
        load_config(config_dir)
    lines = str(e.value).splitlines()
    # every PI of another type is named, all in one run
    assert lines[0] == "39 problems in the configuration; fix them all, then run pmf check-config again:"
    assert lines[1] == (
        f"{config_dir / 'pis.yaml'}, PI 1 (PAM/007), field 'type': unknown PI type 'pam'; known: single_data_list, local (the pi_types of framework.yaml)"
    )
    result = CliRunner().invoke(main, ["--config", str(config_dir), "check-config"])
    assert result.exit_code == 2 and "unknown PI type 'pam'; known: single_data_list, local" in result.output


def test_a_pi_type_listed_twice_is_refused(config_dir):
    _append(config_dir, "pi_types:\n- {code: local, short: Local, name: local measure}\n- {code: local, short: L, name: local}\n")
    with pytest.raises(ConfigError, match=r"framework.yaml, field 'pi_types': PI type code local is listed twice; give each type once"):
        load_config(config_dir)


def test_pi_types_need_a_short_label(config_dir):
    _append(config_dir, "pi_types:\n- {code: local, name: local measure}\n")
    with pytest.raises(ConfigError) as e:
        load_config(config_dir)
    assert str(e.value).splitlines()[1] == (
        f"{config_dir / 'framework.yaml'}, PI type 1 (local), field 'short': this field is required but missing; add a line 'short: ...'"
    )
