"""The identity checks on a returned workbook (``validate.identify``), one at a time.

Each reads the hidden identification sheet the generator wrote; a return that fails one is
rejected whole, with exactly one finding saying which, and nothing of it is consolidated.
"""

from __future__ import annotations

import json

import pytest

from pmf_pipeline.returns.validate import validate_bytes
from pmf_pipeline.workbook import layout
from tests.returns.test_codes import filled, with_meta


def rejected(result, code, message):
    assert result.outcome == "rejected" and result.values == []
    assert [(f.code, f.severity, f.sheet, f.cell, f.pi_ref, f.message) for f in result.findings] == [(code, "error", layout.META_SHEET, None, None, message)]


def test_a_return_identifies_itself(blank, config, tmp_path):
    r = with_meta(filled(blank, config, tmp_path))
    assert (r.outcome, r.period, r.directorate, r.template_version, r.generated_at) == ("accepted", "2026-27-Q2", "SS", "1.0", "2026-09-30T09:00:00")


@pytest.mark.parametrize("tool", ["", "Budget tool", "PMF-pipeline 0.1.0", " pmf-pipeline 0.1.0"])
def test_tool(blank, config, tmp_path, tool):
    r = with_meta(filled(blank, config, tmp_path), tool=tool)
    rejected(r, "not_a_return", "this workbook was not produced by pmf-pipeline; please send the return workbook you were sent.")


def test_any_version_of_the_tool_that_wrote_the_same_template_is_accepted(blank, config, tmp_path):
    assert with_meta(filled(blank, config, tmp_path), tool="pmf-pipeline 9.9.9").outcome == "accepted"


@pytest.mark.parametrize("version, shown", [(2, "2.0"), (0, "0.0"), ("one", "one"), ("", "")])
def test_template_version(blank, config, tmp_path, version, shown):
    r = with_meta(filled(blank, config, tmp_path), template_version=version)
    rejected(
        r,
        "unknown_template",
        f"the return's template (version {shown}) is not one this tool knows; please send the return workbook issued for this period.",
    )


def test_council(blank, config, tmp_path):
    r = with_meta(filled(blank, config, tmp_path), council="Cwm Derwen")
    rejected(r, "wrong_council", "this return is for 'Cwm Derwen', not Cwm Derwen County Borough Council.")


def test_period(blank, config, tmp_path):
    r = with_meta(filled(blank, config, tmp_path), period="2025-26-Q2")
    rejected(
        r,
        "wrong_period",
        "this is the return for Q2 2025-26, not Q2 2026-27. If it is a late return for Q2 2025-26, ingest it with --period 2025-26-Q2.",
    )


def test_a_period_that_cannot_be_read(blank, config, tmp_path):
    r = with_meta(filled(blank, config, tmp_path), period="Q2")
    rejected(r, "not_a_return", "the return's period cannot be read; please send the return workbook you were sent.")


def test_without_a_period_to_collect_any_period_is_identified(blank, config, tmp_path):
    """`pmf validate` without --period: the return says which period it is for."""
    path = filled(blank, config, tmp_path)
    r = validate_bytes(path.read_bytes(), path.name, config, None)
    assert (r.outcome, r.period) == ("accepted", "2026-27-Q2")


def test_directorate(blank, config, tmp_path):
    r = with_meta(filled(blank, config, tmp_path), directorate="SOC")
    rejected(r, "wrong_directorate", "this return is for directorate 'SOC', which is not in the framework (CR, ENV, LS, PLC, SS).")


def test_another_directorates_identity_is_checked_by_fingerprint(blank, config, tmp_path):
    """An SS workbook relabelled as CR: CR's list of PIs is not SS's."""
    r = with_meta(filled(blank, config, tmp_path), directorate="CR")
    rejected(
        r,
        "outdated_template",
        "this return was generated on 2026-09-30 from a different version of the PI library or targets: its list of PIs differs "
        "from the one in force for this period. Please copy the figures into the workbook issued for Q2 2026-27.",
    )


def test_fingerprint_with_the_same_pis(blank, config, tmp_path):
    r = with_meta(filled(blank, config, tmp_path), fingerprint="0" * 64)
    rejected(
        r,
        "outdated_template",
        "this return was generated on 2026-09-30 from a different version of the PI library or targets: its targets or definitions differ "
        "from those now in force for this period. Please copy the figures into the workbook issued for Q2 2026-27.",
    )


def test_fingerprint_with_other_pis(blank, config, tmp_path):
    r = with_meta(filled(blank, config, tmp_path), fingerprint="0" * 64, rows=json.dumps([["PAM/025", "x"]]))
    assert "its list of PIs differs from the one in force" in r.findings[0].message
    rejected(r, "outdated_template", r.findings[0].message)


def test_the_checks_run_in_order_and_stop_at_the_first(blank, config, tmp_path):
    """A foreign council's return for another period is reported for its council, the first thing checked after the template."""
    r = with_meta(filled(blank, config, tmp_path), council="Elsewhere", period="2025-26-Q1", directorate="XX")
    rejected(r, "wrong_council", "this return is for 'Elsewhere', not Cwm Derwen County Borough Council.")
