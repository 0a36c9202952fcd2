"""Ingest returned workbooks: archive each original, validate it, consolidate it into the master dataset.

For each file: the bytes are read once and validated in a worker; as soon as its result is back the
original is copied byte for byte into the archive (``DATA/archive/PERIOD/DIRECTORATE/SHA256.xlsx``,
written, flushed and never overwritten), so nothing reaches the master dataset that is not kept, and
no file is read twice (an inbox file overwritten mid-run cannot slip in unvalidated). Rejected files
are then recorded at once; accepted returns are consolidated, each in one transaction, once the whole
inbox is read, in the order they were saved for each directorate (or service), not by file name, so
a corrected ``return (1).xlsx`` replaces the ``return.xlsx`` it corrects. Only results are held
until then (values, not workbook bytes). Which return becomes current, and the sentence saying so,
is ``returns.current``'s. A file already received (same SHA-256 for the period) changes nothing;
every return stays on record.

Returns for a closed period are refused before anything is read or archived; the configuration is
frozen with the period when its first return is accepted, not before (``master.lifecycle``).
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import pickle
import re
import sqlite3
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pmf_pipeline.config.models import Config
from pmf_pipeline.errors import DatasetError, PmfError, UsageError, WorkbookError
from pmf_pipeline.master import paths
from pmf_pipeline.master.earlier import EarlierFigures, earlier_for, freeze_earlier
from pmf_pipeline.master.lifecycle import Intake
from pmf_pipeline.master.store import Store, Submission, data_lock
from pmf_pipeline.periods import Period
from pmf_pipeline.returns import current as currency
from pmf_pipeline.returns.findings import ERROR, Finding, ReturnResult
from pmf_pipeline.returns.isolation import Checks, could_not_check, validate_isolated
from pmf_pipeline.rules.text import safe_name
from pmf_pipeline.rules.writing import disk_full, fsync_folder, is_disk_full
from pmf_pipeline.workbook.container import MAX_FILE_BYTES
from pmf_pipeline.workbook.reader import sha256

SKIP_PREFIXES = (".", "~$")


@dataclass
class FileOutcome:
    result: ReturnResult
    status: str  # accepted | rejected | duplicate
    archive_path: str | None = None
    notice: str | None = None  # what it replaced, or why it is kept on record and not used
    current: bool = False  # its figures are the ones used
    submission_id: int | None = None


@dataclass(frozen=True)
class _Held:
    """A validated return waiting to be consolidated in saved order: its archive copy and its result,
    packed (a 50-PI result is about 50 KB as objects, 5 KB packed), never the workbook's bytes."""

    path: Path
    packed: bytes
    kept: Path
    order: tuple[dt.datetime, int]

    @classmethod
    def of(cls, path: Path, result: ReturnResult, kept: Path, order: tuple[dt.datetime, int]) -> _Held:
        return cls(path, zlib.compress(pickle.dumps(result, pickle.HIGHEST_PROTOCOL), 1), kept, order)

    @property
    def result(self) -> ReturnResult:
        result: ReturnResult = pickle.loads(zlib.decompress(self.packed))  # our own bytes, made just above
        return result


@dataclass
class IngestSummary:
    period: Period
    config: Config  # the period's configuration, as used
    outcomes: list[FileOutcome] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, why) of what the inbox held that was not read

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def changed(self) -> bool:
        return any(o.status != "duplicate" for o in self.outcomes)

    @property
    def has_errors(self) -> bool:
        return any(o.status == "rejected" or (o.status == "accepted" and o.result.errors) for o in self.outcomes)


class Collected(list[Path]):
    """The files to read, in order, and what was passed over: ``skipped`` holds (name, why)."""

    def __init__(self) -> None:
        super().__init__()
        self.skipped: list[tuple[str, str]] = []


LINK = "a symbolic link: links in a folder are not followed, so nothing outside it is read. Put the file itself in the folder"
OWN_FOLDER = "pmf's own {what}: the tool's own files are never read as returns. Keep the inbox apart from it"


def collect_files(paths: Sequence[str | Path], exclude: Sequence[tuple[str | Path, str]] = ()) -> Collected:
    """The files named, and the files in the folders named (not their hidden or Excel lock files).

    Inside a folder, symbolic links (and Windows junctions) are passed over, files and folders
    alike, so an inbox can never make the tool read a file outside it; so are the folders in
    ``exclude`` (``(folder, what it is)``: the data folder, the packs folder), so an inbox that
    holds them never re-reads the tool's own output. What was passed over, and why, is in
    ``skipped`` for the command to say. A path named on the command line is read as named.
    """
    out = Collected()
    avoid = {_where(f): what for f, what in exclude}
    for p in map(Path, paths):
        if p.is_dir():
            if _where(p) in avoid:
                out.skipped.append((safe_name(p), OWN_FOLDER.format(what=avoid[_where(p)])))
                continue
            found: list[Path] = []
            _walk(p, avoid, found, out.skipped)
            out += sorted(found)
        elif p.is_file():
            out.append(p)
        else:
            raise UsageError(f"{safe_name(p)}: no such file or folder")
    return out


def _where(p: str | Path) -> str:
    try:
        return os.path.normcase(os.path.realpath(p))
    except (OSError, ValueError):
        return ""


def _walk(folder: Path, avoid: dict[str, str], found: list[Path], skipped: list[tuple[str, str]]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError as e:
        skipped.append((safe_name(folder), f"the folder cannot be read ({e.strerror})"))
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            if entry.is_symlink() or getattr(entry, "is_junction", lambda: False)():
                skipped.append((safe_name(path), LINK))
            elif entry.is_dir(follow_symlinks=False):
                where = _where(path)
                if where in avoid:
                    skipped.append((safe_name(path), OWN_FOLDER.format(what=avoid[where])))
                else:
                    _walk(path, avoid, found, skipped)
            elif entry.name.startswith(SKIP_PREFIXES):
                continue
            elif entry.is_file(follow_symlinks=False):
                found.append(path)
            else:
                skipped.append((safe_name(path), "not an ordinary file (a device, pipe or socket)"))
        except OSError as e:
            skipped.append((safe_name(path), f"it cannot be read ({e.strerror})"))


def _read_bytes(path: Path) -> bytes | WorkbookError:
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        return WorkbookError(f"the file cannot be opened ({e.strerror})")
    return data


def validate_files(config: Config, period: Period | None, paths: list[Path], data_dir: str | Path | None = None) -> Iterator[ReturnResult]:
    """Validate files without touching the master dataset (``pmf validate``), one result at a time, in order.

    Workers read the files themselves; nothing is held beyond the files in flight. Earlier figures
    come from ``data_dir`` (frozen with the period, else as they stand), or without one from the
    configuration's history.
    """
    earlier = earlier_for(config, period, data_dir) if period is not None else None
    return validate_isolated(((None, str(p)) for p in paths), Checks(config, period, earlier, Path(data_dir) if data_dir is not None else None))


def _previous_figures(store: Store, config: Config, period: Period) -> EarlierFigures:
    """The figures a return for ``period`` is shown and compared with: as frozen with the period, else as
    they stand (and then frozen on the first accepted return, as the configuration is)."""
    return earlier_for(config, period, store=store)


def archive(data_dir: Path, period: Period, directorate: str | None, data: bytes, digest: str, suffix: str) -> Path:
    """Write the original once, flushed to disk, read-only; never overwrite an existing copy."""
    folder = paths.archive_folder(data_dir, period, directorate)
    folder.mkdir(parents=True, exist_ok=True)
    kept_suffix = suffix.lower() if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", suffix) else ".bin"  # any name's suffix fits, safely
    target = folder / f"{digest}{kept_suffix}"
    if target.exists():
        return target
    tmp = target.with_name(target.name + ".part")
    try:
        with tmp.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o444)
        os.replace(tmp, target)
    except BaseException:
        try:
            tmp.unlink(missing_ok=True)  # a full disk leaves no half copy behind
        except OSError:  # pragma: no cover - the next run overwrites it
            pass
        raise
    fsync_folder(folder)
    return target


def ingest(
    config_dir: str | Path, data_dir: str | Path, period: Period, paths: list[Path], on_file: Callable[[FileOutcome], None] | None = None
) -> IngestSummary:
    """Ingest ``paths`` for ``period`` into the master dataset in ``data_dir`` (see the module docstring)."""
    data_dir = Path(data_dir)
    with data_lock(data_dir):
        intake = Intake(config_dir, data_dir, period)  # the period's configuration, frozen or as it stands
        config = intake.config
        summary = IngestSummary(period, config, skipped=list(getattr(paths, "skipped", ())))
        store = Store(data_dir)
        try:
            intake.refuse_if_closed(store, paths)
            store.load_history(config.history)
            store.load_action_history(config.action_history)
            checks = Checks(config, period, _previous_figures(store, config, period))
            queued: collections.deque[tuple[Path, bytes, float]] = collections.deque()
            waiting: dict[tuple[str | None, str | None], list[_Held]] = {}

            def tasks() -> Iterator[tuple[bytes | None, str]]:
                for path in paths:
                    blob = _read_bytes(path)
                    name = safe_name(path)
                    if isinstance(blob, WorkbookError):
                        outcome = FileOutcome(ReturnResult(name, "", findings=[Finding("unreadable", ERROR, str(blob), name)]), "rejected")
                        done(outcome)
                    elif (seen := store.find_submission(str(period), sha256(blob))) is not None:
                        done(_duplicate(store, seen, path, len(blob)))
                    else:
                        queued.append((path, blob, _modified(path)))
                        yield blob, name

            def done(outcome: FileOutcome) -> None:
                summary.outcomes.append(outcome)
                if on_file:
                    on_file(outcome)

            earlier_kept = False
            for position, result in enumerate(validate_isolated(tasks(), checks)):
                path, blob, modified = queued.popleft()
                intake.receive(store, result)  # freezes the configuration on the first accepted return
                if result.outcome == "accepted" and not earlier_kept:
                    freeze_earlier(data_dir, config, period, store)  # the earlier figures it was checked against, kept as the configuration is
                    earlier_kept = True
                kept = _archive(data_dir, period, path, blob, result)
                if result.outcome == "accepted":
                    try:
                        held = _Held.of(path, result, kept, currency.saved_order(result, modified, position))
                    except Exception as e:  # noqa: BLE001 - this file is rejected, saying why; the others go on
                        done(FileOutcome(could_not_check(str(path), blob, e), "rejected", str(kept)))
                        continue
                    waiting.setdefault((result.directorate, result.service), []).append(held)
                else:
                    done(_consolidate_one(store, data_dir, period, path, result, kept))
            for group in waiting.values():
                for held in sorted(group, key=lambda h: h.order):
                    done(_consolidate_one(store, data_dir, period, held.path, held.result, held.kept))
            order = {safe_name(p): i for i, p in enumerate(paths)}
            summary.outcomes.sort(key=lambda o: order.get(o.result.file, 0))  # as given, whatever finished first
        finally:
            store.close()
    return summary


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return dt.datetime.now(dt.timezone.utc).timestamp()


def _duplicate(store: Store, seen: Submission, path: Path, size: int) -> FileOutcome:
    result = ReturnResult(safe_name(path), seen.sha256, size, outcome=seen.outcome, period=seen.period, directorate=seen.directorate, service=seen.service)
    when = seen.received_at[:16].replace("T", " ")
    message = f"already received on {when} (as {Path(seen.file_name).name}); nothing changed." + currency.duplicate_note(store, seen)
    result.findings.append(Finding("duplicate", "warning", message, result.file))
    return FileOutcome(result, "duplicate", seen.archive_path, current=seen.current, submission_id=seen.id)


def _archive(data_dir: Path, period: Period, path: Path, blob: bytes, result: ReturnResult) -> Path:
    """Keep the original before anything about it is recorded."""
    try:
        return archive(data_dir, period, result.directorate if result.outcome == "accepted" else None, blob, result.sha256, path.suffix)
    except OSError as e:
        if is_disk_full(e):
            raise disk_full(paths.archive_root(data_dir)) from None
        raise DatasetError(
            f"the archive copy of {safe_name(path)} could not be written ({e.strerror}); nothing was consolidated. "
            "Check the data folder is writable and has free space, then run again."
        ) from None


def _consolidate_one(store: Store, data_dir: Path, period: Period, path: Path, result: ReturnResult, kept: Path) -> FileOutcome:
    """Consolidate one file; whatever goes wrong in recording it (not the data folder itself) rejects that file alone,
    saying so: its archive copy is kept and the transaction left nothing behind, so the next run tries it again."""
    try:
        return _consolidate(store, data_dir, period, path, result, kept)
    except (PmfError, OSError, sqlite3.OperationalError):
        raise  # the data folder itself (full, read-only, locked): every file would fail alike
    except Exception as e:  # noqa: BLE001 - this file is rejected, saying why; the others go on
        failed = could_not_check(result.file, None, e)
        failed.sha256, failed.size = result.sha256, result.size
        return FileOutcome(failed, "rejected", str(kept))


def _consolidate(store: Store, data_dir: Path, period: Period, path: Path, result: ReturnResult, kept: Path) -> FileOutcome:
    """Record the validated (and already archived) return in one transaction, current or not as the returns decide."""
    seen = store.find_submission(str(period), result.sha256)
    if seen is not None:  # the same file twice in one run
        return _duplicate(store, seen, path, result.size)
    decision = currency.decide(store, period, result)
    received = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    sub = store.record(result, str(period), paths.relative(data_dir, kept), received, current=decision.current, notice=decision.notice)
    return FileOutcome(result, result.outcome, str(kept), sub.notice, sub.current, sub.id)
