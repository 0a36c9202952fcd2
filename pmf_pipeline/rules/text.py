"""Text that came from outside must never become a formula or break an output."""

from __future__ import annotations

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
