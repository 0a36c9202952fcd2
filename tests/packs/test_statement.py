"""The accessibility statement, in English and Welsh, written beside the packs whenever they are rendered."""

from __future__ import annotations

import json
import re

from pmf_pipeline.master import paths
from pmf_pipeline.packs.statement import CONTACT_MARKER, STATEMENTS, render_statement
from pmf_pipeline.quarter import publish_packs, run_quarter
from tests.conftest import PERIOD, ROOT
from tests.packs.test_axe import axe_check, violations_report

COUNCIL = "Cwm Derwen County Borough Council"


def lang_of(page: str) -> str:
    m = re.search(r'<html[^>]*\slang="([^"]+)"', page)
    assert m, "no lang on <html>"
    return m.group(1)


def test_pmf_quarter_writes_both_statements_beside_the_packs_and_records_them(config_dir, tmp_path):
    data, out = tmp_path / "data", tmp_path / "packs"
    first = run_quarter(config_dir, data, PERIOD, ROOT / "sample_workbooks", out, pdf=False)
    assert first.changed
    english, welsh = (out / "accessibility-statement.html").read_text(encoding="utf-8"), (out / "datganiad-hygyrchedd.html").read_text(encoding="utf-8")
    assert lang_of(english) == "en-GB" and lang_of(welsh) == "cy"
    for page in (english, welsh):
        assert f'<p class="council">{COUNCIL}</p>' in page and "<h1" in page
        assert f"<strong>{CONTACT_MARKER}</strong>" in page  # the sample council has no contact: the marker it must replace
    assert "WCAG" in english and "axe-core" in english
    assert "not yet checked by a welsh speaker" in welsh.lower()  # until a translator has reviewed it
    manifest = json.loads(paths.manifest_path(data, PERIOD).read_text(encoding="utf-8"))
    recorded = manifest["publications"][-1]["statements"]
    assert [(s["lang"], s["html"].rsplit("/", 1)[-1]) for s in recorded] == [("en", "accessibility-statement.html"), ("cy", "datganiad-hygyrchedd.html")]

    # run again: nothing changed, nothing written
    stamp = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    again = run_quarter(config_dir, data, PERIOD, ROOT / "sample_workbooks", out, pdf=False)
    assert not again.changed and {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamp

    # a statement deleted from the packs folder is written again; the packs are kept as they are
    (out / "datganiad-hygyrchedd.html").unlink()
    third = run_quarter(config_dir, data, PERIOD, ROOT / "sample_workbooks", out, pdf=False)
    assert third.changed and third.rerendered == 0
    assert (out / "datganiad-hygyrchedd.html").read_text(encoding="utf-8") == welsh
    packs = {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.name.startswith(str(PERIOD))}
    assert packs == {k: v for k, v in stamp.items() if k.startswith(str(PERIOD))}


def test_pmf_report_writes_the_statements_with_the_councils_contact(config_dir, tmp_path):
    fw = config_dir / "framework.yaml"
    fw.write_text(fw.read_text(encoding="utf-8") + "contact: accessibility@cwmderwen.gov.uk or 01234 567890 <Customer Contact Centre>\n", encoding="utf-8")
    data, out = tmp_path / "data", tmp_path / "packs"
    run_quarter(config_dir, data, PERIOD, ROOT / "sample_workbooks", tmp_path / "first", pdf=False)
    publish_packs(config_dir, data, PERIOD, out, pdf=False)
    for s in STATEMENTS:
        page = (out / s.file_name).read_text(encoding="utf-8")
        assert "<strong>accessibility@cwmderwen.gov.uk or 01234 567890 &lt;Customer Contact Centre&gt;</strong>" in page, s.lang
        assert CONTACT_MARKER not in page
    manifest = json.loads(paths.manifest_path(data, PERIOD).read_text(encoding="utf-8"))
    assert manifest["publications"][-1]["command"] == "report" and len(manifest["publications"][-1]["statements"]) == 2


def test_the_statements_have_no_axe_violation(tmp_path):
    pages = {s.file_name: render_statement(s, COUNCIL, "accessibility@example.gov.uk") for s in STATEMENTS}
    results = axe_check(pages, tmp_path)
    problems = violations_report(results)
    assert not problems, "axe-core found WCAG 2.2 AA violations:\n" + problems
    assert all(got["passes"] >= 10 for got in results.values()), results
