"""A copy of the sample council that publishes in Welsh and English, with Welsh forms for the tests of
Welsh workbooks (the sample configuration itself is left as it is). ``directorate`` gets ``workbook_languages``."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.conftest import CONFIG

WELSH_TITLE = "Teitl Cymraeg {ref}"
WELSH_DEFINITION = "Diffiniad Cymraeg {ref}."


def welsh_council(folder: Path, directorate: str = "SS", languages: tuple[str, ...] = ("cy",)) -> Path:
    """The sample configuration in ``folder``, Welsh first, ``directorate``'s workbooks in ``languages``,
    its PIs, services and name with Welsh forms."""
    shutil.copytree(CONFIG, folder)
    fw_path = folder / "framework.yaml"
    fw = yaml.safe_load(fw_path.read_text(encoding="utf-8"))
    fw["languages"] = ["cy", "en"]
    fw["council_cy"] = "Cyngor Bwrdeistref Sirol Cwm Derwen"
    for d in fw["directorates"]:
        if d["code"] == directorate:
            d["name_cy"] = "Gwasanaethau Cymdeithasol"
            d["workbook_languages"] = list(languages)
            for s in d.get("services", []):
                s["name_cy"] = f"Gwasanaeth {s['code']}"
    fw_path.write_text(yaml.safe_dump(fw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    pis_path = folder / "pis.yaml"
    pis = yaml.safe_load(pis_path.read_text(encoding="utf-8"))
    for pi in pis:
        if pi["directorate"] == directorate:
            pi["title_cy"] = WELSH_TITLE.format(ref=pi["ref"])
            pi["definition_cy"] = WELSH_DEFINITION.format(ref=pi["ref"])
    pis_path.write_text(yaml.safe_dump(pis, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder
