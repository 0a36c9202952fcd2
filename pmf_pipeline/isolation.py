"""Read untrusted workbooks in worker processes with memory and time limits.

A parser that crashes, loops or swallows memory on a hostile file takes down only its worker;
the file is reported as rejected and the run goes on.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import resource
from collections.abc import Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool

from .errors import WorkbookError
from .reader import RawReturn, read_return

MEMORY_LIMIT = 1536 * 1024 * 1024  # per worker: ample for a return, fatal for a bomb
TIME_LIMIT = 60.0  # seconds per file


def _limit_worker() -> None:
    import faulthandler

    faulthandler.disable()  # a crash is reported as one rejected file, not a stack dump
    _die_with_parent()
    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ValueError, OSError):  # pragma: no cover - platform without the limit
        pass


def _die_with_parent() -> None:
    """Linux: a worker whose parent is killed (even by SIGKILL) is ended too, never left behind."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
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


def _crashed(file: str, why: str) -> WorkbookError:
    return WorkbookError(
        f"reading the workbook {why}; it may be damaged or hostile, so it was not read. Please ask the sender to send the return they were sent."
    )


def read_isolated(items: Iterable[tuple[bytes, str]], workers: int | None = None, time_limit: float = TIME_LIMIT) -> Iterator[RawReturn | WorkbookError]:
    """Read each (bytes, name) in a limited worker process; yield results in order."""
    items = list(items)
    workers = max(1, min(workers or os.cpu_count() or 1, len(items) or 1))
    pos = 0
    while pos < len(items):
        with cf.ProcessPoolExecutor(max_workers=workers, initializer=_limit_worker) as ex:
            futures = [ex.submit(_read, data, file) for data, file in items[pos:]]
            try:
                for fut in futures:
                    try:
                        yield fut.result(timeout=time_limit)
                    except cf.TimeoutError:
                        yield _crashed(items[pos][1], f"took longer than {time_limit:.0f} seconds")
                        pos += 1
                        _kill(ex)
                        break
                    pos += 1
                else:
                    return
            except BrokenProcessPool:
                # A worker died (a crash in the parser, or the memory limit). Find which file by reading
                # the next one alone; the files after it are read again in a fresh pool.
                pass
        if pos < len(items):
            alone = _read_alone(items[pos], time_limit)
            if alone is not None:
                yield alone
                pos += 1


def _read_alone(item: tuple[bytes, str], time_limit: float) -> RawReturn | WorkbookError | None:
    with cf.ProcessPoolExecutor(max_workers=1, initializer=_limit_worker) as ex:
        fut = ex.submit(_read, *item)
        try:
            return fut.result(timeout=time_limit)
        except cf.TimeoutError:
            _kill(ex)
            return _crashed(item[1], f"took longer than {time_limit:.0f} seconds")
        except BrokenProcessPool:
            return _crashed(item[1], "made the reader fail (it ran out of memory or crashed)")


def _kill(ex: cf.ProcessPoolExecutor) -> None:
    for p in list(getattr(ex, "_processes", {}).values()):
        p.kill()
