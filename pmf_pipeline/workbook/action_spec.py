"""What a return asks of the actions due an update: their pre-filled values and what the live columns need.

An ``ActionSpec`` is one row of the Actions sheet. Its plan (reference, title, kind, dates,
milestones, expected % complete at the quarter's end) is locked content: checked value by value when
the return comes back and part of its fingerprint. Last quarter's update is shown beside it, handed
in as ``last_actions`` (default: ``action_history.csv``); it is not in the fingerprint, so
correcting an earlier quarter never makes issued workbooks outdated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from pmf_pipeline.config.models import Config
from pmf_pipeline.config.plan import Action, ActionHistory
from pmf_pipeline.i18n import in_language
from pmf_pipeline.periods import Period
from pmf_pipeline.rules.actions import expected_percent
from pmf_pipeline.workbook.cells import canonical
from pmf_pipeline.workbook.words import ENGLISH_ONLY, N_, Words

SEP = " / "
LastActions = Mapping[str, ActionHistory]  # action ref -> its last update before the period


def canonical_cell(value: object) -> str:
    """One spelling for an Actions cell, dates included (a date cell reads back as a datetime at midnight)."""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return canonical(value)


@dataclass(frozen=True)
class ActionSpec:
    action: Action
    kind_name: str
    as_at: dt.date  # the quarter's end
    last: ActionHistory | None = None  # shown only
    languages: tuple[str, ...] = ENGLISH_ONLY  # the workbook's: its title, kind and milestones are written in them
    kind: object = None  # the action kind, for its Welsh name

    @cached_property
    def expected(self) -> Decimal:
        return expected_percent(self.action.start, self.action.due, self.as_at)

    @property
    def expected_shown(self) -> Decimal:
        return self.expected.quantize(Decimal(1))

    @property
    def elapsed_span(self) -> tuple[int, int]:
        """Days elapsed and days planned, capped, so that expected % is elapsed / span x 100 exactly."""
        if self.expected == 0:
            return 0, 1
        if self.expected >= 100:
            return 1, 1
        return (self.as_at - self.action.start).days, (self.action.due - self.action.start).days

    @property
    def overdue_at_end(self) -> bool:
        return self.as_at > self.action.due

    @property
    def milestones_text(self) -> str:
        w = Words(self.languages)
        if w.english_only:
            return "\n".join(f"{m.title} (due {m.due:%d/%m/%Y})" for m in self.action.milestones)
        return "\n".join(
            SEP.join(
                dict.fromkeys(
                    w.one(lang, N_("%(milestone)s (due %(date)s)"), milestone=in_language(m, "title", lang), date=f"{m.due:%d/%m/%Y}")
                    for lang in self.languages
                )
            )
            for m in self.action.milestones
        )

    @cached_property
    def locked(self) -> dict[str, object]:
        a = self.action
        w = Words(self.languages)
        english = w.english_only
        return {
            "ref": a.ref,
            "title": a.title if english else w.config(a, "title"),
            "kind": self.kind_name if english or self.kind is None else w.config_inline(self.kind, "name"),
            "start": a.start,
            "due": a.due,
            "milestones": self.milestones_text,
            "expected": self.expected_shown,
        }

    @cached_property
    def shown(self) -> dict[str, object]:
        last = self.last
        return {
            "last_status": (Words(self.languages).heading(last.status.label) if self.languages != ENGLISH_ONLY else last.status.label)
            if last and last.status
            else "",
            "last_percent": last.percent_complete if last else None,
            "last_commentary": last.commentary if last else "",
        }

    @cached_property
    def canonical_locked(self) -> dict[str, str]:
        return {k: canonical_cell(v) for k, v in self.locked.items()}

    @cached_property
    def fingerprint(self) -> str:
        blob = json.dumps(list(self.canonical_locked.values()), ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def last_from_history(config: Config, period: Period) -> dict[str, ActionHistory]:
    """Each action's update of the quarter before ``period``, from action_history.csv."""
    before = period.previous()
    return {ref: h for (ref, p), h in config.action_history.items() if p == before}


def action_specs(
    config: Config, period: Period, directorate: str, service: str | None, last: LastActions | None, languages: tuple[str, ...] = ENGLISH_ONLY
) -> tuple[ActionSpec, ...]:
    fw = config.framework
    lasts = last if last is not None else last_from_history(config, period)
    return tuple(
        ActionSpec(a, fw.action_kind(a.kind).name, period.end_date, lasts.get(a.ref), languages, fw.action_kind(a.kind))
        for a in config.actions_for(directorate, period, service)
    )


def actions_fingerprint(specs: tuple[ActionSpec, ...]) -> str:
    """What the return's fingerprint adds for its actions ('' when there are none, so it is unchanged)."""
    return "|actions|" + "|".join(f"{s.action.ref}:{s.fingerprint}" for s in specs) if specs else ""
