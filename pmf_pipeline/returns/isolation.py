"""Read and validate untrusted workbooks in worker processes with memory and time limits.

A parser that crashes, loops or swallows memory on a hostile file takes down only its worker;
the file is reported as rejected and the run goes on. Work is streamed through a small window of
files in flight, so memory stays flat however many files a run holds (8,000 returns in a
national collection), and results come back in the order the files were given.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pmf_pipeline.config.models import Config
from pmf_pipeline.errors import WorkbookError
from pmf_pipeline.master.earlier import EarlierFigures
from pmf_pipeline.periods import Period
from pmf_pipeline.returns.findings import ERROR, Finding, ReturnResult
from pmf_pipeline.rules.text import safe_name
from pmf_pipeline.workbook.container import MAX_FILE_BYTES
from pmf_pipeline.workbook.reader import RawReturn, read_return

try:  # POSIX only: on Windows a worker has the time limit but no memory limit
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

MEMORY_LIMIT = 1536 * 1024 * 1024  # per worker: ample for a return, fatal for a bomb
TIME_LIMIT = 60.0  # seconds per file
WINDOW = 8  # files in flight per worker


@dataclass(frozen=True)
class Checks:
    """What a worker needs to validate returns: the period's configuration and earlier figures.

    ``earlier`` are the earlier figures of ``period`` (``master.earlier``). A return of any other
    period (``pmf validate`` without ``--period``) is checked against the earlier figures of its own
    period in ``data_dir`` (as frozen with it, else as they stand), or without a data folder the
    configuration's history.
    """

    config: Config
    period: Period | None
    earlier: EarlierFigures | None = None
    data_dir: Path | None = None


_EARLIER: dict[Period, EarlierFigures] = {}  # a worker's earlier figures of other periods, each read once


def _earlier_of(p: Period) -> EarlierFigures:
    from pmf_pipeline.master.earlier import earlier_for

    assert _CHECKS is not None
    if _CHECKS.earlier is not None and _CHECKS.earlier.period == p:
        return _CHECKS.earlier
    if p not in _EARLIER:
        _EARLIER[p] = earlier_for(_CHECKS.config, p, _CHECKS.data_dir)
    return _EARLIER[p]


_CHECKS: Checks | None = None


def _die_with_parent() -> None:
    """Linux: a worker whose parent is killed (even by SIGKILL) is ended too, never left behind.

    Other systems have no such call; there the time limit is what ends a worker that runs on.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - a Linux without glibc's name for the C library
        pass


def _init_worker(checks: Checks | None, memory_limit: int = MEMORY_LIMIT) -> None:
    import faulthandler

    global _CHECKS
    faulthandler.disable()  # a crash is reported as one rejected file, not a stack dump
    _die_with_parent()
    _CHECKS = checks
    _EARLIER.clear()
    if resource is None:  # pragma: no cover - Windows: the time limit still applies
        return
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - a platform without RLIMIT_AS
        pass


def _read(data: bytes, file: str) -> RawReturn | WorkbookError:
    try:
        return read_return(data, file)
    except WorkbookError as e:
        return e
    except MemoryError:
        return WorkbookError(
            "reading the workbook needed far more memory than any return; it may be damaged or hostile, so it was not read. "
            "Please ask the sender to send the return they were sent."
        )


def could_not_check(file: str, data: bytes | None, error: BaseException) -> ReturnResult:
    """A file that made the checks themselves fail: rejected, said so, never taken silently."""
    import hashlib

    digest = hashlib.sha256(data).hexdigest() if data is not None else ""
    shown = safe_name(file)
    return ReturnResult(file=shown, sha256=digest, size=len(data or b""), findings=[Finding("unreadable", ERROR, str(_unexpected(error)), shown)])


def _validate(data: bytes | None, file: str) -> ReturnResult:
    """Read (from the bytes, or the file when none are given) and validate, in a worker.

    The result names the file by its ``safe_name``; whatever goes wrong with one file (even a bug
    the file brings out in the checks) is that file's rejection, never the run's end.
    """
    shown = safe_name(file)
    try:
        return _validate_one(data, file, shown)
    except (Exception, MemoryError) as e:  # noqa: BLE001 - the file is rejected, saying why; the others go on
        return could_not_check(shown, data, e)


def _validate_one(data: bytes | None, file: str, shown: str) -> ReturnResult:
    from pmf_pipeline.returns.validate import validate_raw

    assert _CHECKS is not None
    if data is None:
        try:
            with open(file, "rb") as f:
                data = f.read(MAX_FILE_BYTES + 1)  # past the cap is enough to say it is too big
        except OSError as e:
            return ReturnResult(file=shown, sha256="", findings=[Finding("unreadable", ERROR, f"the file cannot be opened ({e.strerror})", shown)])
    return validate_raw(_read(data, shown), data, shown, _CHECKS.config, _CHECKS.period, _earlier_of)


def _failure(why: str) -> WorkbookError:
    return WorkbookError(
        f"reading the workbook {why}; it may be damaged or hostile, so it was not read. Please ask the sender to send the return they were sent."
    )


def run_isolated(
    tasks: Iterable[tuple[bytes | None, str]],
    fn: Callable[[bytes | None, str], Any],
    on_failure: Callable[[bytes | None, str, WorkbookError], Any],
    checks: Checks | None = None,
    workers: int | None = None,
    time_limit: float = TIME_LIMIT,
    memory_limit: int = MEMORY_LIMIT,
) -> Iterator[Any]:
    """Run ``fn(data, name)`` for each task in limited workers; yield results in order.

    A task whose worker crashes, overruns ``time_limit`` or raises yields ``on_failure(data, name, error)``.
    """
    pending = iter(tasks)
    workers = max(1, workers or os.cpu_count() or 1)
    retry: collections.deque[tuple[bytes | None, str]] = collections.deque()
    while True:
        with cf.ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(checks, memory_limit)) as ex:
            flight: collections.deque[tuple[tuple[bytes | None, str], cf.Future[Any]]] = collections.deque()
            broken = False

            def fill(flight: collections.deque[tuple[tuple[bytes | None, str], cf.Future[Any]]], ex: cf.ProcessPoolExecutor) -> None:
                while len(flight) < workers * WINDOW:
                    task = retry.popleft() if retry else next(pending, None)
                    if task is None:
                        return
                    flight.append((task, ex.submit(fn, *task)))

            fill(flight, ex)
            while flight:
                task, fut = flight[0]
                try:
                    result = fut.result(timeout=time_limit)
                except cf.TimeoutError:
                    flight.popleft()
                    _kill(ex)  # before yielding: a caller that stops reading here must not wait for the runaway
                    yield on_failure(*task, _failure(f"took longer than {time_limit:.0f} seconds"))
                    broken = True
                    break
                except BrokenProcessPool:
                    # A worker died (a crash in the parser, or the memory limit). Each file that was in
                    # flight is tried again alone, so only the one that kills its reader is rejected.
                    for t, _ in flight:
                        yield _alone(t, fn, on_failure, checks, time_limit, memory_limit)
                    flight.clear()
                    broken = True
                    break
                except Exception as e:  # noqa: BLE001 - raised by fn or by passing its result back: that file's failure
                    flight.popleft()
                    yield on_failure(*task, _unexpected(e))
                    fill(flight, ex)
                    continue
                flight.popleft()
                yield result
                fill(flight, ex)
            if broken:
                retry.extend(t for t, _ in flight)
                continue
            return


def _alone(
    task: tuple[bytes | None, str],
    fn: Callable[[bytes | None, str], Any],
    on_failure: Callable[..., Any],
    checks: Checks | None,
    time_limit: float,
    memory_limit: int = MEMORY_LIMIT,
) -> Any:
    with cf.ProcessPoolExecutor(max_workers=1, initializer=_init_worker, initargs=(checks, memory_limit)) as ex:
        fut = ex.submit(fn, *task)
        try:
            return fut.result(timeout=time_limit)
        except cf.TimeoutError:
            _kill(ex)
            return on_failure(*task, _failure(f"took longer than {time_limit:.0f} seconds"))
        except BrokenProcessPool:
            return on_failure(*task, _failure("made the reader fail (it ran out of memory or crashed)"))
        except Exception as e:  # noqa: BLE001 - as in run_isolated
            return on_failure(*task, _unexpected(e))


def _unexpected(e: BaseException) -> WorkbookError:
    why = safe_name(f"{type(e).__name__}: {e}")[:200]
    return WorkbookError(f"the file could not be checked ({why}); it was not used. Please send it again, or report it.")


def _kill(ex: cf.ProcessPoolExecutor) -> None:
    for p in list(getattr(ex, "_processes", {}).values()):
        p.kill()


def read_isolated(items: Iterable[tuple[bytes, str]], workers: int | None = None, time_limit: float = TIME_LIMIT) -> Iterator[RawReturn | WorkbookError]:
    """Just read each (bytes, name) in a limited worker; a failed read yields the WorkbookError."""
    return run_isolated(items, _read, lambda data, file, error: error, workers=workers, time_limit=time_limit)  # type: ignore[arg-type]


def validate_isolated(
    tasks: Iterable[tuple[bytes | None, str]],
    checks: Checks,
    workers: int | None = None,
    time_limit: float = TIME_LIMIT,
    memory_limit: int = MEMORY_LIMIT,
) -> Iterator[ReturnResult]:
    """Read and validate each (bytes or None, name) in limited workers; results in order, each naming
    its file by ``safe_name``. Whatever happens to one file is that file's rejected result."""

    def failed(data: bytes | None, file: str, error: WorkbookError) -> ReturnResult:
        import hashlib

        shown = safe_name(file)
        digest = hashlib.sha256(data).hexdigest() if data is not None else ""
        return ReturnResult(file=shown, sha256=digest, size=len(data or b""), findings=[Finding("unreadable", ERROR, str(error), shown)])

    return run_isolated(tasks, _validate, failed, checks=checks, workers=workers, time_limit=time_limit, memory_limit=memory_limit)
