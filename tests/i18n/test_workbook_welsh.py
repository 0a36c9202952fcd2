"""A Welsh updater workbook round-trips: generated in Welsh, filled (by fill.py and in a real LibreOffice),
ingested with the same findings, in Welsh, as its English twin; a bilingual workbook puts Welsh first.

The twins come from the same configuration (``welsh_council``: the sample council with Welsh forms),
differing only in Social Services' ``workbook_languages``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from babel.messages.pofile import read_po

from pmf_pipeline.config import load_config
from pmf_pipeline.i18n import UNCHECKED
from pmf_pipeline.i18n.catalogue import package_catalogue
from pmf_pipeline.returns.validate import validate_bytes
from pmf_pipeline.workbook import layout
from pmf_pipeline.workbook.fill import fill_return
from pmf_pipeline.workbook.generate import generate
from pmf_pipeline.workbook.reader import read_return
from tests.conftest import PERIOD
from tests.i18n.welsh_council import welsh_council
from tests.returns.test_percent_typed import lo_type
from tests.returns.test_validate import full

WHEN = dt.datetime(2026, 9, 30, 9, 0)
# Mistakes planted in both twins: an off-target figure without a comment, a word for a figure, no verifier.
MISTAKES = {"SSM/026": {"actual": 300, "comment": ""}, "PAM/029": {"actual": "lots"}, "SSM/027": {"verified_by": ""}}


def _twin(tmp: Path, languages: tuple[str, ...]):
    config = load_config(welsh_council(tmp / "config", languages=languages))
    path = generate(config, PERIOD, tmp / "out", directorates=["SS"], generated_at=WHEN, password="x")[0].path
    return config, path


@pytest.fixture(scope="module")
def twins(tmp_path_factory):
    """(config, blank workbook) in English and in Welsh, from the same configuration."""
    return {lang: _twin(tmp_path_factory.mktemp(lang), (lang,)) for lang in ("en", "cy")}


def _filled(config, blank: Path, out: Path) -> Path:
    return fill_return(blank, full(config, "SS", **MISTAKES), out)


def _findings(result):
    return [(f.code, f.severity, f.sheet, f.cell, f.pi_ref) for f in result.findings]


def test_the_welsh_workbook_is_in_welsh_and_records_its_language(twins):
    _, path = twins["cy"]
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.RETURN_SHEET]
    header = [c.value for c in ws[layout.HEADER_ROW]][: len(layout.COLUMNS)]
    assert header[:3] == ["Cyf. DP", "Teitl", "Diffiniad"] and "Gwirioneddol" in header and "Sylw" in header
    assert ws.cell(layout.FIRST_ROW, layout.col_index("title") + 1).value == "Teitl Cymraeg PAM/025"
    assert ws["A1"].value.startswith("Cyngor Bwrdeistref Sirol Cwm Derwen: Gwasanaethau Cymdeithasol, Chwarter 2 2026-27 (Gorffennaf i Medi 2026)")
    assert ws["A2"].value.startswith("Dychwelwch erbyn Dydd Gwener 23 Hydref 2026.")
    assert "Tudalen &P o &N" in ws.oddFooter.center.text
    instructions = [c.value for c in wb[layout.INSTRUCTIONS_SHEET]["A"] if c.value]
    assert instructions[1] == "Ffurflen perfformiad chwarterol: Gwasanaethau Cymdeithasol"
    english = [c.value for c in openpyxl.load_workbook(twins["en"][1])[layout.INSTRUCTIONS_SHEET]["A"] if c.value]
    pi_part = english[: english.index("Please do not") + 3]  # the Actions section is English still (see README)
    assert not set(pi_part) & set(instructions), "an instruction of the PIs is in English in the Welsh workbook"
    assert read_return(path.read_bytes(), path.name).languages == ("cy",)
    assert read_return(twins["en"][1].read_bytes(), "en.xlsx").languages == ("en",)


def test_a_welsh_return_is_read_with_the_same_findings_as_its_english_twin_in_welsh(twins, tmp_path):
    results = {}
    for lang, (config, blank) in twins.items():
        filled = _filled(config, blank, tmp_path / f"{lang}.xlsx")
        results[lang] = validate_bytes(filled.read_bytes(), filled.name, config, PERIOD)
    en, cy = results["en"], results["cy"]
    assert en.outcome == cy.outcome == "accepted"
    assert _findings(cy) == _findings(en) and {f.code for f in en.findings} >= {"comment_required", "not_a_number", "verifier_missing"}
    assert [(v.pi_ref, v.actual, v.cell, v.comment) for v in cy.values] == [(v.pi_ref, v.actual, v.cell, v.comment) for v in en.values]
    welsh = {f.code: f.message for f in cy.findings}
    assert welsh["comment_required"] == ("mae SSM/026 oddi ar y targed (300 yn erbyn 240): ychwanegwch sylw yn dweud pam, a beth sy'n cael ei wneud.")
    assert welsh["verifier_missing"] == "nid yw SSM/027 yn dweud pwy a'i gwiriodd: mae enw perchennog y DP yn mynd yn 'Gwiriwyd gan'."
    assert welsh["not_a_number"].startswith("nid yw'r ffigur Gwirioneddol ar gyfer PAM/029 yn rhif: ")
    english = {f.code: f.message for f in en.findings}
    assert english["comment_required"] == "SSM/026 is off target (300 against 240): please add a comment saying why, and what is being done."


def test_a_pre_filled_welsh_title_changed_is_named_by_its_welsh_heading(twins, tmp_path):
    config, blank = twins["cy"]
    filled = _filled(config, blank, tmp_path / "cy.xlsx")
    wb = openpyxl.load_workbook(filled)
    wb[layout.RETURN_SHEET].cell(layout.FIRST_ROW, layout.col_index("title") + 1).value = "Rhywbeth arall"
    wb.save(filled)
    result = validate_bytes(filled.read_bytes(), filled.name, config, PERIOD)
    altered = [f for f in result.findings if f.code == "locked_altered"]
    assert [(f.cell, f.pi_ref) for f in altered] == [(layout.cell("title", layout.FIRST_ROW), "PAM/025")]
    assert altered[0].message.startswith("newidiwyd y 'Teitl' a lenwyd ymlaen llaw ar gyfer PAM/025 o 'Teitl Cymraeg PAM/025' i 'Rhywbeth arall'.")


def test_an_english_return_read_against_a_welsh_configuration_keeps_its_english_fingerprint(twins, tmp_path):
    """The spec is rebuilt in the language the workbook records, not the one the configuration now says."""
    config_en, blank_en = twins["en"]
    config_cy, _ = twins["cy"]
    filled = fill_return(blank_en, full(config_en, "SS"), tmp_path / "en.xlsx")
    result = validate_bytes(filled.read_bytes(), filled.name, config_cy, PERIOD)
    assert result.outcome == "accepted", _findings(result)


def test_typed_in_libreoffice_a_welsh_return_shows_welsh_live_checks_and_reads_as_its_english_twin(twins, tmp_path):
    r26 = layout.row_of(7)  # SSM/026, days, lower is better, target 240: the eighth PI
    results = {}
    for lang, (config, blank) in twins.items():
        assert openpyxl.load_workbook(blank)[layout.RETURN_SHEET][layout.cell("ref", r26)].value == "SSM/026"
        filled = fill_return(blank, full(config, "SS"), tmp_path / f"{lang}-filled.xlsx")
        typed = {layout.cell("actual", r26): "300", layout.cell("comment", r26): " "}
        out = lo_type(filled, tmp_path / f"{lang}-typed.xlsx", tmp_path / f"profile-{lang}", typed)
        ws = openpyxl.load_workbook(out, data_only=True)[layout.RETURN_SHEET]
        results[lang] = (ws[layout.cell("status", r26)].value, ws[layout.cell("check", r26)].value)
        results[lang + "-findings"] = _findings(validate_bytes(out.read_bytes(), out.name, config, PERIOD))
    assert results["cy"] == ("✖ Oddi ar y targed", "Angen sylw")
    assert results["en"] == ("✖ Off target", "Comment required")
    assert results["cy-findings"] == results["en-findings"]
    assert ("comment_required", "error", layout.RETURN_SHEET, layout.cell("comment", r26), "SSM/026") in results["cy-findings"]


def test_welsh_no_data_words_are_read_as_no_data_in_either_language(twins, tmp_path):
    for lang, (config, blank) in twins.items():
        filled = fill_return(blank, full(config, "SS", **{"SSM/027": {"actual": "amh"}}), tmp_path / f"{lang}.xlsx")
        result = validate_bytes(filled.read_bytes(), filled.name, config, PERIOD)
        v = next(v for v in result.values if v.pi_ref == "SSM/027")
        assert v.actual is None and [f.code for f in result.findings if f.pi_ref == "SSM/027"] == ["value_missing"]


def test_a_bilingual_workbook_puts_welsh_first_in_each_heading_and_instruction(tmp_path):
    config, path = _twin(tmp_path, ("cy", "en"))
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.RETURN_SHEET]
    header = [c.value for c in ws[layout.HEADER_ROW]][: len(layout.COLUMNS)]
    assert header[layout.col_index("actual")] == "Gwirioneddol / Actual"
    assert all(" / " in h and h.split(" / ")[1] == c.label for h, c in zip(header, layout.COLUMNS, strict=True) if h != c.label)
    assert ws.cell(layout.FIRST_ROW, layout.col_index("title") + 1).value.split("\n")[0] == "Teitl Cymraeg PAM/025"
    lines = [c.value for c in wb[layout.INSTRUCTIONS_SHEET]["A"] if c.value]
    assert lines[0] == "Cyngor Bwrdeistref Sirol Cwm Derwen / Cwm Derwen County Borough Council"
    assert lines.index("Cyfnod: Chwarter 2 2026-27 (Gorffennaf i Medi 2026)") + 1 == lines.index("Period: Quarter 2 2026-27 (July to September 2026)")
    assert "Ar gyfer pwy mae hon / Who this is for" in lines
    assert read_return(path.read_bytes(), path.name).languages == ("cy", "en")
    filled = fill_return(path, full(config, "SS"), tmp_path / "filled.xlsx")
    result = validate_bytes(filled.read_bytes(), filled.name, config, PERIOD)
    assert result.outcome == "accepted" and not result.errors, _findings(result)
    assert len(result.values) == 11


def test_every_message_has_welsh_flagged_unchecked():
    with package_catalogue("cy").open("rb") as f:
        catalogue = read_po(f, locale="cy")
    messages = [m for m in catalogue if m.id]
    assert [m.id for m in messages if not m.string] == []
    assert [m.id for m in messages if UNCHECKED not in m.flags] == []
    for needed in ("Gwirioneddol", "Cyf. DP", "Angen sylw"):
        assert needed in {m.string for m in messages}


def test_the_welsh_actions_sheet_lists_welsh_statuses_and_ratings_and_reads_them(twins, tmp_path):
    from pmf_pipeline.workbook import action_layout as al

    config, blank = twins["cy"]
    ws = openpyxl.load_workbook(blank)[al.ACTIONS_SHEET]
    header = [c.value for c in ws[al.HEADER_ROW]][: len(al.COLUMNS)]
    assert header[al.col_index("ref")] == "Cyf. cam gweithredu" and header[al.col_index("status")] == "Statws"
    lists = {str(dv.sqref)[:1]: dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert "Ar y gweill" in lists[al.col_letter("status")] and "Gwyrdd: yn ôl y cynllun" in lists[al.col_letter("rating")]
    english = fill_return(twins["en"][1], full(twins["en"][0], "SS"), tmp_path / "en.xlsx")
    welsh = fill_return(blank, full(config, "SS"), tmp_path / "cy.xlsx")  # sound updates, typed as the Welsh lists offer them
    typed = openpyxl.load_workbook(welsh)[al.ACTIONS_SHEET][al.cell("status", al.FIRST_ROW)].value
    assert typed in ("Ar y gweill", "Wedi'i gwblhau")
    results = {lang: validate_bytes(p.read_bytes(), p.name, cfg, PERIOD) for lang, p, cfg in (("en", english, twins["en"][0]), ("cy", welsh, config))}
    assert _findings(results["cy"]) == _findings(results["en"])
    as_read = [(a.action_ref, a.status, a.percent_complete, a.rating, a.completed_on) for a in results["cy"].actions]
    assert as_read == [(a.action_ref, a.status, a.percent_complete, a.rating, a.completed_on) for a in results["en"].actions] and as_read


def test_an_added_sheet_and_a_deleted_row_are_told_in_welsh_with_the_codes_of_english(twins, tmp_path):
    results = {}
    for lang, (config, blank) in twins.items():
        filled = _filled(config, blank, tmp_path / f"{lang}.xlsx")
        wb = openpyxl.load_workbook(filled)
        wb.create_sheet("Nodiadau")
        wb[layout.RETURN_SHEET].delete_rows(layout.row_of(10))  # CPM/020, the last PI
        wb.save(filled)
        results[lang] = validate_bytes(filled.read_bytes(), filled.name, config, PERIOD)
    assert _findings(results["cy"]) == _findings(results["en"])
    welsh = {f.code: f.message for f in results["cy"].findings if f.code in ("sheets_changed", "rows_changed")}
    assert welsh == {
        "sheets_changed": "mae gan y llyfr gwaith ddalen 'Nodiadau' nad anfonwyd y ffurflen gyda hi; ni ddarllenwyd dim arni. "
        "Os oes ffigurau neu sylwadau ar gyfer y ffurflen hon arni, rhowch nhw ar y ddalen Return.",
        "rows_changed": "dilëwyd y rhes ar gyfer CPM/020: rhaid i bob DP a anfonwyd ddod yn ôl. Defnyddiwch y llyfr gwaith fel y'i hanfonwyd.",
    }


def test_an_action_without_a_status_is_told_in_welsh_with_the_code_of_english(twins, tmp_path):
    from pmf_pipeline.workbook.fill import ActionEntry

    results = {}
    for lang, (config, blank) in twins.items():
        ref = openpyxl.load_workbook(blank)["Actions"]["A6"].value
        filled = fill_return(blank, full(config, "SS"), tmp_path / f"{lang}.xlsx", actions={ref: ActionEntry()})  # every action left blank
        results[lang] = validate_bytes(filled.read_bytes(), filled.name, config, PERIOD)
    assert _findings(results["cy"]) == _findings(results["en"])
    missing = [f.message for f in results["cy"].findings if f.code == "action_update_missing"]
    assert missing[0] == f"nid oes Statws ar gyfer {ref} y chwarter hwn: dewiswch un o'r rhestr, a rhowch ei % cwblhau a sylwebaeth."


def test_the_findings_workbook_of_a_welsh_return_is_in_welsh(twins, tmp_path):
    from pmf_pipeline.returns.findings_workbook import write_validation_report

    config, blank = twins["cy"]
    filled = _filled(config, blank, tmp_path / "cy.xlsx")
    result = validate_bytes(filled.read_bytes(), filled.name, config, PERIOD)
    ws = openpyxl.load_workbook(write_validation_report(result, config, tmp_path / "findings"))["Findings"]
    assert ws["A1"].value == "Gwiriadau ar cy.xlsx"
    assert [c.value for c in ws[4]] == ["Difrifoldeb", "Cyf. DP", "Teitl y DP", "Dalen", "Cell", "Beth i'w wneud", "Rheol"]
    first = next(r for r in ws.iter_rows(min_row=5, values_only=True) if r[1] == "SSM/026")  # errors come first
    assert first[:3] == ("GWALL", "SSM/026", "Teitl Cymraeg SSM/026") and first[5].startswith("mae SSM/026 oddi ar y targed")


def test_every_rule_and_list_of_a_bilingual_workbook_keeps_within_excels_255_characters(tmp_path):
    _, path = _twin(tmp_path, ("cy", "en"))
    wb = openpyxl.load_workbook(path)
    rules = [dv for name in ("Return", "Actions") for dv in wb[name].data_validations.dataValidation]
    assert rules and all(len(dv.formula1 or "") <= 255 for dv in rules), max(len(dv.formula1 or "") for dv in rules)
    assert all(len(dv.prompt or "") <= 255 and len(dv.error or "") <= 255 for dv in rules)
