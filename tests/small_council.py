"""A small council written into a test's folder: one directorate, three PIs, history only for years before the tool.

The sample council's history.csv already holds 2026-27 Q1, which would hide whether the tool
carries its own consolidated figures forward; this one's history stops at 2025-26.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from pathlib import Path

from pmf_pipeline.config import load_config
from pmf_pipeline.master.earlier import figures_for_workbooks
from pmf_pipeline.periods import Period
from pmf_pipeline.returns.findings import ReturnResult
from pmf_pipeline.returns.ingest import ingest
from pmf_pipeline.workbook import layout
from pmf_pipeline.workbook.fill import Entry, fill_return
from pmf_pipeline.workbook.generate import generate

FRAMEWORK = """\
council: Llanfair Test Council
tolerance: 0.1
swing_warning: 0.25
directorates:
- code: ENV
  name: Environment
objectives:
- code: WO1
  title: Clean and green places
committees:
- code: PLACE
  name: Place Scrutiny Committee
  remit:
    directorates: [ENV]
"""

PIS = """\
- ref: ENV/001
  title: Percentage of household waste recycled
  definition: Tonnes recycled divided by tonnes collected, multiplied by 100. For the quarter.
  type: pam
  directorate: ENV
  owner: Head of Waste
  objective: WO1
  unit: percentage
  polarity: higher
  decimals: 1
  valid_range: [0, 100]
- ref: ENV/002
  title: Average days to clear fly-tipping
  definition: Average working days from report to clearance. For the quarter.
  type: local
  directorate: ENV
  owner: Head of Street Scene
  objective: WO1
  unit: days
  polarity: lower
  decimals: 0
  valid_range: [0, 365]
- ref: ENV/003
  title: Number of fly-tipping reports
  definition: Reports received in the quarter (context only).
  type: local
  directorate: ENV
  owner: Head of Street Scene
  unit: number
  polarity: none
"""

TARGETS = """\
pi_ref,year,annual,q1,q2,q3,q4,rationale
ENV/001,2025-26,78,,,,,Set by Cabinet
ENV/002,2025-26,12,,,,,Set by Cabinet
ENV/001,2026-27,80,,,,,Set by Cabinet
ENV/002,2026-27,12,,,,,Set by Cabinet
ENV/001,2027-28,75,,,,,Set by Cabinet
ENV/002,2027-28,,11,10,,,Profile agreed for the first half only
"""

HISTORY = """\
pi_ref,period,actual,numerator,denominator
ENV/001,2025-26-Q1,78.0,,
ENV/001,2025-26-Q2,79.0,,
ENV/001,2025-26-Q3,80.0,,
ENV/001,2025-26-Q4,81.0,,
ENV/002,2025-26-Q1,12,,
ENV/002,2025-26-Q2,11,,
ENV/002,2025-26-Q3,12,,
ENV/002,2025-26-Q4,11,,
ENV/003,2025-26-Q1,140,,
ENV/003,2025-26-Q2,150,,
ENV/003,2025-26-Q3,130,,
ENV/003,2025-26-Q4,120,,
"""


# With ``actions=True``: four actions rated on the brayg scale. ENV/A01 was in 2025-26's plan and is
# carried into 2026-27's (its history comes from action_history.csv); ENV/A02 is done by September;
# ENV/A03 starts in Q3; ENV/A04 is a corporate plan commitment for the year.
ACTIONS = """\
- ref: ENV/A01
  title: Roll out food waste collections to flats
  kind: service_plan
  directorate: ENV
  owner: Head of Waste
  objective: WO1
  committees: [PLACE]
  start: 01/04/2025
  due: 31/03/2027
  years: [2025-26, 2026-27]
- ref: ENV/A02
  title: Replace the street cleansing fleet's oldest vans
  kind: service_plan
  directorate: ENV
  owner: Head of Street Scene
  start: 01/04/2026
  due: 30/09/2026
  years: 2026-27
- ref: ENV/A03
  title: Consult on a new fly-tipping enforcement policy
  kind: service_plan
  directorate: ENV
  owner: Head of Street Scene
  start: 01/10/2026
  due: 31/03/2027
  years: 2026-27
- ref: ENV/A04
  title: Plant 2,000 trees in council parks
  kind: commitment
  directorate: ENV
  owner: Head of Parks
  objective: WO1
  start: 01/04/2026
  due: 31/03/2027
  years: 2026-27
"""

ACTION_HISTORY = """\
action_ref,period,status,percent_complete,rating,commentary
ENV/A01,2025-26-Q1,in progress,10,green,Procurement under way
ENV/A01,2025-26-Q2,in progress,20,green,
ENV/A01,2025-26-Q3,in progress,30,yellow,Supplier delayed
ENV/A01,2025-26-Q4,in progress,40,amber,Half the flats to do next year
"""


def write_council(folder: Path, history: str = HISTORY, targets: str = TARGETS, actions: bool = False) -> Path:
    """Write the council's configuration into ``folder`` and return it (``actions``: with its actions library)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = [
        ("framework.yaml", FRAMEWORK + ("action_scheme: brayg\n" if actions else "")),
        ("pis.yaml", PIS),
        ("targets.csv", targets),
        ("history.csv", history),
    ]
    if actions:
        files += [("actions.yaml", ACTIONS), ("action_history.csv", ACTION_HISTORY)]
    for name, text in files:
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


NAMES = dict(updated_by="A. Jones", verified_by="B. Evans")
ROWS = {"ENV/001": layout.row_of(0), "ENV/002": layout.row_of(1), "ENV/003": layout.row_of(2)}


@dataclass
class Quarter:
    workbook: Path  # as generated
    filled: Path  # as returned
    result: ReturnResult  # as ingested


def run_quarter(config_dir: Path, data: Path, root: Path, text: str, figures: tuple[object, ...], comments: dict[str, str] | None = None) -> Quarter:
    """Generate the period's return, fill it in as the updater would, ingest it."""
    config = load_config(config_dir)
    period = Period.parse(text)
    earlier = figures_for_workbooks(data, config, period)
    [made] = generate(config, period, root / "outbox" / text, earlier=earlier, generated_at=dt.datetime(2026, 4, 1, 9, 0))
    comments = comments or {}
    entries = {ref: Entry(actual=v, comment=comments.get(ref), **NAMES) for ref, v in zip(ROWS, figures, strict=True)}
    (root / "inbox" / text).mkdir(parents=True, exist_ok=True)
    filled = fill_return(made.path, entries, root / "inbox" / text / made.path.name)
    summary = ingest(config_dir, data, period, [filled])
    [outcome] = summary.outcomes
    assert outcome.status == "accepted", outcome.result.findings
    return Quarter(made.path, filled, outcome.result)
