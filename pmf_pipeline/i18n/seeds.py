"""Messages the catalogue holds before any code or template asks for them: the glossary's terms as the
packs print them today (pack.html, rules/status.py), so that their Welsh can be reviewed first.

``N_`` marks a message for extraction (``make catalogues``) and returns it unchanged. When phase 2
puts these texts through ``_()`` where they are printed, an entry here may go (or stay: it is harmless).
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Marks ``message`` for the catalogue without translating it."""
    return message


SEEDS = (
    # Status (the three-level scheme), trend, and the other schemes' ratings (rules/status.py)
    N_("Met"),
    N_("Within tolerance"),
    N_("Off target"),
    N_("On target"),
    N_("Not rated"),
    N_("No data"),
    N_("Improved"),
    N_("Maintained"),
    N_("Declined"),
    N_("Declined significantly"),
    N_("No comparison"),
    N_("Excellent"),
    N_("Good"),
    N_("Adequate"),
    N_("Unsatisfactory"),
    N_("Green"),
    N_("Amber"),
    N_("Red"),
    # The pack's cover, contents and headings (pack.html)
    N_("Quarterly performance report"),
    N_("Period"),
    N_("Data as at"),
    N_("Prepared"),
    N_("PIs in this pack"),
    N_("Contents"),
    N_("Overall status"),
    N_("Heat map"),
    N_("Achievements"),
    N_("Areas for improvement"),
    N_("Exceptions"),
    N_("Performance indicators in detail"),
    N_("Data completeness"),
    N_("How to read this report"),
    # Table headings (pack.html, _pi_table.html)
    N_("PI"),
    N_("Title"),
    N_("Target"),
    N_("Actual"),
    N_("Status"),
    N_("Trend"),
    N_("Same quarter last year"),
    N_("Last eight quarters"),
    N_("Commentary"),
    N_("Comment:"),
    N_("Directorate"),
    N_("Return"),
    N_("Total"),
    N_("Returns for this period"),
    N_("Exceptions with commentary"),
    N_("Commentary awaited from the service."),
    N_("Awaiting correction"),
    N_("awaiting correction"),
    N_("No PIs"),
    N_("Every PI in this pack has data."),
    # Actions (the glossary's terms as headings)
    N_("Action"),
    N_("Actions"),
    N_("Commitment"),
    N_("Service plan"),
    N_("Milestone"),
    N_("Due"),
    N_("Not started"),
    N_("In progress"),
    N_("Completed"),
    N_("Deferred"),
    N_("Ongoing"),
    N_("Cancelled"),
    # Printed from data in the packs (packs/content.py, rules/names.py, config/models.py, rules/actions.py)
    N_("Corporate performance overview"),
    N_("See below"),
    N_("Number"),
    N_("Days"),
    N_("Ratio"),
    N_("Rate per 1,000"),
    N_("Narrative"),
    N_("Complete"),
    N_("On track"),
    N_("Needs monitoring"),
    N_("Off track"),
    N_("Not yet due"),
    N_("No update"),
    N_("Blue: complete"),
    N_("Green: as planned"),
    N_("Yellow: minor issues"),
    N_("Amber: issues"),
    N_("Red: significant issues"),
)
