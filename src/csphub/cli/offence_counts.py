"""``csphub ingest offence-counts`` and ``csphub ingest severity-weights``."""

from __future__ import annotations

from pathlib import Path

import click

from csphub.cli._common import warehouse

EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("offence-counts")
@click.argument("files", nargs=-1, required=True, type=EXISTING_FILE)
@click.option("--area-type", type=click.Choice(["pfa", "lad", "csp"]), default="pfa", show_default=True,
              help="What the file's areas are: police force areas, local authorities or CSPs.")
def offence_counts(files: tuple[Path, ...], area_type: str) -> None:
    """Load Home Office offence-code-level counts, for the exact Crime Severity Score.

    Reads the Home Office police recorded crime open data layout (Financial Year, Financial
    Quarter, Force Name, Offence Description, Offence Group, Offence Subgroup, Offence Code,
    Number of Offences) or area_code, area_name, financial_year, offence_code, count.
    Loading the same file twice adds nothing.
    """
    from csphub.analytics.offence_counts import load_offence_counts

    with warehouse() as con:
        for path in files:
            loaded, bad, skipped = load_offence_counts(con, path, area_type)
            if skipped:
                click.echo(f"{path.name}: already loaded, skipped")
            else:
                click.echo(f"{path.name}: {loaded:,} rows loaded, {bad:,} quarantined")


@click.command("severity-weights")
@click.argument("file", type=EXISTING_FILE)
def severity_weights(file: Path) -> None:
    """Load ONS Crime Severity Score weights per Home Office offence code.

    Columns ONS_SEVERITY_code and ONS_SEVERITY_weight (and POLICE_UK_CAT_MAP_category, used for
    the estimate from police.uk categories), or offence_code, weight, police_uk_category.
    Loading again replaces the weights.
    """
    from csphub.analytics.severity import load_severity_weights

    with warehouse() as con:
        click.echo(f"{file.name}: {load_severity_weights(con, file)} offence weights loaded")
