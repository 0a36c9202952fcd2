"""Validate the Actions sheet of a return: each action's update, as the PI rows are validated.

``check_actions`` is called by ``validate.check_rows`` and adds to the same result: findings (codes
``action_*`` in ``findings.RULES``, and for an altered sheet the PI codes ``rows_changed``,
``rows_reordered``, ``locked_altered``, ``header_altered``, ``columns_inserted`` with sheet
'Actions') and one ``ActionRecord`` per action asked for.

Everything is judged from the file itself, so re-validating an archived return gives the same
answer: last quarter's status and % complete are those printed in the return, and "the future" is
after the date the return was saved (else the quarter's deadline).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pmf_pipeline.config.models import Config
from pmf_pipeline.config.plan import ActionStatus
from pmf_pipeline.config.spellings import DateError, uk_date
from pmf_pipeline.i18n import translations
from pmf_pipeline.i18n.formatting import month_name
from pmf_pipeline.returns.findings import CHASE_ONLY, ERROR, WARNING, ActionRecord, Finding, ReturnResult
from pmf_pipeline.rules.actions import PROGRESS_LOOKS, SELF_LOOKS, parse_self_rating, rate_action
from pmf_pipeline.rules.numbers import Parsed, clean_text, parse_number
from pmf_pipeline.rules.text import MAX_TEXT, bounded
from pmf_pipeline.workbook import action_layout as al
from pmf_pipeline.workbook.action_spec import ActionSpec, canonical_cell
from pmf_pipeline.workbook.reader import RawReturn, RawRow
from pmf_pipeline.workbook.spec import ReturnSpec
from pmf_pipeline.workbook.words import BOTH, Words

SHEET = al.ACTIONS_SHEET
HUNDRED = Decimal(100)
INPUT_KEYS = ("status", "percent", "rating", "revised_due", "completed_on", "commentary", "updated_by")
KEEPS_LAST = (ActionStatus.completed, ActionStatus.cancelled)  # a blank row keeps such a last update


def check_actions(raw: RawReturn, spec: ReturnSpec, config: Config, result: ReturnResult) -> None:
    """Check the Actions sheet against the actions the return asked for (nothing when it asked for none)."""
    if not spec.actions:
        return
    add = result.findings.append
    file = result.file
    _ = translations(raw.languages[0]).gettext  # the updater's language
    refs = [a.action.ref for a in spec.actions]
    if not raw.has_actions_sheet:
        add(
            Finding(
                "sheets_changed",
                ERROR,
                _(
                    "the '%(sheet)s' sheet was renamed or deleted, so no action updates could be read (%(refs)s). "
                    "Please put the updates on the '%(sheet)s' sheet of the workbook as sent."
                )
                % {"sheet": SHEET, "refs": ", ".join(refs)},
                file,
            )
        )
        _hold(result, refs)
        return
    if not raw.action_columns_found:
        missing = [label for label in raw.action_labels if list(raw.action_header).count(label) != 1]
        add(
            Finding(
                "header_altered",
                ERROR,
                (
                    _(
                        "the column headings of the %(sheet)s sheet have been changed: %(headings)s is missing, renamed or repeated, "
                        "so the updates cannot be matched to their columns. Please put the updates into the workbook as sent."
                    )
                    if len(missing) == 1
                    else _(
                        "the column headings of the %(sheet)s sheet have been changed: %(headings)s are missing, renamed or repeated, "
                        "so the updates cannot be matched to their columns. Please put the updates into the workbook as sent."
                    )
                )
                % {"sheet": SHEET, "headings": ", ".join(f"'{m}'" for m in missing)},
                file,
                SHEET,
                f"A{al.HEADER_ROW}",
            )
        )
        _hold(result, refs)
        return
    for letter, heading in raw.action_inserted:
        add(
            Finding(
                "columns_inserted",
                WARNING,
                (
                    _(
                        "column %(letter)s of the %(sheet)s sheet (headed %(heading)s) was inserted; every update "
                        "was still matched by its column heading and nothing in it was read. Please leave the columns as sent next time."
                    )
                    if heading
                    else _(
                        "column %(letter)s of the %(sheet)s sheet (without a heading) was inserted; every update "
                        "was still matched by its column heading and nothing in it was read. Please leave the columns as sent next time."
                    )
                )
                % {"letter": letter, "sheet": SHEET, "heading": repr(heading)},
                file,
                SHEET,
                f"{letter}{al.HEADER_ROW}",
            )
        )
    by_ref, held = _rows(raw, refs, result, _)
    saved = _saved_date(raw.saved_at) or config.framework.deadline(spec.period)
    for a in spec.actions:
        ref = a.action.ref
        if ref in by_ref:
            result.actions.append(_check_action(by_ref[ref], a, spec.action_scheme, raw, result, saved))
        elif ref in held:
            result.actions.append(ActionRecord(action_ref=ref, status=None, sheet=SHEET, cell=held[ref].cell("status"), has_error=True))


def _hold(result: ReturnResult, refs: list[str]) -> None:
    """No update could be read: each action is recorded as no update, with an error (it never keeps an earlier one)."""
    result.actions.extend(ActionRecord(action_ref=ref, status=None, sheet=SHEET, has_error=True) for ref in refs)


def _rows(raw: RawReturn, refs: list[str], result: ReturnResult, _: Callable[[str], str]) -> tuple[dict[str, RawRow], dict[str, RawRow]]:
    """Rows added, deleted, duplicated or re-ordered; the rows to read by reference, and the first of duplicated ones."""
    add, file = result.findings.append, result.file
    found = [r for r in raw.action_rows if r.ref]
    counts = Counter(r.ref for r in found)
    asked = set(refs)
    for r in raw.action_rows:
        if not r.ref:
            add(
                Finding(
                    "rows_changed",
                    ERROR,
                    _(
                        "row %(row)s of the %(sheet)s sheet has an update but no action reference: rows must not be added. "
                        "Move the update to the action's own row."
                    )
                    % {"row": r.row, "sheet": SHEET},
                    file,
                    SHEET,
                    r.cell("ref"),
                )
            )
    held: dict[str, RawRow] = {}
    for ref, n in counts.items():
        copies = [r for r in found if r.ref == ref]
        if n > 1:
            add(
                Finding(
                    "rows_changed",
                    ERROR,
                    _(
                        "%(ref)s appears %(count)s times on the %(sheet)s sheet (rows %(rows)s). Keep only its own row and "
                        "delete the copies; its update is held back until then."
                    )
                    % {"ref": ref, "count": n, "sheet": SHEET, "rows": ", ".join(str(r.row) for r in copies)},
                    file,
                    SHEET,
                    copies[1].cell("ref"),
                    ref,
                )
            )
            if ref in asked:
                held[ref] = copies[0]
        if ref not in asked:
            add(
                Finding(
                    "rows_changed",
                    ERROR,
                    _("row %(row)s of the %(sheet)s sheet (%(ref)s) was added: this return does not ask for an update of %(ref)s. Remove the row.")
                    % {"row": copies[0].row, "sheet": SHEET, "ref": ref},
                    file,
                    SHEET,
                    copies[0].cell("ref"),
                    ref,
                )
            )
    for ref in refs:
        if ref not in counts:
            add(
                Finding(
                    "rows_changed",
                    ERROR,
                    _("the row for action %(ref)s was deleted from the %(sheet)s sheet: every action sent must come back. Please use the workbook as sent.")
                    % {"ref": ref, "sheet": SHEET},
                    file,
                    SHEET,
                    None,
                    ref,
                )
            )
            result.actions.append(ActionRecord(action_ref=ref, status=None, sheet=SHEET, has_error=True))
    order = [r.ref for r in found if r.ref in asked and counts[r.ref] == 1]
    present = set(order)
    if order != [ref for ref in refs if ref in present]:
        add(
            Finding(
                "rows_reordered",
                WARNING,
                _(
                    "the rows of the %(sheet)s sheet have been re-ordered or sorted; every update was still read from its own action's row, "
                    "so nothing needs doing for this return. Please keep the order as sent next time."
                )
                % {"sheet": SHEET},
                file,
                SHEET,
            )
        )
    return {r.ref: r for r in found if counts[r.ref] == 1 and r.ref in asked}, held


def _saved_date(saved_at: str | None) -> dt.date | None:
    if not saved_at:
        return None
    try:
        return dt.datetime.fromisoformat(saved_at.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _pct(d: Decimal) -> str:
    return f"{d.normalize():f}"


def _welsh_forms(english: str) -> tuple[str, ...]:
    """The forms a Welsh or bilingual workbook shows for an English status or rating word: ``Ar y gweill``, ``Ar y gweill / In progress``."""
    welsh = Words(("cy",)).heading(english)
    return (welsh, Words(BOTH).heading(english))


@functools.cache
def _statuses() -> dict[str, ActionStatus]:
    return {form.casefold(): s for s in ActionStatus for form in _welsh_forms(s.label)}


def status_from_text(text: str) -> ActionStatus | None:
    """The status an updater chose or typed, in English (``ActionStatus.from_text``) or as a Welsh workbook lists it."""
    return ActionStatus.from_text(text) or _statuses().get(" ".join(str(text).split()).casefold())


def rating_in_english(scheme: str, text: str) -> str:
    """A rating chosen or typed as a Welsh workbook lists it (``Gwyrdd: fel y cynlluniwyd``, or the colour alone), in English."""
    key = " ".join(str(text).split()).casefold()
    for look in SELF_LOOKS[scheme].values():
        colour = look.label.split(":")[0]
        for english in (look.label, colour):
            if key in {form.casefold() for form in _welsh_forms(english)}:
                return english
    return text


def _check_action(raw_row: RawRow, a: ActionSpec, scheme: str, raw: RawReturn, result: ReturnResult, saved: dt.date) -> ActionRecord:
    v, ref, action = raw_row.values, a.action.ref, a.action
    n_before = len(result.findings)
    _ = translations(raw.languages[0]).gettext  # the updater's language
    english = raw.languages[0] == "en"

    def add(code: str, severity: str, key: str | None, message: str) -> None:
        result.findings.append(Finding(code, severity, message, result.file, SHEET, raw_row.cell(key) if key else None, ref))

    def err(code: str, key: str | None, message: str) -> None:
        add(code, ERROR, key, message)

    def warn(code: str, key: str | None, message: str) -> None:
        add(code, WARNING, key, message)

    for key, want in a.canonical_locked.items():
        got = canonical_cell(v.get(key))
        if got != want:
            err(
                "locked_altered",
                key,
                _(
                    "the pre-filled '%(label)s' of action %(ref)s was changed from '%(sent)s' to '%(found)s'. "
                    "The pre-filled columns must stay as sent; put the original back (the update was still read)."
                )
                % {"label": dict(zip(al.KEYS, raw.action_labels, strict=True))[key], "ref": ref, "sent": want, "found": got},
            )

    status_text = clean_text(v.get("status"))
    status = status_from_text(status_text) if status_text else None
    if status_text and status is None:
        err(
            "action_status_unknown",
            "status",
            _("the Status of %(ref)s is '%(typed)s', which is not on the list: choose one of %(choices)s.")
            % {"ref": ref, "typed": status_text, "choices": ", ".join(al.STATUS_CHOICES if english else al.sheet_words((raw.languages[0],)).status.values())},
        )
    percent, parsed = _percent(raw_row, raw, err, ref)
    rating_text = clean_text(v.get("rating"))
    rating = parse_self_rating(scheme, rating_text)
    if rating is None:
        rating = parse_self_rating(scheme, rating_in_english(scheme, rating_text))
    if rating is None:
        labels = ", ".join(look.label if english else _(look.label) for look in SELF_LOOKS[scheme].values())
        err(
            "action_rating_unknown",
            "rating",
            _("the Rating of %(ref)s is '%(typed)s', which is not on the council's scale: choose one of %(choices)s.")
            % {"ref": ref, "typed": rating_text, "choices": labels},
        )
    revised = _date(v.get("revised_due"), "Revised due date", "revised_due", ref, err, raw.languages[0])
    completed_on = _date(v.get("completed_on"), "Completion date", "completed_on", ref, err, raw.languages[0])
    commentary = clean_text(v.get("commentary"))
    if len(commentary) > MAX_TEXT:
        warn(
            "text_too_long",
            "commentary",
            _(
                "the Commentary of %(ref)s is %(length)s characters long; only the first %(kept)s are kept and shown in the packs. "
                "Please shorten it and send the return again."
            )
            % {"ref": ref, "length": f"{len(commentary):,}", "kept": f"{MAX_TEXT:,}"},
        )
        commentary = bounded(commentary)
    updated_by = clean_text(v.get("updated_by"))
    last_status = status_from_text(clean_text(v.get("last_status")))
    last_percent = parse_number(v.get("last_percent"), True).value

    def record(**kw: Any) -> ActionRecord:
        unsound = any(f.severity == ERROR and f.code not in CHASE_ONLY for f in result.findings[n_before:])
        fields: dict[str, Any] = dict(
            action_ref=ref,
            status=status.value if status else None,
            percent_complete=percent,
            rating=rating or "",
            revised_due=revised.isoformat() if revised else None,
            completed_on=completed_on.isoformat() if completed_on else None,
            commentary=commentary,
            updated_by=updated_by,
            sheet=SHEET,
            cell=raw_row.cell("status"),
            typed=parsed.typed if parsed is not None and parsed.note else "",
            has_error=unsound,
        )
        return ActionRecord(**{**fields, **kw})

    blank = all(v.get(k) in (None, "") for k in INPUT_KEYS) and not any(raw_row.cell(k) in raw.action_errors for k in INPUT_KEYS)
    if blank and last_status in KEEPS_LAST:
        return record(
            status=last_status.value if last_status else None,
            percent_complete=last_percent,
            commentary=clean_text(v.get("last_commentary")),
            carried=True,
        )
    if completed_on is not None and completed_on > saved:
        err(
            "action_completion_future",
            "completed_on",
            _(
                "the Completion date of %(ref)s is %(day)s, after the return was saved (%(saved)s). Type the date it was completed; "
                "if it is not finished yet, choose In progress and give a revised due date instead."
            )
            % {"ref": ref, "day": f"{completed_on:%d/%m/%Y}", "saved": f"{saved:%d/%m/%Y}"},
        )
    if status is None:
        if not status_text:
            err(
                "action_update_missing",
                "status",
                _("%(ref)s has no Status this quarter: choose one from the list, and give its %% complete and commentary.") % {"ref": ref},
            )
        return record()
    if status is ActionStatus.completed:
        short = percent is None or percent != HUNDRED
        undated = completed_on is None and v.get("completed_on") in (None, "")
        if short or undated:
            if not short:
                message = _(
                    "%(ref)s is marked Completed but has no completion date: a completed action is 100%% complete, with the date it was completed. "
                    "Type both, or choose another status."
                )
            elif percent is None:
                message = (
                    _(
                        "%(ref)s is marked Completed but has no %% complete and has no completion date: a completed action is 100%% complete, "
                        "with the date it was completed. Type both, or choose another status."
                    )
                    if undated
                    else _(
                        "%(ref)s is marked Completed but has no %% complete: a completed action is 100%% complete, with the date it was completed. "
                        "Type both, or choose another status."
                    )
                )
            else:
                message = (
                    _(
                        "%(ref)s is marked Completed but is %(percent)s%% complete and has no completion date: a completed action is 100%% complete, "
                        "with the date it was completed. Type both, or choose another status."
                    )
                    if undated
                    else _(
                        "%(ref)s is marked Completed but is %(percent)s%% complete: a completed action is 100%% complete, with the date it was completed. "
                        "Type both, or choose another status."
                    )
                )
            err(
                "action_completed_incomplete",
                "completed_on" if undated else "percent",
                message % {"ref": ref, "percent": _pct(percent) if percent is not None else ""},
            )
    if percent is not None and last_percent is not None and percent < last_percent:
        warn(
            "action_percent_fell",
            "percent",
            _(
                "%(ref)s is %(percent)s%% complete, lower than last quarter's %(last)s%%. Check the figure; "
                "if the action was re-planned, say so in the Commentary."
            )
            % {"ref": ref, "percent": _pct(percent), "last": _pct(last_percent)},
        )
    rated = rate_action(scheme, status.value, percent, rating or "", action.start, action.due, a.as_at)
    expected = _pct(rated.expected.quantize(Decimal(1)))
    if rated.overdue:
        ask = (
            _("the revised due date %(day)s is shown beside the planned one. Say in the Commentary why it is late and what is being done.")
            % {"day": f"{revised:%d/%m/%Y}"}
            if revised
            else _("type a revised due date, and say in the Commentary why it is late and what is being done.")
        )
        warn(
            "action_overdue",
            "revised_due",
            _("%(ref)s was due on %(due)s and is not complete, so it is reported as overdue: %(ask)s")
            % {"ref": ref, "due": f"{action.due:%d/%m/%Y}", "ask": ask},
        )
    if rated.disagrees:
        message = (
            _(
                "%(ref)s is rated %(rating)s but is %(percent)s%% complete against %(expected)s%% expected by the end of the quarter "
                "(%(progress)s on expected progress). Check the rating, or explain it in the Commentary."
            )
            if percent is not None
            else _(
                "%(ref)s is rated %(rating)s but is no %% complete against %(expected)s%% expected by the end of the quarter "
                "(%(progress)s on expected progress). Check the rating, or explain it in the Commentary."
            )
        )
        label = SELF_LOOKS[scheme][rating or ""].label
        warn(
            "action_rating_inconsistent",
            "rating",
            message
            % {
                "ref": ref,
                "rating": _(label),
                "percent": _pct(percent) if percent is not None else "",
                "expected": expected,
                "progress": _(PROGRESS_LOOKS[rated.progress].label).lower(),
            },
        )
    if rated.needs_commentary and not commentary:
        if rated.overdue:
            message = _("%(ref)s is past its due date (%(due)s): please add commentary saying why, and what is being done.")
        elif rating and rating in ("amber", "red"):
            message = _("%(ref)s is rated %(rating)s: please add commentary saying why, and what is being done.")
        else:
            message = _(
                "%(ref)s is %(progress)s (%(percent)s%% complete against %(expected)s%% expected): please add commentary saying why, and what is being done."
            )
        values = {
            "ref": ref,
            "due": f"{action.due:%d/%m/%Y}",
            "rating": _(SELF_LOOKS[scheme][rating].label) if rating else "",
            "progress": _(PROGRESS_LOOKS[rated.progress].label).lower(),
            "percent": _pct(percent or Decimal(0)),
            "expected": expected,
        }
        err("action_commentary_required", "commentary", message % values)
    return record()


def _percent(raw_row: RawRow, raw: RawReturn, err: Any, ref: str) -> tuple[Decimal | None, Parsed | None]:
    """% complete as the updater sees it: 45% typed (0.45 in a percent format) is 45; '45%' typed as text too."""
    _ = translations(raw.languages[0]).gettext
    address = raw_row.cell("percent")
    value = raw_row.values.get("percent")
    if address in raw.action_errors:
        err(
            "action_percent_invalid",
            "percent",
            _("the %% complete of %(ref)s shows the spreadsheet error %(error)s. Type a number from 0 to 100.")
            % {"ref": ref, "error": raw.action_errors[address]},
        )
        return None, None
    parsed = parse_number(value, True)
    if address in raw.action_percent_cells and parsed.value is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = (parsed.value * 100).normalize()
        parsed = Parsed(shown, f"{shown:f}%", note=f"typed as {shown:f}% (stored by the spreadsheet as {parsed.typed})")
    if parsed.problem:
        err(
            "action_percent_invalid",
            "percent",
            _("the %% complete of %(ref)s is not a number: %(problem)s. Type a number from 0 to 100, such as 45.")
            % {"ref": ref, "problem": number_problem(parsed.problem, raw.languages[0])},
        )
        return None, parsed
    if parsed.value is not None and not (0 <= parsed.value <= HUNDRED):
        err(
            "action_percent_invalid",
            "percent",
            _("the %% complete of %(ref)s is %(percent)s, outside 0 to 100. Type a number from 0 to 100, such as 45.")
            % {"ref": ref, "percent": _pct(parsed.value)},
        )
        return None, parsed
    return parsed.value, parsed


def _date(value: object, label: str, key: str, ref: str, err: Any, lang: str) -> dt.date | None:
    _ = translations(lang).gettext
    if value is None or value == "":
        return None
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            typed = clean_text(value)
            raise DateError(f"'{typed}' is a number; write the date as DD/MM/YYYY or YYYY-MM-DD, e.g. 24/07/2026 or 2026-07-24", "number", typed=typed)
        return uk_date(value)
    except DateError as e:
        err("action_date_invalid", key, _("the %(label)s of %(ref)s: %(problem)s.") % {"label": _(label), "ref": ref, "problem": date_problem(e, lang)})
        return None
    except ValueError as e:  # every reason uk_date gives is a DateError; this keeps any other as it is
        err("action_date_invalid", key, _("the %(label)s of %(ref)s: %(problem)s.") % {"label": _(label), "ref": ref, "problem": str(e)})
        return None


def date_problem(e: DateError, lang: str) -> str:
    """Why a typed date cannot be read, in the updater's language (in English, exactly ``str(e)``)."""
    if lang == "en":
        return str(e)
    _ = translations(lang).gettext
    v = e.values
    if e.kind == "number":
        return _("'%(typed)s' is a number; write the date as DD/MM/YYYY or YYYY-MM-DD, e.g. 24/07/2026 or 2026-07-24") % v
    if e.kind == "time":
        return _("'%(typed)s' has a time of day; write the date as DD/MM/YYYY or YYYY-MM-DD, e.g. 24/07/2026 or 2026-07-24") % v
    if e.kind == "short_year":
        return _("'%(typed)s': write the year in full, as %(dmy)s or %(iso)s") % v
    if e.kind == "month_first":
        return _("'%(typed)s' puts the month first, but dates are day first: write the date as %(dmy)s or %(iso)s") % v
    if e.kind == "no_month":
        return _("'%(typed)s' is not a date: there is no month %(month)s; write the date as DD/MM/YYYY or YYYY-MM-DD, e.g. 24/07/2026 or 2026-07-24") % v
    if e.kind == "no_day":
        values = {**v, "month": month_name(v["month"], lang)}
        return (
            _("'%(typed)s' is not a date: %(month)s %(year)s has no day %(day)s; write the date as DD/MM/YYYY or YYYY-MM-DD, e.g. 24/07/2026 or 2026-07-24")
            % values
        )
    if e.kind == "no_year":
        return _("'%(typed)s' has no year; write the date as DD/MM/YYYY or YYYY-MM-DD, e.g. 24/07/2026 or 2026-07-24") % v
    if e.kind == "not_a_date" and v.get("typed"):
        return _("'%(typed)s' is not a date; write the date as DD/MM/YYYY or YYYY-MM-DD, e.g. 24/07/2026 or 2026-07-24") % v
    return str(e)


_QUOTED = re.compile(r"^'(?P<typed>.*)' (?P<rest>.*)$", re.S)


def number_problem(problem: str, lang: str) -> str:
    """Why a typed figure is not a number (``Parsed.problem``, always English), in the updater's language.

    In English it is ``problem`` exactly; a reason this does not know is left in English."""
    if lang == "en":
        return problem
    _ = translations(lang).gettext
    if problem == "the cell does not hold a finite number":
        return _("the cell does not hold a finite number")
    m = _QUOTED.match(problem)
    if not m:
        return problem
    typed, rest = m["typed"], m["rest"]
    if rest == "is a true/false value, not a number":
        return _("'%(typed)s' is a true/false value, not a number") % {"typed": typed}
    if rest == "is a date or time, not a number (the cell may be formatted as a date)":
        return _("'%(typed)s' is a date or time, not a number (the cell may be formatted as a date)") % {"typed": typed}
    if rest == "has a % sign but this PI is not a percentage; type the number alone":
        return _("'%(typed)s' has a %% sign but this PI is not a percentage; type the number alone") % {"typed": typed}
    if rest == "is not a number":
        return _("'%(typed)s' is not a number") % {"typed": typed}
    if rest == "is not a plausible figure: figures in a return are below 1,000,000,000,000,000":
        return _("'%(typed)s' is not a plausible figure: figures in a return are below 1,000,000,000,000,000") % {"typed": typed}
    if rest == "is not a plausible figure: it has more digits than any figure is measured to":
        return _("'%(typed)s' is not a plausible figure: it has more digits than any figure is measured to") % {"typed": typed}
    if rest == "is not a plausible figure: it has more decimal places than any figure is measured to":
        return _("'%(typed)s' is not a plausible figure: it has more decimal places than any figure is measured to") % {"typed": typed}
    return problem
