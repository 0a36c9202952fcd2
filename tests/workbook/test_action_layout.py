"""The Actions sheet's live progress compares integers the pipeline precomputed: the same answer as the rule, at every boundary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pmf_pipeline.config.plan import Action
from pmf_pipeline.rules.actions import MONITOR, OFF_TRACK, ON_TRACK, progress_rating
from pmf_pipeline.workbook import action_layout as al
from pmf_pipeline.workbook.action_spec import ActionSpec


def _live(done: Decimal, elapsed: int, span: int) -> str:
    """What progress_formula computes, in Python: done * span against 90 and 70 times elapsed."""
    if done * span >= 90 * elapsed:
        return ON_TRACK
    if done * span >= 70 * elapsed:
        return MONITOR
    return OFF_TRACK


@given(
    start=st.dates(dt.date(2025, 1, 1), dt.date(2026, 9, 29)),
    length=st.integers(1, 1500),
    tenths=st.integers(0, 1000),
)
def test_the_workbooks_integer_comparison_agrees_with_the_rule(start, length, tenths):
    as_at = dt.date(2026, 9, 30)
    action = Action(
        ref="X.1", title="x", kind="service_plan", directorate="SS", owner="o", start=start, due=start + dt.timedelta(days=length), years=("2026-27",)
    )
    spec = ActionSpec(action, "Service plan action", as_at)
    elapsed, span = spec.elapsed_span
    done = Decimal(tenths) / 10
    assert _live(done, elapsed, span) == progress_rating("in progress", done, action.start, action.due, as_at)


def test_the_formula_uses_the_precomputed_integers():
    formula = al.progress_formula(6, 182, 364)
    assert "*364>=16380" in formula and "*364>=12740" in formula
    assert 'LEFT(CELL("format",L6),1)="P"' in formula  # 45% typed counts as 45
