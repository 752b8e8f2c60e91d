"""``csphub ingest``: the group of loaders for partner data files."""

from __future__ import annotations

import click

from csphub.cli import LazyGroup

INGEST_COMMANDS: dict[str, tuple[str, str]] = {
    "police-uk": (
        "csphub.cli.police_uk:police_uk",
        "Load data.police.uk street, outcomes and stop-and-search files, folders or zips.",
    ),
    "offence-counts": (
        "csphub.cli.offence_counts:offence_counts",
        "Load Home Office offence-code-level counts (for the exact Crime Severity Score).",
    ),
    "partner-asb": (
        "csphub.cli.partner_asb:partner_asb",
        "Load partner ASB incident extracts (council, police CAD) with the incident type.",
    ),
    "severity-weights": (
        "csphub.cli.offence_counts:severity_weights",
        "Load ONS Crime Severity Score weights per offence code.",
    ),
    "css-table": (
        "csphub.cli.published:css_table",
        "Load the ONS Crime Severity Score data tool table (CSP level, year ending March).",
    ),
    "msg": (
        "csphub.cli.published:msg",
        "Load Most Similar Group files (an area and its most similar areas, in order).",
    ),
    "partner": ("csphub.cli.partner:ingest_partner", "Load a partner dataset (CSV/Excel) described by a dataset profile."),
    "survey": ("csphub.cli.partner:ingest_survey", "Load community survey answers (one row a respondent)."),
}


@click.group(cls=LazyGroup, lazy_commands=INGEST_COMMANDS)
def ingest() -> None:
    """Load partner data files into the warehouse.

    Every loader validates each row: rows that fail go to quarantine (see `csphub quarantine`)
    with the file, line, field, value and reason, and the rest load. Loading the same file
    twice adds nothing; a load that fails part-way leaves the warehouse as it was.
    """
