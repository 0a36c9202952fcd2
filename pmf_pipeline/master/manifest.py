"""What each publication of a period's packs used and made, kept with the period for audit.

``DATA/periods/PERIOD/manifest.json`` holds a list of publications, oldest first: one for every
``pmf report`` and every ``pmf quarter`` run that rendered packs. Each records when and by whom it
was made, the command, the hashes of every archived return and of the configuration in force, the
last submission it saw, the head of the master dataset's ledger (``master.ledger``) and every file
in the period's archive with its hash, the tool's version, the statuses given, and every pack with its file
hashes and the time it was prepared (needed to re-render it identically). A later run never
removes an earlier publication, so the pack that went to committee in October can still be checked
after a re-run in November.

Paths are recorded relative to the data folder when inside it, else absolute (``paths.relative``),
so the audit gives the same answer from any working folder.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmf_pipeline import __version__
from pmf_pipeline.master import paths
from pmf_pipeline.master.lifecycle import who
from pmf_pipeline.master.results import PIResult
from pmf_pipeline.master.store import Store
from pmf_pipeline.periods import Period

if TYPE_CHECKING:
    from pmf_pipeline.packs.render import Rendered


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_manifest(data_dir: str | Path, period: Period) -> dict[str, Any] | None:
    p = paths.manifest_path(data_dir, period)
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else None


def publications(manifest: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The publications of a manifest, oldest first (a manifest written before there were several is one)."""
    if not manifest:
        return []
    if "publications" in manifest:
        return list(manifest["publications"])
    return [manifest] if manifest.get("packs") is not None else []


def latest_publication(data_dir: str | Path, period: Period) -> dict[str, Any] | None:
    pubs = publications(load_manifest(data_dir, period))
    return pubs[-1] if pubs else None


def inputs(store: Store, data_dir: str | Path, period: Period) -> dict[str, Any]:
    """The inputs of a period as they stand: returns received, the configuration in force, and what
    the packs are made with (the tool, its templates and WeasyPrint), so that restyled packs are
    rendered again even when no return is new."""
    from pmf_pipeline.packs.render import renderer_digest

    frozen = paths.frozen_config_dir(data_dir, period)
    returns = [
        {
            "file": Path(s.file_name).name,
            "sha256": s.sha256,
            "archive_path": s.archive_path,
            "directorate": s.directorate,
            "outcome": s.outcome,
            "superseded_by": s.superseded_by,
        }
        for s in store.submissions(str(period))
    ]
    config = {p.name: file_hash(p) for p in sorted(frozen.iterdir())} if frozen.exists() else {}
    return {"returns": returns, "config": config, "tool_version": __version__, "renderer": renderer_digest()}


def archived_files(data_dir: str | Path, period: Period) -> list[dict[str, str]]:
    """Every file in the period's archive folder as it stands, with its hash (paths as recorded)."""
    folder = paths.archive_root(data_dir) / str(period)
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    return [{"path": paths.relative(data_dir, p), "sha256": file_hash(p)} for p in files]


def same_data(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two sets of inputs with the same returns and configuration (the tool may differ)."""
    return a.get("returns") == b.get("returns") and a.get("config") == b.get("config")


def digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def pack_record(data_dir: str | Path, r: Rendered, key: str, prepared: str) -> dict[str, Any]:
    """A rendered pack as a publication records it."""
    return {
        "slug": r.slug,
        "title": r.title,
        "html": paths.relative(data_dir, r.html),
        "html_sha256": file_hash(r.html),
        "pdf": paths.relative(data_dir, r.pdf) if r.pdf else None,
        "pdf_sha256": file_hash(r.pdf) if r.pdf else None,
        "pages": r.pages,
        "key": key,
        "generated_at": prepared,
    }


def statement_record(data_dir: str | Path, lang: str, path: Path) -> dict[str, Any]:
    """An accessibility statement written beside the packs (``packs.statement``), as a publication records it:
    like a pack's HTML, so ``intact`` checks it the same way."""
    return {"lang": lang, "html": paths.relative(data_dir, path), "html_sha256": file_hash(path)}


def pack_file(data_dir: str | Path, record: dict[str, Any], kind: str) -> Path | None:
    """Where a recorded pack's html or pdf file is, from any working folder (None if it has none)."""
    if not record.get(kind):
        return None
    p = paths.resolve(data_dir, record[kind])
    if not p.exists() and not Path(record[kind]).is_absolute() and Path(record[kind]).exists():
        return Path(record[kind])  # a manifest from before paths were kept relative to the data folder
    return p


def intact(data_dir: str | Path, record: dict[str, Any]) -> bool:
    """The pack's files are on disk exactly as this tool wrote them."""
    for kind in ("html", "pdf"):
        p = pack_file(data_dir, record, kind)
        if p is not None and (not p.exists() or file_hash(p) != record[f"{kind}_sha256"]):
            return False
    return True


def record_publication(
    data_dir: str | Path,
    period: Period,
    store: Store,
    results: list[PIResult],
    packs: list[dict[str, Any]],
    generated_at: str,
    out_dir: str | Path,
    command: str,
    recorded_at: str,
    statements: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Add a publication to the period's manifest (earlier ones are kept); return it. ``statements``: the
    accessibility statements written beside the packs (``statement_record``)."""
    ins = inputs(store, data_dir, period)
    publication = {
        "command": command,
        "by": who(),
        "recorded_at": recorded_at,
        **ins,
        "inputs_digest": digest(ins),
        "last_submission": store.last_submission_id(str(period)),
        "ledger_head": store.ledger_head(),
        "archived_files": archived_files(data_dir, period),
        "generated_at": generated_at,
        "packs_folder": paths.relative(data_dir, out_dir),
        "statuses": {r.pi.ref: {"status": r.status, "trend": r.trend, "actual": None if r.actual is None else format(r.actual, "f")} for r in results},
        "packs": packs,
    }
    if statements is not None:
        publication["statements"] = statements
    manifest = {"period": str(period), "publications": [*publications(load_manifest(data_dir, period)), publication]}
    path = paths.manifest_path(data_dir, period)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    tmp.replace(path)
    return publication
