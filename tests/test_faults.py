"""No fault leaves the tool stuck or an output half-written: real SIGKILLs, a real full disk.

A killed run's workers die with it and its lock is free; the next run finishes what it left undone
(packs, findings workbooks) and the audit reproduces. A full disk, in the data folder or the packs
folder, is one clear message and exit status 2, with no truncated file left and earlier files intact.
The small disk is a real tmpfs of a few megabytes, filled first with a file.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pmf_pipeline.cli import main
from pmf_pipeline.master.store import data_lock
from tests.conftest import CONFIG, PERIOD, ROOT

SAMPLES = ROOT / "sample_workbooks"
PMF = [sys.executable, "-m", "pmf_pipeline", "--config", str(CONFIG)]


def _quarter(data: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    cmd = [*PMF, "--data", str(data), "quarter", "--period", str(PERIOD), "--inbox", str(SAMPLES), "--out", str(out), *extra]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status is left for a parent to collect


def _lock_is_free(data: Path) -> bool:
    from pmf_pipeline.errors import LockedError

    try:
        with data_lock(data):
            return True
    except LockedError:
        return False


def _finish_and_audit(data: Path, out: Path) -> None:
    done = subprocess.run(
        [*PMF, "--data", str(data), "quarter", "--period", str(PERIOD), "--inbox", str(SAMPLES), "--out", str(out)], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 1, done.stderr  # the sample returns hold deliberate errors
    assert "Packs:" in done.stdout or "Nothing changed" in done.stdout, done.stdout
    audit = subprocess.run([*PMF, "--data", str(data), "audit", "--period", str(PERIOD)], capture_output=True, text=True, timeout=300)
    assert audit.returncode == 0 and "Everything reproduces." in audit.stdout, audit.stdout + audit.stderr
    assert not list(out.glob(".*.part")) and not list(data.rglob("*.part"))
    db = sqlite3.connect(data / "master.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; the workers' death with their parent is a Linux promise")
@pytest.mark.slow
def test_sigkill_while_rendering_leaves_no_worker_and_no_lock_and_the_next_run_completes(tmp_path):
    data, out = tmp_path / "data", tmp_path / "packs"
    proc = _quarter(data, out)
    deadline = time.monotonic() + 300
    while not list(out.glob(f"{PERIOD}_*")):  # the first pack is written: rendering is under way
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < deadline
        time.sleep(0.05)
    workers = _children(proc.pid)
    assert workers, "rendering runs in worker processes"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    end = time.monotonic() + 15
    while any(_alive(w) for w in workers) and time.monotonic() < end:
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)], "a rendering worker outlived the run that started it"
    assert _lock_is_free(data)
    _finish_and_audit(data, out)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.slow
def test_kills_at_random_moments_never_damage_the_dataset_and_a_rerun_completes(tmp_path):
    seed = random.randrange(10**6)
    print(f"kill moments drawn with seed {seed}")
    rng = random.Random(seed)
    data, out = tmp_path / "data", tmp_path / "packs"
    for _ in range(5):
        proc = _quarter(data, out)
        time.sleep(rng.uniform(0.5, 12))
        workers = _children(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        end = time.monotonic() + 15
        while any(_alive(w) for w in workers) and time.monotonic() < end:
            time.sleep(0.1)
        assert not [w for w in workers if _alive(w)], f"seed {seed}"
        assert _lock_is_free(data), f"seed {seed}"
        if (data / "master.sqlite").exists():
            db = sqlite3.connect(data / "master.sqlite")
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", f"seed {seed}"
            db.close()
    _finish_and_audit(data, out)


STOP_WRITING = """
import os, signal, sys
from pmf_pipeline.returns import findings_workbook
real, written = findings_workbook.write_validation_report, [0]
def write(*a, **k):
    if written[0] == 2:
        os.kill(os.getpid(), signal.SIGKILL)  # consolidated, two findings workbooks written, three not
    written[0] += 1
    return real(*a, **k)
findings_workbook.write_validation_report = write
from pmf_pipeline.cli import main
sys.argv = ['pmf', '--config', sys.argv[1], '--data', sys.argv[2], 'ingest', '--period', '2026-27-Q2', sys.argv[3]]
main()
"""


def test_findings_workbooks_a_killed_run_did_not_write_are_written_by_the_next(tmp_path):
    data = tmp_path / "data"
    proc = subprocess.run([sys.executable, "-c", STOP_WRITING, str(CONFIG), str(data), str(SAMPLES)], capture_output=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    folder = data / "reports" / str(PERIOD) / "validation"
    assert len(list(folder.glob("*_findings.xlsx"))) == 2
    r = CliRunner().invoke(main, ["--config", str(CONFIG), "--data", str(data), "ingest", "--period", str(PERIOD), str(SAMPLES)])
    assert r.exit_code == 0 and "Nothing changed" in r.output, r.output
    books = sorted(folder.glob("*_findings.xlsx"))
    assert len(books) == 5 and not list(folder.glob(".*.part"))
    import openpyxl

    ss = openpyxl.load_workbook(next(b for b in books if "_SS_" in b.name))["Findings"]
    assert "SSM/019" in [c.value for c in ss["B"]]  # its findings, from the master dataset's record


# ---------------------------------------------------------------- a real full disk


@pytest.fixture
def small_disk(tmp_path):
    """A real 4 MB filesystem (tmpfs); a test fills it with ``fill``."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs Linux and root")
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True).returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("cannot mount a tmpfs for the full-disk tests")
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(mount: Path) -> None:
    """Fill the filesystem to the last byte."""
    fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for size in (65536, 1):
            try:
                while os.write(fd, b"\0" * size):
                    pass
            except OSError:
                pass
    finally:
        os.close(fd)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "filler"}


def test_a_full_disk_in_the_data_folder_is_exit_2_and_nothing_half_written(small_disk):
    data = small_disk / "data"
    first = SAMPLES / "2026-27-Q2_CR_Corporate_Resources_return.xlsx"
    r = CliRunner().invoke(main, ["--data", str(data), "ingest", "--period", str(PERIOD), str(first)])
    assert r.exit_code == 0, r.output
    before = _files(data)
    fill(small_disk)
    r = CliRunner().invoke(main, ["--data", str(data), "ingest", "--period", str(PERIOD), str(SAMPLES)])
    assert r.exit_code == 2, r.output
    assert "no space left on the disk holding" in r.output and "free some space and run the command again" in r.output, r.output
    assert "Traceback" not in r.output and "unexpected" not in r.output and "cannot rollback" not in r.output
    after = _files(data)
    assert not [n for n in after if n.endswith(".part")]
    for name, content in before.items():
        if not name.endswith(("master.sqlite", ".lock", "-journal")):
            assert after.get(name) == content, name
    db = sqlite3.connect(data / "master.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 1
    db.close()
    r = CliRunner().invoke(main, ["--data", str(data), "close", "--period", str(PERIOD)])  # a write to the master dataset itself
    assert r.exit_code == 2, r.output
    assert f"pmf: no space left on the disk holding {data}; free some space and run the command again (nothing half-written was kept)" in r.output
    assert "cannot rollback" not in r.output and "unexpected" not in r.output
    (small_disk / "filler").unlink()
    r = CliRunner().invoke(main, ["--data", str(data), "ingest", "--period", str(PERIOD), str(SAMPLES)])
    assert r.exit_code == 1 and "Ingested 4 new file(s)" in r.output, r.output  # space freed: the run completes


def test_a_full_disk_in_the_packs_folder_is_exit_2_and_earlier_packs_stay_intact(tmp_path, small_disk):
    data, out = tmp_path / "data", small_disk / "packs"
    CliRunner().invoke(main, ["--data", str(data), "ingest", "--period", str(PERIOD), str(SAMPLES)])
    r = CliRunner().invoke(main, ["--data", str(data), "report", "--period", str(PERIOD), "--out", str(out), "--no-pdf"])
    assert r.exit_code == 0, r.output
    before = _files(out)
    fill(small_disk)
    r = CliRunner().invoke(main, ["--data", str(data), "report", "--period", str(PERIOD), "--out", str(out), "--no-pdf", "--generated-at", "2026-10-20"])
    assert r.exit_code == 2, r.output
    assert f"no space left on the disk holding {out}; free some space and run the command again (nothing half-written was kept)" in r.output
    assert _files(out) == before  # every earlier pack as it was; nothing truncated, nothing temporary left
    assert not list(out.glob(".*"))
