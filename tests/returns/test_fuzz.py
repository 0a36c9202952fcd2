"""Fuzzing what a return can hold: no figure, text or hidden metadata raises; each is a finding at most.

Raw returns are made as the reader makes them (``RawReturn``/``RawRow``) from a real sample return,
with the fuzzed values put where an updater or a hostile sender could put them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from pmf_pipeline.errors import WorkbookError
from pmf_pipeline.returns.findings import ReturnResult
from pmf_pipeline.returns.validate import validate_raw
from pmf_pipeline.rules.numbers import LARGEST, parse_number
from pmf_pipeline.rules.status import as_reported
from pmf_pipeline.rules.text import safe_name, terminal_text
from pmf_pipeline.workbook import layout
from pmf_pipeline.workbook.reader import RawReturn, RawRow, read_return
from tests.conftest import CONFIG, PERIOD, ROOT

SAMPLE = ROOT / "sample_workbooks" / "2026-27-Q2_SS_Social_Services_return.xlsx"
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def base() -> tuple[bytes, RawReturn]:
    data = SAMPLE.read_bytes()
    return data, read_return(data, SAMPLE.name)


@cache
def config():  # type: ignore[no-untyped-def]
    from pmf_pipeline.config import load_config

    return load_config(CONFIG)


def extreme_numbers() -> st.SearchStrategy[object]:
    """Figures at every extreme, as a number and as text."""
    exponents = st.integers(min_value=-(10**9), max_value=10**9)
    as_text = st.one_of(
        exponents.map(lambda e: f"1e{e}"),
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.text(alphabet="0123456789.,-+eE%£() \u00a0", max_size=40),
    )
    return st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(min_value=-(10**40), max_value=10**40),
        st.booleans(),
        st.none(),
        as_text,
        st.text(max_size=60),
    )


json_shapes = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=30,
)
meta_values = st.one_of(
    st.text(max_size=80),
    json_shapes.map(json.dumps),
    st.integers(min_value=1, max_value=3000).map(lambda n: "[" * n + "]" * n),  # nested deeper than a parser's stack
    extreme_numbers().map(str),
)


def check(raw: RawReturn, data: bytes) -> ReturnResult:
    result = validate_raw(raw, data, raw.file, config(), PERIOD)
    assert result.outcome in ("accepted", "rejected")
    for f in result.findings:
        assert f.message and f.code
    for v in result.values:  # whatever was kept is a figure every later step can use
        for x in (v.actual, v.numerator, v.denominator):
            assert x is None or (x.is_finite() and abs(x) < LARGEST * 100)
    return result


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["actual", "numerator", "denominator"]), extreme_numbers()), min_size=1, max_size=12), st.data())
def test_no_figure_raises(changes, data):
    blob, raw = base()
    rows = list(raw.rows)
    for key, value in changes:
        i = data.draw(st.integers(min_value=0, max_value=len(rows) - 1))
        rows[i] = RawRow(rows[i].row, {**rows[i].values, key: value}, rows[i].letters)
    check(dataclasses.replace(raw, rows=tuple(rows)), blob)


@FUZZ
@given(st.dictionaries(st.sampled_from(layout.META_KEYS), meta_values, max_size=len(layout.META_KEYS)))
def test_no_metadata_raises(changed):
    blob, raw = base()
    check(dataclasses.replace(raw, metadata={**raw.metadata, **changed}), blob)


@FUZZ
@given(st.dictionaries(st.sampled_from(layout.META_KEYS), st.one_of(meta_values, json_shapes, st.integers()), max_size=len(layout.META_KEYS)))
def test_metadata_of_any_type_is_taken_as_text(changed):
    """The reader gives text; a value of another type (from a future reader, or a test) is no crash either."""
    blob, raw = base()
    check(dataclasses.replace(raw, metadata={**raw.metadata, **changed}), blob)


@FUZZ
@given(extreme_numbers(), st.booleans())
def test_a_parsed_figure_is_always_safe_to_round_and_compare(raw, percentage):
    p = parse_number(raw, percentage)
    assert (p.value is None) or (p.problem is None)
    if p.value is not None:
        assert abs(p.value) < LARGEST
        for decimals in range(5):
            as_reported(p.value, decimals)  # the rounding that raised InvalidOperation on 1e999999999
        assert len(f"{p.value:f}") < 400  # shown without a runaway string (a spreadsheet number has at most ~330 digits)


@FUZZ
@given(st.text() | st.binary().map(lambda b: b.decode("utf-8", "surrogateescape")))
def test_a_safe_name_is_one_printable_line_and_stays_so(name):
    shown = safe_name(name)
    shown.encode("utf-8")  # never a surrogate: SQLite, JSON and workbooks take it
    assert safe_name(shown) == shown
    line = terminal_text(shown)  # and as every output shows it: one line, no control code
    assert "\n" not in line and "\x1b" not in line and "\r" not in line


cell_values = st.one_of(
    st.text(max_size=200).map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t)).filter(lambda t: not t.startswith("=")),  # as a workbook can hold
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)),
    json_shapes.map(json.dumps),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(layout.META_KEYS), cell_values, max_size=len(layout.META_KEYS)), st.lists(cell_values, max_size=6))
def test_the_reader_takes_any_metadata_cell(tmp_path_factory, changed, extra):
    """Real workbooks whose hidden metadata cells hold any type (and extra rows of anything): read and
    checked into findings; at worst a WorkbookError saying why, never anything else."""
    import openpyxl

    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb[layout.META_SHEET]
    for row in ws.iter_rows():
        if row[0].value in changed:
            row[1].value = changed[row[0].value]
    for value in extra:
        ws.append([value, value])
    out = tmp_path_factory.mktemp("fuzz") / "r.xlsx"
    wb.save(out)
    blob = out.read_bytes()
    try:
        raw = read_return(blob, "r.xlsx")
    except WorkbookError:
        return
    assert all(isinstance(v, str) for v in raw.metadata.values())
    check(raw, blob)
