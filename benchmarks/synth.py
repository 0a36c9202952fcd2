"""A synthetic framework of any size, built from the sample council's PI kinds, for benchmarks.

``make_config(folder, directorates=20, pis_per_directorate=50)`` writes a complete config/ whose
PIs cycle through the sample library's kinds (percentages from numerator and denominator, counts,
lower-is-better days, currency, cumulative, annual, narrative, context), with targets for the
sample year and history for the year before, so generate, ingest, rating and packs all do their
real work.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def make_config(folder: Path, directorates: int = 20, pis_per_directorate: int = 50, council: str = "Benchmark County Council", seed: int = 1) -> Path:
    rng = random.Random(seed)
    sample_fw = yaml.safe_load((ROOT / "config" / "framework.yaml").read_text())
    kinds = [p for p in yaml.safe_load((ROOT / "config" / "pis.yaml").read_text()) if p.get("frequency") == "quarterly"]
    sample_targets = {(r["pi_ref"], r["year"]): r for r in csv.DictReader((ROOT / "config" / "targets.csv").open())}
    fw = dict(sample_fw)
    fw["council"] = council
    fw["directorates"] = [
        {"code": f"D{d:02d}", "name": f"Directorate {d:02d}", "services": [{"code": "S1", "name": "Service one"}]} for d in range(directorates)
    ]
    fw["committees"] = [
        {"code": f"C{c}", "name": f"Scrutiny Committee {c}", "remit": {"directorates": [f"D{d:02d}" for d in range(directorates) if d % 5 == c]}}
        for c in range(5)
    ]
    pis, targets, history = [], [], []
    for d in range(directorates):
        for i in range(pis_per_directorate):
            kind = dict(kinds[(d * pis_per_directorate + i) % len(kinds)])
            ref = f"B{d:02d}/{i:03d}"
            src = kind["ref"]
            kind.update(ref=ref, directorate=f"D{d:02d}", service="S1", committees=[])
            pis.append(kind)
            for year in ("2025-26", "2026-27"):
                t = sample_targets.get((src, year))
                if t:
                    targets.append({**t, "pi_ref": ref})
            for q in (1, 2, 3, 4):
                period = f"2025-26-Q{q}"
                base = sample_targets.get((src, "2025-26"))
                if kind["unit"] == "narrative":
                    history.append({"pi_ref": ref, "period": period, "actual": "On track.", "numerator": "", "denominator": ""})
                elif base and base["annual"]:
                    v = float(base[f"q{q}"] or base["annual"]) * rng.uniform(0.9, 1.05)
                    lo, hi = (kind.get("valid_range") or [None, None])[:2]
                    v = min(v, hi) if hi is not None else v
                    history.append({"pi_ref": ref, "period": period, "actual": f"{v:.{kind['decimals']}f}", "numerator": "", "denominator": ""})
            history.append(
                {
                    "pi_ref": ref,
                    "period": "2026-27-Q1",
                    "actual": history[-1]["actual"] if history and history[-1]["pi_ref"] == ref else "",
                    "numerator": "",
                    "denominator": "",
                }
            )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "framework.yaml").write_text(yaml.safe_dump(fw, sort_keys=False))
    (folder / "pis.yaml").write_text(yaml.safe_dump(pis, sort_keys=False))
    with (folder / "targets.csv").open("w", newline="") as f:
        w = csv.DictWriter(f, ["pi_ref", "year", "annual", "q1", "q2", "q3", "q4", "rationale"])
        w.writeheader()
        w.writerows(targets)
    with (folder / "history.csv").open("w", newline="") as f:
        w = csv.DictWriter(f, ["pi_ref", "period", "actual", "numerator", "denominator"])
        w.writeheader()
        w.writerows(h for h in history if h["actual"] != "")
    return folder
