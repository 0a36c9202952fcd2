"""Every validation rule, on real workbooks filled and edited as updaters do."""

from __future__ import annotations

import openpyxl
import pytest

from pmf_pipeline.returns.validate import validate_bytes
from pmf_pipeline.workbook import layout
from pmf_pipeline.workbook.fill import Entry, fill_return
from pmf_pipeline.workbook.spec import build_spec
from tests.conftest import PERIOD

GOOD = dict(comment="Checked.", evidence="WP/1", updated_by="A. Updater", verified_by="A. Owner")


def full(config, directorate, **overrides):
    """Entries for every PI of a directorate, on target, then the overrides (by PI ref)."""
    spec = build_spec(config, PERIOD, directorate)
    entries = {}
    for r in spec.rows:
        if r.pi.narrative:
            entries[r.pi.ref] = Entry(actual="On track.", **GOOD)
        elif r.pi.calculation:
            target = r.target if r.target is not None else 50
            # numerator / denominator x multiplier == target
            entries[r.pi.ref] = Entry(numerator=float(target) * 10, denominator=1000 if r.pi.calculation.multiplier == 100 else 10, **GOOD)
        else:
            entries[r.pi.ref] = Entry(actual=float(r.target if r.target is not None else (r.last_year or 10)), **GOOD)
    for ref, kw in overrides.items():
        entries[ref] = Entry(**{**entries[ref].__dict__, **kw})
    return entries


def check(blank, config, directorate, tmp_path, edit=None, **overrides):
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = fill_return(blank(directorate), full(config, directorate, **overrides), tmp_path / "r.xlsx")
    if edit:
        wb = openpyxl.load_workbook(path)
        edit(wb[layout.RETURN_SHEET], wb)
        wb.save(path)
    return validate_bytes(path.read_bytes(), path.name, config, PERIOD)


def codes(result):
    return {(f.code, f.pi_ref) for f in result.findings}


def test_a_clean_return_has_no_errors(blank, config, tmp_path):
    r = check(blank, config, "SS", tmp_path)
    assert r.outcome == "accepted" and r.errors == [], [f.message for f in r.errors]
    assert {v.pi_ref for v in r.values} == {x.pi.ref for x in build_spec(config, PERIOD, "SS").rows}


@pytest.mark.parametrize(
    "ref, change, code, cell_key",
    [
        ("SSM/026", dict(actual=None, comment=""), "value_missing", "actual"),
        ("SSM/026", dict(actual="about 240"), "not_a_number", "actual"),
        ("SSM/026", dict(actual=99999), "out_of_range", "actual"),
        ("PAM/028", dict(numerator=1200, denominator=1000), "numerator_exceeds_denominator", "numerator"),
        ("PAM/028", dict(numerator=5, denominator=0), "denominator_zero", "denominator"),
        ("PAM/028", dict(numerator=5, denominator=""), "calculation_incomplete", "denominator"),
        ("PAM/028", dict(actual=50), "actual_disagrees", "actual"),
        ("SSM/019", dict(numerator=500, denominator=1000, comment=""), "comment_required", "comment"),
        ("PAM/028", dict(evidence=""), "evidence_missing", "evidence"),
    ],
)
def test_each_error_rule_names_cell_and_pi(blank, config, tmp_path, ref, change, code, cell_key):
    r = check(blank, config, "SS", tmp_path, **{ref: change})
    hits = [f for f in r.findings if f.code == code and f.pi_ref == ref]
    assert hits, [(f.code, f.pi_ref, f.message) for f in r.findings]
    f = hits[0]
    assert f.severity == "error" and f.sheet == "Return" and f.file == "r.xlsx"
    row = layout.row_of([x.pi.ref for x in build_spec(config, PERIOD, "SS").rows].index(ref))
    assert f.cell == layout.cell(cell_key, row)
    assert ref in f.message
    bad = next(v for v in r.values if v.pi_ref == ref)
    # an unsound figure is held back; a sound one missing only its comment or evidence is shown and chased
    assert bad.has_error == (code not in ("comment_required", "evidence_missing"))


def test_no_data_with_explanation_is_a_warning_and_stays_missing(blank, config, tmp_path):
    r = check(blank, config, "SS", tmp_path, **{"SSM/026": dict(actual="n/a", comment="System down")})
    f = next(f for f in r.findings if f.pi_ref == "SSM/026")
    assert (f.code, f.severity) == ("value_missing", "warning")
    assert next(v for v in r.values if v.pi_ref == "SSM/026").actual is None


def test_normalisations_are_recorded(blank, config, tmp_path):
    r = check(blank, config, "CR", tmp_path, **{"CPM/079": dict(actual="60%"), "CPM/074": dict(actual="£1,200,000")})
    v = {x.pi_ref: x for x in r.values}
    assert v["CPM/079"].actual == 60 and "% sign removed" in v["CPM/079"].normalisation and v["CPM/079"].typed == "60%"
    assert v["CPM/074"].actual == 1200000 and "currency sign removed" in v["CPM/074"].normalisation


def test_warnings(blank, config, tmp_path):
    r = check(blank, config, "CR", tmp_path, **{"CPM/073": dict(actual=40, comment="Backlog"), "CPM/072": dict(verified_by="")})
    assert ("suspicious_swing", "CPM/073") in codes(r)
    assert ("verifier_missing", "CPM/072") in codes(r)
    assert all(f.severity == "warning" for f in r.findings if f.code in ("suspicious_swing", "verifier_missing"))


def test_cumulative_lower_than_last_quarter(blank, config, tmp_path):
    q1 = config.history[("CPM/074", PERIOD.previous())].actual
    r = check(blank, config, "CR", tmp_path, **{"CPM/074": dict(actual=float(q1) - 1, comment="Refunds")})
    assert ("cumulative_fell", "CPM/074") in codes(r)


def test_locked_content_altered(blank, config, tmp_path):
    def edit(ws, wb):
        ws[layout.cell("target", layout.FIRST_ROW)] = 1
        ws[layout.cell("title", layout.FIRST_ROW + 1)] = "Something else"

    r = check(blank, config, "SS", tmp_path, edit=edit)
    altered = [f for f in r.findings if f.code == "locked_altered"]
    assert {f.cell for f in altered} == {layout.cell("target", layout.FIRST_ROW), layout.cell("title", layout.FIRST_ROW + 1)}


def _swap_rows(ws, wb):
    a, b = layout.FIRST_ROW, layout.FIRST_ROW + 1
    for col in range(1, len(layout.COLUMNS) + 1):
        x, y = ws.cell(row=a, column=col), ws.cell(row=b, column=col)
        x.value, y.value = y.value, x.value


def test_reordered_rows_are_accepted_with_a_warning_and_read_by_reference(blank, config, tmp_path):
    r = check(blank, config, "SS", tmp_path, edit=_swap_rows)
    (f,) = [f for f in r.findings if f.code == "rows_reordered"]
    assert (f.severity, f.sheet, f.cell, f.message) == (
        "warning",
        "Return",
        None,
        "the rows have been re-ordered or sorted; every figure was still read from its own PI's row, "
        "so nothing needs doing for this return. Please keep the order as sent next time.",
    )
    assert r.outcome == "accepted" and not r.errors
    assert {v.pi_ref for v in r.values} == {x.pi.ref for x in build_spec(config, PERIOD, "SS").rows}
    assert not any(v.has_error for v in r.values)


def test_rows_sorted_by_title_are_read_by_reference(blank, config, tmp_path):
    def sort_by_title(ws, wb):
        first, n = layout.FIRST_ROW, len(build_spec(config, PERIOD, "SS").rows)
        width = len(layout.COLUMNS)
        rows = [[ws.cell(row=first + i, column=c).value for c in range(1, width + 1)] for i in range(n)]
        rows.sort(key=lambda r: r[layout.col_index("title")])
        for i, values in enumerate(rows):
            for c, value in enumerate(values, start=1):
                ws.cell(row=first + i, column=c).value = value

    r = check(blank, config, "SS", tmp_path, edit=sort_by_title)
    assert [f.code for f in r.findings if f.severity == "error"] == []
    assert [f.code for f in r.findings if f.code == "rows_reordered"] == ["rows_reordered"]
    good = check(blank, config, "SS", tmp_path / "good")
    assert {v.pi_ref: v.actual for v in r.values} == {v.pi_ref: v.actual for v in good.values}


def test_an_inserted_column_is_named_and_figures_are_matched_by_heading(blank, config, tmp_path):
    def insert_notes(ws, wb):
        at = layout.col_index("actual") + 1  # before Actual: every column from Actual on moves right
        ws.insert_cols(at)
        ws.cell(row=layout.HEADER_ROW, column=at).value = "My notes"
        ws.cell(row=layout.FIRST_ROW, column=at).value = "ignore me"

    r = check(blank, config, "SS", tmp_path, edit=insert_notes)
    (f,) = [f for f in r.findings if f.code == "columns_inserted"]
    assert (f.severity, f.cell, f.message) == (
        "warning",
        f"M{layout.HEADER_ROW}",
        "column M (headed 'My notes') was inserted; every figure was still matched by its column heading and nothing in it was read. "
        "Please leave the columns as sent next time.",
    )
    assert r.outcome == "accepted" and not r.errors, [x.message for x in r.errors]
    good = check(blank, config, "SS", tmp_path / "good")
    assert {v.pi_ref: v.actual for v in r.values} == {v.pi_ref: v.actual for v in good.values}
    # a finding about a figure names the cell where the figure now is (column N, not M)
    bad = check(blank, config, "SS", tmp_path / "bad", edit=insert_notes, **{"SSM/026": dict(actual="about 240")})
    (nan,) = [x for x in bad.findings if x.code == "not_a_number"]
    row = layout.row_of([x.pi.ref for x in build_spec(config, PERIOD, "SS").rows].index("SSM/026"))
    assert nan.cell == f"N{row}"


def test_a_renamed_heading_rejects_the_return_naming_the_heading(blank, config, tmp_path):
    def rename(ws, wb):
        ws[layout.cell("actual", layout.HEADER_ROW)] = "Actual figure"

    r = check(blank, config, "SS", tmp_path, edit=rename)
    (f,) = [f for f in r.findings if f.code == "header_altered"]
    assert r.outcome == "rejected" and f.message == (
        "the column headings of the Return sheet have been changed: 'Actual' is missing, renamed or repeated, "
        "so the figures cannot be matched to their columns. Please put the figures into the workbook as sent."
    )


def test_an_added_sheet_is_reported_and_not_read(blank, config, tmp_path):
    def add_sheet(ws, wb):
        wb.create_sheet("My workings")["A1"] = 123

    r = check(blank, config, "SS", tmp_path, edit=add_sheet)
    (f,) = [f for f in r.findings if f.code == "sheets_changed"]
    assert (f.severity, f.sheet, f.message) == (
        "warning",
        "My workings",
        "the workbook has a sheet 'My workings' that the return was not sent with; nothing on it was read. "
        "If it holds figures or comments for this return, put them on the Return sheet.",
    )
    assert r.outcome == "accepted" and not r.errors


def test_deleted_inserted_duplicated_and_not_due_rows(blank, config, tmp_path):
    def edit(ws, wb):
        first = [ws.cell(row=layout.FIRST_ROW, column=c).value for c in range(1, 20)]
        ws.delete_rows(layout.FIRST_ROW + 2)
        last = layout.FIRST_ROW + 20
        for c, v in enumerate(first, start=1):
            ws.cell(row=last, column=c, value=v)  # a duplicate of the first PI
        ws[layout.cell("ref", last + 1)] = "PAM/020"  # an annual PI due in Q4
        ws[layout.cell("actual", last + 1)] = 4
        ws[layout.cell("actual", last + 2)] = 7  # figures on a row with no PI

    r = check(blank, config, "ENV", tmp_path, edit=edit)
    msgs = " | ".join(f.message for f in r.findings if f.code in ("rows_changed", "not_due"))
    refs = [x.pi.ref for x in build_spec(config, PERIOD, "ENV").rows]
    assert f"the row for {refs[2]} was deleted" in msgs
    last = layout.FIRST_ROW + 20
    assert f"{refs[0]} appears 2 times (rows {layout.FIRST_ROW}, {last}: cells A{layout.FIRST_ROW}, A{last}). Keep only its own row" in msgs
    # held back on this return: no figure, and not the figure of an earlier return either
    (dup,) = [v for v in r.values if v.pi_ref == refs[0]]
    assert (dup.actual, dup.has_error) == (None, True)
    assert any(f.code == "not_due" and f.pi_ref == "PAM/020" and "Q4" in f.message for f in r.findings)
    assert "has figures but no PI reference" in msgs


def test_excel_error_values(blank, config, tmp_path):
    def edit(ws, wb):
        pass

    path = fill_return(blank("SS"), full(config, "SS"), tmp_path / "r.xlsx")
    # Write a cached error value the way Excel and LibreOffice store it: <c t="e"><v>#DIV/0!</v></c>
    import re
    import zipfile

    with zipfile.ZipFile(path) as zf:
        parts = [(i, zf.read(i)) for i in zf.infolist()]
    row = layout.FIRST_ROW + 1  # PAM/028
    address = layout.cell("actual", row).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for info, blob in parts:
            if info.filename == "xl/worksheets/sheet2.xml":
                blob, n = re.subn(
                    rb'<c r="' + address + rb'"([^>]*)>.*?</c>', rb'<c r="' + address + rb'" t="e"><f>K7/L7</f><v>#DIV/0!</v></c>', blob, flags=re.S
                )
                assert n == 1
            zf.writestr(info, blob)
    r = validate_bytes(path.read_bytes(), "r.xlsx", config, PERIOD)
    f = next(f for f in r.findings if f.code == "excel_error")
    assert f.pi_ref == "PAM/028" and f.cell == address.decode() and "#DIV/0!" in f.message


def test_return_for_another_period_is_rejected(config, tmp_path):
    from pmf_pipeline.workbook.generate import generate

    other = generate(config, PERIOD.next(), tmp_path, directorates=["SS"])[0].path
    r = validate_bytes(other.read_bytes(), other.name, config, PERIOD)
    assert r.outcome == "rejected" and r.findings[0].code == "wrong_period"
    assert "Q3 2026-27, not Q2 2026-27" in r.findings[0].message


def test_return_from_older_targets_is_rejected(blank, config_dir, tmp_path):
    from pmf_pipeline.config import load_config

    path = blank("SS")
    text = (config_dir / "targets.csv").read_text().replace("PAM/028,2026-27,90.0", "PAM/028,2026-27,92.0")
    (config_dir / "targets.csv").write_text(text)
    r = validate_bytes(path.read_bytes(), path.name, load_config(config_dir), PERIOD)
    assert r.outcome == "rejected" and r.findings[0].code == "outdated_template"
    assert "targets or definitions differ" in r.findings[0].message
