"""The audit of the record itself: the ledger's chain holds, every row of the period is as the tool
left it, and the period's archive holds exactly the files the tool received.

``check_record`` re-walks the ledger (``master.ledger``), recomputing every hash; checks the head kept
for the period and the head recorded by its latest publication are still in the chain; replays the
ledger and compares each row of the period with the row now in its table, naming any row changed,
deleted or added without an entry; compares the figures of earlier periods behind this quarter's
trend and history chart; and lists the files in the period's archive folder the tool never received.
Everything is read defensively: a ledger that cannot be read is itself a discrepancy, never a crash.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from pathlib import Path
from typing import Any

from pmf_pipeline.master import paths
from pmf_pipeline.master.ledger import Entry, Key, Row, changes, replay, walk
from pmf_pipeline.master.lifecycle import long_date
from pmf_pipeline.master.manifest import file_hash
from pmf_pipeline.master.store import Store
from pmf_pipeline.periods import Period

Found = tuple[str, str, str]  # (kind, what, detail), as ``audit.reproduce.Discrepancy``


def check_record(store: Store, data_dir: Path, period: Period, latest: dict[str, Any] | None) -> list[Found]:
    """Every change to the period's record made behind the tool's back (see the module docstring)."""
    out: list[Found] = []
    try:
        entries = store.ledger_entries()
        head = store.ledger_head(str(period))
    except (sqlite3.Error, TypeError, ValueError) as e:
        return [("ledger_broken", "ledger", f"the ledger of the master dataset cannot be read ({e})")]
    out += [("ledger_broken", "ledger", b.what) for b in walk(entries)]
    out += _heads(entries, str(period), head, latest)
    state = replay(entries)
    out += _rows(store, str(period), state)
    out += _earlier(store, period, state)
    out += _earlier_actions(store, period, state)
    out += _archive(store, data_dir, period, state)
    return out


def chain_head(store: Store) -> dict[str, Any] | None:
    """The last entry of the ledger (seq, hash), if it can be read."""
    try:
        return store.ledger_head()
    except sqlite3.Error:
        return None


def _heads(entries: list[Entry], period: str, head: dict[str, Any] | None, latest: dict[str, Any] | None) -> list[Found]:
    by_seq = {e.seq: e for e in entries}
    mine = [e.seq for e in entries if e.period == period]
    out: list[Found] = []
    kept = [("the head kept for this period", head)]
    if latest and latest.get("ledger_head"):
        kept.append((f"the head recorded by the publication on {long_date(latest.get('recorded_at') or latest['generated_at'])}", latest["ledger_head"]))
    for words, h in kept:
        if h is None:
            continue
        e = by_seq.get(int(h.get("seq") or 0))
        if e is None or e.hash != h.get("hash"):
            state = "is gone" if e is None else "is not the entry it was"
            out.append(("ledger_broken", "ledger", f"the chain was cut short or rewritten: entry {h.get('seq')}, {words}, {state}"))
    if mine and head is None:
        out.append(("ledger_broken", "ledger", f"the head kept for {period} is missing"))
    elif mine and head is not None and max(mine) > int(head.get("seq") or 0):
        out.append(("ledger_broken", "ledger", f"entries after {period}'s head (entry {head.get('seq')}) were not written by the tool"))
    return out


# ------------------------------------------------------------------ rows


def _standing(row: Row) -> str:
    if row.get("outcome") != "accepted":
        return "rejected"
    return "current" if row.get("superseded_by") is None else "superseded"


def _return(row: Row | None, standing: bool = False) -> str:
    """'SS return ss.xlsx' (or 'superseded SS return ss.xlsx')."""
    if row is None:
        return "a submission no longer on record"
    who = row.get("directorate")
    if row.get("service") and who:
        who = f"{who}-{row['service']}"
    words = " ".join(w for w in (_standing(row) if standing else "", who or "", "return", Path(str(row.get("file_name") or "?")).name) if w)
    return words


def _submission(sid: Any, subs: dict[int, Row]) -> str:
    return f"submission {sid} ({_return(subs.get(sid))})"


def _name(table: str, rowid: int, row: Row, subs: dict[int, Row]) -> str:
    """How a row is named in a discrepancy."""
    if table == "submissions":
        return f"submission {rowid} ({_return(row, standing=True)})"
    if table == "findings":
        return f"findings row {rowid} of {_submission(row.get('submission_id'), subs)}"
    if table == "pi_values":
        if row.get("submission_id") is None:
            return f"figure {row.get('pi_ref')} for {row.get('period')} from history (pi_values row {rowid})"
        return f"figure {row.get('pi_ref')} (pi_values row {rowid}) of {_submission(row.get('submission_id'), subs)}"
    if table == "action_updates":
        if row.get("submission_id") is None:
            return f"action {row.get('action_ref')}'s update for {row.get('period')} from history (action_updates row {rowid})"
        return f"action {row.get('action_ref')}'s update (action_updates row {rowid}) of {_submission(row.get('submission_id'), subs)}"
    if table == "submission_events":
        return f"submission_events row {rowid} (submission {row.get('submission_id')} made current by hand)"
    return f"period_events row {rowid} ({row.get('event')})"


PROSE = {"message", "comment", "text", "notice", "reason", "evidence", "commentary"}  # long sentences are cut short when named


def _value(v: Any, column: str = "") -> str:
    if v is None:
        return "nothing"
    text = str(v)
    return text if column not in PROSE or len(text) <= 60 else text[:57] + "..."


def _rows(store: Store, period: str, state: dict[Key, tuple[Entry, Row]]) -> list[Found]:
    want: dict[str, dict[int, Row]] = defaultdict(dict)
    for (table, rowid), (e, row) in state.items():
        if e.period == period:
            want[table][rowid] = row
    now = {"submissions": store.rows_now("submissions", period, want["submissions"])}
    sids = set(want["submissions"]) | set(now["submissions"])
    for table in ("findings", "pi_values", "action_updates", "submission_events", "period_events"):
        now[table] = store.rows_now(table, period, want[table], sids)
    subs = {**now["submissions"], **want["submissions"]}  # as recorded where recorded
    out: list[Found] = []
    gone = {t: sorted(set(want[t]) - set(now[t])) for t in want}
    gone_subs = set(gone.get("submissions", []))
    for sid in sorted(gone_subs):
        figures = sum(1 for r in gone.get("pi_values", []) if want["pi_values"][r].get("submission_id") == sid)
        updates = sum(1 for r in gone.get("action_updates", []) if want["action_updates"][r].get("submission_id") == sid)
        findings = sum(1 for r in gone.get("findings", []) if want["findings"][r].get("submission_id") == sid)
        theirs = " and ".join(f"{n} {w}{'s' * (n != 1)}" for n, w in ((figures, "figure"), (updates, "action update"), (findings, "finding")) if n)
        out.append(
            ("record_deleted", _name("submissions", sid, want["submissions"][sid], subs), f"it and its {theirs} were deleted" if theirs else "it was deleted")
        )
    lost_findings: dict[Any, list[int]] = defaultdict(list)
    for table, rowids in gone.items():
        for rowid in rowids:
            row = want[table][rowid]
            if table != "submissions" and row.get("submission_id") in gone_subs:
                continue
            if table == "findings":
                lost_findings[row.get("submission_id")].append(rowid)
            elif table == "pi_values":
                out.append(("record_deleted", _name(table, rowid, row, subs), f"deleted from the master dataset (it was {_value(row.get('actual'))})"))
            elif table == "action_updates":
                out.append(("record_deleted", _name(table, rowid, row, subs), f"deleted from the master dataset (it was {_value(row.get('status'))})"))
            elif table != "submissions":
                out.append(("record_deleted", _name(table, rowid, row, subs), "deleted from the master dataset"))
    for sid, rowids in lost_findings.items():
        which = f"findings row {rowids[0]}" if len(rowids) == 1 else f"findings rows {', '.join(map(str, rowids[:-1]))} and {rowids[-1]}"
        out.append(("record_deleted", f"{which} of {_submission(sid, subs)}", "deleted from the master dataset"))
    for table, rows in now.items():
        for rowid, row in sorted(rows.items()):
            was = state.get((table, rowid))
            if was is None:
                worth = f" (now {_value(row.get('actual'))})" if table == "pi_values" else ""
                out.append(("record_added", _name(table, rowid, row, subs), f"added to the master dataset without a ledger entry{worth}"))
                continue
            diffs = changes(was[1], row)
            if diffs:
                said = "; ".join(f"{col} changed from {_value(a, col)} to {_value(b, col)}" for col, a, b in diffs)
                out.append(("record_changed", _name(table, rowid, was[1], subs), said))
    return out


# ------------------------------------------------------------------ earlier figures behind the packs


def _used(row: Row) -> Any:
    """The figure an earlier period lends this quarter: the current, sound actual."""
    return row.get("actual") if not row.get("has_error") else None


def _earlier(store: Store, period: Period, state: dict[Key, tuple[Entry, Row]]) -> list[Found]:
    last_year = period.same_quarter_last_year()
    out: list[Found] = []
    for p in sorted({last_year, *period.last_n(8)} - {period}, key=str):
        ids = {rowid: row for (t, rowid), (e, row) in state.items() if t == "pi_values" and e.period == str(p)}
        want = {r.get("pi_ref"): _used(r) for r in ids.values() if r.get("current") == 1 and r.get("period") == str(p)}
        now_rows = store.rows_now("pi_values", str(p), ids)
        have = {r.get("pi_ref"): _used(r) for r in now_rows.values() if r.get("current") == 1 and r.get("period") == str(p)}
        behind = "trend" if p == last_year else "eight-quarter history"
        for ref in sorted(want.keys() | have.keys(), key=str):
            if want.get(ref) != have.get(ref):
                out.append(
                    (
                        "earlier_figure_changed",
                        str(ref),
                        f"the {p} figure behind this quarter's {behind} changed from {_value(want.get(ref))} to {_value(have.get(ref))}",
                    )
                )
    return out


USED = ("status", "percent_complete", "rating", "revised_due", "completed_on", "commentary", "has_error", "carried")  # what an update lends later quarters


def _earlier_actions(store: Store, period: Period, state: dict[Key, tuple[Entry, Row]]) -> list[Found]:
    """Earlier quarters' action updates behind this quarter's results (a closed action's kept update,
    every action's history, across years) as the tool left them."""
    rows: dict[str, dict[int, Row]] = defaultdict(dict)
    for (t, rowid), (e, row) in state.items():
        if t == "action_updates" and e.period and _before(e.period, period):
            rows[e.period][rowid] = row
    out: list[Found] = []
    for p in sorted(rows, key=Period.parse):
        want = {r.get("action_ref"): r for r in rows[p].values() if r.get("current") == 1 and r.get("period") == p}
        have = {r.get("action_ref"): r for r in store.rows_now("action_updates", p, rows[p]).values() if r.get("current") == 1 and r.get("period") == p}
        for ref in sorted(want.keys() | have.keys(), key=str):
            was, now = want.get(ref), have.get(ref)
            diffs = [(c, a, b) for c, a, b in changes(was or {}, now or {}) if c in USED] if was and now else []
            if was is None or now is None:
                said = "was added behind the tool's back" if was is None else "is gone"
                out.append(("earlier_action_changed", f"action {ref}", f"its {p} update behind this quarter's result {said}"))
            elif diffs:
                said = "; ".join(f"{c} changed from {_value(a, c)} to {_value(b, c)}" for c, a, b in diffs)
                out.append(("earlier_action_changed", f"action {ref}", f"its {p} update behind this quarter's result changed: {said}"))
    return out


def _before(text: str, period: Period) -> bool:
    try:
        return Period.parse(text) < period
    except Exception:  # noqa: BLE001 - a period written behind the tool's back is named by _rows, not here
        return False


# ------------------------------------------------------------------ archive


def _archive(store: Store, data_dir: Path, period: Period, state: dict[Key, tuple[Entry, Row]]) -> list[Found]:
    folder = paths.archive_root(data_dir) / str(period)
    if not folder.is_dir():
        return []
    received = {str(r.get("archive_path")) for (t, _), (e, r) in state.items() if t == "submissions" and e.period == str(period)}
    received |= {str(r.get("archive_path")) for r in store.rows_now("submissions", str(period)).values()}
    out: list[Found] = []
    for f in sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink()):
        where = f.relative_to(data_dir).as_posix()  # as it lies, not where a link points
        if where in received:
            continue
        try:
            orphan = f.is_file() and not f.is_symlink() and file_hash(f) == f.name.split(".", 1)[0]
        except OSError:
            orphan = False
        why = (
            "archived by a run that stopped before recording it (ingest the return again), or put there by hand"
            if orphan
            else "a file not received by the tool is in the archive"
        )
        out.append(("archive_unexpected", where, why))
    return out
