"""The Welsh forms still to write: every text a reader of a Welsh pack or workbook would see in English.

A council that publishes in Welsh (``languages:`` holds ``cy``) gives each text of its configuration
that reaches a reader a Welsh form beside the English (``name_cy``, ``title_cy``, ...). Until one is
written the English is shown (``i18n.in_language``), so a gap is not an error: ``welsh_gaps`` lists
them, grouped as a translation service would take them, and ``pmf check-config`` prints the list.
Fixed text (headings, status labels) is the catalogue's, not listed here; the status scheme's labels
are listed only where the council renamed a rating in English (``labels``) without a Welsh label.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pmf_pipeline.config.models import Config
from pmf_pipeline.i18n.languages import WELSH


@dataclass(frozen=True)
class Gap:
    """One text without its Welsh form: the entry (``PAM/007``, "" for the council) and the field to add (``title_cy``)."""

    where: str
    field: str

    def __str__(self) -> str:
        return f"{self.where} {self.field}".strip()


@dataclass(frozen=True)
class GapGroup:
    name: str  # "directorates", "PIs", ...
    gaps: tuple[Gap, ...]


@dataclass(frozen=True)
class WelshGaps:
    groups: tuple[GapGroup, ...]  # only groups with gaps, in the order below

    @property
    def total(self) -> int:
        return sum(len(g.gaps) for g in self.groups)


def _missing(obj: object, where: str, *fields: str) -> Iterator[Gap]:
    """The fields of ``obj`` with English text and no ``<field>_cy``."""
    for f in fields:
        if getattr(obj, f) and not getattr(obj, f"{f}_cy"):
            yield Gap(where, f"{f}_cy")


def welsh_gaps(config: Config) -> WelshGaps:
    """Every reader-facing text of the configuration without a Welsh form, grouped, in configuration order."""
    fw = config.framework
    council: list[Gap] = list(_missing(fw, "", "council"))
    for key in ("objective", "aim", "committee"):
        council += _missing(getattr(fw.terms, key), f"terms.{key}", "singular", "plural")
    for t in fw.pi_types:
        council += _missing(t, f"PI type {t.code}", "short", "name", "description")
    for k in fw.action_kinds:
        council += _missing(k, f"action kind {k.code}", "name")
    council += [Gap("labels_cy", code) for code in fw.labels if code not in fw.labels_cy]
    directorates = [g for d in fw.directorates for g in _missing(d, d.code, "name")]
    services = [g for d in fw.directorates for s in d.services for g in _missing(s, f"{d.code}/{s.code}", "name")]
    objectives: list[Gap] = []
    for o in fw.objectives:
        objectives += _missing(o, o.code, "title")
        objectives += [g for a in o.aims for g in _missing(a, f"{o.code}/{a.code}", "title")]
    committees = [g for c in fw.committees for g in _missing(c, c.code, "name")]
    pis = [g for pi in config.pis.values() for g in _missing(pi, pi.ref, "title", "definition")]
    actions: list[Gap] = []
    for a in config.actions.values():
        actions += _missing(a, a.ref, "title", "description")
        actions += [g for i, m in enumerate(a.milestones, 1) for g in _missing(m, f"{a.ref} milestone {i}", "title")]
    named = [
        ("council, terms and types", council),
        ("directorates", directorates),
        ("services", services),
        ("objectives and aims", objectives),
        ("committees", committees),
        ("PIs", pis),
        ("actions", actions),
    ]
    return WelshGaps(tuple(GapGroup(name, tuple(gaps)) for name, gaps in named if gaps))


def publishes_welsh(config: Config) -> bool:
    return WELSH in config.framework.languages


def gap_lines(gaps: WelshGaps, first: int = 5) -> list[str]:
    """The to-do list as ``pmf check-config`` prints it: a summary, then each group's count and its first few."""
    if not gaps.total:
        return ["Welsh: every text a reader sees has its Welsh form."]
    n = gaps.total
    lines = [
        f"Welsh: {n:,} {'text has' if n == 1 else 'texts have'} no Welsh form yet, so Welsh packs and workbooks show "
        f"{'it' if n == 1 else 'them'} in English (add each field named here beside its English):"
    ]
    for g in gaps.groups:
        shown = ", ".join(str(x) for x in g.gaps[:first])
        more = f" and {len(g.gaps) - first:,} more" if len(g.gaps) > first else ""
        lines.append(f"  {g.name} ({len(g.gaps):,}): {shown}{more}")
    return lines
