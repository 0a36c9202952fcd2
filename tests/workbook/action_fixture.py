"""A copy of the sample configuration with a small actions library (Bridgend's BRAYG scheme) for the Actions sheet's tests.

SS has five actions due in Q2 2026-27 (quarter end 30/09/2026), chosen for the checks:

- SS.1 runs 01/04/2026 to 31/03/2027: 50% expected (183 of 364 days), last reported 40% in progress;
- SS.2 was due 31/08/2026, so it is overdue unless completed;
- SS.3 was completed in Q1: a blank row keeps that update;
- SS.4 has two milestones and is a corporate plan commitment;
- SS.5 starts 01/09/2026.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pmf_pipeline.config import load_config
from tests.conftest import CONFIG

ACTIONS_YAML = """\
- ref: SS.1
  title: Recommission domiciliary care across the county
  kind: service_plan
  directorate: SS
  owner: Head of Adult Services
  start: 01/04/2026
  due: 31/03/2027
  years: 2026-27
- ref: SS.2
  title: Publish the carers' strategy
  kind: service_plan
  directorate: SS
  owner: Head of Adult Services
  start: 01/04/2026
  due: 31/08/2026
  years: 2026-27
- ref: SS.3
  title: Open the new respite unit
  kind: service_plan
  directorate: SS
  owner: Head of Adult Services
  start: 2026-04-01
  due: 2026-06-30
  years: 2026-27
- ref: SS.4
  title: Reduce waiting times for occupational therapy assessments
  kind: commitment
  directorate: SS
  owner: Director of Social Services
  start: 01/04/2026
  due: 31/03/2027
  years: 2026-27
  milestones:
  - title: Triage pilot live
    due: 30/06/2026
  - title: Pilot evaluated
    due: 31/12/2026
- ref: SS.5
  title: Review the transport policy
  kind: service_plan
  directorate: SS
  owner: Head of Adult Services
  start: 01/09/2026
  due: 31/08/2027
  years: 2026-27
- ref: SS.9
  title: Not yet started this year
  kind: service_plan
  directorate: SS
  owner: Head of Adult Services
  start: 01/01/2027
  due: 31/03/2027
  years: 2026-27
- ref: CR.1
  title: Replace the finance system
  kind: service_plan
  directorate: CR
  owner: Head of Finance
  start: 01/04/2026
  due: 31/03/2027
  years: 2026-27
"""

HISTORY_CSV = """\
action_ref,period,status,percent_complete,rating,commentary
SS.1,2026-27-Q1,in progress,40,green,Procurement under way.
SS.2,2026-27-Q1,in progress,60,amber,Consultation extended.
SS.3,2026-27-Q1,completed,100,blue,Opened on 20 June.
SS.4,2026-27-Q1,in progress,20,green,Pilot live.
"""


def actions_config_dir(tmp_path: Path, scheme: str = "brayg") -> Path:
    d = tmp_path / "config_actions"
    if not d.exists():
        shutil.copytree(CONFIG, d)
        (d / "actions.yaml").write_text(ACTIONS_YAML, encoding="utf-8")
        (d / "action_history.csv").write_text(HISTORY_CSV, encoding="utf-8")
        fw = d / "framework.yaml"
        text = fw.read_text(encoding="utf-8")
        if "action_scheme:" not in text:
            fw.write_text(text + f"\naction_scheme: {scheme}\n", encoding="utf-8")
    return d


def actions_config(tmp_path: Path, scheme: str = "brayg"):  # type: ignore[no-untyped-def]
    return load_config(actions_config_dir(tmp_path, scheme))
