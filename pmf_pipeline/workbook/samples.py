"""The sample quarter's returns in ``sample_workbooks/``, filled in as updaters would.

Run ``make sample-workbooks`` (``python -m pmf_pipeline.samples sample_workbooks``) to rebuild them.
Values are realistic (drawn near last year's figure and the target, with a fixed seed), most
off-target PIs carry a comment, and a few deliberate problems are planted for validation to catch:

- Environment and Housing: a percentage typed as text with a % sign, a number typed with a
  thousands separator, and a PI with 'n/a' and an explanation (all accepted, normalised);
- Social Services: an off-target PI with no comment, and a PI that needs evidence without it;
- Place: a numerator larger than its denominator;
- Corporate Resources: names missing for who verified some figures (warnings);
- Learning and Skills: saved after the deadline (a late return).

Every action due an update gets one (``workbook.sample_actions``, which lists its planted mistakes;
none is planted in Learning and Skills, whose return stays clean but late).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from pmf_pipeline.config.loading import load_config
from pmf_pipeline.config.models import Config
from pmf_pipeline.periods import Period
from pmf_pipeline.rules.status import OFF, rate
from pmf_pipeline.workbook.fill import Entry, fill_return
from pmf_pipeline.workbook.generate import generate
from pmf_pipeline.workbook.sample_actions import sample_action_updates

SAMPLE_PERIOD = "2026-27-Q2"
UPDATERS = {
    "LS": ("Rhian Evans", "Gareth Price"),
    "SS": ("Siân Morgan", "Huw Jenkins"),
    "ENV": ("Dafydd Lewis", "Carys Hughes"),
    "PLC": ("Owain Roberts", "Megan Thomas"),
    "CR": ("Eleri Davies", "Tomos Williams"),
}
COMMENTS_OFF = (
    "Performance is below target because of vacancies in the team during the summer; two posts were filled in September and we expect recovery by Q4."
)
COMMENTS_OK = "On track. Figures checked against the service's case management system."


def sample_entries(config: Config, period: Period, directorate: str, seed: int = 2026) -> dict[str, Entry]:
    rng = random.Random(f"{seed}-{directorate}")
    updater, verifier = UPDATERS.get(directorate, ("A. Updater", "A. Owner"))
    out: dict[str, Entry] = {}
    for pi in config.pis_for(directorate, period):
        target = config.target_for(pi, period)
        ly = config.history.get((pi.ref, period.same_quarter_last_year()))
        ev = f"WP/{period.year}/{pi.ref.replace('/', '')}/Q{period.quarter}" if pi.evidence_required else None
        if pi.narrative:
            out[pi.ref] = Entry(
                actual="Milestones for the quarter delivered; the next phase is out to tender and on programme.",
                comment=COMMENTS_OK,
                evidence=ev,
                updated_by=updater,
                verified_by=verifier,
            )
            continue
        base = target if target is not None else (ly.actual if ly and ly.actual is not None else Decimal(100))
        factor = Decimal(str(round(rng.uniform(0.84, 1.08), 3)))
        better_up = pi.polarity.value != "lower"
        value = base * (factor if better_up else 2 - factor)
        lo, hi = pi.valid_range
        if hi is not None:
            value = min(value, hi)
        if lo is not None:
            value = max(value, lo)
        value = value.quantize(Decimal(1).scaleb(-pi.decimals))
        status = rate(value, target, pi.polarity.value, pi.decimals, config.tolerance_for(pi))
        comment = COMMENTS_OFF if status == OFF else COMMENTS_OK
        if pi.calculation is not None:
            den = Decimal(rng.randint(300, 2500)) if pi.calculation.multiplier == 100 else Decimal(rng.randint(40, 140))
            num = (value * den / pi.calculation.multiplier).quantize(Decimal(1))
            out[pi.ref] = Entry(numerator=int(num), denominator=int(den), comment=comment, evidence=ev, updated_by=updater, verified_by=verifier)
        else:
            out[pi.ref] = Entry(actual=float(value), comment=comment, evidence=ev, updated_by=updater, verified_by=verifier)
    return out


def _plant(entries: dict[str, Entry], directorate: str) -> None:
    """The deliberate problems listed in the module docstring."""

    def change(ref: str, **kw: object) -> None:
        e = entries[ref]
        entries[ref] = Entry(**{**e.__dict__, **kw})

    if directorate == "ENV":
        change("CPM/040", actual="2.4%")
        change("PAM/043", actual=" 81 ")
        change("PAM/013", numerator="1,204", denominator="24,080")
        change("PAM/035", actual="n/a", comment="The fly-tipping database was migrated in September; the figure will be reported in Q3.")
    if directorate == "SS":
        change("SSM/019", numerator=610, denominator=1000, comment="")
        change("PAM/028", evidence="")
    if directorate == "PLC":
        change("PAM/019", numerator=31, denominator=24)
    if directorate == "CR":
        change("CPM/072", verified_by="")
        change("CPM/075", verified_by="")


def build_samples(config: Config, period: Period, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    deadline = config.framework.deadline(period)
    made = []
    with tempfile.TemporaryDirectory() as tmp:
        when = dt.datetime.combine(period.end_date, dt.time(9, 0))
        actions = sample_action_updates(config, period, {d: names[0] for d, names in UPDATERS.items()}, clean=("LS",))  # LS: clean, but late
        for g in generate(config, period, tmp, generated_at=when):
            entries = sample_entries(config, period, g.directorate)
            _plant(entries, g.directorate)
            late = g.directorate == "LS"
            saved = dt.datetime.combine(deadline + dt.timedelta(days=4 if late else -3), dt.time(16, 30))
            made.append(fill_return(g.path, entries, out_dir / g.path.name, saved_at=saved, actions=actions.get(g.directorate)))
    return made


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "sample_workbooks")
    for p in build_samples(load_config("config"), Period.parse(SAMPLE_PERIOD), folder):
        print(p)
