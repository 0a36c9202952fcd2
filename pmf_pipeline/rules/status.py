"""The status and trend rules.

Default rule, for target T, actual A and tolerance t (the framework's, or the PI's own):

- higher is better: met if A >= T; within tolerance if A >= T - |T|*t; otherwise off target.
- lower is better: met if A <= T; within tolerance if A <= T + |T|*t; otherwise off target.
- A on the tolerance boundary is within tolerance. T = 0 has no band: met or off target.
- No target, a context PI or a narrative PI: not rated. No value: no data.

Arithmetic is decimal and A is first rounded (half away from zero) to the PI's reported decimal
places, so the status agrees with the figure the reader sees: 81 against 90 is within tolerance.

Trend compares with the same quarter last year, both rounded the same way: improved; maintained
(equal, or at the maximum both times); declined (worse by less than 10% of last year's value);
declined significantly (worse by 10% or more); no comparison.

Schemes turn (status, trend) into the rating a pack shows: ``three_level`` (the default),
``bridgend`` (Excellent / Good / Adequate / Unsatisfactory) and ``havering`` (green / amber / red,
where amber means more than the tolerance off target but improved or maintained on last year).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MET, WITHIN, OFF, NOT_RATED, NO_DATA = "met", "within_tolerance", "off_target", "not_rated", "no_data"
STATUSES = (MET, WITHIN, OFF, NOT_RATED, NO_DATA)
IMPROVED, MAINTAINED, DECLINED, DECLINED_SIG, NO_COMPARISON = (
    "improved",
    "maintained",
    "declined",
    "declined_significantly",
    "no_comparison",
)
SIGNIFICANT_DECLINE = Decimal("0.10")


_QUANTUM = {d: Decimal(1).scaleb(-d) for d in range(0, 7)}


def as_reported(value: Decimal, decimals: int) -> Decimal:
    """The value as it is printed: rounded half away from zero to the reported decimal places."""
    quantum = _QUANTUM.get(decimals) or Decimal(1).scaleb(-decimals)
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Thresholds:
    """The two boundaries of the status bands for one PI and target, exactly computed.

    ``better`` is +1 when higher is better and -1 when lower is better. ``met`` is the target;
    ``tolerance`` the furthest value still within tolerance (equal to ``met`` when T = 0).
    """

    better: int
    met: Decimal
    tolerance: Decimal

    def rate(self, reported: Decimal) -> str:
        if self.better * (reported - self.met) >= 0:
            return MET
        if self.met != 0 and self.better * (reported - self.tolerance) >= 0:
            return WITHIN
        return OFF


def thresholds(target: Decimal, polarity: str, tolerance: Decimal) -> Thresholds:
    better = 1 if polarity == "higher" else -1
    band = abs(target) * tolerance
    return Thresholds(better=better, met=target, tolerance=target - better * band)


def rate(
    actual: Decimal | None,
    target: Decimal | None,
    polarity: str,
    decimals: int,
    tolerance: Decimal,
    narrative: bool = False,
) -> str:
    """The status code of one value (see the module docstring)."""
    if narrative or polarity not in ("higher", "lower"):
        return NOT_RATED
    if actual is None:
        return NO_DATA
    if target is None:
        return NOT_RATED
    return thresholds(target, polarity, tolerance).rate(as_reported(actual, decimals))


def trend(
    actual: Decimal | None,
    last_year: Decimal | None,
    polarity: str,
    decimals: int,
    maximum: Decimal | None = None,
) -> str:
    """The trend code against the same quarter last year (see the module docstring)."""
    if actual is None or last_year is None or polarity not in ("higher", "lower"):
        return NO_COMPARISON
    a, b = as_reported(actual, decimals), as_reported(last_year, decimals)
    if a == b:
        return MAINTAINED
    if maximum is not None and a == maximum and b == maximum:
        return MAINTAINED
    better = 1 if polarity == "higher" else -1
    if better * (a - b) > 0:
        return IMPROVED
    if b == 0 or abs(a - b) >= abs(b) * SIGNIFICANT_DECLINE:
        return DECLINED_SIG
    return DECLINED


# ---------------------------------------------------------------- schemes and how they look


@dataclass(frozen=True)
class Look:
    """How a status, trend or rating is shown: text, a symbol and a colour, never colour alone."""

    code: str
    label: str
    symbol: str
    colour: str  # background, chosen for at least 4.5:1 contrast with dark text
    text_colour: str = "#111111"

    @property
    def css_class(self) -> str:
        """The packs colour badges by class (one rule per look), not per-element style attributes."""
        return f"look-{self.colour.lstrip('#')}-{self.text_colour.lstrip('#')}"


STATUS_LOOKS = {
    MET: Look(MET, "Met", "✔", "#b7e1b0"),
    WITHIN: Look(WITHIN, "Within tolerance", "▲", "#ffe08a"),
    OFF: Look(OFF, "Off target", "✖", "#f4b6b0"),
    NOT_RATED: Look(NOT_RATED, "Not rated", "○", "#e4e4e4"),
    NO_DATA: Look(NO_DATA, "No data", "–", "#ffffff"),
}
TREND_LOOKS = {
    IMPROVED: Look(IMPROVED, "Improved", "↑", "#b7e1b0"),
    MAINTAINED: Look(MAINTAINED, "Maintained", "→", "#d9e6f2"),
    DECLINED: Look(DECLINED, "Declined", "↓", "#ffe08a"),
    DECLINED_SIG: Look(DECLINED_SIG, "Declined significantly", "⇊", "#f4b6b0"),
    NO_COMPARISON: Look(NO_COMPARISON, "No comparison", "·", "#ffffff"),
}

SCHEME_LOOKS: dict[str, dict[str, Look]] = {
    "three_level": {code: STATUS_LOOKS[code] for code in STATUSES},
    "bridgend": {
        "excellent": Look("excellent", "Excellent", "★", "#8fd18a"),
        "good": Look("good", "Good", "✔", "#cdeac8"),
        "adequate": Look("adequate", "Adequate", "▲", "#ffe08a"),
        "unsatisfactory": Look("unsatisfactory", "Unsatisfactory", "✖", "#f4b6b0"),
        NOT_RATED: STATUS_LOOKS[NOT_RATED],
        NO_DATA: STATUS_LOOKS[NO_DATA],
    },
    "havering": {
        "green": Look("green", "Green", "✔", "#b7e1b0"),
        "amber": Look("amber", "Amber", "▲", "#ffe08a"),
        "red": Look("red", "Red", "✖", "#f4b6b0"),
        NOT_RATED: STATUS_LOOKS[NOT_RATED],
        NO_DATA: STATUS_LOOKS[NO_DATA],
    },
}


def scheme_rating(scheme: str, status: str, trend_code: str, at_maximum: bool = False) -> str:
    """The rating code the framework's scheme gives to a status and trend."""
    if status in (NOT_RATED, NO_DATA) or scheme == "three_level":
        return status
    if scheme == "bridgend":
        if status == MET:
            return "excellent" if trend_code == IMPROVED or at_maximum else "good"
        return "adequate" if status == WITHIN else "unsatisfactory"
    if scheme == "havering":
        if status in (MET, WITHIN):
            return "green"
        return "amber" if trend_code in (IMPROVED, MAINTAINED) else "red"
    raise ValueError(f"unknown status scheme {scheme!r}")


def rating_looks(scheme: str, labels: dict[str, str] | None = None) -> dict[str, Look]:
    """The looks of a scheme's ratings, with any labels the framework overrides."""
    looks = dict(SCHEME_LOOKS[scheme])
    for code, label in (labels or {}).items():
        if code in looks:
            looks[code] = Look(code, label, looks[code].symbol, looks[code].colour, looks[code].text_colour)
    return looks
