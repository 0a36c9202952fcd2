"""The updater workbook as it prints and as it is protected: converted to PDF by a real LibreOffice and
read back with poppler (page sizes, text, word boxes); protection read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
import statistics
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils.protection import hash_password

from pmf_pipeline.cli import main
from pmf_pipeline.workbook import layout
from pmf_pipeline.workbook.fill import Entry, fill_return
from pmf_pipeline.workbook.generate import generate, print_scale
from tests.conftest import PERIOD, need_program

NARRATIVE = (
    "The new customer portal went live in August. Digital transactions rose by a fifth against the first quarter, "
    "and the telephone queue fell to under two minutes. A second phase, covering council tax, starts in November."
)


def _carlito_fonts_conf(tmp_path: Path) -> dict[str, str]:
    """An environment in which LibreOffice finds Carlito, the font with Calibri's metrics, as Excel users
    have Calibri: the pages then break where they break for them."""
    spec = importlib.util.find_spec("rinoh_typeface_carlito")
    assert spec and spec.submodule_search_locations
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{spec.submodule_search_locations[0]}</dir>\n  <cachedir>{tmp_path / 'fontcache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def to_pdf(xlsx: Path, out: Path, env: dict[str, str] | None = None) -> Path:
    soffice = need_program("soffice")
    profile = (out / "profile").resolve().as_uri()
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation={profile}", "--convert-to", "pdf", "--outdir", str(out), str(xlsx)],
        check=True,
        capture_output=True,
        timeout=180,
        env=env,
    )
    return out / (xlsx.stem + ".pdf")


def pages(pdf: Path) -> list[tuple[float, float, str]]:
    """(width, height, text) of each page, in points."""
    need_program("pdfinfo")
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], check=True, capture_output=True, text=True).stdout
    sizes = [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]
    out = []
    for n, (w, h) in enumerate(sizes, start=1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        out.append((w, h, text))
    return out


def word_heights(pdf: Path, first: int, last: int) -> list[float]:
    boxes = subprocess.run(["pdftotext", "-bbox", "-f", str(first), "-l", str(last), str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return [float(y1) - float(y0) for y0, y1 in re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">', boxes)]


def instruction_pages(pdf: Path) -> list[tuple[float, float, str]]:
    """The pages before the Return sheet's first."""
    out = []
    for page in pages(pdf):
        if "PI ref" in page[2]:
            break
        out.append(page)
    return out


def flat(text: str) -> str:
    return " ".join(text.split())


def instruction_lines(xlsx: Path) -> list[str]:
    ws = openpyxl.load_workbook(xlsx)[layout.INSTRUCTIONS_SHEET]
    return [c.value for c in ws["A"] if c.value]


@pytest.fixture(scope="module")
def printed(tmp_path_factory, config):
    """The Corporate Resources return, with its narrative PI filled in, printed as Excel users print it (Calibri's metrics)."""
    tmp = tmp_path_factory.mktemp("print")
    made = generate(config, PERIOD, tmp / "out", directorates=["CR"], generated_at=dt.datetime(2026, 9, 30, 9))[0].path
    filled = fill_return(made, {"CPM/081": Entry(actual=NARRATIVE, comment="On track.")}, tmp / "cr.xlsx")
    return filled, to_pdf(filled, tmp / "pdf", _carlito_fonts_conf(tmp))


def test_the_instructions_print_on_one_portrait_page_with_every_sentence_whole(printed):
    xlsx, pdf = printed
    (w, h, text), *_ = pages(pdf)
    assert (round(w), round(h)) == (595, 842)  # A4 portrait
    lines = instruction_lines(xlsx)
    assert len(lines) >= 19 and all(flat(line) in flat(text) for line in lines[:19]), text  # the PIs' instructions whole on page 1
    instructions = instruction_pages(pdf)
    assert all((round(w), round(h)) == (595, 842) for w, h, _ in instructions)
    assert all(flat(line) in flat(" ".join(t for _, _, t in instructions)) for line in lines)  # the Actions section (if any) whole after them
    assert "PI ref" not in text  # the Return sheet starts on a page of its own


def test_the_instructions_fit_the_page_in_a_font_wider_than_calibri_too(printed, tmp_path):
    """Without Carlito, LibreOffice stands in a wider font (DejaVu Sans here): a column wider than the page
    would be cut at its edge, and LibreOffice ignores 'fit to page' in .xlsx files."""
    xlsx, _ = printed
    pdf = to_pdf(xlsx, tmp_path)
    instructions = instruction_pages(pdf)
    assert all((round(w), round(h)) == (595, 842) for w, h, _ in instructions)
    text = " ".join(t for _, _, t in instructions)
    assert all(flat(line) in flat(text) for line in instruction_lines(xlsx)), text


def test_the_return_prints_landscape_three_pages_across_readable_with_headings_on_every_page(printed, config):
    xlsx, pdf = printed
    first = len(instruction_pages(pdf))
    got = [p for p in pages(pdf)[first:] if "Action ref" not in p[2]]  # the Actions sheet's pages (if any) follow the Return's
    refs = [r[0].value for r in openpyxl.load_workbook(xlsx)[layout.RETURN_SHEET].iter_rows(min_row=layout.FIRST_ROW, max_col=1) if r[0].value]
    assert len(got) % 3 == 0 and len(got) >= 3, [t[:300] for _, _, t in got]  # each band of PIs on three pages, none spilling onto a fourth
    for n, (w, h, text) in enumerate(got):
        assert (round(w), round(h)) == (842, 595), n  # A4 landscape
        assert "Corporate Resources, Quarter 2 2026-27" in text and "Return by Friday 23 October 2026" in text  # the page header
        assert "PI ref" in text and "Title" in text  # the header row and the PI columns on every page
        assert text.split("PI ref")[0].count("\n") < 6  # the header row at the top of the page, not the sheet's title block
        across = ("Definition", "Polarity") if n % 3 == 0 else ("Target this", "Actual", "Status (live)") if n % 3 == 1 else ("Comment", "Verified by", "Check")
        assert all(label in text for label in across), (n, across, text[:400])
    for ref in refs:  # every PI on every page of its band
        assert sum(ref in text for _, _, text in got) == 3, ref
    reading = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout  # in reading order, cell by cell
    assert flat(NARRATIVE) in flat(reading.replace("Not rated (narrative)", ""))  # the narrative PI's few sentences, whole (beside its Status)
    # readable: the smallest word on the Return pages, against 11 pt text printed at full size on page 1
    full_size = statistics.median(word_heights(pdf, 1, 1))
    smallest = min(word_heights(pdf, first + 1, first + len(got)))
    assert 11 * smallest / full_size >= 8.5, (smallest, full_size)
    assert print_scale() == 81


def test_sheets_are_protected_with_a_password_the_team_keeps(tmp_path, config_dir):
    data, out = tmp_path / "data", tmp_path / "out"
    run = ["--config", str(config_dir), "--data", str(data), "generate", "--period", str(PERIOD), "--directorate", "SS", "--out", str(out)]
    first = CliRunner().invoke(main, run)
    assert first.exit_code == 0, first.output
    kept = data / "periods" / str(PERIOD) / "sheet_password.txt"
    password = kept.read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", password) and password not in first.output
    assert (
        f"Sheets are protected with the password kept in {kept} (made now for this quarter): use it to unlock a return when helping an updater.\n"
        in first.output
    )
    (path,) = out.glob("*.xlsx")
    wb = openpyxl.load_workbook(path)
    assert all(wb[name].protection.sheet and wb[name].protection.password == hash_password(password) for name in wb.sheetnames)
    again = CliRunner().invoke(main, run)  # workbooks made again for the same quarter: the same password
    assert "(the same as before for this quarter)" in again.output and kept.read_text(encoding="utf-8").strip() == password
    assert openpyxl.load_workbook(path)[layout.RETURN_SHEET].protection.password == hash_password(password)
    # a council that sets its own in framework.yaml gets that one, and nothing is kept in the data folder
    framework = config_dir / "framework.yaml"
    framework.write_text(framework.read_text(encoding="utf-8") + "sheet_password: Llanfair-2026\n", encoding="utf-8")
    own = CliRunner().invoke(main, [*run[:3], str(tmp_path / "data2"), *run[4:]])
    assert own.exit_code == 0, own.output
    assert "Sheets are protected with the password set in framework.yaml (sheet_password).\n" in own.output
    assert openpyxl.load_workbook(path)[layout.INSTRUCTIONS_SHEET].protection.password == hash_password("Llanfair-2026")
    assert not (tmp_path / "data2" / "periods" / str(PERIOD) / "sheet_password.txt").exists()


def test_a_workbook_made_without_a_data_folder_is_still_protected_with_a_password(blank_returns):
    wb = openpyxl.load_workbook(blank_returns["SS"])
    assert all(wb[name].protection.password for name in wb.sheetnames)  # never one click to unprotect
