"""Typed text made safe for every output, in one place; numbers stay numbers."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from pmf_pipeline.rules.text import MAX_TEXT, bounded, csv_safe, display_text, put, terminal_text


def test_controls_are_made_visible_and_bidi_overrides_removed():
    assert display_text("Late\x1b[2K\x07 paid \u202e1234\u202c ok\x7f\x85") == "Late␛[2K␇ paid 1234 ok␡\\x85"
    assert display_text("line one\r\nline two\rthree\tfour") == "line one\nline two\nthree\tfour"
    assert display_text("\u2066isolated\u2069 \u202aembedded\u202c") == "isolated embedded"
    assert display_text("Mae'r \u200fmarc ŵ ŷ, zero\u200bwidth") == "Mae'r \u200fmarc ŵ ŷ, zero\u200bwidth"  # marks and letters kept


def test_terminal_text_is_always_one_line():
    assert terminal_text("a\n  OK        fake.xlsx\r\x1b[1A") == "a␤  OK        fake.xlsx␤␛[1A"


def test_bounded_keeps_the_start_and_says_how_long_it_was():
    assert bounded("x" * MAX_TEXT) == "x" * MAX_TEXT
    assert bounded("x" * 1_000_000) == "x" * MAX_TEXT + " … [shortened: 1,000,000 characters in all]"


def test_csv_guards_text_and_leaves_numbers_as_numbers():
    assert csv_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_safe("-5") == "'-5"  # text that looks like a formula start
    assert csv_safe("-5", number=True) == "-5"  # a figure: a number
    assert csv_safe("-12.50", number=True) == "-12.50"
    assert csv_safe("-1+cmd", number=True) == "'-1+cmd"  # not a plain number: text, guarded
    assert csv_safe(Decimal("-5")) == Decimal("-5") and csv_safe(-5) == -5 and csv_safe(None) is None
    assert csv_safe("ok\x1b[2K") == "ok␛[2K"


def test_put_writes_text_as_text_and_numbers_as_numbers():
    ws = openpyxl.Workbook().active
    put(ws["A1"], '=HYPERLINK("http://x","y")\x1b')
    put(ws["A2"], -5)
    assert ws["A1"].data_type == "s" and ws["A1"].value == '=HYPERLINK("http://x","y")␛'
    assert ws["A2"].data_type == "n" and ws["A2"].value == -5


@given(st.text())
def test_any_text_is_safe_for_xlsx_and_a_terminal(text):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    shown = display_text(text)
    assert not ILLEGAL_CHARACTERS_RE.search(shown)
    assert not any(0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in shown)
    line = terminal_text(text)
    assert not any(ord(c) < 0x20 and c != "\t" or 0x7F <= ord(c) <= 0x9F for c in line) and "\t" not in line
    shown.encode("utf-8")  # no lone surrogate left to break a writer
