import csv
import datetime as dt
import re
from decimal import Decimal

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmf_pipeline.cli import main
from pmf_pipeline.config import CONFIG_FILES, load_config
from pmf_pipeline.errors import ConfigError
from pmf_pipeline.periods import FinancialYear, Period
from pmf_pipeline.rules.numbers import parse_number


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
        ("pis.yaml", "\n  unit: percentage", "\n  unit: percent", r"field 'unit': 'percent' is not a unit pmf knows; did you mean 'percentage'\?"),
        ("framework.yaml", "tolerance: 0.1", "tolerance: ten", r"framework.yaml, field 'tolerance'"),
        ("framework.yaml", "council: Cwm", "counsil: Cwm", r"framework.yaml, field 'counsil': not a setting pmf knows; did you mean 'council'\?"),
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


# --- Spreadsheet habits: accepted as meant, or refused with what to write instead ---------------------

PYDANTIC_WORDS = ("valid tuple", "valid decimal", "Input should", "Value error", "model_type", "dict_type", "pydantic", "Traceback")


def _problem(config_dir) -> str:
    with pytest.raises(ConfigError) as e:
        load_config(config_dir)
    message = str(e.value)
    assert not any(w in message for w in PYDANTIC_WORDS), message
    return message


def _set_cell(config_dir, name, ref, key, field, text):
    """Type ``text`` into one cell of targets.csv or history.csv, as Excel would save it."""
    path = config_dir / name
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    fields = list(rows[0])
    hits = [r for r in rows if r["pi_ref"] == ref and r[fields[1]] == key]
    assert len(hits) == 1, (ref, key)
    hits[0][field] = text
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fields)
        w.writeheader()
        w.writerows(rows)
    return f"{path}, line {rows.index(hits[0]) + 2} ({ref}), field '{field}'"


@pytest.mark.parametrize("typed", ["10%", "10 %", "0.10", "'0.10'", "0.1"])
def test_tolerance_as_a_percentage(config_dir, typed):
    _edit(config_dir, "framework.yaml", "tolerance: 0.1", f"tolerance: {typed}")
    _edit(config_dir, "framework.yaml", "swing_warning: 0.25", "swing_warning: 25%")
    _edit(config_dir, "pis.yaml", "  evidence_required: true\n", f"  evidence_required: true\n  tolerance: {typed}\n")
    config = load_config(config_dir)
    assert config.framework.tolerance == Decimal("0.10")
    assert config.framework.swing_warning == Decimal("0.25")
    assert config.pis["PAM/007"].tolerance == Decimal("0.10")


@pytest.mark.parametrize(
    "setting, typed, expected",
    [
        ("tolerance", "10", "a bare 10 could mean 10% or 1000%; write 10% or 0.10"),
        ("tolerance", "1", "a bare 1 could mean 1% or 100%; write 1% or 0.01"),
        ("tolerance", "150%", "150% is too high: it must be at least 0% and below 100%"),
        ("tolerance", "-5%", "-5% is too low: it must be at least 0% and below 100%"),
        ("tolerance", "ten", "'ten' is not a percentage; write it like 10% or 0.10"),
        ("swing_warning", "25", "a bare 25 could mean 25% or 2500%; write 25% or 0.25"),
        ("swing_warning", "0%", "0% is too low: it must be more than 0%"),
    ],
)
def test_tolerance_refused_with_what_to_write(config_dir, setting, typed, expected):
    old = {"tolerance": "tolerance: 0.1", "swing_warning": "swing_warning: 0.25"}[setting]
    _edit(config_dir, "framework.yaml", old, f"{setting}: {typed}")
    assert _problem(config_dir) == f"{config_dir / 'framework.yaml'}, field '{setting}': {expected}"


def test_pi_tolerance_refused_names_the_pi(config_dir):
    _edit(config_dir, "pis.yaml", "  evidence_required: true\n", "  evidence_required: true\n  tolerance: 10\n")
    assert _problem(config_dir) == f"{config_dir / 'pis.yaml'}, PI 1 (PAM/007), field 'tolerance': a bare 10 could mean 10% or 1000%; write 10% or 0.10"


@pytest.mark.parametrize(
    "ref, typed, expected",
    [
        ("PAM/007", "52.0%", Decimal("52.0")),
        ("CPM/053", "£250,000", Decimal(250000)),
        ("SSM/026", "1,200", Decimal(1200)),
        ("SSM/026", " 1 200 ", Decimal(1200)),
        ("SSM/026", "240.5", Decimal("240.5")),
        ("PAM/007", "n/a", None),
        ("PAM/007", "N/A", None),
        ("PAM/007", "-", None),
        ("PAM/007", "tbc", None),
        ("PAM/007", "", None),
        ("PAM/007", "   ", None),
    ],
)
def test_target_as_typed_in_excel(config_dir, ref, typed, expected):
    _set_cell(config_dir, "targets.csv", ref, "2026-27", "annual", typed)
    target = load_config(config_dir).targets[(ref, FinancialYear(2026))]
    assert target.annual == expected
    assert target.annual is None or str(target.annual) == str(expected)  # exact decimals, not floats


@pytest.mark.parametrize(
    "ref, typed, expected",
    [
        ("SSM/026", "52%", "'52%' has a % sign, but SSM/026 is not a percentage (its unit is days); write the number alone: 52"),
        ("SSM/026", "£250", "'£250' has a £ sign, but SSM/026 is not in pounds (its unit is days); write the number alone: 250"),
        ("CPM/053", "$250", "'$250' has a foreign currency sign; figures are in pounds: write the number alone: 250"),
        ("SSM/026", "(5)", "target -5 is outside the PI's valid range 0 to 3650"),
        ("SSM/026", "about 5", "'about 5' is not a number; write a number (e.g. 1200, 1,200 or 52.5), or n/a for no figure"),
        ("SSM/026", "1,2,3", "'1,2,3' is not a number; write a number (e.g. 1200, 1,200 or 52.5), or n/a for no figure"),
    ],
)
def test_target_refused_says_why(config_dir, ref, typed, expected):
    where = _set_cell(config_dir, "targets.csv", ref, "2026-27", "annual", typed)
    assert _problem(config_dir) == f"{where}: {expected}"


@pytest.mark.parametrize("typed", ["n/a", "N/A", "-", "tbc", ""])
def test_history_no_figure_is_missing_not_an_error(config_dir, typed):
    _set_cell(config_dir, "history.csv", "PAM/007", "2024-25-Q1", "actual", typed)
    assert load_config(config_dir).history[("PAM/007", Period.parse("2024-25-Q1"))].actual is None


def test_history_figures_as_typed_in_excel(config_dir):
    _set_cell(config_dir, "history.csv", "PAM/007", "2024-25-Q1", "actual", "91.7%")
    _set_cell(config_dir, "history.csv", "PAM/007", "2024-25-Q1", "denominator", "1,678")
    value = load_config(config_dir).history[("PAM/007", Period.parse("2024-25-Q1"))]
    assert (value.actual, value.denominator) == (Decimal("91.7"), Decimal(1678))


def test_csv_headers_as_excel_users_write_them(config_dir):
    _edit(config_dir, "targets.csv", "pi_ref,year,annual", "PI ref,Year ,Annual")
    _edit(config_dir, "history.csv", "pi_ref,period,actual,numerator,denominator", "pi_ref,period,actual,numerator,denominator,,")
    assert load_config(config_dir).targets[("PAM/007", FinancialYear(2024))].annual == Decimal("90.7")


def test_csv_saved_by_excel_without_utf8(config_dir):
    """Excel's plain "CSV (Comma delimited)" writes Windows-1252, where £ is one byte."""
    _set_cell(config_dir, "targets.csv", "CPM/053", "2026-27", "annual", "£250,000")
    path = config_dir / "targets.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    assert load_config(config_dir).targets[("CPM/053", FinancialYear(2026))].annual == Decimal(250000)


def test_csv_with_semicolons_says_how_to_save_it(config_dir):
    path = config_dir / "history.csv"
    path.write_text(path.read_text().replace(",", ";"))
    assert _problem(config_dir) == f"{path}: the columns are separated by ';'; save the file from Excel as 'CSV UTF-8 (Comma delimited)'"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("24/07/2026", dt.date(2026, 7, 24)),
        ("'2026-07-24'", dt.date(2026, 7, 24)),
        ("2026-07-24", dt.date(2026, 7, 24)),
        ("5/7/2026", dt.date(2026, 7, 5)),
        ("24.07.2026", dt.date(2026, 7, 24)),
        ("24 July 2026", dt.date(2026, 7, 24)),
    ],
)
def test_uk_dates(config_dir, typed, expected):
    _edit(config_dir, "framework.yaml", "2026-27-Q1: '2026-07-24'", f"2026-27-Q1: {typed}")
    assert load_config(config_dir).framework.deadlines["2026-27-Q1"] == expected


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("07/24/2026", "'07/24/2026' puts the month first, but dates are day first: write the date as 24/07/2026 or 2026-07-24"),
        ("31/02/2026", "'31/02/2026' is not a date: February 2026 has no day 31; write the date as DD/MM/YYYY or YYYY-MM-DD, e.g. 24/07/2026 or 2026-07-24"),
        ("24 July", "'24 July' has no year; write the date as DD/MM/YYYY or YYYY-MM-DD, e.g. 24/07/2026 or 2026-07-24"),
        ("24/07/26", "'24/07/26': write the year in full, as 24/07/2026 or 2026-07-24"),
        ("13/13/2026", "'13/13/2026' is not a date: there is no month 13; write the date as DD/MM/YYYY or YYYY-MM-DD, e.g. 24/07/2026 or 2026-07-24"),
        ("soon", "'soon' is not a date; write the date as DD/MM/YYYY or YYYY-MM-DD, e.g. 24/07/2026 or 2026-07-24"),
    ],
)
def test_impossible_or_ambiguous_dates_refused(config_dir, typed, expected):
    _edit(config_dir, "framework.yaml", "2026-27-Q1: '2026-07-24'", f"2026-27-Q1: {typed}")
    assert _problem(config_dir) == f"{config_dir / 'framework.yaml'}, deadline for 2026-27-Q1: {expected}"


# --- Misspelt keys and values: the nearest valid one -------------------------------------------------


@pytest.mark.parametrize(
    "name, old, new, expected",
    [
        ("framework.yaml", "tolerance: 0.1", "tolerence: 10%", "{framework.yaml}, field 'tolerence': not a setting pmf knows; did you mean 'tolerance'?"),
        (
            "pis.yaml",
            "  polarity: higher\n",
            "  polarty: higher\n",
            "{pis.yaml}, PI 1 (PAM/007), field 'polarty': not a setting pmf knows; did you mean 'polarity'?",
        ),
        ("pis.yaml", "  decimals: 1\n", "  decimels: 1\n", "{pis.yaml}, PI 1 (PAM/007), field 'decimels': not a setting pmf knows; did you mean 'decimals'?"),
        (
            "framework.yaml",
            "  name: Social Services",
            "  nmae: Social Services",
            "{framework.yaml}, directorate 2 (SS), field 'nmae': not a setting pmf knows; did you mean 'name'?",
        ),
        (
            "framework.yaml",
            "  - code: ADS\n    name: Adult Services",
            "  - code: ADS\n    title: Adult Services",
            "2 problems in the configuration; fix them all, then run pmf check-config again:\n"
            "{framework.yaml}, directorate 2 (SS), service 1 (ADS), field 'name': this field is required but missing; add a line 'name: ...'\n"
            "{framework.yaml}, directorate 2 (SS), service 1 (ADS), field 'title': not a setting pmf knows; the settings here are: code, name, name_cy",
        ),
        (
            "framework.yaml",
            "  remit:\n    directorates:\n    - SS",
            "  remit:\n    directorate:\n    - SS",
            "{framework.yaml}, committee 1 (HLSC), field 'remit.directorate': not a setting pmf knows; did you mean 'directorates'?",
        ),
        (
            "pis.yaml",
            "  polarity: higher\n",
            "  polarity: higer\n",
            "{pis.yaml}, PI 1 (PAM/007), field 'polarity': 'higer' is not a polarity pmf knows; did you mean 'higher'? one of: higher, lower, none",
        ),
        (
            "pis.yaml",
            "\n  unit: percentage",
            "\n  unit: percent",
            "{pis.yaml}, PI 1 (PAM/007), field 'unit': 'percent' is not a unit pmf knows; did you mean 'percentage'? "
            "one of: percentage, number, days, currency, ratio, rate_per_1000, narrative",
        ),
        (
            "framework.yaml",
            "\nstatus_scheme: three_level",
            "\nstatus_scheme: three-level",
            "{framework.yaml}, field 'status_scheme': 'three-level' is not a status scheme pmf knows; did you mean 'three_level'? one of: three_level, bridgend, havering",
        ),
        ("targets.csv", "pi_ref,year,annual", "pi_ref,year,anual", "{targets.csv}, column 'anual': not a column pmf knows; did you mean 'annual'?"),
        (
            "history.csv",
            "pi_ref,period,actual,numerator",
            "pi_ref,period,actual,numerater",
            "{history.csv}, column 'numerater': not a column pmf knows; did you mean 'numerator'?",
        ),
        (
            "targets.csv",
            "PAM/007,2024-25",
            "pam 007,2024-25",
            "{targets.csv}, line 2, field 'pi_ref': a target for 'pam 007', which is not in pis.yaml; did you mean 'PAM/007'?",
        ),
    ],
)
def test_misspelling_named_with_the_nearest_valid_one(config_dir, name, old, new, expected):
    _edit(config_dir, name, old, new)
    for n in CONFIG_FILES:
        expected = expected.replace("{" + n + "}", str(config_dir / n))
    assert _problem(config_dir) == expected


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("  cumulative: false\n", "  cumulative: maybe\n", "field 'cumulative': 'maybe' is not yes or no; expected yes or no"),
        ("  decimals: 1\n", "  decimals: 7\n", "field 'decimals': 7 is too high: it must be between 0 and 4"),
        ("  decimals: 1\n", "  decimals: one\n", "field 'decimals': 'one' is not a whole number; expected a whole number"),
        ("    multiplier: 100\n", "    multiplier: lots\n", "field 'calculation.multiplier': 'lots' is not a number; expected a number"),
        (
            "  valid_range:\n  - 0\n  - 100\n",
            "  valid_range: 100\n",
            "field 'valid_range': expected two numbers, lowest first, e.g. [0, 100] (null for no limit)",
        ),
        ("  valid_range:\n  - 0\n  - 100\n", "  valid_range:\n  - x\n  - 100\n", "field 'valid_range', item 1: 'x' is not a number; expected a number"),
        (
            "  owner: Head of Standards and Provision\n",
            "  owner: 2024\n",
            "field 'owner': expected text, not the number 2024; put it in quotes as it should read, e.g. '2024'",
        ),
        (
            "  owner: Head of Standards and Provision\n",
            "  owner: yes\n",
            "field 'owner': expected text, but yes/no, true/false and on/off are read as a tick-box: put the text in quotes",
        ),
        ("  title: Percentage of pupil attendance in primary schools\n", "", "field 'title': this field is required but missing; add a line 'title: ...'"),
        (
            "  benchmark:\n    label: Wales average 2024-25\n    value: 92.9\n",
            "  benchmark: Wales average 92.9\n",
            "field 'benchmark': expected 'name: value' lines indented beneath it",
        ),
        ("  directorate: LS\n", "  directorate: LS\n  committees: HLSC\n", "field 'committees': expected a list of codes, one '- ' line each"),
        (
            "- ref: PAM/007\n",
            "- ref: PAM 007\n",
            "field 'ref': 'PAM 007' cannot be used: a PI reference uses only letters, digits and / _ . - (no spaces), starting with a letter or digit",
        ),
    ],
)
def test_wrong_kind_of_value_in_plain_words(config_dir, old, new, expected):
    _edit(config_dir, "pis.yaml", old, new)
    message = _problem(config_dir)
    assert message.startswith(f"{config_dir / 'pis.yaml'}, PI 1 (PAM") and message.endswith(expected), message


def test_framework_lists_and_settings_in_plain_words(config_dir):
    _edit(config_dir, "framework.yaml", "financial_year_start_month: 4", "financial_year_start_month: 1")
    _edit(config_dir, "framework.yaml", "objectives:\n- code: WO1", "objectives: WO1\nx:\n- code: WO1")
    message = _problem(config_dir)
    fw = config_dir / "framework.yaml"
    assert f"{fw}, field 'financial_year_start_month': '1' is not a financial year start month pmf knows; one of: 4" in message
    assert f"{fw}, field 'objectives': expected a list of objectives, each entry starting with '- code:'" in message


# --- All mistakes in one run ---------------------------------------------------------------------------


def test_every_mistake_reported_in_one_run(config_dir):
    _edit(config_dir, "framework.yaml", "tolerance: 0.1", "tolerence: 10%")
    _edit(config_dir, "framework.yaml", "2026-27-Q2: '2026-10-23'", "2026-27-Q2: 31/02/2026")
    _edit(config_dir, "pis.yaml", "  polarity: higher\n", "  polarity: higer\n")
    pis = config_dir / "pis.yaml"
    pis.write_text(re.sub(r"(- ref: PAM/032\n(?:  .*\n)*?  directorate: )LS", r"\1EDU", pis.read_text()))
    _edit(config_dir, "pis.yaml", "- ref: PAM/008\n", "- ref: PAM/008\n  decimls: 1\n")
    ssm = _set_cell(config_dir, "targets.csv", "SSM/026", "2026-27", "annual", "52%")
    _edit(config_dir, "targets.csv", "PAM/007,2024-25", "PAM/999,2024-25")
    hist = _set_cell(config_dir, "history.csv", "SSM/026", "2024-25-Q1", "actual", "lots")
    broken = _set_cell(config_dir, "history.csv", "PAM/008", "2024-25-Q1", "actual", "lots")  # PAM/008's entry is broken
    f = {n: config_dir / n for n in CONFIG_FILES}
    expected = [
        "8 problems in the configuration; fix them all, then run pmf check-config again:",
        f"{f['framework.yaml']}, deadline for 2026-27-Q2: '31/02/2026' is not a date: February 2026 has no day 31; "
        "write the date as DD/MM/YYYY or YYYY-MM-DD, e.g. 24/07/2026 or 2026-07-24",
        f"{f['framework.yaml']}, field 'tolerence': not a setting pmf knows; did you mean 'tolerance'?",
        f"{f['pis.yaml']}, PI 1 (PAM/007), field 'polarity': 'higer' is not a polarity pmf knows; did you mean 'higher'? one of: higher, lower, none",
        f"{f['pis.yaml']}, PI 2 (PAM/008), field 'decimls': not a setting pmf knows; did you mean 'decimals'?",
        f"{f['pis.yaml']}, PI 3 (PAM/032), field 'directorate': unknown directorate 'EDU'; known: CR, ENV, LS, PLC, SS",
        f"{ssm}: '52%' has a % sign, but SSM/026 is not a percentage (its unit is days); write the number alone: 52",
        f"{f['targets.csv']}, line 2, field 'pi_ref': a target for 'PAM/999', which is not in pis.yaml",
        f"{hist}: 'lots' is not a number; write a number (e.g. 1200, 1,200 or 52.5), or n/a for no figure",
    ]
    message = _problem(config_dir)
    assert message.splitlines() == expected, message
    result = CliRunner().invoke(main, ["--config", str(config_dir), "check-config"])
    assert result.exit_code == 2, result.output
    for line in expected:
        assert line in result.output
    assert not any(w in result.output for w in PYDANTIC_WORDS), result.output
    assert broken not in message  # its PI's entry is broken: the figure is not judged without it


def test_a_long_list_of_mistakes_is_cut_short(config_dir):
    path = config_dir / "targets.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], *(f"PAM/007,20{n:02d},1,,,,,x" for n in range(60))]) + "\n")
    lines = _problem(config_dir).splitlines()
    assert lines[0].startswith("60 problems in the configuration")
    assert len(lines) == 1 + 50 + 1 and lines[-1] == "and 10 more"


# --- Whatever is typed into a target cell -------------------------------------------------------------

_TINY = {
    "framework.yaml": "council: Tiny\ndirectorates:\n- code: D\n  name: D\nobjectives: []\ncommittees: []\n",
    "pis.yaml": "".join(
        f"- ref: {ref}\n  title: t\n  definition: d\n  type: local\n  directorate: D\n  owner: o\n  unit: {unit}\n  polarity: higher\n"
        for ref, unit in (("P1", "percentage"), ("N1", "number"), ("C1", "currency"))
    ),
    "history.csv": "pi_ref,period,actual,numerator,denominator\n",
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ref=st.sampled_from(["P1", "N1", "C1"]),
    typed=st.one_of(
        st.text(max_size=12),
        st.from_regex(r"\A[ (£$-]{0,2}[0-9][0-9, .]{0,9}[%)]{0,2}\Z"),
        st.sampled_from(["n/a", "N/A", "-", "tbc", "(5)", "£1,200", "52.0%", " 1 200 ", "1e5", "NaN", "Infinity", "1_000", "\x00"]),
    ),
)
def test_anything_typed_as_a_target_is_a_number_or_a_config_error(tmp_path, ref, typed):
    folder = tmp_path / "tiny"
    folder.mkdir(exist_ok=True)
    for name, text in _TINY.items():
        (folder / name).write_text(text, encoding="utf-8")
    with (folder / "targets.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["pi_ref", "year", "annual"], [ref, "2026-27", typed]])
    try:
        config = load_config(folder)
    except ConfigError:
        return
    expected = parse_number(typed, percentage=ref == "P1")
    assert expected.problem is None
    target = config.targets.get((ref, FinancialYear(2026)))
    assert (target.annual if target else None) == expected.value
