"""Ingest into a real SQLite master dataset: archive, supersession, idempotence, the lock, and kills."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner

from pmf_pipeline.cli import main
from pmf_pipeline.config import load_config
from pmf_pipeline.errors import LockedError
from pmf_pipeline.master.store import Store, data_lock
from pmf_pipeline.returns.ingest import ingest
from pmf_pipeline.workbook import layout
from pmf_pipeline.workbook.fill import fill_return
from pmf_pipeline.workbook.spec import build_spec
from tests.conftest import CONFIG, PERIOD, ROOT
from tests.returns.test_validate import full

SAMPLES = ROOT / "sample_workbooks"


def snapshot(data):
    s = Store(data)
    try:
        return s.snapshot()
    finally:
        s.close()


def test_archive_is_byte_for_byte_and_values_trace_to_cells(tmp_path):
    data = tmp_path / "data"
    files = sorted(SAMPLES.glob("*.xlsx"))
    summary = ingest(CONFIG, data, PERIOD, files)
    assert summary.count("accepted") == 5
    store = Store(data)
    for sub in store.submissions(str(PERIOD)):
        archived = data / sub.archive_path
        original = next(f for f in files if f.name == os.path.basename(sub.file_name))
        assert archived.read_bytes() == original.read_bytes()
        assert archived.name == f"{sub.sha256}.xlsx"
        assert stat.S_IMODE(archived.stat().st_mode) == 0o444  # read-only (the mode holds even where root ignores it)
    v = store.values(str(PERIOD))["CPM/040"]
    position = [r.pi.ref for r in build_spec(load_config(CONFIG), PERIOD, "ENV").rows].index("CPM/040")
    assert (v["actual"], v["typed"], v["cell"], v["sheet"]) == ("2.4", "2.4%", layout.cell("actual", layout.row_of(position)), "Return")
    assert "% sign removed" in v["normalisation"]
    store.close()


def test_reingest_changes_nothing_and_resubmission_supersedes(blank, config, tmp_path):
    data = tmp_path / "data"
    first = fill_return(blank("SS"), full(config, "SS"), tmp_path / "ss1.xlsx")
    ingest(CONFIG, data, PERIOD, [first])
    before = snapshot(data)
    again = ingest(CONFIG, data, PERIOD, [first])
    assert again.outcomes[0].status == "duplicate" and not again.changed
    assert snapshot(data) == before
    corrected = fill_return(blank("SS"), full(config, "SS", **{"SSM/026": dict(actual=200)}), tmp_path / "ss2.xlsx")
    ingest(CONFIG, data, PERIOD, [corrected])
    store = Store(data)
    subs = store.submissions(str(PERIOD))
    assert len(subs) == 2 and subs[0].superseded_by == subs[1].id and subs[1].supersedes == subs[0].id
    assert store.values(str(PERIOD))["SSM/026"]["actual"] == "200"
    assert store.db.execute("SELECT COUNT(*) FROM pi_values WHERE pi_ref='SSM/026' AND period=?", (str(PERIOD),)).fetchone()[0] == 2
    store.close()


def test_second_run_is_refused_while_the_first_holds_the_lock(tmp_path):
    with data_lock(tmp_path):
        with pytest.raises(LockedError, match="another pmf run is using"):
            with data_lock(tmp_path):
                pass


def test_cli_refuses_a_concurrent_run(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"""
import time, sys
from pmf_pipeline.master.store import data_lock
with data_lock({str(tmp_path / "data")!r}):
    print('held', flush=True); time.sleep(30)
""",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        result = CliRunner().invoke(main, ["--data", str(tmp_path / "data"), "ingest", "--period", str(PERIOD), str(SAMPLES)])
        assert result.exit_code == 2 and "another pmf run is using" in result.output and "Traceback" not in result.output
    finally:
        holder.kill()
        holder.wait()


KILLER = """
import os, signal, sys
from pmf_pipeline.master import store
from pmf_pipeline.returns.ingest import ingest
from pmf_pipeline.periods import Period
n = int(sys.argv[3]); mode = sys.argv[5]; seen = [0]
real = store.Store.record
def record(self, *a, **k):
    seen[0] += 1
    if seen[0] == n and mode == 'before':
        os.kill(os.getpid(), signal.SIGKILL)  # the archive copy is written, nothing consolidated yet
    if seen[0] == n:
        # die in the middle of the transaction: after the submission row, before the values
        orig = self.db.executemany
        def boom(sql, rows):
            if 'pi_values' in sql:
                os.kill(os.getpid(), signal.SIGKILL)
            return orig(sql, rows)
        self.db = type('C', (), {'execute': self.db.execute, 'executemany': staticmethod(boom), 'close': self.db.close})()
    return real(self, *a, **k)
store.Store.record = record
ingest(sys.argv[1], sys.argv[2], Period.parse('2026-27-Q2'), sorted(__import__('pathlib').Path(sys.argv[4]).glob('*.xlsx')))
"""


@pytest.mark.parametrize("kill_at, mode", [(1, "mid"), (2, "before"), (3, "mid"), (4, "before"), (5, "mid")])
def test_sigkill_mid_consolidation_leaves_a_whole_state_and_the_next_run_completes(tmp_path, kill_at, mode):
    data = tmp_path / "data"
    proc = subprocess.run([sys.executable, "-c", KILLER, str(CONFIG), str(data), str(kill_at), str(SAMPLES), mode], capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    store = Store(data)
    subs = store.submissions(str(PERIOD))
    assert len(subs) == kill_at - 1  # the killed return left nothing behind
    for s in subs:
        n = store.db.execute("SELECT COUNT(*) FROM pi_values WHERE submission_id = ?", (s.id,)).fetchone()[0]
        assert n > 0
    store.close()
    summary = ingest(CONFIG, data, PERIOD, sorted(SAMPLES.glob("*.xlsx")))
    assert summary.count("duplicate") == kill_at - 1 and summary.count("accepted") == 5 - (kill_at - 1)
    archived = list((data / "archive").rglob("*.xlsx"))
    assert len(archived) == 5 and not list((data / "archive").rglob("*.part"))


def _file(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def _zip(entries):
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, b in entries.items():
            zf.writestr(n, b)
    return buf.getvalue()


def _lying_zip(entries, liar):
    """A zip whose headers claim the big part is tiny: the bomb must be caught while unpacking."""
    import struct

    data = bytearray(_zip(entries))
    name = liar.encode()
    real = len(entries[liar])
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = 0
        while (pos := data.find(sig, pos)) != -1:
            n_len = struct.unpack_from("<H", data, pos + (26 if sig == b"PK\x03\x04" else 28))[0]
            start = pos + (30 if sig == b"PK\x03\x04" else 46)
            if bytes(data[start : start + n_len]) == name and struct.unpack_from("<I", data, pos + size_at)[0] == real:
                struct.pack_into("<I", data, pos + size_at, 1000)
            pos += 4
    return bytes(data)


def unusable_files(tmp_path):
    sample = (SAMPLES / "2026-27-Q2_SS_Social_Services_return.xlsx").read_bytes()
    with zipfile.ZipFile(SAMPLES / "2026-27-Q2_SS_Social_Services_return.xlsx") as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    macro = dict(parts)
    macro["xl/vbaProject.bin"] = b"\x00" * 100
    bomb = dict(parts)
    bomb["xl/bomb.xml"] = b"<a>" + b"0" * (200 * 1024 * 1024) + b"</a>"
    parsed_bomb = dict(parts)
    parsed_bomb["xl/worksheets/sheet2.xml"] = b"<a>" + b"0" * (200 * 1024 * 1024) + b"</a>"
    xxe = dict(parts)
    body = parts["xl/workbook.xml"]
    body = body.split(b"?>", 1)[1] if body.startswith(b"<?xml") else body
    xxe["xl/workbook.xml"] = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + body
    return {
        "empty.xlsx": (b"", "empty"),
        "csv.xlsx": (b"pi_ref,actual\nPAM/012,80\n", "CSV"),
        "legacy.xlsx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "legacy Excel 97-2003"),
        "encrypted.xlsx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 600, "password-protected"),
        "truncated.xlsx": (sample[: len(sample) // 2], "damaged or incomplete"),
        "notabook.xlsx": (_zip({"hello.txt": b"hi"}), "not an Excel workbook"),
        "ods.xlsx": (_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<a/>"}), ".ods"),
        "macro.xlsx": (_zip(macro), "macros"),
        "bomb.xlsx": (_zip(bomb), "zip bomb"),
        "parsed_bomb.xlsx": (_zip(parsed_bomb), "zip bomb"),  # caught while unpacking, at the cap, not after
        "lying_bomb.xlsx": (_lying_zip(parsed_bomb, "xl/worksheets/sheet2.xml"), "damaged"),  # never inflated past its claimed size
        "xxe.xlsx": (_zip(xxe), "document type declaration"),
        "other.xlsx": (_other_workbook(tmp_path), "not a return of this framework"),
    }


def _other_workbook(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "Budget"
    wb.save(tmp_path / "o.xlsx")
    return (tmp_path / "o.xlsx").read_bytes()


def test_unusable_files_are_rejected_with_a_plain_reason_and_nothing_else_changes(tmp_path):
    data = tmp_path / "data"
    files = unusable_files(tmp_path)
    paths = [_file(tmp_path, n, b) for n, (b, _) in files.items()]
    summary = ingest(CONFIG, data, PERIOD, paths)
    for o in summary.outcomes:
        name = os.path.basename(o.result.file)
        assert o.status == "rejected", name
        assert files[name][1] in o.result.findings[0].message, (name, o.result.findings[0].message)
    store = Store(data)
    assert store.db.execute("SELECT COUNT(*) FROM pi_values WHERE source = 'return'").fetchone()[0] == 0
    assert all((data / s.archive_path).exists() for s in store.submissions(str(PERIOD)))
    store.close()
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "macro.xlsx"), str(tmp_path / "empty.xlsx")])
    assert result.exit_code == 1 and "Traceback" not in result.output and "REJECTED" in result.output


def test_cli_ingest_exit_codes_and_tracker(tmp_path):
    data = tmp_path / "data"
    r = CliRunner().invoke(main, ["--data", str(data), "ingest", "--period", str(PERIOD), str(SAMPLES)])
    assert r.exit_code == 1, r.output  # the sample has deliberate errors
    assert "SSM/019 is off target" in r.output and "Learning and Skills" in r.output and "(late)" in r.output
    r2 = CliRunner().invoke(main, ["--data", str(data), "ingest", "--period", str(PERIOD), str(SAMPLES)])
    assert r2.exit_code == 0 and "Nothing changed" in r2.output
    r3 = CliRunner().invoke(main, ["--data", str(data), "returns", "--period", str(PERIOD)])
    assert "accepted, 11 PIs, 7 actions, 5 errors" in r3.output  # SS: two PIs, three actions
    assert list((data / "reports" / str(PERIOD) / "validation").glob("*_SS_*findings.xlsx"))


def test_export_escapes_formulas(tmp_path, blank, config):
    data = tmp_path / "data"
    path = fill_return(blank("CR"), full(config, "CR", **{"CPM/072": dict(comment='=HYPERLINK("http://x","y")')}), tmp_path / "cr.xlsx")
    ingest(CONFIG, data, PERIOD, [path])
    out = tmp_path / "e.csv"
    r = CliRunner().invoke(main, ["--data", str(data), "export", "--period", str(PERIOD), "--out", str(out)])
    assert r.exit_code == 0, r.output
    import csv

    rows = {row["pi_ref"]: row for row in csv.DictReader(out.open(encoding="utf-8-sig"))}
    assert rows["CPM/072"]["comment"].startswith("'=HYPERLINK")
    assert set(rows["CPM/072"]) >= {
        "period",
        "directorate",
        "pi_ref",
        "title",
        "unit",
        "polarity",
        "target",
        "actual",
        "status",
        "trend",
        "previous_year_actual",
        "comment",
    }
    assert (rows["CPM/072"]["status"], rows["CPM/072"]["status_code"]) == ("Met", "met")
    x = tmp_path / "e.xlsx"
    CliRunner().invoke(main, ["--data", str(data), "export", "--period", str(PERIOD), "--out", str(x)])
    import openpyxl

    ws = openpyxl.load_workbook(x)["Master"]
    comments = [c.value for c in ws["N"] if c.value and "HYPERLINK" in str(c.value)]
    assert comments and all(c.data_type == "s" for c in ws["N"] if c.value and "HYPERLINK" in str(c.value))


def test_the_same_return_twice_in_one_inbox_is_taken_once_and_nothing_shifts(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    ss = SAMPLES / "2026-27-Q2_SS_Social_Services_return.xlsx"
    (inbox / "a_ss.xlsx").write_bytes(ss.read_bytes())
    (inbox / "b_ss_copy.xlsx").write_bytes(ss.read_bytes())
    (inbox / "c_cr.xlsx").write_bytes((SAMPLES / "2026-27-Q2_CR_Corporate_Resources_return.xlsx").read_bytes())
    summary = ingest(CONFIG, tmp_path / "data", PERIOD, sorted(inbox.iterdir()))
    got = [(os.path.basename(o.result.file), o.status, o.result.directorate) for o in summary.outcomes]
    assert got == [("a_ss.xlsx", "accepted", "SS"), ("b_ss_copy.xlsx", "duplicate", "SS"), ("c_cr.xlsx", "accepted", "CR")]
