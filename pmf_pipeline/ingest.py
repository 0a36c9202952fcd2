"""Ingest returned workbooks: archive each original, validate it, consolidate it into the master dataset.

For each file, in order: the bytes are read once; the original is copied byte for byte into the
archive (``DATA/archive/PERIOD/DIRECTORATE/SHA256.xlsx``, written, flushed and never overwritten)
before anything reaches the master dataset; then the return is identified, validated and
consolidated in one transaction. A file already received (same SHA-256 for the period) changes
nothing. A corrected resubmission supersedes the earlier return; both stay on record.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .container import MAX_FILE_BYTES
from .errors import DatasetError, UsageError, WorkbookError
from .findings import ERROR, Finding, ReturnResult
from .isolation import read_isolated
from .periodconfig import config_for_period, freeze_config, period_dir
from .periods import Period
from .reader import sha256
from .store import Store, data_lock
from .validate import Previous, history_lookup, master_lookup, validate_raw

SKIP_PREFIXES = (".", "~$")


@dataclass
class FileOutcome:
    result: ReturnResult
    status: str  # accepted | rejected | duplicate
    archive_path: str | None = None


@dataclass
class IngestSummary:
    period: Period
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


def validate_files(
    config: Config, period: Period | None, paths: list[Path], previous: Previous | None = None, on_file: Callable[[ReturnResult], None] | None = None
) -> list[ReturnResult]:
    """Validate files without touching the master dataset (``pmf validate``)."""
    blobs = [(_read_bytes(p), p) for p in paths]
    readable = [(b, str(p)) for b, p in blobs if isinstance(b, bytes)]
    raws = iter(read_isolated(readable))
    results = []
    for blob, path in blobs:
        if isinstance(blob, WorkbookError):
            result = ReturnResult(file=str(path), sha256="", findings=[Finding("unreadable", ERROR, str(blob), str(path))])
        else:
            result = validate_raw(next(raws), blob, str(path), config, period, previous or history_lookup(config))
        results.append(result)
        if on_file:
            on_file(result)
    return results


def archive(data_dir: Path, period: Period, directorate: str | None, data: bytes, digest: str, suffix: str) -> Path:
    """Write the original once, flushed to disk, read-only; never overwrite an existing copy."""
    folder = data_dir / "archive" / str(period) / (directorate or "_unidentified")
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
    dfd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)
    return target


def ingest(
    config_dir: str | Path, data_dir: str | Path, period: Period, paths: list[Path], on_file: Callable[[FileOutcome], None] | None = None
) -> IngestSummary:
    """Ingest ``paths`` for ``period`` into the master dataset in ``data_dir`` (see the module docstring)."""
    data_dir = Path(data_dir)
    summary = IngestSummary(period)
    with data_lock(data_dir):
        config = freeze_config(config_dir, data_dir, period)
        store = Store(data_dir)
        try:
            store.load_history(config.history)
            previous = master_lookup(store, config)

            blobs = [(_read_bytes(p), p) for p in paths]
            todo = []
            for blob, path in blobs:
                if isinstance(blob, bytes) and store.find_submission(str(period), sha256(blob)) is None:
                    todo.append((blob, str(path)))
            raws = iter(list(read_isolated(todo)))  # every worker has finished before anything is consolidated
            for blob, path in blobs:
                if isinstance(blob, WorkbookError):
                    outcome = FileOutcome(ReturnResult(str(path), "", findings=[Finding("unreadable", ERROR, str(blob), str(path))]), "rejected")
                else:
                    outcome = _one(store, data_dir, config, period, blob, path, raws, previous)
                summary.outcomes.append(outcome)
                if on_file:
                    on_file(outcome)
        finally:
            store.close()
    return summary


def _one(store: Store, data_dir: Path, config: Config, period: Period, blob: bytes, path: Path, raws, previous) -> FileOutcome:  # type: ignore[no-untyped-def]
    digest = sha256(blob)
    seen = store.find_submission(str(period), digest)
    if seen is not None:
        result = ReturnResult(str(path), digest, len(blob), outcome=seen.outcome, period=seen.period, directorate=seen.directorate)
        result.findings.append(
            Finding(
                "duplicate",
                "warning",
                f"already received on {seen.received_at[:16].replace('T', ' ')} (as {Path(seen.file_name).name}); nothing changed.",
                str(path),
            )
        )
        return FileOutcome(result, "duplicate", seen.archive_path)
    raw = next(raws)
    result = validate_raw(raw, blob, str(path), config, period, previous)
    try:
        kept = archive(data_dir, period, result.directorate if result.outcome == "accepted" else None, blob, digest, path.suffix)
    except OSError as e:
        raise DatasetError(
            f"the archive copy of {path} could not be written ({e.strerror}); nothing was consolidated. "
            "Check the data folder is writable and has free space, then run again."
        ) from None
    received = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    store.record(result, str(period), str(kept.relative_to(data_dir)), received)
    return FileOutcome(result, result.outcome, str(kept))


def period_has_data(data_dir: str | Path, period: Period) -> bool:
    return period_dir(data_dir, period).exists()


__all__ = ["ingest", "validate_files", "collect_files", "IngestSummary", "FileOutcome", "config_for_period"]
