"""Outputs are written whole or not at all."""

from __future__ import annotations

import errno

import pytest

from pmf_pipeline.errors import DiskFullError
from pmf_pipeline.rules.writing import replacing, write_text


def test_a_failed_write_keeps_the_earlier_file_and_leaves_nothing_behind(tmp_path):
    target = tmp_path / "pack.html"
    write_text(target, "good")
    with pytest.raises(RuntimeError):
        with replacing(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("the renderer crashed")
    assert target.read_text() == "good" and [p.name for p in tmp_path.iterdir()] == ["pack.html"]


def test_a_full_disk_is_one_clear_error(tmp_path):
    target = tmp_path / "pack.pdf"
    with pytest.raises(DiskFullError, match=f"no space left on the disk holding {tmp_path}; free some space"):
        with replacing(target) as tmp:
            tmp.write_bytes(b"%PDF-1.7 half")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert not list(tmp_path.iterdir())


def test_a_temporary_file_left_by_a_killed_run_is_cleared_by_the_next_write(tmp_path):
    (tmp_path / ".pack.html.999.part").write_text("left by a SIGKILL")
    write_text(tmp_path / "pack.html", "whole")
    assert [p.name for p in tmp_path.iterdir()] == ["pack.html"]
