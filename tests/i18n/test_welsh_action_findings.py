"""The Actions sheet's findings in a Welsh return: an altered sheet (rows, columns, headings), unreadable
dates, a % complete that is not a number or outside 0 to 100, a completed action left incomplete and a
rating that disagrees with progress each get the code and cell of the English twin, in Welsh.

The twins are those of ``test_workbook_welsh`` (the sample council with Welsh forms; Social Services'
workbook in English or in Welsh), filled soundly and then given the same mistakes.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from pmf_pipeline.returns.action_checks import number_problem
from pmf_pipeline.returns.validate import validate_bytes
from pmf_pipeline.workbook import action_layout as al
from pmf_pipeline.workbook.fill import fill_return
from tests.conftest import PERIOD
from tests.i18n.test_workbook_welsh import _findings, _twin
from tests.returns.test_validate import full

COMPLETED = {"en": "Completed", "cy": "Wedi'i gwblhau"}
GREEN = {"en": "Green", "cy": "Gwyrdd"}
ROW = {ref: al.FIRST_ROW + i for i, ref in enumerate(("C-WO3-01", "SP-ADS-01", "REG-CIW-01", "SP-CYP-01", "SP-CYP-02", "SP-CYP-03", "C-WO3-02"))}


@pytest.fixture(scope="module")
def twins(tmp_path_factory):
    return {lang: _twin(tmp_path_factory.mktemp(lang), (lang,)) for lang in ("en", "cy")}


def _returned(twins, tmp: Path, edit) -> dict:
    """Each twin filled soundly, ``edit(ws, lang)`` applied to its Actions sheet, and validated."""
    results = {}
    for lang, (config, blank) in twins.items():
        path = fill_return(blank, full(config, "SS"), tmp / f"{lang}.xlsx")
        wb = openpyxl.load_workbook(path)
        edit(wb[al.ACTIONS_SHEET], lang)
        wb.save(path)
        results[lang] = validate_bytes(path.read_bytes(), path.name, config, PERIOD)
    return results


def _update_mistakes(ws, lang):
    ws[al.cell("percent", ROW["C-WO3-01"])] = "lots"
    ws[al.cell("status", ROW["SP-ADS-01"])] = COMPLETED[lang]
    ws[al.cell("percent", ROW["SP-ADS-01"])] = 60
    ws[al.cell("completed_on", ROW["SP-ADS-01"])] = None
    ws[al.cell("revised_due", ROW["REG-CIW-01"])] = "31/02/2027"
    ws[al.cell("percent", ROW["SP-CYP-01"])] = 150
    ws[al.cell("rating", ROW["SP-CYP-02"])] = GREEN[lang]
    ws[al.cell("percent", ROW["SP-CYP-02"])] = 5
    ws[al.cell("completed_on", ROW["C-WO3-02"])] = "07/24/2026"


CODES = {"action_percent_invalid", "action_completed_incomplete", "action_date_invalid", "action_rating_inconsistent"}


def test_each_mistake_in_an_update_is_told_in_welsh_with_the_code_and_cell_of_english(twins, tmp_path):
    results = _returned(twins, tmp_path, _update_mistakes)
    en, cy = results["en"], results["cy"]
    assert _findings(cy) == _findings(en)
    assert {f.code for f in en.findings} >= CODES
    for e, w in zip(en.findings, cy.findings, strict=True):
        if e.code in CODES:
            assert w.message != e.message, e.message  # no English left in the Welsh return's findings
    welsh = {(f.code, f.pi_ref): f.message for f in cy.findings}
    assert welsh["action_date_invalid", "REG-CIW-01"] == (
        "Dyddiad dyledus diwygiedig REG-CIW-01: nid yw '31/02/2027' yn ddyddiad: nid oes diwrnod 31 ym mis Chwefror 2027; "
        "ysgrifennwch y dyddiad fel DD/MM/BBBB neu BBBB-MM-DD, e.e. 24/07/2026 neu 2026-07-24."
    )
    assert welsh["action_completed_incomplete", "SP-ADS-01"] == (
        "Wedi'i gwblhau yw Statws SP-ADS-01, ond mae'n 60% wedi'i gwblhau ac nid oes ganddo ddyddiad cwblhau: mae cam gweithredu "
        "a gwblhawyd yn 100% wedi'i gwblhau, gyda'r dyddiad y cafodd ei gwblhau. Teipiwch y ddau, neu dewiswch statws arall."
    )
    assert welsh["action_rating_inconsistent", "SP-CYP-02"] == (
        "Sgôr SP-CYP-02 yw 'Gwyrdd: yn ôl y cynllun', ond mae'n 5% wedi'i gwblhau yn erbyn 50% disgwyliedig erbyn diwedd y chwarter "
        "(oddi ar y trywydd o'i gymharu â'r cynnydd disgwyliedig). Gwiriwch y sgôr, neu eglurwch y rheswm yn y Sylwebaeth."
    )
    assert welsh["action_percent_invalid", "C-WO3-01"].startswith("nid yw'r % wedi'i gwblhau ar gyfer C-WO3-01 yn rhif: nid yw 'lots' yn rhif.")
    assert welsh["action_percent_invalid", "SP-CYP-01"].startswith("mae'r % wedi'i gwblhau ar gyfer SP-CYP-01 yn 150, y tu allan i 0 i 100.")
    assert welsh["action_date_invalid", "C-WO3-02"].startswith("Dyddiad cwblhau C-WO3-02: mae '07/24/2026' yn rhoi'r mis yn gyntaf")
    english = {(f.code, f.pi_ref): f.message for f in en.findings}  # as it always was
    assert english["action_completed_incomplete", "SP-ADS-01"] == (
        "SP-ADS-01 is marked Completed but is 60% complete and has no completion date: a completed action is 100% complete, "
        "with the date it was completed. Type both, or choose another status."
    )
    assert english["action_date_invalid", "REG-CIW-01"] == (
        "the Revised due date of REG-CIW-01: '31/02/2027' is not a date: February 2027 has no day 31; "
        "write the date as DD/MM/YYYY or YYYY-MM-DD, e.g. 24/07/2026 or 2026-07-24."
    )
    assert english["action_rating_inconsistent", "SP-CYP-02"] == (
        "SP-CYP-02 is rated Green: as planned but is 5% complete against 50% expected by the end of the quarter "
        "(off track on expected progress). Check the rating, or explain it in the Commentary."
    )


def _completed_without_anything(ws, lang):
    ws[al.cell("status", ROW["SP-ADS-01"])] = COMPLETED[lang]
    ws[al.cell("percent", ROW["SP-ADS-01"])] = None
    ws[al.cell("completed_on", ROW["SP-ADS-01"])] = None
    ws[al.cell("completed_on", ROW["C-WO3-02"])] = 46000  # a date typed as a number, in a cell formatted as a number
    ws[al.cell("completed_on", ROW["C-WO3-02"])].number_format = "General"


def test_a_completed_action_with_neither_figure_nor_date_and_a_date_typed_as_a_number(twins, tmp_path):
    results = _returned(twins, tmp_path, _completed_without_anything)
    assert _findings(results["cy"]) == _findings(results["en"])
    welsh = {(f.code, f.pi_ref): f.message for f in results["cy"].findings}
    assert welsh["action_completed_incomplete", "SP-ADS-01"].startswith(
        "Wedi'i gwblhau yw Statws SP-ADS-01, ond nid oes ganddo % wedi'i gwblhau na dyddiad cwblhau: "
    )
    assert welsh["action_date_invalid", "C-WO3-02"].startswith("Dyddiad cwblhau C-WO3-02: rhif yw '46000'; ysgrifennwch y dyddiad fel DD/MM/BBBB")


def _insert_column(ws, lang):  # found the Welsh headings 'Due' and 'Completion date' spelt alike (both read 'Dyddiad cwblhau')
    at = al.col_index("status") + 1
    ws.insert_cols(at)
    ws.cell(row=al.HEADER_ROW, column=at).value = "Nodiadau"


def _swap_rows(ws, lang):
    for col in range(1, len(al.COLUMNS) + 1):
        x, y = ws.cell(row=al.FIRST_ROW, column=col), ws.cell(row=al.FIRST_ROW + 1, column=col)
        x.value, y.value = y.value, x.value


def _add_and_duplicate(ws, lang):
    end = al.FIRST_ROW + len(ROW)
    ws[f"A{end}"], ws[al.cell("status", end)] = "SS.99", "In progress"
    for col in range(1, len(al.COLUMNS) + 1):
        ws.cell(row=end + 1, column=col).value = ws.cell(row=ROW["SP-CYP-01"], column=col).value
    ws[al.cell("status", end + 2)] = "In progress"  # an update on a row without a reference
    ws.delete_rows(ROW["C-WO3-02"])  # and one action's row deleted


def _rename_heading(ws, lang):
    ws[al.cell("commentary", al.HEADER_ROW)] = "Nodiadau"


def _delete_sheet(ws, lang):
    ws.parent.remove(ws)


@pytest.mark.parametrize(
    "edit, codes",
    [
        (_insert_column, {"columns_inserted"}),
        (_swap_rows, {"rows_reordered"}),
        (_add_and_duplicate, {"rows_changed"}),
        (_rename_heading, {"header_altered"}),
        (_delete_sheet, {"sheets_changed"}),
    ],
)
def test_an_altered_actions_sheet_is_told_in_welsh_with_the_codes_of_english(twins, tmp_path, edit, codes):
    results = _returned(twins, tmp_path, edit)
    en, cy = results["en"], results["cy"]
    assert _findings(cy) == _findings(en)
    about = [(e, w) for e, w in zip(en.findings, cy.findings, strict=True) if e.code in codes]
    assert about, [f.code for f in en.findings]
    assert all(w.message != e.message for e, w in about), [w.message for _, w in about]
    if edit is _swap_rows:
        assert about[0][1].message == (
            "aildrefnwyd neu drefnwyd rhesi'r ddalen Actions; darllenwyd pob diweddariad o res ei gam gweithredu ei hun serch hynny, "
            "felly nid oes angen gwneud dim ar gyfer y ffurflen hon. Cadwch y drefn fel y'i hanfonwyd y tro nesaf."
        )
    if edit is _add_and_duplicate:
        assert len(about) == 4  # the row without a reference, the copy, the added action and the deleted one


def test_why_a_figure_is_not_a_number_is_welsh_in_a_welsh_message_and_unchanged_in_english():
    for problem in ("'lots' is not a number", "'TRUE' is a true/false value, not a number", "the cell does not hold a finite number"):
        assert number_problem(problem, "en") == problem
        assert number_problem(problem, "cy") != problem
    assert number_problem("'lots' is not a number", "cy") == "nid yw 'lots' yn rhif"
    assert number_problem("a reason not yet in the catalogue", "cy") == "a reason not yet in the catalogue"
