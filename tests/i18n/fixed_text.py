"""The fixed text of a rendered pack: what a Welsh pack must take from the catalogue.

A pack's text is of three kinds: the configuration's (names, titles, definitions: they have their own
Welsh forms, ``name_cy``...), what updaters typed (commentary: shown as typed, never translated), and
the fixed text of the templates and of ``packs/content.py`` (headings, labels, sentences). Given the
rendered HTML and the data that went into it, ``fixed_texts`` returns the last kind: every text node,
and every ``alt``, ``aria-label`` and ``title`` attribute, with the data's texts cut out (each leaves
``…`` where it stood, so "Of … PIs:" shows the sentence around them), numbers, dates and times removed,
and what has no letter left dropped. A test of a Welsh pack asserts each one is translated in the
Welsh catalogue (phase 2 of issue 16; see docs/translation.md).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable
from html.parser import HTMLParser

from babel.dates import get_month_names
from pydantic import BaseModel

from pmf_pipeline.config.models import Config
from pmf_pipeline.i18n.languages import LANGUAGES

GAP = "…"
ATTRIBUTES = ("alt", "aria-label", "title")
_SKIP = {"style", "script"}
_MONTHS = "|".join(sorted({str(m) for loc in ("en_GB", "cy") for m in get_month_names("wide", locale=loc).values()}, key=len, reverse=True))
_FIGURES = [
    re.compile(rf"\b\d{{1,2}} (?:{_MONTHS}) \d{{4}}(?: \d{{1,2}}:\d{{2}}(?: [A-Z]{{2,4}})?)?"),  # 31 March 2027 10:00 BST
    re.compile(rf"\b\d{{1,2}} (?:{_MONTHS})\b"),  # 7 November
    re.compile(r"\b\d{4}-\d{2}(?:-Q\d)?\b"),  # 2026-27, 2026-27-Q2
    re.compile(r"[£−+-]?\d[\d,]*(?:\.\d+)?%?"),  # 1,234.5  51.2%  £250,000
]


class _Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skipping += 1
        for name, value in attrs:
            if name in ATTRIBUTES and value:
                self.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            self.texts.append(data)


def text_nodes(html: str) -> list[str]:
    """Every text node and text attribute of the page, outside ``<style>`` and ``<script>``."""
    parser = _Texts()
    parser.feed(html)
    parser.close()
    return parser.texts


def config_texts(config: Config) -> set[str]:
    """Every text of the configuration a pack may print, in English and Welsh, with the codes and references."""
    out: set[str] = set()

    def add(obj: object) -> None:
        if isinstance(obj, BaseModel) or (dataclasses.is_dataclass(obj) and not isinstance(obj, type)):
            names = type(obj).model_fields if isinstance(obj, BaseModel) else [f.name for f in dataclasses.fields(obj)]  # type: ignore[arg-type]
            for name in names:
                add(getattr(obj, name))
            for prop in ("heading", "plural_heading"):  # Term's capitalised forms
                if hasattr(type(obj), prop):
                    add(getattr(obj, prop))
        elif isinstance(obj, str):
            out.add(obj)
        elif isinstance(obj, dict):
            for v in obj.values():
                add(v)
        elif isinstance(obj, (tuple, list)):
            for v in obj:
                add(v)

    add(config.framework)
    for pi in config.pis.values():
        add(pi)
    for a in config.actions.values():
        add(a)
    return out


def typed_texts(obj: object) -> set[str]:
    """What updaters typed, found anywhere in a pack's data: its ``comment``, ``narrative_text`` and ``commentary`` fields."""
    out: set[str] = set()
    if isinstance(obj, (tuple, list)):
        for v in obj:
            out |= typed_texts(v)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if f.name in ("comment", "narrative_text", "commentary") and isinstance(value, str):
                out |= {line for line in value.split("\n") if line.strip()}
            else:
                out |= typed_texts(value)
    return out


def _symbols(text: str) -> str:
    """The text without the symbols a badge puts before its label ("✔ Met" is "Met"), nor spaces at its ends."""
    while text and (text[0].isspace() or unicodedata.category(text[0])[0] == "S" or text[0] in "–·"):
        text = text[1:]
    return text.rstrip()


def fixed_texts(html: str, data: Iterable[str]) -> list[str]:
    """The fixed texts of the page, once each, in the order first met (see the module docstring)."""
    # The longest first, so that a name containing another is cut whole; one-letter texts (units) are kept as text.
    cut = sorted({" ".join(d.split()) for d in data if len(d.strip()) > 1}, key=len, reverse=True)
    # One pattern, whole words only ("aim" is not cut from "claim"); the longest alternative is tried first.
    known = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, cut)) + r")(?!\w)") if cut else None
    found: dict[str, None] = {}
    for node in text_nodes(html):
        text = " ".join(node.split())
        if known is not None:
            text = known.sub(GAP, text)
        for pattern in _FIGURES:
            text = pattern.sub(GAP, text)
        text = re.sub(rf"{GAP}(?:[\s,;:·]*{GAP})+", GAP, text)
        text = _symbols(text)
        if any(c.isalpha() for c in text) and text not in LANGUAGES.values():
            found.setdefault(text, None)
    return list(found)
