"""Text that came from outside must never become a formula or break an output.

Typed text (comments, names, narrative figures, file names, and the council's own configuration
text) is kept exactly as typed in the archive and the master dataset; every output cleans it here,
in one place, as it goes out:

- control characters (C0 except tab and newline, DEL, C1) are made visible, never passed on: C0 and
  DEL as their Unicode control pictures (ESC shows as ``␛``), C1 as ``\\x9b`` text; so an escape
  code cannot move a terminal's cursor, and an xlsx cell never holds a character XML forbids;
- explicit bidirectional controls (embeddings, overrides, isolates: U+202A-U+202E, U+2066-U+2069)
  are removed, paired or not, so text shows in the order it was typed ("1234" can never display
  as "4321"); right-to-left marks and right-to-left letters are kept, and HTML puts each typed text
  in its own ``<bdi>`` so it cannot reorder what surrounds it;
- text is never run as a formula (``put`` for xlsx cells, ``csv_safe`` for CSV); numbers are not
  text and stay numbers (a negative figure is a number, not a formula);
- free text shown in packs is bounded (``MAX_TEXT`` characters, the updater workbook's own limit).
"""

from __future__ import annotations

import re
from decimal import Decimal
from os import PathLike
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

MAX_TEXT = 4000  # characters of free text: the updater workbook's own validation limit on a comment

# C0 controls except tab and newline, DEL, C1 controls; lone surrogates and the two non-characters
# XML forbids (a file can smuggle any of them in as an _xHHHH_ escape).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")


def _visible(m: re.Match[str]) -> str:
    c = ord(m.group())
    if c < 0x20:
        return chr(0x2400 + c)  # ␀ ... ␟: ESC shows as ␛
    if c == 0x7F:
        return "\u2421"  # ␡
    if c <= 0x9F:
        return f"\\x{c:02x}"
    return "\ufffd"


def display_text(value: object) -> str:
    """Typed text made safe to show anywhere: controls visible, bidi overrides removed, line ends as newlines."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _BIDI_CONTROLS.sub("", _CONTROLS.sub(_visible, text))


def terminal_text(value: object) -> str:
    """Typed text for one line of terminal output: as ``display_text``, and a newline shown as ␤, a tab
    as a space, so nothing typed in a return or a file name can start a line of its own or move the cursor."""
    return display_text(value).replace("\n", "\u2424").replace("\t", " ")


def bounded(value: object, limit: int = MAX_TEXT) -> str:
    """At most ``limit`` characters of typed text, shortened with a note saying how long it was."""
    text = str(value)
    if len(text) <= limit:
        return text
    return text[:limit] + f" … [shortened: {len(text):,} characters in all]"


def put(cell: Any, value: object) -> None:
    """Write a value into an openpyxl cell; text is always stored as text, never as a formula.

    openpyxl treats any string beginning with '=' as a formula; setting the cell type to string
    keeps it exactly as typed, with no visible change (no added apostrophe). Text is cleaned by
    ``display_text`` first (openpyxl refuses the control characters XML forbids). Numbers stay numbers.
    """
    if isinstance(value, str):
        cell.value = display_text(value)
        cell.data_type = "s"
    else:
        cell.value = value


def is_plain_number(value: object) -> bool:
    """A number, or text that is exactly a plain decimal number ('-5', '12.50'): never a formula."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | Decimal | float):
        return True
    return isinstance(value, str) and bool(_PLAIN_NUMBER.match(value))


def csv_safe(value: object, number: bool = False) -> object:
    """A CSV cell that a spreadsheet program will not run as a formula (the OWASP advice: a leading apostrophe).

    Text is cleaned by ``display_text`` and guarded; a value of a numeric column (``number``) that is
    a plain number is written as it is, so '-5' stays the number -5.
    """
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if number and is_plain_number(value):
        return value
    text = display_text(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def safe_name(name: str | bytes | PathLike[str] | PathLike[bytes]) -> str:
    """A file name as text that can be recorded anywhere (SQLite, JSON, a workbook, a log).

    A name on disk may be any bytes; Python hands the bytes that are not UTF-8 over as lone
    surrogates, which no UTF-8 output can take (recording such a name crashed ingest, every run).
    Each becomes ``\\xNN``, the byte itself (another lone surrogate, as Windows allows, ``\\uNNNN``);
    everything else is kept as typed, as all typed text is, for every output to clean as it goes
    out (``display_text``, ``terminal_text``). Idempotent.
    """
    from os import fsdecode

    text = fsdecode(name)  # bytes: as the file system decodes them, undecodable bytes kept as surrogates
    return _SURROGATE.sub(_escaped, text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _escaped(m: re.Match[str]) -> str:
    o = ord(m.group())
    return f"\\x{o - 0xDC00:02x}" if 0xDC80 <= o <= 0xDCFF else f"\\u{o:04x}"  # 0xDC80-0xDCFF: os.fsdecode's stand-in for a byte
