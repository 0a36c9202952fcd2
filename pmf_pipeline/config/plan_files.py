"""Reading and checking ``actions.yaml`` and ``action_history.csv`` (both optional), as the PI library is read.

Every mistake is added to the same ``Problems`` as the rest of the configuration, naming the file,
the action (its number and reference) and the field, with the nearest valid code where one is close,
and saying what to write instead. An action whose entry is broken is left out, and the rows of
``action_history.csv`` for it are not judged without it (as ``history.csv`` treats a broken PI).
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
from pmf_pipeline.rules.actions import SELF_LOOKS, parse_self_rating, scheme_looks

ACTION_HISTORY_COLUMNS = ("action_ref", "period", "status", "percent_complete", "rating", "commentary")


def _known(code: str, codes: Any) -> str:
    guess = nearest(code, list(codes))
    return (f"did you mean '{guess}'? " if guess else "") + f"known: {', '.join(sorted(codes))}"


def load_actions(path: Path, known: Any, kinds: list[str] | None, read_yaml: Any, problems: Problems, broken: set[str] | None = None) -> dict[str, Action]:
    """The actions library, checked against framework.yaml's codes (``known``: its directorates,
    objectives and committees, or None where unreadable) and action kinds; {} when there is no file.
    The references of entries too broken to use are added to ``broken``."""
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
    first: dict[str, int] = {}
    for i, entry in enumerate(raw):
        name = entry.get("ref") if isinstance(entry, dict) else None
        where = f"{path}, action {i + 1}" + (f" ({name})" if name else "")
        try:
            action = Action.model_validate(entry)
        except ValidationError as e:
            # Action's only list of entries is its milestones: name them so ("milestone 2", not "entry 2").
            problems.extend([line.replace(f"{where}, entry ", f"{where}, milestone ", 1) for line in explain(e, Action, entry, where)])
            if name is not None and broken is not None:
                broken.add(str(name).strip())
            continue
        if action.ref in first:
            problems.add(
                f"{where}: reference {action.ref} is already used by action {first[action.ref]}; each action appears once. "
                f"To carry an unfinished action into a new year, add the year to the years of action {first[action.ref]} "
                "(years: [2026-27, 2027-28]) and keep its ref; give a new action a new ref"
            )
            continue
        first[action.ref] = i + 1
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
            _check_aim(a, objs, where, problems)
    if known.committees is not None:
        for c in a.committees:
            if c not in known.committees:
                problems.add(f"{where}, field 'committees': unknown scrutiny committee '{c}'; {_known(c, known.committees)}")
    if kinds is not None and a.kind not in kinds:
        problems.add(f"{where}, field 'kind': unknown kind of action '{a.kind}'; {_known(a.kind, kinds)} (the action_kinds of framework.yaml)")
    for m in a.milestones:
        if m.due < a.start:
            problems.add(f"{where}, milestone '{m.title}': due {m.due:%d/%m/%Y}, before the action starts ({a.start:%d/%m/%Y})")
        elif m.due > a.due:
            problems.add(
                f"{where}, milestone '{m.title}': due {m.due:%d/%m/%Y}, after the action itself is due ({a.due:%d/%m/%Y}); "
                "move the milestone, or the action's due date"
            )


def _check_aim(a: Action, objs: dict[str, set[str] | None], where: str, problems: Problems) -> None:
    """An aim belongs to the action's objective: say which objective it belongs to, or the nearest aim."""
    assert a.aim is not None
    owner = next((o for o, aims in objs.items() if aims and a.aim in aims), None)
    if a.objective is None:
        hint = f"add 'objective: {owner}'" if owner else "give the objective it belongs to (objective: ...)"
        problems.add(f"{where}, field 'aim': an aim needs its objective; {hint}")
        return
    aims = objs.get(a.objective)
    if aims is None or a.aim in aims:
        return
    if owner is not None:
        problems.add(f"{where}, field 'aim': '{a.aim}' is an aim of objective {owner}, not {a.objective}; change the objective to {owner}, or the aim")
    elif aims:
        problems.add(f"{where}, field 'aim': '{a.aim}' is not an aim of objective {a.objective}; {_known(a.aim, aims)}")
    else:
        problems.add(f"{where}, field 'aim': '{a.aim}' is not an aim of objective {a.objective}, which has no aims; remove the aim")


def _rating(scheme: str, typed: str) -> str | None:
    """The rating code of ``typed`` on the scheme's scale ('' for blank), or None when it is not on it.
    The self-assessed scale as the workbook offers it, or what the scheme reports (Complete, On track)."""
    code = parse_self_rating(scheme, typed)
    if code is not None:
        return code
    key = " ".join(typed.replace("_", " ").split()).casefold()
    for c, look in scheme_looks(scheme).items():
        if key in (c.replace("_", " "), look.label.casefold()):
            return c
    return None


def load_action_history(
    path: Path, actions: dict[str, Action], problems: Problems, scheme: str | None = None, skip: set[str] | None = None
) -> dict[tuple[str, Period], ActionHistory]:
    """Updates of earlier quarters from before the tool was used; {} when there is no file.

    ``scheme``: framework.yaml's action_scheme, whose scale the ratings are checked against (None:
    unreadable, so not checked). Rows for the actions in ``skip`` (entries too broken to use) are
    passed over without a word: their entry's own problem is what to fix."""
    if not path.exists():
        return {}
    file = str(path)
    skip = skip or set()
    out: dict[tuple[str, Period], ActionHistory] = {}
    for line, row in read_csv(path, ACTION_HISTORY_COLUMNS, ACTION_HISTORY_COLUMNS[:3], problems):
        ref = row["action_ref"].strip()
        if ref in skip:
            continue
        if ref not in actions:
            guess = nearest(ref, list(actions))
            problems.add(
                f"{file}, line {line}, field 'action_ref': an update for '{ref}', which is not in actions.yaml"
                + (f"; did you mean '{guess}'?" if guess else "; add the action to actions.yaml, or remove the row")
            )
            continue
        action = actions[ref]
        try:
            period = Period.parse(row["period"])
        except UsageError as e:
            problems.add(f"{file}, line {line}, field 'period': {e}")
            continue
        if (ref, period) in out:
            problems.add(f"{file}, line {line}: a second row for {ref} in {period}; keep one row per action and period")
            continue
        if period.year not in action.plan_years:
            problems.add(
                f"{file}, line {line} ({ref}), field 'period': an update for {period}, but {ref}'s years in actions.yaml are "
                f"{', '.join(action.years)}; if it was in the {period.year} plan, add {period.year} to its years, or correct the period"
            )
            continue
        if action.start > period.end_date:
            problems.add(
                f"{file}, line {line} ({ref}), field 'period': an update for {period}, which ended {period.end_date:%d/%m/%Y}, "
                f"before {ref} starts ({action.start:%d/%m/%Y}); correct the period, or the start date in actions.yaml"
            )
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
            problems.add(f"{file}, line {line} ({ref}), field 'percent_complete': {pct} is not between 0 and 100; write the % complete, 0 to 100")
            continue
        if status is ActionStatus.completed and pct is not None and pct != 100:
            problems.add(
                f"{file}, line {line} ({ref}), field 'percent_complete': {pct}, but the status is completed; write 100, or the status the action had then"
            )
            continue
        typed_rating = row.get("rating", "").strip()
        rating = typed_rating.lower()
        if scheme is not None and typed_rating:
            code = _rating(scheme, typed_rating)
            if code is None:
                scale = ", ".join(SELF_LOOKS[scheme])
                problems.add(
                    f"{file}, line {line} ({ref}), field 'rating': '{typed_rating}' is not a rating of the {scheme} scheme "
                    f"(framework.yaml action_scheme); write one of {scale}, or leave it blank"
                )
                continue
            rating = code
        out[(ref, period)] = ActionHistory(
            action_ref=ref,
            period=period,
            status=status,
            percent_complete=pct,
            rating=rating,
            commentary=row.get("commentary", "").strip(),
        )
    return out
