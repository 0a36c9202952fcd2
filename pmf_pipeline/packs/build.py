"""From the master dataset to the packs of a period (``pmf report``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from pmf_pipeline.config.models import Config
from pmf_pipeline.master.action_results import period_action_results
from pmf_pipeline.master.results import period_results
from pmf_pipeline.master.store import Store
from pmf_pipeline.packs.content import Pack, build_packs
from pmf_pipeline.packs.render import Rendered, render_packs
from pmf_pipeline.packs.statement import write_statements
from pmf_pipeline.periods import Period
from pmf_pipeline.returns.tracker import return_states


def period_packs(config: Config, data_dir: str | Path, period: Period, generated_at: dt.datetime | None = None, today: dt.date | None = None) -> list[Pack]:
    store = Store(data_dir)
    try:
        results = period_results(config, store, period)
        actions = period_action_results(config, store, period)
        states = return_states(config, store, period, today=today)
        received = store.latest_accepted(str(period))
    finally:
        store.close()
    when = generated_at or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    # 'today' for the tracker is the generation day, so a fixed generation time gives the same packs
    return build_packs(config, period, results, states, received, when, actions=actions)


def report(
    config: Config,
    data_dir: str | Path,
    period: Period,
    out_dir: str | Path,
    pdf: bool = True,
    generated_at: dt.datetime | None = None,
    on_progress: Callable[[Rendered], None] | None = None,
) -> list[Rendered]:
    """Render the period's packs into ``out_dir``, with the accessibility statements beside them (``packs.statement``)."""
    today = generated_at.date() if generated_at else None
    packs = period_packs(config, data_dir, period, generated_at, today)
    rendered = render_packs(packs, out_dir, pdf=pdf, on_progress=on_progress)
    write_statements(config.framework, out_dir)
    return rendered
