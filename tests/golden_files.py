"""Golden files: outputs a user or auditor relies on, committed in ``tests/golden/`` and compared exactly.

A change to one of these outputs must be deliberate. To accept a change, regenerate the files::

    PMF_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

which rewrites the files that differ, prints a unified diff of each change on the terminal, and
passes; review that diff (and ``git diff tests/golden``) and commit it with the change that caused
it. Without the variable a mismatch fails with the same readable diff and nothing is written.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("PMF_UPDATE_GOLDEN") == "1"


def diff(name: str, old: str, new: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), f"tests/golden/{name} (committed)", f"{name} (this run)"))


def check_golden(name: str, text: str, capsys: pytest.CaptureFixture[str]) -> str:
    """Compare ``text`` with the committed golden file ``name``; with PMF_UPDATE_GOLDEN=1, rewrite it and show (and return) the change."""
    path = GOLDEN / name
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if old == text:
        return ""
    change = diff(name, old, text)
    if UPDATE:
        path.write_text(text, encoding="utf-8", newline="\n")  # LF on every platform, so the committed bytes never churn
        with capsys.disabled():  # shown even though pytest captures output: the person regenerating must see what changed
            print(f"\nPMF_UPDATE_GOLDEN: rewrote tests/golden/{name}:\n{change}")
        return change
    if not path.exists():
        pytest.fail(f"tests/golden/{name} does not exist; create it with PMF_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py", pytrace=False)
    pytest.fail(
        f"tests/golden/{name} differs from this run. If the change is intended, regenerate with "
        f"PMF_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py and commit the diff.\n{change}",
        pytrace=False,
    )
