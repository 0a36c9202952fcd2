"""Turn what updaters really type into numbers, saying what was changed.

Accepted: ``85%``, ``1,234``, ``£1,200``, `` 12 ``, non-breaking and thin spaces, numbers stored as
text, ``(12)`` for -12, a formula's cached value. Values meaning "no data" (``n/a``, ``TBC``, ``-``,
blank...) become missing, never zero. Every change is described in a note, so the master dataset
can show the figure as typed beside the figure used.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

NO_DATA_WORDS = {"n/a", "na", "n.a.", "n/k", "tbc", "tba", "tbd", "-", "–", "—", "--", "no data", "not available", "awaiting data", "nd", "?"}
# The same in Welsh ("amherthnasol": not applicable; "dim ar gael": not available; "d/b": dim yn berthnasol),
# read in every return and offered by Welsh and bilingual workbooks (English workbooks' lists stay as they were).
WELSH_NO_DATA_WORDS = {"amh", "amh.", "d/b", "dim data", "dim ar gael", "amherthnasol", "i'w gadarnhau", "aros am ddata"}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f"), None)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class Parsed:
    """A cell's value as read: a number, missing, or a problem; with what was done to it."""

    value: Decimal | None
    typed: str  # the cell as typed, for the record
    note: str | None = None  # a normalisation applied (None: taken as it was)
    problem: str | None = None  # why it is not a number (None: fine)
    missing: bool = False


# No figure in a council's return comes near these; past them a figure is a slip or an attack
# ('1e30', a pasted 29-digit reference, '1e999999999'), and refusing it here keeps every later
# sum, ratio and rounding of figures exact and safe (the decimal context holds 28 digits).
LARGEST = Decimal("1e15")  # figures are below a thousand million million
MOST_DIGITS = 20  # significant digits (a spreadsheet's own numbers have at most 17)
SMALLEST_PLACE = -20  # no digit below the 20th decimal place


def implausible(value: Decimal, typed: str, text: bool = True) -> str | None:
    """Why ``value`` cannot be a figure in a return (None: it can).

    A spreadsheet's own number (``text=False``) is bounded by its format already, so only its size is
    checked; a number typed as text is also held to 20 significant digits and 20 decimal places.
    """
    shown = typed if len(typed) <= 40 else typed[:37] + "..."
    if not value.is_finite():
        return "the cell does not hold a finite number"
    if value == 0:
        return None
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    while len(digits) > 1 and digits[-1] == 0:  # trailing zeros say nothing about precision here
        digits, exponent = digits[:-1], exponent + 1
    if value.adjusted() >= LARGEST.adjusted():
        return f"'{shown}' is not a plausible figure: figures in a return are below 1,000,000,000,000,000"
    if not text:
        return None
    if len(digits) > MOST_DIGITS:
        return f"'{shown}' is not a plausible figure: it has more digits than any figure is measured to"
    if exponent < SMALLEST_PLACE:
        return f"'{shown}' is not a plausible figure: it has more decimal places than any figure is measured to"
    return None


def typed_text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float):
        return repr(raw) if not raw.is_integer() else str(int(raw)) if abs(raw) < 1e15 else repr(raw)
    return str(raw)


def parse_number(raw: object, percentage: bool = False) -> Parsed:
    """Read one input cell as a number (see the module docstring)."""
    typed = typed_text(raw)
    if raw is None or raw == "":
        return Parsed(None, typed, missing=True)
    if isinstance(raw, bool):
        return Parsed(None, typed, problem=f"'{typed}' is a true/false value, not a number")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and (raw != raw or raw in (float("inf"), float("-inf"))):
            return Parsed(None, typed, problem="the cell does not hold a finite number")
        if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e15:
            return Parsed(Decimal(int(raw)), typed)
        number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        problem = implausible(number, typed, text=False)
        return Parsed(None, typed, problem=problem) if problem else Parsed(number, typed)
    if isinstance(raw, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        return Parsed(None, typed, problem=f"'{typed}' is a date or time, not a number (the cell may be formatted as a date)")
    text = unicodedata.normalize("NFKC", str(raw)).translate(_INVISIBLE)
    stripped = _SPACES.sub(" ", text).strip()
    notes = []
    if stripped != str(raw):
        notes.append("spaces removed")
    if stripped == "":
        return Parsed(None, typed, note="blank (only spaces)", missing=True)
    if stripped.lower() in NO_DATA_WORDS or stripped.lower() in WELSH_NO_DATA_WORDS:
        return Parsed(None, typed, note=f"'{stripped}' read as no data", missing=True)
    s = stripped.replace(" ", "")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        s, negative = s[1:-1], True
        notes.append("(brackets) read as negative")
    if s[:1] in "£$€":
        s = s[1:]
        notes.append("currency sign removed")
    elif s[:2] in ("-£", "+£"):
        s = s[0] + s[2:]
        notes.append("currency sign removed")
    percent = s.endswith("%")
    if percent:
        s = s[:-1]
        if not percentage:
            return Parsed(None, typed, problem=f"'{stripped}' has a % sign but this PI is not a percentage; type the number alone")
        notes.append("% sign removed")
    if _GROUPED.match(s):
        s = s.replace(",", "")
        notes.append("thousands separators removed")
    if not _PLAIN.match(s):
        return Parsed(None, typed, problem=f"'{stripped}' is not a number")
    try:
        value = Decimal(s)
    except InvalidOperation:
        return Parsed(None, typed, problem=f"'{stripped}' is not a number")
    if implausible(value, stripped):
        return Parsed(None, typed, problem=implausible(value, stripped))
    if negative:
        value = -value
    if not notes:
        notes.append("number stored as text")
    return Parsed(value, typed, note="; ".join(notes))


def clean_text(raw: object) -> str:
    """Free text (comments, names, references) as typed, trimmed; never altered otherwise."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()
