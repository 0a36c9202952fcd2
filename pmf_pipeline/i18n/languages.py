"""The languages pmf publishes in, and the Welsh forms of configuration texts.

A text in the configuration that reaches a reader (a directorate's name, a PI's title, ...) is written
in English in its field, and may carry its Welsh form beside it in the same field name with ``_cy``
added (``name_cy``, ``title_cy``). ``in_language`` picks the one for the language being written.
Pure: imports nothing of the configuration, so the models can use it.
"""

from __future__ import annotations

WELSH = "cy"
ENGLISH = "en"
# Code → the language's name in itself, as a link to the other language's pack would show it.
LANGUAGES = {ENGLISH: "English", WELSH: "Cymraeg"}


def in_language(obj: object, field: str, lang: str) -> str:
    """The text of ``obj.field`` in ``lang``: for ``cy`` its Welsh form ``obj.field_cy`` when that is
    written, else the English. The fallback is deliberate: a Welsh pack shows an untranslated name in
    English rather than leaving a gap, and ``pmf check-config`` lists every such text for translation."""
    english = getattr(obj, field)
    if lang == ENGLISH:
        return english  # type: ignore[no-any-return]
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; pmf knows {', '.join(LANGUAGES)}")
    welsh = getattr(obj, f"{field}_{lang}", "")
    return welsh if welsh else english  # type: ignore[no-any-return]


# What people write for a language when they mean one of ours.
_ALIASES = {
    "cym": "cy",
    "wel": "cy",
    "welsh": "cy",
    "cymraeg": "cy",
    "cy-gb": "cy",
    "cy_gb": "cy",
    "eng": "en",
    "english": "en",
    "saesneg": "en",
    "en-gb": "en",
    "en_gb": "en",
}


def language_code(text: object) -> str:
    """A language code as framework.yaml writes it (``en``, ``cy``); a ValueError naming the nearest one otherwise."""
    code = str(text).strip()
    if code in LANGUAGES:
        return code
    guess = _ALIASES.get(code.casefold()) or (code.casefold() if code.casefold() in LANGUAGES else None)
    known = ", ".join(f"{c} ({name})" for c, name in LANGUAGES.items())
    if guess is None:
        import difflib

        close = difflib.get_close_matches(code.casefold(), list(LANGUAGES), n=1, cutoff=0.5)
        guess = close[0] if close else None
    hint = f"did you mean '{guess}'? " if guess else ""
    raise ValueError(f"'{code}' is not a language code pmf knows; {hint}the codes are {known}")


def language_list(value: object) -> tuple[str, ...]:
    """A list of language codes in reading order, each known and given once; one code alone is a list of one."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not items:
        raise ValueError("expected a list of language codes, such as [en] or [cy, en] (the first is read first)")
    codes = tuple(language_code(i) for i in items)
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise ValueError(f"language {', '.join(twice)} is listed twice; give each language once")
    return codes
