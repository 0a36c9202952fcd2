"""What an inbox can hold besides returns: names of any bytes and length, links, the tool's own
folders; and framework codes and names that would make unsafe or colliding file names."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from pmf_pipeline.cli import main
from pmf_pipeline.config import load_config
from pmf_pipeline.errors import ConfigError
from pmf_pipeline.master.store import Store
from pmf_pipeline.packs.build import period_packs
from pmf_pipeline.returns.findings import Finding, ReturnResult
from pmf_pipeline.returns.findings_workbook import write_validation_report
from pmf_pipeline.returns.ingest import collect_files
from pmf_pipeline.rules.names import slug
from pmf_pipeline.rules.text import display_text, safe_name, terminal_text
from tests.conftest import CONFIG, PERIOD, ROOT

SAMPLES = ROOT / "sample_workbooks"
posix = pytest.mark.skipif(sys.platform == "win32", reason="names of any bytes, and symbolic links, as Linux and macOS allow")

FORGED = "x.xlsx\n  OK        fake.xlsx (LS): 0 errors, 0 warnings\n"
ESCAPE = "\x1b[2K\x1b[1A\x1b]0;pwned\x07return.xlsx"
LONG = "R" * 245 + ".xlsx"  # 250 characters, legal on every common file system


def sample(code: str) -> Path:
    return next(SAMPLES.glob(f"*_{code}_*.xlsx"))


def hostile_inbox(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """Four different returns under hostile names (different bytes, so none is a duplicate)."""
    box = tmp_path / "inbox"
    box.mkdir()
    names = {"LS": FORGED, "ENV": ESCAPE, "CR": LONG}
    for code, name in names.items():
        shutil.copy(sample(code), box / name)
    raw = os.fsencode(box) + b"/bad-\xff\xfe-utf8.xlsx"  # not valid UTF-8: made with bytes, as any mail client may
    fd = os.open(raw, os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, sample("PLC").read_bytes())
    os.close(fd)
    names["PLC"] = "bad-\\xff\\xfe-utf8.xlsx"
    return box, {code: safe_name(n) for code, n in names.items()}


def run(*args: str) -> object:
    return CliRunner().invoke(main, [*args])


def _clean_terminal_output(output: str) -> None:
    assert "\x1b" not in output and "\x07" not in output, output
    assert "\udcff" not in output
    assert not any(line.lstrip().startswith("OK        fake.xlsx") for line in output.splitlines()), output
    assert "unexpected problem" not in output and "Traceback" not in output, output


@posix
def test_names_of_any_bytes_are_ingested_recorded_and_shown_escaped(tmp_path):
    box, shown = hostile_inbox(tmp_path)
    data = tmp_path / "data"
    result = run("--config", str(CONFIG), "--data", str(data), "ingest", "--period", str(PERIOD), str(box))
    assert result.exit_code == 1, result.output  # the Place sample has an error; the rest are clean
    _clean_terminal_output(result.output)
    assert "x.xlsx␤  OK        fake.xlsx (LS): 0 errors, 0 warnings␤ (LS)" in result.output  # one line, the newlines shown
    assert "␛[2K␛[1A␛]0;pwned␇return.xlsx (ENV)" in result.output
    assert "bad-\\xff\\xfe-utf8.xlsx (PLC)" in result.output
    assert f"{LONG} (CR)" in result.output
    s = Store(data)
    recorded = {Path(sub.file_name).name: sub for sub in s.submissions(str(PERIOD))}
    s.close()
    assert set(recorded) == set(shown.values())
    assert all(sub.outcome == "accepted" for sub in recorded.values())
    reports = list((data / "reports" / str(PERIOD) / "validation").glob("*.xlsx"))
    assert len(reports) == 4 and all(len(p.name.encode()) <= 200 for p in reports)
    titles = {openpyxl.load_workbook(p)["Findings"]["A1"].value for p in reports}
    assert f"Checks on {display_text(shown['ENV'])}" in titles and f"Checks on {shown['PLC']}" in titles
    # every later run: nothing blocked, nothing new
    again = run("--config", str(CONFIG), "--data", str(data), "ingest", "--period", str(PERIOD), str(box))
    _clean_terminal_output(again.output)
    assert "Nothing changed: all 4 file(s) had already been received" in again.output, again.output
    tracker = run("--config", str(CONFIG), "--data", str(data), "returns", "--period", str(PERIOD), "--history")
    assert tracker.exit_code == 0, tracker.output
    _clean_terminal_output(tracker.output)


@posix
def test_validate_shows_hostile_names_escaped(tmp_path):
    box, shown = hostile_inbox(tmp_path)
    result = run("--config", str(CONFIG), "--data", str(tmp_path / "data"), "validate", "--quiet", str(box))
    _clean_terminal_output(result.output)
    for name in shown.values():
        assert f"{terminal_text(name)} (" in result.output
    assert "Checked 4 file(s)" in result.output


def test_a_findings_workbook_takes_any_name_and_message(tmp_path, config):
    result = ReturnResult(file="../../" + "Ŵ" * 300 + "\x1b[2K\x00.xlsx", sha256="0" * 64, directorate="../../etc", period="2026-27-Q2")
    result.findings.append(Finding("unreadable", "error", "the council is 'A\x07B\x1b[2K' \udcff", result.file))
    path = write_validation_report(result, config, tmp_path / "out")
    assert path.parent == tmp_path / "out" and len(path.name) <= 160
    ws = openpyxl.load_workbook(path)["Findings"]
    assert ws["F5"].value == "the council is 'A␇B␛[2K' \ufffd"


@posix
def test_links_in_the_inbox_are_not_followed(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    secret = shutil.copy(sample("SS"), outside / "master.xlsx")  # a return of another council, say, or any file
    box = tmp_path / "inbox"
    box.mkdir()
    shutil.copy(sample("CR"), box / "cr.xlsx")
    (box / "link.xlsx").symlink_to(secret)
    (box / "folder").symlink_to(outside, target_is_directory=True)
    (box / "passwd.xlsx").symlink_to("/etc/passwd")
    files = collect_files([box])
    assert files == [box / "cr.xlsx"]
    assert sorted(Path(n).name for n, _ in files.skipped) == ["folder", "link.xlsx", "passwd.xlsx"]
    data = tmp_path / "data"
    result = run("--config", str(CONFIG), "--data", str(data), "ingest", "--period", str(PERIOD), str(box))
    assert result.exit_code == 0, result.output
    assert result.output.count("SKIPPED") == 3 and "symbolic link" in result.output
    archived = [p for p in (data / "archive").rglob("*") if p.is_file()]
    assert len(archived) == 1  # cr.xlsx alone: nothing outside the inbox was read or kept
    assert archived[0].read_bytes() == sample("CR").read_bytes()


def test_an_inbox_holding_the_data_and_packs_folders_never_reads_them(tmp_path):
    box = tmp_path / "inbox"
    box.mkdir()
    for code in ("CR", "LS"):
        shutil.copy(sample(code), box / f"{code}.xlsx")
    data, packs = box / "data", box / "packs"
    args = ["--config", str(CONFIG), "--data", str(data), "quarter", "--period", str(PERIOD), "--inbox", str(box), "--out", str(packs), "--no-pdf"]
    first = run(*args)
    assert first.exit_code in (0, 1), first.output
    second = run(*args)
    assert "SKIPPED" in second.output and "pmf's own data folder" in second.output and "pmf's own packs folder" in second.output, second.output
    assert "Nothing changed since the last run" in second.output, second.output
    s = Store(data)
    assert len(s.submissions(str(PERIOD))) == 2  # the archive and the findings workbooks were never taken in as returns
    s.close()
    shutil.rmtree(packs)  # pmf ingest knows the data folder, not where packs were written
    ingest = run("--config", str(CONFIG), "--data", str(data), "ingest", "--period", str(PERIOD), str(box))
    assert "pmf's own data folder" in ingest.output and "Nothing changed" in ingest.output, ingest.output


# ---------------------------------------------------------------- codes and names that make file names


def framework_with(tmp_path: Path, change) -> Path:
    folder = tmp_path / "config"
    shutil.copytree(CONFIG, folder)
    path = folder / "framework.yaml"
    fw = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(fw)
    path.write_text(yaml.safe_dump(fw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def test_welsh_committee_names_that_differ_in_one_letter_get_their_own_packs(tmp_path):
    def change(fw):
        fw["committees"][0]["name"] = "Scrutiny – Ŵ"
        fw["committees"][1]["name"] = "Scrutiny – Ŷ"

    config = load_config(framework_with(tmp_path, change))
    assert (slug("Scrutiny – Ŵ"), slug("Scrutiny – Ŷ")) == ("scrutiny-w", "scrutiny-y")
    packs = period_packs(config, tmp_path / "data", PERIOD)
    slugs = [p.slug for p in packs]
    assert len(slugs) == len(set(slugs)) and {"scrutiny-w", "scrutiny-y"} <= set(slugs)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda fw: fw["directorates"][0]["services"].append({"code": "S/D", "name": "x"}), "code 'S/D' contains '/'; a code uses only letters, digits and _"),
        (lambda fw: fw["objectives"].append({"code": "WO\\9", "title": "x"}), "contains '\\\\'"),
        (lambda fw: fw["directorates"][0]["services"].append({"code": "NUL", "name": "x"}), "a name Windows keeps for a device"),
        (lambda fw: fw["directorates"][0]["services"].append({"code": "lib", "name": "x"}), "codes LIB and lib differ only in capitals"),
        (
            lambda fw: fw["committees"][:2] == [fw["committees"][0].update(name="Scrutiny: A&B"), fw["committees"][1].update(name="Scrutiny A B")],
            "its pack would be written to the same file as committee",
        ),
        (lambda fw: fw["committees"][0].update(name="Corporate performance overview"), "same file as the corporate overview"),
        (lambda fw: fw["committees"][0].update(name="—"), "has no letter or digit to name its pack's file"),
    ],
)
def test_codes_and_names_unsafe_for_file_names_are_refused_at_check_config(tmp_path, change, message):
    folder = framework_with(tmp_path, change)
    with pytest.raises(ConfigError) as e:
        load_config(folder)
    assert message in str(e.value), str(e.value)
    result = run("--config", str(folder), "check-config")
    assert result.exit_code == 2 and message in result.output, result.output


@posix
@pytest.mark.parametrize("name", ["r." + "x" * 240, "r.xlsx\nx", "r.\x1b[2K"])
def test_an_archive_name_always_fits_whatever_the_suffix(tmp_path, name):
    box = tmp_path / "inbox"
    box.mkdir()
    shutil.copy(sample("CR"), box / name)
    data = tmp_path / "data"
    result = run("--config", str(CONFIG), "--data", str(data), "ingest", "--period", str(PERIOD), str(box))
    assert result.exit_code == 0, result.output
    _clean_terminal_output(result.output)
    (kept,) = [p for p in (data / "archive").rglob("*") if p.is_file()]
    assert kept.name.endswith(".bin") and kept.read_bytes() == sample("CR").read_bytes()
