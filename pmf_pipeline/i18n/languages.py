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
