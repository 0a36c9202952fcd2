"""The password that protects the updater workbooks' sheets, and where the team finds it.

Sheet protection stops an updater overtyping a pre-filled column by accident; it is not security
(a spreadsheet's sheet password is easily removed by anyone determined, and a return whose
pre-filled content was changed is caught by its fingerprint when it comes back). Without a password,
though, one click on 'Unprotect sheet' removes it, so every workbook gets one:

* ``sheet_password`` in ``framework.yaml``, when the council sets one (the same every quarter); else
* a password made for the period the first time its workbooks are generated, and kept in
  ``DATA/periods/PERIOD/sheet_password.txt`` (``master.paths``): workbooks regenerated for the same
  quarter share it, each quarter has its own, and it is not in ``config/``, which may be shared or
  published. The performance team reads it there to unlock a return when helping an updater.

A library call with no data folder (tests, the sample returns) protects with a fresh random
password that nobody keeps.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from pmf_pipeline.config.models import Config
from pmf_pipeline.master import paths
from pmf_pipeline.periods import Period

_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off a screen and typed without doubt


def new_password() -> str:
    """Twelve random characters in three groups, e.g. ``k7qx-9fpz-m3ta``: easy to read out, hard to guess."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))


@dataclass(frozen=True)
class SheetPassword:
    password: str
    kept_in: Path | None  # the file it is kept in; None when framework.yaml sets it
    created: bool = False  # made by this call

    @property
    def sentence(self) -> str:
        """What the team is told when workbooks are generated (never the password itself)."""
        if self.kept_in is None:
            return "Sheets are protected with the password set in framework.yaml (sheet_password)."
        made = "made now for this quarter" if self.created else "the same as before for this quarter"
        return f"Sheets are protected with the password kept in {self.kept_in} ({made}): use it to unlock a return when helping an updater."


def sheet_password(config: Config, data_dir: str | Path, period: Period) -> SheetPassword:
    """The password for ``period``'s workbooks: the configured one, else the period's kept one, made and kept now if there is none."""
    if config.framework.sheet_password:
        return SheetPassword(config.framework.sheet_password, None)
    path = paths.sheet_password_file(data_dir, period)
    kept = path.read_text(encoding="utf-8").strip() if path.exists() else ""
    if kept:
        return SheetPassword(kept, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    password = new_password()
    tmp.write_text(password + "\n", encoding="utf-8")
    os.chmod(tmp, 0o600)  # the team's, not everyone's on a shared server (no effect on Windows)
    tmp.replace(path)
    return SheetPassword(password, path, created=True)
