"""The names of the files a framework's packs are written to: one place, so that ``check-config``
can refuse two packs that would share a file before any is written (``packs.render`` names each
``PERIOD_SLUG.html``)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

OVERVIEW_TITLE = "Corporate performance overview"  # a message of the catalogue too (i18n.seeds)
SLUG_LENGTH = 80


def directorate_title(name: str, gettext: Callable[[str], str] | None = None) -> str:
    """The title of a directorate's pack (in a Welsh pack's words with its ``gettext``)."""
    if gettext is None:
        return f"{name} directorate"
    return gettext("%(name)s directorate") % {"name": name}


def slug(text: str) -> str:
    """A pack's file name from its title: ASCII letters and digits joined by '-', accents folded
    ('Ŵ' gives 'w', so Welsh names stay apart), at most 80 characters. ``check-config`` refuses two
    packs of one framework with the same slug, or a title that gives none."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:SLUG_LENGTH].rstrip("-")
