"""The configuration in ``config/``: the framework, the PI definition library, targets and history.

Performance officers edit these files, so every problem is reported as one ConfigError naming the
file, the entry and the field, and saying what is wrong. Everything is loaded once into frozen
objects (``Config``) and stages are handed the parts they use.

Files:
- ``framework.yaml``: council, tolerance, status scheme, directorates, wellbeing objectives,
  scrutiny committees, return deadlines.
- ``pis.yaml``: the PI definition library.
- ``targets.csv``: one row per PI and financial year (annual target, quarterly profile, rationale).
- ``history.csv``: actuals of earlier quarters (``period`` like 2025-26-Q2; annual PIs use their due quarter).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from .errors import ConfigError, UsageError
from .periods import FinancialYear, Period

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # about 10x faster on a large PI library
CONFIG_FILES = ("framework.yaml", "pis.yaml", "targets.csv", "history.csv")


class Unit(Enum):
    percentage = "percentage"
    number = "number"
    days = "days"
    currency = "currency"
    ratio = "ratio"
    rate_per_1000 = "rate_per_1000"
    narrative = "narrative"


class Polarity(Enum):
    higher = "higher"
    lower = "lower"
    none = "none"


class PIType(Enum):
    pam = "pam"
    social_services = "social_services"
    national = "national"
    local = "local"


class Frequency(Enum):
    quarterly = "quarterly"
    half_yearly = "half_yearly"
    annual = "annual"


UNIT_LABELS = {
    Unit.percentage: "%",
    Unit.number: "Number",
    Unit.days: "Days",
    Unit.currency: "£",
    Unit.ratio: "Ratio",
    Unit.rate_per_1000: "Rate per 1,000",
    Unit.narrative: "Narrative",
}
POLARITY_LABELS = {Polarity.higher: "Higher is better", Polarity.lower: "Lower is better", Polarity.none: "Context only"}
TYPE_LABELS = {
    PIType.pam: "Public Accountability Measure",
    PIType.social_services: "Social Services measure",
    PIType.national: "National indicator",
    PIType.local: "Local measure",
}
TYPE_SHORT = {PIType.pam: "PAM", PIType.social_services: "SSM", PIType.national: "National", PIType.local: "Local"}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class Service(_Model):
    code: str
    name: str


class Directorate(_Model):
    code: str = Field(pattern=r"^[A-Za-z0-9_]+$")
    name: str
    services: tuple[Service, ...] = ()


class Aim(_Model):
    code: str
    title: str


class Objective(_Model):
    code: str
    title: str
    aims: tuple[Aim, ...] = ()


class Remit(_Model):
    objectives: tuple[str, ...] = ()
    directorates: tuple[str, ...] = ()
    pis: tuple[str, ...] = ()


class Committee(_Model):
    code: str = Field(pattern=r"^[A-Za-z0-9_]+$")
    name: str
    remit: Remit = Remit()


class StatusScheme(Enum):
    three_level = "three_level"
    bridgend = "bridgend"
    havering = "havering"


class Framework(_Model):
    council: str
    financial_year_start_month: Literal[4] = 4
    tolerance: Decimal = Field(default=Decimal("0.10"), ge=0, lt=1)
    status_scheme: StatusScheme = StatusScheme.three_level
    labels: dict[str, str] = {}
    swing_warning: Decimal = Field(default=Decimal("0.25"), gt=0)
    deadline_days_after_quarter_end: int = Field(default=21, ge=0, le=120)
    deadlines: dict[str, dt.date] = {}
    directorates: tuple[Directorate, ...]
    objectives: tuple[Objective, ...]
    committees: tuple[Committee, ...]
    sheet_password: str | None = None

    @field_validator("deadlines")
    @classmethod
    def _periods(cls, v: dict[str, dt.date]) -> dict[str, dt.date]:
        for key in v:
            try:
                Period.parse(key)
            except UsageError as e:
                raise ValueError(str(e)) from None
        return v

    def deadline(self, period: Period) -> dt.date:
        if str(period) in self.deadlines:
            return self.deadlines[str(period)]
        return period.end_date + dt.timedelta(days=self.deadline_days_after_quarter_end)

    def directorate(self, code: str) -> Directorate:
        for d in self.directorates:
            if d.code == code:
                return d
        raise KeyError(code)


class Calculation(_Model):
    numerator: str
    denominator: str
    multiplier: Decimal = Decimal(1)


class Benchmark(_Model):
    label: str
    value: Decimal


class PI(_Model):
    ref: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9/_.\-]*$")
    title: str
    definition: str
    type: PIType
    directorate: str
    service: str | None = None
    owner: str
    objective: str | None = None
    aim: str | None = None
    committees: tuple[str, ...] = ()
    unit: Unit
    polarity: Polarity
    decimals: int = Field(default=0, ge=0, le=4)
    frequency: Frequency = Frequency.quarterly
    due_quarter: int = Field(default=4, ge=1, le=4)
    cumulative: bool = False
    calculation: Calculation | None = None
    valid_range: tuple[Decimal | None, Decimal | None] = (None, None)
    tolerance: Decimal | None = Field(default=None, ge=0, lt=1)
    evidence_required: bool = False
    benchmark: Benchmark | None = None
    new: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> PI:
        lo, hi = self.valid_range
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"valid_range runs from {lo} down to {hi}; write the lower bound first")
        if self.unit is Unit.percentage:
            if (lo is not None and lo < -100) or (hi is not None and hi > 100):
                raise ValueError(f"a percentage's valid_range must lie within -100 to 100, not {lo} to {hi}")
        if self.unit is Unit.narrative:
            if self.polarity is not Polarity.none:
                raise ValueError("a narrative PI has no polarity: set polarity: none")
            if self.calculation is not None:
                raise ValueError("a narrative PI cannot have a calculation")
        return self

    @property
    def narrative(self) -> bool:
        return self.unit is Unit.narrative

    @property
    def rated(self) -> bool:
        """Whether a status is ever given (context and narrative PIs are not rated)."""
        return self.polarity is not Polarity.none and not self.narrative

    def due_in(self, period: Period) -> bool:
        if self.frequency is Frequency.quarterly:
            return True
        if self.frequency is Frequency.half_yearly:
            return period.quarter in (2, 4)
        return period.quarter == self.due_quarter

    @property
    def maximum(self) -> Decimal | None:
        """The best value possible, where the valid range gives one (for 'maintained at maximum')."""
        lo, hi = self.valid_range
        if self.polarity is Polarity.higher:
            return hi
        if self.polarity is Polarity.lower:
            return lo
        return None


class Target(_Model):
    pi_ref: str
    year: FinancialYear
    annual: Decimal | None
    profile: tuple[Decimal | None, Decimal | None, Decimal | None, Decimal | None] = (None, None, None, None)
    rationale: str = ""


class HistoryValue(_Model):
    pi_ref: str
    period: Period
    actual: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    text: str | None = None


class Config(_Model):
    """Everything in config/, checked for consistency."""

    framework: Framework
    pis: dict[str, PI]
    targets: dict[tuple[str, FinancialYear], Target]
    history: dict[tuple[str, Period], HistoryValue]
    hashes: dict[str, str] = {}
    _cache: dict[Any, Any] = PrivateAttr(default_factory=dict)  # derived views (return specs), computed once per configuration

    def cached(self, key: Any, make: Any) -> Any:
        """A value derived from this (immutable) configuration, computed once."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def pis_for(self, directorate: str, period: Period, service: str | None = None) -> list[PI]:
        """The PIs a directorate's return asks for in this period, in library order."""
        return [pi for pi in self.pis.values() if pi.directorate == directorate and pi.due_in(period) and (service is None or pi.service == service)]

    def target_for(self, pi: PI, period: Period) -> Decimal | None:
        """This quarter's target: the profiled target if there is one, else the cumulative share or the annual."""
        t = self.targets.get((pi.ref, period.year))
        if t is None:
            return None
        profiled = t.profile[period.quarter - 1]
        if profiled is not None:
            return profiled
        if t.annual is not None and pi.cumulative and pi.frequency is Frequency.quarterly:
            # A cumulative PI with no profile is assumed to accrue evenly through the year.
            return (t.annual * period.quarter / 4).quantize(Decimal(1).scaleb(-pi.decimals))
        return t.annual

    def annual_target(self, pi: PI, year: FinancialYear) -> Decimal | None:
        t = self.targets.get((pi.ref, year))
        return t.annual if t else None

    def tolerance_for(self, pi: PI) -> Decimal:
        return pi.tolerance if pi.tolerance is not None else self.framework.tolerance

    def committee_pis(self, committee: Committee) -> list[PI]:
        r = committee.remit
        return [
            pi
            for pi in self.pis.values()
            if committee.code in pi.committees
            or pi.ref in r.pis
            or pi.directorate in r.directorates
            or (pi.objective is not None and pi.objective in r.objectives)
        ]


# ---------------------------------------------------------------- loading


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
    v = (value or "").strip()
    if v == "":
        return None
    try:
        d = Decimal(v.replace(",", ""))
    except InvalidOperation:
        raise ConfigError(f"{file}, line {line}, field '{field}': '{value}' is not a number") from None
    if not d.is_finite():
        raise ConfigError(f"{file}, line {line}, field '{field}': '{value}' is not a number")
    return d


def _read_csv(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            fields = reader.fieldnames or []
            missing = [c for c in required if c not in fields]
            if missing:
                raise ConfigError(f"{path}: the header row lacks the column(s) {', '.join(missing)}; it needs {', '.join(required)}")
            return [(i + 2, row) for i, row in enumerate(reader)]
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


def _load_targets(path: Path, pis: dict[str, PI]) -> dict[tuple[str, FinancialYear], Target]:
    file = str(path)
    out: dict[tuple[str, FinancialYear], Target] = {}
    for line, row in _read_csv(path, ("pi_ref", "year", "annual")):
        ref = (row.get("pi_ref") or "").strip()
        if ref not in pis:
            raise ConfigError(f"{file}, line {line}, field 'pi_ref': a target for '{ref}', which is not in pis.yaml")
        try:
            year = FinancialYear.parse(row.get("year") or "")
        except UsageError as e:
            raise ConfigError(f"{file}, line {line}, field 'year': {e}") from None
        if (ref, year) in out:
            raise ConfigError(f"{file}, line {line}: a second target for {ref} in {year}; keep one row per PI and year")
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
    for line, row in _read_csv(path, ("pi_ref", "period", "actual")):
        ref = (row.get("pi_ref") or "").strip()
        if ref not in pis:
            raise ConfigError(f"{file}, line {line}, field 'pi_ref': history for '{ref}', which is not in pis.yaml")
        try:
            period = Period.parse(row.get("period") or "")
        except UsageError as e:
            raise ConfigError(f"{file}, line {line}, field 'period': {e}") from None
        if (ref, period) in out:
            raise ConfigError(f"{file}, line {line}: a second value for {ref} in {period}; keep one row per PI and period")
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
