"""Which return is current: decided by the returns themselves, explained every time, and changeable by hand.

A directorate (or, for directorates whose returns come by service, each service) has one current
return: the accepted return whose figures are used. When another accepted return arrives:

- it replaces the current one, and says so: "replaces the SS return received 23 July 2026 (saved
  21 July): 4 figures changed";
- unless it has no figures at all (every value blank) while the current one has some: a blank
  workbook sent by mistake is kept on record, not used;
- or it was saved before the current one (an older copy sent late, or an inbox read in another
  order): kept on record, not used.

Returns in one inbox are taken in the order they were saved (``saved_order``), so a corrected
``return (1).xlsx`` beats the ``return.xlsx`` it corrects whatever their names. The team can make
any accepted submission current again with ``pmf returns --use`` (``use_submission``), recorded
with who, when and why; ``history`` lists every submission and every such choice.
"""

from __future__ import annotations

import datetime as dt
import getpass
import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pmf_pipeline.errors import UsageError
from pmf_pipeline.master.store import Store, Submission, UseEvent, data_lock
from pmf_pipeline.periods import Period
from pmf_pipeline.returns.findings import ReturnResult, ValueRecord


def parse_time(stamp: str | None) -> dt.datetime | None:
    """An ISO timestamp (as in document properties, or as recorded) as an aware UTC time; None if unreadable."""
    if not stamp:
        return None
    try:
        when = dt.datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.replace(tzinfo=dt.timezone.utc) if when.tzinfo is None else when.astimezone(dt.timezone.utc)


def day(when: dt.datetime | dt.date, year: bool = False) -> str:
    """'21 July', or '21 July 2026' (no leading zero, on every platform)."""
    return f"{when.day} {when:%B}" + (f" {when:%Y}" if year else "")


def label(directorate: str | None, service: str | None) -> str:
    """How a return is named in notices and the tracker: 'SS', or 'SS-ADS' for one service's return."""
    return f"{directorate or '?'}-{service}" if service else directorate or "?"


def saved_order(result: ReturnResult, modified: float, position: int) -> tuple[dt.datetime, int]:
    """When a return was saved: its document properties, failing that the file's modification time;
    files saved at the same moment keep the order they were given in."""
    saved = parse_time(result.saved_at) or dt.datetime.fromtimestamp(modified, dt.timezone.utc)
    return saved, position


def use_command(period: Period | str, submission_id: int) -> str:
    return f'pmf returns --period {period} --use {submission_id} --reason "..."'


def _has_figures(pairs: Iterable[tuple[object, object]]) -> bool:
    return any(actual is not None or (text is not None and text != "") for actual, text in pairs)


def _figures(values: Iterable[ValueRecord]) -> dict[str, tuple[str | None, str | None]]:
    return {v.pi_ref: (None if v.actual is None else str(v.actual.normalize()), v.text or None) for v in values}


def _stored(rows: dict[str, sqlite3.Row]) -> dict[str, tuple[str | None, str | None]]:
    from decimal import Decimal

    return {ref: (None if r["actual"] is None else str(Decimal(r["actual"]).normalize()), r["text"] or None) for ref, r in rows.items()}


def figures_changed(new: dict[str, tuple[str | None, str | None]], old: dict[str, tuple[str | None, str | None]]) -> int:
    """How many PIs' figures (actual, or text for narrative PIs) differ between two returns."""
    return sum(1 for ref in new.keys() | old.keys() if new.get(ref, (None, None)) != old.get(ref, (None, None)))


def described(sub: Submission) -> str:
    """'the SS return received 23 July 2026 (saved 21 July)'."""
    received, saved = parse_time(sub.received_at), parse_time(sub.saved_at)
    words = f"the {label(sub.directorate, sub.service)} return received {day(received, year=True) if received else sub.received_at}"
    return words + (f" (saved {day(saved)})" if saved else "")


@dataclass(frozen=True)
class Decision:
    """Whether a new accepted return becomes current, and the sentence that says what happened."""

    current: bool
    notice: Callable[[int], str] | None = None  # given the new submission's id


def decide(store: Store, period: Period, result: ReturnResult) -> Decision:
    """Whether ``result`` replaces the current return of its directorate (or service); see the module docstring."""
    if result.outcome != "accepted":
        return Decision(True)
    now = store.current_submission(str(period), result.directorate, result.service)
    if now is None:
        return Decision(True)
    new, old = _figures(result.values), _stored(store.submission_values(now.id))
    who = described(now)
    if not _has_figures(new.values()) and _has_figures(old.values()):
        return Decision(
            False,
            lambda sid: f"has no figures, so {who} stays current; if you meant to withdraw it, make this return current with: {use_command(period, sid)}",
        )
    saved, saved_now = parse_time(result.saved_at), parse_time(now.saved_at)
    if saved is not None and saved_now is not None and saved < saved_now:
        return Decision(
            False,
            lambda sid: (
                f"saved {day(saved)}, before the current return saved {day(saved_now)}: kept on record, not used. To use it instead: {use_command(period, sid)}"
            ),
        )
    n = figures_changed(new, old)
    return Decision(True, lambda sid: f"replaces {who}: {n or 'no'} figure{'s' * (n != 1)} changed")


def duplicate_note(store: Store, seen: Submission) -> str:
    """For a file received again: if that submission is not the one in use, say which is and how to change it."""
    if seen.outcome != "accepted" or seen.current:
        return ""
    now = store.current_submission(seen.period, seen.directorate, seen.service)
    who = described(now) if now else "another return"
    return f" That return is not the current one ({who} is); to make it current again: {use_command(seen.period, seen.id)}"


# ------------------------------------------------------------------ by hand


def find(store: Store, period: Period, which: str) -> Submission:
    """A submission of ``period`` by its number, its file name as received, or the start of its SHA-256."""
    which = which.strip()
    subs = store.submissions(str(period))
    listing = f"`pmf returns --period {period} --history` lists them"
    if which.lstrip("#").isdigit():
        number = int(which.lstrip("#"))
        hits = [s for s in subs if s.id == number]
        if hits:
            return hits[0]
        # a SHA-256 can begin with six or more decimal digits: read it as one when no submission has that number
        if which.startswith("#") or not any(s.sha256.startswith(which) for s in subs if len(which) >= 6):
            raise UsageError(f"there is no submission {number} for {period}; {listing}.")
    hits = [s for s in subs if Path(s.file_name).name == Path(which).name]
    if not hits and re.fullmatch(r"[0-9a-fA-F]{6,64}", which):
        hits = [s for s in subs if s.sha256.startswith(which.lower())]
    if not hits:
        raise UsageError(f"no submission for {period} has the file name or SHA-256 {which!r}; {listing}.")
    if len(hits) > 1:
        numbers = ", ".join(f"#{s.id}" for s in hits)
        raise UsageError(f"{which!r} names {len(hits)} submissions for {period} ({numbers}); give the number of the one to use instead.")
    return hits[0]


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name to be found (some service accounts, containers)
        raise UsageError("your login name cannot be found; say who is making this choice with --by NAME") from None


@dataclass(frozen=True)
class UseOutcome:
    used: Submission
    replaced: Submission | None
    changed: bool  # False when the submission was already current


def use_submission(data_dir: str | Path, period: Period, which: str, reason: str, by: str | None = None) -> UseOutcome:
    """Make an earlier submission current again (``pmf returns --use``), recording who, when and why."""
    if not reason.strip():
        raise UsageError('say why this submission should be used, e.g. --reason "the resubmission was sent by mistake"')
    who = by or _login_name()
    with data_lock(data_dir):
        store = Store(data_dir)
        try:
            sub = find(store, period, which)
            name = Path(sub.file_name).name
            if sub.outcome != "accepted":
                raise UsageError(f"submission #{sub.id} ({name}) was rejected, so it has no figures to use; ask for the return to be sent again.")
            if sub.current:
                return UseOutcome(sub, None, False)
            was = store.use_submission(str(period), sub.id, who, reason.strip())
            used = store.submission(sub.id)
            assert used is not None
            return UseOutcome(used, was, True)
        finally:
            store.close()


@dataclass(frozen=True)
class History:
    """Every submission of a period, by the return it is for, and every choice made by hand."""

    period: Period
    returns: dict[str, list[Submission]] = field(default_factory=dict)  # label -> submissions, oldest first
    unidentified: list[Submission] = field(default_factory=list)
    events: list[UseEvent] = field(default_factory=list)

    def standing(self, sub: Submission) -> str:
        """Whether a submission is current, and if not, why: 'CURRENT', 'replaced by #5', 'replaced by #2 by hand',
        'kept on record, not used (#3 was current)', 'not used' (rejected)."""
        if sub.current:
            return "CURRENT"
        if sub.superseded_by is None:
            return "not used"
        if any(e.replaced_id == sub.id and e.submission_id == sub.superseded_by for e in self.events):
            return f"replaced by #{sub.superseded_by} by hand"
        if sub.superseded_by > sub.id:
            return f"replaced by #{sub.superseded_by}"
        return f"kept on record, not used (#{sub.superseded_by} was current)"


def history(data_dir: str | Path, period: Period) -> History:
    store = Store(data_dir)
    try:
        subs = store.submissions(str(period))
        out = History(period, unidentified=[s for s in subs if not s.directorate], events=store.use_events(str(period)))
        for s in sorted((s for s in subs if s.directorate), key=lambda s: (s.directorate or "", s.service or "", s.id)):
            out.returns.setdefault(label(s.directorate, s.service), []).append(s)
        return out
    finally:
        store.close()
