"""Internal audit: re-run validation on archived returns and check the period reproduces.

``audit_period`` re-reads every archived original, checks its hash, re-runs validation and the
status rules with the configuration kept for the period, and compares figure by figure with the
master dataset and with the recorded packs (re-rendering the HTML). ``audit_folder`` does the same
for any folder of archived returns, such as a copy kept by audit. Every difference is a
``Discrepancy``; a period audits clean only when there are none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pmf_pipeline.config.frozen import config_for_period
from pmf_pipeline.config.loading import load_config
from pmf_pipeline.config.models import Config
from pmf_pipeline.errors import UsageError
from pmf_pipeline.master.earlier import master_lookup
from pmf_pipeline.master.manifest import file_hash, load_manifest
from pmf_pipeline.master.paths import frozen_config_dir
from pmf_pipeline.master.results import period_results
from pmf_pipeline.master.store import Store, to_decimal
from pmf_pipeline.packs.build import period_packs
from pmf_pipeline.packs.content import Pack
from pmf_pipeline.packs.render import render_html
from pmf_pipeline.periods import Period
from pmf_pipeline.returns.findings import ReturnResult
from pmf_pipeline.returns.ingest import collect_files
from pmf_pipeline.returns.validate import validate_bytes


@dataclass(frozen=True)
class Discrepancy:
    kind: str  # archive_changed | archive_missing | value_unsupported | value_missing | value_differs | status_differs | config_changed | pack_changed | pack_not_reproduced | not_in_master
    what: str
    detail: str


@dataclass
class AuditReport:
    period: str
    files_checked: int = 0
    figures_checked: int = 0
    figures_reproduced: int = 0
    statuses_checked: int = 0
    packs_checked: int = 0
    discrepancies: list[Discrepancy] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.discrepancies

    def add(self, kind: str, what: str, detail: str) -> None:
        self.discrepancies.append(Discrepancy(kind, what, detail))


def revalidate(data: bytes, file: str, config: Config, period: Period, store: Store) -> ReturnResult:
    """Validation exactly as ingest ran it (previous figures from the master dataset, then history)."""
    return validate_bytes(data, file, config, period, master_lookup(store, config))


def _same(a: Decimal | None, b: Decimal | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and a == b)


def _compare_values(report: AuditReport, result: ReturnResult, store: Store, submission_id: int, name: str) -> None:
    rows = store.submission_values(submission_id)
    for v in result.values:
        report.figures_checked += 1
        row = rows.pop(v.pi_ref, None)
        if row is None:
            report.add("value_missing", f"{name} {v.cell} ({v.pi_ref})", "the archived return holds this figure but the master dataset does not")
            continue
        diffs = []
        for key in ("actual", "numerator", "denominator"):
            if not _same(getattr(v, key), to_decimal(row[key])):
                diffs.append(f"{key}: archive {getattr(v, key)}, master {row[key]}")
        for key in ("text", "comment", "evidence", "updated_by", "verified_by"):
            if (getattr(v, key) or "") != (row[key] or ""):
                diffs.append(f"{key} differs")
        if diffs:
            report.add("value_differs", f"{name} {v.cell} ({v.pi_ref})", "; ".join(diffs))
        else:
            report.figures_reproduced += 1
    for ref, row in rows.items():
        report.add("value_unsupported", f"{ref} in the master dataset", f"no cell of the archived return {name} supports it (master: {row['actual']})")


def audit_period(config_dir: str | Path, data_dir: str | Path, period: Period) -> AuditReport:
    data_dir = Path(data_dir)
    report = AuditReport(str(period))
    manifest = load_manifest(data_dir, period)
    if manifest is None:
        raise UsageError(f"no run is recorded for {period} in {data_dir}; run 'pmf quarter' or 'pmf ingest' and 'pmf report' first")
    frozen = frozen_config_dir(data_dir, period)
    for name, digest in manifest.get("config", {}).items():
        p = frozen / name
        if not p.exists():
            report.add("config_changed", f"configuration {name}", "the copy kept for the period is missing")
        elif file_hash(p) != digest:
            report.add("config_changed", f"configuration {name}", "the copy kept for the period was changed after the period's run")
    try:
        config = load_config(frozen)
    except Exception as e:  # a tampered copy may not even load
        report.add("config_changed", "configuration", f"the period's configuration no longer loads: {e}")
        return report
    store = Store(data_dir)
    try:
        recorded = {r["sha256"] for r in manifest.get("returns", [])}
        for sub in store.submissions(str(period)):
            report.files_checked += 1
            path = data_dir / sub.archive_path
            name = Path(sub.file_name).name
            if not path.exists():
                report.add("archive_missing", name, f"the archived original {sub.archive_path} is missing")
                continue
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() != sub.sha256 or sub.sha256 not in recorded:
                report.add("archive_changed", name, f"the archived original {sub.archive_path} no longer has the hash recorded when it was received")
                continue
            result = revalidate(data, sub.file_name, config, period, store)
            if result.outcome != sub.outcome or len(result.errors) != sub.errors:
                report.add(
                    "findings_differ", name, f"validation now gives {result.outcome} with {len(result.errors)} errors; recorded {sub.outcome} with {sub.errors}"
                )
            if sub.outcome == "accepted":
                _compare_values(report, result, store, sub.id, name)
        _check_history_rows(report, store, config, period)
        results = period_results(config, store, period)
    finally:
        store.close()
    for r in results:
        want = manifest.get("statuses", {}).get(r.pi.ref)
        report.statuses_checked += 1
        if want is None or want["status"] != r.status or want["trend"] != r.trend:
            report.add("status_differs", r.pi.ref, f"now {r.status}/{r.trend}; published {want['status'] + '/' + want['trend'] if want else 'nothing'}")
    _check_packs(report, manifest, config, data_dir, period)
    return report


def _check_history_rows(report: AuditReport, store: Store, config: Config, period: Period) -> None:
    """Values in the period that came from no return must be exactly the configuration's history."""
    for row in store.history_values(str(period)):
        h = config.history.get((row["pi_ref"], period))
        if h is None or not _same(h.actual, to_decimal(row["actual"])):
            report.add(
                "value_unsupported", f"{row['pi_ref']} in the master dataset", f"no archived return and no history entry supports it (master: {row['actual']})"
            )


def _check_packs(report: AuditReport, manifest: dict, config: Config, data_dir: Path, period: Period) -> None:  # type: ignore[type-arg]
    rebuilt: dict[str, dict[str, Pack]] = {}  # prepared time -> slug -> pack

    def rebuild(prepared: str) -> dict[str, Pack]:
        # a pack kept unchanged by a later run keeps the time it was first prepared (quarter.py)
        if prepared not in rebuilt:
            when = dt.datetime.fromisoformat(prepared)
            rebuilt[prepared] = {p.slug: p for p in period_packs(config, data_dir, period, when, when.date())}
        return rebuilt[prepared]

    for rec in manifest.get("packs", []):
        report.packs_checked += 1
        for kind in ("html", "pdf"):
            if not rec.get(kind):
                continue
            p = Path(rec[kind])
            if not p.exists():
                report.add("pack_changed", p.name, "the published pack is missing")
            elif file_hash(p) != rec[f"{kind}_sha256"]:
                report.add("pack_changed", p.name, "the published pack was changed after it was written")
        pack = rebuild(rec.get("generated_at") or manifest["generated_at"]).get(rec["slug"])
        if pack is None or hashlib.sha256(render_html(pack).encode("utf-8")).hexdigest() != rec["html_sha256"]:
            report.add("pack_not_reproduced", rec["title"], "re-rendering from the master dataset does not give the published HTML")


def audit_folder(config_dir: str | Path, data_dir: str | Path, folder: str | Path) -> AuditReport:
    """Audit any folder of archived returns against the master dataset, each with its period's configuration."""
    data_dir = Path(data_dir)
    report = AuditReport(str(folder))
    store = Store(data_dir)
    try:
        for path in collect_files([folder]):
            report.files_checked += 1
            data = path.read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            row = store.submission_by_hash(sha)
            if row is None:
                report.add("not_in_master", path.name, "this file was never received into the master dataset (or its bytes changed)")
                continue
            period = Period.parse(row.period)
            config = config_for_period(config_dir, data_dir, period)
            result = revalidate(data, row.file_name, config, period, store)
            if result.outcome != row.outcome or len(result.errors) != row.errors:
                report.add(
                    "findings_differ",
                    path.name,
                    f"validation now gives {result.outcome} with {len(result.errors)} errors; recorded {row.outcome} with {row.errors}",
                )
            if row.outcome == "accepted":
                _compare_values(report, result, store, row.id, path.name)
    finally:
        store.close()
    return report
