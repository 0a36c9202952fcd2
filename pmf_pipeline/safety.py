"""Text that came from outside must never become a formula or break an output."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(text: str) -> str:
    """Text safe to put in a workbook cell: a leading formula character is neutralised with a quote.

    openpyxl writes any string beginning with '=' as a formula; spreadsheet programs also treat
    '+', '-' and '@' as formula starts on import. A leading apostrophe keeps the text as typed.
    """
    if text and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
