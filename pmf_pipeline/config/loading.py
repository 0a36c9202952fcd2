"""Reading and checking the files of ``config/`` into a ``Config``.

Every problem becomes one ConfigError that names the file, the entry (PI number and reference,
CSV line) and the field, and says what is wrong, in words a performance officer can act on.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import ValidationError

from pmf_pipeline.config.models import CONFIG_FILES, PI, Config, Framework, HistoryValue, Target
from pmf_pipeline.errors import ConfigError, UsageError
from pmf_pipeline.periods import FinancialYear, Period

K = TypeVar("K")
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # about 10x faster on a large PI library


def _field(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _explain(e: ValidationError, where: str) -> ConfigError:
    """Turn pydantic's errors into lines a performance officer can act on."""
    lines = []
    for err in e.errors()[:10]:
        msg = err["msg"]
        if err["type"] == "missing":
            msg = "this field is required but missing"
        elif err["type"] == "extra_forbidden":
            msg = "this field is not recognised (check the spelling)"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        field = _field(tuple(err["loc"]))
        lines.append(f"{where}, field '{field}': {msg}" if field else f"{where}: {msg}")
    more = f" (and {len(e.errors()) - 10} more)" if len(e.errors()) > 10 else ""
    return ConfigError("\n".join(lines) + more)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found; the configuration folder needs {', '.join(CONFIG_FILES)}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not readable as UTF-8 text; save it as UTF-8") from None
    cached = _yaml_cache(text)
    if cached is not None:
        return cached
    try:
        data = yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - a safe loader, in C where PyYAML was built with libyaml
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e)
        raise ConfigError(f"{path}:{where}: not valid YAML ({problem}); check indentation and colons") from None
    _yaml_cache(text, data)
    return data


def _yaml_cache(text: str, data: Any = None) -> Any:
    """Parsed YAML kept as JSON under the user's cache folder, by the SHA-256 of the text.

    Parsing a 1,000-PI library takes about 0.3 s even with libyaml; the JSON of it loads in a few
    milliseconds. Keyed by content, an entry can never be stale, and JSON cannot run code. Any
    problem with the cache folder just means parsing the YAML again. ``PMF_NO_CACHE=1`` turns it off.
    """
    if os.environ.get("PMF_NO_CACHE"):
        return None
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pmf-pipeline" / "yaml"
    entry = folder / (hashlib.sha256(text.encode("utf-8")).hexdigest() + ".json")
    try:
        if data is None:
            return json.loads(entry.read_text(encoding="utf-8")) if entry.exists() else None
        folder.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, default=str), encoding="utf-8")
        tmp.replace(entry)
    except (OSError, ValueError):
        return None
    return None


def _dec(value: str, file: str, line: int, field: str) -> Decimal | None:
    v = value.strip() if value else ""
    if not v:
        return None
    try:
        d = Decimal(v.replace(",", "") if "," in v else v)
    except InvalidOperation:
        raise ConfigError(f"{file}, line {line}, field '{field}': '{value}' is not a number") from None
    if not d.is_finite():
        raise ConfigError(f"{file}, line {line}, field '{field}': '{value}' is not a number")
    return d


def _read_csv(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            fields = next(reader, [])
            missing = [c for c in required if c not in fields]
            if missing:
                raise ConfigError(f"{path}: the header row lacks the column(s) {', '.join(missing)}; it needs {', '.join(required)}")
            # as csv.DictReader would give them (blank lines skipped, short rows padded), a few times faster
            width = len(fields)
            return [(reader.line_num, dict(zip(fields, row if len(row) >= width else row + [""] * (width - len(row)), strict=False))) for row in reader if row]
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found; the configuration folder needs {', '.join(CONFIG_FILES)}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not readable as UTF-8 text; save it as CSV UTF-8") from None


def load_config(folder: str | Path) -> Config:
    """Load and check the configuration in ``folder``; raise ConfigError naming what is wrong."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError(f"{folder}: configuration folder not found")
    fw_path, pis_path = folder / "framework.yaml", folder / "pis.yaml"
    raw_fw = _read_yaml(fw_path)
    if not isinstance(raw_fw, dict):
        raise ConfigError(f"{fw_path}: expected settings written as 'name: value' lines")
    try:
        framework = Framework.model_validate(raw_fw)
    except ValidationError as e:
        raise _explain(e, str(fw_path)) from None
    _check_framework(framework, fw_path)

    raw_pis = _read_yaml(pis_path)
    if isinstance(raw_pis, dict) and "pis" in raw_pis:
        raw_pis = raw_pis["pis"]
    if not isinstance(raw_pis, list):
        raise ConfigError(f"{pis_path}: expected a list of PIs, each starting with '- ref:'")
    pis: dict[str, PI] = {}
    for i, entry in enumerate(raw_pis):
        try:
            pi = PI.model_validate(entry)
        except ValidationError as e:
            name = entry.get("ref") if isinstance(entry, dict) else None
            raise _explain(e, f"{pis_path}, PI {i + 1}" + (f" ({name})" if name else "")) from None
        if pi.ref in pis:
            raise ConfigError(f"{pis_path}, PI {i + 1} ({pi.ref}): reference {pi.ref} is defined twice; each PI must appear once")
        _check_pi(pi, framework, f"{pis_path}, PI {i + 1} ({pi.ref})")
        pis[pi.ref] = pi

    targets = _load_targets(folder / "targets.csv", pis)
    history = _load_history(folder / "history.csv", pis)
    hashes = {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in CONFIG_FILES}
    return Config(framework=framework, pis=pis, targets=targets, history=history, hashes=hashes)


def _check_framework(fw: Framework, path: Path) -> None:
    for kind, items in (("directorate", fw.directorates), ("objective", fw.objectives), ("committee", fw.committees)):
        seen: set[str] = set()
        for item in items:
            if item.code in seen:
                raise ConfigError(f"{path}, {kind} {item.code}: code {item.code} is used twice")
            seen.add(item.code)
    dirs = {d.code for d in fw.directorates}
    objs = {o.code for o in fw.objectives}
    for c in fw.committees:
        for d in c.remit.directorates:
            if d not in dirs:
                raise ConfigError(f"{path}, committee {c.code}, field 'remit.directorates': unknown directorate '{d}'; known: {', '.join(sorted(dirs))}")
        for o in c.remit.objectives:
            if o not in objs:
                raise ConfigError(f"{path}, committee {c.code}, field 'remit.objectives': unknown wellbeing objective '{o}'; known: {', '.join(sorted(objs))}")


def _check_pi(pi: PI, fw: Framework, where: str) -> None:
    dirs = {d.code: d for d in fw.directorates}
    if pi.directorate not in dirs:
        raise ConfigError(f"{where}, field 'directorate': unknown directorate '{pi.directorate}'; known: {', '.join(dirs)}")
    types = [t.code for t in fw.pi_types]
    if pi.type not in types:
        raise ConfigError(f"{where}, field 'type': unknown PI type '{pi.type}'; known: {', '.join(types)} (the pi_types of framework.yaml)")
    services = {s.code for s in dirs[pi.directorate].services}
    if pi.service is not None and pi.service not in services:
        raise ConfigError(f"{where}, field 'service': '{pi.service}' is not a service of {pi.directorate}; known: {', '.join(sorted(services))}")
    objs = {o.code: o for o in fw.objectives}
    if pi.objective is not None and pi.objective not in objs:
        raise ConfigError(f"{where}, field 'objective': unknown wellbeing objective '{pi.objective}'; known: {', '.join(objs)}")
    if pi.aim is not None:
        if pi.objective is None or pi.aim not in {a.code for a in objs[pi.objective].aims}:
            raise ConfigError(f"{where}, field 'aim': '{pi.aim}' is not an aim of objective {pi.objective}")
    comms = {c.code for c in fw.committees}
    for c in pi.committees:
        if c not in comms:
            raise ConfigError(f"{where}, field 'committees': unknown scrutiny committee '{c}'; known: {', '.join(sorted(comms))}")


def _in_range(pi: PI, value: Decimal | None) -> bool:
    lo, hi = pi.valid_range
    return value is None or ((lo is None or value >= lo) and (hi is None or value <= hi))


def _keyed_rows(path: Path, pis: dict[str, PI], when: str, parse: Callable[[str], K], what: str, value: str) -> Iterator[tuple[int, dict[str, str], str, K]]:
    """Rows of a per-PI CSV: the PI must be in the library, ``when`` must parse, and each (PI, when) appears once."""
    file = str(path)
    seen: set[tuple[str, K]] = set()
    for line, row in _read_csv(path, ("pi_ref", when, value)):
        ref = (row.get("pi_ref") or "").strip()
        if ref not in pis:
            raise ConfigError(f"{file}, line {line}, field 'pi_ref': {what} for '{ref}', which is not in pis.yaml")
        try:
            key = parse(row.get(when) or "")
        except UsageError as e:
            raise ConfigError(f"{file}, line {line}, field '{when}': {e}") from None
        if (ref, key) in seen:
            raise ConfigError(f"{file}, line {line}: a second row for {ref} in {key}; keep one row per PI and {when}")
        seen.add((ref, key))
        yield line, row, ref, key


def _load_targets(path: Path, pis: dict[str, PI]) -> dict[tuple[str, FinancialYear], Target]:
    file = str(path)
    out: dict[tuple[str, FinancialYear], Target] = {}
    for line, row, ref, year in _keyed_rows(path, pis, "year", FinancialYear.parse, "a target", "annual"):
        annual = _dec(row.get("annual", ""), file, line, "annual")
        profile = tuple(_dec(row.get(f"q{q}", "") or "", file, line, f"q{q}") for q in (1, 2, 3, 4))
        for field, value in [("annual", annual), *((f"q{q}", v) for q, v in zip((1, 2, 3, 4), profile, strict=False))]:
            if not _in_range(pis[ref], value):
                raise ConfigError(
                    f"{file}, line {line} ({ref}), field '{field}': target {value} is outside the PI's valid range {pis[ref].valid_range[0]} to {pis[ref].valid_range[1]}"
                )
        if not pis[ref].rated and annual is not None:
            raise ConfigError(f"{file}, line {line} ({ref}): {ref} is a context or narrative PI and cannot have a target")
        out[(ref, year)] = Target(pi_ref=ref, year=year, annual=annual, profile=profile, rationale=(row.get("rationale") or "").strip())  # type: ignore[arg-type]
    return out


def _load_history(path: Path, pis: dict[str, PI]) -> dict[tuple[str, Period], HistoryValue]:
    file = str(path)
    out: dict[tuple[str, Period], HistoryValue] = {}
    for line, row, ref, period in _keyed_rows(path, pis, "period", Period.parse, "history", "actual"):
        pi = pis[ref]
        raw = (row.get("actual") or "").strip()
        if pi.narrative:
            out[(ref, period)] = HistoryValue(pi_ref=ref, period=period, actual=None, text=raw or None)
            continue
        actual = _dec(raw, file, line, "actual")
        if not _in_range(pi, actual):
            raise ConfigError(f"{file}, line {line} ({ref}), field 'actual': {actual} is outside the PI's valid range")
        out[(ref, period)] = HistoryValue(
            pi_ref=ref,
            period=period,
            actual=actual,
            numerator=_dec(row.get("numerator", "") or "", file, line, "numerator"),
            denominator=_dec(row.get("denominator", "") or "", file, line, "denominator"),
        )
    return out
