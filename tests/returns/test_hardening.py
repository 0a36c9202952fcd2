"""Hostile and broken files, a crashing parser, a full disk: clear messages, nothing lost, nothing leaked."""

from __future__ import annotations

import collections
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from pmf_pipeline.cli import main
from pmf_pipeline.master.store import Store
from pmf_pipeline.returns import isolation
from pmf_pipeline.returns.ingest import ingest
from pmf_pipeline.returns.validate import validate_bytes
from pmf_pipeline.workbook import layout
from pmf_pipeline.workbook.fill import fill_return
from pmf_pipeline.workbook.reader import read_return
from tests.conftest import CONFIG, PERIOD, ROOT, SHARED
from tests.returns.test_validate import full

CORPUS = SHARED / "corpus" / "realworld"
SAMPLES = ROOT / "sample_workbooks"
SKIP = {"LICENSE", "NOTICE", "README.md", "LICENSE-MIT.md"}


def corpus_files():
    if not CORPUS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the real-world corpus is missing at {CORPUS}")
        pytest.skip("no real-world corpus beside the project")
    return [p for p in sorted(CORPUS.rglob("*")) if p.is_file() and p.name not in SKIP]


def test_real_world_corpus_meets_a_clean_rejection_every_time(tmp_path):
    files = corpus_files()
    assert len(files) > 400
    data = tmp_path / "data"
    ingest(CONFIG, data, PERIOD, [SAMPLES / "2026-27-Q2_CR_Corporate_Resources_return.xlsx"])
    before = Store(data).snapshot()
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "pmf_pipeline", "--config", str(CONFIG), "--data", str(data), "validate", "--quiet", str(CORPUS)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    elapsed = time.monotonic() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith("  ")]
    assert len(lines) == sum(1 for p in CORPUS.rglob("*") if p.is_file())  # the licence files too: not returns either
    reasons = collections.Counter()
    for line in lines:
        assert line.strip().startswith("REJECTED"), line
        reason = re.sub(r"\(.*", "", line.split(": ", 1)[1])[:70]
        assert reason.strip()
        reasons[reason] += 1
    print(f"\n{len(lines)} files ({len(files)} spreadsheets) in {elapsed:.1f}s, peak {peak_mb:.0f} MB; outcomes:")
    for reason, n in reasons.most_common():
        print(f"  {n:4}  {reason}")
    assert Store(data).snapshot() == before  # the master dataset untouched
    assert elapsed < 300 and peak_mb < 2048  # bounded: a hang or a runaway would blow these by far


# ---------------------------------------------------------------- hostile files made here


def _rezip(src: Path, dest: Path, change) -> Path:
    with zipfile.ZipFile(src) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    change(parts)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, b in parts.items():
            zf.writestr(n, b)
    return dest


def test_billion_laughs_in_shared_strings_is_refused(tmp_path):
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol3;</t></si></sst>'
    )
    path = _rezip(SAMPLES / "2026-27-Q2_SS_Social_Services_return.xlsx", tmp_path / "lol.xlsx", lambda p: p.__setitem__("xl/sharedStrings.xml", lol))
    r = validate_bytes(path.read_bytes(), path.name, None, PERIOD)  # type: ignore[arg-type]
    assert r.outcome == "rejected" and "document type declaration" in r.findings[0].message


def test_corrupted_bytes_inside_the_zip(tmp_path):
    data = bytearray((SAMPLES / "2026-27-Q2_SS_Social_Services_return.xlsx").read_bytes())
    for i in range(2000, 2400):
        data[i] ^= 0x5A
    r = validate_bytes(bytes(data), "bad.xlsx", None, PERIOD)  # type: ignore[arg-type]
    assert r.outcome == "rejected" and "damaged" in r.findings[0].message


def test_macro_content_type_renamed_xlsx(tmp_path):
    def change(parts):
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")

    path = _rezip(SAMPLES / "2026-27-Q2_SS_Social_Services_return.xlsx", tmp_path / "m.xlsx", change)
    r = validate_bytes(path.read_bytes(), path.name, None, PERIOD)  # type: ignore[arg-type]
    assert "macros" in r.findings[0].message and ".xlsm" in r.findings[0].message


def test_a_stray_far_cell_reads_the_return_row_by_row(tmp_path, config):
    path = tmp_path / "far.xlsx"
    shutil.copy(SAMPLES / "2026-27-Q2_CR_Corporate_Resources_return.xlsx", path)
    wb = openpyxl.load_workbook(path)
    wb[layout.RETURN_SHEET]["XFD1048576"] = "stray"
    wb.save(path)
    start = time.monotonic()
    raw = read_return(path.read_bytes(), path.name)
    assert raw.bounded and len([r for r in raw.rows if r.ref]) == 14
    assert time.monotonic() - start < 30
    r = validate_bytes(path.read_bytes(), path.name, config, PERIOD)
    assert r.outcome == "accepted" and len(r.values) == 14


def test_an_enormous_sheet_is_read_only_as_far_as_a_return_goes(tmp_path):
    path = tmp_path / "big.xlsx"
    shutil.copy(SAMPLES / "2026-27-Q2_CR_Corporate_Resources_return.xlsx", path)
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.RETURN_SHEET]
    for r in range(100, 30100):
        ws.cell(row=r, column=1, value=r)
    wb.save(path)
    raw = read_return(path.read_bytes(), path.name)
    assert raw.bounded and max(r.row for r in raw.rows) <= layout.FIRST_ROW + 10000


def test_a_chart_sheet_named_return_is_not_a_return(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = layout.META_SHEET
    ws.append(["tool", "pmf-pipeline 0.1.0"])
    ws.append(["period", "2026-27-Q2"])
    ws.append(["directorate", "CR"])
    cs = wb.create_chartsheet(layout.RETURN_SHEET)
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.add_data(Reference(ws, min_col=1, min_row=1, max_row=2))
    cs.add_chart(chart)
    wb.save(tmp_path / "chart.xlsx")
    r = validate_bytes((tmp_path / "chart.xlsx").read_bytes(), "chart.xlsx", None, PERIOD)  # type: ignore[arg-type]
    assert r.outcome == "rejected" and "is a chartsheet, not a worksheet" in r.findings[0].message


# ---------------------------------------------------------------- the parser cannot take the run down


REAL_READ = isolation._read


def crashing_read(data, file):
    """A parser that dies (as a segfault in native code would) on one file."""
    if file.endswith("SS_Social_Services_return.xlsx"):
        os.kill(os.getpid(), signal.SIGSEGV)
    return REAL_READ(data, file)


def slow_read(data, file):
    time.sleep(30)


def test_a_crashing_parser_rejects_that_file_and_the_run_goes_on(monkeypatch):
    monkeypatch.setattr(isolation, "_read", crashing_read)
    files = sorted(SAMPLES.glob("*.xlsx"))
    out = list(isolation.read_isolated([(f.read_bytes(), str(f)) for f in files], workers=2))
    assert len(out) == 5
    for f, o in zip(files, out, strict=False):
        if "Social_Services" in f.name:
            assert "made the reader fail" in str(o)
        else:
            assert o.metadata["period"] == "2026-27-Q2"


def test_a_runaway_parser_is_stopped_by_the_time_limit(monkeypatch):
    f = SAMPLES / "2026-27-Q2_SS_Social_Services_return.xlsx"
    monkeypatch.setattr(isolation, "_read", slow_read)
    start = time.monotonic()
    out = list(isolation.read_isolated([(f.read_bytes(), f.name)], workers=1, time_limit=1))
    assert "took longer than 1 seconds" in str(out[0]) and time.monotonic() - start < 20


# ---------------------------------------------------------------- storage failures


def test_full_disk_gives_a_clear_error_and_no_partial_state(tmp_path):
    data = tmp_path / "data"
    ingest(CONFIG, data, PERIOD, [SAMPLES / "2026-27-Q2_CR_Corporate_Resources_return.xlsx"])
    before = Store(data).snapshot()
    script = f"""
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
size = __import__('os').path.getsize({str(data / "master.sqlite")!r})
resource.setrlimit(resource.RLIMIT_FSIZE, (size + 2048, size + 2048))
from pmf_pipeline.cli import main
sys.argv = ['pmf', '--config', {str(CONFIG)!r}, '--data', {str(data)!r}, 'ingest', '--period', '2026-27-Q2', {str(SAMPLES)!r}]
main()
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode in (1, 2), proc.stderr
    assert "Traceback" not in proc.stderr
    assert "free space" in proc.stderr or "disk" in proc.stderr.lower(), proc.stderr
    after = Store(data).snapshot()
    for table in ("submissions", "findings", "pi_values"):  # every row that was there is there unchanged; new ones only follow
        old, new = [r for r in before if r[0] == table], [r for r in after if r[0] == table]
        assert new[: len(old)] == old, table
    # whatever got in is whole: every accepted submission has its values
    s = Store(data)
    for sub in s.submissions(str(PERIOD)):
        if sub.outcome == "accepted":
            assert s.db.execute("SELECT COUNT(*) FROM pi_values WHERE submission_id = ?", (sub.id,)).fetchone()[0] > 0
    s.close()


def test_unusable_data_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = CliRunner().invoke(main, ["--data", str(blocker / "data"), "ingest", "--period", "2026-27-Q2", str(SAMPLES)])
    assert r.exit_code == 2 and "cannot be used" in r.output and "Traceback" not in r.output


# ---------------------------------------------------------------- text survives, safely


WELSH = "Mae'r gwasanaeth yn gwella: ŵ ŷ Ŵ Ŷ. \u200fRTL mark, zero\u200bwidth."


def test_welsh_rtl_zero_width_and_long_comments_survive_safely(tmp_path, blank, config):
    long = ("Sylw hir. " * 3000)[:30000]
    path = fill_return(
        blank("CR"),
        full(config, "CR", **{"CPM/072": dict(comment=WELSH), "CPM/075": dict(comment=long), "CPM/077": dict(comment="=cmd|' /C calc'!A0")}),
        tmp_path / "cr.xlsx",
    )
    data = tmp_path / "data"
    ingest(CONFIG, data, PERIOD, [path])
    s = Store(data)
    v = s.values(str(PERIOD))
    assert v["CPM/072"]["comment"] == WELSH.strip()
    # past the workbook's own 4,000-character limit: the start is kept with a note, the archive keeps it all
    assert v["CPM/075"]["comment"] == long.strip()[:4000] + " … [shortened: 29,999 characters in all]"
    assert s.pis_with_finding(str(PERIOD), "text_too_long") == {"CPM/075"}
    assert v["CPM/077"]["comment"] == "=cmd|' /C calc'!A0"
    s.close()
    out = tmp_path / "packs"
    r = CliRunner().invoke(main, ["--data", str(data), "report", "--period", "2026-27-Q2", "--out", str(out), "--no-pdf"])
    assert r.exit_code == 0, r.output
    html = next(out.glob("*corporate-resources-directorate.html")).read_text()
    assert "ŵ ŷ Ŵ Ŷ" in html and "\u200f" in html and long.strip()[:500] in html
    x = tmp_path / "e.xlsx"
    CliRunner().invoke(main, ["--data", str(data), "export", "--period", "2026-27-Q2", "--out", str(x)])
    cells = [c for c in openpyxl.load_workbook(x)["Master"]["N"] if c.value and "cmd|" in str(c.value)]
    assert cells and all(c.data_type == "s" for c in cells)


@given(
    col=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=3),
    row=st.integers(min_value=1, max_value=1048576),
    on_row=st.booleans(),
)
def test_the_one_pass_scan_never_misses_a_far_cell(col, row, on_row):
    """extents() first asks one regex whether anything is far; it must say yes whenever the full scans would."""
    from pmf_pipeline.workbook.container import _FAR_CELL, _FAR_ROW, _WIDE_COL, extents

    xml = f'<row r="{row}"><c r="{col}{row}" t="n"><v>1</v></c></row>'.encode() if on_row else f'<c r="{col}{row}"><v>1</v></c>'.encode()
    far = bool(_FAR_ROW.findall(xml) or _FAR_CELL.findall(xml) or _WIDE_COL.findall(xml))
    rows, cols = extents(xml)
    assert far == (rows > 0 or cols > 0)
    if row >= 10000:
        assert rows == row
    if len(col) >= 2:
        assert cols > 26
