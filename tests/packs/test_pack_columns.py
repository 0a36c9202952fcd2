"""A pack's PI table: the fields of a pack row, the rendered header cells, and one row's cells.

Committee members read these tables; a dropped, renamed or re-ordered column is a change to what
Cabinet and scrutiny see, so the HTML is parsed and each cell pinned.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from pmf_pipeline.packs.build import period_packs
from pmf_pipeline.packs.content import Row
from pmf_pipeline.packs.render import render_html
from pmf_pipeline.returns.ingest import ingest
from tests.conftest import CONFIG, PERIOD, ROOT

WHEN = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.timezone.utc)


class Tables(HTMLParser):
    """The cells of every ``table.detail``: [table][row] -> list of (tag, text) cells, thead rows included."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[tuple[str, str]]]] = []
        self.depth = 0  # inside a detail table
        self.cell: list[str] | None = None
        self.skip = 0  # inside an inline SVG chart (its text is the chart's, not the table's)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and "detail" in classes:
            self.tables.append([])
            self.depth = 1
        elif self.depth and tag == "tr":
            self.tables[-1].append([])
        elif self.depth and tag in ("th", "td"):
            self.cell = []
            self.tag = tag
        elif tag == "svg":
            self.skip += 1
        elif tag == "br" and self.cell is not None:
            self.cell.append(" | ")

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "table" and self.depth:
            self.depth = 0
        elif tag == "svg":
            self.skip -= 1
        elif self.depth and tag in ("th", "td") and self.cell is not None:
            text = re.sub(r"\s+", " ", "".join(self.cell)).strip()
            self.tables[-1][-1].append((self.tag, text))
            self.cell = None

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self.cell is not None and not self.skip:
            self.cell.append(data)


@pytest.fixture(scope="module")
def social_services(config, tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    ingest(CONFIG, data, PERIOD, sorted((ROOT / "sample_workbooks").glob("*.xlsx")))
    pack = next(p for p in period_packs(config, data, PERIOD, WHEN, WHEN.date()) if p.slug.endswith("social-services-directorate"))
    parser = Tables()
    parser.feed(render_html(pack))
    return pack, parser.tables, render_html(pack)


def test_a_pack_row_has_these_fields():
    assert [f.name for f in dataclasses.fields(Row)] == [
        "ref",
        "title",
        "type",
        "unit",
        "directorate",
        "target",
        "actual",
        "last_year",
        "status",
        "trend",
        "rating",
        "comment",
        "chart",
        "benchmark",
        "awaiting_correction",
        "narrative",
    ]


HEADER = [
    ("th", "PI"),
    ("th", "Title"),
    ("th", "Target"),
    ("th", "Actual"),
    ("th", "Status"),
    ("th", "Same quarter last year"),
    ("th", "Trend"),
    ("th", "Last eight quarters"),
]


def test_the_table_headers(social_services):
    _, tables, _ = social_services
    assert tables, "no PI table in the pack"
    assert all(t[0] == HEADER for t in tables)


def rows_of(tables, ref):
    return [r for t in tables for r in t if r and r[0][1].startswith(ref + " ")]


def test_one_rows_cells(social_services):
    """SSM/026 (days, lower is better): every cell as a committee member reads it."""
    _, tables, _ = social_services
    row = rows_of(tables, "SSM/026")[0]
    assert row == [
        ("th", "SSM/026 | SSM"),
        ("td", "Average length of time (days) children remained on the Child Protection Register | Days · Social Services"),
        ("td", "240"),
        ("td", "235"),
        ("td", "✔ Met"),
        ("td", "254"),
        ("td", "↑ Improved"),
        ("td", ""),  # the chart: an SVG, pinned by tests/packs/test_charts.py
    ]


def test_an_off_target_figure_missing_its_comment_is_shown_and_rated(social_services):
    """SSM/019 is off target with no comment: its only fault is the missing comment, so it is rated and
    shown (the exceptions say the commentary is awaited), never held back."""
    _, tables, _ = social_services
    row = rows_of(tables, "SSM/019")[0]
    assert [c[1] for c in row[2:7]] == ["80.0", "61.0", "✖ Off target", "84.0", "⇊ Declined significantly"]


def test_a_comment_gets_a_row_of_its_own(social_services):
    _, tables, _ = social_services
    rows = [r for t in tables for r in t]
    i = next(i for i, r in enumerate(rows) if r and r[0][1].startswith("SSM/026 "))
    assert rows[i + 1] == [("td", ""), ("td", "Comment: On track. Figures checked against the service's case management system.")]


def test_packs_do_not_name_who_updated_or_verified_a_figure(social_services):
    """Names are for audit (the export, the audit sample), not for committee papers."""
    _, _, html = social_services
    assert "Siân Morgan" not in html and "Huw Jenkins" not in html
