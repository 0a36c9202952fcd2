"""The ledger: an append-only, hash-chained record of every row the tool writes to the master dataset.

Each entry holds one row as it stood when the tool wrote it (``submissions``, ``findings``,
``pi_values``, ``submission_events``, ``period_events``, ``action_updates``), as canonical JSON, with what happened to
it: ``recorded`` (written), ``made current`` or ``superseded`` (its ``current`` or ``superseded_by``
flag changed in place), or ``baseline`` (already there when the ledger was added). Entries are
written by ``master.store`` inside the transaction that writes the row, so there is never a row
without its entry. Each entry's hash is ``sha256(previous hash + canonical entry)``: changing,
removing or reordering an entry breaks the chain from there on, and the head of the chain is kept
per period (``ledger_heads``) and in each publication of the manifest, so a chain cut short is seen
too. Replaying the ledger gives every row as the tool last left it (``replay``); ``pmf audit``
compares that with the rows as they now stand (``audit.chain``).

The ledger makes changes made behind the tool's back evident; it cannot stop someone who can write
the data folder from rewriting the whole chain. Keeping the head printed by ``pmf audit`` (or the
manifest) somewhere else is what anchors it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
TABLES = ("submissions", "findings", "pi_values", "submission_events", "period_events", "action_updates")

Row = dict[str, Any]
Key = tuple[str, int]  # (table, rowid)


def canonical(value: Any) -> str:
    """One spelling of a value as JSON: keys sorted, no spaces, text as it is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


@dataclass(frozen=True)
class Entry:
    seq: int
    period: str | None
    table: str
    row_id: int
    action: str  # recorded | made current | superseded | baseline
    body: str  # the row, canonical JSON
    prev: str
    hash: str

    def content(self) -> str:
        return canonical({"seq": self.seq, "period": self.period, "table": self.table, "row_id": self.row_id, "action": self.action, "row": self.body})

    def computed(self) -> str:
        return chain(self.prev, self.content())

    def row(self) -> Row | None:
        """The row as the tool wrote it (None if the body is no longer JSON of a row)."""
        try:
            row = json.loads(self.body)
        except (TypeError, ValueError):
            return None
        return row if isinstance(row, dict) else None


def chain(prev: str, content: str) -> str:
    return hashlib.sha256((prev + content).encode("utf-8")).hexdigest()


def make_entry(seq: int, period: str | None, table: str, row_id: int, action: str, row: Row, prev: str) -> Entry:
    e = Entry(seq, period, table, row_id, action, canonical(row), prev, "")
    return Entry(e.seq, e.period, e.table, e.row_id, e.action, e.body, e.prev, e.computed())


def as_recorded(row: Row) -> Row:
    """A row as the ledger would hold it (what JSON makes of its values), for comparison."""
    out: Row = json.loads(canonical(row))
    return out


@dataclass(frozen=True)
class Break:
    """Where the chain does not hold: an entry edited, or entries removed or reordered."""

    seq: int
    what: str


def walk(entries: Iterable[Entry]) -> list[Break]:
    """Re-walk the chain from the start, recomputing every hash."""
    breaks: list[Break] = []
    prev, last = GENESIS, 0
    for e in entries:
        if e.prev != prev:
            gone = f"entries {last + 1} to {e.seq - 1} were removed" if e.seq > last + 1 else "entries were removed or reordered"
            breaks.append(Break(e.seq, f"ledger entry {e.seq} does not follow entry {last or 'the start'}: {gone}"))
        if e.computed() != e.hash:
            breaks.append(Break(e.seq, f"ledger entry {e.seq} ({e.table} row {e.row_id}, {e.action}) was edited: its contents no longer match its hash"))
        prev, last = e.hash, e.seq
    return breaks


def replay(entries: Iterable[Entry]) -> dict[Key, tuple[Entry, Row]]:
    """Every row as the tool last left it, by (table, rowid), with the entry that says so."""
    state: dict[Key, tuple[Entry, Row]] = {}
    for e in entries:
        row = e.row()
        if row is not None:
            state[(e.table, e.row_id)] = (e, row)
    return state


def changes(want: Row, have: Row) -> list[tuple[str, Any, Any]]:
    """The columns whose values differ: (column, as recorded, as now)."""
    have = as_recorded(have)
    return [(k, want.get(k), have.get(k)) for k in sorted(want.keys() | have.keys()) if want.get(k) != have.get(k)]
