"""The whole quarter in one call (``pmf quarter``): ingest the inbox, validate, consolidate, rate,
render every pack, and record the run in the period's manifest.

Re-running on the same inbox changes nothing: no file is new, the inputs digest matches the
manifest and every pack recorded there is still on disk unchanged, so nothing is re-rendered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .ingest import FileOutcome, IngestSummary, collect_files, ingest
from .manifest import digest, file_hash, inputs, load_manifest, write_manifest
from .periodconfig import config_for_period
from .periods import Period
from .report.build import period_packs
from .report.render import Rendered, render_packs
from .results import period_results
from .store import Store, data_lock
from .tracker import ReturnState, return_states


@dataclass
class QuarterSummary:
    period: Period
    ingest: IngestSummary
    states: list[ReturnState]
    statuses: dict[str, int]
    packs: list[dict[str, Any]] = field(default_factory=list)
    rendered: bool = False
    out_dir: Path | None = None

    @property
    def changed(self) -> bool:
        return self.ingest.changed or self.rendered


def _packs_intact(manifest: dict[str, Any]) -> bool:
    for p in manifest.get("packs", []):
        for kind in ("html", "pdf"):
            if p.get(kind) and (not Path(p[kind]).exists() or file_hash(Path(p[kind])) != p[f"{kind}_sha256"]):
                return False
    return bool(manifest.get("packs"))


def run_quarter(
    config_dir: str | Path,
    data_dir: str | Path,
    period: Period,
    inbox: str | Path,
    out_dir: str | Path,
    pdf: bool = True,
    generated_at: dt.datetime | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
    on_pack: Callable[[Rendered], None] | None = None,
) -> QuarterSummary:
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    summary = ingest(config_dir, data_dir, period, collect_files([inbox]), on_file=on_file)
    with data_lock(data_dir):
        config = config_for_period(config_dir, data_dir, period)
        store = Store(data_dir)
        try:
            results = period_results(config, store, period)
            states = return_states(config, store, period, today=generated_at.date() if generated_at else None)
            statuses: dict[str, int] = {}
            for r in results:
                statuses[r.status] = statuses.get(r.status, 0) + 1
            manifest = load_manifest(data_dir, period)
            now_inputs = inputs(store, data_dir, period)
            if (
                manifest
                and manifest.get("inputs_digest") == digest(now_inputs)
                and manifest.get("packs_folder") == str(out_dir)
                and _packs_intact(manifest)
                and not summary.changed
            ):
                return QuarterSummary(period, summary, states, statuses, manifest["packs"], False, out_dir)
            when = generated_at or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
            packs = period_packs(config, data_dir, period, when, when.date())
            rendered = render_packs(packs, out_dir, pdf=pdf, on_progress=on_pack)
            records = [
                {
                    "slug": r.slug,
                    "title": r.title,
                    "html": str(r.html),
                    "html_sha256": file_hash(r.html),
                    "pdf": str(r.pdf) if r.pdf else None,
                    "pdf_sha256": file_hash(r.pdf) if r.pdf else None,
                    "pages": r.pages,
                }
                for r in rendered
            ]
            write_manifest(data_dir, period, store, results, records, when.isoformat(), str(out_dir))
            return QuarterSummary(period, summary, states, statuses, records, True, out_dir)
        finally:
            store.close()
