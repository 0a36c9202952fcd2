"""The accessibility statement a council publishes beside its packs, in English and in Welsh.

The Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018
ask a council to say how accessible what it publishes is, what is not, and how to ask for another
format. pmf-pipeline writes that statement for the packs it renders, from what its tests check
(axe-core in Chromium for the HTML, the structure tree of the tagged PDF) and what they show it
cannot do, with the council's name and its ``contact:`` (``framework.yaml``); without a contact the
statement says ``[contact]``, for the council to replace before publishing.

A statement depends only on the council's name and contact, the templates and this tool's version,
so writing it again gives the same bytes; it is written whole or not at all (``rules.writing``).
The Welsh statement has not yet been checked by a Welsh speaker (see its template).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pmf_pipeline.config.models import Framework
from pmf_pipeline.packs.render import environment
from pmf_pipeline.rules.writing import write_text

CONTACT_MARKER = "[contact]"


@dataclass(frozen=True)
class Statement:
    """One language's statement: its ``lang``, template and the file written in the packs folder."""

    lang: str
    template: str
    file_name: str
    title: str


STATEMENTS = (
    Statement("en", "accessibility.html", "accessibility-statement.html", "Accessibility statement for the performance reports"),
    Statement("cy", "accessibility-cy.html", "datganiad-hygyrchedd.html", "Datganiad hygyrchedd ar gyfer yr adroddiadau perfformiad"),
)


def render_statement(statement: Statement, council: str, contact: str | None) -> str:
    from pmf_pipeline import __version__

    others = [s for s in STATEMENTS if s != statement]
    # pack.css is shared with the packs; its @page rules print a title and the council's name.
    page = {"period_label": statement.title, "council": council}
    return (
        environment()
        .get_template(statement.template)
        .render(pack=page, statement=statement, others=others, council=council, contact=contact or CONTACT_MARKER, version=__version__)
    )


def write_statements(framework: Framework, out_dir: str | Path) -> list[tuple[Statement, Path]]:
    """Write every language's statement into ``out_dir`` (the packs folder); return what was written where."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for s in STATEMENTS:
        path = out / s.file_name
        write_text(path, render_statement(s, framework.council, framework.contact))
        written.append((s, path))
    return written
