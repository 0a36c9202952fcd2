"""The sample quarter end to end, compared with committed golden files: export, findings, tracker.

What a performance officer hands on (the export), what updaters read (the findings) and what the
team chases returns by (the tracker) are pinned here byte for byte, so that any change to them,
however small, fails until it is made deliberately. Regenerate with::

    PMF_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

(see ``tests/golden_files.py``), read the printed diff, and commit it with the change.

Two round trips give the same files: the committed ``sample_workbooks/`` ingested as they are, and
fresh workbooks generated now and filled by ``workbook/samples.py`` (the code that made the
committed ones). If the second differs, the generator and the reader no longer agree, or the
committed samples are stale (``make sample-workbooks``).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil

import pytest
from click.testing import CliRunner

from pmf_pipeline.cli import main
from pmf_pipeline.returns.ingest import collect_files, ingest
from pmf_pipeline.workbook.samples import build_samples
from tests.conftest import CONFIG, PERIOD, ROOT
from tests.golden_files import check_golden

SAMPLES = ROOT / "sample_workbooks"
FINDING_COLUMNS = ("file", "code", "severity", "sheet", "cell", "pi_ref", "message")


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _folderless(source: str) -> str:
    # The source column names the file as it was given to `pmf ingest`, folder and all. The folder is
    # wherever this test put its inbox (a different tmp_path each run, and \ on Windows), so only the
    # file name and the cell are pinned: 'inbox/x.xlsx, Return!M6' -> 'x.xlsx, Return!M6'.
    return re.sub(r"^[^,]*[\\/]", "", source)


def quarter_outputs(inbox, tmp_path) -> dict[str, str]:
    """Ingest ``inbox`` into a fresh data folder; the export, every finding, and the tracker, as text."""
    data = tmp_path / "data"
    summary = ingest(CONFIG, data, PERIOD, collect_files([inbox]))
    findings = [list(FINDING_COLUMNS)]
    for o in summary.outcomes:
        for f in o.result.findings:
            # the file without its folder (tmp_path varies per run); every other field exactly as an updater reads it
            findings.append([os.path.basename(f.file), f.code, f.severity, f.sheet or "", f.cell or "", f.pi_ref or "", f.message])

    out = tmp_path / "export.csv"
    r = CliRunner().invoke(main, ["--config", str(CONFIG), "--data", str(data), "export", "--period", str(PERIOD), "--format", "csv", "--out", str(out)])
    assert r.exit_code == 0, r.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs to read Welsh names as UTF-8
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    source = table[0].index("source")
    for row in table[1:]:
        row[source] = _folderless(row[source])

    # The tracker does not depend on today's date when every return is in (only 'missing' and 'overdue'
    # do: tests/returns/test_late_returns.py pins those with a fixed today), so the command's own output is pinned.
    tracker = CliRunner().invoke(main, ["--config", str(CONFIG), "--data", str(data), "returns", "--period", str(PERIOD)])
    assert tracker.exit_code == 1, tracker.output  # the sample has deliberate errors
    # 'received' is the day this test ran (the samples are received afresh each run): masked; the saved
    # dates, which decide lateness, come from the workbooks and are pinned
    returns_text = re.sub(r"received \d{1,2} [A-Z][a-z]+", "received <today>", tracker.output)
    return {
        f"{PERIOD}_export.csv": _csv(table),
        f"{PERIOD}_findings.csv": _csv(findings),
        f"{PERIOD}_returns.txt": returns_text,
    }


@pytest.fixture(scope="module")
def committed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("committed")
    inbox = tmp / "inbox"
    shutil.copytree(SAMPLES, inbox)
    return quarter_outputs(inbox, tmp)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory, config):
    tmp = tmp_path_factory.mktemp("fresh")
    build_samples(config, PERIOD, tmp / "inbox")  # generated now (fixed generated_at), filled by fill.py with fixed entries
    return quarter_outputs(tmp / "inbox", tmp)


NAMES = [f"{PERIOD}_export.csv", f"{PERIOD}_findings.csv", f"{PERIOD}_returns.txt"]


@pytest.mark.parametrize("name", NAMES)
def test_the_sample_quarter_matches_its_golden_files(committed, name, capsys):
    check_golden(name, committed[name], capsys)


@pytest.mark.parametrize("name", NAMES)
def test_fresh_workbooks_filled_the_same_way_give_the_same_files(committed, fresh, name):
    """Generator, filler and reader agree with each other and with the committed sample returns."""
    assert fresh[name] == committed[name]


def test_the_golden_files_cover_every_return_and_pi(committed, config):
    lines = committed[f"{PERIOD}_export.csv"].splitlines()
    assert len(lines) - 1 == sum(1 for pi in config.pis.values() if pi.due_in(PERIOD)) == 57
    findings = list(csv.DictReader(io.StringIO(committed[f"{PERIOD}_findings.csv"])))
    assert {f["file"] for f in findings} == {p.name for p in SAMPLES.glob("*.xlsx")} - {"2026-27-Q2_LS_Learning_and_Skills_return.xlsx"}  # LS is clean
    assert len(committed[f"{PERIOD}_returns.txt"].splitlines()) == 6  # the deadline line and one per directorate


def test_a_mismatch_fails_with_a_readable_diff_and_writes_nothing(tmp_path, capsys, monkeypatch):
    """The comparison itself: without PMF_UPDATE_GOLDEN a change fails naming the file and the lines; with it, the file is rewritten."""
    from tests import golden_files

    monkeypatch.setattr(golden_files, "GOLDEN", tmp_path)  # a scratch folder instead of the committed goldens
    (tmp_path / "x.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    monkeypatch.setattr(golden_files, "UPDATE", False)
    with pytest.raises(pytest.fail.Exception) as e:
        golden_files.check_golden("x.csv", "a,b\n1,3\n", capsys)
    assert "tests/golden/x.csv differs" in str(e.value) and "PMF_UPDATE_GOLDEN=1" in str(e.value)
    assert "-1,2\n+1,3" in str(e.value)
    assert (tmp_path / "x.csv").read_text() == "a,b\n1,2\n"
    monkeypatch.setattr(golden_files, "UPDATE", True)
    shown = golden_files.check_golden("x.csv", "a,b\n1,3\n", capsys)  # also printed on the terminal, past pytest's capture
    assert (tmp_path / "x.csv").read_text() == "a,b\n1,3\n"
    assert "-1,2\n+1,3" in shown
