"""One spelling for a cell value, whichever program wrote or read it: how pre-filled content is compared and fingerprinted."""

from __future__ import annotations

from decimal import Decimal


def canonical(value: object) -> str:
    """One spelling for a cell value, whichever program wrote or read it (90, 90.0 and '90' differ)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        d = value if isinstance(value, Decimal) else Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        d = d.normalize()
        return format(d, "f")
    return str(value)
