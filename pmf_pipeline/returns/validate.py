"""Validate a return against the PI definitions and the framework.

``identify`` decides whether a file is a usable return for the period (file-level problems reject
it); ``check_rows`` runs the checks on each PI and returns findings and the values to consolidate.
Each check is a small piece with a stable code (``findings.RULES``). Nothing here writes anywhere.
The earlier figures a return is compared with arrive with its spec (``master.earlier``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pmf_pipeline.config.models import Config
from pmf_pipeline.errors import WorkbookError
from pmf_pipeline.i18n import translations
from pmf_pipeline.master.earlier import EarlierFigures, from_history
from pmf_pipeline.periods import Period
from pmf_pipeline.returns.action_checks import check_actions, number_problem
from pmf_pipeline.returns.findings import CHASE_ONLY, ERROR, WARNING, Finding, ReturnResult, ValueRecord
from pmf_pipeline.rules.numbers import LARGEST, Parsed, clean_text, parse_number
from pmf_pipeline.rules.status import DECLINED_SIG, OFF, as_reported, rate, trend
from pmf_pipeline.rules.text import MAX_TEXT, bounded, safe_name
from pmf_pipeline.workbook import action_layout, layout
from pmf_pipeline.workbook.reader import RawReturn, RawRow, read_return, sha256
from pmf_pipeline.workbook.spec import TEMPLATE_VERSION, ReturnSpec, RowSpec, build_spec, canonical

SHEET = layout.RETURN_SHEET
EarlierSource = Callable[[Period], EarlierFigures]  # the earlier figures of a return's period


def validate_bytes(data: bytes, file: str, config: Config, period: Period | None, earlier: EarlierFigures | None = None) -> ReturnResult:
    """Read and validate one file; never raises for a bad file (the result says what is wrong).

    ``earlier``: the earlier figures of the return's period (``master.earlier.earlier_for``);
    without them (or for a return of another period), the configuration's history only.
    """
    try:
        raw: RawReturn | WorkbookError = read_return(data, file)
    except WorkbookError as e:
        raw = e
    return validate_raw(raw, data, file, config, period, lambda p: earlier if earlier is not None and earlier.period == p else from_history(config, p))


def validate_raw(
    raw: RawReturn | WorkbookError, data: bytes, file: str, config: Config, period: Period | None, earlier: EarlierSource | None = None
) -> ReturnResult:
    """Validate what the reader made of a file (or the reason it could not read it)."""
    result = ReturnResult(file=file, sha256=sha256(data), size=len(data))
    if isinstance(raw, WorkbookError):
        result.findings.append(Finding("unreadable", ERROR, str(raw), file))
        return result
    result.languages = raw.languages
    spec = identify(raw, config, period, result, earlier)
    if spec is not None:
        result.outcome = "accepted"
        check_rows(raw, spec, config, result)
    return result


def _reject(result: ReturnResult, code: str, message: str) -> None:
    result.findings.append(Finding(code, ERROR, message, result.file, layout.META_SHEET if code != "unreadable" else None))


def identify(raw: RawReturn, config: Config, period: Period | None, result: ReturnResult, earlier: EarlierSource | None = None) -> ReturnSpec | None:
    """Which return this is, from its hidden metadata; None (with a finding) if it cannot be taken.

    ``earlier`` gives the earlier figures of the return's period (default: the configuration's history).
    """
    # hidden metadata is outside text like any other: every value is taken as text, whatever a hostile file made it
    meta = {k: v if isinstance(v, str) else "" if v is None else str(v) for k, v in raw.metadata.items()}
    _ = message_language(raw)
    result.saved_at, result.generated_at = raw.saved_at, meta.get("generated_at")
    result.template_version = meta.get("template_version")
    if not meta.get("tool", "").startswith("pmf-pipeline"):
        _reject(result, "not_a_return", _("this workbook was not produced by pmf-pipeline; please send the return workbook you were sent."))
        return None
    try:
        version = int(float(meta.get("template_version", "")))
    except (ValueError, OverflowError):  # not a number, or '1e999'/'inf'
        version = -1
    if version > TEMPLATE_VERSION or version < 1:
        _reject(
            result,
            "unknown_template",
            _("the return's template (version %(version)s) is not one this tool knows; please send the return workbook issued for this period.")
            % {"version": safe_name(meta.get("template_version", ""))[:40]},
        )
        return None
    if version < TEMPLATE_VERSION:
        _reject(
            result,
            "outdated_template",
            _("the return uses an outdated template (version %(version)s); please fill in the workbook issued for this period.") % {"version": version},
        )
        return None
    if meta.get("council") != config.framework.council:
        _reject(
            result,
            "wrong_council",
            _("this return is for %(council)s, not %(ours)s.") % {"council": repr(meta.get("council")), "ours": config.framework.council},
        )
        return None
    try:
        file_period = Period.parse(meta.get("period", ""))
    except Exception:
        _reject(result, "not_a_return", _("the return's period cannot be read; please send the return workbook you were sent."))
        return None
    result.period = str(file_period)
    directorate = meta.get("directorate", "")
    result.directorate = directorate
    result.service = meta.get("service") or None
    if period is not None and file_period != period:
        _reject(
            result,
            "wrong_period",
            _("this is the return for %(period)s, not %(wanted)s. If it is a late return for %(period)s, ingest it with --period %(code)s.")
            % {"period": file_period.short_label, "wanted": period.short_label, "code": file_period},
        )
        return None
    codes = {d.code for d in config.framework.directorates}
    if directorate not in codes:
        _reject(
            result,
            "wrong_directorate",
            _("this return is for directorate %(directorate)s, which is not in the framework (%(codes)s).")
            % {"directorate": repr(directorate), "codes": ", ".join(sorted(codes))},
        )
        return None
    # the spec in the return's own language(s): a Welsh workbook's locked text is Welsh
    spec = build_spec(config, file_period, directorate, result.service, earlier(file_period) if earlier else None, languages=raw.languages)
    if meta.get("fingerprint") != spec.fingerprint:
        sent = _sent_refs(meta.get("rows", ""))
        sent_actions = _sent_refs(meta.get("actions", ""))
        if sent != {r.pi.ref for r in spec.rows}:
            why = _("its list of PIs differs from the one in force for this period")
        elif sent_actions != {a.action.ref for a in spec.actions}:
            why = _("its list of actions differs from the one in force for this period")
        elif (
            spec.actions
            and _sent_fingerprints(meta.get("rows", "")) == {r.pi.ref: r.fingerprint for r in spec.rows}
            and _sent_fingerprints(meta.get("actions", "")) != {a.action.ref: a.fingerprint for a in spec.actions}
        ):
            why = _("its actions' plan (titles, dates or milestones) differs from the one now in force for this period")
        else:
            why = _("its targets or definitions differ from those now in force for this period")
        _reject(
            result,
            "outdated_template",
            _(
                "this return was generated on %(day)s from a different version of the PI library or targets: %(why)s. "
                "Please copy the figures into the workbook issued for %(period)s."
            )
            % {"day": safe_name(meta.get("generated_at", "?")[:10]), "why": why, "period": file_period.short_label},
        )
        return None
    return spec


def _sent_fingerprints(rows: str) -> dict[str, str]:
    """Each PI's (or action's) fingerprint as the metadata records it; empty when that cannot be read."""
    try:
        return {str(ref): str(fp) for ref, fp in json.loads(rows)} if rows.startswith("[") else {}
    except (ValueError, TypeError, RecursionError):
        return {}


def _sent_refs(rows: str) -> set[str]:
    """The PI references a return's metadata says it was sent with; empty when that cannot be read
    (not JSON, the wrong shape, nested too deep), which only changes the wording of the rejection."""
    try:
        return {str(ref) for ref, _ in json.loads(rows)} if rows.startswith("[") else set()
    except (ValueError, TypeError, RecursionError):
        return set()


EXPECTED_SHEETS = (layout.INSTRUCTIONS_SHEET, layout.RETURN_SHEET, action_layout.ACTIONS_SHEET, layout.META_SHEET)


def check_rows(raw: RawReturn, spec: ReturnSpec, config: Config, result: ReturnResult) -> None:
    """Check the PIs of the Return sheet and the actions of the Actions sheet (``action_checks``)."""
    _check_sheets(raw, result, with_actions=bool(spec.actions))
    _check_pi_rows(raw, spec, config, result)
    check_actions(raw, spec, config, result)


def _check_pi_rows(raw: RawReturn, spec: ReturnSpec, config: Config, result: ReturnResult) -> None:
    file = result.file
    add = result.findings.append
    _ = message_language(raw)
    if not raw.columns_found:
        expected = list(raw.labels)
        missing = [label for label in expected if list(raw.header).count(label) != 1]
        add(
            Finding(
                "header_altered",
                ERROR,
                (
                    _(
                        "the column headings of the Return sheet have been changed: %(headings)s is missing, renamed or repeated, "
                        "so the figures cannot be matched to their columns. Please put the figures into the workbook as sent."
                    )
                    if len(missing) == 1
                    else _(
                        "the column headings of the Return sheet have been changed: %(headings)s are missing, renamed or repeated, "
                        "so the figures cannot be matched to their columns. Please put the figures into the workbook as sent."
                    )
                )
                % {"headings": ", ".join(f"'{m}'" for m in missing)},
                file,
                SHEET,
                f"A{layout.HEADER_ROW}",
            )
        )
        result.outcome = "rejected"
        return
    for letter, heading in raw.inserted:
        add(
            Finding(
                "columns_inserted",
                WARNING,
                (
                    _(
                        "column %(letter)s (headed %(heading)s) was inserted; every figure was still matched "
                        "by its column heading and nothing in it was read. Please leave the columns as sent next time."
                    )
                    if heading
                    else _(
                        "column %(letter)s (without a heading) was inserted; every figure was still matched "
                        "by its column heading and nothing in it was read. Please leave the columns as sent next time."
                    )
                )
                % {"letter": letter, "heading": repr(heading)},
                file,
                SHEET,
                f"{letter}{layout.HEADER_ROW}",
            )
        )
    found = [r for r in raw.rows if r.ref]
    counts = Counter(r.ref for r in found)
    spec_refs = [r.pi.ref for r in spec.rows]
    asked = set(spec_refs)
    for r in raw.rows:
        if not r.ref:
            add(
                Finding(
                    "rows_changed",
                    ERROR,
                    _("row %(row)s has figures but no PI reference: rows must not be added. Move the figures to the PI's own row.") % {"row": r.row},
                    file,
                    SHEET,
                    r.cell("ref"),
                )
            )
    held: dict[str, RawRow] = {}
    for ref, n in counts.items():
        if n > 1:
            copies = [r for r in found if r.ref == ref]
            cells = ", ".join(r.cell("ref") for r in copies)
            add(
                Finding(
                    "rows_changed",
                    ERROR,
                    _(
                        "%(ref)s appears %(count)s times (rows %(rows)s: cells %(cells)s). Keep only its own row and "
                        "delete the copies; its figure is held back until then, and no earlier figure is used instead."
                    )
                    % {"ref": ref, "count": n, "rows": ", ".join(str(r.row) for r in copies), "cells": cells},
                    file,
                    SHEET,
                    copies[1].cell("ref"),
                    ref,
                )
            )
            if ref in asked:
                held[ref] = copies[0]
        if ref not in asked:
            row = next(r for r in found if r.ref == ref)
            pi = config.pis.get(ref)
            if pi is not None and not pi.due_in(spec.period):
                when = f"Q{pi.due_quarter}" if pi.frequency.value == "annual" else _("Q2 and Q4")
                add(
                    Finding(
                        "not_due",
                        ERROR,
                        _("%(ref)s is reported in %(when)s, not in %(period)s: remove this row and report it in the %(when)s return.")
                        % {"ref": ref, "when": when, "period": spec.period.short_label},
                        file,
                        SHEET,
                        row.cell("ref"),
                        ref,
                    )
                )
            else:
                add(
                    Finding(
                        "rows_changed",
                        ERROR,
                        _("row %(row)s (%(ref)s) was added: this return does not ask for %(ref)s. Remove the row.") % {"row": row.row, "ref": ref},
                        file,
                        SHEET,
                        row.cell("ref"),
                        ref,
                    )
                )
    missing = [ref for ref in spec_refs if ref not in counts]
    for ref in missing:
        add(
            Finding(
                "rows_changed",
                ERROR,
                _("the row for %(ref)s was deleted: every PI sent must come back. Please use the workbook as sent.") % {"ref": ref},
                file,
                SHEET,
                None,
                ref,
            )
        )
    order = [r.ref for r in found if r.ref in asked and counts[r.ref] == 1]
    present = set(order)
    if order != [ref for ref in spec_refs if ref in present]:
        add(
            Finding(
                "rows_reordered",
                WARNING,
                _(
                    "the rows have been re-ordered or sorted; every figure was still read from its own PI's row, "
                    "so nothing needs doing for this return. Please keep the order as sent next time."
                ),
                file,
                SHEET,
            )
        )
    by_ref = {r.ref: r for r in found if counts[r.ref] == 1}
    for row_spec in spec.rows:
        raw_row = by_ref.get(row_spec.pi.ref)
        if raw_row is not None:
            result.values.append(_check_row(raw_row, row_spec, config, raw, result, spec.period))
        elif row_spec.pi.ref in held:
            # held back on this return: recorded as no figure with an error, so it supersedes (never keeps) an earlier figure
            first = held[row_spec.pi.ref]
            result.values.append(ValueRecord(pi_ref=row_spec.pi.ref, actual=None, sheet=SHEET, cell=first.cell("actual"), has_error=True))


def _check_sheets(raw: RawReturn, result: ReturnResult, with_actions: bool = False) -> None:
    """A sheet added, renamed or removed is reported; nothing on an added sheet is read.
    (An Actions sheet missing when actions were asked for is ``action_checks``' to report.)"""
    if not raw.sheets:
        return
    _ = message_language(raw)
    expected = EXPECTED_SHEETS if with_actions else tuple(s for s in EXPECTED_SHEETS if s != action_layout.ACTIONS_SHEET)
    for name in raw.sheets:
        if name not in expected:
            result.findings.append(
                Finding(
                    "sheets_changed",
                    WARNING,
                    _(
                        "the workbook has a sheet '%(name)s' that the return was not sent with; nothing on it was read. "
                        "If it holds figures or comments for this return, put them on the Return sheet."
                    )
                    % {"name": name},
                    result.file,
                    name,
                )
            )
    if layout.INSTRUCTIONS_SHEET not in raw.sheets:
        result.findings.append(
            Finding(
                "sheets_changed",
                WARNING,
                _("the '%(sheet)s' sheet was renamed or deleted; the figures were still read from the Return sheet.") % {"sheet": layout.INSTRUCTIONS_SHEET},
                result.file,
            )
        )


def _finding(result: ReturnResult, code: str, severity: str, message: str, raw_row: RawRow, key: str | None, ref: str) -> None:
    cell = raw_row.cell(key) if key is not None else None
    result.findings.append(Finding(code, severity, message, result.file, SHEET, cell, ref))


def _check_row(raw_row: RawRow, row_spec: RowSpec, config: Config, raw: RawReturn, result: ReturnResult, period: Period) -> ValueRecord:
    pi, v = row_spec.pi, raw_row.values
    ref = pi.ref
    n_before = len(result.findings)  # this row's findings are those appended from here on
    _ = message_language(raw)
    labels = dict(zip(layout.BY_KEY, raw.labels, strict=True))  # the headings as the workbook shows them

    def row_has_error() -> bool:
        """Whether the figure is unsound and must be held back (not merely missing its comment or evidence)."""
        return any(f.severity == ERROR and f.code not in CHASE_ONLY for f in result.findings[n_before:])

    def err(code: str, key: str | None, message: str) -> None:
        _finding(result, code, ERROR, message, raw_row, key, ref)

    def warn(code: str, key: str | None, message: str) -> None:
        _finding(result, code, WARNING, message, raw_row, key, ref)

    raw_locked = row_spec.raw_locked
    for key, want in row_spec.canonical_locked.items():
        got, expected = v.get(key), raw_locked[key]
        if (got == expected and type(got) is type(expected)) or canonical(got) == want:
            continue
        err(
            "locked_altered",
            key,
            _(
                "the pre-filled '%(label)s' of %(ref)s was changed from '%(sent)s' to '%(found)s'. "
                "The pre-filled columns must stay as sent; put the original back (the figures were still read)."
            )
            % {"label": labels[key], "ref": ref, "sent": want, "found": canonical(got)},
        )
    for key in ("actual", "numerator", "denominator") if raw.errors else ():
        address = raw_row.cell(key)
        if address in raw.errors:
            err(
                "excel_error",
                key,
                _("the %(label)s of %(ref)s shows the spreadsheet error %(error)s; check the figures it is worked out from (a zero denominator gives #DIV/0!).")
                % {"label": labels[key], "ref": ref, "error": raw.errors[address]},
            )

    def limited(key: str, label: str) -> str:
        """Free text as typed, or, past ``MAX_TEXT`` characters, its start with a note (the archive keeps it all)."""
        text = clean_text(v.get(key))
        if len(text) > MAX_TEXT:
            warn(
                "text_too_long",
                key,
                _(
                    "the %(label)s of %(ref)s is %(length)s characters long; only the first %(limit)s are kept and shown in the packs. "
                    "Please shorten it and send the return again."
                )
                % {"label": label, "ref": ref, "length": f"{len(text):,}", "limit": f"{MAX_TEXT:,}"},
            )
            text = bounded(text)
        return text

    comment, evidence = limited("comment", labels["comment"]), limited("evidence", labels["evidence"])
    record: dict[str, Any] = dict(
        pi_ref=ref,
        comment=comment,
        evidence=evidence,
        updated_by=clean_text(v.get("updated_by")),
        verified_by=clean_text(v.get("verified_by")),
        sheet=SHEET,
        cell=raw_row.cell("actual"),
    )
    if pi.narrative:
        text = limited("actual", _("account of progress"))
        if not text:
            err("value_missing", "actual", _("%(ref)s asks for a short account of progress in the Actual cell; it is blank.") % {"ref": ref})
        return ValueRecord(actual=None, text=text or None, typed=text, has_error=row_has_error(), **record)
    value, parsed, num, den = _value(row_spec, v, raw_row, raw, err, warn, _)
    if value is None and not any(f.pi_ref == ref and f.severity == ERROR and f.code != "locked_altered" for f in result.findings[n_before:]):
        if comment:
            warn(
                "value_missing",
                "actual",
                _("%(ref)s has no figure this quarter; the comment explains why, and it will be reported as 'no data'.") % {"ref": ref},
            )
        elif pi.calculation is not None:
            err(
                "value_missing",
                "numerator",
                _("%(ref)s has no figure. Type the numerator and denominator, or type n/a and say why in the Comment.") % {"ref": ref},
            )
        else:
            err("value_missing", "actual", _("%(ref)s has no figure. Type this quarter's figure, or type n/a and say why in the Comment.") % {"ref": ref})
    if value is not None:
        _judge(value, row_spec, config, period, err, warn, comment, evidence, record, _)
    return ValueRecord(
        actual=value,
        numerator=num,
        denominator=den,
        typed=parsed.typed if parsed else "",
        normalisation=parsed.note if parsed else None,
        has_error=row_has_error(),
        **record,
    )


def message_language(raw: RawReturn) -> Callable[[str], str]:
    """The gettext of the findings' messages: the return's (first) language, as its updater reads it."""
    return translations(raw.languages[0]).gettext


def _value(row_spec: RowSpec, v: dict, raw_row: RawRow, raw: RawReturn, err, warn, _):  # type: ignore[no-untyped-def]
    """The figure to use, from the Actual cell or the numerator and denominator."""
    pi = row_spec.pi
    pct = pi.unit.value == "percentage"
    address = raw_row.cell("actual")
    actual = _as_shown(parse_number(v.get("actual"), pct), v.get("actual"), address in raw.percent_cells, pct)
    if address in raw.errors:
        actual = Parsed(None, raw.errors[address], missing=True)
    if actual.problem:
        err(
            "not_a_number",
            "actual",
            _("the Actual of %(ref)s is not a number: %(problem)s. Type the figure as a plain number.")
            % {"ref": pi.ref, "problem": number_problem(actual.problem, raw.languages[0])},
        )
    if pi.calculation is None:
        return actual.value, actual, None, None
    n, d = parse_number(v.get("numerator")), parse_number(v.get("denominator"))
    for key, p in (("numerator", n), ("denominator", d)):
        if p.problem:
            part = _("numerator") if key == "numerator" else _("denominator")
            err(
                "not_a_number",
                key,
                _("the %(part)s of %(ref)s is not a number: %(problem)s.")
                % {"part": part, "ref": pi.ref, "problem": number_problem(p.problem, raw.languages[0])},
            )
    if n.value is None and d.value is None:
        if actual.value is not None and not n.problem and not d.problem:
            err(
                "calculation_incomplete",
                "numerator",
                _("%(ref)s is worked out from a numerator (%(numerator)s) and a denominator (%(denominator)s): type both, not just the Actual.")
                % {"ref": pi.ref, "numerator": pi.calculation.numerator, "denominator": pi.calculation.denominator},
            )
        return None, actual, None, None
    if n.value is None or d.value is None:
        if not n.problem and not d.problem:
            which = "numerator" if n.value is None else "denominator"
            if which == "numerator":
                message = _("%(ref)s has a denominator but no numerator: type both.")
            else:
                message = _("%(ref)s has a numerator but no denominator: type both.")
            err("calculation_incomplete", which, message % {"ref": pi.ref})
        return None, actual, n.value, d.value
    if d.value == 0:
        err(
            "denominator_zero",
            "denominator",
            _(
                "the denominator of %(ref)s is 0, so no figure can be worked out. If there were none this quarter, "
                "leave both blank or type n/a, and say so in the Comment."
            )
            % {"ref": pi.ref},
        )
        return None, actual, n.value, d.value
    hi = pi.valid_range[1]
    if pi.calculation.multiplier == 100 and hi is not None and hi <= 100 and n.value > d.value:
        err(
            "numerator_exceeds_denominator",
            "numerator",
            _(
                "the numerator of %(ref)s (%(numerator)s) is larger than its denominator (%(denominator)s), which is impossible for this percentage; check which is which."
            )
            % {"ref": pi.ref, "numerator": f"{n.value:,}", "denominator": f"{d.value:,}"},
        )
        return None, actual, n.value, d.value
    computed = n.value / d.value * pi.calculation.multiplier
    if abs(computed) >= LARGEST:  # a plausible numerator over a tiny denominator
        err(
            "not_a_number",
            "denominator",
            _("the numerator and denominator of %(ref)s work out to %(figure)s, which is not a plausible figure; check both.")
            % {"ref": pi.ref, "figure": f"{computed:.3g}"},
        )
        return None, actual, n.value, d.value
    if actual.value is not None and as_reported(actual.value, pi.decimals) != as_reported(computed, pi.decimals):
        err(
            "actual_disagrees",
            "actual",
            _(
                "the Actual of %(ref)s (%(typed)s) disagrees with its numerator and denominator, which give "
                "%(figure)s. Clear the Actual cell (it is worked out for you) or correct the figures."
            )
            % {"ref": pi.ref, "typed": actual.typed, "figure": as_reported(computed, pi.decimals)},
        )
    note = "worked out from numerator and denominator"
    if n.note or d.note:
        note += "; " + "; ".join(x for x in (n.note, d.note) if x)
    return computed, Parsed(computed, f"{n.typed} / {d.typed}", note), n.value, d.value


def _as_shown(parsed: Parsed, raw: object, percent_format: bool, percentage: bool) -> Parsed:
    """A number in a percent-formatted cell is read as the percentage the updater typed and sees.

    Typing ``51.2%`` makes Excel and LibreOffice store 0.512 with a percent format; the cell shows
    51.2%, so that is the figure. For a PI that is not a percentage the % is refused, as it is when
    typed as text.
    """
    if not percent_format or parsed.value is None or isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return parsed
    shown = (parsed.value * 100).normalize()
    typed = f"{shown:f}%"
    if not percentage:
        return Parsed(None, typed, problem=f"'{typed}' has a % sign but this PI is not a percentage; type the number alone")
    return Parsed(shown, typed, note=f"typed as {typed} (stored by the spreadsheet as {parsed.typed})")


def _judge(
    value: Decimal,
    row_spec: RowSpec,
    config: Config,
    period: Period,
    err: Callable[[str, str | None, str], None],
    warn: Callable[[str, str | None, str], None],
    comment: str,
    evidence: str,
    record: dict[str, Any],
    _: Callable[[str], str] = str,
) -> None:
    """Range, status, comment, evidence, names, and comparisons with earlier figures (messages through ``_``)."""
    pi = row_spec.pi
    lo, hi = pi.valid_range
    shown = as_reported(value, pi.decimals)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        err(
            "out_of_range",
            "actual",
            (
                _("%(ref)s is %(figure)s, outside its valid range of %(lo)s to %(hi)s. Check the figure (type 85 for 85%%).")
                if pi.unit.value == "percentage"
                else _("%(ref)s is %(figure)s, outside its valid range of %(lo)s to %(hi)s. Check the figure.")
            )
            % {"ref": pi.ref, "figure": shown, "lo": lo if lo is not None else _("any"), "hi": hi if hi is not None else _("any")},
        )
        return
    if pi.unit.value == "percentage" and 0 < value < 1 and row_spec.target is not None and row_spec.target >= 5:
        meant = f"{(value * 100).normalize():f}"  # 60, not 60.0 (Decimal keeps the places of 0.6 x 100)
        warn(
            "percent_as_fraction",
            "actual",
            _("%(ref)s is %(figure)s: if you meant %(meant)s%%, type %(meant)s.") % {"ref": pi.ref, "figure": value, "meant": meant},
        )
    bands = row_spec.bands  # the same thresholds status.rate would work out, made once per row of the template
    status = bands.rate(shown) if bands is not None else rate(value, row_spec.target, pi.polarity.value, pi.decimals, row_spec.tolerance)
    tr = trend(value, row_spec.last_year, pi.polarity.value, pi.decimals, pi.maximum)
    if not comment and (status == OFF or tr == DECLINED_SIG):
        ly = as_reported(row_spec.last_year, pi.decimals) if row_spec.last_year is not None else None  # as the workbook shows it
        if status == OFF:
            message = _("%(ref)s is off target (%(figure)s against %(target)s): please add a comment saying why, and what is being done.")
            values = {"ref": pi.ref, "figure": shown, "target": row_spec.target}
        else:
            message = _(
                "%(ref)s is 10%% or more worse than last year (%(figure)s against %(last_year)s): please add a comment saying why, and what is being done."
            )
            values = {"ref": pi.ref, "figure": shown, "last_year": ly}
        err("comment_required", "comment", message % values)
    if pi.evidence_required and not evidence:
        err(
            "evidence_missing",
            "evidence",
            _("%(ref)s needs a working-papers reference in the Evidence ref column, so audit can trace the figure.") % {"ref": pi.ref},
        )
    if not record["updated_by"]:
        warn("updater_missing", "updated_by", _("%(ref)s does not say who updated it: type a name in 'Updated by'.") % {"ref": pi.ref})
    if not record["verified_by"]:
        warn("verifier_missing", "verified_by", _("%(ref)s does not say who verified it: the PI owner's name goes in 'Verified by'.") % {"ref": pi.ref})
    threshold = config.framework.swing_warning
    last_q = row_spec.last_quarter if period.quarter > 1 or not pi.cumulative else None
    comparisons = [(_("the same quarter last year"), row_spec.last_year)]
    if not pi.cumulative and pi.frequency.value == "quarterly":
        comparisons.insert(0, (_("last quarter"), last_q))
    for label, before in comparisons:
        if before is not None and before != 0 and abs(value - before) / abs(before) > threshold:
            warn(
                "suspicious_swing",
                "actual",
                _(
                    "%(ref)s moved from %(before)s (%(when)s) to %(figure)s, a change of %(change)s%%. Please check the figure and explain the change in the Comment."
                )
                % {
                    "ref": pi.ref,
                    "before": as_reported(before, pi.decimals),
                    "when": label,
                    "figure": shown,
                    "change": f"{abs(value - before) / abs(before) * 100:.0f}",
                },
            )
            break
    if pi.cumulative and period.quarter > 1 and last_q is not None and value < last_q:
        warn(
            "cumulative_fell",
            "actual",
            _("%(ref)s is a year-to-date figure but is lower (%(figure)s) than last quarter's (%(before)s). Check that this is the year-to-date total.")
            % {"ref": pi.ref, "figure": shown, "before": as_reported(last_q, pi.decimals)},
        )
