"""Ingest returned workbooks: archive each original, validate it, consolidate it into the master dataset.

For each file, in order: the bytes are read once; the original is copied byte for byte into the
archive (``DATA/archive/PERIOD/DIRECTORATE/SHA256.xlsx``, written, flushed and never overwritten)
before anything reaches the master dataset; then the return is identified, validated and
consolidated in one transaction. A file already received (same SHA-256 for the period) changes
nothing. A corrected resubmission supersedes the earlier return; both stay on record.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pmf_pipeline.config.frozen import freeze_config
from pmf_pipeline.config.models import Config
from pmf_pipeline.errors import DatasetError, UsageError, WorkbookError
from pmf_pipeline.master import paths
from pmf_pipeline.master.earlier import master_lookup
from pmf_pipeline.master.store import Store, Submission, data_lock
from pmf_pipeline.periods import Period
from pmf_pipeline.returns.findings import ERROR, Finding, ReturnResult
from pmf_pipeline.returns.isolation import Checks, validate_isolated
from pmf_pipeline.workbook.container import MAX_FILE_BYTES
from pmf_pipeline.workbook.reader import sha256

SKIP_PREFIXES = (".", "~$")


@dataclass
class FileOutcome:
    result: ReturnResult
    status: str  # accepted | rejected | duplicate
    archive_path: str | None = None


@dataclass
class IngestSummary:
    period: Period
    config: Config  # the period's configuration, as used
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def changed(self) -> bool:
        return any(o.status != "duplicate" for o in self.outcomes)

    @property
    def has_errors(self) -> bool:
        return any(o.status == "rejected" or (o.status == "accepted" and o.result.errors) for o in self.outcomes)


def collect_files(paths: Sequence[str | Path]) -> list[Path]:
    """The files named, and the files in the folders named (not their hidden or Excel lock files)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith(SKIP_PREFIXES))
        elif p.is_file():
            out.append(p)
        else:
            raise UsageError(f"{p}: no such file or folder")
    return out


def _read_bytes(path: Path) -> bytes | WorkbookError:
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        return WorkbookError(f"the file cannot be opened ({e.strerror})")
    return data


def validate_files(config: Config, period: Period | None, paths: list[Path]) -> Iterator[ReturnResult]:
    """Validate files without touching the master dataset (``pmf validate``), one result at a time, in order.

    Workers read the files themselves; nothing is held beyond the files in flight.
    """
    return validate_isolated(((None, str(p)) for p in paths), Checks(config, period))


def _previous_figures(store: Store, config: Config, period: Period) -> dict[tuple[str, str], Decimal | None]:
    """The figures a return for ``period`` is compared with: last quarter and the same quarter last year."""
    lookup = master_lookup(store, config)
    wanted = (period.previous(), period.same_quarter_last_year())
    return {(ref, str(p)): lookup(ref, p) for ref in config.pis for p in wanted}


def archive(data_dir: Path, period: Period, directorate: str | None, data: bytes, digest: str, suffix: str) -> Path:
    """Write the original once, flushed to disk, read-only; never overwrite an existing copy."""
    folder = paths.archive_folder(data_dir, period, directorate)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{digest}{suffix.lower() if suffix else '.bin'}"
    if target.exists():
        return target
    tmp = target.with_name(target.name + ".part")
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o444)
    os.replace(tmp, target)
    _sync_folder(folder)
    return target


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for the new file to disk (POSIX; Windows cannot open a folder as a file, nor needs to)."""
    if os.name != "posix":
        return
    dfd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def ingest(
    config_dir: str | Path, data_dir: str | Path, period: Period, paths: list[Path], on_file: Callable[[FileOutcome], None] | None = None
) -> IngestSummary:
    """Ingest ``paths`` for ``period`` into the master dataset in ``data_dir`` (see the module docstring)."""
    data_dir = Path(data_dir)
    with data_lock(data_dir):
        config = freeze_config(config_dir, data_dir, period)
        summary = IngestSummary(period, config)
        store = Store(data_dir)
        try:
            store.load_history(config.history)
            checks = Checks(config, period, _previous_figures(store, config, period))
            queued: collections.deque[tuple[Path, bytes]] = collections.deque()

            def tasks() -> Iterator[tuple[bytes | None, str]]:
                for path in paths:
                    blob = _read_bytes(path)
                    if isinstance(blob, WorkbookError):
                        outcome = FileOutcome(ReturnResult(str(path), "", findings=[Finding("unreadable", ERROR, str(blob), str(path))]), "rejected")
                        done(outcome)
                    elif (seen := store.find_submission(str(period), sha256(blob))) is not None:
                        done(_duplicate(seen, path, blob))
                    else:
                        queued.append((path, blob))
                        yield blob, str(path)

            def done(outcome: FileOutcome) -> None:
                summary.outcomes.append(outcome)
                if on_file:
                    on_file(outcome)

            for result in validate_isolated(tasks(), checks):
                path, blob = queued.popleft()
                done(_consolidate(store, data_dir, period, blob, path, result))
            order = {str(p): i for i, p in enumerate(paths)}
            summary.outcomes.sort(key=lambda o: order.get(o.result.file, 0))  # as given, whatever finished first
        finally:
            store.close()
    return summary


def _duplicate(seen: Submission, path: Path, blob: bytes) -> FileOutcome:
    result = ReturnResult(str(path), seen.sha256, len(blob), outcome=seen.outcome, period=seen.period, directorate=seen.directorate)
    when = seen.received_at[:16].replace("T", " ")
    result.findings.append(Finding("duplicate", "warning", f"already received on {when} (as {Path(seen.file_name).name}); nothing changed.", str(path)))
    return FileOutcome(result, "duplicate", seen.archive_path)


def _consolidate(store: Store, data_dir: Path, period: Period, blob: bytes, path: Path, result: ReturnResult) -> FileOutcome:
    """Archive the original, then record the validated return in one transaction."""
    seen = store.find_submission(str(period), result.sha256)
    if seen is not None:  # the same file twice in one run
        return _duplicate(seen, path, blob)
    digest = result.sha256
    try:
        kept = archive(data_dir, period, result.directorate if result.outcome == "accepted" else None, blob, digest, path.suffix)
    except OSError as e:
        raise DatasetError(
            f"the archive copy of {path} could not be written ({e.strerror}); nothing was consolidated. "
            "Check the data folder is writable and has free space, then run again."
        ) from None
    received = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    store.record(result, str(period), paths.relative(data_dir, kept), received)
    return FileOutcome(result, result.outcome, str(kept))
