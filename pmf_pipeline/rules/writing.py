"""Write a file whole or not at all, and say so plainly when the disk is full.

Every output the tool writes over a good earlier copy (findings workbooks, packs, exports, audit
reports) is written to a temporary file in the same folder, flushed and fsynced, then moved over the
target with ``os.replace``: a reader sees the old file or the new one, never half of one. On any
failure (a full disk, a crash in the writer, Ctrl-C) the temporary file is removed and the earlier
file stays as it was; a kill leaves at most a hidden ``.NAME.*.part`` file beside it, which the next
write of that file clears away.
"""

from __future__ import annotations

import errno
import glob
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pmf_pipeline.errors import DiskFullError

_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def is_disk_full(e: BaseException) -> bool:
    """A full disk (or quota, or file-size limit) as the OS or SQLite reports it."""
    if isinstance(e, OSError):
        return e.errno in _FULL
    if isinstance(e, sqlite3.Error):
        return "disk is full" in str(e) or "database or disk is full" in str(e)
    return False


def disk_full(where: str | Path) -> DiskFullError:
    return DiskFullError(f"no space left on the disk holding {where}; free some space and run the command again (nothing half-written was kept)")


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (a file just created or renamed in it) to disk."""
    if os.name != "posix":  # pragma: no cover - Windows cannot open a folder; NTFS journals the rename
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def replacing(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target`` to write; on success it replaces ``target`` (flushed
    to disk first); on failure it is removed and ``target`` is untouched. A full disk is a DiskFullError."""
    target = Path(target)
    folder = target.parent
    for stale in folder.glob(f".{glob.escape(target.name)}.*.part"):  # left by a run that was killed mid-write
        stale.unlink(missing_ok=True)
    tmp = folder / f".{target.name}.{os.getpid()}.part"
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
        fsync_folder(folder)
    except BaseException as e:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:  # pragma: no cover - nothing more can be done; the target is untouched
            pass
        if is_disk_full(e):
            raise disk_full(folder) from None
        raise


def write_text(target: str | Path, text: str) -> None:
    """Write text (UTF-8) to ``target`` whole or not at all."""
    with replacing(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
