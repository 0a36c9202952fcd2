"""Earlier figures: the one source of the figures a quarter is shown and compared with.

An updater's workbook shows each PI's figures earlier this year and in the same quarter last year,
and its live check asks for a comment when the PI is 10% or more worse than last year; validation
compares a figure with last quarter's and last year's; the packs judge the trend. All of them take
earlier figures from here, by one rule:

- a quarter with at least one accepted return in the master dataset gives its accepted, sound
  figures (each PI's current figure, unless that figure had an error); a PI with none has no figure;
- a quarter without any accepted return (one from before the council used this tool) gives the
  figures in ``config/history.csv``.

**Frozen with the period.** When a period's workbooks are generated, or its first return is
accepted (whichever comes first; as the configuration is), the earlier figures used are written to
``DATA/periods/PERIOD/earlier.csv`` (``freeze_earlier``). From then on the period's return spec
(generating again, validating, auditing) and its trend use the frozen figures: a later correction
to an earlier quarter's figure does not make the period's issued workbooks outdated, nor re-judge
it. A PI added to the library later is added to the file the next time it is frozen; rows already
there never change; reopening a period keeps them (its issued workbooks still show them). To take
the figures afresh (an earlier quarter corrected before any return for the period came in), delete
the file deliberately and generate again.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path

from pmf_pipeline.config.models import Config
from pmf_pipeline.errors import DatasetError, UsageError
from pmf_pipeline.master import paths
from pmf_pipeline.master.store import Store, data_lock, to_decimal
from pmf_pipeline.periods import Period

Previous = Callable[[str, Period], Decimal | None]
RETURNS, HISTORY = "returns", "history"  # where a quarter's figures come from
HEADER = ("pi_ref", "period", "actual", "source")


def compared_periods(period: Period) -> tuple[Period, ...]:
    """The quarters a period's returns show or are compared with, oldest first: earlier this year,
    last quarter, and the same quarter last year."""
    return tuple(sorted({*period.earlier_in_year(), period.previous(), period.same_quarter_last_year()}))


@dataclass(frozen=True)
class EarlierFigures:
    """Every PI's figure in each quarter that ``period`` is compared with: ``earlier(ref, quarter)``.

    A PI or quarter not held here has no figure (None), as has a PI that had none in that quarter.
    """

    period: Period
    figures: Mapping[tuple[str, Period], Decimal | None]

    def __call__(self, ref: str, quarter: Period) -> Decimal | None:
        return self.figures.get((ref, quarter))

    @cached_property
    def key(self) -> str:
        """The figures in one line of text, so specs built from different figures are told apart."""
        return ";".join(f"{ref}@{p}={_text(v)}" for (ref, p), v in sorted(self.figures.items()))


def quarters_without_figures(earlier: EarlierFigures) -> list[Period]:
    """The quarters compared with for which no PI has any figure: returns not in yet, or none in history.csv."""
    known = {p for (_, p), v in earlier.figures.items() if v is not None}
    return [p for p in compared_periods(earlier.period) if p not in known]


def _text(v: Decimal | None) -> str:
    return "" if v is None else format(v, "f")


def _quarter(store: Store | None, config: Config, p: Period) -> tuple[str, dict[str, Decimal | None]]:
    """A quarter's figures as they stand now, and where they come from (the rule in the module docstring)."""
    if store is not None and any(s.outcome == "accepted" for s in store.submissions(str(p))):
        rows = store.values(str(p))
        return RETURNS, {ref: to_decimal(r["actual"]) for ref, r in rows.items() if r["source"] == "return" and not r["has_error"]}
    return HISTORY, config.cached(("history of", p), lambda: {ref: h.actual for (ref, q), h in config.history.items() if q == p})


def master_lookup(store: Store | None, config: Config) -> Previous:
    """Earlier figures as they stand now, not frozen (each quarter read once): for the packs' eight-quarter charts.

    Without a master dataset (``store`` None), the configuration's history only.
    """
    seen: dict[Period, dict[str, Decimal | None]] = {}

    def lookup(ref: str, p: Period) -> Decimal | None:
        if p not in seen:
            seen[p] = _quarter(store, config, p)[1]
        return seen[p].get(ref)

    return lookup


def _gather(store: Store | None, config: Config, period: Period, refs: Iterable[str]) -> list[tuple[str, Period, Decimal | None, str]]:
    """(PI, quarter, figure, source) for ``refs`` in each quarter ``period`` is compared with, as they stand now."""
    quarters = [(p, *_quarter(store, config, p)) for p in compared_periods(period)]
    refs = list(refs)
    return [(ref, p, figures.get(ref), source) for p, source, figures in quarters for ref in refs]


def from_history(config: Config, period: Period) -> EarlierFigures:
    """The earlier figures without a data folder: ``config/history.csv`` only (the sample workbooks, tests)."""
    return config.cached(("earlier from history", period), lambda: _figures(period, _gather(None, config, period, config.pis)))  # type: ignore[no-any-return]


def _figures(period: Period, rows: Iterable[tuple[str, Period, Decimal | None, str]]) -> EarlierFigures:
    return EarlierFigures(period, {(ref, p): v for ref, p, v, _ in rows})


def _damaged(path: Path, where: str) -> DatasetError:
    return DatasetError(
        f"{path}{where}. This file records the earlier figures the period's workbooks were generated with: "
        "restore it from a backup (or, if no return for the period is in yet, delete it and generate the workbooks again)."
    )


def read_frozen(data_dir: str | Path, period: Period) -> tuple[str, list[tuple[str, Period, Decimal | None, str]]] | None:
    """The frozen file's text and rows, or None if the period's earlier figures are not frozen."""
    path = paths.earlier_figures(data_dir, period)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise _damaged(path, f" cannot be read ({e})") from None
    lines = list(csv.reader(io.StringIO(text)))
    if not lines or tuple(lines[0]) != HEADER:
        raise _damaged(path, f": the first line must be {','.join(HEADER)}")
    rows = []
    for n, line in enumerate(lines[1:], 2):
        if not line:
            continue
        if len(line) != len(HEADER):
            raise _damaged(path, f" line {n}: expected {len(HEADER)} fields ({', '.join(HEADER)}), found {len(line)}")
        ref, quarter, actual, source = line
        try:
            p = Period.parse(quarter)
            v = Decimal(actual) if actual else None
        except UsageError:
            raise _damaged(path, f" line {n}: period '{quarter}' is not a period like 2026-27-Q1") from None
        except InvalidOperation:
            raise _damaged(path, f" line {n}: actual '{actual}' is not a number") from None
        if v is not None and not v.is_finite():
            raise _damaged(path, f" line {n}: actual '{actual}' is not a number")
        rows.append((ref, p, v, source))
    return text, rows


def _open_store(data_dir: str | Path | None) -> Store | None:
    """The master dataset, if the data folder has one (never creates it)."""
    return Store(data_dir) if data_dir is not None and paths.database(data_dir).exists() else None


_READ: dict[tuple[str, int, int], tuple[frozenset[str], EarlierFigures]] = {}  # a frozen file, read once while unchanged


def _stamp(data_dir: str | Path | None, period: Period) -> tuple[str, int, int] | None:
    """The frozen file's path, modification time and size, or None if there is none."""
    if data_dir is None:
        return None
    path = paths.earlier_figures(data_dir, period)
    try:
        st = path.stat()
    except OSError:
        return None
    return str(path.resolve()), st.st_mtime_ns, st.st_size


def earlier_for(config: Config, period: Period, data_dir: str | Path | None = None, store: Store | None = None) -> EarlierFigures:
    """The earlier figures of ``period``: as frozen with it, and any PI not frozen as it stands now. Writes nothing.

    ``store`` is the open master dataset (else it is opened from ``data_dir`` if there is one).
    """
    data_dir = store.data_dir if store is not None else data_dir
    stamp = _stamp(data_dir, period)
    if stamp is not None and stamp in _READ:
        refs, figures = _READ[stamp]
        if config.pis.keys() <= refs:
            return figures
    frozen = read_frozen(data_dir, period) if data_dir is not None else None
    rows = frozen[1] if frozen else []
    have = {r[0] for r in rows}
    missing = [ref for ref in config.pis if ref not in have]
    if not missing and stamp is not None:
        _READ.clear()  # periods are audited or validated one after another: keep the last only
        _READ[stamp] = (frozenset(have), _figures(period, rows))
        return _READ[stamp][1]
    if missing:
        own = store is None
        store = store or _open_store(data_dir)
        try:
            rows = rows + _gather(store, config, period, missing)
        finally:
            if own and store is not None:
                store.close()
    return _figures(period, rows)


def freeze_earlier(data_dir: str | Path, config: Config, period: Period, store: Store | None) -> EarlierFigures:
    """Freeze the period's earlier figures in ``DATA/periods/PERIOD/earlier.csv``, once, and return them.

    Rows already frozen never change; PIs of ``config`` not yet in the file are added as they stand
    now. ``store`` is the open master dataset (None if there is none yet). The caller holds the data
    folder's lock. Called when the period's workbooks are generated (``figures_for_workbooks``) and
    when its first return is accepted (``returns.ingest``).
    """
    path = paths.earlier_figures(data_dir, period)
    frozen = read_frozen(data_dir, period)
    text, rows = frozen if frozen else (None, [])
    have = {r[0] for r in rows}
    added = _gather(store, config, period, [ref for ref in config.pis if ref not in have])
    if added or text is None:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        if text is None:
            writer.writerow(HEADER)
        else:
            out.write(text if text.endswith("\n") else text + "\n")
        writer.writerows((ref, p, _text(v), source) for ref, p, v, source in added)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(out.getvalue(), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as e:
            raise DatasetError(
                f"the earlier figures of {period} could not be written to {path} ({e.strerror}). "
                "Check the data folder is writable and has free space, then run again."
            ) from None
    return _figures(period, rows + added)


def figures_for_workbooks(data_dir: str | Path, config: Config, period: Period) -> EarlierFigures:
    """The earlier figures a period's workbooks are generated with (``pmf generate``): frozen with the
    period the first time, the frozen ones after that."""
    with data_lock(data_dir):
        store = _open_store(data_dir)
        try:
            return freeze_earlier(data_dir, config, period, store)
        finally:
            if store is not None:
                store.close()
