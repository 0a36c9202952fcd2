"""Earlier figures: the one source that validation, the packs and the audit compare a figure with.

A PI's figure for an earlier period is the accepted, sound figure in the master dataset; for the
periods before the council used this tool, the figure in ``config/history.csv``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from pmf_pipeline.config.models import Config
from pmf_pipeline.master.store import Store
from pmf_pipeline.periods import Period

Previous = Callable[[str, Period], Decimal | None]


def history_lookup(config: Config) -> Previous:
    def lookup(ref: str, p: Period) -> Decimal | None:
        h = config.history.get((ref, p))
        return h.actual if h else None

    return lookup


def master_lookup(store: Store, config: Config) -> Previous:
    """Earlier figures as ingest sees them: the master dataset first, then the configuration's history."""
    hist = history_lookup(config)

    def lookup(ref: str, p: Period) -> Decimal | None:
        v = store.actual(ref, p)
        return v if v is not None else hist(ref, p)

    return lookup
