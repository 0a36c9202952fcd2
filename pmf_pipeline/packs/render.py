"""Render packs to self-contained HTML and to PDF (WeasyPrint, A4).

One Jinja environment, autoescaping on, filters registered here. The PDF renderer is given a URL
fetcher that allows only the project's own template files: nothing in a pack can make it read a
local file elsewhere or reach the network. The same pack data gives byte-identical HTML.

Typed text cannot break a pack: every text a template prints is cleaned by ``rules.text.display_text``
(the environment's ``finalize``: control characters made visible, bidirectional overrides removed),
and free text (comments) goes through the ``typed`` filter, which also bounds it
(``MAX_TEXT`` characters) and puts it in its own ``<bdi>``. Each pack's HTML and PDF are written whole
or not at all (``rules.writing.replacing``); rendering workers die with the run that started them.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import functools
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from pmf_pipeline.packs.content import Pack
from pmf_pipeline.rules.text import bounded, display_text
from pmf_pipeline.rules.writing import replacing, write_text

# The templates ship inside the package (package data), so an installed wheel finds them wherever it runs.
TEMPLATES = Path(str(resources.files("pmf_pipeline.packs") / "templates"))


def css_string(value: object) -> Markup:
    """A CSS string literal that no text can break out of (quotes, backslashes, '</style>')."""
    text = str(value)
    out = "".join(c if c.isalnum() or c in " .,:;()-–'" else f"\\{ord(c):x} " for c in text)
    return Markup(f'"{out}"')


PAGE, PAGES = "\x01", "\x02"  # where a page footer's message puts the page number and the page count


def page_numbers(message: object) -> Markup:
    """A page footer's CSS ``content`` from its message in the pack's language ("Page %(page)s of %(pages)s",
    given ``PAGE`` and ``PAGES`` for its placeholders): its words as CSS strings around the page counters."""
    parts = []
    for piece in str(message).replace(PAGES, "\0pages\0").replace(PAGE, "\0page\0").split("\0"):
        if piece in ("page", "pages"):
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(str(css_string(piece)))
    return Markup(" ".join(parts))


def safe_svg(value: str) -> Markup:
    """Charts are built by ``charts.trend_chart`` from numbers and escaped text only."""
    return Markup(value)


def typed(value: object) -> Markup:
    """Free text someone typed (a comment, a narrative figure): cleaned, at most ``MAX_TEXT``
    characters, its line breaks kept (each line escaped, joined by ``<br>``), and isolated in a
    ``<bdi>`` so it shows in the order it was typed and cannot reorder the text around it."""
    if value is None or value == "":
        return Markup("")
    lines = display_text(bounded(value)).split("\n")
    return Markup("<bdi>{}</bdi>").format(Markup("<br>").join(lines))


def _finalize(value: object) -> object:
    """Every text a template prints is cleaned; markup made here (badges, charts, ``typed``) is ours already."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return display_text(value)
    return value


def environment(strict: bool = False, lang: str = "en", config_dir: str | Path | None = None) -> jinja2.Environment:
    """The packs' Jinja environment in ``lang`` (``en`` or ``cy``): templates' fixed text goes through
    ``{{ _("...") }}`` (jinja2.ext.i18n, new-style gettext: ``_("%(n)s PIs", n=3)``), translated by the
    package's catalogue with the council's corrections from ``config_dir/translations/`` (``pmf_pipeline.i18n``).
    In English a message is its own text, so an English pack reads exactly as its template is written."""
    from pmf_pipeline.i18n import LANGUAGES, translations

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        extensions=["jinja2.ext.i18n"],
        autoescape=True,
        undefined=jinja2.StrictUndefined if strict else jinja2.Undefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.filters["css_string"] = css_string
    env.filters["safe_svg"] = safe_svg
    env.filters["typed"] = typed
    env.install_gettext_translations(translations(lang, config_dir), newstyle=True)  # type: ignore[attr-defined]
    env.globals["lang"] = lang
    env.globals.update(page_numbers=page_numbers, PAGE=PAGE, PAGES=PAGES)
    env.globals["language_names"] = LANGUAGES  # a link to the other language is named in that language
    return env


@functools.cache
def renderer_digest() -> str:
    """The templates' bytes and the versions of this tool and of WeasyPrint: what a pack looks like."""
    from importlib.metadata import version

    from pmf_pipeline import __version__

    h = hashlib.sha256(f"pmf-pipeline {__version__}; weasyprint {version('weasyprint')}".encode())
    for f in sorted(TEMPLATES.iterdir()):
        if f.is_file():
            h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def pack_key(pack: Pack) -> str:
    """Everything a pack's HTML and PDF depend on except the time it was prepared.

    Two packs with the same key differ at most in their 'Prepared' line, so ``pmf quarter`` keeps
    the files it already has instead of rendering them again. Every field of a pack is a string,
    number, flag or tuple of them (frozen dataclasses), so its repr is a faithful, stable digest input.
    """
    h = hashlib.sha256(renderer_digest().encode())
    h.update(repr(dataclasses.replace(pack, generated_at="")).encode("utf-8"))
    # The language, the links to the other languages and the lines of the completeness table are kept out of
    # the repr (an English-only council's keys stay as they were); a pack in another language adds them, and
    # the catalogue its fixed text comes from (the package's and the council's corrections).
    if pack.lang != "en" or pack.other_language:
        h.update(repr((pack.lang, pack.other_language, pack.return_lines)).encode("utf-8"))
        h.update(catalogue_digest(pack.lang, pack.config_dir or None).encode())
    return h.hexdigest()


def catalogue_digest(lang: str, config_dir: str | Path | None) -> str:
    """The bytes of the catalogue a pack in ``lang`` is translated with: the package's ``.po`` and the council's."""
    from pmf_pipeline.i18n.catalogue import council_catalogue, package_catalogue

    if lang == "en":
        return ""
    h = hashlib.sha256()
    for f in (package_catalogue(lang), council_catalogue(config_dir, lang) if config_dir else None):
        if f is not None and f.is_file():
            h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def render_html(pack: Pack, env: jinja2.Environment | None = None) -> str:
    """The pack's HTML, in its own language (``pack.lang``) unless ``env`` is given."""
    if env is None:
        env = environment(lang=pack.lang, config_dir=pack.config_dir or None)
    return env.get_template("pack.html").render(pack=pack)


def _fetcher():  # type: ignore[no-untyped-def]
    from weasyprint.urls import URLFetcher

    root = TEMPLATES.resolve()

    class TemplatesOnly(URLFetcher):
        """Fetch only files inside templates/; refuse every other URL (files elsewhere, http, data...)."""

        def fetch(self, url, headers=None):  # type: ignore[no-untyped-def]
            if url.startswith("file://"):
                from urllib.parse import urlparse
                from urllib.request import url2pathname  # file:///C:/... is C:\... on Windows

                path = Path(url2pathname(urlparse(url).path)).resolve()
                if path.is_relative_to(root) and path.is_file():
                    return super().fetch(url, headers)
            raise ValueError(f"pmf packs may not load {url[:80]!r}")

    return TemplatesOnly()


def render_pdf(html: str, out: Path) -> int:
    """Write the PDF (whole or not at all); return its page count.

    The PDF is tagged (``pdf_tags``): a structure tree of headings, lists, tables with their header
    cells and figures, in reading order, with the document's language (``<html lang>``) and title
    shown as the window title, so a screen reader can read it. It is not written as the ``pdf/ua-1``
    variant: that variant only adds a claim of PDF/UA conformance to the metadata, and WeasyPrint
    leaves running headers and footers outside the tree rather than marking them as artefacts, so
    the claim would not be true. A chart's ``<title>`` becomes its figure's ``/Alt`` (WeasyPrint 70).
    """
    from weasyprint import HTML

    doc = HTML(string=html, base_url=str(TEMPLATES) + "/", url_fetcher=_fetcher()).render()
    with replacing(out) as tmp:
        doc.write_pdf(tmp, pdf_tags=True)
    return len(doc.pages)


def _init_renderer(parent: int) -> None:
    """A rendering worker dies with the run that started it (even a SIGKILL of it), so it can never
    be left behind holding the data folder; if the run died before this line, the worker ends now."""
    from pmf_pipeline.returns.isolation import _die_with_parent

    _die_with_parent()
    if os.getppid() != parent:
        os._exit(1)


@dataclass(frozen=True)
class Rendered:
    slug: str
    title: str
    html: Path
    pdf: Path | None
    pages: int


def _render_one(pack: Pack, out_dir: Path, pdf: bool) -> Rendered:
    html = render_html(pack)
    html_path = out_dir / f"{pack.period}_{pack.slug}.html"
    pages, pdf_path = 0, None
    if pdf:  # the PDF first: a pack whose PDF could not be written keeps its earlier HTML too
        pdf_path = out_dir / f"{pack.period}_{pack.slug}.pdf"
        pages = render_pdf(html, pdf_path)
    write_text(html_path, html)
    return Rendered(pack.slug, pack.title, html_path, pdf_path, pages)


def render_packs(
    packs: list[Pack], out_dir: str | Path, pdf: bool = True, workers: int | None = None, on_progress: Callable[[Rendered], None] | None = None
) -> list[Rendered]:
    """Render every pack; PDFs are rendered in parallel worker processes (WeasyPrint is CPU-bound)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    workers = workers or min(len(packs), os.cpu_count() or 1)
    results: list[Rendered] = []
    if workers <= 1 or not pdf or len(packs) < 2:
        for p in packs:
            results.append(_render_one(p, out, pdf))
            if on_progress:
                on_progress(results[-1])
        return results
    with cf.ProcessPoolExecutor(max_workers=workers, initializer=_init_renderer, initargs=(os.getpid(),)) as ex:
        futures = [ex.submit(_render_one, p, out, pdf) for p in packs]
        for f in futures:
            results.append(f.result())
            if on_progress:
                on_progress(results[-1])
    return results
