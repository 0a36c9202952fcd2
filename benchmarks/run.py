"""make bench: a large council's quarter and a national-scale collection, against the floor and a naive peer.

Prints every figure with its ratio and writes benchmarks/results.json. Medians over repeated runs.
- the floor: python-calamine reading just the cell values of the same workbooks;
- the naive peer: pandas.read_excel on each file (what an analyst would write), concatenated.
Peak memory is the largest resident set of any process of a stage (workers included).
Stages run in child processes, so each one's peak memory is its own.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
PERIOD = "2026-27-Q2"


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def interleaved(fns: dict, repeat: int, every: dict | None = None) -> dict:
    """Median seconds of each function, run in turn round after round, so that a machine slowing down
    or speeding up during the run affects each alike and their ratios hold. ``every[name] = k`` runs
    that one only every k-th round (for the slow references)."""
    times: dict = {name: [] for name in fns}
    for i in range(repeat):
        for name, fn in fns.items():
            if i % (every or {}).get(name, 1):
                continue
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    return {name: statistics.median(ts) for name, ts in times.items()}


def stage(name: str, *args: str) -> dict:
    """Run one stage in a child process; return its JSON result with its peak memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = subprocess.run([sys.executable, __file__, "--stage", name, *args], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result.setdefault("peak_mb", round(max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024))
    return result


# ---------------------------------------------------------------- stages (each in its own process)


def _peak() -> int:
    return round(max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024)


def stage_setup(work: str, directorates: str, pis: str) -> dict:
    """A synthetic council: config, blank workbooks, filled returns (the project's own generate and fill)."""
    from synth import make_config

    from pmf_pipeline.config import load_config
    from pmf_pipeline.periods import Period
    from pmf_pipeline.workbook.fill import fill_return
    from pmf_pipeline.workbook.generate import generate
    from pmf_pipeline.workbook.samples import sample_entries

    w = Path(work)
    make_config(w / "config", int(directorates), int(pis))
    config = load_config(w / "config")
    period = Period.parse(PERIOD)
    (w / "inbox").mkdir(parents=True, exist_ok=True)
    for g in generate(config, period, w / "outbox"):
        fill_return(g.path, sample_entries(config, period, g.directorate), w / "inbox" / g.path.name)
    return {"pis": len(config.pis), "returns": len(list((w / "inbox").iterdir()))}


def stage_generate(work: str, repeat: str) -> dict:
    from pmf_pipeline.config import load_config
    from pmf_pipeline.periods import Period
    from pmf_pipeline.workbook.generate import generate

    config = load_config(Path(work) / "config")
    period = Period.parse(PERIOD)
    t = median_time(lambda: generate(config, period, Path(work) / "gen"), int(repeat))
    return {"seconds": t, "peak_mb": _peak()}


def stage_ingest(work: str, repeat: str) -> dict:
    """All 20 returns: into an empty master dataset (the quarter's first ingest: the configuration is
    frozen and the history loaded), and into a dataset that already has the period (every later run)."""
    from pmf_pipeline.periods import Period
    from pmf_pipeline.returns.ingest import collect_files, ingest

    files = collect_files([Path(work) / "inbox"])
    data, ready = Path(work) / "data-ingest", Path(work) / "data-ingest-ready"

    def first() -> None:
        shutil.rmtree(data, ignore_errors=True)
        ingest(Path(work) / "config", data, Period.parse(PERIOD), files)

    shutil.rmtree(ready, ignore_errors=True)
    ingest(Path(work) / "config", ready, Period.parse(PERIOD), [])  # the period opened, nothing received yet
    times = []
    for _ in range(int(repeat)):
        shutil.rmtree(data, ignore_errors=True)
        shutil.copytree(ready, data)
        t = time.perf_counter()
        ingest(Path(work) / "config", data, Period.parse(PERIOD), files)
        times.append(time.perf_counter() - t)

    first()  # warm the file cache
    return {"seconds": median_time(first, int(repeat)), "later_seconds": statistics.median(times), "files": len(files), "peak_mb": _peak()}


def stage_one_return(work: str, repeat: str) -> dict:
    """Ingest + validate of one 50-PI return in process, against the floor and the naive peer on the same file."""
    import pandas as pd
    import python_calamine as pc

    from pmf_pipeline.config import load_config
    from pmf_pipeline.periods import Period
    from pmf_pipeline.returns.validate import validate_bytes

    config = load_config(Path(work) / "config")
    f = sorted((Path(work) / "inbox").iterdir())[0]
    period = Period.parse(PERIOD)
    n = int(repeat)

    def ours() -> None:
        validate_bytes(f.read_bytes(), f.name, config, period)

    def floor() -> None:
        wb = pc.CalamineWorkbook.from_path(str(f))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()

    def naive() -> None:
        pd.read_excel(f, sheet_name=None, engine="openpyxl")

    ours()
    t = interleaved({"ours": ours, "floor": floor, "naive": naive}, n, every={"naive": 5})
    return {"ours_ms": t["ours"] * 1000, "floor_ms": t["floor"] * 1000, "naive_ms": t["naive"] * 1000, "peak_mb": _peak()}


def stage_council_refs(work: str) -> dict:
    """The floor and the naive peer on all of a council's returns."""
    import pandas as pd
    import python_calamine as pc

    files = sorted((Path(work) / "inbox").iterdir())

    def floor() -> None:
        for f in files:
            wb = pc.CalamineWorkbook.from_path(str(f))
            for name in wb.sheet_names:
                wb.get_sheet_by_name(name).to_python()

    def naive() -> None:
        pd.concat([df for f in files for df in pd.read_excel(f, sheet_name=None, engine="openpyxl").values()])

    return {"floor_s": median_time(floor, 5), "naive_s": median_time(naive, 3), "peak_mb": _peak()}


def stage_report(work: str) -> dict:
    import datetime as dt

    from pmf_pipeline.config import load_config
    from pmf_pipeline.packs.build import period_packs
    from pmf_pipeline.packs.render import render_html, render_packs, render_pdf
    from pmf_pipeline.periods import Period
    from pmf_pipeline.returns.ingest import collect_files, ingest

    w = Path(work)
    period = Period.parse(PERIOD)
    data = w / "data-report"
    shutil.rmtree(data, ignore_errors=True)
    ingest(w / "config", data, period, collect_files([w / "inbox"]))
    when = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    packs = period_packs(load_config(w / "config"), data, period, when, when.date())
    t = time.perf_counter()
    rendered = render_packs(packs, w / "packs", pdf=True)
    seconds = time.perf_counter() - t
    pages = sum(r.pages for r in rendered)
    small = next(p for p in packs if p.kind == "directorate")  # one 50-PI pack, alone in one process
    html = render_html(small)
    t = time.perf_counter()
    one_pages = render_pdf(html, w / "one.pdf")
    one_s = time.perf_counter() - t
    return {
        "seconds": seconds,
        "packs": len(rendered),
        "pages": pages,
        "pages_per_s": pages / seconds,
        "single_pack_pages": one_pages,
        "single_process_pages_per_s": one_pages / one_s,
        "peak_mb": _peak(),
    }


def _quarter(w: Path, inbox: Path) -> float:
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pmf_pipeline", "--config", str(w / "config"), "--data", str(w / "data-quarter"), "quarter",
         "--period", PERIOD, "--inbox", str(inbox), "--out", str(w / "packs-quarter")],
        capture_output=True,
        text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr)
    return seconds


def stage_quarter(work: str) -> dict:
    """The whole pmf quarter from nothing, then again after one directorate sends a corrected return."""
    import dataclasses

    from pmf_pipeline.config import load_config
    from pmf_pipeline.periods import Period
    from pmf_pipeline.workbook.fill import fill_return
    from pmf_pipeline.workbook.samples import sample_entries

    w = Path(work)
    shutil.rmtree(w / "data-quarter", ignore_errors=True)
    shutil.rmtree(w / "packs-quarter", ignore_errors=True)
    inbox = w / "inbox-quarter"
    shutil.rmtree(inbox, ignore_errors=True)
    shutil.copytree(w / "inbox", inbox)
    cold = _quarter(w, inbox)
    config, period = load_config(w / "config"), Period.parse(PERIOD)
    blank = sorted((w / "outbox").glob("*_D05_*"))[0]
    entries = sample_entries(config, period, "D05")
    first = next(iter(entries))
    entries[first] = dataclasses.replace(entries[first], comment="Corrected: figures re-checked against the source system.")
    fill_return(blank, entries, inbox / blank.name.replace(".xlsx", "_corrected.xlsx"))
    rerun = _quarter(w, inbox)
    return {"seconds": cold, "rerun_seconds": rerun, "peak_mb": _peak()}


def _gen_council(args: tuple[str, int]) -> int:
    from pmf_pipeline.config import load_config
    from pmf_pipeline.periods import Period
    from pmf_pipeline.workbook.generate import generate

    work, i = args
    global _CONFIG
    if "_CONFIG" not in globals():
        _CONFIG = load_config(Path(work) / "config")
    return len(generate(_CONFIG, Period.parse(PERIOD), Path(work) / "national-gen" / f"c{i:03d}"))


def stage_national_generate(work: str, councils: str) -> dict:
    import concurrent.futures as cf

    t = time.perf_counter()
    with cf.ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as ex:
        n = sum(ex.map(_gen_council, [(work, i) for i in range(int(councils))], chunksize=4))
    return {"seconds": time.perf_counter() - t, "workbooks": n, "peak_mb": _peak()}


def stage_national_validate(work: str, councils: str) -> dict:
    """Every council's 20 returns (copies of the filled ones) read in worker processes and validated."""
    from pmf_pipeline.config import load_config
    from pmf_pipeline.periods import Period
    from pmf_pipeline.returns.ingest import validate_files

    w = Path(work)
    src = sorted((w / "inbox").iterdir())
    files = []
    for i in range(int(councils)):
        d = w / "national-in" / f"c{i:03d}"
        d.mkdir(parents=True, exist_ok=True)
        for f in src:
            target = d / f.name
            if not target.exists():
                os.link(f, target)
            files.append(target)
    config = load_config(w / "config")
    t = time.perf_counter()
    accepted = sum(r.outcome == "accepted" for r in validate_files(config, Period.parse(PERIOD), files))
    seconds = time.perf_counter() - t
    assert accepted == len(files)
    return {"seconds": seconds, "returns": accepted, "peak_mb": _peak()}


def stage_big_workbook(work: str, repeat: str) -> dict:
    """A 10,000-row return: ours against the floor and the naive peer."""
    import pandas as pd
    import python_calamine as pc
    from synth import make_config

    from pmf_pipeline.config import load_config
    from pmf_pipeline.periods import Period
    from pmf_pipeline.returns.validate import validate_bytes
    from pmf_pipeline.workbook.fill import fill_return
    from pmf_pipeline.workbook.generate import generate
    from pmf_pipeline.workbook.samples import sample_entries

    w = Path(work) / "big"
    period = Period.parse(PERIOD)
    if not (w / "big.xlsx").exists():
        make_config(w / "config", 1, 10000)
        config = load_config(w / "config")
        g = generate(config, period, w / "out")[0]
        fill_return(g.path, sample_entries(config, period, g.directorate), w / "big.xlsx")
    config = load_config(w / "config")
    f = w / "big.xlsx"
    n = int(repeat)

    def floor() -> None:
        wb = pc.CalamineWorkbook.from_path(str(f))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()

    t = interleaved(
        {
            "ours": lambda: validate_bytes(f.read_bytes(), f.name, config, period),
            "floor": floor,
            "naive": lambda: pd.read_excel(f, sheet_name=None, engine="openpyxl"),
        },
        n,
        every={"naive": 2},
    )
    return {"rows": 10000, "ours_s": t["ours"], "floor_s": t["floor"], "naive_s": t["naive"], "peak_mb": _peak()}


# ---------------------------------------------------------------- the run


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--stage":
        print(json.dumps(globals()[f"stage_{sys.argv[2]}"](*sys.argv[3:])))
        return
    councils = int(os.environ.get("PMF_BENCH_COUNCILS", "400"))
    work = Path(tempfile.mkdtemp(prefix="pmf-bench-"))
    started = time.time()
    print(f"pmf-pipeline benchmarks on {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    try:
        setup = stage("setup", str(work), "20", "50")
        print(f"Large council: {setup['pis']} PIs, {setup['returns']} returns of 50 PIs")
        r = {"machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}}
        r["generate_council"] = stage("generate", str(work), "3")
        r["ingest_council"] = stage("ingest", str(work), "5")
        r["council_refs"] = stage("council_refs", str(work))
        r["one_return"] = stage("one_return", str(work), "200")
        r["report_council"] = stage("report", str(work))
        r["quarter_council"] = stage("quarter", str(work))
        r["big_workbook"] = stage("big_workbook", str(work), "3")
        r["national_validate"] = stage("national_validate", str(work), str(councils))
        r["national_generate"] = stage("national_generate", str(work), str(councils))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    one, inc, refs, rep, big = r["one_return"], r["ingest_council"], r["council_refs"], r["report_council"], r["big_workbook"]
    nat_v, nat_g = r["national_validate"], r["national_generate"]
    lines = [
        (
            "One 50-PI return, ingest+validate",
            f"{one['ours_ms']:.1f} ms",
            f"{one['ours_ms'] / one['floor_ms']:.1f}x the floor ({one['floor_ms']:.1f} ms; target <= 1.5x); "
            f"{one['naive_ms'] / one['ours_ms']:.1f}x faster than pandas.read_excel ({one['naive_ms']:.1f} ms; target >= 8x)",
        ),
        ("Large council: generate 20 workbooks", f"{r['generate_council']['seconds']:.2f} s", f"peak {r['generate_council']['peak_mb']} MB"),
        (
            "Large council: ingest+validate+consolidate 20",
            f"{inc['seconds']:.2f} s",
            f"target < 0.5 s; into an empty master dataset; floor {refs['floor_s']:.2f} s ({inc['seconds'] / refs['floor_s']:.1f}x); "
            f"naive peer {refs['naive_s']:.2f} s ({refs['naive_s'] / inc['seconds']:.1f}x slower than ours); peak {inc['peak_mb']} MB",
        ),
        (
            "  the same, period already open",
            f"{inc['later_seconds']:.2f} s",
            "configuration frozen and history loaded by an earlier run, as for every run after the first",
        ),
        (
            "Large council: render every pack",
            f"{rep['seconds']:.1f} s",
            f"{rep['packs']} packs, {rep['pages']} pages, {rep['pages_per_s']:.1f} pages/s "
            f"(one process: {rep['single_process_pages_per_s']:.1f} pages/s; target >= 5); peak {rep['peak_mb']} MB",
        ),
        ("Large council: whole pmf quarter", f"{r['quarter_council']['seconds']:.1f} s", f"target < 15 s; peak {r['quarter_council']['peak_mb']} MB"),
        (
            "  again, after one corrected return",
            f"{r['quarter_council']['rerun_seconds']:.1f} s",
            "only the packs it changes are rendered again (overview, its directorate, its committee)",
        ),
        (
            "10,000-row workbook read+validate",
            f"{big['ours_s']:.2f} s",
            f"{big['ours_s'] / big['floor_s']:.1f}x the floor ({big['floor_s']:.2f} s); naive peer {big['naive_s']:.1f} s; peak {big['peak_mb']} MB",
        ),
        (f"National: {nat_v['returns']} returns ingested+validated", f"{nat_v['seconds']:.1f} s", f"target < 20 s; peak {nat_v['peak_mb']} MB"),
        (f"National: generate {nat_g['workbooks']} workbooks", f"{nat_g['seconds']:.1f} s", f"target < 120 s; peak {nat_g['peak_mb']} MB"),
    ]
    width = max(len(a) for a, _, _ in lines)
    for a, b, c in lines:
        print(f"  {a:<{width}}  {b:>9}   {c}")
    r["total_seconds"] = round(time.time() - started, 1)
    (HERE / "results.json").write_text(json.dumps(r, indent=2) + "\n")
    print(f"Results: benchmarks/results.json ({r['total_seconds']} s in all)")


if __name__ == "__main__":
    main()
