"""Windows, tested from Linux: every module imports, and the commands run, without POSIX-only modules.

There is no Windows machine here. What would break there first is a module that exists only on
POSIX (``fcntl`` for file locks, ``resource`` for memory limits) imported on a command's path, and
work handed to worker processes that only survives ``fork``. So these tests run the package in a
fresh Python where ``fcntl`` and ``resource`` cannot be imported and worker processes are started
the Windows way (``spawn``), in the parent and in every worker: a ``sitecustomize`` on PYTHONPATH
arranges both before anything else is imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_workbooks"
PERIOD = "2026-27-Q2"

SITECUSTOMIZE = """
import multiprocessing
import sys
import warnings

sys.modules["fcntl"] = None  # POSIX only: 'import fcntl' now fails as it does on Windows
sys.modules["resource"] = None
multiprocessing.set_start_method("spawn", force=True)  # how Windows starts worker processes
# Without fcntl off Windows, filelock falls back to a lock file and says so; on Windows it uses msvcrt.
warnings.filterwarnings("ignore", message="only soft file lock is available")
"""

IMPORT_ALL = """
import importlib, pkgutil
import pmf_pipeline

for gone in ("fcntl", "resource"):
    try:
        importlib.import_module(gone)
    except ImportError:
        pass
    else:
        raise SystemExit(f"{gone} is still importable: the test would prove nothing")
names = [m.name for m in pkgutil.walk_packages(pmf_pipeline.__path__, "pmf_pipeline.") if not m.name.endswith("__main__")]
for name in names:
    importlib.import_module(name)
print(f"imported {len(names)} modules")
"""

RUN_PMF = """
import sys
from pmf_pipeline.cli import main

main(sys.argv[1:], prog_name="pmf")
"""


def _without_posix(tmp_path: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-c", script, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


def test_every_module_imports_without_posix_only_modules(tmp_path):
    done = _without_posix(tmp_path, IMPORT_ALL)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("imported ") and int(done.stdout.split()[1]) >= 40


def test_validate_and_ingest_run_without_posix_only_modules(tmp_path):
    data = tmp_path / "data"
    common = ["--config", str(ROOT / "config"), "--data", str(data)]

    checked = _without_posix(tmp_path, RUN_PMF, *common, "validate", "--period", PERIOD, str(SAMPLES))
    assert (checked.returncode, checked.stderr) == (1, "")  # 1: the samples hold deliberate mistakes
    lines = checked.stdout.splitlines()
    assert "  ERRORS    2026-27-Q2_PLC_Place_return.xlsx (PLC): 1 error, 1 warning" in lines
    assert (
        "      error    sheet Return, cell K7, PAM/019: the numerator of PAM/019 (31) is larger than its denominator (24), "
        "which is impossible for this percentage; check which is which."
    ) in lines
    assert lines[-1] == "Checked 5 file(s): 2 without errors, 3 with errors or rejected."

    ingested = _without_posix(tmp_path, RUN_PMF, *common, "ingest", "--period", PERIOD, str(SAMPLES))
    assert (ingested.returncode, ingested.stderr) == (1, "")
    lines = ingested.stdout.splitlines()
    reports = data / "reports" / PERIOD / "validation"
    assert (f"Ingested 5 new file(s) for {PERIOD}: 5 accepted, 0 rejected, 0 already received. Findings workbooks: {reports}/") in lines
    (plc,) = [line for line in lines if line.startswith("  PLC ")]
    assert plc.startswith("  PLC     Place                            accepted, 11 PIs, 9 actions, 1 error, 1 warning; received ")  # received: today
    assert plc.endswith(", saved 20 October (on time)  [#4 2026-27-Q2_PLC_Place_return.xlsx]")
    assert len(list((data / "archive" / PERIOD).glob("*/*.xlsx"))) == 5
    assert len(list(reports.glob("*_findings.xlsx"))) == 5
