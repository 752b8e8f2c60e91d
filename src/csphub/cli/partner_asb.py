"""``csphub ingest partner-asb``: ASB incident extracts from partners, with the incident type."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from csphub.cli._common import warehouse

if TYPE_CHECKING:
    from csphub.analytics.partner_asb import PartnerAsbSummary
    from csphub.cli.demo import DemoContext

FIELD_NAMES = ("date", "time", "type", "category", "lsoa", "easting", "northing", "latitude",
               "longitude", "reference")


def _parse_columns(values: tuple[str, ...]) -> dict[str, str]:
    columns: dict[str, str] = {}
    for value in values:
        name, sep, header = value.partition("=")
        if not sep or name.strip() not in FIELD_NAMES or not header.strip():
            raise click.BadParameter(
                f"expected FIELD=COLUMN with FIELD one of {', '.join(FIELD_NAMES)}; got {value!r}",
                param_hint="--column")
        columns[name.strip()] = header.strip()
    return columns


@click.command("partner-asb")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", required=True,
              help="The partner the data comes from, e.g. 'Medway Council ASB team'.")
@click.option("--column", "column_overrides", multiple=True, metavar="FIELD=COLUMN",
              help="Name the file's column for a field when it is not recognised, e.g. "
                   "--column 'type=Problem Code'. Fields: " + ", ".join(FIELD_NAMES) + ".")
def partner_asb(files: tuple[Path, ...], source: str, column_overrides: tuple[str, ...]) -> None:
    """Load ASB incident extracts from a partner (council ASB team, police command and control).

    Reads CSV files with one incident a row: the date (or date and time; day first, e.g.
    31/01/2024, or ISO 2024-01-31), the incident type (e.g. Noise, Vehicle nuisance, Rowdy or
    inconsiderate behaviour; an empty type is kept as 'Not recorded'), optionally the national
    category (Personal, Nuisance, Environmental), and the location as an LSOA code, an easting
    and northing (British National Grid) or a latitude and longitude. Columns are recognised by
    their usual names; --column names any the loader does not recognise.

    Every row is checked; rows with a bad date, category or location go to quarantine (see
    `csphub quarantine`) and the rest load. Loading the same file again adds nothing; a newer
    file from the same --source replaces the earlier rows in the months it covers. If anything
    fails, nothing of this load is kept. Load LSOA boundaries first when files give points.

    Example: csphub ingest partner-asb asb-2023-24.csv --source "Medway Council ASB team"
    """
    from csphub.analytics.partner_asb import ingest_partner_asb

    columns = _parse_columns(column_overrides)
    console = Console(stderr=True)
    with warehouse() as con, Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=console, transient=True,
    ) as progress:
        task = progress.add_task("Loading partner ASB files", total=len(files))
        summary = ingest_partner_asb(
            con, list(files), source, columns,
            progress=lambda done, total: progress.update(task, completed=done, total=total))
    click.echo(format_summary(summary))


def format_summary(summary: PartnerAsbSummary) -> str:
    """The end-of-load summary, as printed."""
    months = f"{summary.months[0]} to {summary.months[-1]}" if summary.months else "none"
    lines = [
        f"source: {summary.source}",
        f"files: {summary.files_loaded} loaded, {summary.files_skipped} already loaded (skipped), "
        f"{summary.files_replaced} earlier files replaced ({summary.rows_replaced:,} rows)",
        f"rows: {summary.rows_loaded:,} loaded, {summary.rows_quarantined:,} quarantined",
        f"months: {months} ({len(summary.months)})",
    ]
    for label, columns in summary.columns.items():
        read = ", ".join(f"{f} <- {h!r}" for f, h in columns.items())
        encoding = summary.encodings.get(label, "UTF-8")
        lines.append(f"{Path(label).name}: {read}" + ("" if encoding == "UTF-8" else f" (read as {encoding})"))
    if summary.types:
        top = list(summary.types.items())
        shown = ", ".join(f"{t} {n:,}" for t, n in top[:8])
        lines.append(f"incident types ({len(top)}): {shown}" + (", ..." if len(top) > 8 else ""))
    if summary.rows_unplaced:
        lines.append(f"{summary.rows_unplaced:,} rows have coordinates in no LSOA boundary loaded: "
                     "they are kept but counted in no area until LSOA boundaries covering them are "
                     "loaded (csphub boundaries load) and csphub ingest partner-asb runs again "
                     "(with any file: each run places such rows)")
    if summary.rows_placed_earlier:
        lines.append(f"{summary.rows_placed_earlier:,} rows loaded earlier without an LSOA are now placed")
    if summary.rows_quarantined:
        lines.append("See the rejected rows and why with: csphub quarantine")
    return "\n".join(lines)


def load_demo_partner_asb(ctx: DemoContext) -> str:
    """Demo step: write Riverford council's typed ASB extract and load it like a real one.

    Add to ``DEMO_STEPS`` in ``csphub.cli.demo`` after the street files and the boundaries:
    ``("Load the council's ASB incidents", load_demo_partner_asb)``.
    """
    from csphub.analytics.partner_asb import ingest_partner_asb
    from csphub.analytics.synthetic.partner_asb import PARTNER_SOURCE, write_partner_asb_csv

    sources = ctx.require_sources()
    path = write_partner_asb_csv(sources, ctx.source_dir / "partner" / "riverford-council-asb.csv",
                                 ctx.seed)
    summary = ingest_partner_asb(ctx.con, [path], PARTNER_SOURCE)
    ctx.results["partner_asb"] = summary
    if summary.files_skipped:
        return f"{path.name} already loaded"
    return (f"{summary.rows_loaded:,} incidents of {len(summary.types)} types from "
            f"{PARTNER_SOURCE}, {summary.rows_quarantined:,} quarantined")
