"""Reading and checking the files of ``config/`` into a ``Config``.

Every mistake in all four files is collected (every PI entry, every CSV line, the checks between
files), then raised as one ConfigError listing them one per line, each naming the file, the entry
(PI number and reference, CSV line, directorate code) and the field, in words a performance officer
can act on (``explain.py``). Values are accepted as spreadsheet users write them (``spellings.py``
for tolerances and dates, ``tables.py`` for the CSV files).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from pmf_pipeline.config.explain import Problems, explain, nearest
from pmf_pipeline.config.models import CONFIG_FILES, DEFAULT_PI_TYPES, FROZEN_FILES, PI, Config, Framework
from pmf_pipeline.config.plan import DEFAULT_ACTION_KINDS, ActionScheme
from pmf_pipeline.config.plan_files import load_action_history, load_actions
from pmf_pipeline.config.tables import load_history, load_targets
from pmf_pipeline.errors import ConfigError
from pmf_pipeline.i18n.languages import WELSH, in_language
from pmf_pipeline.rules.names import OVERVIEW_TITLE, directorate_title, slug
from pmf_pipeline.rules.text import safe_name

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # about 10x faster on a large PI library


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found; the configuration folder needs {', '.join(CONFIG_FILES)}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not readable as UTF-8 text; save it as UTF-8") from None
    try:
        data = yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - a safe loader, in C where PyYAML was built with libyaml
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e)
        raise ConfigError(f"{path}:{where}: not valid YAML ({problem}); check indentation and colons") from None
    return data


def load_config(folder: str | Path) -> Config:
    """Load and check the configuration in ``folder``; raise one ConfigError naming every mistake."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError(f"{folder}: configuration folder not found")
    problems = Problems()
    framework, known = _load_framework(folder / "framework.yaml", problems)
    pis, skip = _load_pis(folder / "pis.yaml", known, problems)
    targets = load_targets(folder / "targets.csv", pis, skip, problems)
    history = load_history(folder / "history.csv", pis, skip, problems)
    broken_actions: set[str] = set()
    actions = load_actions(folder / "actions.yaml", known, known.action_kinds, _read_yaml, problems, broken_actions)
    scheme = framework.action_scheme.value if framework is not None else known.action_scheme
    action_history = load_action_history(folder / "action_history.csv", actions, problems, scheme, broken_actions)
    if problems or framework is None:
        raise problems.error()
    hashes = {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in FROZEN_FILES if (folder / name).exists()}
    config = Config(framework=framework, pis=pis, targets=targets, history=history, hashes=hashes, actions=actions, action_history=action_history)
    config._folder = str(folder)
    return config


class _Known:
    """The codes framework.yaml defines, read from its text so that PIs are checked against them even
    when another part of framework.yaml is wrong. None: that part is unreadable, so not checked."""

    def __init__(self, raw: Any):
        raw = raw if isinstance(raw, dict) else {}
        self.directorates = self._codes(raw.get("directorates"), "services")
        self.objectives = self._codes(raw.get("objectives"), "aims")
        self.committees = self._codes(raw.get("committees"), None)
        types = raw.get("pi_types")
        self.pi_types = [t.code for t in DEFAULT_PI_TYPES] if types is None else list(self._codes(types, None) or {}) or None
        kinds = raw.get("action_kinds")
        self.action_kinds = [k.code for k in DEFAULT_ACTION_KINDS] if kinds is None else list(self._codes(kinds, None) or {}) or None
        scheme = raw.get("action_scheme", ActionScheme.expected_progress.value)
        self.action_scheme = scheme if scheme in {s.value for s in ActionScheme} else None  # None: not checked

    @staticmethod
    def _codes(entries: Any, child: str | None) -> dict[str, set[str] | None] | None:
        if not isinstance(entries, list):
            return None
        out: dict[str, set[str] | None] = {}
        for e in entries:
            if isinstance(e, dict) and isinstance(e.get("code"), str):
                kids = e.get(child, []) if child else []
                out[e["code"]] = {k["code"] for k in kids if isinstance(k, dict) and isinstance(k.get("code"), str)} if isinstance(kids, list) else None
        return out


def _load_framework(path: Path, problems: Problems) -> tuple[Framework | None, _Known]:
    try:
        raw = _read_yaml(path)
    except ConfigError as e:
        problems.add(str(e))
        return None, _Known(None)
    if not isinstance(raw, dict):
        problems.add(f"{path}: expected settings written as 'name: value' lines")
        return None, _Known(None)
    try:
        framework = Framework.model_validate(raw)
    except ValidationError as e:
        problems.extend(explain(e, Framework, raw, str(path)))
        return None, _Known(raw)
    _check_framework(framework, path, problems)
    return framework, _Known(raw)


def _load_pis(path: Path, known: _Known, problems: Problems) -> tuple[dict[str, PI], set[str] | None]:
    """The PI library, and the references of entries too broken to use (None: the whole file is)."""
    try:
        raw = _read_yaml(path)
    except ConfigError as e:
        problems.add(str(e))
        return {}, None
    if isinstance(raw, dict) and "pis" in raw:
        raw = raw["pis"]
    if not isinstance(raw, list):
        problems.add(f"{path}: expected a list of PIs, each starting with '- ref:'")
        return {}, None
    pis: dict[str, PI] = {}
    broken: set[str] = set()
    for i, entry in enumerate(raw):
        name = entry.get("ref") if isinstance(entry, dict) else None
        where = f"{path}, PI {i + 1}" + (f" ({name})" if name else "")
        try:
            pi = PI.model_validate(entry)
        except ValidationError as e:
            problems.extend(explain(e, PI, entry, where))
            if name is not None:
                broken.add(str(name).strip())
            continue
        if pi.ref in pis:
            problems.add(f"{where}: reference {pi.ref} is defined twice; each PI must appear once")
            continue
        _check_pi(pi, known, where, problems)
        pis[pi.ref] = pi
    return pis, broken


def _check_framework(fw: Framework, path: Path, problems: Problems) -> None:
    for kind, items in (("directorate", fw.directorates), ("objective", fw.objectives), ("committee", fw.committees)):
        seen: set[str] = set()
        for item in items:
            if item.code in seen:
                problems.add(f"{path}, {kind} {item.code}: code {item.code} is used twice")
            seen.add(item.code)
    _check_codes(fw, path, problems)
    dirs = {d.code for d in fw.directorates}
    objs = {o.code for o in fw.objectives}
    for c in fw.committees:
        for d in c.remit.directorates:
            if d not in dirs:
                problems.add(f"{path}, committee {c.code}, field 'remit.directorates': unknown directorate '{d}'; {_nearest_known(d, dirs)}")
        for o in c.remit.objectives:
            if o not in objs:
                problems.add(f"{path}, committee {c.code}, field 'remit.objectives': unknown wellbeing objective '{o}'; {_nearest_known(o, objs)}")


# Codes name files and folders (returns, the archive, packs): only characters every file system
# takes, and never a name Windows keeps for a device.
_FILE_CODE = re.compile(r"[A-Za-z0-9_]+")
_OBJECTIVE_CODE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


def _check_codes(fw: Framework, path: Path, problems: Problems) -> None:
    """Codes that are unsafe in a file name, or that differ only in capitals (one file on Windows), and
    packs whose file names would be the same (one would overwrite the other)."""
    kinds: list[tuple[str, str, list[str]]] = [("directorate", "letters, digits and _", [d.code for d in fw.directorates])]
    for d in fw.directorates:
        kinds.append((f"service of {d.code}", "letters, digits and _", [s.code for s in d.services]))
    kinds.append(("objective", "letters, digits, _, . and -", [o.code for o in fw.objectives]))
    kinds.append(("committee", "letters, digits and _", [c.code for c in fw.committees]))
    for kind, allowed, codes in kinds:
        pattern = _OBJECTIVE_CODE if kind == "objective" else _FILE_CODE
        seen: dict[str, str] = {}
        for code in codes:
            if not pattern.fullmatch(code):
                bad = next((ch for ch in code if not pattern.fullmatch(ch)), "")
                what = f"contains {bad!r}" if bad else "is empty"
                problems.add(f"{path}, {kind} {safe_name(code)!r}: code {safe_name(code)!r} {what}; a code uses only {allowed}")
            elif code.upper() in _DEVICES:
                problems.add(f"{path}, {kind} {code}: code {code} is a name Windows keeps for a device, so no file can have it; choose another")
            other = seen.setdefault(code.casefold(), code)
            if other != code:
                problems.add(f"{path}, {kind} {code}: codes {other} and {code} differ only in capitals, so their files would be one on Windows; rename one")
    _check_pack_names(fw, path, problems)


def _check_pack_names(fw: Framework, path: Path, problems: Problems) -> None:
    """Each pack is written to a file named from its title (``rules.names.slug``); two packs
    whose titles give the same name would overwrite each other."""
    titles = [("the corporate overview", OVERVIEW_TITLE, "")]
    titles += [(f"committee {c.code}", c.name, "") for c in fw.committees]
    titles += [(f"directorate {d.code}", directorate_title(d.name), "") for d in fw.directorates]
    if WELSH in fw.languages:  # the Welsh packs are named from their Welsh titles, with '.cy' (packs.content.pack_slug)
        from pmf_pipeline.i18n.catalogue import translations

        _ = translations(WELSH, path.parent).gettext
        titles += [("the Welsh corporate overview", _(OVERVIEW_TITLE), WELSH)]
        titles += [(f"committee {c.code} in Welsh", in_language(c, "name", WELSH), WELSH) for c in fw.committees]
        titles += [(f"directorate {d.code} in Welsh", directorate_title(in_language(d, "name", WELSH), _), WELSH) for d in fw.directorates]
    taken: dict[str, str] = {}
    for who, title, lang in titles:
        name = slug(title)
        if name and lang:
            name += f".{lang}"
        if not name:
            problems.add(f"{path}, {who}: the name {title!r} has no letter or digit to name its pack's file; add some")
        elif name in taken:
            problems.add(
                f"{path}, {who}: its pack would be written to the same file as {taken[name]}'s ('PERIOD_{name}.html'), "
                "so one would overwrite the other; give them names that differ in their letters or digits"
            )
        else:
            taken[name] = who


def _nearest_known(code: str, codes: Any) -> str:
    """'known: A, B, C', led by the nearest code when one is close."""
    guess = nearest(code, list(codes))
    return (f"did you mean '{guess}'? " if guess else "") + f"known: {', '.join(sorted(codes))}"


def _check_pi(pi: PI, known: _Known, where: str, problems: Problems) -> None:
    dirs = known.directorates
    if dirs is not None:
        if pi.directorate not in dirs:
            problems.add(f"{where}, field 'directorate': unknown directorate '{pi.directorate}'; {_nearest_known(pi.directorate, dirs)}")
        else:
            services = dirs[pi.directorate]
            if pi.service is not None and services is not None and pi.service not in services:
                problems.add(f"{where}, field 'service': '{pi.service}' is not a service of {pi.directorate}; {_nearest_known(pi.service, services)}")
    objs = known.objectives
    if objs is not None:
        if pi.objective is not None and pi.objective not in objs:
            problems.add(f"{where}, field 'objective': unknown wellbeing objective '{pi.objective}'; {_nearest_known(pi.objective, objs)}")
        elif pi.aim is not None:
            aims = objs.get(pi.objective) if pi.objective is not None else set()
            if aims is not None and pi.aim not in aims:
                problems.add(f"{where}, field 'aim': '{pi.aim}' is not an aim of objective {pi.objective}")
    if known.pi_types is not None and pi.type not in known.pi_types:
        problems.add(f"{where}, field 'type': unknown PI type '{pi.type}'; known: {', '.join(known.pi_types)} (the pi_types of framework.yaml)")
    if known.committees is not None:
        for c in pi.committees:
            if c not in known.committees:
                problems.add(f"{where}, field 'committees': unknown scrutiny committee '{c}'; {_nearest_known(c, known.committees)}")
