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

from pmf_pipeline.audit.actions import check_history_updates, compare_actions, compare_ratings
from pmf_pipeline.audit.chain import chain_head, check_record
from pmf_pipeline.config.frozen import config_for_period
from pmf_pipeline.config.loading import load_config
from pmf_pipeline.config.models import Config
from pmf_pipeline.errors import UsageError
from pmf_pipeline.master.earlier import earlier_for
from pmf_pipeline.master.lifecycle import ConfigEra, configurations, long_date
from pmf_pipeline.master.manifest import file_hash, inputs, load_manifest, pack_file, publications, same_data
from pmf_pipeline.master.results import period_results
from pmf_pipeline.master.store import MalformedValue, Store, to_decimal
from pmf_pipeline.packs.build import period_packs
from pmf_pipeline.packs.content import Pack
from pmf_pipeline.packs.render import render_html
from pmf_pipeline.periods import Period
from pmf_pipeline.returns import isolation
from pmf_pipeline.returns.findings import ActionRecord, ReturnResult
from pmf_pipeline.returns.ingest import collect_files
from pmf_pipeline.returns.isolation import Checks, validate_isolated


@dataclass(frozen=True)
class Discrepancy:
    # and, of actions (``audit.actions``): action_missing | action_differs | action_unsupported | action_rating_differs
    kind: str  # archive_changed | archive_missing | value_unsupported | value_missing | value_differs | status_differs | config_changed | pack_changed | pack_not_reproduced | not_in_master
    # and, from the ledger (``audit.chain``; meanings in ``audit.report.KINDS``):
    # ledger_broken: the hash chain does not hold (an entry edited, removed, or the chain cut short)
    # record_changed: a row differs from what the tool wrote (the columns are named, old and new)
    # record_deleted: a row the tool wrote is gone (a submission with its figures and findings)
    # record_added: a row is in the master dataset without a ledger entry
    # archive_unexpected: a file in the period's archive the tool never received
    # earlier_figure_changed: an earlier period's figure behind this quarter's trend or history changed
    what: str
    detail: str


@dataclass
class AuditReport:
    period: str
    files_checked: int = 0
    figures_checked: int = 0
    figures_reproduced: int = 0
    actions_checked: int = 0  # action updates of archived returns set beside the master dataset's (``audit.actions``)
    actions_reproduced: int = 0
    action_ratings_checked: int = 0
    statuses_checked: int = 0
    packs_checked: int = 0
    discrepancies: list[Discrepancy] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the auditor should know that is not a discrepancy
    configurations: list[str] = field(default_factory=list)  # each configuration the period was judged with

    @property
    def clean(self) -> bool:
        return not self.discrepancies

    def add(self, kind: str, what: str, detail: str) -> None:
        self.discrepancies.append(Discrepancy(kind, what, detail))


def revalidate(
    data: bytes, file: str, config: Config, period: Period, store: Store, time_limit: float | None = None, memory_limit: int | None = None
) -> ReturnResult:
    """Validation exactly as ingest ran it (earlier figures as frozen with the period), and under the
    same guard: in a worker process with ingest's memory and time limits (``returns.isolation``), so
    an archived file that ingest rejected as hostile, or one that makes the checks fail, is that
    file's finding and never the end of the audit."""
    checks = Checks(config, period, earlier_for(config, period, store=store))
    time_limit = isolation.TIME_LIMIT if time_limit is None else time_limit
    memory_limit = isolation.MEMORY_LIMIT if memory_limit is None else memory_limit
    (result,) = validate_isolated([(data, file)], checks, workers=1, time_limit=time_limit, memory_limit=memory_limit)  # run to the end: the worker is gone
    return result


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
            try:
                stored = to_decimal(row[key], row, key)
            except MalformedValue as e:
                _malformed(report, e)
                diffs.append(f"{key}: archive {getattr(v, key)}, master {row[key]!r}")
                continue
            if not _same(getattr(v, key), stored):
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


def _compare_actions(report: AuditReport, result: ReturnResult, store: Store, submission_id: int, name: str) -> None:
    checked, reproduced = compare_actions(report.add, result.actions, store, submission_id, name)
    report.actions_checked += checked
    report.actions_reproduced += reproduced


def audit_period(config_dir: str | Path, data_dir: str | Path, period: Period) -> AuditReport:
    """Audit a period however it was run: ``pmf quarter``, ``pmf ingest`` then ``pmf report``, or
    ``pmf ingest`` alone (then there is no publication to check, and the report says so). Each return
    is re-validated with the configuration in force when it was received (a reopened period has
    several); statuses and packs are checked against every publication still on disk."""
    data_dir = Path(data_dir)
    report = AuditReport(str(period))
    pubs = publications(load_manifest(data_dir, period))
    latest = pubs[-1] if pubs else None
    store = Store(data_dir)
    try:
        if not store.submissions(str(period)) and latest is None:
            raise UsageError(f"nothing is recorded for {period} in {data_dir}: no return was ingested and no pack was published")
        _check_ledger(report, store, data_dir, period, latest)
        eras = configurations(store, data_dir, period)
        for e in store.period_events(str(period)):
            if e.event in ("closed", "reopened"):
                report.notes.append(f"{e.event.capitalize()} on {long_date(e.at)} by {e.by}" + (f" ({e.reason})." if e.reason else "."))
        subs = store.submissions(str(period))
        configs = {
            era.number: _era_config(report, era, sum(era.covers(s.id) for s in subs), latest if era.number == len(eras) else None, config_dir) for era in eras
        }
        config = configs[len(eras)]
        if config is None:
            return report
        recorded = {r["sha256"] for r in latest.get("returns", [])} if latest else set()
        after: list[str] = []
        revalidated: dict[int, list[ActionRecord]] = {}
        for sub in store.submissions(str(period)):
            report.files_checked += 1
            path = data_dir / sub.archive_path
            name = Path(sub.file_name).name
            if not path.exists():
                report.add("archive_missing", name, f"the archived original {sub.archive_path} is missing")
                continue
            data = path.read_bytes()
            late = latest is not None and sub.sha256 not in recorded and sub.id > latest.get("last_submission", sub.id)
            if hashlib.sha256(data).hexdigest() != sub.sha256 or (latest is not None and sub.sha256 not in recorded and not late):
                report.add("archive_changed", name, f"the archived original {sub.archive_path} no longer has the hash recorded when it was received")
                continue
            if late:
                after.append(name)
            era_config = next((configs[e.number] for e in eras if e.covers(sub.id)), config)
            if era_config is None:
                continue
            result = revalidate(data, sub.file_name, era_config, period, store)
            if result.outcome != sub.outcome or len(result.errors) != sub.errors:
                report.add(
                    "findings_differ", name, f"validation now gives {result.outcome} with {len(result.errors)} errors; recorded {sub.outcome} with {sub.errors}"
                )
            if sub.outcome == "accepted":
                _compare_values(report, result, store, sub.id, name)
                _compare_actions(report, result, store, sub.id, name)
                revalidated[sub.id] = result.actions
        _check_history_rows(report, store, config, period)
        check_history_updates(report.add, config, store, period)
        report.action_ratings_checked += compare_ratings(report.add, config, store, period, revalidated)
        try:
            results = period_results(config, store, period)
        except MalformedValue as e:  # statuses and packs cannot be checked from a figure that is not a number
            _malformed(report, e)
            report.notes.append("Statuses and packs were not checked: the master dataset holds a figure that is not a number (see the discrepancies).")
            return report
        now_inputs = inputs(store, data_dir, period)
    finally:
        store.close()
    if latest is None:
        report.notes.append(f"No packs were published for {period} (no 'pmf report' or 'pmf quarter' is recorded): returns and figures were checked.")
        return report
    when = long_date(latest.get("recorded_at") or latest["generated_at"])
    for name in after:
        report.notes.append(f"{name}: received after the last publication on {when}: not in the published packs.")
    if same_data(latest, now_inputs):
        for r in results:
            want = latest.get("statuses", {}).get(r.pi.ref)
            report.statuses_checked += 1
            if want is None or want["status"] != r.status or want["trend"] != r.trend:
                report.add("status_differs", r.pi.ref, f"now {r.status}/{r.trend}; published {want['status'] + '/' + want['trend'] if want else 'nothing'}")
    else:
        report.notes.append(
            f"The returns or the configuration changed after the last publication on {when}: the packs show the figures as they were then, "
            "so their statuses are not compared with today's; run 'pmf report' to publish the current figures."
        )
    _check_packs(report, pubs, now_inputs, config, data_dir, period)
    return report


def _check_ledger(report: AuditReport, store: Store, data_dir: Path, period: Period, latest: dict | None) -> None:  # type: ignore[type-arg]
    """The record itself: the ledger's chain, every row as the tool left it, the archive as received (``audit.chain``)."""
    for kind, what, detail in check_record(store, data_dir, period, latest):
        report.add(kind, what, detail)
    head = chain_head(store)
    if head:  # kept in the auditor's papers, it shows a later rewrite of the whole chain
        report.notes.append(f"The master dataset's ledger ends at entry {head['seq']}, hash {head['hash']}: keep this with the working papers.")


def _era_config(report: AuditReport, era: ConfigEra, returns: int, latest: dict | None, config_dir: str | Path) -> Config | None:  # type: ignore[type-arg]
    """Check one of the period's configurations against the hashes it was frozen with, load it, and describe it."""
    label = f"Configuration {era.number}"
    if era.folder is None:
        report.configurations.append(f"{label}: nothing frozen yet; the current configuration folder {config_dir} would be used.")
        try:
            return load_config(config_dir)
        except Exception as e:  # noqa: BLE001 - reported, not raised
            report.add("config_changed", "configuration", f"the configuration folder no longer loads: {e}")
            return None
    frozen = f"frozen on {long_date(era.frozen.at)} by {era.frozen.by}" if era.frozen else "frozen"
    state = (
        f"set aside when the period was reopened on {long_date(era.reopened.at)} by {era.reopened.by} ({era.reopened.reason})" if era.reopened else "in force"
    )
    report.configurations.append(f"{label}: {frozen}, {state}; kept in {era.folder}; used for {returns} return{'s' * (returns != 1)} as received.")
    expected = era.frozen.config_sha256 if era.frozen and era.frozen.config_sha256 else (latest or {}).get("config", {})
    for name, sha in sorted((expected or {}).items()):
        p = era.folder / name
        if not p.exists():
            report.add("config_changed", f"configuration {name}", f"the copy kept in {era.folder} is missing")
        elif file_hash(p) != sha:
            report.add("config_changed", f"configuration {name}", f"the copy kept in {era.folder} was changed after it was frozen")
    try:
        return load_config(era.folder)
    except Exception as e:  # noqa: BLE001 - a tampered copy may not even load
        report.add("config_changed", "configuration", f"the configuration kept in {era.folder} no longer loads: {e}")
        return None


def _malformed(report: AuditReport, e: MalformedValue) -> None:
    """A figure in the master dataset that is not a number: one discrepancy, however often it is met."""
    if not any(d.kind == "value_malformed" and d.detail == str(e) for d in report.discrepancies):
        report.add("value_malformed", "master dataset", str(e))


def _check_history_rows(report: AuditReport, store: Store, config: Config, period: Period) -> None:
    """Values in the period that came from no return must be exactly the configuration's history."""
    for row in store.history_values(str(period)):
        h = config.history.get((row["pi_ref"], period))
        try:
            stored = to_decimal(row["actual"], row)
        except MalformedValue as e:
            _malformed(report, e)
            continue
        if h is None or not _same(h.actual, stored):
            report.add(
                "value_unsupported", f"{row['pi_ref']} in the master dataset", f"no archived return and no history entry supports it (master: {row['actual']})"
            )


def _check_packs(report: AuditReport, pubs: list[dict], now_inputs: dict, config: Config, data_dir: Path, period: Period) -> None:  # type: ignore[type-arg]
    """Every publication's files against their recorded hashes, where they still are; and, for each
    publication made from the returns and configuration as they stand, its HTML re-rendered at the
    time it was prepared. A file overwritten by a later publication is no discrepancy, and a missing
    file is one only for the latest publication."""
    rebuilt: dict[str, dict[str, Pack]] = {}  # prepared time -> slug -> pack

    def rebuild(prepared: str) -> dict[str, Pack]:
        # a pack kept unchanged by a later run keeps the time it was first prepared (quarter.py)
        if prepared not in rebuilt:
            when = dt.datetime.fromisoformat(prepared)
            rebuilt[prepared] = {p.slug: p for p in period_packs(config, data_dir, period, when, when.date())}
        return rebuilt[prepared]

    for i, pub in enumerate(pubs):
        is_latest = i == len(pubs) - 1
        later = {(rec.get(k), rec.get(f"{k}_sha256")) for p in pubs[i + 1 :] for rec in p.get("packs", []) for k in ("html", "pdf")}
        reproducible = same_data(pub, now_inputs)
        for rec in pub.get("packs", []):
            checked = reproducible
            for kind in ("html", "pdf"):
                p = pack_file(data_dir, rec, kind)
                if p is None:
                    continue
                if not p.exists():
                    if is_latest:
                        report.add("pack_changed", p.name, f"the published pack {p} is missing")
                    continue
                sha = file_hash(p)
                if sha == rec[f"{kind}_sha256"]:
                    checked = True
                elif (rec[kind], sha) not in later:  # not simply replaced by a later publication
                    checked = True
                    report.add(
                        "pack_changed",
                        p.name,
                        f"the pack published on {long_date(pub.get('recorded_at') or pub['generated_at'])} was changed after it was written",
                    )
            if reproducible:
                pack = rebuild(rec.get("generated_at") or pub["generated_at"]).get(rec["slug"])
                if pack is None or hashlib.sha256(render_html(pack).encode("utf-8")).hexdigest() != rec["html_sha256"]:
                    report.add("pack_not_reproduced", rec["title"], "re-rendering from the master dataset does not give the published HTML")
            report.packs_checked += checked
    if len(pubs) > 1:
        report.notes.append(f"{len(pubs)} publications are recorded for {period}; each one's packs were checked where their files still are.")


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
                _compare_actions(report, result, store, row.id, path.name)
    finally:
        store.close()
    return report
