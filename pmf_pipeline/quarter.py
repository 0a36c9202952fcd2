"""The whole quarter in one call (``pmf quarter``): ingest the inbox, validate, consolidate, write a
findings workbook per new return (as ``pmf ingest`` does), rate, render every pack, and record the
run in the period's manifest.

Re-running on the same inbox changes nothing: no file is new, the inputs digest matches the
manifest and every pack recorded there is still on disk unchanged, so nothing is re-rendered.

When something did change, only the packs it changes are rendered again. Each pack's record in the
manifest carries its key (``report.render.pack_key``: its data, the templates, the tool's and
WeasyPrint's versions) and the time it was prepared; a pack whose key is unchanged and whose files
are still on disk as written is kept as it is, 'Prepared' time included. A late return from one
directorate so re-renders the overview, that directorate's pack and the packs of the committees
that cover it, not the rest.

Every run that renders packs adds a publication to the manifest (``master.manifest``); so does
``pmf report`` (``publish_packs``), which renders every pack. Earlier publications are kept.

Beside the packs each such run writes the accessibility statements (``packs.statement``), in English and
Welsh, recorded in the publication with their hashes; they count as packs for "nothing changed": a
statement missing or altered on disk is written again on the next run (the packs themselves are kept).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmf_pipeline.config.frozen import config_for_period
from pmf_pipeline.config.models import Config
from pmf_pipeline.master import paths
from pmf_pipeline.master.manifest import digest, inputs, intact, latest_publication, pack_record, record_publication, statement_record
from pmf_pipeline.master.results import period_results
from pmf_pipeline.master.store import Store, data_lock
from pmf_pipeline.packs.build import period_packs
from pmf_pipeline.packs.render import Rendered, pack_key, render_packs
from pmf_pipeline.packs.statement import write_statements
from pmf_pipeline.periods import Period
from pmf_pipeline.returns.findings_workbook import complete_findings_workbooks, write_findings_workbooks
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
    findings_workbooks: list[Path] = field(default_factory=list)  # one per return received by this run
    report_dir: Path | None = None  # where they were written

    @property
    def changed(self) -> bool:
        return self.ingest.changed or self.rendered

    @property
    def has_problems(self) -> bool:
        """A file rejected or a return with errors, received now or before, or a return missing past
        the deadline: what makes ``pmf quarter`` exit 1. A return not yet due is not a problem."""
        return self.ingest.has_errors or any(s.state in ("overdue", "rejected") or s.errors for s in self.states)


def _packs_intact(data_dir: Path, publication: dict[str, Any]) -> bool:
    """The publication's packs and accessibility statements are on disk as written (a publication from
    before the statements were written has none, so the next run writes them)."""
    files = publication.get("packs", []) + publication.get("statements", [])
    return bool(publication.get("packs")) and bool(publication.get("statements")) and all(intact(data_dir, p) for p in files)


def _write_statements(config: Config, data_dir: Path, out_dir: Path) -> list[dict[str, Any]]:
    return [statement_record(data_dir, s.lang, path) for s, path in write_statements(config.framework, out_dir)]


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
    report_dir: str | Path | None = None,
) -> QuarterSummary:
    """Ingest ``inbox``, write a findings workbook for each return received (into ``report_dir``,
    by default ``DATA/reports/PERIOD/validation`` as ``pmf ingest`` does), then render the packs that
    changed; ``on_render(to_render, kept)`` is called before rendering starts and ``on_pack`` after
    each pack (for progress on long runs)."""
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    summary = ingest(config_dir, data_dir, period, collect_files([inbox], exclude=((data_dir, "data folder"), (out_dir, "packs folder"))), on_file=on_file)
    folder = Path(report_dir) if report_dir is not None else paths.validation_reports(data_dir, period)
    written = write_findings_workbooks(summary.outcomes, summary.config, folder)
    written += complete_findings_workbooks(summary.config, data_dir, str(period), folder)  # those a stopped run did not write
    with data_lock(data_dir):
        config = summary.config  # the period's configuration as ingest used it (frozen, or as it stands): loaded once
        store = Store(data_dir)
        try:
            results = period_results(config, store, period)
            states = return_states(config, store, period, today=generated_at.date() if generated_at else None)
            statuses: dict[str, int] = {}
            for r in results:
                statuses[r.status] = statuses.get(r.status, 0) + 1
            last = latest_publication(data_dir, period)
            now_inputs = inputs(store, data_dir, period)
            same_place = last is not None and last.get("packs_folder") == paths.relative(data_dir, out_dir)
            if last and same_place and last.get("inputs_digest") == digest(now_inputs) and _packs_intact(data_dir, last) and not summary.changed:
                return QuarterSummary(period, summary, states, statuses, last["packs"], False, out_dir, findings_workbooks=written, report_dir=folder)
            recorded_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
            when = generated_at or recorded_at
            packs = period_packs(config, data_dir, period, when, when.date())
            before = {p["slug"]: p for p in last.get("packs", [])} if last is not None and same_place else {}
            keys = {p.slug: pack_key(p) for p in packs}
            kept: dict[str, dict[str, Any]] = {}
            for p in packs:
                old = before.get(p.slug)
                if old and old.get("key") == keys[p.slug] and bool(old.get("pdf")) == pdf and intact(data_dir, old):
                    kept[p.slug] = old
            todo = [p for p in packs if p.slug not in kept]
            if on_render:
                on_render(len(todo), len(kept))
            rendered = render_packs(todo, out_dir, pdf=pdf, on_progress=on_pack)
            statements = _write_statements(config, data_dir, out_dir)
            fresh = {r.slug: pack_record(data_dir, r, keys[r.slug], when.isoformat()) for r in rendered}
            records = [kept.get(p.slug) or fresh[p.slug] for p in packs]
            record_publication(data_dir, period, store, results, records, when.isoformat(), out_dir, "quarter", recorded_at.isoformat(), statements)
            return QuarterSummary(
                period, summary, states, statuses, records, True, out_dir, rerendered=len(todo), findings_workbooks=written, report_dir=folder
            )
        finally:
            store.close()


def publish_packs(
    config_dir: str | Path,
    data_dir: str | Path,
    period: Period,
    out_dir: str | Path,
    pdf: bool = True,
    generated_at: dt.datetime | None = None,
    on_pack: Callable[[Rendered], None] | None = None,
) -> list[Rendered]:
    """Render every pack of the period from the master dataset (``pmf report``) and add the publication
    to the period's manifest, as ``pmf quarter`` does, so the audit can check it later."""
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    with data_lock(data_dir):
        config = config_for_period(config_dir, data_dir, period)
        recorded_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        when = generated_at or recorded_at
        packs = period_packs(config, data_dir, period, when, when.date())
        rendered = render_packs(packs, out_dir, pdf=pdf, on_progress=on_pack)
        statements = _write_statements(config, data_dir, out_dir)
        keys = {p.slug: pack_key(p) for p in packs}
        store = Store(data_dir)
        try:
            results = period_results(config, store, period)
            records = [pack_record(data_dir, r, keys[r.slug], when.isoformat()) for r in rendered]
            record_publication(data_dir, period, store, results, records, when.isoformat(), out_dir, "report", recorded_at.isoformat(), statements)
        finally:
            store.close()
    return rendered
