"""The whole quarter in one call (``pmf quarter``): ingest the inbox, validate, consolidate, rate,
render every pack, and record the run in the period's manifest.

Re-running on the same inbox changes nothing: no file is new, the inputs digest matches the
manifest and every pack recorded there is still on disk unchanged, so nothing is re-rendered.

When something did change, only the packs it changes are rendered again. Each pack's record in the
manifest carries its key (``report.render.pack_key``: its data, the templates, the tool's and
WeasyPrint's versions) and the time it was prepared; a pack whose key is unchanged and whose files
are still on disk as written is kept as it is, 'Prepared' time included. A late return from one
directorate so re-renders the overview, that directorate's pack and the packs of the committees
that cover it, not the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmf_pipeline.config.frozen import config_for_period
from pmf_pipeline.master.manifest import digest, file_hash, inputs, load_manifest, write_manifest
from pmf_pipeline.master.results import period_results
from pmf_pipeline.master.store import Store, data_lock
from pmf_pipeline.packs.build import period_packs
from pmf_pipeline.packs.render import Rendered, pack_key, render_packs
from pmf_pipeline.periods import Period
from pmf_pipeline.returns.ingest import FileOutcome, IngestSummary, collect_files, ingest
from pmf_pipeline.returns.tracker import ReturnState, return_states


@dataclass
class QuarterSummary:
    period: Period
    ingest: IngestSummary
    states: list[ReturnState]
    statuses: dict[str, int]
    packs: list[dict[str, Any]] = field(default_factory=list)
    rendered: bool = False
    out_dir: Path | None = None
    rerendered: int = 0  # packs rendered by this run (the rest were unchanged and kept)

    @property
    def changed(self) -> bool:
        return self.ingest.changed or self.rendered


def _intact(record: dict[str, Any]) -> bool:
    """The pack's files are on disk exactly as this tool wrote them."""
    for kind in ("html", "pdf"):
        if record.get(kind) and (not Path(record[kind]).exists() or file_hash(Path(record[kind])) != record[f"{kind}_sha256"]):
            return False
    return True


def _packs_intact(manifest: dict[str, Any]) -> bool:
    return bool(manifest.get("packs")) and all(_intact(p) for p in manifest["packs"])


def _record(r: Rendered, key: str, prepared: str) -> dict[str, Any]:
    return {
        "slug": r.slug,
        "title": r.title,
        "html": str(r.html),
        "html_sha256": file_hash(r.html),
        "pdf": str(r.pdf) if r.pdf else None,
        "pdf_sha256": file_hash(r.pdf) if r.pdf else None,
        "pages": r.pages,
        "key": key,
        "generated_at": prepared,
    }


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
    on_render: Callable[[int, int], None] | None = None,
) -> QuarterSummary:
    """Ingest ``inbox``, then render the packs that changed; ``on_render(to_render, kept)`` is called
    before rendering starts and ``on_pack`` after each pack (for progress on long runs)."""
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
            same_place = manifest is not None and manifest.get("packs_folder") == str(out_dir)
            before = {p["slug"]: p for p in manifest.get("packs", [])} if manifest is not None and same_place else {}
            keys = {p.slug: pack_key(p) for p in packs}
            kept: dict[str, dict[str, Any]] = {}
            for p in packs:
                old = before.get(p.slug)
                if old and old.get("key") == keys[p.slug] and bool(old.get("pdf")) == pdf and _intact(old):
                    kept[p.slug] = old
            todo = [p for p in packs if p.slug not in kept]
            if on_render:
                on_render(len(todo), len(kept))
            fresh = {r.slug: _record(r, keys[r.slug], when.isoformat()) for r in render_packs(todo, out_dir, pdf=pdf, on_progress=on_pack)}
            records = [kept.get(p.slug) or fresh[p.slug] for p in packs]
            write_manifest(data_dir, period, store, results, records, when.isoformat(), str(out_dir))
            return QuarterSummary(period, summary, states, statuses, records, True, out_dir, rerendered=len(todo))
        finally:
            store.close()
