"""The PDF packs are tagged: a screen reader finds their language, title, headings, table headers and
charts' text, read back from the structure tree of the real PDFs (pikepdf) and by poppler's pdfinfo."""

from __future__ import annotations

import html
import re
import subprocess
from collections.abc import Iterator

import pikepdf
import pytest

from pmf_pipeline.packs.render import render_packs
from tests.conftest import need_program
from tests.packs import test_packs as sample

# The sample quarter's packs, with the hostile and multi-line comments of tests/packs/test_packs.py.
data = sample.data
packs = sample.packs
bilingual_packs = sample.bilingual_packs  # in Welsh and in English: each with its own language


@pytest.fixture(scope="module")
def rendered(bilingual_packs, tmp_path_factory):
    return render_packs(bilingual_packs, tmp_path_factory.mktemp("pdf"), pdf=True)


def kids(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    """The structure elements under ``element`` (marked-content numbers and object references left out)."""
    k = element.get("/K")
    if k is None:
        return []
    items = list(k) if isinstance(k, pikepdf.Array) else [k]
    return [x for x in items if isinstance(x, pikepdf.Dictionary) and "/S" in x]


def walk(element: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
    for kid in kids(element):
        yield kid
        yield from walk(kid)


def lang_of(page: str) -> str:
    m = re.search(r'<html[^>]*\slang="([^"]+)"', page)
    assert m, "the pack's <html> has no lang"
    return m.group(1)


def title_of(page: str) -> str:
    m = re.search(r"<title>(.*?)</title>", page, re.S)
    assert m, "the pack has no <title>"
    return html.unescape(m.group(1))


def test_every_pdf_pack_is_tagged_with_its_language_title_headings_tables_and_figures(rendered):
    assert len(rendered) == 22  # each pack in Welsh and in English
    for r in rendered:
        page = r.html.read_text(encoding="utf-8")
        with pikepdf.open(r.pdf) as pdf:
            root = pdf.Root
            name = r.pdf.name
            # the language of the HTML, so a Welsh pack will say cy
            assert str(root.Lang) == lang_of(page), name
            assert bool(root.MarkInfo.Marked) is True, name
            assert bool(root.ViewerPreferences.DisplayDocTitle) is True, name  # the title, not the file name, in the window
            assert str(pdf.docinfo.Title) == title_of(page) and str(pdf.docinfo.Title).startswith(r.title), name
            elements = list(walk(root.StructTreeRoot))
            tags = [str(e.S) for e in elements]
            headings = sorted({int(t[2:]) for t in tags if re.fullmatch(r"/H[1-6]", t)})
            assert tags.count("/H1") == 1, name
            assert headings == list(range(1, max(headings) + 1)), (name, headings)  # no level skipped
            tables = [e for e in elements if e.S == "/Table"]
            assert tables, name
            for t in tables:
                cells = [str(e.S) for e in walk(t)]
                assert "/TH" in cells, (name, "a table without header cells", cells[:8])
            headed = 0
            for row in (e for e in elements if e.S == "/TR"):
                cells = kids(row)
                if cells and cells[0].S == "/TH" and "/ID" in cells[0]:  # a row headed by its PI (or directorate, objective)
                    headed += 1
                    for td in (c for c in cells if c.S == "/TD"):
                        assert cells[0].ID in list(td.A.get("/Headers", [])), (name, "a cell not tied to its row header")
            assert headed >= r.pages, name  # <th scope="row"> became row headers
            figures = [e for e in elements if e.S == "/Figure"]
            assert len(figures) == page.count("<svg"), name  # every chart is a figure
            for f in figures:
                assert str(f.get("/Alt", "")).startswith(("Yr wyth chwarter diwethaf: Ch", "Last eight quarters: Q")), (
                    name,
                    "a figure without alternative text",
                )


def test_pdfinfo_says_the_packs_are_tagged(rendered):
    pdfinfo = need_program("pdfinfo")
    for r in rendered:
        out = subprocess.run([pdfinfo, str(r.pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Tagged:\s+yes$", out, re.M), (r.pdf.name, out)
