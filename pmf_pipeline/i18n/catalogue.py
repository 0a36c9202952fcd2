"""The fixed text of packs, workbooks, findings and summaries, in the reader's language (gettext, Babel).

Messages are written in English in the code and templates (``_("Off target")``); their Welsh is in
``locale/cy/LC_MESSAGES/pmf.po``, read at run time with Babel (``read_po`` → ``write_mo`` into memory
→ ``babel.support.Translations``), so no compiled ``.mo`` file has to be kept in step with the ``.po``.

A council corrects a term with its own ``config/translations/cy.po``: each message translated there
replaces the package's (the others stay as shipped). Translations not yet checked by a Welsh speaker
carry the flag ``#, unchecked`` in the catalogue, for a council's translation service to review; they
are used all the same. (A ``#, fuzzy`` translation is *not* used, as gettext never uses one: so pmf
does not mark its own with it.) English needs no catalogue: the message is its own English.

Catalogues are cached per language and council file (its path and modification time).
"""

from __future__ import annotations

import functools
import io
from importlib import resources
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import NullTranslations, Translations

from pmf_pipeline.errors import ConfigError
from pmf_pipeline.i18n.languages import ENGLISH, LANGUAGES

DOMAIN = "pmf"
UNCHECKED = "unchecked"  # the flag of a translation no Welsh speaker has checked yet
LOCALE_DIR = Path(str(resources.files("pmf_pipeline.i18n") / "locale"))


def package_catalogue(lang: str) -> Path:
    """The package's ``.po`` file for ``lang``."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def council_catalogue(config_dir: str | Path, lang: str) -> Path:
    """Where a council keeps its corrections for ``lang``: ``config/translations/<lang>.po``."""
    return Path(config_dir) / "translations" / f"{lang}.po"


def read_catalogue(path: Path, lang: str) -> Catalog:
    """A ``.po`` file as a Babel catalogue; a file that cannot be read is a ConfigError naming it."""
    try:
        with path.open("rb") as f:
            return read_po(f, locale=lang, abort_invalid=True)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (PoFileError, UnicodeDecodeError, ValueError) as e:
        raise ConfigError(f"{path}: not a readable gettext catalogue ({e}); check it with a PO editor") from None


def merged(lang: str, council: Path | None = None) -> Catalog:
    """The package's catalogue for ``lang`` with the council's translated messages over it."""
    catalogue = read_catalogue(package_catalogue(lang), lang)
    if council is not None and council.is_file():
        for m in read_catalogue(council, lang):
            if m.id and m.string and not m.fuzzy:
                del catalogue[m.id]  # assigning over an entry would keep its string (Babel merges)
                catalogue[m.id] = m
    return catalogue


def translations(lang: str, config_dir: str | Path | None = None) -> NullTranslations:
    """The gettext translations for ``lang`` (English: the messages as written), with the council's
    corrections from ``config_dir/translations/<lang>.po`` when it has that file."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; pmf knows {', '.join(LANGUAGES)}")
    if lang == ENGLISH:
        return NullTranslations()
    council = council_catalogue(config_dir, lang) if config_dir is not None else None
    stamp = council.stat().st_mtime_ns if council is not None and council.is_file() else None
    return _translations(lang, council, stamp)


@functools.cache
def _translations(lang: str, council: Path | None, stamp: int | None) -> Translations:
    buffer = io.BytesIO()
    write_mo(buffer, merged(lang, council), use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def unchecked(lang: str, config_dir: str | Path | None = None) -> list[str]:
    """The messages whose translation no Welsh speaker has checked yet (flag ``unchecked``)."""
    council = council_catalogue(config_dir, lang) if config_dir is not None else None
    return [m.id for m in merged(lang, council) if m.id and UNCHECKED in m.flags]  # type: ignore[misc]
