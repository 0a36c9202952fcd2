"""Pydantic's findings about a configuration entry, in words a performance officer can act on.

Every error type our models can raise is said plainly: a missing or unknown field (with the nearest
valid name, by ``difflib``), a value not among the choices (with the nearest choice and the list), the
wrong kind of value ("expected a number", "expected yes or no", "expected a list of ..."), a value out
of bounds ("must be between 0 and 4", tolerances in percent). Each line names the entry and the field:
``framework.yaml, directorate 2 (SS), service 1 (ADS), field 'name': ...``.
"""

from __future__ import annotations

import difflib
import types
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ValidationError
from pydantic.fields import FieldInfo

from pmf_pipeline.config.spellings import fraction, percent_text
from pmf_pipeline.errors import ConfigError

# How a list's entries are called in messages, by the name of the list.
ENTRY_NAMES = {
    "directorates": "directorate",
    "services": "service",
    "objectives": "wellbeing objective",
    "aims": "aim",
    "committees": "committee",
    "deadlines": "deadline for",
    "labels": "label",
    "pi_types": "PI type",
}
_PATTERNS = {
    r"^[A-Za-z0-9_]+$": "a code uses only letters, digits and _ (no spaces)",
    r"^[A-Za-z0-9][A-Za-z0-9/_.\-]*$": "a PI reference uses only letters, digits and / _ . - (no spaces), starting with a letter or digit",
}


def nearest(word: str, choices: list[str]) -> str | None:
    """The choice closest to what was typed, ignoring case, or None when nothing is close."""
    lowered = {c.lower(): c for c in choices}
    found = difflib.get_close_matches(word.lower().strip(), list(lowered), n=1, cutoff=0.6)
    return lowered[found[0]] if found else None


def unknown_name(word: str, choices: list[str], kind: str = "setting") -> str:
    """'tolerence' → "not a setting pmf knows; did you mean 'tolerance'?"."""
    guess = nearest(word, choices)
    if guess is not None:
        return f"not a {kind} pmf knows; did you mean '{guess}'?"
    return f"not a {kind} pmf knows; the {kind}s here are: {', '.join(choices)}"


def _unwrap(ann: Any) -> Any:
    """The type inside ``Annotated[...]`` and ``X | None``."""
    while True:
        origin = get_origin(ann)
        if origin is Annotated:
            ann = get_args(ann)[0]
        elif origin in (Union, types.UnionType):
            inner = [a for a in get_args(ann) if a is not type(None)]
            if len(inner) != 1:
                return ann
            ann = inner[0]
        else:
            return ann


def _is_model(ann: Any) -> bool:
    return isinstance(ann, type) and issubclass(ann, BaseModel)


class _Place:
    """Where in an entry an error is: the entries passed through, the field, the type expected there."""

    def __init__(self, model: type[BaseModel], raw: Any, loc: tuple[Any, ...]):
        self.entries: list[str] = []
        self.path: list[str] = []
        self.info: FieldInfo | None = None
        self.model: type[BaseModel] | None = model  # the model whose field (or extra key) the error is about
        self.ann: Any = model
        ann: Any = model
        previous: Any = None
        for part in loc:
            ann = _unwrap(ann)
            if _is_model(ann):
                self.model = ann
                self.info = ann.model_fields.get(part) if isinstance(part, str) else None
                ann = self.info.annotation if self.info else None
                self.path.append(str(part))
            elif get_origin(ann) is dict:
                ann = get_args(ann)[1]
                self.entries.append(f"{ENTRY_NAMES.get(str(previous), 'entry')} {part}")
                self.path.clear()
            elif get_origin(ann) is tuple and isinstance(part, int):
                args = get_args(ann)
                ann = args[0] if len(args) == 2 and args[1] is Ellipsis else args[min(part, len(args) - 1)]
                if _is_model(_unwrap(ann)):
                    code = raw[part].get("code") if isinstance(raw, list) and part < len(raw) and isinstance(raw[part], dict) else None
                    self.entries.append(f"{ENTRY_NAMES.get(str(previous), 'entry')} {part + 1}" + (f" ({code})" if isinstance(code, str) else ""))
                    self.path.clear()
                else:
                    self.path.append(f"item {part + 1}")
            elif part != "[key]":  # pydantic's mark for a dict's key: the entry already names it
                self.path.append(str(part))
                ann = None
            raw = raw.get(part) if isinstance(raw, dict) else raw[part] if isinstance(raw, list) and isinstance(part, int) and part < len(raw) else None
            previous = part
        self.ann = ann

    def field(self) -> str:
        names = [p for p in self.path if not p.startswith("item ")]
        items = [p for p in self.path if p.startswith("item ")]
        text = f"field '{'.'.join(names)}'" if names else ""
        return ", ".join(x for x in (text, *items) if x)


def explain(e: ValidationError, model: type[BaseModel], raw: Any, where: str) -> list[str]:
    """One line per problem in ``e``, each starting with ``where`` (the file and the entry)."""
    errors = e.errors(include_url=False)
    places = [_Place(model, raw, tuple(err["loc"])) for err in errors]
    # A misspelt field also shows as its right name missing: say it once, as the misspelling.
    meant = set()
    for err, place in zip(errors, places, strict=True):
        if err["type"] == "extra_forbidden" and place.model is not None:
            guess = nearest(str(err["loc"][-1]), list(place.model.model_fields))
            meant.add((tuple(err["loc"][:-1]), guess))
    lines = []
    for err, place in zip(errors, places, strict=True):
        if err["type"] == "missing" and (tuple(err["loc"][:-1]), err["loc"][-1]) in meant:
            continue
        head = ", ".join([where, *place.entries, *([place.field()] if place.field() else [])])
        lines.append(f"{head}: {_words(err, place)}")
    return lines


def _choices(ann: Any) -> list[str]:
    ann = _unwrap(ann)
    if isinstance(ann, type) and issubclass(ann, Enum):
        return [str(m.value) for m in ann]
    return [str(a) for a in get_args(ann)] if get_origin(ann) is not None else []


def _list_of(ann: Any, name: str) -> str:
    ann = _unwrap(ann)
    args = get_args(ann)
    if get_origin(ann) is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        return "expected two numbers, lowest first, e.g. [0, 100] (null for no limit)"
    item = _unwrap(args[0]) if args else None
    if _is_model(item):
        return f"expected a list of {name.replace('_', ' ')}, each entry starting with '- code:'"
    return "expected a list of codes, one '- ' line each"


def _is_fraction(info: FieldInfo | None) -> bool:
    if info is None:
        return False
    validators = [m for m in info.metadata if isinstance(m, BeforeValidator)]
    validators += [m for a in get_args(info.annotation) for m in getattr(a, "__metadata__", ()) if isinstance(m, BeforeValidator)]
    return any(v.func is fraction for v in validators)


def _bounds(err: Any, place: _Place) -> str:
    meta = place.info.metadata if place.info else []
    as_percent = _is_fraction(place.info)

    def show(v: Any) -> str:
        return percent_text(Decimal(v)) if as_percent else str(v)

    def bound(word: str, attr: str) -> tuple[str, Any] | None:  # pydantic keeps Field(ge=...) as annotated_types.Ge(ge=...)
        return next(((word, getattr(m, attr)) for m in meta if getattr(m, attr, None) is not None), None)

    lo = bound("at least", "ge") or bound("more than", "gt")
    hi = bound("at most", "le") or bound("below", "lt")
    if lo and hi and lo[0] == "at least" and hi[0] == "at most":
        rule = f"must be between {show(lo[1])} and {show(hi[1])}"
    else:
        rule = "must be " + " and ".join(f"{pair[0]} {show(pair[1])}" for pair in (lo, hi) if pair)
    value = err["input"]
    try:
        typed = show(fraction(value)) if as_percent else str(value)
    except ValueError:
        typed = str(value)
    return f"{typed} is too {'low' if err['type'].startswith('greater') else 'high'}: it {rule}"


def _words(err: Any, place: _Place) -> str:
    """The plain-words message for one pydantic error."""
    kind, value = err["type"], err.get("input")
    name = place.path[-1] if place.path else ""
    if kind == "missing":
        return f"this field is required but missing; add a line '{name}: ...'"
    if kind == "extra_forbidden":
        return unknown_name(name, list(place.model.model_fields) if place.model else [])
    if kind in ("enum", "literal_error"):
        choices = _choices(place.ann) or [str(err.get("ctx", {}).get("expected", ""))]
        guess = nearest(str(value), choices)
        what = name.replace("_", " ")
        return f"'{value}' is not a {what} pmf knows; " + (f"did you mean '{guess}'? " if guess else "") + f"one of: {', '.join(choices)}"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return _bounds(err, place)
    if kind == "string_type":
        if isinstance(value, bool):
            return "expected text, but yes/no, true/false and on/off are read as a tick-box: put the text in quotes"
        if isinstance(value, (int, float, Decimal)):
            return f"expected text, not the number {value}; put it in quotes as it should read, e.g. '{value}'"
        return "expected text"
    if kind == "string_pattern_mismatch":
        return f"'{value}' cannot be used: " + _PATTERNS.get(str(err.get("ctx", {}).get("pattern")), "it is not in the expected form")
    if kind.startswith("int_"):
        return f"'{value}' is not a whole number; expected a whole number"
    if kind.startswith(("decimal_", "float_", "finite_")):
        return f"'{value}' is not a number; expected a number" if value is not None else "expected a number"
    if kind.startswith("bool_"):
        return f"'{value}' is not yes or no; expected yes or no"
    if kind in ("tuple_type", "list_type", "too_short", "too_long", "iterable_type"):
        return _list_of(place.ann, name)
    if kind in ("dict_type", "model_type", "model_attributes_type", "mapping_type"):
        if not place.path:
            return "expected an entry written as 'name: value' lines" + (", starting with '- code:'" if place.entries else "")
        return "expected 'name: value' lines indented beneath it"
    return f"'{value}' is not accepted here"


class Problems:
    """Every mistake found in the configuration, in file order, raised together as one ConfigError."""

    LIMIT = 50  # a page of lines: enough to fix in one sitting, short enough to read

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        self.lines.append(line)

    def extend(self, lines: list[str]) -> None:
        self.lines.extend(lines)

    def __bool__(self) -> bool:
        return bool(self.lines)

    def error(self) -> ConfigError:
        """One problem as its own line; several under a heading, the first LIMIT then how many more."""
        if len(self.lines) == 1:
            return ConfigError(self.lines[0])
        more = len(self.lines) - self.LIMIT
        return ConfigError(
            f"{len(self.lines)} problems in the configuration; fix them all, then run pmf check-config again:\n"
            + "\n".join(self.lines[: self.LIMIT])
            + (f"\nand {more} more" if more > 0 else "")
        )
