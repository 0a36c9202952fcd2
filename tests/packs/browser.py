"""Lay packs out in headless Chromium and ask the page where things landed.

Each pack is put in an iframe of the width under test (Chromium's headless window is at least 500 px
wide, so an iframe is the way to lay a page out at 390 px, with its media queries), together with
a small script that measures with ``getBoundingClientRect`` and writes what it found into the outer
page; ``--dump-dom`` prints that page. Only Debian's ``chromium`` is needed: no driver, no protocol.
The packs themselves hold no script; the script is added to the copy laid out here.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

# For every badge in the exceptions and detail tables: each of its line boxes lies inside its own cell
# and none touches the row's commentary cell; and no cell of those tables has content wider than itself.
MEASURE = """<script>
(function () {
  var badges = 0, problems = [];
  var inside = function (r, c) { return r.left >= c.left - 0.5 && r.right <= c.right + 0.5 && r.top >= c.top - 0.5 && r.bottom <= c.bottom + 0.5; };
  var meet = function (a, b) { return a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5; };
  document.querySelectorAll("ROWS").forEach(function (tr) {
    var head = tr.querySelector("th");
    var ref = head ? head.firstChild.textContent.trim() : "(row)";
    var commentary = tr.querySelector("td.commentary");
    tr.querySelectorAll(".badge").forEach(function (badge) {
      badges += 1;
      var name = ref + " '" + badge.textContent.trim() + "'";
      var cell = badge.closest("td").getBoundingClientRect();
      Array.prototype.forEach.call(badge.getClientRects(), function (r) {
        if (!inside(r, cell)) problems.push(name + " runs out of its cell");
        if (commentary && meet(r, commentary.getBoundingClientRect())) problems.push(name + " overlaps the commentary");
      });
    });
    tr.querySelectorAll("td").forEach(function (td) {
      if (td.scrollWidth > td.clientWidth + 1) problems.push(ref + " '" + td.textContent.trim().slice(0, 40) + "' is wider than its cell");
    });
  });
  parent.document.getElementById("RESULT").textContent = JSON.stringify({width: window.innerWidth, badges: badges, problems: problems});
})();
</script>"""


PI_ROWS = "table.exceptions tbody tr, table.detail tbody tr"


def layout_problems(chromium: str, pages: dict[str, str], widths: tuple[int, ...], work: Path, rows: str = PI_ROWS) -> dict[tuple[str, int], dict]:
    """Lay out each page at each width in one Chromium run; what ``MEASURE`` found in the table rows
    ``rows`` selects (the PI exceptions and detail by default), by (name, width)."""
    frames, keys = [], []
    for name, page in pages.items():
        for w in widths:
            rid = f"r{len(keys)}"
            keys.append((name, w))
            doc = page.replace("</body>", MEASURE.replace("RESULT", rid).replace("ROWS", rows) + "</body>")
            frames.append(
                f'<pre id="{rid}">not measured</pre><iframe style="width:{w}px;height:900px;border:0" srcdoc="{html.escape(doc, quote=True)}"></iframe>'
            )
    wrapper = work / "layout.html"
    wrapper.write_text("<!DOCTYPE html><html><body>" + "".join(frames) + "</body></html>", encoding="utf-8")
    out = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={work / 'profile'}",
            "--window-size=2000,1000",
            "--dump-dom",
            wrapper.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    ).stdout
    found = {}
    for i, key in enumerate(keys):
        m = re.search(rf'<pre id="r{i}">(.*?)</pre>', out, re.S)
        found[key] = json.loads(html.unescape(m.group(1))) if m and m.group(1).startswith("{") else {"error": (m.group(1) if m else out[:300])}
    return found


# axe-core's WCAG 2.2 AA rules, as the accessibility statement says the packs are tested.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
AXE_RUN = """<script>
axe.run(document, {runOnly: {type: "tag", values: TAGS}, resultTypes: ["violations"]}).then(function (r) {
  var found = r.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, targets: v.nodes.slice(0, 5).map(function (n) { return n.target.join(" "); })};
  });
  done({violations: found, passes: r.passes.length});
}, function (e) { done({error: String(e)}); });
function done(result) {
  var pre = document.createElement("pre");
  pre.id = "AXE-RESULT";
  pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
}
</script>"""


def axe_results(chromium: str, axe_js: Path, page: str, width: int, work: Path) -> dict:
    """Run axe-core on one page laid out ``width`` px wide in headless Chromium: its violations
    (id, impact, help, how many nodes and the first five targets) and how many rules passed.

    axe and the call that runs it are added to a copy of the page (the packs hold no script);
    ``--virtual-time-budget`` lets axe's asynchronous run finish before ``--dump-dom`` prints the page.
    """
    script = "<script>" + axe_js.read_text(encoding="utf-8").replace("</script", "<\\/script") + "</script>"
    doc = page.replace("</body>", script + AXE_RUN.replace("TAGS", json.dumps(list(AXE_TAGS))) + "</body>")
    path = work / f"axe-{width}.html"
    path.write_text(doc, encoding="utf-8")
    out = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={work / 'profile'}",
            f"--window-size={width},900",
            "--virtual-time-budget=60000",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    ).stdout
    m = re.search(r'<pre id="AXE-RESULT">(.*?)</pre>', out, re.S)
    return json.loads(html.unescape(m.group(1))) if m else {"error": "axe did not finish: " + out[-300:]}
