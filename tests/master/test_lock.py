"""The data folder's lock: one run at a time, a second refused by name, and never left held by a dead run."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pmf_pipeline.errors import DatasetError, LockedError
from pmf_pipeline.master import paths
from pmf_pipeline.master.store import data_lock

HOLD = """
import sys, time
from pmf_pipeline.master.store import data_lock
with data_lock(sys.argv[1]):
    print('held', flush=True)
    time.sleep(60)
"""


def _hold(folder):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(folder)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_run_is_told_which_run_holds_the_folder(tmp_path):
    holder = _hold(tmp_path)
    try:
        started = json.loads(paths.lock_holder_file(tmp_path).read_text(encoding="utf-8"))["started"]
        with pytest.raises(LockedError) as refused:
            with data_lock(tmp_path):
                pass
        assert str(refused.value) == (
            f"another pmf run is using {tmp_path} (process {holder.pid}, started {started}). Wait for it to finish, then run this command again."
        )
    finally:
        holder.kill()
        holder.wait()


def test_a_killed_run_does_not_keep_the_folder(tmp_path):
    """The operating system releases the lock when its process dies, even by SIGKILL (TerminateProcess on Windows)."""
    holder = _hold(tmp_path)
    holder.kill()
    holder.wait()
    with data_lock(tmp_path):
        assert json.loads(paths.lock_holder_file(tmp_path).read_text(encoding="utf-8"))["pid"] != holder.pid


def test_a_finished_run_leaves_the_folder_free_and_says_nothing_stale(tmp_path):
    with data_lock(tmp_path):
        assert paths.lock_holder_file(tmp_path).exists()
    assert not paths.lock_holder_file(tmp_path).exists()
    with data_lock(tmp_path):
        pass


def test_a_data_folder_that_cannot_be_made_is_explained(tmp_path):
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"^the data folder .*file.data cannot be used \(.*\)\. Check it exists, is writable and has free space\.$"):
        with data_lock(tmp_path / "file" / "data"):
            pass
