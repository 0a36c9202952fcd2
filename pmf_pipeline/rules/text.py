"""Text that came from outside must never become a formula or break an output."""

from __future__ import annotations

from os import PathLike
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def put(cell: Any, value: object) -> None:
    """Write a value into an openpyxl cell; text is always stored as text, never as a formula.

    openpyxl treats any string beginning with '=' as a formula; setting the cell type to string
    keeps it exactly as typed, with no visible change (no added apostrophe).
    """
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def csv_safe(value: object) -> object:
    """A CSV cell that a spreadsheet program will not run as a formula (the OWASP advice: a leading apostrophe)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_name(name: str | bytes | PathLike[str] | PathLike[bytes]) -> str:
    """A file name (or any text from outside) as it can be printed, stored and written anywhere.

    Every character that is not printable is shown as an escape: a newline as ``\\n``, ESC as
    ``\\x1b``, a byte that is not UTF-8 as ``\\xNN`` (the byte itself), a bidirectional or invisible
    mark as ``\\uNNNN``. So a name can never break an output line, move a terminal's cursor or fail
    to encode as UTF-8 (SQLite, JSON, a workbook); ordinary names, Welsh letters included, are
    unchanged. Backslashes are left alone (Windows paths read as they are), so the result is for
    showing and recording, not for opening the file again. Idempotent.
    """
    from os import fsdecode

    text = fsdecode(name)  # bytes: as the file system decodes them, undecodable bytes kept as surrogates
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escaped(ch) for ch in text)


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(ch: str) -> str:
    o = ord(ch)
    if 0xDC80 <= o <= 0xDCFF:  # os.fsdecode's stand-in for a byte that is not valid UTF-8
        return f"\\x{o - 0xDC00:02x}"
    if ch in _NAMED:
        return _NAMED[ch]
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}"
