"""Reading and checking ``actions.yaml`` and ``action_history.csv`` (both optional), as the PI library is read.

Every mistake is added to the same ``Problems`` as the rest of the configuration, naming the file,
the action (its number and reference) and the field, with the nearest valid code where one is close.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pmf_pipeline.config.explain import Problems, explain, nearest
from pmf_pipeline.config.plan import Action, ActionHistory, ActionStatus
from pmf_pipeline.config.tables import figure, read_csv
from pmf_pipeline.errors import ConfigError, UsageError
from pmf_pipeline.periods import Period

ACTION_HISTORY_COLUMNS = ("action_ref", "period", "status", "percent_complete", "rating", "commentary")


def _known(code: str, codes: Any) -> str:
    guess = nearest(code, list(codes))
    return (f"did you mean '{guess}'? " if guess else "") + f"known: {', '.join(sorted(codes))}"


def load_actions(path: Path, known: Any, kinds: list[str] | None, read_yaml: Any, problems: Problems) -> dict[str, Action]:
    """The actions library, checked against framework.yaml's codes (``known``: its directorates,
    objectives and committees, or None where unreadable) and action kinds; {} when there is no file."""
    if not path.exists():
        return {}
    try:
        raw = read_yaml(path)
    except ConfigError as e:
        problems.add(str(e))
        return {}
    if raw is None:
        return {}
    if isinstance(raw, dict) and "actions" in raw:
        raw = raw["actions"]
    if not isinstance(raw, list):
        problems.add(f"{path}: expected a list of actions, each starting with '- ref:'")
        return {}
    out: dict[str, Action] = {}
    for i, entry in enumerate(raw):
        name = entry.get("ref") if isinstance(entry, dict) else None
        where = f"{path}, action {i + 1}" + (f" ({name})" if name else "")
        try:
            action = Action.model_validate(entry)
        except ValidationError as e:
            problems.extend(explain(e, Action, entry, where))
            continue
        if action.ref in out:
            problems.add(
                f"{where}: reference {action.ref} is defined twice; each action appears once (carry it into a new year by adding the year to its years)"
            )
            continue
        _check(action, known, kinds, where, problems)
        out[action.ref] = action
    return out


def _check(a: Action, known: Any, kinds: list[str] | None, where: str, problems: Problems) -> None:
    dirs = known.directorates
    if dirs is not None:
        if a.directorate not in dirs:
            problems.add(f"{where}, field 'directorate': unknown directorate '{a.directorate}'; {_known(a.directorate, dirs)}")
        elif a.service is not None and dirs[a.directorate] is not None and a.service not in dirs[a.directorate]:
            problems.add(f"{where}, field 'service': '{a.service}' is not a service of {a.directorate}; {_known(a.service, dirs[a.directorate])}")
    objs = known.objectives
    if objs is not None:
        if a.objective is not None and a.objective not in objs:
            problems.add(f"{where}, field 'objective': unknown wellbeing objective '{a.objective}'; {_known(a.objective, objs)}")
        elif a.aim is not None:
            aims = objs.get(a.objective) if a.objective is not None else set()
            if aims is not None and a.aim not in aims:
                problems.add(f"{where}, field 'aim': '{a.aim}' is not an aim of objective {a.objective}")
    if known.committees is not None:
        for c in a.committees:
            if c not in known.committees:
                problems.add(f"{where}, field 'committees': unknown scrutiny committee '{c}'; {_known(c, known.committees)}")
    if kinds is not None and a.kind not in kinds:
        problems.add(f"{where}, field 'kind': unknown kind of action '{a.kind}'; {_known(a.kind, kinds)} (the action_kinds of framework.yaml)")
    for m in a.milestones:
        if m.due < a.start:
            problems.add(f"{where}, milestone '{m.title}': due {m.due:%d/%m/%Y}, before the action starts ({a.start:%d/%m/%Y})")


def load_action_history(path: Path, actions: dict[str, Action], problems: Problems) -> dict[tuple[str, Period], ActionHistory]:
    """Updates of earlier quarters from before the tool was used; {} when there is no file."""
    if not path.exists():
        return {}
    file = str(path)
    out: dict[tuple[str, Period], ActionHistory] = {}
    for line, row in read_csv(path, ACTION_HISTORY_COLUMNS, ACTION_HISTORY_COLUMNS[:3], problems):
        ref = row["action_ref"].strip()
        if ref not in actions:
            guess = nearest(ref, list(actions))
            problems.add(
                f"{file}, line {line}, field 'action_ref': an update for '{ref}', which is not in actions.yaml"
                + (f"; did you mean '{guess}'?" if guess else "")
            )
            continue
        try:
            period = Period.parse(row["period"])
        except UsageError as e:
            problems.add(f"{file}, line {line}, field 'period': {e}")
            continue
        if (ref, period) in out:
            problems.add(f"{file}, line {line}: a second row for {ref} in {period}; keep one row per action and period")
            continue
        typed = row["status"].strip()
        status = ActionStatus.from_text(typed) if typed else None
        if typed and status is None:
            problems.add(f"{file}, line {line} ({ref}), field 'status': '{typed}' is not a status; write one of {', '.join(s.value for s in ActionStatus)}")
            continue
        pct, problem = figure(row.get("percent_complete", ""), None, ref)
        if problem:
            problems.add(f"{file}, line {line} ({ref}), field 'percent_complete': {problem}")
            continue
        if pct is not None and not (Decimal(0) <= pct <= Decimal(100)):
            problems.add(f"{file}, line {line} ({ref}), field 'percent_complete': {pct} is not between 0 and 100")
            continue
        out[(ref, period)] = ActionHistory(
            action_ref=ref,
            period=period,
            status=status,
            percent_complete=pct,
            rating=row.get("rating", "").strip().lower(),
            commentary=row.get("commentary", "").strip(),
        )
    return out
