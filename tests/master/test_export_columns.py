"""Every column of the export, in CSV and xlsx: the list, the order, and the exact value of each.

The export is what the performance team hands on (to finance, to audit, to next year's targets), so
a renamed, dropped, re-ordered or re-spelt column is a change for its readers: it must fail here.
"""

from __future__ import annotations

import csv
from decimal import Decimal

import openpyxl
import pytest

from pmf_pipeline.master.export import COLUMNS, export_csv, export_xlsx
from pmf_pipeline.master.results import PIResult
from pmf_pipeline.rules.status import STATUS_LOOKS, STATUSES, TREND_LOOKS
from tests.conftest import PERIOD

PINNED_COLUMNS = (
    "period",
    "directorate",
    "pi_ref",
    "title",
    "type",
    "unit",
    "polarity",
    "target",
    "actual",
    "status",
    "trend",
    "rating",
    "previous_year_actual",
    "comment",
    "evidence",
    "updated_by",
    "verified_by",
    "awaiting_correction",
    "source",
)


def result(config, ref="SSM/019", **kw) -> PIResult:
    """A PI's result with every field set to a value no other field has, so a swapped column shows."""
    fields: dict = dict(
        pi=config.pis[ref],
        period=PERIOD,
        target=Decimal("80.0"),
        annual_target=Decimal("81.5"),
        actual=Decimal("61.04"),  # exported as reported: 61.0 (one decimal place)
        text=None,
        status="off_target",
        trend="declined_significantly",
        rating="unsatisfactory",
        previous_year_actual=Decimal("84.25"),  # 84.3: rounded half away from zero, as a reader sees it (not 84.2)
        comment="Swyddi gwag yn yr haf – two posts filled in September.",
        evidence="WP/2026-27/SSM019/Q2",
        updated_by="Siân Morgan",
        verified_by="Huw Jenkins",
        awaiting_correction=True,
        source="ss.xlsx, Return!M10",
        normalisation=None,
        history=(),
    )
    fields.update(kw)
    return PIResult(**fields)


def narrative(config) -> PIResult:
    return result(
        config,
        "CPM/006",
        target=None,
        actual=None,
        text="Milestones delivered.",
        status="not_rated",
        trend="no_comparison",
        rating="not_rated",
        previous_year_actual=None,
        comment="",
        evidence="",
        updated_by="",
        verified_by="",
        awaiting_correction=False,
        source="history",
    )


# column -> (CSV text, xlsx cell value) for result(config) on the first row
EXPECTED = {
    "period": ("2026-27-Q2", "2026-27-Q2"),
    "directorate": ("SS", "SS"),
    "pi_ref": ("SSM/019", "SSM/019"),
    "title": (
        "Percentage of reviews of care and support plans for adults carried out within agreed timescales",
        "Percentage of reviews of care and support plans for adults carried out within agreed timescales",
    ),
    "type": ("social_services", "social_services"),
    "unit": ("percentage", "percentage"),
    "polarity": ("higher", "higher"),
    "target": ("80.0", 80.0),
    "actual": ("61.0", 61.0),
    "status": ("off_target", "✖ off_target"),
    "trend": ("declined_significantly", "⇊ declined_significantly"),
    "rating": ("unsatisfactory", "unsatisfactory"),
    "previous_year_actual": ("84.3", 84.3),
    "comment": ("Swyddi gwag yn yr haf – two posts filled in September.", "Swyddi gwag yn yr haf – two posts filled in September."),
    "evidence": ("WP/2026-27/SSM019/Q2", "WP/2026-27/SSM019/Q2"),
    "updated_by": ("Siân Morgan", "Siân Morgan"),
    "verified_by": ("Huw Jenkins", "Huw Jenkins"),
    "awaiting_correction": ("yes", "yes"),
    "source": ("ss.xlsx, Return!M10", "ss.xlsx, Return!M10"),
}

# column -> (CSV, xlsx) for the narrative PI on the second row: text in Actual, blanks left blank
EXPECTED_NARRATIVE = {
    "pi_ref": ("CPM/006", "CPM/006"),
    "directorate": ("LS", "LS"),
    "type": ("local", "local"),
    "unit": ("narrative", "narrative"),
    "target": ("", None),
    "actual": ("Milestones delivered.", "Milestones delivered."),
    "status": ("not_rated", "○ not_rated"),
    "trend": ("no_comparison", "· no_comparison"),
    "rating": ("not_rated", "not_rated"),
    "previous_year_actual": ("", None),
    "comment": ("", None),
    "evidence": ("", None),
    "updated_by": ("", None),
    "verified_by": ("", None),
    "awaiting_correction": ("", None),
    "source": ("history", "history"),
}


@pytest.fixture(scope="module")
def exported(config, tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    results = [result(config), narrative(config)]
    export_csv(results, out / "e.csv")
    export_xlsx(results, out / "e.xlsx", "Example council: performance indicators")
    with (out / "e.csv").open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    ws = openpyxl.load_workbook(out / "e.xlsx")["Master"]
    sheet = [list(r) for r in ws.iter_rows(values_only=True)]
    return table, sheet, (out / "e.csv").read_bytes()


def test_the_column_list_and_order_are_pinned(exported):
    table, sheet, _ = exported
    assert COLUMNS == PINNED_COLUMNS
    assert tuple(table[0]) == PINNED_COLUMNS
    assert sheet[0][0] == "Example council: performance indicators"
    assert tuple(sheet[1]) == PINNED_COLUMNS
    assert len(table) == 3 and len(sheet) == 4  # the header and one line per PI (plus the xlsx title row)


def test_every_column_is_pinned_here():
    assert set(EXPECTED) == set(PINNED_COLUMNS)


@pytest.mark.parametrize("column", PINNED_COLUMNS)
def test_each_column_in_csv(exported, column):
    table, _, _ = exported
    assert table[1][PINNED_COLUMNS.index(column)] == EXPECTED[column][0]


@pytest.mark.parametrize("column", PINNED_COLUMNS)
def test_each_column_in_xlsx(exported, column):
    _, sheet, _ = exported
    assert sheet[2][PINNED_COLUMNS.index(column)] == EXPECTED[column][1]


@pytest.mark.parametrize("column", sorted(EXPECTED_NARRATIVE))
def test_a_narrative_pi_and_blank_fields(exported, column):
    table, sheet, _ = exported
    i = PINNED_COLUMNS.index(column)
    assert (table[2][i], sheet[3][i]) == EXPECTED_NARRATIVE[column]


def test_csv_is_utf8_with_a_byte_order_mark_and_crlf_lines(exported):
    """What Excel on Windows needs to open the file with Welsh names intact, one record per line."""
    _, _, raw = exported
    assert raw.startswith(b"\xef\xbb\xbfperiod,directorate,pi_ref,")
    assert raw.count(b"\r\n") == 3 and "Siân".encode() in raw


def test_xlsx_numbers_are_numbers_and_text_is_text(config, tmp_path):
    """Figures are numeric cells (so the team can sum and filter); a comment that looks like a formula stays text."""
    r = result(config, comment="=1+1", updated_by="+44 1234", verified_by="-", source="@x")
    export_xlsx([r], tmp_path / "e.xlsx", "t")
    export_csv([r], tmp_path / "e.csv")
    ws = openpyxl.load_workbook(tmp_path / "e.xlsx")["Master"]
    cells = {c: ws.cell(row=3, column=PINNED_COLUMNS.index(c) + 1) for c in PINNED_COLUMNS}
    assert [cells[c].data_type for c in ("target", "actual", "previous_year_actual")] == ["n", "n", "n"]
    assert [(cells[c].value, cells[c].data_type) for c in ("comment", "updated_by", "verified_by", "source")] == [
        ("=1+1", "s"),
        ("+44 1234", "s"),
        ("-", "s"),
        ("@x", "s"),
    ]
    with (tmp_path / "e.csv").open(encoding="utf-8-sig", newline="") as f:
        row = list(csv.DictReader(f))[0]
    assert [row[c] for c in ("comment", "updated_by", "verified_by", "source")] == ["'=1+1", "'+44 1234", "'-", "'@x"]


def test_xlsx_layout_the_team_relies_on(exported, tmp_path, config):
    export_xlsx([result(config)], tmp_path / "e.xlsx", "t")
    ws = openpyxl.load_workbook(tmp_path / "e.xlsx")["Master"]
    assert ws.freeze_panes == "D3" and ws.auto_filter.ref == "A2:S3"
    status = ws.cell(row=3, column=PINNED_COLUMNS.index("status") + 1)
    assert (status.fill.fill_type, status.fill.fgColor.rgb) == ("solid", "00f4b6b0")  # off target's colour, with its symbol
    assert (ws["A1"].font.b, ws["A1"].font.sz) == (True, 14)
    for c in ws[2]:  # the header: bold white on dark blue
        assert (c.font.b, c.font.color.rgb, c.fill.fill_type, c.fill.fgColor.rgb) == (True, "00FFFFFF", "solid", "001F3864")
    wrapped = [c.column_letter for c in ws[3] if c.alignment.wrap_text]
    assert wrapped == ["D", "N"] and {c.alignment.vertical for c in ws[3]} == {"top"}  # title and comment wrap; every cell top-aligned
    assert {
        k: ws.column_dimensions[ws.cell(row=2, column=i + 1).column_letter].width
        for i, k in enumerate(PINNED_COLUMNS)
        if k in ("title", "comment", "source", "pi_ref")
    } == {
        "pi_ref": 14,
        "title": 50,
        "comment": 60,
        "source": 40,
    }


def test_a_target_held_in_exponent_form_is_written_out(config, tmp_path):
    """A Decimal like 5E+2 (as arithmetic can leave it) is exported as 500, never as 5E+2."""
    export_csv([result(config, target=Decimal("5E+2"))], tmp_path / "e.csv")
    with (tmp_path / "e.csv").open(encoding="utf-8-sig", newline="") as f:
        assert list(csv.DictReader(f))[0]["target"] == "500"


# Each status and trend code as the export spells it: the code in CSV; the symbol and the code in xlsx.
STATUS_SPELLING = {
    "met": "✔ met",
    "within_tolerance": "▲ within_tolerance",
    "off_target": "✖ off_target",
    "not_rated": "○ not_rated",
    "no_data": "– no_data",
}
TREND_SPELLING = {
    "improved": "↑ improved",
    "maintained": "→ maintained",
    "declined": "↓ declined",
    "declined_significantly": "⇊ declined_significantly",
    "no_comparison": "· no_comparison",
}


def test_the_codes_spelt_are_all_the_codes():
    assert tuple(STATUS_SPELLING) == STATUSES == tuple(STATUS_LOOKS)
    assert tuple(TREND_SPELLING) == tuple(TREND_LOOKS)


@pytest.mark.parametrize("kind, code", [("status", c) for c in STATUS_SPELLING] + [("trend", c) for c in TREND_SPELLING])
def test_each_status_and_trend_code_is_spelt_the_same_way(config, tmp_path, kind, code):
    r = result(config, **{kind: code})
    export_csv([r], tmp_path / "e.csv")
    export_xlsx([r], tmp_path / "e.xlsx", "t")
    with (tmp_path / "e.csv").open(encoding="utf-8-sig", newline="") as f:
        assert list(csv.DictReader(f))[0][kind] == code
    ws = openpyxl.load_workbook(tmp_path / "e.xlsx")["Master"]
    spelt = (STATUS_SPELLING if kind == "status" else TREND_SPELLING)[code]
    assert ws.cell(row=3, column=PINNED_COLUMNS.index(kind) + 1).value == spelt


def test_period_column_is_the_period_code_not_its_label(config, tmp_path):
    from pmf_pipeline.periods import Period

    r = result(config, period=Period.parse("2025-26-Q4"))
    export_csv([r], tmp_path / "e.csv")
    with (tmp_path / "e.csv").open(encoding="utf-8-sig", newline="") as f:
        assert list(csv.DictReader(f))[0]["period"] == "2025-26-Q4"
