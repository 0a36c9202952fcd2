"""Type into a workbook with a real LibreOffice, as an updater at the keyboard would, and save it as xlsx.

Run by the system Python that has LibreOffice's ``uno`` module (Debian's python3-uno), not the
project's virtual environment:

    /usr/bin/python3 tests/tools/lo_type.py IN.xlsx OUT.xlsx PROFILE_DIR SHEET!CELL=TEXT ...

Each TEXT is entered through the dispatcher's ``EnterString``, exactly as typed: ``51.2%`` becomes
the number 0.512 with a percent format, ``24/07/2026`` a date (in the en-GB locale set here).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main() -> None:
    src, out, profile, *entries = sys.argv[1:]
    pipe = f"pmf_{uuid.uuid4().hex}"
    office = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(300):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.1)
        else:
            raise SystemExit("LibreOffice did not start")
        smgr = ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(Path(src).resolve().as_uri(), "_blank", 0, (prop("Hidden", True),))
        frame = doc.getCurrentController().getFrame()
        dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
        for entry in entries:
            where, text = entry.split("=", 1)
            sheet, cell = where.split("!")
            doc.getCurrentController().setActiveSheet(doc.getSheets().getByName(sheet))
            dispatcher.executeDispatch(frame, ".uno:GoToCell", "", 0, (prop("ToPoint", cell),))
            dispatcher.executeDispatch(frame, ".uno:EnterString", "", 0, (prop("StringName", text),))
        doc.storeToURL(Path(out).resolve().as_uri(), (prop("FilterName", "Calc MS Excel 2007 XML"),))
        try:
            doc.close(True)
        except Exception:  # the file is stored; an office that goes away while closing changes nothing
            pass
        if not Path(out).exists():
            raise SystemExit(f"LibreOffice did not write {out}")
    finally:
        office.terminate()
        try:
            office.wait(20)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    os.environ.setdefault("LC_ALL", "en_GB.UTF-8")
    main()
