"""Reading ``targets.csv`` and ``history.csv``, often exported from Excel, line by line.

Figures are read as updaters' figures are (``rules/numbers.py``): ``52.0%``, ``£250,000``, ``1,200``,
`` 1 200 ``, ``(5)`` for -5; ``n/a``, ``N/A``, ``-``, ``tbc`` or a blank cell mean "no figure". A % sign
is refused on a PI that is not a percentage, a £ sign on one not in pounds. Column headers may differ in
case and spacing (``PI ref``); an unknown header is named with the nearest column pmf knows. Every
problem on every line is added to ``problems``; nothing stops at the first.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from pmf_pipeline.config.explain import Problems, nearest, unknown_name
from pmf_pipeline.config.models import CONFIG_FILES, PI, HistoryValue, Target, Unit
from pmf_pipeline.errors import UsageError
from pmf_pipeline.periods import FinancialYear, Period
from pmf_pipeline.rules.numbers import parse_number

K = TypeVar("K")
TARGET_COLUMNS = ("pi_ref", "year", "annual", "q1", "q2", "q3", "q4", "rationale")
HISTORY_COLUMNS = ("pi_ref", "period", "actual", "numerator", "denominator")
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")  # as parse_number's: Decimal() of it is what parse_number gives


def figure(text: str, unit: Unit | None, whose: str) -> tuple[Decimal | None, str | None]:
    """A CSV cell as a number, or None for "no figure"; or the reason it is refused.

    ``unit`` is the unit the figure is in (None: not known, so any sign is taken as typed).
    """
    if not text:
        return None, None
    if _PLAIN.fullmatch(text):  # the usual case, a few times faster than parse_number
        return Decimal(text), None
    parsed = parse_number(text, percentage=True)
    if parsed.problem or parsed.value is None:
        if parsed.missing:
            return None, None
        return None, f"{parsed.problem}; write a number (e.g. 1200, 1,200 or 52.5), or n/a for no figure"
    typed, note, value = text.strip(), parsed.note or "", parsed.value
    if "% sign removed" in note and unit not in (None, Unit.percentage):
        return None, f"'{typed}' has a % sign, but {whose} is not a percentage (its unit is {unit.value}); write the number alone: {value}"
    if "currency sign removed" in note:
        if "£" not in unicodedata.normalize("NFKC", typed):
            return None, f"'{typed}' has a foreign currency sign; figures are in pounds: write the number alone: {value}"
        if unit not in (None, Unit.currency):
            return None, f"'{typed}' has a £ sign, but {whose} is not in pounds (its unit is {unit.value}); write the number alone: {value}"
    return value, None


def _column(header: str) -> str:
    """A header as Excel users write it ('PI ref ', 'Annual') as pmf names it ('pi_ref', 'annual')."""
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def _text(path: Path, problems: Problems) -> str | None:
    """The file's text: UTF-8 (with or without Excel's byte-order mark), or else Windows-1252, which is
    what Excel's plain "CSV (Comma delimited)" writes (a £ is byte A3 there)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problems.add(f"{path}: file not found; the configuration folder needs {', '.join(CONFIG_FILES)}")
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    problems.add(f"{path}: not readable as text; save it from Excel as 'CSV UTF-8'")
    return None


def _header(file: str, header: list[str], columns: tuple[str, ...], required: tuple[str, ...], problems: Problems) -> list[str] | None:
    """The header's columns as pmf names them, or None when a required one is missing (all reported)."""
    names = [_column(h) for h in header]
    if len(header) == 1 and header[0].count(";") >= 2:
        problems.add(f"{file}: the columns are separated by ';'; save the file from Excel as 'CSV UTF-8 (Comma delimited)'")
        return None
    suggested, seen = set(), set()
    for typed, name in zip(header, names, strict=True):
        if name and name not in columns:
            problems.add(f"{file}, column '{typed.strip()}': {unknown_name(name, list(columns), 'column')}")
            suggested.add(nearest(name, list(columns)))
        elif name and name in seen:
            problems.add(f"{file}, column '{typed.strip()}': appears twice; keep one column of that name")
        seen.add(name)
    missing = [c for c in required if c not in names]
    unexplained = [c for c in missing if c not in suggested]  # a misspelt column is already named above
    if unexplained:
        problems.add(f"{file}: the header row lacks the column(s) {', '.join(unexplained)}; it needs {', '.join(required)}")
    return None if missing else names


def read_csv(path: Path, columns: tuple[str, ...], required: tuple[str, ...], problems: Problems) -> list[tuple[int, dict[str, str]]]:
    """The lines of a CSV as (line number, {column: text}), blank lines left out; problems with the file
    or its header added (and then no lines)."""
    text = _text(path, problems)
    if text is None:
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        names = _header(str(path), next(reader, []), columns, required, problems)
        if names is None:
            return []
        width = len(names)
        if all(n in columns for n in names):  # the usual case: dict(zip()) is a few times faster
            return [
                (reader.line_num, dict(zip(names, row if len(row) >= width else row + [""] * (width - len(row)), strict=False)))
                for row in reader
                if "".join(row).strip()
            ]
        keep = [(i, n) for i, n in enumerate(names) if n in columns]
        return [(reader.line_num, {n: row[i] if i < len(row) else "" for i, n in keep}) for row in reader if "".join(row).strip()]
    except csv.Error:
        problems.add(f"{path}, line {reader.line_num}: cannot be read as CSV; save the file again from Excel as 'CSV UTF-8'")
        return []


def _keyed_rows(
    path: Path, columns: tuple[str, ...], pis: dict[str, PI], skip: set[str] | None, when: str, parse: Callable[[str], K], what: str, problems: Problems
) -> Iterator[tuple[int, dict[str, str], PI | None, K]]:
    """Lines of a per-PI CSV whose ``when`` parses and whose (PI, when) is new, with their PI.

    The PI is None when its entry in pis.yaml is itself broken (``skip``; None: pis.yaml unusable):
    that mistake is already reported, so the line is read without the PI's unit.
    """
    file = str(path)
    seen: set[tuple[str, K]] = set()
    unknown: dict[str, list[int]] = {}
    broken = {_squashed(r) for r in skip} if skip is not None else set()
    for line, row in read_csv(path, columns, columns[:3], problems):
        ref = row["pi_ref"].strip()
        pi = pis.get(ref)
        if pi is None and skip is not None and _squashed(ref) not in broken:
            unknown.setdefault(ref, []).append(line)
            continue
        try:
            key = parse(row[when])
        except UsageError as e:
            problems.add(f"{file}, line {line}, field '{when}': {e}")
            continue
        if (ref, key) in seen:
            problems.add(f"{file}, line {line}: a second row for {ref} in {key}; keep one row per PI and {when}")
            continue
        seen.add((ref, key))
        yield line, row, pi, key
    # One line per unknown reference, however many rows it has: one mistake, said once.
    spelt = {_squashed(r): r for r in pis} if unknown else {}
    for ref, lines in unknown.items():
        more = f" (and {len(lines) - 1} more line{'s' if len(lines) > 2 else ''})" if len(lines) > 1 else ""
        guess = spelt.get(_squashed(ref))
        hint = f"; did you mean '{guess}'?" if guess else ""
        problems.add(f"{file}, line {lines[0]}{more}, field 'pi_ref': {what} for '{ref}', which is not in pis.yaml{hint}")


def _squashed(ref: str) -> str:
    """A reference without case, spaces or punctuation: 'pam 007' and 'PAM/007' are the same."""
    return re.sub(r"[^0-9a-z]", "", ref.lower())


def _outside(pi: PI | None, value: Decimal | None) -> bool:
    if pi is None or value is None:
        return False
    lo, hi = pi.valid_range
    return (lo is not None and value < lo) or (hi is not None and value > hi)


def load_targets(path: Path, pis: dict[str, PI], skip: set[str] | None, problems: Problems) -> dict[tuple[str, FinancialYear], Target]:
    file = str(path)
    out: dict[tuple[str, FinancialYear], Target] = {}
    for line, row, pi, year in _keyed_rows(path, TARGET_COLUMNS, pis, skip, "year", FinancialYear.parse, "a target", problems):
        ref = row["pi_ref"].strip()
        figures = {}
        for field in ("annual", "q1", "q2", "q3", "q4"):
            value, problem = figure(row.get(field, ""), pi.unit if pi else None, ref)
            if problem:
                problems.add(f"{file}, line {line} ({ref}), field '{field}': {problem}")
            elif _outside(pi, value):
                assert pi is not None
                problems.add(
                    f"{file}, line {line} ({ref}), field '{field}': target {value} is outside the PI's valid range {pi.valid_range[0]} to {pi.valid_range[1]}"
                )
            figures[field] = value
        annual = figures["annual"]
        if pi is not None and not pi.rated and annual is not None:
            problems.add(f"{file}, line {line} ({ref}): {ref} is a context or narrative PI and cannot have a target")
        profile = (figures["q1"], figures["q2"], figures["q3"], figures["q4"])
        out[(ref, year)] = Target(pi_ref=ref, year=year, annual=annual, profile=profile, rationale=row.get("rationale", "").strip())
    return out


def load_history(path: Path, pis: dict[str, PI], skip: set[str] | None, problems: Problems) -> dict[tuple[str, Period], HistoryValue]:
    file = str(path)
    out: dict[tuple[str, Period], HistoryValue] = {}
    for line, row, pi, period in _keyed_rows(path, HISTORY_COLUMNS, pis, skip, "period", Period.parse, "history", problems):
        ref = row["pi_ref"].strip()
        raw = row["actual"].strip()
        if pi is None:
            continue  # its PI's entry is broken (already reported): whether this is text or a figure is unknown
        if pi.narrative:
            out[(ref, period)] = HistoryValue(pi_ref=ref, period=period, actual=None, text=raw or None)
            continue
        counted = Unit.currency if pi.unit is Unit.currency else Unit.number  # numerators and denominators
        actual, problem = figure(row["actual"], pi.unit, ref)
        if problem:
            problems.add(f"{file}, line {line} ({ref}), field 'actual': {problem}")
        elif _outside(pi, actual):
            problems.add(f"{file}, line {line} ({ref}), field 'actual': {actual} is outside the PI's valid range {pi.valid_range[0]} to {pi.valid_range[1]}")
        numerator, problem = figure(row.get("numerator", ""), counted, "a numerator")
        if problem:
            problems.add(f"{file}, line {line} ({ref}), field 'numerator': {problem}")
        denominator, problem = figure(row.get("denominator", ""), counted, "a denominator")
        if problem:
            problems.add(f"{file}, line {line} ({ref}), field 'denominator': {problem}")
        out[(ref, period)] = HistoryValue(pi_ref=ref, period=period, actual=actual, numerator=numerator, denominator=denominator)
    return out
