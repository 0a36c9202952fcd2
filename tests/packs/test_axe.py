"""Every HTML pack of the sample quarter has no WCAG 2.2 AA violation that axe-core finds, laid out in
headless Chromium at a laptop's width and at a narrow one (where the wide tables scroll sideways).

axe-core comes from the npm registry (``package.json`` at the repository's root; ``npm ci`` puts it
in ``node_modules/``, as ``.ci/run`` does). Without Chromium or axe-core the test is skipped locally,
never in CI.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
from pathlib import Path

import pytest

from pmf_pipeline.packs.render import render_html
from tests.conftest import ROOT, need_program
from tests.packs import test_packs as sample
from tests.packs.browser import axe_results

# The sample quarter's packs, with the hostile and multi-line comments of tests/packs/test_packs.py.
data = sample.data
packs = sample.packs
bilingual_packs = sample.bilingual_packs  # in Welsh and in English: each with its own language

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 500)  # 500 px: the narrowest window headless Chromium opens


def need_axe() -> Path:
    """axe-core from ``npm ci``; skipped without it locally, never in CI."""
    if not AXE.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{AXE.relative_to(ROOT)} is required in CI (.ci/run runs npm ci)")
        pytest.skip("axe-core not installed: run `npm ci` in the repository")
    return AXE


def violations_report(results: dict[tuple[str, int], dict]) -> str:
    """Each violation's rule, what it asks for and where (the first few elements), by page and width."""
    lines = []
    for (name, width), got in results.items():
        if "error" in got:
            lines.append(f"{name} at {width} px: {got['error']}")
        for v in got.get("violations", []):
            lines.append(f"{name} at {width} px: {v['id']} ({v['impact']}): {v['help']}; {v['nodes']} elements: {', '.join(v['targets'][:3])}")
    return "\n".join(lines)


def axe_check(pages: dict[str, str], tmp_path: Path) -> dict[tuple[str, int], dict]:
    chromium = need_program("chromium")
    axe = need_axe()
    jobs = {}
    with cf.ThreadPoolExecutor(max_workers=2) as pool:  # a Chromium each: two at a time on a two-core machine
        for i, (name, page) in enumerate(pages.items()):
            for width in WIDTHS:
                work = tmp_path / f"{i}-{width}"
                work.mkdir()
                jobs[(name, width)] = pool.submit(axe_results, chromium, axe, page, width, work)
    return {key: job.result() for key, job in jobs.items()}


def test_no_pack_has_an_axe_violation_of_wcag_2_2_aa(bilingual_packs, tmp_path):
    pages = {p.slug: render_html(p) for p in bilingual_packs}
    assert len(pages) == 22  # each pack in Welsh and in English
    results = axe_check(pages, tmp_path)
    problems = violations_report(results)
    assert not problems, "axe-core found WCAG 2.2 AA violations:\n" + problems
    assert all(got["passes"] >= 20 for got in results.values()), results  # axe ran its rules, not nothing
