"""What each run of a period used and made, kept with the period for audit.

``DATA/periods/PERIOD/manifest.json`` records the hashes of every archived return, of the
configuration files in force (the period's own copy), the tool's version, the statuses given,
and the hashes of every pack, with the generation time needed to re-render them identically.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pmf_pipeline import __version__
from pmf_pipeline.master.paths import frozen_config_dir, manifest_path
from pmf_pipeline.master.results import PIResult
from pmf_pipeline.master.store import Store
from pmf_pipeline.periods import Period


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_manifest(data_dir: str | Path, period: Period) -> dict[str, Any] | None:
    p = manifest_path(data_dir, period)
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else None


def inputs(store: Store, data_dir: str | Path, period: Period) -> dict[str, Any]:
    """The inputs of a period as they stand: returns received, the configuration in force, and what
    the packs are made with (the tool, its templates and WeasyPrint), so that restyled packs are
    rendered again even when no return is new."""
    from pmf_pipeline.packs.render import renderer_digest

    frozen = frozen_config_dir(data_dir, period)
    returns = [
        {
            "file": Path(s.file_name).name,
            "sha256": s.sha256,
            "archive_path": s.archive_path,
            "directorate": s.directorate,
            "outcome": s.outcome,
            "superseded_by": s.superseded_by,
        }
        for s in store.submissions(str(period))
    ]
    config = {p.name: file_hash(p) for p in sorted(frozen.iterdir())} if frozen.exists() else {}
    return {"returns": returns, "config": config, "tool_version": __version__, "renderer": renderer_digest()}


def digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def write_manifest(
    data_dir: str | Path, period: Period, store: Store, results: list[PIResult], packs: list[dict[str, Any]], generated_at: str, out_dir: str
) -> dict[str, Any]:
    ins = inputs(store, data_dir, period)
    manifest = {
        "period": str(period),
        **ins,
        "inputs_digest": digest(ins),
        "generated_at": generated_at,
        "packs_folder": out_dir,
        "statuses": {r.pi.ref: {"status": r.status, "trend": r.trend, "actual": None if r.actual is None else format(r.actual, "f")} for r in results},
        "packs": packs,
    }
    path = manifest_path(data_dir, period)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    tmp.replace(path)
    return manifest
